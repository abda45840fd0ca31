//! Deliveries: the notifier's record of each email of each event, one item per (event,
//! address). The table's stream delivers an event at least once; the record makes its
//! effect exactly once. Before sending, the notifier *claims* the delivery with a
//! conditional write; after SES answers it records the outcome:
//!
//! - `sent` and `failed` (SES refused it for good) are final: a replay sends nothing.
//! - `retry` (throttled, SES or the network failing): the next attempt claims it again.
//! - `sending` is a claim in progress, held for [`LEASE_SECONDS`]; a claim older than
//!   that belongs to an attempt that died between claiming and recording, and is taken
//!   over (the one case where an email may go twice: SES accepted it, then the process
//!   died before recording it).

use std::collections::HashMap;

use anyhow::Context as _;
use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::operation::update_item::UpdateItemError;
use aws_sdk_dynamodb::types::{AttributeValue, ReturnValue};

use super::keys::{self, Key, EXPIRES_AT, PK, SK, TYPE};
use super::Store;
use crate::domain::ids::TenantId;
use crate::domain::tenant::now;
use crate::domain::text::Email;
use crate::error::Result;

/// How long a claim holds: longer than one SendEmail call can take (the SDK's timeouts).
pub const LEASE_SECONDS: i64 = 60;

/// How long delivery records are kept: far longer than the stream keeps records (24
/// hours) plus the notifier's retries, so a replay always finds them.
pub const DELIVERY_RETENTION_DAYS: i64 = 30;

/// What a claim found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Claim {
    /// This attempt may send; `attempt` counts from 1.
    Mine { attempt: u32 },
    /// Already sent, or failed for good: nothing to do.
    Done,
    /// Another attempt holds a fresh claim: try again later.
    Busy,
}

/// What became of an attempt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Sent,
    /// Refused for good (the reason is kept).
    Failed(String),
    /// May pass on a later attempt (the reason is kept).
    Retry(String),
}

/// Who a delivery is for, and why.
pub struct Recipient<'a> {
    pub address: &'a Email,
    /// `mem_…` or `con_…`.
    pub party: &'a str,
    pub kind: &'a str,
}

fn s(v: impl Into<String>) -> AttributeValue {
    AttributeValue::S(v.into())
}

fn n(v: i64) -> AttributeValue {
    AttributeValue::N(v.to_string())
}

fn key_item(key: &Key) -> HashMap<String, AttributeValue> {
    HashMap::from([(PK.to_owned(), s(&key.pk)), (SK.to_owned(), s(&key.sk))])
}

impl Store {
    /// Claims the delivery of `event_id` to `to`: one UpdateItem, conditional on there
    /// being no record, a `retry` record, or an expired claim.
    pub async fn claim_delivery(&self, tenant: TenantId, event_id: &str, to: &Recipient<'_>) -> Result<Claim> {
        let key = keys::delivery_key(tenant, event_id, to.address);
        let at = now().unix_timestamp();
        let out = self
            .db
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key_item(&key)))
            .update_expression(
                "SET #type = :type, #state = :sending, party = :party, kind = :kind, lease_until = :lease, \
                 #exp = :exp, attempts = if_not_exists(attempts, :zero) + :one",
            )
            .condition_expression(
                "attribute_not_exists(PK) OR #state = :retry OR (#state = :sending AND lease_until < :now)",
            )
            .expression_attribute_names("#type", TYPE)
            .expression_attribute_names("#state", "state")
            .expression_attribute_names("#exp", EXPIRES_AT)
            .expression_attribute_values(":type", s("delivery"))
            .expression_attribute_values(":sending", s("sending"))
            .expression_attribute_values(":retry", s("retry"))
            .expression_attribute_values(":party", s(to.party))
            .expression_attribute_values(":kind", s(to.kind))
            .expression_attribute_values(":lease", n(at + LEASE_SECONDS))
            .expression_attribute_values(":now", n(at))
            .expression_attribute_values(":exp", n(at + DELIVERY_RETENTION_DAYS * 86_400))
            .expression_attribute_values(":zero", n(0))
            .expression_attribute_values(":one", n(1))
            .return_values(ReturnValue::UpdatedNew)
            .send()
            .await;
        match out {
            Ok(out) => {
                let attempt = out
                    .attributes
                    .as_ref()
                    .and_then(|a| a.get("attempts"))
                    .and_then(|v| v.as_n().ok())
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(1);
                Ok(Claim::Mine { attempt })
            }
            Err(SdkError::ServiceError(e))
                if matches!(e.err(), UpdateItemError::ConditionalCheckFailedException(_)) =>
            {
                Ok(match self.delivery_state(&key).await?.as_deref() {
                    Some("sending") => Claim::Busy,
                    _ => Claim::Done,
                })
            }
            Err(e) => Err(anyhow::Error::new(e).context("UpdateItem (claim delivery)").into()),
        }
    }

    async fn delivery_state(&self, key: &Key) -> Result<Option<String>> {
        let out = self
            .db
            .get_item()
            .table_name(&self.table)
            .set_key(Some(key_item(key)))
            .consistent_read(true)
            .send()
            .await
            .context("GetItem (delivery)")?;
        Ok(out.item.and_then(|i| i.get("state").and_then(|v| v.as_s().ok()).cloned()))
    }

    /// Records what became of the attempt that holds the claim (`attempt`); a claim
    /// taken over meanwhile is left to its new holder.
    pub async fn finish_delivery(
        &self,
        tenant: TenantId,
        event_id: &str,
        to: &Email,
        attempt: u32,
        outcome: &Outcome,
    ) -> Result<()> {
        let (state, reason) = match outcome {
            Outcome::Sent => ("sent", None),
            Outcome::Failed(r) => ("failed", Some(r)),
            Outcome::Retry(r) => ("retry", Some(r)),
        };
        let key = keys::delivery_key(tenant, event_id, to);
        let mut req = self
            .db
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key_item(&key)))
            .condition_expression("#state = :sending AND attempts = :attempt")
            .expression_attribute_names("#state", "state")
            .expression_attribute_values(":sending", s("sending"))
            .expression_attribute_values(":attempt", n(i64::from(attempt)))
            .expression_attribute_values(":state", s(state))
            .expression_attribute_values(":at", s(now().rfc3339()));
        req = match reason {
            Some(r) => req
                .update_expression("SET #state = :state, finished_at = :at, reason = :reason")
                .expression_attribute_values(":reason", s(r.chars().take(500).collect::<String>())),
            None => req.update_expression("SET #state = :state, finished_at = :at REMOVE reason"),
        };
        match req.send().await {
            Ok(_) => Ok(()),
            Err(SdkError::ServiceError(e))
                if matches!(e.err(), UpdateItemError::ConditionalCheckFailedException(_)) =>
            {
                tracing::warn!(event_id, "a delivery's claim was taken over before its outcome was recorded");
                Ok(())
            }
            Err(e) => Err(anyhow::Error::new(e).context("UpdateItem (finish delivery)").into()),
        }
    }

    /// The recorded state of a delivery (`sent`, `failed`, `retry`, `sending`), if any.
    pub async fn delivery(&self, tenant: TenantId, event_id: &str, to: &Email) -> Result<Option<String>> {
        self.delivery_state(&keys::delivery_key(tenant, event_id, to)).await
    }
}
