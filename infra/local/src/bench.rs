//! Cold-start measurement: a minimal Lambda Runtime API on loopback. A binary is spawned
//! with `AWS_LAMBDA_RUNTIME_API` pointing here; its init time is the time from spawn to
//! its first `GET /2018-06-01/runtime/invocation/next`. It is then given one event, and
//! the time to its response is the first invocation.

use std::convert::Infallible;
use std::path::Path;
use std::process::Stdio;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use hyper_util::rt::TokioIo;
use tokio::sync::{mpsc, Mutex};

/// One cold start.
#[derive(Debug, Clone, Copy)]
pub struct ColdStart {
    pub init: Duration,
    pub first_invoke: Duration,
}

enum Seen {
    Next(Instant),
    Response(Instant),
}

async fn runtime_api(
    req: hyper::Request<Incoming>,
    event: Arc<String>,
    seen: mpsc::UnboundedSender<Seen>,
    served: Arc<Mutex<bool>>,
) -> Result<hyper::Response<Full<Bytes>>, Infallible> {
    let at = Instant::now();
    let path = req.uri().path().to_owned();
    let _ = req.into_body().collect().await;
    if path.ends_with("/invocation/next") {
        let _ = seen.send(Seen::Next(at));
        let first = {
            let mut done = served.lock().await;
            let first = !*done;
            *done = true;
            first
        };
        if !first {
            // One event per process: park the runtime until it is killed.
            std::future::pending::<()>().await;
        }
        let deadline = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default()
            + Duration::from_secs(30);
        let res = hyper::Response::builder()
            .header("content-type", "application/json")
            .header("lambda-runtime-aws-request-id", "bench-request-1")
            .header("lambda-runtime-deadline-ms", deadline.as_millis().to_string())
            .header("lambda-runtime-invoked-function-arn", "arn:aws:lambda:us-east-1:123456789012:function:bench")
            .header(
                "lambda-runtime-trace-id",
                "Root=1-00000000-000000000000000000000000;Parent=0000000000000000;Sampled=0",
            )
            .body(Full::new(Bytes::from(event.as_bytes().to_vec())))
            .unwrap_or_default();
        return Ok(res);
    }
    if path.ends_with("/response") || path.ends_with("/error") {
        let _ = seen.send(Seen::Response(at));
    }
    Ok(hyper::Response::builder().status(202).body(Full::new(Bytes::new())).unwrap_or_default())
}

async fn next(rx: &mut mpsc::UnboundedReceiver<Seen>) -> Option<Seen> {
    tokio::time::timeout(Duration::from_secs(20), rx.recv()).await.ok().flatten()
}

/// Spawns `binary` once against a fresh Runtime API and measures its cold start.
pub async fn cold_start(binary: &Path, env: &[(String, String)], event: &str) -> anyhow::Result<ColdStart> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let (tx, mut rx) = mpsc::unbounded_channel();
    let event = Arc::new(event.to_owned());
    let served = Arc::new(Mutex::new(false));
    let server = tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else { break };
            let (event, tx, served) = (event.clone(), tx.clone(), served.clone());
            tokio::spawn(async move {
                let svc =
                    hyper::service::service_fn(move |req| runtime_api(req, event.clone(), tx.clone(), served.clone()));
                let _ = hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), svc).await;
            });
        }
    });

    let mut cmd = tokio::process::Command::new(binary);
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("AWS_LAMBDA_RUNTIME_API", addr.to_string())
        .env("AWS_LAMBDA_FUNCTION_NAME", "bench")
        .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "256")
        .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        .env("AWS_LAMBDA_LOG_STREAM_NAME", "bench")
        .env("AWS_LAMBDA_LOG_GROUP_NAME", "bench")
        .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true);
    let started = Instant::now();
    let mut child = cmd.spawn().with_context(|| format!("spawning {}", binary.display()))?;
    let init = match next(&mut rx).await {
        Some(Seen::Next(at)) => at - started,
        _ => anyhow::bail!("{} never asked for an event", binary.display()),
    };
    let first_invoke = loop {
        match next(&mut rx).await {
            Some(Seen::Response(at)) => break at - started - init,
            Some(Seen::Next(_)) => continue,
            None => anyhow::bail!("{} never answered its event", binary.display()),
        }
    };
    let _ = child.kill().await;
    server.abort();
    Ok(ColdStart { init, first_invoke })
}

