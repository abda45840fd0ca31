//! `examples/back-office`, the back-office developer's quick start, run as they would run
//! it: `python3 backoffice.py load` with an integration's credentials against the API.
//! Its CSV export is stored by references alone, and sent again it changes nothing.

use portico_local::workspace_root;
use portico_tests::spawn_app;
use serde_json::Value;

async fn load(app: &portico_tests::TestApp, client_id: &str, client_secret: &str) -> String {
    let script = workspace_root().join("examples/back-office/backoffice.py");
    let out = tokio::process::Command::new("python3")
        .arg(&script)
        .arg("load")
        .env("PORTICO_URL", &app.api.base)
        .env("PORTICO_CLIENT_ID", client_id)
        .env("PORTICO_CLIENT_SECRET", client_secret)
        .env("PORTICO_TOKEN_URL", &app.app.config.token_url)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .output()
        .await
        .expect("python3 runs the example");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(out.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    stdout
}

#[tokio::test]
async fn the_example_back_office_loads_its_export_by_references_alone() {
    let app = spawn_app().await;
    let t = app.tenant("Acme").await;
    app.complete_setup(&t.admin).await;
    let erp = app.integration(&t.admin, "Example", &["access:write", "work:write", "records:write"]).await;
    let first = load(&app, &erp.client_id, &erp.client_secret).await;
    assert!(first.contains("9 records stored, 0 refused"), "{first}");
    // What it loaded, as the office reads it: the job names the customer and site its
    // CSV row named by reference.
    let job = app.api.expect(200, "GET", "/admin/jobs/WO-9002", &t.admin, None).await.unwrap();
    let customer = app.api.expect(200, "GET", "/admin/customers/ACME-EAST", &t.admin, None).await.unwrap();
    let site = app.api.expect(200, "GET", "/admin/sites/ACME-E1", &t.admin, None).await.unwrap();
    assert_eq!((&job["customer_id"], &job["site_id"]), (&customer["id"], &site["id"]));
    let parent = app.api.expect(200, "GET", "/admin/customers/ACME", &t.admin, None).await.unwrap();
    assert_eq!(customer["parent_id"], parent["id"]);
    // Sent again: nothing changes (every version as it was).
    let versions = |v: &[&Value]| v.iter().map(|x| x["version"].as_u64()).collect::<Vec<_>>();
    let before = versions(&[&job, &customer, &site]);
    load(&app, &erp.client_id, &erp.client_secret).await;
    let job = app.api.expect(200, "GET", "/admin/jobs/WO-9002", &t.admin, None).await.unwrap();
    let customer = app.api.expect(200, "GET", "/admin/customers/ACME-EAST", &t.admin, None).await.unwrap();
    let site = app.api.expect(200, "GET", "/admin/sites/ACME-E1", &t.admin, None).await.unwrap();
    assert_eq!(versions(&[&job, &customer, &site]), before);
}
