//! Quotes: published by the back office (`PUT /admin/quotes/{ref}`), decided by the
//! customer's members in the portal (approve with a signature and an optional PO number,
//! or reject with a reason).
//!
//! Portico computes the totals, in minor units, from the lines: each line is
//! `quantity × unit_price` rounded half away from zero; `subtotal` is their sum; `tax` is
//! `subtotal × tax_rate_bps / 10000`, rounded the same way; `total = subtotal + tax`.
//!
//! A decision is final. Once a quote is approved or rejected, the back office can no
//! longer change what was decided on (customer, site, title, lines, currency, tax,
//! validity): a PUT that would is a 409. It may still link the job that carries the work
//! out (`job_id`), the assets, and the countersigned PDF (`file_id`). A changed offer is a
//! **re-issued quote**: a new reference (`Q-1001-2`), optionally naming the one it
//! `replaces`; the back office withdraws the old one if it was not decided.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::currency::Currency;
use super::file::{DownloadView, FileRef};
use super::hierarchy::CustomerPath;
use super::ids::{AssetId, CustomerId, FileId, JobId, MemberId, QuoteId, SiteId};
use super::money::{round_div, Quantity, MAX_AMOUNT};
use super::rights::ApprovalLimits;
use super::tenant::{now, utc_seconds, Timestamp};
use super::text::{Code, ExternalRef, Name, Notes, Reason};
use crate::error::Error;

pub const MAX_LINES: usize = 200;
pub const MAX_ASSETS: usize = 50;
/// Refused approvals kept on a quote (the most recent).
pub const MAX_ATTEMPTS: usize = 20;

/// A quote's status as clients see it. `expired` is derived: sent and past `valid_until`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum QuoteStatus {
    Draft,
    Sent,
    Approved,
    Rejected,
    Expired,
    Withdrawn,
}

impl QuoteStatus {
    pub const ALL: [QuoteStatus; 6] = [
        QuoteStatus::Draft,
        QuoteStatus::Sent,
        QuoteStatus::Approved,
        QuoteStatus::Rejected,
        QuoteStatus::Expired,
        QuoteStatus::Withdrawn,
    ];

    /// What members may see and filter on: everything but drafts.
    pub const VISIBLE: [QuoteStatus; 5] =
        [QuoteStatus::Sent, QuoteStatus::Approved, QuoteStatus::Rejected, QuoteStatus::Expired, QuoteStatus::Withdrawn];

    pub fn as_str(self) -> &'static str {
        match self {
            QuoteStatus::Draft => "draft",
            QuoteStatus::Sent => "sent",
            QuoteStatus::Approved => "approved",
            QuoteStatus::Rejected => "rejected",
            QuoteStatus::Expired => "expired",
            QuoteStatus::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }

