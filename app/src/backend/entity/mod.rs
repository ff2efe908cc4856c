//! sea-orm entities: one file per table. The schema itself comes only from `migrations`.

pub mod phase;
pub mod procedure;
