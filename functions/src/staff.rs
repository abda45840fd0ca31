//! Office staff's logins, shared by the platform (a tenant's first admin) and the admins
//! themselves (`/admin/staff`): a Cognito login that carries the staff record's id, and
//! the invitation with its temporary password.

use portico::domain::ids::TenantId;
use portico::domain::settings::Settings;
use portico::domain::staff::{NewStaff, Staff};
use portico::identity::{LoginKind, NewLogin, TemporaryPassword};
use portico::mail::{Brand, Invitation};
use portico::store::Tx;
use portico::{App, Result};

/// Creates the login and commits `tx` with the new staff record added to it. If the
/// commit fails the login is deleted again: a login without its record opens nothing.
pub async fn create(app: &App, tenant: TenantId, input: NewStaff, mut tx: Tx) -> Result<(Staff, TemporaryPassword)> {
    let id = portico::domain::ids::StaffId::generate();
    let (login, password) = app
        .identity()
        .create_login(&NewLogin {
            tenant,
            kind: LoginKind::TenantAdmin(id),
            email: &input.email,
            phone: None,
            first_name: &input.first_name,
            last_name: &input.last_name,
        })
        .await?;
    let staff = Staff::new(id, input, login);
    tx.create(&staff, "staff.created", "the staff member exists")?;
    if let Err(e) = app.store.commit(tx).await {
        let _ = app.identity().delete(&staff.login).await;
        return Err(e);
    }
    Ok((staff, password))
}

/// Emails the credentials. False when the email could not be sent (the login exists; a
/// new password can be sent later).
pub async fn invite(app: &App, settings: &Settings, staff: &Staff, password: &TemporaryPassword) -> bool {
    let brand = Brand::of(settings);
    let sent = async {
        let mail = Invitation {
            locale: settings.default_locale,
            brand: &brand,
            first_name: staff.first_name.as_str(),
            portal_url: &app.config.admin_url,
            username: staff.email.as_str(),
            temporary_password: password.expose(),
            message: None,
            as_admin: true,
        }
        .render()?;
        app.mailer().send(&brand, &staff.email, mail).await
    };
    match sent.await {
        Ok(()) => true,
        Err(e) => {
            tracing::error!(error = %e, "admin invitation not sent");
            false
        }
    }
}
