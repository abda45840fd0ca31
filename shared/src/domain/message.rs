//! Portal messages (the office's message management): what an admin pushes to every member
//! of the portal or to chosen access groups, optionally within a window, optionally
//! asking each member to acknowledge it (a site safety notice).
//!
//! A member sees a message when it is **current** (`starts_at` reached or absent,
//! `ends_at` not reached or absent) and **addressed** to them: to everyone, or to a group
//! they belong to *now* (membership is read when they look, as for rights). Everything
//! else is a 404 on the message's routes.
//!
//! Storage (`store::keys`): the message itself, plus one *post* per audience (everyone,
//! or each group) carrying what a member reads, so a member's list merges the posts of
//! their audiences — a page, whatever the tenant's volume; posts expire (TTL) when the
//! message ends. A member's read / acknowledged state is a *receipt* per (message,
//! member), indexed by member (for their list) and by message (for the admin's
//! acknowledgement report).

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use super::ids::{CustomerId, GroupId, MemberId, MessageId};
use super::member::MemberStatus;
use super::tenant::{double_option, now, utc_seconds, Timestamp};
use super::text::{Email, Name, Notes, Subject};
use crate::error::Error;

/// At most this many groups in one message's audience (each is a post written with it).
pub const MAX_AUDIENCE_GROUPS: usize = 20;

/// Who a message is for: `{"all": true}` or `{"group_ids": [...]}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Audience {
    /// Every member of the portal.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub all: bool,
    /// The members of these access groups, as membership is when they look.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    #[schema(value_type = Vec<GroupId>, max_items = 20)]
    pub group_ids: BTreeSet<GroupId>,
}

impl Audience {
    /// Exactly one of `all: true` and a non-empty `group_ids`, within the limit.
    pub fn check(&self) -> Result<(), Error> {
        let field = "audience";
        match (self.all, self.group_ids.len()) {
            (true, 0) => Ok(()),
            (true, _) => Err(Error::invalid_field(field, "either `all: true` or `group_ids`, not both")),
            (false, 0) => Err(Error::invalid_field(field, "give `all: true` or at least one of `group_ids`")),
            (false, n) if n > MAX_AUDIENCE_GROUPS => {
                Err(Error::invalid_field("audience.group_ids", format!("at most {MAX_AUDIENCE_GROUPS} groups")))
            }
            _ => Ok(()),
        }
    }

    /// Whether a member of `groups` is addressed.
    pub fn addresses(&self, groups: &BTreeSet<GroupId>) -> bool {
        self.all || !self.group_ids.is_disjoint(groups)
    }
}

/// `POST /admin/messages`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewMessage {
    pub title: Subject,
    /// Plain text; line breaks are kept.
    pub body: Notes,
    pub audience: Audience,
    /// Shown from then on (at once when absent).
    #[serde(default)]
    pub starts_at: Option<Timestamp>,
    /// Shown until then (indefinitely when absent); must be in the future and after `starts_at`.
    /// A `PATCH` may set it to now (or earlier) to take the message down.
    #[serde(default)]
    pub ends_at: Option<Timestamp>,
    /// Each member is asked to acknowledge it; the admin sees who has (false when absent).
    #[serde(default)]
    pub requires_ack: bool,
}

/// `PATCH /admin/messages/{message_id}`: the fields given change.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MessagePatch {
    pub title: Option<Subject>,
    pub body: Option<Notes>,
    pub audience: Option<Audience>,
    /// A time, or null for "at once".
    #[serde(default, deserialize_with = "double_option")]
    pub starts_at: Option<Option<Timestamp>>,
    /// A time (now or earlier takes the message down), or null for "indefinitely".
    #[serde(default, deserialize_with = "double_option")]
    pub ends_at: Option<Option<Timestamp>>,
    pub requires_ack: Option<bool>,
}

