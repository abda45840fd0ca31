//! `GET, PUT /admin/settings`: the tenant's portal settings; `POST
//! /admin/settings/sender-email/verification` and `…/confirm`: confirming the reply
//! address (`portico::mail::reply_to`).

use portico::domain::settings::{SenderEmailConfirmation, SenderEmailVerification, Settings, SettingsInput};
use portico::domain::tenant::now;
use portico::http::{guard, Reply, Req};
use portico::mail::reply_to::{self, Confirmation};
use portico::mail::Brand;
use portico::{App, Error, Result};

use crate::schema::Problem;

#[utoipa::path(get, path = "/admin/settings",
    responses((status = 200, body = Settings, headers(("etag" = String))), (status = 403, body = Problem)))]
pub async fn get(app: &App, req: Req) -> Result<Reply> {
    let admin = guard::admin(app, &req).await?;
    let settings = app.store.settings(admin.tenant).await?;
    Ok(Reply::ok(&settings)?.etag(settings.version))
}

#[utoipa::path(put, path = "/admin/settings", request_body(content = SettingsInput, example = json!({"features": ["jobs", "work_requests", "quotes", "invoices", "assets", "documents", "messages", "reports", "payments"], "branding": {"display_name": "Acme Service", "logo_url": null, "primary_color": "#0b5fff", "portal_url": "https://portal.acme.test", "sender_email": "office@acme.test"}, "default_locale": "en", "work_order_types": [{"code": "repair", "name": "Repair"}, {"code": "service", "name": "Service"}], "setup_complete": true})),
    params(("If-Match" = Option<crate::schema::IfMatch>, Header, description = "ETag from a previous read; 412 when stale")),
    responses((status = 200, body = Settings), (status = 400, body = Problem), (status = 412, body = Problem), (status = 422, body = Problem)))]
pub async fn put(app: &App, req: Req) -> Result<Reply> {
    let admin = guard::admin(app, &req).await?;
    let input: SettingsInput = req.body()?;
    input.branding.check_addresses(app.config.local)?;
    let before = app.store.settings(admin.tenant).await?;
    guard::if_match(&req, before.version)?;
    let mut after = before.clone();
    after.replace(input)?;
    app.store.update(admin.tenant, admin.actor(), &before, &after, before.version, "settings.updated").await?;
    Ok(Reply::ok(&after)?.etag(after.version))
}

#[utoipa::path(post, path = "/admin/settings/sender-email/verification",
    params(("Idempotency-Key" = Option<String>, Header)),
    responses((status = 200, body = SenderEmailVerification, description = "a code went to `branding.sender_email`, for an admin to enter at `…/confirm`; until then emails carry no Reply-To"),
        (status = 409, body = Problem, description = "there is no `branding.sender_email`")))]
pub async fn verify_sender_email(app: &App, req: Req) -> Result<Reply> {
    let admin = guard::admin(app, &req).await?;
    let settings = app.store.settings(admin.tenant).await?;
    let email = sender_email(&settings)?;
    let (code, expires_at) = reply_to::issue(app.store.cursors(), admin.tenant, email, now());
    let brand = Brand::of(&settings);
    let valid_until = expires_at.utc().format(&time::format_description::well_known::Rfc2822).unwrap_or_default();
    let mail = Confirmation {
        locale: settings.default_locale,
        brand: &brand,
        email: email.as_str(),
        code: &code,
        valid_until: &valid_until,
    }
    .render()?;
    app.mailer().send(&brand, email, mail).await?;
    Reply::ok(&SenderEmailVerification { sent_to: email.clone(), expires_at })
}

/// The reply address the settings name.
fn sender_email(settings: &Settings) -> Result<&portico::domain::text::Email> {
    settings
        .branding
        .sender_email
        .as_ref()
        .ok_or_else(|| Error::conflict("there is no branding.sender_email: name one with PUT /admin/settings first"))
}

#[utoipa::path(post, path = "/admin/settings/sender-email/confirm", request_body(content = SenderEmailConfirmation, example = json!({"code": "REPLY-TO-CODE-OF-THE-FIXTURE-TENANT"})),
    params(("Idempotency-Key" = Option<String>, Header)),
    responses((status = 200, body = Settings, headers(("etag" = String)), description = "confirmed (or already): emails carry `sender_email` as their Reply-To"),
        (status = 400, body = Problem, description = "not a code mailed to `sender_email`, or it expired"),
        (status = 409, body = Problem, description = "there is no `branding.sender_email`")))]
pub async fn confirm_sender_email(app: &App, req: Req) -> Result<Reply> {
    let admin = guard::admin(app, &req).await?;
    let input: SenderEmailConfirmation = req.body()?;
    let before = app.store.settings(admin.tenant).await?;
    let email = sender_email(&before)?;
    if input.code.len() > 32 || !reply_to::confirms(app.store.cursors(), admin.tenant, email, &input.code, now()) {
        return Err(Error::invalid_field("code", format!("is not a code mailed to {email}, or it has expired")));
    }
    let mut after = before.clone();
    if after.confirm_sender_email() {
        let action = "settings.sender_email_confirmed";
        app.store.update(admin.tenant, admin.actor(), &before, &after, before.version, action).await?;
    }
    Ok(Reply::ok(&after)?.etag(after.version))
}
