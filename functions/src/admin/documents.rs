//! `/admin/documents`: files the tenant links to a customer (optionally a site) and shows
//! in the portal when `visible_in_portal` (the rule is in `portico::domain::document`).

use portico::domain::customer::Customer;
use portico::domain::document::{Document, DocumentPatch, DocumentView, NewDocument};
use portico::domain::ids::{CustomerId, DocumentId, SiteId, TenantId};
use portico::domain::site::Site;
use portico::http::{guard, Reply, Req};
use portico::store::listing::{Conditions, Source};
use portico::store::{keys, Tx};
use portico::{App, Error, Result};

use crate::schema::Problem;

async fn load(app: &App, req: &Req, tenant: TenantId) -> Result<Document> {
    let id = req.path_id("document_id", DocumentId::parse)?;
    app.store.get::<Document>(keys::document_key(tenant, id)).await?.ok_or(Error::NotFound)
}

/// The site must be one of the document's customer's own sites.
fn check_site(site: Option<Site>, id: SiteId, customer: CustomerId) -> Result<()> {
    match site {
        Some(site) if site.customer_id == customer => Ok(()),
        _ => Err(Error::invalid_field("site_id", format!("site `{id}` is not a site of customer `{customer}`"))),
    }
}

#[utoipa::path(post, path = "/admin/documents", request_body(content = NewDocument, example = json!({"customer_id": "cus_01JD8Z6V5Q2W3E4R5T6Y7A8B9D", "site_id": "site_01JD8Z6V5Q2W3E4R5T6Y7A8B9F", "file_id": "file_01JD8Z6V5Q2W3E4R5T6Y7A8B9W", "title": "Gas safety certificate 2026", "visible_in_portal": true})),
    params(("Idempotency-Key" = Option<String>, Header)),
    responses((status = 201, body = DocumentView), (status = 400, body = Problem)))]
pub async fn create(app: &App, req: Req) -> Result<Reply> {
    let admin = guard::admin(app, &req).await?;
    let input: NewDocument = req.body()?;
    let tenant = admin.tenant;
    let mut wanted = vec![keys::customer_key(tenant, input.customer_id)];
    wanted.extend(input.site_id.map(|s| keys::site_key(tenant, s)));
    let found = app.store.batch(&wanted).await?;
    let customer = found.one::<Customer>()?.ok_or_else(|| {
        Error::invalid_field("customer_id", format!("customer `{}` does not exist", input.customer_id))
    })?;
    if let Some(site) = input.site_id {
        check_site(found.one::<Site>()?, site, customer.id)?;
    }
    let mut tx = Tx::new(tenant, admin.actor());
    let file = crate::files::tenant_file(app, tenant, input.file_id, None, &mut tx).await?;
    let document = Document::create(input, customer.path.clone(), file);
    tx.create(&document, "document.created", "the document exists")?;
    tx.require(keys::customer_key(tenant, customer.id));
    if let Some(site) = document.site_id {
        tx.require(keys::site_key(tenant, site));
    }
    app.store.commit(tx).await?;
    Ok(Reply::created(&document.view())?.etag(document.version).at(format!("/admin/documents/{}", document.id)))
}

#[utoipa::path(get, path = "/admin/documents",
    params(
        ("customer_id" = Option<portico::domain::ids::CustomerId>, Query, description = "Only this customer's documents (with or without a site)", example = "cus_01JD8Z6V5Q2W3E4R5T6Y7A8B9D"),
        ("site_id" = Option<portico::domain::ids::SiteId>, Query),
        ("limit" = Option<i32>, Query), ("cursor" = Option<crate::schema::Cursor>, Query)),
    responses((status = 200, body = crate::schema::DocumentPage, description = "Newest first"), (status = 400, body = Problem)))]
