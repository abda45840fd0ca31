//! What the admins' and the members' routes both do to a member: send credentials (an
//! invitation, new ones, a contact made a user), refuse them before set-up, and save a
//! profile so that the login follows the record.

use portico::domain::ids::TenantId;
use portico::domain::member::Member;
use portico::domain::principal::AdminPrincipal;
use portico::domain::settings::Settings;
use portico::domain::text::Email;
use portico::identity::{LoginKind, NewLogin};
use portico::mail::{Brand, Invitation};
use portico::store::{keys, Actor, Tx};
use portico::{App, Error, Result};

/// Creates the member's login (or issues a new temporary password for an existing one)
/// and emails the credentials to `to` (the member's own address, unless the admin named
/// another). Returns the Cognito username.
pub async fn send_credentials(
    app: &App,
    admin: &AdminPrincipal,
    member: &Member,
    settings: &Settings,
    message: Option<&str>,
    to: &Email,
) -> Result<String> {
    // Credentials link to the portal: none go out before its set-up is complete,
    // whichever route sends them (invite, create-user, reset of a never-used login).
    require_setup(settings)?;
    let portal_url =
        settings.branding.portal_url.clone().ok_or_else(|| anyhow::anyhow!("set-up complete without portal_url"))?;

    let (login, password) = match &member.login {
        Some(login) => (login.clone(), app.identity().reset_temporary_password(login).await?),
        None => {
            let new_login = NewLogin {
                tenant: admin.tenant,
                kind: LoginKind::Member(member.id),
                email: &member.email,
                phone: member.phone.as_ref(),
                first_name: &member.first_name,
                last_name: &member.last_name,
            };
            match app.identity().create_login(&new_login).await {
                Ok(created) => created,
                // An earlier invitation may have created the login and then failed:
                // reuse it only if it is this very member's.
                Err(Error::Conflict(taken)) => match app.identity().find_login(&member.email).await? {
                    Some(l)
                        if l.tenant.as_deref() == Some(&admin.tenant.to_string())
                            && l.member.as_deref() == Some(&member.id.to_string()) =>
                    {
                        let password = app.identity().reset_temporary_password(&l.username).await?;
                        (l.username, password)
                    }
                    _ => return Err(Error::Conflict(taken)),
                },
                Err(e) => return Err(e),
            }
        }
    };

    let brand = Brand::of(settings);
    let mail = Invitation {
        locale: member.locale.unwrap_or(settings.default_locale),
        brand: &brand,
        first_name: member.first_name.as_str(),
        portal_url: portal_url.as_str(),
        username: member.email.as_str(),
        temporary_password: password.expose(),
        message: message.filter(|m| !m.is_empty()),
        as_admin: false,
    }
    .render()?;
    app.mailer().send(&brand, to, mail).await?;
    Ok(login)
}

/// Stores the member as invited (`before` -> `after`), with the address the credentials
/// went to in the audit event: an invitation sent elsewhere shows where.
pub async fn invited(app: &App, admin: &AdminPrincipal, before: &Member, after: &Member, to: &Email) -> Result<()> {
    let mut tx = Tx::new(admin.tenant, admin.actor()).mailed_to(to);
    tx.update(before, after, before.version, "member.invited")?;
    app.store.commit(tx).await
}

pub fn require_setup(settings: &Settings) -> Result<()> {
    if settings.setup_complete {
        Ok(())
    } else {
        Err(Error::conflict("complete the portal set-up first: PUT /admin/settings with setup_complete true"))
    }
}

/// Stores `after` in place of `before` and brings the member's login in step with it.
/// The record is written first — its version decides a race, so only the winner touches
/// the login — then the login. Should the login refuse (the address or number is another
/// login's), the record is put back as it was, and the caller hears why.
pub async fn save_profile(
    app: &App,
    tenant: TenantId,
    actor: Actor,
    before: &Member,
    after: &Member,
    action: &str,
) -> Result<()> {
    let moved = after.email != before.email;
    let mut tx = Tx::new(tenant, actor.clone());
    tx.update(before, after, before.version, action)?;
    if moved {
        tx.release(keys::member_email(tenant, &before.email));
        tx.claim(
            keys::member_email(tenant, &after.email),
            &after.id.to_string(),
            "a member with this email address exists",
        );
    }
    app.store.commit(tx).await?;
    let Some(login) = &after.login else { return Ok(()) };
    let Err(refused) = app.identity().sync_profile(login, &before.into(), &after.into()).await else { return Ok(()) };
    let mut undone = before.clone();
    undone.version = after.version;
    undone.touch();
    let mut tx = Tx::new(tenant, actor);
    tx.update(after, &undone, after.version, "member.update_undone")?;
    if moved {
        tx.release(keys::member_email(tenant, &after.email));
        tx.claim(keys::member_email(tenant, &before.email), &before.id.to_string(), "the address was taken meanwhile");
    }
    if let Err(e) = app.store.commit(tx).await {
        tracing::error!(error = ?e, "a member record could not be put back after its login refused a change");
    }
    Err(refused)
}