/// A message as stored.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Message {
    pub id: MessageId,
    pub title: Subject,
    pub body: Notes,
    pub audience: Audience,
    #[serde(default)]
    pub starts_at: Option<Timestamp>,
    #[serde(default)]
    pub ends_at: Option<Timestamp>,
    pub requires_ack: bool,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub version: u64,
}

/// What a member reads, kept once per audience of the message (see the module docs).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MessagePost {
    /// `all`, or the group this post addresses.
    pub group_id: Option<GroupId>,
    pub message_id: MessageId,
    pub title: Subject,
    pub body: Notes,
    #[serde(default)]
    pub starts_at: Option<Timestamp>,
    #[serde(default)]
    pub ends_at: Option<Timestamp>,
    pub requires_ack: bool,
    pub published_at: Timestamp,
    /// DynamoDB's TTL removes the post once the message has ended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<i64>,
}

/// One member's read / acknowledged state of one message.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Receipt {
    pub message_id: MessageId,
    pub member_id: MemberId,
    pub read_at: Timestamp,
    #[serde(default)]
    pub acknowledged_at: Option<Timestamp>,
    pub version: u64,
}

/// A message as the admin API shows it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MessageView {
    pub id: MessageId,
    pub title: Subject,
    pub body: Notes,
    pub audience: Audience,
    pub starts_at: Option<Timestamp>,
    pub ends_at: Option<Timestamp>,
    pub requires_ack: bool,
    /// `scheduled` (before `starts_at`), `current` or `ended` (after `ends_at`), now.
    pub state: MessageState,
    /// How many members have read / acknowledged it (a single message, and each of a
    /// list's).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub receipts: Option<ReceiptCounts>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub version: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MessageState {
    Scheduled,
    Current,
    Ended,
}

#[derive(Debug, Default, Serialize, utoipa::ToSchema)]
pub struct ReceiptCounts {
    pub read: u64,
    pub acknowledged: u64,
}

/// A message as a member sees it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct PortalMessageView {
    pub id: MessageId,
    pub title: Subject,
    pub body: Notes,
    pub requires_ack: bool,
    pub read: bool,
    /// Always false when the message does not ask for acknowledgement.
    pub acknowledged: bool,
    pub published_at: Timestamp,
    pub ends_at: Option<Timestamp>,
    pub read_at: Option<Timestamp>,
    pub acknowledged_at: Option<Timestamp>,
}

/// The home page's messages (`GET /portal/home`): the counts, and the newest current
/// messages that need the member — unread, or asking for an acknowledgement not given.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct HomeMessages {
    /// Current messages addressed to you that you have not read.
    pub unread: u64,
    /// Current messages asking for an acknowledgement you have not given.
    pub to_acknowledge: u64,
    /// The newest of those that need you (at most five).
    pub items: Vec<PortalMessageView>,
    /// Whether more need you than `items` shows (the messages page lists them all).
    pub more: bool,
}

/// One addressed member in `GET /admin/messages/{id}/acknowledgements`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct AcknowledgementView {
    pub member_id: MemberId,
    pub customer_id: CustomerId,
    pub first_name: Name,
    pub last_name: Name,
    pub email: Email,
    pub status: MemberStatus,
    pub read_at: Option<Timestamp>,
    pub acknowledged_at: Option<Timestamp>,
}

/// The window must end after it starts; a new message must not have ended already (a
/// change may end one now: that is how an admin takes a message down early).
fn check_window(starts_at: Option<Timestamp>, ends_at: Option<Timestamp>, new: bool) -> Result<(), Error> {
    if let (Some(s), Some(e)) = (starts_at, ends_at) {
        if e <= s {
            return Err(Error::invalid_field("ends_at", "must be after `starts_at`"));
        }
    }
    if let (Some(e), true) = (ends_at, new) {
        if e <= now() {
            return Err(Error::invalid_field("ends_at", "must be in the future"));
        }
    }
    Ok(())
}

