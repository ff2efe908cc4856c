//! The participatory budget (Bürgerbudget): a procedure holds one budget or one per
//! district; planners put projects on the ballot; residents fill a ballot under the
//! budget's rule and submit it; the results follow from the submitted ballots by a
//! published method that anyone can recompute from the ballot file. The second
//! participation format (see `docs/ARCHITECTURE.md`, "Adding a participation format").

pub mod api;
#[cfg(feature = "ssr")]
pub(crate) mod hooks;
pub mod model;
pub mod pages;
pub mod planning;
pub mod planning_api;
pub mod rule;
#[cfg(feature = "ssr")]
pub mod service;
pub mod wording;
