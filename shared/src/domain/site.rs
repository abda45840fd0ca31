//! Sites: the places where the work happens. Each belongs to one customer.

use serde::{Deserialize, Serialize};

use super::customer::Customer;
use super::hierarchy::{CustomerPath, SiteRef};
use super::ids::{CustomerId, DivisionId, SiteId};
use super::tenant::{now, Timestamp};
use super::text::{Address, Name};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Site {
    pub id: SiteId,
    pub customer_id: CustomerId,
    /// The owning customer's path (see [`CustomerPath`]): keys sites by ancestry.
    pub customer_path: CustomerPath,
    pub name: Name,
    pub address: Address,
    pub division_id: Option<DivisionId>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub version: u64,
}

/// `POST /admin/customers/{customer_id}/sites`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewSite {
    pub name: Name,
    pub address: Address,
    /// A division of the site's customer.
    pub division_id: Option<DivisionId>,
}

/// `PATCH /admin/sites/{site_id}`.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SitePatch {
    pub name: Option<Name>,
    pub address: Option<Address>,
    /// Moves the site to another division of its customer; `null` takes it out of any.
    #[serde(default, deserialize_with = "super::tenant::double_option")]
    #[schema(value_type = Option<DivisionId>)]
    pub division_id: Option<Option<DivisionId>>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SiteView {
    pub id: SiteId,
    pub customer_id: CustomerId,
    pub name: Name,
    pub address: Address,
    pub division_id: Option<DivisionId>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub version: u64,
}

/// A site as a member sees it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PortalSite {
    pub id: SiteId,
    pub customer_id: CustomerId,
    pub name: Name,
    pub address: Address,
    pub division_id: Option<DivisionId>,
    /// The work-order types a member may request here (the site's customer's list, or
    /// its nearest ancestor's), with the portal's names: the work-request form's picker.
    pub work_order_types: Vec<super::settings::WorkOrderType>,
}

/// A site by its name alone: what a member's access lists (`GET /admin/members/{id}/access`).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SiteName {
    pub id: SiteId,
    pub name: Name,
}

impl Site {
    pub fn create(customer: &Customer, input: NewSite) -> Self {
        let at = now();
        Self {
            id: SiteId::generate(),
            customer_id: customer.id,
            customer_path: customer.path.clone(),
            name: input.name,
            address: input.address,
            division_id: input.division_id,
            created_at: at,
            updated_at: at,
            version: 1,
        }
    }

    pub fn apply(&mut self, patch: SitePatch) {
        if let Some(name) = patch.name {
            self.name = name;
        }
        if let Some(address) = patch.address {
            self.address = address;
        }
        if let Some(division) = patch.division_id {
            self.division_id = division;
        }
        self.updated_at = now();
        self.version += 1;
    }

    pub fn as_ref(&self) -> SiteRef<'_> {
        SiteRef { id: self.id, customer_path: &self.customer_path, division_id: self.division_id }
    }

    /// As a member sees it, with the work-order types they may request here.
    pub fn portal_view(self, work_order_types: Vec<super::settings::WorkOrderType>) -> PortalSite {
        PortalSite {
            id: self.id,
            customer_id: self.customer_id,
            name: self.name,
            address: self.address,
            division_id: self.division_id,
            work_order_types,
        }
    }

    pub fn named(self) -> SiteName {
        SiteName { id: self.id, name: self.name }
    }

    pub fn view(&self) -> SiteView {
        SiteView {
            id: self.id,
            customer_id: self.customer_id,
            name: self.name.clone(),
            address: self.address.clone(),
            division_id: self.division_id,
            created_at: self.created_at,
            updated_at: self.updated_at,
            version: self.version,
        }
    }
}
