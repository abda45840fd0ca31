//! The key builder: the only place that formats a DynamoDB key.
//!
//! Every partition key — table and GSI1 — starts with `T#<tenant_id>`, and the tenant
//! comes from a [`TenantId`], which only a verified principal or the platform API can
//! produce. See `docs/data-model.md` for the access-pattern table.
//!
//! | entity   | PK                  | SK               | GSI1PK                   | GSI1SK                  |
//! |----------|---------------------|------------------|--------------------------|-------------------------|
//! | tenant   | `T#t`               | `TENANT`         |                          |                         |
//! | settings | `T#t`               | `SETTINGS`       |                          |                         |
//! | customer | `T#t`               | `CUS#c`          | `T#t#CUS#parent`         | `CUS#c`                 |
//! | cus. ref | `T#t`               | `CUSREF#ref`     |                          |                         |
//! | site ref | `T#t`               | `SITEREF#ref`    |                          |                         |
//! | div. ref | `T#t`               | `DIVREF#ref`     |                          |                         |
//! | con. ref | `T#t`               | `CONREF#ref`     |                          |                         |
//! | site     | `T#t`               | `SITE#s`         | `T#t#TREE#root`          | `root/…/c/SITE#s`       |
//! | member   | `T#t`               | `MEM#m`          | `T#t#CUS#c#MEM`          | `MEM#m`                 |
//! | staff    | `T#t`               | `STF#s`          |                          |                         |
//! | integration | `T#t`            | `INT#i`          |                          |                         |
//! | binding  | `CLIENT#<client id>` | `BINDING`       |                          |                         |
//! | delivery | `T#t#WHK#w#DLV`     | `DLV#d`          | `WHKDUE` (while due)     | `<unix secs>#d`         |
//! | account  | `ACCT#<acct id>`    | `BINDING`        |                          |                         |
//!
//! The binding of an integration's app client, the webhook retry schedule and the
//! binding of a processor account are the three keys that do not begin with the tenant:
//! an access token names only its client, and the binding (written with its integration,
//! which is under the tenant) is what says whose it is; the retry sweep serves every
//! tenant, and takes each delivery's tenant from its table key; the processor's events
//! name only the connected account.
//!
//! | entity   | PK                  | SK               | GSI1PK                   | GSI1SK                  |
//! |----------|---------------------|------------------|--------------------------|-------------------------|
//! | view-as  | `T#t`               | `VAS#v`          |                          |                         |
//! | contact  | `T#t`               | `CON#c`          | `T#t#CUS#c#CON`          | `CON#c`                 |
//! | division | `T#t`               | `DIV#d`          | `T#t#CUS#c#DIV`          | `DIV#d`                 |
//! | group    | `T#t`               | `GRP#g`          |                          |                         |
//! | job      | `T#t`               | `JOB#j`          | `T#t#CUS#c#JOB`          | `<reported>#j`          |
//! | job ref  | `T#t`               | `JOBREF#ref`     |                          |                         |
//! | request  | `T#t`               | `WR#w`           | `T#t#CUS#c#WR`           | `<created>#w`           |
//! | note     | `T#t`               | `NOTE#j#n`       |                          |                         |
//! | file     | `T#t`               | `FILE#f`         |                          |                         |
//! | quote    | `T#t`               | `QUO#q`          | `T#t#CUS#c#QUO`          | `<created>#q`           |
//! | quote ref| `T#t`               | `QUOREF#ref`     |                          |                         |
//! | invoice  | `T#t`               | `INV#i`          | `T#t#CUS#c#INV`          | `<issued>#i`            |
//! | inv. ref | `T#t`               | `INVREF#ref`     |                          |                         |
//! | payment  | `T#t`               | `PAY#p`          |                          |                         |
//! | pay lock | `T#t`               | `PAYLOCK#i`      |                          |                         |
//! | pay. int.| `T#t`               | `PAYPI#pi`       |                          |                         |
//! | proc. evt| `T#t`               | `PEVT#evt`       |                          |                         |
//! | pay acct | `T#t`               | `PAYACCT`        |                          |                         |
//! | open inv.| `T#t#OPEN#CUS#c` / `T#t#OPEN#SITE#s` | `INV#i` |                |                         |
//! | asset    | `T#t`               | `AST#a`          | `T#t#CUS#c#AST`          | `<next due, inverted>#a`|
//! | asset ref| `T#t`               | `ASTREF#ref`     |                          |                         |
//! | asset job| `T#t#AST#a`         | `JOB#<reported>#j` |                        |                         |
//! | document | `T#t`               | `DOC#d`          | `T#t#CUS#c#DOC`          | `<created>#d`           |
//!
//! Sites in a division also carry `GSI2PK = T#t#DIV#d`, `GSI2SK = SITE#s` (index GSI2).
//! Jobs, work requests and quotes also carry `GSI2PK = T#t#SITE#s#JOB` (`…#WR`, `…#QUO`) with the same
//! sort key as GSI1: their site's partition, newest first. Assets carry
//! `GSI2PK = T#t#SITE#s#AST`; documents with a site `T#t#SITE#s#DOC`, customer-wide
//! documents `T#t#CUS#c#DOC#GENERAL` (so a member of the customer reads those alone).
//! | message  | `T#t`               | `MSG#m`          |                          |                         |
//! | msg post | `T#t#MSGTO#ALL` / `T#t#MSGTO#GRP#g` | `MSG#m` |                   |                         |
//! | receipt  | `T#t`               | `MSGR#m#mem`     | `T#t#MEM#mem#MSGR`       | `MSG#m`                 |
//! | event    | `T#t#EVENT`         | `EVT#ulid`       | `T#t#ENTITY#id`          | `EVT#ulid`              |
//!
//! Events also carry `GSI2PK = T#t#ACTOR#<actor>` (who did it) and, for what a
//! customer's own trail shows, `GSI3PK = T#t#CUS#c#EVENT` (index GSI3), both with
//! `EVT#ulid` as sort key.
//!
//! | entity   | PK                  | SK               | GSI1PK                   | GSI1SK                  |
//! |----------|---------------------|------------------|--------------------------|-------------------------|
//! | delivery | `T#t#DLV#event`     | `TO#address`     |                          |                         |
//! | idem.    | `T#t` (`PLATFORM`)  | `IDEM#op#sub#key`|                          |                         |
//! | email    | `T#t`               | `EMAIL#address`  |                          |                         |
//! | report cell | `T#t#CUS#c#RPT`  | `M#<YYYY-MM>#s` / `N#s` |                    |                         |
//! | applied  | `T#t#RPTEV#event`   | `APPLIED`        |                          |                         |

use crate::domain::asset::{due_sort, Asset, AssetJobLink};
use crate::domain::contact::Contact;
use crate::domain::customer::Customer;
use crate::domain::division::Division;
use crate::domain::document::Document;
use crate::domain::file::StoredFile;
use crate::domain::group::AccessGroup;
use crate::domain::hierarchy::CustomerPath;
use crate::domain::ids::{
    AssetId, ContactId, CustomerId, DeliveryId, DivisionId, DocumentId, FileId, GroupId, IntegrationId, InvoiceId,
    JobId, MemberId, MessageId, PaymentId, QuoteId, SiteId, StaffId, TenantId, ViewAsId, WebhookId, WorkRequestId,
};
use crate::domain::integration::{Binding, Integration};
use crate::domain::invoice::{Invoice, OpenInvoice};
use crate::domain::job::Job;
use crate::domain::member::Member;
use crate::domain::message::{Message, MessagePost, Receipt};
use crate::domain::note::Note;
use crate::domain::payment::{AccountBinding, Payment, PaymentAccount, PaymentLock};
use crate::domain::quote::Quote;
use crate::domain::settings::Settings;
use crate::domain::site::Site;
use crate::domain::staff::Staff;
use crate::domain::tenant::{Tenant, Timestamp};
use crate::domain::text::{Email, ExternalRef};
use crate::domain::view_as::ViewAs;
use crate::domain::webhook::{Delivery, Webhook, WebhookSecrets};
use crate::domain::work_request::WorkRequest;

