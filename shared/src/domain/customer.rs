//! Customer accounts of a tenant, optionally nested under a parent customer.

use serde::{Deserialize, Serialize};

use super::hierarchy::CustomerPath;
use super::ids::CustomerId;
use super::tenant::{double_option, now, Timestamp};
use super::text::{Code, ExternalRef, Name};
use crate::error::Error;

/// A customer account as stored.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Customer {
    pub id: CustomerId,
    /// The back office's reference, if it gave one: set at creation, never changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub external_ref: Option<ExternalRef>,
    pub name: Name,
    pub parent_id: Option<CustomerId>,
    /// Root first, ending with this customer. Fixed at creation (the parent cannot
    /// change), so keys derived from it never go stale.
    pub path: CustomerPath,
    pub account_code: Option<Code>,
    #[serde(default)]
    pub allowed_work_order_types: Vec<Code>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub version: u64,
}

/// `POST /admin/customers`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCustomer {
    pub name: Name,
    pub parent_id: Option<CustomerId>,
    pub account_code: Option<Code>,
    #[serde(default)]
    pub allowed_work_order_types: Vec<Code>,
    /// The back office's reference (optional): `PUT /admin/customers/{ref}` and `GET`
    /// then find the customer by it. Set at creation only; never one shaped like a
    /// Portico customer id.
    #[serde(default)]
    pub external_ref: Option<ExternalRef>,
}

/// `PUT /admin/customers/{customer_id}`: creates the customer under a new reference or
/// replaces it. Takes what `GET` returned: the read-only fields are ignored when they
/// agree with the customer.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CustomerInput {
    pub name: Name,
    /// The parent customer, by Portico id (`cus_…`) or by the back office's reference.
    /// Fixed at creation: a PUT naming another parent is a 409.
    #[serde(default)]
    pub parent_id: Option<ExternalRef>,
    pub account_code: Option<Code>,
    #[serde(default)]
    pub allowed_work_order_types: Vec<Code>,
    /// Read-only: when sent, must be this customer's id.
    #[serde(default)]
    #[schema(read_only)]
    pub id: Option<CustomerId>,
    /// Read-only: when sent, must be this customer's reference.
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

/// `PATCH /admin/customers/{customer_id}`. `null` clears an optional field.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CustomerPatch {
    pub name: Option<Name>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(value_type = Option<Code>)]
    pub account_code: Option<Option<Code>>,
    pub allowed_work_order_types: Option<Vec<Code>>,
}

/// A customer as the API shows it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CustomerView {
    pub id: CustomerId,
    pub external_ref: Option<ExternalRef>,
    pub name: Name,
    pub parent_id: Option<CustomerId>,
    pub account_code: Option<Code>,
    pub allowed_work_order_types: Vec<Code>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub version: u64,
}

pub const MAX_WORK_ORDER_TYPES: usize = 100;

fn check_work_order_types(types: &[Code], catalogue: &[Code]) -> Result<(), Error> {
    if types.len() > MAX_WORK_ORDER_TYPES {
        return Err(Error::invalid_field("allowed_work_order_types", format!("at most {MAX_WORK_ORDER_TYPES} types")));
    }
    if let Some(unknown) = types.iter().find(|t| !catalogue.contains(t)) {
        return Err(Error::invalid_field(
            "allowed_work_order_types",
            format!("`{unknown}` is not a work-order type in the portal settings"),
        ));
    }
    Ok(())
}

impl Customer {
    /// A new customer under `parent` (if any). `catalogue` is the tenant's work-order
    /// type codes: a customer may only be allowed types that exist.
    pub fn create(input: NewCustomer, parent: Option<&Customer>, catalogue: &[Code]) -> Result<Self, Error> {
        check_work_order_types(&input.allowed_work_order_types, catalogue)?;
        let id = CustomerId::generate();
        let path = match parent {
            None => CustomerPath::root(id),
            Some(p) => p.path.child(id).ok_or_else(|| {
                Error::unprocessable(format!(
                    "customers nest at most {} levels deep",
                    super::hierarchy::MAX_CUSTOMER_DEPTH
                ))
            })?,
        };
        let at = now();
        Ok(Self {
            id,
            external_ref: input.external_ref,
            name: input.name,
            parent_id: parent.map(|p| p.id),
            path,
            account_code: input.account_code,
            allowed_work_order_types: dedup(input.allowed_work_order_types),
            created_at: at,
            updated_at: at,
            version: 1,
        })
    }

