//! Domain operations, one file per feature. Each takes `&impl ConnectionTrait` so it runs
//! inside or outside a transaction, and returns `AppError` for the faces to pass on.

pub mod account;
pub mod legal;
pub mod procedure;
