//! Cognito: logins for admins and members.
//!
//! Users are created with a generated temporary password and Cognito's own message
//! suppressed — Portico sends its own invitation (see [`crate::mail`]). The tenant and
//! member ids are immutable custom attributes set here and nowhere else.

use std::fmt;

use anyhow::Context as _;
use aws_sdk_cognitoidentityprovider::error::SdkError;
use aws_sdk_cognitoidentityprovider::operation::admin_create_user::AdminCreateUserError;
use aws_sdk_cognitoidentityprovider::types::{AttributeType, MessageActionType};
use aws_sdk_cognitoidentityprovider::Client;
use rand::seq::SliceRandom;
use rand::Rng;

use crate::domain::ids::{MemberId, StaffId, TenantId};
use crate::domain::principal::{CLAIM_MEMBER, CLAIM_STAFF, CLAIM_TENANT};
use crate::domain::text::{Email, Name, Phone};
use crate::error::{Error, Result};

/// A generated temporary password. Never logged: `Debug` is redacted.
pub struct TemporaryPassword(String);

impl TemporaryPassword {
    /// 16 characters with upper, lower, digit and symbol: meets the pool's policy.
    pub fn generate() -> Self {
        const UPPER: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ";
        const LOWER: &[u8] = b"abcdefghijkmnpqrstuvwxyz";
        const DIGIT: &[u8] = b"23456789";
        // No HTML-special characters: the password reads the same in both email parts.
        const SYMBOL: &[u8] = b"!#$%*+-=?@^_";
        let mut rng = rand::rngs::OsRng;
        let mut chars: Vec<u8> =
            [UPPER, LOWER, DIGIT, SYMBOL].iter().map(|set| set[rng.gen_range(0..set.len())]).collect();
        let all: Vec<u8> = [UPPER, LOWER, DIGIT, SYMBOL].concat();
        chars.extend((0..12).map(|_| all[rng.gen_range(0..all.len())]));
        chars.shuffle(&mut rng);
        Self(String::from_utf8(chars).expect("ASCII"))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for TemporaryPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TemporaryPassword(<redacted>)")
    }
}

/// An app client's secret. Never logged: `Debug` is redacted.
pub struct ClientSecret(String);

impl ClientSecret {
    pub fn expose(self) -> String {
        self.0
    }
}

impl fmt::Debug for ClientSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ClientSecret(<redacted>)")
    }
}

/// An app client's name in the pool: Cognito takes `[\w\s+=,.@-]{1,128}`.
fn app_client_name(name: &str) -> String {
    let cleaned: String =
        name.chars().map(|c| if c.is_alphanumeric() || " _+=,.@-".contains(c) { c } else { '-' }).take(100).collect();
    format!("integration {cleaned}")
}

/// Which kind of login, and so which Cognito group.
#[derive(Debug, Clone, Copy)]
pub enum LoginKind {
    TenantAdmin(StaffId),
    Member(MemberId),
}

/// What Cognito needs to create a login.
#[derive(Debug)]
pub struct NewLogin<'a> {
    pub tenant: TenantId,
    pub kind: LoginKind,
    pub email: &'a Email,
    pub phone: Option<&'a Phone>,
    pub first_name: &'a Name,
    pub last_name: &'a Name,
}

/// A login found by email.
#[derive(Debug)]
pub struct ExistingLogin {
    pub username: String,
    pub tenant: Option<String>,
    pub member: Option<String>,
}

#[derive(Clone)]
pub struct Identity {
    cognito: Client,
    pool_id: String,
}

fn attr(name: &str, value: &str) -> Result<AttributeType> {
    Ok(AttributeType::builder().name(name).value(value).build().context("attribute")?)
}

impl Identity {
    pub fn new(cognito: Client, pool_id: impl Into<String>) -> Self {
        Self { cognito, pool_id: pool_id.into() }
    }

