//! The tenant's reply address (`branding.sender_email`, the Reply-To of every email
//! Portico sends for the tenant) is used only once someone reading that mailbox has
//! confirmed it: Portico mails the address a code, and an admin of the tenant enters it
//! (`POST /admin/settings/sender-email/confirm`). Until then no Reply-To is set — an
//! admin cannot make members' replies go to an address the tenant does not hold.
//!
//! The code is not stored: it is an HMAC, under the cursor secret (for a purpose of its
//! own), of the tenant, the address and the day it was issued — ten base32 characters
//! (50 bits), accepted on that day and the next. Another address, another tenant or an
//! older day gives another code; a new code does not undo an earlier one.

use anyhow::Context as _;
use askama::Template;

use super::strings::Strings;
use super::{Brand, Rendered};
use crate::domain::ids::TenantId;
use crate::domain::tenant::Timestamp;
use crate::domain::text::{Email, Locale};
use crate::error::Result;
use crate::store::cursor::CursorKey;

/// What the codes are for (the secret also signs cursors and unsubscribe links).
const PURPOSE: &str = "reply-to";
/// Days a code is accepted: the day it was issued and the next.
pub const CODE_DAYS: i64 = 2;
/// RFC 4648's base32 alphabet: letters and 2–7, no 0 or 1 to take for O or I.
const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

fn day_of(at: Timestamp) -> i64 {
    at.unix_timestamp().div_euclid(86_400)
}

/// The code for `email` of `tenant` issued on `day` (days since 1970), as `ABCDE-FGHIJ`.
fn code_of(key: &CursorKey, tenant: TenantId, email: &Email, day: i64) -> String {
    let digest = key.digest(PURPOSE, &[&tenant.to_string(), email.as_str(), &day.to_string()]);
    let bits = digest[..8].iter().fold(0u64, |acc, b| acc << 8 | u64::from(*b));
    let mut code = String::with_capacity(11);
    for i in 0..10 {
        if i == 5 {
            code.push('-');
        }
        code.push(ALPHABET[((bits >> (59 - 5 * i)) & 31) as usize] as char);
    }
    code
}

/// A code to mail now, and when it stops being accepted.
pub fn issue(key: &CursorKey, tenant: TenantId, email: &Email, now: Timestamp) -> (String, Timestamp) {
    let day = day_of(now);
    let until = Timestamp::from_unix((day + CODE_DAYS) * 86_400).unwrap_or(now);
    (code_of(key, tenant, email, day), until)
}

/// Whether `entered` is a code issued for `email` of `tenant` within the last
/// [`CODE_DAYS`] days (spaces, dashes and case do not matter).
pub fn confirms(key: &CursorKey, tenant: TenantId, email: &Email, entered: &str, now: Timestamp) -> bool {
    let entered: Vec<u8> =
        entered.bytes().filter(|b| !matches!(b, b'-' | b' ')).map(|b| b.to_ascii_uppercase()).collect();
    let today = day_of(now);
    (0..CODE_DAYS).any(|back| {
        let code: Vec<u8> = code_of(key, tenant, email, today - back).bytes().filter(|b| *b != b'-').collect();
        // The same time whatever the input: a code is not found character by character.
        code.len() == entered.len() && code.iter().zip(&entered).fold(0u8, |acc, (a, b)| acc | (a ^ b)) == 0
    })
}

/// The email with the code, to the address to confirm.
pub struct Confirmation<'a> {
    pub locale: Locale,
    pub brand: &'a Brand,
    pub email: &'a str,
    pub code: &'a str,
    /// When the code stops working, as the email shows it (UTC).
    pub valid_until: &'a str,
}

#[derive(Template)]
#[template(path = "reply_to.html")]
struct ConfirmationHtml<'a> {
    t: &'a Strings,
    m: &'a Confirmation<'a>,
}

#[derive(Template)]
#[template(path = "reply_to.txt")]
struct ConfirmationText<'a> {
    t: &'a Strings,
    m: &'a Confirmation<'a>,
}

impl Confirmation<'_> {
    pub fn render(&self) -> Result<Rendered> {
        let t = Strings::of(self.locale);
        Ok(Rendered {
            subject: t.reply_to_subject.replace("{portal}", &self.brand.display_name),
            html: ConfirmationHtml { t, m: self }.render().context("rendering reply_to.html")?,
            text: ConfirmationText { t, m: self }.render().context("rendering reply_to.txt")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(s: &str) -> Timestamp {
        Timestamp::parse(s).unwrap()
    }

    fn email(s: &str) -> Email {
        Email::parse(s).unwrap()
    }

    #[test]
    fn a_code_confirms_its_address_of_its_tenant_for_two_days() {
        let key = CursorKey::new("secret");
        let (tenant, office) = (TenantId::generate(), email("office@acme.test"));
        let issued = at("2026-11-23T23:59:00Z");
        let (code, until) = issue(&key, tenant, &office, issued);
        assert_eq!(until, at("2026-11-25T00:00:00Z"));
        assert!(code.len() == 11 && code.as_bytes()[5] == b'-', "{code}");
        assert!(code.bytes().filter(|b| *b != b'-').all(|b| ALPHABET.contains(&b)), "{code}");
        for now in [issued, at("2026-11-24T23:59:00Z")] {
            assert!(confirms(&key, tenant, &office, &code, now), "{now}");
        }
        assert!(!confirms(&key, tenant, &office, &code, until), "expired");
        // Typed loosely, still the code.
        assert!(confirms(&key, tenant, &office, &code.to_lowercase().replace('-', " "), issued));
    }

    #[test]
    fn a_code_does_not_confirm_another_address_tenant_or_secret() {
        let key = CursorKey::new("secret");
        let (tenant, office) = (TenantId::generate(), email("office@acme.test"));
        let now = at("2026-11-23T10:00:00Z");
        let (code, _) = issue(&key, tenant, &office, now);
        assert!(!confirms(&key, tenant, &email("other@acme.test"), &code, now));
        assert!(!confirms(&key, TenantId::generate(), &office, &code, now));
        assert!(!confirms(&CursorKey::new("another"), tenant, &office, &code, now));
        for wrong in ["", "AAAAA-AAAAA", &code[..10], &format!("{code}A")] {
            assert!(!confirms(&key, tenant, &office, wrong, now), "{wrong:?}");
        }
    }

    #[test]
    fn the_email_names_the_address_and_carries_the_code_in_both_parts() {
        let brand = Brand::platform();
        let mail = Confirmation {
            locale: Locale::Nl,
            brand: &brand,
            email: "office@acme.test",
            code: "ABCDE-FGHIJ",
            valid_until: "2026-11-25 00:00 UTC",
        }
        .render()
        .unwrap();
        for part in [&mail.html, &mail.text] {
            assert!(part.contains("ABCDE-FGHIJ") && part.contains("office@acme.test"), "{part}");
        }
        assert!(mail.subject.contains("Portico"));
    }
}
