//! `/portal/audit`: a customer's own trail, for its admin members (`admin: true`):
//! approvals and rejections of quotes, work requests and their decisions, changes to
//! the customer's members — who (by name, for the customer's own members; otherwise
//! "the provider"), what, when, and which fields changed (not their values).
//!
//! The customer's events are one partition (GSI3), written only for quotes, work
//! requests and members (`Entity::trail`). Quotes and work requests still show only
//! where the member could see them: at a site their scope covers, with the feature on,
//! and never a draft quote.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use portico::domain::audit::{ActorType, AuditFilter, PortalActor, PortalActorType, PortalAuditEntry};
use portico::domain::hierarchy::CustomerPath;
use portico::domain::ids::{MemberId, SiteId};
use portico::domain::member::Member;
use portico::domain::quote::{Quote, QuoteStatus};
use portico::domain::settings::Feature;
use portico::domain::work_request::WorkRequest;
use portico::http::guard::Portal;
use portico::http::{guard, Reply, Req};
use portico::store::listing::{Conditions, Source};
use portico::store::{keys, Event, Page};
use portico::{App, Error, Result};

use crate::schema::Problem;

/// Where an event's object is: its site and customer (None for members).
fn place(event: &Event) -> Option<(SiteId, CustomerPath, bool)> {
    let image = event.after.as_ref().or(event.before.as_ref())?.clone();
    match event.entity_type.as_str() {
        t if t == <WorkRequest as keys::Stored>::TYPE => {
            let r: WorkRequest = serde_json::from_value(image).ok()?;
            Some((r.site_id, r.customer_path, true))
        }
        t if t == <Quote as keys::Stored>::TYPE => {
            let q: Quote = serde_json::from_value(image).ok()?;
            Some((q.site_id, q.customer_path, q.status != QuoteStatus::Draft))
        }
        _ => None,
    }
}

/// Whether the member may see this event's line.
async fn visible(app: &App, portal: &Portal, event: &Event, sites: &mut HashMap<SiteId, bool>) -> Result<bool> {
    let feature = match event.entity_type.as_str() {
        t if t == <Member as keys::Stored>::TYPE => return Ok(true),
        t if t == <WorkRequest as keys::Stored>::TYPE => Feature::WorkRequests,
        t if t == <Quote as keys::Stored>::TYPE => Feature::Quotes,
        _ => return Ok(false),
    };
    if !portal.settings.features.contains(&feature) {
        return Ok(false);
    }
    let Some((site, path, shown)) = place(event) else { return Ok(false) };
    if !shown {
        return Ok(false);
    }
    if let Some(covered) = sites.get(&site) {
        return Ok(*covered);
    }
    let covered = super::jobs::covers_site(app, portal, site, &path).await?;
    sites.insert(site, covered);
    Ok(covered)
}

#[utoipa::path(get, path = "/portal/audit",
    params(
        ("from" = Option<portico::domain::clock::Bound>, Query, description = "At or after (RFC 3339 or YYYY-MM-DD)", example = "2026-01-01"),
        ("to" = Option<portico::domain::clock::Bound>, Query, description = "At or before (RFC 3339 or YYYY-MM-DD, whole day)"),
        ("limit" = Option<i32>, Query), ("cursor" = Option<crate::schema::Cursor>, Query)),
    responses((status = 200, body = crate::schema::PortalAuditPage, description = "Newest first; a page may be short when lines outside the member's scope are left out"), (status = 400, body = Problem), (status = 403, body = Problem)))]
pub async fn list(app: &App, req: Req) -> Result<Reply> {
    let portal = guard::member(app, &req).await?;
    if !portal.member.admin {
        return Err(Error::forbidden("your organisation's audit trail is for its portal admins"));
    }
    let paging = req.paging()?;
    let filter = AuditFilter::parse(|k| matches!(k, "from" | "to").then(|| req.query(k)).flatten())?;
    let (tenant, customer) = (portal.principal.tenant, portal.member.customer_id);
    let (from, to) = filter.id_range();
    let source = Source::between(keys::events_of_customer(tenant, customer), from, to);
    let list = format!("portal-audit|{}|{}", portal.rights_version(), filter.fingerprint());
    let page = app.store.newest_first::<Event>(&list, &[source], &Conditions::default(), &paging).await?;

    // The customer's own members who acted, by name.
    let acting: BTreeSet<MemberId> = page
        .items
        .iter()
        .filter_map(|e| match ActorType::of(&e.actor) {
            Some((ActorType::Member, id)) => MemberId::parse(id).ok(),
            _ => None,
        })
        .collect();
    let wanted: Vec<_> = acting.iter().map(|m| keys::member_key(tenant, *m)).collect();
    let names: BTreeMap<MemberId, String> = if wanted.is_empty() {
        BTreeMap::new()
    } else {
        app.store
            .batch(&wanted)
            .await?
            .all::<Member>()?
            .into_iter()
            .filter(|m| m.customer_id == customer)
            .map(|m| (m.id, format!("{} {}", m.first_name, m.last_name)))
            .collect()
    };
    let actor = |event: &Event| match ActorType::of(&event.actor) {
        Some((ActorType::Member, id)) => {
            let known = MemberId::parse(id).ok().and_then(|m| names.get(&m).map(|n| (m, n.clone())));
            PortalActor {
                kind: PortalActorType::Member,
                member_id: known.as_ref().map(|(m, _)| *m),
                name: known.map(|(_, n)| n),
            }
        }
        _ => PortalActor { kind: PortalActorType::Provider, member_id: None, name: None },
    };

    let mut sites = HashMap::new();
    let mut items = Vec::with_capacity(page.items.len());
    for event in &page.items {
        if visible(app, &portal, event, &mut sites).await? {
            items.push(PortalAuditEntry::of(event, actor(event)));
        }
    }
    Reply::ok(&Page { items, next_cursor: page.next_cursor })
}
