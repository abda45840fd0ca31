//! `portico-local`: the local stack from the command line.
//!
//! - `portico-local dev`: start moto, provision, serve every template route on
//!   http://127.0.0.1:3000, seed the demo tenant, write `.local/stack.json`, print how
//!   to sign in; Ctrl-C stops everything it started.
//! - `portico-local generate`: write the files generated from the route table (the
//!   OpenAPI document, the areas' stacks, the `events/api` fixtures: see `generate.rs`).
//! - `portico-local mail`: list the emails sent locally.
//! - `portico-local token <username> [password]`: print an ID token for a sign-in.
//! - `portico-local totp <username>`: print the current code of a demo login's
//!   authenticator app (the admin's and the operator's: they must sign in with one).
//! - `portico-local env`: `export` lines pointing a Lambda binary at the local stack.
//! - `portico-local load-bench`: a generated tenant loaded through `POST /admin/batch`
//!   against a fresh local stack, and a sample through single PUTs (`make bench`).
//! - `portico-local fuzz`: schemathesis against a fresh local stack (see `fuzz.rs`).
//! - `portico-local web-test [args]`: the browser journeys against a fresh dev stack on a
//!   free port (`web/tests`, Playwright and Debian's Chromium); `web-bench`: the jobs
//!   page's time to first render there (`web/bench/first-render.mjs`).
//! - `portico-local reports-rebuild [--write] [tenant]`: recompute a tenant's KPI report
//!   cells from its records and report the drift; `--write` stores the recomputation.
//!   Against the running `make dev` stack, or — with `PORTICO_TABLE` set — wherever the
//!   environment points (AWS with the operator's credentials: docs/reports.md).

use std::path::PathBuf;

use anyhow::{bail, Context as _};
use portico_local::client::ApiClient;
use portico_local::stack::{free_port, Aws, Moto};
use portico_local::{mailbox, provision, seed, signin, start_api, workspace_root};
use serde_json::{json, Value};

fn stack_file() -> PathBuf {
    workspace_root().join(".local/stack.json")
}

fn read_stack() -> anyhow::Result<Value> {
    let text = std::fs::read_to_string(stack_file()).context("no .local/stack.json: is `make dev` running?")?;
    Ok(serde_json::from_str(&text)?)
}

/// The whole portal running locally: moto, provisioning, the API and the web app on
/// `api_port`, the demo tenant, the report aggregator and the notifier. Dropping the
/// [`Moto`] stops the endpoint.
struct DevStack {
    moto: Moto,
    stack: Value,
    seeded: seed::Seeded,
    api_url: String,
}

