//! Whole numbers as a query string writes them.

use std::ops::RangeInclusive;

/// `s` as a whole number within `range`: ASCII digits only — no sign, no spaces, no
/// fraction — so that an `integer` with `minimum` and `maximum` in the OpenAPI document
/// says exactly what is taken, and no number, however long, gets past the bounds.
pub fn whole_number(s: &str, range: RangeInclusive<i64>) -> Option<i64> {
    if s.is_empty() || s.len() > 18 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok().filter(|n| range.contains(n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_digits_within_the_range() {
        assert_eq!(whole_number("50", 1..=200), Some(50));
        assert_eq!(whole_number("0007", 1..=200), Some(7));
        for bad in ["", "0", "201", "-1", "+5", " 5", "5 ", "1.5", "1e2", "99999999999999999999", "٣"] {
            assert_eq!(whole_number(bad, 1..=200), None, "{bad}");
        }
    }
}