pub const PK: &str = "PK";
pub const SK: &str = "SK";
pub const GSI1: &str = "GSI1";
pub const GSI1PK: &str = "GSI1PK";
pub const GSI1SK: &str = "GSI1SK";
pub const GSI2: &str = "GSI2";
pub const GSI2PK: &str = "GSI2PK";
pub const GSI2SK: &str = "GSI2SK";
pub const GSI3: &str = "GSI3";
pub const GSI3PK: &str = "GSI3PK";
pub const GSI3SK: &str = "GSI3SK";
pub const TYPE: &str = "type";
pub const VERSION: &str = "version";
pub const EXPIRES_AT: &str = "expires_at";

/// A primary key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key {
    pub pk: String,
    pub sk: String,
}

/// Primary key plus the optional GSI1 key of one item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keys {
    pub key: Key,
    pub gsi1: Option<Key>,
    /// Only sites in a division have one: the division's partition.
    pub gsi2: Option<Key>,
}

/// What one `Query` reads: a partition (of the table or GSI1) and an optional sort-key
/// prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryKey {
    pub index: Option<&'static str>,
    pub pk: String,
    pub sk_prefix: Option<String>,
}

fn t(tenant: TenantId) -> String {
    format!("T#{tenant}")
}

/// Anything read from the table: items carry their type name, and a read of one type
/// never decodes an item of another.
pub trait Stored: serde::de::DeserializeOwned {
    const TYPE: &'static str;
}

/// A stored entity: how its keys derive from it.
pub trait Entity: Stored + serde::Serialize {
    fn keys(&self, tenant: TenantId) -> Keys;
    /// The id that audit events record for this entity.
    fn entity_id(&self) -> String;
    /// The customer whose own audit trail (`GET /portal/audit`) shows this entity's
    /// events: their approvals, work requests and members. Nothing else is in it.
    fn trail(&self) -> Option<CustomerId> {
        None
    }
    /// Items kept with this entity and derived from it alone (an unpaid invoice's
    /// open-invoice entries, a job's link under its asset). The store's write path keeps
    /// them — written with the entity, removed when the entity no longer has them — so
    /// every writer keeps them right without knowing they exist.
    fn derived(&self, _tenant: TenantId) -> crate::error::Result<Vec<super::Derived>> {
        Ok(Vec::new())
    }
}

impl Stored for Tenant {
    const TYPE: &'static str = "tenant";
}

impl Entity for Tenant {
    fn keys(&self, tenant: TenantId) -> Keys {
        Keys { key: tenant_key(tenant), gsi1: None, gsi2: None }
    }
    fn entity_id(&self) -> String {
        self.id.to_string()
    }
}

impl Stored for Settings {
    const TYPE: &'static str = "settings";
}

impl Entity for Settings {
    fn keys(&self, tenant: TenantId) -> Keys {
        Keys { key: settings_key(tenant), gsi1: None, gsi2: None }
    }
    fn entity_id(&self) -> String {
        "settings".into()
    }
}

impl Stored for Customer {
    const TYPE: &'static str = "customer";
}

impl Entity for Customer {
    fn keys(&self, tenant: TenantId) -> Keys {
        Keys {
            key: customer_key(tenant, self.id),
            gsi1: self.parent_id.map(|p| Key { pk: format!("{}#CUS#{p}", t(tenant)), sk: format!("CUS#{}", self.id) }),
            gsi2: None,
        }
    }
    fn entity_id(&self) -> String {
        self.id.to_string()
    }
}

impl Stored for Site {
    const TYPE: &'static str = "site";
}

impl Entity for Site {
    fn keys(&self, tenant: TenantId) -> Keys {
        let tree = sites_under(tenant, &self.customer_path);
        Keys {
            key: site_key(tenant, self.id),
            gsi1: Some(Key { pk: tree.pk, sk: format!("{}SITE#{}", tree.sk_prefix.unwrap_or_default(), self.id) }),
            gsi2: self
                .division_id
                .map(|d| Key { pk: sites_in_division(tenant, d).pk, sk: format!("SITE#{}", self.id) }),
        }
    }
    fn entity_id(&self) -> String {
        self.id.to_string()
    }
}

impl Stored for Member {
    const TYPE: &'static str = "member";
}

impl Entity for Member {
    fn keys(&self, tenant: TenantId) -> Keys {
        Keys {
            key: member_key(tenant, self.id),
            gsi1: Some(Key { pk: members_of_customer(tenant, self.customer_id).pk, sk: format!("MEM#{}", self.id) }),
            gsi2: None,
        }
    }
    fn entity_id(&self) -> String {
        self.id.to_string()
    }
    fn trail(&self) -> Option<CustomerId> {
        Some(self.customer_id)
    }
}

impl Stored for Staff {
    const TYPE: &'static str = "staff";
}

impl Entity for Staff {
    fn keys(&self, tenant: TenantId) -> Keys {
        Keys { key: staff_key(tenant, self.id), gsi1: None, gsi2: None }
    }
    fn entity_id(&self) -> String {
        self.id.to_string()
    }
}

impl Stored for Integration {
    const TYPE: &'static str = "integration";
}

impl Entity for Integration {
    fn keys(&self, tenant: TenantId) -> Keys {
        Keys { key: integration_key(tenant, self.id), gsi1: None, gsi2: None }
    }
    fn entity_id(&self) -> String {
        self.id.to_string()
    }
    /// The binding of each of its app clients.
    fn derived(&self, tenant: TenantId) -> crate::error::Result<Vec<super::Derived>> {
        self.bindings(tenant).iter().map(|b| super::Derived::of(tenant, b)).collect()
    }
}

impl Stored for Binding {
    const TYPE: &'static str = "binding";
}

impl Entity for Binding {
    /// Not under the tenant: see the module's table.
    fn keys(&self, _tenant: TenantId) -> Keys {
        Keys { key: binding_key(&self.client_id), gsi1: None, gsi2: None }
    }
    fn entity_id(&self) -> String {
        self.client_id.clone()
    }
}

impl Stored for ViewAs {
    const TYPE: &'static str = "view_as";
}

impl Entity for ViewAs {
    fn keys(&self, tenant: TenantId) -> Keys {
        Keys { key: view_as_key(tenant, self.id), gsi1: None, gsi2: None }
    }
    /// The member viewed: "admin X viewed as member Y" is in the member's trail.
    fn entity_id(&self) -> String {
        self.member_id.to_string()
    }
}

impl Stored for Contact {
    const TYPE: &'static str = "contact";
}

