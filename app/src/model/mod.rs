//! Types shared by browser and server. No I/O here; validated newtypes are the way in.

#[macro_use]
mod state;

pub mod account;
pub mod address;
pub mod area;
pub mod done;
pub mod idempotency;
pub mod implementation;
pub mod lang;
pub mod ledger;
pub mod legal;
pub mod moderation;
pub mod path;
pub mod phase;
pub mod place;
pub mod procedure;
pub mod results;
pub mod text;
pub mod time;

pub(crate) use state::string_enum;