    /// Creates the login with a temporary password and adds it to its group. Returns the
    /// Cognito username (the user's `sub`) and the password for the invitation.
    #[tracing::instrument(skip_all, fields(tenant = %login.tenant))]
    pub async fn create_login(&self, login: &NewLogin<'_>) -> Result<(String, TemporaryPassword)> {
        let password = TemporaryPassword::generate();
        let mut attributes = vec![
            attr("email", login.email.as_str())?,
            attr("email_verified", "true")?,
            attr("given_name", login.first_name.as_str())?,
            attr("family_name", login.last_name.as_str())?,
            attr(CLAIM_TENANT, &login.tenant.to_string())?,
        ];
        // A phone number signs in only once its owner has entered the code Cognito sends
        // to it: whoever typed it in (an admin, an invitation) cannot vouch for it.
        if let Some(phone) = login.phone {
            attributes.push(attr("phone_number", phone.as_str())?);
        }
        let group = match login.kind {
            LoginKind::TenantAdmin(staff) => {
                attributes.push(attr(CLAIM_STAFF, &staff.to_string())?);
                crate::domain::principal::GROUP_ADMIN
            }
            LoginKind::Member(member) => {
                attributes.push(attr(CLAIM_MEMBER, &member.to_string())?);
                crate::domain::principal::GROUP_MEMBER
            }
        };
        let created = self
            .cognito
            .admin_create_user()
            .user_pool_id(&self.pool_id)
            .username(login.email.as_str())
            .temporary_password(password.expose())
            .message_action(MessageActionType::Suppress)
            .set_user_attributes(Some(attributes))
            .send()
            .await;
        let user = match created {
            Ok(out) => out.user.context("AdminCreateUser returned no user")?,
            Err(SdkError::ServiceError(e)) if matches!(e.err(), AdminCreateUserError::UsernameExistsException(_)) => {
                return Err(Error::conflict("a login with this email address already exists"));
            }
            Err(SdkError::ServiceError(e)) if matches!(e.err(), AdminCreateUserError::InvalidParameterException(_)) => {
                return Err(refused_by_sign_in(e.err().meta().message()));
            }
            Err(e) => return Err(anyhow::Error::new(e).context("AdminCreateUser").into()),
        };
        let username = user.username.context("AdminCreateUser returned no username")?;
        self.cognito
            .admin_add_user_to_group()
            .user_pool_id(&self.pool_id)
            .username(&username)
            .group_name(group)
            .send()
            .await
            .context("AdminAddUserToGroup")?;
        Ok((username, password))
    }

    /// The existing login for `email`, with its tenant and member attributes.
    #[tracing::instrument(skip_all)]
    pub async fn find_login(&self, email: &Email) -> Result<Option<ExistingLogin>> {
        use aws_sdk_cognitoidentityprovider::operation::admin_get_user::AdminGetUserError;
        match self.cognito.admin_get_user().user_pool_id(&self.pool_id).username(email.as_str()).send().await {
            Ok(out) => {
                let get = |name: &str| {
                    out.user_attributes().iter().find(|a| a.name() == name).and_then(|a| a.value()).map(str::to_owned)
                };
                Ok(Some(ExistingLogin {
                    username: out.username().to_owned(),
                    tenant: get(CLAIM_TENANT),
                    member: get(CLAIM_MEMBER),
                }))
            }
            Err(SdkError::ServiceError(e)) if matches!(e.err(), AdminGetUserError::UserNotFoundException(_)) => {
                Ok(None)
            }
            Err(e) => Err(anyhow::Error::new(e).context("AdminGetUser").into()),
        }
    }

    /// Issues a new temporary password (resent invitations): the next sign-in must set
    /// a new one.
    #[tracing::instrument(skip(self))]
    pub async fn reset_temporary_password(&self, username: &str) -> Result<TemporaryPassword> {
        let password = TemporaryPassword::generate();
        self.cognito
            .admin_set_user_password()
            .user_pool_id(&self.pool_id)
            .username(username)
            .password(password.expose())
            .permanent(false)
            .send()
            .await
            .context("AdminSetUserPassword")?;
        Ok(password)
    }

    /// Revokes every refresh token of the login: its sessions end at their next refresh.
    async fn sign_out_everywhere(&self, username: &str) -> Result<()> {
        self.cognito
            .admin_user_global_sign_out()
            .user_pool_id(&self.pool_id)
            .username(username)
            .send()
            .await
            .context("AdminUserGlobalSignOut")?;
        Ok(())
    }

