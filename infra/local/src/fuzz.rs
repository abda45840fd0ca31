//! `portico-local fuzz`: the API against its own OpenAPI document, with schemathesis.
//!
//! Starts a local stack of its own (moto, provisioning, the gateway on a free port),
//! seeds the demo tenant through the API (so lists have items whose shape is checked),
//! writes the current document (from the code, so a new route is fuzzed without anyone
//! adding it), and runs schemathesis once per kind of caller over the operations of its
//! tag — operator (`platform`), admin (`admin`), member (`portal`), anyone without a
//! token (`mail`, the links in emails) — with a fixed seed
//! and a bounded number of cases. Any failure of any check fails the run.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{bail, Context as _};
use serde_json::{json, Value};

use crate::client::ApiClient;
use crate::stack::{free_port, Aws, Moto};
use crate::{provision, seed, start_api, workspace_root};

/// The checks every case must pass.
pub const CHECKS: &[&str] = &[
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
    "negative_data_rejection",
    "ignored_auth",
];

/// How hard to look: the seed, and at most this many generated cases per operation and
/// phase (the coverage phase adds its own boundary cases).
#[derive(Debug, Clone)]
pub struct Budget {
    pub seed: u64,
    pub max_examples: u32,
}

impl Default for Budget {
    fn default() -> Self {
        Self { seed: 2026, max_examples: 15 }
    }
}

/// One schemathesis run's outcome.
#[derive(Debug, Default)]
pub struct Outcome {
    pub caller: &'static str,
    pub operations: usize,
    pub cases: usize,
    pub failures: usize,
    pub exit_ok: bool,
}

fn schemathesis() -> PathBuf {
    std::env::var_os("PORTICO_SCHEMATHESIS")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join(".venv/bin/schemathesis"))
}

/// Runs the fuzzer; returns one outcome per kind of caller.
pub async fn run(budget: &Budget) -> anyhow::Result<Vec<Outcome>> {
    let program = schemathesis();
    if !program.exists() {
        bail!("{} not found: run `make venv`", program.display());
    }
    let moto = Moto::start(free_port()?)?;
    let aws = Aws::local(&moto.endpoint, None, 3);
    let prov = provision::provision(&aws).await?;
    let port = free_port()?;
    let api_url = format!("http://127.0.0.1:{port}");
    // Thousands of cases with one token: no limits per caller here.
    start_api(&aws, &prov, ([127, 0, 0, 1], port).into(), &api_url, crate::limits::Limits::off()).await?;
    eprintln!("fuzz: local API on {api_url}; seeding the demo tenant…");
    let seeded = seed::seed(&ApiClient::new(&api_url), &aws, &prov, &api_url).await?;

    let dir = workspace_root().join("target/fuzz");
    std::fs::create_dir_all(&dir)?;
    let schema = dir.join("openapi.json");
    let mut doc = portico_functions::openapi::api()?;
    doc["servers"] = serde_json::json!([{"url": api_url}]);
    std::fs::write(&schema, serde_json::to_string_pretty(&doc)?)?;

    let token = |login: seed::Login| {
        let (aws, prov) = (aws.clone(), prov.clone());
        async move { login.token(&aws, &prov).await }
    };
    let admin = seeded.admin_token.clone();
    let ids = known_ids(&ApiClient::new(&api_url), &admin).await?;
    let config = dir.join("schemathesis.toml");
    std::fs::write(&config, config_toml(&ids))?;
    // The admin goes last: what it changes (features off, members disabled) must not
    // stop the others' runs from reaching their routes.
    // The public routes (the links in emails) are called with no token at all.
    let callers = [
        ("operator", "platform", Some(seeded.operator_token.clone())),
        ("member", "portal", Some(token(seeded.demo.clone()).await?)),
        ("anyone", "mail", None),
        ("admin", "admin", Some(admin)),
    ];
    let mut outcomes = Vec::new();
    for (caller, tag, token) in callers {
        eprintln!("fuzz: {caller} on the `{tag}` operations…");
        outcomes.push(fuzz_as(&program, &config, &schema, &dir, &api_url, caller, tag, token.as_deref(), budget)?);
    }
    drop(moto);
    Ok(outcomes)
}

/// Ids of what the demo tenant holds, by the parameter names that take them.
type Known = std::collections::BTreeMap<&'static str, std::collections::BTreeSet<String>>;

