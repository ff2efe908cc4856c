//! Long discussions in parts: which part of a proposal's comments a page shows, and where
//! that part sits in the whole. No request loads a whole thread.

use serde::{Deserialize, Serialize};

/// Top-level comments (or replies to the comment a page is about) per page of a discussion.
pub const THREAD_PAGE_SIZE: u64 = 30;
/// Replies shown below each comment; the rest are one link away.
pub const REPLIES_SHOWN: u64 = 5;

/// Which part of a long discussion a page shows: a page of its top-level comments (`after`:
/// those after the one with this id), the replies to one comment (`replies`, paged by
/// `after` too), or the part that holds one comment (`comment`: its top-level comment and
/// the ones after it, the comment shown however far down its replies it is).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct ThreadWindow {
    pub after: Option<i64>,
    pub replies: Option<i64>,
    pub comment: Option<i64>,
}

impl ThreadWindow {
    /// From a page address (`?after=`, `?replies=`, `?comment=`); a value that is not an
    /// id is ignored, so a stale or mangled link still shows the discussion.
    pub fn from_params(get: impl Fn(&str) -> Option<String>) -> Self {
        let id = |key: &str| {
            get(key)
                .and_then(|v| v.trim().parse::<i64>().ok())
                .filter(|id| *id > 0)
        };
        Self {
            after: id("after"),
            replies: id("replies"),
            comment: id("comment"),
        }
    }

    /// The address of this part of a proposal's discussion.
    pub fn href(&self, proposal_id: i64) -> String {
        format!(
            "{}{}#kommentare",
            crate::model::path::proposal(proposal_id),
            self.query()
        )
    }

    /// The page's address below the proposal's (`?after=12`), empty for the first page.
    pub fn query(&self) -> String {
        let parts: Vec<String> = [
            ("replies", self.replies),
            ("comment", self.comment),
            ("after", self.after),
        ]
        .into_iter()
        .filter_map(|(key, value)| value.map(|v| format!("{key}={v}")))
        .collect();
        if parts.is_empty() {
            String::new()
        } else {
            format!("?{}", parts.join("&"))
        }
    }
}

/// Where a page's part of a discussion sits in the whole.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct ThreadPage {
    /// The part after this one, when there is more.
    pub next: Option<ThreadWindow>,
    /// The page does not start at the discussion's beginning (a later page, or the
    /// replies to one comment): it links back to the start.
    pub partial: bool,
    /// The replies to this comment are shown (it heads the part).
    pub replies_to: Option<i64>,
}
