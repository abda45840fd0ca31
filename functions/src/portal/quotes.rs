//! `/portal/quotes`: the member's quotes — list, detail with lines and the PDF, and the
//! decision: approve (signature, comment, PO number) or reject (signature, reason).
//!
//! Members see the quotes (never drafts) at the sites their scope covers, with
//! `view_quotes`; they decide with `approve_quotes`. A decision is final and the first
//! one wins: it is a version-checked write, so of racing decisions exactly one commits
//! and the others answer 422 with what was decided. A member whose approval limit (their
//! own or their groups', per currency) is below the total gets 403 naming the limit,
//! and the attempt is recorded on the quote for the admin to see.

use portico::domain::group::{require, require_open};
use portico::domain::ids::QuoteId;
use portico::domain::money::display;
use portico::domain::quote::{
    Approval, ApprovalAttempt, Decision, Outcome, PortalQuoteView, Quote, QuoteFilter, QuoteStatus, Rejection,
};
use portico::domain::rights::Permission;
use portico::domain::settings::Feature;
use portico::domain::tenant::now;
use portico::domain::text::Locale;
use portico::http::guard::Portal;
use portico::http::{guard, Reply, Req};
use portico::store::access::Partitions;
use portico::store::keys;
use portico::store::listing::Conditions;
use portico::store::{Page, Paging};
use portico::{App, Error, Result};

use crate::schema::Problem;

/// What members may filter on: everything but drafts, which they never see.
const VISIBLE: [QuoteStatus; 5] = QuoteStatus::VISIBLE;

/// The quote, if the member may see it; anything else is a 404.
async fn visible_quote(app: &App, portal: &Portal, req: &Req) -> Result<Quote> {
    let id = req.path_id("quote_id", QuoteId::parse)?;
    let quote = app.store.get::<Quote>(keys::quote_key(portal.principal.tenant, id)).await?.ok_or(Error::NotFound)?;
    if quote.status == QuoteStatus::Draft
        || !super::jobs::covers_site(app, portal, quote.site_id, &quote.customer_path).await?
    {
        return Err(Error::NotFound);
    }
    Ok(quote)
}

fn may_decide(portal: &Portal) -> bool {
    portal.rights.permissions.contains(&Permission::ApproveQuotes)
}

#[utoipa::path(get, path = "/portal/quotes",
    params(
        ("status" = Option<crate::schema::PortalQuoteStatuses>, Query, description = "Comma-separated: sent, approved, rejected, expired, withdrawn", example = "sent"),
        ("site_id" = Option<portico::domain::ids::SiteId>, Query),
        ("limit" = Option<i32>, Query), ("cursor" = Option<crate::schema::Cursor>, Query)),
    responses((status = 200, body = crate::schema::PortalQuotePage), (status = 400, body = Problem), (status = 403, body = Problem)))]
pub async fn list(app: &App, req: Req) -> Result<Reply> {
    let portal = guard::member(app, &req).await?;
    require_open(&portal.settings, &portal.rights, Feature::Quotes)?;
    let paging = req.paging()?;
    let mut filter = QuoteFilter::parse(|k| req.query(k), &VISIBLE)?;
    if filter.statuses.is_empty() {
        filter.statuses = VISIBLE.to_vec();
    }
    let parts = super::jobs::partitions(app, &portal, filter.site_id).await?;
    Reply::ok(&page(app, &portal, &parts, &filter, &paging).await?)
}

/// One page of the member's quotes in `parts` (the list's, and the home page's).
async fn page(
    app: &App,
    portal: &Portal,
    parts: &Partitions,
    filter: &QuoteFilter,
    paging: &Paging,
) -> Result<Page<PortalQuoteView>> {
    let tenant = portal.principal.tenant;
    let sources = portico::store::access::sources(
        parts,
        |c| keys::quotes_of_customer(tenant, c),
        |s| keys::quotes_at_site(tenant, s),
        None,
        None,
    );
    let list = format!("portal-quotes|{tenant}|{}|{filter:?}", portal.rights_version());
    let conditions = Conditions::of_quotes(filter);
    let mut page = app.store.newest_first::<Quote>(&list, &sources, &conditions, paging).await?;
    let at = now();
    // Defence in depth: whatever the keys returned, only the member's quotes leave here.
    page.items.retain(|q| parts.hold(q.customer_id, q.site_id) && filter.admits(q, at));
    let decide = may_decide(portal);
    Ok(page.map(|q| q.portal_view(decide, &portal.rights.approval_limits, None)))
}

/// The home page's quotes: those sent for a decision, newest first, when the member may
/// decide them (`None` otherwise). Their cursor is the quotes page's for `status=sent`.
pub async fn to_decide(app: &App, portal: &Portal, parts: &Partitions) -> Result<Option<Page<PortalQuoteView>>> {
    if require_open(&portal.settings, &portal.rights, Feature::Quotes).is_err() || !may_decide(portal) {
        return Ok(None);
    }
    let filter = QuoteFilter { statuses: vec![QuoteStatus::Sent], site_id: None };
    page(app, portal, parts, &filter, &super::home::paging()).await.map(Some)
}

#[utoipa::path(get, path = "/portal/quotes/{quote_id}",
    params(("quote_id" = portico::domain::ids::QuoteId, Path, example = "quo_01JD8Z6V5Q2W3E4R5T6Y7A8B9X")),
    responses((status = 200, body = PortalQuoteView), (status = 403, body = Problem), (status = 404, body = Problem)))]
