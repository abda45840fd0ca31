//! `/mail/unsubscribe`: the one-click unsubscribe link of every notification (RFC 8058).
//!
//! Public — no Cognito token: the link's signed token is the authority, and it can do
//! one thing only, switch one kind of email off for one recipient (see
//! `portico::mail::unsubscribe`). `GET` shows a page asking to confirm (a link opened by
//! a mail scanner changes nothing); `POST` — the confirming form, or the mail client's
//! own `List-Unsubscribe=One-Click` request — switches it off and says so. Doing it twice
//! is the same as once; a recipient deleted since is already unsubscribed. The change is
//! made as the recipient (`member:<id>`, `contact:<id>`): it is their link.

use portico::domain::settings::Settings;
use portico::http::{Reply, Req};
use portico::mail::unsubscribe::{page, Party, Unsubscribe, PATH};
use portico::mail::Brand;
use portico::store::keys;
use portico::{App, Error, Result};

use crate::recipient::{amend, Change};
use crate::schema::Problem;

fn open(app: &App, req: &Req) -> Result<(Unsubscribe, String)> {
    let token = req.query("token").ok_or_else(|| Error::invalid_field("token", "is required"))?;
    Ok((Unsubscribe::open(app.store.cursors(), &token)?, token))
}

async fn brand(app: &App, u: &Unsubscribe) -> Result<Brand> {
    let settings = app.store.get::<Settings>(keys::settings_key(u.tenant)).await?;
    Ok(settings.as_ref().map_or_else(Brand::platform, Brand::of))
}

/// Switches the kind off (the recipient is the actor: it is their link).
async fn switch_off(app: &App, u: &Unsubscribe) -> Result<()> {
    let kind = u.kind;
    let actor = match u.party {
        Party::Member(id) => format!("member:{id}"),
        Party::Contact(id) => format!("contact:{id}"),
    };
    let change = Change { member: &|m| m.unsubscribe(kind), contact: &|c| c.mute(kind), action: "unsubscribed" };
    amend(app, u.tenant, u.party, &actor, &change).await.map(|_| ())
}

#[utoipa::path(get, path = "/mail/unsubscribe",
    params(("token" = crate::schema::UnsubscribeToken, Query, description = "The signed token of an email's unsubscribe link", example = "UNSUBSCRIBE-TOKEN-OF-THE-FIXTURE-MEMBER-FOR-QUOTES")),
    responses(
        (status = 200, content_type = "text/html", body = String, description = "A page asking to confirm; its form posts back to the same link. Nothing changes yet."),
        (status = 400, body = Problem)))]
pub async fn show(app: &App, req: Req) -> Result<Reply> {
    let (u, token) = open(app, &req)?;
    let brand = brand(app, &u).await?;
    Ok(Reply::html(page(&u, &brand, Some(&format!("{PATH}?token={token}")))?))
}

#[utoipa::path(post, path = "/mail/unsubscribe",
    params(("token" = crate::schema::UnsubscribeToken, Query, description = "The signed token of an email's unsubscribe link", example = "UNSUBSCRIBE-TOKEN-OF-THE-FIXTURE-MEMBER-FOR-QUOTES")),
    responses(
        (status = 200, content_type = "text/html", body = String, description = "Switched off (or already off): that kind of email no longer goes to this recipient. Mail clients send `List-Unsubscribe=One-Click` as a form body (RFC 8058); any body, or none, is accepted."),
        (status = 400, body = Problem)))]
pub async fn confirm(app: &App, req: Req) -> Result<Reply> {
    let (u, _) = open(app, &req)?;
    switch_off(app, &u).await?;
    let brand = brand(app, &u).await?;
    Ok(Reply::html(page(&u, &brand, None)?))
}
