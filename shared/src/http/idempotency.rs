//! `Idempotency-Key` on creating POSTs: a retry with the same key returns the first
//! response and creates nothing new. The response is remembered in the same transaction
//! as the creation, so the two cannot disagree.

use crate::domain::ids::TenantId;
use crate::error::Result;
use crate::http::{Reply, Req};
use crate::store::{Actor, Store, Tx};

pub struct Idempotency {
    key: Option<String>,
    tenant: TenantId,
    actor: Actor,
}

impl Idempotency {
    pub fn of(req: &Req, tenant: TenantId, actor: &Actor) -> Result<Self> {
        Ok(Self { key: req.idempotency_key()?, tenant, actor: actor.clone() })
    }

    /// The first response, if this key was used before.
    pub async fn replay(&self, store: &Store) -> Result<Option<Reply>> {
        let Some(key) = &self.key else { return Ok(None) };
        Ok(store.remembered(self.tenant, &self.actor.0, key).await?.map(|r| Reply {
            status: r.status,
            body: r.body,
            etag: None,
            content_type: "application/json",
            disposition: None,
        }))
    }

    /// Adds "remember this reply" to the creating transaction.
    pub fn remember(&self, tx: &mut Tx, reply: &Reply) -> Result<()> {
        match &self.key {
            Some(key) => tx.remember(key, reply.status, &reply.body),
            None => Ok(()),
        }
    }
}
