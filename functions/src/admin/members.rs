//! `/admin/members`: portal members, their invitation and credentials, what their
//! portal opens to them, and viewing it as them.

use std::collections::BTreeSet;

use portico::domain::customer::Customer;
use portico::domain::group::open_features;
use portico::domain::ids::{CustomerId, GroupId, MemberId};
use portico::domain::member::MemberStatus;
use portico::domain::member::{
    DocumentRestrictions, InviteInput, Member, MemberPatch, MemberView, NewMember, MAX_HIDDEN_DOCUMENTS,
};
use portico::domain::principal::AdminPrincipal;
use portico::domain::rights::{ApprovalLimits, Permission, Report};
use portico::domain::scope::ScopeInput;
use portico::domain::settings::Feature;
use portico::domain::view_as::{ViewAs, ViewAsView};
use portico::http::{guard, Reply, Req};
use portico::store::listing::{Conditions, Source};
use portico::store::{keys, Page, Tx};
use portico::{App, Error, Result};

use crate::members::{invited, require_setup, save_profile, send_credentials};
use crate::schema::{Problem, SiteNamePage};

#[utoipa::path(post, path = "/admin/members", request_body(content = NewMember, example = json!({"customer_id": "cus_01JD8Z6V5Q2W3E4R5T6Y7A8B9D", "first_name": "Sam", "last_name": "Site", "email": "sam@harbor.test", "admin": false, "permissions": ["view_jobs"], "scope": {"grants": [{"customer_id": "cus_01JD8Z6V5Q2W3E4R5T6Y7A8B9D", "site_ids": ["site_01JD8Z6V5Q2W3E4R5T6Y7A8B9F"]}]}, "group_ids": ["grp_01JD8Z6V5Q2W3E4R5T6Y7A8B9Q"]})),
    params(("Idempotency-Key" = Option<String>, Header)),
    responses((status = 201, body = MemberView), (status = 400, body = Problem), (status = 409, body = Problem, description = "set-up not complete, or the email is taken")))]
pub async fn create(app: &App, req: Req) -> Result<Reply> {
    let admin = guard::admin(app, &req).await?;
    let mut input: NewMember = req.body()?;
    portico::domain::quote::check_limits("approval_limits", &input.approval_limits)?;
    let none = std::collections::BTreeMap::new();
    let members_query = keys::members_of_customer(admin.tenant, input.customer_id);
    let wanted = [keys::customer_key(admin.tenant, input.customer_id), keys::settings_key(admin.tenant)];
    // The customer, the settings and "has this customer any member yet?" in parallel.
    let (found, existing) =
        tokio::try_join!(app.store.batch(&wanted), app.store.query::<Member>(&members_query, 1, &none),)?;
    let settings = found.settings()?;
    require_setup(&settings)?;
    let customer = found.one::<Customer>()?.ok_or_else(|| Error::invalid_field("customer_id", "no such customer"))?;
    let scope = app.store.resolve_scope(admin.tenant, Some(&customer), input.scope.take()).await?;
    app.store.groups(admin.tenant, &input.group_ids).await?;
    let member = Member::create(input, customer.path.clone(), scope, existing.0.is_empty());

    let reply = Reply::created(&member.view())?.etag(member.version).at(format!("/admin/members/{}", member.id));
    let mut tx = Tx::new(admin.tenant, admin.actor());
    tx.create(&member, "member.created", "the member exists")?;
    tx.claim(
        keys::member_email(admin.tenant, &member.email),
        &member.id.to_string(),
        "a member with this email address exists",
    );
    tx.require(keys::customer_key(admin.tenant, customer.id));
    app.store.commit(tx).await?;
    Ok(reply)
}

#[utoipa::path(get, path = "/admin/members",
    params(("customer_id" = Option<portico::domain::ids::CustomerId>, Query, description = "only this customer's members", example = "cus_01JD8Z6V5Q2W3E4R5T6Y7A8B9D"),
        ("group_id" = Option<portico::domain::ids::GroupId>, Query, description = "only the members of this access group (who is in it), newest member first; a page may then hold fewer than `limit` items", example = "grp_01JD8Z6V5Q2W3E4R5T6Y7A8B9Q"),
        ("limit" = Option<i32>, Query), ("cursor" = Option<crate::schema::Cursor>, Query)),
    responses((status = 200, body = crate::schema::MemberPage), (status = 400, body = Problem)))]
