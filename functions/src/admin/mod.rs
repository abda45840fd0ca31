//! `/admin/...`: tenant admins.

pub mod assets;
pub mod audit;
pub mod batch;
pub mod contacts;
pub mod customers;
pub mod divisions;
pub mod documents;
pub mod events;
pub mod files;
pub mod groups;
pub mod integrations;
pub mod invoices;
pub mod jobs;
pub mod members;
pub mod messages;
pub mod payments;
pub mod quotes;
pub mod reports;
pub mod settings;
pub mod sites;
pub mod staff;
pub mod webhooks;
pub mod work_requests;

use portico::domain::ids::{CustomerId, IdError, SiteId, TenantId};
use portico::domain::text::ExternalRef;
use portico::store::keys::{Key, Stored};
use portico::store::Claim;
use portico::{App, Result};

/// A body of a record the back office publishes (a job, quote, invoice, asset), with the
/// customer and site it names (`customer_id`, `site_id`) by Portico id **or by the back
/// office's reference**: each reference is replaced by its record's id before the body is
/// read, so every rule after this one sees ids. A reference naming nothing is a 422
/// naming the field; what is neither an id nor a reference is left for the body's own
/// check (a 400 naming the field).
pub async fn with_parents_by_id(
    app: &App,
    tenant: TenantId,
    mut body: serde_json::Map<String, serde_json::Value>,
) -> Result<serde_json::Map<String, serde_json::Value>> {
    use serde_json::Value;
    if let Some(Value::String(raw)) = body.get("customer_id") {
        if let (Err(_), Ok(reference)) = (CustomerId::parse(raw), ExternalRef::parse(raw)) {
            let customer = customers::named(app, tenant, "customer_id", &reference).await?;
            body.insert("customer_id".into(), Value::String(customer.id.to_string()));
        }
    }
    if let Some(Value::String(raw)) = body.get("site_id") {
        if let (Err(_), Ok(reference)) = (SiteId::parse(raw), ExternalRef::parse(raw)) {
            let site: portico::domain::site::Site = named(
                app,
                "site_id",
                &reference,
                SiteId::parse,
                |id| portico::store::keys::site_key(tenant, id),
                |r| portico::store::keys::site_ref(tenant, r),
            )
            .await?;
            body.insert("site_id".into(), Value::String(site.id.to_string()));
        }
    }
    Ok(body)
}

/// A body read as `T` (a batch item's, or one [`with_parents_by_id`] completed), with the
/// request body's own errors (the field's path in a 400).
pub fn read_body<T: serde::de::DeserializeOwned>(value: &serde_json::Map<String, serde_json::Value>) -> Result<T> {
    let bytes = serde_json::to_vec(value).map_err(anyhow::Error::from)?;
    portico::http::request::parse_json(&bytes, usize::MAX)
}

/// A record the back office publishes under its own reference (a job, quote, invoice),
/// by Portico id (`parse` accepts it) or by the reference's claim.
pub async fn find_published<E: Stored, I>(
    app: &App,
    id_or_ref: &str,
    parse: fn(&str) -> std::result::Result<I, IdError>,
    key: impl Fn(I) -> Key,
    claim_key: impl Fn(&ExternalRef) -> Key,
) -> Result<Option<E>> {
    if let Ok(id) = parse(id_or_ref) {
        return app.store.get::<E>(key(id)).await;
    }
    let Ok(reference) = ExternalRef::parse(id_or_ref) else { return Ok(None) };
    let Some(claim) = app.store.get::<Claim>(claim_key(&reference)).await? else { return Ok(None) };
    let Ok(id) = parse(&claim.owner) else { return Ok(None) };
    app.store.get::<E>(key(id)).await
}

/// The record a reference claim names — an upsert's current state (`None`: the
/// reference is new). A claim without its record is an internal error.
pub async fn claimed<E: Stored, I>(
    app: &App,
    claim: Option<Claim>,
    parse: fn(&str) -> std::result::Result<I, IdError>,
    key: impl Fn(I) -> Key,
) -> Result<Option<E>> {
    let Some(claim) = claim else { return Ok(None) };
    let id = parse(&claim.owner).map_err(|e| anyhow::anyhow!("a reference claim names no {}: {e}", E::TYPE))?;
    let found = app.store.get::<E>(key(id)).await?;
    Ok(Some(found.ok_or_else(|| anyhow::anyhow!("the {} a reference claim names is missing", E::TYPE))?))
}

