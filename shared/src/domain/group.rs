//! Access groups ("portal user groups", seed 000): reusable scope, feature permissions
//! and KPI/report access. A member belongs to any number of groups; their effective
//! rights are the union of their own and their groups' ([`Rights`]), worked out on every
//! request from the groups as they are — a changed group acts at once.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::ids::GroupId;
use super::member::{Member, Permission};
use super::scope::{Scope, ScopeInput};
use super::tenant::{now, Timestamp};
use super::text::Name;

/// KPI reports (strings fixed by the API).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Report {
    TotalServiceRepairs,
    CalibrationsOnTime,
    QuotesByStatus,
    OpenCallsContractEquipment,
    MostExpensiveEquipment,
    EquipmentOpenRejectedQuotes,
    EquipmentInService,
    CompletedServiceVisits,
    FirstTimeFix,
}

/// Groups a member may belong to at once.
pub const MAX_GROUPS_PER_MEMBER: usize = 20;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AccessGroup {
    pub id: GroupId,
    pub name: Name,
    pub scope: Scope,
    pub permissions: BTreeSet<Permission>,
    pub reports: BTreeSet<Report>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: Timestamp,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: Timestamp,
    pub version: u64,
}

/// `POST /admin/access-groups`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewGroup {
    pub name: Name,
    pub scope: Option<ScopeInput>,
    #[serde(default)]
    pub permissions: BTreeSet<Permission>,
    #[serde(default)]
    pub reports: BTreeSet<Report>,
}

/// `PATCH /admin/access-groups/{group_id}`.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GroupPatch {
    pub name: Option<Name>,
    pub scope: Option<ScopeInput>,
    pub permissions: Option<BTreeSet<Permission>>,
    pub reports: Option<BTreeSet<Report>>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct GroupView {
    pub id: GroupId,
    pub name: Name,
    pub scope: ScopeInput,
    pub permissions: BTreeSet<Permission>,
    pub reports: BTreeSet<Report>,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
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
            created_at: self.created_at,
            updated_at: self.updated_at,
            version: self.version,
        }
    }
}

/// The door of every feature's portal routes: the tenant must have the feature on (else
/// 403 for every member), and the member must hold the permission (else 403).
pub fn require(
    settings: &super::settings::Settings,
    rights: &Rights,
    feature: super::settings::Feature,
    permission: Permission,
) -> Result<(), crate::error::Error> {
    if !settings.features.contains(&feature) {
        return Err(crate::error::Error::forbidden("this feature is switched off for the portal"));
    }
    if !rights.permissions.contains(&permission) {
        return Err(crate::error::Error::forbidden("you do not have permission for this"));
    }
    Ok(())
}

/// What a member may do and see right now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rights {
    pub permissions: BTreeSet<Permission>,
    pub reports: BTreeSet<Report>,
    pub scope: Scope,
}

impl Rights {
    /// The union of the member's own rights and their groups'. A group's grants count
    /// only inside the member's own customer tree: a group never shows a member another
    /// customer's sites (seed 004). Groups the member no longer belongs to, or that were
    /// deleted, are simply not among `groups`.
    pub fn of(member: &Member, groups: &[AccessGroup]) -> Self {
        let mine: Vec<_> = groups.iter().filter(|g| member.group_ids.contains(&g.id)).collect();
        let mut permissions = member.effective_permissions();
        let mut reports = BTreeSet::new();
        let mut grants = member.scope.grants().to_vec();
        for g in &mine {
            if !member.admin {
                permissions.extend(g.permissions.iter().copied());
            }
            reports.extend(g.reports.iter().copied());
            let inside = g
                .scope
                .grants()
                .iter()
                .filter(|grant| member.customer_path.is_ancestor_or_self_of(&grant.customer_path));
            grants.extend(inside.cloned());
        }
        Self { permissions, reports, scope: Scope::new(grants) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::settings::{Feature, Settings};

    #[test]
    fn a_switched_off_feature_is_refused_even_to_admins() {
        let mut settings = Settings::initial(Name::parse("Acme").unwrap());
        let all = Rights {
            permissions: Permission::ALL.into_iter().collect(),
            reports: BTreeSet::new(),
            scope: Scope::default(),
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
