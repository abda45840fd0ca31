//! `/admin/...`: tenant admins.

pub mod assets;
pub mod audit;
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
pub mod quotes;
pub mod reports;
pub mod settings;
pub mod sites;
pub mod staff;
pub mod webhooks;
pub mod work_requests;

use portico::domain::ids::IdError;
use portico::domain::text::ExternalRef;
use portico::store::keys::{Key, Stored};
use portico::store::Claim;
use portico::{App, Result};

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
