//! Proposals over REST v1 (the resources clients get and the operations on them) and the
//! upload of on-site contributions as a spreadsheet.

mod geo_rest;
mod onsite_rest;
pub mod onsite_upload;
mod opinion_rest;
pub mod resource;
mod rest;

pub use geo_rest::api as geo_api;
pub use onsite_rest::api as onsite_api;
pub use opinion_rest::api as opinion_api;
pub use rest::api;
