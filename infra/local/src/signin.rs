//! Cognito sign-in as a client does it: USER_PASSWORD_AUTH, answering
//! NEW_PASSWORD_REQUIRED on the first sign-in, giving the ID token the API takes.

use anyhow::{bail, Context as _};
use aws_sdk_cognitoidentityprovider::types::{AuthFlowType, ChallengeNameType};
use aws_sdk_cognitoidentityprovider::Client;

/// The outcome of a password sign-in.
pub enum SignIn {
    /// Signed in: the ID token.
    Token(String),
    /// First sign-in: a new password must be chosen (the session continues it).
    NewPasswordRequired { session: String },
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
        .map_err(|e| anyhow::anyhow!("{}", aws_sdk_cognitoidentityprovider::error::DisplayErrorContext(e)))?;
    if out.challenge_name == Some(ChallengeNameType::NewPasswordRequired) {
        return Ok(SignIn::NewPasswordRequired { session: out.session.context("challenge without session")? });
    }
    if let Some(challenge) = out.challenge_name {
        bail!("unexpected challenge {challenge:?}");
    }
    Ok(SignIn::Token(out.authentication_result.and_then(|r| r.id_token).context("no ID token")?))
}

/// Answers NEW_PASSWORD_REQUIRED and returns the ID token.
pub async fn choose_password(
    idp: &Client,
    client_id: &str,
    username: &str,
    session: &str,
    new_password: &str,
) -> anyhow::Result<String> {
    let out = idp
        .respond_to_auth_challenge()
        .client_id(client_id)
        .challenge_name(ChallengeNameType::NewPasswordRequired)
        .session(session)
        .challenge_responses("USERNAME", username)
        .challenge_responses("NEW_PASSWORD", new_password)
        .send()
        .await
        .map_err(|e| anyhow::anyhow!("{}", aws_sdk_cognitoidentityprovider::error::DisplayErrorContext(e)))?;
    out.authentication_result.and_then(|r| r.id_token).context("no ID token")
}

/// Signs in, choosing `new_password` if Cognito asks for one.
pub async fn id_token(
    idp: &Client,
    client_id: &str,
    username: &str,
    password: &str,
    new_password: &str,
) -> anyhow::Result<String> {
    match sign_in(idp, client_id, username, password).await? {
        SignIn::Token(t) => Ok(t),
        SignIn::NewPasswordRequired { session } => {
            choose_password(idp, client_id, username, &session, new_password).await
        }
    }
}
