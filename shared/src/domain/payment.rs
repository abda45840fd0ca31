//! Invoice payment online (docs/payments.md; docs/decisions/0004-payments.md).
//!
//! A member with `pay_invoices` pays one or more invoices of one currency through the
//! processor's hosted page, into the tenant's own connected account. Portico keeps a
//! [`Payment`] per attempt — the **ledger**: what was paid for which invoices, and what
//! the processor's events say became of it (succeeded, refunded, disputed). Only the
//! processor's events move a payment past `pending`.
//!
//! Each invoice carries the ledger's net figure per payment (`Invoice::portal_payments`)
//! beside the back office's own `amount_paid`, and the payments the back office says its
//! figure already includes; its balance is derived from all three
//! (`Invoice::settle`). So a back-office publish never erases a portal payment, nor
//! counts one twice (the rule: docs/records.md).
//!
//! Two tabs never take the money twice: a payment's id and the processor's idempotency
//! key are both derived from what is paid ([`payment_key`]), and each invoice's
//! [`PaymentLock`] is written conditionally with the payment — a second, different
//! attempt while one is under way is refused.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::currency::Currency;
use super::ids::{CustomerId, InvoiceId, MemberId, PaymentId, TenantId};
use super::tenant::{now, Timestamp};
use super::text::{Code, ExternalRef};
use crate::error::Error;

/// The most invoices one payment may pay: recording its success changes each invoice, its
/// open-invoice entries, its lock and its audit event (up to 5 writes) in one transaction
/// with the payment's own 4, within DynamoDB's 100.
pub const MAX_INVOICES: usize = 15;
/// How long the hosted page takes payment: the processor's shortest session.
pub const SESSION_MINUTES: i64 = 30;
/// The longest `return_path`.
pub const MAX_RETURN_PATH: usize = 200;

/// One invoice to pay, with the balance the member's page showed.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PayLine {
    pub id: InvoiceId,
    /// The balance the page showed, in minor units: refused (409) if it is not the
    /// invoice's balance now.
    #[schema(minimum = 1, maximum = 1_000_000_000_000_i64)]
    pub balance: i64,
}

/// `POST /portal/invoices/pay`.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PayInput {
    /// The invoices to pay, all in one currency.
    #[schema(min_items = 1, max_items = 15)]
    pub invoices: Vec<PayLine>,
    /// Where in the portal the member returns to after paying or cancelling (a path;
    /// `/invoices` by default). The payment's id is added as `?payment=`.
    #[schema(max_length = 200, pattern = "^/([A-Za-z0-9_-][A-Za-z0-9/_-]*)?$", example = "/invoices")]
    pub return_path: Option<String>,
}

impl PayInput {
    pub fn validate(&self) -> Result<(), Error> {
        if self.invoices.is_empty() || self.invoices.len() > MAX_INVOICES {
            return Err(Error::invalid_field("invoices", format!("must list 1 to {MAX_INVOICES} invoices")));
        }
        let mut seen = std::collections::BTreeSet::new();
        for (i, line) in self.invoices.iter().enumerate() {
            if !seen.insert(line.id) {
                return Err(Error::invalid_field(format!("invoices[{i}].id"), "lists an invoice twice"));
            }
            if !(1..=super::money::MAX_AMOUNT).contains(&line.balance) {
                return Err(Error::invalid_field(
                    format!("invoices[{i}].balance"),
                    "must be the positive balance the page showed (minor units)",
                ));
            }
        }
        if let Some(path) = &self.return_path {
            let fine = path.len() <= MAX_RETURN_PATH
                && path.starts_with('/')
                && !path.starts_with("//")
                && path.bytes().all(|b| b.is_ascii_alphanumeric() || b"/_-".contains(&b));
            if !fine {
                return Err(Error::invalid_field(
                    "return_path",
                    "must be a path in the portal, like /invoices (letters, digits, / _ -)",
                ));
            }
        }
        Ok(())
    }

    pub fn return_path(&self) -> &str {
        self.return_path.as_deref().unwrap_or("/invoices")
    }
}

/// Where a payment stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PaymentState {
    /// The hosted page is open; nothing is paid yet.
    Pending,
    /// The last attempt on the hosted page failed; the member may try again there until
    /// it expires.
    Failed,
    /// The hosted page expired unpaid.
    Expired,
    /// Paid (part of it may since have been refunded or lost to a dispute).
    Succeeded,
}

