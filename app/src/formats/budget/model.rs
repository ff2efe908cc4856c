//! The participatory budget's types: its rules, the inputs planners and residents send, and
//! what pages and clients are shown. The checks of a ballot against its rule live here, so
//! that the page can say at every moment what is left and whether the ballot is valid, with
//! the same words the server uses when it refuses one.

use crate::error::{AppError, Problems};
use crate::model::string_enum;
use crate::model::time::Timestamp;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub use super::rule::BallotRule;

string_enum! {
    /// How a ballot is filled.
    pub enum BallotRuleKind {
        Approval = "approval",
        Knapsack = "knapsack",
        Cumulative = "cumulative",
    }
}

string_enum! {
    /// How the funded projects are found from the ballots.
    pub enum ResultMethod {
        /// By votes, most first: fund a project if it still fits, else skip it and go on.
        Greedy = "greedy",
        /// The Method of Equal Shares: every voter holds an equal share of the money and
        /// pays for the projects they chose; the money left over is then spent greedily.
        EqualShares = "equal_shares",
    }
}

string_enum! {
    /// The responsible department's verdict on a project.
    pub enum Feasibility {
        Pending = "pending",
        Feasible = "feasible",
        Infeasible = "infeasible",
    }
}

string_enum! {
    /// Whether a ballot counts: a draft does not.
    pub enum BallotStatus {
        Draft = "draft",
        Submitted = "submitted",
    }
}

string_enum! {
    /// How a ballot was cast.
    pub enum Channel {
        Online = "online",
        Paper = "paper",
    }
}

string_enum! {
    /// Where a budget stands, by its procedure's vote phase: prepared (everything may
    /// change), voting (costs, rules and projects locked; ballots taken), ended (results).
    pub enum BudgetStage {
        Preparing = "preparing",
        Voting = "voting",
        Ended = "ended",
    }
}

string_enum! {
    /// What keeps a ballot from being submitted.
    pub enum BallotProblem {
        /// Fewer projects than the rule asks for.
        TooFew = "too_few",
        /// More projects than the rule allows.
        TooMany = "too_many",
        /// The chosen projects cost more than the budget.
        OverBudget = "over_budget",
        /// The chosen projects spend less than the rule's minimum.
        UnderMinimumSpend = "under_minimum_spend",
        /// More points given than a person has.
        TooManyPoints = "too_many_points",
        /// More points on one project than the rule allows.
        TooManyPointsOnOne = "too_many_points_on_one",
        /// Two projects that exclude each other.
        Excluded = "excluded",
    }
}

string_enum! {
    /// Why a project was not funded.
    pub enum Unfunded {
        /// No submitted ballot chose it.
        NoVotes = "no_votes",
        /// Its cost no longer fitted in what was left when its turn came.
        DidNotFit = "did_not_fit",
        /// A project it excludes (or that excludes it) was funded first.
        Incompatible = "incompatible",
        /// The count funded it; a planner decided otherwise, with a public reason.
        Decided = "decided",
    }
}

string_enum! {
    /// A planner's decision on one project's result, after voting has ended.
    pub enum DecisionOutcome {
        /// Funded although the count did not fund it.
        Fund = "fund",
        /// Not funded although the count funded it.
        Unfund = "unfund",
        /// An earlier decision lifted: the count's result applies again.
        Computed = "computed",
    }
}

/// Limits of what a planner may set, kept the same in checks and messages.
pub const MAX_TOTAL_CENTS: i64 = 10_000_000_000_000;
pub const MAX_PROJECTS_PER_BALLOT: u32 = 500;
pub const MAX_POINTS: u32 = 1_000;
pub const TITLE_MAX: usize = 200;
pub const DESCRIPTION_MAX: usize = 10_000;
pub const REASON_MAX: usize = 5_000;
pub const DISTRICT_MAX: usize = 100;
pub const UNIT_MAX: usize = 200;
pub const REMINDER_DAYS_MAX: u32 = 30;

