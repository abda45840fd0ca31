//! Limits per caller, as the web ACL in front of CloudFront applies them in AWS
//! (`infra/waf.yaml`): so many requests per token (the `Authorization` header) and so
//! many per client IP address in five minutes; over either, 429 with the web ACL's own
//! body and `Retry-After`. The numbers, the window and the body are read from that
//! template ([`Limits::template`]), so `make dev` refuses what AWS refuses. The
//! integration tests and the fuzzer send thousands of requests with one token: their
//! gateways have no limits ([`Limits::off`]), or low ones of their own.
//!
//! Each caller's window starts with its first request and lasts the template's five
//! minutes (WAF counts over a trailing window instead: both let the limit through and
//! refuse what follows; a fixed window says exactly when it reopens, in `Retry-After`).
//! Like the web ACL, the token is counted first, and a request it refuses is not
//! counted against the address.

use std::collections::HashMap;
use std::net::IpAddr;
use std::path::Path;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use http_body_util::Full;
use hyper::body::Bytes;

/// What the local gateway lets through.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Requests per token in a window; `None`: not limited.
    pub per_token: Option<u32>,
    /// Requests per client IP address in a window; `None`: not limited.
    pub per_ip: Option<u32>,
    pub window: Duration,
    /// The 429's body: the web ACL's custom response body.
    pub refusal: String,
}

impl Limits {
    /// The deployment's limits: `infra/waf.yaml`'s.
    pub fn template() -> anyhow::Result<Self> {
        Self::of_template(&crate::workspace_root().join("infra/waf.yaml"))
    }

    /// The defaults, window and 429 body of the web ACL template at `path`.
    pub fn of_template(path: &Path) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        let doc: serde_yaml_ng::Value = serde_yaml_ng::from_str(&text).context("parsing the web ACL template")?;
        let default = |name: &str| {
            doc["Parameters"][name]["Default"]
                .as_u64()
                .and_then(|n| u32::try_from(n).ok())
                .with_context(|| format!("{name} has no numeric Default"))
        };
        let acl = &doc["Resources"]["WebAcl"]["Properties"];
        let windows: Vec<u64> = acl["Rules"]
            .as_sequence()
            .context("the web ACL has no Rules")?
            .iter()
            .filter_map(|r| r["Statement"]["RateBasedStatement"]["EvaluationWindowSec"].as_u64())
            .collect();
        let window = *windows.first().context("no rate-based rule")?;
        anyhow::ensure!(windows.iter().all(|w| *w == window), "the rules count over different windows");
        let refusal = acl["CustomResponseBodies"]["too-many-requests"]["Content"]
            .as_str()
            .context("no too-many-requests body")?
            .to_owned();
        Ok(Self {
            per_token: Some(default("RequestsPerToken")?),
            per_ip: Some(default("RequestsPerIp")?),
            window: Duration::from_secs(window),
            refusal,
        })
    }

    /// No limits (the integration tests, the fuzzer).
    pub fn off() -> Self {
        Self { per_token: None, per_ip: None, window: Duration::from_secs(300), refusal: String::new() }
    }
}

/// Who a count belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Caller {
    Token(String),
    Ip(IpAddr),
}

#[derive(Debug)]
struct Window {
    ends: Instant,
    count: u32,
}

/// Windows kept before the lapsed ones are dropped (a flood of made-up tokens does not
/// grow the table without end).
const PRUNE_AT: usize = 10_000;

/// Counts requests per caller against [`Limits`].
pub struct Limiter {
    limits: Limits,
    clock: Box<dyn Fn() -> Instant + Send + Sync>,
    windows: Mutex<HashMap<Caller, Window>>,
}

impl Limiter {
    pub fn new(limits: Limits) -> Self {
        Self::with_clock(limits, Instant::now)
    }

    /// With another clock (tests move it by hand).
    pub fn with_clock(limits: Limits, clock: impl Fn() -> Instant + Send + Sync + 'static) -> Self {
        Self { limits, clock: Box::new(clock), windows: Mutex::new(HashMap::new()) }
    }

    /// Counts a request from `ip` with `authorization`; `Err` says how long until the
    /// caller that is over its limit may send again.
    pub fn admit(&self, ip: IpAddr, authorization: Option<&str>) -> Result<(), Duration> {
        let now = (self.clock)();
        let mut windows = self.windows.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if windows.len() > PRUNE_AT {
            windows.retain(|_, w| w.ends > now);
        }
        let mut count = |caller: Caller, limit: u32| {
            let w = windows.entry(caller).or_insert(Window { ends: now + self.limits.window, count: 0 });
            if now >= w.ends {
                *w = Window { ends: now + self.limits.window, count: 0 };
            }
            w.count = w.count.saturating_add(1);
            if w.count > limit {
                Err(w.ends - now)
            } else {
                Ok(())
            }
        };
        if let (Some(limit), Some(token)) = (self.limits.per_token, authorization) {
            count(Caller::Token(token.to_owned()), limit)?;
        }
        if let Some(limit) = self.limits.per_ip {
            count(Caller::Ip(ip), limit)?;
        }
        Ok(())
    }

    /// The gateway's one call: `None` lets the request on; otherwise the web ACL's 429.
    pub fn refuse(&self, client: IpAddr, parts: &http::request::Parts) -> Option<hyper::Response<Full<Bytes>>> {
        // Cognito's calls reach CloudFront's web ACL only locally (in AWS the browser
        // makes them to Cognito): not counted.
        if parts.uri.path() == "/cognito/" {
            return None;
        }
        let authorization = parts.headers.get("authorization").and_then(|v| v.to_str().ok());
        let wait = self.admit(client, authorization).err()?;
        Some(self.refusal(wait))
    }

