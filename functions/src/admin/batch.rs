//! `POST /admin/batch`: the back office's load. One request carries up to
//! [`MAX_ITEMS`] upserts of any kind, each run in order through the same function as
//! its kind's `PUT` route and answered on its own — the status, record and problem that
//! PUT would have given. Each item is an idempotent upsert, so re-sending a batch that
//! half failed is safe: what was stored answers 200 and writes nothing.

use portico::domain::principal::{AdminPrincipal, ApiScope};
use portico::http::problem::Problem;
use portico::http::{guard, Reply, Req};
use portico::{App, Error, Result};
use serde::{Deserialize, Serialize};

use super::Upserted;

/// The most items one batch carries (the body's own limit, 64 KiB, also holds).
pub const MAX_ITEMS: usize = 100;

/// What a batch item upserts: the kinds with a `PUT` by the back office's reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Customer,
    Site,
    Division,
    Contact,
    Job,
    Quote,
    Invoice,
    Asset,
}

impl Kind {
    pub const ALL: [Kind; 8] =
        [Kind::Customer, Kind::Site, Kind::Division, Kind::Contact, Kind::Job, Kind::Quote, Kind::Invoice, Kind::Asset];

    /// The collection of its `PUT /admin/<collection>/{…}` route.
    pub fn collection(self) -> &'static str {
        match self {
            Kind::Customer => "customers",
            Kind::Site => "sites",
            Kind::Division => "divisions",
            Kind::Contact => "contacts",
            Kind::Job => "jobs",
            Kind::Quote => "quotes",
            Kind::Invoice => "invoices",
            Kind::Asset => "assets",
        }
    }

    /// The path parameter its `PUT` names (what a problem with the reference names).
    fn parameter(self) -> &'static str {
        match self {
            Kind::Customer => "customer_id",
            Kind::Site => "site_id",
            Kind::Division => "division_id",
            Kind::Contact => "contact_id",
            Kind::Job => "job_id",
            Kind::Quote => "quote_id",
            Kind::Invoice => "invoice_id",
            Kind::Asset => "asset_id",
        }
    }

    /// The scope an integration needs for the kind's own `PUT` route, from the route
    /// table: the batch grants nothing that route does not.
    pub fn scope(self) -> ApiScope {
        let path = format!("/admin/{}/{{{}}}", self.collection(), self.parameter());
        crate::ROUTES
            .iter()
            .find(|r| r.method == "PUT" && r.path == path)
            .map_or(ApiScope::NotForIntegrations, |r| r.scope)
    }
}

/// `POST /admin/batch`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Batch {
    /// In order: an item may name a record an earlier item creates. An item that is not
    /// one (an unknown field or kind, a body that is not an object) is the whole
    /// request's 400, naming it (`items[3].kind`): nothing of the batch runs.
    #[schema(min_items = 1, max_items = 100)]
    pub items: Vec<Item>,
}

/// One upsert: what the kind's `PUT /admin/<kind>s/{ref}` takes, in one object.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Item {
    pub kind: Kind,
    /// The path of the kind's `PUT`: the back office's reference (or, for customers,
    /// sites, divisions and contacts, Portico's id).
    #[serde(rename = "ref")]
    pub reference: String,
    /// The kind's `PUT` body.
    #[schema(value_type = Object)]
    pub body: serde_json::Map<String, serde_json::Value>,
    /// The kind's `If-Match`: an ETag such as `"3"`.
    #[serde(default)]
    pub if_match: Option<String>,
}

/// One item's answer.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ItemResult {
    /// The item's place in the batch, from 0.
    pub index: usize,
    pub kind: Kind,
    #[serde(rename = "ref")]
    pub reference: String,
    /// What the kind's `PUT` would have answered: 201 created, 200 replaced or
    /// unchanged, else the problem's status.
    pub status: u16,
    pub id: Option<String>,
    pub version: Option<u64>,
    /// The problem the `PUT` would have answered (problem+json), if it failed.
    pub problem: Option<Problem>,
}

/// `POST /admin/batch`'s answer: one result per item, in the items' order.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct BatchResult {
    pub results: Vec<ItemResult>,
}

#[utoipa::path(post, path = "/admin/batch", request_body(content = Batch, example = json!({"items": [
        {"kind": "customer", "ref": "HRG", "body": {"name": "Harbor Retail Group"}},
        {"kind": "site", "ref": "HRG-HQ", "body": {"customer_id": "HRG", "name": "Harbor Head Office", "address": "1 Kade, Leiden"}},
        {"kind": "job", "ref": "WO-2001", "body": {"customer_id": "cus_01JD8Z6V5Q2W3E4R5T6Y7A8B9D", "site_id": "site_01JD8Z6V5Q2W3E4R5T6Y7A8B9F", "category": "repair", "status": "scheduled"}}]})),
    params(("Idempotency-Key" = Option<String>, Header, description = "a retry with the same key returns the first response")),
    responses((status = 200, body = BatchResult, description = "each item answered on its own, in order"), (status = 400, body = Problem),
        (status = 422, body = Problem, description = "more than 100 items")))]
pub async fn load(app: &App, req: Req) -> Result<Reply> {
    let admin = guard::admin(app, &req).await?;
    let batch: Batch = req.body()?;
    if batch.items.is_empty() {
        return Err(Error::invalid_field("items", "a batch carries at least one item"));
    }
    if batch.items.len() > MAX_ITEMS {
        return Err(Error::unprocessable(format!("a batch carries at most {MAX_ITEMS} items")));
    }
    let mut results = Vec::with_capacity(batch.items.len());
    for (index, item) in batch.items.into_iter().enumerate() {
        results.push(Box::pin(run(app, &admin, index, item)).await);
    }
    Reply::ok(&BatchResult { results })
}

