//! Portal settings of a tenant: features, branding, language, work-order types, and
//! whether set-up is complete (members cannot be invited before it is: the portal is set up first).

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::tenant::{now, Timestamp};
use super::text::{Code, Color, Email, Locale, Name, WebUrl};
use crate::error::{Error, FieldError};

/// Portal features a tenant can switch on or off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Feature {
    Jobs,
    WorkRequests,
    Quotes,
    Invoices,
    Assets,
    Documents,
    Messages,
    Reports,
    /// Members with `pay_invoices` pay invoices online, once the tenant's processor
    /// account takes payments (`/admin/payments/account`).
    Payments,
}

impl Feature {
    pub const ALL: [Feature; 9] = [
        Feature::Jobs,
        Feature::WorkRequests,
        Feature::Quotes,
        Feature::Invoices,
        Feature::Assets,
        Feature::Documents,
        Feature::Messages,
        Feature::Reports,
        Feature::Payments,
    ];
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Branding {
    pub display_name: Name,
    pub logo_url: Option<WebUrl>,
    pub primary_color: Option<Color>,
    /// Where members sign in; the invitation links here. Required for set-up.
    pub portal_url: Option<WebUrl>,
    /// Replies to Portico's emails go here once the address is confirmed (a code mailed
    /// to it, entered by an admin: `POST /admin/settings/sender-email/verification`,
    /// then `…/confirm`). Mail is sent from the platform's verified sender, with this
    /// tenant's display name.
    pub sender_email: Option<Email>,
    /// Read-only (ignored when sent): when `sender_email` was confirmed; null until
    /// then, and again when the address changes.
    #[serde(default)]
    #[schema(read_only, value_type = Option<String>, format = DateTime)]
    pub sender_email_confirmed_at: Option<Timestamp>,
}

impl Branding {
    /// Where replies should go: `sender_email`, once confirmed.
    pub fn reply_to(&self) -> Option<&Email> {
        self.sender_email.as_ref().filter(|_| self.sender_email_confirmed_at.is_some())
    }

