//! The format's pages: the list inside a procedure's page, a proposal's own page, the vote
//! box both use.

pub mod detail;
pub mod implementation_desk;
pub mod list;
mod merges;
pub mod onsite_import;
pub mod opinion;
pub mod opinion_desk;
pub mod photo_desk;
mod thread;
pub mod vote_box;