    /// What is stored for a quote shown with this status (`expired` is a sent quote).
    pub fn stored(self) -> Self {
        match self {
            QuoteStatus::Expired => QuoteStatus::Sent,
            s => s,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QuoteLineInput {
    pub description: Notes,
    pub quantity: Quantity,
    /// In minor units of the quote's currency; negative for a discount line.
    #[schema(minimum = -1_000_000_000_000_i64, maximum = 1_000_000_000_000_i64)]
    pub unit_price: i64,
    /// Read-only (computed): ignored.
    #[serde(default)]
    #[schema(read_only)]
    pub total: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct QuoteLine {
    pub description: Notes,
    pub quantity: Quantity,
    pub unit_price: i64,
    /// `quantity × unit_price`, rounded half away from zero.
    pub total: i64,
}

/// `PUT /admin/quotes/{quote_id}`: the whole quote as the back office has it.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct QuoteInput {
    /// Portico's id (`cus_…`) or the back office's reference of the customer.
    #[schema(value_type = ExternalRef)]
    pub customer_id: CustomerId,
    /// Portico's id (`site_…`) or the back office's reference of the site.
    #[schema(value_type = ExternalRef)]
    pub site_id: SiteId,
    pub job_id: Option<JobId>,
    #[serde(default, deserialize_with = "super::tenant::unique")]
    pub asset_ids: BTreeSet<AssetId>,
    pub title: Name,
    /// 1 to [`MAX_LINES`] lines.
    #[schema(min_items = 1, max_items = 200)]
    pub lines: Vec<QuoteLineInput>,
    pub currency: Currency,
    /// Tax in basis points of the subtotal (2100 = 21%); none by default.
    #[serde(default)]
    #[schema(maximum = 10000)]
    pub tax_rate_bps: u32,
    /// Until when the customer may decide; after it a sent quote is `expired`.
    #[serde(default)]
    pub valid_until: Option<Timestamp>,
    /// `draft` (members never see it), `sent` (to decide) or `withdrawn`. The statuses a
    /// view shows are accepted when they say what the quote already is.
    pub status: QuoteStatus,
    /// The quote as a PDF, uploaded through `POST /admin/files`.
    pub file_id: Option<FileId>,
    /// The reference of the quote this one re-issues.
    pub replaces: Option<ExternalRef>,
    /// Read-only: when sent, must be this quote's id.
    #[serde(default)]
    #[schema(read_only)]
    pub id: Option<QuoteId>,
    /// Read-only: when sent, must equal the reference in the path.
    #[serde(default)]
    #[schema(read_only)]
    pub external_ref: Option<ExternalRef>,
    /// Read-only: when sent, must be the current version (412 otherwise).
    #[serde(default)]
    #[schema(read_only)]
    pub version: Option<u64>,
    /// Read-only (computed): ignored.
    #[serde(default)]
    #[schema(read_only)]
    pub subtotal: Option<i64>,
    /// Read-only (computed): ignored.
    #[serde(default)]
    #[schema(read_only)]
    pub tax: Option<i64>,
    /// Read-only (computed): ignored.
    #[serde(default)]
    #[schema(read_only)]
    pub total: Option<i64>,
    /// Read-only (the customer's): ignored.
    #[serde(default)]
    #[schema(read_only)]
    pub decision: Option<serde_json::Value>,
    /// Read-only: ignored.
    #[serde(default)]
    #[schema(read_only)]
    pub approval_attempts: Option<serde_json::Value>,
    /// Read-only: ignored.
    #[serde(default)]
    #[schema(read_only, value_type = Option<String>, format = DateTime)]
    pub sent_at: Option<Timestamp>,
    /// Read-only: ignored.
    #[serde(default)]
    #[schema(read_only, value_type = Option<String>, format = DateTime)]
    pub created_at: Option<Timestamp>,
    /// Read-only: ignored.
    #[serde(default)]
    #[schema(read_only, value_type = Option<String>, format = DateTime)]
    pub updated_at: Option<Timestamp>,
}

impl QuoteInput {
    /// The fields Portico owns, as sent, against the quote published under `reference`.
    pub fn check_echo(&self, reference: &ExternalRef, stored: Option<&Quote>) -> Result<(), Error> {
        use super::representation::{check_identity, check_version};
        check_identity("external_ref", self.external_ref.as_ref(), Some(reference))?;
        check_identity("id", self.id.as_ref(), stored.map(|q| &q.id))?;
        check_version(self.version, stored.map(|q| q.version))
    }

    /// Rules no single field can check.
    pub fn validate(&self) -> Result<(), Error> {
        if self.lines.is_empty() || self.lines.len() > MAX_LINES {
            return Err(Error::invalid_field("lines", format!("between 1 and {MAX_LINES} lines")));
        }
        if self.asset_ids.len() > MAX_ASSETS {
            return Err(Error::invalid_field("asset_ids", format!("at most {MAX_ASSETS}")));
        }
        if self.tax_rate_bps > 10_000 {
            return Err(Error::invalid_field("tax_rate_bps", "must be at most 10000 (100%)"));
        }
        for (i, line) in self.lines.iter().enumerate() {
            if line.unit_price.abs() > MAX_AMOUNT {
                return Err(Error::invalid_field(
                    format!("lines[{i}].unit_price"),
                    format!("at most {MAX_AMOUNT} in absolute value"),
                ));
            }
        }
        let (_, subtotal, _, total) = totals(&self.lines, self.tax_rate_bps);
        if subtotal < 0 || total > MAX_AMOUNT {
            return Err(Error::invalid_field("lines", format!("the total must be between 0 and {MAX_AMOUNT}")));
        }
        Ok(())
    }
}

/// Lines with their totals, the subtotal, the tax and the total.
fn totals(lines: &[QuoteLineInput], tax_rate_bps: u32) -> (Vec<QuoteLine>, i64, i64, i64) {
    let lines: Vec<QuoteLine> = lines
        .iter()
        .map(|l| QuoteLine {
            description: l.description.clone(),
            quantity: l.quantity,
            unit_price: l.unit_price,
            total: l.quantity.times(l.unit_price),
        })
        .collect();
    let subtotal = lines.iter().map(|l| i128::from(l.total)).sum::<i128>();
    let tax = round_div(subtotal * i128::from(tax_rate_bps), 10_000);
    let subtotal = subtotal.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64;
    (lines, subtotal, tax, subtotal.saturating_add(tax))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Approved,
    Rejected,
}

/// The customer's decision: final, with who, when and from which request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Decision {
    pub outcome: Outcome,
    /// The name the member signed with.
    pub signed_by: Name,
    pub comment: Option<Notes>,
    pub po_number: Option<Code>,
    /// Why it was rejected.
    pub reason: Option<Reason>,
    pub member_id: MemberId,
    pub decided_at: Timestamp,
    /// The API request that made the decision (its request id).
    pub request_id: String,
}

/// An approval refused because the quote was above the member's limit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ApprovalAttempt {
    pub member_id: MemberId,
    pub at: Timestamp,
    /// The member's limit in the quote's currency, in minor units.
    pub limit: i64,
}

/// `POST /portal/quotes/{quote_id}/approve`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Approval {
    pub signed_by: Name,
    pub comment: Option<Notes>,
    pub po_number: Option<Code>,
}

