//! The local Cognito keeps Cognito's promises (`infra/local/local_cognito.py`): each test
//! is a rule Portico relies on that plain moto breaks — attributes a member must not
//! change, tokens that must stop working, codes that must be the ones sent, TOTP, verified
//! sign-in values, the pre-token-generation trigger — proved with the AWS SDK's Cognito
//! client against the local endpoint, and, for what a browser may call, through the
//! gateway's `/cognito/`. Run against plain moto
//! (`PORTICO_MOTO_SERVER=$PWD/.venv/bin/moto_server`), each fails but the provisioning
//! test and the gateway's (whose refusal is the gateway's own).

use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use aws_sdk_cognitoidentityprovider::error::ProvideErrorMetadata;
use aws_sdk_cognitoidentityprovider::operation::initiate_auth::{InitiateAuthError, InitiateAuthOutput};
use aws_sdk_cognitoidentityprovider::types::{
    AttributeType, AuthFlowType, ChallengeNameType, MessageActionType, SoftwareTokenMfaSettingsType, UserPoolMfaType,
    VerifiedAttributeType,
};
use http_body_util::{BodyExt, Full};
use hyper::body::{Bytes, Incoming};
use portico_local::gateway::{fetch_verifier, template_user_pool, template_user_pool_client, Accept};
use portico_local::stack::{register_pre_token_trigger, ACCOUNT_HEADER};
use portico_local::workspace_root;
use portico_tests::{spawn_app, Answer, TestApp};
use serde_json::{json, Map, Value};

/// A login of the test's pool, as Portico makes a member's: immutable tenant and member,
/// a verified email address (and phone number), its own permanent password.
struct Login {
    username: String,
    email: String,
    password: String,
}

async fn login(app: &TestApp, name: &str, phone: Option<&str>) -> Login {
    let email = app.email(name);
    let password = format!("Pass-{name}-2026!X");
    let idp = app.cognito();
    let mut attributes = vec![
        ("email", email.as_str()),
        ("email_verified", "true"),
        ("given_name", name),
        ("custom:tenant_id", "ten_01JD8Z6V5Q2W3E4R5T6Y7A8B9C"),
        ("custom:member_id", "mem_01JD8Z6V5Q2W3E4R5T6Y7A8B9H"),
    ];
    if let Some(phone) = phone {
        attributes.extend([("phone_number", phone), ("phone_number_verified", "true")]);
    }
    let user = idp
        .admin_create_user()
        .user_pool_id(&app.prov.user_pool_id)
        .username(&email)
        .message_action(MessageActionType::Suppress)
        .set_user_attributes(Some(attributes.iter().map(|(n, v)| attribute(n, v)).collect()))
        .send()
        .await
        .expect("creating the login")
        .user
        .expect("the user");
    let username = user.username.expect("a username");
    idp.admin_add_user_to_group()
        .user_pool_id(&app.prov.user_pool_id)
        .username(&username)
        .group_name("portal-member")
        .send()
        .await
        .expect("the member group");
    idp.admin_set_user_password()
        .user_pool_id(&app.prov.user_pool_id)
        .username(&username)
        .password(&password)
        .permanent(true)
        .send()
        .await
        .expect("a permanent password");
    Login { username, email, password }
}

fn attribute(name: &str, value: &str) -> AttributeType {
    AttributeType::builder().name(name).value(value).build().expect("an attribute")
}

async fn sign_in(app: &TestApp, name: &str, password: &str) -> Result<InitiateAuthOutput, String> {
    app.cognito()
        .initiate_auth()
        .client_id(&app.prov.user_pool_client_id)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", name)
        .auth_parameters("PASSWORD", password)
        .send()
        .await
        .map_err(|e| refusal(&e))
}

/// Signed in: (ID, access, refresh) tokens.
async fn tokens(app: &TestApp, login: &Login) -> (String, String, String) {
    let out = sign_in(app, &login.email, &login.password).await.expect("signed in");
    let result = out.authentication_result.expect("tokens, no challenge");
    (result.id_token.unwrap(), result.access_token.unwrap(), result.refresh_token.unwrap())
}

async fn refresh(app: &TestApp, refresh_token: &str) -> Result<String, String> {
    let out = app
        .cognito()
        .initiate_auth()
        .client_id(&app.prov.user_pool_client_id)
        .auth_flow(AuthFlowType::RefreshTokenAuth)
        .auth_parameters("REFRESH_TOKEN", refresh_token)
        .send()
        .await
        .map_err(|e| refusal(&e))?;
    Ok(out.authentication_result.and_then(|r| r.id_token).expect("an ID token"))
}

async fn get_user(app: &TestApp, access: &str) -> Result<Vec<(String, String)>, String> {
    let out = app.cognito().get_user().access_token(access).send().await.map_err(|e| refusal(&e))?;
    Ok(out.user_attributes().iter().map(|a| (a.name().to_owned(), a.value().unwrap_or("").to_owned())).collect())
}

fn value_of<'a>(attributes: &'a [(String, String)], name: &str) -> Option<&'a str> {
    attributes.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
}

/// Cognito's error as the SDK parsed it: `Kind: message`.
fn refusal<E: ProvideErrorMetadata>(e: &E) -> String {
    format!("{}: {}", e.code().unwrap_or("(no error code)"), e.message().unwrap_or(""))
}

