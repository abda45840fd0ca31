//! Typed, prefixed, time-sortable ids (`cus_01H…`).
//!
//! Every id is a ULID behind an entity prefix, so ids sort by creation time and a
//! customer id can never be passed where a site id is expected. Ids from request input
//! go through `parse`; new ids come from `generate`.
//!
//! [`TenantId`] is special: it has no public constructor. It comes only from a verified
//! principal (see [`crate::domain::principal`]) or from the platform API creating a
//! tenant, so no handler can address another tenant's keys by accident.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use ulid::Ulid;

/// Why a string is not an id of the expected kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("must be an id starting with `{prefix}_`")]
pub struct IdError {
    pub prefix: &'static str,
}

/// The ULID as Portico writes it: 26 characters of Crockford's base32 in capitals, the
/// first at most `7` (128 bits). `Ulid::from_string` would also take lower case, and a
/// first character that overflows — other spellings of an id, which a key would not find.
const ULID_PATTERN: &str = "[0-7][0-9A-HJKMNP-TV-Z]{25}";

fn parse_prefixed(prefix: &'static str, s: &str) -> Result<Ulid, IdError> {
    let canonical = |body: &str| {
        body.len() == 26
            && body.as_bytes()[0] <= b'7'
            && body.bytes().all(|b| b.is_ascii_digit() || (b.is_ascii_uppercase() && !b"ILOU".contains(&b)))
    };
    s.strip_prefix(prefix)
        .and_then(|rest| rest.strip_prefix('_'))
        .filter(|body| canonical(body))
        .and_then(|body| Ulid::from_string(body).ok())
        .ok_or(IdError { prefix })
}

macro_rules! public_id {
    ($(#[$doc:meta])* $name:ident, $prefix:literal) => {
        $(#[$doc])*
        #[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(Ulid);

        impl $name {
            pub const PREFIX: &'static str = $prefix;

            /// A new id, sortable by creation time.
            pub fn generate() -> Self {
                Self(Ulid::new())
            }

            /// Parses `prefix_ULID`; anything else is an [`IdError`].
            pub fn parse(s: &str) -> Result<Self, IdError> {
                parse_prefixed($prefix, s).map(Self)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}_{}", $prefix, self.0)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(self, f)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                Self::parse(&s).map_err(serde::de::Error::custom)
            }
        }

        impl utoipa::PartialSchema for $name {
            fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
                utoipa::openapi::schema::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .pattern(Some(format!("^{}_{ULID_PATTERN}$", $prefix)))
                    .examples([concat!($prefix, "_01JD8Z6V5Q2W3E4R5T6Y7A8B9C")])
                    .into()
            }
        }

        impl utoipa::ToSchema for $name {}
    };
}

public_id!(
    /// A customer account (`cus_…`).
    CustomerId, "cus"
);
public_id!(
    /// A site of a customer (`site_…`).
    SiteId, "site"
);
public_id!(
    /// A division within a customer (`div_…`).
    DivisionId, "div"
);
public_id!(
    /// A portal member (`mem_…`).
    MemberId, "mem"
);
public_id!(
    /// A document published to the portal (`doc_…`).
    DocumentId, "doc"
);
public_id!(
    /// A message an admin pushes to the portal (`msg_…`).
    MessageId, "msg"
);
public_id!(
    /// An access group: reusable scope, permissions and reports (`grp_…`).
    GroupId, "grp"
);
public_id!(
    /// A contact: a person on a customer with a notification role and no login (`con_…`).
    ContactId, "con"
);
public_id!(
    /// A job (work order) published by the back office (`job_…`).
    JobId, "job"
);
public_id!(
    /// A work request raised by a member (`wr_…`).
    WorkRequestId, "wr"
);
public_id!(
    /// An uploaded file (`file_…`).
    FileId, "file"
);
public_id!(
    /// A note on a job (`note_…`).
    NoteId, "note"
);
public_id!(
    /// A piece of equipment at a site (`ast_…`).
    AssetId, "ast"
);

public_id!(
    /// One of a tenant's office staff: the record of a tenant admin's login (`stf_…`).
    StaffId, "stf"
);

public_id!(
    /// A back-office integration: a named set of scopes with its own machine credentials
    /// (`int_…`).
    IntegrationId, "int"
);

public_id!(
    /// A tenant admin's read-only session on one member's portal (`vas_…`).
    ViewAsId, "vas"
);

public_id!(
    /// A quote published by the back office (`quo_…`).
    QuoteId, "quo"
);
public_id!(
    /// An invoice published by the back office (`inv_…`).
    InvoiceId, "inv"
);

