//! Invoices through the local gateway: statuses derived when read (an invoice is overdue
//! because its due time passed, not because anything wrote it), lists by status and
//! site, the totals a member's scope owes, and PDFs only for invoices the member may see.

use portico_tests::{id, ids, spawn_app, TestApp};
use serde_json::{json, Value};

fn invoice(customer: &str, site: Option<&str>, due_at: &str, total: i64, paid: i64, currency: &str) -> Value {
    json!({"customer_id": customer, "site_id": site, "number": "2026-1", "issued_at": "2026-01-01T00:00:00Z",
        "due_at": due_at, "currency": currency, "total": total, "amount_paid": paid})
}

async fn put(app: &TestApp, admin: &str, reference: &str, body: &Value) -> Value {
    let answer = app.api.put(&format!("/admin/invoices/{reference}"), admin, body).await.unwrap();
    assert!([200, 201].contains(&answer.status), "{}", answer.text);
    answer.body
}

#[tokio::test]
async fn invoices_are_due_overdue_or_paid_when_read_with_totals_for_the_members_scope() {
    let app = &spawn_app().await;
    let t = app.tenant("Acme").await;
    app.complete_setup(&t.admin).await;
    let customer = app.customer(&t.admin, json!({"name": "Harbor"})).await;
    let (hq, depot) = (app.site(&t.admin, &customer, "HQ").await, app.site(&t.admin, &customer, "Depot").await);
    let (past, future) = ("2026-02-01T00:00:00Z", "2099-01-01T00:00:00Z");

    let due = put(app, &t.admin, "I-DUE", &invoice(&customer, Some(&hq), future, 10_000, 2_500, "EUR")).await;
    let late = put(app, &t.admin, "I-LATE", &invoice(&customer, Some(&hq), past, 5_000, 0, "EUR")).await;
    let paid = put(app, &t.admin, "I-PAID", &invoice(&customer, Some(&depot), past, 7_000, 7_000, "EUR")).await;
    let unsited = put(app, &t.admin, "I-ACCT", &invoice(&customer, None, past, 300, 0, "USD")).await;
    assert_eq!((due["status"].as_str(), due["balance"].as_i64()), (Some("due"), Some(7_500)));
    // Overdue by the clock alone: published once, never written since.
    assert_eq!((late["status"].as_str(), late["version"].as_u64()), (Some("overdue"), Some(1)));
    assert_eq!((paid["status"].as_str(), paid["balance"].as_i64()), (Some("paid"), Some(0)));

    // The admin list filters by the derived status; a GET is put back as it was read.
    let path = format!("/admin/invoices?customer_id={customer}&status=overdue");
    let overdue = app.api.expect(200, "GET", &path, &t.admin, None).await.unwrap();
    assert_eq!(ids(&overdue), [id(&unsited), id(&late)]);
    let mut read = app.api.expect(200, "GET", "/admin/invoices/I-LATE", &t.admin, None).await.unwrap();
    read["amount_paid"] = json!(5_000);
    let settled = app.api.expect(200, "PUT", "/admin/invoices/I-LATE", &t.admin, Some(&read)).await.unwrap();
    assert_eq!((settled["status"].as_str(), settled["version"].as_u64()), (Some("paid"), Some(2)));
    read["amount_paid"] = json!(0);
    read["version"] = json!(2);
    app.api.expect(200, "PUT", "/admin/invoices/I-LATE", &t.admin, Some(&read)).await.unwrap();
    for bad in [
        invoice(&customer, Some(&hq), "2025-01-01T00:00:00Z", 1, 0, "EUR"),
        invoice(&customer, Some(&hq), future, -1, 0, "EUR"),
        invoice(&customer, Some(&hq), future, 1, 0, "EURO"),
    ] {
        assert_eq!(app.api.put("/admin/invoices/I-BAD", &t.admin, &bad).await.unwrap().status, 400, "{bad}");
    }

    // A member who sees the whole customer: every invoice, and what is owed per currency.
    let member = |name: &'static str, extra: Value| {
        let mut body = json!({"customer_id": customer, "first_name": name, "last_name": "M", "email": app.email(name),
            "admin": false, "permissions": ["view_invoices"]});
        body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        let admin = t.admin.clone();
        async move {
            let m = app.member(&admin, body).await;
            app.invited_member(&admin, &m, &app.email(name)).await
        }
    };
    let whole = member("whole", json!({})).await;
    let list = app.api.expect(200, "GET", "/portal/invoices", &whole, None).await.unwrap();
    assert_eq!(ids(&list).len(), 4);
    let totals = &list["totals"];
    assert_eq!(
        totals,
        &json!([{"currency": "EUR", "outstanding": 12_500, "overdue": 5_000}, {"currency": "USD", "outstanding": 300, "overdue": 300}])
    );
    let only_overdue = app.api.expect(200, "GET", "/portal/invoices?status=overdue", &whole, None).await.unwrap();
    assert_eq!(ids(&only_overdue), [id(&unsited), id(&late)]);
    assert_eq!(only_overdue["items"][0]["status"], "overdue");

    // A member of the depot only: the depot's (paid) invoice, nothing owed, and neither
    // the HQ's invoices nor the customer's unsited one.
    let at_depot =
        member("depot", json!({"scope": {"grants": [{"customer_id": customer, "site_ids": [depot]}]}})).await;
    let theirs = app.api.expect(200, "GET", "/portal/invoices", &at_depot, None).await.unwrap();
    assert_eq!(ids(&theirs), [id(&paid)]);
    assert_eq!(theirs["totals"], json!([]));
    let path = format!("/portal/invoices?site_id={hq}");
    assert!(ids(&app.api.expect(200, "GET", &path, &at_depot, None).await.unwrap()).is_empty());
    for hidden in [&late, &unsited] {
        let answer = app.api.get(&format!("/portal/invoices/{}/pdf", id(hidden)), &at_depot).await.unwrap();
        assert_eq!(answer.status, 404, "{}", answer.text);
    }
    // Without view_invoices: 403.
    let without = member("without", json!({"permissions": ["view_jobs"]})).await;
    assert_eq!(app.api.get("/portal/invoices", &without).await.unwrap().status, 403);
}

