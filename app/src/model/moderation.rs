//! Moderation as browser and server see it: reasons, decisions, the queue, the public ledger,
//! the marks on moderated items, and the instance settings of the pre-screen.

use super::time::Timestamp;
use crate::error::AppError;
use serde::{Deserialize, Serialize};

string_enum! {
    /// How a procedure treats new contributions.
    #[derive(Default)]
    pub enum ModerationMode {
        /// Published at once, reviewed after.
        #[default]
        Post = "post",
        /// Held as pending until a moderator approves.
        Pre = "pre",
    }
}

string_enum! {
    /// What can be reported or moderated.
    pub enum TargetKind {
        Proposal = "proposal",
        Comment = "comment",
    }
}

string_enum! {
    /// What a ledger entry is about: a contribution, a person (lifting a block), or a
    /// budget's project whose computed result planners overruled.
    pub enum LedgerTarget {
        Proposal = "proposal",
        Comment = "comment",
        User = "user",
        Project = "project",
    }
}

impl LedgerTarget {
    /// The contribution's kind; `None` for an entry about a person.
    pub fn content(self) -> Option<TargetKind> {
        match self {
            Self::Proposal => Some(TargetKind::Proposal),
            Self::Comment => Some(TargetKind::Comment),
            Self::User | Self::Project => None,
        }
    }
}

impl From<TargetKind> for LedgerTarget {
    fn from(kind: TargetKind) -> Self {
        match kind {
            TargetKind::Proposal => Self::Proposal,
            TargetKind::Comment => Self::Comment,
        }
    }
}

string_enum! {
    /// A queue item or a report: open until a moderator decides on the item.
    pub enum CaseStatus {
        Open = "open",
        Closed = "closed",
    }
}

/// A proposal or a comment, by id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct Target {
    pub kind: TargetKind,
    pub id: i64,
}

string_enum! {
    /// Why something is reported, and the public reason of a decision.
    pub enum ModerationReason {
        Insult = "insult",
        Discrimination = "discrimination",
        Spam = "spam",
        PersonalData = "personal_data",
        OffTopic = "off_topic",
        /// The same proposal exists already (a moderator may merge the two).
        Duplicate = "duplicate",
        Other = "other",
    }
}

string_enum! {
    /// Who may see an item.
    pub enum Visibility {
        Visible = "visible",
        /// Pre-moderation: only its author and moderators see it until it is approved.
        Pending = "pending",
        /// Enough reports arrived: hidden until a moderator decides.
        Held = "held",
        /// A moderator hid it, with a public reason.
        Hidden = "hidden",
    }
}

string_enum! {
    /// A moderator's decision, as the ledger lists it.
    pub enum ModerationActionKind {
        /// Publishes a pending item, or keeps a reported one: the reports are closed.
        Approve = "approve",
        Hide = "hide",
        Restore = "restore",
        /// Edits personal data out of the text; the edit is marked on the item.
        Redact = "redact",
        /// The discussion of a proposal takes no new comments.
        Lock = "lock",
        Unlock = "unlock",
        Warn = "warn",
        Block = "block",
        Unblock = "unblock",
        /// The author's objection is rejected; the decision stands.
        Uphold = "uphold",
        /// Planners fund a budget's project the count did not fund (with a public reason).
        Fund = "fund",
        /// Planners do not fund a project the count funded.
        Unfund = "unfund",
        /// Planners lift their decision: the count applies to the project again.
        CountApplies = "count_applies",
        /// A duplicate proposal is merged into another: it stays readable, its votes move
        /// there (once per person).
        Merge = "merge",
    }
}

impl ModerationActionKind {
    /// The decisions that fit an item in this state, the likely one first (the service
    /// checks each again).
    pub fn fitting(
        kind: TargetKind,
        visibility: Option<Visibility>,
        locked: bool,
        objected: bool,
    ) -> Vec<Self> {
        let mut actions = Vec::new();
        match visibility.unwrap_or(Visibility::Visible) {
            Visibility::Pending | Visibility::Held => actions.extend([Self::Approve, Self::Hide]),
            Visibility::Visible => actions.extend([Self::Hide, Self::Approve]),
            Visibility::Hidden => actions.push(Self::Restore),
        }
        if objected {
            actions.push(Self::Uphold);
        }
        actions.push(Self::Redact);
        if kind == TargetKind::Proposal {
            actions.push(if locked { Self::Unlock } else { Self::Lock });
        }
        actions.extend([Self::Warn, Self::Block]);
        actions
    }