    /// A new customer from a PUT under `reference`.
    pub fn create_from(
        reference: ExternalRef,
        input: CustomerInput,
        parent: Option<&Customer>,
        catalogue: &[Code],
    ) -> Result<Self, Error> {
        let new = NewCustomer {
            name: input.name,
            parent_id: parent.map(|p| p.id),
            account_code: input.account_code,
            allowed_work_order_types: input.allowed_work_order_types,
            external_ref: Some(reference),
        };
        Self::create(new, parent, catalogue)
    }

    /// Replaces what a PUT may change (the parent is fixed: the caller checks it).
    pub fn replace(&mut self, input: CustomerInput, catalogue: &[Code]) -> Result<(), Error> {
        check_work_order_types(&input.allowed_work_order_types, catalogue)?;
        self.name = input.name;
        self.account_code = input.account_code;
        self.allowed_work_order_types = dedup(input.allowed_work_order_types);
        self.updated_at = now();
        self.version += 1;
        Ok(())
    }

    /// Whether `other` says the same as `self` (a repeated PUT changes nothing).
    pub fn same_as(&self, other: &Customer) -> bool {
        super::representation::same_content(self, other)
    }

    pub fn apply(&mut self, patch: CustomerPatch, catalogue: &[Code]) -> Result<(), Error> {
        if let Some(types) = patch.allowed_work_order_types {
            check_work_order_types(&types, catalogue)?;
            self.allowed_work_order_types = dedup(types);
        }
        if let Some(name) = patch.name {
            self.name = name;
        }
        if let Some(code) = patch.account_code {
            self.account_code = code;
        }
        self.updated_at = now();
        self.version += 1;
        Ok(())
    }

    pub fn view(&self) -> CustomerView {
        CustomerView {
            id: self.id,
            external_ref: self.external_ref.clone(),
            name: self.name.clone(),
            parent_id: self.parent_id,
            account_code: self.account_code.clone(),
            allowed_work_order_types: self.allowed_work_order_types.clone(),
            created_at: self.created_at,
            updated_at: self.updated_at,
            version: self.version,
        }
    }
}

fn dedup(mut codes: Vec<Code>) -> Vec<Code> {
    let mut seen = std::collections::HashSet::new();
    codes.retain(|c| seen.insert(c.as_str().to_owned()));
    codes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(name: &str) -> NewCustomer {
        NewCustomer {
            name: Name::parse(name).unwrap(),
            parent_id: None,
            account_code: None,
            allowed_work_order_types: vec![],
            external_ref: None,
        }
    }

    #[test]
    fn a_child_customer_extends_its_parents_path() {
        let parent = Customer::create(input("Parent"), None, &[]).unwrap();
        let child = Customer::create(input("Child"), Some(&parent), &[]).unwrap();
        assert_eq!(child.parent_id, Some(parent.id));
        assert_eq!(child.path.ids(), &[parent.id, child.id]);
    }

    #[test]
    fn only_catalogued_work_order_types_may_be_allowed() {
        let catalogue = vec![Code::parse("repair").unwrap()];
        let mut i = input("A");
        i.allowed_work_order_types = vec![Code::parse("install").unwrap()];
        assert!(matches!(Customer::create(i, None, &catalogue), Err(Error::BadRequest { .. })));
        let mut ok = input("B");
        ok.allowed_work_order_types = vec![Code::parse("repair").unwrap(), Code::parse("repair").unwrap()];
        assert_eq!(Customer::create(ok, None, &catalogue).unwrap().allowed_work_order_types.len(), 1);
    }

    #[test]
    fn patching_bumps_the_version_and_null_clears() {
        let mut c =
            Customer::create(NewCustomer { account_code: Some(Code::parse("AC1").unwrap()), ..input("A") }, None, &[])
                .unwrap();
        let patch: CustomerPatch = serde_json::from_str(r#"{"account_code": null}"#).unwrap();
        c.apply(patch, &[]).unwrap();
        assert_eq!(c.account_code, None);
        assert_eq!(c.version, 2);
    }
}
