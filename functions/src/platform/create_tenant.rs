//! `POST /platform/tenants`: a new tenant, its initial settings, and its first admin,
//! who is invited by email with a temporary password.

use portico::domain::settings::Settings;
use portico::domain::tenant::{NewTenant, Tenant};
use portico::domain::text::Locale;
use portico::http::{guard, Reply, Req};
use portico::identity::{LoginKind, NewLogin};
use portico::mail::{Brand, Invitation};
use portico::store::Tx;
use portico::{App, Result};
use serde::Serialize;

#[derive(Serialize, utoipa::ToSchema)]
pub struct CreatedTenant {
    #[serde(flatten)]
    pub tenant: Tenant,
    /// False when the invitation email could not be sent (the admin exists; ask
    /// support to resend).
    pub admin_invited: bool,
}

#[utoipa::path(post, path = "/platform/tenants", tag = "platform", request_body = NewTenant,
    responses((status = 201, body = CreatedTenant), (status = 400, body = portico::http::problem::Problem), (status = 403, body = portico::http::problem::Problem), (status = 409, body = portico::http::problem::Problem)),
    security(("cognito" = [])))]
pub async fn handle(app: &App, req: Req) -> Result<Reply> {
    let operator = guard::operator(&req)?;
    let input: NewTenant = req.body()?;
    let (first, last) = (input.admin_first_name.clone(), input.admin_last_name.clone());
    let tenant = Tenant::new(input);
    let settings = Settings::initial(tenant.name.clone());

    let (login, password) = app
        .identity()
        .create_login(&NewLogin {
            tenant: tenant.id,
            kind: LoginKind::TenantAdmin,
            email: &tenant.admin_email,
            phone: None,
            first_name: &first,
            last_name: &last,
        })
        .await?;

    let mut tx = Tx::new(tenant.id, operator.actor());
    tx.create(&tenant, "tenant.created", "the tenant exists")?;
    tx.create(&settings, "settings.created", "the settings exist")?;
    if let Err(e) = app.store.commit(tx).await {
        // Leave nothing behind: without the tenant, the login is useless.
        let _ = app.identity().delete(&login).await;
        return Err(e);
    }

    let brand = Brand::of(&settings);
    let mail = Invitation {
        locale: Locale::En,
        brand: &brand,
        first_name: first.as_str(),
        portal_url: &app.config.admin_url,
        username: tenant.admin_email.as_str(),
        temporary_password: password.expose(),
        message: None,
        as_admin: true,
    }
    .render()?;
    let admin_invited = match app.mailer().send(&brand, &tenant.admin_email, mail).await {
        Ok(()) => true,
        Err(e) => {
            tracing::error!(error = %e, "admin invitation not sent");
            false
        }
    };
    Reply::created(&CreatedTenant { tenant, admin_invited })
}
