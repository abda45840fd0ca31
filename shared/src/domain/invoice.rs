//! Invoices: published by the back office (`PUT /admin/invoices/{ref}`), read by members
//! with `view_invoices`. The status is **derived when read** — `paid` when `amount_paid`
//! covers `total`, `overdue` when unpaid past `due_at`, else `due` — so an invoice turns
//! overdue at its due time without anything being written.
//!
//! While an invoice is unpaid, Portico also keeps a small "open invoice" item under its
//! customer and under its site (written in the same transaction as the invoice), so that
//! a member's outstanding and overdue totals read the open invoices only, never the paid
//! history.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::currency::Currency;
use super::file::FileRef;
use super::hierarchy::CustomerPath;
use super::ids::{CustomerId, FileId, InvoiceId, JobId, PaymentId, SiteId};
use super::money::MAX_AMOUNT;
use super::tenant::{now, utc_seconds, Timestamp};
use super::text::{Code, ExternalRef};
use crate::error::Error;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum InvoiceStatus {
    Due,
    Overdue,
    Paid,
}

impl InvoiceStatus {
    pub const ALL: [InvoiceStatus; 3] = [InvoiceStatus::Due, InvoiceStatus::Overdue, InvoiceStatus::Paid];

    pub fn as_str(self) -> &'static str {
        match self {
            InvoiceStatus::Due => "due",
            InvoiceStatus::Overdue => "overdue",
            InvoiceStatus::Paid => "paid",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }
}

/// `PUT /admin/invoices/{invoice_id}`: the whole invoice as the back office has it.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InvoiceInput {
    /// Portico's id (`cus_…`) or the back office's reference of the customer.
    #[schema(value_type = ExternalRef)]
    pub customer_id: CustomerId,
    /// The site invoiced; without one, only members who see the whole customer see it.
    /// Portico's id (`site_…`) or the back office's reference of the site.
    #[schema(value_type = Option<ExternalRef>)]
    pub site_id: Option<SiteId>,
    pub job_id: Option<JobId>,
    /// The invoice number as printed.
    pub number: Code,
    pub issued_at: Timestamp,
    pub due_at: Timestamp,
    pub currency: Currency,
    /// In minor units, tax included.
    #[schema(minimum = 0, maximum = 1_000_000_000_000_i64)]
    pub total: i64,
    /// In minor units; 0 by default.
    #[serde(default)]
    #[schema(minimum = 0, maximum = 1_000_000_000_000_i64)]
    pub amount_paid: i64,
    /// The invoice as a PDF, uploaded through `POST /admin/files`.
    pub file_id: Option<FileId>,
    /// The portal payments (`pay_…`, from `invoice.payment_succeeded`) that
    /// `amount_paid` already includes: they are not counted again (docs/records.md).
    /// Omitted: none.
    #[serde(default)]
    #[schema(max_items = 50)]
    pub portal_payments_included: BTreeSet<PaymentId>,
    /// Read-only (the ledger's): ignored.
    #[serde(default)]
    #[schema(read_only, value_type = Option<Object>)]
    pub portal_payments: Option<serde_json::Value>,
    /// Read-only (derived): ignored.
    #[serde(default)]
    #[schema(read_only)]
    pub portal_paid: Option<i64>,
    /// Read-only: when sent, must be this invoice's id.
    #[serde(default)]
    #[schema(read_only)]
    pub id: Option<InvoiceId>,
    /// Read-only: when sent, must equal the reference in the path.
    #[serde(default)]
    #[schema(read_only)]
    pub external_ref: Option<ExternalRef>,
    /// Read-only: when sent, must be the current version (412 otherwise).
    #[serde(default)]
    #[schema(read_only)]
    pub version: Option<u64>,
    /// Read-only (derived): ignored.
    #[serde(default)]
    #[schema(read_only)]
    pub status: Option<InvoiceStatus>,
    /// Read-only (derived): ignored.
    #[serde(default)]
    #[schema(read_only)]
    pub balance: Option<i64>,
    /// Read-only: ignored.
    #[serde(default)]
    #[schema(read_only, value_type = Option<String>, format = DateTime)]
    pub created_at: Option<Timestamp>,
    /// Read-only: ignored.
    #[serde(default)]
    #[schema(read_only, value_type = Option<String>, format = DateTime)]
    pub updated_at: Option<Timestamp>,
}

