//! `GET, PATCH /portal/me`: who am I, what may I do, what does my portal offer — and
//! the few things members change about themselves.

use std::collections::BTreeSet;

use portico::domain::group::Rights;
use portico::domain::ids::GroupId;
use portico::domain::ids::{CustomerId, MemberId};
use portico::domain::mailing::NotificationKind;
use portico::domain::member::{Member, MemberPatch, SelfPatch};
use portico::domain::rights::Permission;
use portico::domain::rights::Report;
use portico::domain::scope::ScopeInput;
use portico::domain::settings::Feature;
use portico::domain::text::{Color, Email, Locale, Name, Phone, WebUrl};
use portico::domain::view_as::ViewedBy;
use portico::http::guard::Portal;
use portico::http::{guard, Reply, Req};

use portico::{App, Result};
use serde::Serialize;

use crate::schema::Problem;

#[derive(Serialize, utoipa::ToSchema)]
pub struct Me {
    pub id: MemberId,
    pub customer_id: CustomerId,
    pub first_name: Name,
    pub last_name: Name,
    pub email: Email,
    pub phone: Option<Phone>,
    pub job_title: Option<Name>,
    /// The member's language, or the portal's default.
    pub locale: Locale,
    pub admin: bool,
    /// Effective: the member's own and their groups' (every permission when `admin`).
    pub permissions: BTreeSet<Permission>,
    /// Reports the member may run: their groups' and their own (all nine when `admin`).
    pub reports: BTreeSet<Report>,
    /// The access groups the member belongs to.
    pub groups: Vec<GroupRef>,
    /// Portal features the tenant has switched on.
    pub features: BTreeSet<Feature>,
    pub notifications: BTreeSet<NotificationKind>,
    /// Effective scope: the member's own grants and their groups' (inside their customer).
    pub scope: ScopeInput,
    pub portal_name: Name,
    /// The tenant's look, for the portal's pages.
    pub branding: PortalBranding,
    /// Current messages addressed to the member that they have not read (0 without
    /// `view_messages` or the messages feature).
    pub unread_messages: u64,
    /// Set when a tenant admin is viewing the portal as this member (`X-View-As`): the
    /// portal is read-only then, and the web app shows a banner. Null for the member.
    pub viewed_by: Option<ViewedBy>,
}

/// What the portal's pages show of the tenant's branding.
#[derive(Serialize, utoipa::ToSchema)]
pub struct PortalBranding {
    pub display_name: Name,
    pub logo_url: Option<WebUrl>,
    pub primary_color: Option<Color>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct GroupRef {
    pub id: GroupId,
    pub name: Name,
}

#[utoipa::path(get, path = "/portal/me",
    responses((status = 200, body = Me), (status = 401, body = Problem), (status = 403, body = Problem)))]
pub async fn get(app: &App, req: Req) -> Result<Reply> {
    let portal = guard::member(app, &req).await?;
    let unread = super::messages::unread(app, &portal).await?;
    Ok(Reply::ok(&me(&portal, &portal.member, unread))?.etag(portal.member.version))
}

#[utoipa::path(patch, path = "/portal/me", request_body(content = SelfPatch, example = json!({"locale": "nl", "notifications": ["quotes", "invoices", "jobs_completed"]})),
    params(("If-Match" = Option<crate::schema::IfMatch>, Header)),
    responses((status = 200, body = Me), (status = 400, body = Problem, description = "including any attempt to change rights"), (status = 403, body = Problem)))]
pub async fn update(app: &App, req: Req) -> Result<Reply> {
    let portal = guard::member(app, &req).await?;
    let patch: MemberPatch = req.body::<SelfPatch>()?.into();
    let before = &portal.member;
    guard::if_match(&req, before.version)?;
    let mut after = before.clone();
    after.apply(patch, None);
    let tenant = portal.principal.tenant;
    crate::members::save_profile(app, tenant, portal.actor(), before, &after, "member.updated_self").await?;
    let unread = super::messages::unread(app, &portal).await?;
    Ok(Reply::ok(&me(&portal, &after, unread))?.etag(after.version))
}

fn me(portal: &Portal, m: &Member, unread_messages: u64) -> Me {
    let settings = &portal.settings;
    let rights = Rights::of(m, &portal.groups);
    Me {
        id: m.id,
        customer_id: m.customer_id,
        first_name: m.first_name.clone(),
        last_name: m.last_name.clone(),
        email: m.email.clone(),
        phone: m.phone.clone(),
        job_title: m.job_title.clone(),
        locale: m.locale.unwrap_or(settings.default_locale),
        admin: m.admin,
        permissions: rights.permissions,
        reports: rights.reports,
        groups: portal.groups.iter().map(|g| GroupRef { id: g.id, name: g.name.clone() }).collect(),
        features: settings.features.clone(),
        notifications: m.notifications.clone(),
        scope: rights.scope.to_input(),
        portal_name: settings.branding.display_name.clone(),
        branding: PortalBranding {
            display_name: settings.branding.display_name.clone(),
            logo_url: settings.branding.logo_url.clone(),
            primary_color: settings.branding.primary_color.clone(),
        },
        unread_messages,
        viewed_by: portal.viewed_by.clone(),
    }
}