impl Entity for Contact {
    fn keys(&self, tenant: TenantId) -> Keys {
        Keys {
            key: contact_key(tenant, self.id),
            gsi1: Some(Key { pk: contacts_of_customer(tenant, self.customer_id).pk, sk: format!("CON#{}", self.id) }),
            gsi2: None,
        }
    }
    fn entity_id(&self) -> String {
        self.id.to_string()
    }
}

impl Stored for Division {
    const TYPE: &'static str = "division";
}

impl Entity for Division {
    fn keys(&self, tenant: TenantId) -> Keys {
        Keys {
            key: division_key(tenant, self.id),
            gsi1: Some(Key { pk: divisions_of_customer(tenant, self.customer_id).pk, sk: format!("DIV#{}", self.id) }),
            gsi2: None,
        }
    }
    fn entity_id(&self) -> String {
        self.id.to_string()
    }
}

impl Stored for AccessGroup {
    const TYPE: &'static str = "group";
}

impl Entity for AccessGroup {
    fn keys(&self, tenant: TenantId) -> Keys {
        Keys { key: group_key(tenant, self.id), gsi1: None, gsi2: None }
    }
    fn entity_id(&self) -> String {
        self.id.to_string()
    }
}

/// A time as it appears in sort keys: UTC, whole seconds, fixed width
/// (`2026-11-23T10:00:00Z`), so that keys sort by time.
pub fn stamp(t: Timestamp) -> String {
    let t = t.utc();
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

impl Stored for Job {
    const TYPE: &'static str = "job";
}

impl Entity for Job {
    fn keys(&self, tenant: TenantId) -> Keys {
        let sort = format!("{}#{}", stamp(self.reported_at), self.id);
        Keys {
            key: job_key(tenant, self.id),
            gsi1: Some(Key { pk: jobs_of_customer(tenant, self.customer_id).pk, sk: sort.clone() }),
            gsi2: Some(Key { pk: jobs_at_site(tenant, self.site_id).pk, sk: sort }),
        }
    }
    fn entity_id(&self) -> String {
        self.id.to_string()
    }
    /// The job's line in its asset's history.
    fn derived(&self, tenant: TenantId) -> crate::error::Result<Vec<super::Derived>> {
        AssetJobLink::of(self).map(|link| super::Derived::of(tenant, &link)).into_iter().collect()
    }
}

pub fn job_key(tenant: TenantId, id: JobId) -> Key {
    Key { pk: t(tenant), sk: format!("JOB#{id}") }
}

/// Claims the back office's reference for one job (the upsert key).
pub fn job_ref(tenant: TenantId, reference: &ExternalRef) -> Key {
    Key { pk: t(tenant), sk: format!("JOBREF#{reference}") }
}

/// Every job of the tenant, by id (creation order).
pub fn all_jobs(tenant: TenantId) -> QueryKey {
    QueryKey { index: None, pk: t(tenant), sk_prefix: Some("JOB#".into()) }
}

/// The jobs at one customer's own sites, by reported time (GSI1).
pub fn jobs_of_customer(tenant: TenantId, customer: CustomerId) -> QueryKey {
    QueryKey { index: Some(GSI1), pk: format!("{}#CUS#{customer}#JOB", t(tenant)), sk_prefix: None }
}

/// The jobs at one site, by reported time (GSI2).
pub fn jobs_at_site(tenant: TenantId, site: SiteId) -> QueryKey {
    QueryKey { index: Some(GSI2), pk: format!("{}#SITE#{site}#JOB", t(tenant)), sk_prefix: None }
}

impl Stored for WorkRequest {
    const TYPE: &'static str = "work_request";
}

impl Entity for WorkRequest {
    fn keys(&self, tenant: TenantId) -> Keys {
        let sort = format!("{}#{}", stamp(self.created_at), self.id);
        Keys {
            key: work_request_key(tenant, self.id),
            gsi1: Some(Key { pk: requests_of_customer(tenant, self.customer_id).pk, sk: sort.clone() }),
            gsi2: Some(Key { pk: requests_at_site(tenant, self.site_id).pk, sk: sort }),
        }
    }
    fn entity_id(&self) -> String {
        self.id.to_string()
    }
    fn trail(&self) -> Option<CustomerId> {
        Some(self.customer_id)
    }
}

pub fn work_request_key(tenant: TenantId, id: WorkRequestId) -> Key {
    Key { pk: t(tenant), sk: format!("WR#{id}") }
}

/// Every work request of the tenant (the admin inbox), by id (creation order).
pub fn all_requests(tenant: TenantId) -> QueryKey {
    QueryKey { index: None, pk: t(tenant), sk_prefix: Some("WR#".into()) }
}

pub fn requests_of_customer(tenant: TenantId, customer: CustomerId) -> QueryKey {
    QueryKey { index: Some(GSI1), pk: format!("{}#CUS#{customer}#WR", t(tenant)), sk_prefix: None }
}

pub fn requests_at_site(tenant: TenantId, site: SiteId) -> QueryKey {
    QueryKey { index: Some(GSI2), pk: format!("{}#SITE#{site}#WR", t(tenant)), sk_prefix: None }
}

impl Stored for Quote {
    const TYPE: &'static str = "quote";
}

impl Entity for Quote {
    fn keys(&self, tenant: TenantId) -> Keys {
        let sort = format!("{}#{}", stamp(self.created_at), self.id);
        Keys {
            key: quote_key(tenant, self.id),
            gsi1: Some(Key { pk: quotes_of_customer(tenant, self.customer_id).pk, sk: sort.clone() }),
            gsi2: Some(Key { pk: quotes_at_site(tenant, self.site_id).pk, sk: sort }),
        }
    }
    fn entity_id(&self) -> String {
        self.id.to_string()
    }
    fn trail(&self) -> Option<CustomerId> {
        Some(self.customer_id)
    }
}

pub fn quote_key(tenant: TenantId, id: QuoteId) -> Key {
    Key { pk: t(tenant), sk: format!("QUO#{id}") }
}

/// Claims the back office's reference for one quote (the upsert key).
pub fn quote_ref(tenant: TenantId, reference: &ExternalRef) -> Key {
    Key { pk: t(tenant), sk: format!("QUOREF#{reference}") }
}

/// Every quote of the tenant, by id (creation order).
pub fn all_quotes(tenant: TenantId) -> QueryKey {
    QueryKey { index: None, pk: t(tenant), sk_prefix: Some("QUO#".into()) }
}

/// The quotes for one customer's own sites, by creation time (GSI1).
pub fn quotes_of_customer(tenant: TenantId, customer: CustomerId) -> QueryKey {
    QueryKey { index: Some(GSI1), pk: format!("{}#CUS#{customer}#QUO", t(tenant)), sk_prefix: None }
}

/// The quotes for one site, by creation time (GSI2).
pub fn quotes_at_site(tenant: TenantId, site: SiteId) -> QueryKey {
    QueryKey { index: Some(GSI2), pk: format!("{}#SITE#{site}#QUO", t(tenant)), sk_prefix: None }
}

impl Stored for Invoice {
    const TYPE: &'static str = "invoice";
}

impl Entity for Invoice {
    fn keys(&self, tenant: TenantId) -> Keys {
        let sort = format!("{}#{}", stamp(self.issued_at), self.id);
        Keys {
            key: invoice_key(tenant, self.id),
            gsi1: Some(Key { pk: invoices_of_customer(tenant, self.customer_id).pk, sk: sort.clone() }),
            gsi2: self.site_id.map(|s| Key { pk: invoices_at_site(tenant, s).pk, sk: sort }),
        }
    }
    fn entity_id(&self) -> String {
        self.id.to_string()
    }
    /// While unpaid: its entries in the open invoices of its customer (and site).
    fn derived(&self, tenant: TenantId) -> crate::error::Result<Vec<super::Derived>> {
        self.open_items().iter().map(|item| super::Derived::of(tenant, item)).collect()
    }
}

pub fn invoice_key(tenant: TenantId, id: InvoiceId) -> Key {
    Key { pk: t(tenant), sk: format!("INV#{id}") }
}

/// Claims the back office's reference for one invoice (the upsert key).
pub fn invoice_ref(tenant: TenantId, reference: &ExternalRef) -> Key {
    Key { pk: t(tenant), sk: format!("INVREF#{reference}") }
}

/// Every invoice of the tenant, by id (creation order).
pub fn all_invoices(tenant: TenantId) -> QueryKey {
    QueryKey { index: None, pk: t(tenant), sk_prefix: Some("INV#".into()) }
}

/// The invoices of one customer (with or without a site), by issue time (GSI1).
pub fn invoices_of_customer(tenant: TenantId, customer: CustomerId) -> QueryKey {
    QueryKey { index: Some(GSI1), pk: format!("{}#CUS#{customer}#INV", t(tenant)), sk_prefix: None }
}

/// The invoices for one site, by issue time (GSI2).
pub fn invoices_at_site(tenant: TenantId, site: SiteId) -> QueryKey {
    QueryKey { index: Some(GSI2), pk: format!("{}#SITE#{site}#INV", t(tenant)), sk_prefix: None }
}

impl Stored for OpenInvoice {
    const TYPE: &'static str = "open_invoice";
}

impl Entity for OpenInvoice {
    fn keys(&self, tenant: TenantId) -> Keys {
        let pk = match (self.under_site, self.site_id) {
            (true, Some(site)) => open_invoices_at_site(tenant, site).pk,
            _ => open_invoices_of_customer(tenant, self.customer_id).pk,
        };
        Keys { key: Key { pk, sk: format!("INV#{}", self.invoice_id) }, gsi1: None, gsi2: None }
    }
    fn entity_id(&self) -> String {
        self.invoice_id.to_string()
    }
}

/// The unpaid invoices of one customer (sited or not).
pub fn open_invoices_of_customer(tenant: TenantId, customer: CustomerId) -> QueryKey {
    QueryKey { index: None, pk: format!("{}#OPEN#CUS#{customer}", t(tenant)), sk_prefix: Some("INV#".into()) }
}

/// The unpaid invoices for one site.
pub fn open_invoices_at_site(tenant: TenantId, site: SiteId) -> QueryKey {
    QueryKey { index: None, pk: format!("{}#OPEN#SITE#{site}", t(tenant)), sk_prefix: Some("INV#".into()) }
}

impl Stored for Asset {
    const TYPE: &'static str = "asset";
}

impl Entity for Asset {
    fn keys(&self, tenant: TenantId) -> Keys {
        let sort = format!("{}#{}", due_sort(self.next_service_due), self.id);
        Keys {
            key: asset_key(tenant, self.id),
            gsi1: Some(Key { pk: assets_of_customer(tenant, self.customer_id).pk, sk: sort.clone() }),
            gsi2: Some(Key { pk: assets_at_site(tenant, self.site_id).pk, sk: sort }),
        }
    }
    fn entity_id(&self) -> String {
        self.id.to_string()
    }
}

pub fn asset_key(tenant: TenantId, id: AssetId) -> Key {
    Key { pk: t(tenant), sk: format!("AST#{id}") }
}

/// Claims the back office's reference for one asset (the upsert key).
pub fn asset_ref(tenant: TenantId, reference: &ExternalRef) -> Key {
    Key { pk: t(tenant), sk: format!("ASTREF#{reference}") }
}

/// Every asset of the tenant, by id (creation order).
pub fn all_assets(tenant: TenantId) -> QueryKey {
    QueryKey { index: None, pk: t(tenant), sk_prefix: Some("AST#".into()) }
}

/// The assets at one customer's own sites, by next service due (GSI1).
pub fn assets_of_customer(tenant: TenantId, customer: CustomerId) -> QueryKey {
    QueryKey { index: Some(GSI1), pk: format!("{}#CUS#{customer}#AST", t(tenant)), sk_prefix: None }
}

/// The assets at one site, by next service due (GSI2).
pub fn assets_at_site(tenant: TenantId, site: SiteId) -> QueryKey {
    QueryKey { index: Some(GSI2), pk: format!("{}#SITE#{site}#AST", t(tenant)), sk_prefix: None }
}

impl Stored for AssetJobLink {
    const TYPE: &'static str = "asset_job";
}

impl Entity for AssetJobLink {
    fn keys(&self, tenant: TenantId) -> Keys {
        Keys { key: asset_job_key(tenant, self.asset_id, self.job_id, self.reported_at), gsi1: None, gsi2: None }
    }
    fn entity_id(&self) -> String {
        self.job_id.to_string()
    }
}

/// The link from an asset to one of its jobs (filed by the job's report time).
pub fn asset_job_key(tenant: TenantId, asset: AssetId, job: JobId, reported_at: Timestamp) -> Key {
    Key { pk: format!("{}#AST#{asset}", t(tenant)), sk: format!("JOB#{}#{job}", stamp(reported_at)) }
}

/// An asset's jobs, by report time.
pub fn jobs_of_asset(tenant: TenantId, asset: AssetId) -> QueryKey {
    QueryKey { index: None, pk: format!("{}#AST#{asset}", t(tenant)), sk_prefix: Some("JOB#".into()) }
}

impl Stored for Document {
    const TYPE: &'static str = "document";
}

impl Entity for Document {
    fn keys(&self, tenant: TenantId) -> Keys {
        let sort = format!("{}#{}", stamp(self.created_at), self.id);
        let gsi2 = match self.site_id {
            Some(site) => documents_at_site(tenant, site).pk,
            None => general_documents_of(tenant, self.customer_id).pk,
        };
        Keys {
            key: document_key(tenant, self.id),
            gsi1: Some(Key { pk: documents_of_customer(tenant, self.customer_id).pk, sk: sort.clone() }),
            gsi2: Some(Key { pk: gsi2, sk: sort }),
        }
    }
    fn entity_id(&self) -> String {
        self.id.to_string()
    }
}

pub fn document_key(tenant: TenantId, id: DocumentId) -> Key {
    Key { pk: t(tenant), sk: format!("DOC#{id}") }
}

/// Every document of the tenant, by id (creation order).
pub fn all_documents(tenant: TenantId) -> QueryKey {
    QueryKey { index: None, pk: t(tenant), sk_prefix: Some("DOC#".into()) }
}

/// Every document of one customer, with or without a site (GSI1).
pub fn documents_of_customer(tenant: TenantId, customer: CustomerId) -> QueryKey {
    QueryKey { index: Some(GSI1), pk: format!("{}#CUS#{customer}#DOC", t(tenant)), sk_prefix: None }
}

/// One customer's customer-wide documents (no site) (GSI2).
pub fn general_documents_of(tenant: TenantId, customer: CustomerId) -> QueryKey {
    QueryKey { index: Some(GSI2), pk: format!("{}#CUS#{customer}#DOC#GENERAL", t(tenant)), sk_prefix: None }
}

/// The documents for one site (GSI2).
pub fn documents_at_site(tenant: TenantId, site: SiteId) -> QueryKey {
    QueryKey { index: Some(GSI2), pk: format!("{}#SITE#{site}#DOC", t(tenant)), sk_prefix: None }
}

impl Stored for Message {
    const TYPE: &'static str = "message";
}

impl Entity for Message {
    fn keys(&self, tenant: TenantId) -> Keys {
        Keys { key: message_key(tenant, self.id), gsi1: None, gsi2: None }
    }
    fn entity_id(&self) -> String {
        self.id.to_string()
    }
}

pub fn message_key(tenant: TenantId, id: MessageId) -> Key {
    Key { pk: t(tenant), sk: format!("MSG#{id}") }
}

/// Every message of the tenant, by id (creation order).
pub fn all_messages(tenant: TenantId) -> QueryKey {
    QueryKey { index: None, pk: t(tenant), sk_prefix: Some("MSG#".into()) }
}

impl Stored for MessagePost {
    const TYPE: &'static str = "message_post";
}

impl Entity for MessagePost {
    fn keys(&self, tenant: TenantId) -> Keys {
        Keys { key: message_post_key(tenant, self.group_id, self.message_id), gsi1: None, gsi2: None }
    }
    fn entity_id(&self) -> String {
        self.message_id.to_string()
    }
}

pub fn message_post_key(tenant: TenantId, group: Option<GroupId>, id: MessageId) -> Key {
    Key { pk: messages_to(tenant, group).pk, sk: format!("MSG#{id}") }
}

/// The posts of messages to everyone (`None`) or to one group, by message id.
pub fn messages_to(tenant: TenantId, group: Option<GroupId>) -> QueryKey {
    let pk = match group {
        None => format!("{}#MSGTO#ALL", t(tenant)),
        Some(g) => format!("{}#MSGTO#GRP#{g}", t(tenant)),
    };
    QueryKey { index: None, pk, sk_prefix: Some("MSG#".into()) }
}

impl Stored for Receipt {
    const TYPE: &'static str = "receipt";
}

impl Entity for Receipt {
    fn keys(&self, tenant: TenantId) -> Keys {
        Keys {
            key: receipt_key(tenant, self.message_id, self.member_id),
            gsi1: Some(Key {
                pk: receipts_of_member(tenant, self.member_id).pk,
                sk: format!("MSG#{}", self.message_id),
            }),
            gsi2: Some(Key {
                pk: receipts_of_message(tenant, self.message_id).pk,
                sk: format!("MEM#{}", self.member_id),
            }),
        }
    }
    fn entity_id(&self) -> String {
        self.message_id.to_string()
    }
}

pub fn receipt_key(tenant: TenantId, message: MessageId, member: MemberId) -> Key {
    Key { pk: t(tenant), sk: format!("MSGR#{message}#{member}") }
}

/// One member's receipts (GSI1).
pub fn receipts_of_member(tenant: TenantId, member: MemberId) -> QueryKey {
    QueryKey { index: Some(GSI1), pk: format!("{}#MEM#{member}#MSGR", t(tenant)), sk_prefix: None }
}

/// One message's receipts (GSI2).
pub fn receipts_of_message(tenant: TenantId, message: MessageId) -> QueryKey {
    QueryKey { index: Some(GSI2), pk: format!("{}#MSG#{message}#RCPT", t(tenant)), sk_prefix: None }
}

impl Stored for Note {
    const TYPE: &'static str = "note";
}

impl Entity for Note {
    fn keys(&self, tenant: TenantId) -> Keys {
        Keys { key: Key { pk: t(tenant), sk: format!("NOTE#{}#{}", self.job_id, self.id) }, gsi1: None, gsi2: None }
    }
    fn entity_id(&self) -> String {
        self.id.to_string()
    }
}

/// The notes on one job, oldest first.
pub fn notes_of_job(tenant: TenantId, job: JobId) -> QueryKey {
    QueryKey { index: None, pk: t(tenant), sk_prefix: Some(format!("NOTE#{job}#")) }
}

impl Stored for StoredFile {
    const TYPE: &'static str = "file";
}

impl Entity for StoredFile {
    fn keys(&self, tenant: TenantId) -> Keys {
        Keys { key: file_key(tenant, self.id), gsi1: None, gsi2: None }
    }
    fn entity_id(&self) -> String {
        self.id.to_string()
    }
}

pub fn file_key(tenant: TenantId, id: FileId) -> Key {
    Key { pk: t(tenant), sk: format!("FILE#{id}") }
}

/// Where a file's bytes live in the bucket once attached: under the tenant's prefix,
/// written once (a copy of the checked upload) and read by every download.
pub fn object_key(tenant: TenantId, id: FileId) -> String {
    format!("tenants/{tenant}/files/{id}")
}

/// Where a file's presigned upload puts its bytes: under `uploads/` (the bucket's
/// lifecycle removes what is left there), then the tenant's prefix. Never downloaded.
pub fn upload_key(tenant: TenantId, id: FileId) -> String {
    format!("{UPLOADS}{}", object_key(tenant, id))
}

/// The bucket prefix of uploads (`infra/template.yaml` expires it, and the upload
/// functions may write only there).
pub const UPLOADS: &str = "uploads/";

pub fn group_key(tenant: TenantId, id: GroupId) -> Key {
    Key { pk: t(tenant), sk: format!("GRP#{id}") }
}

/// Every access group of the tenant.
pub fn all_groups(tenant: TenantId) -> QueryKey {
    QueryKey { index: None, pk: t(tenant), sk_prefix: Some("GRP#".into()) }
}

pub fn division_key(tenant: TenantId, id: DivisionId) -> Key {
    Key { pk: t(tenant), sk: format!("DIV#{id}") }
}

/// The divisions of one customer.
pub fn divisions_of_customer(tenant: TenantId, customer: CustomerId) -> QueryKey {
    QueryKey { index: Some(GSI1), pk: format!("{}#CUS#{customer}#DIV", t(tenant)), sk_prefix: Some("DIV#".into()) }
}

/// The sites in one division (GSI2): a division grant covers sites added later.
pub fn sites_in_division(tenant: TenantId, division: DivisionId) -> QueryKey {
    QueryKey { index: Some(GSI2), pk: format!("{}#DIV#{division}", t(tenant)), sk_prefix: Some("SITE#".into()) }
}

pub fn contact_key(tenant: TenantId, id: ContactId) -> Key {
    Key { pk: t(tenant), sk: format!("CON#{id}") }
}

/// The contacts of one customer.
pub fn contacts_of_customer(tenant: TenantId, customer: CustomerId) -> QueryKey {
    QueryKey { index: Some(GSI1), pk: format!("{}#CUS#{customer}#CON", t(tenant)), sk_prefix: Some("CON#".into()) }
}

pub fn tenant_key(tenant: TenantId) -> Key {
    Key { pk: t(tenant), sk: "TENANT".into() }
}

pub fn settings_key(tenant: TenantId) -> Key {
    Key { pk: t(tenant), sk: "SETTINGS".into() }
}

pub fn customer_key(tenant: TenantId, id: CustomerId) -> Key {
    Key { pk: t(tenant), sk: format!("CUS#{id}") }
}

pub fn site_key(tenant: TenantId, id: SiteId) -> Key {
    Key { pk: t(tenant), sk: format!("SITE#{id}") }
}

/// Claims the back office's reference for one customer (the upsert key).
pub fn customer_ref(tenant: TenantId, reference: &ExternalRef) -> Key {
    Key { pk: t(tenant), sk: format!("CUSREF#{reference}") }
}

/// Claims the back office's reference for one site.
pub fn site_ref(tenant: TenantId, reference: &ExternalRef) -> Key {
    Key { pk: t(tenant), sk: format!("SITEREF#{reference}") }
}

/// Claims the back office's reference for one division.
pub fn division_ref(tenant: TenantId, reference: &ExternalRef) -> Key {
    Key { pk: t(tenant), sk: format!("DIVREF#{reference}") }
}

/// Claims the back office's reference for one contact.
pub fn contact_ref(tenant: TenantId, reference: &ExternalRef) -> Key {
    Key { pk: t(tenant), sk: format!("CONREF#{reference}") }
}

pub fn member_key(tenant: TenantId, id: MemberId) -> Key {
    Key { pk: t(tenant), sk: format!("MEM#{id}") }
}

pub fn staff_key(tenant: TenantId, id: StaffId) -> Key {
    Key { pk: t(tenant), sk: format!("STF#{id}") }
}

pub fn integration_key(tenant: TenantId, id: IntegrationId) -> Key {
    Key { pk: t(tenant), sk: format!("INT#{id}") }
}

/// The tenant's integrations, oldest first.
pub fn all_integrations(tenant: TenantId) -> QueryKey {
    QueryKey { index: None, pk: t(tenant), sk_prefix: Some("INT#".into()) }
}

/// The binding of an app client (`domain::integration::Binding`): read by client id, the
/// one thing an integration's token names.
pub fn binding_key(client_id: &str) -> Key {
    Key { pk: format!("CLIENT#{client_id}"), sk: "BINDING".into() }
}

/// An admin's view-as session (`domain::view_as`).
pub fn view_as_key(tenant: TenantId, id: ViewAsId) -> Key {
    Key { pk: t(tenant), sk: format!("VAS#{id}") }
}

/// The tenant's office staff (admin logins), oldest first.
pub fn all_staff(tenant: TenantId) -> QueryKey {
    QueryKey { index: None, pk: t(tenant), sk_prefix: Some("STF#".into()) }
}

/// Claims a member email address within the tenant (one member per address).
pub fn member_email(tenant: TenantId, email: &Email) -> Key {
    Key { pk: t(tenant), sk: format!("EMAIL#{email}") }
}

/// Whose keys: a tenant's users', or the platform operators' (who have no tenant).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeySpace {
    Tenant(TenantId),
    Platform,
}