/// Runs one item: its scope, then its kind's upsert.
async fn run(app: &App, admin: &AdminPrincipal, index: usize, item: Item) -> ItemResult {
    let (kind, reference) = (item.kind, item.reference.clone());
    let sent_if_match = item.if_match.is_some();
    match upsert(app, admin, item).await {
        Ok(done) => ItemResult {
            index,
            kind,
            reference,
            status: done.status(),
            id: Some(done.id),
            version: Some(done.version),
            problem: None,
        },
        Err(e) => {
            let e = e.for_request(sent_if_match);
            if let Error::Internal(cause) = &e {
                tracing::error!(error = ?cause, index, "batch item failed");
            }
            ItemResult {
                index,
                kind,
                reference,
                status: e.status(),
                id: None,
                version: None,
                problem: Some(Problem::of(&e)),
            }
        }
    }
}

async fn upsert(app: &App, admin: &AdminPrincipal, item: Item) -> Result<Upserted> {
    let kind = item.kind;
    admin.may(kind.scope())?;
    let if_match = item
        .if_match
        .as_deref()
        .map(|v| {
            portico::http::request::etag_version(v)
                .ok_or_else(|| Error::invalid_field("if_match", "must be an ETag such as \"3\""))
        })
        .transpose()?;
    let target = item.reference.as_str();
    let outcome = match kind {
        Kind::Customer => Box::pin(super::customers::upsert(app, admin, target, body(&item.body)?, if_match)).await,
        Kind::Site => Box::pin(super::sites::upsert(app, admin, target, body(&item.body)?, if_match)).await,
        Kind::Division => Box::pin(super::divisions::upsert(app, admin, target, body(&item.body)?, if_match)).await,
        Kind::Contact => Box::pin(super::contacts::upsert(app, admin, target, body(&item.body)?, if_match)).await,
        Kind::Job => {
            Box::pin(super::jobs::publish(app, admin, target, published(app, admin, &item).await?, if_match)).await
        }
        Kind::Quote => {
            Box::pin(super::quotes::publish(app, admin, target, published(app, admin, &item).await?, if_match)).await
        }
        Kind::Invoice => {
            Box::pin(super::invoices::publish(app, admin, target, published(app, admin, &item).await?, if_match)).await
        }
        Kind::Asset => {
            Box::pin(super::assets::publish(app, admin, target, published(app, admin, &item).await?, if_match)).await
        }
    };
    // The PUT names its path parameter; an item calls it `ref`.
    outcome.map_err(|e| e.renamed_field(kind.parameter(), "ref"))
}

/// An item's `body` as its kind's PUT body: the same problems, fields named as there.
fn body<T: serde::de::DeserializeOwned>(value: &serde_json::Map<String, serde_json::Value>) -> Result<T> {
    super::read_body(value)
}

/// A published record's body, its customer and site named by id or reference.
async fn published<T: serde::de::DeserializeOwned>(app: &App, admin: &AdminPrincipal, item: &Item) -> Result<T> {
    super::read_body(&Box::pin(super::with_parents_by_id(app, admin.tenant, item.body.clone())).await?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use portico::http::request::parse_json;

    #[test]
    fn each_kind_needs_the_scope_of_its_own_put_route() {
        for kind in Kind::ALL {
            let path = format!("/admin/{}/{{{}}}", kind.collection(), kind.parameter());
            let route = crate::ROUTES.iter().find(|r| r.method == "PUT" && r.path == path);
            let route = route.unwrap_or_else(|| panic!("{kind:?} has a PUT route"));
            assert_eq!(kind.scope(), route.scope, "{kind:?}");
            assert_ne!(kind.scope(), ApiScope::NotForIntegrations, "{kind:?}");
        }
        assert_eq!(Kind::Customer.scope(), ApiScope::AccessWrite);
        assert_eq!(Kind::Site.scope(), ApiScope::AccessWrite);
        assert_eq!(Kind::Job.scope(), ApiScope::WorkWrite);
        assert_eq!(Kind::Quote.scope(), ApiScope::RecordsWrite);
        assert_eq!(Kind::Asset.scope(), ApiScope::RecordsWrite);
    }

    #[test]
    fn an_item_envelope_is_the_batchs_own_schema() {
        let parse = |v: serde_json::Value| parse_json::<Batch>(v.to_string().as_bytes(), usize::MAX);
        let ok = serde_json::json!({"items": [{"kind": "site", "ref": "S-1", "body": {}, "if_match": "\"2\""}]});
        assert_eq!(parse(ok).unwrap().items[0].kind, Kind::Site);
        for (bad, field) in [
            (serde_json::json!({"kind": "site", "ref": "S-1", "body": {}, "extra": 1}), "items[0]"),
            (serde_json::json!({"kind": "planet", "ref": "S-1", "body": {}}), "items[0].kind"),
            (serde_json::json!({"kind": "site", "ref": "S-1", "body": [1]}), "items[0].body"),
        ] {
            match parse(serde_json::json!({ "items": [bad] })) {
                Err(Error::BadRequest { errors, .. }) => assert!(errors[0].field.starts_with(field), "{errors:?}"),
                other => panic!("{other:?}"),
            }
        }
    }
}
