//! `portico-local fuzz`: the API against its own OpenAPI document, with schemathesis.
//!
//! Starts a local stack of its own (moto, provisioning, the gateway on a free port),
//! seeds the demo tenant through the API (so lists have items whose shape is checked),
//! writes the current document (from the code, so a new route is fuzzed without anyone
//! adding it), and runs schemathesis once per kind of caller over the operations of its
//! tag — operator (`platform`), admin (`admin`), member (`portal`), anyone without a
//! token (`mail`, the links in emails) — with a fixed seed
//! and a bounded number of cases. Any failure of any check fails the run, and so does
//! schemathesis' warning that an operation "mostly rejected generated data": the
//! document would then be missing a rule the API enforces, and the fuzzer would be
//! testing validation rather than what lies behind it.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

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

/// How hard to look. The coverage phase sends every boundary the document states
/// (lengths, bounds, patterns, formats, enums) to every operation and is not bounded.
/// The fuzzing phase (random cases, at most `max_examples` per operation and mode) runs
/// for every operation only when `random` is set (`PORTICO_FUZZ_RANDOM=1`: it adds
/// several minutes, most of them Hypothesis building strings for the document's
/// patterns); otherwise only for [`WRITE_HEAVY`]'s positive cases.
#[derive(Debug, Clone)]
pub struct Budget {
    pub seed: u64,
    pub max_examples: u32,
    pub random: bool,
}

impl Default for Budget {
    fn default() -> Self {
        Self { seed: 2026, max_examples: 5, random: false }
    }
}

/// Operations whose every accepted case writes a large record with its derived items
/// (a job, a quote, an invoice, a member and its unique address): the coverage phase's
/// hundreds of valid boundary bodies took two thirds of the run, moto copying its tables
/// for every transaction. Their boundaries are sent as negative cases (each refused before
/// any write), and a few random valid bodies in the fuzzing phase reach their writes.
pub const WRITE_HEAVY: [&str; 4] = ["UpsertJob", "UpsertQuote", "UpsertInvoice", "CreateMember"];

/// Operations that accept only what no document can state, so that schemathesis' cases
/// are refused whatever the document says: the processor's events are signed over the
/// moment they are sent (`Stripe-Signature`), and a payment names each invoice with the
/// balance the member's page showed just now. Their refusals are still checked (status,
/// content type, schema, no 5xx); the "mostly rejected" warning is not a missing rule
/// for them. Their acceptance is proved by tests/tests/api/payments.rs.
pub const ACCEPT_ONLY_WHAT_WAS_SHOWN: [&str; 2] = ["POST /portal/invoices/pay", "POST /webhooks/stripe"];

/// One schemathesis run's outcome.
#[derive(Debug, Default)]
pub struct Outcome {
    pub caller: &'static str,
    pub operations: usize,
    pub cases: usize,
    pub failures: usize,
    /// Operations schemathesis found "mostly rejected generated data" (its schema
    /// validation mismatch warning): each one a rule the document does not state.
    pub mostly_rejected: Vec<String>,
    pub exit_ok: bool,
}

/// The warning that fails the run, as schemathesis prints it.
const MOSTLY_REJECTED: &str = "mostly rejected generated data";

fn schemathesis() -> PathBuf {
    std::env::var_os("PORTICO_SCHEMATHESIS")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join(".venv/bin/schemathesis"))
}

/// The log lines written at ERROR while the fuzzer runs: a client's input — however odd —
/// must never produce one (an alarm on ERROR would page someone for it).
static ERROR_LINES: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// How many ERROR lines the handlers logged so far.
pub fn error_lines() -> usize {
    ERROR_LINES.load(std::sync::atomic::Ordering::SeqCst)
}

/// The log writer of a fuzzing run: stderr, counting the ERROR lines on the way.
#[derive(Clone, Copy, Default)]
pub struct CountingErrors;

