//! Cognito sign-in as a client does it: USER_PASSWORD_AUTH, answering
//! NEW_PASSWORD_REQUIRED on the first sign-in and SOFTWARE_TOKEN_MFA (the code of an
//! authenticator app) where the login has one, giving the ID token the API takes; and
//! setting up an authenticator app (TOTP) the way the web app does.

use std::collections::HashMap;
use std::sync::Mutex;

use anyhow::{bail, Context as _};
use aws_sdk_cognitoidentityprovider::types::{
    AuthFlowType, AuthenticationResultType, ChallengeNameType, SoftwareTokenMfaSettingsType,
};
use aws_sdk_cognitoidentityprovider::Client;

/// What a sign-in gives: the ID token (the API's), the access token (Cognito's own
/// calls, e.g. setting up an authenticator app) and the refresh token.
#[derive(Debug, Clone)]
pub struct Tokens {
    pub id: String,
    pub access: String,
    pub refresh: Option<String>,
}

/// The outcome of a password sign-in.
pub enum SignIn {
    /// Signed in.
    Signed(Tokens),
    /// First sign-in: a new password must be chosen (the session continues it).
    NewPasswordRequired { session: String },
    /// The login has an authenticator app: its current code is asked for.
    CodeRequired { session: String },
}

fn cognito_error<E: std::error::Error + Send + Sync + 'static, R: std::fmt::Debug + Send + Sync + 'static>(
    e: aws_sdk_cognitoidentityprovider::error::SdkError<E, R>,
) -> anyhow::Error {
    anyhow::anyhow!("{}", aws_sdk_cognitoidentityprovider::error::DisplayErrorContext(e))
}

fn outcome(
    challenge: Option<ChallengeNameType>,
    session: Option<String>,
    result: Option<AuthenticationResultType>,
) -> anyhow::Result<SignIn> {
    match challenge {
        Some(ChallengeNameType::NewPasswordRequired) => {
            Ok(SignIn::NewPasswordRequired { session: session.context("challenge without session")? })
        }
        Some(ChallengeNameType::SoftwareTokenMfa) => {
            Ok(SignIn::CodeRequired { session: session.context("challenge without session")? })
        }
        Some(other) => bail!("unexpected challenge {other:?}"),
        None => {
            let result = result.context("no tokens")?;
            Ok(SignIn::Signed(Tokens {
                id: result.id_token.context("no ID token")?,
                access: result.access_token.context("no access token")?,
                refresh: result.refresh_token,
            }))
        }
    }
}

/// Signs in with a username (email or phone) and password. Errors carry Cognito's
/// message (e.g. "User is disabled.").
pub async fn sign_in(idp: &Client, client_id: &str, username: &str, password: &str) -> anyhow::Result<SignIn> {
    let out = idp
        .initiate_auth()
        .client_id(client_id)
        .auth_flow(AuthFlowType::UserPasswordAuth)
        .auth_parameters("USERNAME", username)
        .auth_parameters("PASSWORD", password)
        .send()
        .await
        .map_err(cognito_error)?;
    outcome(out.challenge_name, out.session, out.authentication_result)
}

/// Answers NEW_PASSWORD_REQUIRED.
pub async fn choose_password(
    idp: &Client,
    client_id: &str,
    username: &str,
    session: &str,
    new_password: &str,
) -> anyhow::Result<SignIn> {
    let out = idp
        .respond_to_auth_challenge()
        .client_id(client_id)
        .challenge_name(ChallengeNameType::NewPasswordRequired)
        .session(session)
        .challenge_responses("USERNAME", username)
        .challenge_responses("NEW_PASSWORD", new_password)
        .send()
        .await
        .map_err(cognito_error)?;
    outcome(out.challenge_name, out.session, out.authentication_result)
}

/// Answers SOFTWARE_TOKEN_MFA with a code of the login's authenticator app.
pub async fn answer_code(
    idp: &Client,
    client_id: &str,
    username: &str,
    session: &str,
    code: &str,
) -> anyhow::Result<Tokens> {
    let out = idp
        .respond_to_auth_challenge()
        .client_id(client_id)
        .challenge_name(ChallengeNameType::SoftwareTokenMfa)
        .session(session)
        .challenge_responses("USERNAME", username)
        .challenge_responses("SOFTWARE_TOKEN_MFA_CODE", code)
        .send()
        .await
        .map_err(cognito_error)?;
    match outcome(out.challenge_name, out.session, out.authentication_result)? {
        SignIn::Signed(tokens) => Ok(tokens),
        _ => bail!("Cognito asked for more than the code"),
    }
}