fn refused<T: std::fmt::Debug, E: ProvideErrorMetadata>(result: Result<T, E>) -> String {
    match result {
        Ok(ok) => panic!("accepted: {ok:?}"),
        Err(e) => refusal(&e),
    }
}

/// The verified claims of an ID token, as the gateway (API Gateway's authorizer) sees them.
async fn claims(app: &TestApp, id_token: &str) -> Map<String, Value> {
    let verifier =
        fetch_verifier(&app.aws.endpoint, &app.prov.user_pool_id, &app.prov.issuer(), &app.prov.user_pool_client_id)
            .await
            .unwrap();
    verifier.verify(id_token, Accept::IdTokens).expect("a token the gateway accepts")
}

/// A Cognito call as a browser makes it, through the gateway's `/cognito/`.
async fn browser(app: &TestApp, operation: &str, body: Value) -> Answer {
    let target = format!("AWSCognitoIdentityProviderService.{operation}");
    let headers = [("x-amz-target", target.as_str()), ("content-type", "application/x-amz-json-1.1")];
    app.api.raw("POST", "/cognito/", None, body.to_string(), &headers).await.unwrap()
}

/// A Cognito call straight to the local endpoint, for a response header the SDK hides.
async fn raw(app: &TestApp, operation: &str, body: Value) -> reqwest::Response {
    reqwest::Client::new()
        .post(&app.aws.endpoint)
        .header("x-amz-target", format!("AWSCognitoIdentityProviderService.{operation}"))
        .header("content-type", "application/x-amz-json-1.1")
        .header(ACCOUNT_HEADER, app.aws.account.clone().unwrap())
        .body(body.to_string())
        .send()
        .await
        .unwrap()
}

/// The TOTP code of `secret` for the time step `offset` steps from now (RFC 6238).
fn totp(secret: &str, offset: i64) -> String {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() as i64;
    portico_local::signin::totp_code(secret, (now + 30 * offset) as u64).expect("a base32 secret")
}

#[tokio::test]
async fn the_pool_is_provisioned_as_the_template_declares_it() {
    let root = workspace_root().join("infra/template.yaml");
    let pool = serde_json::to_value(template_user_pool(&root).unwrap()).unwrap();
    let both = json!(["email", "phone_number"]);
    assert_eq!(pool["MfaConfiguration"], "OPTIONAL");
    assert_eq!(pool["EnabledMfas"], json!(["SOFTWARE_TOKEN_MFA"]));
    assert_eq!(pool["AutoVerifiedAttributes"], both);
    assert_eq!(pool["UserAttributeUpdateSettings"]["AttributesRequireVerificationBeforeUpdate"], both);
    assert_eq!(pool["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"], true);
    assert!(!pool["SmsConfiguration"]["ExternalId"].is_null(), "an external id for the SMS role");
    let client = serde_json::to_value(template_user_pool_client(&root).unwrap()).unwrap();
    assert_eq!(client["PreventUserExistenceErrors"], "ENABLED");
    assert_eq!(client["EnableTokenRevocation"], true);

    let app = spawn_app().await;
    let idp = app.cognito();
    let described = idp.describe_user_pool().user_pool_id(&app.prov.user_pool_id).send().await.unwrap();
    let described = described.user_pool.unwrap();
    let verified = [VerifiedAttributeType::Email, VerifiedAttributeType::PhoneNumber];
    assert_eq!(described.mfa_configuration, Some(UserPoolMfaType::Optional));
    assert_eq!(described.auto_verified_attributes(), verified);
    let settings = described.user_attribute_update_settings.unwrap();
    assert_eq!(settings.attributes_require_verification_before_update(), verified);
    assert!(described.admin_create_user_config.unwrap().allow_admin_create_user_only);
    assert!(described.sms_configuration.unwrap().external_id.is_some());
    let mfa = idp.get_user_pool_mfa_config().user_pool_id(&app.prov.user_pool_id).send().await.unwrap();
    assert!(mfa.software_token_mfa_configuration.unwrap().enabled);
    let client = idp
        .describe_user_pool_client()
        .user_pool_id(&app.prov.user_pool_id)
        .client_id(&app.prov.user_pool_client_id)
        .send()
        .await
        .unwrap()
        .user_pool_client
        .unwrap();
    assert_eq!(client.prevent_user_existence_errors().map(|p| p.as_str()), Some("ENABLED"));
    assert_eq!(client.enable_token_revocation, Some(true));
}

#[tokio::test]
async fn immutable_attributes_cannot_be_changed_even_by_an_administrator() {
    let app = spawn_app().await;
    let mia = login(&app, "mia", None).await;
    let idp = app.cognito();
    for name in ["custom:tenant_id", "custom:member_id"] {
        let changed = idp
            .admin_update_user_attributes()
            .user_pool_id(&app.prov.user_pool_id)
            .username(&mia.username)
            .user_attributes(attribute(name, "ten_01JD8Z6V5Q2W3E4R5T6Y7A8ZZZ"))
            .send()
            .await;
        let refusal = refused(changed);
        assert!(refusal.starts_with("InvalidParameterException"), "{name}: {refusal}");
        assert!(refusal.contains(&format!("user.{name}: Attribute cannot be updated.")), "{refusal}");
        let deleted = idp
            .admin_delete_user_attributes()
            .user_pool_id(&app.prov.user_pool_id)
            .username(&mia.username)
            .user_attribute_names(name)
            .send()
            .await;
        assert!(refused(deleted).starts_with("InvalidParameterException"), "{name}");
    }
    let (id, _, _) = tokens(&app, &mia).await;
    let claims = claims(&app, &id).await;
    assert_eq!(claims["custom:tenant_id"], "ten_01JD8Z6V5Q2W3E4R5T6Y7A8B9C");
    assert_eq!(claims["custom:member_id"], "mem_01JD8Z6V5Q2W3E4R5T6Y7A8B9H");
}

