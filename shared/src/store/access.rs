//! Reads that decide who sees what: a member with their tenant's settings, scope
//! resolution against the hierarchy, and the sites a scope covers.

use std::collections::{BTreeMap, BTreeSet};

use super::cursor::Position;
use super::keys::{self, Key, Stored};
use super::{decode, Item, Page, Paging, Store};
use crate::domain::customer::Customer;
use crate::domain::division::Division;
use crate::domain::group::{AccessGroup, MAX_GROUPS_PER_MEMBER};
use crate::domain::ids::{GroupId, SiteId, TenantId};
use crate::domain::scope::{Coverage, Grant, Hierarchy, Scope, ScopeInput, MAX_GRANTS, MAX_IDS_PER_GRANT};
use crate::domain::settings::Settings;
use crate::domain::site::Site;
use crate::error::{Error, FieldError, Result};

/// Every tenant has settings from its creation on, so a verified principal whose tenant
/// has none belongs to a tenant that was removed: refused, like a disabled login.
fn no_settings() -> Error {
    tracing::warn!("the caller's tenant has no settings");
    Error::forbidden("this portal does not exist (any more)")
}

/// Items of one BatchGetItem, sorted by type.
#[derive(Default)]
pub struct Batch {
    items: Vec<Item>,
}

impl Batch {
    /// Takes the items of type `E`.
    pub fn all<E: Stored>(&self) -> Result<Vec<E>> {
        self.items
            .iter()
            .filter(|i| i.get(keys::TYPE).and_then(|v| v.as_s().ok()).map(String::as_str) == Some(E::TYPE))
            .map(|i| decode(i.clone()))
            .collect()
    }

    /// The tenant's settings, which every tenant has from its creation on.
    pub fn settings(&self) -> Result<Settings> {
        self.one::<Settings>()?.ok_or_else(no_settings)
    }

    /// The one item of type `E`, if present.
    pub fn one<E: Stored>(&self) -> Result<Option<E>> {
        Ok(self.all::<E>()?.into_iter().next())
    }
}

impl Store {
    /// BatchGetItem, sorted by type.
    pub async fn batch(&self, keys: &[Key]) -> Result<Batch> {
        Ok(Batch { items: self.get_many(keys).await? })
    }

    /// Checks that every group a member is put in exists (and that there are not too
    /// many); returns them.
    pub async fn groups(&self, tenant: TenantId, ids: &BTreeSet<GroupId>) -> Result<Vec<AccessGroup>> {
        if ids.len() > MAX_GROUPS_PER_MEMBER {
            return Err(Error::invalid_field("group_ids", format!("at most {MAX_GROUPS_PER_MEMBER} groups")));
        }
        self.existing_groups(tenant, ids, "group_ids").await
    }

    /// Checks that every group of `ids` exists (a 400 on `field` names the first that
    /// does not); returns them.
    pub async fn existing_groups(
        &self,
        tenant: TenantId,
        ids: &BTreeSet<GroupId>,
        field: &str,
    ) -> Result<Vec<AccessGroup>> {
        let keys: Vec<Key> = ids.iter().map(|g| keys::group_key(tenant, *g)).collect();
        let found = if keys.is_empty() { Vec::new() } else { self.batch(&keys).await?.all::<AccessGroup>()? };
        if let Some(missing) = ids.iter().find(|id| !found.iter().any(|g| g.id == **id)) {
            return Err(Error::invalid_field(field, format!("group `{missing}` does not exist")));
        }
        Ok(found)
    }

    /// Settings of a tenant; every tenant has them from creation.
    pub async fn settings(&self, tenant: TenantId) -> Result<Settings> {
        self.get::<Settings>(keys::settings_key(tenant)).await?.ok_or_else(no_settings)
    }