impl InvoiceInput {
    pub fn check_echo(&self, reference: &ExternalRef, stored: Option<&Invoice>) -> Result<(), Error> {
        use super::representation::{check_identity, check_version};
        check_identity("external_ref", self.external_ref.as_ref(), Some(reference))?;
        check_identity("id", self.id.as_ref(), stored.map(|i| &i.id))?;
        check_version(self.version, stored.map(|i| i.version))
    }

    pub fn validate(&self) -> Result<(), Error> {
        for (field, v) in [("total", self.total), ("amount_paid", self.amount_paid)] {
            if !(0..=MAX_AMOUNT).contains(&v) {
                return Err(Error::invalid_field(field, format!("must be between 0 and {MAX_AMOUNT} (minor units)")));
            }
        }
        if self.due_at < self.issued_at {
            return Err(Error::invalid_field("due_at", "must not be before `issued_at`"));
        }
        if self.portal_payments_included.len() > MAX_INCLUDED {
            return Err(Error::invalid_field(
                "portal_payments_included",
                format!("must list at most {MAX_INCLUDED} payments"),
            ));
        }
        Ok(())
    }
}

/// An invoice as stored.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Invoice {
    pub id: InvoiceId,
    pub external_ref: ExternalRef,
    pub customer_id: CustomerId,
    pub customer_path: CustomerPath,
    pub site_id: Option<SiteId>,
    pub job_id: Option<JobId>,
    pub number: Code,
    pub issued_at: Timestamp,
    pub due_at: Timestamp,
    pub currency: Currency,
    pub total: i64,
    /// The back office's own figure, as published.
    pub amount_paid: i64,
    /// The ledger's net figure per portal payment of this invoice (`domain::payment`).
    #[serde(default)]
    pub portal_payments: BTreeMap<PaymentId, i64>,
    /// The portal payments `amount_paid` includes, as the back office says.
    #[serde(default)]
    pub portal_payments_included: BTreeSet<PaymentId>,
    /// Derived ([`Invoice::settle`]) and stored, so that lists filter on it: what counts
    /// as paid — `amount_paid` plus the portal payments it does not include.
    #[serde(default)]
    pub paid: i64,
    pub file: Option<FileRef>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub version: u64,
}

/// The most portal payments one publish may list as included.
pub const MAX_INCLUDED: usize = 50;

/// An invoice as the admin API shows it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct InvoiceView {
    pub id: InvoiceId,
    pub external_ref: ExternalRef,
    pub customer_id: CustomerId,
    pub site_id: Option<SiteId>,
    pub job_id: Option<JobId>,
    pub number: Code,
    pub issued_at: Timestamp,
    pub due_at: Timestamp,
    pub currency: Currency,
    pub total: i64,
    pub amount_paid: i64,
    /// The portal payments `amount_paid` includes (as last published).
    pub portal_payments_included: BTreeSet<PaymentId>,
    /// The net of each portal payment of this invoice (succeeded, less refunds and lost
    /// disputes), by payment id.
    #[schema(value_type = std::collections::BTreeMap<String, i64>)]
    pub portal_payments: BTreeMap<PaymentId, i64>,
    /// The part of `portal_payments` that `amount_paid` does not include.
    pub portal_paid: i64,
    /// `total − amount_paid − portal_paid`, never below 0.
    pub balance: i64,
    /// Derived when read: `paid`, `overdue` (unpaid past `due_at`) or `due`.
    pub status: InvoiceStatus,
    pub file_id: Option<FileId>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub version: u64,
}