async fn start_dev(api_port: u16) -> anyhow::Result<DevStack> {
    let moto_port = match std::env::var("PORTICO_MOTO_PORT").ok().and_then(|p| p.parse().ok()) {
        Some(p) => p,
        None => free_port()?,
    };
    eprintln!("starting the local AWS endpoint (moto) on port {moto_port}…");
    let moto = Moto::start_on_console(moto_port)?;
    let aws = Aws::local(&moto.endpoint, None, 3);
    let prov = provision::provision(&aws).await?;
    let api_url = format!("http://127.0.0.1:{api_port}");
    // The deployment's limits per caller (infra/waf.yaml), as CloudFront's web ACL applies them.
    let limits = portico_local::limits::Limits::template()?;
    let (bound, app) = start_api(&aws, &prov, ([127, 0, 0, 1], api_port).into(), &api_url, limits)
        .await
        .with_context(|| format!("is port {api_port} free? (set PORTICO_API_PORT to use another)"))?;
    eprintln!("local API on http://{bound}; seeding the demo tenant…");
    // The report aggregator reads the stream from before the seeding: the demo data's
    // history counts in the KPI reports, as the same handler Lambda runs counts it.
    let reports = portico_local::stream::Stream::open(&aws, &prov.table_name).await?;
    tokio::spawn(portico_local::stream::run_reports(reports, app));
    let seeded = seed::seed(&ApiClient::new(&api_url), &aws, &prov, &api_url).await?;
    seed::bounce(app, &seeded).await?;
    // The notifier, on what happens from now on (the demo data's own history is not
    // mailed): the same handler Lambda runs, fed from the local stream.
    tokio::spawn(portico_local::stream::run(aws.clone(), prov.table_name.clone(), app));
    // Webhook deliveries, likewise on what happens from now on.
    let webhooks = portico_local::stream::Stream::open(&aws, &prov.table_name).await?;
    tokio::spawn(portico_local::stream::run_webhooks(webhooks, app));

    let stack = json!({
        "api_url": api_url,
        "aws_endpoint_url": moto.endpoint,
        "region": portico_local::stack::REGION,
        "user_pool_id": prov.user_pool_id,
        "user_pool_client_id": prov.user_pool_client_id,
        "table_name": prov.table_name,
        "bucket": prov.bucket,
        "tenant_id": seeded.tenant_id,
        "operator": seeded.operator,
        "admin": seeded.admin,
        "demo": seeded.demo,
        "site_member": seeded.site_member,
        "division_member": seeded.division_member,
        "back_office": seeded.back_office,
        // The seeding's own sign-ins of the logins with an authenticator app (valid for
        // an hour): a code counts once, so tools and tests take these rather than sign in
        // again within the same 30 seconds.
        "operator_token": seeded.operator_token,
        "admin_token": seeded.admin_token,
    });
    Ok(DevStack { moto, stack, seeded, api_url })
}