/// Instructions `binary` executes from its start to its first poll of the Runtime API,
/// counted by callgrind: unlike wall-clock init, the same count run after run, whatever
/// else the machine is doing. The poll is never answered; once it arrives the process
/// (blocked waiting for it) is stopped with SIGTERM and callgrind writes its totals.
pub async fn instructions_to_first_poll(binary: &Path, env: &[(String, String)]) -> anyhow::Result<u64> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let (tx, mut rx) = mpsc::unbounded_channel();
    let event = Arc::new(String::new());
    // Already "served": every poll is parked.
    let served = Arc::new(Mutex::new(true));
    let server = tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else { break };
            let (event, tx, served) = (event.clone(), tx.clone(), served.clone());
            tokio::spawn(async move {
                let svc =
                    hyper::service::service_fn(move |req| runtime_api(req, event.clone(), tx.clone(), served.clone()));
                let _ = hyper::server::conn::http1::Builder::new().serve_connection(TokioIo::new(stream), svc).await;
            });
        }
    });
    // `PORTICO_CALLGRIND_OUT=<file>` keeps the profile for `callgrind_annotate` (build
    // the binary with `CARGO_PROFILE_RELEASE_STRIP=false` to see function names).
    let keep = std::env::var_os("PORTICO_CALLGRIND_OUT").map(std::path::PathBuf::from);
    let out = keep
        .clone()
        .unwrap_or_else(|| std::env::temp_dir().join(format!("portico-callgrind-{}.out", std::process::id())));
    let mut cmd = tokio::process::Command::new("valgrind");
    cmd.arg("--tool=callgrind")
        .arg(format!("--callgrind-out-file={}", out.display()))
        .arg(binary)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("AWS_LAMBDA_RUNTIME_API", addr.to_string())
        .env("AWS_LAMBDA_FUNCTION_NAME", "bench")
        .env("AWS_LAMBDA_FUNCTION_MEMORY_SIZE", "256")
        .env("AWS_LAMBDA_FUNCTION_VERSION", "$LATEST")
        .env("AWS_LAMBDA_LOG_STREAM_NAME", "bench")
        .env("AWS_LAMBDA_LOG_GROUP_NAME", "bench")
        .envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .kill_on_drop(true);
    let mut child = cmd.spawn().context("spawning valgrind (is it installed?)")?;
    let polled = tokio::time::timeout(Duration::from_secs(300), rx.recv()).await.ok().flatten();
    if !matches!(polled, Some(Seen::Next(_))) {
        anyhow::bail!("{} never polled the Runtime API under callgrind", binary.display());
    }
    let pid = child.id().context("the child's pid")?;
    std::process::Command::new("kill").args(["-TERM", &pid.to_string()]).status()?;
    tokio::time::timeout(Duration::from_secs(60), child.wait()).await.context("valgrind did not stop")??;
    server.abort();
    let text = std::fs::read_to_string(&out).with_context(|| format!("reading {}", out.display()))?;
    if keep.is_none() {
        let _ = std::fs::remove_file(&out);
    }
    text.lines()
        .find_map(|l| l.strip_prefix("summary:").or_else(|| l.strip_prefix("totals:")))
        .and_then(|n| n.split_whitespace().next()?.parse().ok())
        .context("no instruction total in callgrind's output")
}

/// The load bench (`make bench`): a generated tenant loaded through `POST /admin/batch`
/// and, in the same run, a sample of the same mix through single PUTs.
pub mod load {
    use std::collections::HashMap;
    use std::time::{Duration, Instant};

