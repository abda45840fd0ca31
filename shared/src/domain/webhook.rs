//! Webhook subscriptions: where a back office receives its events
//! ([`super::integration_event`]), signed as the Standard Webhooks specification says
//! (`webhook-id`, `webhook-timestamp`, `webhook-signature`: HMAC-SHA256 with a `whsec_`
//! secret).
//!
//! A subscription's URL is `https://`, and every address its host resolves to must be a
//! public one: no private, loopback, link-local, unique-local, shared or metadata address
//! ([`is_public`]), checked when the subscription is saved and again at each delivery
//! (which connects to the address it checked). Only the local stack may send to the
//! machine itself (`http://localhost`, `http://127.0.0.1`, any address).

use std::collections::BTreeSet;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use super::ids::{DeliveryId, WebhookId};
use super::integration_event::EventType;
use super::tenant::{double_option, now, unique, unique_opt, Timestamp};
use super::text::{Name, WebUrl};
use crate::error::Error;

/// The most subscriptions a tenant may have.
pub const MAX_WEBHOOKS: usize = 10;

/// How long the secret a rotation replaces still signs deliveries (each then carries two
/// signatures), so the receiver can switch without missing one.
pub const ROTATION_OVERLAP_HOURS: i64 = 24;

/// Whether a subscription is sent to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum WebhookStatus {
    /// Deliveries go out.
    Active,
    /// Nothing is sent (events are still in the pull feed): paused by an admin, or by
    /// Portico after failing for days. Setting `active` resumes it.
    Paused,
}

/// `POST /admin/webhooks`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewWebhook {
    /// Where events are POSTed: `https://`, a public address.
    pub url: WebUrl,
    /// The event types to receive (at least one, each once).
    #[serde(deserialize_with = "unique")]
    #[schema(min_items = 1)]
    pub event_types: BTreeSet<EventType>,
    pub description: Option<Name>,
}

/// `PATCH /admin/webhooks/{webhook_id}`: the fields given change.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WebhookPatch {
    pub url: Option<WebUrl>,
    #[serde(default, deserialize_with = "unique_opt")]
    #[schema(min_items = 1)]
    pub event_types: Option<BTreeSet<EventType>>,
    /// A text, or null to remove it.
    #[serde(default, deserialize_with = "double_option")]
    pub description: Option<Option<Name>>,
    /// `paused` stops deliveries; `active` resumes them (and forgets past failures).
    pub status: Option<WebhookStatus>,
}

/// A subscription as stored. Its signing secrets are kept apart ([`WebhookSecrets`]):
/// never in the audit trail, never shown again after they are made.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Webhook {
    pub id: WebhookId,
    pub url: WebUrl,
    pub event_types: BTreeSet<EventType>,
    pub description: Option<Name>,
    pub status: WebhookStatus,
    /// Since when every delivery has failed (none succeeded since): cleared by a success.
    #[serde(default)]
    pub failing_since: Option<Timestamp>,
    /// Why it is paused, when Portico paused it.
    #[serde(default)]
    pub paused_reason: Option<String>,
    #[serde(default)]
    pub secret_rotated_at: Option<Timestamp>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub version: u64,
}

/// A subscription as the API shows it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct WebhookView {
    pub id: WebhookId,
    #[schema(value_type = String, example = "https://erp.example.com/portico/events")]
    pub url: WebUrl,
    pub event_types: BTreeSet<EventType>,
    #[schema(value_type = Option<String>)]
    pub description: Option<Name>,
    pub status: WebhookStatus,
    pub failing_since: Option<Timestamp>,
    pub paused_reason: Option<String>,
    pub secret_rotated_at: Option<Timestamp>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub version: u64,
    /// Only in the answer that creates it (or rotates it): the signing secret,
    /// `whsec_` and base64. Keep it; it is never shown again.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(example = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")]
    pub secret: Option<String>,
    /// After a rotation: until when the previous secret also signs deliveries.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub previous_secret_valid_until: Option<Timestamp>,
}

