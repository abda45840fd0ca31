//! Authorization at the door of each handler: who may call, and — for members — their
//! current record, loaded on every request so that disabling or changing rights acts at
//! once.

use crate::app::App;
use crate::domain::group::{AccessGroup, Rights};
use crate::domain::member::Member;
use crate::domain::principal::{AdminPrincipal, MemberPrincipal, OperatorPrincipal};
use crate::domain::settings::Settings;
use crate::error::{Error, Result};
use crate::http::Req;
use crate::store::keys;
use crate::store::Actor;

pub fn operator(req: &Req) -> Result<OperatorPrincipal> {
    req.principal()?.operator()
}

/// A tenant admin.
pub async fn admin(app: &App, req: &Req) -> Result<AdminPrincipal> {
    let _ = app;
    req.principal()?.admin()
}

impl AdminPrincipal {
    pub fn actor(&self) -> Actor {
        Actor(format!("admin:{}", self.sub))
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
pub async fn member(app: &App, req: &Req) -> Result<Portal> {
    let principal = req.principal()?.member()?;
    let found = app
        .store
        .batch(&[keys::member_key(principal.tenant, principal.member), keys::settings_key(principal.tenant)])
        .await?;
    let member = found.one::<Member>()?.ok_or_else(|| Error::forbidden("your portal access has been removed"))?;
    if member.is_disabled() {
        return Err(Error::forbidden("your portal access is disabled"));
    }
    let settings = found.settings()?;
    let groups = if member.group_ids.is_empty() {
        Vec::new()
    } else {
        let keys: Vec<_> = member.group_ids.iter().map(|g| keys::group_key(principal.tenant, *g)).collect();
        app.store.batch(&keys).await?.all::<AccessGroup>()?
    };
    let rights = Rights::of(&member, &groups);
    Ok(Portal { principal, member, settings, rights, groups })
}

/// `If-Match`, when sent, must name the current version.
pub fn if_match(req: &Req, current: u64) -> Result<()> {
    match req.if_match()? {
        Some(v) if v != current => Err(Error::PreconditionFailed),
        _ => Ok(()),
    }
}
