//! The email to a tenant's office staff when Portico pauses a webhook subscription that
//! has failed for days (`domain::webhook::PAUSE_AFTER_DAYS`).

use anyhow::Context as _;
use askama::Template;

use super::strings::Strings;
use super::{Brand, Rendered};
use crate::domain::text::Locale;
use crate::error::Result;

pub struct Paused<'a> {
    pub locale: Locale,
    pub brand: &'a Brand,
    pub url: &'a str,
    pub webhook_id: &'a str,
    pub days: i64,
}

impl Paused<'_> {
    /// A sentence with the subscription's details in place.
    pub fn intro(&self, sentence: &str) -> String {
        sentence.replace("{url}", self.url).replace("{days}", &self.days.to_string()).replace("{id}", self.webhook_id)
    }

    pub fn render(&self) -> Result<Rendered> {
        let t = Strings::of(self.locale);
        Ok(Rendered {
            subject: t.webhook_paused_subject.replace("{portal}", &self.brand.display_name),
            html: PausedHtml { t, m: self }.render().context("rendering webhook_paused.html")?,
            text: PausedText { t, m: self }.render().context("rendering webhook_paused.txt")?,
        })
    }
}

#[derive(Template)]
#[template(path = "webhook_paused.html")]
struct PausedHtml<'a> {
    t: &'a Strings,
    m: &'a Paused<'a>,
}

#[derive(Template)]
#[template(path = "webhook_paused.txt")]
struct PausedText<'a> {
    t: &'a Strings,
    m: &'a Paused<'a>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_admins_learn_which_subscription_stopped_why_and_how_to_resume_in_their_language() {
        let brand = Brand::platform();
        for (locale, word) in [(Locale::En, "paused"), (Locale::Nl, "gepauzeerd")] {
            let m = Paused { locale, brand: &brand, url: "https://erp.example.com/hook", webhook_id: "whk_1", days: 3 };
            let r = m.render().unwrap();
            assert!(r.subject.contains(word), "{}", r.subject);
            for body in [&r.text, &r.html] {
                assert!(body.contains("https://erp.example.com/hook") && body.contains("whk_1") && body.contains('3'));
                assert!(body.contains("/admin/events"), "the feed keeps every event");
                assert!(!body.contains("{url}") && !body.contains("{id}"));
            }
        }
    }
}
