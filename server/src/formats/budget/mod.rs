//! The participatory budget over REST v1: budgets, projects, the caller's ballot, results
//! and the ballot file.

mod rest;

pub use rest::api;
