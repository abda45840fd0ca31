//! The authorization matrix: every route × every kind of caller, through the gateway
//! with real tokens, built from the `events/api` fixtures — so a new route (which must
//! have a fixture, see `routes.rs`) is covered without touching this file.
//!
//! The rules, by the route's audience (its row in the route table says whose it is):
//! - no token or a forged one: 401 (the authorizer);
//! - a caller outside the audience's group: 403;
//! - a disabled member on a portal route: 403;
//! - an admin or member of another tenant: never sees this tenant — a path naming one of
//!   its objects is 404, and no response carries any of its ids the request did not;
//! - a member whose scope excludes a site never sees that site, nor its jobs or work
//!   requests: a path naming one is 404, a body naming the site is 400;
//! - a member without any permission: 403 on every portal route of a feature;
//! - a member who is not their customer's admin: 403 on the admin members' routes;
//! - the tenant's own admin, and an in-scope member: the operation succeeds;
//! - a public route (`/mail/…`, the links in emails): the same answer for everyone, token
//!   or not — what it does rests on the token in its link.

use portico_functions::{Audience, ROUTES};
use serde_json::{json, Value};

use super::fixtures::{self, World, MEMBER, SITE, SPARE_SITE};
use portico_tests::spawn_app;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Caller {
    NoToken,
    ForgedToken,
    Operator,
    OtherTenantAdmin,
    OtherTenantMember,
    DisabledMember,
    OutOfScopeMember,
    UnprivilegedMember,
    Member,
    Admin,
}

/// Portal operations that belong to no feature: every member may call them (the home
/// page shows each feature's part only to those who may see it).
const UNGATED: [&str; 4] = ["GetMe.json", "GetMyHome.json", "UpdateMe.json", "ListMySites.json"];
/// Portal operations whose body names the objects they act on (the invoices paid): one
/// the member may not see is a 404, as in a path (issue 28), not a 400.
const BODY_NAMES_BY_ID: [&str; 1] = ["PayMyInvoices.json"];
/// Portal operations for a customer's admin members (`admin: true`) only.
const ADMIN_MEMBERS_ONLY: [&str; 1] = ["ListMyAuditEvents.json"];

/// Who calls a route, as its row in the route table says.
fn audience(method: &str, path: &str) -> Audience {
    ROUTES.iter().find(|r| r.method == method && r.path == path).map(|r| r.audience()).expect("a route of the table")
}

#[derive(Clone)]
struct Call {
    name: String,
    method: String,
    route: String,
    path: String,
    body: Option<Value>,
}

fn calls(world: &World) -> Vec<Call> {
    fixtures::files()
        .into_iter()
        .map(|file| {
            let event: Value = serde_json::from_str(&world.apply(&std::fs::read_to_string(&file).unwrap())).unwrap();
            let (method, route) = event["routeKey"].as_str().unwrap().split_once(' ').unwrap();
            let query = event["rawQueryString"].as_str().unwrap_or("");
            let raw = event["rawPath"].as_str().unwrap();
            Call {
                name: fixtures::name(&file),
                method: method.to_owned(),
                route: route.to_owned(),
                path: if query.is_empty() { raw.to_owned() } else { format!("{raw}?{query}") },
                // JSON bodies only: the one form body (an unsubscribe's) is optional.
                body: event["body"].as_str().and_then(|b| serde_json::from_str(b).ok()),
            }
        })
        .collect()
}

