//! The webhook deliveries' writes: each (subscription, event) claimed once with a
//! conditional put, so a replayed stream batch sends nothing new; each attempt recorded
//! on the delivery, conditional on the version it was made from. None of these is a
//! change anyone made: no audit events (the trail would otherwise feed itself).

use std::collections::HashMap;

use aws_sdk_dynamodb::error::SdkError;
use aws_sdk_dynamodb::operation::put_item::PutItemError;
use aws_sdk_dynamodb::operation::update_item::UpdateItemError;
use aws_sdk_dynamodb::types::AttributeValue;

use anyhow::Context as _;

use super::keys::{self, Entity, Key, GSI1, GSI1PK, GSI1SK, PK, SK, VERSION};
use super::{decode, encode, position_key, start_key, StartKey, Store};
use crate::domain::ids::{TenantId, WebhookId};
use crate::domain::tenant::Timestamp;
use crate::domain::webhook::Delivery;
use crate::error::{Error, Result};

fn key_item(key: &Key) -> HashMap<String, AttributeValue> {
    HashMap::from([
        (PK.to_owned(), AttributeValue::S(key.pk.clone())),
        (SK.to_owned(), AttributeValue::S(key.sk.clone())),
    ])
}

impl Store {
    /// Claims `delivery` (new, `sending`): false if the event was already delivered (or
    /// is being delivered) to that subscription.
    pub async fn claim_webhook_delivery(&self, tenant: TenantId, delivery: &Delivery) -> Result<bool> {
        let item = encode(&delivery.keys(tenant), keys_type(), delivery)?;
        let out = self
            .db
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression("attribute_not_exists(PK)")
            .send()
            .await;
        match out {
            Ok(_) => Ok(true),
            Err(SdkError::ServiceError(e)) if matches!(e.err(), PutItemError::ConditionalCheckFailedException(_)) => {
                Ok(false)
            }
            Err(e) => Err(anyhow::Error::new(e).context("PutItem (claim webhook delivery)").into()),
        }
    }

    /// Writes `delivery` after an attempt, if it is still at `version` (else another
    /// attempt recorded first: `Error::Changed`).
    pub async fn record_webhook_delivery(&self, tenant: TenantId, delivery: &Delivery, version: u64) -> Result<()> {
        let item = encode(&delivery.keys(tenant), keys_type(), delivery)?;
        let out = self
            .db
            .put_item()
            .table_name(&self.table)
            .set_item(Some(item))
            .condition_expression("#v = :v")
            .expression_attribute_names("#v", VERSION)
            .expression_attribute_values(":v", AttributeValue::N(version.to_string()))
            .send()
            .await;
        match out {
            Ok(_) => Ok(()),
            Err(SdkError::ServiceError(e)) if matches!(e.err(), PutItemError::ConditionalCheckFailedException(_)) => {
                Err(Error::Changed)
            }
            Err(e) => Err(anyhow::Error::new(e).context("PutItem (webhook delivery)").into()),
        }
    }

    /// Notes on the subscription when its failing streak began (`Some`: a failure, kept
    /// if one is already noted) or that it ended (`None`). Bookkeeping: neither its
    /// version nor the trail moves. Nothing happens if the subscription is gone.
    pub async fn note_webhook_streak(
        &self,
        tenant: TenantId,
        webhook: WebhookId,
        failing: Option<Timestamp>,
    ) -> Result<()> {
        let key = keys::webhook_key(tenant, webhook);
        let req = self
            .db
            .update_item()
            .table_name(&self.table)
            .set_key(Some(key_item(&key)))
            .expression_attribute_names("#f", "failing_since");
        // A streak already noted stays (a stored `null` is none): a failed condition is
        // that, or the subscription gone.
        let req = match failing {
            Some(at) => req
                .update_expression("SET #f = :at")
                .condition_expression(
                    "attribute_exists(PK) AND (attribute_not_exists(#f) OR attribute_type(#f, :null))",
                )
                .expression_attribute_values(":at", AttributeValue::S(at.rfc3339()))
                .expression_attribute_values(":null", AttributeValue::S("NULL".into())),
            None => req.update_expression("REMOVE #f").condition_expression("attribute_exists(PK)"),
        };
        match req.send().await {
            Ok(_) => Ok(()),
            Err(SdkError::ServiceError(e))
                if matches!(e.err(), UpdateItemError::ConditionalCheckFailedException(_)) =>
            {
                Ok(())
            }
            Err(e) => Err(anyhow::Error::new(e).context("UpdateItem (webhook streak)").into()),
        }
    }

    /// A page of up to `limit` deliveries the schedule owes an attempt at `now`, the
    /// longest due first, after `start` (the previous page's end), each with its tenant
    /// (from its table key): one query of the due index. An item that cannot be read is
    /// logged and passed over, so it never holds up the ones behind it.
    pub async fn due_webhook_deliveries(
        &self,
        now: Timestamp,
        limit: i32,
        start: &StartKey,
    ) -> Result<(Vec<(TenantId, Delivery)>, Option<StartKey>)> {
        let range = keys::webhooks_due(now);
        let out = self
            .db
            .query()
            .table_name(&self.table)
            .index_name(GSI1)
            .key_condition_expression("#pk = :pk AND #sk BETWEEN :from AND :to")
            .expression_attribute_names("#pk", GSI1PK)
            .expression_attribute_names("#sk", GSI1SK)
            .expression_attribute_values(":pk", AttributeValue::S(range.pk))
            .expression_attribute_values(":from", AttributeValue::S(range.from))
            .expression_attribute_values(":to", AttributeValue::S(range.to))
            .set_exclusive_start_key(start_key(start))
            .limit(limit)
            .send()
            .await
            .context("Query (webhook deliveries due)")?;
        let mut due = Vec::new();
        for item in out.items.unwrap_or_default() {
            let tenant = match item.get(PK) {
                Some(AttributeValue::S(pk)) => keys::webhook_delivery_tenant(pk),
                _ => None,
            };
            let Some(tenant) = tenant else {
                tracing::error!("a due webhook delivery without a tenant's key");
                continue;
            };
            match decode::<Delivery>(item) {
                Ok(delivery) => due.push((tenant, delivery)),
                Err(e) => tracing::error!(error = %e, "a due webhook delivery that cannot be read"),
            }
        }
        Ok((due, position_key(out.last_evaluated_key.as_ref())))
    }
}

fn keys_type() -> &'static str {
    <Delivery as keys::Stored>::TYPE
}