/// Signs in all the way: chooses `new_password` if Cognito asks for one, and answers
/// the authenticator app's code from `totp_secret` if it asks for that.
pub async fn tokens(
    idp: &Client,
    client_id: &str,
    username: &str,
    password: &str,
    new_password: &str,
    totp_secret: Option<&str>,
) -> anyhow::Result<Tokens> {
    let mut step = sign_in(idp, client_id, username, password).await?;
    loop {
        step = match step {
            SignIn::Signed(tokens) => return Ok(tokens),
            SignIn::NewPasswordRequired { session } => {
                choose_password(idp, client_id, username, &session, new_password).await?
            }
            SignIn::CodeRequired { session } => {
                let secret =
                    totp_secret.with_context(|| format!("{username} signs in with a code, and no secret is known"))?;
                match answer_code(idp, client_id, username, &session, &next_code(secret).await?).await {
                    // Another process typed this step's code (a code counts once): the
                    // next step's, in a sign-in of its own.
                    Err(e) if e.to_string().contains("already been used") => {
                        match sign_in(idp, client_id, username, password).await? {
                            SignIn::CodeRequired { session } => {
                                return answer_code(idp, client_id, username, &session, &next_code(secret).await?).await
                            }
                            _ => bail!("Cognito asked for no code the second time"),
                        }
                    }
                    answered => return answered,
                }
            }
        }
    }
}

/// Signs in, choosing `new_password` if Cognito asks for one: the ID token.
pub async fn id_token(
    idp: &Client,
    client_id: &str,
    username: &str,
    password: &str,
    new_password: &str,
) -> anyhow::Result<String> {
    Ok(tokens(idp, client_id, username, password, new_password, None).await?.id)
}

/// Sets up an authenticator app for the signed-in login, as the web app does: Cognito
/// hands out a secret, the app's first code proves it was stored, and the login then
/// asks for a code at every sign-in. Returns the secret (base32), which is what an
/// authenticator app keeps.
pub async fn set_up_totp(idp: &Client, access_token: &str) -> anyhow::Result<String> {
    let secret = idp
        .associate_software_token()
        .access_token(access_token)
        .send()
        .await
        .map_err(cognito_error)?
        .secret_code
        .context("no secret")?;
    idp.verify_software_token()
        .access_token(access_token)
        .user_code(next_code(&secret).await?)
        .friendly_device_name("portico-local")
        .send()
        .await
        .map_err(cognito_error)?;
    idp.set_user_mfa_preference()
        .access_token(access_token)
        .software_token_mfa_settings(SoftwareTokenMfaSettingsType::builder().enabled(true).preferred_mfa(true).build())
        .send()
        .await
        .map_err(cognito_error)?;
    Ok(secret)
}

/// Proves the login's new phone number as its owner does: signs in, asks Cognito for a
/// code for it, and enters the code. Cognito sends the code by SMS; the local endpoint
/// also hands it back in a header (`x-portico-local-verification-code`), which the SDK
/// does not show — so that call goes, as the browser's does, to Cognito's JSON API.
pub async fn verify_phone(
    aws: &crate::stack::Aws,
    client_id: &str,
    username: &str,
    password: &str,
) -> anyhow::Result<()> {
    let idp = aws.cognito();
    let tokens = tokens(&idp, client_id, username, password, password, None).await?;
    let sent = reqwest::Client::new()
        .post(format!("{}/", aws.endpoint))
        .header("x-amz-target", "AWSCognitoIdentityProviderService.GetUserAttributeVerificationCode")
        .header("content-type", "application/x-amz-json-1.1")
        .body(serde_json::json!({"AccessToken": tokens.access, "AttributeName": "phone_number"}).to_string())
        .send()
        .await?;
    let code = sent
        .headers()
        .get("x-portico-local-verification-code")
        .and_then(|v| v.to_str().ok())
        .with_context(|| format!("no code for {username}'s phone number ({})", sent.status()))?
        .to_owned();
    idp.verify_user_attribute()
        .access_token(&tokens.access)
        .attribute_name("phone_number")
        .code(code)
        .send()
        .await
        .map_err(cognito_error)?;
    Ok(())
}

