//! Validated text values. Once you hold one, it is valid ("parse, don't validate").
//!
//! Each type's OpenAPI schema states exactly what its `parse` takes — the length as sent
//! (`maxLength`), and a `pattern` for the rest (whitespace around is trimmed; inside, no
//! control characters) — so that a client, and the fuzzer, can know a value is taken
//! without sending it. The unit tests hold every pattern to its parser.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};

/// Why a text value was refused; becomes a field error in the problem response.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct TextError(pub String);

fn has_control_chars(s: &str, allow_newlines: bool) -> bool {
    s.chars().any(|c| c.is_control() && !(allow_newlines && (c == '\n' || c == '\r' || c == '\t')))
}

/// What a text type's schema says: lengths as sent, and the pattern of the rest.
struct Shape {
    min: Option<usize>,
    max: Option<usize>,
    pattern: &'static str,
    description: &'static str,
}

/// The pieces of the patterns, as JSON Schema (ECMA-262) and every common regex engine
/// read them. `WS` is what `str::trim` removes (Unicode White_Space), `CC` what
/// `char::is_control` refuses (Unicode Cc); `CC_TEXT` the controls refused in text that
/// keeps line breaks (all but tab, line feed and carriage return).
macro_rules! ws {
    () => {
        r"\u0009-\u000d\u0020\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
    };
}
macro_rules! cc {
    () => {
        r"\u0000-\u001f\u007f-\u009f"
    };
}
macro_rules! cc_text {
    () => {
        r"\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f"
    };
}
/// What `str::trim` removes, as a character class's contents.
pub const WHITESPACE: &str = ws!();

/// One line: trimmed, at least one character, no control characters.
const ONE_LINE: &str =
    concat!("^[", ws!(), "]*[^", ws!(), cc!(), "]([^", cc!(), "]*[^", ws!(), cc!(), "])?[", ws!(), "]*$");
/// Lines: trimmed, at least one character, no control characters but line breaks and tabs.
const LINES: &str =
    concat!("^[", ws!(), "]*[^", ws!(), cc!(), "]([^", cc_text!(), "]*[^", ws!(), cc!(), "])?[", ws!(), "]*$");
/// Lines that may be empty.
const LINES_OR_NOTHING: &str =
    concat!("^[", ws!(), "]*([^", ws!(), cc!(), "]([^", cc_text!(), "]*[^", ws!(), cc!(), "])?)?[", ws!(), "]*$");

/// The pattern of a comma-separated list of some of `names` as a query parameter takes it
/// (`?status=scheduled,completed`): whitespace around an item is trimmed, an empty item
/// skipped, an empty list means "any".
pub fn list_pattern(names: &[&str]) -> String {
    let item = format!("[{ws}]*({})?[{ws}]*", names.join("|"), ws = ws!());
    format!("^{item}(,{item})*$")
}

macro_rules! text_type {
    ($(#[$doc:meta])* $name:ident, $shape:expr, $parse:expr) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            const SHAPE: Shape = $shape;

            pub fn parse(s: &str) -> Result<Self, TextError> {
                let f: fn(&str) -> Result<String, TextError> = $parse;
                f(s).map(Self)
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({:?})", stringify!($name), self.0)
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
                let shape = Self::SHAPE;
                utoipa::openapi::schema::ObjectBuilder::new()
                    .schema_type(utoipa::openapi::schema::Type::String)
                    .min_length(shape.min)
                    .max_length(shape.max)
                    .pattern(Some(shape.pattern))
                    .description(Some(shape.description))
                    .into()
            }
        }

        impl utoipa::ToSchema for $name {}
    };
}

/// At most `max` characters as sent.
fn at_most(s: &str, max: usize, what: &str) -> Result<(), TextError> {
    if s.chars().count() > max {
        return Err(TextError(format!("{what} must be at most {max} characters")));
    }
    Ok(())
}

fn bounded(s: &str, max: usize, what: &str) -> Result<String, TextError> {
    at_most(s, max, what)?;
    let t = s.trim();
    if t.is_empty() {
        return Err(TextError(format!("{what} must not be empty")));
    }
    if has_control_chars(t, false) {
        return Err(TextError(format!("{what} must not contain control characters")));
    }
    Ok(t.to_owned())
}

