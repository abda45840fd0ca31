//! Contacts: people on a customer who receive notifications by **role** but
//! have no login. "Create user" turns a contact into a portal member — the same person,
//! linked both ways, never a duplicate.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::ids::{ContactId, CustomerId, MemberId};
use super::mailing::NotificationKind;
use super::mailing::Suppression;
use super::tenant::{double_option, now, unique_opt, Timestamp};
use super::text::{Code, Email, ExternalRef, Name, Phone};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Contact {
    pub id: ContactId,
    /// The back office's reference, if it gave one: set at creation, never changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_ref: Option<ExternalRef>,
    pub customer_id: CustomerId,
    pub first_name: Name,
    pub last_name: Name,
    pub email: Email,
    pub phone: Option<Phone>,
    /// Which notifications the contact receives (e.g. `billing`, `site_manager`).
    pub role: Code,
    /// The member this contact became, if any.
    pub member_id: Option<MemberId>,
    /// Kinds of notification the contact switched off (an unsubscribe link).
    #[serde(default)]
    pub muted: BTreeSet<NotificationKind>,
    /// Mail to the contact's address stopped after a bounce or complaint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suppressed: Option<Suppression>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub version: u64,
}

/// `POST /admin/customers/{customer_id}/contacts`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewContact {
    pub first_name: Name,
    pub last_name: Name,
    pub email: Email,
    pub phone: Option<Phone>,
    pub role: Code,
    /// The back office's reference (optional): `PUT` and `GET` then find the contact by
    /// it. Set at creation only; never one shaped like a Portico contact id.
    #[serde(default)]
    pub external_ref: Option<ExternalRef>,
}

/// `PUT /admin/contacts/{contact_id}`: creates the contact under a new reference or
/// replaces it. Takes what `GET` returned: the read-only fields are ignored when they
/// agree. What the contact chose (`muted`, by an email's unsubscribe link) and what the
/// mail service reported (`suppressed`) are the contact's, not the back office's: read-only.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactInput {
    /// The contact's customer, by Portico id (`cus_…`) or by the back office's
    /// reference. Fixed at creation: a PUT naming another customer is a 409.
    pub customer_id: ExternalRef,
    pub first_name: Name,
    pub last_name: Name,
    pub email: Email,
    pub phone: Option<Phone>,
    pub role: Code,
    /// Read-only: ignored (set when the contact becomes a member).
    #[serde(default)]
    #[schema(read_only)]
    pub member_id: Option<MemberId>,
    /// Read-only: ignored (an office changes it with PATCH).
    #[serde(default, deserialize_with = "unique_opt")]
    #[schema(read_only)]
    pub muted: Option<BTreeSet<NotificationKind>>,
    /// Read-only: ignored.
    #[serde(default)]
    #[schema(read_only)]
    pub suppressed: Option<Suppression>,
    /// Read-only: when sent, must be this contact's id.
    #[serde(default)]
    #[schema(read_only)]
    pub id: Option<ContactId>,
    /// Read-only: when sent, must be this contact's reference.
    #[serde(default)]
    #[schema(read_only)]
    pub external_ref: Option<ExternalRef>,
    /// Read-only: when sent, must be the current version (412 otherwise).
    #[serde(default)]
    #[schema(read_only)]
    pub version: Option<u64>,
    /// Read-only: ignored.
    #[serde(default)]
    #[schema(read_only, value_type = Option<String>, format = DateTime)]
    pub created_at: Option<Timestamp>,
    /// Read-only: ignored.
    #[serde(default)]
    #[schema(read_only, value_type = Option<String>, format = DateTime)]
    pub updated_at: Option<Timestamp>,
}

/// `PATCH /admin/contacts/{contact_id}`.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContactPatch {
    pub first_name: Option<Name>,
    pub last_name: Option<Name>,
    pub email: Option<Email>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Phone>)]
    pub phone: Option<Option<Phone>>,
    pub role: Option<Code>,
    /// The whole set of kinds the contact gets no more (as the unsubscribe link leaves
    /// it): an office can switch one back on, or off for them; `[]` unmutes every kind.
    #[serde(default, deserialize_with = "unique_opt")]
    pub muted: Option<BTreeSet<NotificationKind>>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ContactView {
    pub id: ContactId,
    pub external_ref: Option<ExternalRef>,
    pub customer_id: CustomerId,
    pub first_name: Name,
    pub last_name: Name,
    pub email: Email,
    pub phone: Option<Phone>,
    pub role: Code,
    pub member_id: Option<MemberId>,
    /// Kinds the contact switched off with an email's unsubscribe link.
    pub muted: BTreeSet<NotificationKind>,
    /// Set when a bounce or complaint stopped mail to the contact's address; a new
    /// `email` clears it.
    pub suppressed: Option<Suppression>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub version: u64,
}