/// The TOTP code of `secret` (base32, as Cognito hands it out) at `unix` seconds:
/// RFC 6238, SHA-1, six digits, 30-second steps — what an authenticator app shows.
pub fn totp_code(secret: &str, unix: u64) -> anyhow::Result<String> {
    let bytes = totp_rs::Secret::Encoded(secret.to_owned()).to_bytes().map_err(|e| anyhow::anyhow!("secret: {e:?}"))?;
    let totp = totp_rs::TOTP::new_unchecked(totp_rs::Algorithm::SHA1, 6, 1, 30, bytes);
    Ok(totp.generate(unix))
}

/// An authenticator app's code to type now. A code lasts a 30-second step and Cognito
/// takes each one once, allowing for clocks a step apart: so this process uses the
/// previous step's code first, then the current, then the next — three sign-ins a step
/// with one app (a person types one a minute at most). Two rules keep every code inside
/// the window when it reaches Cognito, however slow the machine:
/// - the previous step's code only while five seconds or more of this step remain (a
///   margin of one second let a code go stale on its way on a busy machine);
/// - a caller who has had the three codes of this window waits for the next step, as a
///   person waits for their app's next code (sending a code two steps ahead would be
///   refused — and was, when a test signed the same admin in four times in a step).
pub async fn next_code(secret: &str) -> anyhow::Result<String> {
    static USED: Mutex<Option<HashMap<String, u64>>> = Mutex::new(None);
    let millis = u64::try_from(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_millis())?;
    let now = millis / STEP_MS;
    let earliest = if millis % STEP_MS < STEP_MS - 5_000 { now - 1 } else { now };
    let step = {
        let mut used = USED.lock().map_err(|_| anyhow::anyhow!("poisoned"))?;
        let used = used.get_or_insert_with(HashMap::new);
        let step = used.get(secret).map_or(earliest, |last| (*last + 1).max(earliest));
        used.insert(secret.to_owned(), step);
        step
    };
    // `step` is taken from the moment `step - 1` begins.
    let taken_from = (step - 1) * STEP_MS;
    if taken_from > millis {
        tokio::time::sleep(std::time::Duration::from_millis(taken_from - millis)).await;
    }
    totp_code(secret, step * 30)
}

const STEP_MS: u64 = 30_000;

/// An access token for an integration's credentials: the OAuth 2.0 client-credentials
/// grant at `token_url` (the pool domain's token endpoint; locally, the local endpoint's),
/// with HTTP Basic client authentication, as a back office requests one. `scope`: the
/// space-separated scopes to ask for (all the client's when `None`).
pub async fn client_credentials_token(
    token_url: &str,
    client_id: &str,
    client_secret: &str,
    scope: Option<&str>,
) -> anyhow::Result<String> {
    let mut form = vec![("grant_type", "client_credentials")];
    if let Some(scope) = scope {
        form.push(("scope", scope));
    }
    let answer = reqwest::Client::new()
        .post(token_url)
        .basic_auth(client_id, Some(client_secret))
        .form(&form)
        .send()
        .await
        .context("requesting a token")?;
    let status = answer.status();
    let body: serde_json::Value = answer.json().await.context("the token endpoint's answer")?;
    match body["access_token"].as_str() {
        Some(token) if status.is_success() => Ok(token.to_owned()),
        _ => anyhow::bail!("the token endpoint answered {status}: {}", body["error"]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_follow_rfc_6238() {
        // RFC 6238, appendix B: the SHA-1 secret "12345678901234567890" (base32 below),
        // at 59 s: 94287082 — its last six digits.
        let secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
        assert_eq!(totp_code(secret, 59).unwrap(), "287082");
        assert_eq!(totp_code(secret, 1_111_111_109).unwrap(), "081804");
    }

    #[tokio::test]
    async fn a_step_is_never_used_twice() {
        let secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
        let (a, b) = (next_code(secret).await.unwrap(), next_code(secret).await.unwrap());
        assert_ne!(a, b);
    }
}