impl std::io::Write for CountingErrors {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        // One event is one write: the JSON formatter writes a whole line at once.
        const ERROR: &[u8] = br#""level":"ERROR""#;
        if buf.windows(ERROR.len()).any(|w| w == ERROR) {
            ERROR_LINES.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        }
        std::io::stderr().write(buf)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        std::io::stderr().flush()
    }
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
    let (_, app) =
        start_api(&aws, &prov, ([127, 0, 0, 1], port).into(), &api_url, crate::limits::Limits::off()).await?;
    eprintln!("fuzz: local API on {api_url}; seeding the demo tenant…");
    let seeded = seed::seed(&ApiClient::new(&api_url), &aws, &prov, &api_url).await?;

    let token = |login: seed::Login| {
        let (aws, prov) = (aws.clone(), prov.clone());
        async move { login.token(&aws, &prov).await }
    };
    let admin = seeded.admin_token.clone();
    let member = token(seeded.demo.clone()).await?;
    let mut known = known_ids(&ApiClient::new(&api_url), &admin, &member).await?;
    let tokens = unsubscribe_tokens(app, &seeded, &known)?;
    add(&mut known.all, "token", tokens);

    let dir = workspace_root().join("target/fuzz");
    std::fs::create_dir_all(&dir)?;
    let schema = dir.join("openapi.json");
    let mut doc = portico_functions::openapi::api()?;
    doc["servers"] = serde_json::json!([{"url": api_url}]);
    drop_examples(&mut doc);
    name_real_objects(&mut doc, &mut known);
    confirmable_reply_to(&mut doc, app, &seeded, &ApiClient::new(&api_url), &admin).await?;
    std::fs::write(&schema, serde_json::to_string_pretty(&doc)?)?;
    let config = dir.join("schemathesis.toml");
    std::fs::write(&config, config_toml(&known, budget))?;
    // The admin goes last: what it changes (features off, members disabled) must not
    // stop the others' runs from reaching their routes.
    // The public routes (the links in emails) are called with no token at all.
    // The tenant's settings go last of all, on their own: undoing the set-up or switching
    // features off in the middle would leave every later admin case refused for that.
    let settings_last = ["--include-tag", "admin", "--exclude-operation-id", "PutSettings"];
    let callers: [(&'static str, &[&str], Option<String>); 5] = [
        ("operator", &["--include-tag", "platform"], Some(seeded.operator_token.clone())),
        ("member", &["--include-tag", "portal"], Some(member)),
        ("anyone", &["--include-tag", "mail"], None),
        ("admin", &settings_last, Some(admin.clone())),
        ("settings", &["--include-operation-id", "PutSettings"], Some(admin)),
    ];
    // `PORTICO_FUZZ_CALLERS=member,admin`: only those (while working on their routes).
    let only = std::env::var("PORTICO_FUZZ_CALLERS").ok();
    let wanted = |caller: &str| only.as_deref().is_none_or(|o| o.split(',').any(|c| c.trim() == caller));
    let mut outcomes = Vec::new();
    for (caller, which, token) in callers.into_iter().filter(|(caller, _, _)| wanted(caller)) {
        eprintln!("fuzz: {caller} on {}…", which.join(" "));
        outcomes.push(fuzz_as(&program, &config, &schema, &dir, &api_url, caller, which, token.as_deref(), budget)?);
    }
    drop(moto);
    Ok(outcomes)
}

/// Ids by the parameter names that take them.
type Ids = std::collections::BTreeMap<&'static str, Vec<String>>;

fn add(ids: &mut Ids, name: &'static str, values: impl IntoIterator<Item = String>) {
    let list = ids.entry(name).or_default();
    for v in values {
        if !list.contains(&v) {
            list.push(v);
        }
    }
}

/// What the fuzzer is given of the demo tenant, so that its cases name real objects
/// and reach the handlers' logic rather than only their 404s.
#[derive(Debug, Default)]
pub struct Known {
    /// Every object (paths; the fuzzing phase's dictionaries).
    pub all: Ids,
    /// Objects that belong together — one customer, its site, an asset there, its jobs,
    /// a file its member may attach — for bodies, which name several at once.
    pub home: Ids,
    /// Objects made to be used up, one for each operation that uses one up (a delete,
    /// a decision): without them, the first operation to delete or decide the example
    /// would leave every later case of every later one refused.
    pub spare: Ids,
}

