//! `POST /portal/invoices/pay` and `GET /portal/payments/{payment_id}`: a member with
//! `pay_invoices` pays invoices on the processor's hosted page (docs/payments.md).
//!
//! Paying writes nothing on the invoices: it opens a hosted session on the tenant's
//! connected account and records the attempt (a pending [`Payment`]) with a lock on each
//! invoice, in one transaction that holds only if no other attempt holds them. The
//! processor's events (`crate::processor`) move the payment and the invoices' balances.

use portico::domain::group::{require, require_open};
use portico::domain::ids::PaymentId;
use portico::domain::invoice::{Invoice, InvoiceStatus};
use portico::domain::payment::{
    payment_key, PayInput, Payment, PaymentAccount, PaymentLine, PaymentLock, PaymentState, PaymentView,
    SESSION_MINUTES,
};
use portico::domain::rights::Permission;
use portico::domain::settings::Feature;
use portico::domain::tenant::now;
use portico::http::guard::Portal;
use portico::http::{guard, Reply, Req};
use portico::store::{keys, Tx};
use portico::stripe::{SessionLine, SessionRequest};
use portico::{App, Error, Result};

use crate::schema::Problem;

#[utoipa::path(post, path = "/portal/invoices/pay", request_body(content = PayInput, example = json!({"invoices": [{"id": "inv_01JD8Z6V5Q2W3E4R5T6Y7A8B9Z", "balance": 10000}], "return_path": "/invoices"})),
    params(("Idempotency-Key" = Option<String>, Header)),
    responses(
        (status = 201, body = PaymentView, description = "A payment was opened: send the member to `checkout_url`"),
        (status = 200, body = PaymentView, description = "The same invoices and balances are being paid already: the same payment"),
        (status = 400, body = Problem), (status = 403, body = Problem),
        (status = 404, body = Problem, description = "No such invoice for you"),
        (status = 409, body = Problem, description = "An invoice is paid, its balance changed, another payment of it is under way, or the portal takes no payments yet"),
        (status = 422, body = Problem, description = "The invoices are in more than one currency")))]
pub async fn pay(app: &App, req: Req) -> Result<Reply> {
    let portal = guard::member(app, &req).await?;
    require_open(&portal.settings, &portal.rights, Feature::Invoices)?;
    require(&portal.settings, &portal.rights, Feature::Payments, Permission::PayInvoices)?;
    let input: PayInput = req.body()?;
    input.validate()?;
    let tenant = portal.principal.tenant;
    let mut wanted = vec![keys::payment_account_key(tenant)];
    for line in &input.invoices {
        wanted.push(keys::invoice_key(tenant, line.id));
        wanted.push(keys::payment_lock_key(tenant, line.id));
    }
    let found = app.store.batch(&wanted).await?;
    let invoices = found.all::<Invoice>()?;
    let locks = found.all::<PaymentLock>()?;

    let at = now();
    let mut lines = Vec::new();
    for line in &input.invoices {
        let invoice = invoices.iter().find(|i| i.id == line.id).ok_or(Error::NotFound)?;
        if !super::invoices::may_see(app, &portal, invoice).await? {
            return Err(Error::NotFound);
        }
        if invoice.status_at(at) == InvoiceStatus::Paid {
            return Err(Error::conflict(format!("invoice {} is paid already", invoice.number)));
        }
        if invoice.balance() != line.balance {
            return Err(Error::conflict(format!(
                "the balance of invoice {} changed since the page was shown: reload it",
                invoice.number
            )));
        }
        lines.push(PaymentLine {
            invoice_id: invoice.id,
            reference: invoice.external_ref.clone(),
            number: invoice.number.clone(),
            amount: line.balance,
        });
    }
    // Only the member's own invoices say anything (404 first): then whether they can be paid.
    let account = found
        .one::<PaymentAccount>()?
        .filter(|a| a.charges_enabled)
        .ok_or_else(|| Error::conflict("this portal does not take payments online yet"))?;
    let currency = invoices[0].currency.clone();
    if invoices.iter().any(|i| i.currency != currency) {
        return Err(Error::unprocessable("pay invoices of one currency at a time"));
    }

    // Who held these invoices before: the next attempt after an expired one is new.
    let epoch: Vec<PaymentId> = locks.iter().map(|l| l.payment_id).collect();
    let key = payment_key(tenant, portal.member.id, &input.invoices, &epoch);
    if let Some(held) = locks.iter().find(|l| l.holds_at(at)) {
        return existing(app, &portal, held, &lines).await;
    }
    // The attempts whose time ran out: their pages are closed before anyone pays again.
    for lock in &locks {
        close(app, tenant, lock, &lines).await?;
    }

    let base = portal
        .settings
        .branding
        .portal_url
        .as_ref()
        .map(|u| u.as_str().trim_end_matches('/').to_owned())
        .ok_or_else(|| Error::conflict("this portal has no address yet (branding.portal_url)"))?;
    let back = format!("{base}{}?payment={}", input.return_path(), key.id);
    let until = at.whole_seconds().saturating_add(time::Duration::minutes(SESSION_MINUTES + 1));
    let payment = Payment::new(
        &key,
        portal.member.id,
        portal.member.customer_id,
        currency,
        lines,
        account.account_id.clone(),
        back,
        portal.member.email.to_string(),
        until,
    );
    // Recorded first, with a lock on each invoice, each invoice as read: then the
    // processor is asked, with what is recorded (a retry asks again with the same).
    let mut tx = Tx::new(tenant, portal.actor());
    tx.create(&payment, "payment.started", "this payment is under way already")?;
    for invoice in &invoices {
        tx.require_unchanged(invoice, invoice.version, "the invoice changed meanwhile: reload it");
    }
    for line in &payment.lines {
        let before = locks.iter().find(|l| l.invoice_id == line.invoice_id);
        let lock = PaymentLock {
            invoice_id: line.invoice_id,
            payment_id: payment.id,
            key: key.key.clone(),
            until,
            version: before.map_or(1, |b| b.version + 1),
        };
        tx.put_if(&lock, before.map(|b| b.version), "another payment of this invoice started at the same moment")?;
    }
    match app.store.commit(tx).await {
        Ok(()) => Reply::created(&open(app, &portal, payment).await?.view()),
        // Another tab won the race: the same payment if it pays the same, else busy.
        Err(Error::Conflict(_)) => {
            let wanted: Vec<_> = payment.lines.iter().map(|l| keys::payment_lock_key(tenant, l.invoice_id)).collect();
            let locks: Vec<PaymentLock> =
                app.store.get_many(&wanted).await?.into_iter().map(portico::store::decode).collect::<Result<_>>()?;
            match locks.iter().find(|l| l.holds_at(now())) {
                Some(held) => existing(app, &portal, held, &payment.lines).await,
                None => Err(Error::conflict("the payment collided with another; try again")),
            }
        }
        Err(e) => Err(e),
    }
}

