//! Cognito triggers. `CustomMessage` brands the emails Cognito itself sends — the
//! verification code for a forgotten or reset password — with the tenant's name, colours
//! and the member's language. Invitations are Portico's own (`admin::members`).

use std::collections::HashMap;

use portico::domain::member::Member;
use portico::domain::principal::TriggerUser;
use portico::domain::settings::Settings;
use portico::domain::text::Locale;
use portico::mail::{Brand, CodeMessage};
use portico::store::keys;
use portico::{App, Result};
use serde_json::Value;

/// The trigger sources whose email carries a code for the user.
const CODE_MESSAGES: [&str; 4] = [
    "CustomMessage_ForgotPassword",
    "CustomMessage_ResendCode",
    "CustomMessage_VerifyUserAttribute",
    "CustomMessage_UpdateUserAttribute",
];

/// Handles a CustomMessage event: sets `response.emailSubject` and `emailMessage`. Any
/// other source, and any failure to brand, leaves Cognito's default message — a
/// missing brand must never block a password reset.
pub async fn custom_message(app: &App, mut event: Value) -> Value {
    let source = event["triggerSource"].as_str().unwrap_or_default().to_owned();
    if !CODE_MESSAGES.contains(&source.as_str()) {
        return event;
    }
    match branded(app, &event).await {
        Ok((subject, html)) => {
            event["response"]["emailSubject"] = Value::String(subject);
            event["response"]["emailMessage"] = Value::String(html);
            tracing::info!(source, "code message branded");
        }
        Err(e) => tracing::error!(error = %e, source, "code message left unbranded"),
    }
    event
}

async fn branded(app: &App, event: &Value) -> Result<(String, String)> {
    let attributes: HashMap<String, String> =
        serde_json::from_value(event["request"]["userAttributes"].clone()).unwrap_or_default();
    let user = TriggerUser::from_attributes(&attributes);
    let code = event["request"]["codeParameter"].as_str().unwrap_or("{####}");
    let (brand, locale) = match user.tenant {
        None => (Brand::platform(), Locale::En),
        Some(tenant) => {
            let mut wanted = vec![keys::settings_key(tenant)];
            wanted.extend(user.member.map(|m| keys::member_key(tenant, m)));
            let found = app.store.batch(&wanted).await?;
            let settings: Settings = found.settings()?;
            let member = found.one::<Member>()?;
            let locale = member.and_then(|m| m.locale).unwrap_or(settings.default_locale);
            (Brand::of(&settings), locale)
        }
    };
    let first_name = user.first_name.as_deref().unwrap_or_default();
    CodeMessage { locale, brand: &brand, first_name, code }.render()
}
