//! The notifier: turns the audit events on the table's stream into emails.
//!
//! Lambda hands it batches of stream records, filtered to new event items about jobs,
//! work requests, quotes, invoices, messages and payments (receipts) ([`STREAM_FILTER`], the same pattern in
//! the template and in the local stack's poller). Per record: decode the event, decide
//! what it is news of ([`About`]), find who hears of it now (members by scope,
//! permission, portal feature and choice; contacts by role), and send each recipient
//! one email — claimed first, so a replayed record sends nothing twice
//! (`store::deliveries`). A record whose emails could not all be sent or refused for
//! good is reported as the batch's first failure: Lambda retries from it (bounded, then
//! the on-failure queue), and the retry sends only what is still owed.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use aws_lambda_events::event::dynamodb::{Event as StreamEvent, EventRecord};
use aws_lambda_events::event::streams::{DynamoDbBatchItemFailure, DynamoDbEventResponse};
use portico::domain::contact::Contact;
use portico::domain::group::{AccessGroup, Rights};
use portico::domain::ids::{GroupId, TenantId};
use portico::domain::invoice::Invoice;
use portico::domain::job::Job;
use portico::domain::member::Member;
use portico::domain::message::Message;
use portico::domain::notification::{contact_receives, member_receives, wants, About, Candidate};
use portico::domain::payment::Payment;
use portico::domain::quote::Quote;
use portico::domain::settings::Settings;
use portico::domain::site::Site;
use portico::domain::text::{Email, Locale};
use portico::domain::work_request::WorkRequest;
use portico::mail::notice::Notice;
use portico::mail::unsubscribe::{Party, Unsubscribe};
use portico::mail::{Brand, Extras};
use portico::store::deliveries::{Claim, Outcome, Recipient};
use portico::store::keys::{self, Stored};
use portico::store::Event;
use portico::{App, Result};
use serde::de::DeserializeOwned;

/// The stream records the notifier is given: new event items about what notifies. The
/// template's event source filter and the local poller use this same pattern.
pub const STREAM_FILTER: &str = r#"{"eventName":["INSERT"],"dynamodb":{"NewImage":{"type":{"S":["event"]},"entity_type":{"S":["job","work_request","quote","invoice","message","payment"]}}}}"#;

/// What one batch did, for logs, metrics and tests.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Tally {
    /// Records that were news to someone.
    pub notices: u32,
    pub sent: u32,
    /// Refused for good by SES (recorded as `failed`).
    pub failed: u32,
    /// Worth another try: the record is reported as a batch item failure.
    pub retried: u32,
    /// Already sent (or failed for good) by an earlier delivery of the same record.
    pub duplicates: u32,
}

impl Tally {
    pub fn add(&mut self, other: &Tally) {
        self.notices += other.notices;
        self.sent += other.sent;
        self.failed += other.failed;
        self.retried += other.retried;
        self.duplicates += other.duplicates;
    }
}

/// Handles one batch: records in order; the first record that still owes emails is
/// reported (with ReportBatchItemFailures Lambda retries from it, and only it and later
/// records run again — already-sent emails are skipped by their delivery records).
pub async fn handle(app: &App, batch: StreamEvent) -> (DynamoDbEventResponse, Tally) {
    let mut tally = Tally::default();
    let mut response = DynamoDbEventResponse::default();
    for record in &batch.records {
        let outcome = process(app, record).await;
        let owed = match &outcome {
            Ok(t) => {
                tally.add(t);
                t.retried > 0
            }
            Err(e) => {
                tracing::error!(error = %e, "a stream record could not be processed");
                true
            }
        };
        if owed {
            let mut failure = DynamoDbBatchItemFailure::default();
            failure.item_identifier = record.change.sequence_number.clone();
            response.batch_item_failures.push(failure);
            break;
        }
    }
    portico::observability::metric("NotificationsSent", f64::from(tally.sent), "Count");
    portico::observability::metric("NotificationsFailed", f64::from(tally.failed), "Count");
    tracing::info!(
        records = batch.records.len(),
        notices = tally.notices,
        sent = tally.sent,
        failed = tally.failed,
        retried = tally.retried,
        duplicates = tally.duplicates,
        "stream batch handled"
    );
    (response, tally)
}

fn parse<T: DeserializeOwned>(v: Option<&serde_json::Value>) -> Result<Option<T>> {
    Ok(v.map(|v| serde_json::from_value(v.clone())).transpose().map_err(anyhow::Error::from)?)
}

/// What an event is news of, if anything.
fn about(event: &Event) -> Result<Option<About>> {
    let (b, a) = (event.before.as_ref(), event.after.as_ref());
    Ok(match event.entity_type.as_str() {
        t if t == Job::TYPE => About::of_job(parse(b)?, parse(a)?),
        t if t == WorkRequest::TYPE => About::of_work_request(parse(b)?, parse(a)?),
        t if t == Quote::TYPE => About::of_quote(parse(b)?, parse(a)?),
        t if t == Invoice::TYPE => About::of_invoice(parse(b)?, parse(a)?),
        t if t == Message::TYPE => About::of_message(parse(b)?, parse(a)?, event.at),
        t if t == Payment::TYPE => About::of_payment(parse(b)?, parse(a)?),
        _ => None,
    })
}

/// One recipient of one notice.
struct To {
    address: Email,
    party: Party,
    first_name: String,
    locale: Option<Locale>,
}

