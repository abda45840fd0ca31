//! `/portal/messages`: the messages that are current and addressed to the member — to
//! everyone, or to a group they belong to now — with whether they have read and
//! acknowledged each (the rules are in `portico::domain::message`). Any other message is
//! a 404.

use std::collections::BTreeMap;

use portico::domain::group::require_open;
use portico::domain::ids::{MessageId, TenantId};
use portico::domain::message::{current_for_member, HomeMessages, MessagePost, PortalMessageView, Receipt};
use portico::domain::settings::Feature;
use portico::domain::tenant::now;
use portico::http::guard::Portal;
use portico::http::{guard, Reply, Req};
use portico::store::keys;
use portico::store::listing::{Conditions, Source};
use portico::store::Tx;
use portico::{App, Error, Result};

use crate::schema::Problem;

/// The partitions of posts addressed to the member: everyone's and each of their groups'.
fn audiences(portal: &Portal) -> Vec<Option<portico::domain::ids::GroupId>> {
    std::iter::once(None).chain(portal.groups.iter().map(|g| Some(g.id))).collect()
}

async fn receipts(app: &App, portal: &Portal) -> Result<BTreeMap<MessageId, Receipt>> {
    let q = keys::receipts_of_member(portal.principal.tenant, portal.member.id);
    Ok(app.store.query_all::<Receipt>(q).await?.into_iter().map(|r| (r.message_id, r)).collect())
}

/// How many current messages addressed to the member they have not read (for
/// `GET /portal/me`): their audiences' posts (which expire when their message ends) and
/// their receipts, read at once. Zero without the feature or the permission.
pub async fn unread(app: &App, portal: &Portal) -> Result<u64> {
    if require_open(&portal.settings, &portal.rights, Feature::Messages).is_err() {
        return Ok(0);
    }
    let tenant = portal.principal.tenant;
    let posts = futures_util::future::try_join_all(
        audiences(portal).into_iter().map(|g| app.store.query_all::<MessagePost>(keys::messages_to(tenant, g))),
    );
    let (posts, receipts) = tokio::try_join!(posts, receipts(app, portal))?;
    let (_, unread) = current_for_member(posts.into_iter().flatten().collect(), &receipts, now());
    Ok(unread as u64)
}

/// The home page's messages: how many current messages addressed to the member they have
/// not read, and how many ask for an acknowledgement they have not given, with the newest
/// of those that need them (either); `None` without the messages section.
pub async fn waiting(app: &App, portal: &Portal) -> Result<Option<HomeMessages>> {
    if require_open(&portal.settings, &portal.rights, Feature::Messages).is_err() {
        return Ok(None);
    }
    let tenant = portal.principal.tenant;
    let posts = futures_util::future::try_join_all(
        audiences(portal).into_iter().map(|g| app.store.query_all::<MessagePost>(keys::messages_to(tenant, g))),
    );
    let (posts, receipts) = tokio::try_join!(posts, receipts(app, portal))?;
    let (mut current, unread) = current_for_member(posts.into_iter().flatten().collect(), &receipts, now());
    let unacknowledged =
        |p: &MessagePost| p.requires_ack && receipts.get(&p.message_id).is_none_or(|r| r.acknowledged_at.is_none());
    let to_acknowledge = current.iter().filter(|p| unacknowledged(p)).count();
    current.retain(|p| !receipts.contains_key(&p.message_id) || unacknowledged(p));
    current.sort_by(|a, b| b.published_at.cmp(&a.published_at).then(b.message_id.cmp(&a.message_id)));
    let more = current.len() > super::home::ITEMS;
    current.truncate(super::home::ITEMS);
    let items = current.iter().map(|p| p.portal_view(receipts.get(&p.message_id))).collect();
    Ok(Some(HomeMessages { unread: unread as u64, to_acknowledge: to_acknowledge as u64, items, more }))
}

/// The message's post, if the message is current and addressed to the member: one
/// BatchGetItem over their audiences' posts. Anything else is a 404.
async fn visible_post(app: &App, portal: &Portal, tenant: TenantId, id: MessageId) -> Result<MessagePost> {
    let wanted: Vec<_> = audiences(portal).into_iter().map(|g| keys::message_post_key(tenant, g, id)).collect();
    let posts = app.store.batch(&wanted).await?.all::<MessagePost>()?;
    posts.into_iter().find(|p| p.is_current(now())).ok_or(Error::NotFound)
}

