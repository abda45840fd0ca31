//! Who is calling: built from the claims API Gateway's JWT authorizer verified.
//!
//! The groups claim arrives as a string such as `"[tenant-admin portal-member]"`; both
//! that form and a JSON array are accepted. A route asks for the capability it needs
//! ([`Principal::operator`], [`Principal::admin`], [`Principal::member`]) and gets a typed
//! principal carrying the [`TenantId`] — the only way a handler obtains one.

use std::collections::HashMap;

use super::ids::{IntegrationId, MemberId, StaffId, TenantId};
use crate::error::Error;

pub const GROUP_OPERATOR: &str = "platform-operator";
pub const GROUP_ADMIN: &str = "tenant-admin";
pub const GROUP_MEMBER: &str = "portal-member";

pub const CLAIM_TENANT: &str = "custom:tenant_id";
pub const CLAIM_MEMBER: &str = "custom:member_id";
pub const CLAIM_STAFF: &str = "custom:staff_id";
/// Added by Portico's pre-token-generation trigger when the login signs in with a second
/// factor (`"totp"`): Cognito's own tokens do not say whether one was used.
pub const CLAIM_MFA: &str = "portico:mfa";
/// The value of [`CLAIM_MFA`] for an authenticator app (Cognito's software token).
pub const MFA_TOTP: &str = "totp";

/// What a back-office integration's token may do: the OAuth 2.0 scopes of Portico's
/// resource server, one per area of the admin API and kind of access. Each admin route
/// names the one it needs (the route table's last column); office staff signed in hold
/// them all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ApiScope {
    /// No integration may call the route: the platform's, the portal's and the public
    /// routes, and what only a person may do (office staff accounts, MFA, view-as).
    NotForIntegrations,
    AccessRead,
    AccessWrite,
    WorkRead,
    WorkWrite,
    RecordsRead,
    RecordsWrite,
    FilesRead,
    FilesWrite,
    MessagesRead,
    MessagesWrite,
    AuditRead,
    /// The pull feed of integration events (`GET /admin/events`).
    EventsRead,
    /// Webhook subscriptions and their delivery logs, read.
    WebhooksRead,
    /// Webhook subscriptions: create, change, delete, rotate secrets, replay deliveries.
    WebhooksWrite,
}

impl ApiScope {
    /// Every scope an integration may be granted.
    pub const GRANTABLE: [ApiScope; 14] = [
        ApiScope::AccessRead,
        ApiScope::AccessWrite,
        ApiScope::WorkRead,
        ApiScope::WorkWrite,
        ApiScope::RecordsRead,
        ApiScope::RecordsWrite,
        ApiScope::FilesRead,
        ApiScope::FilesWrite,
        ApiScope::MessagesRead,
        ApiScope::MessagesWrite,
        ApiScope::AuditRead,
        ApiScope::EventsRead,
        ApiScope::WebhooksRead,
        ApiScope::WebhooksWrite,
    ];

    /// Its name (`records:write`), as the resource server declares it; `None` for
    /// [`ApiScope::NotForIntegrations`].
    pub fn name(self) -> Option<&'static str> {
        Some(match self {
            ApiScope::NotForIntegrations => return None,
            ApiScope::AccessRead => "access:read",
            ApiScope::AccessWrite => "access:write",
            ApiScope::WorkRead => "work:read",
            ApiScope::WorkWrite => "work:write",
            ApiScope::RecordsRead => "records:read",
            ApiScope::RecordsWrite => "records:write",
            ApiScope::FilesRead => "files:read",
            ApiScope::FilesWrite => "files:write",
            ApiScope::MessagesRead => "messages:read",
            ApiScope::MessagesWrite => "messages:write",
            ApiScope::AuditRead => "audit:read",
            ApiScope::EventsRead => "events:read",
            ApiScope::WebhooksRead => "webhooks:read",
            ApiScope::WebhooksWrite => "webhooks:write",
        })
    }
}

/// The identifier of Portico's OAuth 2.0 resource server in the user pool: an
/// integration's token carries `portico/<scope>` for each scope it grants.
pub const RESOURCE_SERVER: &str = "portico";