impl Message {
    pub fn create(input: NewMessage) -> Result<Self, Error> {
        input.audience.check()?;
        let (starts_at, ends_at) = (input.starts_at.map(utc_seconds), input.ends_at.map(utc_seconds));
        check_window(starts_at, ends_at, true)?;
        let at = now();
        Ok(Self {
            id: MessageId::generate(),
            title: input.title,
            body: input.body,
            audience: input.audience,
            starts_at,
            ends_at,
            requires_ack: input.requires_ack,
            created_at: at,
            updated_at: at,
            version: 1,
        })
    }

    /// Applies a patch; the version moves only if something changed.
    pub fn apply(&mut self, patch: MessagePatch) -> Result<(), Error> {
        let before = self.clone();
        if let Some(audience) = patch.audience {
            audience.check()?;
            self.audience = audience;
        }
        if let Some(title) = patch.title {
            self.title = title;
        }
        if let Some(body) = patch.body {
            self.body = body;
        }
        if let Some(starts_at) = patch.starts_at {
            self.starts_at = starts_at.map(utc_seconds);
        }
        if let Some(ends_at) = patch.ends_at {
            self.ends_at = ends_at.map(utc_seconds);
        }
        if let Some(requires_ack) = patch.requires_ack {
            self.requires_ack = requires_ack;
        }
        check_window(self.starts_at, self.ends_at, false)?;
        if !super::representation::same_content(self, &before) {
            self.updated_at = now();
            self.version += 1;
        }
        Ok(())
    }

    pub fn state_at(&self, at: Timestamp) -> MessageState {
        state(self.starts_at, self.ends_at, at)
    }

    /// One post per audience: everyone, or each group.
    pub fn posts(&self) -> Vec<MessagePost> {
        let targets: Vec<Option<GroupId>> =
            if self.audience.all { vec![None] } else { self.audience.group_ids.iter().copied().map(Some).collect() };
        targets
            .into_iter()
            .map(|group_id| MessagePost {
                group_id,
                message_id: self.id,
                title: self.title.clone(),
                body: self.body.clone(),
                starts_at: self.starts_at,
                ends_at: self.ends_at,
                requires_ack: self.requires_ack,
                published_at: self.starts_at.unwrap_or(self.created_at).max(self.created_at),
                expires_at: self.ends_at.map(|e| e.unix_timestamp()),
            })
            .collect()
    }

    pub fn view(&self, receipts: Option<ReceiptCounts>) -> MessageView {
        MessageView {
            id: self.id,
            title: self.title.clone(),
            body: self.body.clone(),
            audience: self.audience.clone(),
            starts_at: self.starts_at,
            ends_at: self.ends_at,
            requires_ack: self.requires_ack,
            state: self.state_at(now()),
            receipts,
            created_at: self.created_at,
            updated_at: self.updated_at,
            version: self.version,
        }
    }
}

fn state(starts_at: Option<Timestamp>, ends_at: Option<Timestamp>, at: Timestamp) -> MessageState {
    if starts_at.is_some_and(|s| at < s) {
        MessageState::Scheduled
    } else if ends_at.is_some_and(|e| at >= e) {
        MessageState::Ended
    } else {
        MessageState::Current
    }
}

impl MessagePost {
    pub fn is_current(&self, at: Timestamp) -> bool {
        state(self.starts_at, self.ends_at, at) == MessageState::Current
    }

    pub fn portal_view(&self, receipt: Option<&Receipt>) -> PortalMessageView {
        PortalMessageView {
            id: self.message_id,
            title: self.title.clone(),
            body: self.body.clone(),
            requires_ack: self.requires_ack,
            read: receipt.is_some(),
            acknowledged: self.requires_ack && receipt.is_some_and(|r| r.acknowledged_at.is_some()),
            published_at: self.published_at,
            ends_at: self.ends_at,
            read_at: receipt.map(|r| r.read_at),
            acknowledged_at: receipt.and_then(|r| r.acknowledged_at),
        }
    }
}