    /// Decisions that need a public reason from the list.
    pub fn needs_reason(self) -> bool {
        matches!(self, Self::Hide | Self::Warn | Self::Block | Self::Lock)
    }
}

/// The public reason of a decision: a code from the list and optional free text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct PublicReason {
    pub code: Option<ModerationReason>,
    pub text: String,
}

/// What the public sees on a moderated item (and its author, with a way to object).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct ModerationMark {
    pub visibility: Visibility,
    pub reason: Option<ModerationReason>,
    pub note: Option<String>,
    pub at: Option<Timestamp>,
    /// The viewer wrote it and may object to the decision (once).
    pub can_object: bool,
    /// The viewer's objection is with the moderators.
    pub objected: bool,
}

/// What a moderator decides, from a form or the API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct Decision {
    pub target: Target,
    pub action: ModerationActionKind,
    pub reason: Option<ModerationReason>,
    #[serde(default)]
    pub public_reason: String,
    #[serde(default)]
    pub internal_note: String,
    /// Redact: the new text of a comment, or of a proposal's body.
    #[serde(default)]
    pub text: Option<String>,
    /// Redact (proposals): the new title.
    #[serde(default)]
    pub title: Option<String>,
    /// Block: days, or none for good.
    #[serde(default)]
    pub block_days: Option<u32>,
    /// Merge: the number of the proposal the item is merged into.
    #[serde(default)]
    pub merge_into: Option<i64>,
    /// Redact (proposals with a place): publish the place only this precisely: `street`
    /// (coordinates rounded to about 100 m) or `district` (the district alone).
    #[serde(default)]
    pub precision: Option<super::place::Precision>,
    /// Redact (proposals with photos): hide these photos, by id.
    #[serde(default)]
    pub hide_photos: Vec<i64>,
}

impl Decision {
    pub const PUBLIC_REASON_MAX: usize = 500;
    pub const INTERNAL_NOTE_MAX: usize = 2_000;
    pub const BLOCK_DAYS_MAX: u32 = 3_650;

    /// Checks what can be checked without the database; every field's problem is reported.
    pub fn validated(mut self) -> Result<Self, AppError> {
        let mut problems = crate::error::Problems::default();
        self.public_reason = self.public_reason.trim().to_owned();
        self.internal_note = self.internal_note.trim().to_owned();
        let hides_photos = !self.hide_photos.is_empty();
        if (self.action.needs_reason() || hides_photos) && self.reason.is_none() {
            problems.note(AppError::invalid("reason", "missing"));
        }
        if hides_photos && self.action != ModerationActionKind::Redact {
            problems.note(AppError::invalid("hide_photos", "unknown"));
        }
        if self.reason == Some(ModerationReason::Other) && self.public_reason.chars().count() < 3 {
            problems.note(AppError::invalid("public_reason", "too_short"));
        }
        if self.public_reason.chars().count() > Self::PUBLIC_REASON_MAX
            || self
                .public_reason
                .chars()
                .any(super::text::forbidden_in_text)
        {
            problems.note(AppError::invalid("public_reason", "too_long"));
        }
        if self.internal_note.chars().count() > Self::INTERNAL_NOTE_MAX
            || self
                .internal_note
                .chars()
                .any(super::text::forbidden_in_text)
        {
            problems.note(AppError::invalid("internal_note", "too_long"));
        }
        if self
            .block_days
            .is_some_and(|d| d == 0 || d > Self::BLOCK_DAYS_MAX)
        {
            problems.note(AppError::invalid("block_days", "range"));
        }
        if self.action == ModerationActionKind::Merge {
            // A merge is about a duplicate unless the moderator names another reason.
            self.reason = self.reason.or(Some(ModerationReason::Duplicate));
            if self.merge_into.is_none_or(|id| id <= 0) {
                problems.note(AppError::invalid("merge_into", "missing"));
            }
        }
        if self.action == ModerationActionKind::Redact
            && self.text.is_none()
            && self.precision.is_none()
            && !hides_photos
        {
            problems.note(AppError::invalid("text", "missing"));
        }
        if self.precision == Some(super::place::Precision::Exact) {
            problems.note(AppError::invalid("precision", "not_coarser"));
        }
        problems.finish()?;
        Ok(self)
    }
}

