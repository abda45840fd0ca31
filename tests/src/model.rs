//! The reference model of visibility: the product's rules (`docs/access-model.md`)
//! written again, independently of the domain crate, over plain string ids. The
//! property tests compare Portico's answers with it — through the API
//! (`tests/api/property.rs`) and at the domain level (`tests/visibility.rs`).

use std::collections::{BTreeMap, BTreeSet};

use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::Rng;
use serde_json::{json, Value};

/// The reference model's own copy of a grant.
#[derive(Debug, Clone)]
pub enum Grant {
    Customer(String),
    Divisions(String, BTreeSet<String>),
    Sites(String, BTreeSet<String>),
}

impl Grant {
    pub fn customer(&self) -> &str {
        match self {
            Grant::Customer(c) | Grant::Divisions(c, _) | Grant::Sites(c, _) => c,
        }
    }

    pub fn json(&self) -> Value {
        match self {
            Grant::Customer(c) => json!({"customer_id": c}),
            Grant::Divisions(c, d) => json!({"customer_id": c, "division_ids": d}),
            Grant::Sites(c, s) => json!({"customer_id": c, "site_ids": s}),
        }
    }
}

pub struct Site {
    pub id: String,
    pub customer: String,
    pub division: Option<String>,
}

/// A document: a customer's, at one of its sites or customer-wide.
#[derive(Debug, Clone)]
pub struct Doc {
    pub id: String,
    pub customer: String,
    pub site: Option<String>,
    pub visible: bool,
}

#[derive(Default)]
pub struct Model {
    /// Each customer's parent.
    pub parent: BTreeMap<String, Option<String>>,
    /// The customers in the order they were made (random choices follow it, so that a
    /// seed gives the same world whatever ids the run generated).
    pub order: Vec<String>,
    /// Each customer's divisions.
    pub divisions: BTreeMap<String, Vec<String>>,
    pub sites: Vec<Site>,
}

impl Model {
    /// `a` is `b` or one of `b`'s ancestors.
    pub fn covers_customer(&self, a: &str, b: &str) -> bool {
        let mut at = Some(b.to_owned());
        while let Some(c) = at {
            if c == a {
                return true;
            }
            at = self.parent.get(&c).cloned().flatten();
        }
        false
    }

    pub fn subtree(&self, root: &str) -> Vec<String> {
        self.order.iter().filter(|c| self.covers_customer(root, c)).cloned().collect()
    }

    /// Adds a customer under `parent`.
    pub fn add_customer(&mut self, id: &str, parent: Option<String>) {
        self.parent.insert(id.to_owned(), parent);
        self.order.push(id.to_owned());
    }

    /// What a group's grant gives a member of `customer`: the rule is that group grants
    /// count only inside the member's own customer tree. A grant inside it counts as it
    /// is; a grant on a whole ancestor customer counts for the member's own customer
    /// (its tree is part of the ancestor's); anything else — another customer's, or an
    /// ancestor's divisions or sites, which are the ancestor's own — counts for nothing.
    pub fn clip(&self, customer: &str, grant: &Grant) -> Option<Grant> {
        match grant {
            g if self.covers_customer(customer, g.customer()) => Some(g.clone()),
            Grant::Customer(c) if self.covers_customer(c, customer) => Some(Grant::Customer(customer.to_owned())),
            _ => None,
        }
    }

    pub fn sees(&self, grants: &[Grant], site: &Site) -> bool {
        grants.iter().any(|g| match g {
            Grant::Customer(c) => self.covers_customer(c, &site.customer),
            Grant::Divisions(c, ds) => *c == site.customer && site.division.as_ref().is_some_and(|d| ds.contains(d)),
            Grant::Sites(c, ss) => *c == site.customer && ss.contains(&site.id),
        })
    }

    /// The document rule: visible in the portal, not hidden from the member,
    /// and in their scope — at a site they see, or (customer-wide) their own customer's
    /// or a customer a grant covers as a whole.
    pub fn sees_document(&self, grants: &[Grant], member_customer: &str, hidden: &BTreeSet<String>, doc: &Doc) -> bool {
        if !doc.visible || hidden.contains(&doc.id) {
            return false;
        }
        match &doc.site {
            Some(site) => self.sites.iter().any(|s| s.id == *site && self.sees(grants, s)),
            None => {
                doc.customer == member_customer
                    || grants.iter().any(|g| matches!(g, Grant::Customer(c) if self.covers_customer(c, &doc.customer)))
            }
        }
    }

    /// A random grant on `customer`.
    pub fn grant(&self, rng: &mut StdRng, customer: &str) -> Grant {
        let own_sites: Vec<&Site> = self.sites.iter().filter(|s| s.customer == customer).collect();
        let divisions = self.divisions.get(customer).cloned().unwrap_or_default();
        match rng.gen_range(0..3) {
            1 if !divisions.is_empty() => {
                let n = rng.gen_range(1..=divisions.len());
                Grant::Divisions(customer.into(), divisions.choose_multiple(rng, n).cloned().collect())
            }
            2 if !own_sites.is_empty() => {
                let n = rng.gen_range(1..=own_sites.len());
                Grant::Sites(customer.into(), own_sites.choose_multiple(rng, n).map(|s| s.id.clone()).collect())
            }
            _ => Grant::Customer(customer.into()),
        }
    }
}
