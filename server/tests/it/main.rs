//! In-process integration tests: the real router from `build_app`, a fresh database per test.
//! `MITREDEN_TEST_BACKEND=postgres` runs the same tests on PostgreSQL.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#![recursion_limit = "512"]

mod fixtures;
mod harness;
mod smtp;

mod account_pages;
mod accounts;
mod addresses;
mod api;
mod areas;
mod authorization;
mod backup;
mod budget;
mod budget_council;
mod budget_decisions;
mod budget_desk;
mod budget_districts;
mod budget_pages;
mod caching;
mod clusters;
mod concurrency;
mod config;
mod escaping;
mod health;
mod implementation;
mod implementation_photos;
mod listing_counts;
mod mail;
mod media;
mod merges;
mod migrations;
mod moderation;
mod onsite_import;
mod opinions;
mod pages;
mod participation;
mod places;
mod planning;
mod plans;
mod procedures;
mod proposal_photos;
mod queries;
mod results;
mod server_fns;
mod start_notices;
mod structure;
mod tiles;