/// Reads the demo tenant's objects through the API, and makes spare ones.
async fn known_ids(api: &ApiClient, admin: &str, member: &str) -> anyhow::Result<Known> {
    let mut known = Known::default();
    let items = |v: &Value| v["items"].as_array().cloned().unwrap_or_default();
    let field = |items: &[Value], f: &str| -> Vec<String> {
        items.iter().filter_map(|i| i[f].as_str().map(str::to_owned)).collect()
    };
    let list = |path: String| async move {
        let joint = if path.contains('?') { '&' } else { '?' };
        api.expect(200, "GET", &format!("{path}{joint}limit=200"), admin, None).await
    };

    // The home customer: the one of the demo member's first site (so that what the member
    // sends, and what the admin publishes for them, agree); its own sites first.
    let mut sites: Vec<Value> = Vec::new();
    let customers = field(&items(&list("/admin/customers".into()).await?), "id");
    for c in &customers {
        sites.extend(items(&list(format!("/admin/customers/{c}/sites")).await?));
    }
    let own = |c: &str| field(&sites.iter().filter(|s| s["customer_id"] == c).cloned().collect::<Vec<_>>(), "id");
    let theirs = items(&api.expect(200, "GET", "/portal/sites?limit=200", member, None).await?);
    let first = theirs.first().context("the demo member sees no sites")?;
    let home = first["customer_id"].as_str().context("a site without its customer")?.to_owned();
    let home_site = first["id"].as_str().context("a site without its id")?.to_owned();
    let mut home_sites = vec![home_site.clone()];
    home_sites.extend(own(&home).into_iter().filter(|s| *s != home_site));
    add(&mut known.home, "customer_id", [home.clone()]);
    add(&mut known.home, "site_id", home_sites.clone());
    add(&mut known.all, "customer_id", [home.clone()]);
    add(&mut known.all, "customer_id", customers.clone());
    add(&mut known.all, "site_id", home_sites);
    add(&mut known.all, "site_id", field(&sites, "id"));
    let home_first = std::iter::once(&home).chain(customers.iter().filter(|c| **c != home));
    for c in home_first {
        let mut divisions = field(&items(&list(format!("/admin/customers/{c}/divisions")).await?), "id");
        let mut contacts = field(&items(&list(format!("/admin/customers/{c}/contacts")).await?), "id");
        if *c == home {
            // A division and a contact of the home customer's own (the demo's may be its
            // child customer's), first: what a site or a grant names must be its.
            let made = |path: String, body: Value| async move {
                id(&api.expect(201, "POST", &path, admin, Some(&body)).await?)
            };
            divisions.insert(0, made(format!("/admin/customers/{home}/divisions"), json!({"name": "Home"})).await?);
            let contact = json!({"first_name": "Home", "last_name": "Contact", "email": "home.contact@harbor.test",
                "role": "facilities"});
            contacts.insert(0, made(format!("/admin/customers/{home}/contacts"), contact).await?);
            add(&mut known.home, "division_id", divisions.clone());
            add(&mut known.home, "contact_id", contacts.clone());
        }
        add(&mut known.all, "division_id", divisions);
        add(&mut known.all, "contact_id", contacts);
    }
    add(&mut known.all, "member_id", field(&items(&list("/admin/members".into()).await?), "id"));
    add(&mut known.all, "group_id", field(&items(&list("/admin/access-groups".into()).await?), "id"));

    // A file the demo member may attach (and the admin too).
    let photo = api.upload(member, "/portal/uploads", "photo.jpg", "image/jpeg", b"\xff\xd8\xff\xe0fuzz", None).await?;
    add(&mut known.home, "file_id", [photo.clone()]);
    add(&mut known.all, "file_id", [photo]);

    // A job at the home site (what a quote, or accepting a request, may name).
    let job = json!({"customer_id": home, "site_id": home_site, "category": "repair", "status": "scheduled"});
    let job = id(&api.expect(201, "PUT", "/admin/jobs/FUZZ-J-1", admin, Some(&job)).await?)?;
    add(&mut known.home, "job_id", [job]);

    // Records, the home site's first: by Portico's id, then by the back office's
    // reference (the admin's routes take either); bodies take the home site's ids.
    for (name, path) in [
        ("job_id", "/admin/jobs"),
        ("quote_id", "/admin/quotes"),
        ("invoice_id", "/admin/invoices"),
        ("asset_id", "/admin/assets"),
    ] {
        let records = items(&list(path.into()).await?);
        let (here, elsewhere): (Vec<Value>, Vec<Value>) = records.into_iter().partition(|r| r["site_id"] == home_site);
        add(&mut known.home, name, field(&here, "id"));
        for r in [&here, &elsewhere] {
            add(&mut known.all, name, field(r, "id"));
        }
        for r in [&here, &elsewhere] {
            add(&mut known.all, name, field(r, "external_ref"));
        }
        if name == "job_id" {
            let files = here.iter().flat_map(|j| field(j["attachments"].as_array().map_or(&[], |a| a), "file_id"));
            add(&mut known.all, "file_id", files.collect::<Vec<_>>());
        }
    }
    add(&mut known.all, "request_id", field(&items(&list("/admin/work-requests".into()).await?), "id"));
    add(&mut known.all, "document_id", field(&items(&list("/admin/documents".into()).await?), "id"));
    add(&mut known.all, "message_id", field(&items(&list("/admin/messages".into()).await?), "id"));

    // Spares: what deletes and decisions use up.
    let post = |path: String, token: &str, body: Value| {
        let token = token.to_owned();
        async move { anyhow::Ok(id(&api.expect(201, "POST", &path, &token, Some(&body)).await?)?) }
    };
    let file = api.upload(admin, "/admin/files", "spare.pdf", "application/pdf", b"%PDF-1.4 spare", None).await?;
    let spares = [
        ("customer_id", post("/admin/customers".into(), admin, json!({"name": "Spare customer"})).await?),
        ("division_id", post(format!("/admin/customers/{home}/divisions"), admin, json!({"name": "Spare"})).await?),
        (
            "site_id",
            post(
                format!("/admin/customers/{home}/sites"),
                admin,
                json!({"name": "Spare", "address": "1 Spare Street"}),
            )
            .await?,
        ),
        ("group_id", post("/admin/access-groups".into(), admin, json!({"name": "Spare group"})).await?),
        (
            "member_id",
            post(
                "/admin/members".into(),
                admin,
                json!({"customer_id": home, "first_name": "Spare", "last_name": "Member",
                "email": "spare.member@harbor.test"}),
            )
            .await?,
        ),
        (
            "contact_id",
            post(
                format!("/admin/customers/{home}/contacts"),
                admin,
                json!({"first_name": "Spare", "last_name": "Contact",
                "email": "spare.contact@harbor.test", "role": "facilities"}),
            )
            .await?,
        ),
        (
            "document_id",
            post(
                "/admin/documents".into(),
                admin,
                json!({"customer_id": home, "file_id": file, "title": "Spare",
                "visible_in_portal": false}),
            )
            .await?,
        ),
        (
            "message_id",
            post(
                "/admin/messages".into(),
                admin,
                json!({"title": "Spare", "body": "Spare.", "audience": {"all": true}}),
            )
            .await?,
        ),
    ];
    for (name, value) in spares {
        add(&mut known.spare, name, [value]);
    }
    for n in 0..DECIDABLE {
        let quote = json!({"customer_id": home, "site_id": home_site, "title": format!("Fuzz {n}"), "currency": "EUR",
            "status": "sent", "lines": [{"description": "Work", "quantity": 1, "unit_price": 100}]});
        let quote = id(&api.expect(201, "PUT", &format!("/admin/quotes/FUZZ-Q-{n}"), admin, Some(&quote)).await?)?;
        let request =
            post("/portal/work-requests".into(), member, json!({"subject": format!("Fuzz {n}"), "site_id": home_site}))
                .await?;
        // The first two of each for the decisions' coverage phase, the rest for fuzzing.
        let into = if n < 2 { &mut known.spare } else { &mut known.all };
        add(into, "quote_id", [quote]);
        add(into, "request_id", [request]);
    }
    Ok(known)
}