#[tokio::test]
async fn a_member_writes_only_the_names_on_their_own_login() {
    let app = spawn_app().await;
    let mia = login(&app, "mia", None).await;
    let (_, access, _) = tokens(&app, &mia).await;
    let idp = app.cognito();
    // Issue 24: a member rewrote their tenant with their access token, signed in again
    // and was served as a member of another tenant.
    for name in ["custom:tenant_id", "custom:member_id", "email", "email_verified", "phone_number"] {
        let changed = idp
            .update_user_attributes()
            .access_token(&access)
            .user_attributes(attribute(name, "ten_01JD8Z6V5Q2W3E4R5T6Y7A8ZZZ"))
            .send()
            .await;
        let refusal = refused(changed);
        assert_eq!(refusal, "NotAuthorizedException: A client attempted to write unauthorized attribute", "{name}");
        let deleted = idp.delete_user_attributes().access_token(&access).user_attribute_names(name).send().await;
        assert!(refused(deleted).starts_with("NotAuthorizedException"), "{name}");
    }
    idp.update_user_attributes()
        .access_token(&access)
        .user_attributes(attribute("given_name", "Mia-Louise"))
        .send()
        .await
        .expect("the names are the client's to write");
    let (id, access, _) = tokens(&app, &mia).await;
    let claims = claims(&app, &id).await;
    assert_eq!(claims["custom:tenant_id"], "ten_01JD8Z6V5Q2W3E4R5T6Y7A8B9C", "still the tenant it was created in");
    assert_eq!(claims["email"], mia.email.as_str());
    assert_eq!(value_of(&get_user(&app, &access).await.unwrap(), "given_name"), Some("Mia-Louise"));
}

#[tokio::test]
async fn a_disabled_login_cannot_refresh_and_its_access_tokens_are_revoked() {
    let app = spawn_app().await;
    let mia = login(&app, "mia", None).await;
    let (_, access, refresh_token) = tokens(&app, &mia).await;
    refresh(&app, &refresh_token).await.expect("refreshes while enabled");
    let idp = app.cognito();
    idp.admin_disable_user().user_pool_id(&app.prov.user_pool_id).username(&mia.username).send().await.unwrap();
    // moto issued new tokens here.
    assert_eq!(refresh(&app, &refresh_token).await.unwrap_err(), "NotAuthorizedException: User is disabled.");
    assert_eq!(get_user(&app, &access).await.unwrap_err(), "NotAuthorizedException: Access Token has been revoked");
    idp.admin_enable_user().user_pool_id(&app.prov.user_pool_id).username(&mia.username).send().await.unwrap();
    refresh(&app, &refresh_token).await.expect("enabled again, the session goes on");
}

#[tokio::test]
async fn a_revoked_refresh_token_and_its_access_tokens_stop_working_other_sessions_do_not() {
    let app = spawn_app().await;
    let mia = login(&app, "mia", None).await;
    let (_, laptop_access, laptop_refresh) = tokens(&app, &mia).await;
    let (_, phone_access, phone_refresh) = tokens(&app, &mia).await;
    let idp = app.cognito();
    let client = &app.prov.user_pool_client_id;
    let not_refresh = idp.revoke_token().client_id(client).token(&laptop_access).send().await;
    assert!(refused(not_refresh).starts_with("UnsupportedTokenTypeException"));

    idp.revoke_token().client_id(client).token(&laptop_refresh).send().await.expect("RevokeToken");
    assert_eq!(
        refresh(&app, &laptop_refresh).await.unwrap_err(),
        "NotAuthorizedException: Refresh Token has been revoked"
    );
    assert_eq!(
        get_user(&app, &laptop_access).await.unwrap_err(),
        "NotAuthorizedException: Access Token has been revoked"
    );
    // The access tokens it refreshed before are revoked with it; the other session lives.
    get_user(&app, &phone_access).await.expect("the other session's access token");
    refresh(&app, &phone_refresh).await.expect("the other session's refresh token");
    // Revoking again is no error (RFC 7009).
    idp.revoke_token().client_id(client).token(&laptop_refresh).send().await.expect("RevokeToken again");
}

