//! Validated text values. Once you hold one, it is valid ("parse, don't validate").

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};

/// Why a text value was refused; becomes a field error in the problem response.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct TextError(pub String);

fn has_control_chars(s: &str, allow_newlines: bool) -> bool {
    s.chars().any(|c| c.is_control() && !(allow_newlines && (c == '\n' || c == '\r' || c == '\t')))
}

macro_rules! text_type {
    ($(#[$doc:meta])* $name:ident, $parse:expr) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, utoipa::ToSchema)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
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
    };
}

fn bounded(s: &str, max: usize, what: &str) -> Result<String, TextError> {
    let t = s.trim();
    if t.is_empty() {
        return Err(TextError(format!("{what} must not be empty")));
    }
    if t.chars().count() > max {
        return Err(TextError(format!("{what} must be at most {max} characters")));
    }
    if has_control_chars(t, false) {
        return Err(TextError(format!("{what} must not contain control characters")));
    }
    Ok(t.to_owned())
}

text_type!(
    /// A display name: 1–200 characters, trimmed, no control characters.
    Name,
    |s| bounded(s, 200, "name")
);

text_type!(
    /// A short code or label (account codes, work-order type codes): 1–64 characters.
    Code,
    |s| bounded(s, 64, "code")
);

text_type!(
    /// A postal address, up to 500 characters on one or more lines.
    Address,
    |s| {
        let t = s.trim();
        if t.is_empty() {
            return Err(TextError("address must not be empty".into()));
        }
        if t.chars().count() > 500 {
            return Err(TextError("address must be at most 500 characters".into()));
        }
        if has_control_chars(t, true) {
            return Err(TextError("address must not contain control characters".into()));
        }
        Ok(t.to_owned())
    }
);

text_type!(
    /// Free text written by an admin (e.g. an invitation's personal message): up to 2000
    /// characters, line breaks allowed.
    Message,
    |s| {
        let t = s.trim();
        if t.chars().count() > 2000 {
            return Err(TextError("message must be at most 2000 characters".into()));
        }
        if has_control_chars(t, true) {
            return Err(TextError("message must not contain control characters".into()));
        }
        Ok(t.to_owned())
    }
);

/// Free text with line breaks: trimmed, at most `max` characters, no control characters
/// but line breaks and tabs.
fn long_text(s: &str, max: usize, what: &str, allow_empty: bool) -> Result<String, TextError> {
    let t = s.trim();
    if t.is_empty() && !allow_empty {
        return Err(TextError(format!("{what} must not be empty")));
    }
    if t.chars().count() > max {
        return Err(TextError(format!("{what} must be at most {max} characters")));
    }
    if has_control_chars(t, true) {
        return Err(TextError(format!("{what} must not contain control characters")));
    }
    Ok(t.to_owned())
}

text_type!(
    /// A work request's subject: 1–200 characters on one line.
    Subject,
    |s| bounded(s, 200, "subject")
);

text_type!(
    /// Notes and descriptions: 1–4000 characters, line breaks allowed (seed 004).
    Notes,
    |s| long_text(s, 4000, "text", false)
);

text_type!(
    /// A reason given to the member (say, why a request was declined): 1–2000 characters.
    Reason,
    |s| long_text(s, 2000, "reason", false)
);

text_type!(
    /// The back office's own reference for an object (`WO-10042`): 1–100 characters of
    /// letters, digits and `-_.:/#`, so that it can travel in a URL path and a key.
    ExternalRef,
    |s| {
        let t = s.trim();
        let ok = !t.is_empty()
            && t.len() <= 100
            && t.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':' | '#'));
        if ok {
            Ok(t.to_owned())
        } else {
            Err(TextError("must be 1–100 letters, digits or - _ . : #".into()))
        }
    }
);

text_type!(
    /// A file's name as shown and offered on download: 1–200 characters, no path
    /// separators, no control characters.
    FileName,
    |s| {
        let t = bounded(s, 200, "file name")?;
        if t.contains(['/', '\\', '"']) || t == "." || t == ".." {
            return Err(TextError("file name must not contain / \\ or \"".into()));
        }
        Ok(t)
    }
);

text_type!(
    /// An email address, lower-cased. Deliberately simple: one `@`, a dotted domain,
    /// no spaces, at most 254 characters. Deliverability is proven by the invitation.
    Email,
    |s| {
        let t = s.trim().to_lowercase();
        let bad = || TextError("must be an email address like name@example.com".into());
        if t.len() > 254 || t.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(bad());
        }
        let (local, domain) = t.split_once('@').ok_or_else(bad)?;
        if local.is_empty()
            || domain.contains('@')
            || !domain.contains('.')
            || domain.starts_with('.')
            || domain.ends_with('.')
            || domain.contains("..")
        {
            return Err(bad());
        }
        Ok(t)
    }
);

text_type!(
    /// A phone number in E.164 form (`+31612345678`), as Cognito requires for sign-in.
    Phone,
    |s| {
        let t: String = s.chars().filter(|c| !matches!(c, ' ' | '-' | '(' | ')')).collect();
        let digits = t.strip_prefix('+').unwrap_or("");
        if (8..=15).contains(&digits.len()) && digits.chars().all(|c| c.is_ascii_digit()) {
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
    |s| {
        let bad = || TextError("must be an https:// URL".into());
        let t = s.trim();
        if t.len() > 2048 || t.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(bad());
        }
        let url = url::Url::parse(t).map_err(|_| bad())?;
        if !url.username().is_empty() || url.password().is_some() {
            return Err(TextError("must not hold a user name or password".into()));
        }
        let https = url.scheme() == "https" && url.host().is_some();
        if !(https || is_loopback(&url)) {
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
    /// A colour as `#rrggbb`.
    Color,
    |s| {
        let t = s.trim().to_lowercase();
        let hex = t.strip_prefix('#').unwrap_or("");
        if hex.len() == 6 && hex.chars().all(|c| c.is_ascii_hexdigit()) {
            Ok(t)
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
        for local in ["http://localhost:3000", "http://127.0.0.1:3000/portal", "http://LOCALHOST/"] {
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
}