/// Sent quotes and submitted work requests made for the run: decisions use them up.
const DECIDABLE: usize = 30;

fn id(v: &Value) -> anyhow::Result<String> {
    v["id"].as_str().map(str::to_owned).with_context(|| format!("no id in {v}"))
}

/// Signed unsubscribe links for the demo tenant's members, one per kind of notification,
/// as the emails carry them: the public routes' only parameter, impossible to guess.
fn unsubscribe_tokens(app: &portico::App, seeded: &seed::Seeded, known: &Known) -> anyhow::Result<Vec<String>> {
    use portico::domain::ids::{MemberId, TenantId};
    use portico::domain::mailing::NotificationKind::*;
    use portico::mail::unsubscribe::{Party, Unsubscribe};
    let tenant = TenantId::for_operations(&seeded.tenant_id).map_err(|e| anyhow::anyhow!("tenant id: {e}"))?;
    let member = known
        .all
        .get("member_id")
        .and_then(|m| m.iter().find_map(|m| MemberId::parse(m).ok()))
        .context("the demo tenant has no members")?;
    Ok([Quotes, Invoices, JobsCompleted, JobStatus, WorkRequests, Messages, Payments]
        .into_iter()
        .map(|kind| {
            let link = Unsubscribe { tenant, party: Party::Member(member), kind, locale: Default::default() };
            link.token(app.store.cursors())
        })
        .collect())
}

/// The code that confirms the demo tenant's reply address, as the email to it says (the
/// fuzzer holds the app's signing key, as it does for unsubscribe links): the only code
/// a positive case can send.
async fn confirmable_reply_to(
    doc: &mut Value,
    app: &portico::App,
    seeded: &seed::Seeded,
    api: &ApiClient,
    admin: &str,
) -> anyhow::Result<()> {
    use portico::domain::ids::TenantId;
    use portico::domain::text::Email;
    let settings = api.expect(200, "GET", "/admin/settings", admin, None).await?;
    let Some(address) = settings["branding"]["sender_email"].as_str() else { return Ok(()) };
    let tenant = TenantId::for_operations(&seeded.tenant_id).map_err(|e| anyhow::anyhow!("tenant id: {e}"))?;
    let email = Email::parse(address).map_err(|e| anyhow::anyhow!("sender_email: {e}"))?;
    let (code, _) = portico::mail::reply_to::issue(app.store.cursors(), tenant, &email, portico::domain::clock::now());
    for body in ["SenderEmailConfirmation", "SenderEmailConfirmationSent"] {
        if let Some(props) = doc["components"]["schemas"][body]["properties"].as_object_mut() {
            props.insert("code".into(), json!({"type": "string", "enum": [code]}));
        }
    }
    Ok(())
}

/// Whether an operation uses up the object its path names: a delete, or a decision
/// that can be taken once.
fn uses_up(method: &str, path: &str) -> bool {
    method == "delete" || ["/approve", "/reject", "/accept", "/decline"].iter().any(|a| path.ends_with(a))
}

/// The request examples (the ids of the `events/api` fixtures' world, which the fuzzer's
/// tenant does not have) go: every case comes from the schemas.
fn drop_examples(doc: &mut Value) {
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else { return };
    for op in paths.values_mut().filter_map(Value::as_object_mut).flat_map(|item| item.values_mut()) {
        for p in op.get_mut("parameters").and_then(Value::as_array_mut).into_iter().flatten() {
            p.as_object_mut().map(|p| p.remove("example"));
        }
        for media in op
            .pointer_mut("/requestBody/content")
            .and_then(Value::as_object_mut)
            .into_iter()
            .flat_map(|c| c.values_mut())
        {
            media.as_object_mut().map(|m| m.remove("example"));
        }
    }
}

