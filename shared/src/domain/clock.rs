//! Times and days as Portico takes and keeps them: UTC, within the years 1970–9999.
//!
//! RFC 3339 writes years with four digits, and DynamoDB's TTL, ULIDs and sort keys count
//! from 1970: a value outside those years is refused where it enters (a 400 naming the
//! field), so that nothing computed from one — the end of a day, a month's range, "+ 400
//! days" for a TTL — can overflow. Sums on a [`Timestamp`] are checked or saturating;
//! there is no `+` that could panic.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::format_description::well_known::Rfc3339;
use time::{Date, OffsetDateTime, UtcOffset};

/// The span [`Timestamp`]'s sums take.
pub use time::Duration;

/// The first and the last year a date or time may have.
pub const FIRST_YEAR: i32 = 1970;
pub const LAST_YEAR: i32 = 9999;

/// Why a text is not a time or a day Portico takes; becomes a field error.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct TimeError(&'static str);

const NOT_A_TIME: TimeError = TimeError("must be an RFC 3339 time like 2026-11-23T10:00:00Z");
const OUT_OF_RANGE: TimeError = TimeError("must be in the years 1970 to 9999 (UTC)");
const NOT_A_DAY: TimeError = TimeError("must be a date like 2026-11-23, in the years 1970 to 9999");
const NOT_A_BOUND: TimeError = TimeError("must be an RFC 3339 time or a date (YYYY-MM-DD), in the years 1970 to 9999");

/// What the OpenAPI document says a [`Timestamp`] is: RFC 3339 with the `T` (or `t`),
/// a four-digit year from 1970, and `Z` or a numeric offset.
pub const TIMESTAMP_PATTERN: &str = concat!(
    "^(19[7-9][0-9]|[2-9][0-9]{3})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])",
    "[Tt]([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\\.[0-9]+)?([Zz]|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$"
);
/// A [`Day`]: `YYYY-MM-DD` from 1970.
pub const DAY_PATTERN: &str = "^(19[7-9][0-9]|[2-9][0-9]{3})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$";
/// A [`Bound`]: a day, or a time as [`TIMESTAMP_PATTERN`].
pub const BOUND_PATTERN: &str = concat!(
    "^(19[7-9][0-9]|[2-9][0-9]{3})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])",
    "([Tt]([01][0-9]|2[0-3]):[0-5][0-9]:([0-5][0-9]|60)(\\.[0-9]+)?([Zz]|[+-]([01][0-9]|2[0-3]):[0-5][0-9]))?$"
);

/// A moment in UTC, from 1970-01-01T00:00:00Z to 9999-12-31T23:59:59.999999999Z. Written
/// and read as RFC 3339; any offset is taken and kept as UTC.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(OffsetDateTime);

impl Timestamp {
    pub const MIN: Timestamp = Timestamp(time::macros::datetime!(1970-01-01 0:00 UTC));
    pub const MAX: Timestamp = Timestamp(time::macros::datetime!(9999-12-31 23:59:59.999_999_999 UTC));

    /// Now, to the whole second.
    pub fn now() -> Self {
        Self::within(OffsetDateTime::now_utc()).map_or(Self::MIN, Self::whole_seconds)
    }

    /// `t` as UTC, if it is within the years Portico takes.
    fn within(t: OffsetDateTime) -> Option<Self> {
        let utc = t.checked_to_offset(UtcOffset::UTC)?;
        (Self::MIN.0..=Self::MAX.0).contains(&utc).then_some(Self(utc))
    }

    /// An RFC 3339 time: `2026-11-23T10:00:00Z`, `2026-11-23t11:00:00.5+01:00`. Both the
    /// year as written and the moment (in UTC) must be in 1970–9999.
    pub fn parse(s: &str) -> Result<Self, TimeError> {
        // `time` takes any byte between the date and the time; RFC 3339 says `T`.
        if !matches!(s.as_bytes().get(10), Some(b'T' | b't')) {
            return Err(NOT_A_TIME);
        }
        let t = OffsetDateTime::parse(s, &Rfc3339).map_err(|_| NOT_A_TIME)?;
        if !(FIRST_YEAR..=LAST_YEAR).contains(&t.year()) {
            return Err(OUT_OF_RANGE);
        }
        Self::within(t).ok_or(OUT_OF_RANGE)
    }

    /// Seconds since 1970 (a TTL, an expiry sent by AWS), if within the years.
    pub fn from_unix(seconds: i64) -> Option<Self> {
        OffsetDateTime::from_unix_timestamp(seconds).ok().and_then(Self::within)
    }

