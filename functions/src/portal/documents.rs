//! `/portal/documents`: exactly the documents the member may see (the rule is in
//! `portico::domain::document`): visible in the portal, in their scope, not hidden from
//! them. Anything else is a 404, whatever the reason.

use portico::domain::document::{Document, Reader};
use portico::domain::group::require_open;
use portico::domain::ids::DocumentId;
use portico::domain::scope::Coverage;
use portico::domain::settings::Feature;
use portico::domain::site::Site;
use portico::http::guard::Portal;
use portico::http::{guard, Reply, Req};
use portico::store::keys;
use portico::store::listing::{Conditions, Source};
use portico::{App, Error, Result};

use crate::schema::Problem;

fn reader(portal: &Portal) -> Reader<'_> {
    Reader {
        customer_id: portal.member.customer_id,
        scope: &portal.rights.scope,
        hidden: &portal.member.hidden_document_ids,
    }
}

/// The document, if the member may see it; anything else is a 404. The site is read only
/// when a division grant needs its current division.
async fn visible_document(app: &App, portal: &Portal, req: &Req) -> Result<Document> {
    let id = req.path_id("document_id", DocumentId::parse)?;
    let tenant = portal.principal.tenant;
    let document = app.store.get::<Document>(keys::document_key(tenant, id)).await?.ok_or(Error::NotFound)?;
    let reader = reader(portal);
    if document.visible_to(&reader, None) {
        return Ok(document);
    }
    let divisions = portal.rights.scope.grants().iter().any(|g| matches!(g.coverage, Coverage::Divisions { .. }));
    if let (Some(site), true) = (document.site_id, divisions) {
        let site = app.store.get::<Site>(keys::site_key(tenant, site)).await?;
        if site.is_some_and(|s| document.visible_to(&reader, s.division_id)) {
            return Ok(document);
        }
    }
    Err(Error::NotFound)
}

#[utoipa::path(get, path = "/portal/documents",
    params(
        ("site_id" = Option<portico::domain::ids::SiteId>, Query, description = "Only this site's documents"),
        ("limit" = Option<i32>, Query), ("cursor" = Option<crate::schema::Cursor>, Query)),
    responses((status = 200, body = crate::schema::PortalDocumentPage, description = "Newest first"), (status = 400, body = Problem), (status = 403, body = Problem)))]
pub async fn list(app: &App, req: Req) -> Result<Reply> {
    let portal = guard::member(app, &req).await?;
    require_open(&portal.settings, &portal.rights, Feature::Documents)?;
    let paging = req.paging()?;
    let site = req
        .query("site_id")
        .map(|v| portico::domain::ids::SiteId::parse(&v).map_err(|e| Error::invalid_field("site_id", e.to_string())))
        .transpose()?;
    let tenant = portal.principal.tenant;
    let parts = super::jobs::partitions(app, &portal, site).await?;
    let mut sources: Vec<Source> = portico::store::access::sources(
        &parts,
        |c| keys::documents_of_customer(tenant, c),
        |s| keys::documents_at_site(tenant, s),
        None,
        None,
    );
    // The member's own customer's customer-wide documents, unless read with the whole customer.
    let own = portal.member.customer_id;
    if site.is_none() && !parts.customers.contains(&own) {
        sources.push(Source::all(keys::general_documents_of(tenant, own)));
    }
    let list = format!("portal-documents|{tenant}|{}|{site:?}", portal.rights_version());
    let conditions = Conditions::default().is_true("visible_in_portal");
    let mut page = app.store.newest_first::<Document>(&list, &sources, &conditions, &paging).await?;
    let reader = reader(&portal);
    page.items.retain(|d| d.listed_for(&reader, &parts) && site.is_none_or(|s| d.site_id == Some(s)));
    Reply::ok(&page.map(|d| d.portal_view()))
}

#[utoipa::path(get, path = "/portal/documents/{document_id}/download",
    params(("document_id" = portico::domain::ids::DocumentId, Path, example = "doc_01JD8Z6V5Q2W3E4R5T6Y7A8BA1")),
    responses((status = 200, body = portico::domain::file::DownloadView), (status = 403, body = Problem), (status = 404, body = Problem, description = "No such document for you: absent, not visible in the portal, out of your scope, or hidden from you")))]
pub async fn download(app: &App, req: Req) -> Result<Reply> {
    let portal = guard::member(app, &req).await?;
    require_open(&portal.settings, &portal.rights, Feature::Documents)?;
    let document = visible_document(app, &portal, &req).await?;
    Reply::ok(&crate::files::download_view(app, portal.principal.tenant, &document.file).await?)
}
