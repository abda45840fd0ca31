//! `portico-local`: the local stack from the command line.
//!
//! - `portico-local dev`: start moto, provision, serve every template route on
//!   http://127.0.0.1:3000, seed the demo tenant, write `.local/stack.json`, print how
//!   to sign in; Ctrl-C stops everything it started.
//! - `portico-local mail`: list the emails sent locally.
//! - `portico-local token <username> [password]`: print an ID token for a sign-in.

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

async fn dev() -> anyhow::Result<()> {
    let api_port: u16 = std::env::var("PORTICO_API_PORT").ok().and_then(|p| p.parse().ok()).unwrap_or(3000);
    let moto_port = match std::env::var("PORTICO_MOTO_PORT").ok().and_then(|p| p.parse().ok()) {
        Some(p) => p,
        None => free_port()?,
    };
    eprintln!("starting the local AWS endpoint (moto) on port {moto_port}…");
    let moto = Moto::start(moto_port)?;
    let aws = Aws::local(&moto.endpoint, None, 3);
    let prov = provision::provision(&aws).await?;
    let api_url = format!("http://127.0.0.1:{api_port}");
    let (bound, _app) = start_api(&aws, &prov, ([127, 0, 0, 1], api_port).into(), &api_url)
        .await
        .with_context(|| format!("is port {api_port} free? (set PORTICO_API_PORT to use another)"))?;
    eprintln!("local API on http://{bound}; seeding the demo tenant…");
    let seeded = seed::seed(&ApiClient::new(&api_url), &aws, &prov, &api_url).await?;

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
    });
    std::fs::create_dir_all(stack_file().parent().context("stack dir")?)?;
    std::fs::write(stack_file(), serde_json::to_string_pretty(&stack)?)?;

    let p = seed::DEMO_PASSWORD;
    println!(
        r#"
Portico is running on {api_url}  (Ctrl-C stops it and the local AWS endpoint)

Sign-ins (password for all: {p})
  platform operator   {op}
  tenant admin        {admin}   (Northwind Facilities)
  demo member         {demo}    (Harbor Retail Group: all its sites, incl. child customer)
  site-scoped member  {site}     (only Outlet North)

Try it:
  TOKEN=$(make -s token EMAIL={demo})
  curl -s -H "Authorization: Bearer $TOKEN" {api_url}/portal/sites
  curl -s -H "Authorization: Bearer $TOKEN" {api_url}/portal/me

Emails sent locally:  make mail
Stack details:        .local/stack.json
"#,
        op = seeded.operator.username,
        admin = seeded.admin.username,
        demo = seeded.demo.username,
        site = seeded.site_member.username,
    );
    tokio::signal::ctrl_c().await?;
    eprintln!("stopping…");
    let _ = std::fs::remove_file(stack_file());
    drop(moto);
    Ok(())
}

/// A readable text version of an email's HTML part.
fn strip_tags(html: &str) -> String {
    let body = html.split_once("</head>").map_or(html, |(_, b)| b).replace("</td>", " ").replace("<br>", "\n");
    let html = body.as_str();
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    let text = out
        .replace("&#39;", "'")
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

async fn token(username: &str, password: Option<&str>) -> anyhow::Result<()> {
    let stack = read_stack()?;
    let endpoint = stack["aws_endpoint_url"].as_str().context("aws_endpoint_url")?;
    let client_id = stack["user_pool_client_id"].as_str().context("user_pool_client_id")?;
    let password = password.unwrap_or(seed::DEMO_PASSWORD);
    let aws = Aws::local(endpoint, None, 3);
    match signin::sign_in(&aws.cognito(), client_id, username, password).await? {
        signin::SignIn::Token(t) => println!("{t}"),
        signin::SignIn::NewPasswordRequired { .. } => bail!("{username} must choose a new password first"),
    }
    Ok(())
}

fn main() -> anyhow::Result<()> {
    // Metrics lines are for CloudWatch; locally they are noise. Set before any thread starts.
    std::env::set_var("PORTICO_METRICS_OFF", "1");
    portico::observability::init_tracing();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    runtime.block_on(async {
        match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
            ["dev"] => dev().await,
            ["mail"] => mail().await,
            ["token", user] => token(user, None).await,
            ["token", user, password] => token(user, Some(password)).await,
            _ => bail!("usage: portico-local dev | mail | token <username> [password]"),
        }
    })
}
