//! The rules a procedure runs by: its kinds of phase, what residents may do in each, and how
//! votes count. Below procedures and contributions alike.

use crate::error::AppError;
use serde::{Deserialize, Serialize};

string_enum! {
    /// The kinds of phase a procedure can be scheduled in; what residents may do follows the phase.
    pub enum PhaseKind {
        Information = "information",
        Proposals = "proposals",
        Discussion = "discussion",
        Voting = "voting",
        Evaluation = "evaluation",
        Closed = "closed",
    }
}

string_enum! {
    /// The kind of a procedure's vote rule, as stored beside its cap.
    pub enum VoteRuleKind {
        Support = "support",
        Rating = "rating",
    }
}

/// How a procedure counts votes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum VoteRule {
    /// One support per person and proposal; with a cap, at most `cap` supports per person
    /// in the whole procedure.
    Support { cap: Option<u32> },
    /// +1 or −1 per person and proposal.
    Rating,
}

impl VoteRule {
    pub fn from_columns(kind: VoteRuleKind, cap: Option<i32>) -> Self {
        match kind {
            VoteRuleKind::Rating => Self::Rating,
            VoteRuleKind::Support => Self::Support {
                cap: cap.and_then(|c| u32::try_from(c).ok()).filter(|c| *c > 0),
            },
        }
    }

    pub fn kind(self) -> VoteRuleKind {
        match self {
            Self::Support { .. } => VoteRuleKind::Support,
            Self::Rating => VoteRuleKind::Rating,
        }
    }

    pub fn cap(self) -> Option<u32> {
        match self {
            Self::Support { cap } => cap,
            Self::Rating => None,
        }
    }

    /// The figure proposals are ranked by under this rule: their supports, or their score
    /// (up − down). Results, exports and reports all rank by it.
    pub fn ranked_value(self, support: i64, score: i64) -> i64 {
        match self {
            Self::Support { .. } => support,
            Self::Rating => score,
        }
    }

    /// The values this rule accepts: support only 1, rating 1 and −1.
    pub fn check_value(self, value: i8) -> Result<(), AppError> {
        match (self, value) {
            (Self::Support { .. }, 1) | (Self::Rating, 1 | -1) => Ok(()),
            _ => Err(AppError::invalid("value", "not_allowed")),
        }
    }
}

/// What residents may do right now in a procedure: it follows the current phase.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct Allowed {
    pub propose: bool,
    pub comment: bool,
    pub vote: bool,
}

impl Allowed {
    /// Proposals are made in the proposals phase; comments are welcome while proposals,
    /// discussion or voting run; votes count only in the procedure's vote phase.
    pub fn in_phase(current: Option<PhaseKind>, vote_phase: PhaseKind) -> Self {
        let Some(current) = current else {
            return Self::default();
        };
        Self {
            propose: current == PhaseKind::Proposals,
            comment: matches!(
                current,
                PhaseKind::Proposals | PhaseKind::Discussion | PhaseKind::Voting
            ),
            vote: current == vote_phase,
        }
    }
}