pub async fn list(app: &App, req: Req) -> Result<Reply> {
    let admin = guard::admin(app, &req).await?;
    let paging = req.paging()?;
    let customer = match req.query("customer_id") {
        None => None,
        Some(c) => Some(CustomerId::parse(&c).map_err(|e| Error::invalid_field("customer_id", e.to_string()))?),
    };
    let query = match customer {
        None => keys::all_members(admin.tenant),
        Some(c) => keys::members_of_customer(admin.tenant, c),
    };
    let page: Page<Member> = match req.query("group_id") {
        None => app.store.page("members", &query, &paging).await?,
        // A filter on the members' `group_ids`: each query still reads at most a page.
        Some(g) => {
            let group = GroupId::parse(&g).map_err(|e| Error::invalid_field("group_id", e.to_string()))?.to_string();
            let list = format!("admin-members|{}|{customer:?}|{group}", admin.tenant);
            let conditions = Conditions::default().contains_any("group_ids", &[group.as_str()]);
            app.store.newest_first::<Member>(&list, &[Source::all(query)], &conditions, &paging).await?
        }
    };
    Reply::ok(&page.map(|m| m.view()))
}

#[utoipa::path(get, path = "/admin/members/{member_id}",
    params(("member_id" = portico::domain::ids::MemberId, Path, example = "mem_01JD8Z6V5Q2W3E4R5T6Y7A8B9H")),
    responses((status = 200, body = MemberView), (status = 404, body = Problem)))]
pub async fn get(app: &App, req: Req) -> Result<Reply> {
    let admin = guard::admin(app, &req).await?;
    let id = req.path_id("member_id", MemberId::parse)?;
    let member = app.store.get::<Member>(keys::member_key(admin.tenant, id)).await?.ok_or(Error::NotFound)?;
    Ok(Reply::ok(&member.view())?.etag(member.version))
}

#[utoipa::path(post, path = "/admin/members/{member_id}/invite", request_body(content = Option<InviteInput>, description = "optional: a personal message and another address to send to", example = json!({"message": "Welcome to the portal!"})),
    params(("member_id" = portico::domain::ids::MemberId, Path, example = "mem_01JD8Z6V5Q2W3E4R5T6Y7A8B9H")),
    responses((status = 200, body = MemberView), (status = 404, body = Problem), (status = 409, body = Problem, description = "set-up not complete, member disabled, or the email belongs to another login")))]
pub async fn invite(app: &App, req: Req) -> Result<Reply> {
    let admin = guard::admin(app, &req).await?;
    let id = req.path_id("member_id", MemberId::parse)?;
    let input: InviteInput = req.body_or_default()?;
    let found = app.store.batch(&[keys::member_key(admin.tenant, id), keys::settings_key(admin.tenant)]).await?;
    let member = found.one::<Member>()?.ok_or(Error::NotFound)?;
    let settings = found.settings()?;
    require_setup(&settings)?;
    if member.is_disabled() {
        return Err(Error::conflict("the member is disabled; enable them before sending credentials"));
    }
    let to = input.email.as_ref().unwrap_or(&member.email);
    let login =
        send_credentials(app, &admin, &member, &settings, input.message.as_ref().map(|m| m.as_str()), to).await?;
    let mut after = member.clone();
    after.mark_invited(login);
    invited(app, &admin, &member, &after, to).await?;
    Ok(Reply::ok(&after.view())?.etag(after.version))
}

async fn load(app: &App, req: &Req, admin: &AdminPrincipal) -> Result<Member> {
    let id = req.path_id("member_id", MemberId::parse)?;
    app.store.get::<Member>(keys::member_key(admin.tenant, id)).await?.ok_or(Error::NotFound)
}

/// Stores `after` in place of `before` (version-checked, audited) and replies with it.
async fn save(app: &App, admin: &AdminPrincipal, before: &Member, after: &Member, action: &str) -> Result<Reply> {
    app.store.update(admin.tenant, admin.actor(), before, after, before.version, action).await?;
    Ok(Reply::ok(&after.view())?.etag(after.version))
}

