//! The scope rule, at scale: random tenants built from the domain's own types — customer
//! trees, divisions, sites, access groups, members with their own grants and groups —
//! and for every (member, site) and (member, job) pair, what the domain decides equals
//! the reference model (`tests/src/model.rs`):
//!
//! - a site: `Rights::of(member, groups).scope.covers(site)` (detail routes, work-request
//!   sites, `/portal/sites`);
//! - a job filed under its customer and site: `Partitions::of(scope, tree).hold(…)` — the
//!   partitions a member's lists read, worked out against an in-memory hierarchy the way
//!   the store works them out against DynamoDB.
//!
//! - a document (at a site or customer-wide, visible or not, hidden from the member or
//!   not): `Document::visible_to` (detail and download) and `Document::listed_for` (the
//!   list's partitions) against the model's document rule.
//!
//! No stack is needed: at least 10,000 cases run in well under a second.
//! `PORTICO_VISIBILITY_SEED` / `PORTICO_VISIBILITY_WORLDS` vary the worlds; the API-level
//! sample is `tests/api/property.rs`.

use std::collections::BTreeMap;

use std::collections::BTreeSet;

use portico::domain::customer::{Customer, NewCustomer};
use portico::domain::document::{Document, NewDocument, Reader};
use portico::domain::file::FileRef;
use portico::domain::group::{AccessGroup, NewGroup, Rights};
use portico::domain::ids::{CustomerId, DivisionId, SiteId};
use portico::domain::ids::{DocumentId, FileId};
use portico::domain::member::{Member, NewMember};
use portico::domain::scope::{Coverage, Grant as DomainGrant, Hierarchy, Partitions, Scope};
use portico::domain::site::{NewSite, Site};
use portico::domain::text::FileName;
use portico::Error;
use portico_tests::model::{Doc, Grant, Model, Site as ModelSite};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};
use serde_json::json;

/// The least number of (member, object) cases one run checks.
const MIN_CASES: usize = 10_000;

struct World {
    model: Model,
    customers: BTreeMap<String, Customer>,
    sites: Vec<Site>,
    /// Each document with the model's copy.
    documents: Vec<(Document, Doc)>,
}

impl Hierarchy for World {
    async fn children(&self, of: CustomerId) -> Result<Vec<CustomerId>, Error> {
        Ok(self.customers.values().filter(|c| c.parent_id == Some(of)).map(|c| c.id).collect())
    }

    async fn sites_in(&self, division: DivisionId) -> Result<Vec<Site>, Error> {
        Ok(self.sites.iter().filter(|s| s.division_id == Some(division)).cloned().collect())
    }
}

impl World {
    /// A random tenant: up to three root customers, children to depth four, divisions and
    /// sites (some in divisions).
    fn random(rng: &mut StdRng) -> Self {
        let mut world =
            World { model: Model::default(), customers: BTreeMap::new(), sites: Vec::new(), documents: Vec::new() };
        let mut frontier: Vec<Option<String>> = (0..rng.gen_range(1..=3)).map(|_| None).collect();
        for depth in 0..4 {
            let mut next = Vec::new();
            for parent in frontier {
                let parent_customer = parent.as_ref().map(|p| world.customers[p].clone());
                let input: NewCustomer =
                    serde_json::from_value(json!({"name": "C", "parent_id": parent})).expect("customer input");
                let customer = Customer::create(input, parent_customer.as_ref(), &[]).expect("a customer");
                let id = customer.id.to_string();
                world.model.add_customer(&id, parent);
                world.customers.insert(id.clone(), customer);
                let children = if depth < 3 { rng.gen_range(0..=2) } else { 0 };
                next.extend((0..children).map(|_| Some(id.clone())));
            }
            frontier = next;
        }
        let ids: Vec<String> = world.model.order.clone();
        for c in &ids {
            let divisions: Vec<String> =
                (0..rng.gen_range(0..=2)).map(|_| DivisionId::generate().to_string()).collect();
            world.model.divisions.insert(c.clone(), divisions.clone());
            for _ in 0..rng.gen_range(1..=3) {
                let division = divisions.choose(rng).cloned().filter(|_| rng.gen_bool(0.6));
                let input: NewSite =
                    serde_json::from_value(json!({"name": "S", "address": "A", "division_id": division}))
                        .expect("site input");
                let site = Site::create(&world.customers[c], input);
                world.model.sites.push(ModelSite { id: site.id.to_string(), customer: c.clone(), division });
                world.sites.push(site);
            }
        }
        // A document per site and a customer-wide one per customer, a third not visible.
        let places: Vec<(String, Option<String>)> = ids
            .iter()
            .map(|c| (c.clone(), None))
            .chain(world.model.sites.iter().map(|s| (s.customer.clone(), Some(s.id.clone()))))
            .collect();
        for (customer, site) in places {
            let visible = rng.gen_bool(0.67);
            let input: NewDocument = serde_json::from_value(json!({"customer_id": customer, "site_id": site,
                "file_id": FileId::generate(), "title": "D", "visible_in_portal": visible}))
            .expect("document input");
            let file = FileRef {
                file_id: input.file_id,
                name: FileName::parse("d.pdf").expect("a file name"),
                content_type: "application/pdf".into(),
                size: 1,
            };
            let document = Document::create(input, world.customers[&customer].path.clone(), file);
            let doc = Doc { id: document.id.to_string(), customer, site, visible };
            world.documents.push((document, doc));
        }
        world
    }

