//! Hello world on lambda_runtime as its README writes it (`#[tokio::main]`: the multi-thread
//! runtime): the reference of the cold-start budget, before any of Portico's code.

use lambda_runtime::{service_fn, Error, LambdaEvent};
use serde_json::Value;

#[tokio::main]
async fn main() -> Result<(), Error> {
    lambda_runtime::run(service_fn(|event: LambdaEvent<Value>| async move { Ok::<_, Error>(event.payload) })).await
}