async fn dev() -> anyhow::Result<()> {
    let api_port: u16 = std::env::var("PORTICO_API_PORT").ok().and_then(|p| p.parse().ok()).unwrap_or(3000);
    if !workspace_root().join("web/dist/index.html").is_file() {
        eprintln!(
            "note: web/dist is missing, so http://127.0.0.1:{api_port}/ has no portal pages: `make web` builds them"
        );
    }
    let DevStack { moto, stack, seeded, api_url } = start_dev(api_port).await?;
    std::fs::create_dir_all(stack_file().parent().context("stack dir")?)?;
    std::fs::write(stack_file(), serde_json::to_string_pretty(&stack)?)?;

    let p = seed::DEMO_PASSWORD;
    println!(
        r#"
Portico is running on {api_url}  (Ctrl-C stops it and the local AWS endpoint)

The member portal:    open {api_url}/ in a browser and sign in as a demo member below
The office console:   the same page, signed in as the tenant admin: their password, then
                      the code `make -s totp EMAIL={admin}` prints (it lands in the console)

Sign-ins (password for all: {p})
  platform operator   {op}   (with an authenticator app: `make -s totp EMAIL={op}` shows its code)
  tenant admin        {admin}   (Northwind Facilities; `make -s totp EMAIL={admin}` for the code)
  demo member         {demo}    (Harbor Retail Group: all its sites, incl. child customer;
                                          pays invoices on the local Stripe's page: docs/payments.md)
  site-scoped member  {site}     (only Outlet North)
  division member     {division}    (the Northern region division: Outlet North, and sites filed there later)

Try it:
  TOKEN=$(make -s token EMAIL={demo})
  curl -s -H "Authorization: Bearer $TOKEN" {api_url}/portal/sites
  curl -s -H "Authorization: Bearer $TOKEN" {api_url}/portal/me
  curl -s -H "Authorization: Bearer $TOKEN" "{api_url}/portal/jobs?status=completed"
  curl -s -H "Authorization: Bearer $TOKEN" {api_url}/portal/jobs/export
  curl -s -H "Authorization: Bearer $TOKEN" {api_url}/portal/work-requests
  (walk-throughs of jobs, work requests, quotes, invoices, assets and documents: docs/local-development.md)

The back office:      an integration, "Demo back office", with every scope
  client id           {client_id}
  client secret       {client_secret}
  TOKEN=$(curl -s -u '{client_id}:{client_secret}' -d grant_type=client_credentials \
    {token_url} | sed 's/.*"access_token": *"\([^"]*\)".*/\1/')
  curl -s -H "Authorization: Bearer $TOKEN" {api_url}/admin/customers
  (publishing jobs, quotes and invoices as it: docs/local-development.md)

Emails sent locally:  make mail   (the notifier mails what you do: accept a work request,
                                   publish a completed job, send a quote, post a message)
Stack details:        .local/stack.json
"#,
        op = seeded.operator.username,
        admin = seeded.admin.username,
        demo = seeded.demo.username,
        site = seeded.site_member.username,
        division = seeded.division_member.username,
        client_id = seeded.back_office.client_id,
        client_secret = seeded.back_office.client_secret,
        token_url = seeded.back_office.token_url,
    );
    tokio::signal::ctrl_c().await?;
    eprintln!("stopping…");
    let _ = std::fs::remove_file(stack_file());
    drop(moto);
    Ok(())
}

/// How many stacks the whole browser suite is split across (Playwright's `--shard`): the
/// journeys wait on their stack far more than they compute, so two shards, each against a
/// stack of its own, take little more than half the time on two cores — and share no
/// demo data to collide on.
const WEB_SHARDS: usize = 2;

/// Runs `command` in `web/` against fresh `make dev` stacks on free ports, one per shard
/// (its URL in `PORTICO_WEB_URL`, its details in the file `PORTICO_STACK` names, its
/// Playwright output under `PORTICO_WEB_RESULTS`): the browser journeys (`web-test`) and
/// the first-render figures (`web-bench`). With more than one shard each command gets
/// `--shard=i/n` and its lines are prefixed `[i/n]`. The exit status is this one's.
async fn web_run(what: &str, command: &[&str], shards: usize) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let mut starting = tokio::task::JoinSet::new();
    for shard in 1..=shards {
        let port = free_port()?;
        starting.spawn(async move { start_dev(port).await.map(|dev| (shard, dev)) });
    }
    let mut stacks = Vec::new();
    while let Some(started) = starting.join_next().await {
        stacks.push(started.context("starting a stack")??);
    }
    stacks.sort_by_key(|(shard, _)| *shard);
    let ready = started.elapsed();
    let mut running = tokio::task::JoinSet::new();
    let mut motos = Vec::new();
    for (shard, DevStack { moto, stack, api_url, .. }) in stacks {
        motos.push(moto);
        let suffix = if shards > 1 { format!("-{shard}") } else { String::new() };
        let file = workspace_root().join(format!("target/web-stack{suffix}.json"));
        std::fs::create_dir_all(file.parent().context("target dir")?)?;
        std::fs::write(&file, serde_json::to_string_pretty(&stack)?)?;
        let (program, args) = command.split_first().context("no command")?;
        let mut child = tokio::process::Command::new(program);
        child
            .args(args)
            .current_dir(workspace_root().join("web"))
            .env("PORTICO_WEB_URL", &api_url)
            .env("PORTICO_STACK", &file)
            .env("PORTICO_WEB_RESULTS", workspace_root().join(format!("target/web-test-results{suffix}")));
        if shards > 1 {
            child.arg(format!("--shard={shard}/{shards}")).stdout(std::process::Stdio::piped());
        }
        let mut child =
            child.spawn().with_context(|| format!("running {program} (make web-deps installs the web tools)"))?;
        let out = child.stdout.take();
        running.spawn(async move {
            if let Some(out) = out {
                use tokio::io::AsyncBufReadExt as _;
                let mut lines = tokio::io::BufReader::new(out).lines();
                while let Ok(Some(line)) = lines.next_line().await {
                    println!("[{shard}/{shards}] {line}");
                }
            }
            child.wait().await
        });
    }
    let mut failed = false;
    while let Some(status) = running.join_next().await {
        failed |= !status.context("a shard's runner")?.context("waiting for a shard")?.success();
    }
    println!(
        "web: {shards} stack(s) ready in {:.1} s, {what} in {:.1} s",
        ready.as_secs_f64(),
        (started.elapsed() - ready).as_secs_f64()
    );
    drop(motos);
    if failed {
        bail!("{what} failed (report above)");
    }
    Ok(())
}

