//! Scope: which customers, divisions and sites a member may see.
//!
//! A grant on a customer covers that customer, its child customers (at any depth) and all
//! their sites. A grant on divisions covers the customer's sites in those divisions; a
//! grant on sites covers exactly those sites. The rule lives in one place:
//! [`Scope::covers`].

use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;

use serde::{Deserialize, Serialize};

use super::hierarchy::{CustomerPath, SiteRef};
use super::ids::{CustomerId, DivisionId, SiteId};
use super::site::Site;
use crate::error::Error;

/// At most this many grants per scope, and ids per grant: bounded work per request.
pub const MAX_GRANTS: usize = 50;
pub const MAX_IDS_PER_GRANT: usize = 200;

/// One grant as written in the API (`{"customer_id": …, "site_ids": […]}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GrantInput {
    pub customer_id: CustomerId,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub division_ids: Option<Vec<DivisionId>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site_ids: Option<Vec<SiteId>>,
}

/// Scope as written in the API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ScopeInput {
    pub grants: Vec<GrantInput>,
}

/// What a grant covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Coverage {
    Customer,
    Divisions { division_ids: BTreeSet<DivisionId> },
    Sites { site_ids: BTreeSet<SiteId> },
}

/// A grant resolved against the hierarchy: the customer's path is known, so the grant
/// can be turned into key conditions without another read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grant {
    pub customer_path: CustomerPath,
    pub coverage: Coverage,
}

impl Grant {
    pub fn customer_id(&self) -> CustomerId {
        self.customer_path.customer_id()
    }

    /// Whether this one grant covers the site.
    pub fn covers(&self, site: &SiteRef<'_>) -> bool {
        match &self.coverage {
            Coverage::Customer => self.customer_path.is_ancestor_or_self_of(site.customer_path),
            Coverage::Divisions { division_ids } => {
                site.customer_path.customer_id() == self.customer_id()
                    && site.division_id.is_some_and(|d| division_ids.contains(&d))
            }
            Coverage::Sites { site_ids } => {
                site.customer_path.customer_id() == self.customer_id() && site_ids.contains(&site.id)
            }
        }
    }

    /// The API form of this grant.
    pub fn to_input(&self) -> GrantInput {
        let (division_ids, site_ids) = match &self.coverage {
            Coverage::Customer => (None, None),
            Coverage::Divisions { division_ids } => (Some(division_ids.iter().copied().collect()), None),
            Coverage::Sites { site_ids } => (None, Some(site_ids.iter().copied().collect())),
        };
        GrantInput { customer_id: self.customer_id(), division_ids, site_ids }
    }
}

/// A member's resolved scope.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Scope(Vec<Grant>);

impl Scope {
    /// Builds a scope from resolved grants, dropping grants another grant already covers
    /// (so listing never returns a site twice).
    pub fn new(grants: Vec<Grant>) -> Self {
        let mut kept: Vec<Grant> = Vec::with_capacity(grants.len());
        for g in grants {
            let covered = kept.iter().any(|k| {
                matches!(k.coverage, Coverage::Customer) && k.customer_path.is_ancestor_or_self_of(&g.customer_path)
            });
            if covered || kept.contains(&g) {
                continue;
            }
            if matches!(g.coverage, Coverage::Customer) {
                kept.retain(|k| !g.customer_path.is_ancestor_or_self_of(&k.customer_path));
            }
            kept.push(g);
        }
        Self(kept)
    }

    pub fn grants(&self) -> &[Grant] {
        &self.0
    }

    /// The rule: may a member with this scope see this site?
    pub fn covers(&self, site: &SiteRef<'_>) -> bool {
        self.0.iter().any(|g| g.covers(site))
    }

    /// May a member with this scope see this customer's record as a whole?
    pub fn covers_customer(&self, path: &CustomerPath) -> bool {
        self.0.iter().any(|g| matches!(g.coverage, Coverage::Customer) && g.customer_path.is_ancestor_or_self_of(path))
    }

    pub fn to_input(&self) -> ScopeInput {
        ScopeInput { grants: self.0.iter().map(Grant::to_input).collect() }
    }
}

/// The hierarchy a scope is read against: who a customer's children are, which sites a
/// division holds. The store answers from DynamoDB (a query each); tests from memory.
pub trait Hierarchy {
    fn children(&self, of: CustomerId) -> impl Future<Output = Result<Vec<CustomerId>, Error>> + Send;
    fn sites_in(&self, division: DivisionId) -> impl Future<Output = Result<Vec<Site>, Error>> + Send;
}

/// Calls to the hierarchy made at once while working out partitions.
const CONCURRENCY: usize = 16;

/// The partitions that hold what a scope covers of jobs or work requests, which are filed
/// under their customer and under their site: one per customer covered whole (with its
/// child customers), one per site covered alone. A member's list reads exactly these.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Partitions {
    pub customers: BTreeSet<CustomerId>,
    pub sites: BTreeSet<SiteId>,
}

impl Partitions {
    /// Whether an object filed under `customer` at `site` lies in these partitions.
    pub fn hold(&self, customer: CustomerId, site: SiteId) -> bool {
        self.customers.contains(&customer) || self.sites.contains(&site)
    }