/// An `Idempotency-Key` of `caller` (a Cognito `sub`) for `operation`. Platform
/// operators have no tenant: theirs live in the one partition outside every tenant,
/// `PLATFORM`, which holds nothing else.
pub fn idempotency_key(space: KeySpace, operation: &str, caller: &str, key: &str) -> Key {
    let pk = match space {
        KeySpace::Tenant(tenant) => t(tenant),
        KeySpace::Platform => "PLATFORM".to_owned(),
    };
    Key { pk, sk: format!("IDEM#{operation}#{caller}#{key}") }
}

/// The audit event written with each state change: in the tenant's trail, its
/// entity's (GSI1) and its actor's (GSI2); events of what a customer's own trail shows
/// (`Entity::trail`) also in that customer's (GSI3, see [`event_trail_key`]).
pub fn event_keys(tenant: TenantId, event_id: &str, entity_id: &str, actor: &str) -> Keys {
    Keys {
        key: Key { pk: format!("{}#EVENT", t(tenant)), sk: format!("EVT#{event_id}") },
        gsi1: Some(Key { pk: format!("{}#ENTITY#{entity_id}", t(tenant)), sk: format!("EVT#{event_id}") }),
        gsi2: Some(Key { pk: format!("{}#ACTOR#{actor}", t(tenant)), sk: format!("EVT#{event_id}") }),
    }
}

