//! Tenants (field-service companies), and helpers every record's fields use.

use serde::{Deserialize, Serialize};

use super::ids::TenantId;
use super::text::{Email, Name};

// Every record imports its time type from here; it lives in `clock`.
pub use super::clock::{now, Timestamp};

/// A time as RFC 3339 text, for messages.
pub fn rfc3339(t: Timestamp) -> String {
    t.rfc3339()
}

/// A time as Portico keeps it: UTC, whole seconds.
pub fn utc_seconds(t: Timestamp) -> Timestamp {
    t.whole_seconds()
}

/// `PATCH` bodies tell "absent" (leave as is) from `null` (clear): `Some(None)` is null.
pub fn double_option<'de, T, D>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    T: Deserialize<'de>,
    D: serde::Deserializer<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

/// A JSON array read as a set. Duplicates are refused, as the schema's `uniqueItems`
/// says: a list that names a permission twice is a mistake worth telling.
pub fn unique<'de, T, D>(d: D) -> Result<std::collections::BTreeSet<T>, D::Error>
where
    T: Deserialize<'de> + Ord,
    D: serde::Deserializer<'de>,
{
    into_set(Vec::<T>::deserialize(d)?)
}

/// [`unique`] for an optional field (`null` or absent: `None`).
pub fn unique_opt<'de, T, D>(d: D) -> Result<Option<std::collections::BTreeSet<T>>, D::Error>
where
    T: Deserialize<'de> + Ord,
    D: serde::Deserializer<'de>,
{
    Option::<Vec<T>>::deserialize(d)?.map(into_set).transpose()
}

fn into_set<T: Ord, E: serde::de::Error>(items: Vec<T>) -> Result<std::collections::BTreeSet<T>, E> {
    let count = items.len();
    let set: std::collections::BTreeSet<T> = items.into_iter().collect();
    if set.len() != count {
        return Err(E::custom("items must be unique"));
    }
    Ok(set)
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
    #[serde(deserialize_with = "super::ids::stored_tenant")]
    #[schema(value_type = String, example = "ten_01JD8Z6V5Q2W3E4R5T6Y7A8B9C")]
    pub id: TenantId,
    pub name: Name,
    pub admin_email: Email,
    pub created_at: Timestamp,
}

impl Tenant {
    pub fn new(input: NewTenant) -> Self {
        Self { id: TenantId::generate(), name: input.name, admin_email: input.admin_email, created_at: now() }
    }
}