    /// 429 as the web ACL sends it (WAF writes a JSON body as `application/json`), with
    /// the whole seconds until the window reopens.
    fn refusal(&self, wait: Duration) -> hyper::Response<Full<Bytes>> {
        let seconds = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
        hyper::Response::builder()
            .status(429)
            .header("content-type", "application/json")
            .header("retry-after", seconds.max(1).to_string())
            .header("cache-control", "no-store")
            .header("x-content-type-options", "nosniff")
            .body(Full::new(Bytes::from(self.limits.refusal.clone())))
            .unwrap_or_else(|_| hyper::Response::new(Full::new(Bytes::new())))
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use http_body_util::BodyExt as _;

    use super::*;

    /// A clock that moves only when told to.
    fn clock() -> (Arc<Mutex<Instant>>, impl Fn() -> Instant + Send + Sync + 'static) {
        let now = Arc::new(Mutex::new(Instant::now()));
        let read = now.clone();
        (now, move || *read.lock().unwrap())
    }

    fn limits(per_token: u32, per_ip: u32) -> Limits {
        Limits { per_token: Some(per_token), per_ip: Some(per_ip), ..Limits::template().unwrap() }
    }

    const HOME: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(192, 0, 2, 1));
    const OFFICE: IpAddr = IpAddr::V4(std::net::Ipv4Addr::new(198, 51, 100, 7));

    #[test]
    fn a_token_gets_its_limit_then_waits_for_its_window_to_end() {
        let (now, read) = clock();
        let limiter = Limiter::with_clock(limits(3, 100), read);
        for _ in 0..3 {
            assert_eq!(limiter.admit(HOME, Some("Bearer a")), Ok(()));
        }
        assert_eq!(limiter.admit(HOME, Some("Bearer a")), Err(Duration::from_secs(300)));
        *now.lock().unwrap() += Duration::from_secs(299);
        assert_eq!(limiter.admit(HOME, Some("Bearer a")), Err(Duration::from_secs(1)));
        *now.lock().unwrap() += Duration::from_secs(1);
        assert_eq!(limiter.admit(HOME, Some("Bearer a")), Ok(()), "a new window");
    }

    #[test]
    fn tokens_and_addresses_are_counted_apart() {
        let (_, read) = clock();
        let limiter = Limiter::with_clock(limits(2, 5), read);
        assert!(limiter.admit(HOME, Some("Bearer a")).is_ok());
        assert!(limiter.admit(HOME, Some("Bearer a")).is_ok());
        assert!(limiter.admit(HOME, Some("Bearer a")).is_err());
        // Another token from the same address is served; the refused request did not
        // count against the address.
        assert!(limiter.admit(HOME, Some("Bearer b")).is_ok());
        assert!(limiter.admit(HOME, Some("Bearer b")).is_ok());
        // Requests without a token count per address only: two left of five.
        assert!(limiter.admit(HOME, None).is_ok());
        assert!(limiter.admit(HOME, None).is_err(), "the address's sixth");
        assert!(limiter.admit(HOME, Some("Bearer c")).is_err(), "a fresh token, from an address over its limit");
        // Another address is served.
        assert!(limiter.admit(OFFICE, None).is_ok());
        assert!(limiter.admit(OFFICE, Some("Bearer c")).is_ok());
    }

    #[test]
    fn off_lets_everything_through() {
        let limiter = Limiter::new(Limits::off());
        assert!((0..10_000).all(|_| limiter.admit(HOME, Some("Bearer a")).is_ok()));
    }

    #[test]
    fn lapsed_windows_are_dropped_when_the_table_is_full() {
        let (now, read) = clock();
        let limiter = Limiter::with_clock(limits(1, u32::MAX), read);
        for i in 0..=PRUNE_AT {
            limiter.admit(HOME, Some(&format!("Bearer {i}"))).unwrap();
        }
        *now.lock().unwrap() += Duration::from_secs(300);
        limiter.admit(HOME, Some("Bearer new")).unwrap();
        // The address's own window and the new token's.
        assert_eq!(limiter.windows.lock().unwrap().len(), 2);
    }

    #[test]
    fn the_defaults_and_the_refusal_are_the_web_acls() {
        let l = Limits::template().unwrap();
        assert_eq!((l.per_token, l.per_ip, l.window), (Some(1500), Some(6000), Duration::from_secs(300)));
        let problem: serde_json::Value = serde_json::from_str(&l.refusal).unwrap();
        assert_eq!(problem["status"], 429);
        assert_eq!(problem["type"], "https://portico.dev/problems/too-many-requests");
        assert!(problem["title"].is_string() && problem["detail"].is_string());
    }

    #[tokio::test]
    async fn a_refusal_is_a_429_problem_with_retry_after() {
        let (_, read) = clock();
        let limiter = Limiter::with_clock(limits(1, 100), read);
        let (parts, ()) =
            http::Request::get("/portal/me").header("authorization", "Bearer a").body(()).unwrap().into_parts();
        assert!(limiter.refuse(HOME, &parts).is_none());
        let refused = limiter.refuse(HOME, &parts).expect("the second request is refused");
        assert_eq!(refused.status(), 429);
        let h = refused.headers().clone();
        assert_eq!(h["retry-after"], "300");
        assert_eq!(h["content-type"], "application/json");
        assert_eq!(h["cache-control"], "no-store");
        assert_eq!(h["x-content-type-options"], "nosniff");
        let body = refused.into_body().collect().await.unwrap().to_bytes();
        assert_eq!(body, limiter.limits.refusal.as_bytes());
        // Cognito's calls are not the web ACL's to count.
        let (cognito, ()) = http::Request::post("/cognito/").body(()).unwrap().into_parts();
        assert!(limiter.refuse(HOME, &cognito).is_none());
    }
}