impl ApiScope {
    /// The scope named `name` (`records:write`), if it is one an integration may hold.
    pub fn parse(name: &str) -> Option<ApiScope> {
        ApiScope::GRANTABLE.into_iter().find(|s| s.name() == Some(name))
    }

    /// Its OAuth 2.0 scope as Cognito writes it into a token (`portico/records:write`).
    pub fn oauth(self) -> Option<String> {
        self.name().map(|n| format!("{RESOURCE_SERVER}/{n}"))
    }

    /// The scope an OAuth 2.0 scope of a token names (`portico/records:write`), if any.
    pub fn from_oauth(scope: &str) -> Option<ApiScope> {
        scope.strip_prefix(RESOURCE_SERVER).and_then(|s| s.strip_prefix('/')).and_then(ApiScope::parse)
    }

    /// What it opens, for the OpenAPI document's OAuth 2.0 flow.
    pub fn description(self) -> &'static str {
        match self {
            ApiScope::NotForIntegrations => "no integration may call these routes",
            ApiScope::AccessRead => "read settings, customers, divisions, sites, contacts, access groups and members",
            ApiScope::AccessWrite => {
                "change settings, customers, divisions, sites, contacts, access groups and members"
            }
            ApiScope::WorkRead => "read jobs, their notes and work requests",
            ApiScope::WorkWrite => "publish jobs and decide work requests",
            ApiScope::RecordsRead => "read quotes, invoices, assets, documents and reports",
            ApiScope::RecordsWrite => "publish quotes, invoices, assets and documents",
            ApiScope::FilesRead => "download files",
            ApiScope::FilesWrite => "upload files",
            ApiScope::MessagesRead => "read messages and their acknowledgements",
            ApiScope::MessagesWrite => "post, change and remove messages",
            ApiScope::AuditRead => "read the audit trail",
            ApiScope::EventsRead => "read the feed of events",
            ApiScope::WebhooksRead => "read webhook subscriptions and their delivery logs",
            ApiScope::WebhooksWrite => "create, change, remove and replay webhook subscriptions, rotate their secrets",
        }
    }
}

impl serde::Serialize for ApiScope {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.name() {
            Some(name) => s.serialize_str(name),
            None => Err(serde::ser::Error::custom("NotForIntegrations is no scope an integration holds")),
        }
    }
}

impl<'de> serde::Deserialize<'de> for ApiScope {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        ApiScope::parse(&name).ok_or_else(|| {
            let names: Vec<&str> = ApiScope::GRANTABLE.iter().filter_map(|s| s.name()).collect();
            serde::de::Error::custom(format!("unknown scope {name:?}: one of {}", names.join(", ")))
        })
    }
}

impl utoipa::PartialSchema for ApiScope {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        let names: Vec<&str> = ApiScope::GRANTABLE.iter().filter_map(|s| s.name()).collect();
        utoipa::openapi::schema::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .enum_values(Some(names))
            .description(Some("A scope of Portico's resource server (docs/integration.md)"))
            .into()
    }
}

impl utoipa::ToSchema for ApiScope {}

/// Who an admin is: one of the office staff, signed in, or a back-office integration
/// with the scopes its credentials grant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AdminKind {
    Staff(StaffId),
    Integration { id: IntegrationId, name: String, scopes: Vec<ApiScope> },
}

impl AdminPrincipal {
    /// Whether the caller holds `scope`: office staff hold every scope; an integration
    /// what its token and its binding both grant (checked by the guard), and never
    /// [`ApiScope::NotForIntegrations`]'s routes. Refused: 403 naming the scope.
    pub fn may(&self, scope: ApiScope) -> Result<(), Error> {
        match (&self.kind, scope.name()) {
            (AdminKind::Staff(_), _) => Ok(()),
            (AdminKind::Integration { .. }, None) => {
                Err(Error::forbidden("this operation is for office staff: no integration may call it"))
            }
            (AdminKind::Integration { scopes, .. }, Some(name)) => {
                if scopes.contains(&scope) {
                    Ok(())
                } else {
                    Err(Error::forbidden(format!(
                        "this operation needs the scope {name}, which this integration does not hold"
                    )))
                }
            }
        }
    }

