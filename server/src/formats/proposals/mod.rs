//! Proposals over REST v1 (the resources clients get and the operations on them) and the
//! upload of on-site contributions as a spreadsheet.

mod onsite_rest;
pub mod onsite_upload;
pub mod resource;
mod rest;

pub use onsite_rest::api as onsite_api;
pub use rest::api;