/// An invoice as a member sees it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PortalInvoiceView {
    pub id: InvoiceId,
    pub reference: ExternalRef,
    pub customer_id: CustomerId,
    pub site_id: Option<SiteId>,
    pub job_id: Option<JobId>,
    pub number: Code,
    pub issued_at: Timestamp,
    pub due_at: Timestamp,
    pub currency: Currency,
    pub total: i64,
    /// Paid so far, by every means (the back office's figure and payments in the portal).
    pub amount_paid: i64,
    pub balance: i64,
    pub status: InvoiceStatus,
    /// `GET` this path for a short-lived link to the PDF; null without one.
    pub pdf: Option<String>,
}

/// Per currency, what the member's scope owes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct InvoiceTotals {
    pub currency: Currency,
    /// The balance of every unpaid invoice.
    pub outstanding: i64,
    /// The part of it past due.
    pub overdue: i64,
}

/// `GET /portal/invoices`: a page, with the totals of the member's scope (or the one
/// site asked for), whatever the status filter.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PortalInvoicePage {
    pub items: Vec<PortalInvoiceView>,
    pub next_cursor: Option<String>,
    pub totals: Vec<InvoiceTotals>,
}

/// An unpaid invoice, filed under its customer or its site (see the module's doc).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OpenInvoice {
    pub invoice_id: InvoiceId,
    pub customer_id: CustomerId,
    pub site_id: Option<SiteId>,
    /// Filed under the site (else under the customer).
    pub under_site: bool,
    pub currency: Currency,
    pub balance: i64,
    pub due_at: Timestamp,
}

impl Invoice {
    pub fn create(
        external_ref: ExternalRef,
        input: InvoiceInput,
        customer_path: CustomerPath,
        file: Option<FileRef>,
    ) -> Self {
        let at = now();
        let mut invoice = Self {
            id: InvoiceId::generate(),
            external_ref,
            customer_id: input.customer_id,
            customer_path: customer_path.clone(),
            site_id: None,
            job_id: None,
            number: input.number.clone(),
            issued_at: at,
            due_at: at,
            currency: input.currency.clone(),
            total: 0,
            amount_paid: 0,
            portal_payments: BTreeMap::new(),
            portal_payments_included: BTreeSet::new(),
            paid: 0,
            file: None,
            created_at: at,
            updated_at: at,
            version: 1,
        };
        invoice.fill(input, customer_path, file);
        invoice
    }

    /// Takes what the back office sent (the caller bumps the version if it changed).
    pub fn fill(&mut self, input: InvoiceInput, customer_path: CustomerPath, file: Option<FileRef>) {
        self.customer_id = input.customer_id;
        self.customer_path = customer_path;
        self.site_id = input.site_id;
        self.job_id = input.job_id;
        self.number = input.number;
        self.issued_at = utc_seconds(input.issued_at);
        self.due_at = utc_seconds(input.due_at);
        self.currency = input.currency;
        self.total = input.total;
        self.amount_paid = input.amount_paid;
        self.portal_payments_included = input.portal_payments_included;
        self.file = file;
        self.settle();
    }

    /// The portal payments the back office lists as included that this invoice has no
    /// record of (another invoice's, a typo): the first, if any.
    pub fn unknown_included(&self) -> Option<PaymentId> {
        self.portal_payments_included.iter().find(|p| !self.portal_payments.contains_key(p)).copied()
    }

    /// Records a portal payment's net figure for this invoice (0 removes nothing: the
    /// entry stays, so the back office can still list it).
    pub fn record_payment(&mut self, payment: PaymentId, net: i64) {
        self.portal_payments.insert(payment, net);
        self.settle();
    }

    /// The portal payments `amount_paid` does not include.
    pub fn portal_paid(&self) -> i64 {
        self.portal_payments
            .iter()
            .filter(|(id, _)| !self.portal_payments_included.contains(id))
            .map(|(_, net)| *net)
            .sum()
    }

    /// Derives `paid` — the rule of docs/records.md: the back office's `amount_paid`,
    /// plus the net of each portal payment it does not list as included.
    pub fn settle(&mut self) {
        self.paid = self.amount_paid.saturating_add(self.portal_paid());
    }

    pub fn touch(&mut self) {
        self.updated_at = now();
        self.version += 1;
    }

