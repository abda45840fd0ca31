//! Work requests as both the office's inbox and the member's pipeline show them.

use std::collections::BTreeMap;

use portico::domain::ids::{JobId, TenantId};
use portico::domain::job::Job;
use portico::domain::work_request::{LinkedJob, RequestStatus, WorkRequest, WorkRequestView};
use portico::http::Req;
use portico::store::keys;
use portico::{App, Error, Result};

/// The pages' requests with their linked jobs as they are now (one BatchGetItem).
pub async fn views(app: &App, tenant: TenantId, requests: Vec<WorkRequest>) -> Result<Vec<WorkRequestView>> {
    let mut ids: Vec<JobId> = requests.iter().filter_map(|r| r.job_id).collect();
    ids.sort();
    ids.dedup();
    let jobs: BTreeMap<JobId, Job> = if ids.is_empty() {
        BTreeMap::new()
    } else {
        let keys: Vec<_> = ids.iter().map(|id| keys::job_key(tenant, *id)).collect();
        app.store.batch(&keys).await?.all::<Job>()?.into_iter().map(|j| (j.id, j)).collect()
    };
    Ok(requests
        .into_iter()
        .map(|r| {
            let job = r.job_id.and_then(|id| jobs.get(&id)).map(|j| LinkedJob {
                id: j.id,
                reference: j.external_ref.clone(),
                status: j.status,
            });
            r.view(job)
        })
        .collect())
}

/// `?status=` of a work-request list.
pub fn status_filter(req: &Req) -> Result<Option<RequestStatus>> {
    req.query("status")
        .map(|s| {
            RequestStatus::parse(&s)
                .ok_or_else(|| Error::invalid_field("status", "must be one of: submitted, accepted, declined"))
        })
        .transpose()
}
