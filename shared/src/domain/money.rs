//! Money and quantities: integer minor units of an ISO 4217 currency, and quantities with
//! up to three decimals (1.5 hours), so that totals are exact and the same everywhere.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The largest amount Portico accepts, in minor units (ten billion in major units).
pub const MAX_AMOUNT: i64 = 1_000_000_000_000;

/// A quantity with up to three decimals, more than 0 and at most 1,000,000; kept as
/// thousandths.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Quantity(i64);

impl Quantity {
    const SCALE: i64 = 1000;

    pub fn thousandths(self) -> i64 {
        self.0
    }

    pub fn from_f64(q: f64) -> Result<Self, String> {
        let scaled = q * Self::SCALE as f64;
        let whole = scaled.round();
        if !q.is_finite() || (scaled - whole).abs() > 1e-6 {
            return Err("must be a number with at most three decimals".into());
        }
        if whole <= 0.0 || whole > 1_000_000.0 * Self::SCALE as f64 {
            return Err("must be more than 0 and at most 1000000".into());
        }
        Ok(Self(whole as i64))
    }

    pub fn as_f64(self) -> f64 {
        self.0 as f64 / Self::SCALE as f64
    }

    /// `quantity × unit_price`, rounded half away from zero to a minor unit.
    pub fn times(self, unit_price: i64) -> i64 {
        round_div(i128::from(self.0) * i128::from(unit_price), i128::from(Self::SCALE))
    }
}

impl Serialize for Quantity {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.0 % Self::SCALE == 0 {
            s.serialize_i64(self.0 / Self::SCALE)
        } else {
            s.serialize_f64(self.as_f64())
        }
    }
}

impl<'de> Deserialize<'de> for Quantity {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Self::from_f64(f64::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

impl utoipa::PartialSchema for Quantity {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::schema::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::Number)
            .minimum(Some(0.001))
            .maximum(Some(1_000_000))
            .multiple_of(Some(0.001))
            .description(Some("More than 0, at most 1000000, at most three decimals"))
            .into()
    }
}

impl utoipa::ToSchema for Quantity {}

/// `a / b` rounded half away from zero (`b` > 0), clamped into `i64`.
pub fn round_div(a: i128, b: i128) -> i64 {
    let q = (a.abs() + b / 2) / b;
    let q = if a < 0 { -q } else { q };
    q.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64
}

/// `amount` as a person reads it: `EUR 1,234.50` (two decimals; enough for a message).
pub fn display(currency: &str, amount: i64) -> String {
    let sign = if amount < 0 { "-" } else { "" };
    let a = amount.unsigned_abs();
    let major = (a / 100).to_string();
    let mut grouped = String::new();
    for (i, c) in major.chars().enumerate() {
        if i > 0 && (major.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{currency} {sign}{grouped}.{:02}", a % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities_keep_three_decimals_and_refuse_more() {
        assert_eq!(Quantity::from_f64(1.5).unwrap().thousandths(), 1500);
        assert_eq!(Quantity::from_f64(0.001).unwrap().thousandths(), 1);
        for bad in [0.0, -1.0, 0.0004, 1.2345, f64::NAN, 1e9] {
            assert!(Quantity::from_f64(bad).is_err(), "{bad}");
        }
        assert_eq!(serde_json::to_string(&Quantity::from_f64(2.0).unwrap()).unwrap(), "2");
        assert_eq!(serde_json::to_string(&Quantity::from_f64(2.25).unwrap()).unwrap(), "2.25");
    }

    #[test]
    fn line_amounts_round_half_away_from_zero() {
        let q = Quantity::from_f64(1.5).unwrap();
        assert_eq!(q.times(333), 500); // 499.5
        assert_eq!(q.times(-333), -500);
        assert_eq!(Quantity::from_f64(0.333).unwrap().times(100), 33); // 33.3
        assert_eq!(round_div(5, 10), 1);
        assert_eq!(round_div(4, 10), 0);
    }

    #[test]
    fn amounts_read_as_people_write_them() {
        assert_eq!(display("EUR", 123_456_789), "EUR 1,234,567.89");
        assert_eq!(display("USD", 5), "USD 0.05");
        assert_eq!(display("EUR", -150_000), "EUR -1,500.00");
    }
}