/// The document schemathesis reads names the demo tenant's objects in its examples —
/// the examples and coverage phases build their cases from a value's example (the
/// fuzzing phase from the dictionaries) — and dates that make sense together. Examples
/// are not rules, with one exception: an id is one of the objects the tenant holds (an id
/// of nothing has the right shape and is refused all the same).
fn name_real_objects(doc: &mut Value, known: &mut Known) {
    let components = doc["components"]["schemas"].clone();
    let resolved = |schema: &Value| match schema["$ref"].as_str().and_then(|r| r.rsplit('/').next()) {
        Some(component) => components[component].clone(),
        None => schema.clone(),
    };
    let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) else { return };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else { continue };
        for (method, op) in item.iter_mut() {
            let upsert = op["operationId"].as_str().is_some_and(|o| o.starts_with("Upsert"));
            let params = op.get_mut("parameters").and_then(Value::as_array_mut);
            for p in params.into_iter().flatten() {
                let name = p["name"].as_str().unwrap_or_default().to_owned();
                let mut schema = resolved(&p["schema"]);
                // What is used up is given as a default, which only the coverage phase
                // reads: the examples phase does not spend it first.
                if name == "X-View-As" {
                    // An admin's (the fuzzer calls the portal as a member, to whom it is a
                    // 403 by design): tests/tests/api/view_as.rs holds it to its rules.
                    p["drop"] = json!(true);
                    continue;
                }
                if name == "If-Match" && (uses_up(method, path) || upsert) {
                    // What another operation did to a spare first (the pool hands its
                    // id around) would leave any version stale: these go without. So do
                    // the back office's upserts, which mostly create, and no version
                    // matches what is not there yet (412: tests/tests/api/odd_input.rs).
                    p["drop"] = json!(true);
                    continue;
                }
                if schema["pattern"].as_str() == Some(portico::store::cursor::CURSOR_PATTERN) {
                    // Only a cursor the API issued is one, and those are signed: the one
                    // a client can always send is the empty one (the first page). Any
                    // other stays for the negative cases.
                    p["schema"] = json!({"type": "string", "maxLength": 0});
                    continue;
                }
                let spare = known.spare.get_mut(name.as_str()).filter(|_| p["in"] == "path" && uses_up(method, path));
                if let Some(value) = spare.and_then(|s| (!s.is_empty()).then(|| s.remove(0))) {
                    if let Some(o) = schema.as_object_mut() {
                        o.remove("examples");
                        o.insert("default".into(), json!(value));
                    }
                    p["schema"] = schema;
                    continue;
                }
                let fits: Vec<&String> =
                    known.all.get(name.as_str()).into_iter().flatten().filter(|v| example_fits(&schema, v)).collect();
                if let Some(first) = fits.first() {
                    p["example"] = json!(first);
                }
            }
            if let Some(params) = op.get_mut("parameters").and_then(Value::as_array_mut) {
                params.retain(|p| p.get("drop").is_none());
            }
        }
    }
    let schemas = &mut doc["components"]["schemas"];
    // Ids in bodies: each id type's own schema, the home customer's objects first.
    let id_types = [
        ("CustomerId", "customer_id"),
        ("SiteId", "site_id"),
        ("DivisionId", "division_id"),
        ("ContactId", "contact_id"),
        ("MemberId", "member_id"),
        ("GroupId", "group_id"),
        ("JobId", "job_id"),
        ("FileId", "file_id"),
        ("WorkRequestId", "request_id"),
        ("QuoteId", "quote_id"),
        ("InvoiceId", "invoice_id"),
        ("AssetId", "asset_id"),
        ("DocumentId", "document_id"),
        ("MessageId", "message_id"),
    ];
    let mut narrowed = std::collections::BTreeSet::new();
    for (schema_name, name) in id_types {
        let schema = &schemas[schema_name];
        let values = known.home.get(name).or_else(|| known.all.get(name));
        let fits: Vec<&String> = values.into_iter().flatten().filter(|v| example_fits(schema, v)).collect();
        if !fits.is_empty() && schema.is_object() {
            // An id of nothing is refused whatever its shape: what a client sends names
            // the tenant's objects, and every other string is negative data. (Responses
            // keep the id's own schema: they name objects made meanwhile.)
            schemas[format!("{schema_name}Known")] = json!({"type": "string", "enum": fits, "examples": fits});
            narrowed.insert(schema_name.to_owned());
        }
    }

    // A work-order type the home customer allows; times in the future, an end after its
    // start.
    schemas["Code"]["examples"] = json!(["repair"]);
    if let Some(job) = known.home.get("job_id").and_then(|j| j.first()) {
        // The job accepting a request links: the home customer's (the request's).
        schemas["AcceptRequest"]["properties"]["job_id"] = json!({"type": "string", "enum": [job]});
    }
    // An upsert's echo of its id and reference (read-only, there so that a PUT takes what
    // its GET returned) is left out of what a positive case sends: it must be the object's
    // own, and most cases create.
    if let Some(all) = schemas.as_object_mut() {
        for (_, body) in all.iter_mut().filter(|(n, _)| n.ends_with("Input")) {
            let Some(props) = body.get_mut("properties").and_then(Value::as_object_mut) else { continue };
            for field in ["id", "external_ref"] {
                if props.get(field).is_some_and(|f| f.to_string().contains("Read-only")) {
                    props.insert(field.into(), json!({"type": "null"}));
                }
            }
        }
    }
    let timestamp = schemas["Timestamp"].clone();
    times_written_out(schemas, &timestamp);
    dated(schemas);
    own_addresses(schemas);
    parents_known(schemas, &narrowed);
    sent_ids_known(doc, &narrowed);
}