/// An event's place in its customer's own trail (`GET /portal/audit`), index GSI3.
pub fn event_trail_key(tenant: TenantId, customer: CustomerId, event_id: &str) -> Key {
    Key { pk: format!("{}#CUS#{customer}#EVENT", t(tenant)), sk: format!("EVT#{event_id}") }
}

/// The tenant's whole trail, newest first by the events' ULIDs.
pub fn all_events(tenant: TenantId) -> QueryKey {
    QueryKey { index: None, pk: format!("{}#EVENT", t(tenant)), sk_prefix: Some("EVT#".into()) }
}

impl Stored for Webhook {
    const TYPE: &'static str = "webhook";
}

impl Entity for Webhook {
    fn keys(&self, tenant: TenantId) -> Keys {
        Keys { key: webhook_key(tenant, self.id), gsi1: None, gsi2: None }
    }
    fn entity_id(&self) -> String {
        self.id.to_string()
    }
}

pub fn webhook_key(tenant: TenantId, id: WebhookId) -> Key {
    Key { pk: t(tenant), sk: format!("WHK#{id}") }
}

/// Every webhook subscription of the tenant, by id (creation order).
pub fn all_webhooks(tenant: TenantId) -> QueryKey {
    QueryKey { index: None, pk: t(tenant), sk_prefix: Some("WHK#".into()) }
}

