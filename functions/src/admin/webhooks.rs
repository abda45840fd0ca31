//! `/admin/webhooks`: where the back office receives its events, signed (the rules are in
//! `portico::domain::webhook`; deliveries in `crate::webhooks`). The signing secret is
//! shown once, when it is made (creation, rotation), and is kept outside the audited
//! record.

use portico::domain::ids::{DeliveryId, TenantId, WebhookId};
use portico::domain::tenant::now;
use portico::domain::webhook::{
    Delivery, NewWebhook, Webhook, WebhookPatch, WebhookSecrets, WebhookStatus, MAX_WEBHOOKS,
};
use portico::http::{guard, Reply, Req};
use portico::store::listing::{Conditions, Source};
use portico::store::{keys, Tx};
use portico::{App, Error, Result};

use crate::schema::Problem;

async fn load(app: &App, req: &Req, tenant: TenantId) -> Result<Webhook> {
    let id = req.path_id("webhook_id", WebhookId::parse)?;
    app.store.get::<Webhook>(keys::webhook_key(tenant, id)).await?.ok_or(Error::NotFound)
}

#[utoipa::path(post, path = "/admin/webhooks", request_body(content = NewWebhook, example = json!({"url": "https://erp.example.com/portico/events", "event_types": ["quote.approved", "quote.rejected", "work_request.submitted"], "description": "ERP order intake"})),
    params(("Idempotency-Key" = Option<String>, Header)),
    responses((status = 201, body = portico::domain::webhook::WebhookView, description = "With its signing secret (`secret`), shown this once"), (status = 400, body = Problem), (status = 409, body = Problem, description = "The tenant has the most subscriptions it may (10)")))]
pub async fn create(app: &App, req: Req) -> Result<Reply> {
    let admin = guard::admin(app, &req).await?;
    let input: NewWebhook = req.body()?;
    let tenant = admin.tenant;
    portico::webhooks::resolve(&input.url, app.config.local).await?;
    let existing = app.store.query_all::<Webhook>(keys::all_webhooks(tenant)).await?;
    if existing.len() >= MAX_WEBHOOKS {
        return Err(Error::conflict(format!("a tenant has at most {MAX_WEBHOOKS} webhook subscriptions")));
    }
    let webhook = Webhook::create(input)?;
    let secrets = WebhookSecrets::new(webhook.id);
    let mut tx = Tx::new(tenant, admin.actor());
    tx.create(&webhook, "webhook.created", "the webhook exists")?;
    tx.put(&secrets)?;
    app.store.commit(tx).await?;
    let mut view = webhook.view();
    view.secret = Some(secrets.current);
    Ok(Reply::created(&view)?.etag(webhook.version).at(format!("/admin/webhooks/{}", webhook.id)))
}

#[utoipa::path(get, path = "/admin/webhooks",
    params(("limit" = Option<i32>, Query), ("cursor" = Option<crate::schema::Cursor>, Query)),
    responses((status = 200, body = crate::schema::WebhookPage, description = "Newest first"), (status = 400, body = Problem)))]
pub async fn list(app: &App, req: Req) -> Result<Reply> {
    let admin = guard::admin(app, &req).await?;
    let paging = req.paging()?;
    let tenant = admin.tenant;
    let list = format!("admin-webhooks|{tenant}");
    let source = Source::all(keys::all_webhooks(tenant));
    let page = app.store.newest_first::<Webhook>(&list, &[source], &Conditions::default(), &paging).await?;
    Reply::ok(&page.map(|w| w.view()))
}

#[utoipa::path(get, path = "/admin/webhooks/{webhook_id}",
    params(("webhook_id" = WebhookId, Path, example = "whk_01JD8Z6V5Q2W3E4R5T6Y7A8BA3")),
    responses((status = 200, body = portico::domain::webhook::WebhookView), (status = 404, body = Problem)))]
pub async fn get(app: &App, req: Req) -> Result<Reply> {
    let admin = guard::admin(app, &req).await?;
    let webhook = load(app, &req, admin.tenant).await?;
    Ok(Reply::ok(&webhook.view())?.etag(webhook.version))
}

#[utoipa::path(patch, path = "/admin/webhooks/{webhook_id}", request_body(content = WebhookPatch, example = json!({"event_types": ["quote.approved"], "status": "active"})),
    params(("webhook_id" = WebhookId, Path, example = "whk_01JD8Z6V5Q2W3E4R5T6Y7A8BA3"), ("If-Match" = Option<crate::schema::IfMatch>, Header)),
    responses((status = 200, body = portico::domain::webhook::WebhookView), (status = 400, body = Problem), (status = 404, body = Problem), (status = 412, body = Problem)))]
pub async fn update(app: &App, req: Req) -> Result<Reply> {
    let admin = guard::admin(app, &req).await?;
    let patch: WebhookPatch = req.body()?;
    let tenant = admin.tenant;
    let before = load(app, &req, tenant).await?;
    guard::if_match(&req, before.version)?;
    let mut after = before.clone();
    after.apply(patch)?;
    if after.version == before.version {
        return Ok(Reply::ok(&before.view())?.etag(before.version));
    }
    if after.url != before.url {
        portico::webhooks::resolve(&after.url, app.config.local).await?;
    }
    let action = match (before.status, after.status) {
        (WebhookStatus::Active, WebhookStatus::Paused) => "webhook.paused",
        (WebhookStatus::Paused, WebhookStatus::Active) => "webhook.resumed",
        _ => "webhook.updated",
    };
    app.store.update(tenant, admin.actor(), &before, &after, before.version, action).await?;
    Ok(Reply::ok(&after.view())?.etag(after.version))
}