impl Contact {
    pub fn create(customer_id: CustomerId, input: NewContact) -> Self {
        let at = now();
        Self {
            id: ContactId::generate(),
            external_ref: input.external_ref,
            customer_id,
            first_name: input.first_name,
            last_name: input.last_name,
            email: input.email,
            phone: input.phone,
            role: input.role,
            member_id: None,
            muted: BTreeSet::new(),
            suppressed: None,
            created_at: at,
            updated_at: at,
            version: 1,
        }
    }

    /// Replaces what a PUT may change (the customer is fixed: the caller checks it).
    pub fn replace(&mut self, input: ContactInput) {
        if input.email != self.email {
            // A new address has not bounced.
            self.suppressed = None;
        }
        self.first_name = input.first_name;
        self.last_name = input.last_name;
        self.email = input.email;
        self.phone = input.phone;
        self.role = input.role;
        self.touch();
    }

    /// Whether `other` says the same as `self` (a repeated PUT changes nothing).
    pub fn same_as(&self, other: &Contact) -> bool {
        super::representation::same_content(self, other)
    }

    pub fn apply(&mut self, patch: ContactPatch) {
        if let Some(v) = patch.first_name {
            self.first_name = v;
        }
        if let Some(v) = patch.last_name {
            self.last_name = v;
        }
        if let Some(v) = patch.email {
            if v != self.email {
                // A new address has not bounced.
                self.suppressed = None;
            }
            self.email = v;
        }
        if let Some(v) = patch.phone {
            self.phone = v;
        }
        if let Some(v) = patch.role {
            self.role = v;
        }
        if let Some(v) = patch.muted {
            self.muted = v;
        }
        self.touch();
    }

    /// Switches one kind of notification off (the email's unsubscribe link); false if
    /// it was already off.
    pub fn mute(&mut self, kind: NotificationKind) -> bool {
        let changed = self.muted.insert(kind);
        if changed {
            self.touch();
        }
        changed
    }

    /// Stops all mail to the contact's address; false if it was already stopped.
    pub fn suppress(&mut self, why: Suppression) -> bool {
        if self.suppressed.is_some() {
            return false;
        }
        self.suppressed = Some(why);
        self.touch();
        true
    }

    pub fn became(&mut self, member: MemberId) {
        self.member_id = Some(member);
        self.touch();
    }

    fn touch(&mut self) {
        self.updated_at = now();
        self.version += 1;
    }

    pub fn view(&self) -> ContactView {
        ContactView {
            id: self.id,
            external_ref: self.external_ref.clone(),
            customer_id: self.customer_id,
            first_name: self.first_name.clone(),
            last_name: self.last_name.clone(),
            email: self.email.clone(),
            phone: self.phone.clone(),
            role: self.role.clone(),
            member_id: self.member_id,
            muted: self.muted.clone(),
            suppressed: self.suppressed.clone(),
            created_at: self.created_at,
            updated_at: self.updated_at,
            version: self.version,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_contact_needs_a_role_and_rejects_login_fields() {
        assert!(serde_json::from_str::<NewContact>(r#"{"first_name":"A","last_name":"B","email":"a@b.co"}"#).is_err());
        assert!(serde_json::from_str::<NewContact>(
            r#"{"first_name":"A","last_name":"B","email":"a@b.co","role":"billing","permissions":[]}"#
        )
        .is_err());
        let c: NewContact =
            serde_json::from_str(r#"{"first_name":"A","last_name":"B","email":"A@B.co","role":"billing"}"#).unwrap();
        let contact = Contact::create(CustomerId::generate(), c);
        assert_eq!(contact.email.as_str(), "a@b.co");
        assert_eq!(contact.member_id, None);
    }
}
