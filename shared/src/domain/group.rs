//! Access groups (elsewhere "portal user groups"): reusable scope, feature permissions
//! and KPI/report access. A member belongs to any number of groups; their effective
//! rights are the union of their own and their groups' ([`Rights`]), worked out on every
//! request from the groups as they are — a changed group acts at once.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::ids::GroupId;
use super::member::Member;
use super::rights::Report;
use super::rights::{ApprovalLimits, Permission};
use super::scope::{Coverage, Grant, Scope, ScopeInput};
use super::settings::{Feature, Settings};
use super::tenant::{now, Timestamp};
use super::text::Name;

/// Groups a member may belong to at once.
pub const MAX_GROUPS_PER_MEMBER: usize = 20;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AccessGroup {
    pub id: GroupId,
    pub name: Name,
    pub scope: Scope,
    pub permissions: BTreeSet<Permission>,
    pub reports: BTreeSet<Report>,
    #[serde(default)]
    pub approval_limits: ApprovalLimits,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub version: u64,
}

/// `POST /admin/access-groups`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewGroup {
    pub name: Name,
    pub scope: Option<ScopeInput>,
    #[serde(default, deserialize_with = "super::tenant::unique")]
    pub permissions: BTreeSet<Permission>,
    #[serde(default, deserialize_with = "super::tenant::unique")]
    pub reports: BTreeSet<Report>,
    /// The most the group's members may approve per quote, per currency (minor units).
    #[serde(default)]
    pub approval_limits: ApprovalLimits,
}

/// `PATCH /admin/access-groups/{group_id}`.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GroupPatch {
    pub name: Option<Name>,
    pub scope: Option<ScopeInput>,
    #[serde(default, deserialize_with = "super::tenant::unique_opt")]
    pub permissions: Option<BTreeSet<Permission>>,
    #[serde(default, deserialize_with = "super::tenant::unique_opt")]
    pub reports: Option<BTreeSet<Report>>,
    /// `null` or `{}` removes every limit.
    #[serde(default, deserialize_with = "super::tenant::double_option")]
    #[schema(value_type = Option<ApprovalLimits>)]
    pub approval_limits: Option<Option<ApprovalLimits>>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct GroupView {
    pub id: GroupId,
    pub name: Name,
    pub scope: ScopeInput,
    pub permissions: BTreeSet<Permission>,
    pub reports: BTreeSet<Report>,
    pub approval_limits: ApprovalLimits,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub version: u64,
}

impl AccessGroup {
    pub fn create(input: NewGroup, scope: Scope) -> Self {
        let at = now();
        Self {
            id: GroupId::generate(),
            name: input.name,
            scope,
            permissions: input.permissions,
            reports: input.reports,
            approval_limits: input.approval_limits,
            created_at: at,
            updated_at: at,
            version: 1,
        }
    }

    /// Applies a patch; `scope` is the patch's scope, already resolved.
    pub fn apply(&mut self, patch: GroupPatch, scope: Option<Scope>) {
        if let Some(v) = patch.name {
            self.name = v;
        }
        if let Some(v) = scope {
            self.scope = v;
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
        self.updated_at = now();
        self.version += 1;
    }

    pub fn view(&self) -> GroupView {
        GroupView {
            id: self.id,
            name: self.name.clone(),
            scope: self.scope.to_input(),
            permissions: self.permissions.clone(),
            reports: self.reports.clone(),
            approval_limits: self.approval_limits.clone(),
            created_at: self.created_at,
            updated_at: self.updated_at,
            version: self.version,
        }
    }
}

/// The door of every feature's portal routes: the tenant must have the feature on (else
/// 403 for every member), and the member must hold the permission (else 403).
pub fn require(
    settings: &Settings,
    rights: &Rights,
    feature: Feature,
    permission: Permission,
) -> Result<(), crate::error::Error> {
    switched_on(settings, feature)?;
    if !rights.permissions.contains(&permission) {
        return Err(crate::error::Error::forbidden("you do not have permission for this"));
    }
    Ok(())
}

/// A feature the tenant switched off is refused to every member, admins included, before
/// any permission is looked at.
fn switched_on(settings: &Settings, feature: Feature) -> Result<(), crate::error::Error> {
    if !settings.features.contains(&feature) {
        return Err(crate::error::Error::forbidden("this feature is switched off for the portal"));
    }
    Ok(())
}

/// The permissions that open a feature's pages in the portal, any one of them: what a
/// member needs, beyond the tenant having the feature on, to see the feature at all.
/// Acting within it (approving, exporting, adding a note) needs its own permission.
pub fn opening(feature: Feature) -> &'static [Permission] {
    match feature {
        Feature::Jobs => &[Permission::ViewJobs, Permission::ViewCompletedJobs],
        Feature::WorkRequests => &[Permission::CreateWorkRequests],
        Feature::Quotes => &[Permission::ViewQuotes],
        Feature::Invoices => &[Permission::ViewInvoices],
        Feature::Assets => &[Permission::ViewAssets],
        Feature::Documents => &[Permission::ViewDocuments],
        Feature::Messages => &[Permission::ViewMessages],
        Feature::Reports => &[Permission::ViewReports],
        Feature::Payments => &[Permission::PayInvoices],
    }
}

