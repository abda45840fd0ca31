//! Divisions: a customer's sites grouped under parent groups and divisions,
//! so access can be granted to a division rather than site by site.

use serde::{Deserialize, Serialize};

use super::ids::{CustomerId, DivisionId};
use super::tenant::{double_option, now, Timestamp};
use super::text::{ExternalRef, Name};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Division {
    pub id: DivisionId,
    /// The back office's reference, if it gave one: set at creation, never changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_ref: Option<ExternalRef>,
    pub customer_id: CustomerId,
    pub name: Name,
    /// The parent group this division is filed under (a label, not a record of its own).
    pub parent_group: Option<Name>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub version: u64,
}

/// `POST /admin/customers/{customer_id}/divisions`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewDivision {
    pub name: Name,
    pub parent_group: Option<Name>,
    /// The back office's reference (optional): `PUT` and `GET` then find the division by
    /// it. Set at creation only; never one shaped like a Portico division id.
    #[serde(default)]
    pub external_ref: Option<ExternalRef>,
}

/// `PUT /admin/divisions/{division_id}`: creates the division under a new reference or
/// replaces it. Takes what `GET` returned: the read-only fields are ignored when they agree.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DivisionInput {
    /// The division's customer, by Portico id (`cus_…`) or by the back office's
    /// reference. Fixed at creation: a PUT naming another customer is a 409.
    pub customer_id: ExternalRef,
    pub name: Name,
    pub parent_group: Option<Name>,
    /// Read-only: when sent, must be this division's id.
    #[serde(default)]
    #[schema(read_only)]
    pub id: Option<DivisionId>,
    /// Read-only: when sent, must be this division's reference.
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

/// `PATCH /admin/divisions/{division_id}`.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DivisionPatch {
    pub name: Option<Name>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Name>)]
    pub parent_group: Option<Option<Name>>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DivisionView {
    pub id: DivisionId,
    pub external_ref: Option<ExternalRef>,
    pub customer_id: CustomerId,
    pub name: Name,
    pub parent_group: Option<Name>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub version: u64,
}

impl Division {
    pub fn create(customer_id: CustomerId, input: NewDivision) -> Self {
        let at = now();
        Self {
            id: DivisionId::generate(),
            external_ref: input.external_ref,
            customer_id,
            name: input.name,
            parent_group: input.parent_group,
            created_at: at,
            updated_at: at,
            version: 1,
        }
    }

    /// Replaces what a PUT may change (the customer is fixed: the caller checks it).
    pub fn replace(&mut self, name: Name, parent_group: Option<Name>) {
        self.name = name;
        self.parent_group = parent_group;
        self.updated_at = now();
        self.version += 1;
    }

    /// Whether `other` says the same as `self` (a repeated PUT changes nothing).
    pub fn same_as(&self, other: &Division) -> bool {
        super::representation::same_content(self, other)
    }

    pub fn apply(&mut self, patch: DivisionPatch) {
        if let Some(v) = patch.name {
            self.name = v;
        }
        if let Some(v) = patch.parent_group {
            self.parent_group = v;
        }
        self.updated_at = now();
        self.version += 1;
    }

    pub fn view(&self) -> DivisionView {
        DivisionView {
            id: self.id,
            external_ref: self.external_ref.clone(),
            customer_id: self.customer_id,
            name: self.name.clone(),
            parent_group: self.parent_group.clone(),
            created_at: self.created_at,
            updated_at: self.updated_at,
            version: self.version,
        }
    }
}