#[tokio::test]
async fn signing_out_everywhere_ends_every_session_whatever_name_signed_in() {
    let app = spawn_app().await;
    let mia = login(&app, "mia", Some("+31612340001")).await;
    let idp = app.cognito();
    // By email and by phone: Portico signs a member out by their username (identity::disable).
    let (_, by_email, email_refresh) = tokens(&app, &mia).await;
    let by_phone = sign_in(&app, "+31612340001", &mia.password).await.unwrap().authentication_result.unwrap();
    idp.admin_user_global_sign_out().user_pool_id(&app.prov.user_pool_id).username(&mia.username).send().await.unwrap();
    for access in [by_email.as_str(), by_phone.access_token().unwrap()] {
        assert_eq!(get_user(&app, access).await.unwrap_err(), "NotAuthorizedException: Access Token has been revoked");
    }
    for token in [email_refresh.as_str(), by_phone.refresh_token().unwrap()] {
        assert!(refresh(&app, token).await.unwrap_err().starts_with("NotAuthorizedException"));
    }

    // The member's own GlobalSignOut, through the gateway as the browser calls it.
    let (_, first, first_refresh) = tokens(&app, &mia).await;
    let (_, second, _) = tokens(&app, &mia).await;
    let out = browser(&app, "GlobalSignOut", json!({ "AccessToken": first })).await;
    assert_eq!(out.status, 200, "{}", out.text);
    for access in [&first, &second] {
        assert!(get_user(&app, access).await.is_err());
    }
    assert!(refresh(&app, &first_refresh).await.is_err());
}

#[tokio::test]
async fn nobody_signs_up_and_no_code_confirms_an_invited_login() {
    let app = spawn_app().await;
    let idp = app.cognito();
    let signed_up = idp
        .sign_up()
        .client_id(&app.prov.user_pool_client_id)
        .username(app.email("intruder"))
        .password("Intruder-Pass-2026!")
        .send()
        .await;
    assert_eq!(refused(signed_up), "NotAuthorizedException: SignUp is not permitted for this user pool");

    let invited = idp
        .admin_create_user()
        .user_pool_id(&app.prov.user_pool_id)
        .username(app.email("invited"))
        .temporary_password("Temporary-Pass-2026!")
        .message_action(MessageActionType::Suppress)
        .user_attributes(attribute("email_verified", "true"))
        .send()
        .await
        .unwrap();
    let confirmed = idp
        .confirm_sign_up()
        .client_id(&app.prov.user_pool_client_id)
        .username(invited.user.unwrap().username.unwrap())
        .confirmation_code("123456")
        .send()
        .await;
    assert_eq!(
        refused(confirmed),
        "NotAuthorizedException: User cannot be confirmed. Current status is FORCE_CHANGE_PASSWORD"
    );
}

#[tokio::test]
async fn a_forgotten_password_is_replaced_only_with_the_code_that_was_sent() {
    let app = spawn_app().await;
    let mia = login(&app, "mia", None).await;
    let idp = app.cognito();
    let client = &app.prov.user_pool_client_id;
    let confirm = |code: &str, password: &str| {
        idp.confirm_forgot_password()
            .client_id(client)
            .username(&mia.email)
            .confirmation_code(code)
            .password(password)
            .send()
    };
    let unasked = confirm("moto-confirmation-code:123456", "Brand-New-Pass-2026!").await;
    assert!(refused(unasked).starts_with("ExpiredCodeException"), "no code was sent");

    let forgot = raw(&app, "ForgotPassword", json!({"ClientId": client, "Username": mia.email})).await;
    assert_eq!(forgot.status(), 200);
    let code = forgot.headers()["x-moto-forgot-password-confirmation-code"].to_str().unwrap().to_owned();
    let wrong = if code.ends_with('1') { code.replace('1', "2") } else { format!("{}1", &code[..code.len() - 1]) };
    let mismatch = confirm(&wrong, "Brand-New-Pass-2026!").await;
    assert_eq!(refused(mismatch), "CodeMismatchException: Invalid verification code provided, please try again.");
    let weak = confirm(&code, "weak").await;
    assert!(refused(weak).starts_with("InvalidPasswordException"), "the pool's password policy holds");
    confirm(&code, "Brand-New-Pass-2026!").await.expect("the code that was sent");
    assert!(refused(confirm(&code, "Other-New-Pass-2026!").await).starts_with("ExpiredCodeException"), "used once");
    assert!(sign_in(&app, &mia.email, &mia.password).await.is_err());
    sign_in(&app, &mia.email, "Brand-New-Pass-2026!").await.expect("the new password");
}

#[tokio::test]
async fn a_reset_password_must_be_replaced_before_signing_in_again() {
    let app = spawn_app().await;
    let mia = login(&app, "mia", None).await;
    let reset =
        raw(&app, "AdminResetUserPassword", json!({"UserPoolId": app.prov.user_pool_id, "Username": mia.username}))
            .await;
    assert_eq!(reset.status(), 200);
    // Cognito sends the member a code; locally it comes back in this header.
    let code = reset.headers()["x-moto-forgot-password-confirmation-code"].to_str().unwrap().to_owned();
    let old = sign_in(&app, &mia.email, &mia.password).await.unwrap_err();
    assert_eq!(old, "PasswordResetRequiredException: Password reset required for the user");
    app.cognito()
        .confirm_forgot_password()
        .client_id(&app.prov.user_pool_client_id)
        .username(&mia.email)
        .confirmation_code(code)
        .password("Brand-New-Pass-2026!")
        .send()
        .await
        .expect("the code Cognito sent");
    sign_in(&app, &mia.email, "Brand-New-Pass-2026!").await.expect("signed in with the new password");
}

/// A new authenticator for the access token's login: its secret.
async fn associate(app: &TestApp, access: &str) -> String {
    let out = app.cognito().associate_software_token().access_token(access).send().await.unwrap();
    out.secret_code.expect("a secret")
}

