//! `/admin/jobs`: the back office publishes jobs. `PUT /admin/jobs/{job_id}` is an
//! upsert keyed by the back office's own reference: the first PUT creates the job (201),
//! later ones replace it (200) and record status changes; a PUT that changes nothing
//! writes nothing.

use portico::domain::asset::Asset;
use portico::domain::customer::Customer;
use portico::domain::file::FileOwner;
use portico::domain::ids::{CustomerId, JobId, TenantId};
use portico::domain::job::{Attachment, Job, JobFilter, JobInput, JobView};
use portico::domain::note::Note;
use portico::domain::principal::AdminPrincipal;
use portico::domain::site::Site;
use portico::domain::text::ExternalRef;
use portico::http::{guard, Reply, Req};
use portico::store::listing::{Conditions, Source};
use portico::store::{keys, Claim, Tx};
use portico::{App, Error, Result};

use super::Upserted;
use crate::schema::Problem;

/// A job by Portico id (`job_…`) or by the back office's reference.
pub async fn find(app: &App, tenant: TenantId, id_or_ref: &str) -> Result<Option<Job>> {
    super::find_published(app, id_or_ref, JobId::parse, |id| keys::job_key(tenant, id), |r| keys::job_ref(tenant, r))
        .await
}

#[utoipa::path(put, path = "/admin/jobs/{job_id}", request_body(content = JobInput, example = json!({"customer_id": "cus_01JD8Z6V5Q2W3E4R5T6Y7A8B9D", "site_id": "site_01JD8Z6V5Q2W3E4R5T6Y7A8B9F", "category": "repair", "work_order_type": "repair", "status": "completed", "description": "Boiler pressure drops overnight; replaced the expansion vessel.", "reported_at": "2026-11-20T08:00:00Z", "scheduled_at": "2026-11-21T09:00:00Z", "completed_at": "2026-11-21T11:30:00Z", "visit_count": 1, "cost": 12500, "currency": "EUR", "attachments": [{"kind": "service_record", "file_id": "file_01JD8Z6V5Q2W3E4R5T6Y7A8B9W", "name": "Service record WO-1001.pdf"}]})),
    params(("job_id" = portico::domain::text::ExternalRef, Path, description = "The back office's reference (external_ref)", example = "WO-1001"), ("If-Match" = Option<crate::schema::IfMatch>, Header)),
    responses((status = 200, body = JobView), (status = 201, body = JobView), (status = 400, body = Problem), (status = 409, body = Problem, description = "Another request is publishing this reference at the same moment; try again"), (status = 412, body = Problem), (status = 422, body = Problem, description = "`customer_id` or `site_id` is a reference that names no record")))]
pub async fn upsert(app: &App, req: Req) -> Result<Reply> {
    let admin = guard::admin(app, &req).await?;
    let target = req.path_param("job_id")?;
    let body = Box::pin(super::with_parents_by_id(app, admin.tenant, req.body()?)).await?;
    let input: JobInput = super::read_body(&body)?;
    Box::pin(publish(app, &admin, &target, input, req.if_match()?)).await?.reply()
}

/// `PUT /admin/jobs/{ref}` with its parsed body: the route and a batch item.
pub async fn publish(
    app: &App,
    admin: &AdminPrincipal,
    target: &str,
    input: JobInput,
    if_match: Option<u64>,
) -> Result<Upserted> {
    let reference = ExternalRef::parse(target).map_err(|e| Error::invalid_field("job_id", e.to_string()))?;
    input.validate()?;
    let tenant = admin.tenant;
    let mut wanted = vec![
        keys::customer_key(tenant, input.customer_id),
        keys::site_key(tenant, input.site_id),
        keys::job_ref(tenant, &reference),
    ];
    wanted.extend(input.asset_id.map(|a| keys::asset_key(tenant, a)));
    let found = app.store.batch(&wanted).await?;
    let customer = found.one::<Customer>()?.ok_or_else(|| {
        Error::invalid_field("customer_id", format!("customer `{}` does not exist", input.customer_id))
    })?;
    match found.one::<Site>()? {
        Some(site) if site.customer_id == customer.id => {}
        _ => {
            return Err(Error::invalid_field(
                "site_id",
                format!("site `{}` is not a site of customer `{}`", input.site_id, customer.id),
            ))
        }
    }
    if let Some(asset_id) = input.asset_id {
        match found.one::<Asset>()? {
            Some(asset) if asset.site_id == input.site_id => {}
            Some(asset) => {
                return Err(Error::invalid_field(
                    "asset_id",
                    format!("asset `{asset_id}` is at site `{}`, not at the job's site", asset.site_id),
                ))
            }
            None => return Err(Error::invalid_field("asset_id", format!("asset `{asset_id}` does not exist"))),
        }
    }
    let before: Option<Job> =
        super::claimed(app, found.one::<Claim>()?, JobId::parse, |id| keys::job_key(tenant, id)).await?;
    guard::if_match_sent_or_new(if_match, before.as_ref().map(|b| b.version))?;
    input.check_echo(&reference, before.as_ref())?;

    let mut tx = Tx::new(tenant, admin.actor());
    // Files attached before keep their record; new ones must be the tenant's, uploaded.
    let known: Vec<&Attachment> = before.iter().flat_map(|b| b.attachments.iter()).collect();
    let new_ids: Vec<_> =
        input.attachments.iter().map(|a| a.file_id).filter(|id| !known.iter().any(|k| k.file_id == *id)).collect();
    let files = crate::files::attachable(app, tenant, &FileOwner::Tenant, &new_ids, &mut tx).await?;
    let attachments = input
        .attachments
        .iter()
        .map(|a| match (files.iter().find(|f| f.id == a.file_id), known.iter().find(|k| k.file_id == a.file_id)) {
            (Some(f), _) => Ok(Attachment::of(a, &f.file_ref())),
            (None, Some(k)) => {
                Ok(Attachment { kind: a.kind, name: a.name.clone().unwrap_or_else(|| k.name.clone()), ..(*k).clone() })
            }
            (None, None) => Err(Error::invalid_field("attachments", format!("file `{}` does not exist", a.file_id))),
        })
        .collect::<Result<Vec<Attachment>>>()?;

    match before {
        None => {
            let job = Job::create(reference.clone(), input, customer.path.clone(), attachments);
            tx.claim(
                keys::job_ref(tenant, &reference),
                &job.id.to_string(),
                "this reference is being published; try again",
            );
            tx.create(&job, "job.created", "the job exists")?;
            if let Some(asset) = job.asset_id {
                tx.require(keys::asset_key(tenant, asset));
            }
            app.store.commit(tx).await?;
            Upserted::new(true, job.id, job.version, &job.view(), "jobs")
        }
        Some(before) => {
            let mut after = before.clone();
            after.replace(input, customer.path.clone(), attachments);
            if after.same_as(&before) {
                return Upserted::new(false, before.id, before.version, &before.view(), "jobs");
            }
            tx.update(&before, &after, before.version, "job.updated")?;
            if let Some(asset) = after.asset_id.filter(|a| before.asset_id != Some(*a)) {
                tx.require(keys::asset_key(tenant, asset));
            }
            app.store.commit(tx).await?;
            Upserted::new(false, after.id, after.version, &after.view(), "jobs")
        }
    }
}