#[utoipa::path(patch, path = "/admin/members/{member_id}", request_body(content = MemberPatch, example = json!({"job_title": "Facilities manager", "permissions": ["view_jobs", "export_jobs"], "notifications": ["jobs_completed"], "locale": "nl"})),
    params(("member_id" = portico::domain::ids::MemberId, Path, example = "mem_01JD8Z6V5Q2W3E4R5T6Y7A8B9H"), ("If-Match" = Option<crate::schema::IfMatch>, Header)),
    responses((status = 200, body = MemberView), (status = 400, body = Problem), (status = 404, body = Problem), (status = 412, body = Problem)))]
pub async fn update(app: &App, req: Req) -> Result<Reply> {
    let admin = guard::admin(app, &req).await?;
    let mut patch: MemberPatch = req.body()?;
    if let Some(Some(limits)) = &patch.approval_limits {
        portico::domain::quote::check_limits("approval_limits", limits)?;
    }
    let before = load(app, &req, &admin).await?;
    guard::if_match(&req, before.version)?;
    let scope = match patch.scope.take() {
        None => None,
        Some(input) => {
            let owner = app
                .store
                .get::<Customer>(keys::customer_key(admin.tenant, before.customer_id))
                .await?
                .ok_or_else(|| Error::conflict("the member's customer no longer exists"))?;
            Some(app.store.resolve_scope(admin.tenant, Some(&owner), Some(input)).await?)
        }
    };
    if let Some(groups) = &patch.group_ids {
        app.store.groups(admin.tenant, groups).await?;
    }
    let mut after = before.clone();
    after.apply(patch, scope);
    save_profile(app, admin.tenant, admin.actor(), &before, &after, "member.updated").await?;
    Ok(Reply::ok(&after.view())?.etag(after.version))
}

#[utoipa::path(post, path = "/admin/members/{member_id}/disable",
    params(("member_id" = portico::domain::ids::MemberId, Path, example = "mem_01JD8Z6V5Q2W3E4R5T6Y7A8B9H")),
    responses((status = 200, body = MemberView, description = "disabled: the login is disabled and signed out everywhere"), (status = 404, body = Problem)))]
pub async fn disable(app: &App, req: Req) -> Result<Reply> {
    let admin = guard::admin(app, &req).await?;
    let before = load(app, &req, &admin).await?;
    if let Some(login) = &before.login {
        app.identity().disable(login).await?;
    }
    if before.is_disabled() {
        return Ok(Reply::ok(&before.view())?.etag(before.version));
    }
    let mut after = before.clone();
    after.disable();
    save(app, &admin, &before, &after, "member.disabled").await
}

#[utoipa::path(post, path = "/admin/members/{member_id}/enable",
    params(("member_id" = portico::domain::ids::MemberId, Path, example = "mem_01JD8Z6V5Q2W3E4R5T6Y7A8B9H")),
    responses((status = 200, body = MemberView), (status = 404, body = Problem)))]
pub async fn enable(app: &App, req: Req) -> Result<Reply> {
    let admin = guard::admin(app, &req).await?;
    let before = load(app, &req, &admin).await?;
    if !before.is_disabled() {
        return Ok(Reply::ok(&before.view())?.etag(before.version));
    }
    if let Some(login) = &before.login {
        app.identity().enable(login).await?;
    }
    let mut after = before.clone();
    after.enable();
    save(app, &admin, &before, &after, "member.enabled").await
}

#[utoipa::path(post, path = "/admin/members/{member_id}/reset-password",
    params(("member_id" = portico::domain::ids::MemberId, Path, example = "mem_01JD8Z6V5Q2W3E4R5T6Y7A8B9H")),
    responses((status = 200, body = MemberView, description = "a member who has signed in gets a code to choose a new password; one who never has gets new credentials"),
        (status = 404, body = Problem), (status = 409, body = Problem, description = "not invited yet, or disabled")))]