impl Stored for WebhookSecrets {
    const TYPE: &'static str = "webhook_secrets";
}

impl Entity for WebhookSecrets {
    fn keys(&self, tenant: TenantId) -> Keys {
        Keys { key: webhook_secrets_key(tenant, self.webhook_id), gsi1: None, gsi2: None }
    }
    fn entity_id(&self) -> String {
        self.webhook_id.to_string()
    }
}

/// A subscription's signing secrets: beside it, outside its listing (`WHKSECRET#`).
pub fn webhook_secrets_key(tenant: TenantId, id: WebhookId) -> Key {
    Key { pk: t(tenant), sk: format!("WHKSECRET#{id}") }
}

impl Stored for Delivery {
    const TYPE: &'static str = "webhook_delivery";
}

impl Entity for Delivery {
    fn keys(&self, tenant: TenantId) -> Keys {
        let gsi1 = self.due_at().map(|at| Key { pk: WEBHOOKS_DUE.into(), sk: due_sort_key(at, self.id) });
        Keys { key: webhook_delivery_key(tenant, self.webhook_id, self.id), gsi1, gsi2: None }
    }
    fn entity_id(&self) -> String {
        self.id.to_string()
    }
}

/// One event's delivery to one subscription, in the subscription's delivery log.
pub fn webhook_delivery_key(tenant: TenantId, webhook: WebhookId, delivery: DeliveryId) -> Key {
    Key { pk: format!("{}#WHK#{webhook}#DLV", t(tenant)), sk: format!("DLV#{delivery}") }
}

/// The GSI1 partition of every delivery the schedule owes an attempt (a retry, or a first
/// attempt whose lease ran out), sorted by when: what the retry sweep reads. Like the
/// binding it is not under a tenant — the sweep serves every tenant — and the tenant of
/// each item is its table key's ([`webhook_delivery_tenant`]). An item leaves it when
/// delivered or failed for good (GSI1 is sparse).
pub const WEBHOOKS_DUE: &str = "WHKDUE";