async fn process(app: &App, record: &EventRecord) -> Result<Tally> {
    let image = &record.change.new_image;
    let pk = match image.get(keys::PK) {
        Some(serde_dynamo::AttributeValue::S(pk)) => pk.clone(),
        _ => return Ok(Tally::default()),
    };
    let Some(tenant) = keys::event_tenant(&pk) else { return Ok(Tally::default()) };
    let event: Event = serde_dynamo::from_item(image.clone()).map_err(anyhow::Error::from)?;
    let Some(about) = about(&event)? else { return Ok(Tally::default()) };

    let mut wanted = vec![keys::settings_key(tenant)];
    wanted.extend(about.site_id().map(|s| keys::site_key(tenant, s)));
    let found = app.store.batch(&wanted).await?;
    let settings: Settings = found.settings()?;
    let site = found.one::<Site>()?;
    let recipients = recipients(app, tenant, &about, &settings, site.as_ref()).await?;

    let brand = Brand::of(&settings);
    let portal_url = settings.branding.portal_url.as_ref().map(|u| u.to_string());
    let kind = about.kind().as_str();
    let mut tally = Tally { notices: 1, ..Tally::default() };
    for to in &recipients {
        let party = to.party.to_string();
        let who = Recipient { address: &to.address, party: &party, kind };
        let attempt = match app.store.claim_delivery(tenant, &event.id, &who).await? {
            Claim::Mine { attempt } => attempt,
            Claim::Done => {
                tally.duplicates += 1;
                continue;
            }
            Claim::Busy => {
                tally.retried += 1;
                continue;
            }
        };
        let locale = to.locale.unwrap_or(settings.default_locale);
        let unsubscribe = app.config.api_url.as_deref().map(|api| {
            Unsubscribe { tenant, party: to.party, kind: about.kind(), locale }.url(api, app.store.cursors())
        });
        let notice = Notice {
            about: &about,
            locale,
            brand: &brand,
            first_name: &to.first_name,
            site_name: site.as_ref().map(|s| s.name.as_str()),
            portal_url: portal_url.as_deref(),
            unsubscribe_url: unsubscribe.as_deref(),
        };
        let extras = Extras {
            headers: unsubscribe.as_deref().map(Unsubscribe::headers).unwrap_or_default(),
            tags: vec![("tenant", tenant.to_string()), ("party", party.clone()), ("kind", kind.to_owned())],
            configuration_set: app.config.configuration_set.clone(),
        };
        let outcome = match notice.render() {
            Ok(mail) => match app.mailer().send_with(&brand, &to.address, mail, &extras).await {
                Ok(()) => Outcome::Sent,
                Err(e) if e.transient => Outcome::Retry(e.reason),
                Err(e) => Outcome::Failed(e.reason),
            },
            Err(e) => Outcome::Failed(format!("rendering: {e}")),
        };
        match &outcome {
            Outcome::Sent => tally.sent += 1,
            Outcome::Retry(_) => tally.retried += 1,
            Outcome::Failed(reason) => {
                tally.failed += 1;
                tracing::error!(event_id = %event.id, party = %party, reason, "notification refused for good");
            }
        }
        app.store.finish_delivery(tenant, &event.id, &to.address, attempt, &outcome).await?;
    }
    Ok(tally)
}

/// Who hears of `about`, as things are now: one entry per address.
async fn recipients(
    app: &App,
    tenant: TenantId,
    about: &About,
    settings: &Settings,
    site: Option<&Site>,
) -> Result<Vec<To>> {
    let kind = about.kind();
    let members: Vec<Member> = match about {
        About::WorkRequest { request } => {
            app.store.get::<Member>(keys::member_key(tenant, request.member_id)).await?.into_iter().collect()
        }
        About::Message { .. } => app.store.query_all::<Member>(keys::all_members(tenant)).await?,
        About::Payment { payment } => {
            app.store.get::<Member>(keys::member_key(tenant, payment.member_id)).await?.into_iter().collect()
        }
        _ => {
            // Members of the customer and of every customer above it (whose scope may
            // cover it): one query per level of the tree.
            let mut all = Vec::new();
            if let Some((_, path)) = about.customer() {
                for customer in path.ids() {
                    all.extend(app.store.query_all::<Member>(keys::members_of_customer(tenant, *customer)).await?);
                }
            }
            all
        }
    };
    // Only those who may hear of it at all: their groups are read next.
    let members: Vec<Member> = members.into_iter().filter(|m| wants(m, kind)).collect();
    let group_ids: BTreeSet<GroupId> = members.iter().flat_map(|m| m.group_ids.iter().copied()).collect();
    let groups: BTreeMap<GroupId, AccessGroup> =
        app.store.groups(tenant, &group_ids).await?.into_iter().map(|g| (g.id, g)).collect();

    let site_ref = site.map(Site::as_ref);
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for member in &members {
        let mine: Vec<AccessGroup> = member.group_ids.iter().filter_map(|g| groups.get(g).cloned()).collect();
        let rights = Rights::of(member, &mine);
        let in_groups: BTreeSet<GroupId> = mine.iter().map(|g| g.id).collect();
        let who = Candidate { member, rights: &rights, groups: &in_groups };
        if member_receives(about, &who, &settings.features, site_ref.as_ref())
            && seen.insert(member.email.as_str().to_ascii_lowercase())
        {
            out.push(To {
                address: member.email.clone(),
                party: Party::Member(member.id),
                first_name: member.first_name.to_string(),
                locale: member.locale,
            });
        }
    }
    if let Some((customer, _)) = about.customer() {
        if about.reaches_contacts() {
            for contact in app.store.query_all::<Contact>(keys::contacts_of_customer(tenant, customer)).await? {
                if contact_receives(about, &contact) && seen.insert(contact.email.as_str().to_ascii_lowercase()) {
                    out.push(To {
                        address: contact.email.clone(),
                        party: Party::Contact(contact.id),
                        first_name: contact.first_name.to_string(),
                        locale: None,
                    });
                }
            }
        }
    }
    Ok(out)
}