#[tokio::test]
async fn an_invoice_pdf_is_a_short_lived_link_for_members_who_may_see_it() {
    let app = spawn_app().await;
    let t = app.tenant("Acme").await;
    app.complete_setup(&t.admin).await;
    let customer = app.customer(&t.admin, json!({"name": "Harbor"})).await;
    let site = app.site(&t.admin, &customer, "HQ").await;
    let file = app.upload(&t.admin, "/admin/files", "Invoice 2026-1.pdf", "application/pdf", b"%PDF-1.4 invoice").await;
    let mut body = invoice(&customer, Some(&site), "2099-01-01T00:00:00Z", 100, 0, "EUR");
    body["file_id"] = json!(file);
    let with_pdf = put(&app, &t.admin, "I-PDF", &body).await;
    let without_pdf =
        put(&app, &t.admin, "I-NOPDF", &invoice(&customer, Some(&site), "2099-01-01T00:00:00Z", 1, 0, "EUR")).await;
    let body = json!({"customer_id": customer, "first_name": "C", "last_name": "M", "email": app.email("c"), "admin": false, "permissions": ["view_invoices"]});
    let m = app.member(&t.admin, body).await;
    let member = app.invited_member(&t.admin, &m, &app.email("c")).await;
    let list = app.api.expect(200, "GET", "/portal/invoices", &member, None).await.unwrap();
    let pdf_path = format!("/portal/invoices/{}/pdf", id(&with_pdf));
    assert_eq!(list["items"][1]["pdf"].as_str(), Some(pdf_path.as_str()));
    assert_eq!(list["items"][0]["pdf"], Value::Null);
    let link = app.api.expect(200, "GET", &pdf_path, &member, None).await.unwrap();
    assert!(link["url"].as_str().unwrap().contains(&file) && link["expires_at"].is_string(), "{link}");
    let none = app.api.get(&format!("/portal/invoices/{}/pdf", id(&without_pdf)), &member).await.unwrap();
    assert_eq!(none.status, 404);
}

