//! Cognito triggers. `CustomMessage` brands the emails Cognito itself sends — the
//! verification code for a forgotten or reset password — with the tenant's name, colours
//! and the member's language. Invitations are Portico's own (`admin::members`).
//! `PreTokenGeneration` marks the tokens of a sign-in that used a second factor.

use std::collections::HashMap;

use portico::domain::member::Member;
use portico::domain::principal::{TriggerUser, CLAIM_MFA, MFA_TOTP};
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

/// Handles a pre-token-generation event: the ID token says whether this sign-in came
/// after a second factor (`portico:mfa: totp`), which Cognito's tokens do not say by
/// themselves. A login with an authenticator app switched on is asked for its code at
/// every sign-in (the pool's MFA is optional, devices are not remembered), so every
/// token issued to it — at sign-in or on refresh — follows one. If Cognito cannot be
/// asked, the claim is left out: sign-in goes on, and only what needs a second factor
/// is refused.
pub async fn pre_token_generation(app: &App, mut event: Value) -> Value {
    let pool = event["userPoolId"].as_str().unwrap_or_default().to_owned();
    let username = event["userName"].as_str().unwrap_or_default().to_owned();
    let totp = match app.identity().totp_enabled(&pool, &username).await {
        Ok(enabled) => enabled,
        Err(e) => {
            tracing::error!(error = %e, "could not tell whether the login has a second factor");
            false
        }
    };
    event["response"]["claimsOverrideDetails"] = if totp {
        serde_json::json!({ "claimsToAddOrOverride": { CLAIM_MFA: MFA_TOTP } })
    } else {
        serde_json::json!({ "claimsToSuppress": [CLAIM_MFA] })
    };
    event
}
