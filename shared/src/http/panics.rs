//! A panic while handling a request still answers: 500 problem+json carrying the request
//! id, one ERROR log line with the panic's message and where it happened, and the process
//! goes on to serve the next request (in Lambda: no crashed invocation, no cold start
//! after it). Catching needs unwinding: the release profile has `panic = "unwind"`
//! (decision 0001 has what that costs).

use std::any::Any;
use std::future::Future;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Once;
use std::task::Poll;

use super::problem;
use super::response::Response;

/// `handling`'s response, or — if it panics — a 500 problem naming `request_id`. The
/// panic is logged (see [`log_panics`]) inside the caller's span, so with its request id.
pub async fn answer_even_if_panicking<F>(request_id: &str, handling: F) -> Response
where
    F: Future<Output = Response>,
{
    log_panics();
    let mut handling = Box::pin(handling);
    // Nothing the handler left half-done is read again: the request ends here, and the
    // clients it shares with the next request keep no state of its own.
    let outcome = std::future::poll_fn(|cx| match catch_unwind(AssertUnwindSafe(|| handling.as_mut().poll(cx))) {
        Ok(Poll::Ready(response)) => Poll::Ready(Ok(response)),
        Ok(Poll::Pending) => Poll::Pending,
        Err(payload) => Poll::Ready(Err(payload)),
    })
    .await;
    match outcome {
        Ok(response) => response,
        Err(_) => problem::panicked(request_id),
    }
}

/// Logs every panic as one JSON line at ERROR — message and location — instead of the
/// standard library's plain text on stderr (which CloudWatch keeps at no level). Where no
/// subscriber listens, the standard hook still prints it. Installed once per process.
pub fn log_panics() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let standard = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if tracing::enabled!(tracing::Level::ERROR) {
                let location = info.location().map(|l| format!("{}:{}:{}", l.file(), l.line(), l.column()));
                tracing::error!(
                    panic = message(info.payload()),
                    location = location.as_deref().unwrap_or("unknown"),
                    "a handler panicked"
                );
            } else {
                standard(info);
            }
        }));
    });
}

/// What `panic!` said (its payload is a `&str` or a `String`).
fn message(payload: &(dyn Any + Send)) -> &str {
    payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("(no message)")
}

#[cfg(test)]
mod tests {
    use std::io::Write;
    use std::sync::{Arc, Mutex};

    use lambda_http::Body;
    use tracing::Instrument;

    use super::*;

    #[derive(Clone, Default)]
    struct Capture(Arc<Mutex<Vec<u8>>>);

    impl Write for Capture {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().map_err(|_| std::io::Error::other("poisoned"))?.extend_from_slice(buf);
            Ok(buf.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    fn body(r: &Response) -> serde_json::Value {
        match r.body() {
            Body::Text(t) => serde_json::from_str(t).unwrap(),
            other => panic!("{other:?}"),
        }
    }

    #[tokio::test(flavor = "current_thread")]
    async fn a_panicking_handler_answers_500_problem_with_its_request_id_and_the_next_request_is_served() {
        let capture = Capture::default();
        let writer = capture.clone();
        let subscriber = tracing_subscriber::fmt()
            .json()
            .with_writer(move || writer.clone())
            .with_current_span(true)
            .without_time()
            .finish();
        let _default = tracing::subscriber::set_default(subscriber);

        let span = tracing::info_span!("request", request_id = "req-42");
        let handling = async {
            if std::hint::black_box(true) {
                panic!("resulting value is out of range");
            }
            Response::new(Body::Empty)
        };
        let answer = answer_even_if_panicking("req-42", handling).instrument(span).await;
        assert_eq!(answer.status(), 500);
        assert_eq!(answer.headers()["content-type"], problem::CONTENT_TYPE);
        let problem = body(&answer);
        assert_eq!(problem["status"], 500);
        assert_eq!(problem["request_id"], "req-42");
        assert!(!problem["detail"].as_str().unwrap().contains("out of range"), "the cause stays in the log");

        let log = String::from_utf8(capture.0.lock().unwrap().clone()).unwrap();
        let line: serde_json::Value =
            serde_json::from_str(log.lines().find(|l| l.contains("panicked")).expect("a log line")).unwrap();
        assert_eq!(line["level"], "ERROR");
        assert_eq!(line["fields"]["panic"], "resulting value is out of range");
        assert!(line["fields"]["location"].as_str().unwrap().starts_with("shared/src/http/panics.rs:"), "{line}");
        assert_eq!(line["span"]["request_id"], "req-42");

        // The same process serves the next request.
        let next = answer_even_if_panicking("req-43", async { Response::new(Body::Text("ok".into())) }).await;
        assert_eq!(next.status(), 200);
        assert!(matches!(next.body(), Body::Text(t) if t == "ok"));
    }
}
