//! The REST faces of the participation formats (their model, services and pages are in
//! `app::formats`).

pub mod budget;
pub mod proposals;
