//! One-click unsubscribe (RFC 8058): every notification carries a link that switches
//! that kind of email off for its recipient, without signing in.
//!
//! The link's token names the tenant, the recipient (a member or a contact), the kind
//! and the recipient's language, signed with HMAC-SHA256 under the cursor secret (for
//! a purpose of its own, so a paging cursor never opens as a token or the other way
//! round). It does not expire: an email read a year later still unsubscribes. It can do
//! one thing only — switch that one kind off for that one recipient — so a leaked link
//! costs its owner some email, nothing more.

use anyhow::Context as _;
use askama::Template;

use super::Brand;
use crate::domain::ids::{ContactId, MemberId, TenantId};
use crate::domain::mailing::NotificationKind;
use crate::domain::text::Locale;
use crate::error::{Error, Result};
use crate::store::cursor::{CursorKey, Position};

/// What signed tokens are for (a cursor is signed for the list it pages).
const PURPOSE: &str = "unsubscribe";

/// The route the links point at (public: no token of Cognito's).
pub const PATH: &str = "/mail/unsubscribe";

/// Who a link unsubscribes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Party {
    Member(MemberId),
    Contact(ContactId),
}

impl Party {
    pub fn parse(s: &str) -> Option<Self> {
        MemberId::parse(s).map(Party::Member).or_else(|_| ContactId::parse(s).map(Party::Contact)).ok()
    }
}

impl std::fmt::Display for Party {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Party::Member(m) => m.fmt(f),
            Party::Contact(c) => c.fmt(f),
        }
    }
}

/// One recipient's "no more of this kind".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Unsubscribe {
    pub tenant: TenantId,
    pub party: Party,
    pub kind: NotificationKind,
    pub locale: Locale,
}

fn invalid() -> Error {
    Error::invalid_field("token", "is not an unsubscribe link of this portal (copy the whole link from the email)")
}

impl Unsubscribe {
    pub fn token(&self, key: &CursorKey) -> String {
        let fields = [
            ("t", self.tenant.to_string()),
            ("p", self.party.to_string()),
            ("k", self.kind.as_str().to_owned()),
            ("l", self.locale.as_str().to_owned()),
        ];
        let at = Position { part: 0, key: fields.into_iter().map(|(k, v)| (k.to_owned(), v)).collect() };
        key.encode(PURPOSE, &at)
    }

    /// Opens a token this portal signed; anything else is a 400.
    pub fn open(key: &CursorKey, token: &str) -> Result<Self> {
        let at = key.decode(PURPOSE, token).map_err(|_| invalid())?;
        let field = |name: &str| at.key.get(name).map(String::as_str).ok_or_else(invalid);
        let kind: NotificationKind =
            serde_json::from_value(serde_json::Value::String(field("k")?.to_owned())).map_err(|_| invalid())?;
        Ok(Self {
            tenant: TenantId::from_verified(field("t")?).map_err(|_| invalid())?,
            party: Party::parse(field("p")?).ok_or_else(invalid)?,
            kind,
            locale: serde_json::from_value(serde_json::Value::String(field("l")?.to_owned())).unwrap_or_default(),
        })
    }

    /// The link for the email (`List-Unsubscribe` and the footer): `api_url` is the
    /// API's public address.
    pub fn url(&self, api_url: &str, key: &CursorKey) -> String {
        format!("{}{PATH}?token={}", api_url.trim_end_matches('/'), self.token(key))
    }

    /// The headers that make the link one-click for mail clients (RFC 8058 §3.1).
    pub fn headers(url: &str) -> Vec<(&'static str, String)> {
        vec![("List-Unsubscribe", format!("<{url}>")), ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click".into())]
    }
}

struct Words {
    confirm: &'static str,
    button: &'static str,
    done: &'static str,
    again: &'static str,
}

const EN: Words = Words {
    confirm: "Stop emails about {kind}?",
    button: "Stop these emails",
    done: "You will no longer receive emails about {kind}.",
    again:
        "Changed your mind? Members switch notifications on again under My profile in the portal; otherwise, ask us.",
};

const NL: Words = Words {
    confirm: "Geen e-mails meer over {kind}?",
    button: "Geen e-mails meer",
    done: "U ontvangt geen e-mails meer over {kind}.",
    again: "Toch weer ontvangen? Leden zetten meldingen weer aan onder Mijn profiel in het portaal; anders kunt u het ons vragen.",
};

#[derive(Template)]
#[template(path = "unsubscribe.html")]
struct PageHtml<'a> {
    locale: Locale,
    brand: &'a Brand,
    w: &'a Words,
    title: String,
    /// Where the confirming form posts (the confirmation page); none once done.
    action: Option<&'a str>,
}

/// The page a person sees: asking to confirm (`GET`, with the form that posts back to
/// `action`), or saying it is done (`POST`).
pub fn page(u: &Unsubscribe, brand: &Brand, action: Option<&str>) -> Result<String> {
    let w = match u.locale {
        Locale::En => &EN,
        Locale::Nl => &NL,
    };
    let kind = super::notice::kind_name(u.kind, u.locale);
    let title = if action.is_some() { w.confirm } else { w.done }.replace("{kind}", kind);
    Ok(PageHtml { locale: u.locale, brand, w, title, action }.render().context("rendering unsubscribe.html")?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u() -> Unsubscribe {
        Unsubscribe {
            tenant: TenantId::from_verified("ten_01JD8Z6V5Q2W3E4R5T6Y7A8B9C").unwrap(),
            party: Party::parse("mem_01JD8Z6V5Q2W3E4R5T6Y7A8B9H").unwrap(),
            kind: NotificationKind::Quotes,
            locale: Locale::Nl,
        }
    }

    #[test]
    fn a_token_opens_to_what_it_was_made_for_and_nothing_else() {
        let key = CursorKey::new("secret");
        let token = u().token(&key);
        assert_eq!(Unsubscribe::open(&key, &token).unwrap(), u());
        assert!(Unsubscribe::open(&CursorKey::new("other"), &token).is_err());
        // A paging cursor is not a token, and a token is not a cursor.
        let cursor = key.encode("customers", &Position::default());
        assert!(Unsubscribe::open(&key, &cursor).is_err());
        assert!(key.decode("customers", &token).is_err());
        let contact = Unsubscribe { party: Party::parse("con_01JD8Z6V5Q2W3E4R5T6Y7A8B9K").unwrap(), ..u() };
        assert!(matches!(Unsubscribe::open(&key, &contact.token(&key)).unwrap().party, Party::Contact(_)));
    }

    #[test]
    fn the_headers_make_the_link_one_click() {
        let url = u().url("https://api.example/", &CursorKey::new("s"));
        assert!(url.starts_with("https://api.example/mail/unsubscribe?token="));
        let headers = Unsubscribe::headers(&url);
        assert_eq!(headers[0], ("List-Unsubscribe", format!("<{url}>")));
        assert_eq!(headers[1], ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click".to_owned()));
    }

    #[test]
    fn the_page_asks_then_confirms_in_the_recipients_language() {
        let brand = Brand::platform();
        let ask = page(&u(), &brand, Some("/mail/unsubscribe?token=x")).unwrap();
        assert!(ask.contains("Geen e-mails meer over nieuwe offertes?") && ask.contains("method=\"post\""));
        assert!(ask.contains("name=\"List-Unsubscribe\" value=\"One-Click\""));
        let done = page(&Unsubscribe { locale: Locale::En, ..u() }, &brand, None).unwrap();
        assert!(done.contains("You will no longer receive emails about new quotes.") && !done.contains("<form"));
    }
}