/// `POST /portal/quotes/{quote_id}/reject`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Rejection {
    pub signed_by: Name,
    pub reason: Reason,
}

/// A quote as stored.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Quote {
    pub id: QuoteId,
    pub external_ref: ExternalRef,
    pub customer_id: CustomerId,
    pub customer_path: CustomerPath,
    pub site_id: SiteId,
    pub job_id: Option<JobId>,
    pub asset_ids: BTreeSet<AssetId>,
    pub title: Name,
    pub lines: Vec<QuoteLine>,
    pub currency: Currency,
    pub tax_rate_bps: u32,
    pub subtotal: i64,
    pub tax: i64,
    pub total: i64,
    #[serde(default)]
    pub valid_until: Option<Timestamp>,
    /// Never `expired` (derived when read).
    pub status: QuoteStatus,
    pub file: Option<FileRef>,
    pub replaces: Option<ExternalRef>,
    #[serde(default)]
    pub sent_at: Option<Timestamp>,
    pub decision: Option<Decision>,
    #[serde(default)]
    pub approval_attempts: Vec<ApprovalAttempt>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub version: u64,
}

/// A quote as the admin API shows it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct QuoteView {
    pub id: QuoteId,
    pub external_ref: ExternalRef,
    pub customer_id: CustomerId,
    pub site_id: SiteId,
    pub job_id: Option<JobId>,
    pub asset_ids: BTreeSet<AssetId>,
    pub title: Name,
    pub lines: Vec<QuoteLine>,
    pub currency: Currency,
    pub tax_rate_bps: u32,
    pub subtotal: i64,
    pub tax: i64,
    pub total: i64,
    pub valid_until: Option<Timestamp>,
    pub status: QuoteStatus,
    pub file_id: Option<FileId>,
    pub replaces: Option<ExternalRef>,
    pub sent_at: Option<Timestamp>,
    pub decision: Option<Decision>,
    /// Approvals refused because the quote was above the member's limit (latest 20).
    pub approval_attempts: Vec<ApprovalAttempt>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub version: u64,
}

