//! `/admin/audit`: the tenant's audit trail — who did what, when, and which fields
//! changed — newest first, from the event each change writes in its own transaction.
//! One Query per page: the tenant's trail, an entity's (GSI1) or an actor's (GSI2), the
//! time range a range of event ids; and one of the office staff, to name admins.

use portico::domain::audit::{AuditEntry, AuditFilter};
use portico::domain::principal::AdminKind;
use portico::domain::staff::Staff;
use portico::http::{guard, Reply, Req};
use portico::store::listing::{Conditions, Source};
use portico::store::{keys, Event};
use portico::{App, Result};

use crate::schema::Problem;

#[utoipa::path(get, path = "/admin/audit",
    params(
        ("entity" = Option<crate::schema::AuditEntity>, Query, description = "An entity's id (`job_…`, `mem_…`, `settings`, …): its trail only", example = "quo_01JD8Z6V5Q2W3E4R5T6Y7A8B9X"),
        ("actor" = Option<crate::schema::AuditActor>, Query, description = "`admin:<sub>`, `operator:<sub>` or `member:<member id>`: what they did"),
        ("from" = Option<portico::domain::clock::Bound>, Query, description = "At or after (RFC 3339 or YYYY-MM-DD)", example = "2026-01-01"),
        ("to" = Option<portico::domain::clock::Bound>, Query, description = "At or before (RFC 3339 or YYYY-MM-DD, whole day)"),
        ("limit" = Option<i32>, Query), ("cursor" = Option<crate::schema::Cursor>, Query)),
    responses((status = 200, body = crate::schema::AuditPage, description = "Newest first; events are kept 400 days"), (status = 400, body = Problem)))]
pub async fn list(app: &App, req: Req) -> Result<Reply> {
    let admin = guard::admin(app, &req).await?;
    let paging = req.paging()?;
    let filter = AuditFilter::parse(|k| req.query(k))?;
    let tenant = admin.tenant;
    let mut conditions = Conditions::default();
    let query = match (&filter.entity, &filter.actor) {
        (Some(entity), actor) => {
            if let Some(actor) = actor {
                conditions = conditions.any_of("actor", &[actor.as_str()]);
            }
            keys::events_of_entity(tenant, entity)
        }
        (None, Some(actor)) => keys::events_of_actor(tenant, actor),
        (None, None) => keys::all_events(tenant),
    };
    let (from, to) = filter.id_range();
    let list = format!("admin-audit|{tenant}|{}", filter.fingerprint());
    // The office staff, to name admins for a person reading the trail: one Query (a
    // tenant has a handful), beside the page's. Integrations do not read staff accounts
    // (`GET /admin/staff` is not theirs), so they get no names.
    let person = matches!(admin.kind, AdminKind::Staff(_));
    let sources = [Source::between(query, from, to)];
    let (page, staff) =
        tokio::try_join!(app.store.newest_first::<Event>(&list, &sources, &conditions, &paging), async {
            match person {
                true => app.store.query_all::<Staff>(keys::all_staff(tenant)).await,
                false => Ok(Vec::new()),
            }
        },)?;
    let name = |sub: &str| staff.iter().find(|s| s.login == sub).map(|s| format!("{} {}", s.first_name, s.last_name));
    Reply::ok(&page.map(|e| AuditEntry::of(&e, name)))
}