#[tokio::test]
async fn the_store_keeps_an_invoices_open_entries_whoever_writes_it() {
    use portico::domain::invoice::Invoice;
    use portico::store::{keys, Actor, Tx};
    let app = &spawn_app().await;
    let t = app.tenant("Acme").await;
    app.complete_setup(&t.admin).await;
    let customer = app.customer(&t.admin, json!({"name": "Harbor"})).await;
    let hq = app.site(&t.admin, &customer, "HQ").await;
    let published =
        put(app, &t.admin, "I-1", &invoice(&customer, Some(&hq), "2099-01-01T00:00:00Z", 9_000, 0, "EUR")).await;
    let body = json!({"customer_id": customer, "first_name": "W", "last_name": "M", "email": app.email("w"),
        "permissions": ["view_invoices"]});
    let m = app.member(&t.admin, body).await;
    let member = app.invited_member(&t.admin, &m, &app.email("w")).await;
    let owed = |list: Value| list["totals"].clone();
    let list = app.api.expect(200, "GET", "/portal/invoices", &member, None).await.unwrap();
    assert_eq!(owed(list), json!([{"currency": "EUR", "outstanding": 9_000, "overdue": 0}]));

    // Another writer than the back office's upsert (a payment recorded elsewhere, say):
    // it writes the invoice alone, through the store, and the open entries follow.
    let tenant = portico::domain::Principal::from_claims(
        &[("sub", "t"), ("custom:tenant_id", t.id.as_str())].map(|(k, v)| (k.to_owned(), v.to_owned())).into(),
    )
    .unwrap()
    .tenant()
    .unwrap();
    let key = keys::invoice_key(tenant, serde_json::from_value(published["id"].clone()).unwrap());
    let before: Invoice = app.app.store.get(key.clone()).await.unwrap().unwrap();
    let mut after = before.clone();
    after.amount_paid = after.total;
    after.settle();
    after.version += 1;
    let mut tx = Tx::new(tenant, Actor("test:payment".into()));
    tx.update(&before, &after, before.version, "invoice.paid").unwrap();
    app.app.store.commit(tx).await.unwrap();
    let list = app.api.expect(200, "GET", "/portal/invoices", &member, None).await.unwrap();
    assert_eq!(owed(list), json!([]), "paid: its open entries are gone, under the customer and the site");
    let at_site = app.api.expect(200, "GET", &format!("/portal/invoices?site_id={hq}"), &member, None).await.unwrap();
    assert_eq!(owed(at_site), json!([]));

    // And back: unpaid again, by the same other path.
    let mut unpaid = after.clone();
    unpaid.amount_paid = 1_000;
    unpaid.settle();
    unpaid.version += 1;
    let mut tx = Tx::new(tenant, Actor("test:refund".into()));
    tx.update(&after, &unpaid, after.version, "invoice.refunded").unwrap();
    app.app.store.commit(tx).await.unwrap();
    let list = app.api.expect(200, "GET", "/portal/invoices", &member, None).await.unwrap();
    assert_eq!(owed(list), json!([{"currency": "EUR", "outstanding": 8_000, "overdue": 0}]));
}

#[tokio::test]
async fn a_currency_must_be_an_iso_4217_code_with_a_minor_unit() {
    let app = &spawn_app().await;
    let t = app.tenant("Acme").await;
    app.complete_setup(&t.admin).await;
    let customer = app.customer(&t.admin, json!({"name": "Harbor"})).await;
    let future = "2099-01-01T00:00:00Z";
    // Three letters are not enough; gold has no minor unit to count in; the code is
    // written as the document lists it, in upper case and nothing around it.
    for code in ["XYZ", "ABC", "XAU", "XXX", "jpy", "Eur", " EUR", "EUR\n"] {
        let answer = app
            .api
            .put("/admin/invoices/I-BAD", &t.admin, &invoice(&customer, None, future, 1, 0, code))
            .await
            .unwrap();
        assert_eq!(
            (answer.status, answer.body["errors"][0]["field"].as_str()),
            (400, Some("currency")),
            "{code}: {}",
            answer.text
        );
    }
    let yen = put(app, &t.admin, "I-YEN", &invoice(&customer, None, future, 1500, 0, "JPY")).await;
    assert_eq!((yen["currency"].as_str(), yen["total"].as_i64()), (Some("JPY"), Some(1500)));

    // Approval limits are per currency: their keys are held to the same list.
    let body = json!({"customer_id": customer, "first_name": "Ann", "last_name": "M", "email": app.email("ann"),
        "permissions": ["approve_quotes"]});
    let member = format!("/admin/members/{}", app.member(&t.admin, body).await);
    for code in ["XYZ", "eur"] {
        let answer = app.api.patch(&member, &t.admin, &json!({"approval_limits": {code: 100}})).await.unwrap();
        assert_eq!(answer.status, 400, "{code}: {}", answer.text);
        let field = answer.body["errors"][0]["field"].as_str().unwrap_or_default();
        assert!(field.starts_with("approval_limits"), "{code}: {}", answer.text);
    }
}
