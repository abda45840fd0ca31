//! `/admin/messages`: messages to every member of the portal or to access groups, within
//! an optional window, optionally to be acknowledged (the rules are in
//! `portico::domain::message`).

use std::collections::{BTreeMap, BTreeSet};

use portico::domain::ids::{GroupId, MemberId, MessageId, TenantId};
use portico::domain::member::Member;
use portico::domain::message::{
    AcknowledgementView, Message, MessagePatch, MessagePost, MessageView, NewMessage, Receipt, ReceiptCounts,
};
use portico::http::{guard, Reply, Req};
use portico::store::listing::{Conditions, Source};
use portico::store::{keys, Tx};
use portico::{App, Error, Result};

use crate::schema::Problem;

async fn load(app: &App, req: &Req, tenant: TenantId) -> Result<Message> {
    let id = req.path_id("message_id", MessageId::parse)?;
    app.store.get::<Message>(keys::message_key(tenant, id)).await?.ok_or(Error::NotFound)
}

/// Every group the change adds to the audience must exist (and still exist when it
/// commits). Groups already addressed are not checked again: a group deleted since does
/// not stop an admin from editing the message's text.
async fn check_groups(
    app: &App,
    tenant: TenantId,
    before: Option<&Message>,
    after: &Message,
    tx: &mut Tx,
) -> Result<()> {
    let ids: BTreeSet<GroupId> = after
        .audience
        .group_ids
        .iter()
        .filter(|g| before.is_none_or(|b| !b.audience.group_ids.contains(g)))
        .copied()
        .collect();
    if ids.is_empty() {
        return Ok(());
    }
    app.store.existing_groups(tenant, &ids, "audience.group_ids").await?;
    for g in ids {
        tx.require(keys::group_key(tenant, g));
    }
    Ok(())
}

/// Rewrites the posts: those of audiences no longer addressed go, the rest are replaced.
fn write_posts(tx: &mut Tx, tenant: TenantId, before: Option<&Message>, after: Option<&Message>) -> Result<()> {
    let new: Vec<MessagePost> = after.map(Message::posts).unwrap_or_default();
    for old in before.map(Message::posts).unwrap_or_default() {
        if !new.iter().any(|p| p.group_id == old.group_id) {
            tx.remove(keys::message_post_key(tenant, old.group_id, old.message_id));
        }
    }
    for post in &new {
        tx.put(post)?;
    }
    Ok(())
}

/// How many messages' receipts a list reads at once.
const COUNTS_AT_ONCE: usize = 10;

async fn counts(app: &App, tenant: TenantId, id: MessageId) -> Result<ReceiptCounts> {
    let receipts = app.store.query_all::<Receipt>(keys::receipts_of_message(tenant, id)).await?;
    Ok(ReceiptCounts {
        read: receipts.len() as u64,
        acknowledged: receipts.iter().filter(|r| r.acknowledged_at.is_some()).count() as u64,
    })
}

#[utoipa::path(post, path = "/admin/messages", request_body(content = NewMessage, example = json!({"title": "Outlet North closed on Friday", "body": "The car park at Outlet North is resurfaced on Friday.\nPlease use the side entrance.", "audience": {"group_ids": ["grp_01JD8Z6V5Q2W3E4R5T6Y7A8B9Q"]}, "starts_at": "2026-11-01T00:00:00Z", "ends_at": "2099-12-31T00:00:00Z", "requires_ack": true})),
    params(("Idempotency-Key" = Option<String>, Header)),
    responses((status = 201, body = MessageView), (status = 400, body = Problem)))]