impl Webhook {
    pub fn create(input: NewWebhook) -> Result<Self, Error> {
        check_types(&input.event_types)?;
        let at = now();
        Ok(Self {
            id: WebhookId::generate(),
            url: input.url,
            event_types: input.event_types,
            description: input.description,
            status: WebhookStatus::Active,
            failing_since: None,
            paused_reason: None,
            secret_rotated_at: None,
            created_at: at,
            updated_at: at,
            version: 1,
        })
    }

    /// Applies `patch`; the version moves only if something changed.
    pub fn apply(&mut self, patch: WebhookPatch) -> Result<(), Error> {
        let before = self.clone();
        if let Some(url) = patch.url {
            self.url = url;
        }
        if let Some(types) = patch.event_types {
            check_types(&types)?;
            self.event_types = types;
        }
        if let Some(description) = patch.description {
            self.description = description;
        }
        match patch.status {
            Some(WebhookStatus::Active) if self.status == WebhookStatus::Paused => {
                self.status = WebhookStatus::Active;
                self.failing_since = None;
                self.paused_reason = None;
            }
            Some(WebhookStatus::Paused) => self.status = WebhookStatus::Paused,
            _ => {}
        }
        if !super::representation::same_content(self, &before) {
            self.updated_at = now();
            self.version += 1;
        }
        Ok(())
    }

    /// Whether an event of `kind` goes to this subscription now.
    pub fn wants(&self, kind: EventType) -> bool {
        self.status == WebhookStatus::Active && self.event_types.contains(&kind)
    }

    pub fn view(&self) -> WebhookView {
        WebhookView {
            id: self.id,
            url: self.url.clone(),
            event_types: self.event_types.clone(),
            description: self.description.clone(),
            status: self.status,
            failing_since: self.failing_since,
            paused_reason: self.paused_reason.clone(),
            secret_rotated_at: self.secret_rotated_at,
            created_at: self.created_at,
            updated_at: self.updated_at,
            version: self.version,
            secret: None,
            previous_secret_valid_until: None,
        }
    }
}

fn check_types(types: &BTreeSet<EventType>) -> Result<(), Error> {
    if types.is_empty() {
        return Err(Error::invalid_field("event_types", "must name at least one event type"));
    }
    Ok(())
}

/// A subscription's signing secrets, stored beside it.
#[derive(Clone, Serialize, Deserialize)]
pub struct WebhookSecrets {
    pub webhook_id: WebhookId,
    pub current: String,
    /// The secret a rotation replaced, and until when it still signs.
    pub previous: Option<String>,
    pub previous_until: Option<Timestamp>,
}

impl std::fmt::Debug for WebhookSecrets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebhookSecrets").field("webhook_id", &self.webhook_id).finish_non_exhaustive()
    }
}

impl WebhookSecrets {
    pub fn new(webhook_id: WebhookId) -> Self {
        Self { webhook_id, current: new_secret(), previous: None, previous_until: None }
    }

    /// A new current secret; the one it replaces signs too for [`ROTATION_OVERLAP_HOURS`].
    pub fn rotate(&mut self, at: Timestamp) {
        let old = std::mem::replace(&mut self.current, new_secret());
        self.previous = Some(old);
        self.previous_until = Some(at.saturating_add(time::Duration::hours(ROTATION_OVERLAP_HOURS)));
    }

    /// The secrets that sign a delivery at `at`: the current one, and the previous one
    /// within its overlap.
    pub fn signing(&self, at: Timestamp) -> Vec<&str> {
        let previous = self.previous.as_deref().filter(|_| self.previous_until.is_some_and(|until| at < until));
        std::iter::once(self.current.as_str()).chain(previous).collect()
    }
}

/// A new secret: `whsec_` and the base64 of 32 random bytes (Standard Webhooks' form).
pub fn new_secret() -> String {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    format!("whsec_{}", STANDARD.encode(bytes))
}