    /// `self + d`, if that is still within the years.
    pub fn checked_add(self, d: Duration) -> Option<Self> {
        self.0.checked_add(d).and_then(Self::within)
    }

    /// `self + d`, or the first or last moment when that leaves the years.
    pub fn saturating_add(self, d: Duration) -> Self {
        self.checked_add(d).unwrap_or(if d.is_negative() { Self::MIN } else { Self::MAX })
    }

    /// `self - d`, or the first or last moment when that leaves the years.
    pub fn saturating_sub(self, d: Duration) -> Self {
        self.saturating_add(-d)
    }

    /// The same moment without its fraction of a second (how Portico stores times).
    pub fn whole_seconds(self) -> Self {
        Self(self.0.replace_nanosecond(0).unwrap_or(self.0))
    }

    /// Seconds since 1970 (never negative).
    pub fn unix_timestamp(self) -> i64 {
        self.0.unix_timestamp()
    }

    /// Milliseconds since 1970 (a ULID's time part; never negative, below 2^48).
    pub fn unix_millis(self) -> u64 {
        u64::try_from(self.0.unix_timestamp_nanos() / 1_000_000).unwrap_or(0)
    }

    /// The nanoseconds past the second.
    pub fn nanosecond(self) -> u32 {
        self.0.nanosecond()
    }

    /// The UTC date and time, for formats of its own (sort keys, months, CSV).
    pub fn utc(self) -> OffsetDateTime {
        self.0
    }

    /// The day this moment falls on (UTC).
    pub fn day(self) -> Day {
        Day(self.0.date())
    }

    /// RFC 3339, `Z` for UTC.
    pub fn rfc3339(self) -> String {
        self.to_string()
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Years 1970–9999 always format; the fallback is never written.
        f.write_str(&self.0.format(&Rfc3339).unwrap_or_default())
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Self::parse(&s).map_err(serde::de::Error::custom)
    }
}

impl utoipa::PartialSchema for Timestamp {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::DateTime)))
            .pattern(Some(TIMESTAMP_PATTERN))
            .description(Some("RFC 3339, in the years 1970–9999 (UTC); kept and returned in UTC"))
            .examples(["2026-11-23T10:00:00Z"])
            .into()
    }
}

/// A field of this type refers to this schema (`#/components/schemas/Timestamp`), an
/// optional one to null or it. Only a read-only field writes it out instead —
/// `#[schema(read_only, value_type = Option<String>, format = DateTime)]` — since utoipa
/// drops `readOnly` beside a reference; the document's generator adds the pattern there.
impl utoipa::ToSchema for Timestamp {}

/// Now, to the whole second.
pub fn now() -> Timestamp {
    Timestamp::now()
}

/// A calendar day (UTC), `YYYY-MM-DD`, from 1970-01-01 to 9999-12-31.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day(Date);

impl Day {
    pub fn parse(s: &str) -> Result<Self, TimeError> {
        let format = time::macros::format_description!("[year repr:full base:calendar]-[month]-[day]");
        let shape = s.len() == 10 && s.bytes().enumerate().all(|(i, b)| matches!(i, 4 | 7) == (b == b'-'));
        let date = Date::parse(s, &format).ok().filter(|_| shape).ok_or(NOT_A_DAY)?;
        if !(FIRST_YEAR..=LAST_YEAR).contains(&date.year()) {
            return Err(NOT_A_DAY);
        }
        Ok(Self(date))
    }

    /// Its first moment.
    pub fn start(self) -> Timestamp {
        Timestamp(self.0.midnight().assume_utc())
    }

    /// Its last moment (the last nanosecond): `to` a day takes in the whole day.
    pub fn end(self) -> Timestamp {
        let last = time::Time::from_hms_nano(23, 59, 59, 999_999_999).unwrap_or(time::Time::MIDNIGHT);
        Timestamp(self.0.with_time(last).assume_utc())
    }
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.0.year(), u8::from(self.0.month()), self.0.day())
    }
}

impl fmt::Debug for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// One end of a time range in a query (`?from=&to=`): an RFC 3339 time, or a day — the
/// day's first moment as `from`, its last as `to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bound {
    At(Timestamp),
    Day(Day),
}

impl Bound {
    pub fn parse(s: &str) -> Result<Self, TimeError> {
        if s.len() == 10 {
            return Day::parse(s).map(Bound::Day).map_err(|_| NOT_A_BOUND);
        }
        Timestamp::parse(s).map(Bound::At).map_err(|_| NOT_A_BOUND)
    }

