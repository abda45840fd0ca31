//! `Idempotency-Key` (IETF httpapi draft): a creating request sent again with the same
//! key gets the first response, and nothing is created twice.
//!
//! [`once`] runs around every `POST` handler, so every creating route has it without
//! asking. A key belongs to its tenant (or the platform), its caller and its operation,
//! and remembers a fingerprint of the request (method, route, path and query
//! parameters, body):
//!
//! | the key was…                              | the answer                                  |
//! |-------------------------------------------|---------------------------------------------|
//! | never used (or expired, after 24 h)       | the handler runs                            |
//! | used for this very request, finished      | its first response, replayed: status, body, `ETag`, `Location`, and `Idempotent-Replayed: true` |
//! | used for this very request, still running | 409, try later                              |
//! | used for a different request              | 422                                         |
//!
//! A request that fails before it changes anything lets go of its key, so the client can
//! retry with it; one whose change committed keeps its response (even an error). The
//! change and the "committed" mark are one transaction (see `store::idempotency`).

use std::borrow::Cow;

use crate::app::App;
use crate::domain::integration::Binding;
use crate::error::{Error, Result};
use crate::http::problem;
use crate::http::{Reply, Req};
use crate::store::idempotency::{Claimed, Record, SavedResponse, State};
use crate::store::keys::KeySpace;

/// Runs `handler` for `req` as an operation with `Idempotency-Key` semantics. A request
/// that holds a key runs with `app` keyed to it ([`App::keyed`]): the handler's first
/// transaction marks the key without the handler knowing.
pub async fn once<F>(app: &App, operation: &str, req: Req, handler: F) -> Result<Reply>
where
    F: AsyncFnOnce(&App, Req) -> Result<Reply>,
{
    let Some(key) = req.idempotency_key()? else { return handler(app, req).await };
    // Without verified claims the handler answers 401; there is no caller to key by.
    let Ok(principal) = req.principal() else { return handler(app, req).await };
    let space = match principal.integration() {
        // An integration's tenant is its client's binding's: its keys are kept with the
        // tenant's, not in the platform's partition. No binding: the guard answers.
        Some(client) => {
            let binding = app.store.get::<Binding>(crate::store::keys::binding_key(&client.client_id)).await?;
            match binding {
                Some(binding) => KeySpace::Tenant(binding.tenant),
                None => return handler(app, req).await,
            }
        }
        None => principal.tenant().map_or(KeySpace::Platform, KeySpace::Tenant),
    };
    let fingerprint = req.fingerprint();
    let store = &app.store;
    let flight = match store.claim_key(space, operation, principal.sub(), &key, &fingerprint).await? {
        Claimed::Mine(flight) => flight,
        Claimed::Theirs(record) => return answer_from(record, &fingerprint),
    };
    let result = handler(&app.keyed(flight.clone()), req).await;
    // A request that failed before changing anything lets go of its key. One that
    // succeeded without changing anything stored (say, a presigned URL only) keeps its
    // answer for replay, like one that committed.
    if !flight.committed() && result.is_err() {
        if let Err(e) = store.release_key(&flight).await {
            // The key stays held until its lock runs out; then a retry runs.
            tracing::error!(error = ?e, "an idempotency key could not be released");
        }
        return result;
    }
    let saved = match &result {
        Ok(reply) => saved(reply),
        Err(e) => saved_problem(e),
    };
    if let Err(e) = store.complete_key(&flight, saved).await {
        // The change is made and the caller gets its answer; a retry will hear 409.
        tracing::error!(error = ?e, "the response to an idempotent request could not be stored");
    }
    result
}

/// What a request learns from a record another request made with the same key.
fn answer_from(record: Record, fingerprint: &str) -> Result<Reply> {
    if record.fingerprint != fingerprint {
        return Err(Error::unprocessable(
            "this Idempotency-Key was used for a different request; send a new key with a new request",
        ));
    }
    match (record.state, record.response) {
        (State::Completed, Some(r)) => Ok(Reply {
            status: r.status,
            body: r.body,
            etag: r.etag,
            content_type: Cow::Owned(r.content_type),
            disposition: None,
            location: r.location,
            replayed: true,
        }),
        (State::InProgress, _) => {
            Err(Error::conflict("a request with this Idempotency-Key is still being processed; retry later"))
        }
        _ => Err(Error::conflict(
            "a request with this Idempotency-Key was processed, but its response could not be kept; \
             look the result up instead of retrying",
        )),
    }
}

fn saved(reply: &Reply) -> SavedResponse {
    SavedResponse {
        status: reply.status,
        content_type: reply.content_type.to_string(),
        body: reply.body.clone(),
        etag: reply.etag,
        location: reply.location.clone(),
    }
}

fn saved_problem(error: &Error) -> SavedResponse {
    let problem = problem::Problem::of(error);
    SavedResponse {
        status: problem.status,
        content_type: problem::CONTENT_TYPE.to_owned(),
        body: serde_json::to_string(&problem).unwrap_or_default(),
        etag: None,
        location: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(state: State, fingerprint: &str, response: Option<SavedResponse>) -> Record {
        Record { state, fingerprint: fingerprint.into(), token: "t".into(), locked_until: 0, expires_at: 0, response }
    }

    fn created() -> SavedResponse {
        SavedResponse {
            status: 201,
            content_type: "application/json".into(),
            body: r#"{"id":"cus_1"}"#.into(),
            etag: Some(1),
            location: Some("/admin/customers/cus_1".into()),
        }
    }

    #[test]
    fn the_same_request_gets_the_first_response_with_its_headers() {
        let reply = answer_from(record(State::Completed, "f", Some(created())), "f").unwrap();
        assert_eq!((reply.status, reply.etag, reply.replayed), (201, Some(1), true));
        assert_eq!(reply.location.as_deref(), Some("/admin/customers/cus_1"));
        assert_eq!(reply.body, r#"{"id":"cus_1"}"#);
    }

    #[test]
    fn another_request_with_the_key_is_a_422_whatever_the_state() {
        for state in [State::InProgress, State::Committed, State::Completed] {
            let outcome = answer_from(record(state, "f", Some(created())), "g");
            assert!(matches!(outcome, Err(Error::Unprocessable(_))), "{state:?}");
        }
    }

    #[test]
    fn a_request_still_running_is_a_409() {
        assert!(matches!(answer_from(record(State::InProgress, "f", None), "f"), Err(Error::Conflict(_))));
        assert!(matches!(answer_from(record(State::Committed, "f", None), "f"), Err(Error::Conflict(_))));
    }
}