/// Free text with line breaks: at most `max` characters, trimmed, no control characters
/// but line breaks and tabs.
fn long_text(s: &str, max: usize, what: &str, allow_empty: bool) -> Result<String, TextError> {
    at_most(s, max, what)?;
    let t = s.trim();
    if t.is_empty() && !allow_empty {
        return Err(TextError(format!("{what} must not be empty")));
    }
    if has_control_chars(t, true) {
        return Err(TextError(format!("{what} must not contain control characters")));
    }
    Ok(t.to_owned())
}

const fn one_line(max: usize, description: &'static str) -> Shape {
    Shape { min: Some(1), max: Some(max), pattern: ONE_LINE, description }
}

const fn lines(max: usize, description: &'static str) -> Shape {
    Shape { min: Some(1), max: Some(max), pattern: LINES, description }
}

text_type!(
    /// A display name: at most 200 characters, trimmed, not empty, no control characters.
    Name,
    one_line(200, "A name: at most 200 characters, trimmed, not empty, no control characters"),
    |s| bounded(s, 200, "name")
);

text_type!(
    /// A short code or label (account codes, work-order type codes): 1–64 characters.
    Code,
    one_line(64, "A code: at most 64 characters, trimmed, not empty, no control characters"),
    |s| bounded(s, 64, "code")
);

text_type!(
    /// A postal address, up to 500 characters on one or more lines.
    Address,
    lines(500, "An address: at most 500 characters on one or more lines, trimmed, not empty"),
    |s| long_text(s, 500, "address", false)
);

text_type!(
    /// Free text written by an admin (e.g. an invitation's personal message): up to 2000
    /// characters, line breaks allowed, may be empty.
    Message,
    Shape {
        min: None,
        max: Some(2000),
        pattern: LINES_OR_NOTHING,
        description: "A message: at most 2000 characters, line breaks allowed, trimmed"
    },
    |s| long_text(s, 2000, "message", true)
);

text_type!(
    /// A work request's subject: 1–200 characters on one line.
    Subject,
    one_line(200, "A subject: at most 200 characters on one line, trimmed, not empty"),
    |s| bounded(s, 200, "subject")
);

text_type!(
    /// Notes and descriptions: 1–4000 characters (about a page of A4), line breaks allowed.
    Notes,
    lines(4000, "Text: at most 4000 characters, line breaks allowed, trimmed, not empty"),
    |s| long_text(s, 4000, "text", false)
);

text_type!(
    /// A reason given to the member (say, why a request was declined): 1–2000 characters.
    Reason,
    lines(2000, "A reason: at most 2000 characters, line breaks allowed, trimmed, not empty"),
    |s| long_text(s, 2000, "reason", false)
);

text_type!(
    /// The back office's own reference for an object (`WO-10042`): 1–100 characters of
    /// letters, digits and `-_.:#`, so that it can travel in a URL path and a key.
    ExternalRef,
    Shape {
        min: Some(1),
        max: Some(100),
        pattern: concat!("^[", ws!(), "]*[A-Za-z0-9_.:#-]+[", ws!(), "]*$"),
        description: "The back office's reference: at most 100 characters, letters, digits and - _ . : #"
    },
    |s| {
        let t = s.trim();
        let ok = !t.is_empty()
            && s.chars().count() <= 100
            && t.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':' | '#'));
        if ok {
            Ok(t.to_owned())
        } else {
            Err(TextError("must be 1–100 letters, digits or - _ . : #".into()))
        }
    }
);

/// A file name's characters: no path separators or quotes (besides no controls).
macro_rules! no_path {
    () => {
        r#"/\\""#
    };
}

