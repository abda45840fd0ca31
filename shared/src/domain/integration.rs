//! Back-office integrations: a tenant's FSM or ERP calling the admin API with machine
//! credentials of its own, narrowed to the scopes an admin granted it.
//!
//! Each integration has one or more Cognito app clients (OAuth 2.0 client-credentials
//! grant). Rotating adds a new client and lets the old one retire at the end of an overlap
//! window; revoking removes them all. Every client has a **binding** item, keyed by the
//! client id (the only thing an access token names), that tells the guard whose client it
//! is, what it may do and until when: the guard loads it on every request, so narrowing
//! the scopes, retiring a client and revoking act at once, whatever tokens are out.

use serde::{Deserialize, Serialize};

use super::ids::{stored_tenant, IntegrationId, TenantId};
use super::principal::ApiScope;
use super::tenant::{now, Timestamp};
use super::text::Name;
use crate::error::{Error, Result};

/// How long an old secret keeps working after a rotation, by default (hours).
pub const DEFAULT_OVERLAP_HOURS: u32 = 24;
/// The longest overlap a rotation may ask for (hours): a week.
pub const MAX_OVERLAP_HOURS: u32 = 168;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum IntegrationStatus {
    /// Its current client's credentials are accepted.
    Active,
    /// Revoked: every client is gone and every token refused.
    Revoked,
}

/// One Cognito app client of an integration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AppClient {
    /// The OAuth 2.0 `client_id` (not secret).
    pub client_id: String,
    pub created_at: Timestamp,
    /// Set when a rotation replaced it: its tokens are refused from then on.
    pub retires_at: Option<Timestamp>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Integration {
    pub id: IntegrationId,
    pub name: Name,
    /// What it may do: sorted, no repeats, at least one.
    pub scopes: Vec<ApiScope>,
    pub status: IntegrationStatus,
    /// Its app clients, newest last: the current one, and those retiring after a rotation.
    pub clients: Vec<AppClient>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub version: u64,
}

/// What the guard reads for an app client: kept with its integration (written and
/// removed in the integration's transactions), under the client id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Binding {
    pub client_id: String,
    #[serde(deserialize_with = "stored_tenant")]
    pub tenant: TenantId,
    pub integration_id: IntegrationId,
    pub name: Name,
    pub scopes: Vec<ApiScope>,
    pub retires_at: Option<Timestamp>,
}

impl Binding {
    /// Whether a token of this client is accepted at `at`.
    pub fn is_live(&self, at: Timestamp) -> bool {
        self.retires_at.is_none_or(|r| at < r)
    }
}

/// `POST /admin/integrations`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewIntegration {
    /// Shown in the audit trail as `integration:<name>`.
    pub name: Name,
    /// At least one: see docs/integration.md for what each opens.
    #[schema(min_items = 1)]
    pub scopes: Vec<ApiScope>,
}

/// `PATCH /admin/integrations/{integration_id}`: a narrowed scope acts on the next
/// request, whatever tokens are out.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IntegrationPatch {
    pub name: Option<Name>,
    /// At least one, when sent.
    #[schema(min_items = 1)]
    pub scopes: Option<Vec<ApiScope>>,
}

/// `POST /admin/integrations/{integration_id}/rotate`.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Rotation {
    /// How long the old secret keeps working, in hours (0 to 168; default 24).
    #[schema(minimum = 0, maximum = 168)]
    pub overlap_hours: Option<u32>,
}

impl Rotation {
    pub fn overlap(&self) -> Result<time::Duration> {
        let hours = self.overlap_hours.unwrap_or(DEFAULT_OVERLAP_HOURS);
        if hours > MAX_OVERLAP_HOURS {
            return Err(Error::invalid_field("overlap_hours", format!("at most {MAX_OVERLAP_HOURS} hours")));
        }
        Ok(time::Duration::hours(i64::from(hours)))
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct IntegrationView {
    pub id: IntegrationId,
    pub name: Name,
    pub scopes: Vec<ApiScope>,
    pub status: IntegrationStatus,
    /// Its app clients: the current one (no `retires_at`) and any still retiring.
    pub clients: Vec<AppClient>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub version: u64,
}

/// Credentials, shown once: when an integration is created and when it is rotated.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Credentials {
    pub client_id: String,
    /// Shown only in this answer: Portico does not keep it.
    pub client_secret: String,
    /// Where to request a token (OAuth 2.0 client-credentials grant).
    pub token_url: String,
    /// The OAuth 2.0 scopes to ask for (`portico/records:write`), space-separated in a
    /// token request.
    pub scopes: Vec<String>,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials").field("client_id", &self.client_id).field("client_secret", &"<redacted>").finish()
    }
}

/// An integration with its new credentials.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct IntegrationWithCredentials {
    #[serde(flatten)]
    pub integration: IntegrationView,
    pub credentials: Credentials,
}

/// Sorted, no repeats, at least one.
pub fn check_scopes(scopes: &[ApiScope]) -> Result<Vec<ApiScope>> {
    let mut out: Vec<ApiScope> = scopes.to_vec();
    out.sort_unstable();
    out.dedup();
    if out.is_empty() {
        return Err(Error::invalid_field("scopes", "grant at least one scope"));
    }
    Ok(out)
}

impl Integration {
    /// A new integration with its first app client.
    pub fn create(id: IntegrationId, input: NewIntegration, client_id: String) -> Result<Self> {
        let at = now();
        Ok(Self {
            id,
            name: input.name,
            scopes: check_scopes(&input.scopes)?,
            status: IntegrationStatus::Active,
            clients: vec![AppClient { client_id, created_at: at, retires_at: None }],
            created_at: at,
            updated_at: at,
            version: 1,
        })
    }

