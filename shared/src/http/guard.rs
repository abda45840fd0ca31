//! Authorization at the door of each handler: who may call. A token is only as good as
//! the record it is bound to: an admin's and a member's records are loaded on every
//! request, the token's login (`sub`) must be the record's, and the record must be
//! active — so disabling, removing or changing rights acts at once, and a token whose
//! claims name someone else's record (had Cognito ever let a user rewrite them) opens
//! nothing. A second factor is enforced here too, where it is required.

use crate::app::App;
use crate::domain::clock::now;
use crate::domain::group::{AccessGroup, Rights};
use crate::domain::ids::{MemberId, TenantId, ViewAsId};
use crate::domain::integration::Binding;
use crate::domain::member::Member;
use crate::domain::principal::{AdminKind, AdminPrincipal, ApiScope, ClientToken, MemberPrincipal, OperatorPrincipal};
use crate::domain::settings::Settings;
use crate::domain::staff::Staff;
use crate::domain::view_as::{ViewAs, ViewedBy};
use crate::error::{Error, Result};
use crate::http::Req;
use crate::store::keys;
use crate::store::Actor;

/// A platform operator, who must have signed in with a second factor.
pub fn operator(req: &Req) -> Result<OperatorPrincipal> {
    let operator = req.principal()?.operator()?;
    if !operator.mfa {
        return Err(Error::MfaRequired);
    }
    Ok(operator)
}

/// A tenant admin: one of the office staff, or an integration.
///
/// Staff: one BatchGetItem for their staff record and the tenant's settings. The record
/// must exist, be active and belong to the token's login; a second factor is required
/// when the tenant's settings say so. Staff hold
/// every scope.
///
/// An integration ([`integration`]): one GetItem for its client's binding, and the
/// route's scope must be granted.
pub async fn admin(app: &App, req: &Req) -> Result<AdminPrincipal> {
    let principal = req.principal()?;
    if let Some(client) = principal.integration() {
        return integration(app, client, req.scope()).await;
    }
    let principal = principal.admin()?;
    let staff_id = principal.staff()?;
    let found =
        app.store.batch(&[keys::staff_key(principal.tenant, staff_id), keys::settings_key(principal.tenant)]).await?;
    let staff = found.one::<Staff>()?.ok_or_else(|| Error::forbidden("your admin access has been removed"))?;
    if staff.login != principal.sub {
        return Err(unbound("staff", &principal.sub, &staff.id.to_string()));
    }
    if !staff.is_active() {
        return Err(Error::forbidden("your admin access is disabled"));
    }
    let settings = found.settings()?;
    if !principal.mfa && settings.require_admin_mfa {
        return Err(Error::MfaRequired);
    }
    Ok(principal)
}

/// An integration, by its app client's binding (read on every request, so that
/// revoking, retiring a rotated client and narrowing scopes act at once, whatever tokens
/// are out): no binding (revoked, or never an integration's) or one past its
/// `retires_at` is 401; a route whose scope is not in both the token's scopes and the
/// binding's is 403 naming the scope; a route no integration may call is 403.
pub async fn integration(app: &App, client: &ClientToken, scope: ApiScope) -> Result<AdminPrincipal> {
    let Some(binding) = app.store.get::<Binding>(keys::binding_key(&client.client_id)).await? else {
        tracing::warn!(security_event = "unbound_client", client_id = %client.client_id, "a client token with no binding");
        return Err(Error::Unauthorized);
    };
    if !binding.is_live(now()) {
        tracing::info!(client_id = %client.client_id, integration = %binding.integration_id, "a retired client's token");
        return Err(Error::Unauthorized);
    }
    let scopes = binding.scopes.iter().copied().filter(|s| client.scopes.contains(s)).collect();
    let admin = AdminPrincipal {
        tenant: binding.tenant,
        kind: AdminKind::Integration { id: binding.integration_id, name: binding.name.as_str().to_owned(), scopes },
        sub: client.client_id.clone(),
        mfa: false,
    };
    admin.may(scope)?;
    Ok(admin)
}

/// A token whose claims name a record of another login: refused (401) and logged as a
/// security event, with no more than the ids involved.
fn unbound(record: &str, sub: &str, id: &str) -> Error {
    tracing::warn!(
        security_event = "token_not_bound_to_record",
        record,
        sub,
        id,
        "a token named a record that is not its login's"
    );
    Error::Unauthorized
}

impl AdminPrincipal {
    /// Who the audit trail says acted: `admin:<login>`, or `integration:<name>`.
    pub fn actor(&self) -> Actor {
        match &self.kind {
            AdminKind::Staff(_) => Actor(format!("admin:{}", self.sub)),
            AdminKind::Integration { name, .. } => Actor(crate::domain::audit::integration_actor(name)),
        }
    }
}

impl OperatorPrincipal {
    pub fn actor(&self) -> Actor {
        Actor(format!("operator:{}", self.sub))
    }
}

/// A member, as they are now, with their tenant's settings and their rights.
pub struct Portal {
    pub principal: MemberPrincipal,
    pub member: Member,
    pub settings: Settings,
    /// The union of the member's own rights and their groups' (as the groups are now).
    pub rights: Rights,
    /// The groups the member belongs to that exist.
    pub groups: Vec<AccessGroup>,
    /// Set when a tenant admin is looking at the member's portal (view-as): read-only.
    pub viewed_by: Option<ViewedBy>,
}