/// A dispute (chargeback) of a payment, as the processor last told it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Dispute {
    /// The processor's id (`du_…`).
    pub id: String,
    /// The processor's status (`needs_response`, `won`, `lost`, …).
    pub status: String,
    pub amount: i64,
}

impl Dispute {
    /// Lost: the money went back to the payer.
    pub fn lost(&self) -> bool {
        self.status == "lost"
    }
}

/// What a payment paid of one invoice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PaymentLine {
    pub invoice_id: InvoiceId,
    pub reference: ExternalRef,
    pub number: Code,
    pub amount: i64,
}

/// One payment attempt and what became of it: an entry of the ledger.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Payment {
    pub id: PaymentId,
    pub member_id: MemberId,
    /// The paying member's customer (their audit trail shows it).
    pub customer_id: CustomerId,
    pub currency: Currency,
    pub amount: i64,
    pub lines: Vec<PaymentLine>,
    pub state: PaymentState,
    /// Refunded so far (the processor's figure).
    pub amount_refunded: i64,
    pub dispute: Option<Dispute>,
    /// The tenant's connected account.
    pub account: String,
    /// Where the processor's page returns to (the portal, with `?payment=`).
    pub return_url: String,
    /// The paying member's address, for the processor's receipt form.
    pub email: String,
    /// The processor's hosted session (`cs_…`) and its page: set once the processor
    /// answered (the payment is recorded first, so a retry resends the same request).
    pub session_id: Option<String>,
    pub checkout_url: Option<String>,
    /// Set once paid (`pi_…`).
    pub payment_intent: Option<String>,
    /// `card`, `ideal`, …: how it was paid, once known.
    pub method: Option<String>,
    /// Why the last attempt failed, as the processor put it.
    pub failure: Option<String>,
    /// What this payment is (see [`payment_key`]): a second request for the same
    /// invoices and balances names it.
    pub key: String,
    pub expires_at: Timestamp,
    /// The processor's `created` (unix seconds) of the newest event applied.
    pub processor_at: i64,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub version: u64,
}

/// A payment as the portal and the admin API show it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PaymentView {
    pub id: PaymentId,
    pub state: PaymentState,
    pub currency: Currency,
    pub amount: i64,
    pub amount_refunded: i64,
    /// What the payment counts for now: paid, less refunds and a lost dispute.
    pub net: i64,
    pub invoices: Vec<PaymentLine>,
    pub dispute: Option<Dispute>,
    pub method: Option<String>,
    pub failure: Option<String>,
    /// The processor's page to pay on (while pending or failed, until `expires_at`).
    pub checkout_url: Option<String>,
    pub expires_at: Timestamp,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

