//! The format's services: proposals (listing, page, writing), comments, votes, the import
//! of on-site contributions, and the administration's opinions on proposals.

pub mod comment;
pub mod onsite_import;
pub mod opinion;
pub mod photos;
pub mod proposal;
pub mod vote;
