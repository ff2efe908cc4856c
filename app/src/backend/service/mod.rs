//! Domain operations, one file per feature. Each takes `&impl ConnectionTrait` so it runs
//! inside or outside a transaction, and returns `AppError` for the faces to pass on.

pub mod account;
pub mod catalog;
pub mod comment;
pub mod follow;
pub mod legal;
pub mod media;
pub mod moderation;
pub mod onsite_import;
pub mod oparl;
pub mod procedure;
pub mod proposal;
pub mod results;
pub mod start_notice;
pub mod vote;
