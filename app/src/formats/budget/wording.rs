//! The budget's facts in words, in the reader's language: amounts, stages, rules, methods
//! and why a project is not funded. Shared by the pages and by the council report.

use crate::formats::budget::model::{BallotRule, BudgetStage, ResultMethod, Unfunded};
use crate::i18n::Texts;

/// An amount in the reader's language: "12.500 €", "€12,500.50".
pub fn money(t: &Texts, cents: i64) -> String {
    let sign = if cents < 0 { "−" } else { "" };
    let cents = cents.unsigned_abs();
    let euros = (cents / 100).to_string();
    let mut grouped = String::with_capacity(euros.len() + euros.len() / 3);
    for (i, digit) in euros.chars().enumerate() {
        if i > 0 && (euros.len() - i).is_multiple_of(3) {
            grouped.push_str(t.digit_group_mark);
        }
        grouped.push(digit);
    }
    if !cents.is_multiple_of(100) {
        grouped.push_str(t.decimal_mark);
        grouped.push_str(&format!("{:02}", cents % 100));
    }
    let amount = format!("{sign}{grouped}");
    t.money.fmt(&[("amount", amount.as_str().into())])
}

pub fn stage_label(t: &Texts, stage: BudgetStage) -> &'static str {
    match stage {
        BudgetStage::Preparing => t.budget_stage_preparing,
        BudgetStage::Voting => t.budget_stage_voting,
        BudgetStage::Ended => t.budget_stage_ended,
    }
}

/// The badge class of a stage, as a procedure's state shows it.
pub fn stage_class(stage: BudgetStage) -> &'static str {
    match stage {
        BudgetStage::Preparing => "badge badge--upcoming",
        BudgetStage::Voting => "badge badge--running",
        BudgetStage::Ended => "badge badge--finished",
    }
}

/// The rule in sentences: how a ballot is filled.
pub fn rule_lines(t: &Texts, rule: BallotRule, total_cents: i64) -> Vec<String> {
    match rule {
        BallotRule::Approval {
            min_projects,
            max_projects,
        } => {
            let line = if min_projects <= 1 {
                t.rule_approval_up_to.fmt(&[("max", max_projects.into())])
            } else {
                t.rule_approval_range
                    .fmt(&[("min", min_projects.into()), ("max", max_projects.into())])
            };
            vec![line]
        }
        BallotRule::Knapsack {
            min_spend_percent,
            min_projects,
            max_projects,
        } => {
            let total = money(t, total_cents);
            let mut lines = vec![t.rule_knapsack.fmt(&[("total", total.as_str().into())])];
            if min_spend_percent > 0 {
                let minimum = money(
                    t,
                    total_cents.saturating_mul(i64::from(min_spend_percent)) / 100,
                );
                lines.push(t.rule_min_spend.fmt(&[
                    ("percent", min_spend_percent.into()),
                    ("amount", minimum.as_str().into()),
                ]));
            }
            if min_projects > 1 {
                lines.push(t.rule_min_projects.fmt(&[("count", min_projects.into())]));
            }
            if let Some(max) = max_projects {
                lines.push(t.rule_max_projects.fmt(&[("count", max.into())]));
            }
            lines
        }
        BallotRule::Cumulative {
            points,
            max_per_project,
        } => vec![
            t.rule_cumulative
                .fmt(&[("points", points.into()), ("max", max_per_project.into())]),
        ],
    }
}

pub fn method_text(t: &Texts, method: ResultMethod) -> &'static str {
    match method {
        ResultMethod::Greedy => t.method_greedy,
        ResultMethod::EqualShares => t.method_equal_shares,
    }
}

pub fn unfunded_text(t: &Texts, why: Unfunded) -> &'static str {
    match why {
        Unfunded::NoVotes => t.unfunded_no_votes,
        Unfunded::DidNotFit => t.unfunded_did_not_fit,
        Unfunded::Incompatible => t.unfunded_incompatible,
        Unfunded::Decided => t.unfunded_decided,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    #[test]
    fn amounts_read_as_people_write_them() {
        let de = Lang::De.texts();
        assert_eq!(money(de, 0), "0 €");
        assert_eq!(money(de, 50_000 * 100), "50.000 €");
        assert_eq!(money(de, 1_234_567 * 100 + 89), "1.234.567,89 €");
        assert_eq!(money(de, 999 * 100 + 5), "999,05 €");
        let en = Lang::En.texts();
        assert_eq!(money(en, 12_500 * 100 + 50), "€12,500.50");
        assert_eq!(money(en, 100_000_000 * 100), "€100,000,000");
    }
}