pub async fn reset_password(app: &App, req: Req) -> Result<Reply> {
    let admin = guard::admin(app, &req).await?;
    let id = req.path_id("member_id", MemberId::parse)?;
    let found = app.store.batch(&[keys::member_key(admin.tenant, id), keys::settings_key(admin.tenant)]).await?;
    let before = found.one::<Member>()?.ok_or(Error::NotFound)?;
    let settings = found.settings()?;
    if before.is_disabled() {
        return Err(Error::conflict("the member is disabled; enable them first"));
    }
    let Some(login) = &before.login else {
        return Err(Error::conflict("the member has no login yet: send the invitation instead"));
    };
    let mut after = before.clone();
    let mut tx = Tx::new(admin.tenant, admin.actor());
    if app.identity().has_signed_in(login).await? {
        // Cognito mails the code itself, to the login's (the member's) address.
        app.identity().reset_password(login).await?;
        after.touch();
    } else {
        let login = send_credentials(app, &admin, &before, &settings, None, &before.email).await?;
        after.mark_invited(login);
        tx = tx.mailed_to(&before.email);
    }
    tx.update(&before, &after, before.version, "member.password_reset")?;
    app.store.commit(tx).await?;
    Ok(Reply::ok(&after.view())?.etag(after.version))
}

#[utoipa::path(post, path = "/admin/members/{member_id}/reset-mfa",
    params(("member_id" = portico::domain::ids::MemberId, Path, example = "mem_01JD8Z6V5Q2W3E4R5T6Y7A8B9H")),
    responses((status = 200, body = MemberView, description = "the member's authenticator app is switched off (it was lost) and their sessions end: they sign in with their password alone and may set up a new app"),
        (status = 404, body = Problem), (status = 409, body = Problem, description = "the member has no login yet")))]
pub async fn reset_mfa(app: &App, req: Req) -> Result<Reply> {
    let admin = guard::admin(app, &req).await?;
    let before = load(app, &req, &admin).await?;
    let Some(login) = &before.login else {
        return Err(Error::conflict("the member has no login yet"));
    };
    app.identity().reset_mfa(login).await?;
    let mut after = before.clone();
    after.touch();
    save(app, &admin, &before, &after, "member.mfa_reset").await
}

#[utoipa::path(delete, path = "/admin/members/{member_id}",
    params(("member_id" = portico::domain::ids::MemberId, Path, example = "mem_01JD8Z6V5Q2W3E4R5T6Y7A8B9J"), ("If-Match" = Option<crate::schema::IfMatch>, Header)),
    responses((status = 204, description = "the login and the member are gone; the audit trail keeps the record"), (status = 404, body = Problem), (status = 412, body = Problem)))]
pub async fn delete(app: &App, req: Req) -> Result<Reply> {
    let admin = guard::admin(app, &req).await?;
    let member = load(app, &req, &admin).await?;
    guard::if_match(&req, member.version)?;
    if let Some(login) = &member.login {
        app.identity().delete(login).await?;
    }
    let mut tx = Tx::new(admin.tenant, admin.actor());
    tx.delete(&member, member.version, "member.deleted")?;
    tx.release(keys::member_email(admin.tenant, &member.email));
    app.store.commit(tx).await?;
    Ok(Reply::no_content())
}

#[utoipa::path(put, path = "/admin/members/{member_id}/document-restrictions", request_body(content = DocumentRestrictions, example = json!({"hidden_document_ids": ["doc_01JD8Z6V5Q2W3E4R5T6Y7A8B9S"]})),
    params(("member_id" = portico::domain::ids::MemberId, Path, example = "mem_01JD8Z6V5Q2W3E4R5T6Y7A8B9H"), ("If-Match" = Option<crate::schema::IfMatch>, Header)),
    responses((status = 200, body = MemberView), (status = 400, body = Problem), (status = 404, body = Problem), (status = 412, body = Problem)))]