pub async fn get(app: &App, req: Req) -> Result<Reply> {
    let portal = guard::member(app, &req).await?;
    require_open(&portal.settings, &portal.rights, Feature::Quotes)?;
    let quote = visible_quote(app, &portal, &req).await?;
    let pdf = match &quote.file {
        Some(file) => Some(crate::files::download_view(app, portal.principal.tenant, file).await?),
        None => None,
    };
    Reply::ok(&quote.portal_view(may_decide(&portal), &portal.rights.approval_limits, Some(pdf)))
}

#[utoipa::path(post, path = "/portal/quotes/{quote_id}/approve", request_body(content = Approval, example = json!({"signed_by": "Carla Jansen", "comment": "Please schedule before Friday.", "po_number": "PO-2026-118"})),
    params(("quote_id" = portico::domain::ids::QuoteId, Path, example = "quo_01JD8Z6V5Q2W3E4R5T6Y7A8B9X"), ("Idempotency-Key" = Option<String>, Header)),
    responses((status = 200, body = PortalQuoteView), (status = 400, body = Problem),
        (status = 403, body = Problem, description = "No permission, or the total is above the member's approval limit (named in `detail`)"),
        (status = 404, body = Problem),
        (status = 409, body = Problem),
        (status = 422, body = Problem, description = "Not open for a decision: decided, expired or withdrawn")))]
pub async fn approve(app: &App, req: Req) -> Result<Reply> {
    let portal = guard::member(app, &req).await?;
    require(&portal.settings, &portal.rights, Feature::Quotes, Permission::ApproveQuotes)?;
    let input: Approval = req.body()?;
    let quote = visible_quote(app, &portal, &req).await?;
    if let Some(why) = quote.undecidable(now()) {
        return Err(Error::unprocessable(why));
    }
    if let Some(limit) = portal.rights.approval_limits.get(&quote.currency).copied() {
        if quote.total > limit {
            record_attempt(app, &portal, quote.clone(), limit).await?;
            // Problem details are written in English, amounts too.
            return Err(Error::forbidden(format!(
                "this quote's total, {}, is above your approval limit of {}; ask a colleague with a higher limit",
                display(quote.total, &quote.currency, Locale::En),
                display(limit, &quote.currency, Locale::En),
            )));
        }
    }
    let decision = Decision {
        outcome: Outcome::Approved,
        signed_by: input.signed_by,
        comment: input.comment,
        po_number: input.po_number,
        reason: None,
        member_id: portal.member.id,
        decided_at: now(),
        request_id: req.request_id().unwrap_or_default(),
    };
    decide(app, &portal, quote, decision, "quote.approved").await
}

#[utoipa::path(post, path = "/portal/quotes/{quote_id}/reject", request_body(content = Rejection, example = json!({"signed_by": "Carla Jansen", "reason": "We will replace the whole boiler next year instead."})),
    params(("quote_id" = portico::domain::ids::QuoteId, Path, example = "quo_01JD8Z6V5Q2W3E4R5T6Y7A8B9Y"), ("Idempotency-Key" = Option<String>, Header)),
    responses((status = 200, body = PortalQuoteView), (status = 400, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem), (status = 409, body = Problem),
        (status = 422, body = Problem, description = "Not open for a decision: decided, expired or withdrawn")))]
pub async fn reject(app: &App, req: Req) -> Result<Reply> {
    let portal = guard::member(app, &req).await?;
    require(&portal.settings, &portal.rights, Feature::Quotes, Permission::ApproveQuotes)?;
    let input: Rejection = req.body()?;
    let quote = visible_quote(app, &portal, &req).await?;
    if let Some(why) = quote.undecidable(now()) {
        return Err(Error::unprocessable(why));
    }
    let decision = Decision {
        outcome: Outcome::Rejected,
        signed_by: input.signed_by,
        comment: None,
        po_number: None,
        reason: Some(input.reason),
        member_id: portal.member.id,
        decided_at: now(),
        request_id: req.request_id().unwrap_or_default(),
    };
    decide(app, &portal, quote, decision, "quote.rejected").await
}

/// Writes the decision if the quote is still as read; if another request changed it
/// first, the answer says what happened to it.
async fn decide(app: &App, portal: &Portal, quote: Quote, decision: Decision, action: &str) -> Result<Reply> {
    let tenant = portal.principal.tenant;
    let mut after = quote.clone();
    after.decide(decision);
    match app.store.update(tenant, portal.actor(), &quote, &after, quote.version, action).await {
        Ok(()) => Reply::ok(&after.portal_view(may_decide(portal), &portal.rights.approval_limits, None)),
        Err(Error::Changed) => {
            let now_is = app.store.get::<Quote>(keys::quote_key(tenant, quote.id)).await?.ok_or(Error::NotFound)?;
            match now_is.undecidable(now()) {
                Some(why) => Err(Error::unprocessable(why)),
                None => Err(Error::Changed),
            }
        }
        Err(e) => Err(e),
    }
}

/// Records a refused approval on the quote (re-read and retried if the quote changed
/// meanwhile, so the attempt is not lost).
async fn record_attempt(app: &App, portal: &Portal, mut quote: Quote, limit: i64) -> Result<()> {
    let tenant = portal.principal.tenant;
    for _ in 0..3 {
        let mut after = quote.clone();
        after.attempted(ApprovalAttempt { member_id: portal.member.id, at: now(), limit });
        match app.store.update(tenant, portal.actor(), &quote, &after, quote.version, "quote.approval_refused").await {
            Err(Error::Changed) => {
                quote = app.store.get::<Quote>(keys::quote_key(tenant, quote.id)).await?.ok_or(Error::NotFound)?;
            }
            other => return other,
        }
    }
    Err(Error::Changed)
}