    /// Disables the login and revokes its refresh tokens.
    #[tracing::instrument(skip(self))]
    pub async fn disable(&self, username: &str) -> Result<()> {
        self.cognito
            .admin_disable_user()
            .user_pool_id(&self.pool_id)
            .username(username)
            .send()
            .await
            .context("AdminDisableUser")?;
        self.sign_out_everywhere(username).await
    }

    #[tracing::instrument(skip(self))]
    pub async fn enable(&self, username: &str) -> Result<()> {
        self.cognito
            .admin_enable_user()
            .user_pool_id(&self.pool_id)
            .username(username)
            .send()
            .await
            .context("AdminEnableUser")?;
        Ok(())
    }

    #[tracing::instrument(skip(self))]
    pub async fn delete(&self, username: &str) -> Result<()> {
        use aws_sdk_cognitoidentityprovider::operation::admin_delete_user::AdminDeleteUserError;
        match self.cognito.admin_delete_user().user_pool_id(&self.pool_id).username(username).send().await {
            Ok(_) => Ok(()),
            // Already gone: deleting is idempotent.
            Err(SdkError::ServiceError(e)) if matches!(e.err(), AdminDeleteUserError::UserNotFoundException(_)) => {
                Ok(())
            }
            Err(e) => Err(anyhow::Error::new(e).context("AdminDeleteUser").into()),
        }
    }

    /// A Cognito app client for an integration: a generated secret, the client-credentials
    /// grant only (no user sign-in flows), the integration's scopes of the `portico`
    /// resource server. Returns its id and secret (the secret is never stored).
    #[tracing::instrument(skip_all)]
    pub async fn create_app_client(&self, name: &str, scopes: &[String]) -> Result<(String, ClientSecret)> {
        use aws_sdk_cognitoidentityprovider::types::{ExplicitAuthFlowsType, OAuthFlowType};
        let out = self
            .cognito
            .create_user_pool_client()
            .user_pool_id(&self.pool_id)
            .client_name(app_client_name(name))
            .generate_secret(true)
            .allowed_o_auth_flows(OAuthFlowType::ClientCredentials)
            .allowed_o_auth_flows_user_pool_client(true)
            .set_allowed_o_auth_scopes(Some(scopes.to_vec()))
            // Cognito's default is the user flows; an integration signs in as no user.
            .explicit_auth_flows(ExplicitAuthFlowsType::AllowRefreshTokenAuth)
            .send()
            .await
            .context("CreateUserPoolClient")?;
        let client = out.user_pool_client.context("CreateUserPoolClient returned no client")?;
        let id = client.client_id.context("CreateUserPoolClient returned no client id")?;
        let secret = client.client_secret.context("CreateUserPoolClient returned no secret")?;
        Ok((id, ClientSecret(secret)))
    }

    /// Sets an integration's app client's scopes (its name too): what its next tokens
    /// carry. UpdateUserPoolClient resets what it is not sent, so it is sent all that
    /// [`Identity::create_app_client`] set.
    #[tracing::instrument(skip(self, scopes))]
    pub async fn update_app_client(&self, client_id: &str, name: &str, scopes: &[String]) -> Result<()> {
        use aws_sdk_cognitoidentityprovider::types::{ExplicitAuthFlowsType, OAuthFlowType};
        self.cognito
            .update_user_pool_client()
            .user_pool_id(&self.pool_id)
            .client_id(client_id)
            .client_name(app_client_name(name))
            .allowed_o_auth_flows(OAuthFlowType::ClientCredentials)
            .allowed_o_auth_flows_user_pool_client(true)
            .set_allowed_o_auth_scopes(Some(scopes.to_vec()))
            .explicit_auth_flows(ExplicitAuthFlowsType::AllowRefreshTokenAuth)
            .send()
            .await
            .context("UpdateUserPoolClient")?;
        Ok(())
    }

    /// Deletes an integration's app client; one already gone is no error.
    #[tracing::instrument(skip(self))]
    pub async fn delete_app_client(&self, client_id: &str) -> Result<()> {
        use aws_sdk_cognitoidentityprovider::operation::delete_user_pool_client::DeleteUserPoolClientError;
        match self.cognito.delete_user_pool_client().user_pool_id(&self.pool_id).client_id(client_id).send().await {
            Ok(_) => Ok(()),
            Err(SdkError::ServiceError(e))
                if matches!(e.err(), DeleteUserPoolClientError::ResourceNotFoundException(_)) =>
            {
                Ok(())
            }
            Err(e) => Err(anyhow::Error::new(e).context("DeleteUserPoolClient").into()),
        }
    }