/// A body's `customer_id` and `site_id` take Portico's id or the back office's reference
/// (documented as a reference, which an id also is): as sent, they name the tenant's own
/// customer and site — any other reference names nothing, and is negative data.
fn parents_known(schemas: &mut Value, narrowed: &std::collections::BTreeSet<String>) {
    const REFERENCE: &str = "#/components/schemas/ExternalRef";
    let Some(all) = schemas.as_object_mut() else { return };
    for (_, body) in all.iter_mut().filter(|(n, _)| n.ends_with("Input")) {
        let Some(props) = body.get_mut("properties").and_then(Value::as_object_mut) else { continue };
        for (field, known) in [("customer_id", "CustomerId"), ("site_id", "SiteId")] {
            if !narrowed.contains(known) {
                continue;
            }
            let to = json!({"$ref": format!("#/components/schemas/{known}Known")});
            match props.get_mut(field) {
                Some(p) if p.get("$ref").is_some_and(|r| r == REFERENCE) => *p = to,
                Some(p) => {
                    // (Not `p["oneOf"]`: indexing a map mutably adds what it lacks.)
                    for branch in p.get_mut("oneOf").and_then(Value::as_array_mut).into_iter().flatten() {
                        if branch.get("$ref").is_some_and(|r| r == REFERENCE) {
                            *branch = to.clone();
                        }
                    }
                }
                None => {}
            }
        }
    }
}

/// What request bodies carry names ids by their `…Known` schema: a copy, `…Sent`, of each
/// schema a body reaches an id through.
fn sent_ids_known(doc: &mut Value, narrowed: &std::collections::BTreeSet<String>) {
    fn rewrite(v: &mut Value, schemas: &mut Value, narrowed: &std::collections::BTreeSet<String>) {
        match v {
            Value::Object(o) => {
                if let Some(name) =
                    o.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix("#/components/schemas/"))
                {
                    let name = name.to_owned();
                    if narrowed.contains(&name) {
                        o.insert("$ref".into(), json!(format!("#/components/schemas/{name}Known")));
                    } else if !name.ends_with("Known") && !name.ends_with("Sent") {
                        let sent = format!("{name}Sent");
                        if schemas.get(&sent).is_none() {
                            let mut copy = schemas[&name].clone();
                            // Placed first: a schema that reaches itself finds its copy.
                            schemas[&sent] = json!({});
                            rewrite(&mut copy, schemas, narrowed);
                            schemas[&sent] = copy;
                        }
                        o.insert("$ref".into(), json!(format!("#/components/schemas/{sent}")));
                    }
                }
                o.values_mut().for_each(|v| rewrite(v, schemas, narrowed));
            }
            Value::Array(a) => a.iter_mut().for_each(|v| rewrite(v, schemas, narrowed)),
            _ => {}
        }
    }
    let mut schemas = doc["components"]["schemas"].take();
    if let Some(paths) = doc.get_mut("paths").and_then(Value::as_object_mut) {
        for op in paths.values_mut().filter_map(Value::as_object_mut).flat_map(|item| item.values_mut()) {
            // Bodies only: a path's or query's id may name any of the tenant's objects,
            // and one of nothing is a 404 (which tells the fuzzer as much).
            if let Some(body) = op.get_mut("requestBody") {
                rewrite(body, &mut schemas, narrowed);
            }
        }
    }
    doc["components"]["schemas"] = schemas;
}

/// Every email field of a body its own example address: one login per address in a
/// deployment, so the operator's new tenant, the admin's new member and contact must
/// not all start from the same one.
fn own_addresses(schemas: &mut Value) {
    let email = schemas["Email"].clone();
    let Some(all) = schemas.as_object_mut() else { return };
    for (schema, body) in all.iter_mut() {
        let Some(props) = body.get_mut("properties").and_then(Value::as_object_mut) else { continue };
        for (field, p) in props.iter_mut() {
            if p["$ref"] == "#/components/schemas/Email" {
                let mut own = email.clone();
                own["examples"] =
                    json!([format!("{}.{}@fuzz.example.com", schema.to_lowercase(), field.replace('_', "-"))]);
                *p = own;
            }
        }
    }
}

/// Every reference to a [`Timestamp`](portico::domain::clock::Timestamp) written out
/// where it stands, as the fields' own schemas: the type, format and pattern, the field's
/// description, and `"type": ["string", "null"]` for an optional one (a `oneOf` of null
/// and the reference in the document). `dated` then gives each its own example, which a
/// reference could not carry; and the cases schemathesis builds are those of a string,
/// not of a `oneOf`.
fn times_written_out(v: &mut Value, timestamp: &Value) {
    const TIMESTAMP: &str = "#/components/schemas/Timestamp";
    let written_out = |reference: &Value, nullable: bool| {
        let mut own = json!({"type": if nullable { json!(["string", "null"]) } else { json!("string") }});
        for keyword in ["format", "pattern"] {
            own[keyword] = timestamp[keyword].clone();
        }
        for (keyword, value) in reference.as_object().into_iter().flatten().filter(|(k, _)| *k != "$ref") {
            own[keyword] = value.clone();
        }
        own
    };
    let time = match &*v {
        Value::Object(o) if o.get("$ref").is_some_and(|r| r == TIMESTAMP) => Some(written_out(v, false)),
        Value::Object(o) => match o.get("oneOf").and_then(Value::as_array).map(Vec::as_slice) {
            Some([null, reference]) if null == &json!({"type": "null"}) && reference["$ref"] == TIMESTAMP => {
                Some(written_out(reference, true))
            }
            _ => None,
        },
        _ => None,
    };
    match (time, v) {
        (Some(time), v) => *v = time,
        (None, Value::Object(o)) => o.values_mut().for_each(|v| times_written_out(v, timestamp)),
        (None, Value::Array(a)) => a.iter_mut().for_each(|v| times_written_out(v, timestamp)),
        _ => {}
    }
}

