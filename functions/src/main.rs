//! The `portico` Lambda binary. Every function of the template runs it; the route key of
//! each event selects the operation. Clients are built once, here.

use lambda_http::{service_fn, Error, Request};

#[tokio::main]
async fn main() -> Result<(), Error> {
    portico::observability::init_tracing();
    let app: &'static portico::App = Box::leak(Box::new(portico::App::from_env().await?));
    lambda_http::run(service_fn(move |request: Request| async move {
        Ok::<_, std::convert::Infallible>(portico_functions::handle_event(app, request).await)
    }))
    .await
}