    /// Deletes app clients, logging (not failing on) any that could not be: each is
    /// refused by its binding already, and the next rotation or revocation tries again.
    pub async fn delete_app_clients(&self, client_ids: impl IntoIterator<Item = String>) {
        for id in client_ids {
            if let Err(e) = self.delete_app_client(&id).await {
                tracing::warn!(client_id = %id, error = %e, "an app client could not be deleted");
            }
        }
    }

    /// Whether the login has completed its first sign-in (chosen its own password).
    #[tracing::instrument(skip(self))]
    pub async fn has_signed_in(&self, username: &str) -> Result<bool> {
        use aws_sdk_cognitoidentityprovider::types::UserStatusType;
        let user = self
            .cognito
            .admin_get_user()
            .user_pool_id(&self.pool_id)
            .username(username)
            .send()
            .await
            .context("AdminGetUser")?;
        Ok(!matches!(user.user_status(), Some(UserStatusType::ForceChangePassword)))
    }

    /// Makes the login choose a new password: Cognito sends a code to the verified
    /// address (its message is to be branded by a CustomMessage trigger).
    #[tracing::instrument(skip(self))]
    pub async fn reset_password(&self, username: &str) -> Result<()> {
        self.cognito
            .admin_reset_user_password()
            .user_pool_id(&self.pool_id)
            .username(username)
            .send()
            .await
            .context("AdminResetUserPassword")?;
        Ok(())
    }

    /// Makes the login say what the member record says: only the attributes that differ
    /// between `before` and `after` are written, and a phone number is deleted only if
    /// there was one. An address or number that is already another login's is a 409.
    ///
    /// A new phone number is not vouched for: the pool keeps the login's current number
    /// (the one it signs in with) until the member enters the code Cognito sends to the
    /// new one (`AttributesRequireVerificationBeforeUpdate`), so nobody can take a
    /// number as their sign-in by typing it.
    #[tracing::instrument(skip_all)]
    pub async fn sync_profile(
        &self,
        username: &str,
        before: &LoginProfile<'_>,
        after: &LoginProfile<'_>,
    ) -> Result<()> {
        use aws_sdk_cognitoidentityprovider::operation::admin_update_user_attributes::AdminUpdateUserAttributesError;
        let mut set = Vec::new();
        if after.first_name != before.first_name {
            set.push(attr("given_name", after.first_name.as_str())?);
        }
        if after.last_name != before.last_name {
            set.push(attr("family_name", after.last_name.as_str())?);
        }
        if after.email != before.email {
            // The admin vouches for the address, as at the invitation.
            set.push(attr("email", after.email.as_str())?);
            set.push(attr("email_verified", "true")?);
        }
        if let (Some(phone), true) = (after.phone, after.phone != before.phone) {
            if self.phone_is_taken(username, phone).await? {
                return Err(Error::conflict("this phone number is another login's"));
            }
            set.push(attr("phone_number", phone.as_str())?);
        }
        if !set.is_empty() {
            let updated = self
                .cognito
                .admin_update_user_attributes()
                .user_pool_id(&self.pool_id)
                .username(username)
                .set_user_attributes(Some(set))
                .send()
                .await;
            match updated {
                Ok(_) => {}
                Err(SdkError::ServiceError(e))
                    if matches!(e.err(), AdminUpdateUserAttributesError::AliasExistsException(_)) =>
                {
                    return Err(Error::conflict("this email address or phone number is another login's"));
                }
                Err(SdkError::ServiceError(e))
                    if matches!(e.err(), AdminUpdateUserAttributesError::InvalidParameterException(_)) =>
                {
                    return Err(refused_by_sign_in(e.err().meta().message()));
                }
                Err(e) => return Err(anyhow::Error::new(e).context("AdminUpdateUserAttributes").into()),
            }
        }
        if after.phone.is_none() && before.phone.is_some() && self.has_phone(username).await? {
            self.cognito
                .admin_delete_user_attributes()
                .user_pool_id(&self.pool_id)
                .username(username)
                .user_attribute_names("phone_number")
                .send()
                .await
                .context("AdminDeleteUserAttributes")?;
        }
        Ok(())
    }
}