/// A quote as a member sees it (never a draft). Lists leave out the lines and the PDF link.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PortalQuoteView {
    pub id: QuoteId,
    /// The service company's reference.
    pub reference: ExternalRef,
    pub customer_id: CustomerId,
    pub site_id: SiteId,
    pub job_id: Option<JobId>,
    pub asset_ids: BTreeSet<AssetId>,
    pub title: Name,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lines: Option<Vec<QuoteLine>>,
    pub currency: Currency,
    pub tax_rate_bps: u32,
    pub subtotal: i64,
    pub tax: i64,
    pub total: i64,
    pub valid_until: Option<Timestamp>,
    pub status: QuoteStatus,
    pub sent_at: Option<Timestamp>,
    pub decision: Option<Decision>,
    /// Whether this member may decide it now (sent, unexpired, `approve_quotes`).
    pub decidable: bool,
    /// Whether this member may approve it now: decidable, and the total within their
    /// approval limit (rejecting is never limited).
    pub approvable: bool,
    /// The PDF (detail only, when there is one): a link valid for a few minutes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pdf: Option<DownloadView>,
    pub updated_at: Timestamp,
}

/// What a decided quote may no longer change.
#[derive(PartialEq)]
struct Offer<'a> {
    customer_id: CustomerId,
    site_id: SiteId,
    title: &'a Name,
    lines: &'a [QuoteLine],
    currency: &'a Currency,
    tax_rate_bps: u32,
    valid_until: Option<Timestamp>,
}