/// The `webhook-signature` header of a delivery: `v1,<base64 HMAC-SHA256 of
/// "id.timestamp.body">` for each secret, separated by spaces.
pub fn signature(secrets: &[&str], id: &str, timestamp: i64, body: &[u8]) -> Result<String, Error> {
    let mut out = Vec::with_capacity(secrets.len());
    for secret in secrets {
        let key = secret
            .strip_prefix("whsec_")
            .and_then(|k| STANDARD.decode(k).ok())
            .ok_or_else(|| anyhow::anyhow!("a webhook secret is not whsec_ and base64"))?;
        let mut mac = Hmac::<Sha256>::new_from_slice(&key).map_err(|e| anyhow::anyhow!("HMAC key: {e}"))?;
        mac.update(format!("{id}.{timestamp}.").as_bytes());
        mac.update(body);
        out.push(format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes())));
    }
    Ok(out.join(" "))
}

/// Whether Portico may send to `ip`: a public unicast address. Refused: unspecified,
/// loopback, private (RFC 1918), shared (100.64/10), link-local (169.254/16, the cloud
/// metadata service's 169.254.169.254 among them; fe80::/10), unique-local (fc00::/7,
/// the metadata service's fd00:ec2::254 among them), multicast, broadcast, documentation,
/// benchmarking and reserved ranges, and IPv6 forms that embed one of those (IPv4-mapped,
/// IPv4-compatible, NAT64).
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => is_public_v6(v6),
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_multicast()
        || ip.is_broadcast()
        || ip.is_documentation()
        || a == 0
        || (a == 100 && (64..128).contains(&b))
        || (a == 192 && b == 0 && c == 0)
        || (a == 198 && (b == 18 || b == 19))
        || a >= 240)
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return is_public_v4(v4);
    }
    let s = ip.segments();
    // ::a.b.c.d (deprecated IPv4-compatible) and 64:ff9b::/96 (NAT64) reach IPv4.
    if s[..6] == [0; 6] || (s[0] == 0x64 && s[1] == 0xff9b && s[2..6] == [0; 4]) {
        return is_public_v4(Ipv4Addr::new((s[6] >> 8) as u8, s[6] as u8, (s[7] >> 8) as u8, s[7] as u8));
    }
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_multicast()
        || (s[0] & 0xfe00) == 0xfc00
        || (s[0] & 0xffc0) == 0xfe80
        || (s[0] == 0x2001 && s[1] == 0x0db8))
}

/// Whether `url`, resolved to `addresses`, may be sent to: on a deployment, an `https://`
/// URL whose host resolves, each of its addresses public ([`is_public`]); on the local
/// stack (`local`), any.
pub fn check_target(url: &WebUrl, addresses: &[IpAddr], local: bool) -> Result<(), Error> {
    // The local stack has no internet to resolve from: a delivery to a name that does
    // not resolve fails, and is logged, as one that times out.
    if local {
        return Ok(());
    }
    if addresses.is_empty() {
        return Err(Error::invalid_field("url", "its host does not resolve"));
    }
    if url.is_loopback() {
        return Err(Error::invalid_field("url", "must be an https:// URL"));
    }
    if let Some(ip) = addresses.iter().find(|ip| !is_public(**ip)) {
        return Err(Error::invalid_field(
            "url",
            format!("its host resolves to {ip}, which is not a public address: Portico sends only to the internet"),
        ));
    }
    Ok(())
}

/// How long after a failed attempt the next one is made: about a day in all (1 min,
/// 5 min, 30 min, 2 h, 6 h, 14 h: the last attempt 22 h 36 min after the first). After
/// the last one fails the delivery has failed for good (it can still be replayed).
pub const RETRY_AFTER_SECONDS: [i64; 6] = [60, 300, 1800, 7200, 21_600, 50_400];

/// How long a claimed first attempt, or one taken by a run of the retry schedule, may
/// take before the schedule makes it (again): far beyond one attempt's bound (13 s), so
/// only a delivery whose function stopped between taking and recording it is picked up.
pub const LEASE_SECONDS: i64 = 300;

/// A subscription whose deliveries have all failed for this long is paused, and the
/// tenant's admins are emailed.
pub const PAUSE_AFTER_DAYS: i64 = 3;

/// How long the delivery log keeps a delivery and its attempts (by the table's TTL).
pub const DELIVERY_LOG_DAYS: i64 = 30;

/// The most attempts a delivery's log keeps (the earliest are dropped first): retries
/// and replays together.
pub const MAX_ATTEMPTS_KEPT: usize = 20;

