//! Email: rendered in Rust from compile-checked templates (HTML + text), in the
//! recipient's language, branded per tenant, sent through SES.
//!
//! Mail is sent from the platform's verified sender address with the tenant's display
//! name; replies go to the tenant's own address once it is confirmed ([`reply_to`]).
//! Bodies are never logged.

pub mod feedback;
pub mod notice;
pub mod reply_to;
mod strings;
pub mod unsubscribe;
pub mod webhook_paused;

use anyhow::Context as _;
use askama::Template;
use aws_sdk_sesv2::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_sesv2::types::{Body, Content, Destination, EmailContent, Message, MessageHeader, MessageTag};
use aws_sdk_sesv2::Client;

use self::strings::Strings;
use crate::domain::text::{Email, Locale};
use crate::error::Result;

/// A rendered email.
pub struct Rendered {
    pub subject: String,
    pub html: String,
    pub text: String,
}

/// Tenant branding used in an email.
#[derive(Debug, Clone)]
pub struct Brand {
    pub display_name: String,
    pub primary_color: String,
    pub logo_url: Option<String>,
    pub reply_to: Option<Email>,
}

impl Brand {
    pub const DEFAULT_COLOR: &'static str = "#0b5fff";

    /// For users of no tenant (platform operators).
    pub fn platform() -> Self {
        Self {
            display_name: "Portico".into(),
            primary_color: Self::DEFAULT_COLOR.into(),
            logo_url: None,
            reply_to: None,
        }
    }

    /// The tenant's branding from its portal settings.
    pub fn of(settings: &crate::domain::settings::Settings) -> Self {
        let b = &settings.branding;
        Self {
            display_name: b.display_name.to_string(),
            primary_color: b.primary_color.as_ref().map_or(Self::DEFAULT_COLOR.to_owned(), |c| c.to_string()),
            logo_url: b.logo_url.as_ref().map(|u| u.to_string()),
            reply_to: b.reply_to().cloned(),
        }
    }
}

/// The credentials email (an invitation, or new credentials): the portal link, the sign-in name
/// and a temporary password, plus the admin's personal message.
pub struct Invitation<'a> {
    pub locale: Locale,
    pub brand: &'a Brand,
    pub first_name: &'a str,
    pub portal_url: &'a str,
    pub username: &'a str,
    pub temporary_password: &'a str,
    pub message: Option<&'a str>,
    /// True for a tenant's first admin (the wording differs).
    pub as_admin: bool,
}

#[derive(Template)]
#[template(path = "invitation.html")]
struct InvitationHtml<'a> {
    t: &'a Strings,
    i: &'a Invitation<'a>,
}

#[derive(Template)]
#[template(path = "invitation.txt")]
struct InvitationText<'a> {
    t: &'a Strings,
    i: &'a Invitation<'a>,
}

impl Invitation<'_> {
    pub fn render(&self) -> Result<Rendered> {
        let t = Strings::of(self.locale);
        let subject = if self.as_admin { t.admin_subject } else { t.invite_subject };
        Ok(Rendered {
            subject: subject.replace("{portal}", &self.brand.display_name),
            html: InvitationHtml { t, i: self }.render().context("rendering invitation.html")?,
            text: InvitationText { t, i: self }.render().context("rendering invitation.txt")?,
        })
    }
}

/// The message Cognito sends with a verification code (forgot password, admin reset),
/// branded through the CustomMessage trigger. `code` is Cognito's placeholder (`{####}`),
/// which Cognito replaces after the trigger returns.
pub struct CodeMessage<'a> {
    pub locale: Locale,
    pub brand: &'a Brand,
    pub first_name: &'a str,
    pub code: &'a str,
}

#[derive(Template)]
#[template(path = "code.html")]
struct CodeHtml<'a> {
    t: &'a Strings,
    m: &'a CodeMessage<'a>,
}

impl CodeMessage<'_> {
    /// Subject and HTML body (Cognito sends one part).
    pub fn render(&self) -> Result<(String, String)> {
        let t = Strings::of(self.locale);
        let subject = t.code_subject.replace("{portal}", &self.brand.display_name);
        Ok((subject, CodeHtml { t, m: self }.render().context("rendering code.html")?))
    }
}