#[tokio::test]
async fn totp_secrets_are_per_login_and_each_code_counts_once() {
    let app = spawn_app().await;
    let idp = app.cognito();
    let (mia, noa) = (login(&app, "mia", None).await, login(&app, "noa", None).await);
    let (_, mia_access, _) = tokens(&app, &mia).await;
    let (_, noa_access, _) = tokens(&app, &noa).await;
    let (mia_secret, noa_secret) = (associate(&app, &mia_access).await, associate(&app, &noa_access).await);
    assert_ne!(mia_secret, noa_secret, "moto gives every login one secret");
    assert!(mia_secret.len() >= 32, "{mia_secret}");

    let verify = |access: &str, code: String| idp.verify_software_token().access_token(access).user_code(code).send();
    let others = refused(verify(&mia_access, totp(&noa_secret, 0)).await);
    assert_eq!(others, "EnableSoftwareTokenMFAException: Code mismatch and fail enable Software Token MFA");
    let used = totp(&mia_secret, 0);
    verify(&mia_access, used.clone()).await.expect("Mia's own code");
    let preference = SoftwareTokenMfaSettingsType::builder().enabled(true).preferred_mfa(true).build();
    idp.set_user_mfa_preference()
        .access_token(&mia_access)
        .software_token_mfa_settings(preference)
        .send()
        .await
        .unwrap();

    // Sign-in now asks for a code.
    let challenge = sign_in(&app, &mia.email, &mia.password).await.unwrap();
    assert_eq!(challenge.challenge_name, Some(ChallengeNameType::SoftwareTokenMfa));
    assert!(challenge.authentication_result.is_none());
    let session = challenge.session.unwrap();
    let answer = |code: String| {
        idp.respond_to_auth_challenge()
            .client_id(&app.prov.user_pool_client_id)
            .challenge_name(ChallengeNameType::SoftwareTokenMfa)
            .session(&session)
            .challenge_responses("USERNAME", &mia.email)
            .challenge_responses("SOFTWARE_TOKEN_MFA_CODE", code)
            .send()
    };
    let again = answer(used).await.map_err(|e| e.into_service_error());
    assert!(matches!(again, Err(ref e) if e.is_expired_code_exception()), "a code counts once: {again:?}");
    assert_eq!(
        refused(answer(totp(&noa_secret, 1)).await),
        "CodeMismatchException: Invalid code or auth state for the user."
    );
    assert!(refused(answer(totp(&mia_secret, 5)).await).starts_with("CodeMismatchException"), "out of the window");
    // The next step's code (Cognito accepts the adjacent one).
    let signed_in = answer(totp(&mia_secret, 1)).await.expect("the right code");
    let id = signed_in.authentication_result.unwrap().id_token.unwrap();
    assert_eq!(claims(&app, &id).await["email"], mia.email.as_str());

    // An administrator resetting Mia's MFA: sign-in asks for no code again.
    let off = SoftwareTokenMfaSettingsType::builder().enabled(false).build();
    idp.admin_set_user_mfa_preference()
        .user_pool_id(&app.prov.user_pool_id)
        .username(&mia.username)
        .software_token_mfa_settings(off)
        .send()
        .await
        .unwrap();
    let plain = sign_in(&app, &mia.email, &mia.password).await.unwrap();
    assert!(plain.challenge_name.is_none() && plain.authentication_result.is_some());
}

#[tokio::test]
async fn an_mfa_challenge_is_answered_only_for_its_login_and_only_as_asked() {
    let app = spawn_app().await;
    let idp = app.cognito();
    let (mia, noa) = (login(&app, "mia", None).await, login(&app, "noa", None).await);
    let (_, access, _) = tokens(&app, &mia).await;
    let secret = associate(&app, &access).await;
    idp.verify_software_token().access_token(&access).user_code(totp(&secret, 0)).send().await.unwrap();
    let preference = SoftwareTokenMfaSettingsType::builder().enabled(true).preferred_mfa(true).build();
    idp.set_user_mfa_preference().access_token(&access).software_token_mfa_settings(preference).send().await.unwrap();
    let session = sign_in(&app, &mia.email, &mia.password).await.unwrap().session.unwrap();
    let respond = |challenge: ChallengeNameType, username: &str, key: &str, value: &str| {
        idp.respond_to_auth_challenge()
            .client_id(&app.prov.user_pool_client_id)
            .challenge_name(challenge)
            .session(&session)
            .challenge_responses("USERNAME", username)
            .challenge_responses(key, value)
            .send()
    };
    // Mia's session cannot sign Noa in, nor skip Mia's code by answering another challenge.
    let code = totp(&secret, 1);
    let as_noa = respond(ChallengeNameType::SoftwareTokenMfa, &noa.email, "SOFTWARE_TOKEN_MFA_CODE", &code).await;
    assert_eq!(refused(as_noa), "NotAuthorizedException: Invalid session for the user.");
    let new_password = respond(ChallengeNameType::NewPasswordRequired, &mia.email, "NEW_PASSWORD", "Other-Pass-2026!x");
    assert!(refused(new_password.await).starts_with("NotAuthorizedException"));
    let setup = respond(ChallengeNameType::MfaSetup, &mia.email, "SESSION", &session).await;
    assert!(refused(setup).starts_with("NotAuthorizedException"));
    // Nor set up another authenticator with it.
    let another = idp.associate_software_token().session(&session).send().await;
    assert!(refused(another).starts_with("NotAuthorizedException"));
    respond(ChallengeNameType::SoftwareTokenMfa, &mia.email, "SOFTWARE_TOKEN_MFA_CODE", &code)
        .await
        .expect("Mia's session, Mia's code");
}