impl Identity {
    /// Whether the login signs in with an authenticator app (TOTP), read from the pool
    /// that invoked a trigger: with MFA optional, Cognito asks such a login for its code
    /// at every sign-in, so every token it is issued came after the second factor.
    #[tracing::instrument(skip(self))]
    pub async fn totp_enabled(&self, pool_id: &str, username: &str) -> Result<bool> {
        let user = self
            .cognito
            .admin_get_user()
            .user_pool_id(pool_id)
            .username(username)
            .send()
            .await
            .context("AdminGetUser")?;
        Ok(user.user_mfa_setting_list().iter().any(|m| m == "SOFTWARE_TOKEN_MFA"))
    }

    /// Switches the login's authenticator app off (it was lost): the next sign-in asks
    /// for no code, and where a second factor is required the owner must set up a new
    /// app before acting.
    #[tracing::instrument(skip(self))]
    pub async fn reset_mfa(&self, username: &str) -> Result<()> {
        use aws_sdk_cognitoidentityprovider::types::SoftwareTokenMfaSettingsType;
        self.cognito
            .admin_set_user_mfa_preference()
            .user_pool_id(&self.pool_id)
            .username(username)
            .software_token_mfa_settings(
                SoftwareTokenMfaSettingsType::builder().enabled(false).preferred_mfa(false).build(),
            )
            .send()
            .await
            .context("AdminSetUserMFAPreference")?;
        // Sessions that began with the old app end too.
        self.sign_out_everywhere(username).await
    }

    /// Whether the login has a phone number (one whose code was entered: a new number
    /// waiting for its code is not the login's yet).
    async fn has_phone(&self, username: &str) -> Result<bool> {
        let user = self
            .cognito
            .admin_get_user()
            .user_pool_id(&self.pool_id)
            .username(username)
            .send()
            .await
            .context("AdminGetUser")?;
        Ok(user.user_attributes().iter().any(|a| a.name() == "phone_number"))
    }

    /// Whether a login other than `username` has `phone` as its number. Cognito would
    /// refuse the number only when its code is entered; this tells the member at once.
    async fn phone_is_taken(&self, username: &str, phone: &Phone) -> Result<bool> {
        let found = self
            .cognito
            .list_users()
            .user_pool_id(&self.pool_id)
            .filter(format!("phone_number = \"{}\"", phone.as_str()))
            .limit(2)
            .send()
            .await
            .context("ListUsers")?;
        Ok(found.users().iter().any(|u| u.username() != Some(username)))
    }
}

/// Cognito refused an address or number Portico's own checks took (its rules for email
/// addresses are its own): the client's input, so a 400 saying so — never a 500.
fn refused_by_sign_in(message: Option<&str>) -> Error {
    Error::bad_request(format!(
        "the sign-in service does not take this email address or phone number ({})",
        message.unwrap_or("no reason given")
    ))
}

/// What a login holds of a member's profile (and signs in with: email, phone).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LoginProfile<'a> {
    pub first_name: &'a Name,
    pub last_name: &'a Name,
    pub email: &'a Email,
    pub phone: Option<&'a Phone>,
}

impl<'a> From<&'a crate::domain::member::Member> for LoginProfile<'a> {
    fn from(m: &'a crate::domain::member::Member) -> Self {
        Self { first_name: &m.first_name, last_name: &m.last_name, email: &m.email, phone: m.phone.as_ref() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn temporary_passwords_meet_the_pool_policy() {
        for _ in 0..200 {
            let p = TemporaryPassword::generate();
            let s = p.expose();
            assert_eq!(s.len(), 16);
            assert!(s.chars().any(|c| c.is_ascii_uppercase()));
            assert!(s.chars().any(|c| c.is_ascii_lowercase()));
            assert!(s.chars().any(|c| c.is_ascii_digit()));
            assert!(s.chars().any(|c| !c.is_ascii_alphanumeric()));
        }
    }

    #[test]
    fn temporary_passwords_never_show_in_debug_output() {
        let p = TemporaryPassword::generate();
        assert!(!format!("{p:?}").contains(p.expose()));
    }
}
