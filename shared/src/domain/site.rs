//! Sites: the places where the work happens. Each belongs to one customer.

use serde::{Deserialize, Serialize};

use super::customer::Customer;
use super::hierarchy::{CustomerPath, SiteRef};
use super::ids::{CustomerId, DivisionId, SiteId};
use super::tenant::{now, Timestamp};
use super::text::{Address, ExternalRef, Name};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Site {
    pub id: SiteId,
    /// The back office's reference, if it gave one: set at creation, never changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_ref: Option<ExternalRef>,
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
    /// The back office's reference (optional): `PUT` and `GET` then find the site by
    /// it. Set at creation only; never one shaped like a Portico site id.
    #[serde(default)]
    pub external_ref: Option<ExternalRef>,
}

/// `PUT /admin/sites/{site_id}`: creates the site under a new reference or replaces it.
/// Takes what `GET` returned: the read-only fields are ignored when they agree.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SiteInput {
    /// The site's customer, by Portico id (`cus_…`) or by the back office's reference.
    /// Fixed at creation: a PUT naming another customer is a 409.
    pub customer_id: ExternalRef,
    pub name: Name,
    pub address: Address,
    /// A division of the site's customer, by Portico id (`div_…`) or reference.
    #[serde(default)]
    pub division_id: Option<ExternalRef>,
    /// Read-only: when sent, must be this site's id.
    #[serde(default)]
    #[schema(read_only)]
    pub id: Option<SiteId>,
    /// Read-only: when sent, must be this site's reference.
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
    pub external_ref: Option<ExternalRef>,
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
            external_ref: input.external_ref,
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

    /// Replaces what a PUT may change (the customer is fixed: the caller checks it).
    pub fn replace(&mut self, name: Name, address: Address, division_id: Option<DivisionId>) {
        self.name = name;
        self.address = address;
        self.division_id = division_id;
        self.updated_at = now();
        self.version += 1;
    }

    /// Whether `other` says the same as `self` (a repeated PUT changes nothing).
    pub fn same_as(&self, other: &Site) -> bool {
        super::representation::same_content(self, other)
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
            external_ref: self.external_ref.clone(),
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