/// A readable text version of an email's HTML part: links keep their target, as
/// `text <url>` (the portal's deep links, the unsubscribe link).
fn strip_tags(html: &str) -> String {
    let body = html.split_once("</head>").map_or(html, |(_, b)| b).replace("</td>", " ").replace("<br>", "\n");
    let mut out = String::new();
    let mut tag: Option<String> = None;
    let mut href: Option<String> = None;
    for c in body.chars() {
        match (c, tag.as_mut()) {
            ('<', None) => tag = Some(String::new()),
            ('>', Some(t)) => {
                if let Some(rest) = t.strip_prefix("a ") {
                    href = rest.split_once("href=\"").and_then(|(_, v)| v.split_once('"')).map(|(v, _)| v.to_owned());
                } else if t == "/a" {
                    if let Some(h) = href.take() {
                        out.push_str(&format!(" <{h}>"));
                    }
                }
                tag = None;
            }
            (c, Some(t)) => t.push(c),
            (c, None) => out.push(c),
        }
    }
    let text = out
        .replace("&#39;", "'")
        .replace("&#34;", "\"")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
    text.lines().map(str::trim).filter(|l| !l.is_empty()).collect::<Vec<_>>().join("\n")
}

async fn mail() -> anyhow::Result<()> {
    let stack = read_stack()?;
    let endpoint = stack["aws_endpoint_url"].as_str().context("aws_endpoint_url")?;
    let mails = mailbox::all(endpoint).await?;
    if mails.is_empty() {
        println!("no emails sent yet");
    }
    for m in mails {
        println!(
            "──────────────────────────────────────────────\nFrom:    {}\nTo:      {}\nSubject: {}\n\n{}\n",
            m.source,
            m.destinations.to.join(", "),
            m.subject,
            strip_tags(&m.body)
        );
    }
    Ok(())
}

