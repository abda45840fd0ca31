//! A small HTTP client for the API, used by the seed and the integration tests.

use anyhow::Context as _;
use serde_json::Value;

#[derive(Clone)]
pub struct ApiClient {
    pub base: String,
    http: reqwest::Client,
}

/// A response: status, headers and the JSON body (`Null` when empty).
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
    pub text: String,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

impl ApiClient {
    pub fn new(base: &str) -> Self {
        Self { base: base.trim_end_matches('/').to_owned(), http: reqwest::Client::new() }
    }

    /// A client whose requests come from `address` (any of 127.0.0.0/8 reaches a local
    /// gateway): another caller, as far as limits per IP address go.
    pub fn from_address(base: &str, address: std::net::IpAddr) -> anyhow::Result<Self> {
        let http = reqwest::Client::builder().local_address(address).build().context("an HTTP client")?;
        Ok(Self { base: base.trim_end_matches('/').to_owned(), http })
    }

    /// Sends a request; `token` becomes `Authorization: Bearer …`, a `body` is sent as
    /// `application/json`.
    pub async fn send(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
        headers: &[(&str, &str)],
    ) -> anyhow::Result<Answer> {
        let mut all = Vec::with_capacity(headers.len() + 1);
        if body.is_some() {
            all.push(("content-type", "application/json"));
        }
        all.extend_from_slice(headers);
        self.raw(method, path, token, body.map(Value::to_string).unwrap_or_default(), &all).await
    }

    /// Sends `body` as is, with exactly the headers given (no content type unless named).
    pub async fn raw(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: impl Into<reqwest::Body>,
        headers: &[(&str, &str)],
    ) -> anyhow::Result<Answer> {
        let method = reqwest::Method::from_bytes(method.as_bytes())?;
        let mut req = self.http.request(method, format!("{}{path}", self.base)).body(body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let res = req.send().await.context("calling the API")?;
        let status = res.status().as_u16();
        let headers = res.headers().clone();
        let text = res.text().await?;
        let body = if text.is_empty() { Value::Null } else { serde_json::from_str(&text).unwrap_or(Value::Null) };
        Ok(Answer { status, headers, body, text })
    }

    pub async fn get(&self, path: &str, token: &str) -> anyhow::Result<Answer> {
        self.send("GET", path, Some(token), None, &[]).await
    }

    pub async fn post(&self, path: &str, token: &str, body: &Value) -> anyhow::Result<Answer> {
        self.send("POST", path, Some(token), Some(body), &[]).await
    }

    pub async fn put(&self, path: &str, token: &str, body: &Value) -> anyhow::Result<Answer> {
        self.send("PUT", path, Some(token), Some(body), &[]).await
    }

    pub async fn patch(&self, path: &str, token: &str, body: &Value) -> anyhow::Result<Answer> {
        self.send("PATCH", path, Some(token), Some(body), &[]).await
    }

    /// Like `send`, but fails unless the status is `expect`; returns the body.
    pub async fn expect(
        &self,
        expect: u16,
        method: &str,
        path: &str,
        token: &str,
        body: Option<&Value>,
    ) -> anyhow::Result<Value> {
        let a = self.send(method, path, Some(token), body, &[]).await?;
        if a.status != expect {
            anyhow::bail!("{method} {path}: expected {expect}, got {}: {}", a.status, a.text);
        }
        Ok(a.body)
    }

    /// Uploads a file the way a client does: asks `route` (`/portal/uploads` or
    /// `/admin/files`) for a presigned URL, then `PUT`s the bytes there with the headers
    /// it names. `account` is the local stack's account header (tests run one account
    /// each). Returns the file id.
    pub async fn upload(
        &self,
        token: &str,
        route: &str,
        name: &str,
        content_type: &str,
        bytes: &[u8],
        account: Option<&str>,
    ) -> anyhow::Result<String> {
        let body = serde_json::json!({"file_name": name, "content_type": content_type, "size": bytes.len()});
        let started = self.expect(201, "POST", route, token, Some(&body)).await?;
        let url = started["upload_url"].as_str().context("no upload_url")?;
        let mut put = self.http.put(url).body(bytes.to_vec());
        for (k, v) in started["headers"].as_object().context("no headers")? {
            put = put.header(k.as_str(), v.as_str().unwrap_or_default());
        }
        if let Some(account) = account {
            put = put.header("x-moto-account-id", account);
        }
        let res = put.send().await.context("uploading to the presigned URL")?;
        if !res.status().is_success() {
            anyhow::bail!("upload to the presigned URL: {}", res.status());
        }
        Ok(started["file_id"].as_str().context("no file_id")?.to_owned())
    }
}