#[tokio::test]
async fn sign_in_by_srp_is_refused_as_the_local_endpoint_cannot_check_a_proof() {
    let app = spawn_app().await;
    let mia = login(&app, "mia", None).await;
    // moto answered a challenge that any "proof" passes: a sign-in without the password.
    let srp = app
        .cognito()
        .initiate_auth()
        .client_id(&app.prov.user_pool_client_id)
        .auth_flow(AuthFlowType::UserSrpAuth)
        .auth_parameters("USERNAME", &mia.email)
        .auth_parameters("SRP_A", "abc123")
        .send()
        .await;
    assert!(refused(srp).starts_with("InvalidParameterException"));
}

/// The code the local Cognito "sends" for `attribute`, asked for as the browser asks.
async fn verification_code(app: &TestApp, access: &str, attribute: &str) -> String {
    let body = json!({"AccessToken": access, "AttributeName": attribute});
    let asked = browser(app, "GetUserAttributeVerificationCode", body).await;
    assert_eq!(asked.status, 200, "{}", asked.text);
    assert_eq!(asked.body["CodeDeliveryDetails"]["AttributeName"], attribute);
    asked.header("x-portico-local-verification-code").expect("the code, passed through by the gateway").to_owned()
}

async fn set_phone(app: &TestApp, username: &str, phone: &str, vouched: bool) -> Result<(), String> {
    let mut update = app
        .cognito()
        .admin_update_user_attributes()
        .user_pool_id(&app.prov.user_pool_id)
        .username(username)
        .user_attributes(attribute("phone_number", phone));
    if vouched {
        update = update.user_attributes(attribute("phone_number_verified", "true"));
    }
    update.send().await.map(|_| ()).map_err(|e| refusal(&e))
}

#[tokio::test]
async fn a_new_phone_number_takes_over_only_once_its_code_comes_back() {
    let app = spawn_app().await;
    let mia = login(&app, "mia", Some("+31612340001")).await;
    let (_, access, _) = tokens(&app, &mia).await;
    set_phone(&app, &mia.username, "+31612340002", false).await.unwrap();
    // Pending: the old number is still the login's, and still signs in; the new one does not.
    let attributes = get_user(&app, &access).await.unwrap();
    assert_eq!(value_of(&attributes, "phone_number"), Some("+31612340001"));
    sign_in(&app, "+31612340001", &mia.password).await.expect("the old number");
    assert_eq!(
        sign_in(&app, "+31612340002", &mia.password).await.unwrap_err(),
        "NotAuthorizedException: Incorrect username or password."
    );

    let code = verification_code(&app, &access, "phone_number").await;
    let verify = |code: String| {
        app.cognito().verify_user_attribute().access_token(&access).attribute_name("phone_number").code(code).send()
    };
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let mismatch = verify(wrong.to_owned()).await.map_err(|e| e.into_service_error());
    assert!(matches!(mismatch, Err(ref e) if e.is_code_mismatch_exception()), "{mismatch:?}");
    verify(code).await.expect("the code that was sent");

    let attributes = get_user(&app, &access).await.unwrap();
    assert_eq!(value_of(&attributes, "phone_number"), Some("+31612340002"));
    assert_eq!(value_of(&attributes, "phone_number_verified"), Some("true"));
    sign_in(&app, "+31612340002", &mia.password).await.expect("the new number");
    assert!(sign_in(&app, "+31612340001", &mia.password).await.is_err(), "the old number is no longer hers");

    // An administrator vouching for a number changes it at once (Portico's PATCH today).
    set_phone(&app, &mia.username, "+31612340003", true).await.unwrap();
    sign_in(&app, "+31612340003", &mia.password).await.expect("vouched for");
}

#[tokio::test]
async fn a_colleagues_number_neither_signs_in_nor_can_be_verified() {
    let app = spawn_app().await;
    let mia = login(&app, "mia", Some("+31612340001")).await;
    let noa = login(&app, "noa", Some("+31612340009")).await;
    let (_, access, _) = tokens(&app, &mia).await;
    // Mia gives her login Noa's number: her password with it signs in nobody (moto took
    // the first login holding the number, hers, verified or not); with Noa's password it
    // is Noa, as it was.
    set_phone(&app, &mia.username, "+31612340009", false).await.unwrap();
    assert!(sign_in(&app, "+31612340009", &mia.password).await.is_err());
    let noas = sign_in(&app, "+31612340009", &noa.password).await.unwrap().authentication_result.unwrap();
    assert_eq!(claims(&app, noas.id_token().unwrap()).await["email"], noa.email.as_str());
    // The code reaches Mia (it goes to the number), but the number is Noa's.
    let code = verification_code(&app, &access, "phone_number").await;
    let verified =
        app.cognito().verify_user_attribute().access_token(&access).attribute_name("phone_number").code(code).send();
    let taken = verified.await.map_err(|e| e.into_service_error());
    assert!(matches!(taken, Err(ref e) if e.is_alias_exists_exception()), "{taken:?}");
    // Nor may an administrator vouch for it.
    assert!(set_phone(&app, &mia.username, "+31612340009", true)
        .await
        .unwrap_err()
        .starts_with("AliasExistsException"));
    assert_eq!(value_of(&get_user(&app, &access).await.unwrap(), "phone_number"), Some("+31612340001"));
}