/// Every date-time of a body an example in the future (`2030-01-01`), its `ends_at` a
/// year later: what the coverage phase sends then passes "after the start" and "in the
/// future".
fn dated(v: &mut Value) {
    let Some(o) = v.as_object_mut() else {
        if let Some(a) = v.as_array_mut() {
            a.iter_mut().for_each(dated);
        }
        return;
    };
    if let Some(props) = o.get_mut("properties").and_then(Value::as_object_mut) {
        for (name, p) in props.iter_mut() {
            if p["format"] == "date-time" {
                let year = if name.ends_with("ends_at") { 2031 } else { 2030 };
                p["examples"] = json!([format!("{year}-01-01T00:00:00Z")]);
            }
        }
    }
    o.values_mut().for_each(dated);
}

/// Whether `value` fits a schema as far as its pattern goes (an id of the right kind; a
/// reference for the admin's routes).
fn example_fits(schema: &Value, value: &str) -> bool {
    schema["pattern"].as_str().is_none_or(|p| regex_lite::Regex::new(p).is_ok_and(|r| r.is_match(value)))
}

/// The schemathesis configuration: the dictionaries of real ids — every object for path
/// parameters (half of the time), the home customer's for bodies (most of the time: a
/// body names several that must belong together).
fn config_toml(known: &Known, budget: &Budget) -> String {
    let mut out = String::from(concat!(
        "# Written by `portico-local fuzz`.\n\n",
        "# The warning that an operation mostly rejected what was generated fails the run (it\n",
        "# is also read from the output, to name the operations).\n",
        "[warnings]\nfail-on = [\"validation_mismatch\"]\n\n",
        "# Methods a path does not have are API Gateway's to answer, before any function runs:\n",
        "# not Portico's contract.\n",
        "[phases.coverage]\nunexpected-methods = []\n\n",
        "# The examples phase adds little to the coverage phase (which reads the same examples\n",
        "# and defaults) and cost a fifth of the run. Fuzzing: see `Budget`.\n",
        "[phases.examples]\nenabled = false\n\n[phases.stateful]\nenabled = false\n\n",
        "# Refusals besides the default ones: a body over 64 KiB is refused whole, before its\n",
        "# fields are read (413); a stale If-Match before the body's rules are checked (412).\n",
        "[checks.negative_data_rejection]\nexpected-statuses = [\"400\", \"401\", \"403\", \"404\", \"405\", \"406\", ",
        "\"409\", \"412\", \"413\", \"415\", \"422\", \"428\", \"429\", \"5xx\"]\n\n[parameters]\n",
    ));
    let mut dictionaries: Vec<(String, &Vec<String>)> = Vec::new();
    let mut operations = String::new();

    // One block per operation: what it needs besides the defaults.
    for route in portico_functions::ROUTES {
        let operation = route.operation;
        let mut block = String::new();
        if uses_up(&route.method.to_lowercase(), route.path) {
            // Its spare goes to the first case the API takes: a positive one, not a
            // negative one the API takes all the same (an unknown header, say).
            // And it takes no id another operation's response held: that might be the
            // spare of another one that uses up.
            block.push_str(
                "[operations.phases.coverage.generation]\nmode = \"positive\"\n\
                 [operations.phases.coverage.extra-data-sources]\nresponses = false\n\
                 [operations.phases.fuzzing.extra-data-sources]\nresponses = false\n",
            );
        }
        if WRITE_HEAVY.contains(&operation) {
            block.push_str(
                "[operations.phases.coverage.generation]\nmode = \"negative\"\n\
                 [operations.phases.fuzzing.generation]\nmode = \"positive\"\n",
            );
        } else if !budget.random {
            block.push_str("[operations.phases.fuzzing]\nenabled = false\n");
        }
        if !block.is_empty() {
            operations.push_str(&format!("\n[[operations]]\ninclude-operation-id = \"{operation}\"\n{block}"));
        }
    }
    for (name, values) in known.all.iter().filter(|(_, v)| !v.is_empty()) {
        let place = if *name == "token" { "query" } else { "path" };
        out.push_str(&format!("\"{place}.{name}\" = {{ dictionary = \"{name}\", probability = 0.5 }}\n"));
        dictionaries.push((name.to_string(), values));
    }
    for (name, values) in known.all.iter().filter(|(n, v)| **n != "token" && !v.is_empty()) {
        let (dictionary, values) = match known.home.get(name).filter(|h| !h.is_empty()) {
            Some(home) => (format!("{name}_home"), home),
            None => (name.to_string(), values),
        };
        out.push_str(&format!("\"body.{name}\" = {{ dictionary = \"{dictionary}\", probability = 0.8 }}\n"));
        if dictionary.ends_with("_home") {
            dictionaries.push((dictionary, values));
        }
    }
    for (name, values) in dictionaries {
        let quoted: Vec<String> = values.iter().map(|v| format!("{v:?}")).collect();
        out.push_str(&format!("\n[dictionaries.{name}]\nvalues = [{}]\n", quoted.join(", ")));
    }
    out.push_str(&operations);
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
    which: &[&str],
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
    let mut child = command
        .args(which)
        .args(["--checks", &CHECKS.join(",")])
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
        .stdout(Stdio::piped())
        .spawn()
        .with_context(|| format!("running {}", program.display()))?;
    // Its report goes on to the terminal as it comes, and is read for the warnings.
    let mut report = Vec::new();
    for line in BufReader::new(child.stdout.take().context("schemathesis' output")?).lines() {
        let line = line?;
        println!("{line}");
        report.push(line);
    }
    let status = child.wait()?;
    let mut outcome = count(&events)?;
    outcome.caller = caller;
    let warned = mostly_rejected(&report);
    outcome.mostly_rejected =
        warned.iter().filter(|op| !ACCEPT_ONLY_WHAT_WAS_SHOWN.contains(&op.as_str())).cloned().collect();
    // schemathesis fails the run on the warning (`fail-on`): for those operations alone,
    // with no failure, that is not a failure.
    let allowed_warning_only = !warned.is_empty() && outcome.mostly_rejected.is_empty() && outcome.failures == 0;
    outcome.exit_ok = status.success() || allowed_warning_only;
    Ok(outcome)
}

