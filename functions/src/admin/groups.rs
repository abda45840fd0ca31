//! `/admin/access-groups`: reusable scope, feature permissions and report access that
//! members reference. A change to a group acts on its members' next request.

use portico::domain::group::{AccessGroup, GroupPatch, GroupView, NewGroup};
use portico::domain::ids::GroupId;
use portico::domain::principal::AdminPrincipal;
use portico::http::{guard, Reply, Req};
use portico::store::{keys, Page, Tx};
use portico::{App, Error, Result};

use crate::schema::Problem;

async fn load(app: &App, req: &Req, admin: &AdminPrincipal) -> Result<AccessGroup> {
    let id = req.path_id("group_id", GroupId::parse)?;
    app.store.get::<AccessGroup>(keys::group_key(admin.tenant, id)).await?.ok_or(Error::NotFound)
}

#[utoipa::path(post, path = "/admin/access-groups", request_body(content = NewGroup, example = json!({"name": "Regional managers", "scope": {"grants": [{"customer_id": "cus_01JD8Z6V5Q2W3E4R5T6Y7A8B9D", "division_ids": ["div_01JD8Z6V5Q2W3E4R5T6Y7A8B9N"]}]}, "permissions": ["view_jobs", "view_quotes"], "reports": ["quotes_by_status", "first_time_fix"]})),
    params(("Idempotency-Key" = Option<String>, Header)),
    responses((status = 201, body = GroupView), (status = 400, body = Problem)))]
pub async fn create(app: &App, req: Req) -> Result<Reply> {
    let admin = guard::admin(app, &req).await?;
    let mut input: NewGroup = req.body()?;
    portico::domain::quote::check_limits("approval_limits", &input.approval_limits)?;
    let scope = app.store.resolve_scope(admin.tenant, None, input.scope.take()).await?;
    let group = AccessGroup::create(input, scope);
    let reply = Reply::created(&group.view())?.etag(group.version).at(format!("/admin/access-groups/{}", group.id));
    let mut tx = Tx::new(admin.tenant, admin.actor());
    tx.create(&group, "group.created", "the group exists")?;
    app.store.commit(tx).await?;
    Ok(reply)
}

#[utoipa::path(get, path = "/admin/access-groups",
    params(("limit" = Option<i32>, Query), ("cursor" = Option<crate::schema::Cursor>, Query)),
    responses((status = 200, body = crate::schema::GroupPage), (status = 400, body = Problem)))]
pub async fn list(app: &App, req: Req) -> Result<Reply> {
    let admin = guard::admin(app, &req).await?;
    let paging = req.paging()?;
    let page: Page<AccessGroup> = app.store.page("groups", &keys::all_groups(admin.tenant), &paging).await?;
    Reply::ok(&page.map(|g| g.view()))
}

#[utoipa::path(get, path = "/admin/access-groups/{group_id}",
    params(("group_id" = portico::domain::ids::GroupId, Path, example = "grp_01JD8Z6V5Q2W3E4R5T6Y7A8B9Q")),
    responses((status = 200, body = GroupView), (status = 404, body = Problem)))]
pub async fn get(app: &App, req: Req) -> Result<Reply> {
    let admin = guard::admin(app, &req).await?;
    let group = load(app, &req, &admin).await?;
    Ok(Reply::ok(&group.view())?.etag(group.version))
}

#[utoipa::path(patch, path = "/admin/access-groups/{group_id}", request_body(content = GroupPatch, example = json!({"permissions": ["view_jobs", "view_quotes", "approve_quotes"]})),
    params(("group_id" = portico::domain::ids::GroupId, Path, example = "grp_01JD8Z6V5Q2W3E4R5T6Y7A8B9Q"), ("If-Match" = Option<crate::schema::IfMatch>, Header)),
    responses((status = 200, body = GroupView), (status = 400, body = Problem), (status = 404, body = Problem), (status = 412, body = Problem)))]
pub async fn update(app: &App, req: Req) -> Result<Reply> {
    let admin = guard::admin(app, &req).await?;
    let mut patch: GroupPatch = req.body()?;
    if let Some(Some(limits)) = &patch.approval_limits {
        portico::domain::quote::check_limits("approval_limits", limits)?;
    }
    let before = load(app, &req, &admin).await?;
    guard::if_match(&req, before.version)?;
    let scope = match patch.scope.take() {
        None => None,
        Some(input) => Some(app.store.resolve_scope(admin.tenant, None, Some(input)).await?),
    };
    let mut after = before.clone();
    after.apply(patch, scope);
    app.store.update(admin.tenant, admin.actor(), &before, &after, before.version, "group.updated").await?;
    Ok(Reply::ok(&after.view())?.etag(after.version))
}

#[utoipa::path(delete, path = "/admin/access-groups/{group_id}",
    params(("group_id" = portico::domain::ids::GroupId, Path, example = "grp_01JD8Z6V5Q2W3E4R5T6Y7A8B9R"), ("If-Match" = Option<crate::schema::IfMatch>, Header)),
    responses((status = 204, description = "gone; members that referenced it lose its rights at once"), (status = 404, body = Problem), (status = 412, body = Problem)))]
pub async fn delete(app: &App, req: Req) -> Result<Reply> {
    let admin = guard::admin(app, &req).await?;
    let group = load(app, &req, &admin).await?;
    guard::if_match(&req, group.version)?;
    app.store.delete(admin.tenant, admin.actor(), &group, group.version, "group.deleted").await?;
    Ok(Reply::no_content())
}