    /// Resolves a scope written in the API against the hierarchy. With an `owner` (a
    /// member's customer) every grant must lie within it or its descendants, and no input
    /// means the whole of it; without one (an access group) any customer of the tenant
    /// may be granted, and no input means nothing. Every division and site id must
    /// belong to its grant's customer.
    pub async fn resolve_scope(
        &self,
        tenant: TenantId,
        owner: Option<&Customer>,
        input: Option<ScopeInput>,
    ) -> Result<Scope> {
        let Some(input) = input else {
            return Ok(match owner {
                Some(owner) => {
                    Scope::new(vec![Grant { customer_path: owner.path.clone(), coverage: Coverage::Customer }])
                }
                None => Scope::default(),
            });
        };
        let invalid = |message: String| Error::BadRequest {
            detail: "the request has invalid fields".into(),
            errors: vec![FieldError::new("scope", message)],
        };
        if input.grants.len() > MAX_GRANTS {
            return Err(invalid(format!("at most {MAX_GRANTS} grants")));
        }
        let mut wanted: Vec<Key> = Vec::new();
        for g in &input.grants {
            if g.division_ids.is_some() && g.site_ids.is_some() {
                return Err(invalid("a grant names either division_ids or site_ids, not both".into()));
            }
            let divisions = g.division_ids.as_deref().unwrap_or_default();
            if g.division_ids.is_some() && divisions.is_empty() {
                return Err(invalid("division_ids must not be empty".into()));
            }
            if divisions.len() > MAX_IDS_PER_GRANT {
                return Err(invalid(format!("at most {MAX_IDS_PER_GRANT} divisions per grant")));
            }
            wanted.extend(divisions.iter().map(|d| keys::division_key(tenant, *d)));
            let sites = g.site_ids.as_deref().unwrap_or_default();
            if g.site_ids.is_some() && sites.is_empty() {
                return Err(invalid("site_ids must not be empty".into()));
            }
            if sites.len() > MAX_IDS_PER_GRANT {
                return Err(invalid(format!("at most {MAX_IDS_PER_GRANT} sites per grant")));
            }
            wanted.push(keys::customer_key(tenant, g.customer_id));
            wanted.extend(sites.iter().map(|s| keys::site_key(tenant, *s)));
        }
        wanted.sort_by(|a, b| a.sk.cmp(&b.sk));
        wanted.dedup();
        let found = self.batch(&wanted).await?;
        let customers: BTreeMap<_, _> = found.all::<Customer>()?.into_iter().map(|c| (c.id, c)).collect();
        let sites: BTreeMap<_, _> = found.all::<Site>()?.into_iter().map(|s| (s.id, s)).collect();
        let divisions: BTreeMap<_, _> = found.all::<Division>()?.into_iter().map(|d| (d.id, d)).collect();

        let mut grants = Vec::with_capacity(input.grants.len());
        for g in input.grants {
            let customer = customers
                .get(&g.customer_id)
                .filter(|c| owner.is_none_or(|o| o.path.is_ancestor_or_self_of(&c.path)))
                .ok_or_else(|| match owner {
                    Some(o) => {
                        invalid(format!("customer `{}` is not {} or one of its child customers", g.customer_id, o.id))
                    }
                    None => invalid(format!("customer `{}` does not exist", g.customer_id)),
                })?;
            let coverage = match (g.division_ids, g.site_ids) {
                (None, None) => Coverage::Customer,
                (Some(ids), _) => {
                    for id in &ids {
                        if divisions.get(id).is_none_or(|d| d.customer_id != customer.id) {
                            return Err(invalid(format!(
                                "division `{id}` is not a division of customer `{}`",
                                customer.id
                            )));
                        }
                    }
                    Coverage::Divisions { division_ids: ids.into_iter().collect() }
                }
                (None, Some(ids)) => {
                    for id in &ids {
                        if sites.get(id).is_none_or(|s| s.customer_id != customer.id) {
                            return Err(invalid(format!("site `{id}` is not a site of customer `{}`", customer.id)));
                        }
                    }
                    Coverage::Sites { site_ids: ids.into_iter().collect() }
                }
            };
            grants.push(Grant { customer_path: customer.path.clone(), coverage });
        }
        Ok(Scope::new(grants))
    }