impl Quote {
    fn offer(&self) -> Offer<'_> {
        Offer {
            customer_id: self.customer_id,
            site_id: self.site_id,
            title: &self.title,
            lines: &self.lines,
            currency: &self.currency,
            tax_rate_bps: self.tax_rate_bps,
            valid_until: self.valid_until,
        }
    }

    /// The status at `at`: a sent quote past `valid_until` is `expired`.
    pub fn status_at(&self, at: Timestamp) -> QuoteStatus {
        match (self.status, self.valid_until) {
            (QuoteStatus::Sent, Some(until)) if until < at => QuoteStatus::Expired,
            (s, _) => s,
        }
    }

    pub fn status_now(&self) -> QuoteStatus {
        self.status_at(now())
    }

    /// A quote the back office publishes for the first time.
    pub fn create(
        external_ref: ExternalRef,
        input: QuoteInput,
        customer_path: CustomerPath,
        file: Option<FileRef>,
    ) -> Result<Self, Error> {
        if !matches!(input.status, QuoteStatus::Draft | QuoteStatus::Sent | QuoteStatus::Withdrawn) {
            return Err(Error::invalid_field("status", "a new quote is draft, sent or withdrawn"));
        }
        let at = now();
        let (lines, subtotal, tax, total) = totals(&input.lines, input.tax_rate_bps);
        Ok(Self {
            id: QuoteId::generate(),
            external_ref,
            customer_id: input.customer_id,
            customer_path,
            site_id: input.site_id,
            job_id: input.job_id,
            asset_ids: input.asset_ids,
            title: input.title,
            lines,
            currency: input.currency,
            tax_rate_bps: input.tax_rate_bps,
            subtotal,
            tax,
            total,
            valid_until: input.valid_until.map(utc_seconds),
            status: input.status,
            file,
            replaces: input.replaces,
            sent_at: (input.status == QuoteStatus::Sent).then_some(at),
            decision: None,
            approval_attempts: Vec::new(),
            created_at: at,
            updated_at: at,
            version: 1,
        })
    }

    /// The back office sent the quote again. A decided quote keeps its decision and its
    /// offer (409 if the input changes them); an undecided one takes the input.
    pub fn replace(
        &mut self,
        input: QuoteInput,
        customer_path: CustomerPath,
        file: Option<FileRef>,
    ) -> Result<(), Error> {
        let at = now();
        let (lines, subtotal, tax, total) = totals(&input.lines, input.tax_rate_bps);
        let current = self.status_at(at);
        if let Some(decision) = &self.decision {
            let decided = match decision.outcome {
                Outcome::Approved => QuoteStatus::Approved,
                Outcome::Rejected => QuoteStatus::Rejected,
            };
            let offer = Offer {
                customer_id: input.customer_id,
                site_id: input.site_id,
                title: &input.title,
                lines: &lines,
                currency: &input.currency,
                tax_rate_bps: input.tax_rate_bps,
                valid_until: input.valid_until.map(utc_seconds),
            };
            if input.status != decided || offer != self.offer() {
                return Err(Error::conflict(format!(
                    "the customer {} this quote on {}; its offer and decision stay as they are — \
                     re-issue it under a new reference (with `replaces`)",
                    decided.as_str(),
                    super::tenant::rfc3339(decision.decided_at),
                )));
            }
        } else {
            let status = match input.status {
                s @ (QuoteStatus::Draft | QuoteStatus::Sent | QuoteStatus::Withdrawn) => s,
                QuoteStatus::Expired if current == QuoteStatus::Expired => QuoteStatus::Sent,
                other => {
                    return Err(Error::invalid_field(
                        "status",
                        format!("`{}` is not this quote's status; set draft, sent or withdrawn", other.as_str()),
                    ))
                }
            };
            if status == QuoteStatus::Sent && self.status != QuoteStatus::Sent {
                self.sent_at = Some(at);
            }
            self.status = status;
            self.customer_id = input.customer_id;
            self.customer_path = customer_path;
            self.site_id = input.site_id;
            self.title = input.title;
            self.lines = lines;
            self.currency = input.currency;
            self.tax_rate_bps = input.tax_rate_bps;
            self.subtotal = subtotal;
            self.tax = tax;
            self.total = total;
            self.valid_until = input.valid_until.map(utc_seconds);
            self.replaces = input.replaces;
        }
        self.job_id = input.job_id;
        self.asset_ids = input.asset_ids;
        self.file = file;
        Ok(())
    }

    /// Marks a change (after [`Quote::replace`] or a decision).
    pub fn touch(&mut self) {
        self.updated_at = now();
        self.version += 1;
    }

    /// Whether `other` says the same as `self` (a repeated PUT changes nothing).
    pub fn same_as(&self, other: &Quote) -> bool {
        super::representation::same_content(self, other)
    }

    /// Why the quote cannot be decided now, if it cannot (422).
    pub fn undecidable(&self, at: Timestamp) -> Option<String> {
        match self.status_at(at) {
            QuoteStatus::Sent => None,
            QuoteStatus::Expired => Some("this quote has expired; ask for a new one".into()),
            QuoteStatus::Approved | QuoteStatus::Rejected => {
                let d = self.decision.as_ref();
                Some(format!(
                    "this quote was already {} by {} on {}; a decision is final",
                    self.status.as_str(),
                    d.map(|d| d.signed_by.as_str()).unwrap_or("someone"),
                    d.map(|d| super::tenant::rfc3339(d.decided_at)).unwrap_or_default(),
                ))
            }
            QuoteStatus::Withdrawn => Some("this quote was withdrawn".into()),
            QuoteStatus::Draft => Some("this quote is not open for a decision".into()),
        }
    }

    /// Records the decision (the caller checked [`Quote::undecidable`]).
    pub fn decide(&mut self, decision: Decision) {
        self.status = match decision.outcome {
            Outcome::Approved => QuoteStatus::Approved,
            Outcome::Rejected => QuoteStatus::Rejected,
        };
        self.decision = Some(decision);
        self.touch();
    }

    /// Records a refused approval (the member's limit was below the total).
    pub fn attempted(&mut self, attempt: ApprovalAttempt) {
        self.approval_attempts.push(attempt);
        let excess = self.approval_attempts.len().saturating_sub(MAX_ATTEMPTS);
        self.approval_attempts.drain(..excess);
        self.touch();
    }

    pub fn view(&self) -> QuoteView {
        QuoteView {
            id: self.id,
            external_ref: self.external_ref.clone(),
            customer_id: self.customer_id,
            site_id: self.site_id,
            job_id: self.job_id,
            asset_ids: self.asset_ids.clone(),
            title: self.title.clone(),
            lines: self.lines.clone(),
            currency: self.currency.clone(),
            tax_rate_bps: self.tax_rate_bps,
            subtotal: self.subtotal,
            tax: self.tax,
            total: self.total,
            valid_until: self.valid_until,
            status: self.status_now(),
            file_id: self.file.as_ref().map(|f| f.file_id),
            replaces: self.replaces.clone(),
            sent_at: self.sent_at,
            decision: self.decision.clone(),
            approval_attempts: self.approval_attempts.clone(),
            created_at: self.created_at,
            updated_at: self.updated_at,
            version: self.version,
        }
    }

    /// The member's view; `may_decide` is whether they hold `approve_quotes`, `limits`
    /// their approval limits.
    pub fn portal_view(
        &self,
        may_decide: bool,
        limits: &ApprovalLimits,
        detail: Option<Option<DownloadView>>,
    ) -> PortalQuoteView {
        let at = now();
        let with_detail = detail.is_some();
        let decidable = may_decide && self.undecidable(at).is_none();
        PortalQuoteView {
            id: self.id,
            reference: self.external_ref.clone(),
            customer_id: self.customer_id,
            site_id: self.site_id,
            job_id: self.job_id,
            asset_ids: self.asset_ids.clone(),
            title: self.title.clone(),
            lines: with_detail.then(|| self.lines.clone()),
            currency: self.currency.clone(),
            tax_rate_bps: self.tax_rate_bps,
            subtotal: self.subtotal,
            tax: self.tax,
            total: self.total,
            valid_until: self.valid_until,
            status: self.status_at(at),
            sent_at: self.sent_at,
            decision: self.decision.clone(),
            decidable,
            approvable: decidable && limits.get(&self.currency).is_none_or(|limit| self.total <= *limit),
            pdf: detail.flatten(),
            updated_at: self.updated_at,
        }
    }
}