    use anyhow::{bail, Context as _};
    use serde_json::{json, Value};

    use crate::client::ApiClient;

    /// How many of each kind: sites and jobs are spread evenly over the customers and
    /// sites before them.
    #[derive(Debug, Clone, Copy)]
    pub struct Scale {
        pub customers: usize,
        pub sites: usize,
        pub jobs: usize,
    }

    impl Scale {
        /// The tenant: 1,000 customers, 5,000 sites, 50,000 jobs.
        pub const FULL: Scale = Scale { customers: 1_000, sites: 5_000, jobs: 50_000 };

        /// The tenant divided by `n` (at least one of each).
        pub fn divided(self, n: usize) -> Scale {
            let d = |x: usize| (x / n.max(1)).max(1);
            Scale { customers: d(self.customers), sites: d(self.sites), jobs: d(self.jobs) }
        }

        pub fn items(self) -> usize {
            self.customers + self.sites + self.jobs
        }
    }

    /// One way of loading: items and the time they took.
    #[derive(Debug, Clone, Copy)]
    pub struct Rate {
        pub items: usize,
        pub took: Duration,
    }

    impl Rate {
        pub fn per_second(self) -> f64 {
            self.items as f64 / self.took.as_secs_f64().max(1e-9)
        }
    }

    /// The generated items of one tenant, by kind, each `(kind, ref, body)`; jobs name
    /// their customer and site by Portico id (`ids`: reference → id, from the load of
    /// customers and sites before them).
    fn customers(prefix: &str, scale: Scale) -> Vec<(String, String, Value)> {
        (0..scale.customers)
            .map(|i| {
                // One customer in ten is a root; the others are children of the root
                // before them (in the same batch of 100: a batch runs in order).
                let mut body = json!({"name": format!("Customer {i}"), "account_code": format!("AC{i}")});
                if i % 10 != 0 {
                    body["parent_id"] = json!(format!("{prefix}C-{}", i - i % 10));
                }
                ("customer".into(), format!("{prefix}C-{i}"), body)
            })
            .collect()
    }

    fn sites(prefix: &str, scale: Scale) -> Vec<(String, String, Value)> {
        (0..scale.sites)
            .map(|i| {
                let body = json!({"customer_id": format!("{prefix}C-{}", i % scale.customers), "name": format!("Site {i}"),
                    "address": format!("{i} Harbour Street")});
                ("site".into(), format!("{prefix}S-{i}"), body)
            })
            .collect()
    }

    fn jobs(prefix: &str, scale: Scale, ids: &HashMap<String, String>) -> anyhow::Result<Vec<(String, String, Value)>> {
        (0..scale.jobs)
            .map(|i| {
                let site_ref = format!("{prefix}S-{}", i % scale.sites);
                let customer_ref = format!("{prefix}C-{}", (i % scale.sites) % scale.customers);
                let site = ids.get(&site_ref).with_context(|| format!("{site_ref} was not loaded"))?;
                let customer = ids.get(&customer_ref).with_context(|| format!("{customer_ref} was not loaded"))?;
                let status = ["unassigned", "scheduled", "in_progress", "completed"][i % 4];
                let body = json!({"customer_id": customer, "site_id": site, "category": "repair", "status": status,
                    "description": format!("Job {i}"), "reported_at": "2026-11-20T08:00:00Z"});
                Ok(("job".into(), format!("{prefix}J-{i}"), body))
            })
            .collect()
    }