    /// Whether `other` says the same as `self` (a repeated PUT changes nothing).
    pub fn same_as(&self, other: &Invoice) -> bool {
        super::representation::same_content(self, other)
    }

    pub fn balance(&self) -> i64 {
        (self.total - self.paid).max(0)
    }

    /// The status at `at`.
    pub fn status_at(&self, at: Timestamp) -> InvoiceStatus {
        if self.paid >= self.total {
            InvoiceStatus::Paid
        } else if at > self.due_at {
            InvoiceStatus::Overdue
        } else {
            InvoiceStatus::Due
        }
    }

    /// The open-invoice items this invoice has while unpaid: under its customer, and
    /// under its site if it has one. None once paid.
    pub fn open_items(&self) -> Vec<OpenInvoice> {
        if self.balance() == 0 {
            return Vec::new();
        }
        let item = |under_site| OpenInvoice {
            invoice_id: self.id,
            customer_id: self.customer_id,
            site_id: self.site_id,
            under_site,
            currency: self.currency.clone(),
            balance: self.balance(),
            due_at: self.due_at,
        };
        let mut items = vec![item(false)];
        if self.site_id.is_some() {
            items.push(item(true));
        }
        items
    }

    pub fn view(&self) -> InvoiceView {
        InvoiceView {
            id: self.id,
            external_ref: self.external_ref.clone(),
            customer_id: self.customer_id,
            site_id: self.site_id,
            job_id: self.job_id,
            number: self.number.clone(),
            issued_at: self.issued_at,
            due_at: self.due_at,
            currency: self.currency.clone(),
            total: self.total,
            amount_paid: self.amount_paid,
            portal_payments_included: self.portal_payments_included.clone(),
            portal_payments: self.portal_payments.clone(),
            portal_paid: self.portal_paid(),
            balance: self.balance(),
            status: self.status_at(now()),
            file_id: self.file.as_ref().map(|f| f.file_id),
            created_at: self.created_at,
            updated_at: self.updated_at,
            version: self.version,
        }
    }

    pub fn portal_view(&self) -> PortalInvoiceView {
        PortalInvoiceView {
            id: self.id,
            reference: self.external_ref.clone(),
            customer_id: self.customer_id,
            site_id: self.site_id,
            job_id: self.job_id,
            number: self.number.clone(),
            issued_at: self.issued_at,
            due_at: self.due_at,
            currency: self.currency.clone(),
            total: self.total,
            amount_paid: self.paid,
            balance: self.balance(),
            status: self.status_at(now()),
            pdf: self.file.as_ref().map(|_| format!("/portal/invoices/{}/pdf", self.id)),
        }
    }
}

/// Outstanding and overdue per currency at `at`, from open-invoice items (each invoice
/// counted once, however many of its items were read).
pub fn totals(open: &[OpenInvoice], at: Timestamp) -> Vec<InvoiceTotals> {
    let mut seen = std::collections::BTreeSet::new();
    let mut sums: BTreeMap<Currency, (i64, i64)> = BTreeMap::new();
    for o in open {
        if !seen.insert(o.invoice_id) {
            continue;
        }
        let sum = sums.entry(o.currency.clone()).or_default();
        sum.0 += o.balance;
        if at > o.due_at {
            sum.1 += o.balance;
        }
    }
    sums.into_iter()
        .map(|(currency, (outstanding, overdue))| InvoiceTotals { currency, outstanding, overdue })
        .collect()
}

/// `?status=due,overdue,paid&site_id=`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct InvoiceFilter {
    pub statuses: Vec<InvoiceStatus>,
    pub site_id: Option<SiteId>,
}