/// The approval limits that apply to a member: per currency, the highest limit among
/// their own and their groups' (a source without a limit for a currency sets none; no
/// limit anywhere means no limit).
pub fn effective_limits<'a>(sources: impl IntoIterator<Item = &'a ApprovalLimits>) -> ApprovalLimits {
    let mut limits: BTreeMap<Currency, i64> = BTreeMap::new();
    for source in sources {
        for (currency, limit) in source.iter() {
            let entry = limits.entry(currency.clone()).or_insert(*limit);
            *entry = (*entry).max(*limit);
        }
    }
    ApprovalLimits(limits)
}

/// Checks approval limits as they are sent: amounts in minor units, 0 to [`MAX_AMOUNT`].
pub fn check_limits(field: &str, limits: &ApprovalLimits) -> Result<(), Error> {
    if limits.len() > 20 {
        return Err(Error::invalid_field(field, "at most 20 currencies"));
    }
    for (currency, limit) in limits.iter() {
        if !(0..=MAX_AMOUNT).contains(limit) {
            return Err(Error::invalid_field(
                format!("{field}.{currency}"),
                format!("must be between 0 and {MAX_AMOUNT} (minor units)"),
            ));
        }
    }
    Ok(())
}

/// The portal's and admin's quote filters (`?status=&site_id=`); `status` takes a
/// comma-separated list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QuoteFilter {
    pub statuses: Vec<QuoteStatus>,
    pub site_id: Option<SiteId>,
}

