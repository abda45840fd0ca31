//! `GET /portal/home`: what needs the member now, in one call — the quotes awaiting their
//! decision, the unpaid invoices with what their scope owes, the messages they have not
//! read or acknowledged, their open work requests, the services due within 30 days and
//! the jobs completed in the last 30 days. Each part follows the rules of its own page
//! (the same functions build it, with the page's first few items and its cursor), and is
//! `null` where the member's rights or the portal's sections do not show that page.
//!
//! Round trips, one after the other: the member and their groups (as every portal
//! route), the partitions of their scope (one query per level of the customer tree they
//! are granted, as the lists), then every part at once — each a list page's own queries.

use portico::http::{guard, Reply, Req};
use portico::store::Paging;
use portico::{App, Result};

use crate::schema::{Home, Problem};

/// How many items each part shows.
pub const ITEMS: usize = 5;
/// How far ahead services are due and how far back jobs were completed.
pub const WINDOW_DAYS: i64 = 30;

/// The first page of a part.
pub fn paging() -> Paging {
    Paging { limit: ITEMS as i32, cursor: None }
}

#[utoipa::path(get, path = "/portal/home",
    responses((status = 200, body = Home, description = "What needs you now; a part is null where your rights or the portal's sections do not show its page"), (status = 403, body = Problem)))]
pub async fn get(app: &App, req: Req) -> Result<Reply> {
    let portal = guard::member(app, &req).await?;
    let parts = super::jobs::partitions(app, &portal, None).await?;
    let (quotes_to_decide, unpaid_invoices, messages, open_work_requests, services_due, completed_jobs) = tokio::try_join!(
        super::quotes::to_decide(app, &portal, &parts),
        super::invoices::unpaid(app, &portal, &parts),
        super::messages::waiting(app, &portal),
        super::work_requests::open(app, &portal, &parts),
        super::assets::services_due(app, &portal, &parts),
        super::jobs::recently_completed(app, &portal, &parts),
    )?;
    Reply::ok(&Home { quotes_to_decide, unpaid_invoices, messages, open_work_requests, services_due, completed_jobs })
}