    /// The domain's form of a model grant, as resolving it against the hierarchy gives.
    fn domain_grant(&self, grant: &Grant) -> DomainGrant {
        let customer_path = self.customers[grant.customer()].path.clone();
        let coverage = match grant {
            Grant::Customer(_) => Coverage::Customer,
            Grant::Divisions(_, ds) => Coverage::Divisions {
                division_ids: ds.iter().map(|d| DivisionId::parse(d).expect("division id")).collect(),
            },
            Grant::Sites(_, ss) => {
                Coverage::Sites { site_ids: ss.iter().map(|s| SiteId::parse(s).expect("site id")).collect() }
            }
        };
        DomainGrant { customer_path, coverage }
    }

    fn scope(&self, grants: &[Grant]) -> Scope {
        Scope::new(grants.iter().map(|g| self.domain_grant(g)).collect())
    }
}

#[tokio::test]
async fn what_the_domain_lets_members_see_equals_the_reference_model() {
    let seed: u64 = std::env::var("PORTICO_VISIBILITY_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(2026);
    let worlds: u64 = std::env::var("PORTICO_VISIBILITY_WORLDS").ok().and_then(|s| s.parse().ok()).unwrap_or(200);
    let (mut site_cases, mut job_cases, mut document_cases) = (0usize, 0usize, 0usize);
    for n in 0..worlds {
        let mut rng = StdRng::seed_from_u64(seed.wrapping_add(n));
        let world = World::random(&mut rng);
        let customers: Vec<String> = world.model.order.clone();

        // Access groups granting anywhere in the tenant.
        let mut groups: Vec<(AccessGroup, Vec<Grant>)> = Vec::new();
        for _ in 0..rng.gen_range(0..=3) {
            let grants: Vec<Grant> = (0..rng.gen_range(0..=3))
                .map(|_| {
                    let on = customers.choose(&mut rng).expect("a customer").clone();
                    world.model.grant(&mut rng, &on)
                })
                .collect();
            let input: NewGroup = serde_json::from_value(json!({"name": "G"})).expect("group input");
            groups.push((AccessGroup::create(input, world.scope(&grants)), grants));
        }

        for _ in 0..8 {
            let customer = customers.choose(&mut rng).expect("a customer").clone();
            let tree = world.model.subtree(&customer);
            // Own grants inside the member's tree, or (none given) the whole customer.
            let own: Vec<Grant> = if rng.gen_bool(0.75) {
                (0..rng.gen_range(1..=3))
                    .map(|_| {
                        let on = tree.choose(&mut rng).expect("the member's tree").clone();
                        world.model.grant(&mut rng, &on)
                    })
                    .collect()
            } else {
                vec![Grant::Customer(customer.clone())]
            };
            let theirs: Vec<&(AccessGroup, Vec<Grant>)> = groups.iter().filter(|_| rng.gen_bool(0.5)).collect();
            let input: NewMember = serde_json::from_value(json!({
                "customer_id": customer, "first_name": "M", "last_name": "N", "email": "m@example.com", "admin": false,
                "group_ids": theirs.iter().map(|(g, _)| g.id.to_string()).collect::<Vec<_>>(),
            }))
            .expect("member input");
            let member = Member::create(input, world.customers[&customer].path.clone(), world.scope(&own), false);

            // The domain's answer, as a request computes it: the member's groups as stored.
            let member_groups: Vec<AccessGroup> = theirs.iter().map(|(g, _)| g.clone()).collect();
            let rights = Rights::of(&member, &member_groups);
            let partitions = Partitions::of(&rights.scope, &world).await.expect("partitions");

            // The model's: own grants, plus group grants clipped to the member's tree.
            let mut effective = own.clone();
            for (_, grants) in &theirs {
                effective.extend(grants.iter().filter_map(|g| world.model.clip(&customer, g)));
            }
            for (site, model_site) in world.sites.iter().zip(&world.model.sites) {
                let expected = world.model.sees(&effective, model_site);
                assert_eq!(
                    rights.scope.covers(&site.as_ref()),
                    expected,
                    "world {n} (seed {}), member of {customer}, site {} of {}: grants {effective:?}",
                    seed.wrapping_add(n),
                    model_site.id,
                    model_site.customer
                );
                site_cases += 1;
                // A job filed at this site: in the member's lists exactly when visible.
                assert_eq!(
                    partitions.hold(site.customer_id, site.id),
                    expected,
                    "world {n} (seed {}), member of {customer}, a job at site {} of {}: partitions {partitions:?}, grants {effective:?}",
                    seed.wrapping_add(n),
                    model_site.id,
                    model_site.customer
                );
                job_cases += 1;
            }

            // Documents, with a random few hidden from this member.
            let hidden: BTreeSet<DocumentId> =
                world.documents.iter().filter(|_| rng.gen_bool(0.2)).map(|(d, _)| d.id).collect();
            let hidden_ids: BTreeSet<String> = hidden.iter().map(|d| d.to_string()).collect();
            let reader = Reader { customer_id: member.customer_id, scope: &rights.scope, hidden: &hidden };
            for (document, doc) in &world.documents {
                let expected = world.model.sees_document(&effective, &customer, &hidden_ids, doc);
                let division = document.site_id.and_then(|s| world.sites.iter().find(|x| x.id == s)?.division_id);
                let at = format!(
                    "world {n} (seed {}), member of {customer}, document {doc:?}: grants {effective:?}",
                    seed.wrapping_add(n)
                );
                assert_eq!(document.visible_to(&reader, division), expected, "detail: {at}");
                assert_eq!(document.listed_for(&reader, &partitions), expected, "list: {at}");
                document_cases += 1;
            }
        }
    }
    let cases = site_cases + job_cases + document_cases;
    println!(
        "visibility (domain): {cases} (member, object) cases — {site_cases} sites, {job_cases} jobs, {document_cases} documents — over {worlds} random worlds (seed {seed})"
    );
    assert!(cases >= MIN_CASES || worlds < 200, "only {cases} cases: the worlds have become too small");
}
