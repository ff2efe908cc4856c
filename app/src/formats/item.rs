//! The item moderation works on, whatever format it comes from: a type only, below both the
//! interface (`content`) and the formats' hooks that build it.

use crate::model::moderation::{Target, TargetKind, Visibility};

/// A piece of content with what moderation needs of it.
#[derive(Debug, Clone)]
pub(crate) struct ContentItem {
    pub target: Target,
    pub procedure_id: i64,
    /// The proposal the item belongs to (a proposal's own id): the queue groups by it and
    /// the ledger links to it.
    pub proposal_id: i64,
    pub author_id: i64,
    pub visibility: Visibility,
    /// Published (not withdrawn, not deleted by its author).
    pub published: bool,
    /// The title readers know the item by (a comment's: its proposal's).
    pub title: String,
    /// The text as it stands, as the pre-screen and the report snapshot read it.
    pub text: String,
    /// The discussion it belongs to is closed to new contributions.
    pub locked: bool,
}

impl ContentItem {
    /// The item's public address.
    pub(crate) fn path(&self) -> String {
        match self.target.kind {
            TargetKind::Proposal => crate::model::path::proposal(self.proposal_id),
            TargetKind::Comment => crate::model::path::comment(self.proposal_id, self.target.id),
        }
    }
}
