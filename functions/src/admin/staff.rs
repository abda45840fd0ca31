//! `/admin/staff`: the tenant's office staff — the admins themselves. Each admin login
//! has a record here that every admin request is bound to (`guard::admin`). There is
//! always one active admin: the last cannot be disabled or removed.

use portico::domain::ids::StaffId;
use portico::domain::principal::AdminPrincipal;
use portico::domain::staff::{NewStaff, Staff, StaffView};
use portico::http::{guard, Reply, Req};
use portico::store::{keys, Page, Tx};
use portico::{App, Error, Result};

use crate::schema::Problem;

async fn load(app: &App, req: &Req, admin: &AdminPrincipal) -> Result<Staff> {
    let id = req.path_id("staff_id", StaffId::parse)?;
    app.store.get::<Staff>(keys::staff_key(admin.tenant, id)).await?.ok_or(Error::NotFound)
}

#[utoipa::path(post, path = "/admin/staff", request_body(content = NewStaff, example = json!({"first_name": "Bea", "last_name": "Backoffice", "email": "bea@acme.test"})),
    params(("Idempotency-Key" = Option<String>, Header)),
    responses((status = 201, body = StaffView, description = "the login exists and its credentials were emailed"), (status = 400, body = Problem), (status = 409, body = Problem, description = "a login with this email address exists")))]
pub async fn create(app: &App, req: Req) -> Result<Reply> {
    let admin = guard::admin(app, &req).await?;
    let input: NewStaff = req.body()?;
    let settings = app.store.settings(admin.tenant).await?;
    let tx = Tx::new(admin.tenant, admin.actor());
    let (staff, password) = crate::staff::create(app, admin.tenant, input, tx).await?;
    crate::staff::invite(app, &settings, &staff, &password).await;
    Ok(Reply::created(&staff.view())?.etag(staff.version).at(format!("/admin/staff/{}", staff.id)))
}

#[utoipa::path(get, path = "/admin/staff",
    params(("limit" = Option<i32>, Query), ("cursor" = Option<crate::schema::Cursor>, Query)),
    responses((status = 200, body = crate::schema::StaffPage), (status = 400, body = Problem)))]
pub async fn list(app: &App, req: Req) -> Result<Reply> {
    let admin = guard::admin(app, &req).await?;
    let page: Page<Staff> = app.store.page("staff", &keys::all_staff(admin.tenant), &req.paging()?).await?;
    Reply::ok(&page.map(|s| s.view()))
}

/// A staff member with what only Cognito knows: whether they sign in with an
/// authenticator app.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct StaffDetail {
    #[serde(flatten)]
    pub staff: StaffView,
    /// Whether the login signs in with an authenticator app (a second factor).
    pub mfa_enabled: bool,
}

#[utoipa::path(get, path = "/admin/staff/{staff_id}",
    params(("staff_id" = portico::domain::ids::StaffId, Path, example = "stf_01JD8Z6V5Q2W3E4R5T6Y7A8B9T")),
    responses((status = 200, body = StaffDetail), (status = 404, body = Problem)))]
pub async fn get(app: &App, req: Req) -> Result<Reply> {
    let admin = guard::admin(app, &req).await?;
    let staff = load(app, &req, &admin).await?;
    let mfa_enabled = app.identity().totp_enabled(&app.config.user_pool_id, &staff.login).await?;
    Ok(Reply::ok(&StaffDetail { staff: staff.view(), mfa_enabled })?.etag(staff.version))
}

/// Writes `after` in place of `before` — or deletes it — only if it is not the caller's
/// own record, and only while another active admin remains as they were read: of two
/// admins disabling each other at once, one wins.
async fn keep_one_admin(
    app: &App,
    admin: &AdminPrincipal,
    before: &Staff,
    after: Option<&Staff>,
    action: &str,
) -> Result<()> {
    if before.id == admin.staff()? {
        // Locking oneself out is never what was meant: another admin does it.
        return Err(Error::conflict("your own access is disabled or removed by another admin"));
    }
    let everyone = app.store.query_all::<Staff>(keys::all_staff(admin.tenant)).await?;
    let other = everyone
        .iter()
        .find(|s| s.id != before.id && s.is_active())
        .ok_or_else(|| Error::conflict("the last active admin cannot be disabled or removed"))?;
    let mut tx = Tx::new(admin.tenant, admin.actor());
    match after {
        Some(after) => tx.update(before, after, before.version, action)?,
        None => tx.delete(before, before.version, action)?,
    }
    tx.require_unchanged(other, other.version, "the other admins changed meanwhile; try again");
    app.store.commit(tx).await
}