impl Payment {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        key: &PaymentKey,
        member_id: MemberId,
        customer_id: CustomerId,
        currency: Currency,
        lines: Vec<PaymentLine>,
        account: String,
        return_url: String,
        email: String,
        expires_at: Timestamp,
    ) -> Self {
        let at = now();
        Self {
            id: key.id,
            member_id,
            customer_id,
            currency,
            amount: lines.iter().map(|l| l.amount).sum(),
            lines,
            state: PaymentState::Pending,
            amount_refunded: 0,
            dispute: None,
            account,
            return_url,
            email,
            session_id: None,
            checkout_url: None,
            payment_intent: None,
            method: None,
            failure: None,
            key: key.key.clone(),
            expires_at,
            processor_at: 0,
            created_at: at,
            updated_at: at,
            version: 1,
        }
    }

    /// What the payment counts for now: what was paid, less refunds and a lost dispute.
    pub fn net(&self) -> i64 {
        if self.state != PaymentState::Succeeded {
            return 0;
        }
        let lost = self.dispute.as_ref().filter(|d| d.lost()).map_or(0, |d| d.amount);
        (self.amount - self.amount_refunded - lost).max(0)
    }

    /// [`Payment::net`] per invoice: what is taken back comes off the last invoices first.
    pub fn net_per_invoice(&self) -> Vec<(InvoiceId, i64)> {
        let mut taken_back = self.amount - self.net();
        let mut out: Vec<(InvoiceId, i64)> = self.lines.iter().map(|l| (l.invoice_id, l.amount)).collect();
        for (_, amount) in out.iter_mut().rev() {
            let off = taken_back.min(*amount);
            *amount -= off;
            taken_back -= off;
        }
        out
    }

    /// Whether the hosted page may still be paid at `at`.
    pub fn payable_at(&self, at: Timestamp) -> bool {
        matches!(self.state, PaymentState::Pending | PaymentState::Failed) && at < self.expires_at
    }

    /// Applies what the processor says (`change`, made at `created`, its unix seconds).
    /// Returns the audit action when the payment changed, `None` when the event tells
    /// nothing new (a replay, or older news than what is recorded).
    pub fn apply(&mut self, change: &Change, created: i64) -> Option<&'static str> {
        let action = match change {
            Change::Succeeded { payment_intent, method, amount, currency } => {
                if self.state == PaymentState::Succeeded {
                    return None;
                }
                // Defence in depth: news of another amount is not news of this payment.
                if *amount != self.amount || !currency.eq_ignore_ascii_case(self.currency.as_str()) {
                    tracing::warn!(payment = %self.id, "a success of another amount or currency, ignored");
                    return None;
                }
                self.state = PaymentState::Succeeded;
                self.payment_intent = Some(payment_intent.clone());
                self.method = method.clone().or(self.method.take());
                self.failure = None;
                "payment.succeeded"
            }
            Change::Failed { payment_intent, message } => {
                // A later success wins over an earlier failure, whatever the order.
                if matches!(self.state, PaymentState::Succeeded | PaymentState::Expired)
                    || (self.state == PaymentState::Failed && created < self.processor_at)
                {
                    return None;
                }
                self.state = PaymentState::Failed;
                self.payment_intent = Some(payment_intent.clone());
                self.failure = Some(message.clone());
                "payment.failed"
            }
            Change::Expired => {
                if !matches!(self.state, PaymentState::Pending | PaymentState::Failed) {
                    return None;
                }
                self.state = PaymentState::Expired;
                "payment.expired"
            }
            Change::Refunded { amount_refunded } => {
                // The processor's figure is cumulative: the largest one seen is the newest.
                if *amount_refunded <= self.amount_refunded || self.state != PaymentState::Succeeded {
                    return None;
                }
                self.amount_refunded = (*amount_refunded).min(self.amount);
                "payment.refunded"
            }
            Change::Disputed(dispute) => {
                let newer = match &self.dispute {
                    None => true,
                    Some(d) => d != dispute && created >= self.processor_at,
                };
                if !newer || self.state != PaymentState::Succeeded {
                    return None;
                }
                self.dispute = Some(dispute.clone());
                "payment.disputed"
            }
        };
        self.processor_at = self.processor_at.max(created);
        self.updated_at = now();
        self.version += 1;
        Some(action)
    }

    pub fn view(&self) -> PaymentView {
        let at = now();
        PaymentView {
            id: self.id,
            state: self.state,
            currency: self.currency.clone(),
            amount: self.amount,
            amount_refunded: self.amount_refunded,
            net: self.net(),
            invoices: self.lines.clone(),
            dispute: self.dispute.clone(),
            method: self.method.clone(),
            failure: self.failure.clone(),
            checkout_url: self.checkout_url.clone().filter(|_| self.payable_at(at)),
            expires_at: self.expires_at,
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }
}

/// What one of the processor's events says of a payment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// `amount` and `currency` (lower case, as the processor writes it) are checked
    /// against the payment's.
    Succeeded {
        payment_intent: String,
        method: Option<String>,
        amount: i64,
        currency: String,
    },
    Failed {
        payment_intent: String,
        message: String,
    },
    Expired,
    Refunded {
        amount_refunded: i64,
    },
    Disputed(Dispute),
}

/// A payment's identity: derived from the tenant, the member, the invoices with the
/// balances paid, and the payments that held those invoices before (`epoch`) — so two
/// tabs paying the same thing name the same payment and the same processor session,
/// while a new attempt after an expired one is a new payment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentKey {
    pub id: PaymentId,
    /// Hex; also the processor's Idempotency-Key.
    pub key: String,
}