    /// The staff record of a person signed in; 403 for an integration (what only a
    /// person may do).
    pub fn staff(&self) -> Result<StaffId, Error> {
        match &self.kind {
            AdminKind::Staff(staff) => Ok(*staff),
            AdminKind::Integration { .. } => Err(Error::forbidden("this operation is for office staff")),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    sub: String,
    groups: Vec<String>,
    tenant: Option<TenantId>,
    member: Option<MemberId>,
    staff: Option<StaffId>,
    mfa: bool,
    client: Option<ClientToken>,
}

/// An integration's access token (client-credentials grant): its app client and the
/// scopes it carries. Which tenant and integration it is comes from the client's binding
/// (`http::guard::admin`), never from the token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientToken {
    pub client_id: String,
    pub scopes: Vec<ApiScope>,
}

/// A platform operator: may create tenants, sees no tenant's data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperatorPrincipal {
    pub sub: String,
    /// Whether the token was issued after a second factor.
    pub mfa: bool,
}

/// An admin of one tenant: one of its office staff, or one of its back office's
/// integrations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdminPrincipal {
    pub tenant: TenantId,
    pub kind: AdminKind,
    /// The token's subject: a staff login's Cognito username, or an integration's app
    /// client id.
    pub sub: String,
    /// Whether the token was issued after a second factor.
    pub mfa: bool,
}

/// A portal member of one tenant. Their rights are loaded from storage per request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberPrincipal {
    pub tenant: TenantId,
    pub member: MemberId,
    pub sub: String,
}

/// The user a Cognito trigger is about. Its `custom:` attributes were written by Portico
/// when the user was created (they are immutable and not writable by clients), and reach
/// the trigger from Cognito itself, not from any request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TriggerUser {
    pub tenant: Option<TenantId>,
    pub member: Option<MemberId>,
    pub first_name: Option<String>,
}

impl TriggerUser {
    pub fn from_attributes(attributes: &HashMap<String, String>) -> Self {
        Self {
            tenant: attributes.get(CLAIM_TENANT).and_then(|t| TenantId::from_verified(t).ok()),
            member: attributes.get(CLAIM_MEMBER).and_then(|m| MemberId::parse(m).ok()),
            first_name: attributes.get("given_name").cloned(),
        }
    }
}

/// Parses the groups claim: `"[a b]"`, `"a b"`, `"a,b"` or `"[\"a\",\"b\"]"`.
pub fn parse_groups(raw: &str) -> Vec<String> {
    raw.trim()
        .trim_start_matches('[')
        .trim_end_matches(']')
        .split(|c: char| c == ',' || c.is_whitespace())
        .map(|g| g.trim_matches('"'))
        .filter(|g| !g.is_empty())
        .map(str::to_owned)
        .collect()
}

impl Principal {
    /// From verified claims. Without a subject there is no principal (401); malformed
    /// tenant or member claims are treated the same way, never trusted partially.
    pub fn from_claims(claims: &HashMap<String, String>) -> Result<Self, Error> {
        let sub = claims.get("sub").filter(|s| !s.is_empty()).ok_or(Error::Unauthorized)?.clone();
        let groups = claims.get("cognito:groups").map(|g| parse_groups(g)).unwrap_or_default();
        let tenant = match claims.get(CLAIM_TENANT) {
            Some(t) => Some(TenantId::from_verified(t).map_err(|_| Error::Unauthorized)?),
            None => None,
        };
        let member = match claims.get(CLAIM_MEMBER) {
            Some(m) => Some(MemberId::parse(m).map_err(|_| Error::Unauthorized)?),
            None => None,
        };
        let staff = match claims.get(CLAIM_STAFF) {
            Some(s) => Some(StaffId::parse(s).map_err(|_| Error::Unauthorized)?),
            None => None,
        };
        let mfa = claims.get(CLAIM_MFA).is_some_and(|m| m == MFA_TOTP);
        // The authorizer took an access token only if it is a client-credentials one
        // (`http::authorizer`): its subject is its client.
        let client = match (claims.get("token_use").map(String::as_str), claims.get("client_id")) {
            (Some("access"), Some(client_id)) if *client_id == sub && !claims.contains_key("username") => {
                let scopes = claims
                    .get("scope")
                    .map(|s| s.split(' ').filter_map(ApiScope::from_oauth).collect())
                    .unwrap_or_default();
                Some(ClientToken { client_id: client_id.clone(), scopes })
            }
            (Some("access"), _) => return Err(Error::Unauthorized),
            _ => None,
        };
        // An integration's token carries no group or record: it is nothing else.
        if client.is_some() && (tenant.is_some() || member.is_some() || staff.is_some() || !groups.is_empty()) {
            return Err(Error::Unauthorized);
        }
        Ok(Self { sub, groups, tenant, member, staff, mfa, client })
    }