pub async fn restrict_documents(app: &App, req: Req) -> Result<Reply> {
    let admin = guard::admin(app, &req).await?;
    let input: DocumentRestrictions = req.body()?;
    if input.hidden_document_ids.len() > MAX_HIDDEN_DOCUMENTS {
        return Err(Error::invalid_field("hidden_document_ids", format!("at most {MAX_HIDDEN_DOCUMENTS} documents")));
    }
    let before = load(app, &req, &admin).await?;
    guard::if_match(&req, before.version)?;
    let mut after = before.clone();
    after.restrict_documents(input.hidden_document_ids);
    save(app, &admin, &before, &after, "member.documents_restricted").await
}

/// What a member's portal opens to them, computed as the portal computes it on each of
/// their requests (`guard::portal_of`, `Rights::of`, `group::open_features`, the store's
/// `visible_sites`): the office console's "what they can see".
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct MemberAccess {
    pub member_id: MemberId,
    /// A `disabled` member's portal answers 403 to them, whatever is below.
    pub status: MemberStatus,
    /// The portal features open to them: on for the tenant, and opened by a permission
    /// they hold (`view_jobs` or `view_completed_jobs` for jobs, `create_work_requests`
    /// for work requests, `view_…` for the others).
    pub features: BTreeSet<Feature>,
    /// Effective: their own and their groups' (every permission when they are `admin`).
    pub permissions: BTreeSet<Permission>,
    /// The KPI reports they may run: their own and their groups' (all when `admin`).
    pub reports: BTreeSet<Report>,
    /// Per currency, the most they may approve per quote (the highest of their own and
    /// their groups'); a currency not named is unlimited.
    pub approval_limits: ApprovalLimits,
    /// Effective scope: their own grants and their groups' (inside their customer).
    pub scope: ScopeInput,
    /// One page of the sites they see, as `GET /portal/sites` pages them (`?limit=`,
    /// `?cursor=`): a customer-wide grant may cover thousands.
    pub sites: SiteNamePage,
}

#[utoipa::path(get, path = "/admin/members/{member_id}/access",
    params(("member_id" = portico::domain::ids::MemberId, Path, example = "mem_01JD8Z6V5Q2W3E4R5T6Y7A8B9H"),
           ("limit" = Option<i32>, Query, example = 20), ("cursor" = Option<crate::schema::Cursor>, Query)),
    responses((status = 200, body = MemberAccess), (status = 404, body = Problem)))]
pub async fn access(app: &App, req: Req) -> Result<Reply> {
    let admin = guard::admin(app, &req).await?;
    let id = req.path_id("member_id", MemberId::parse)?;
    let paging = req.paging()?;
    let portal = guard::portal_of(app, admin.tenant, id).await?.ok_or(Error::NotFound)?;
    let sites = app.store.visible_sites(admin.tenant, &portal.rights.scope, &portal.rights_version(), &paging).await?;
    let sites = sites.map(|s| s.named());
    let rights = &portal.rights;
    Reply::ok(&MemberAccess {
        member_id: portal.member.id,
        status: portal.member.status,
        features: open_features(&portal.settings, rights),
        permissions: rights.permissions.clone(),
        reports: rights.reports.clone(),
        approval_limits: rights.approval_limits.clone(),
        scope: rights.scope.to_input(),
        sites: SiteNamePage { items: sites.items, next_cursor: sites.next_cursor },
    })
}

#[utoipa::path(post, path = "/admin/members/{member_id}/view-as",
    params(("member_id" = portico::domain::ids::MemberId, Path, example = "mem_01JD8Z6V5Q2W3E4R5T6Y7A8B9H")),
    responses((status = 201, body = ViewAsView, description = "a read-only session on the member's portal, for this admin, for 30 minutes: send its `id` as `X-View-As` on the portal's GET routes with your own token. Audited once, as `member.viewed_as`."),
        (status = 404, body = Problem)))]
pub async fn view_as(app: &App, req: Req) -> Result<Reply> {
    let admin = guard::admin(app, &req).await?;
    let member = load(app, &req, &admin).await?;
    let session = ViewAs::start(member.id, admin.staff()?);
    let mut tx = Tx::new(admin.tenant, admin.actor());
    // The member must still be there when the session is written.
    tx.require(keys::member_key(admin.tenant, member.id));
    tx.create(&session, "member.viewed_as", "the session exists")?;
    app.store.commit(tx).await?;
    Reply::created(&session.view())
}
