//! Integration tests: one binary, one moto, an isolated world per test.

mod auth;
mod contacts;
mod divisions;
mod fixtures;
mod groups;
mod lifecycle;
mod local_stack;
mod matrix;
mod members;
mod property;
mod resources;
mod routes;
mod story;
mod triggers;
mod work;
