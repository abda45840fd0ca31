//! `/admin/payments/account`: the tenant connects its own processor account (Stripe
//! Connect, Standard) from the console. Portico keeps the account's id and whether it
//! takes payments (the processor's `account.updated` events keep that current:
//! `crate::processor`); the tenant's keys, payouts, refunds and disputes stay in its own
//! processor dashboard (docs/payments.md).

use portico::domain::payment::{AccountBinding, OnboardingView, PaymentAccount, PaymentAccountView};
use portico::domain::tenant::now;
use portico::http::{guard, Reply, Req};
use portico::store::{keys, Tx};
use portico::{App, Error, Result};

use crate::schema::Problem;

/// Where the processor's onboarding sends the admin back to: the console's payments page.
fn console(app: &App) -> String {
    format!("{}/office/payments", app.config.admin_url.trim_end_matches('/'))
}

#[utoipa::path(get, path = "/admin/payments/account",
    responses((status = 200, body = PaymentAccountView), (status = 403, body = Problem)))]
pub async fn get(app: &App, req: Req) -> Result<Reply> {
    let admin = guard::admin(app, &req).await?;
    let stored = app.store.get::<PaymentAccount>(keys::payment_account_key(admin.tenant)).await?;
    Reply::ok(&PaymentAccountView::of(stored.as_ref()))
}

#[utoipa::path(post, path = "/admin/payments/account",
    params(("Idempotency-Key" = Option<String>, Header)),
    responses(
        (status = 201, body = OnboardingView, description = "An account was made: send the admin to `onboarding_url`"),
        (status = 200, body = OnboardingView, description = "The account exists: its onboarding page again"),
        (status = 403, body = Problem),
        (status = 409, body = Problem, description = "This deployment takes no payments, or the processor refused")))]
pub async fn connect(app: &App, req: Req) -> Result<Reply> {
    let admin = guard::admin(app, &req).await?;
    let tenant = admin.tenant;
    let stripe = app.stripe()?;
    let stored = app.store.get::<PaymentAccount>(keys::payment_account_key(tenant)).await?;
    let (account, made) = match stored {
        Some(a) => (a, false),
        None => {
            // One account per tenant, whatever is retried: the key names the tenant.
            let found = stripe.create_account(&format!("portico-account-{tenant}"), None).await?;
            let at = now();
            let account = PaymentAccount {
                account_id: found.id.clone(),
                charges_enabled: found.charges_enabled,
                details_submitted: found.details_submitted,
                processor_at: 0,
                created_at: at,
                updated_at: at,
                version: 1,
            };
            let mut tx = Tx::new(tenant, admin.actor());
            tx.create(&account, "payment_account.connected", "the account is being connected by another request")?;
            tx.put_if(
                &AccountBinding { account_id: found.id.clone(), tenant },
                None,
                "this processor account is bound already",
            )?;
            match app.store.commit(tx).await {
                Ok(()) => (account, true),
                // The other request made the same account (the same key): use it.
                Err(Error::Conflict(_)) => {
                    let again = app.store.get::<PaymentAccount>(keys::payment_account_key(tenant)).await?;
                    (
                        again.ok_or_else(|| Error::conflict("connecting collided with another request; try again"))?,
                        false,
                    )
                }
                Err(e) => return Err(e),
            }
        }
    };
    let back = console(app);
    let link = stripe.account_link(&account.account_id, &back, &back).await?;
    let view = OnboardingView {
        account: PaymentAccountView::of(Some(&account)),
        onboarding_url: link.url,
        expires_at: portico::domain::clock::Timestamp::from_unix(link.expires_at).unwrap_or_else(now),
    };
    if made {
        Reply::created(&view)
    } else {
        Reply::ok(&view)
    }
}