/// Recomputes a tenant's report cells (docs/reports.md): the local stack's demo tenant by
/// default, or any table the environment names.
async fn reports_rebuild(args: &[&str]) -> anyhow::Result<()> {
    let write = args.contains(&"--write");
    let named = args.iter().find(|a| !a.starts_with("--")).map(|s| (*s).to_owned());
    let (app, tenant) = if std::env::var_os("PORTICO_TABLE").is_some() {
        let tenant = named.context("name the tenant: portico-local reports-rebuild [--write] <tenant_id>")?;
        (portico::App::from_env().await?, tenant)
    } else {
        let stack = read_stack()?;
        let get =
            |k: &str| stack[k].as_str().map(str::to_owned).with_context(|| format!("{k} missing from stack.json"));
        let aws = Aws::local(&get("aws_endpoint_url")?, None, 3);
        // Only the table is used; cursors are not signed by a rebuild.
        let config = portico::Config {
            table: get("table_name")?,
            user_pool_id: get("user_pool_id")?,
            sender: provision::SENDER.to_owned(),
            admin_url: get("api_url")?,
            cursor_secret: ulid::Ulid::new().to_string(),
            bucket: get("bucket")?,
            api_url: None,
            configuration_set: None,
            origin_secrets: Vec::new(),
            local: true,
            token_url: String::new(),
            stripe: None,
        };
        let app = portico::App::with_clients(config, aws.dynamodb(), aws.cognito(), aws.ses(), aws.s3());
        (app, named.map_or_else(|| get("tenant_id"), Ok)?)
    };
    let tenant = portico::domain::TenantId::for_operations(&tenant).context("not a tenant id")?;
    let started = std::time::Instant::now();
    let summary = app.store.rebuild_reports(tenant, write).await?;
    println!(
        "{tenant}: {} customers, {} records, {} cells; {} cell(s) {} ({:.1} s)",
        summary.customers,
        summary.records,
        summary.cells,
        summary.drifted,
        if write { "rewritten" } else { "drifted (run with --write to store the recomputation)" },
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// Shell `export` lines that point a Lambda binary (e.g. under `cargo lambda watch`) at
/// the running local stack.
fn env() -> anyhow::Result<()> {
    let stack = read_stack()?;
    let get = |k: &str| stack[k].as_str().map(str::to_owned).with_context(|| format!("{k} missing from stack.json"));
    for (name, value) in [
        ("AWS_ENDPOINT_URL", get("aws_endpoint_url")?),
        ("AWS_REGION", get("region")?),
        ("AWS_ACCESS_KEY_ID", "test".to_owned()),
        ("AWS_SECRET_ACCESS_KEY", "test".to_owned()),
        ("PORTICO_TABLE", get("table_name")?),
        ("PORTICO_USER_POOL_ID", get("user_pool_id")?),
        ("PORTICO_SENDER", provision::SENDER.to_owned()),
        ("PORTICO_ADMIN_URL", get("api_url")?),
        ("PORTICO_CURSOR_SECRET", "local-cursor-secret-not-for-production".to_owned()),
        ("PORTICO_BUCKET", get("bucket")?),
        ("PORTICO_S3_PATH_STYLE", "1".to_owned()),
        ("PORTICO_LOCAL", "1".to_owned()),
    ] {
        println!("export {name}='{value}'");
    }
    Ok(())
}

/// An access token of the demo back office's integration (`make -s back-office-token`),
/// from the token endpoint with its credentials, as a back office gets one.
async fn back_office_token() -> anyhow::Result<()> {
    let stack = read_stack()?;
    let get = |k: &str| stack["back_office"][k].as_str().with_context(|| format!("back_office.{k} in stack.json"));
    let token =
        signin::client_credentials_token(get("token_url")?, get("client_id")?, get("client_secret")?, None).await?;
    println!("{token}");
    Ok(())
}

async fn token(username: &str, password: Option<&str>) -> anyhow::Result<()> {
    let stack = read_stack()?;
    let endpoint = stack["aws_endpoint_url"].as_str().context("aws_endpoint_url")?;
    let client_id = stack["user_pool_client_id"].as_str().context("user_pool_client_id")?;
    let password = password.unwrap_or(seed::DEMO_PASSWORD);
    let aws = Aws::local(endpoint, None, 3);
    match signin::sign_in(&aws.cognito(), client_id, username, password).await? {
        signin::SignIn::Signed(t) => println!("{}", t.id),
        signin::SignIn::NewPasswordRequired { .. } => bail!("{username} must choose a new password first"),
        signin::SignIn::CodeRequired { session } => {
            let secret = totp_secret(&stack, username)?;
            let code = signin::next_code(&secret).await?;
            println!("{}", signin::answer_code(&aws.cognito(), client_id, username, &session, &code).await?.id);
        }
    }
    Ok(())
}

/// The authenticator-app secret of a demo login, from `.local/stack.json`.
fn totp_secret(stack: &Value, username: &str) -> anyhow::Result<String> {
    let logins = stack.as_object().context("stack.json")?.values();
    logins
        .filter(|l| l["username"].as_str() == Some(username))
        .find_map(|l| l["totp_secret"].as_str().map(str::to_owned))
        .with_context(|| format!("{username} has no authenticator app among the demo logins"))
}

/// What the demo login's authenticator app shows now.
fn totp(username: &str) -> anyhow::Result<()> {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_secs();
    println!("{}", signin::totp_code(&totp_secret(&read_stack()?, username)?, now)?);
    Ok(())
}

/// The environment a Portico function has, as the cold-start figures give it.
fn bench_env() -> Vec<(String, String)> {
    [
        ("AWS_REGION", "us-east-1"),
        ("AWS_ACCESS_KEY_ID", "bench"),
        ("AWS_SECRET_ACCESS_KEY", "bench"),
        ("PORTICO_TABLE", "portico"),
        ("PORTICO_USER_POOL_ID", "us-east-1_bench"),
        ("PORTICO_SENDER", "portal@portico.test"),
        ("PORTICO_ADMIN_URL", "https://admin.portico.test"),
        ("PORTICO_CURSOR_SECRET", "bench-secret-bench-secret-bench-secret"),
        ("PORTICO_BUCKET", "portico-files"),
        ("PORTICO_METRICS_OFF", "1"),
        ("RUST_LOG", "off"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

/// Instructions to the first Runtime API poll, by callgrind (see `bench.rs`).
async fn init_instructions(binary: &str) -> anyhow::Result<()> {
    let mut env = bench_env();
    if std::env::var("PORTICO_BENCH_AS").is_ok_and(|v| v == "notifier") {
        env.push(("PORTICO_TRIGGER".into(), "notifier".into()));
    }
    let n = portico_local::bench::instructions_to_first_poll(std::path::Path::new(binary), &env).await?;
    println!("{binary}: {n} instructions to the first poll of the Runtime API");
    Ok(())
}

/// Cold starts of `binary` against a local Runtime API: prints median and p90 of init and
/// first invocation. The binary gets the environment a Portico function has.
async fn init_time(binary: &str, runs: usize) -> anyhow::Result<()> {
    let mut env = bench_env();
    // An event no route matches: the handler answers 404 without any network call.
    // `PORTICO_BENCH_AS=notifier`: the notifier function, given an empty stream batch.
    let notifier = std::env::var("PORTICO_BENCH_AS").is_ok_and(|v| v == "notifier");
    if notifier {
        env.push(("PORTICO_TRIGGER".into(), "notifier".into()));
    }
    let api_event = r#"{"version":"2.0","routeKey":"GET /bench","rawPath":"/bench","rawQueryString":"","headers":{},"requestContext":{"accountId":"1","apiId":"b","domainName":"b","domainPrefix":"b","http":{"method":"GET","path":"/bench","protocol":"HTTP/1.1","sourceIp":"127.0.0.1","userAgent":"bench"},"requestId":"r","routeKey":"GET /bench","stage":"$default","time":"","timeEpoch":0},"isBase64Encoded":false}"#;
    let event = if notifier { r#"{"Records":[]}"# } else { api_event };
    let path = std::path::Path::new(binary);
    let mut inits = Vec::new();
    let mut invokes = Vec::new();
    portico_local::bench::cold_start(path, &env, event).await?; // warm the page cache
    for _ in 0..runs {
        let c = portico_local::bench::cold_start(path, &env, event).await?;
        inits.push(c.init.as_secs_f64() * 1000.0);
        invokes.push(c.first_invoke.as_secs_f64() * 1000.0);
    }
    let stat = |v: &mut Vec<f64>| {
        v.sort_by(|a, b| a.total_cmp(b));
        (v[v.len() / 2], v[(v.len() * 9 / 10).min(v.len() - 1)])
    };
    let (i50, i90) = stat(&mut inits);
    let (f50, f90) = stat(&mut invokes);
    let binary = if notifier { format!("{binary} (notifier)") } else { binary.to_owned() };
    println!("{binary}: init median {i50:.2} ms, p90 {i90:.2} ms; first invoke median {f50:.2} ms, p90 {f90:.2} ms ({runs} runs)");
    Ok(())
}

/// The API against its OpenAPI document; fails on any failed check.
async fn fuzz() -> anyhow::Result<()> {
    let mut budget = portico_local::fuzz::Budget::default();
    if let Some(seed) = std::env::var("PORTICO_FUZZ_SEED").ok().and_then(|s| s.parse().ok()) {
        budget.seed = seed;
    }
    if let Some(n) = std::env::var("PORTICO_FUZZ_EXAMPLES").ok().and_then(|s| s.parse().ok()) {
        budget.max_examples = n;
    }
    budget.random = std::env::var("PORTICO_FUZZ_RANDOM").is_ok_and(|v| v == "1");
    let outcomes = portico_local::fuzz::run(&budget).await?;
    let (mut cases, mut failures) = (0, 0);
    for o in &outcomes {
        println!(
            "fuzz: {:<8} {:>3} operations, {:>5} cases, {} failures, {} mostly rejected",
            o.caller,
            o.operations,
            o.cases,
            o.failures,
            o.mostly_rejected.len()
        );
        cases += o.cases;
        failures += o.failures;
    }
    let rejected: Vec<String> = outcomes
        .iter()
        .flat_map(|o| o.mostly_rejected.iter().map(move |op| format!("{} ({})", op, o.caller)))
        .collect();
    println!(
        "fuzz: {cases} cases in all (seed {}; every boundary, and at most {} random cases per operation and mode {}; checks: {})",
        budget.seed,
        budget.max_examples,
        if budget.random { "for every operation" } else { "for the write-heavy ones" },
        portico_local::fuzz::CHECKS.join(", ")
    );
    if !rejected.is_empty() {
        bail!(
            "these operations mostly rejected what schemathesis generated from the document, which must then be \
             missing a rule the API enforces (a pattern, a length, a bound, an enum): {}",
            rejected.join(", ")
        );
    }
    if failures > 0 || outcomes.iter().any(|o| !o.exit_ok) {
        bail!("the API does not keep its OpenAPI document: see schemathesis' report above");
    }
    let errors = portico_local::fuzz::error_lines();
    println!("fuzz: {errors} log lines at ERROR");
    if errors > 0 {
        bail!("the handlers logged {errors} lines at ERROR while fuzzing (above): a client's input must never do that");
    }
    Ok(())
}

/// `load-bench`: the issue's tenant (1,000 customers, 5,000 sites, 50,000 jobs) divided
/// by `PORTICO_LOAD_DIVISOR` (default 5: a fifth, what loads in about four minutes on a
/// two-core machine; 1 loads the whole tenant, in about twenty), through the batch route, `PORTICO_LOAD_CONCURRENCY` requests at a
/// time (default 1: moto slows down under concurrent transactions); a sample of a tenth
/// of that through single PUTs.
/// Against its own stack, without the web ACL's limits (a load is a burst by design).
async fn load_bench() -> anyhow::Result<()> {
    use portico_local::bench::load::{self, Scale};
    let env = |name: &str, default: usize| std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default);
    let (divisor, concurrency) = (env("PORTICO_LOAD_DIVISOR", 500).max(1), env("PORTICO_LOAD_CONCURRENCY", 1).max(1));
    let scale = Scale::FULL.divided(divisor);
    let sample = scale.divided(10);

    let moto = Moto::start(free_port()?)?;
    let aws = Aws::local(&moto.endpoint, None, 3);
    let prov = provision::provision(&aws).await?;
    let limits = portico_local::limits::Limits::off();
    let (bound, _app) =
        start_api(&aws, &prov, ([127, 0, 0, 1], 0).into(), "https://admin.portico.test", limits).await?;
    let api = ApiClient::new(&format!("http://{bound}"));
    let password = "Bench-Pass-2026!x";
    let operator = seed::operator(&aws, &prov, "operator@bench.test", password).await?.token(&aws, &prov).await?;
    let body = json!({"name": "Load Bench", "admin_email": "admin@bench.test", "admin_first_name": "B", "admin_last_name": "Admin"});
    api.expect(201, "POST", "/platform/tenants", &operator, Some(&body)).await?;
    let (_, admin) = seed::accept_admin_invitation(&aws, &prov, "admin@bench.test", password).await?;
    let settings = json!({"features": ["jobs"], "branding": {"display_name": "Bench", "portal_url": "https://portal.bench.test",
        "sender_email": "office@bench.test"}, "default_locale": "en",
        "work_order_types": [{"code": "repair", "name": "Repair"}], "setup_complete": true});
    api.expect(200, "PUT", "/admin/settings", &admin, Some(&settings)).await?;

    println!(
        "== load: a generated tenant of {} customers, {} sites, {} jobs (the issue's tenant / {divisor}; PORTICO_LOAD_DIVISOR=1 for all of it), {concurrency} requests at a time, local stack (moto)",
        scale.customers, scale.sites, scale.jobs
    );
    let report = load::run(&api, &admin, scale, sample, concurrency).await?;
    let line = |what: &str, r: load::Rate| {
        println!(
            "   {what:34} {:>6} items in {:>7.1} s: {:>7.1} items/s",
            r.items,
            r.took.as_secs_f64(),
            r.per_second()
        )
    };
    line("POST /admin/batch (100 per request)", report.batch);
    line("single PUTs (a sample, same mix)", report.single);
    line("batch re-sent (nothing changes)", report.resend);
    println!("   batch / single PUTs: {:.2}x", report.batch.per_second() / report.single.per_second());
    drop(moto);
    Ok(())
}

fn main() -> anyhow::Result<()> {
    // Metrics lines are for CloudWatch; locally they are noise. Set before any thread starts.
    std::env::set_var("PORTICO_METRICS_OFF", "1");
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().is_some_and(|a| ["fuzz", "web-test", "web-bench"].contains(&a.as_str()))
        && std::env::var_os("RUST_LOG").is_none()
    {
        // The fuzzer's and the browser's reports are what matter; the handlers' request
        // lines would bury them.
        std::env::set_var("RUST_LOG", "error");
    }
    if args.first().is_some_and(|a| a == "fuzz") {
        let filter = std::env::var("RUST_LOG").unwrap_or_default();
        portico::observability::init_tracing_to(|| portico_local::fuzz::CountingErrors, &filter);
    } else {
        portico::observability::init_tracing();
    }
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async {
        match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
            ["dev"] => dev().await,
            ["generate"] => portico_local::generate::write(&workspace_root()),
            ["mail"] => mail().await,
            ["env"] => env(),
            ["token", user] => token(user, None).await,
            ["token", user, password] => token(user, Some(password)).await,
            ["totp", user] => totp(user),
            ["back-office-token"] => back_office_token().await,
            ["init-time", binary, runs] => init_time(binary, runs.parse()?).await,
            ["init-instructions", binary] => init_instructions(binary).await,
            ["load-bench"] => load_bench().await,
            ["fuzz"] => fuzz().await,
            ["reports-rebuild", rest @ ..] => reports_rebuild(rest).await,
            ["web-test", rest @ ..] => {
                let command = [&["npx", "--no-install", "playwright", "test"], rest].concat();
                // The whole suite is sharded; a chosen spec or filter runs on one stack.
                let shards = if rest.is_empty() { WEB_SHARDS } else { 1 };
                web_run("the browser journeys (screenshots in target/web-screenshots/)", &command, shards).await
            }
            ["web-bench"] => web_run("the first-render bench", &["node", "bench/first-render.mjs"], 1).await,
            _ => {
                bail!("usage: portico-local dev | generate | mail | env | fuzz | token <username> [password] | back-office-token | totp <username> | reports-rebuild [--write] [tenant] | web-test [playwright args] | web-bench | init-time <binary> <runs> | init-instructions <binary> | load-bench")
            }
        }
    })
}

#[cfg(test)]
mod tests {
    use super::strip_tags;

    #[test]
    fn links_keep_their_targets_and_entities_are_read() {
        let html = r#"<html><head><title>x</title></head><body><p>Hello &#34;Ann&#34;,</p>
            <p>Why. <a href="http://127.0.0.1:3000/mail/unsubscribe?token=a.b" style="c">Stop these emails</a></p></body></html>"#;
        assert_eq!(
            strip_tags(html),
            "Hello \"Ann\",\nWhy. Stop these emails <http://127.0.0.1:3000/mail/unsubscribe?token=a.b>"
        );
    }
}
