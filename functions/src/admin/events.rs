//! `/admin/events`: the pull feed of integration events for back offices that cannot
//! receive webhooks — the same payloads, oldest first, after a cursor the client keeps
//! (`store::feed` says what the order promises). One to a few Queries of the tenant's
//! audit partition per request.

use portico::domain::integration_event::audit_id;
use portico::domain::tenant::now;
use portico::error::Error;
use portico::http::{guard, Reply, Req};
use portico::{App, Result};

use crate::schema::Problem;

#[utoipa::path(get, path = "/admin/events",
    params(
        ("after" = Option<crate::schema::EventCursor>, Query, description = "The `next_after` of the previous page (or any event's `id`): the events after it. Without it, from the oldest kept (400 days).", example = "evt_01JD8Z6V5Q2W3E4R5T6Y7A8B9C"),
        ("limit" = Option<i32>, Query, description = "At most this many events (1–200, default 50)")),
    responses((status = 200, body = portico::store::feed::FeedPage, description = "Oldest first; only events at least 30 seconds old (a later request never finds an earlier event)"), (status = 400, body = Problem)))]
pub async fn list(app: &App, req: Req) -> Result<Reply> {
    let admin = guard::admin(app, &req).await?;
    let limit = req.paging()?.limit;
    let after = req.query("after");
    let after = match after.as_deref() {
        None => None,
        Some(cursor) => Some(audit_id(cursor).ok_or_else(|| {
            Error::invalid_field("after", "must be an event id (evt_ and 26 characters) from this feed")
        })?),
    };
    let limit = usize::try_from(limit).unwrap_or(1);
    let page = app.store.feed(admin.tenant, after, limit, now().unix_millis()).await?;
    Reply::ok(&page)
}