/// The processor's page of `payment`: asked for if the payment has none yet, with the
/// request recorded (the same Idempotency-Key and parameters, so a retry or another tab
/// gets the same session), and recorded. A refusal ends the payment and frees its
/// invoices (422).
async fn open(app: &App, portal: &Portal, payment: Payment) -> Result<Payment> {
    if payment.checkout_url.is_some() {
        return Ok(payment);
    }
    let tenant = portal.principal.tenant;
    let id = payment.id.to_string();
    let cancelled = format!("{}&cancelled=1", payment.return_url);
    let asked = app
        .stripe()?
        .create_session(&SessionRequest {
            account: &payment.account,
            idempotency_key: &payment.key,
            currency: &payment.currency.as_str().to_lowercase(),
            lines: payment
                .lines
                .iter()
                .map(|l| SessionLine { name: format!("Invoice {}", l.number), amount: l.amount })
                .collect(),
            success_url: &payment.return_url,
            cancel_url: &cancelled,
            customer_email: Some(&payment.email),
            payment_id: &id,
            expires_at: payment.expires_at.unix_timestamp(),
        })
        .await;
    let session = match asked {
        Ok(s) => s,
        Err(refused @ Error::Unprocessable(_)) => {
            abandon(app, portal, &payment).await?;
            return Err(refused);
        }
        Err(e) => return Err(e),
    };
    let mut after = payment.clone();
    after.session_id = Some(session.id);
    after.checkout_url = session.url;
    after.updated_at = now();
    after.version += 1;
    match app.store.update(tenant, portal.actor(), &payment, &after, payment.version, "payment.opened").await {
        Ok(()) => Ok(after),
        // The other tab recorded the same session first.
        Err(Error::Changed) => app
            .store
            .get::<Payment>(keys::payment_key(tenant, payment.id))
            .await?
            .filter(|p| p.checkout_url.is_some())
            .ok_or_else(|| Error::conflict("this payment is being prepared by another request; try again")),
        Err(e) => Err(e),
    }
}