    pub fn start(self) -> Timestamp {
        match self {
            Bound::At(t) => t,
            Bound::Day(d) => d.start(),
        }
    }

    pub fn end(self) -> Timestamp {
        match self {
            Bound::At(t) => t,
            Bound::Day(d) => d.end(),
        }
    }
}

impl utoipa::PartialSchema for Bound {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        utoipa::openapi::schema::ObjectBuilder::new()
            .schema_type(utoipa::openapi::schema::Type::String)
            .pattern(Some(BOUND_PATTERN))
            .description(Some(
                "An RFC 3339 time or a date (YYYY-MM-DD: its first moment as `from`, its last as `to`), in the years 1970–9999",
            ))
            .examples(["2026-11-23", "2026-11-23T10:00:00Z"])
            .into()
    }
}

impl utoipa::ToSchema for Bound {}

/// `?from=&to=` of a list: each an RFC 3339 time or a day (`to` a day: the whole day),
/// `from` not after `to`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TimeRange {
    pub from: Option<Timestamp>,
    pub to: Option<Timestamp>,
}

impl TimeRange {
    /// Reads `from` and `to`; `get` returns a query parameter's value.
    pub fn parse(get: impl Fn(&str) -> Option<String>) -> Result<Self, crate::error::Error> {
        use crate::error::Error;
        let bound = |field: &str| -> Result<Option<Bound>, Error> {
            get(field).map(|v| Bound::parse(&v).map_err(|e| Error::invalid_field(field, e.to_string()))).transpose()
        };
        let range = Self { from: bound("from")?.map(Bound::start), to: bound("to")?.map(Bound::end) };
        if let (Some(f), Some(t)) = (range.from, range.to) {
            if f > t {
                return Err(Error::invalid_field("from", "must not be after `to`"));
            }
        }
        Ok(range)
    }

