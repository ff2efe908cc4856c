//! The format's services: proposals (listing, page, writing), comments, votes, and the
//! import of on-site contributions.

pub mod comment;
pub mod onsite_import;
pub mod proposal;
pub mod vote;
