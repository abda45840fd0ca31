//! Currencies: ISO 4217 codes, each with the number of digits of its minor unit (JPY 0,
//! EUR 2, KWD 3), which says what an amount's integer minor units mean. The standard's
//! table is the `iso_currency` crate's.

use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::text::TextError;

/// An ISO 4217 currency that has a minor unit: any code of the standard's list but the
/// metals, units of account and test codes (XAU, XDR, XXX…), whose amounts cannot be
/// counted in minor units. Stored and sent as its code (`EUR`).
#[derive(Clone, PartialEq, Eq)]
pub struct Currency(iso_currency::Currency);

impl Currency {
    /// Reads a code exactly as the OpenAPI document lists it: three upper-case letters,
    /// nothing around them (`eur` and ` EUR` are refused, as the document's enum refuses
    /// them — a client's validator and the server agree on every string).
    pub fn parse(s: &str) -> Result<Self, TextError> {
        if s.len() != 3 || !s.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(TextError("must be an ISO 4217 currency code in upper case, like EUR".into()));
        }
        match iso_currency::Currency::from_code(s) {
            Some(c) if c.exponent().is_some() => Ok(Self(c)),
            Some(_) => Err(TextError(format!("{s} has no minor unit: amounts need a currency like EUR"))),
            None => Err(TextError("must be an ISO 4217 currency code like EUR".into())),
        }
    }

    pub fn as_str(&self) -> &'static str {
        self.0.code()
    }

    /// How many digits the minor unit has: an amount of 1500 is JPY 1500, EUR 15.00 and
    /// KWD 1.500.
    pub fn exponent(&self) -> u32 {
        // `parse` admits only currencies with a minor unit.
        self.0.exponent().map_or(2, u32::from)
    }

    /// Every currency `parse` accepts, by code. ISO 4217's numeric codes are three
    /// digits, one per currency: counting them up finds each once, without the crate's
    /// iterator feature (and its derive macros).
    pub fn all() -> Vec<Currency> {
        let mut all: Vec<Currency> = (0..1000)
            .filter_map(iso_currency::Currency::from_numeric)
            .filter(|c| c.exponent().is_some())
            .map(Currency)
            .collect();
        all.sort();
        all
    }
}

impl Ord for Currency {
    fn cmp(&self, other: &Self) -> Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl PartialOrd for Currency {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Hash for Currency {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Currency({:?})", self.as_str())
    }
}

impl Serialize for Currency {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Self::parse(&s).map_err(serde::de::Error::custom)
    }
}

impl utoipa::PartialSchema for Currency {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        let codes: Vec<&str> = Currency::all().iter().map(Currency::as_str).collect();
        utoipa::openapi::schema::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .enum_values(Some(codes))
            .description(Some(
                "An ISO 4217 currency code with a minor unit, in upper case (`EUR`). \
                 Amounts are integers in its minor unit: 1500 is JPY 1500, EUR 15.00, KWD 1.500.",
            ))
            .into()
    }
}

impl utoipa::ToSchema for Currency {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_read_as_listed_and_unknown_or_otherwise_written_ones_refused() {
        assert_eq!(Currency::parse("EUR").unwrap().as_str(), "EUR");
        assert_eq!(Currency::parse("JPY").unwrap().exponent(), 0);
        for bad in ["", "EU", "EURO", "XYZ", "ABC", "€", "E1R", "eur", "Jpy", " EUR", "EUR\n", "EUR\u{a0}", "ÉUR"] {
            assert!(Currency::parse(bad).is_err(), "{bad:?} should be refused");
        }
    }

    /// What a client's validator makes of the document's schema for a currency.
    fn schema_takes(s: &str) -> bool {
        let schema = serde_json::to_value(<Currency as utoipa::PartialSchema>::schema()).unwrap();
        assert_eq!(schema["type"], "string");
        assert!(schema.get("pattern").is_none() && schema.get("minLength").is_none(), "the enum is the whole rule");
        schema["enum"].as_array().unwrap().iter().any(|code| code == s)
    }

    #[test]
    fn the_schema_takes_exactly_what_the_parser_takes() {
        // Every three-letter code in every casing, padded or not, and near misses.
        let letters = || b'A'..=b'Z';
        let codes = letters().flat_map(|a| letters().flat_map(move |b| letters().map(move |c| [a, b, c])));
        for code in codes {
            let code = std::str::from_utf8(&code).unwrap().to_owned();
            let lower = code.to_ascii_lowercase();
            let mixed = format!("{}{}", &code[..1], &lower[1..]);
            for s in [code.clone(), lower, mixed, format!(" {code}"), format!("{code}\t"), format!("{code}S")] {
                assert_eq!(Currency::parse(&s).is_ok(), schema_takes(&s), "{s:?}");
            }
        }
    }

    #[test]
    fn neither_takes_other_scripts_spaces_or_controls() {
        for s in ["", "EUR\u{a0}", "\u{3000}EUR", "\u{feff}EUR", "ＥＵＲ", "EUR\0", "EUŘ", "İSK", "E\u{301}UR", "€"]
        {
            assert!(Currency::parse(s).is_err() && !schema_takes(s), "{s:?}");
        }
    }

    #[test]
    fn metals_units_of_account_and_test_codes_have_no_minor_unit_and_are_refused() {
        for code in ["XAU", "XAG", "XDR", "XTS", "XXX"] {
            let why = Currency::parse(code).unwrap_err().0;
            assert!(why.contains("no minor unit"), "{code}: {why}");
        }
    }

    #[test]
    fn each_currency_has_its_own_exponent() {
        let exponent = |code: &str| Currency::parse(code).unwrap().exponent();
        assert_eq!(
            ["JPY", "KRW", "ISK", "EUR", "USD", "GBP", "CHF", "KWD", "BHD", "IQD", "TND", "CLF", "UYW"].map(exponent),
            [0, 0, 0, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4]
        );
    }

    #[test]
    fn the_list_of_currencies_is_every_code_the_standard_has_with_a_minor_unit() {
        // Every three-letter code, tried: what parses is exactly what `all` lists.
        let letters = || b'A'..=b'Z';
        let parsed: Vec<Currency> = letters()
            .flat_map(|a| letters().flat_map(move |b| letters().map(move |c| [a, b, c])))
            .filter_map(|code| Currency::parse(std::str::from_utf8(&code).unwrap()).ok())
            .collect();
        assert_eq!(Currency::all(), parsed);
        assert!(parsed.len() > 150, "{}", parsed.len());
    }

    #[test]
    fn stored_codes_read_back_as_they_were_written() {
        let eur: Currency = serde_json::from_str("\"EUR\"").unwrap();
        assert_eq!(serde_json::to_string(&eur).unwrap(), "\"EUR\"");
        let limits: std::collections::BTreeMap<Currency, i64> =
            serde_json::from_str(r#"{"USD": 1, "EUR": 2}"#).unwrap();
        assert_eq!(serde_json::to_string(&limits).unwrap(), r#"{"EUR":2,"USD":1}"#);
        assert!(serde_json::from_str::<Currency>("\"XYZ\"").is_err());
    }
}