#[utoipa::path(post, path = "/admin/staff/{staff_id}/disable",
    params(("staff_id" = portico::domain::ids::StaffId, Path, example = "stf_01JD8Z6V5Q2W3E4R5T6Y7A8B9T")),
    responses((status = 200, body = StaffView, description = "disabled: the login is disabled and signed out everywhere"), (status = 404, body = Problem), (status = 409, body = Problem, description = "the last active admin, or the caller's own record")))]
pub async fn disable(app: &App, req: Req) -> Result<Reply> {
    let admin = guard::admin(app, &req).await?;
    let before = load(app, &req, &admin).await?;
    let mut after = before.clone();
    if before.is_active() {
        after.disable();
        keep_one_admin(app, &admin, &before, Some(&after), "staff.disabled").await?;
    }
    // After the record: a retry finishes what a failure here left undone.
    app.identity().disable(&after.login).await?;
    Ok(Reply::ok(&after.view())?.etag(after.version))
}

#[utoipa::path(post, path = "/admin/staff/{staff_id}/enable",
    params(("staff_id" = portico::domain::ids::StaffId, Path, example = "stf_01JD8Z6V5Q2W3E4R5T6Y7A8B9T")),
    responses((status = 200, body = StaffView), (status = 404, body = Problem)))]
pub async fn enable(app: &App, req: Req) -> Result<Reply> {
    let admin = guard::admin(app, &req).await?;
    let before = load(app, &req, &admin).await?;
    if before.is_active() {
        return Ok(Reply::ok(&before.view())?.etag(before.version));
    }
    app.identity().enable(&before.login).await?;
    let mut after = before.clone();
    after.enable();
    app.store.update(admin.tenant, admin.actor(), &before, &after, before.version, "staff.enabled").await?;
    Ok(Reply::ok(&after.view())?.etag(after.version))
}

#[utoipa::path(delete, path = "/admin/staff/{staff_id}",
    params(("staff_id" = portico::domain::ids::StaffId, Path, example = "stf_01JD8Z6V5Q2W3E4R5T6Y7A8B9T"), ("If-Match" = Option<crate::schema::IfMatch>, Header)),
    responses((status = 204, description = "the login and the record are gone; the audit trail keeps the record"), (status = 404, body = Problem), (status = 409, body = Problem, description = "the last active admin, or the caller's own record"), (status = 412, body = Problem)))]
pub async fn delete(app: &App, req: Req) -> Result<Reply> {
    let admin = guard::admin(app, &req).await?;
    let staff = load(app, &req, &admin).await?;
    guard::if_match(&req, staff.version)?;
    keep_one_admin(app, &admin, &staff, None, "staff.deleted").await?;
    app.identity().delete(&staff.login).await?;
    Ok(Reply::no_content())
}

#[utoipa::path(post, path = "/admin/staff/{staff_id}/reset-mfa",
    params(("staff_id" = portico::domain::ids::StaffId, Path, example = "stf_01JD8Z6V5Q2W3E4R5T6Y7A8B9T")),
    responses((status = 200, body = StaffView, description = "the authenticator app is switched off and the login signed out everywhere; where a second factor is required, the admin sets up a new app at their next sign-in"), (status = 404, body = Problem)))]
pub async fn reset_mfa(app: &App, req: Req) -> Result<Reply> {
    let admin = guard::admin(app, &req).await?;
    let before = load(app, &req, &admin).await?;
    app.identity().reset_mfa(&before.login).await?;
    let mut after = before.clone();
    after.touch();
    app.store.update(admin.tenant, admin.actor(), &before, &after, before.version, "staff.mfa_reset").await?;
    Ok(Reply::ok(&after.view())?.etag(after.version))
}