    /// Loads `items` through the batch route, `concurrency` batches of at most 100 at a
    /// time; fails on any item not stored. Returns reference → Portico id.
    async fn by_batch(
        api: &ApiClient,
        token: &str,
        items: Vec<(String, String, Value)>,
        concurrency: usize,
    ) -> anyhow::Result<HashMap<String, String>> {
        let chunks: Vec<Value> = items
            .chunks(100)
            .map(|c| {
                let items: Vec<Value> =
                    c.iter().map(|(kind, r, body)| json!({"kind": kind, "ref": r, "body": body})).collect();
                json!({ "items": items })
            })
            .collect();
        let mut ids = HashMap::new();
        for wave in chunks.chunks(concurrency.max(1)) {
            let answers = futures_util::future::join_all(
                wave.iter().map(|b| api.send("POST", "/admin/batch", Some(token), Some(b), &[])),
            )
            .await;
            for answer in answers {
                let answer = answer?;
                if answer.status != 200 {
                    bail!("a batch answered {}: {}", answer.status, answer.text);
                }
                for r in answer.body["results"].as_array().context("results")? {
                    match (r["status"].as_u64(), r["ref"].as_str(), r["id"].as_str()) {
                        (Some(200 | 201), Some(reference), Some(id)) => {
                            ids.insert(reference.to_owned(), id.to_owned());
                        }
                        _ => bail!("an item was not stored: {r}"),
                    }
                }
            }
        }
        Ok(ids)
    }

    /// Loads `items` by single PUTs, `concurrency` at a time. Returns reference → id.
    async fn by_put(
        api: &ApiClient,
        token: &str,
        items: Vec<(String, String, Value)>,
        concurrency: usize,
    ) -> anyhow::Result<HashMap<String, String>> {
        let mut ids = HashMap::new();
        for wave in items.chunks(concurrency.max(1)) {
            let answers = futures_util::future::join_all(wave.iter().map(|(kind, r, body)| async move {
                let path = format!("/admin/{kind}s/{r}");
                (r.clone(), api.send("PUT", &path, Some(token), Some(body), &[]).await)
            }))
            .await;
            for (reference, answer) in answers {
                let answer = answer?;
                if ![200, 201].contains(&answer.status) {
                    bail!("PUT of {reference} answered {}: {}", answer.status, answer.text);
                }
                ids.insert(reference, answer.body["id"].as_str().context("id")?.to_owned());
            }
        }
        Ok(ids)
    }

    /// The figures of one run.
    #[derive(Debug)]
    pub struct Report {
        pub batch: Rate,
        pub single: Rate,
        pub resend: Rate,
    }

    /// Loads `scale` through the batch route, then `sample` (the same mix, other
    /// references) through single PUTs, then re-sends the first batches (nothing written).
    pub async fn run(
        api: &ApiClient,
        token: &str,
        scale: Scale,
        sample: Scale,
        concurrency: usize,
    ) -> anyhow::Result<Report> {
        let started = Instant::now();
        let mut ids = by_batch(api, token, customers("", scale), concurrency).await?;
        eprintln!("   customers loaded at {:.1} s", started.elapsed().as_secs_f64());
        ids.extend(by_batch(api, token, sites("", scale), concurrency).await?);
        eprintln!("   sites loaded at {:.1} s", started.elapsed().as_secs_f64());
        let loaded_jobs = by_batch(api, token, jobs("", scale, &ids)?, concurrency).await?;
        eprintln!("   jobs loaded at {:.1} s", started.elapsed().as_secs_f64());
        let batch = Rate { items: ids.len() + loaded_jobs.len(), took: started.elapsed() };
        if batch.items != scale.items() {
            bail!("{} items stored of {}", batch.items, scale.items());
        }

        let started = Instant::now();
        let mut ids = by_put(api, token, customers("P", sample), concurrency).await?;
        ids.extend(by_put(api, token, sites("P", sample), concurrency).await?);
        let put_jobs = by_put(api, token, jobs("P", sample, &ids)?, concurrency).await?;
        let single = Rate { items: ids.len() + put_jobs.len(), took: started.elapsed() };

        // Re-sending a sample of the load (as a back office does after a failure): every
        // item unchanged, nothing written.
        let started = Instant::now();
        let again = customers("", sample);
        let resent = again.len();
        by_batch(api, token, again, concurrency).await?;
        let resend = Rate { items: resent, took: started.elapsed() };
        Ok(Report { batch, single, resend })
    }
}
