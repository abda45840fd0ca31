//! Divisions: a customer's sites grouped under parent groups and divisions,
//! so access can be granted to a division rather than site by site.

use serde::{Deserialize, Serialize};

use super::ids::{CustomerId, DivisionId};
use super::tenant::{double_option, now, Timestamp};
use super::text::Name;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Division {
    pub id: DivisionId,
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
            customer_id,
            name: input.name,
            parent_group: input.parent_group,
            created_at: at,
            updated_at: at,
            version: 1,
        }
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
            customer_id: self.customer_id,
            name: self.name.clone(),
            parent_group: self.parent_group.clone(),
            created_at: self.created_at,
            updated_at: self.updated_at,
            version: self.version,
        }
    }
}
