//! The participatory budget's types: its rules, the inputs planners and residents send, and
//! what pages and clients are shown. The checks of a ballot against its rule live here, so
//! that the page can say at every moment what is left and whether the ballot is valid, with
//! the same words the server uses when it refuses one.

use crate::error::{AppError, Problems};
use crate::model::string_enum;
use crate::model::time::Timestamp;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

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

/// How a ballot is filled, with its numbers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum BallotRule {
    /// Choose between `min_projects` and `max_projects` projects; costs do not limit the
    /// choice ("five votes each").
    Approval {
        min_projects: u32,
        max_projects: u32,
    },
    /// Choose projects whose costs add up to at most the budget, spending at least
    /// `min_spend_percent` of it, with at least `min_projects` and at most `max_projects`.
    Knapsack {
        min_spend_percent: u32,
        min_projects: u32,
        max_projects: Option<u32>,
    },
    /// Give up to `points` points, at most `max_per_project` to one project.
    Cumulative { points: u32, max_per_project: u32 },
}

impl BallotRule {
    pub fn kind(self) -> BallotRuleKind {
        match self {
            Self::Approval { .. } => BallotRuleKind::Approval,
            Self::Knapsack { .. } => BallotRuleKind::Knapsack,
            Self::Cumulative { .. } => BallotRuleKind::Cumulative,
        }
    }

    /// Whether the numbers make sense together.
    pub fn check(self) -> Result<Self, AppError> {
        let fine = match self {
            Self::Approval {
                min_projects,
                max_projects,
            } => {
                max_projects >= 1
                    && min_projects <= max_projects
                    && max_projects <= MAX_PROJECTS_PER_BALLOT
            }
            Self::Knapsack {
                min_spend_percent,
                min_projects,
                max_projects,
            } => {
                min_spend_percent <= 100
                    && min_projects <= MAX_PROJECTS_PER_BALLOT
                    && max_projects.is_none_or(|max| {
                        max >= 1 && max >= min_projects && max <= MAX_PROJECTS_PER_BALLOT
                    })
            }
            Self::Cumulative {
                points,
                max_per_project,
            } => (1..=MAX_POINTS).contains(&points) && (1..=points).contains(&max_per_project),
        };
        if fine {
            Ok(self)
        } else {
            Err(AppError::invalid("rule", "inconsistent"))
        }
    }

    /// The points a choice carries: as given under the cumulative rule, else one.
    pub fn points_of(self, given: Option<u32>) -> u32 {
        match self {
            Self::Cumulative { .. } => given.unwrap_or(1),
            _ => 1,
        }
    }

    /// What keeps `choices` (each project's cost and points) from being a valid ballot of a
    /// budget of `total_cents`; empty when it is valid. `excluded` says whether two of the
    /// chosen projects exclude each other.
    pub fn problems(
        self,
        total_cents: i64,
        choices: &[(i64, u32)],
        excluded: bool,
    ) -> Vec<BallotProblem> {
        let mut problems = Vec::new();
        let count = u32::try_from(choices.len()).unwrap_or(u32::MAX);
        let spent: i64 = choices.iter().map(|(cost, _)| *cost).sum();
        let (min, max) = match self {
            Self::Approval {
                min_projects,
                max_projects,
            } => (min_projects.max(1), Some(max_projects)),
            Self::Knapsack {
                min_projects,
                max_projects,
                ..
            } => (min_projects.max(1), max_projects),
            Self::Cumulative { .. } => (1, None),
        };
        if count < min {
            problems.push(BallotProblem::TooFew);
        }
        if max.is_some_and(|max| count > max) {
            problems.push(BallotProblem::TooMany);
        }
        match self {
            Self::Approval { .. } => {}
            Self::Knapsack {
                min_spend_percent, ..
            } => {
                if spent > total_cents {
                    problems.push(BallotProblem::OverBudget);
                } else if i128::from(spent) * 100
                    < i128::from(total_cents) * i128::from(min_spend_percent)
                {
                    problems.push(BallotProblem::UnderMinimumSpend);
                }
            }
            Self::Cumulative {
                points,
                max_per_project,
            } => {
                let given: u64 = choices.iter().map(|(_, p)| u64::from(*p)).sum();
                if given > u64::from(points) {
                    problems.push(BallotProblem::TooManyPoints);
                }
                if choices.iter().any(|(_, p)| *p > max_per_project) {
                    problems.push(BallotProblem::TooManyPointsOnOne);
                }
            }
        }
        if excluded {
            problems.push(BallotProblem::Excluded);
        }
        problems
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;

    const EURO: i64 = 100;

    #[test]
    fn approval_counts_projects_not_money() {
        let rule = BallotRule::Approval {
            min_projects: 2,
            max_projects: 3,
        };
        assert_eq!(
            rule.problems(1_000 * EURO, &[(5_000 * EURO, 1)], false),
            vec![BallotProblem::TooFew]
        );
        assert!(
            rule.problems(1_000 * EURO, &[(5_000 * EURO, 1), (1, 1)], false)
                .is_empty()
        );
        assert_eq!(
            rule.problems(10, &[(1, 1); 4], false),
            vec![BallotProblem::TooMany]
        );
        assert_eq!(rule.problems(10, &[], false), vec![BallotProblem::TooFew]);
    }

    #[test]
    fn knapsack_spends_at_most_the_total_and_at_least_its_minimum() {
        let rule = BallotRule::Knapsack {
            min_spend_percent: 50,
            min_projects: 0,
            max_projects: None,
        };
        assert!(rule.problems(100, &[(60, 1), (40, 1)], false).is_empty());
        assert!(rule.problems(100, &[(50, 1)], false).is_empty());
        assert_eq!(
            rule.problems(100, &[(60, 1), (41, 1)], false),
            vec![BallotProblem::OverBudget]
        );
        assert_eq!(
            rule.problems(100, &[(49, 1)], false),
            vec![BallotProblem::UnderMinimumSpend]
        );
        assert_eq!(
            rule.problems(100, &[], false),
            vec![BallotProblem::TooFew, BallotProblem::UnderMinimumSpend]
        );
    }

    #[test]
    fn cumulative_limits_points_overall_and_per_project() {
        let rule = BallotRule::Cumulative {
            points: 5,
            max_per_project: 3,
        };
        assert!(rule.problems(0, &[(1, 3), (1, 2)], false).is_empty());
        assert_eq!(
            rule.problems(0, &[(1, 3), (1, 3)], false),
            vec![BallotProblem::TooManyPoints]
        );
        assert_eq!(
            rule.problems(0, &[(1, 4)], false),
            vec![BallotProblem::TooManyPointsOnOne]
        );
        assert_eq!(
            rule.problems(0, &[(1, 1)], true),
            vec![BallotProblem::Excluded]
        );
    }

    #[test]
    fn rules_with_numbers_that_contradict_each_other_are_refused() {
        for rule in [
            BallotRule::Approval {
                min_projects: 4,
                max_projects: 3,
            },
            BallotRule::Approval {
                min_projects: 0,
                max_projects: 0,
            },
            BallotRule::Knapsack {
                min_spend_percent: 101,
                min_projects: 0,
                max_projects: None,
            },
            BallotRule::Knapsack {
                min_spend_percent: 0,
                min_projects: 3,
                max_projects: Some(2),
            },
            BallotRule::Cumulative {
                points: 5,
                max_per_project: 6,
            },
            BallotRule::Cumulative {
                points: 0,
                max_per_project: 0,
            },
        ] {
            assert_eq!(
                rule.check(),
                Err(AppError::invalid("rule", "inconsistent")),
                "{rule:?}"
            );
        }
    }
}