impl Portal {
    pub fn actor(&self) -> Actor {
        Actor(format!("member:{}", self.member.id))
    }

    /// Names what the member's lists are built from (their record and groups as they
    /// are now): a cursor from before a change of rights does not open after it.
    pub fn rights_version(&self) -> String {
        let groups: Vec<String> = self.groups.iter().map(|g| format!("{}.{}", g.id, g.version)).collect();
        format!("{}.{}|{}", self.member.id, self.member.version, groups.join(","))
    }
}

/// The calling member: one BatchGetItem for their record and the tenant's settings, and
/// one more for their groups if they belong to any. A disabled or removed member is
/// refused (403) on every route.
///
/// Or, with `X-View-As`, the member a tenant admin is viewing the portal as
/// ([`viewed_as`]): every portal route comes through here, so view-as reaches each one
/// with the same rules, and no write passes.
pub async fn member(app: &App, req: &Req) -> Result<Portal> {
    if let Some(session) = req.view_as()? {
        return viewed_as(app, req, session).await;
    }
    let principal = req.principal()?.member()?;
    let portal = portal_of(app, principal.tenant, principal.member)
        .await?
        .ok_or_else(|| Error::forbidden("your portal access has been removed"))?;
    if portal.member.login.as_deref() != Some(principal.sub.as_str()) {
        return Err(unbound("member", &principal.sub, &portal.member.id.to_string()));
    }
    if portal.member.is_disabled() {
        return Err(Error::forbidden("your portal access is disabled"));
    }
    Ok(portal)
}

/// A member's portal as it is now — their record, the tenant's settings, their groups and
/// the rights those give — whoever asks: the member, an admin viewing as them, or the
/// admin route that shows a member's access. `None` when there is no such member.
pub async fn portal_of(app: &App, tenant: TenantId, member: MemberId) -> Result<Option<Portal>> {
    let found = app.store.batch(&[keys::member_key(tenant, member), keys::settings_key(tenant)]).await?;
    let Some(member) = found.one::<Member>()? else { return Ok(None) };
    let settings = found.settings()?;
    let groups = if member.group_ids.is_empty() {
        Vec::new()
    } else {
        let keys: Vec<_> = member.group_ids.iter().map(|g| keys::group_key(tenant, *g)).collect();
        app.store.batch(&keys).await?.all::<AccessGroup>()?
    };
    let rights = Rights::of(&member, &groups);
    let principal = MemberPrincipal { tenant, member: member.id, sub: member.login.clone().unwrap_or_default() };
    Ok(Some(Portal { principal, member, settings, rights, groups, viewed_by: None }))
}

/// A tenant admin viewing the portal as one of their members, through a session they
/// started (`POST /admin/members/{member_id}/view-as`, which audited it). Only a tenant
/// admin, bound and with a second factor as the admin routes require; only `GET`; only
/// the admin's own live session. The member's own scope and rights apply — a disabled
/// member's too (the admin may be finding out what they would see). Each request only
/// reads, and logs one line naming the admin, the member and the session.
async fn viewed_as(app: &App, req: &Req, session: ViewAsId) -> Result<Portal> {
    if req.principal()?.admin().is_err() {
        return Err(Error::forbidden("X-View-As is for tenant admins"));
    }
    if req.inner().method() != http::Method::GET {
        return Err(Error::forbidden("viewing the portal as a member is read-only"));
    }
    let admin = admin(app, req).await?;
    let session = app
        .store
        .get::<ViewAs>(keys::view_as_key(admin.tenant, session))
        .await?
        .ok_or_else(|| Error::forbidden("this view-as session has ended or is not yours: start another"))?;
    session.check(admin.staff()?, now())?;
    let mut portal = portal_of(app, admin.tenant, session.member_id).await?.ok_or(Error::NotFound)?;
    tracing::info!(
        audit = "viewed_as",
        staff = ?admin.kind,
        viewed_member = %session.member_id,
        view_as = %session.id,
        "an admin viewed the portal as a member"
    );
    portal.viewed_by = Some(session.viewed_by());
    Ok(portal)
}

/// `If-Match`, when sent, must name the current version.
pub fn if_match(req: &Req, current: u64) -> Result<()> {
    match req.if_match()? {
        Some(v) if v != current => Err(Error::PreconditionFailed),
        _ => Ok(()),
    }
}

/// `If-Match` on a PUT that creates or replaces: when sent, it must be an ETag (400
/// otherwise) naming the current version — and where there is nothing yet, no version
/// matches (412).
pub fn if_match_or_new(req: &Req, current: Option<u64>) -> Result<()> {
    if_match_sent_or_new(req.if_match()?, current)
}

/// [`if_match_or_new`] for a version sent otherwise (a batch item's `if_match`).
pub fn if_match_sent_or_new(sent: Option<u64>, current: Option<u64>) -> Result<()> {
    match (sent, current) {
        (Some(_), None) => Err(Error::PreconditionFailed),
        (Some(v), Some(current)) if v != current => Err(Error::PreconditionFailed),
        _ => Ok(()),
    }
}