impl QuoteFilter {
    pub fn parse(get: impl Fn(&str) -> Option<String>, allowed: &[QuoteStatus]) -> Result<Self, Error> {
        let names: Vec<&str> = allowed.iter().map(|s| s.as_str()).collect();
        let statuses = match get("status") {
            None => Vec::new(),
            Some(raw) => raw
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| {
                    QuoteStatus::parse(s)
                        .filter(|s| allowed.contains(s))
                        .ok_or_else(|| Error::invalid_field("status", format!("must be one of: {}", names.join(", "))))
                })
                .collect::<Result<_, _>>()?,
        };
        let site_id = get("site_id")
            .map(|v| SiteId::parse(&v).map_err(|e| Error::invalid_field("site_id", e.to_string())))
            .transpose()?;
        Ok(Self { statuses, site_id })
    }

    /// The stored statuses to read (`expired` is stored as `sent`).
    pub fn stored(&self) -> Vec<&'static str> {
        let mut s: Vec<&'static str> = self.statuses.iter().map(|s| s.stored().as_str()).collect();
        s.sort_unstable();
        s.dedup();
        s
    }

    /// Whether a quote passes, by its status now.
    pub fn admits(&self, quote: &Quote, at: Timestamp) -> bool {
        (self.statuses.is_empty() || self.statuses.contains(&quote.status_at(at)))
            && self.site_id.is_none_or(|s| s == quote.site_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(status: &str, lines: serde_json::Value) -> QuoteInput {
        serde_json::from_value(serde_json::json!({
            "customer_id": CustomerId::generate(),
            "site_id": SiteId::generate(),
            "title": "Replace the pump",
            "lines": lines,
            "currency": "EUR",
            "tax_rate_bps": 2100,
            "status": status,
        }))
        .unwrap()
    }

    fn decision(outcome: Outcome) -> Decision {
        Decision {
            outcome,
            signed_by: Name::parse("Carla").unwrap(),
            comment: None,
            po_number: None,
            reason: None,
            member_id: MemberId::generate(),
            decided_at: now(),
            request_id: "r".into(),
        }
    }

    #[test]
    fn totals_are_computed_in_minor_units() {
        let i = input(
            "sent",
            serde_json::json!([
                {"description": "Pump", "quantity": 1, "unit_price": 125_000},
                {"description": "Labour", "quantity": 1.5, "unit_price": 8_333},
                {"description": "Discount", "quantity": 1, "unit_price": -5_000},
            ]),
        );
        i.validate().unwrap();
        let q = Quote::create(ExternalRef::parse("Q-1").unwrap(), i, CustomerPath::root(CustomerId::generate()), None)
            .unwrap();
        assert_eq!(q.lines[1].total, 12_500); // 12499.5 rounds up
        assert_eq!(q.subtotal, 132_500);
        assert_eq!(q.tax, 27_825);
        assert_eq!(q.total, 160_325);
        assert!(q.sent_at.is_some());
    }

    #[test]
    fn a_quote_is_decidable_only_while_sent_and_unexpired_and_only_once() {
        let mut i = input("sent", serde_json::json!([{"description": "x", "quantity": 1, "unit_price": 1}]));
        i.valid_until = Some(now().saturating_add(time::Duration::days(1)));
        let mut q =
            Quote::create(ExternalRef::parse("Q-2").unwrap(), i, CustomerPath::root(CustomerId::generate()), None)
                .unwrap();
        assert_eq!(q.undecidable(now()), None);
        let later = now().saturating_add(time::Duration::days(2));
        assert_eq!(q.status_at(later), QuoteStatus::Expired);
        assert!(q.undecidable(later).unwrap().contains("expired"));
        q.decide(decision(Outcome::Approved));
        assert_eq!(q.status_now(), QuoteStatus::Approved);
        assert!(q.undecidable(now()).unwrap().contains("final"));
    }

    #[test]
    fn a_decided_quote_keeps_its_offer_and_decision_but_takes_links() {
        let lines = serde_json::json!([{"description": "x", "quantity": 2, "unit_price": 100}]);
        let path = CustomerPath::root(CustomerId::generate());
        let first = input("sent", lines.clone());
        let (customer, site) = (first.customer_id, first.site_id);
        let mut q = Quote::create(ExternalRef::parse("Q-3").unwrap(), first, path.clone(), None).unwrap();
        q.decide(decision(Outcome::Rejected));
        let again = |status: &str, lines: serde_json::Value| {
            let mut i = input(status, lines);
            i.customer_id = customer;
            i.site_id = site;
            i
        };
        // The echo of what it is, with a job linked: accepted.
        let mut echo = again("rejected", lines.clone());
        echo.job_id = Some(JobId::generate());
        q.replace(echo, path.clone(), None).unwrap();
        assert!(q.job_id.is_some());
        // Back to sent, or other lines: refused.
        assert!(matches!(q.replace(again("sent", lines), path.clone(), None), Err(Error::Conflict(_))));
        let other = serde_json::json!([{"description": "x", "quantity": 3, "unit_price": 100}]);
        assert!(matches!(q.replace(again("rejected", other), path, None), Err(Error::Conflict(_))));
        assert_eq!(q.status, QuoteStatus::Rejected);
    }

    #[test]
    fn only_the_customer_sets_approved_or_rejected() {
        let lines = serde_json::json!([{"description": "x", "quantity": 1, "unit_price": 1}]);
        let path = CustomerPath::root(CustomerId::generate());
        assert!(Quote::create(
            ExternalRef::parse("Q-4").unwrap(),
            input("approved", lines.clone()),
            path.clone(),
            None
        )
        .is_err());
        let mut q =
            Quote::create(ExternalRef::parse("Q-4").unwrap(), input("draft", lines.clone()), path.clone(), None)
                .unwrap();
        assert!(q.replace(input("approved", lines.clone()), path.clone(), None).is_err());
        q.replace(input("sent", lines), path, None).unwrap();
        assert_eq!(q.status, QuoteStatus::Sent);
        assert!(q.sent_at.is_some());
    }

    #[test]
    fn the_highest_limit_per_currency_applies() {
        let eur = Currency::parse("EUR").unwrap();
        let usd = Currency::parse("USD").unwrap();
        let own = ApprovalLimits(BTreeMap::from([(eur.clone(), 100)]));
        let group = ApprovalLimits(BTreeMap::from([(eur.clone(), 500), (usd.clone(), 50)]));
        let limits = effective_limits([&own, &group]);
        assert_eq!(limits.get(&eur), Some(&500));
        assert_eq!(limits.get(&usd), Some(&50));
        assert!(effective_limits([&ApprovalLimits::default()]).is_empty());
    }

    #[test]
    fn filters_refuse_statuses_the_caller_may_not_ask_for() {
        let q = std::collections::HashMap::from([("status", "sent,expired")]);
        let visible = [QuoteStatus::Sent, QuoteStatus::Expired, QuoteStatus::Approved];
        let f = QuoteFilter::parse(|k| q.get(k).map(|v| v.to_string()), &visible).unwrap();
        assert_eq!(f.stored(), ["sent"]);
        let q = std::collections::HashMap::from([("status", "draft")]);
        assert!(QuoteFilter::parse(|k| q.get(k).map(|v| v.to_string()), &visible).is_err());
    }
}