/// A new budget, as a planner enters it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct BudgetInput {
    pub title: String,
    /// The district it is for; empty or absent for the whole city.
    #[serde(default)]
    pub district: Option<String>,
    /// The money to spend, in cents.
    pub total_cents: i64,
    pub rule: BallotRule,
    pub method: ResultMethod,
    /// Days before voting ends that residents holding a draft are reminded once (0: never;
    /// default 3).
    #[serde(default)]
    pub reminder_days: Option<u32>,
    /// Residents vote in one district: the first ballot they save in a budget of the
    /// procedure marked so fixes it, and the others marked so refuse theirs. Only for a
    /// budget with a district (default false).
    #[serde(default)]
    pub one_district: bool,
}

/// A change to a budget: only the fields given change. Refused once voting has started.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct BudgetPatch {
    pub title: Option<String>,
    pub district: Option<String>,
    pub total_cents: Option<i64>,
    pub rule: Option<BallotRule>,
    pub method: Option<ResultMethod>,
    pub reminder_days: Option<u32>,
    pub one_district: Option<bool>,
}

/// A new project, as a planner enters it (or promotes a proposal).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ProjectInput {
    /// The proposal it comes from: its title and text are taken when none are given.
    #[serde(default)]
    pub proposal_id: Option<i64>,
    #[serde(default)]
    pub title: Option<String>,
    #[serde(default)]
    pub description: Option<String>,
    pub cost_cents: i64,
    #[serde(default)]
    pub district: Option<String>,
    #[serde(default)]
    pub responsible_unit: Option<String>,
}

/// A change to a project: only the fields given change. Once voting has started, only
/// `withdrawn` may be set (the project leaves every ballot).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ProjectPatch {
    pub title: Option<String>,
    pub description: Option<String>,
    pub cost_cents: Option<i64>,
    pub district: Option<String>,
    pub responsible_unit: Option<String>,
    pub feasibility: Option<Feasibility>,
    pub feasibility_reason: Option<String>,
    pub selected: Option<bool>,
    /// The ids of the projects of the same budget this one excludes (replaces the list).
    pub excludes: Option<Vec<i64>>,
    /// `true` takes the project off the ballot for good.
    pub withdrawn: Option<bool>,
}

/// The caller's choices: the projects, and under the cumulative rule the points per project
/// (by id; a project without points gets one).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct BallotInput {
    pub project_ids: Vec<i64>,
    #[serde(default)]
    pub points: Option<BTreeMap<i64, u32>>,
}

/// A budget as everyone sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct Budget {
    pub id: i64,
    /// The procedure's address (`/verfahren/{procedure}`).
    pub procedure: String,
    pub title: String,
    pub district: Option<String>,
    pub total_cents: i64,
    pub rule: BallotRule,
    pub method: ResultMethod,
    pub stage: BudgetStage,
    /// When voting starts and ends (the procedure's vote phase), if it is scheduled.
    pub voting_starts_at: Option<Timestamp>,
    pub voting_ends_at: Option<Timestamp>,
    /// Costs, rules and projects no longer change (voting has started).
    pub locked: bool,
    /// The seed of the lottery that breaks ties of equal votes and cost.
    pub tie_seed: String,
    /// Projects on the ballot.
    pub projects_on_ballot: u32,
    pub reminder_days: u32,
    /// Residents vote in one district's budget of the procedure (see `BudgetInput`).
    pub one_district: bool,
    /// Ballots so far (planners only): how many count, how many are drafts that do not.
    pub ballots: Option<BallotCounts>,
}

/// How many ballots a budget holds, by whether they count.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct BallotCounts {
    pub submitted: u64,
    pub drafts: u64,
}

/// A project as everyone sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct Project {
    pub id: i64,
    pub budget_id: i64,
    pub proposal_id: Option<i64>,
    pub title: String,
    pub description: String,
    pub cost_cents: i64,
    pub district: Option<String>,
    pub feasibility: Feasibility,
    pub feasibility_reason: String,
    pub selected: bool,
    pub responsible_unit: String,
    /// The projects of the same budget this one excludes (either way round).
    pub excludes: Vec<i64>,
    pub withdrawn: bool,
    /// Feasible, selected and not withdrawn: residents can choose it.
    pub on_ballot: bool,
}