impl InvoiceFilter {
    pub fn parse(get: impl Fn(&str) -> Option<String>) -> Result<Self, Error> {
        let statuses = match get("status") {
            None => Vec::new(),
            Some(raw) => raw
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| {
                    InvoiceStatus::parse(s)
                        .ok_or_else(|| Error::invalid_field("status", "must be one of: due, overdue, paid"))
                })
                .collect::<Result<_, _>>()?,
        };
        let site_id = get("site_id")
            .map(|v| SiteId::parse(&v).map_err(|e| Error::invalid_field("site_id", e.to_string())))
            .transpose()?;
        Ok(Self { statuses, site_id })
    }

    pub fn admits(&self, invoice: &Invoice, at: Timestamp) -> bool {
        (self.statuses.is_empty() || self.statuses.contains(&invoice.status_at(at)))
            && self.site_id.is_none_or(|s| invoice.site_id == Some(s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn invoice(total: i64, paid: i64, due_in_days: i64) -> Invoice {
        let input: InvoiceInput = serde_json::from_value(serde_json::json!({
            "customer_id": CustomerId::generate(), "site_id": SiteId::generate(), "number": "2026-001",
            "issued_at": "2026-01-01T00:00:00Z", "due_at": "2026-01-01T00:00:00Z", "currency": "EUR",
            "total": total, "amount_paid": paid,
        }))
        .unwrap();
        let mut i = Invoice::create(
            ExternalRef::parse("I-1").unwrap(),
            input,
            CustomerPath::root(CustomerId::generate()),
            None,
        );
        i.due_at = now().saturating_add(time::Duration::days(due_in_days));
        i
    }

    #[test]
    fn the_status_follows_the_clock_and_the_payments() {
        let i = invoice(10_000, 0, 1);
        assert_eq!(i.status_at(now()), InvoiceStatus::Due);
        assert_eq!(
            i.status_at(now().saturating_add(time::Duration::days(2))),
            InvoiceStatus::Overdue,
            "overdue by the clock alone"
        );
        assert_eq!(invoice(10_000, 10_000, -5).status_at(now()), InvoiceStatus::Paid);
        assert_eq!(invoice(10_000, 12_000, -5).balance(), 0);
        assert_eq!(invoice(10_000, 2_500, -5).balance(), 7_500);
    }

    #[test]
    fn totals_count_each_open_invoice_once_per_currency() {
        let due = invoice(10_000, 0, 3);
        let late = invoice(5_000, 1_000, -3);
        let paid = invoice(7_000, 7_000, -3);
        assert!(paid.open_items().is_empty());
        let open: Vec<_> = [due.open_items(), late.open_items()].concat();
        assert_eq!(open.len(), 4, "under the customer and the site");
        let t = totals(&open, now());
        assert_eq!(t.len(), 1);
        assert_eq!((t[0].outstanding, t[0].overdue), (14_000, 4_000));
    }

    #[test]
    fn a_portal_payment_counts_once_whether_or_not_the_back_office_includes_it() {
        let mut i = invoice(10_000, 0, 3);
        let pay = PaymentId::generate();
        i.record_payment(pay, 4_000);
        assert_eq!((i.balance(), i.portal_paid()), (6_000, 4_000), "the ledger's payment counts");
        // The back office publishes again without knowing of it: the payment stays.
        let republish = |paid: i64, included: &[PaymentId]| -> InvoiceInput {
            serde_json::from_value(serde_json::json!({
                "customer_id": i.customer_id, "number": "2026-001", "issued_at": "2026-01-01T00:00:00Z",
                "due_at": "2026-01-01T00:00:00Z", "currency": "EUR", "total": 10_000, "amount_paid": paid,
                "portal_payments_included": included,
            }))
            .unwrap()
        };
        let path = i.customer_path.clone();
        let mut before = i.clone();
        before.fill(republish(0, &[]), path.clone(), None);
        assert_eq!(before.balance(), 6_000, "a publish that does not know of it does not erase it");
        let mut after = i.clone();
        after.fill(republish(4_000, &[pay]), path.clone(), None);
        assert_eq!(after.balance(), 6_000, "a publish that includes it does not count it twice");
        let mut wrong = i.clone();
        wrong.fill(republish(4_000, &[PaymentId::generate()]), path, None);
        assert!(wrong.unknown_included().is_some(), "a payment it has no record of is named");
        i.record_payment(pay, 10_000);
        assert_eq!(i.status_at(now()), InvoiceStatus::Paid);
    }
}