pub async fn list(app: &App, req: Req) -> Result<Reply> {
    let admin = guard::admin(app, &req).await?;
    let paging = req.paging()?;
    let customer = req
        .query("customer_id")
        .map(|v| CustomerId::parse(&v).map_err(|e| Error::invalid_field("customer_id", e.to_string())))
        .transpose()?;
    let site = req
        .query("site_id")
        .map(|v| SiteId::parse(&v).map_err(|e| Error::invalid_field("site_id", e.to_string())))
        .transpose()?;
    let tenant = admin.tenant;
    let source = match (site, customer) {
        (Some(s), _) => Source::all(keys::documents_at_site(tenant, s)),
        (None, Some(c)) => Source::all(keys::documents_of_customer(tenant, c)),
        (None, None) => Source::all(keys::all_documents(tenant)),
    };
    let list = format!("admin-documents|{tenant}|{customer:?}|{site:?}");
    let mut page = app.store.newest_first::<Document>(&list, &[source], &Conditions::default(), &paging).await?;
    page.items.retain(|d| customer.is_none_or(|c| d.customer_id == c) && site.is_none_or(|s| d.site_id == Some(s)));
    Reply::ok(&page.map(|d| d.view()))
}

#[utoipa::path(get, path = "/admin/documents/{document_id}",
    params(("document_id" = portico::domain::ids::DocumentId, Path, example = "doc_01JD8Z6V5Q2W3E4R5T6Y7A8BA1")),
    responses((status = 200, body = DocumentView), (status = 404, body = Problem)))]
pub async fn get(app: &App, req: Req) -> Result<Reply> {
    let admin = guard::admin(app, &req).await?;
    let document = load(app, &req, admin.tenant).await?;
    Ok(Reply::ok(&document.view())?.etag(document.version))
}

#[utoipa::path(patch, path = "/admin/documents/{document_id}", request_body(content = DocumentPatch, example = json!({"title": "Gas safety certificate 2026 (signed)"})),
    params(("document_id" = portico::domain::ids::DocumentId, Path, example = "doc_01JD8Z6V5Q2W3E4R5T6Y7A8BA1"), ("If-Match" = Option<crate::schema::IfMatch>, Header)),
    responses((status = 200, body = DocumentView), (status = 400, body = Problem), (status = 404, body = Problem), (status = 412, body = Problem)))]
pub async fn update(app: &App, req: Req) -> Result<Reply> {
    let admin = guard::admin(app, &req).await?;
    let patch: DocumentPatch = req.body()?;
    let tenant = admin.tenant;
    let before = load(app, &req, tenant).await?;
    guard::if_match(&req, before.version)?;
    let mut tx = Tx::new(tenant, admin.actor());
    if let Some(Some(site)) = patch.site_id {
        let found = app.store.get::<Site>(keys::site_key(tenant, site)).await?;
        check_site(found, site, before.customer_id)?;
        tx.require(keys::site_key(tenant, site));
    }
    let new_file = match patch.file_id {
        Some(id) => Some(crate::files::tenant_file(app, tenant, id, Some(&before.file), &mut tx).await?),
        None => None,
    };
    let mut after = before.clone();
    after.apply(patch, new_file);
    if after.version == before.version {
        return Ok(Reply::ok(&before.view())?.etag(before.version));
    }
    tx.update(&before, &after, before.version, "document.updated")?;
    app.store.commit(tx).await?;
    Ok(Reply::ok(&after.view())?.etag(after.version))
}

#[utoipa::path(delete, path = "/admin/documents/{document_id}",
    params(("document_id" = portico::domain::ids::DocumentId, Path, example = "doc_01JD8Z6V5Q2W3E4R5T6Y7A8BA1"), ("If-Match" = Option<crate::schema::IfMatch>, Header)),
    responses((status = 204, description = "The document is gone from the portal; its file stays (the audit trail keeps the record)"), (status = 404, body = Problem), (status = 412, body = Problem)))]
pub async fn delete(app: &App, req: Req) -> Result<Reply> {
    let admin = guard::admin(app, &req).await?;
    let document = load(app, &req, admin.tenant).await?;
    guard::if_match(&req, document.version)?;
    app.store.delete(admin.tenant, admin.actor(), &document, document.version, "document.deleted").await?;
    Ok(Reply::no_content())
}
