//! The emails sent through the local SES, as moto records them.

use anyhow::Context as _;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
pub struct Mail {
    pub id: String,
    pub source: String,
    pub subject: String,
    /// The HTML part when the message has one (moto keeps one part).
    pub body: String,
    pub destinations: Destinations,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Destinations {
    #[serde(rename = "ToAddresses", default)]
    pub to: Vec<String>,
}

impl Mail {
    /// The temporary password of an invitation (`<code>…</code>` in the HTML part).
    pub fn temporary_password(&self) -> Option<&str> {
        let start = self.body.find("<code>")? + "<code>".len();
        let len = self.body[start..].find("</code>")?;
        Some(&self.body[start..start + len])
    }

    /// The reply-address code of a confirmation email (`ABCDE-FGHIJ`, base32).
    pub fn reply_to_code(&self) -> Option<&str> {
        let base32 = |c: char| c.is_ascii_uppercase() || ('2'..='7').contains(&c);
        self.body.char_indices().find_map(|(i, _)| {
            let code = self.body.get(i..i + 11)?;
            let (a, b) = code.split_at(5);
            (b.starts_with('-') && a.chars().all(base32) && b[1..].chars().all(base32)).then_some(code)
        })
    }
}

#[derive(Deserialize)]
struct Data {
    ses: Ses,
}

#[derive(Deserialize)]
struct Ses {
    #[serde(rename = "Message", default)]
    messages: Vec<Mail>,
}

/// Every email sent through the endpoint, oldest first.
///
/// moto serialises its whole state for this call and can fail with a 500 while other
/// clients write at the same moment; the read is retried a bounded number of times.
pub async fn all(endpoint: &str) -> anyhow::Result<Vec<Mail>> {
    let url = format!("{endpoint}/moto-api/data.json");
    let mut last = None;
    for attempt in 0..10u64 {
        let res = reqwest::get(&url).await.context("reading moto's data")?;
        if res.status().is_server_error() {
            last = Some(res.status());
            tokio::time::sleep(std::time::Duration::from_millis(50 * (attempt + 1))).await;
            continue;
        }
        let data: Data = res.error_for_status()?.json().await.context("decoding moto's data")?;
        return Ok(data.ses.messages);
    }
    anyhow::bail!("moto's data.json kept failing ({last:?})")
}

/// Emails sent to `address`, oldest first.
pub async fn to(endpoint: &str, address: &str) -> anyhow::Result<Vec<Mail>> {
    Ok(all(endpoint)
        .await?
        .into_iter()
        .filter(|m| m.destinations.to.iter().any(|t| t.eq_ignore_ascii_case(address)))
        .collect())
}