#[utoipa::path(get, path = "/portal/messages",
    params(
        ("unread" = Option<bool>, Query, description = "Only messages not read yet (true); a page may then hold fewer than `limit` items"),
        ("limit" = Option<i32>, Query), ("cursor" = Option<crate::schema::Cursor>, Query)),
    responses((status = 200, body = crate::schema::PortalMessagePage, description = "Current messages addressed to you, newest first"), (status = 400, body = Problem), (status = 403, body = Problem)))]
pub async fn list(app: &App, req: Req) -> Result<Reply> {
    let portal = guard::member(app, &req).await?;
    require_open(&portal.settings, &portal.rights, Feature::Messages)?;
    let paging = req.paging()?;
    let unread_only = match req.query("unread").as_deref() {
        None | Some("false") => false,
        Some("true") => true,
        Some(_) => return Err(Error::invalid_field("unread", "must be `true` or `false`")),
    };
    let tenant = portal.principal.tenant;
    let sources: Vec<Source> =
        audiences(&portal).into_iter().map(|g| Source::all(keys::messages_to(tenant, g))).collect();
    let list = format!("portal-messages|{tenant}|{}|{unread_only}", portal.rights_version());
    let everything = Conditions::default();
    let (page, receipts) = tokio::try_join!(
        app.store.newest_first::<MessagePost>(&list, &sources, &everything, &paging),
        receipts(app, &portal),
    )?;
    let at = now();
    let mut page = page;
    page.items.retain(|p| p.is_current(at) && !(unread_only && receipts.contains_key(&p.message_id)));
    Reply::ok(&page.map(|p| p.portal_view(receipts.get(&p.message_id))))
}

/// Records the receipt (read, and acknowledged when `ack`), unless already recorded: the
/// first read and the first acknowledgement stand, whoever races them (a racing write
/// makes this one look again, a few times at most).
async fn record(app: &App, req: Req, ack: bool) -> Result<Reply> {
    let portal = guard::member(app, &req).await?;
    require_open(&portal.settings, &portal.rights, Feature::Messages)?;
    let tenant = portal.principal.tenant;
    let id = req.path_id("message_id", MessageId::parse)?;
    let key = keys::receipt_key(tenant, id, portal.member.id);
    let (post, mut existing) =
        tokio::try_join!(visible_post(app, &portal, tenant, id), app.store.get::<Receipt>(key.clone()))?;
    if ack && !post.requires_ack {
        return Err(Error::unprocessable("this message does not ask to be acknowledged"));
    }
    for _ in 0..3 {
        if let Some(receipt) = existing.as_ref().filter(|r| !ack || r.acknowledged_at.is_some()) {
            return Reply::ok(&post.portal_view(Some(receipt)));
        }
        let mut tx = Tx::new(tenant, portal.actor());
        let receipt = match existing.take() {
            None => {
                let mut receipt = Receipt::read(id, portal.member.id);
                if ack {
                    receipt.acknowledged_at = Some(receipt.read_at);
                }
                let action = if ack { "message.acknowledged" } else { "message.read" };
                tx.create(&receipt, action, "already recorded")?;
                receipt
            }
            Some(before) => {
                let mut after = before.clone();
                after.acknowledge();
                tx.update(&before, &after, before.version, "message.acknowledged")?;
                after
            }
        };
        match app.store.commit(tx).await {
            Ok(()) => return Reply::ok(&post.portal_view(Some(&receipt))),
            Err(Error::Conflict(_) | Error::Changed) => existing = app.store.get::<Receipt>(key.clone()).await?,
            Err(e) => return Err(e),
        }
    }
    Err(Error::Changed)
}

#[utoipa::path(post, path = "/portal/messages/{message_id}/read",
    params(("message_id" = portico::domain::ids::MessageId, Path, example = "msg_01JD8Z6V5Q2W3E4R5T6Y7A8BA2")),
    responses((status = 200, body = PortalMessageView, description = "Read (the first time it was marked so stands)"), (status = 403, body = Problem), (status = 404, body = Problem, description = "No such message for you: absent, not current, or not addressed to you")))]
pub async fn read(app: &App, req: Req) -> Result<Reply> {
    record(app, req, false).await
}

#[utoipa::path(post, path = "/portal/messages/{message_id}/ack",
    params(("message_id" = portico::domain::ids::MessageId, Path, example = "msg_01JD8Z6V5Q2W3E4R5T6Y7A8BA2")),
    responses((status = 200, body = PortalMessageView, description = "Acknowledged (and read); the first acknowledgement stands"), (status = 403, body = Problem), (status = 404, body = Problem, description = "No such message for you: absent, not current, or not addressed to you"), (status = 422, body = Problem, description = "The message does not ask to be acknowledged")))]
pub async fn ack(app: &App, req: Req) -> Result<Reply> {
    record(app, req, true).await
}
