//! Where a customer or site sits in the tenant's tree: a customer's ancestry (root
//! first), and what the scope rule needs to know of a site. A leaf: customers, sites and
//! scopes all use it.

use serde::{Deserialize, Serialize};

use super::ids::{CustomerId, DivisionId, SiteId};

/// Customers nest at most this deep (root = 1).
pub const MAX_CUSTOMER_DEPTH: usize = 5;

/// A customer's ancestry, root first, ending with the customer itself.
///
/// Stored on customers and sites so that "every site under customer X" is one
/// `begins_with` query on the path (see `docs/data-model.md`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct CustomerPath(Vec<CustomerId>);

impl CustomerPath {
    pub fn root(id: CustomerId) -> Self {
        Self(vec![id])
    }

    /// The path of a child of `self`, or `None` when that would nest too deep.
    pub fn child(&self, id: CustomerId) -> Option<Self> {
        (self.0.len() < MAX_CUSTOMER_DEPTH).then(|| {
            let mut ids = self.0.clone();
            ids.push(id);
            Self(ids)
        })
    }

    pub fn root_id(&self) -> CustomerId {
        self.0[0]
    }

    pub fn customer_id(&self) -> CustomerId {
        *self.0.last().expect("a path is never empty")
    }

    pub fn ids(&self) -> &[CustomerId] {
        &self.0
    }

    /// True when `self` is `other` or one of its ancestors.
    pub fn is_ancestor_or_self_of(&self, other: &CustomerPath) -> bool {
        other.0.starts_with(&self.0)
    }
}

/// What the scope rule needs to know about a site.
#[derive(Debug, Clone, Copy)]
pub struct SiteRef<'a> {
    pub id: SiteId,
    pub customer_path: &'a CustomerPath,
    pub division_id: Option<DivisionId>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn customers_nest_at_most_five_deep() {
        let mut path = CustomerPath::root(CustomerId::generate());
        for _ in 1..MAX_CUSTOMER_DEPTH {
            path = path.child(CustomerId::generate()).unwrap();
        }
        assert!(path.child(CustomerId::generate()).is_none());
    }
}