/// A resident's report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct ReportInput {
    pub target: Target,
    pub reason: ModerationReason,
    #[serde(default)]
    pub note: String,
}

impl ReportInput {
    pub const NOTE_MAX: usize = 1_000;

    pub fn validated(mut self) -> Result<Self, AppError> {
        self.note = self.note.trim().to_owned();
        let length = self.note.chars().count();
        if self.reason == ModerationReason::Other && length < 3 {
            return Err(AppError::invalid("report_note", "too_short"));
        }
        if length > Self::NOTE_MAX || self.note.chars().any(super::text::forbidden_in_text) {
            return Err(AppError::invalid("report_note", "too_long"));
        }
        Ok(self)
    }
}

/// Whether a report was new or the person had reported the item before.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReportOutcome {
    Reported,
    AlreadyReported,
}

string_enum! {
    /// Which part of the queue to show.
    pub enum QueueKind {
        Pending = "pending",
        Reported = "reported",
        Screened = "screened",
        Objection = "objection",
    }
}

/// The queue's filters, from the address or the API's query.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct QueueFilter {
    pub procedure: Option<String>,
    pub kind: Option<QueueKind>,
    pub reason: Option<ModerationReason>,
    /// Only items waiting at least this many days.
    pub min_age_days: Option<u32>,
    pub cursor: Option<String>,
}

impl QueueFilter {
    pub fn from_params(get: impl Fn(&str) -> Option<String>) -> Self {
        let non_empty = |key: &str| {
            get(key)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        Self {
            procedure: non_empty("procedure"),
            kind: non_empty("kind").and_then(|k| QueueKind::parse(&k)),
            reason: non_empty("reason").and_then(|r| ModerationReason::parse(&r)),
            min_age_days: non_empty("age")
                .and_then(|a| a.parse().ok())
                .filter(|a| *a > 0 && *a <= 365),
            cursor: non_empty("cursor"),
        }
    }

    pub fn to_params(&self, cursor: Option<&str>) -> String {
        let mut pairs: Vec<(&str, String)> = Vec::new();
        if let Some(procedure) = &self.procedure {
            pairs.push(("procedure", procedure.clone()));
        }
        if let Some(kind) = self.kind {
            pairs.push(("kind", kind.as_str().to_owned()));
        }
        if let Some(reason) = self.reason {
            pairs.push(("reason", reason.as_str().to_owned()));
        }
        if let Some(age) = self.min_age_days {
            pairs.push(("age", age.to_string()));
        }
        if let Some(cursor) = cursor {
            pairs.push(("cursor", cursor.to_owned()));
        }
        pairs
            .into_iter()
            .map(|(key, value)| format!("{key}={}", super::text::encode_component(&value)))
            .collect::<Vec<_>>()
            .join("&")
    }
}

/// One report as moderators see it (the reporter stays anonymous to them too).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct ReportView {
    pub reason: ModerationReason,
    pub note: String,
    /// The text as it was when reported.
    pub snapshot: String,
    pub created_at: Timestamp,
}

