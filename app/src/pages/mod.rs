//! One file per page.

pub mod account;
pub mod address_list;
pub mod area;
pub mod districts;
pub mod home;
pub mod ledger;
pub mod legal;
pub mod moderation;
pub mod not_found;
pub mod planning;
pub mod procedure;
pub mod results;