/// The door of a feature's read routes: the tenant has it on (else 403 for every member)
/// and the member holds one of the permissions that open it (else 403).
pub fn require_open(settings: &Settings, rights: &Rights, feature: Feature) -> Result<(), crate::error::Error> {
    switched_on(settings, feature)?;
    if !opening(feature).iter().any(|p| rights.permissions.contains(p)) {
        return Err(crate::error::Error::forbidden("you do not have permission for this"));
    }
    Ok(())
}

/// The portal features open to a member: those whose door ([`require_open`]) lets them in.
pub fn open_features(settings: &Settings, rights: &Rights) -> BTreeSet<Feature> {
    Feature::ALL.into_iter().filter(|f| require_open(settings, rights, *f).is_ok()).collect()
}

/// What a group's `grant` gives `member`: group grants count only inside the member's
/// own customer tree. A grant inside it counts as it is; a grant on a whole ancestor
/// customer counts for the member's own customer (whose tree is part of the ancestor's);
/// anything else — another customer's, or an ancestor's own divisions or sites — counts
/// for nothing.
fn clip(member: &Member, grant: &Grant) -> Option<Grant> {
    if member.customer_path.is_ancestor_or_self_of(&grant.customer_path) {
        return Some(grant.clone());
    }
    match grant.coverage {
        Coverage::Customer if grant.customer_path.is_ancestor_or_self_of(&member.customer_path) => {
            Some(Grant { customer_path: member.customer_path.clone(), coverage: Coverage::Customer })
        }
        _ => None,
    }
}

/// What a member may do and see right now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rights {
    pub permissions: BTreeSet<Permission>,
    pub reports: BTreeSet<Report>,
    pub scope: Scope,
    /// Per currency, the highest approval limit among the member's and their groups'.
    pub approval_limits: ApprovalLimits,
}