#[derive(Clone)]
pub struct Mailer {
    ses: Client,
    /// The platform's verified sender address.
    from: String,
}

impl Mailer {
    pub fn new(ses: Client, from: impl Into<String>) -> Self {
        Self { ses, from: from.into() }
    }

    /// Sends one email. The body is not logged; only that it went, and to how many.
    #[tracing::instrument(skip_all)]
    pub async fn send(&self, brand: &Brand, to: &Email, mail: Rendered) -> Result<()> {
        self.send_with(brand, to, mail, &Extras::default()).await.map_err(|e| anyhow::anyhow!(e.reason).into())
    }

    /// Sends one email with headers and tags, telling a failure worth retrying
    /// (throttling, SES or the network failing) from one that is not (the message or
    /// the address refused).
    pub async fn send_with(
        &self,
        brand: &Brand,
        to: &Email,
        mail: Rendered,
        extras: &Extras,
    ) -> std::result::Result<(), SendError> {
        let built = (|| -> anyhow::Result<Message> {
            let content = |s: String| Content::builder().data(s).charset("UTF-8").build().context("email content");
            let mut message = Message::builder()
                .subject(content(mail.subject)?)
                .body(Body::builder().html(content(mail.html)?).text(content(mail.text)?).build());
            for (name, value) in &extras.headers {
                message = message.headers(MessageHeader::builder().name(*name).value(value).build()?);
            }
            Ok(message.build())
        })();
        let message = built.map_err(|e| SendError { transient: false, reason: format!("{e:#}") })?;
        let tags = extras
            .tags
            .iter()
            .map(|(name, value)| MessageTag::builder().name(*name).value(value).build())
            .collect::<std::result::Result<Vec<_>, _>>()
            .map_err(|e| SendError { transient: false, reason: e.to_string() })?;
        let from = from_mailbox(&brand.display_name, &self.from)
            .map_err(|e| SendError { transient: false, reason: format!("{e:#}") })?;
        let sent = self
            .ses
            .send_email()
            .from_email_address(from)
            .destination(Destination::builder().to_addresses(to.as_str()).build())
            .set_reply_to_addresses(brand.reply_to.as_ref().map(|r| vec![r.as_str().to_owned()]))
            .set_configuration_set_name(extras.configuration_set.clone())
            .set_email_tags((!tags.is_empty()).then_some(tags))
            .content(EmailContent::builder().simple(message).build())
            .send()
            .await;
        match sent {
            Ok(_) => {
                crate::observability::metric("EmailsSent", 1.0, "Count");
                tracing::info!(recipients = 1, "email sent");
                Ok(())
            }
            Err(e) => {
                crate::observability::metric("EmailsFailed", 1.0, "Count");
                let failure = SendError::of(&e);
                tracing::warn!(transient = failure.transient, reason = %failure.reason, "email not sent");
                Err(failure)
            }
        }
    }
}

/// The From mailbox: the tenant's name as the display name, the platform's verified
/// address as the address. The name is encoded as RFC 5322 wants it — as it is, as a
/// quoted string (quotes and backslashes escaped), or, when not ASCII, as RFC 2047
/// encoded words, which SES requires of a non-ASCII sender name — by lettre's encoder,
/// and unfolded onto one line (SES takes the value, not a header line). Whatever the
/// name holds, the address is the one in angle brackets at the end.
pub fn from_mailbox(display_name: &str, address: &str) -> anyhow::Result<String> {
    use email_encoding::headers::{quoted_string, writer::EmailWriter};
    let name = sender_name(display_name);
    if name.is_empty() {
        return Ok(address.to_owned());
    }
    let mut encoded = String::new();
    quoted_string::encode(&name, &mut EmailWriter::new(&mut encoded, "From: ".len(), 0, false))
        .map_err(|_| anyhow::anyhow!("encoding the sender name"))?;
    // Unfolding (RFC 5322 §2.2.3): the encoder folds long names with CRLF + space.
    Ok(format!("{} <{address}>", encoded.replace("\r\n", "")))
}