#[tokio::test]
async fn every_route_answers_every_kind_of_caller_as_the_rules_say() {
    let app = spawn_app().await;
    let operator = app.operator().await;
    let home = app.tenant_by(&operator, "Home").await;
    let other = app.tenant_by(&operator, "Other").await;
    let world = World::build(&app, &home).await;
    app.complete_setup(&other.admin).await;

    // Members: in scope (the fixtures' member), out of scope (only the spare site),
    // disabled, and one of the other tenant.
    let member = app.invited_member(&home.admin, world.id(MEMBER), &app.email("fixture")).await;
    let customer = world.id(fixtures::CUSTOMER).to_owned();
    let new_member = |name: &str, extra: Value| {
        let mut body = json!({"customer_id": customer, "first_name": name, "last_name": "M", "email": app.email(name), "admin": false});
        body.as_object_mut().unwrap().extend(extra.as_object().unwrap().clone());
        body
    };
    let all = portico::domain::rights::Permission::ALL;
    let reports = portico::domain::rights::Report::ALL;
    let scope = json!({"permissions": all, "reports": reports,
        "scope": {"grants": [{"customer_id": customer, "site_ids": [world.id(SPARE_SITE)]}]}});
    let out_id = app.member(&home.admin, new_member("outside", scope)).await;
    let unprivileged_id = app.member(&home.admin, new_member("unprivileged", json!({"permissions": []}))).await;
    let unprivileged = app.invited_member(&home.admin, &unprivileged_id, &app.email("unprivileged")).await;
    let out_of_scope = app.invited_member(&home.admin, &out_id, &app.email("outside")).await;
    let disabled_id = app.member(&home.admin, new_member("disabled", json!({}))).await;
    let disabled = app.invited_member(&home.admin, &disabled_id, &app.email("disabled")).await;
    app.api.expect(200, "POST", &format!("/admin/members/{disabled_id}/disable"), &home.admin, None).await.unwrap();
    let other_customer = app.customer(&other.admin, json!({"name": "Elsewhere"})).await;
    let other_body =
        json!({"customer_id": other_customer, "first_name": "O", "last_name": "T", "email": app.email("other-member")});
    let other_member_id = app.member(&other.admin, other_body).await;
    let other_member = app.invited_member(&other.admin, &other_member_id, &app.email("other-member")).await;

    let home_ids: Vec<String> = world.ids.iter().map(|(_, id)| id.clone()).collect();
    let token = |caller: Caller| -> Option<String> {
        match caller {
            Caller::NoToken => None,
            Caller::ForgedToken => Some(format!("{}x", &home.admin[..home.admin.len() - 1])),
            Caller::Operator => Some(operator.clone()),
            Caller::OtherTenantAdmin => Some(other.admin.clone()),
            Caller::OtherTenantMember => Some(other_member.clone()),
            Caller::DisabledMember => Some(disabled.clone()),
            Caller::OutOfScopeMember => Some(out_of_scope.clone()),
            Caller::UnprivilegedMember => Some(unprivileged.clone()),
            Caller::Member => Some(member.clone()),
            Caller::Admin => Some(home.admin.clone()),
        }
    };

    let calls = calls(&world);
    let routes: std::collections::BTreeSet<_> = calls.iter().map(|c| (c.method.clone(), c.route.clone())).collect();
    assert_eq!(routes.len(), ROUTES.len(), "a fixture per route");

    // Everyone but the tenant's own admin first (nothing they do may change the world),
    // then the admin, in fixture order (deletions last).
    let mut cases = 0;
    let callers = [
        Caller::NoToken,
        Caller::ForgedToken,
        Caller::Operator,
        Caller::OtherTenantAdmin,
        Caller::OtherTenantMember,
        Caller::DisabledMember,
        Caller::OutOfScopeMember,
        Caller::UnprivilegedMember,
        Caller::Member,
    ];
    for caller in callers.into_iter().chain([Caller::Admin]) {
        for call in &calls {
            // A new login's address is one per deployment: each caller invites its own.
            let new_staff = world.id(fixtures::NEW_STAFF_EMAIL);
            let own = new_staff.replacen('@', &format!(".{caller:?}@").to_lowercase(), 1);
            let body: Option<Value> =
                call.body.as_ref().map(|b| serde_json::from_str(&b.to_string().replace(new_staff, &own)).unwrap());
            let call = &Call { body, ..call.clone() };
            let sent = call.body.as_ref().map(Value::to_string).unwrap_or_default();
            let signature = fixtures::stripe_signature(&app, &call.name, sent.as_bytes());
            let headers: Vec<(&str, &str)> = signature.iter().map(|s| ("stripe-signature", s.as_str())).collect();
            let answer = app
                .api
                .send(&call.method, &call.path, token(caller).as_deref(), call.body.as_ref(), &headers)
                .await
                .unwrap();
            let at = format!(
                "{:?} {} {} ({}): {} {}",
                caller, call.method, call.path, call.name, answer.status, answer.text
            );
            // A path that names one of the tenant's objects (a query filter is not a name:
            // filtering by a foreign id just finds nothing).
            let object_path = call.path.split('?').next().unwrap_or_default();
            let names_home_object = home_ids.iter().any(|id| object_path.contains(id.as_str()));
            // A leak is one of the tenant's ids the request did not contain (echoing the
            // caller's own input back in a 400 reveals nothing: a made-up id reads the same).
            let sent = format!("{} {}", call.path, call.body.as_ref().map(|b| b.to_string()).unwrap_or_default());
            let leaks = home_ids.iter().any(|id| answer.text.contains(id.as_str()) && !sent.contains(id.as_str()));
            let success = fixtures::success(&call.name);
            let body_names_home_object =
                call.body.as_ref().is_some_and(|b| home_ids.iter().any(|id| b.to_string().contains(id.as_str())));
            // What a member outside an object's scope (or tenant) gets.
            let hidden = if names_home_object {
                404
            } else if body_names_home_object {
                400
            } else {
                success
            };
            match (caller, audience(&call.method, &call.route)) {
                (_, Audience::Public) => assert_eq!(answer.status, success, "{at}"),
                (Caller::NoToken | Caller::ForgedToken, _) => assert_eq!(answer.status, 401, "{at}"),
                (Caller::Operator, Audience::Platform) => assert_eq!(answer.status, success, "{at}"),
                (_, Audience::Platform) => assert_eq!(answer.status, 403, "{at}"),
                (Caller::Admin, Audience::Admin) => assert_eq!(answer.status, success, "{at}"),
                (Caller::OtherTenantAdmin, Audience::Admin) => {
                    if names_home_object {
                        assert_eq!(answer.status, 404, "{at}");
                    } else {
                        assert!([200, 201, 400, 404].contains(&answer.status), "{at}");
                    }
                    assert!(!leaks, "{at}");
                }
                (_, Audience::Admin) => assert_eq!(answer.status, 403, "{at}"),
                (Caller::DisabledMember, Audience::Portal) => assert_eq!(answer.status, 403, "{at}"),
                (Caller::OtherTenantMember, Audience::Portal) => {
                    let hidden = if BODY_NAMES_BY_ID.contains(&call.name.as_str()) { 404 } else { hidden };
                    assert_eq!(answer.status, hidden, "{at}");
                    assert!(!leaks, "{at}");
                }
                (Caller::OutOfScopeMember, Audience::Portal) => {
                    let expected = if ADMIN_MEMBERS_ONLY.contains(&call.name.as_str()) {
                        403
                    } else if BODY_NAMES_BY_ID.contains(&call.name.as_str()) {
                        404
                    } else {
                        hidden
                    };
                    assert_eq!(answer.status, expected, "{at}");
                    assert!(!answer.text.contains(world.id(SITE)), "{at}");
                    assert!(!answer.text.contains(world.id(fixtures::JOB)), "{at}");
                }
                (Caller::UnprivilegedMember, Audience::Portal) => {
                    let expected = if UNGATED.contains(&call.name.as_str()) { success } else { 403 };
                    assert_eq!(answer.status, expected, "{at}");
                }
                (Caller::Member, Audience::Portal) => assert_eq!(answer.status, success, "{at}"),
                (Caller::Operator | Caller::Admin | Caller::OtherTenantAdmin, Audience::Portal) => {
                    assert_eq!(answer.status, 403, "{at}")
                }
            }
            if caller == Caller::OtherTenantAdmin || caller == Caller::OtherTenantMember {
                assert!(!answer.text.contains(&home.id), "{at}");
            }
            cases += 1;
        }
    }
    // The admin's pass, last, succeeded on every route — deletions included — so
    // nothing anyone else tried had changed or removed the tenant's objects.
    println!("authorization matrix: {cases} cases ({} routes x {} callers)", calls.len(), callers.len() + 1);
    assert_eq!(cases, calls.len() * (callers.len() + 1));
}
