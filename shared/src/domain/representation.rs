//! A `PUT` takes its own representation: the body a `GET` returned can be sent back with
//! changes. The fields Portico owns (`id`, `external_ref`, `version`, timestamps, derived
//! values) are therefore accepted in a `PUT` body — and ignored when they agree with the
//! resource. One that contradicts it is refused: another identity is a 400, another
//! `version` a 412 (the body was read before a later change), as `If-Match` would be.
//! Any field that is not part of the representation stays a 400.

use std::fmt::Display;

use crate::error::Error;

/// Whether two states of a record say the same, apart from `updated_at` and `version`:
/// a repeated upsert that changes nothing writes nothing.
pub fn same_content<T: serde::Serialize>(a: &T, b: &T) -> bool {
    let strip = |v: &T| {
        let mut v = serde_json::to_value(v).ok();
        if let Some(o) = v.as_mut().and_then(|v| v.as_object_mut()) {
            o.remove("updated_at");
            o.remove("version");
        }
        v
    };
    let a = strip(a);
    a.is_some() && a == strip(b)
}

/// The `version` a body carried, against the stored one (`None`: nothing stored yet, so
/// no version can match).
pub fn check_version(sent: Option<u64>, stored: Option<u64>) -> Result<(), Error> {
    match (sent, stored) {
        (None, _) => Ok(()),
        (Some(v), Some(s)) if v == s => Ok(()),
        _ => Err(Error::PreconditionFailed),
    }
}

/// An identity field a body carried (`id`, `external_ref`), against the resource's:
/// `stored` is `None` when the resource does not exist yet and Portico has not given it
/// one.
pub fn check_identity<T: PartialEq + Display>(field: &str, sent: Option<&T>, stored: Option<&T>) -> Result<(), Error> {
    match (sent, stored) {
        (None, _) => Ok(()),
        (Some(s), Some(t)) if s == t => Ok(()),
        (Some(s), Some(t)) => Err(Error::invalid_field(field, format!("is `{s}`, but this resource's is `{t}`"))),
        (Some(_), None) => Err(Error::invalid_field(field, "is given by Portico when the resource is created")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_version_must_be_the_stored_one() {
        assert!(check_version(None, Some(3)).is_ok());
        assert!(check_version(Some(3), Some(3)).is_ok());
        assert!(matches!(check_version(Some(2), Some(3)), Err(Error::PreconditionFailed)));
        assert!(matches!(check_version(Some(1), None), Err(Error::PreconditionFailed)));
    }

    #[test]
    fn an_identity_must_be_the_resources_own() {
        assert!(check_identity("id", None::<&String>, None).is_ok());
        assert!(check_identity("id", Some(&"a".to_owned()), Some(&"a".to_owned())).is_ok());
        assert!(matches!(
            check_identity("id", Some(&"a".to_owned()), Some(&"b".to_owned())),
            Err(Error::BadRequest { .. })
        ));
        assert!(matches!(check_identity("id", Some(&"a".to_owned()), None), Err(Error::BadRequest { .. })));
    }
}