    pub fn is_active(&self) -> bool {
        self.status == IntegrationStatus::Active
    }

    /// Its scopes as app clients carry them (`portico/records:write`).
    pub fn oauth_scopes(&self) -> Vec<String> {
        self.scopes.iter().filter_map(|s| s.oauth()).collect()
    }

    pub fn apply(&mut self, patch: IntegrationPatch) -> Result<()> {
        if let Some(name) = patch.name {
            self.name = name;
        }
        if let Some(scopes) = patch.scopes {
            self.scopes = check_scopes(&scopes)?;
        }
        self.touch();
        Ok(())
    }

    /// Adds `client_id` as the current client: the current ones retire after `overlap`,
    /// and those already retired at `at` are dropped (returned: their app clients are to
    /// be deleted).
    pub fn rotate(&mut self, client_id: String, overlap: time::Duration, at: Timestamp) -> Vec<AppClient> {
        let (gone, mut kept): (Vec<AppClient>, Vec<AppClient>) =
            self.clients.drain(..).partition(|c| c.retires_at.is_some_and(|r| r <= at));
        for c in kept.iter_mut().filter(|c| c.retires_at.is_none()) {
            c.retires_at = Some(at.saturating_add(overlap));
        }
        kept.push(AppClient { client_id, created_at: at, retires_at: None });
        self.clients = kept;
        self.touch();
        gone
    }

    /// Revoked: every client is removed (returned: their app clients are to be deleted).
    pub fn revoke(&mut self) -> Vec<AppClient> {
        self.status = IntegrationStatus::Revoked;
        self.touch();
        std::mem::take(&mut self.clients)
    }

    fn touch(&mut self) {
        self.updated_at = now();
        self.version += 1;
    }

    /// The binding of each of its clients.
    pub fn bindings(&self, tenant: TenantId) -> Vec<Binding> {
        self.clients
            .iter()
            .map(|c| Binding {
                client_id: c.client_id.clone(),
                tenant,
                integration_id: self.id,
                name: self.name.clone(),
                scopes: self.scopes.clone(),
                retires_at: c.retires_at,
            })
            .collect()
    }

    pub fn view(&self) -> IntegrationView {
        IntegrationView {
            id: self.id,
            name: self.name.clone(),
            scopes: self.scopes.clone(),
            status: self.status,
            clients: self.clients.clone(),
            created_at: self.created_at,
            updated_at: self.updated_at,
            version: self.version,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn integration() -> Integration {
        let input = NewIntegration {
            name: Name::parse("ERP").unwrap(),
            scopes: vec![ApiScope::RecordsWrite, ApiScope::AccessRead, ApiScope::RecordsWrite],
        };
        Integration::create(IntegrationId::generate(), input, "client-1".into()).unwrap()
    }

    #[test]
    fn scopes_are_sorted_without_repeats_and_never_empty() {
        assert_eq!(integration().scopes, vec![ApiScope::AccessRead, ApiScope::RecordsWrite]);
        assert!(check_scopes(&[]).is_err());
        assert_eq!(integration().oauth_scopes(), vec!["portico/access:read", "portico/records:write"]);
    }

    #[test]
    fn scope_names_round_trip_and_refuse_what_is_no_grantable_scope() {
        let parsed: Vec<ApiScope> = serde_json::from_str(r#"["records:write","audit:read"]"#).unwrap();
        assert_eq!(parsed, vec![ApiScope::RecordsWrite, ApiScope::AuditRead]);
        assert_eq!(serde_json::to_string(&parsed).unwrap(), r#"["records:write","audit:read"]"#);
        assert!(serde_json::from_str::<ApiScope>(r#""not_for_integrations""#).is_err());
        assert!(serde_json::from_str::<ApiScope>(r#""records:delete""#).is_err());
        assert_eq!(ApiScope::from_oauth("portico/work:read"), Some(ApiScope::WorkRead));
        assert_eq!(ApiScope::from_oauth("other/work:read"), None);
    }

    #[test]
    fn a_rotation_retires_the_current_client_after_the_overlap_and_drops_the_retired() {
        let mut i = integration();
        let t0 = now();
        let gone = i.rotate("client-2".into(), time::Duration::hours(24), t0);
        assert!(gone.is_empty());
        assert_eq!(i.clients.len(), 2);
        assert_eq!(i.clients[0].retires_at, Some(t0.saturating_add(time::Duration::hours(24))));
        assert_eq!(i.clients[1].retires_at, None);
        let bindings = i.bindings(TenantId::generate());
        assert!(bindings[0].is_live(t0) && !bindings[0].is_live(t0.saturating_add(time::Duration::hours(24))));
        assert!(bindings[1].is_live(t0.saturating_add(time::Duration::days(365))));
        // A day later, the next rotation drops client-1 and retires client-2.
        let gone = i.rotate("client-3".into(), time::Duration::ZERO, t0.saturating_add(time::Duration::hours(25)));
        assert_eq!(gone.iter().map(|c| c.client_id.as_str()).collect::<Vec<_>>(), vec!["client-1"]);
        assert_eq!(i.clients.iter().map(|c| c.client_id.as_str()).collect::<Vec<_>>(), vec!["client-2", "client-3"]);
        let revoked = i.revoke();
        assert_eq!(revoked.len(), 2);
        assert!(i.clients.is_empty() && !i.is_active());
    }

    #[test]
    fn an_overlap_is_at_most_a_week() {
        assert_eq!(Rotation::default().overlap().unwrap(), time::Duration::hours(24));
        assert!(Rotation { overlap_hours: Some(169) }.overlap().is_err());
        assert_eq!(Rotation { overlap_hours: Some(0) }.overlap().unwrap(), time::Duration::ZERO);
    }
}