/// Reads the demo tenant's objects through the API, so that the fuzzer's paths and
/// bodies name real objects (with some probability) and reach past the 404s.
async fn known_ids(api: &ApiClient, admin: &str) -> anyhow::Result<Known> {
    let mut known = Known::new();
    let ids = |v: &Value, field: &str| -> Vec<String> {
        v["items"].as_array().into_iter().flatten().filter_map(|i| i[field].as_str().map(str::to_owned)).collect()
    };
    let list = |path: String| async move { api.expect(200, "GET", &format!("{path}?limit=200"), admin, None).await };
    let customers = ids(&list("/admin/customers".into()).await?, "id");
    for c in &customers {
        known.entry("site_id").or_default().extend(ids(&list(format!("/admin/customers/{c}/sites")).await?, "id"));
        known
            .entry("division_id")
            .or_default()
            .extend(ids(&list(format!("/admin/customers/{c}/divisions")).await?, "id"));
        known
            .entry("contact_id")
            .or_default()
            .extend(ids(&list(format!("/admin/customers/{c}/contacts")).await?, "id"));
    }
    known.entry("customer_id").or_default().extend(customers);
    known.entry("member_id").or_default().extend(ids(&list("/admin/members".into()).await?, "id"));
    known.entry("group_id").or_default().extend(ids(&list("/admin/access-groups".into()).await?, "id"));
    let jobs = list("/admin/jobs".into()).await?;
    known.entry("job_id").or_default().extend(ids(&jobs, "id").into_iter().chain(ids(&jobs, "external_ref")));
    let files = jobs["items"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|j| ids(&json!({"items": j["attachments"]}), "file_id"));
    known.entry("file_id").or_default().extend(files);
    known.entry("request_id").or_default().extend(ids(&list("/admin/work-requests".into()).await?, "id"));
    Ok(known)
}

/// The schemathesis configuration: a dictionary of real ids per parameter name, drawn
/// for path parameters and top-level body fields of that name half of the time.
fn config_toml(known: &Known) -> String {
    let mut out = String::from("# Written by `portico-local fuzz`.\n\n[parameters]\n");
    let known: Known = known.iter().filter(|(_, v)| !v.is_empty()).map(|(k, v)| (*k, v.clone())).collect();
    for name in known.keys() {
        for place in ["path", "body"] {
            out.push_str(&format!("\"{place}.{name}\" = {{ dictionary = \"{name}\", probability = 0.5 }}\n"));
        }
    }
    for (name, values) in &known {
        let quoted: Vec<String> = values.iter().map(|v| format!("{v:?}")).collect();
        out.push_str(&format!("\n[dictionaries.{name}]\nvalues = [{}]\n", quoted.join(", ")));
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn fuzz_as(
    program: &Path,
    config: &Path,
    schema: &Path,
    dir: &Path,
    api_url: &str,
    caller: &'static str,
    tag: &str,
    token: Option<&str>,
    budget: &Budget,
) -> anyhow::Result<Outcome> {
    let events = dir.join(format!("{caller}.ndjson"));
    let _ = std::fs::remove_file(&events);
    let mut command = Command::new(program);
    command.arg("--config-file").arg(config).arg("run").arg(schema).args(["--url", api_url]);
    if let Some(token) = token {
        command.args(["--header", &format!("Authorization: Bearer {token}")]);
    }
    let status = command
        .args(["--include-tag", tag])
        .args(["--checks", &CHECKS.join(",")])
        .args(["--phases", "examples,coverage,fuzzing"])
        .args(["--seed", &budget.seed.to_string()])
        .args(["--max-examples", &budget.max_examples.to_string()])
        // One worker: cases run in one order, so a seed gives the same run every time.
        .args(["--workers", "1"])
        .args(["--suppress-health-check", "all"])
        .args(["--report", "ndjson", "--report-ndjson-path"])
        .arg(&events)
        .args(["--output-sanitize", "true"])
        // Its cache (`.schemathesis/`) goes beside the reports, not into the repository.
        .current_dir(dir)
        .env("SCHEMATHESIS_HOOKS", "")
        .env("NO_COLOR", "1")
        .status()
        .with_context(|| format!("running {}", program.display()))?;
    let mut outcome = count(&events)?;
    outcome.caller = caller;
    outcome.exit_ok = status.success();
    Ok(outcome)
}

/// Counts operations, cases and failures in schemathesis' ndjson event stream.
fn count(events: &Path) -> anyhow::Result<Outcome> {
    let text = std::fs::read_to_string(events).with_context(|| format!("reading {}", events.display()))?;
    let mut outcome = Outcome::default();
    let mut operations = std::collections::BTreeSet::new();
    for line in text.lines() {
        let Ok(event) = serde_json::from_str::<Value>(line) else { continue };
        let Some(scenario) = event.get("ScenarioFinished") else { continue };
        if let Some(label) = scenario["recorder"]["label"].as_str() {
            operations.insert(label.to_owned());
        }
        let cases = scenario["recorder"]["cases"].as_object().map_or(0, |c| c.len());
        outcome.cases += cases;
        let failed = scenario["recorder"]["checks"].as_object().map_or(0, |checks| {
            checks
                .values()
                .flat_map(|v| v.as_array().cloned().unwrap_or_default())
                .filter(|c| c["status"] == "FAILURE" || c["status"] == "failure")
                .count()
        });
        outcome.failures += failed;
    }
    outcome.operations = operations.len();
    Ok(outcome)
}