/// Unix seconds, zero-padded so that the order of the strings is the order of the times,
/// then the delivery (unique).
fn due_sort_key(at: Timestamp, id: DeliveryId) -> String {
    format!("{:012}#{id}", at.unix_timestamp().max(0))
}

/// The due index's range of deliveries due at `now` or before.
pub fn webhooks_due(now: Timestamp) -> SortRange {
    SortRange { pk: WEBHOOKS_DUE.into(), from: "0".into(), to: format!("{:012}#~", now.unix_timestamp().max(0)) }
}

/// The tenant of a delivery's table partition (`T#<tenant>#WHK#<webhook>#DLV`).
pub fn webhook_delivery_tenant(pk: &str) -> Option<TenantId> {
    let (id, rest) = pk.strip_prefix("T#")?.split_once('#')?;
    rest.starts_with("WHK#").then_some(())?;
    TenantId::from_verified(id).ok()
}

/// A subscription's delivery log, by event id (the events' order).
pub fn webhook_deliveries(tenant: TenantId, webhook: WebhookId) -> QueryKey {
    QueryKey { index: None, pk: format!("{}#WHK#{webhook}#DLV", t(tenant)), sk_prefix: Some("DLV#".into()) }
}

/// A range of one partition's sort keys, both ends included.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SortRange {
    pub pk: String,
    pub from: String,
    pub to: String,
}

/// The tenant's events, oldest first, strictly after the event whose ULID is `after` (all
/// of them without it) and at most `until` (a ULID bound): the integration feed's range.
/// Empty (`None`) when nothing can lie between.
pub fn events_after(tenant: TenantId, after: Option<&str>, until: &str) -> Option<SortRange> {
    // Event sort keys are `EVT#` and 26 ULID characters (digits and capitals): the first
    // key above `EVT#<after>` of that form is above `EVT#<after>!` too.
    let from = after.map_or_else(|| "EVT#".to_owned(), |a| format!("EVT#{a}!"));
    let to = format!("EVT#{until}");
    (from <= to).then(|| SortRange { pk: format!("{}#EVENT", t(tenant)), from, to })
}

/// The trail of one entity (by the id events record for it).
pub fn events_of_entity(tenant: TenantId, entity_id: &str) -> QueryKey {
    QueryKey { index: Some(GSI1), pk: format!("{}#ENTITY#{entity_id}", t(tenant)), sk_prefix: Some("EVT#".into()) }
}

/// What one actor did (`admin:<sub>`, `operator:<sub>`, `member:<id>`).
pub fn events_of_actor(tenant: TenantId, actor: &str) -> QueryKey {
    QueryKey { index: Some(GSI2), pk: format!("{}#ACTOR#{actor}", t(tenant)), sk_prefix: Some("EVT#".into()) }
}

/// A customer's own trail: approvals, work requests and member changes.
pub fn events_of_customer(tenant: TenantId, customer: CustomerId) -> QueryKey {
    let key = event_trail_key(tenant, customer, "");
    QueryKey { index: Some(GSI3), pk: key.pk, sk_prefix: Some(key.sk) }
}

/// The tenant of an event item's partition key (`T#<tenant>#EVENT`), as the notifier
/// reads it from the table's stream: items Portico wrote, so the id is trusted.
pub fn event_tenant(pk: &str) -> Option<TenantId> {
    let id = pk.strip_prefix("T#")?.strip_suffix("#EVENT")?;
    TenantId::from_verified(id).ok()
}

/// One email of one event to one address: the notifier's record that it was sent
/// (or failed for good), so that a replayed event sends nothing twice.
pub fn delivery_key(tenant: TenantId, event_id: &str, address: &Email) -> Key {
    Key { pk: format!("{}#DLV#{event_id}", t(tenant)), sk: format!("TO#{address}") }
}

/// The report cells of one customer: monthly (`M#<YYYY-MM>#<site>`) and of now
/// (`N#<site>`), a key range per report.
pub fn report_cells(tenant: TenantId, customer: CustomerId) -> QueryKey {
    QueryKey { index: None, pk: format!("{}#CUS#{customer}#RPT", t(tenant)), sk_prefix: None }
}

pub fn report_cell_key(tenant: TenantId, cell: &crate::domain::report::Cell) -> Key {
    Key { pk: report_cells(tenant, cell.customer).pk, sk: cell.sort_key() }
}

/// The mark that an event's change was added to the report cells (so a replay adds
/// nothing).
pub fn report_applied_key(tenant: TenantId, event_id: &str) -> Key {
    Key { pk: format!("{}#RPTEV#{event_id}", t(tenant)), sk: "APPLIED".into() }
}

/// Every customer of the tenant.
pub fn all_customers(tenant: TenantId) -> QueryKey {
    QueryKey { index: None, pk: t(tenant), sk_prefix: Some("CUS#".into()) }
}

/// The direct children of a customer.
pub fn children_of(tenant: TenantId, parent: CustomerId) -> QueryKey {
    QueryKey { index: Some(GSI1), pk: format!("{}#CUS#{parent}", t(tenant)), sk_prefix: Some("CUS#".into()) }
}

/// Every site of the customer at `path` and of all its descendants: one query, whatever
/// the size of the rest of the tree.
pub fn sites_under(tenant: TenantId, path: &CustomerPath) -> QueryKey {
    let mut prefix = String::new();
    for id in path.ids() {
        prefix.push_str(&id.to_string());
        prefix.push('/');
    }
    QueryKey { index: Some(GSI1), pk: format!("{}#TREE#{}", t(tenant), path.root_id()), sk_prefix: Some(prefix) }
}

/// Only the customer's own sites (not its descendants').
pub fn own_sites_of(tenant: TenantId, path: &CustomerPath) -> QueryKey {
    let mut q = sites_under(tenant, path);
    q.sk_prefix = q.sk_prefix.map(|p| format!("{p}SITE#"));
    q
}

/// Every member of the tenant.
pub fn all_members(tenant: TenantId) -> QueryKey {
    QueryKey { index: None, pk: t(tenant), sk_prefix: Some("MEM#".into()) }
}

/// The members of one customer.
pub fn members_of_customer(tenant: TenantId, customer: CustomerId) -> QueryKey {
    QueryKey { index: Some(GSI1), pk: format!("{}#CUS#{customer}#MEM", t(tenant)), sk_prefix: Some("MEM#".into()) }
}

// --- payments (domain::payment) ---------------------------------------------------------

impl Stored for Payment {
    const TYPE: &'static str = "payment";
}

impl Entity for Payment {
    fn keys(&self, tenant: TenantId) -> Keys {
        Keys { key: payment_key(tenant, self.id), gsi1: None, gsi2: None }
    }
    fn entity_id(&self) -> String {
        self.id.to_string()
    }
    /// The paying member's customer: their trail shows the payment.
    fn trail(&self) -> Option<CustomerId> {
        Some(self.customer_id)
    }
}

pub fn payment_key(tenant: TenantId, id: PaymentId) -> Key {
    Key { pk: t(tenant), sk: format!("PAY#{id}") }
}

impl Stored for PaymentLock {
    const TYPE: &'static str = "payment_lock";
}

impl Entity for PaymentLock {
    fn keys(&self, tenant: TenantId) -> Keys {
        Keys { key: payment_lock_key(tenant, self.invoice_id), gsi1: None, gsi2: None }
    }
    fn entity_id(&self) -> String {
        self.invoice_id.to_string()
    }
}

