//! SES failures on demand: an HTTP client for the SES SDK client that answers the next
//! calls with the failures a script names — as SES itself answers them (status, error
//! type header, JSON body), so the real SDK parses them — and passes every other call to
//! the local endpoint.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient, SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse};
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_runtime_api::http::StatusCode;
use aws_smithy_types::body::SdkBody;

/// What SES answers one call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// 429 `TooManyRequestsException`: the sending rate exceeded (worth a retry).
    Throttled,
    /// 500 `InternalFailure` (worth a retry).
    Internal,
    /// 400 `MessageRejected`: refused for good.
    Rejected,
}

/// The script: faults for the next calls, in order; an empty script passes calls on
/// (and keeps their request bodies, to see what the client sent).
#[derive(Debug, Clone, Default)]
pub struct Faults(Arc<Mutex<VecDeque<Fault>>>, Arc<Mutex<Vec<String>>>);

impl Faults {
    pub fn push(&self, faults: &[Fault]) {
        self.0.lock().unwrap().extend(faults.iter().copied());
    }

    /// Faults not yet used.
    pub fn left(&self) -> usize {
        self.0.lock().unwrap().len()
    }

    /// The bodies of the calls passed on to the endpoint, oldest first.
    pub fn passed(&self) -> Vec<String> {
        self.1.lock().unwrap().clone()
    }

    /// An HTTP client that plays the script in front of `inner`.
    pub fn client(&self, inner: SharedHttpClient) -> SharedHttpClient {
        SharedHttpClient::new(Client { inner, faults: self.clone() })
    }
}

#[derive(Debug)]
struct Client {
    inner: SharedHttpClient,
    faults: Faults,
}

impl HttpClient for Client {
    fn http_connector(&self, settings: &HttpConnectorSettings, components: &RuntimeComponents) -> SharedHttpConnector {
        SharedHttpConnector::new(Connector {
            inner: self.inner.http_connector(settings, components),
            faults: self.faults.clone(),
        })
    }
}

#[derive(Debug)]
struct Connector {
    inner: SharedHttpConnector,
    faults: Faults,
}

fn answer(status: u16, error_type: &str, message: &str) -> HttpResponse {
    let body = serde_json::json!({ "message": message }).to_string();
    let mut response = HttpResponse::new(StatusCode::try_from(status).expect("a status"), SdkBody::from(body));
    response.headers_mut().insert("x-amzn-ErrorType", error_type.to_owned());
    response.headers_mut().insert("content-type", "application/json");
    response
}

impl HttpConnector for Connector {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let fault = self.faults.0.lock().unwrap().pop_front();
        match fault {
            None => {
                let body = request.body().bytes().map(|b| String::from_utf8_lossy(b).into_owned()).unwrap_or_default();
                self.faults.1.lock().unwrap().push(body);
                self.inner.call(request)
            }
            Some(Fault::Throttled) => HttpConnectorFuture::ready(Ok(answer(
                429,
                "TooManyRequestsException",
                "Maximum sending rate exceeded.",
            ))),
            Some(Fault::Internal) => {
                HttpConnectorFuture::ready(Ok(answer(500, "InternalFailure", "An internal failure occurred.")))
            }
            Some(Fault::Rejected) => {
                HttpConnectorFuture::ready(Ok(answer(400, "MessageRejected", "Email address is not verified.")))
            }
        }
    }
}