text_type!(
    /// A file's name as shown and offered on download: 1–200 characters, no path
    /// separators, no control characters, not `.` or `..`.
    FileName,
    Shape {
        min: Some(1),
        max: Some(200),
        pattern: concat!(
            "^[", ws!(), "]*(",
            "[^.", ws!(), cc!(), no_path!(), "]([^", cc!(), no_path!(), "]*[^", ws!(), cc!(), no_path!(), "])?",
            "|\\.([^.", ws!(), cc!(), no_path!(), "]|[^", cc!(), no_path!(), "]+[^", ws!(), cc!(), no_path!(), "])",
            ")[", ws!(), "]*$"
        ),
        description: "A file name: at most 200 characters, trimmed, no / \\ \" or control characters, not . or .."
    },
    |s| {
        let t = bounded(s, 200, "file name")?;
        if t.contains(['/', '\\', '"']) || t == "." || t == ".." {
            return Err(TextError("file name must not contain / \\ or \"".into()));
        }
        Ok(t)
    }
);

text_type!(
    /// An email address, lower-cased, as mail systems and the sign-in service (Cognito)
    /// take it: ASCII letters, digits and `. _ % + - '` before the `@`, a domain of dotted
    /// labels (letters, digits, `-`) ending in a top-level domain of two letters or more;
    /// at most 254 characters. Deliverability is proven by the invitation.
    Email,
    Shape {
        min: Some(6),
        max: Some(254),
        pattern: concat!("^[", ws!(), "]*[A-Za-z0-9._%+'-]+@([A-Za-z0-9-]+\\.)+[A-Za-z]{2,}[", ws!(), "]*$"),
        description: "An email address: letters, digits and . _ % + - ' before the @, a dotted domain ending in two letters or more, at most 254 characters; lower-cased"
    },
    |s| {
        let bad = || TextError("must be an email address like name@example.com".into());
        if s.chars().count() > 254 {
            return Err(bad());
        }
        let (local, domain) = s.trim().split_once('@').ok_or_else(bad)?;
        let local_ok = !local.is_empty()
            && local.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '%' | '+' | '-' | '\''));
        let labels: Vec<&str> = domain.split('.').collect();
        let label_ok = |l: &&str| !l.is_empty() && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
        let top = labels.last().copied().unwrap_or_default();
        let domain_ok = labels.len() >= 2
            && labels.iter().all(label_ok)
            && top.len() >= 2
            && top.chars().all(|c| c.is_ascii_alphabetic());
        if !(local_ok && domain_ok) {
            return Err(bad());
        }
        Ok(s.trim().to_ascii_lowercase())
    }
);

text_type!(
    /// A phone number in E.164 form (`+31612345678`), as Cognito requires for sign-in;
    /// spaces, dashes and brackets are dropped.
    Phone,
    Shape {
        min: Some(9),
        max: Some(32),
        pattern: r"^[ ()-]*\+([ ()-]*[0-9]){8,15}[ ()-]*$",
        description: "A phone number in international form (+, 8–15 digits; spaces, dashes and brackets ignored), at most 32 characters"
    },
    |s| {
        let t: String = s.chars().filter(|c| !matches!(c, ' ' | '-' | '(' | ')')).collect();
        let digits = t.strip_prefix('+').unwrap_or("");
        if s.chars().count() <= 32 && (8..=15).contains(&digits.len()) && digits.chars().all(|c| c.is_ascii_digit()) {
            Ok(t)
        } else {
            Err(TextError("must be a phone number in international form, like +31612345678".into()))
        }
    }
);

text_type!(
    /// An absolute `https://` URL with a host and no user name or password, as a WHATWG
    /// parser (the `url` crate, as browsers) reads it, kept in that parser's form — so
    /// what was checked is what is linked. `http://localhost` and `http://127.0.0.1`
    /// (exactly those hosts, any port) also parse: a local stack's portal; where they
    /// are allowed is the deployment's call ([`WebUrl::is_loopback`]).
    WebUrl,
    Shape {
        min: Some(9),
        max: Some(2048),
        pattern: concat!(
            "^[", ws!(), "]*(https://[^", ws!(), cc!(), "]+|http://(localhost|127\\.0\\.0\\.1)(:[0-9]{1,5})?([/?#\\\\][^", ws!(), cc!(), "]*)?)[",
            ws!(), "]*$"
        ),
        description: "An https:// URL (http://localhost or http://127.0.0.1 for local development), at most 2048 characters"
    },
    |s| {
        let bad = || TextError("must be an https:// URL".into());
        let t = s.trim();
        if s.chars().count() > 2048 || t.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(bad());
        }
        let url = url::Url::parse(t).map_err(|_| bad())?;
        if !url.username().is_empty() || url.password().is_some() {
            return Err(TextError("must not hold a user name or password".into()));
        }
        // As the schema's pattern says: `https://` as written, in lower case.
        let https = t.starts_with("https://") && url.scheme() == "https" && url.host().is_some();
        // The machine itself as written, not as a host name that maps to it
        // (`127.0.0.1` with an invisible character the IDNA mapping drops).
        let as_written = ["http://localhost", "http://127.0.0.1"].iter().any(|h| {
            t.starts_with(h)
                && t[h.len()..].chars().next().is_none_or(|c| matches!(c, ':' | '/' | '\\' | '?' | '#'))
        });
        if !(https || (is_loopback(&url) && as_written)) {
            return Err(bad());
        }
        Ok(url.into())
    }
);

