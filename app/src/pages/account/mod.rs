//! The account pages: register, log in, confirm, password, profile, user administration.

pub mod confirm;
pub mod login;
pub mod password;
pub mod profile;
pub mod register;
pub mod users;
