//! `/mail/unsubscribe`: the one-click unsubscribe link of every notification (RFC 8058).
//!
//! Public — no Cognito token: the link's signed token is the authority, and it can do
//! one thing only, switch one kind of email off for one recipient (see
//! `portico::mail::unsubscribe`). `GET` shows a page asking to confirm (a link opened by
//! a mail scanner changes nothing); `POST` — the confirming form, or the mail client's
//! own `List-Unsubscribe=One-Click` request — switches it off and says so. Doing it twice
//! is the same as once; a recipient deleted since is already unsubscribed.

use portico::domain::contact::Contact;
use portico::domain::member::Member;
use portico::domain::settings::Settings;
use portico::http::{Reply, Req};
use portico::mail::unsubscribe::{page, Party, Unsubscribe, PATH};
use portico::mail::Brand;
use portico::store::{keys, Actor, Tx};
use portico::{App, Error, Result};

use crate::schema::Problem;

fn open(app: &App, req: &Req) -> Result<(Unsubscribe, String)> {
    let token = req.query("token").ok_or_else(|| Error::invalid_field("token", "is required"))?;
    Ok((Unsubscribe::open(app.store.cursors(), &token)?, token))
}

async fn brand(app: &App, u: &Unsubscribe) -> Result<Brand> {
    let settings = app.store.get::<Settings>(keys::settings_key(u.tenant)).await?;
    Ok(settings.as_ref().map_or_else(Brand::platform, Brand::of))
}

/// Switches the kind off, version-checked; a concurrent change to the same record is
/// read again and the switch retried.
async fn switch_off(app: &App, u: &Unsubscribe) -> Result<()> {
    for _ in 0..3 {
        let tx = match u.party {
            Party::Member(id) => {
                let Some(before) = app.store.get::<Member>(keys::member_key(u.tenant, id)).await? else {
                    return Ok(());
                };
                let mut after = before.clone();
                if !after.unsubscribe(u.kind) {
                    return Ok(());
                }
                let mut tx = Tx::new(u.tenant, Actor(format!("member:{id}")));
                tx.update(&before, &after, before.version, "member.unsubscribed")?;
                tx
            }
            Party::Contact(id) => {
                let Some(before) = app.store.get::<Contact>(keys::contact_key(u.tenant, id)).await? else {
                    return Ok(());
                };
                let mut after = before.clone();
                if !after.mute(u.kind) {
                    return Ok(());
                }
                let mut tx = Tx::new(u.tenant, Actor(format!("contact:{id}")));
                tx.update(&before, &after, before.version, "contact.unsubscribed")?;
                tx
            }
        };
        match app.store.commit(tx).await {
            Err(Error::Changed) => continue,
            other => return other,
        }
    }
    Err(Error::Changed)
}

#[utoipa::path(get, path = "/mail/unsubscribe", tag = "mail",
    params(("token" = String, Query, description = "The signed token of an email's unsubscribe link")),
    responses(
        (status = 200, content_type = "text/html", body = String, description = "A page asking to confirm; its form posts back to the same link. Nothing changes yet."),
        (status = 400, body = Problem)))]
pub async fn show(app: &App, req: Req) -> Result<Reply> {
    let (u, token) = open(app, &req)?;
    let brand = brand(app, &u).await?;
    Ok(Reply::html(page(&u, &brand, Some(&format!("{PATH}?token={token}")))?))
}

#[utoipa::path(post, path = "/mail/unsubscribe", tag = "mail",
    params(("token" = String, Query, description = "The signed token of an email's unsubscribe link")),
    responses(
        (status = 200, content_type = "text/html", body = String, description = "Switched off (or already off): that kind of email no longer goes to this recipient. Mail clients send `List-Unsubscribe=One-Click` as a form body (RFC 8058); any body, or none, is accepted."),
        (status = 400, body = Problem)))]
pub async fn confirm(app: &App, req: Req) -> Result<Reply> {
    let (u, _) = open(app, &req)?;
    switch_off(app, &u).await?;
    let brand = brand(app, &u).await?;
    Ok(Reply::html(page(&u, &brand, None)?))
}