/// A payment the processor refused to open: it ends (expired) and frees its invoices.
async fn abandon(app: &App, portal: &Portal, payment: &Payment) -> Result<()> {
    let tenant = portal.principal.tenant;
    let mut after = payment.clone();
    after.apply(&portico::domain::payment::Change::Expired, 0);
    let mut tx = Tx::new(tenant, portal.actor());
    tx.update(payment, &after, payment.version, "payment.expired")?;
    let wanted: Vec<_> = payment.lines.iter().map(|l| keys::payment_lock_key(tenant, l.invoice_id)).collect();
    let locks: Vec<PaymentLock> =
        app.store.get_many(&wanted).await?.into_iter().map(portico::store::decode).collect::<Result<_>>()?;
    for lock in locks.into_iter().filter(|l| l.payment_id == payment.id) {
        tx.put_if(&lock.released(), Some(lock.version), "the lock changed")?;
    }
    app.store.commit(tx).await
}

/// Before an invoice is paid again after an attempt whose time ran out: that attempt's
/// page is closed at the processor, so that it can never be paid too. If it was paid
/// (its news not yet here), the invoice waits for that news (409).
async fn close(
    app: &App,
    tenant: portico::domain::ids::TenantId,
    lock: &PaymentLock,
    lines: &[PaymentLine],
) -> Result<()> {
    let Some(before) = app.store.get::<Payment>(keys::payment_key(tenant, lock.payment_id)).await? else {
        return Ok(());
    };
    let (Some(session), true) =
        (&before.session_id, matches!(before.state, PaymentState::Pending | PaymentState::Failed))
    else {
        return Ok(());
    };
    let stripe = app.stripe()?;
    let found = stripe.session(&before.account, session).await?;
    let confirming = || {
        let number = lines.iter().find(|l| l.invoice_id == lock.invoice_id).map_or("", |l| l.number.as_str());
        Error::conflict(format!("a payment of invoice {number} is being confirmed: reload in a moment"))
    };
    match found.status.as_deref() {
        Some("complete") => Err(confirming()),
        Some("open") => match stripe.expire_session(&before.account, session).await {
            Ok(_) => Ok(()),
            // Paid in the meantime.
            Err(Error::Unprocessable(_)) => Err(confirming()),
            Err(e) => Err(e),
        },
        _ => Ok(()),
    }
}

/// 409: another attempt holds one of the invoices.
fn busy(lines: &[PaymentLine], held: &PaymentLock) -> Error {
    let number = lines.iter().find(|l| l.invoice_id == held.invoice_id).map_or("", |l| l.number.as_str());
    Error::conflict(format!(
        "a payment of invoice {number} is under way (until {}): finish it or wait",
        held.until.rfc3339()
    ))
}

/// An invoice is held by the payment of `held`: if that payment is this member's, of
/// the same invoices and balances (another tab, a retry), it is the answer (200);
/// otherwise the member must wait (409).
async fn existing(app: &App, portal: &Portal, held: &PaymentLock, lines: &[PaymentLine]) -> Result<Reply> {
    let payment = app.store.get::<Payment>(keys::payment_key(portal.principal.tenant, held.payment_id)).await?;
    let same = |p: &Payment| {
        let mut theirs: Vec<_> = p.lines.iter().map(|l| (l.invoice_id, l.amount)).collect();
        let mut ours: Vec<_> = lines.iter().map(|l| (l.invoice_id, l.amount)).collect();
        theirs.sort();
        ours.sort();
        p.member_id == portal.member.id && theirs == ours
    };
    match payment {
        Some(p) if same(&p) => Reply::ok(&open(app, portal, p).await?.view()),
        _ => Err(busy(lines, held)),
    }
}

#[utoipa::path(get, path = "/portal/payments/{payment_id}",
    params(("payment_id" = portico::domain::ids::PaymentId, Path, example = "pay_01JD8Z6V5Q2W3E4R5T6Y7A8BA5")),
    responses((status = 200, body = PaymentView), (status = 403, body = Problem), (status = 404, body = Problem, description = "No such payment of yours")))]
pub async fn get(app: &App, req: Req) -> Result<Reply> {
    let portal = guard::member(app, &req).await?;
    require_open(&portal.settings, &portal.rights, Feature::Invoices)?;
    let id = req.path_id("payment_id", PaymentId::parse)?;
    let payment = app
        .store
        .get::<Payment>(keys::payment_key(portal.principal.tenant, id))
        .await?
        .filter(|p| p.member_id == portal.member.id)
        .ok_or(Error::NotFound)?;
    Reply::ok(&payment.view())
}