/// `http://localhost…` or `http://127.0.0.1…`: the machine itself, over plain HTTP.
fn is_loopback(url: &url::Url) -> bool {
    use url::Host;
    url.scheme() == "http"
        && match url.host() {
            Some(Host::Domain(d)) => d == "localhost",
            Some(Host::Ipv4(ip)) => ip == std::net::Ipv4Addr::LOCALHOST,
            _ => false,
        }
}

impl WebUrl {
    /// An `http://` address of the machine itself: fine on a local stack, refused by a
    /// deployment (members' browsers would open their own machine).
    pub fn is_loopback(&self) -> bool {
        url::Url::parse(&self.0).is_ok_and(|u| is_loopback(&u))
    }
}

text_type!(
    /// A colour as `#rrggbb`, lower-cased.
    Color,
    Shape {
        min: None,
        max: None,
        pattern: concat!("^[", ws!(), "]*#[0-9A-Fa-f]{6}[", ws!(), "]*$"),
        description: "A colour, #rrggbb"
    },
    |s| {
        let t = s.trim();
        let hex = t.strip_prefix('#').unwrap_or("");
        if hex.len() == 6 && hex.chars().all(|c| c.is_ascii_hexdigit()) {
            Ok(t.to_ascii_lowercase())
        } else {
            Err(TextError("must be a colour like #1a2b3c".into()))
        }
    }
);

/// The languages Portico writes emails in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Locale {
    #[default]
    En,
    Nl,
}

impl Locale {
    pub fn as_str(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::Nl => "nl",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(Name::parse("  Acme  ").unwrap().as_str(), "Acme");
        assert!(Name::parse("   ").is_err());
        assert!(Name::parse(&"x".repeat(200)).is_ok());
        assert!(Name::parse(&"x".repeat(201)).is_err());
        assert!(Name::parse("a\u{0}b").is_err());
    }