/// An item in the queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct QueueItem {
    pub id: i64,
    pub target: Target,
    pub proposal_id: i64,
    pub procedure_title: String,
    pub procedure_slug: String,
    /// The proposal's title (also for a comment: the proposal it belongs to).
    pub title: String,
    /// The current text, as HTML through the one sanitiser.
    pub body_html: String,
    pub author: Option<String>,
    pub visibility: Visibility,
    pub pending: bool,
    pub screen_rule: Option<String>,
    pub reports: Vec<ReportView>,
    pub objection: Option<String>,
    /// The reason the item is hidden, when an objection is about it.
    pub hidden_reason: Option<ModerationReason>,
    pub locked: bool,
    pub opened_at: Timestamp,
    /// Someone else works on it (their name) until the claim runs out.
    pub claimed_by_other: Option<String>,
    pub claimed_by_me: bool,
    /// The reason most reports give: the form suggests it.
    pub suggested_reason: Option<ModerationReason>,
    /// The decisions the viewer can take on it from the queue, decided by the service.
    pub actions: Vec<ModerationActionKind>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct ProcedureChoice {
    pub slug: String,
    pub title: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct QueueView {
    pub filter: QueueFilter,
    pub total: u64,
    pub items: Vec<QueueItem>,
    pub next_cursor: Option<String>,
    pub procedures: Vec<ProcedureChoice>,
}

/// Counts of decisions of one kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct DecisionCount {
    pub action: ModerationActionKind,
    pub count: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct ProcedureDecisions {
    pub procedure: Option<ProcedureChoice>,
    pub decisions: Vec<DecisionCount>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct ModerationStats {
    pub open_items: u64,
    pub open_pending: u64,
    pub open_reported: u64,
    pub open_screened: u64,
    pub open_objections: u64,
    /// Over the decisions of the last 90 days; `None` before the first.
    pub median_minutes_to_decision: Option<u64>,
    pub decided_items: u64,
    pub by_procedure: Vec<ProcedureDecisions>,
}

/// The instance settings moderation reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct ModerationSettings {
    pub report_threshold: u32,
    /// One word or phrase per line; a trailing `*` matches any ending.
    pub screen_words: String,
    pub screen_link_limit: u32,
}

impl Default for ModerationSettings {
    fn default() -> Self {
        Self {
            report_threshold: 3,
            screen_words: String::new(),
            screen_link_limit: 3,
        }
    }
}

impl ModerationSettings {
    pub const WORDS_MAX: usize = 20_000;

    pub fn validated(mut self) -> Result<Self, AppError> {
        if !(1..=100).contains(&self.report_threshold) {
            return Err(AppError::invalid("report_threshold", "range"));
        }
        if self.screen_link_limit > 100 {
            return Err(AppError::invalid("screen_link_limit", "range"));
        }
        let lines: Vec<String> = self
            .screen_words
            .lines()
            .map(|l| l.trim().to_lowercase())
            .filter(|l| !l.is_empty())
            .collect();
        self.screen_words = lines.join("\n");
        if self.screen_words.chars().count() > Self::WORDS_MAX
            || self
                .screen_words
                .chars()
                .any(|c| c.is_control() && c != '\n')
        {
            return Err(AppError::invalid("screen_words", "too_long"));
        }
        Ok(self)
    }
}

/// A blocked author, for the moderators' list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct BlockedAuthor {
    pub user_id: i64,
    pub name: Option<String>,
    pub blocked_at: Timestamp,
    pub until: Option<Timestamp>,
}

/// The settings page: the settings (administrators edit them) and the blocked authors.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct SettingsView {
    pub settings: ModerationSettings,
    pub can_edit: bool,
    pub blocked: Vec<BlockedAuthor>,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A decision with every optional field left out.
    fn decision(action: ModerationActionKind) -> Decision {
        let target = serde_json::json!({ "kind": "comment", "id": 1 });
        serde_json::from_value(serde_json::json!({ "target": target, "action": action })).unwrap()
    }

    #[test]
    fn hiding_needs_a_reason_and_other_needs_words() {
        assert!(decision(ModerationActionKind::Hide).validated().is_err());
        assert!(decision(ModerationActionKind::Approve).validated().is_ok());
        let mut other = decision(ModerationActionKind::Hide);
        other.reason = Some(ModerationReason::Other);
        assert!(other.clone().validated().is_err());
        other.public_reason = "Werbung für ein Produkt".into();
        assert!(other.validated().is_ok());
        // Hiding a photo (a redaction) needs a reason too.
        let mut photo = decision(ModerationActionKind::Redact);
        photo.hide_photos = vec![7];
        assert!(photo.clone().validated().is_err());
        photo.reason = Some(ModerationReason::PersonalData);
        assert!(photo.validated().is_ok());
    }

    #[test]
    fn settings_are_normalised_and_bounded() {
        let settings = ModerationSettings {
            report_threshold: 3,
            screen_words: "  Idiot \n\n Spam*\n".into(),
            screen_link_limit: 2,
        }
        .validated()
        .unwrap_or_default();
        assert_eq!(settings.screen_words, "idiot\nspam*");
        let zero = ModerationSettings {
            report_threshold: 0,
            ..ModerationSettings::default()
        };
        assert!(zero.validated().is_err());
    }

    #[test]
    fn queue_filters_round_trip_through_the_address() {
        let filter = QueueFilter {
            procedure: Some("radwege".into()),
            kind: Some(QueueKind::Reported),
            reason: Some(ModerationReason::PersonalData),
            min_age_days: Some(7),
            cursor: None,
        };
        let params = filter.to_params(None);
        let parsed = QueueFilter::from_params(|key| {
            params
                .split('&')
                .find_map(|pair| pair.strip_prefix(&format!("{key}=")).map(str::to_owned))
        });
        assert_eq!(parsed, filter);
    }
}