pub fn payment_key(tenant: TenantId, member: MemberId, lines: &[PayLine], epoch: &[PaymentId]) -> PaymentKey {
    let mut sorted: Vec<(String, i64)> = lines.iter().map(|l| (l.id.to_string(), l.balance)).collect();
    sorted.sort();
    let mut epoch: Vec<String> = epoch.iter().map(ToString::to_string).collect();
    epoch.sort();
    let mut hash = Sha256::new();
    hash.update(format!("portico-payment\n{tenant}\n{member}\n"));
    for (id, balance) in &sorted {
        hash.update(format!("{id}={balance}\n"));
    }
    hash.update(format!("after:{}", epoch.join(",")));
    let digest = hash.finalize();
    let mut first = [0u8; 16];
    first.copy_from_slice(&digest[..16]);
    let key = digest.iter().map(|b| format!("{b:02x}")).collect::<String>();
    PaymentKey { id: PaymentId::from_bits(u128::from_be_bytes(first)), key }
}

/// Who is paying an invoice now: written with the payment, conditionally, so that one
/// attempt at a time holds an invoice. It stays after its payment ends (its owner is
/// the next attempt's `epoch`); it holds only until `until`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentLock {
    pub invoice_id: InvoiceId,
    pub payment_id: PaymentId,
    pub key: String,
    pub until: Timestamp,
    pub version: u64,
}

impl PaymentLock {
    /// Whether it still holds its invoice at `at`.
    pub fn holds_at(&self, at: Timestamp) -> bool {
        at < self.until
    }

    /// The lock ended now (its payment paid, expired or refused), its owner kept.
    pub fn released(&self) -> Self {
        Self { until: now(), version: self.version + 1, ..self.clone() }
    }
}

/// The tenant's processor account (a connected account: Portico holds its id, never
/// its keys).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PaymentAccount {
    /// `acct_…`
    pub account_id: String,
    pub charges_enabled: bool,
    pub details_submitted: bool,
    /// The processor's `created` (unix seconds) of the newest `account.updated` applied.
    #[serde(default)]
    pub processor_at: i64,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub version: u64,
}

/// `GET /admin/payments/account`.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PaymentAccountView {
    /// Whether the tenant has connected an account.
    pub connected: bool,
    /// The connected account (`acct_…`), once made.
    pub account_id: Option<String>,
    /// Whether it takes payments: members may pay once it does and the `payments`
    /// feature is on.
    pub charges_enabled: bool,
    pub details_submitted: bool,
}

impl PaymentAccountView {
    pub fn of(account: Option<&PaymentAccount>) -> Self {
        Self {
            connected: account.is_some(),
            account_id: account.map(|a| a.account_id.clone()),
            charges_enabled: account.is_some_and(|a| a.charges_enabled),
            details_submitted: account.is_some_and(|a| a.details_submitted),
        }
    }
}

/// `POST /admin/payments/account`'s answer: the processor's onboarding page.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OnboardingView {
    pub account: PaymentAccountView,
    /// Open it in the browser: the processor's own onboarding, then back to the console.
    pub onboarding_url: String,
    pub expires_at: Timestamp,
}