/// Where a delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeliveryState {
    /// Claimed, the first attempt under way.
    Sending,
    /// The receiver answered 2xx.
    Delivered,
    /// The last attempt failed; another follows at `next_attempt_at`.
    Retrying,
    /// Every attempt failed (or the subscription is gone or paused): no more are made
    /// unless an admin replays it.
    Failed,
}

/// What one attempt found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Attempt {
    pub at: Timestamp,
    /// Whether the receiver answered 2xx.
    pub ok: bool,
    /// The receiver's HTTP status, if it answered.
    pub response_code: Option<u16>,
    /// From sending the request to its answer (or to the failure).
    pub latency_ms: u64,
    /// Why it failed without an answer (`timed out`, `connection refused`, a refused
    /// address): never the receiver's body.
    pub error: Option<String>,
    /// Sent by an admin's replay rather than the schedule.
    #[serde(default)]
    pub replay: bool,
}

/// One event's delivery to one subscription, with every attempt: the delivery log.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Delivery {
    /// `dlv_` and the event's ULID: one per (subscription, event).
    pub id: DeliveryId,
    pub webhook_id: WebhookId,
    /// The `webhook-id` of every attempt: the event's id.
    pub event_id: String,
    pub event_type: EventType,
    /// The body, exactly as first sent: every retry and replay sends the same bytes.
    pub body: String,
    pub state: DeliveryState,
    pub attempts: Vec<Attempt>,
    /// Attempts made by the schedule (replays not counted).
    pub scheduled_attempts: u32,
    pub next_attempt_at: Option<Timestamp>,
    /// Taken by a run of the retry schedule until then ([`Delivery::take`]): no other
    /// run attempts it meanwhile.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lease_until: Option<Timestamp>,
    pub created_at: Timestamp,
    pub version: u64,
    pub expires_at: i64,
}

/// A delivery as the API shows it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DeliveryView {
    pub id: DeliveryId,
    pub webhook_id: WebhookId,
    #[schema(example = "evt_01JD8Z6V5Q2W3E4R5T6Y7A8B9C")]
    pub event_id: String,
    pub event_type: EventType,
    pub state: DeliveryState,
    /// Oldest first (at most 20 kept).
    pub attempts: Vec<Attempt>,
    pub next_attempt_at: Option<Timestamp>,
    pub created_at: Timestamp,
}

impl Delivery {
    /// A delivery of `event` (already serialized as `body`) to `webhook`, claimed for its
    /// first attempt.
    pub fn new(webhook: WebhookId, event_id: &str, event_type: EventType, body: String, at: Timestamp) -> Self {
        let ulid = super::integration_event::audit_id(event_id).unwrap_or_default();
        Self {
            id: DeliveryId::from_ulid_str(ulid).unwrap_or_else(DeliveryId::generate),
            webhook_id: webhook,
            event_id: event_id.to_owned(),
            event_type,
            body,
            state: DeliveryState::Sending,
            attempts: Vec::new(),
            scheduled_attempts: 0,
            next_attempt_at: None,
            lease_until: None,
            created_at: at,
            version: 1,
            expires_at: at.saturating_add(time::Duration::days(DELIVERY_LOG_DAYS)).unix_timestamp(),
        }
    }

    /// Records `attempt`: delivered, or retried on the schedule, or failed for good once
    /// the schedule is spent. A replay's failure leaves the schedule as it was.
    pub fn record(&mut self, attempt: Attempt) {
        let at = attempt.at;
        let (ok, replay) = (attempt.ok, attempt.replay);
        self.attempts.push(attempt);
        self.lease_until = None;
        if self.attempts.len() > MAX_ATTEMPTS_KEPT {
            let extra = self.attempts.len() - MAX_ATTEMPTS_KEPT;
            self.attempts.drain(..extra);
        }
        self.version += 1;
        if ok {
            self.state = DeliveryState::Delivered;
            self.next_attempt_at = None;
            return;
        }
        if replay {
            if self.state == DeliveryState::Sending {
                self.state = DeliveryState::Failed;
            }
            return;
        }
        self.scheduled_attempts += 1;
        match next_attempt(self.scheduled_attempts, at) {
            Some(next) => {
                self.state = DeliveryState::Retrying;
                self.next_attempt_at = Some(next);
            }
            None => {
                self.state = DeliveryState::Failed;
                self.next_attempt_at = None;
            }
        }
    }