#[utoipa::path(delete, path = "/admin/webhooks/{webhook_id}",
    params(("webhook_id" = WebhookId, Path, example = "whk_01JD8Z6V5Q2W3E4R5T6Y7A8BA3"), ("If-Match" = Option<crate::schema::IfMatch>, Header)),
    responses((status = 204, description = "Nothing more is sent to it; its delivery log expires with its TTL"), (status = 404, body = Problem), (status = 412, body = Problem)))]
pub async fn delete(app: &App, req: Req) -> Result<Reply> {
    let admin = guard::admin(app, &req).await?;
    let webhook = load(app, &req, admin.tenant).await?;
    guard::if_match(&req, webhook.version)?;
    let mut tx = Tx::new(admin.tenant, admin.actor());
    tx.delete(&webhook, webhook.version, "webhook.deleted")?;
    tx.remove(keys::webhook_secrets_key(admin.tenant, webhook.id));
    app.store.commit(tx).await?;
    Ok(Reply::no_content())
}

#[utoipa::path(post, path = "/admin/webhooks/{webhook_id}/rotate-secret",
    params(("webhook_id" = WebhookId, Path, example = "whk_01JD8Z6V5Q2W3E4R5T6Y7A8BA3"), ("Idempotency-Key" = Option<String>, Header)),
    responses((status = 200, body = portico::domain::webhook::WebhookView, description = "With the new secret (`secret`), shown this once; until `previous_secret_valid_until` (a day) deliveries carry a signature by each secret"), (status = 404, body = Problem)))]
pub async fn rotate_secret(app: &App, req: Req) -> Result<Reply> {
    let admin = guard::admin(app, &req).await?;
    let tenant = admin.tenant;
    let before = load(app, &req, tenant).await?;
    let key = keys::webhook_secrets_key(tenant, before.id);
    let mut secrets =
        app.store.get::<WebhookSecrets>(key).await?.ok_or_else(|| anyhow::anyhow!("a webhook without its secrets"))?;
    let at = now();
    secrets.rotate(at);
    let mut after = before.clone();
    after.secret_rotated_at = Some(at);
    after.updated_at = at;
    after.version += 1;
    let mut tx = Tx::new(tenant, admin.actor());
    tx.update(&before, &after, before.version, "webhook.secret_rotated")?;
    tx.put(&secrets)?;
    app.store.commit(tx).await?;
    let mut view = after.view();
    view.secret = Some(secrets.current.clone());
    view.previous_secret_valid_until = secrets.previous_until;
    Ok(Reply::ok(&view)?.etag(after.version))
}

#[utoipa::path(get, path = "/admin/webhooks/{webhook_id}/deliveries",
    params(("webhook_id" = WebhookId, Path, example = "whk_01JD8Z6V5Q2W3E4R5T6Y7A8BA3"),
        ("limit" = Option<i32>, Query), ("cursor" = Option<crate::schema::Cursor>, Query)),
    responses((status = 200, body = crate::schema::DeliveryPage, description = "Newest event first, each with every attempt (status, latency, response code, error); kept 30 days"), (status = 400, body = Problem), (status = 404, body = Problem)))]
pub async fn deliveries(app: &App, req: Req) -> Result<Reply> {
    let admin = guard::admin(app, &req).await?;
    let paging = req.paging()?;
    let tenant = admin.tenant;
    let webhook = load(app, &req, tenant).await?;
    let list = format!("admin-webhook-deliveries|{tenant}|{}", webhook.id);
    let source = Source::all(keys::webhook_deliveries(tenant, webhook.id));
    let page = app.store.newest_first::<Delivery>(&list, &[source], &Conditions::default(), &paging).await?;
    Reply::ok(&page.map(|d| d.view()))
}

#[utoipa::path(post, path = "/admin/webhooks/{webhook_id}/deliveries/{delivery_id}/replay",
    params(("webhook_id" = WebhookId, Path, example = "whk_01JD8Z6V5Q2W3E4R5T6Y7A8BA3"),
        ("delivery_id" = DeliveryId, Path, example = "dlv_01JD8Z6V5Q2W3E4R5T6Y7A8BA4"),
        ("Idempotency-Key" = Option<String>, Header)),
    responses((status = 200, body = portico::domain::webhook::DeliveryView, description = "Sent again now — the same body and `webhook-id`, signed afresh — whatever its state (a paused subscription too): the attempt's outcome is its last"), (status = 404, body = Problem)))]
pub async fn replay(app: &App, req: Req) -> Result<Reply> {
    let admin = guard::admin(app, &req).await?;
    let tenant = admin.tenant;
    let webhook = load(app, &req, tenant).await?;
    let id = req.path_id("delivery_id", DeliveryId::parse)?;
    let delivery =
        app.store.get::<Delivery>(keys::webhook_delivery_key(tenant, webhook.id, id)).await?.ok_or(Error::NotFound)?;
    let delivery = crate::webhooks::attempt(app, tenant, &webhook, delivery, now(), true).await?;
    Reply::ok(&delivery.view())
}