#[utoipa::path(get, path = "/admin/jobs/{job_id}",
    params(("job_id" = portico::domain::text::ExternalRef, Path, description = "Portico's id (`job_…`) or the back office's reference", example = "WO-1001")),
    responses((status = 200, body = JobView), (status = 404, body = Problem)))]
pub async fn get(app: &App, req: Req) -> Result<Reply> {
    let admin = guard::admin(app, &req).await?;
    let job = find(app, admin.tenant, &req.path_param("job_id")?).await?.ok_or(Error::NotFound)?;
    Ok(Reply::ok(&job.view())?.etag(job.version))
}

#[utoipa::path(get, path = "/admin/jobs",
    params(
        ("customer_id" = Option<portico::domain::ids::CustomerId>, Query, description = "Only this customer's own sites' jobs", example = "cus_01JD8Z6V5Q2W3E4R5T6Y7A8B9D"),
        ("site_id" = Option<portico::domain::ids::SiteId>, Query),
        ("status" = Option<crate::schema::JobStatuses>, Query, description = "Comma-separated statuses", example = "completed"),
        ("category" = Option<crate::schema::JobCategories>, Query, description = "Comma-separated categories"),
        ("from" = Option<portico::domain::clock::Bound>, Query, description = "Reported at or after (RFC 3339 or YYYY-MM-DD)"),
        ("to" = Option<portico::domain::clock::Bound>, Query, description = "Reported at or before (RFC 3339 or YYYY-MM-DD, whole day)"),
        ("limit" = Option<i32>, Query), ("cursor" = Option<crate::schema::Cursor>, Query)),
    responses((status = 200, body = crate::schema::JobPage), (status = 400, body = Problem)))]
pub async fn list(app: &App, req: Req) -> Result<Reply> {
    let admin = guard::admin(app, &req).await?;
    let paging = req.paging()?;
    let filter = JobFilter::parse(|k| req.query(k))?;
    let customer = req
        .query("customer_id")
        .map(|v| CustomerId::parse(&v).map_err(|e| Error::invalid_field("customer_id", e.to_string())))
        .transpose()?;
    let tenant = admin.tenant;
    let (from, to) = (filter.from.map(keys::stamp), filter.to.map(keys::stamp));
    let mut conditions = Conditions::of_jobs(&filter);
    let source = match (filter.site_id, customer) {
        (Some(site), _) => Source::between(keys::jobs_at_site(tenant, site), from, to),
        (None, Some(c)) => Source::between(keys::jobs_of_customer(tenant, c), from, to),
        (None, None) => {
            conditions = conditions.within("reported_at", from, to);
            Source::all(keys::all_jobs(tenant))
        }
    };
    let customer_check = customer.filter(|_| filter.site_id.is_some());
    let list = format!("admin-jobs|{tenant}|{filter:?}|{customer:?}");
    let mut page = app.store.newest_first::<Job>(&list, &[source], &conditions, &paging).await?;
    page.items.retain(|j| customer_check.is_none_or(|c| j.customer_id == c) && filter.admits(j));
    Reply::ok(&page.map(|j| j.view()))
}

#[utoipa::path(get, path = "/admin/jobs/{job_id}/notes",
    params(("job_id" = portico::domain::text::ExternalRef, Path, description = "Portico's id (`job_…`) or the back office's reference", example = "job_01JD8Z6V5Q2W3E4R5T6Y7A8B9S"), ("limit" = Option<i32>, Query), ("cursor" = Option<crate::schema::Cursor>, Query)),
    responses((status = 200, body = crate::schema::NotePage), (status = 404, body = Problem)))]
pub async fn notes(app: &App, req: Req) -> Result<Reply> {
    let admin = guard::admin(app, &req).await?;
    let paging = req.paging()?;
    let job = find(app, admin.tenant, &req.path_param("job_id")?).await?.ok_or(Error::NotFound)?;
    let page = app.store.page::<Note>("job-notes", &keys::notes_of_job(admin.tenant, job.id), &paging).await?;
    Reply::ok(&page.map(|n| n.view()))
}
