//! Seeing the portal as a member: a tenant admin's short-lived, read-only session on one
//! member's portal. The admin starts it (`POST /admin/members/{id}/view-as`), which writes
//! the audit event "admin X viewed as member Y" once; then each `GET /portal/…` with the
//! session in [`HEADER`] answers exactly what the member would get, and only reads.

use serde::{Deserialize, Serialize};

use super::clock::{now, Duration, Timestamp};
use super::ids::{MemberId, StaffId, ViewAsId};
use crate::error::Error;

/// The request header that names a view-as session on a portal route.
pub const HEADER: &str = "x-view-as";

/// How long a session lasts: long enough to answer a support call, short enough that a
/// forgotten tab does not keep a window onto a member's portal.
pub const MINUTES: i64 = 30;

/// One admin's session on one member's portal.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ViewAs {
    pub id: ViewAsId,
    pub member_id: MemberId,
    /// The admin who started it: the only one who may use it.
    pub staff_id: StaffId,
    pub started_at: Timestamp,
    pub ends_at: Timestamp,
    /// `ends_at` in seconds since the epoch: the table's TTL removes the session after it.
    pub expires_at: i64,
}

/// `201` of `POST /admin/members/{member_id}/view-as`: send `id` as `X-View-As` on the
/// portal's `GET` routes, with the admin's own token, until `ends_at`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ViewAsView {
    pub id: ViewAsId,
    pub member_id: MemberId,
    pub started_at: Timestamp,
    pub ends_at: Timestamp,
}

/// In `GET /portal/me` under view-as: who is looking, so the web app shows a banner.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ViewedBy {
    pub staff_id: StaffId,
    pub view_as_id: ViewAsId,
    pub ends_at: Timestamp,
}

impl ViewAs {
    pub fn start(member_id: MemberId, staff_id: StaffId) -> Self {
        let started_at = now();
        let ends_at = started_at.saturating_add(Duration::minutes(MINUTES));
        Self {
            id: ViewAsId::generate(),
            member_id,
            staff_id,
            started_at,
            ends_at,
            expires_at: ends_at.unix_timestamp(),
        }
    }

    /// The session, for `staff` at `at`: another admin's session, or one that has ended,
    /// opens nothing (403, whatever the reason).
    pub fn check(&self, staff: StaffId, at: Timestamp) -> Result<(), Error> {
        if self.staff_id != staff || at >= self.ends_at {
            return Err(Error::forbidden("this view-as session has ended or is not yours: start another"));
        }
        Ok(())
    }

    pub fn view(&self) -> ViewAsView {
        ViewAsView { id: self.id, member_id: self.member_id, started_at: self.started_at, ends_at: self.ends_at }
    }

    pub fn viewed_by(&self) -> ViewedBy {
        ViewedBy { staff_id: self.staff_id, view_as_id: self.id, ends_at: self.ends_at }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_opens_only_for_its_admin_and_only_until_it_ends() {
        let (mine, theirs) = (StaffId::generate(), StaffId::generate());
        let session = ViewAs::start(MemberId::generate(), mine);
        assert!(session.check(mine, session.started_at).is_ok());
        assert!(session.check(theirs, session.started_at).is_err(), "another admin's session");
        assert!(session.check(mine, session.ends_at).is_err(), "ended");
        assert_eq!(session.ends_at.unix_timestamp() - session.started_at.unix_timestamp(), MINUTES * 60);
        assert_eq!(session.expires_at, session.ends_at.unix_timestamp(), "the TTL removes it when it ends");
    }
}
