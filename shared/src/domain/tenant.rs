//! Tenants (field-service companies) and the timestamp type every record uses.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::ids::TenantId;
use super::text::{Email, Name};

/// RFC 3339 timestamps, in UTC.
pub type Timestamp = OffsetDateTime;

pub fn now() -> Timestamp {
    OffsetDateTime::now_utc().replace_nanosecond(0).unwrap_or_else(|_| OffsetDateTime::now_utc())
}

/// A time as Portico keeps it: UTC, whole seconds.
pub fn utc_seconds(t: Timestamp) -> Timestamp {
    let t = t.to_offset(time::UtcOffset::UTC);
    t.replace_nanosecond(0).unwrap_or(t)
}

/// `PATCH` bodies tell "absent" (leave as is) from `null` (clear): `Some(None)` is null.
pub fn double_option<'de, T, D>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    T: Deserialize<'de>,
    D: serde::Deserializer<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

/// `POST /platform/tenants`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTenant {
    pub name: Name,
    pub admin_email: Email,
    pub admin_first_name: Name,
    pub admin_last_name: Name,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Tenant {
    #[schema(value_type = String, example = "ten_01JD8Z6V5Q2W3E4R5T6Y7A8B9C")]
    #[serde(deserialize_with = "super::ids::stored_tenant")]
    pub id: TenantId,
    pub name: Name,
    pub admin_email: Email,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: Timestamp,
}

impl Tenant {
    pub fn new(input: NewTenant) -> Self {
        Self { id: TenantId::generate(), name: input.name, admin_email: input.admin_email, created_at: now() }
    }
}
