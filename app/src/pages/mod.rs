//! One file per page.

pub mod account;
pub mod home;
pub mod legal;
pub mod moderation;
pub mod not_found;
pub mod onsite_import;
pub mod planning;
pub mod procedure;
pub mod proposal;
pub mod proposals;
pub mod results;