/// What binds a connected account to its tenant: the processor's events name only the
/// account.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AccountBinding {
    pub account_id: String,
    #[serde(deserialize_with = "super::ids::stored_tenant")]
    pub tenant: TenantId,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn payment(lines: &[i64]) -> Payment {
        let key = PaymentKey { id: PaymentId::generate(), key: "k".into() };
        let lines = lines
            .iter()
            .map(|a| PaymentLine {
                invoice_id: InvoiceId::generate(),
                reference: ExternalRef::parse("I-1").unwrap(),
                number: Code::parse("1").unwrap(),
                amount: *a,
            })
            .collect();
        let eur = Currency::parse("EUR").unwrap();
        Payment::new(
            &key,
            MemberId::generate(),
            CustomerId::generate(),
            eur,
            lines,
            "acct_1".into(),
            "https://portal/invoices".into(),
            "a@example.com".into(),
            now(),
        )
    }

    fn succeeded(amount: i64) -> Change {
        Change::Succeeded {
            payment_intent: "pi_1".into(),
            method: Some("ideal".into()),
            amount,
            currency: "eur".into(),
        }
    }

    #[test]
    fn an_event_counts_once_and_a_failure_never_undoes_a_success() {
        let mut p = payment(&[1_000, 500]);
        assert_eq!(p.net(), 0, "pending counts for nothing");
        assert_eq!(p.apply(&succeeded(p.amount), 10), Some("payment.succeeded"));
        assert_eq!(p.apply(&succeeded(p.amount), 10), None, "a replay changes nothing");
        let failed = Change::Failed { payment_intent: "pi_1".into(), message: "declined".into() };
        assert_eq!(p.apply(&failed, 5), None, "an older failure, arriving late");
        assert_eq!(p.apply(&Change::Expired, 20), None, "a paid session does not expire");
        assert_eq!((p.state, p.net()), (PaymentState::Succeeded, 1_500));
    }

    #[test]
    fn news_of_another_amount_or_a_late_failure_after_expiry_changes_nothing() {
        let mut p = payment(&[1_000]);
        let other =
            Change::Succeeded { payment_intent: "pi_1".into(), method: None, amount: 999, currency: "eur".into() };
        assert_eq!(p.apply(&other, 1), None, "another amount");
        let dollars =
            Change::Succeeded { payment_intent: "pi_1".into(), method: None, amount: 1_000, currency: "usd".into() };
        assert_eq!(p.apply(&dollars, 1), None, "another currency");
        assert_eq!(p.apply(&Change::Expired, 2), Some("payment.expired"));
        let failed = Change::Failed { payment_intent: "pi_1".into(), message: "declined".into() };
        assert_eq!(p.apply(&failed, 3), None, "an expired page's late failure");
        assert_eq!(p.state, PaymentState::Expired);
    }

    #[test]
    fn refunds_are_cumulative_and_come_off_the_last_invoice_first() {
        let mut p = payment(&[1_000, 500]);
        assert_eq!(p.apply(&Change::Refunded { amount_refunded: 100 }, 1), None, "nothing to refund before it is paid");
        p.apply(&succeeded(p.amount), 1);
        assert_eq!(p.apply(&Change::Refunded { amount_refunded: 700 }, 3), Some("payment.refunded"));
        assert_eq!(p.apply(&Change::Refunded { amount_refunded: 200 }, 2), None, "an older, smaller figure");
        assert_eq!(p.net(), 800);
        let per: Vec<i64> = p.net_per_invoice().into_iter().map(|(_, a)| a).collect();
        assert_eq!(per, vec![800, 0]);
    }

    #[test]
    fn a_lost_dispute_takes_the_money_back_a_won_one_does_not() {
        let mut p = payment(&[1_000]);
        p.apply(&succeeded(p.amount), 1);
        let open = Dispute { id: "du_1".into(), status: "needs_response".into(), amount: 1_000 };
        assert_eq!(p.apply(&Change::Disputed(open.clone()), 2), Some("payment.disputed"));
        assert_eq!(p.net(), 1_000, "an open dispute is not yet lost");
        let lost = Dispute { status: "lost".into(), ..open.clone() };
        p.apply(&Change::Disputed(lost), 3);
        assert_eq!(p.net(), 0);
        assert_eq!(p.apply(&Change::Disputed(open), 2), None, "older news");
    }

    #[test]
    fn the_key_names_what_is_paid_not_the_order_it_is_listed_in() {
        let tenant = TenantId::generate();
        let member = MemberId::generate();
        let (a, b) = (InvoiceId::generate(), InvoiceId::generate());
        let line = |id, balance| PayLine { id, balance };
        let one = payment_key(tenant, member, &[line(a, 100), line(b, 200)], &[]);
        assert_eq!(one, payment_key(tenant, member, &[line(b, 200), line(a, 100)], &[]));
        assert_ne!(one, payment_key(tenant, member, &[line(a, 100), line(b, 201)], &[]), "another balance");
        assert_ne!(
            one,
            payment_key(tenant, MemberId::generate(), &[line(a, 100), line(b, 200)], &[]),
            "another member"
        );
        assert_ne!(one, payment_key(tenant, member, &[line(a, 100), line(b, 200)], &[one.id]), "after that one");
    }

    #[test]
    fn a_return_path_stays_in_the_portal() {
        let input = |p: &str| PayInput {
            invoices: vec![PayLine { id: InvoiceId::generate(), balance: 1 }],
            return_path: Some(p.into()),
        };
        assert!(input("/invoices").validate().is_ok());
        for bad in ["//evil.example", "https://evil.example", "/a?b", "invoices", "/a b"] {
            assert!(input(bad).validate().is_err(), "{bad}");
        }
    }
}