    pub fn len(&self) -> usize {
        self.customers.len() + self.sites.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The partitions `scope` covers: each customer grant's whole tree (its children
    /// asked level by level), each division's sites the scope covers, each granted site
    /// — a site whose customer is covered whole is read through the customer's partition.
    pub async fn of(scope: &Scope, tree: &impl Hierarchy) -> Result<Self, Error> {
        let mut p = Partitions::default();
        let mut divisions = BTreeSet::new();
        let mut site_customers: BTreeMap<SiteId, CustomerId> = BTreeMap::new();
        for grant in scope.grants() {
            match &grant.coverage {
                Coverage::Customer => {
                    let mut level = vec![grant.customer_id()];
                    while !level.is_empty() {
                        let fresh: Vec<_> = level.into_iter().filter(|c| p.customers.insert(*c)).collect();
                        level = Vec::new();
                        for chunk in fresh.chunks(CONCURRENCY) {
                            let children =
                                futures_util::future::try_join_all(chunk.iter().map(|c| tree.children(*c))).await?;
                            level.extend(children.into_iter().flatten());
                        }
                    }
                }
                Coverage::Divisions { division_ids } => divisions.extend(division_ids.iter().copied()),
                Coverage::Sites { site_ids } => {
                    p.sites.extend(site_ids.iter().copied());
                    site_customers.extend(site_ids.iter().map(|s| (*s, grant.customer_id())));
                }
            }
        }
        let divisions: Vec<_> = divisions.into_iter().collect();
        for chunk in divisions.chunks(CONCURRENCY) {
            for sites in futures_util::future::try_join_all(chunk.iter().map(|d| tree.sites_in(*d))).await? {
                for site in sites.into_iter().filter(|s| scope.covers(&s.as_ref())) {
                    site_customers.insert(site.id, site.customer_id);
                    p.sites.insert(site.id);
                }
            }
        }
        let whole = p.customers.clone();
        p.sites.retain(|s| site_customers.get(s).is_none_or(|c| !whole.contains(c)));
        Ok(p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree() -> (CustomerPath, CustomerPath, CustomerPath) {
        let parent = CustomerPath::root(CustomerId::generate());
        let child = parent.child(CustomerId::generate()).unwrap();
        let other = CustomerPath::root(CustomerId::generate());
        (parent, child, other)
    }

    fn site(path: &CustomerPath) -> SiteRef<'_> {
        SiteRef { id: SiteId::generate(), customer_path: path, division_id: None }
    }

    #[test]
    fn a_customer_grant_covers_child_customers_sites() {
        let (parent, child, other) = tree();
        let scope = Scope::new(vec![Grant { customer_path: parent.clone(), coverage: Coverage::Customer }]);
        assert!(scope.covers(&site(&parent)));
        assert!(scope.covers(&site(&child)));
        assert!(!scope.covers(&site(&other)));
    }

    #[test]
    fn a_grant_on_the_child_does_not_cover_the_parent() {
        let (parent, child, _) = tree();
        let scope = Scope::new(vec![Grant { customer_path: child.clone(), coverage: Coverage::Customer }]);
        assert!(scope.covers(&site(&child)));
        assert!(!scope.covers(&site(&parent)));
    }

    #[test]
    fn a_site_grant_covers_only_that_site() {
        let (parent, _, _) = tree();
        let mine = site(&parent);
        let theirs = site(&parent);
        let scope = Scope::new(vec![Grant {
            customer_path: parent.clone(),
            coverage: Coverage::Sites { site_ids: [mine.id].into() },
        }]);
        assert!(scope.covers(&mine));
        assert!(!scope.covers(&theirs));
        assert!(!scope.covers_customer(&parent));
    }

    #[test]
    fn a_division_grant_covers_sites_in_that_division() {
        let (parent, _, _) = tree();
        let div = DivisionId::generate();
        let scope = Scope::new(vec![Grant {
            customer_path: parent.clone(),
            coverage: Coverage::Divisions { division_ids: [div].into() },
        }]);
        let inside = SiteRef { id: SiteId::generate(), customer_path: &parent, division_id: Some(div) };
        let outside =
            SiteRef { id: SiteId::generate(), customer_path: &parent, division_id: Some(DivisionId::generate()) };
        assert!(scope.covers(&inside));
        assert!(!scope.covers(&outside));
        assert!(!scope.covers(&site(&parent)));
    }

    #[test]
    fn grants_covered_by_an_ancestor_grant_are_dropped() {
        let (parent, child, other) = tree();
        let scope = Scope::new(vec![
            Grant { customer_path: child.clone(), coverage: Coverage::Sites { site_ids: [SiteId::generate()].into() } },
            Grant { customer_path: other.clone(), coverage: Coverage::Customer },
            Grant { customer_path: parent.clone(), coverage: Coverage::Customer },
            Grant { customer_path: child.clone(), coverage: Coverage::Customer },
        ]);
        let kept: Vec<_> = scope.grants().iter().map(|g| g.customer_id()).collect();
        assert_eq!(kept, vec![other.customer_id(), parent.customer_id()]);
    }
}
