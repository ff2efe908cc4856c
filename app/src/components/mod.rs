//! Reusable views.

pub mod council;
pub mod desk;
pub mod error_view;
pub mod form;
pub mod implementation;
pub mod layout;
pub mod live_form;
pub mod moderation;
pub mod pager;
pub mod place;
pub mod procedure_card;
pub mod raw_text;
