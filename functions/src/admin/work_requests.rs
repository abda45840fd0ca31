//! `/admin/work-requests`: the inbox. An admin accepts a request by linking the job that
//! answers it, or declines it with a reason the member reads.

use portico::domain::ids::{TenantId, WorkRequestId};
use portico::domain::work_request::{AcceptRequest, DeclineRequest, LinkedJob, WorkRequest, WorkRequestView};
use portico::http::{guard, Reply, Req};
use portico::store::listing::{Conditions, Source};
use portico::store::{keys, Page, Tx};
use portico::{App, Error, Result};

use crate::schema::Problem;
use crate::work_requests::{status_filter, views};

async fn load(app: &App, req: &Req, tenant: TenantId) -> Result<WorkRequest> {
    let id = req.path_id("request_id", WorkRequestId::parse)?;
    app.store.get::<WorkRequest>(keys::work_request_key(tenant, id)).await?.ok_or(Error::NotFound)
}

#[utoipa::path(get, path = "/admin/work-requests",
    params(("status" = Option<portico::domain::work_request::RequestStatus>, Query, description = "submitted, accepted or declined", example = "submitted"), ("limit" = Option<i32>, Query), ("cursor" = Option<crate::schema::Cursor>, Query)),
    responses((status = 200, body = crate::schema::WorkRequestPage), (status = 400, body = Problem)))]
pub async fn list(app: &App, req: Req) -> Result<Reply> {
    let admin = guard::admin(app, &req).await?;
    let paging = req.paging()?;
    let status = status_filter(&req)?;
    let conditions = Conditions::default().any_of("status", &status.iter().map(|s| s.as_str()).collect::<Vec<_>>());
    let list = format!("admin-requests|{}|{status:?}", admin.tenant);
    let page = app
        .store
        .newest_first::<WorkRequest>(&list, &[Source::all(keys::all_requests(admin.tenant))], &conditions, &paging)
        .await?;
    let items: Vec<WorkRequest> = page.items.into_iter().filter(|r| status.is_none_or(|s| r.status == s)).collect();
    Reply::ok(&Page { items: views(app, admin.tenant, items).await?, next_cursor: page.next_cursor })
}

#[utoipa::path(get, path = "/admin/work-requests/{request_id}",
    params(("request_id" = portico::domain::ids::WorkRequestId, Path, example = "wr_01JD8Z6V5Q2W3E4R5T6Y7A8B9T")),
    responses((status = 200, body = WorkRequestView), (status = 404, body = Problem)))]
pub async fn get(app: &App, req: Req) -> Result<Reply> {
    let admin = guard::admin(app, &req).await?;
    let request = load(app, &req, admin.tenant).await?;
    let version = request.version;
    let view = views(app, admin.tenant, vec![request]).await?.pop().ok_or(Error::NotFound)?;
    Ok(Reply::ok(&view)?.etag(version))
}

/// The answer for a decision whose write found the request changed since it was read.
/// Without `If-Match` the caller could not have known: they get what coming second gets
/// — 422 when another decision won the race, else 409 (something else changed; retry).
async fn lost_race(
    app: &App,
    req: &Req,
    tenant: TenantId,
    error: Error,
    decide: impl FnOnce(&mut WorkRequest) -> Result<()>,
) -> Error {
    if !matches!(error, Error::Changed) || !matches!(req.if_match(), Ok(None)) {
        return error;
    }
    match load(app, req, tenant).await {
        Ok(mut now) => match decide(&mut now) {
            Err(decided) => decided,
            Ok(()) => Error::conflict("the request or its job changed while this decision was made; try again"),
        },
        Err(e) => e,
    }
}

#[utoipa::path(post, path = "/admin/work-requests/{request_id}/accept", request_body(content = AcceptRequest, example = json!({"job_id": "WO-1001"})),
    params(("request_id" = portico::domain::ids::WorkRequestId, Path, example = "wr_01JD8Z6V5Q2W3E4R5T6Y7A8B9T"), ("If-Match" = Option<crate::schema::IfMatch>, Header)),
    responses((status = 200, body = WorkRequestView), (status = 400, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
pub async fn accept(app: &App, req: Req) -> Result<Reply> {
    let admin = guard::admin(app, &req).await?;
    let input: AcceptRequest = req.body()?;
    let before = load(app, &req, admin.tenant).await?;
    guard::if_match(&req, before.version)?;
    let job = super::jobs::find(app, admin.tenant, &input.job_id)
        .await?
        .ok_or_else(|| Error::invalid_field("job_id", "no such job"))?;
    if job.customer_id != before.customer_id {
        return Err(Error::unprocessable("the job is for another customer than the request"));
    }
    if job.work_request_id.is_some_and(|w| w != before.id) {
        return Err(Error::conflict("the job already answers another work request"));
    }
    let mut after = before.clone();
    after.accept(job.id)?;
    let mut linked = job.clone();
    linked.work_request_id = Some(before.id);
    linked.version += 1;
    let mut tx = Tx::new(admin.tenant, admin.actor());
    tx.update(&before, &after, before.version, "work_request.accepted")?;
    tx.update(&job, &linked, job.version, "job.linked")?;
    if let Err(e) = app.store.commit(tx).await {
        return Err(lost_race(app, &req, admin.tenant, e, |now| now.accept(job.id)).await);
    }
    let link = LinkedJob { id: linked.id, reference: linked.external_ref.clone(), status: linked.status };
    Ok(Reply::ok(&after.view(Some(link)))?.etag(after.version))
}

#[utoipa::path(post, path = "/admin/work-requests/{request_id}/decline", request_body(content = DeclineRequest, example = json!({"reason": "Covered by the planned maintenance visit on 2 December."})),
    params(("request_id" = portico::domain::ids::WorkRequestId, Path, example = "wr_01JD8Z6V5Q2W3E4R5T6Y7A8B9V"), ("If-Match" = Option<crate::schema::IfMatch>, Header)),
    responses((status = 200, body = WorkRequestView), (status = 400, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
pub async fn decline(app: &App, req: Req) -> Result<Reply> {
    let admin = guard::admin(app, &req).await?;
    let input: DeclineRequest = req.body()?;
    let before = load(app, &req, admin.tenant).await?;
    guard::if_match(&req, before.version)?;
    let mut after = before.clone();
    after.decline(input.reason.clone())?;
    let declined =
        app.store.update(admin.tenant, admin.actor(), &before, &after, before.version, "work_request.declined");
    if let Err(e) = declined.await {
        return Err(lost_race(app, &req, admin.tenant, e, |now| now.decline(input.reason)).await);
    }
    Ok(Reply::ok(&after.view(None))?.etag(after.version))
}
