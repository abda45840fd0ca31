//! Money and quantities: integer minor units of an ISO 4217 currency, and quantities with
//! up to three decimals (1.5 hours), so that totals are exact and the same everywhere;
//! amounts as readers and machines read them.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::currency::Currency;
use super::text::Locale;

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

/// The symbols CLDR gives the portal's languages where they are not the code, as
/// browsers' `Intl.NumberFormat` writes them for `en-GB` and `nl-NL` (the web app's
/// locales): (code, en, nl). Every other currency is written by its code, as CLDR does.
/// `shared/tests/money-display.json` holds each of them against the browser's text.
const SYMBOLS: &[(&str, &str, &str)] = &[
    ("AUD", "A$", "AU$"),
    ("BRL", "R$", "R$"),
    ("CAD", "CA$", "C$"),
    ("CNY", "CN¥", "CN¥"),
    ("EUR", "€", "€"),
    ("FJD", "FJD", "FJ$"),
    ("GBP", "£", "£"),
    ("HKD", "HK$", "HK$"),
    ("ILS", "₪", "₪"),
    ("INR", "₹", "₹"),
    ("JPY", "JP¥", "JP¥"),
    ("KRW", "₩", "₩"),
    ("MXN", "MX$", "MX$"),
    ("NZD", "NZ$", "NZ$"),
    ("PHP", "₱", "PHP"),
    ("SBD", "SBD", "SI$"),
    ("THB", "THB", "฿"),
    ("TWD", "NT$", "NT$"),
    ("USD", "US$", "US$"),
    ("VND", "₫", "₫"),
    ("XAF", "FCFA", "FCFA"),
    ("XCD", "EC$", "EC$"),
    ("XOF", "F\u{202f}CFA", "F\u{202f}CFA"),
    ("XPF", "CFPF", "XPF"),
];

/// CLDR's space around a currency symbol: a no-break space.
const NBSP: char = '\u{a0}';

fn symbol(currency: &Currency, locale: Locale) -> &'static str {
    let code = currency.as_str();
    match SYMBOLS.iter().find(|(c, _, _)| *c == code) {
        Some((_, en, _)) if locale == Locale::En => en,
        Some((_, _, nl)) => nl,
        None => code,
    }
}

/// `amount`'s digits split at the currency's decimal point: (units, minor digits), the
/// latter as many as the exponent, never rounded.
fn digits(amount: i64, currency: &Currency) -> (String, String) {
    let width = currency.exponent() as usize;
    let all = format!("{:0>w$}", amount.unsigned_abs(), w = width + 1);
    let (units, minor) = all.split_at(all.len() - width);
    (units.to_owned(), minor.to_owned())
}

/// `amount` minor units of `currency` as a reader of `locale` reads them, exactly as the
/// web app (`Intl.NumberFormat`, CLDR) writes them: `€1,234.50`, `€ 1.234,50`,
/// `JP¥1,500`, `KWD 1.500`, `-US$5.00`, `US$ -5,00` — every minor digit, no rounding;
/// the spaces are no-break spaces, as CLDR's.
pub fn display(amount: i64, currency: &Currency, locale: Locale) -> String {
    let (units, minor) = digits(amount, currency);
    let (group, point) = match locale {
        Locale::En => (',', '.'),
        Locale::Nl => ('.', ','),
    };
    let mut number = String::new();
    for (i, c) in units.chars().enumerate() {
        if i > 0 && (units.len() - i) % 3 == 0 {
            number.push(group);
        }
        number.push(c);
    }
    if !minor.is_empty() {
        number.push(point);
        number.push_str(&minor);
    }
    let sign = if amount < 0 { "-" } else { "" };
    let symbol = symbol(currency, locale);
    match locale {
        // `¤#,##0.00`; a symbol ending in a letter (a code, FCFA) keeps a space from the
        // digits, a sign (€, US$) does not.
        Locale::En => {
            let gap = if symbol.ends_with(char::is_alphabetic) { NBSP.to_string() } else { String::new() };
            format!("{sign}{symbol}{gap}{number}")
        }
        // `¤ #,##0.00;¤ -#,##0.00`
        Locale::Nl => format!("{symbol}{NBSP}{sign}{number}"),
    }
}