    /// When the schedule owes this delivery an attempt: a retry's time, or — for a first
    /// attempt claimed but never recorded (the function stopped between the two) — the
    /// end of its lease. `None` once it is delivered or has failed for good.
    /// A delivery taken by a run is due again only when that run's lease ends (if the
    /// run stopped before recording its attempt).
    pub fn due_at(&self) -> Option<Timestamp> {
        let due = match self.state {
            DeliveryState::Retrying => self.next_attempt_at,
            DeliveryState::Sending => Some(self.created_at.saturating_add(time::Duration::seconds(LEASE_SECONDS))),
            DeliveryState::Delivered | DeliveryState::Failed => None,
        };
        due.map(|due| self.lease_until.map_or(due, |lease| due.max(lease)))
    }

    /// Takes the delivery for an attempt by a run of the schedule at `now`: stored
    /// (conditional on the version it was read at) before anything is sent, so that
    /// another run, or a stale read of the due index, finds it taken.
    pub fn take(&mut self, now: Timestamp) {
        self.lease_until = Some(now.saturating_add(time::Duration::seconds(LEASE_SECONDS)));
        self.version += 1;
    }

    /// Takes the delivery off the schedule, failed for good: its subscription is gone or
    /// paused.
    pub fn give_up(&mut self) {
        self.state = DeliveryState::Failed;
        self.next_attempt_at = None;
        self.lease_until = None;
        self.version += 1;
    }

    /// Whether the schedule owes an attempt at `now`.
    pub fn is_due(&self, now: Timestamp) -> bool {
        self.due_at().is_some_and(|t| t <= now)
    }

    pub fn view(&self) -> DeliveryView {
        DeliveryView {
            id: self.id,
            webhook_id: self.webhook_id,
            event_id: self.event_id.clone(),
            event_type: self.event_type,
            state: self.state,
            attempts: self.attempts.clone(),
            next_attempt_at: self.next_attempt_at,
            created_at: self.created_at,
        }
    }
}

/// When the attempt after `failed` failed scheduled attempts (the last at `at`) is due;
/// `None` once the schedule is spent.
pub fn next_attempt(failed: u32, at: Timestamp) -> Option<Timestamp> {
    let i = usize::try_from(failed).ok()?.checked_sub(1)?;
    RETRY_AFTER_SECONDS.get(i).map(|s| at.saturating_add(time::Duration::seconds(*s)))
}

