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