    /// Refuses a portal or logo address on the machine itself (`http://localhost`,
    /// `http://127.0.0.1`) unless Portico runs locally: members' browsers would open
    /// their own machine, and an invitation would link there.
    pub fn check_addresses(&self, local: bool) -> Result<(), Error> {
        if local {
            return Ok(());
        }
        let errors: Vec<FieldError> =
            [("branding.logo_url", &self.logo_url), ("branding.portal_url", &self.portal_url)]
                .into_iter()
                .filter(|(_, url)| url.as_ref().is_some_and(WebUrl::is_loopback))
                .map(|(field, _)| FieldError::new(field, "must be an https:// URL"))
                .collect();
        if errors.is_empty() {
            Ok(())
        } else {
            Err(Error::BadRequest { detail: "the request has invalid fields".into(), errors })
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WorkOrderType {
    pub code: Code,
    pub name: Name,
}

/// `PUT /admin/settings`: the whole document (a PUT replaces). What `GET` returned can
/// be sent back: `updated_at` is ignored, `version` must be the current one (else 412).
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SettingsInput {
    #[serde(deserialize_with = "super::tenant::unique")]
    pub features: BTreeSet<Feature>,
    pub branding: Branding,
    pub default_locale: Locale,
    #[serde(default)]
    pub work_order_types: Vec<WorkOrderType>,
    pub setup_complete: bool,
    /// Whether the tenant's admins must sign in with a second factor (an authenticator
    /// app). Absent: unchanged.
    #[serde(default)]
    pub require_admin_mfa: Option<bool>,
    /// Read-only: ignored.
    #[serde(default)]
    #[schema(read_only, value_type = Option<String>, format = DateTime)]
    pub updated_at: Option<Timestamp>,
    /// Read-only: when sent, must be the current version (412 otherwise).
    #[serde(default)]
    #[schema(read_only)]
    pub version: Option<u64>,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Settings {
    pub features: BTreeSet<Feature>,
    pub branding: Branding,
    pub default_locale: Locale,
    pub work_order_types: Vec<WorkOrderType>,
    pub setup_complete: bool,
    /// Whether the tenant's admins must sign in with a second factor (an authenticator
    /// app); on for new tenants. The back office's login is exempt.
    #[serde(default = "required")]
    pub require_admin_mfa: bool,
    pub updated_at: Timestamp,
    pub version: u64,
}

fn required() -> bool {
    true
}

/// `POST /admin/settings/sender-email/verification`'s answer: the code went to this
/// address and works until then.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SenderEmailVerification {
    #[schema(value_type = String, format = Email)]
    pub sent_to: Email,
    pub expires_at: Timestamp,
}

/// `POST /admin/settings/sender-email/confirm`: the code mailed to `sender_email`.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SenderEmailConfirmation {
    /// As the email shows it (`ABCDE-FGHIJ`; case, spaces and dashes do not matter).
    #[schema(max_length = 32)]
    pub code: String,
}

pub const MAX_WORK_ORDER_TYPES: usize = 100;

impl Settings {
    /// What a new tenant starts with: every feature on, set-up not complete.
    pub fn initial(display_name: Name) -> Self {
        Self {
            features: Feature::ALL.into_iter().collect(),
            branding: Branding {
                display_name,
                logo_url: None,
                primary_color: None,
                portal_url: None,
                sender_email: None,
                sender_email_confirmed_at: None,
            },
            default_locale: Locale::En,
            work_order_types: Vec::new(),
            setup_complete: false,
            require_admin_mfa: true,
            updated_at: now(),
            version: 1,
        }
    }

    /// Replaces the settings. Set-up can only be marked complete once the portal has
    /// its address (the invitation links to it).
    pub fn replace(&mut self, input: SettingsInput) -> Result<(), Error> {
        super::representation::check_version(input.version, Some(self.version))?;
        let mut errors = Vec::new();
        if input.work_order_types.len() > MAX_WORK_ORDER_TYPES {
            errors.push(FieldError::new("work_order_types", format!("at most {MAX_WORK_ORDER_TYPES} types")));
        }
        let mut codes = BTreeSet::new();
        for t in &input.work_order_types {
            if !codes.insert(t.code.as_str()) {
                errors.push(FieldError::new("work_order_types", format!("code `{}` appears twice", t.code)));
            }
        }
        if !errors.is_empty() {
            return Err(Error::BadRequest { detail: "the request has invalid fields".into(), errors });
        }
        if input.setup_complete && input.branding.portal_url.is_none() {
            return Err(Error::unprocessable("set-up cannot be complete without branding.portal_url"));
        }
        let mut branding = input.branding;
        // Portico's to set: kept while the address stays, gone when it changes.
        branding.sender_email_confirmed_at =
            self.branding.sender_email_confirmed_at.filter(|_| branding.sender_email == self.branding.sender_email);
        self.features = input.features;
        self.branding = branding;
        self.default_locale = input.default_locale;
        self.work_order_types = input.work_order_types;
        self.setup_complete = input.setup_complete;
        if let Some(required) = input.require_admin_mfa {
            self.require_admin_mfa = required;
        }
        self.updated_at = now();
        self.version += 1;
        Ok(())
    }

    /// The reply address was shown to be read: replies may go there now. `false` when
    /// it already was (nothing changes).
    pub fn confirm_sender_email(&mut self) -> bool {
        if self.branding.sender_email.is_none() || self.branding.sender_email_confirmed_at.is_some() {
            return false;
        }
        self.branding.sender_email_confirmed_at = Some(now());
        self.updated_at = now();
        self.version += 1;
        true
    }

    pub fn work_order_codes(&self) -> Vec<Code> {
        self.work_order_types.iter().map(|t| t.code.clone()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(json: &str) -> SettingsInput {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn set_up_needs_a_portal_url() {
        let mut s = Settings::initial(Name::parse("Acme").unwrap());
        let without = input(
            r#"{"features":[],"branding":{"display_name":"Acme","logo_url":null,"primary_color":null,"portal_url":null,"sender_email":null},"default_locale":"en","setup_complete":true}"#,
        );
        assert!(matches!(s.replace(without), Err(Error::Unprocessable(_))));
        let with = input(
            r#"{"features":["jobs"],"branding":{"display_name":"Acme","logo_url":null,"primary_color":null,"portal_url":"https://portal.acme.test","sender_email":null},"default_locale":"nl","setup_complete":true}"#,
        );
        s.replace(with).unwrap();
        assert!(s.setup_complete);
        assert_eq!(s.version, 2);
        assert_eq!(s.default_locale, Locale::Nl);
    }

    #[test]
    fn work_order_codes_are_unique() {
        let mut s = Settings::initial(Name::parse("Acme").unwrap());
        let dup = input(
            r#"{"features":[],"branding":{"display_name":"Acme","logo_url":null,"primary_color":null,"portal_url":null,"sender_email":null},"default_locale":"en","work_order_types":[{"code":"r","name":"Repair"},{"code":"r","name":"Again"}],"setup_complete":false}"#,
        );
        assert!(matches!(s.replace(dup), Err(Error::BadRequest { .. })));
    }

    #[test]
    fn what_get_returned_can_be_put_back() {
        let mut s = Settings::initial(Name::parse("Acme").unwrap());
        let mut body = serde_json::to_value(&s).unwrap();
        body["default_locale"] = "nl".into();
        s.replace(serde_json::from_value(body.clone()).unwrap()).unwrap();
        assert_eq!((s.default_locale, s.version), (Locale::Nl, 2));
        // The same body again carries version 1, which is stale now.
        assert!(matches!(s.replace(serde_json::from_value(body).unwrap()), Err(Error::PreconditionFailed)));
    }

    #[test]
    fn the_machine_itself_is_a_portal_address_only_locally() {
        let local = input(
            r#"{"features":[],"branding":{"display_name":"Acme","logo_url":"http://127.0.0.1:3000/logo.png","primary_color":null,"portal_url":"http://localhost:3000","sender_email":null},"default_locale":"en","setup_complete":false}"#,
        );
        assert!(local.branding.check_addresses(true).is_ok());
        let Err(Error::BadRequest { errors, .. }) = local.branding.check_addresses(false) else {
            panic!("a deployment refuses loopback addresses");
        };
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["branding.logo_url", "branding.portal_url"]);
        let deployed = input(
            r#"{"features":[],"branding":{"display_name":"Acme","logo_url":null,"primary_color":null,"portal_url":"https://portal.acme.test","sender_email":null},"default_locale":"en","setup_complete":false}"#,
        );
        assert!(deployed.branding.check_addresses(false).is_ok());
    }

    #[test]
    fn the_reply_address_counts_once_confirmed_and_until_it_changes() {
        let mut s = Settings::initial(Name::parse("Acme").unwrap());
        let mut body = serde_json::to_value(&s).unwrap();
        body["branding"]["sender_email"] = "office@acme.test".into();
        s.replace(serde_json::from_value(body).unwrap()).unwrap();
        assert_eq!(s.branding.reply_to(), None, "not confirmed yet");
        assert!(s.confirm_sender_email());
        assert!(!s.confirm_sender_email(), "once");
        assert_eq!(s.branding.reply_to().map(Email::as_str), Some("office@acme.test"));
        // Settings put back as read keep it; a client cannot confirm by saying so.
        let mut body = serde_json::to_value(&s).unwrap();
        body["default_locale"] = "nl".into();
        s.replace(serde_json::from_value(body.clone()).unwrap()).unwrap();
        assert!(s.branding.reply_to().is_some());
        body["version"] = s.version.into();
        body["branding"]["sender_email"] = "other@acme.test".into();
        s.replace(serde_json::from_value(body.clone()).unwrap()).unwrap();
        assert_eq!((s.branding.reply_to(), s.branding.sender_email_confirmed_at), (None, None), "a new address");
        body["version"] = s.version.into();
        body["branding"]["sender_email_confirmed_at"] = "2026-01-01T00:00:00Z".into();
        s.replace(serde_json::from_value(body).unwrap()).unwrap();
        assert_eq!(s.branding.reply_to(), None, "read-only");
    }

    #[test]
    fn unknown_settings_fields_are_rejected() {
        let r: Result<SettingsInput, _> = serde_json::from_str(
            r#"{"features":[],"branding":{"display_name":"A"},"default_locale":"en","setup_complete":false,"tenant_id":"x"}"#,
        );
        assert!(r.is_err());
    }
}