/// One page of a budget's projects.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct ProjectPage {
    pub items: Vec<Project>,
    pub next_cursor: Option<String>,
}

/// A project chosen on a ballot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct Choice {
    pub project_id: i64,
    pub points: u32,
}

/// The caller's ballot and what it still allows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct Ballot {
    pub budget_id: i64,
    /// A draft does not count; a submitted ballot does.
    pub status: BallotStatus,
    pub submitted_at: Option<Timestamp>,
    pub choices: Vec<Choice>,
    pub spent_cents: i64,
    /// What is left of the money (knapsack) or the points (cumulative).
    pub left_cents: i64,
    pub points_left: Option<u32>,
    /// What keeps it from being submitted; empty when it can be.
    pub problems: Vec<BallotProblem>,
    /// Whether it can change now (the budget is in its voting stage).
    pub open: bool,
}

/// A batch of paper ballots, as staff see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct PaperBatch {
    pub id: i64,
    pub budget_id: i64,
    pub label: String,
    /// The account that entered it; another must confirm it.
    pub entered_by: Option<i64>,
    pub confirmed_by: Option<i64>,
    pub confirmed_at: Option<Timestamp>,
    /// Its ballots count once it is confirmed.
    pub confirmed: bool,
    pub ballots: u64,
}

/// A new batch of paper ballots.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct PaperBatchInput {
    /// How the batch is labelled on paper ("Urne Rathaus, Stapel 3").
    pub label: String,
}

/// A planner's decision on the result, as it is asked for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct DecisionInput {
    pub project_id: i64,
    pub outcome: DecisionOutcome,
    /// Public, on the results page: why the result differs from the count (20 to 2,000
    /// characters).
    pub reason: String,
}

/// A planner's decision on the result, as everyone reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct ResultDecision {
    pub id: i64,
    pub project_id: i64,
    pub project_title: String,
    pub outcome: DecisionOutcome,
    pub reason: String,
    pub decided_at: Timestamp,
}

/// The length of a decision's reason.
pub const DECISION_REASON_MIN: usize = 20;
pub const DECISION_REASON_MAX: usize = 2_000;

/// One project's line in the results.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct ProjectResult {
    pub project_id: i64,
    pub title: String,
    pub cost_cents: i64,
    /// Ballots choosing it (approval, knapsack) or points given to it (cumulative).
    pub votes: u64,
    pub funded: bool,
    pub unfunded: Option<Unfunded>,
    /// The count's own verdict differs: a planner decided (see `BudgetResults.decisions`).
    pub decided: bool,
    /// What the city council decided about it, once recorded.
    #[serde(default)]
    pub council: Option<crate::model::results::OutcomeView>,
}

/// How the results page, the report and the council's agenda name a project: "P-12".
pub fn project_number(project_id: i64) -> String {
    format!("P-{project_id}")
}

impl ProjectResult {
    pub fn number(&self) -> String {
        project_number(self.project_id)
    }
}

/// The council's outcome for a project, as its planners' page shows and records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CouncilDesk {
    pub outcome: Option<crate::model::results::OutcomeView>,
    /// How the council's agenda names it ("P-12").
    pub number: String,
}

/// A budget's results, computed from its submitted ballots by its published method.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct BudgetResults {
    pub budget_id: i64,
    pub method: ResultMethod,
    pub rule: BallotRule,
    pub total_cents: i64,
    pub spent_cents: i64,
    pub ballots: u64,
    /// Final once voting has ended; before, the planners see the count so far.
    pub final_result: bool,
    pub tie_seed: String,
    /// The SHA-256 of the ballot file (`export.pb`) the results were computed from.
    pub ballot_file_sha256: String,
    /// In the order of the method: funded ones in the order they were chosen, then the rest
    /// by votes.
    pub projects: Vec<ProjectResult>,
    /// Every decision planners took on this result, newest first (the last one for a
    /// project applies). Empty unless the count was overruled.
    pub decisions: Vec<ResultDecision>,
}