public_id!(
    /// A webhook subscription of the back office (`whk_…`).
    WebhookId, "whk"
);
public_id!(
    /// An event's delivery to one webhook (`dlv_` and the event's ULID).
    DeliveryId, "dlv"
);

public_id!(
    /// A payment of invoices in the portal (`pay_…`). Derived from what is paid
    /// (`domain::payment::payment_key`), so it does not sort by time.
    PaymentId, "pay"
);

impl PaymentId {
    /// The id whose ULID has these bits.
    pub fn from_bits(bits: u128) -> Self {
        Self(Ulid::from(bits))
    }
}

impl DeliveryId {
    /// The delivery of the event whose ULID is `ulid`.
    pub fn from_ulid_str(ulid: &str) -> Option<Self> {
        Ulid::from_string(ulid).ok().map(Self)
    }

    /// The ULID of the event it delivers.
    pub fn ulid(&self) -> String {
        self.0.to_string()
    }
}

/// A tenant: one field-service company (`ten_…`).
///
/// Deliberately not `Deserialize` and without a public constructor: a tenant id is never
/// taken from request input.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct TenantId(Ulid);

impl TenantId {
    pub const PREFIX: &'static str = "ten";

    /// Only the platform API creates tenants.
    pub(crate) fn generate() -> Self {
        Self(Ulid::new())
    }

    /// Only verified claims (and stored records written by us) carry tenant ids.
    pub(crate) fn from_verified(s: &str) -> Result<Self, IdError> {
        parse_prefixed(Self::PREFIX, s).map(Self)
    }

    /// A tenant named by the platform's operator on an operations tool's command line
    /// (`portico-local reports-rebuild`), which runs with the operator's AWS credentials.
    /// Never for request input: requests take the tenant from the verified principal.
    pub fn for_operations(s: &str) -> Result<Self, IdError> {
        Self::from_verified(s)
    }
}

impl fmt::Display for TenantId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}_{}", Self::PREFIX, self.0)
    }
}

impl fmt::Debug for TenantId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl Serialize for TenantId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Reads a tenant id back from a record Portico wrote. Used with
/// `#[serde(deserialize_with)]` on stored records only — request types never contain a
/// `TenantId`, because the type itself is not `Deserialize`.
pub(crate) fn stored_tenant<'de, D: Deserializer<'de>>(d: D) -> Result<TenantId, D::Error> {
    let s = String::deserialize(d)?;
    TenantId::from_verified(&s).map_err(serde::de::Error::custom)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_through_their_prefix() {
        let id = CustomerId::generate();
        let text = id.to_string();
        assert!(text.starts_with("cus_"));
        assert_eq!(CustomerId::parse(&text), Ok(id));
    }

    #[test]
    fn an_id_of_another_kind_is_rejected() {
        let site = SiteId::generate().to_string();
        assert_eq!(CustomerId::parse(&site), Err(IdError { prefix: "cus" }));
        assert!(CustomerId::parse("cus_").is_err());
        assert!(CustomerId::parse("cus_not-a-ulid").is_err());
        assert!(CustomerId::parse("").is_err());
    }

    #[test]
    fn ids_are_spelt_one_way() {
        let id = CustomerId::generate().to_string();
        assert!(CustomerId::parse(&id.to_lowercase()).is_err(), "lower case");
        assert!(CustomerId::parse("cus_8ZZZZZZZZZZZZZZZZZZZZZZZZZ").is_err(), "more than 128 bits");
        assert!(CustomerId::parse("cus_7ZZZZZZZZZZZZZZZZZZZZZZZZZ").is_ok());
        assert!(CustomerId::parse("cus_0IJD8Z6V5Q2W3E4R5T6Y7A8B9C").is_err(), "I is not base32");
    }

    proptest::proptest! {
        // An id parses exactly when its schema's pattern matches it.
        #[test]
        fn the_pattern_says_what_parses(s in "(cus|site|job)_[0-9A-Za-z]{25,27}|cus_[0-9A-HJKMNP-TV-Z]{26}") {
            let schema = serde_json::to_value(<CustomerId as utoipa::PartialSchema>::schema()).unwrap();
            let pattern = regex_lite::Regex::new(schema["pattern"].as_str().unwrap()).unwrap();
            proptest::prop_assert_eq!(CustomerId::parse(&s).is_ok(), pattern.is_match(&s), "{}", s);
        }
    }

    #[test]
    fn tenant_ids_parse_only_with_their_prefix() {
        let t = TenantId::generate();
        assert_eq!(TenantId::from_verified(&t.to_string()), Ok(t));
        assert!(TenantId::from_verified(&CustomerId::generate().to_string()).is_err());
    }
}
