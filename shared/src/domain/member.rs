//! Portal members: customer staff with a login, their permissions and scope.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::ids::{CustomerId, MemberId};
use super::mailing::NotificationKind;
use super::rights::{ApprovalLimits, Permission};
use super::scope::{Scope, ScopeInput};
use super::tenant::{now, Timestamp};
use super::text::{Email, Locale, Name, Phone};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MemberStatus {
    /// Created, no credentials sent yet.
    NotInvited,
    /// Credentials sent (the first sign-in forces a new password).
    Invited,
    /// Cannot sign in; every request answers 403.
    Disabled,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Member {
    pub id: MemberId,
    pub customer_id: CustomerId,
    /// The member's customer's path (fixed, like every customer path): group grants
    /// count only inside it.
    pub customer_path: super::hierarchy::CustomerPath,
    /// Access groups the member belongs to.
    #[serde(default)]
    pub group_ids: BTreeSet<super::ids::GroupId>,
    /// Documents hidden from this member although visible in the portal (a per-member restriction).
    #[serde(default)]
    pub hidden_document_ids: BTreeSet<super::ids::DocumentId>,
    pub first_name: Name,
    pub last_name: Name,
    pub email: Email,
    pub phone: Option<Phone>,
    pub job_title: Option<Name>,
    pub locale: Option<Locale>,
    pub admin: bool,
    pub permissions: BTreeSet<Permission>,
    /// KPI reports granted to the member alone (groups add theirs).
    #[serde(default)]
    pub reports: BTreeSet<super::rights::Report>,
    /// The most this member may approve per quote, per currency (minor units).
    #[serde(default)]
    pub approval_limits: ApprovalLimits,
    pub scope: Scope,
    pub notifications: BTreeSet<NotificationKind>,
    pub status: MemberStatus,
    /// The Cognito username (the user's `sub`), once the login exists.
    pub login: Option<String>,
    /// The contact this member was made from, if any.
    #[serde(default)]
    pub contact_id: Option<super::ids::ContactId>,
    /// Mail to the member's address stopped after a bounce or complaint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suppressed: Option<super::mailing::Suppression>,
    #[serde(default)]
    pub invited_at: Option<Timestamp>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub version: u64,
}

/// `POST /admin/members`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewMember {
    pub customer_id: CustomerId,
    pub first_name: Name,
    pub last_name: Name,
    pub email: Email,
    pub phone: Option<Phone>,
    pub job_title: Option<Name>,
    pub locale: Option<Locale>,
    /// Defaults to true for the first member of a customer, else false.
    pub admin: Option<bool>,
    #[serde(default, deserialize_with = "super::tenant::unique")]
    pub permissions: BTreeSet<Permission>,
    /// KPI reports granted to the member alone (with `view_reports`); groups add theirs.
    #[serde(default, deserialize_with = "super::tenant::unique")]
    pub reports: BTreeSet<super::rights::Report>,
    /// The most the member may approve per quote, per currency, in minor units
    /// (`{"EUR": 500000}`); none by default. With groups, the highest limit applies.
    #[serde(default)]
    pub approval_limits: ApprovalLimits,
    /// Defaults to the member's whole customer.
    pub scope: Option<ScopeInput>,
    /// Access groups; their rights add to the member's own.
    #[serde(default, deserialize_with = "super::tenant::unique")]
    pub group_ids: BTreeSet<super::ids::GroupId>,
    #[serde(default, deserialize_with = "super::tenant::unique")]
    pub notifications: BTreeSet<NotificationKind>,
}

/// `PUT /admin/members/{member_id}/document-restrictions`: the whole hidden set.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DocumentRestrictions {
    #[serde(deserialize_with = "super::tenant::unique")]
    pub hidden_document_ids: BTreeSet<super::ids::DocumentId>,
}

/// Documents a member can have hidden at once.
pub const MAX_HIDDEN_DOCUMENTS: usize = 1000;

/// `POST /admin/members/{member_id}/invite`.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InviteInput {
    /// A personal note placed in the invitation.
    pub message: Option<super::text::Message>,
    /// Send the invitation here instead of the member's login address.
    pub email: Option<Email>,
}