impl Webhook {
    /// Notes an attempt's outcome: a success ends a failing streak; a failure starts one
    /// (or continues it). True when this failure pauses the subscription: it has failed
    /// for [`PAUSE_AFTER_DAYS`] (the admins are then told).
    pub fn note(&mut self, ok: bool, at: Timestamp) -> bool {
        if ok {
            self.failing_since = None;
            return false;
        }
        let since = *self.failing_since.get_or_insert(at);
        if self.status == WebhookStatus::Active && at >= since.saturating_add(time::Duration::days(PAUSE_AFTER_DAYS)) {
            self.status = WebhookStatus::Paused;
            self.paused_reason = Some(format!("every delivery failed for {PAUSE_AFTER_DAYS} days"));
            return true;
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> WebUrl {
        WebUrl::parse(s).unwrap()
    }

    fn at(s: &str) -> Timestamp {
        Timestamp::parse(s).unwrap()
    }

    #[test]
    fn a_failing_delivery_is_retried_for_about_a_day_then_fails_and_a_success_ends_it() {
        let start = at("2026-11-01T10:00:00Z");
        let mut d = Delivery::new(
            WebhookId::generate(),
            "evt_01JD8Z6V5Q2W3E4R5T6Y7A8B9C",
            EventType::QuoteApproved,
            "{}".into(),
            start,
        );
        assert_eq!(d.id.to_string(), "dlv_01JD8Z6V5Q2W3E4R5T6Y7A8B9C", "one per event and subscription");
        let fail = |t: Timestamp| Attempt {
            at: t,
            ok: false,
            response_code: Some(500),
            latency_ms: 3,
            error: None,
            replay: false,
        };
        let mut now = start;
        let mut times = vec![];
        loop {
            d.record(fail(now));
            match d.next_attempt_at {
                Some(next) => {
                    assert!(!d.is_due(now) && d.is_due(next));
                    now = next;
                    times.push(now);
                }
                None => break,
            }
        }
        assert_eq!(d.state, DeliveryState::Failed);
        assert_eq!(d.attempts.len(), 1 + RETRY_AFTER_SECONDS.len());
        let span = now.unix_timestamp() - start.unix_timestamp();
        assert!((20 * 3600..=26 * 3600).contains(&span), "about a day: {span}s");

        // A replay that succeeds delivers it; one that fails changes nothing else.
        let mut r = d.clone();
        r.record(Attempt { replay: true, ..fail(now) });
        assert_eq!((r.state, r.scheduled_attempts), (DeliveryState::Failed, d.scheduled_attempts));
        r.record(Attempt { ok: true, replay: true, response_code: Some(204), ..fail(now) });
        assert_eq!((r.state, r.next_attempt_at), (DeliveryState::Delivered, None));
        // The log keeps the latest attempts.
        for _ in 0..30 {
            r.record(Attempt { replay: true, ..fail(now) });
        }
        assert_eq!(r.attempts.len(), MAX_ATTEMPTS_KEPT);
    }

    #[test]
    fn a_taken_delivery_is_due_again_only_when_its_lease_ends_and_an_attempt_ends_the_lease() {
        let start = at("2026-11-01T10:00:00Z");
        let mut d = Delivery::new(WebhookId::generate(), "evt_x", EventType::QuoteApproved, "{}".into(), start);
        let lease = time::Duration::seconds(LEASE_SECONDS);
        assert_eq!(d.due_at(), Some(start.saturating_add(lease)), "a claimed first attempt: its lease");
        let fail = Attempt { at: start, ok: false, response_code: None, latency_ms: 1, error: None, replay: false };
        d.record(fail.clone());
        let retry_at = d.next_attempt_at.unwrap();
        assert_eq!(d.due_at(), Some(retry_at));
        let version = d.version;
        d.take(retry_at);
        assert_eq!(d.version, version + 1, "taking is a write, conditional on the version read");
        assert!(!d.is_due(retry_at) && !d.is_due(retry_at.saturating_add(lease - time::Duration::seconds(1))));
        assert!(d.is_due(retry_at.saturating_add(lease)), "due again if the run stopped before recording");
        d.record(Attempt { at: retry_at, ..fail });
        assert_eq!((d.lease_until, d.due_at()), (None, d.next_attempt_at), "recorded: the schedule's own time again");
    }

    #[test]
    fn a_subscription_failing_for_days_is_paused_once_and_a_success_forgets_the_streak() {
        let input = NewWebhook {
            url: url("https://erp.example.com/hook"),
            event_types: [EventType::QuoteApproved].into(),
            description: None,
        };
        let mut w = Webhook::create(input).unwrap();
        let t0 = at("2026-11-01T10:00:00Z");
        assert!(!w.note(false, t0));
        assert!(!w.note(false, at("2026-11-04T09:59:59Z")));
        assert!(!w.note(true, at("2026-11-04T09:59:59Z")) && w.failing_since.is_none());
        assert!(!w.note(false, at("2026-11-05T00:00:00Z")));
        assert!(w.note(false, at("2026-11-08T00:00:00Z")), "three days of failures");
        assert_eq!(w.status, WebhookStatus::Paused);
        assert!(!w.note(false, at("2026-11-09T00:00:00Z")), "paused once");
    }

    #[test]
    fn private_loopback_link_local_unique_local_and_metadata_addresses_are_refused() {
        for refused in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "224.0.0.1",
            "::1",
            "::",
            "fe80::1",
            "fc00::1",
            "fd00:ec2::254",
            "::ffff:10.0.0.1",
            "::ffff:127.0.0.1",
            "::127.0.0.1",
            "64:ff9b::a9fe:a9fe",
            "2001:db8::1",
        ] {
            let ip: IpAddr = refused.parse().unwrap();
            assert!(!is_public(ip), "{refused}");
            assert!(check_target(&url("https://erp.example.com/hook"), &[ip], false).is_err(), "{refused}");
        }
        for public in ["93.184.216.34", "1.1.1.1", "2606:4700:4700::1111", "::ffff:93.184.216.34"] {
            let ip: IpAddr = public.parse().unwrap();
            assert!(is_public(ip), "{public}");
            assert!(check_target(&url("https://erp.example.com/hook"), &[ip], false).is_ok());
        }
        // One bad address among good ones is enough to refuse (a rebinding host).
        let mixed: Vec<IpAddr> = vec!["1.1.1.1".parse().unwrap(), "10.0.0.1".parse().unwrap()];
        assert!(check_target(&url("https://erp.example.com/hook"), &mixed, false).is_err());
    }

    #[test]
    fn only_the_local_stack_sends_to_the_machine_itself_and_a_deployment_to_no_unresolved_host() {
        let loopback: Vec<IpAddr> = vec!["127.0.0.1".parse().unwrap()];
        assert!(check_target(&url("http://127.0.0.1:9000/hook"), &loopback, true).is_ok());
        assert!(check_target(&url("http://127.0.0.1:9000/hook"), &loopback, false).is_err());
        let public: Vec<IpAddr> = vec!["1.1.1.1".parse().unwrap()];
        assert!(check_target(&url("http://localhost/hook"), &public, false).is_err(), "https only");
        assert!(check_target(&url("https://erp.example.com/"), &[], false).is_err());
        assert!(WebUrl::parse("http://erp.example.com/").is_err(), "plain http to anything else never parses");
    }

    #[test]
    fn signatures_follow_standard_webhooks() {
        // The specification's example (github.com/standard-webhooks/standard-webhooks).
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let body = br#"{"test": 2432232314}"#;
        let sig = signature(&[secret], "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body).unwrap();
        assert_eq!(sig, "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
        let two = signature(&[secret, "whsec_AAAA"], "m", 1, b"{}").unwrap();
        assert_eq!(two.split(' ').count(), 2);
        assert!(signature(&["nope"], "m", 1, b"{}").is_err());
    }

    #[test]
    fn a_rotated_secret_signs_alongside_the_new_one_for_a_day() {
        let mut s = WebhookSecrets::new(WebhookId::generate());
        assert!(s.current.starts_with("whsec_") && STANDARD.decode(&s.current[6..]).unwrap().len() == 32);
        let at = Timestamp::parse("2026-11-01T10:00:00Z").unwrap();
        let old = s.current.clone();
        s.rotate(at);
        assert_ne!(s.current, old);
        assert_eq!(s.signing(at), [s.current.as_str(), old.as_str()]);
        let later = Timestamp::parse("2026-11-02T10:00:00Z").unwrap();
        assert_eq!(s.signing(later), [s.current.as_str()]);
        assert!(!format!("{s:?}").contains("whsec_"), "never in logs");
    }

    #[test]
    fn a_patch_moves_the_version_only_when_something_changes_and_resuming_forgets_failures() {
        let input = NewWebhook {
            url: url("https://erp.example.com/hook"),
            event_types: [EventType::QuoteApproved].into(),
            description: None,
        };
        let mut w = Webhook::create(input).unwrap();
        w.apply(WebhookPatch::default()).unwrap();
        assert_eq!(w.version, 1);
        w.status = WebhookStatus::Paused;
        w.failing_since = Some(now());
        w.apply(WebhookPatch { status: Some(WebhookStatus::Active), ..Default::default() }).unwrap();
        assert_eq!((w.status, w.failing_since, w.version), (WebhookStatus::Active, None, 2));
        assert!(w.apply(WebhookPatch { event_types: Some(BTreeSet::new()), ..Default::default() }).is_err());
        assert!(w.wants(EventType::QuoteApproved) && !w.wants(EventType::QuoteRejected));
    }
}