#[tokio::test]
async fn an_unverified_phone_number_signs_nobody_in() {
    let app = spawn_app().await;
    let idp = app.cognito();
    let email = app.email("ula");
    let user = idp
        .admin_create_user()
        .user_pool_id(&app.prov.user_pool_id)
        .username(&email)
        .message_action(MessageActionType::Suppress)
        .user_attributes(attribute("email_verified", "true"))
        .user_attributes(attribute("phone_number", "+31612340005"))
        .send()
        .await
        .unwrap()
        .user
        .unwrap();
    idp.admin_set_user_password()
        .user_pool_id(&app.prov.user_pool_id)
        .username(user.username.unwrap())
        .password("Ula-Pass-2026!x")
        .permanent(true)
        .send()
        .await
        .unwrap();
    sign_in(&app, &email, "Ula-Pass-2026!x").await.expect("the verified email");
    let by_phone = sign_in(&app, "+31612340005", "Ula-Pass-2026!x").await.unwrap_err();
    assert_eq!(by_phone, "NotAuthorizedException: Incorrect username or password.");
}

/// A stand-in for the PreTokenGeneration Lambda on 127.0.0.1: it keeps every event and
/// answers `status` with the event, its `response` set to `answer`.
struct Trigger {
    url: String,
    events: Arc<Mutex<Vec<Value>>>,
}

async fn trigger(status: u16, answer: Value) -> Trigger {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/pre-token-generation", listener.local_addr().unwrap());
    let events = Arc::new(Mutex::new(Vec::new()));
    let seen = events.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let (seen, answer) = (seen.clone(), answer.clone());
            let service = hyper::service::service_fn(move |request: hyper::Request<Incoming>| {
                let (seen, answer) = (seen.clone(), answer.clone());
                async move {
                    let body = request.into_body().collect().await?.to_bytes();
                    let mut event: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
                    seen.lock().unwrap().push(event.clone());
                    event["response"] = answer;
                    let reply = Full::new(Bytes::from(event.to_string()));
                    Ok::<_, hyper::Error>(hyper::Response::builder().status(status).body(reply).unwrap())
                }
            });
            let io = hyper_util::rt::TokioIo::new(stream);
            tokio::spawn(hyper::server::conn::http1::Builder::new().serve_connection(io, service));
        }
    });
    Trigger { url, events }
}

#[tokio::test]
async fn the_pre_token_generation_trigger_shapes_every_id_token() {
    let app = spawn_app().await;
    let mia = login(&app, "mia", None).await;
    let answer = json!({"claimsOverrideDetails": {
        "claimsToAddOrOverride": {"portico:login": "lgn_1", "sub": "someone-else"},
        "claimsToSuppress": ["given_name", "portico:nothing"],
    }});
    let stand_in = trigger(200, answer).await;
    register_pre_token_trigger(&app.aws, &app.prov.user_pool_id, &stand_in.url).await.unwrap();

    let (id, _, refresh_token) = tokens(&app, &mia).await;
    let refreshed = refresh(&app, &refresh_token).await.unwrap();
    for token in [&id, &refreshed] {
        let claims = claims(&app, token).await;
        assert_eq!(claims["portico:login"], "lgn_1", "added, and the token still verifies");
        assert!(!claims.contains_key("given_name"), "suppressed");
        assert_ne!(claims["sub"], "someone-else", "sub is not the trigger's to change");
        assert_eq!(claims["custom:tenant_id"], "ten_01JD8Z6V5Q2W3E4R5T6Y7A8B9C");
    }
    // The first sign-in's new password issues tokens too.
    let ida = app.email("ida");
    app.cognito()
        .admin_create_user()
        .user_pool_id(&app.prov.user_pool_id)
        .username(&ida)
        .temporary_password("Temporary-Pass-2026!")
        .message_action(MessageActionType::Suppress)
        .user_attributes(attribute("email_verified", "true"))
        .send()
        .await
        .unwrap();
    let session = sign_in(&app, &ida, "Temporary-Pass-2026!").await.unwrap().session.unwrap();
    let chosen = portico_local::signin::choose_password(
        &app.cognito(),
        &app.prov.user_pool_client_id,
        &ida,
        &session,
        "Ida-Pass-2026!x",
    )
    .await
    .unwrap();
    let portico_local::signin::SignIn::Signed(chosen) = chosen else { panic!("signed in") };
    assert_eq!(claims(&app, &chosen.id).await["portico:login"], "lgn_1");

    let events = stand_in.events.lock().unwrap().clone();
    let sources: Vec<&str> = events.iter().map(|e| e["triggerSource"].as_str().unwrap()).collect();
    assert_eq!(
        sources,
        ["TokenGeneration_Authentication", "TokenGeneration_RefreshTokens", "TokenGeneration_NewPasswordChallenge"]
    );
    let event = &events[0];
    assert_eq!(event["version"], "1");
    assert_eq!(event["region"], "us-east-1");
    assert_eq!(event["userPoolId"], app.prov.user_pool_id.as_str());
    assert_eq!(event["userName"], mia.username.as_str());
    assert_eq!(event["callerContext"]["clientId"], app.prov.user_pool_client_id.as_str());
    assert_eq!(event["request"]["userAttributes"]["email"], mia.email.as_str());
    assert_eq!(event["request"]["userAttributes"]["custom:member_id"], "mem_01JD8Z6V5Q2W3E4R5T6Y7A8B9H");
    assert_eq!(event["request"]["userAttributes"]["cognito:user_status"], "CONFIRMED");
    assert_eq!(event["request"]["groupConfiguration"]["groupsToOverride"], json!(["portal-member"]));
    assert_eq!(event["response"], json!({"claimsOverrideDetails": null}));
}