/// `amount` as a plain number in the currency's units, for machines (the CSV exports):
/// the exponent's digits after a `.`, no grouping, no symbol — `1234.50`, `1500` (JPY),
/// `-0.005` (KWD) — which a spreadsheet in any language and any parser read as the one
/// amount it is, beside its currency's code.
pub fn decimal(amount: i64, currency: &Currency) -> String {
    let (units, minor) = digits(amount, currency);
    let sign = if amount < 0 { "-" } else { "" };
    if minor.is_empty() {
        format!("{sign}{units}")
    } else {
        format!("{sign}{units}.{minor}")
    }
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

    /// One example of the shared vectors (`shared/tests/money-display.json`).
    #[derive(serde::Deserialize)]
    struct Vector {
        locale: Locale,
        currency: String,
        minor_units: i64,
        text: String,
    }

    #[derive(serde::Deserialize)]
    struct Vectors {
        exponents: std::collections::BTreeMap<String, u32>,
        display: Vec<Vector>,
    }

    fn vectors() -> Vectors {
        serde_json::from_str(include_str!("../../tests/money-display.json")).unwrap()
    }

    fn currency(code: &str) -> Currency {
        Currency::parse(code).unwrap()
    }

    #[test]
    fn amounts_read_as_the_web_app_writes_them_in_each_language() {
        for v in vectors().display {
            let shown = display(v.minor_units, &currency(&v.currency), v.locale);
            assert_eq!(shown, v.text, "{} {} in {:?}", v.minor_units, v.currency, v.locale);
        }
    }

    #[test]
    fn every_symbol_the_table_knows_is_held_to_the_browser_in_both_languages() {
        let display = vectors().display;
        for (code, _, _) in SYMBOLS {
            for locale in [Locale::En, Locale::Nl] {
                assert!(
                    display.iter().any(|v| v.currency == *code && v.locale == locale),
                    "no vector for {code} in {locale:?}"
                );
            }
        }
    }

    #[test]
    fn the_web_app_knows_the_exponent_of_every_currency_the_api_accepts() {
        let listed = vectors().exponents;
        let ours: std::collections::BTreeMap<String, u32> =
            Currency::all().iter().map(|c| (c.as_str().to_owned(), c.exponent())).collect();
        assert_eq!(ours, listed, "shared/tests/money-display.json's exponents are ISO 4217's");
    }

    #[test]
    fn every_minor_unit_is_shown_and_none_is_rounded() {
        assert_eq!(display(1, &currency("KWD"), Locale::En), "KWD\u{a0}0.001");
        assert_eq!(display(1, &currency("JPY"), Locale::En), "JP¥1");
        assert_eq!(display(5, &currency("EUR"), Locale::Nl), "€\u{a0}0,05");
        assert_eq!(display(-999, &currency("CLF"), Locale::En), "-CLF\u{a0}0.0999");
        assert_eq!(display(i64::MIN, &currency("EUR"), Locale::En), "-€92,233,720,368,547,758.08");
    }

    #[test]
    fn machines_read_a_plain_decimal_by_the_currency_exponent() {
        assert_eq!(decimal(123_456, &currency("EUR")), "1234.56");
        assert_eq!(decimal(5, &currency("EUR")), "0.05");
        assert_eq!(decimal(-5, &currency("EUR")), "-0.05");
        assert_eq!(decimal(1500, &currency("JPY")), "1500");
        assert_eq!(decimal(-1500, &currency("JPY")), "-1500");
        assert_eq!(decimal(1234, &currency("KWD")), "1.234");
        assert_eq!(decimal(0, &currency("KWD")), "0.000");
        assert_eq!(decimal(MAX_AMOUNT, &currency("USD")), "10000000000.00");
    }
}