pub async fn create(app: &App, req: Req) -> Result<Reply> {
    let admin = guard::admin(app, &req).await?;
    let input: NewMessage = req.body()?;
    let tenant = admin.tenant;
    let message = Message::create(input)?;
    let mut tx = Tx::new(tenant, admin.actor());
    check_groups(app, tenant, None, &message, &mut tx).await?;
    tx.create(&message, "message.created", "the message exists")?;
    write_posts(&mut tx, tenant, None, Some(&message))?;
    app.store.commit(tx).await?;
    let view = message.view(Some(ReceiptCounts::default()));
    Ok(Reply::created(&view)?.etag(message.version).at(format!("/admin/messages/{}", message.id)))
}

#[utoipa::path(get, path = "/admin/messages",
    params(("limit" = Option<i32>, Query), ("cursor" = Option<crate::schema::Cursor>, Query)),
    responses((status = 200, body = crate::schema::MessagePage, description = "Newest first, whatever their window; each with how many members have read and acknowledged it"), (status = 400, body = Problem)))]
pub async fn list(app: &App, req: Req) -> Result<Reply> {
    let admin = guard::admin(app, &req).await?;
    let paging = req.paging()?;
    let tenant = admin.tenant;
    let source = Source::all(keys::all_messages(tenant));
    let list = format!("admin-messages|{tenant}");
    let page = app.store.newest_first::<Message>(&list, &[source], &Conditions::default(), &paging).await?;
    // Each message's counts, read side by side (a few at a time): one round trip after
    // the page's.
    use futures_util::stream::{self, StreamExt as _, TryStreamExt as _};
    // (The futures are made first: a closure inside the stream would not be `Send` for
    // every lifetime, which the handler's future must be.)
    let reads: Vec<_> = page.items.iter().map(|m| counts(app, tenant, m.id)).collect();
    let counted: Vec<ReceiptCounts> = stream::iter(reads).buffered(COUNTS_AT_ONCE).try_collect().await?;
    let mut counted = counted.into_iter();
    Reply::ok(&page.map(|m| m.view(counted.next())))
}

#[utoipa::path(get, path = "/admin/messages/{message_id}",
    params(("message_id" = portico::domain::ids::MessageId, Path, example = "msg_01JD8Z6V5Q2W3E4R5T6Y7A8BA2")),
    responses((status = 200, body = MessageView, description = "With how many members have read and acknowledged it"), (status = 404, body = Problem)))]
pub async fn get(app: &App, req: Req) -> Result<Reply> {
    let admin = guard::admin(app, &req).await?;
    let message = load(app, &req, admin.tenant).await?;
    let counts = counts(app, admin.tenant, message.id).await?;
    Ok(Reply::ok(&message.view(Some(counts)))?.etag(message.version))
}

#[utoipa::path(patch, path = "/admin/messages/{message_id}", request_body(content = MessagePatch, example = json!({"title": "Site safety notice: hard hats from Monday", "ends_at": null})),
    params(("message_id" = portico::domain::ids::MessageId, Path, example = "msg_01JD8Z6V5Q2W3E4R5T6Y7A8BA2"), ("If-Match" = Option<crate::schema::IfMatch>, Header)),
    responses((status = 200, body = MessageView, description = "Receipts stay: a member who read the message before the change has read it"), (status = 400, body = Problem), (status = 404, body = Problem), (status = 412, body = Problem)))]
pub async fn update(app: &App, req: Req) -> Result<Reply> {
    let admin = guard::admin(app, &req).await?;
    let patch: MessagePatch = req.body()?;
    let tenant = admin.tenant;
    let before = load(app, &req, tenant).await?;
    guard::if_match(&req, before.version)?;
    let mut after = before.clone();
    after.apply(patch)?;
    let counts = counts(app, tenant, before.id).await?;
    if after.version == before.version {
        return Ok(Reply::ok(&before.view(Some(counts)))?.etag(before.version));
    }
    let mut tx = Tx::new(tenant, admin.actor());
    check_groups(app, tenant, Some(&before), &after, &mut tx).await?;
    tx.update(&before, &after, before.version, "message.updated")?;
    write_posts(&mut tx, tenant, Some(&before), Some(&after))?;
    app.store.commit(tx).await?;
    Ok(Reply::ok(&after.view(Some(counts)))?.etag(after.version))
}