/// Who is looking at a budget's page, as far as it needs to know to offer the ballot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct BallotViewer {
    pub signed_in: bool,
    pub verified: bool,
    /// Blocked by a moderator: reads, does not vote.
    pub blocked: bool,
    /// Sees the count so far before voting ends.
    pub planner: bool,
}

/// A budget's page: the budget, the projects on its ballot and the visitor's ballot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct BudgetPage {
    pub budget: Budget,
    pub procedure_title: String,
    /// The projects residents can choose, in the order they were entered (all of them: a
    /// budget holds at most 1,000).
    pub projects: Vec<Project>,
    /// The visitor's ballot (signed-in visitors; an empty draft when they have none).
    pub ballot: Option<Ballot>,
    pub viewer: BallotViewer,
    /// The budget of another district the visitor votes in, when both take one district's
    /// vote per resident: this one does not take theirs.
    pub votes_in: Option<BudgetLink>,
    /// The visitor may fill and submit a ballot here now.
    pub may_vote: bool,
    /// The results page shows results to the visitor (voting has ended, or a planner).
    pub results_public: bool,
}

/// A budget as its procedure's page lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct BudgetLink {
    pub id: i64,
    pub title: String,
    pub district: Option<String>,
    pub total_cents: i64,
    pub stage: BudgetStage,
    pub projects_on_ballot: u32,
}

impl From<&Budget> for BudgetLink {
    fn from(budget: &Budget) -> Self {
        Self {
            id: budget.id,
            title: budget.title.clone(),
            district: budget.district.clone(),
            total_cents: budget.total_cents,
            stage: budget.stage,
            projects_on_ballot: budget.projects_on_ballot,
        }
    }
}

/// A budget's results page: the budget and, once they are public (or for planners), its
/// results.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct ResultsPage {
    pub budget: Budget,
    pub procedure_title: String,
    pub results: Option<BudgetResults>,
    /// The visitor is a planner and voting has ended: they may decide on the result.
    pub may_decide: bool,
    /// Once voting has ended, what became of the funded projects that have entries, in the
    /// order of the results: (project, title, implementation).
    pub implementations: Vec<(i64, String, crate::model::implementation::Implementation)>,
}

/// Checks a budget's text fields and money; `Problems` collects every field at once.
pub fn check_budget_fields(
    problems: &mut Problems,
    title: Option<&str>,
    district: Option<&str>,
    total_cents: Option<i64>,
    rule: Option<BallotRule>,
) {
    if let Some(title) = title {
        problems.check(bounded("title", title, 3, TITLE_MAX));
    }
    if let Some(district) = district {
        problems.check(bounded("district", district, 0, DISTRICT_MAX));
    }
    if let Some(total) = total_cents
        && !(1..=MAX_TOTAL_CENTS).contains(&total)
    {
        problems.note(AppError::invalid("total_cents", "out_of_range"));
    }
    if let Some(rule) = rule {
        problems.check(rule.check());
    }
}

/// Days of a reminder: at most [`REMINDER_DAYS_MAX`].
pub fn check_reminder_days(days: u32) -> Result<u32, AppError> {
    if days <= REMINDER_DAYS_MAX {
        Ok(days)
    } else {
        Err(AppError::invalid("reminder_days", "out_of_range"))
    }
}

/// A text field between `min` and `max` characters without control characters.
pub fn bounded(field: &str, value: &str, min: usize, max: usize) -> Result<(), AppError> {
    let length = value.trim().chars().count();
    if length < min || length > max {
        // A title's text names both bounds; other fields only have a maximum.
        let problem = if min > 0 { "length" } else { "too_long" };
        return Err(AppError::invalid(field, problem));
    }
    if value
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')
    {
        return Err(AppError::invalid(field, "control_characters"));
    }
    Ok(())
}

/// A cost in cents: more than nothing and at most the largest budget.
pub fn check_cost(cost_cents: i64) -> Result<i64, AppError> {
    if (1..=MAX_TOTAL_CENTS).contains(&cost_cents) {
        Ok(cost_cents)
    } else {
        Err(AppError::invalid("cost_cents", "out_of_range"))
    }
}
