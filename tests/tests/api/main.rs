//! Integration tests: one binary, one moto, an isolated world per test.

mod assets;
mod auth;
mod contacts;
mod divisions;
mod documents;
mod fixtures;
mod groups;
mod idempotency;
mod invoices;
mod lifecycle;
mod local_stack;
mod logins;
mod matrix;
mod members;
mod messages;
mod notifications;
mod odd_input;
mod property;
mod quotes;
mod races;
mod representations;
mod resources;
mod routes;
mod story;
mod triggers;
mod work;
