//! JSON logs through `tracing` (on stderr; Lambda sends both streams to CloudWatch), and CloudWatch metrics in Embedded Metric Format.
//!
//! Logs carry request id, tenant, member, route and latency — never tokens, passwords or
//! email bodies (nothing in this crate logs a request body or a header).

use std::time::{SystemTime, UNIX_EPOCH};

/// JSON logs to stderr, level from `RUST_LOG` (default `info`).
pub fn init_tracing() {
    let filter = std::env::var("RUST_LOG").unwrap_or_else(|_| "info".into());
    init_tracing_to(std::io::stderr, &filter);
}

/// The same JSON log lines, to `writer`, at `filter` (an `EnvFilter` directive): what a
/// test reads to prove what is — and is not — ever logged.
pub fn init_tracing_to<W>(writer: W, filter: &str)
where
    W: for<'a> tracing_subscriber::fmt::MakeWriter<'a> + Send + Sync + 'static,
{
    let filter = tracing_subscriber::EnvFilter::try_new(filter).unwrap_or_else(|_| "info".into());
    let _ = tracing_subscriber::fmt()
        .json()
        .with_env_filter(filter)
        .with_writer(writer)
        .with_current_span(true)
        .with_span_list(false)
        .with_target(false)
        .without_time()
        .try_init();
}

/// Emits one metric in CloudWatch Embedded Metric Format (a JSON line on stdout that
/// Lambda's log pipeline turns into a metric), dimensioned by operation if known.
pub fn metric(name: &str, value: f64, unit: &str) {
    metric_for(None, name, value, unit);
}

pub fn metric_for(operation: Option<&str>, name: &str, value: f64, unit: &str) {
    if std::env::var_os("PORTICO_METRICS_OFF").is_some() {
        return;
    }
    let ts = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0);
    let dims: Vec<&str> = operation.map(|_| vec!["operation"]).unwrap_or_default();
    let mut doc = serde_json::json!({
        "_aws": {
            "Timestamp": ts,
            "CloudWatchMetrics": [{
                "Namespace": "Portico",
                "Dimensions": [dims],
                "Metrics": [{ "Name": name, "Unit": unit }]
            }]
        },
        name: value,
    });
    if let Some(op) = operation {
        doc["operation"] = serde_json::Value::String(op.to_owned());
    }
    println!("{doc}");
}