    #[test]
    fn emails_are_lower_cased_and_need_a_dotted_domain() {
        assert_eq!(Email::parse(" Ann@Example.COM ").unwrap().as_str(), "ann@example.com");
        assert!(Email::parse("o'brien_ann+x@mail.example.co.uk").is_ok());
        for bad in [
            "",
            "ann",
            "ann@",
            "@example.com",
            "ann@example",
            "a b@example.com",
            "a@b@c.com",
            "ann@.com",
            "ann@example..com",
            "0@0.0",
            "ann@example.c",
            "ann@example.c0m",
            "ann@exa_mple.com",
            "änn@example.com",
            "ann@bücher.de",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn phones_must_be_international() {
        assert_eq!(Phone::parse("+31 6 1234 5678").unwrap().as_str(), "+31612345678");
        assert!(Phone::parse("0612345678").is_err());
        assert!(Phone::parse("+12").is_err());
        assert!(Phone::parse("+31abc45678").is_err());
    }

    #[test]
    fn urls_must_be_https_except_local() {
        assert_eq!(WebUrl::parse("https://portal.example.com").unwrap().as_str(), "https://portal.example.com/");
        assert_eq!(
            WebUrl::parse("https://Portal.Example.com/a/b?c=d").unwrap().as_str(),
            "https://portal.example.com/a/b?c=d"
        );
        for bad in ["http://example.com", "javascript:alert(1)", "https://", "ftp://example.com", "data:text/html,x"] {
            assert!(WebUrl::parse(bad).is_err(), "{bad:?} should be refused");
        }
    }

    #[test]
    fn a_url_is_judged_by_its_parsed_host_not_its_prefix() {
        for bad in [
            "http://localhost.evil.example/",
            "http://localhost@evil.example/",
            "http://127.0.0.1.evil.example/",
            "http://127.0.0.1@evil.example/",
            "http://localhost:3000@evil.example/",
            "https://user:pass@portal.example.com/",
            "https://portal.example.com@evil.example/",
            "http://0x7f.0.0.1.evil.example/",
        ] {
            assert!(WebUrl::parse(bad).is_err(), "{bad:?} should be refused");
        }
        // What a browser would open is what is kept: a backslash is a slash to it.
        assert_eq!(
            WebUrl::parse("http://localhost\\@evil.example/").unwrap().as_str(),
            "http://localhost/@evil.example/"
        );
    }

    #[test]
    fn the_machine_itself_is_a_loopback_url_and_only_it() {
        for local in ["http://localhost:3000", "http://127.0.0.1:3000/portal", "http://localhost/"] {
            assert!(WebUrl::parse(local).unwrap().is_loopback(), "{local}");
        }
        for other in ["https://localhost/", "https://portal.example.com/", "https://127.0.0.1/"] {
            assert!(!WebUrl::parse(other).unwrap().is_loopback(), "{other}");
        }
        assert!(WebUrl::parse("http://127.0.0.2/").is_err());
        assert!(WebUrl::parse("http://[::1]/").is_err());
    }

    #[test]
    fn colours_are_six_hex_digits() {
        assert_eq!(Color::parse("#A1B2C3").unwrap().as_str(), "#a1b2c3");
        assert!(Color::parse("red").is_err());
        assert!(Color::parse("#abc").is_err());
    }

    #[test]
    fn messages_keep_line_breaks_but_are_bounded() {
        assert!(Message::parse("Hello\nWelcome").is_ok());
        assert!(Message::parse(&"x".repeat(2001)).is_err());
    }

    #[test]
    fn lengths_count_what_was_sent() {
        assert!(Name::parse(&format!("{} ", "x".repeat(199))).is_ok());
        assert!(Name::parse(&format!(" {} ", "x".repeat(199))).is_err(), "201 characters as sent");
        assert!(Color::parse("#ABCDEF").is_ok());
    }

    /// A text type's schema, as a client's validator reads it: is `s` valid?
    fn schema_takes<T: utoipa::PartialSchema>(s: &str) -> bool {
        type Compiled = (regex_lite::Regex, Option<u64>, Option<u64>);
        thread_local! {
            static SCHEMAS: std::cell::RefCell<std::collections::HashMap<&'static str, std::rc::Rc<Compiled>>> =
                Default::default();
        }
        let compiled = SCHEMAS.with(|m| {
            m.borrow_mut()
                .entry(std::any::type_name::<T>())
                .or_insert_with(|| {
                    let schema = serde_json::to_value(T::schema()).unwrap();
                    let pattern = regex_lite::Regex::new(schema["pattern"].as_str().unwrap()).unwrap();
                    std::rc::Rc::new((pattern, schema["minLength"].as_u64(), schema["maxLength"].as_u64()))
                })
                .clone()
        });
        let (pattern, min, max) = &*compiled;
        let length = s.chars().count() as u64;
        min.is_none_or(|min| length >= min) && max.is_none_or(|max| length <= max) && pattern.is_match(s)
    }

    /// Text made of what the rules are about — whitespace of every kind, controls, line
    /// breaks, `@ . / \ " # + - ( )`, letters and digits, other scripts — at lengths
    /// around every bound.
    fn text() -> impl Strategy<Value = String> {
        let chars = prop::sample::select(vec![
            ' ', '\t', '\n', '\r', '\u{b}', '\u{0}', '\u{1f}', '\u{7f}', '\u{85}', '\u{a0}', '\u{2028}', '\u{3000}',
            '\u{1c}', '\u{180e}', '\u{feff}', '@', '.', '/', '\\', '"', '#', '+', '-', '(', ')', ':', '_', 'a', 'B',
            'f', 'z', '0', '7', '9', 'é', 'ß', 'İ', '日', 'K', 'h', 't', 'p', 's', 'l', 'o', 'c', '1', '\'', '%',
        ]);
        let text = prop::collection::vec(chars, 0..12).prop_map(|v| v.into_iter().collect::<String>());
        let length = prop::sample::select(vec![
            0usize, 1, 2, 7, 31, 62, 63, 64, 65, 98, 99, 100, 101, 198, 199, 200, 201, 252, 253, 254, 255, 498, 499,
            500, 501, 1999, 2000, 2001, 2047, 2048, 2049, 3999, 4000, 4001,
        ]);
        let words = prop::sample::select(vec![
            "",
            "a@b.co",
            "Ann@Example.COM",
            "+31 6 1234 5678",
            "+(31)-612345678",
            "https://x",
            "http://localhost:3000",
            "http://127.0.0.1",
            "#A1b2C3",
            "WO-1:2#3",
            ".",
            "..",
            "...",
            "a.pdf",
            "x",
            " ",
            "\n",
        ]);
        // `x`s in the middle bring the whole to the length drawn (when it is shorter).
        (text.clone(), words, length, text).prop_map(|(a, w, n, b)| {
            let have = a.chars().count() + w.chars().count() + b.chars().count();
            format!("{a}{w}{}{b}", "x".repeat(n.saturating_sub(have)))
        })
    }

    macro_rules! agrees {
        ($($t:ident),*) => {
            proptest! {
                #![proptest_config(ProptestConfig::with_cases(4000))]
                // What each type takes is exactly what its schema says it takes.
                #[test]
                fn every_schema_takes_exactly_what_its_type_takes(s in text()) {
                    $(
                        prop_assert_eq!($t::parse(&s).is_ok(), schema_takes::<$t>(&s), "{}: {:?}", stringify!($t), s);
                    )*
                }
            }
        };
    }

    proptest! {
        // A list parameter's pattern takes exactly what the filters take.
        #[test]
        fn list_patterns_take_what_the_filters_take(
            items in prop::collection::vec(prop::sample::select(vec!["due", "paid", "overdue", "", " ", "\u{3000}", "x", "due ", "dUe", "\u{1c}"]), 0..4),
        ) {
            let s = items.join(",");
            let filter = super::super::invoice::InvoiceFilter::parse(|k| (k == "status").then(|| s.clone()));
            let pattern = regex_lite::Regex::new(&list_pattern(&["due", "overdue", "paid"])).unwrap();
            prop_assert_eq!(filter.is_ok(), pattern.is_match(&s), "{:?}", s);
        }
    }

    use proptest::prelude::*;
    agrees!(Name, Code, Address, Message, Subject, Notes, Reason, ExternalRef, FileName, Email, Phone, Color);

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(4000))]
        // A URL's grammar (hosts, ports, percent-escapes, IPv4 numbers) is beyond a
        // pattern: the pattern states its shape (https, or http to this machine), and the
        // parser, a WHATWG one, has the last word. What it takes, the pattern takes.
        #[test]
        fn a_url_the_parser_takes_fits_its_schema(s in text()) {
            if WebUrl::parse(&s).is_ok() {
                prop_assert!(schema_takes::<WebUrl>(&s), "{:?}", s);
            }
        }
    }

    #[test]
    fn a_url_schema_refuses_other_schemes_and_hosts_and_the_parser_what_it_cannot_read() {
        for s in ["http://localhost.evil.example/x", "http://evil.example", "ftp://x", "https://", "javascript:x"] {
            assert!(!schema_takes::<WebUrl>(s) && WebUrl::parse(s).is_err(), "{s}");
        }
        for s in ["https://x%", "https://x:99999", "https://1.2.3.4.5", "http://127.0.0.1\u{180e}", "HTTP://LOCALHOST/"]
        {
            assert!(WebUrl::parse(s).is_err(), "{s}");
        }
        assert!(WebUrl::parse("https://portal.acme.test/").is_ok());
    }
}