/// What of a tenant's name may stand in From: no control characters, and none of the
/// characters that make a name read as an address (`<`, `>`, `@`: `Acme
/// <billing@bank.example>` would show a sender that is not there); runs of spaces left
/// by them become one.
fn sender_name(display_name: &str) -> String {
    let kept: String =
        display_name.chars().map(|c| if c.is_control() || matches!(c, '<' | '>' | '@') { ' ' } else { c }).collect();
    kept.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Headers and tags for one email, and the SES configuration set that publishes its
/// bounces and complaints.
#[derive(Debug, Default, Clone)]
pub struct Extras {
    pub headers: Vec<(&'static str, String)>,
    pub tags: Vec<(&'static str, String)>,
    pub configuration_set: Option<String>,
}

/// Why an email was not sent, and whether trying again may help.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SendError {
    pub transient: bool,
    pub reason: String,
}

impl std::fmt::Display for SendError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.reason)
    }
}

impl SendError {
    /// SES's answer as retry-worthy or not: throttling, quotas that refill, SES's own
    /// failures (5xx) and anything that never got an answer (timeouts, connections) may
    /// pass on a later try; a refused message or address (other 4xx) will not.
    fn of<E: ProvideErrorMetadata + std::error::Error + 'static>(
        e: &SdkError<E, aws_smithy_runtime_api::client::orchestrator::HttpResponse>,
    ) -> Self {
        const TRANSIENT: [&str; 5] = [
            "TooManyRequestsException",
            "LimitExceededException",
            "SendingPausedException",
            "ThrottlingException",
            "InternalFailure",
        ];
        match e {
            SdkError::ServiceError(se) => {
                let code = se.err().code().unwrap_or("Unknown").to_owned();
                let status = se.raw().status().as_u16();
                let transient = status >= 500 || status == 429 || TRANSIENT.contains(&code.as_str());
                let message = se.err().message().unwrap_or_default();
                Self { transient, reason: format!("{code} ({status}): {message}") }
            }
            SdkError::ResponseError(_) => Self { transient: true, reason: "unreadable response from SES".into() },
            SdkError::TimeoutError(_) => Self { transient: true, reason: "SES did not answer in time".into() },
            SdkError::DispatchFailure(_) => Self { transient: true, reason: "could not reach SES".into() },
            other => Self { transient: false, reason: format!("{other}") },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn brand() -> Brand {
        Brand { display_name: "Acme <Service>".into(), primary_color: "#0b5fff".into(), logo_url: None, reply_to: None }
    }

    fn invitation<'a>(brand: &'a Brand, locale: Locale, message: Option<&'a str>) -> Invitation<'a> {
        Invitation {
            locale,
            brand,
            first_name: "Ann",
            portal_url: "https://portal.acme.test",
            username: "ann@example.com",
            temporary_password: "Tmp-Pass-1234!x",
            message,
            as_admin: false,
        }
    }

    const FROM: &str = "noreply@portico.test";

    /// The address a mail client takes from a From value: what the last `<…>` holds, and
    /// the display name before it (`None` when the value has more than one `<` or `>`).
    fn address_of(from: &str) -> Option<&str> {
        let (name, rest) = from.rsplit_once(" <")?;
        let address = rest.strip_suffix('>')?;
        (!name.contains(['<', '>']) && !address.contains(['<', '>'])).then_some(address)
    }

    /// The display name as a mail client decodes it (quoted string or RFC 2047 words).
    fn decoded_name(from: &str) -> String {
        use base64::Engine as _;
        let name = from.rsplit_once(" <").unwrap().0;
        if let Some(quoted) = name.strip_prefix('"').and_then(|n| n.strip_suffix('"')) {
            return quoted.replace("\\\"", "\"").replace("\\\\", "\\");
        }
        if !name.starts_with("=?") {
            return name.to_owned();
        }
        let bytes: Vec<u8> = name
            .split(' ')
            .flat_map(|word| {
                let b64 = word.strip_prefix("=?utf-8?b?").and_then(|w| w.strip_suffix("?=")).expect("an encoded word");
                assert!(word.len() <= 75, "RFC 2047: an encoded word is at most 75 characters: {word}");
                base64::engine::general_purpose::STANDARD.decode(b64).unwrap()
            })
            .collect();
        String::from_utf8(bytes).unwrap()
    }

    #[test]
    fn a_display_name_cannot_name_another_sender() {
        for name in [
            "Acme\" <ceo@bank.example>",
            "Acme <ceo@bank.example>, \"Other\"",
            "\"Support\" <support@bank.example>",
            "x\r\nBcc: victim@example.com",
            "=?utf-8?b?PGNlb0BiYW5rLmV4YW1wbGU+?=",
        ] {
            let from = from_mailbox(name, FROM).unwrap();
            assert_eq!(address_of(&from), Some(FROM), "{name:?} gave {from:?}");
            assert!(!from.contains(['\r', '\n']), "{from:?}");
            let shown = decoded_name(&from);
            assert!(!shown.contains(['<', '>', '@']), "{name:?} shows as {shown:?}");
        }
    }

    #[test]
    fn display_names_are_quoted_or_encoded_as_rfc_5322_and_2047_want() {
        assert_eq!(from_mailbox("Acme", FROM).unwrap(), "Acme <noreply@portico.test>");
        assert_eq!(from_mailbox("Acme Service", FROM).unwrap(), "\"Acme Service\" <noreply@portico.test>");
        assert_eq!(
            from_mailbox("Acme \"Best\" Service", FROM).unwrap(),
            "\"Acme \\\"Best\\\" Service\" <noreply@portico.test>"
        );
        assert_eq!(decoded_name(&from_mailbox("Acme \"Best\" Service", FROM).unwrap()), "Acme \"Best\" Service");
        // Not ASCII: encoded words, which SES requires, each within 75 characters.
        let from = from_mailbox("Installatiebedrijf Müller & Zn.", FROM).unwrap();
        assert!(from.starts_with("=?utf-8?b?"), "{from}");
        assert_eq!(decoded_name(&from), "Installatiebedrijf Müller & Zn.");
        let long = "Ünïcödé Service ".repeat(12);
        let from = from_mailbox(&long, FROM).unwrap();
        assert!(!from.contains(['\r', '\n']), "one line: {from}");
        assert_eq!(decoded_name(&from), long.trim());
        assert_eq!(address_of(&from), Some(FROM));
        // Nothing left of a name: the address alone.
        assert_eq!(from_mailbox("<>", FROM).unwrap(), FROM);
    }

    #[test]
    fn the_invitation_carries_link_login_and_password_in_both_parts() {
        let b = brand();
        let mail = invitation(&b, Locale::En, None).render().unwrap();
        for part in [&mail.html, &mail.text] {
            assert!(part.contains("https://portal.acme.test"));
            assert!(part.contains("ann@example.com"));
            assert!(part.contains("Tmp-Pass-1234!x"));
        }
        assert!(mail.subject.contains("Acme <Service>"));
    }

    #[test]
    fn the_code_message_keeps_cognitos_placeholder_and_the_brand() {
        let b = brand();
        let (subject, html) =
            CodeMessage { locale: Locale::Nl, brand: &b, first_name: "Ann", code: "{####}" }.render().unwrap();
        assert!(html.contains("{####}"));
        assert!(html.contains("nieuw wachtwoord"));
        assert!(subject.contains("Acme <Service>"));
    }

    #[test]
    fn the_invitation_is_written_in_the_recipients_language() {
        let b = brand();
        let en = invitation(&b, Locale::En, None).render().unwrap();
        let nl = invitation(&b, Locale::Nl, None).render().unwrap();
        assert!(en.text.contains("Welcome"));
        assert!(nl.text.contains("Welkom"));
        assert_ne!(en.subject, nl.subject);
    }

    #[test]
    fn the_admins_message_is_included_and_escaped_in_html() {
        let b = brand();
        let mail = invitation(&b, Locale::En, Some("See you <b>Monday</b>")).render().unwrap();
        assert!(mail.text.contains("See you <b>Monday</b>"));
        assert!(
            mail.html.contains("See you &#60;b&#62;Monday&#60;/b&#62;")
                || mail.html.contains("See you &lt;b&gt;Monday&lt;/b&gt;")
        );
        assert!(!mail.html.contains("Acme <Service>"));
    }
}