/// `PATCH /admin/members/{member_id}`. `null` clears an optional field. A new `email`
/// (the address the member signs in with) is applied to the login too.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MemberPatch {
    pub first_name: Option<Name>,
    pub last_name: Option<Name>,
    pub email: Option<Email>,
    #[serde(default, deserialize_with = "super::tenant::double_option")]
    #[schema(value_type = Option<Phone>)]
    pub phone: Option<Option<Phone>>,
    #[serde(default, deserialize_with = "super::tenant::double_option")]
    #[schema(value_type = Option<Name>)]
    pub job_title: Option<Option<Name>>,
    #[serde(default, deserialize_with = "super::tenant::double_option")]
    #[schema(value_type = Option<Locale>)]
    pub locale: Option<Option<Locale>>,
    pub admin: Option<bool>,
    #[serde(default, deserialize_with = "super::tenant::unique_opt")]
    pub permissions: Option<BTreeSet<Permission>>,
    #[serde(default, deserialize_with = "super::tenant::unique_opt")]
    pub reports: Option<BTreeSet<super::rights::Report>>,
    /// `null` or `{}` removes every limit.
    #[serde(default, deserialize_with = "super::tenant::double_option")]
    #[schema(value_type = Option<ApprovalLimits>)]
    pub approval_limits: Option<Option<ApprovalLimits>>,
    pub scope: Option<ScopeInput>,
    #[serde(default, deserialize_with = "super::tenant::unique_opt")]
    pub group_ids: Option<BTreeSet<super::ids::GroupId>>,
    #[serde(default, deserialize_with = "super::tenant::unique_opt")]
    pub notifications: Option<BTreeSet<NotificationKind>>,
}

/// `PATCH /portal/me`: what members may change about themselves — and nothing that
/// grants rights (`admin`, `permissions`, `scope` are unknown fields here: 400).
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SelfPatch {
    pub first_name: Option<Name>,
    pub last_name: Option<Name>,
    #[serde(default, deserialize_with = "super::tenant::double_option")]
    #[schema(value_type = Option<Phone>)]
    pub phone: Option<Option<Phone>>,
    #[serde(default, deserialize_with = "super::tenant::double_option")]
    #[schema(value_type = Option<Locale>)]
    pub locale: Option<Option<Locale>>,
    #[serde(default, deserialize_with = "super::tenant::unique_opt")]
    pub notifications: Option<BTreeSet<NotificationKind>>,
}

