//! Participation formats. Each format is a folder with its model, service, pages and
//! `#[server]` functions; it plugs into the shared parts (procedures and phases, accounts,
//! moderation, follow, results and exports) through the interface in this module.

pub mod budget;
#[cfg(feature = "ssr")]
pub(crate) mod content;
#[cfg(feature = "ssr")]
pub(crate) mod item;
pub mod proposals;