/// Who is paying one invoice now (`PaymentLock`).
pub fn payment_lock_key(tenant: TenantId, invoice: InvoiceId) -> Key {
    Key { pk: t(tenant), sk: format!("PAYLOCK#{invoice}") }
}

/// The payment a processor's payment intent (`pi_…`) belongs to (a [`super::Claim`]).
pub fn payment_intent_key(tenant: TenantId, payment_intent: &str) -> Key {
    Key { pk: t(tenant), sk: format!("PAYPI#{payment_intent}") }
}

/// A processor event already recorded (a [`super::Claim`]): replays record nothing.
pub fn processor_event_key(tenant: TenantId, event_id: &str) -> Key {
    Key { pk: t(tenant), sk: format!("PEVT#{event_id}") }
}

impl Stored for PaymentAccount {
    const TYPE: &'static str = "payment_account";
}

impl Entity for PaymentAccount {
    fn keys(&self, tenant: TenantId) -> Keys {
        Keys { key: payment_account_key(tenant), gsi1: None, gsi2: None }
    }
    fn entity_id(&self) -> String {
        self.account_id.clone()
    }
}

/// The tenant's processor account.
pub fn payment_account_key(tenant: TenantId) -> Key {
    Key { pk: t(tenant), sk: "PAYACCT".into() }
}

impl Stored for AccountBinding {
    const TYPE: &'static str = "account_binding";
}

impl Entity for AccountBinding {
    fn keys(&self, _tenant: TenantId) -> Keys {
        Keys { key: account_binding_key(&self.account_id), gsi1: None, gsi2: None }
    }
    fn entity_id(&self) -> String {
        self.account_id.clone()
    }
}

/// Whose connected account (`acct_…`) it is: the processor's events name only the
/// account (the third key not under a tenant).
pub fn account_binding_key(account_id: &str) -> Key {
    Key { pk: format!("ACCT#{account_id}"), sk: "BINDING".into() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_partition_key_starts_with_the_tenant() {
        let tenant = TenantId::generate();
        let root = CustomerPath::root(CustomerId::generate());
        let prefix = format!("T#{tenant}");
        for q in [
            all_customers(tenant),
            children_of(tenant, CustomerId::generate()),
            sites_under(tenant, &root),
            all_members(tenant),
            members_of_customer(tenant, CustomerId::generate()),
            all_jobs(tenant),
            jobs_of_customer(tenant, CustomerId::generate()),
            jobs_at_site(tenant, SiteId::generate()),
            all_requests(tenant),
            requests_of_customer(tenant, CustomerId::generate()),
            requests_at_site(tenant, SiteId::generate()),
            notes_of_job(tenant, JobId::generate()),
            all_quotes(tenant),
            quotes_of_customer(tenant, CustomerId::generate()),
            quotes_at_site(tenant, SiteId::generate()),
            all_invoices(tenant),
            invoices_of_customer(tenant, CustomerId::generate()),
            invoices_at_site(tenant, SiteId::generate()),
            open_invoices_of_customer(tenant, CustomerId::generate()),
            open_invoices_at_site(tenant, SiteId::generate()),
            all_assets(tenant),
            assets_of_customer(tenant, CustomerId::generate()),
            assets_at_site(tenant, SiteId::generate()),
            jobs_of_asset(tenant, AssetId::generate()),
            all_documents(tenant),
            documents_of_customer(tenant, CustomerId::generate()),
            general_documents_of(tenant, CustomerId::generate()),
            documents_at_site(tenant, SiteId::generate()),
            all_events(tenant),
            events_of_entity(tenant, "job_x"),
            events_of_actor(tenant, "member:mem_x"),
            events_of_customer(tenant, CustomerId::generate()),
        ] {
            assert!(q.pk.starts_with(&prefix), "{q:?}");
        }
        assert_eq!(event_tenant(&event_keys(tenant, "01", "cus_x", "admin:s").key.pk), Some(tenant));
        assert_eq!(event_tenant(&t(tenant)), None);
        let e = event_keys(tenant, "01", "cus_x", "admin:s");
        assert!(e.key.pk.starts_with(&prefix) && e.gsi1.unwrap().pk.starts_with(&prefix));
    }

    #[test]
    fn a_delivery_is_in_the_due_index_while_the_schedule_owes_it_an_attempt() {
        use crate::domain::integration_event::EventType;
        use crate::domain::webhook::{Attempt, Delivery};
        let tenant = TenantId::generate();
        let at = Timestamp::parse("2026-01-02T03:04:05Z").unwrap();
        let mut d = Delivery::new(WebhookId::generate(), "evt_x", EventType::QuoteApproved, "{}".into(), at);
        let fail = |at| Attempt { at, ok: false, response_code: Some(500), latency_ms: 1, error: None, replay: false };
        // Claimed: due when its lease ends. Failed: due at the retry. Delivered: not due.
        let claimed = d.keys(tenant).gsi1.unwrap();
        assert_eq!(claimed.pk, WEBHOOKS_DUE);
        d.record(fail(at));
        let retrying = d.keys(tenant).gsi1.unwrap();
        assert!(retrying.sk < claimed.sk, "a minute's retry sorts before a five-minute lease");
        let range = webhooks_due(d.next_attempt_at.unwrap());
        assert!(range.from <= retrying.sk && retrying.sk <= range.to);
        let early = webhooks_due(d.next_attempt_at.unwrap().saturating_add(time::Duration::seconds(-1)));
        assert!(retrying.sk > early.to);
        d.record(Attempt { ok: true, response_code: Some(204), ..fail(at) });
        assert_eq!(d.keys(tenant).gsi1, None);
        // Its tenant, from its table key.
        assert_eq!(webhook_delivery_tenant(&d.keys(tenant).key.pk), Some(tenant));
        assert_eq!(webhook_delivery_tenant(&t(tenant)), None);
        assert_eq!(webhook_delivery_tenant(&format!("{}#EVENT", t(tenant))), None);
    }

    #[test]
    fn stamps_are_fixed_width_utc_and_sort_by_time() {
        let a = Timestamp::parse("2026-01-02T03:04:05.678+02:00").unwrap();
        let b = Timestamp::parse("2026-01-02T01:04:06Z").unwrap();
        assert_eq!(stamp(a), "2026-01-02T01:04:05Z");
        assert!(stamp(a) < stamp(b));
        let tenant = TenantId::generate();
        let file = FileId::generate();
        assert!(object_key(tenant, file).starts_with(&format!("tenants/{tenant}/")));
        assert_eq!(upload_key(tenant, file), format!("uploads/{}", object_key(tenant, file)));
    }

    #[test]
    fn a_child_customers_sites_sort_under_the_parents_prefix() {
        let tenant = TenantId::generate();
        let parent = CustomerPath::root(CustomerId::generate());
        let child = parent.child(CustomerId::generate()).unwrap();
        let parent_q = sites_under(tenant, &parent);
        let child_q = sites_under(tenant, &child);
        assert_eq!(parent_q.pk, child_q.pk);
        assert!(child_q.sk_prefix.unwrap().starts_with(parent_q.sk_prefix.as_deref().unwrap()));
        let own = own_sites_of(tenant, &parent).sk_prefix.unwrap();
        assert!(own.ends_with("/SITE#"));
    }
}
