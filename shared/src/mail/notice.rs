//! Notification emails: what each kind of news says, per language.

use anyhow::Context as _;
use askama::Template;

use super::{Brand, Rendered};
use crate::domain::job::JobStatus;
use crate::domain::mailing::NotificationKind;
use crate::domain::money::display;
use crate::domain::notification::About;
use crate::domain::tenant::Timestamp;
use crate::domain::text::Locale;
use crate::domain::work_request::RequestStatus;
use crate::error::Result;

/// One notification email to one recipient.
pub struct Notice<'a> {
    pub about: &'a About,
    pub locale: Locale,
    pub brand: &'a Brand,
    pub first_name: &'a str,
    /// The site's name, when the news is about something at a site.
    pub site_name: Option<&'a str>,
    /// The tenant's portal address (`branding.portal_url`): the deep link's base.
    pub portal_url: Option<&'a str>,
    /// The one-click unsubscribe address for this recipient and kind (RFC 8058).
    pub unsubscribe_url: Option<&'a str>,
}

/// The words around the facts, per language.
struct Words {
    hello: &'static str,
    open: &'static str,
    reference: &'static str,
    site: &'static str,
    status: &'static str,
    total: &'static str,
    due: &'static str,
    valid_until: &'static str,
    reason: &'static str,
    unsubscribe: &'static str,
    why: &'static str,
}

const EN: Words = Words {
    hello: "Hello",
    open: "Open in the portal",
    reference: "Reference",
    site: "Site",
    status: "Status",
    total: "Total",
    due: "Due",
    valid_until: "Valid until",
    reason: "Reason",
    unsubscribe: "Stop these emails",
    why: "You receive this email because notifications about {kind} are switched on for you in the {portal} portal.",
};

const NL: Words = Words {
    hello: "Hallo",
    open: "Bekijk in het portaal",
    reference: "Referentie",
    site: "Locatie",
    status: "Status",
    total: "Totaal",
    due: "Vervaldatum",
    valid_until: "Geldig tot",
    reason: "Reden",
    unsubscribe: "Geen e-mails meer hierover",
    why: "U ontvangt deze e-mail omdat meldingen over {kind} voor u zijn ingeschakeld in het {portal}-portaal.",
};

fn words(locale: Locale) -> &'static Words {
    match locale {
        Locale::En => &EN,
        Locale::Nl => &NL,
    }
}

/// The name of a kind in a sentence ("notifications about …").
pub fn kind_name(kind: NotificationKind, locale: Locale) -> &'static str {
    use NotificationKind::*;
    match (locale, kind) {
        (Locale::En, JobStatus) => "job status changes",
        (Locale::En, JobsCompleted) => "completed jobs",
        (Locale::En, WorkRequests) => "your work requests",
        (Locale::En, Quotes) => "new quotes",
        (Locale::En, Invoices) => "new invoices",
        (Locale::En, Messages) => "portal messages",
        (Locale::En, Payments) => "receipts for your payments",
        (Locale::Nl, JobStatus) => "statuswijzigingen van opdrachten",
        (Locale::Nl, JobsCompleted) => "afgeronde opdrachten",
        (Locale::Nl, WorkRequests) => "uw werkaanvragen",
        (Locale::Nl, Quotes) => "nieuwe offertes",
        (Locale::Nl, Invoices) => "nieuwe facturen",
        (Locale::Nl, Messages) => "portaalberichten",
        (Locale::Nl, Payments) => "bewijzen van uw betalingen",
    }
}

fn status_name(status: JobStatus, locale: Locale) -> &'static str {
    use JobStatus::*;
    match (locale, status) {
        (Locale::En, Unassigned) => "unassigned",
        (Locale::En, Assigned) => "assigned",
        (Locale::En, Scheduled) => "scheduled",
        (Locale::En, InProgress) => "in progress",
        (Locale::En, Pending) => "pending",
        (Locale::En, Completed) => "completed",
        (Locale::En, Cancelled) => "cancelled",
        (Locale::Nl, Unassigned) => "niet toegewezen",
        (Locale::Nl, Assigned) => "toegewezen",
        (Locale::Nl, Scheduled) => "ingepland",
        (Locale::Nl, InProgress) => "in uitvoering",
        (Locale::Nl, Pending) => "in afwachting",
        (Locale::Nl, Completed) => "afgerond",
        (Locale::Nl, Cancelled) => "geannuleerd",
    }
}

fn date(t: Timestamp) -> String {
    t.day().to_string()
}

