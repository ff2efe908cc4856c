//! The public moderation ledger as pages and the API show it: every decision with its
//! public reason, never who took it, never the internal note.

use crate::model::moderation::{ModerationActionKind, ModerationReason, ProcedureChoice, Target};
use crate::model::time::Timestamp;
use serde::{Deserialize, Serialize};

/// A decision as the public ledger shows it: never who took it, never the internal note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct LedgerEntry {
    pub id: i64,
    pub created_at: Timestamp,
    pub action: ModerationActionKind,
    pub reason: Option<ModerationReason>,
    pub public_reason: String,
    /// `None` for lifting a block (the person is not named).
    pub target: Option<Target>,
    pub proposal_id: Option<i64>,
    pub procedure_slug: Option<String>,
    pub procedure_title: Option<String>,
    /// For blocks: until when (`None`: for good).
    pub block_until: Option<Timestamp>,
    /// For planners' decisions on a budget's result: the project.
    #[serde(default)]
    pub project: Option<LedgerProject>,
}

/// A budget's project, as a ledger entry names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct LedgerProject {
    pub id: i64,
    pub budget_id: i64,
    pub title: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct Ledger {
    /// `None` for the instance-wide ledger.
    pub procedure: Option<ProcedureChoice>,
    pub entries: Vec<LedgerEntry>,
    pub next_cursor: Option<String>,
}
