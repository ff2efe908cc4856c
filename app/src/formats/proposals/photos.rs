//! Photos on proposals as browser and server see them: up to [`MAX_PHOTOS`] per proposal,
//! each with its text alternative and in three sizes. The files are served under
//! `/medien/`; uploads are plain multipart form posts (see `server/src/photos.rs`).

use serde::{Deserialize, Serialize};

/// A proposal carries at most this many photos (hidden ones count).
pub const MAX_PHOTOS: usize = 3;

/// The upload form's name, for the errors it returns with.
pub const PHOTO_FORM: &str = "proposal_photo";

/// A photo as pages and the API show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct ProposalPhoto {
    pub id: i64,
    /// What a screen reader says instead of the picture.
    pub alt: String,
    /// The page size's pixels (the list's and the print's keep its proportions).
    pub width: u32,
    pub height: u32,
    /// At most 480 pixels on the longer side.
    pub list_url: String,
    /// The list size's pixels.
    pub list_width: u32,
    pub list_height: u32,
    /// At most 1,280.
    pub page_url: String,
    /// At most 2,400, for print and for a closer look.
    pub print_url: String,
    /// A moderator hid it: only its author and moderators see it, marked so.
    #[serde(default)]
    pub hidden: bool,
}

/// The photos of a proposal's page and what the viewer may do with them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct PhotoShelf {
    pub photos: Vec<ProposalPhoto>,
    /// The viewer is the author: they may remove photos and (below the limit) add some.
    pub own: bool,
    /// The author may still add photos (published, not hidden, fewer than the limit).
    pub can_add: bool,
    /// The viewer moderates: they see hidden photos and may hide shown ones.
    #[serde(default)]
    pub moderate: bool,
}

/// The page where a proposal's author adds and removes its photos and moderators hide them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct PhotoDesk {
    pub proposal_id: i64,
    pub title: String,
    pub shelf: PhotoShelf,
}