    /// The sites a scope covers, a page at a time. Each customer grant is one `Query`
    /// on the site tree and each division one `Query` on GSI2 (whatever the size of the
    /// rest of the tenant); each site grant is one `BatchGetItem`. The cursor remembers
    /// which of those parts the page ended in.
    pub async fn visible_sites(
        &self,
        tenant: TenantId,
        scope: &Scope,
        list: &str,
        paging: &Paging,
    ) -> Result<Page<Site>> {
        enum Part<'a> {
            Query(keys::QueryKey),
            Sites(&'a std::collections::BTreeSet<SiteId>),
        }
        // Each part with the grant it comes from: grants may overlap (a member's own and
        // their groups'), and a site is listed by the first grant that covers it only.
        let grants = scope.grants();
        let parts: Vec<(usize, Part<'_>)> = grants
            .iter()
            .enumerate()
            .flat_map(|(i, g)| match &g.coverage {
                Coverage::Customer => vec![(i, Part::Query(keys::sites_under(tenant, &g.customer_path)))],
                Coverage::Divisions { division_ids } => {
                    division_ids.iter().map(|d| (i, Part::Query(keys::sites_in_division(tenant, *d)))).collect()
                }
                Coverage::Sites { site_ids } => vec![(i, Part::Sites(site_ids))],
            })
            .collect();
        let first_covering = |grant: usize, site: &Site| !grants[..grant].iter().any(|g| g.covers(&site.as_ref()));
        let list_id = format!("visible-sites|{tenant}|{list}");
        let mut at = match &paging.cursor {
            Some(c) => self.cursors().decode(&list_id, c)?,
            None => Position::default(),
        };
        let mut items: Vec<Site> = Vec::new();
        let limit = paging.limit as usize;
        while (at.part as usize) < parts.len() && items.len() < limit {
            let want = (limit - items.len()) as i32;
            let (grant, part) = &parts[at.part as usize];
            let next = match part {
                Part::Query(q) => {
                    let (found, next) = self.query::<Site>(q, want, &at.key).await?;
                    items.extend(found.into_iter().filter(|s| first_covering(*grant, s)));
                    next
                }
                Part::Sites(site_ids) => {
                    let after = at.key.get("after").and_then(|s| SiteId::parse(s).ok());
                    let rest: Vec<SiteId> =
                        site_ids.iter().copied().filter(|id| after.is_none_or(|a| *id > a)).collect();
                    let page: Vec<SiteId> = rest.iter().copied().take(want as usize).collect();
                    let keys: Vec<Key> = page.iter().map(|id| keys::site_key(tenant, *id)).collect();
                    let mut found = self.batch(&keys).await?.all::<Site>()?;
                    found.sort_by_key(|s| s.id);
                    items.extend(found.into_iter().filter(|s| first_covering(*grant, s)));
                    match (rest.len() > page.len(), page.last()) {
                        (true, Some(last)) => Some(BTreeMap::from([("after".to_owned(), last.to_string())])),
                        _ => None,
                    }
                }
            };
            match next {
                Some(key) => at.key = key,
                None => {
                    at.part += 1;
                    at.key.clear();
                }
            }
        }
        // Defence in depth: whatever the keys returned, only covered sites leave here.
        items.retain(|s| scope.covers(&s.as_ref()));
        let next_cursor = ((at.part as usize) < parts.len()).then(|| self.cursors().encode(&list_id, &at));
        Ok(Page { items, next_cursor })
    }
}

pub use crate::domain::scope::Partitions;

/// The queries that read `parts`: `customer` and `site` name a kind's partition (say
/// `keys::jobs_of_customer`), `from`/`to` bound the sort keys' times.
pub fn sources(
    parts: &Partitions,
    customer: impl Fn(crate::domain::ids::CustomerId) -> keys::QueryKey,
    site: impl Fn(SiteId) -> keys::QueryKey,
    from: Option<String>,
    to: Option<String>,
) -> Vec<super::listing::Source> {
    let customers = parts.customers.iter().map(|c| customer(*c));
    let sites = parts.sites.iter().map(|s| site(*s));
    customers.chain(sites).map(|q| super::listing::Source::between(q, from.clone(), to.clone())).collect()
}

/// At most this many items are read from one partition while resolving a scope (a
/// customer's children, a division's sites).
const MAX_RESOLVED: usize = 5_000;

impl Store {
    /// Every item of a query, page after page (bounded by [`MAX_RESOLVED`]).
    pub async fn query_all<E: Stored>(&self, q: keys::QueryKey) -> Result<Vec<E>> {
        let mut all = Vec::new();
        let mut start = super::StartKey::new();
        loop {
            let (found, next) = self.query::<E>(&q, 500, &start).await?;
            all.extend(found);
            match next {
                Some(next) if all.len() < MAX_RESOLVED => start = next,
                _ => return Ok(all),
            }
        }
    }

    /// The partitions a scope covers (see [`Partitions::of`]): one query per customer of
    /// a covered customer tree, one per covered division — never a read of the jobs or
    /// requests themselves.
    pub async fn partitions(&self, tenant: TenantId, scope: &Scope) -> Result<Partitions> {
        Partitions::of(scope, &Tree { store: self, tenant }).await
    }
}

/// A tenant's customer tree and divisions, as [`Partitions::of`] reads them.
struct Tree<'a> {
    store: &'a Store,
    tenant: TenantId,
}

impl Hierarchy for Tree<'_> {
    async fn children(&self, of: crate::domain::ids::CustomerId) -> Result<Vec<crate::domain::ids::CustomerId>> {
        Ok(self
            .store
            .query_all::<Customer>(keys::children_of(self.tenant, of))
            .await?
            .into_iter()
            .map(|c| c.id)
            .collect())
    }

    async fn sites_in(&self, division: crate::domain::ids::DivisionId) -> Result<Vec<Site>> {
        self.store.query_all::<Site>(keys::sites_in_division(self.tenant, division)).await
    }
}