/// What an upsert's path names now (Portico's id or the back office's reference): the
/// record, if there is one, and its reference — the record's own, or the new one the path
/// gives. An id naming nothing is a 404 (a PUT by id never creates).
pub async fn current<E: Stored, I>(
    app: &App,
    field: &str,
    target: &str,
    parse: fn(&str) -> std::result::Result<I, IdError>,
    key: impl Fn(I) -> Key,
    claim_key: impl Fn(&ExternalRef) -> Key,
    reference_of: impl Fn(&E) -> Option<ExternalRef>,
) -> Result<(Option<E>, Option<ExternalRef>)> {
    match Target::parse(field, target, parse)? {
        Target::Id(id) => {
            let found = app.store.get::<E>(key(id)).await?.ok_or(portico::Error::NotFound)?;
            let reference = reference_of(&found);
            Ok((Some(found), reference))
        }
        Target::Ref(r) => {
            let claim = app.store.get::<Claim>(claim_key(&r)).await?;
            Ok((claimed(app, claim, parse, key).await?, Some(r)))
        }
    }
}

/// What a PUT by reference names in its path: Portico's id, or the back office's
/// reference (anything that does not parse as the kind's id).
pub enum Target<I> {
    Id(I),
    Ref(ExternalRef),
}

impl<I> Target<I> {
    /// `raw` as `field`'s id or reference: neither is a 400 naming the field.
    pub fn parse(field: &str, raw: &str, parse: fn(&str) -> std::result::Result<I, IdError>) -> Result<Self> {
        if let Ok(id) = parse(raw) {
            return Ok(Target::Id(id));
        }
        ExternalRef::parse(raw).map(Target::Ref).map_err(|e| portico::Error::invalid_field(field, e.to_string()))
    }
}

/// A reference sent on a creating POST: not one a GET would read as a Portico id.
pub fn new_reference<I>(sent: Option<&ExternalRef>, parse: fn(&str) -> std::result::Result<I, IdError>) -> Result<()> {
    match sent {
        Some(r) if parse(r.as_str()).is_ok() => {
            Err(portico::Error::invalid_field("external_ref", "must not have the shape of a Portico id"))
        }
        _ => Ok(()),
    }
}

/// The `external_ref` a PUT body echoed, against the record's (set at creation only).
pub fn check_reference(sent: Option<&ExternalRef>, stored: Option<&ExternalRef>) -> Result<()> {
    match (sent, stored) {
        (Some(_), None) => Err(portico::Error::invalid_field(
            "external_ref",
            "is set when the record is created (a PUT by a new reference, or the POST); this one has none",
        )),
        _ => portico::domain::representation::check_identity("external_ref", sent, stored),
    }
}

/// A record named by Portico id or reference in a body's `field`, which must exist
/// (422 naming the field otherwise).
pub async fn named<E: Stored, I>(
    app: &App,
    field: &str,
    id_or_ref: &ExternalRef,
    parse: fn(&str) -> std::result::Result<I, IdError>,
    key: impl Fn(I) -> Key,
    claim_key: impl Fn(&ExternalRef) -> Key,
) -> Result<E> {
    find_published(app, id_or_ref.as_str(), parse, key, claim_key).await?.ok_or_else(|| {
        portico::Error::unresolved_field(field, format!("no {} has the id or reference `{id_or_ref}`", E::TYPE))
    })
}

/// What an upsert did: the PUT's reply and a batch item's result are made from it.
#[derive(Debug)]
pub struct Upserted {
    pub created: bool,
    pub id: String,
    pub version: u64,
    pub view: serde_json::Value,
    /// Where the record is read (`Location` of a 201).
    pub location: String,
}

impl Upserted {
    pub fn new<V: serde::Serialize>(
        created: bool,
        id: impl std::fmt::Display,
        version: u64,
        view: &V,
        collection: &str,
    ) -> Result<Self> {
        let view = serde_json::to_value(view).map_err(anyhow::Error::from)?;
        Ok(Self { created, location: format!("/admin/{collection}/{id}"), id: id.to_string(), version, view })
    }

    pub fn status(&self) -> u16 {
        if self.created {
            201
        } else {
            200
        }
    }

    pub fn reply(self) -> Result<portico::http::Reply> {
        Ok(if self.created {
            portico::http::Reply::created(&self.view)?.etag(self.version).at(self.location)
        } else {
            portico::http::Reply::ok(&self.view)?.etag(self.version)
        })
    }
}
