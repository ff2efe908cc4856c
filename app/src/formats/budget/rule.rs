//! A budget's ballot rule and what it says of a ballot: the checks the page shows while a
//! resident fills it and the server applies when they submit it, with the same words.

use super::model::{BallotProblem, BallotRuleKind, MAX_POINTS, MAX_PROJECTS_PER_BALLOT};
use crate::error::AppError;
use serde::{Deserialize, Serialize};

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

/// Whether two of the `chosen` projects exclude each other, given what each excludes (the
/// `excluded` of [`BallotRule::problems`]; the page and the server ask it alike).
pub fn any_excluded<'a, I>(
    chosen: &std::collections::BTreeSet<i64>,
    excludes_of: impl Fn(i64) -> I,
) -> bool
where
    I: IntoIterator<Item = &'a i64>,
{
    chosen.iter().any(|id| {
        excludes_of(*id)
            .into_iter()
            .any(|other| chosen.contains(other))
    })
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