/// What the email says: subject, first paragraph, facts, and a longer text if any.
struct Said {
    subject: String,
    intro: String,
    facts: Vec<(&'static str, String)>,
    text: Option<String>,
}

fn say(about: &About, l: Locale, w: &Words) -> Said {
    let nl = l == Locale::Nl;
    let mut facts = Vec::new();
    let (subject, intro, text) = match about {
        About::JobStatus { job, from } => {
            let (from, to) = (status_name(*from, l), status_name(job.status, l));
            facts.push((w.reference, job.external_ref.to_string()));
            facts.push((w.status, format!("{from} → {to}")));
            let subject = if nl {
                format!("Opdracht {} is nu {to}", job.external_ref)
            } else {
                format!("Job {} is now {to}", job.external_ref)
            };
            let intro = if nl {
                format!("De status van opdracht {} is gewijzigd van {from} naar {to}.", job.external_ref)
            } else {
                format!("The status of job {} changed from {from} to {to}.", job.external_ref)
            };
            (subject, intro, job.description.as_ref().map(|d| d.to_string()))
        }
        About::JobCompleted { job } => {
            facts.push((w.reference, job.external_ref.to_string()));
            if let Some(at) = job.completed_at {
                facts.push((if nl { "Afgerond op" } else { "Completed on" }, date(at)));
            }
            let subject = if nl {
                format!("Opdracht {} is afgerond", job.external_ref)
            } else {
                format!("Job {} has been completed", job.external_ref)
            };
            let intro = if nl {
                "De opdracht is afgerond. Werkbonnen en bijlagen staan in het portaal.".to_owned()
            } else {
                "The job has been completed. Its work forms and attachments are in the portal.".to_owned()
            };
            (subject, intro, job.description.as_ref().map(|d| d.to_string()))
        }
        About::WorkRequest { request } => {
            let accepted = request.status == RequestStatus::Accepted;
            let subject = match (nl, accepted) {
                (false, true) => format!("Your work request \"{}\" was accepted", request.subject),
                (false, false) => format!("Your work request \"{}\" was declined", request.subject),
                (true, true) => format!("Uw werkaanvraag \"{}\" is geaccepteerd", request.subject),
                (true, false) => format!("Uw werkaanvraag \"{}\" is afgewezen", request.subject),
            };
            let intro = match (nl, accepted) {
                (false, true) => "We have accepted your request and planned it as a job.",
                (false, false) => "We cannot take on your request as it is.",
                (true, true) => "We hebben uw aanvraag geaccepteerd en als opdracht ingepland.",
                (true, false) => "We kunnen uw aanvraag zo niet aannemen.",
            };
            if let Some(reason) = &request.decline_reason {
                facts.push((w.reason, reason.to_string()));
            }
            (subject, intro.to_owned(), None)
        }
        About::Quote { quote } => {
            facts.push((w.reference, quote.external_ref.to_string()));
            facts.push((w.total, display(quote.total, &quote.currency, l)));
            if let Some(until) = quote.valid_until {
                facts.push((w.valid_until, date(until)));
            }
            let subject = if nl {
                format!("Nieuwe offerte {} ter goedkeuring: {}", quote.external_ref, quote.title)
            } else {
                format!("New quote {} to approve: {}", quote.external_ref, quote.title)
            };
            let intro = if nl {
                "Er staat een nieuwe offerte voor u klaar. U kunt hem in het portaal bekijken en goedkeuren of afwijzen."
            } else {
                "A new quote is waiting for you. You can review it in the portal and approve or reject it."
            };
            (subject, intro.to_owned(), None)
        }
        About::Invoice { invoice } => {
            facts.push((w.reference, invoice.number.to_string()));
            facts.push((w.total, display(invoice.total, &invoice.currency, l)));
            facts.push((w.due, date(invoice.due_at)));
            let subject = if nl {
                format!("Nieuwe factuur {}", invoice.number)
            } else {
                format!("New invoice {}", invoice.number)
            };
            let intro = if nl {
                "Er staat een nieuwe factuur voor u klaar in het portaal."
            } else {
                "A new invoice is ready for you in the portal."
            };
            (subject, intro.to_owned(), None)
        }
        About::Payment { payment } => {
            let amount = display(payment.amount, &payment.currency, l);
            let numbers: Vec<String> = payment.lines.iter().map(|i| i.number.to_string()).collect();
            facts.push((w.total, amount.clone()));
            facts.push((if nl { "Facturen" } else { "Invoices" }, numbers.join(", ")));
            let subject =
                if nl { format!("Betaling ontvangen: {amount}") } else { format!("Payment received: {amount}") };
            let intro = if nl {
                "Dank u: uw betaling is ontvangen. De facturen staan in het portaal als betaald."
            } else {
                "Thank you: your payment has been received. The invoices show as paid in the portal."
            };
            (subject, intro.to_owned(), None)
        }
        About::Message { message } => {
            let intro = if message.requires_ack {
                if nl {
                    "Een nieuw bericht; bevestig in het portaal dat u het gelezen heeft."
                } else {
                    "A new message; please confirm in the portal that you have read it."
                }
            } else if nl {
                "Een nieuw bericht in het portaal."
            } else {
                "A new message in the portal."
            };
            (message.title.to_string(), intro.to_owned(), Some(message.body.to_string()))
        }
    };
    Said { subject, intro, facts, text }
}

#[derive(Template)]
#[template(path = "notification.html")]
struct Html<'a> {
    w: &'a Words,
    n: &'a Notice<'a>,
    said: &'a Said,
    link: Option<&'a str>,
    why: &'a str,
}

