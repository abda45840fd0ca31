//! Customer accounts of a tenant, optionally nested under a parent customer.

use serde::{Deserialize, Serialize};

use super::hierarchy::CustomerPath;
use super::ids::CustomerId;
use super::tenant::{double_option, now, Timestamp};
use super::text::{Code, Name};
use crate::error::Error;

/// A customer account as stored.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Customer {
    pub id: CustomerId,
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