/// Current posts addressed to a member, one per message (a message may reach them
/// through several groups), newest first, with how many of them are unread.
pub fn current_for_member(
    posts: Vec<MessagePost>,
    receipts: &BTreeMap<MessageId, Receipt>,
    at: Timestamp,
) -> (Vec<MessagePost>, usize) {
    let mut seen = BTreeSet::new();
    let current: Vec<MessagePost> =
        posts.into_iter().filter(|p| p.is_current(at) && seen.insert(p.message_id)).collect();
    let unread = current.iter().filter(|p| !receipts.contains_key(&p.message_id)).count();
    (current, unread)
}

impl Receipt {
    pub fn read(message_id: MessageId, member_id: MemberId) -> Self {
        Self { message_id, member_id, read_at: now(), acknowledged_at: None, version: 1 }
    }

    /// Acknowledged now (read now too if it was not).
    pub fn acknowledge(&mut self) {
        self.acknowledged_at = Some(now());
        self.version += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::Duration;

    fn group() -> GroupId {
        GroupId::generate()
    }

    #[test]
    fn an_audience_is_everyone_or_some_groups() {
        let g = group();
        assert!(Audience { all: true, group_ids: BTreeSet::new() }.check().is_ok());
        assert!(Audience { all: false, group_ids: [g].into() }.check().is_ok());
        assert!(Audience { all: true, group_ids: [g].into() }.check().is_err());
        assert!(Audience { all: false, group_ids: BTreeSet::new() }.check().is_err());
        let many: BTreeSet<GroupId> = (0..=MAX_AUDIENCE_GROUPS).map(|_| group()).collect();
        assert!(Audience { all: false, group_ids: many }.check().is_err());
        let mine: BTreeSet<GroupId> = [g].into();
        assert!(Audience { all: false, group_ids: [g].into() }.addresses(&mine));
        assert!(!Audience { all: false, group_ids: [group()].into() }.addresses(&mine));
        assert!(Audience { all: true, group_ids: BTreeSet::new() }.addresses(&BTreeSet::new()));
    }

    #[test]
    fn the_window_decides_what_is_current() {
        let at = now();
        assert_eq!(state(None, None, at), MessageState::Current);
        assert_eq!(state(Some(at.saturating_add(Duration::hours(1))), None, at), MessageState::Scheduled);
        assert_eq!(state(Some(at), None, at), MessageState::Current, "shown from its start");
        assert_eq!(state(None, Some(at), at), MessageState::Ended, "gone at its end");
        assert_eq!(state(None, Some(at.saturating_add(Duration::seconds(1))), at), MessageState::Current);
        assert!(check_window(Some(at), Some(at), false).is_err());
        assert!(check_window(None, Some(at.saturating_sub(Duration::hours(1))), true).is_err());
        assert!(
            check_window(None, Some(at.saturating_sub(Duration::hours(1))), false).is_ok(),
            "a change may end it now"
        );
    }

    #[test]
    fn a_message_reaching_a_member_twice_is_listed_and_counted_once() {
        let input = |group_ids: BTreeSet<GroupId>| NewMessage {
            title: Subject::parse("Site closed").unwrap(),
            body: Notes::parse("Outlet North is closed on Friday.").unwrap(),
            audience: Audience { all: false, group_ids },
            starts_at: None,
            ends_at: None,
            requires_ack: true,
        };
        let (a, b) = (group(), group());
        let twice = Message::create(input([a, b].into())).unwrap();
        let once = Message::create(input([a].into())).unwrap();
        let mut posts = twice.posts();
        assert_eq!(posts.len(), 2);
        posts.extend(once.posts());
        let mut receipts = BTreeMap::new();
        receipts.insert(once.id, Receipt::read(once.id, MemberId::generate()));
        let (current, unread) = current_for_member(posts, &receipts, now());
        assert_eq!(current.len(), 2);
        assert_eq!(unread, 1);
        let view = current.iter().find(|p| p.message_id == once.id).unwrap().portal_view(receipts.get(&once.id));
        assert!(view.read && !view.acknowledged);
    }
}