#[derive(Template)]
#[template(path = "notification.txt")]
struct Text<'a> {
    w: &'a Words,
    n: &'a Notice<'a>,
    said: &'a Said,
    link: Option<&'a str>,
    why: &'a str,
}

impl Notice<'_> {
    /// The deep link to the object in the portal (none until the tenant sets its portal
    /// address).
    pub fn link(&self) -> Option<String> {
        self.portal_url.map(|u| format!("{}/{}", u.trim_end_matches('/'), self.about.portal_path()))
    }

    pub fn render(&self) -> Result<Rendered> {
        let w = words(self.locale);
        let mut said = say(self.about, self.locale, w);
        if let Some(site) = self.site_name {
            said.facts.insert(1.min(said.facts.len()), (w.site, site.to_owned()));
        }
        let why = w
            .why
            .replace("{kind}", kind_name(self.about.kind(), self.locale))
            .replace("{portal}", &self.brand.display_name);
        let link = self.link();
        let link = link.as_deref();
        Ok(Rendered {
            subject: format!("{}: {}", self.brand.display_name, said.subject),
            html: Html { w, n: self, said: &said, link, why: &why }.render().context("rendering notification.html")?,
            text: Text { w, n: self, said: &said, link, why: &why }.render().context("rendering notification.txt")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::hierarchy::CustomerPath;
    use crate::domain::ids::{CustomerId, SiteId};
    use crate::domain::invoice::{Invoice, InvoiceInput};
    use crate::domain::text::ExternalRef;

    fn invoice(currency: &str, total: i64) -> About {
        let input: InvoiceInput = serde_json::from_value(serde_json::json!({
            "customer_id": CustomerId::generate(), "site_id": SiteId::generate(), "number": "2026-7",
            "issued_at": "2026-11-01T00:00:00Z", "due_at": "2026-12-01T00:00:00Z", "currency": currency,
            "total": total,
        }))
        .unwrap();
        let root = CustomerPath::root(CustomerId::generate());
        About::Invoice { invoice: Box::new(Invoice::create(ExternalRef::parse("I-7").unwrap(), input, root, None)) }
    }

    fn text(about: &About, locale: Locale) -> String {
        let brand =
            Brand { display_name: "Acme".into(), primary_color: "#0b5fff".into(), logo_url: None, reply_to: None };
        let notice = Notice {
            about,
            locale,
            brand: &brand,
            first_name: "Ann",
            site_name: None,
            portal_url: None,
            unsubscribe_url: None,
        };
        notice.render().unwrap().text
    }

    #[test]
    fn an_amount_is_written_by_its_currency_in_the_readers_language() {
        let yen = invoice("JPY", 1500);
        assert!(text(&yen, Locale::En).contains("JP¥1,500"), "{}", text(&yen, Locale::En));
        assert!(text(&yen, Locale::Nl).contains("JP¥\u{a0}1.500"), "{}", text(&yen, Locale::Nl));
        let euro = invoice("EUR", 123_450);
        assert!(text(&euro, Locale::En).contains("€1,234.50"), "{}", text(&euro, Locale::En));
        assert!(text(&euro, Locale::Nl).contains("€\u{a0}1.234,50"), "{}", text(&euro, Locale::Nl));
        let dinar = invoice("KWD", 1500);
        assert!(text(&dinar, Locale::En).contains("KWD\u{a0}1.500"), "{}", text(&dinar, Locale::En));
    }
}
