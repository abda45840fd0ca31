//! `POST /portal/uploads`: a presigned upload for a note's or a work request's files.
//! The file belongs to the member's customer: only that customer's members (and the
//! tenant's admins) can attach or read it.

use portico::domain::file::{FileOwner, NewUpload, UploadView};
use portico::domain::rights::Permission;
use portico::domain::settings::Feature;
use portico::http::{guard, Reply, Req};
use portico::{App, Error, Result};

use crate::schema::Problem;

#[utoipa::path(post, path = "/portal/uploads", request_body(content = NewUpload, example = json!({"file_name": "leak under sink.jpg", "content_type": "image/jpeg", "size": 183204})),
    params(("Idempotency-Key" = Option<String>, Header)),
    responses((status = 201, body = UploadView), (status = 400, body = Problem), (status = 403, body = Problem)))]
pub async fn create(app: &App, req: Req) -> Result<Reply> {
    let portal = guard::member(app, &req).await?;
    let (features, permissions) = (&portal.settings.features, &portal.rights.permissions);
    let may = (features.contains(&Feature::Jobs) && permissions.contains(&Permission::AddJobNotes))
        || (features.contains(&Feature::WorkRequests) && permissions.contains(&Permission::CreateWorkRequests));
    if !may {
        return Err(Error::forbidden("uploading needs add_job_notes or create_work_requests"));
    }
    let tenant = portal.principal.tenant;
    let input: NewUpload = req.body()?;
    let owner = FileOwner::Customer { customer_id: portal.member.customer_id };
    crate::files::start_upload(app, tenant, portal.actor(), owner, input).await
}