impl From<SelfPatch> for MemberPatch {
    fn from(p: SelfPatch) -> Self {
        MemberPatch {
            first_name: p.first_name,
            last_name: p.last_name,
            phone: p.phone,
            locale: p.locale,
            notifications: p.notifications,
            ..MemberPatch::default()
        }
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MemberView {
    pub id: MemberId,
    pub customer_id: CustomerId,
    pub first_name: Name,
    pub last_name: Name,
    pub email: Email,
    pub phone: Option<Phone>,
    pub job_title: Option<Name>,
    pub locale: Option<Locale>,
    pub admin: bool,
    pub permissions: BTreeSet<Permission>,
    /// Reports granted to the member alone (groups add theirs; `admin` has every one).
    pub reports: BTreeSet<super::rights::Report>,
    pub approval_limits: ApprovalLimits,
    /// What the member can actually do: every permission when `admin`.
    pub effective_permissions: BTreeSet<Permission>,
    pub scope: ScopeInput,
    pub group_ids: BTreeSet<super::ids::GroupId>,
    pub hidden_document_ids: BTreeSet<super::ids::DocumentId>,
    pub notifications: BTreeSet<NotificationKind>,
    pub status: MemberStatus,
    pub contact_id: Option<super::ids::ContactId>,
    /// Set when a bounce or complaint stopped mail to the member's address (no
    /// notifications go to it); a new `email` clears it.
    pub suppressed: Option<super::mailing::Suppression>,
    pub invited_at: Option<Timestamp>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub version: u64,
}

impl Member {
    /// A new member. `scope` is already resolved against the hierarchy; `is_first`
    /// says whether the customer has no members yet (then admin by default).
    pub fn create(
        input: NewMember,
        customer_path: super::hierarchy::CustomerPath,
        scope: Scope,
        is_first: bool,
    ) -> Self {
        let at = now();
        Self {
            id: MemberId::generate(),
            customer_id: input.customer_id,
            customer_path,
            group_ids: input.group_ids,
            hidden_document_ids: BTreeSet::new(),
            first_name: input.first_name,
            last_name: input.last_name,
            email: input.email,
            phone: input.phone,
            job_title: input.job_title,
            locale: input.locale,
            admin: input.admin.unwrap_or(is_first),
            permissions: input.permissions,
            reports: input.reports,
            approval_limits: input.approval_limits,
            scope,
            notifications: input.notifications,
            status: MemberStatus::NotInvited,
            login: None,
            contact_id: None,
            suppressed: None,
            invited_at: None,
            created_at: at,
            updated_at: at,
            version: 1,
        }
    }

    /// Applies a patch; `scope` is the patch's scope, already resolved.
    pub fn apply(&mut self, patch: MemberPatch, scope: Option<Scope>) {
        if let Some(v) = patch.first_name {
            self.first_name = v;
        }
        if let Some(v) = patch.last_name {
            self.last_name = v;
        }
        if let Some(v) = patch.email {
            if v != self.email {
                // A new address has not bounced.
                self.suppressed = None;
            }
            self.email = v;
        }
        if let Some(v) = patch.phone {
            self.phone = v;
        }
        if let Some(v) = patch.job_title {
            self.job_title = v;
        }
        if let Some(v) = patch.locale {
            self.locale = v;
        }
        if let Some(v) = patch.admin {
            self.admin = v;
        }
        if let Some(v) = patch.permissions {
            self.permissions = v;
        }
        if let Some(v) = patch.reports {
            self.reports = v;
        }
        if let Some(v) = patch.approval_limits {
            self.approval_limits = v.unwrap_or_default();
        }
        if let Some(v) = scope {
            self.scope = v;
        }
        if let Some(v) = patch.group_ids {
            self.group_ids = v;
        }
        if let Some(v) = patch.notifications {
            self.notifications = v;
        }
        self.touch();
    }

    /// Replaces the set of documents hidden from the member.
    pub fn restrict_documents(&mut self, hidden: BTreeSet<super::ids::DocumentId>) {
        self.hidden_document_ids = hidden;
        self.touch();
    }

    /// Switches one kind of notification off (the email's unsubscribe link); false if
    /// it was already off.
    pub fn unsubscribe(&mut self, kind: NotificationKind) -> bool {
        let changed = self.notifications.remove(&kind);
        if changed {
            self.touch();
        }
        changed
    }

    /// Stops all mail to the member's address (a bounce or complaint); false if it was
    /// already stopped.
    pub fn suppress(&mut self, why: super::mailing::Suppression) -> bool {
        if self.suppressed.is_some() {
            return false;
        }
        self.suppressed = Some(why);
        self.touch();
        true
    }

    /// Disabled members are refused on every route; their login is disabled too.
    pub fn disable(&mut self) {
        self.status = MemberStatus::Disabled;
        self.touch();
    }

    /// Back to what the member was before being disabled.
    pub fn enable(&mut self) {
        self.status = if self.login.is_some() { MemberStatus::Invited } else { MemberStatus::NotInvited };
        self.touch();
    }

    /// Records a change that has no field of its own (e.g. a password reset).
    pub fn touch(&mut self) {
        self.updated_at = now();
        self.version += 1;
    }

    pub fn effective_permissions(&self) -> BTreeSet<Permission> {
        if self.admin {
            Permission::ALL.into_iter().collect()
        } else {
            self.permissions.clone()
        }
    }

    pub fn is_disabled(&self) -> bool {
        self.status == MemberStatus::Disabled
    }

    pub fn mark_invited(&mut self, login: String) {
        self.login = Some(login);
        self.status = MemberStatus::Invited;
        self.touch();
        self.invited_at = Some(self.updated_at);
    }

    pub fn full_name(&self) -> String {
        format!("{} {}", self.first_name, self.last_name)
    }

    pub fn view(&self) -> MemberView {
        MemberView {
            id: self.id,
            customer_id: self.customer_id,
            first_name: self.first_name.clone(),
            last_name: self.last_name.clone(),
            email: self.email.clone(),
            phone: self.phone.clone(),
            job_title: self.job_title.clone(),
            locale: self.locale,
            admin: self.admin,
            permissions: self.permissions.clone(),
            reports: self.reports.clone(),
            approval_limits: self.approval_limits.clone(),
            effective_permissions: self.effective_permissions(),
            scope: self.scope.to_input(),
            group_ids: self.group_ids.clone(),
            hidden_document_ids: self.hidden_document_ids.clone(),
            notifications: self.notifications.clone(),
            status: self.status,
            contact_id: self.contact_id,
            suppressed: self.suppressed.clone(),
            invited_at: self.invited_at,
            created_at: self.created_at,
            updated_at: self.updated_at,
            version: self.version,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new_member(json: &str) -> NewMember {
        serde_json::from_str(json).unwrap()
    }

    fn path() -> super::super::hierarchy::CustomerPath {
        super::super::hierarchy::CustomerPath::root(CustomerId::parse("cus_01JD8Z6V5Q2W3E4R5T6Y7A8B9K").unwrap())
    }

    const BASE: &str = r#"{"customer_id":"cus_01JD8Z6V5Q2W3E4R5T6Y7A8B9K","first_name":"Ann","last_name":"Lee","email":"ann@example.com""#;

    #[test]
    fn the_first_member_of_a_customer_is_admin_by_default() {
        let first = Member::create(new_member(&format!("{BASE}}}")), path(), Scope::default(), true);
        assert!(first.admin);
        assert_eq!(first.effective_permissions().len(), Permission::ALL.len());
        let second = Member::create(new_member(&format!("{BASE}}}")), path(), Scope::default(), false);
        assert!(!second.admin);
        assert!(second.effective_permissions().is_empty());
    }

    #[test]
    fn an_explicit_admin_false_wins_over_the_default() {
        let m = Member::create(new_member(&format!(r#"{BASE},"admin":false}}"#)), path(), Scope::default(), true);
        assert!(!m.admin);
    }

    #[test]
    fn a_patch_changes_only_what_it_names_and_null_clears() {
        let mut m = Member::create(
            new_member(&format!(r#"{BASE},"phone":"+31612345678","job_title":"Boss"}}"#)),
            path(),
            Scope::default(),
            false,
        );
        let patch: MemberPatch = serde_json::from_str(r#"{"phone":null,"permissions":["view_jobs"]}"#).unwrap();
        m.apply(patch, None);
        assert_eq!(m.phone, None);
        assert_eq!(m.job_title.as_ref().map(|j| j.as_str()), Some("Boss"));
        assert_eq!(m.permissions, [Permission::ViewJobs].into());
        assert_eq!(m.version, 2);
        assert!(
            serde_json::from_str::<SelfPatch>(r#"{"email":"new@example.com"}"#).is_err(),
            "members do not change their login address"
        );
    }

    #[test]
    fn members_cannot_patch_their_own_rights() {
        for body in [
            r#"{"admin":true}"#,
            r#"{"permissions":["view_invoices"]}"#,
            r#"{"scope":{"grants":[]}}"#,
            r#"{"email":"x@y.com"}"#,
        ] {
            assert!(serde_json::from_str::<SelfPatch>(body).is_err(), "{body}");
        }
        let ok: SelfPatch = serde_json::from_str(r#"{"locale":"nl","notifications":["quotes"]}"#).unwrap();
        let patch = MemberPatch::from(ok);
        assert!(patch.admin.is_none() && patch.permissions.is_none() && patch.scope.is_none());
    }

    #[test]
    fn enabling_returns_a_member_to_where_they_were() {
        let mut m = Member::create(new_member(&format!("{BASE}}}")), path(), Scope::default(), false);
        m.disable();
        assert!(m.is_disabled());
        m.enable();
        assert_eq!(m.status, MemberStatus::NotInvited);
        m.mark_invited("sub-1".into());
        m.disable();
        m.enable();
        assert_eq!(m.status, MemberStatus::Invited);
    }

    #[test]
    fn group_rights_add_to_the_members_own_but_only_inside_their_customer() {
        use super::super::group::{AccessGroup, NewGroup, Rights};
        use super::super::rights::Report;
        use super::super::scope::{Coverage, Grant};
        let home = path();
        let child = home.child(CustomerId::generate()).unwrap();
        let elsewhere = super::super::hierarchy::CustomerPath::root(CustomerId::generate());
        let mut m = Member::create(
            new_member(&format!(r#"{BASE},"permissions":["view_jobs"]}}"#)),
            home.clone(),
            Scope::default(),
            false,
        );
        let group_input: NewGroup =
            serde_json::from_str(r#"{"name":"Managers","permissions":["view_invoices"],"reports":["first_time_fix"]}"#)
                .unwrap();
        let grants = vec![
            Grant { customer_path: child.clone(), coverage: Coverage::Customer },
            Grant { customer_path: elsewhere.clone(), coverage: Coverage::Customer },
        ];
        let group = AccessGroup::create(group_input, Scope::new(grants));
        let unrelated = Rights::of(&m, std::slice::from_ref(&group));
        assert_eq!(unrelated.permissions, [Permission::ViewJobs].into(), "not a member of the group yet");
        m.group_ids.insert(group.id);
        let rights = Rights::of(&m, &[group]);
        assert_eq!(rights.permissions, [Permission::ViewJobs, Permission::ViewInvoices].into());
        assert_eq!(rights.reports, [Report::FirstTimeFix].into());
        let customers: Vec<_> = rights.scope.grants().iter().map(|g| g.customer_id()).collect();
        assert_eq!(customers, vec![child.customer_id()], "the grant outside the member's customer is ignored");
    }

    #[test]
    fn unknown_fields_and_unknown_permissions_are_rejected() {
        assert!(serde_json::from_str::<NewMember>(&format!(r#"{BASE},"tenant_id":"ten_x"}}"#)).is_err());
        assert!(serde_json::from_str::<NewMember>(&format!(r#"{BASE},"permissions":["root"]}}"#)).is_err());
    }
}
