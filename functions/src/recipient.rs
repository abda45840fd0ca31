//! Changes to a notification's recipient — a member or a contact — made on their
//! behalf by no signed-in caller: an unsubscribe link, SES's bounce and complaint
//! feedback. Version-checked like every change; a concurrent change to the same record
//! (an admin's edit) is read again and the change applied anew.

use portico::domain::contact::Contact;
use portico::domain::ids::TenantId;
use portico::domain::member::Member;
use portico::mail::unsubscribe::Party;
use portico::store::keys::{self, Entity, Key};
use portico::store::{Actor, Tx};
use portico::{App, Error, Result};

/// How a change reads a recipient: one closure per kind of party, `false` when there is
/// nothing to change (already done, or no longer applies).
pub struct Change<'a> {
    pub member: &'a (dyn Fn(&mut Member) -> bool + Sync),
    pub contact: &'a (dyn Fn(&mut Contact) -> bool + Sync),
    /// `<entity>.<what>`, e.g. `unsubscribed`: recorded as `member.unsubscribed`.
    pub action: &'a str,
}

/// Applies `change` to the party; false if there was nothing to change (or no such
/// party any more).
pub async fn amend(app: &App, tenant: TenantId, party: Party, actor: &str, change: &Change<'_>) -> Result<bool> {
    match party {
        Party::Member(id) => {
            let action = format!("member.{}", change.action);
            apply(app, tenant, keys::member_key(tenant, id), actor, &action, change.member, |m| m.version).await
        }
        Party::Contact(id) => {
            let action = format!("contact.{}", change.action);
            apply(app, tenant, keys::contact_key(tenant, id), actor, &action, change.contact, |c| c.version).await
        }
    }
}

async fn apply<E: Entity + Clone>(
    app: &App,
    tenant: TenantId,
    key: Key,
    actor: &str,
    action: &str,
    change: &(dyn Fn(&mut E) -> bool + Sync),
    version: fn(&E) -> u64,
) -> Result<bool> {
    for _ in 0..3 {
        let Some(before) = app.store.get::<E>(key.clone()).await? else { return Ok(false) };
        let mut after = before.clone();
        if !change(&mut after) {
            return Ok(false);
        }
        let mut tx = Tx::new(tenant, Actor(actor.to_owned()));
        tx.update(&before, &after, version(&before), action)?;
        match app.store.commit(tx).await {
            Err(Error::Changed) => continue,
            Err(e) => return Err(e),
            Ok(()) => return Ok(true),
        }
    }
    Err(Error::Changed)
}