impl Rights {
    /// The union of the member's own rights and their groups'. A group's grants count
    /// only inside the member's own customer tree: a group never shows a member another
    /// customer's sites (a member sees only what concerns their own customer). Groups the
    /// member no longer belongs to, or that were deleted, are simply not among `groups`.
    pub fn of(member: &Member, groups: &[AccessGroup]) -> Self {
        let mine: Vec<_> = groups.iter().filter(|g| member.group_ids.contains(&g.id)).collect();
        let mut permissions = member.effective_permissions();
        // The admin flag grants every feature, every report among them.
        let mut reports = if member.admin { Report::ALL.into_iter().collect() } else { member.reports.clone() };
        let mut grants = member.scope.grants().to_vec();
        for g in &mine {
            if !member.admin {
                permissions.extend(g.permissions.iter().copied());
            }
            reports.extend(g.reports.iter().copied());
            grants.extend(g.scope.grants().iter().filter_map(|grant| clip(member, grant)));
        }
        let approval_limits = super::quote::effective_limits(
            std::iter::once(&member.approval_limits).chain(mine.iter().map(|g| &g.approval_limits)),
        );
        Self { permissions, reports, scope: Scope::new(grants), approval_limits }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::hierarchy::{CustomerPath, SiteRef};
    use crate::domain::ids::{CustomerId, SiteId};
    use crate::domain::member::NewMember;

    /// A member of `customer` in `groups`, with a scope of their own of nothing.
    fn member_of(customer: &CustomerPath, groups: &[&AccessGroup]) -> Member {
        let input: NewMember = serde_json::from_value(serde_json::json!({
            "customer_id": customer.customer_id(), "first_name": "A", "last_name": "B", "email": "a@example.com",
            "group_ids": groups.iter().map(|g| g.id).collect::<Vec<_>>(),
        }))
        .unwrap();
        Member::create(input, customer.clone(), Scope::default(), false)
    }

    fn group(grants: Vec<Grant>) -> AccessGroup {
        AccessGroup::create(serde_json::from_str(r#"{"name":"G"}"#).unwrap(), Scope::new(grants))
    }

    #[test]
    fn a_group_grant_counts_only_inside_the_members_own_customer_tree() {
        let parent = CustomerPath::root(CustomerId::generate());
        let child = parent.child(CustomerId::generate()).unwrap();
        let grandchild = child.child(CustomerId::generate()).unwrap();
        let sibling = parent.child(CustomerId::generate()).unwrap();
        let site = |path: &CustomerPath| (SiteId::generate(), path.clone());
        let (on_parent, on_child, on_grandchild, on_sibling) =
            (site(&parent), site(&child), site(&grandchild), site(&sibling));
        let sees = |rights: &Rights, (id, path): &(SiteId, CustomerPath)| {
            rights.scope.covers(&SiteRef { id: *id, customer_path: path, division_id: None })
        };

        // A grant on the parent, for a member of the child: the child's tree, nothing more.
        let g = group(vec![Grant { customer_path: parent.clone(), coverage: Coverage::Customer }]);
        let rights = Rights::of(&member_of(&child, &[&g]), std::slice::from_ref(&g));
        assert!(sees(&rights, &on_child) && sees(&rights, &on_grandchild));
        assert!(!sees(&rights, &on_parent), "the parent's own sites are another customer's");
        assert!(!sees(&rights, &on_sibling), "so are the sibling's");

        // The parent's own sites granted one by one count for nothing; a grant inside
        // the member's tree counts as it is.
        let g = group(vec![
            Grant { customer_path: parent.clone(), coverage: Coverage::Sites { site_ids: [on_parent.0].into() } },
            Grant { customer_path: grandchild.clone(), coverage: Coverage::Customer },
        ]);
        let rights = Rights::of(&member_of(&child, &[&g]), std::slice::from_ref(&g));
        assert!(!sees(&rights, &on_parent) && !sees(&rights, &on_child));
        assert!(sees(&rights, &on_grandchild));
    }

    #[test]
    fn a_feature_is_open_when_the_tenant_has_it_on_and_one_of_its_permissions_is_held() {
        let mut settings = Settings::initial(Name::parse("Acme").unwrap());
        settings.features = Feature::ALL.into_iter().collect();
        let rights = |permissions: &[Permission]| Rights {
            permissions: permissions.iter().copied().collect(),
            reports: BTreeSet::new(),
            scope: Scope::default(),
            approval_limits: Default::default(),
        };
        // Completed jobs alone open jobs; approving alone does not open quotes.
        let some = rights(&[Permission::ViewCompletedJobs, Permission::ApproveQuotes, Permission::ViewInvoices]);
        assert_eq!(open_features(&settings, &some), [Feature::Jobs, Feature::Invoices].into());
        settings.features.remove(&Feature::Invoices);
        assert_eq!(open_features(&settings, &some), [Feature::Jobs].into());
        let all = rights(&Permission::ALL);
        assert_eq!(open_features(&settings, &all).len(), Feature::ALL.len() - 1, "all but the one switched off");
        for feature in Feature::ALL {
            assert_eq!(
                require_open(&settings, &all, feature).is_ok(),
                open_features(&settings, &all).contains(&feature)
            );
        }
    }

    #[test]
    fn a_switched_off_feature_is_refused_even_to_admins() {
        let mut settings = Settings::initial(Name::parse("Acme").unwrap());
        let all = Rights {
            permissions: Permission::ALL.into_iter().collect(),
            reports: BTreeSet::new(),
            scope: Scope::default(),
            approval_limits: Default::default(),
        };
        assert!(require(&settings, &all, Feature::Quotes, Permission::ViewQuotes).is_ok());
        settings.features.remove(&Feature::Quotes);
        assert!(matches!(
            require(&settings, &all, Feature::Quotes, Permission::ViewQuotes),
            Err(crate::error::Error::Forbidden(_))
        ));
        let none = Rights { permissions: BTreeSet::new(), ..all };
        assert!(matches!(
            require(&settings, &none, Feature::Jobs, Permission::ViewJobs),
            Err(crate::error::Error::Forbidden(_))
        ));
    }
}