#[utoipa::path(delete, path = "/admin/messages/{message_id}",
    params(("message_id" = portico::domain::ids::MessageId, Path, example = "msg_01JD8Z6V5Q2W3E4R5T6Y7A8BA2"), ("If-Match" = Option<crate::schema::IfMatch>, Header)),
    responses((status = 204, description = "Gone from the portal at once; the audit trail keeps the message and its acknowledgements"), (status = 404, body = Problem), (status = 412, body = Problem)))]
pub async fn delete(app: &App, req: Req) -> Result<Reply> {
    let admin = guard::admin(app, &req).await?;
    let message = load(app, &req, admin.tenant).await?;
    guard::if_match(&req, message.version)?;
    let mut tx = Tx::new(admin.tenant, admin.actor());
    tx.delete(&message, message.version, "message.deleted")?;
    write_posts(&mut tx, admin.tenant, Some(&message), None)?;
    app.store.commit(tx).await?;
    Ok(Reply::no_content())
}

#[utoipa::path(get, path = "/admin/messages/{message_id}/acknowledgements",
    params(("message_id" = portico::domain::ids::MessageId, Path, example = "msg_01JD8Z6V5Q2W3E4R5T6Y7A8BA2"),
        ("acknowledged" = Option<bool>, Query, description = "Only members who have (true) or have not (false) acknowledged it; a page may then hold fewer than `limit` items", example = false),
        ("limit" = Option<i32>, Query), ("cursor" = Option<crate::schema::Cursor>, Query)),
    responses((status = 200, body = crate::schema::AcknowledgementPage, description = "The members the message addresses now (everyone, or the members of its groups), newest member first, each with when they read and acknowledged it"), (status = 400, body = Problem), (status = 404, body = Problem)))]
pub async fn acknowledgements(app: &App, req: Req) -> Result<Reply> {
    let admin = guard::admin(app, &req).await?;
    let paging = req.paging()?;
    let acknowledged = match req.query("acknowledged").as_deref() {
        None => None,
        Some("true") => Some(true),
        Some("false") => Some(false),
        Some(_) => return Err(Error::invalid_field("acknowledged", "must be `true` or `false`")),
    };
    let tenant = admin.tenant;
    let message = load(app, &req, tenant).await?;
    let groups: Vec<String> = message.audience.group_ids.iter().map(|g| g.to_string()).collect();
    let groups: Vec<&str> = groups.iter().map(String::as_str).collect();
    let conditions = Conditions::default().contains_any("group_ids", &groups);
    let list = format!("admin-acks|{tenant}|{}|{}|{acknowledged:?}", message.id, message.version);
    let page = app
        .store
        .newest_first::<Member>(&list, &[Source::all(keys::all_members(tenant))], &conditions, &paging)
        .await?;
    let wanted: Vec<_> = page.items.iter().map(|m| keys::receipt_key(tenant, message.id, m.id)).collect();
    let receipts: BTreeMap<MemberId, Receipt> = if wanted.is_empty() {
        BTreeMap::new()
    } else {
        app.store.batch(&wanted).await?.all::<Receipt>()?.into_iter().map(|r| (r.member_id, r)).collect()
    };
    let mut page = page.map(|m| {
        let receipt = receipts.get(&m.id);
        AcknowledgementView {
            member_id: m.id,
            customer_id: m.customer_id,
            first_name: m.first_name,
            last_name: m.last_name,
            email: m.email,
            status: m.status,
            read_at: receipt.map(|r| r.read_at),
            acknowledged_at: receipt.and_then(|r| r.acknowledged_at),
        }
    });
    if let Some(wanted) = acknowledged {
        page.items.retain(|a| a.acknowledged_at.is_some() == wanted);
    }
    Reply::ok(&page)
}
