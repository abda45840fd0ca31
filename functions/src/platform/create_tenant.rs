//! `POST /platform/tenants`: a new tenant, its initial settings, and its first admin,
//! who is invited by email with a temporary password.

use portico::domain::settings::Settings;
use portico::domain::staff::NewStaff;
use portico::domain::tenant::{NewTenant, Tenant};
use portico::http::{guard, Reply, Req};
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

#[utoipa::path(post, path = "/platform/tenants", request_body(content = NewTenant, example = json!({"name": "Acme Service", "admin_email": "admin@acme.test", "admin_first_name": "Ada", "admin_last_name": "Admin"})),
    responses((status = 201, body = CreatedTenant), (status = 400, body = portico::http::problem::Problem), (status = 403, body = portico::http::problem::Problem), (status = 409, body = portico::http::problem::Problem)))]
pub async fn handle(app: &App, req: Req) -> Result<Reply> {
    let operator = guard::operator(&req)?;
    let input: NewTenant = req.body()?;
    let first_admin = NewStaff {
        first_name: input.admin_first_name.clone(),
        last_name: input.admin_last_name.clone(),
        email: input.admin_email.clone(),
    };
    let tenant = Tenant::new(input);
    let settings = Settings::initial(tenant.name.clone());

    let mut tx = Tx::new(tenant.id, operator.actor());
    tx.create(&tenant, "tenant.created", "the tenant exists")?;
    tx.create(&settings, "settings.created", "the settings exist")?;
    let (admin, password) = crate::staff::create(app, tenant.id, first_admin, tx).await?;
    let admin_invited = crate::staff::invite(app, &settings, &admin, &password).await;
    Reply::created(&CreatedTenant { tenant, admin_invited })
}
