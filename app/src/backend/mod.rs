//! The server side of the application: storage, domain services, rendering of user text.
//! Compiled only with the `ssr` feature; nothing here reaches the browser bundle.

pub mod auth;
pub mod common;
pub(crate) mod csv_table;
pub mod db;
pub mod entity;
pub mod export;
#[cfg(test)]
mod fuzz;
pub mod jobs;
pub mod logo;
pub mod mail;
pub mod proxies;
pub mod sanitize;
pub mod service;
pub mod state;
pub mod throttle;
pub mod tiles;
