//! Domain operations, one file per feature. Each takes `&impl ConnectionTrait` so it runs
//! inside or outside a transaction, and returns `AppError` for the faces to pass on.

pub mod account;
pub mod address;
pub mod catalog;
pub mod district;
pub mod follow;
pub mod implementation;
pub mod legal;
pub mod media;
pub mod moderation;
pub mod oparl;
pub mod procedure;
pub mod results;
pub mod start_notice;