/// The operations of schemathesis' "mostly rejected generated data" warning: the lines
/// `  - METHOD /path` that follow its heading, up to the next blank line after them.
fn mostly_rejected(report: &[String]) -> Vec<String> {
    let Some(start) = report.iter().position(|l| l.contains(MOSTLY_REJECTED) && !l.trim_start().starts_with("⚠"))
    else {
        return Vec::new();
    };
    report[start + 1..]
        .iter()
        .skip_while(|l| l.trim().is_empty())
        .take_while(|l| !l.trim().is_empty())
        .filter_map(|l| l.trim().strip_prefix("- ").map(str::to_owned))
        .collect()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_times_of_a_body_are_written_out_each_with_its_example() {
        let doc = portico_functions::openapi::api().unwrap();
        let mut schemas = doc["components"]["schemas"].clone();
        let timestamp = schemas["Timestamp"].clone();
        times_written_out(&mut schemas, &timestamp);
        dated(&mut schemas);
        let pattern = json!(portico::domain::clock::TIMESTAMP_PATTERN);
        // Optional, with the field's own description (the document: null or a reference).
        let ends_at = &schemas["NewMessage"]["properties"]["ends_at"];
        assert_eq!(ends_at["type"], json!(["string", "null"]), "{ends_at}");
        assert_eq!((&ends_at["format"], &ends_at["pattern"]), (&json!("date-time"), &pattern));
        assert!(ends_at["description"].as_str().unwrap().starts_with("Shown until then"));
        assert_eq!(ends_at["examples"], json!(["2031-01-01T00:00:00Z"]));
        // Required (the document: a reference).
        let at = &schemas["AuditEntry"]["properties"]["at"];
        assert_eq!((&at["type"], &at["pattern"]), (&json!("string"), &pattern), "{at}");
        assert_eq!(at["examples"], json!(["2030-01-01T00:00:00Z"]));
        assert!(!schemas.to_string().contains("#/components/schemas/Timestamp"), "no reference is left");
    }

    #[test]
    fn the_mostly_rejected_operations_are_read_from_the_report() {
        let report: Vec<String> = "\
=================================== WARNINGS ===================================

Missing test data: 1 operation repeatedly returned 404 Not Found, preventing tests from reaching your API's core logic

  - GET /portal/quotes/{quote_id}

Schema validation mismatch: 2 operations mostly rejected generated data due to validation errors, indicating schema constraints don't match API validation

  - POST /admin/members
  - PUT /admin/jobs/{job_id}

💡 Check your schema constraints - API validation may be stricter than documented

Warnings:
  ⚠️ Schema validation mismatch: 2 operations mostly rejected generated data"
            .lines()
            .map(str::to_owned)
            .collect();
        assert_eq!(mostly_rejected(&report), ["POST /admin/members", "PUT /admin/jobs/{job_id}"]);
        assert!(mostly_rejected(&report[..3]).is_empty());
    }

    #[test]
    fn what_a_delete_or_a_decision_uses_up_is_its_own() {
        assert!(uses_up("delete", "/admin/sites/{site_id}"));
        assert!(uses_up("post", "/portal/quotes/{quote_id}/approve"));
        assert!(!uses_up("post", "/portal/messages/{message_id}/read"));
        assert!(!uses_up("patch", "/admin/sites/{site_id}"));
    }
}