    /// An integration's token, if this is one.
    pub fn integration(&self) -> Option<&ClientToken> {
        self.client.as_ref()
    }

    fn in_group(&self, group: &str) -> bool {
        self.groups.iter().any(|g| g == group)
    }

    pub fn sub(&self) -> &str {
        &self.sub
    }

    pub fn tenant(&self) -> Option<TenantId> {
        self.tenant
    }

    pub fn member_id(&self) -> Option<MemberId> {
        self.member
    }

    pub fn operator(&self) -> Result<OperatorPrincipal, Error> {
        if self.in_group(GROUP_OPERATOR) {
            Ok(OperatorPrincipal { sub: self.sub.clone(), mfa: self.mfa })
        } else {
            Err(Error::forbidden("this operation is for platform operators"))
        }
    }

    pub fn admin(&self) -> Result<AdminPrincipal, Error> {
        match (self.in_group(GROUP_ADMIN), self.tenant, self.staff) {
            (true, Some(tenant), Some(staff)) => {
                Ok(AdminPrincipal { tenant, kind: AdminKind::Staff(staff), sub: self.sub.clone(), mfa: self.mfa })
            }
            _ => Err(Error::forbidden("this operation is for tenant admins")),
        }
    }

    pub fn member(&self) -> Result<MemberPrincipal, Error> {
        match (self.in_group(GROUP_MEMBER), self.tenant, self.member) {
            (true, Some(tenant), Some(member)) => Ok(MemberPrincipal { tenant, member, sub: self.sub.clone() }),
            _ => Err(Error::forbidden("this operation is for portal members")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claims(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    #[test]
    fn groups_parse_from_the_api_gateway_string_form() {
        assert_eq!(parse_groups("[tenant-admin portal-member]"), vec!["tenant-admin", "portal-member"]);
        assert_eq!(parse_groups("[\"tenant-admin\",\"portal-member\"]"), vec!["tenant-admin", "portal-member"]);
        assert_eq!(parse_groups("portal-member"), vec!["portal-member"]);
        assert!(parse_groups("[]").is_empty());
    }

    #[test]
    fn an_admin_needs_both_the_group_and_a_tenant() {
        let tenant = TenantId::generate().to_string();
        let staff = StaffId::generate().to_string();
        let admin = Principal::from_claims(&claims(&[
            ("sub", "u1"),
            ("cognito:groups", "[tenant-admin]"),
            (CLAIM_TENANT, &tenant),
            (CLAIM_STAFF, &staff),
        ]))
        .unwrap();
        assert_eq!(admin.admin().unwrap().tenant.to_string(), tenant);
        assert_eq!(admin.admin().unwrap().staff().unwrap().to_string(), staff);
        assert!(!admin.admin().unwrap().mfa, "no second factor claimed");
        assert!(matches!(admin.member(), Err(Error::Forbidden(_))));
        assert!(matches!(admin.operator(), Err(Error::Forbidden(_))));

        let no_tenant =
            Principal::from_claims(&claims(&[("sub", "u1"), ("cognito:groups", "[tenant-admin]")])).unwrap();
        assert!(matches!(no_tenant.admin(), Err(Error::Forbidden(_))));
        // An admin login without its staff record's id is no admin.
        let no_staff = Principal::from_claims(&claims(&[
            ("sub", "u1"),
            ("cognito:groups", "[tenant-admin]"),
            (CLAIM_TENANT, &tenant),
        ]))
        .unwrap();
        assert!(matches!(no_staff.admin(), Err(Error::Forbidden(_))));
    }

    #[test]
    fn only_the_triggers_totp_claim_counts_as_a_second_factor() {
        let with = |value: &str| {
            Principal::from_claims(&claims(&[
                ("sub", "u"),
                ("cognito:groups", "[platform-operator]"),
                (CLAIM_MFA, value),
            ]))
            .unwrap()
            .operator()
            .unwrap()
            .mfa
        };
        assert!(with("totp"));
        assert!(!with("true"));
        assert!(!with(""));
    }

    #[test]
    fn a_member_needs_group_tenant_and_member_id() {
        let tenant = TenantId::generate().to_string();
        let member = MemberId::generate().to_string();
        let p = Principal::from_claims(&claims(&[
            ("sub", "u2"),
            ("cognito:groups", "[portal-member]"),
            (CLAIM_TENANT, &tenant),
            (CLAIM_MEMBER, &member),
        ]))
        .unwrap();
        assert_eq!(p.member().unwrap().member.to_string(), member);
        assert!(matches!(p.admin(), Err(Error::Forbidden(_))));
    }

    #[test]
    fn a_client_credentials_token_is_an_integration_and_nothing_else() {
        let p = Principal::from_claims(&claims(&[
            ("sub", "c1"),
            ("client_id", "c1"),
            ("token_use", "access"),
            ("scope", "portico/records:write portico/nope other/work:read portico/work:read"),
        ]))
        .unwrap();
        let client = p.integration().unwrap();
        assert_eq!(client.client_id, "c1");
        assert_eq!(client.scopes, vec![ApiScope::RecordsWrite, ApiScope::WorkRead]);
        assert!(matches!(p.admin(), Err(Error::Forbidden(_))));
        assert!(matches!(p.member(), Err(Error::Forbidden(_))));
        assert!(p.tenant().is_none());
        // A person's access token, or one whose subject is not its client: refused.
        for extra in [("username", "alice"), ("sub", "c2")] {
            let mut c = claims(&[("sub", "c1"), ("client_id", "c1"), ("token_use", "access")]);
            c.insert(extra.0.into(), extra.1.into());
            assert!(matches!(Principal::from_claims(&c), Err(Error::Unauthorized)), "{extra:?}");
        }
        // With a group or a record's claim it is no integration's.
        let c = claims(&[
            ("sub", "c1"),
            ("client_id", "c1"),
            ("token_use", "access"),
            ("cognito:groups", "[tenant-admin]"),
        ]);
        assert!(matches!(Principal::from_claims(&c), Err(Error::Unauthorized)));
    }

    #[test]
    fn staff_hold_every_scope_and_an_integration_only_its_own() {
        let tenant = TenantId::generate();
        let staff = AdminPrincipal { tenant, kind: AdminKind::Staff(StaffId::generate()), sub: "u".into(), mfa: true };
        for scope in ApiScope::GRANTABLE.into_iter().chain([ApiScope::NotForIntegrations]) {
            assert!(staff.may(scope).is_ok(), "{scope:?}");
        }
        let kind = AdminKind::Integration {
            id: IntegrationId::generate(),
            name: "ERP".into(),
            scopes: vec![ApiScope::RecordsWrite],
        };
        let integration = AdminPrincipal { tenant, kind, sub: "c1".into(), mfa: false };
        assert!(integration.may(ApiScope::RecordsWrite).is_ok());
        assert!(
            matches!(integration.may(ApiScope::RecordsRead), Err(Error::Forbidden(m)) if m.contains("records:read"))
        );
        assert!(matches!(integration.may(ApiScope::NotForIntegrations), Err(Error::Forbidden(_))));
        assert!(integration.staff().is_err());
    }

    #[test]
    fn missing_subject_or_forged_tenant_is_unauthorized() {
        assert!(matches!(Principal::from_claims(&claims(&[])), Err(Error::Unauthorized)));
        assert!(matches!(
            Principal::from_claims(&claims(&[("sub", "u"), (CLAIM_TENANT, "cus_01JD8Z6V5Q2W3E4R5T6Y7A8B9C")])),
            Err(Error::Unauthorized)
        ));
    }
}
