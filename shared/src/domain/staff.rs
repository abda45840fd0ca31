//! Office staff: the field-service company's own people, who sign in as tenant admins.
//! Each admin login has one record here, and every admin request is bound to it (the
//! token's login must be the record's, the record must be active), so removing or
//! disabling someone acts on their next request, whatever their token says.

use serde::{Deserialize, Serialize};

use super::ids::StaffId;
use super::tenant::{now, Timestamp};
use super::text::{Email, Name};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StaffStatus {
    /// The login exists and its credentials were sent.
    Active,
    /// Cannot sign in; every request answers 403.
    Disabled,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Staff {
    pub id: StaffId,
    pub first_name: Name,
    pub last_name: Name,
    pub email: Email,
    pub status: StaffStatus,
    /// The Cognito username (the login's `sub`) every token must carry.
    pub login: String,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub version: u64,
}

/// `POST /admin/staff`: another admin of the tenant, invited by email.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewStaff {
    pub first_name: Name,
    pub last_name: Name,
    pub email: Email,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct StaffView {
    pub id: StaffId,
    pub first_name: Name,
    pub last_name: Name,
    pub email: Email,
    pub status: StaffStatus,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub version: u64,
}

impl Staff {
    /// The record of a login just created for `id` (the login carries the id, so the id
    /// comes first).
    pub fn new(id: StaffId, input: NewStaff, login: String) -> Self {
        let at = now();
        Self {
            id,
            first_name: input.first_name,
            last_name: input.last_name,
            email: input.email,
            status: StaffStatus::Active,
            login,
            created_at: at,
            updated_at: at,
            version: 1,
        }
    }

    pub fn is_active(&self) -> bool {
        self.status == StaffStatus::Active
    }

    pub fn disable(&mut self) {
        self.status = StaffStatus::Disabled;
        self.touch();
    }

    pub fn enable(&mut self) {
        self.status = StaffStatus::Active;
        self.touch();
    }

    /// Records a change that has no field of its own (an MFA reset).
    pub fn touch(&mut self) {
        self.updated_at = now();
        self.version += 1;
    }

    pub fn view(&self) -> StaffView {
        StaffView {
            id: self.id,
            first_name: self.first_name.clone(),
            last_name: self.last_name.clone(),
            email: self.email.clone(),
            status: self.status,
            created_at: self.created_at,
            updated_at: self.updated_at,
            version: self.version,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn staff() -> Staff {
        let input = NewStaff {
            first_name: Name::parse("Ada").unwrap(),
            last_name: Name::parse("Admin").unwrap(),
            email: Email::parse("ada@acme.test").unwrap(),
        };
        Staff::new(StaffId::generate(), input, "sub-1".into())
    }

    #[test]
    fn disabling_and_enabling_change_the_version() {
        let mut s = staff();
        s.disable();
        assert!(!s.is_active());
        s.enable();
        assert!(s.is_active());
        assert_eq!(s.version, 3);
    }

    #[test]
    fn unknown_fields_are_refused() {
        let r: Result<NewStaff, _> =
            serde_json::from_str(r#"{"first_name":"A","last_name":"B","email":"a@b.test","login":"x"}"#);
        assert!(r.is_err());
    }
}