    /// Whether `t` is within the range (both ends included).
    pub fn holds(&self, t: Timestamp) -> bool {
        self.from.is_none_or(|f| t >= f) && self.to.is_none_or(|to| t <= to)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn times_are_rfc_3339_in_utc_within_the_years() {
        let t = Timestamp::parse("2026-11-23T11:00:00.5+01:00").unwrap();
        assert_eq!(t.to_string(), "2026-11-23T10:00:00.5Z");
        assert_eq!(Timestamp::parse("2026-11-23t10:00:00z").unwrap().to_string(), "2026-11-23T10:00:00Z");
        assert_eq!(Timestamp::parse("1970-01-01T00:00:00Z"), Ok(Timestamp::MIN));
        assert!(Timestamp::parse("9999-12-31T23:59:59.999999999Z").is_ok());
        for bad in [
            "1969-12-31T23:59:59Z",
            "0001-01-01T00:00:00Z",
            "0000-01-01T00:00:00Z",
            "10000-01-01T00:00:00Z",
            "+10000-01-01T00:00:00Z",
            "9999-12-31T23:00:00-05:00",
            "1970-01-01T00:30:00+01:00",
            "2026-11-23 10:00:00Z",
            "2026-11-23X10:00:00Z",
            "2026-11-23T10:00:00",
            "2026-02-30T10:00:00Z",
            "2026-11-23",
            "",
        ] {
            assert!(Timestamp::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn sums_saturate_at_the_ends_of_the_years() {
        let last = Timestamp::parse("9999-12-31T00:00:00Z").unwrap();
        assert_eq!(last.checked_add(Duration::days(1)), None);
        assert_eq!(last.saturating_add(Duration::days(400)), Timestamp::MAX);
        assert_eq!(Timestamp::MIN.saturating_sub(Duration::days(1)), Timestamp::MIN);
        assert_eq!(Timestamp::MAX.saturating_add(Duration::MAX), Timestamp::MAX);
        assert_eq!(Timestamp::MIN.saturating_add(Duration::MIN), Timestamp::MIN);
        assert_eq!(Timestamp::from_unix(-1), None);
        assert_eq!(Timestamp::from_unix(0), Some(Timestamp::MIN));
        assert_eq!(Timestamp::from_unix(i64::MAX), None);
    }

    #[test]
    fn days_take_in_their_whole_day() {
        let d = Day::parse("9999-12-31").unwrap();
        assert_eq!(d.start().to_string(), "9999-12-31T00:00:00Z");
        assert_eq!(d.end(), Timestamp::MAX);
        assert_eq!(Day::parse("1970-01-01").unwrap().start(), Timestamp::MIN);
        for bad in ["0001-01-01", "1969-12-31", "10000-01-01", "2026-1-01", "2026-13-01", "2026-02-29", "+202-01-01"] {
            assert!(Day::parse(bad).is_err(), "{bad}");
        }
    }

    fn range(pairs: &[(&str, &str)]) -> Result<TimeRange, crate::error::Error> {
        let m: std::collections::HashMap<&str, &str> = pairs.iter().copied().collect();
        TimeRange::parse(|k| m.get(k).map(|v| v.to_string()))
    }

    #[test]
    fn a_range_takes_times_or_days_and_names_the_field_it_refuses() {
        let r = range(&[("from", "2026-01-01"), ("to", "2026-01-31")]).unwrap();
        assert_eq!(r.from.unwrap().to_string(), "2026-01-01T00:00:00Z");
        assert_eq!(r.to.unwrap().to_string(), "2026-01-31T23:59:59.999999999Z");
        assert!(r.holds(Timestamp::parse("2026-01-31T23:59:59Z").unwrap()));
        let r = range(&[("to", "9999-12-31")]).unwrap();
        assert_eq!(r.to, Some(Timestamp::MAX));
        for (field, value) in [
            ("to", "9999-12-31T23:59:59-00:01"),
            ("from", "0001-01-01"),
            ("to", "10000-01-01T00:00:00Z"),
            ("from", "yesterday"),
            ("to", "2026-13-45"),
        ] {
            match range(&[(field, value)]) {
                Err(crate::error::Error::BadRequest { errors, .. }) => assert_eq!(errors[0].field, field, "{value}"),
                other => panic!("{field}={value}: {other:?}"),
            }
        }
        assert!(range(&[("from", "2026-02-01"), ("to", "2026-01-31")]).is_err());
    }

    /// The pattern the document states for a time, as a client's validator reads it.
    fn pattern(p: &str) -> regex_lite::Regex {
        regex_lite::Regex::new(p).unwrap()
    }

    proptest! {
        // Any text: parsing answers (never panics), and what it takes, the document's
        // pattern takes too (a client that follows the document is never refused for
        // the shape alone, and nothing the document refuses gets in).
        #[test]
        fn any_text_parses_or_is_refused_and_the_pattern_agrees(s in "\\PC{0,40}|[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,12})?([Zz]|[+-][0-9]{2}:[0-9]{2})") {
            if Timestamp::parse(&s).is_ok() {
                prop_assert!(pattern(TIMESTAMP_PATTERN).is_match(&s), "{}", s);
            }
            if Bound::parse(&s).is_ok() {
                prop_assert!(pattern(BOUND_PATTERN).is_match(&s), "{}", s);
            }
            if Day::parse(&s).is_ok() {
                prop_assert!(pattern(DAY_PATTERN).is_match(&s), "{}", s);
            }
        }

        // Any moment of any offset the format can write: taken exactly when its UTC moment
        // and its written year are in the years; then every sum saturates, the end of its
        // day is within the years, and it round-trips through its text.
        #[test]
        fn every_moment_that_parses_survives_every_sum(
            year in 0i32..=9999, ordinal in 1u16..=365, secs in 0u32..86_400, nanos in 0u32..1_000_000_000,
            offset_minutes in -(23 * 60 + 59)..=(23 * 60 + 59), days in any::<i32>(),
        ) {
            let date = Date::from_ordinal_date(year, ordinal).unwrap();
            let time = time::Time::from_hms_nano((secs / 3600) as u8, (secs / 60 % 60) as u8, (secs % 60) as u8, nanos).unwrap();
            let offset = UtcOffset::from_whole_seconds(offset_minutes * 60).unwrap();
            let written = date.with_time(time).assume_offset(offset);
            let text = written.format(&Rfc3339).unwrap();
            match Timestamp::parse(&text) {
                Ok(t) => {
                    prop_assert!(year >= FIRST_YEAR);
                    prop_assert_eq!(t.utc(), written);
                    prop_assert!(Timestamp::MIN <= t.saturating_add(Duration::days(i64::from(days))));
                    prop_assert!(t.saturating_add(Duration::days(i64::from(days))) <= Timestamp::MAX);
                    prop_assert!(t.day().end() <= Timestamp::MAX);
                    prop_assert_eq!(Timestamp::parse(&t.to_string()), Ok(t));
                }
                Err(_) => {
                    let utc_year = written.to_offset(UtcOffset::UTC).year();
                    prop_assert!(year < FIRST_YEAR || !(FIRST_YEAR..=LAST_YEAR).contains(&utc_year));
                }
            }
        }
    }
}
