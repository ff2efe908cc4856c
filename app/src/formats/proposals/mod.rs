//! Proposals: residents propose, comment and vote; planners enter contributions from on-site
//! events (one by one or as a spreadsheet); moderation, follow, results and the council's
//! outcomes apply to them. The first participation format (see `docs/ARCHITECTURE.md`,
//! "Adding a participation format").

pub mod api;
pub mod discussion;
#[cfg(feature = "ssr")]
pub(crate) mod hooks;
pub mod input;
pub mod model;
pub mod onsite_api;
pub mod onsite_model;
pub mod opinion;
pub mod opinion_api;
pub mod pages;
pub mod photos;
#[cfg(feature = "ssr")]
pub mod service;