#[tokio::test]
async fn a_failing_pre_token_generation_trigger_fails_the_sign_in() {
    let app = spawn_app().await;
    let mia = login(&app, "mia", None).await;
    let failing = trigger(500, json!({})).await;
    register_pre_token_trigger(&app.aws, &app.prov.user_pool_id, &failing.url).await.unwrap();
    let failed = sign_in(&app, &mia.email, &mia.password).await.unwrap_err();
    assert!(failed.starts_with("UserLambdaValidationException: PreTokenGeneration failed"), "{failed}");
    assert_eq!(failing.events.lock().unwrap().len(), 1);

    // Unreachable: a port nobody listens on any more.
    let closed = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/", closed.local_addr().unwrap());
    drop(closed);
    register_pre_token_trigger(&app.aws, &app.prov.user_pool_id, &url).await.unwrap();
    let unreachable = app
        .cognito()
        .initiate_auth()
        .client_id(&app.prov.user_pool_client_id)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", &mia.email)
        .auth_parameters("PASSWORD", &mia.password)
        .send()
        .await
        .map_err(|e| e.into_service_error());
    assert!(matches!(unreachable, Err(InitiateAuthError::UserLambdaValidationException(_))), "{unreachable:?}");

    // Without a registration, tokens are moto's again.
    let unregistered = raw_registration(&app, Value::Null).await;
    assert_eq!(unregistered.status(), 200);
    tokens(&app, &mia).await;
}

async fn raw_registration(app: &TestApp, url: Value) -> reqwest::Response {
    reqwest::Client::new()
        .post(format!("{}/_portico/triggers", app.aws.endpoint))
        .header(ACCOUNT_HEADER, app.aws.account.clone().unwrap())
        .json(&json!({"user_pool_id": app.prov.user_pool_id, "pre_token_generation": url}))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn the_gateways_cognito_passes_only_what_a_browser_calls() {
    let app = spawn_app().await;
    let mia = login(&app, "mia", None).await;
    let pool = app.prov.user_pool_id.as_str();
    let client = app.prov.user_pool_client_id.as_str();

    // What a browser signs in with works through /cognito/.
    let signed_in = browser(
        &app,
        "InitiateAuth",
        json!({"AuthFlow": "USER_PASSWORD_AUTH", "ClientId": client,
               "AuthParameters": {"USERNAME": mia.email, "PASSWORD": mia.password}}),
    )
    .await;
    assert_eq!(signed_in.status, 200, "{}", signed_in.text);
    let access = signed_in.body["AuthenticationResult"]["AccessToken"].as_str().unwrap().to_owned();
    assert_eq!(browser(&app, "GetUser", json!({"AccessToken": access})).await.status, 200);

    // Everything else is refused as Cognito refuses an unsigned call, and changes nothing.
    let others = [
        (
            "AdminAddUserToGroup",
            json!({"UserPoolId": pool, "Username": mia.username, "GroupName": "platform-operator"}),
        ),
        ("ListUsers", json!({"UserPoolId": pool})),
        ("AdminCreateUser", json!({"UserPoolId": pool, "Username": app.email("intruder")})),
        (
            "AdminSetUserPassword",
            json!({"UserPoolId": pool, "Username": mia.username, "Password": "Hijack-Pass-2026!", "Permanent": true}),
        ),
        ("SignUp", json!({"ClientId": client, "Username": app.email("intruder"), "Password": "Intruder-Pass-2026!"})),
        ("ConfirmSignUp", json!({"ClientId": client, "Username": mia.email, "ConfirmationCode": "123456"})),
        (
            "UpdateUserAttributes",
            json!({"AccessToken": access, "UserAttributes": [{"Name": "given_name", "Value": "X"}]}),
        ),
        ("DeleteUser", json!({"AccessToken": access})),
    ];
    for (operation, body) in others {
        let answer = browser(&app, operation, body).await;
        assert_eq!(answer.status, 400, "{operation}: {}", answer.text);
        assert_eq!(answer.header("content-type"), Some("application/x-amz-json-1.1"));
        assert_eq!(
            answer.body,
            json!({"__type": "MissingAuthenticationTokenException", "message": "Missing Authentication Token"}),
            "{operation}"
        );
    }
    let groups = app.cognito().admin_list_groups_for_user().user_pool_id(pool).username(&mia.username).send().await;
    let groups: Vec<String> = groups.unwrap().groups().iter().filter_map(|g| g.group_name.clone()).collect();
    assert_eq!(groups, ["portal-member"]);
    tokens(&app, &mia).await;
    assert_eq!(value_of(&get_user(&app, &access).await.unwrap(), "given_name"), Some("mia"));
}
