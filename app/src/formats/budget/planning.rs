//! The planners' side of a budget: what their pages show (a procedure's budgets, one
//! budget with every project and its paper batches, one batch) and the forms they fill.
//! The forms carry money in euros as people type it ("100.000", "2.500,50"); the services
//! take cents, so the form's problems are named by the form's own fields.

use super::model::{
    BallotRule, BallotRuleKind, Budget, BudgetInput, BudgetPatch, BudgetStage, DecisionInput,
    DecisionOutcome, Feasibility, PaperBatch, Project, ProjectInput, ProjectPatch, ResultMethod,
    check_budget_fields,
};
use crate::error::{AppError, FieldProblem, Problems};
use serde::{Deserialize, Serialize};

/// A procedure's budgets, for its planners.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BudgetsOverview {
    pub slug: String,
    pub procedure_title: String,
    /// Each with its ballot counts.
    pub budgets: Vec<Budget>,
    /// Whether the procedure schedules a vote (without one, no budget ever opens).
    pub vote_scheduled: bool,
    /// Where the procedure's budgets stand: new ones only while they are prepared.
    pub stage: BudgetStage,
}

/// A proposal of the procedure a planner may turn into a project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Promotable {
    pub id: i64,
    pub title: String,
    pub supports: i64,
}

/// One budget, for its planners: every project (on the ballot or not) and the batches of
/// paper ballots.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BudgetDesk {
    pub budget: Budget,
    pub slug: String,
    pub procedure_title: String,
    pub projects: Vec<Project>,
    /// The newest batches first (at most [`BATCHES_SHOWN`]).
    pub batches: Vec<PaperBatch>,
    /// Published proposals of the procedure not yet a project here, most supported first
    /// (at most [`PROMOTABLE_SHOWN`]); empty once the budget is locked.
    pub promotable: Vec<Promotable>,
    /// Paper ballots are taken now (voting runs in a published procedure).
    pub takes_paper: bool,
}

/// One project for its planners, with the other projects of its budget it may exclude.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectDesk {
    pub project: Project,
    pub budget: Budget,
    pub slug: String,
    /// The budget's other projects (id, title), in the order they were entered.
    pub others: Vec<(i64, String)>,
    /// Once voting has ended: what became of it (planners record it for funded ones), and
    /// what the council decided about it (planners record that for every one on the ballot).
    pub implementation: crate::model::implementation::Implementation,
    pub council: Option<super::model::CouncilDesk>,
}

/// Batches a budget's page lists.
pub const BATCHES_SHOWN: u64 = 200;
/// Proposals offered for promotion.
pub const PROMOTABLE_SHOWN: u64 = 300;

/// A batch of paper ballots, with what staff enter from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BatchDesk {
    pub batch: PaperBatch,
    pub budget: Budget,
    pub slug: String,
    /// The projects on the ballot, in the order of the printed ballot.
    pub projects: Vec<Project>,
    /// Ballots may still be entered, and the batch confirmed or discarded: it is not
    /// confirmed, and voting runs.
    pub open: bool,
    /// The person looking entered the batch (and so may not confirm it).
    pub entered_by_viewer: bool,
    /// Who entered it and who confirmed it, by display name.
    pub entered_by_name: Option<String>,
    pub confirmed_by_name: Option<String>,
}

/// The budget form, as posted (`form[...]`): every value as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct BudgetForm {
    pub title: String,
    pub district: String,
    /// In euros.
    pub total: String,
    /// `approval`, `knapsack` or `cumulative`.
    pub rule: String,
    pub min_projects: String,
    pub max_projects: String,
    pub min_spend_percent: String,
    pub points: String,
    pub max_per_project: String,
    pub method: String,
    pub reminder_days: String,
    /// A ticked box sends `on`.
    pub one_district: Option<String>,
}

/// The project form, as posted (`form[...]`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ProjectForm {
    /// The number of the proposal it comes from (new projects only); empty for none.
    pub proposal: String,
    pub title: String,
    pub description: String,
    /// In euros.
    pub cost: String,
    pub district: String,
    pub responsible_unit: String,
    /// Only when changing a project.
    pub feasibility: String,
    pub feasibility_reason: String,
    pub selected: Option<String>,
    /// The ids of the projects it excludes, one per ticked box.
    pub excludes: Vec<String>,
}

/// The form of a decision on a budget's result, as posted (`form[...]`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DecisionForm {
    pub project_id: String,
    pub outcome: String,
    pub reason: String,
}

impl DecisionForm {
    pub fn input(&self) -> Result<DecisionInput, AppError> {
        let mut problems = Problems::default();
        let project_id = self.project_id.trim().parse::<i64>().ok();
        if project_id.is_none() {
            problems.note(AppError::invalid("project_id", "not_in_result"));
        }
        let outcome = DecisionOutcome::parse(&self.outcome);
        if outcome.is_none() {
            problems.note(AppError::invalid("outcome", "unknown"));
        }
        problems.finish()?;
        match (project_id, outcome) {
            (Some(project_id), Some(outcome)) => Ok(DecisionInput {
                project_id,
                outcome,
                reason: self.reason.clone(),
            }),
            _ => Err(AppError::invalid("request_body", "")),
        }
    }
}

/// Euros as people type them, in cents: "100000", "100.000", "100 000", "2.500,50",
/// "2,500.50", "19,99", "19.99", with or without "€". A separator followed by exactly one
/// or two digits at the end is the decimal mark; any other separates thousands.
pub fn parse_euros(text: &str) -> Option<i64> {
    let cleaned: String = text
        .trim()
        .trim_end_matches('€')
        .trim_start_matches('€')
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '\u{202f}')
        .collect();
    if cleaned.is_empty()
        || !cleaned
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
    {
        return None;
    }
    let (whole, cents) = match cleaned.rfind(['.', ',']) {
        Some(at) if (2..=3).contains(&(cleaned.len() - at)) => {
            let fraction = &cleaned[at + 1..];
            let cents: i64 = fraction.parse().ok()?;
            let cents = if fraction.len() == 1 {
                cents * 10
            } else {
                cents
            };
            (&cleaned[..at], cents)
        }
        _ => (cleaned.as_str(), 0),
    };
    // What is left separates thousands: groups of three after the first.
    let groups: Vec<&str> = whole.split(['.', ',']).collect();
    let grouped = groups.len() == 1
        || (!groups[0].is_empty()
            && groups[0].len() <= 3
            && groups[1..].iter().all(|g| g.len() == 3));
    if !grouped || whole.is_empty() {
        return None;
    }
    let euros: i64 = groups.concat().parse().ok()?;
    euros.checked_mul(100)?.checked_add(cents)
}

/// Cents as a form shows them again: "100000" or "2500,50" (English: "2500.50").
pub fn euros_in_form(cents: i64, decimal_mark: &str) -> String {
    if cents % 100 == 0 {
        (cents / 100).to_string()
    } else {
        format!("{}{decimal_mark}{:02}", cents / 100, (cents % 100).abs())
    }
}

fn number(problems: &mut Problems, field: &str, text: &str, default: u32) -> u32 {
    let text = text.trim();
    if text.is_empty() {
        return default;
    }
    match text.parse() {
        Ok(n) => n,
        Err(_) => {
            problems.note(AppError::invalid(field, "not_a_number"));
            default
        }
    }
}

fn optional_number(problems: &mut Problems, field: &str, text: &str) -> Option<u32> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    Some(number(problems, field, text, 0))
}

impl BudgetForm {
    /// The form of a budget as it stands.
    pub fn of(budget: &Budget, decimal_mark: &str) -> Self {
        let mut form = Self {
            title: budget.title.clone(),
            district: budget.district.clone().unwrap_or_default(),
            total: euros_in_form(budget.total_cents, decimal_mark),
            rule: budget.rule.kind().as_str().to_owned(),
            method: budget.method.as_str().to_owned(),
            reminder_days: budget.reminder_days.to_string(),
            one_district: budget.one_district.then(|| "on".to_owned()),
            ..Self::default()
        };
        match budget.rule {
            BallotRule::Approval {
                min_projects,
                max_projects,
            } => {
                form.min_projects = min_projects.to_string();
                form.max_projects = max_projects.to_string();
            }
            BallotRule::Knapsack {
                min_spend_percent,
                min_projects,
                max_projects,
            } => {
                form.min_spend_percent = min_spend_percent.to_string();
                form.min_projects = min_projects.to_string();
                form.max_projects = max_projects.map(|m| m.to_string()).unwrap_or_default();
            }
            BallotRule::Cumulative {
                points,
                max_per_project,
            } => {
                form.points = points.to_string();
                form.max_per_project = max_per_project.to_string();
            }
        }
        form
    }

    /// A new budget's form: one for the whole city, approval of up to five projects.
    pub fn blank() -> Self {
        Self {
            rule: BallotRuleKind::Knapsack.as_str().to_owned(),
            method: ResultMethod::Greedy.as_str().to_owned(),
            reminder_days: "3".to_owned(),
            min_spend_percent: "0".to_owned(),
            min_projects: "1".to_owned(),
            max_projects: "5".to_owned(),
            points: "10".to_owned(),
            max_per_project: "3".to_owned(),
            ..Self::default()
        }
    }

    /// The budget it describes; every field's problem at once.
    pub fn input(&self) -> Result<BudgetInput, AppError> {
        let mut problems = Problems::default();
        check_budget_fields(
            &mut problems,
            Some(&self.title),
            Some(self.district.trim()),
            None,
            None,
        );
        let total_cents = parse_euros(&self.total);
        if total_cents.is_none() {
            problems.note(AppError::invalid("total", "not_an_amount"));
        }
        let rule = self.rule(&mut problems);
        let method = ResultMethod::parse(&self.method);
        if method.is_none() {
            problems.note(AppError::invalid("method", "unknown"));
        }
        let reminder_days = number(&mut problems, "reminder_days", &self.reminder_days, 3);
        problems.finish()?;
        match (total_cents, rule, method) {
            (Some(total_cents), Some(rule), Some(method)) => Ok(BudgetInput {
                title: self.title.clone(),
                district: Some(self.district.clone()),
                total_cents,
                rule,
                method,
                reminder_days: Some(reminder_days),
                one_district: self.one_district.is_some(),
            }),
            _ => Err(AppError::invalid("request_body", "")),
        }
    }

    /// The change to a budget: every field the form holds.
    pub fn patch(&self) -> Result<BudgetPatch, AppError> {
        let input = self.input()?;
        Ok(BudgetPatch {
            title: Some(input.title),
            district: input.district,
            total_cents: Some(input.total_cents),
            rule: Some(input.rule),
            method: Some(input.method),
            reminder_days: input.reminder_days,
            one_district: Some(input.one_district),
        })
    }

    fn rule(&self, problems: &mut Problems) -> Option<BallotRule> {
        let Some(kind) = BallotRuleKind::parse(&self.rule) else {
            problems.note(AppError::invalid("rule", "unknown"));
            return None;
        };
        let rule = match kind {
            BallotRuleKind::Approval => BallotRule::Approval {
                min_projects: number(problems, "min_projects", &self.min_projects, 1),
                max_projects: number(problems, "max_projects", &self.max_projects, 0),
            },
            BallotRuleKind::Knapsack => BallotRule::Knapsack {
                min_spend_percent: number(
                    problems,
                    "min_spend_percent",
                    &self.min_spend_percent,
                    0,
                ),
                min_projects: number(problems, "min_projects", &self.min_projects, 0),
                max_projects: optional_number(problems, "max_projects", &self.max_projects),
            },
            BallotRuleKind::Cumulative => BallotRule::Cumulative {
                points: number(problems, "points", &self.points, 0),
                max_per_project: number(problems, "max_per_project", &self.max_per_project, 0),
            },
        };
        problems.check(rule.check())
    }
}

impl ProjectForm {
    /// The form of a project as it stands.
    pub fn of(project: &Project, decimal_mark: &str) -> Self {
        Self {
            proposal: String::new(),
            title: project.title.clone(),
            description: project.description.clone(),
            cost: euros_in_form(project.cost_cents, decimal_mark),
            district: project.district.clone().unwrap_or_default(),
            responsible_unit: project.responsible_unit.clone(),
            feasibility: project.feasibility.as_str().to_owned(),
            feasibility_reason: project.feasibility_reason.clone(),
            selected: project.selected.then(|| "on".to_owned()),
            excludes: project.excludes.iter().map(i64::to_string).collect(),
        }
    }

    fn cost(&self, problems: &mut Problems) -> i64 {
        match parse_euros(&self.cost) {
            Some(cents) => cents,
            None => {
                problems.note(AppError::invalid("cost", "not_an_amount"));
                0
            }
        }
    }

    /// A new project: from a proposal when one is named, its title and text taken where
    /// the form leaves them empty.
    pub fn input(&self) -> Result<ProjectInput, AppError> {
        let mut problems = Problems::default();
        let proposal_id = match self.proposal.trim() {
            "" => None,
            number => {
                let id = number.parse::<i64>().ok();
                if id.is_none() {
                    problems.note(AppError::invalid("proposal_id", "unknown"));
                }
                id
            }
        };
        let cost_cents = self.cost(&mut problems);
        problems.finish()?;
        let given = |text: &str| (!text.trim().is_empty()).then(|| text.to_owned());
        Ok(ProjectInput {
            proposal_id,
            title: given(&self.title),
            description: given(&self.description),
            cost_cents,
            district: Some(self.district.clone()),
            responsible_unit: Some(self.responsible_unit.clone()),
        })
    }

    /// The change to a project: every field the form holds.
    pub fn patch(&self) -> Result<ProjectPatch, AppError> {
        let mut problems = Problems::default();
        let cost_cents = self.cost(&mut problems);
        let feasibility = Feasibility::parse(&self.feasibility);
        if feasibility.is_none() {
            problems.note(AppError::invalid("feasibility", "unknown"));
        }
        let mut excludes = Vec::with_capacity(self.excludes.len());
        for id in &self.excludes {
            match id.parse::<i64>() {
                Ok(id) => excludes.push(id),
                Err(_) => problems.note(AppError::invalid("excludes", "unknown")),
            }
        }
        problems.finish()?;
        Ok(ProjectPatch {
            title: Some(self.title.clone()),
            description: Some(self.description.clone()),
            cost_cents: Some(cost_cents),
            district: Some(self.district.clone()),
            responsible_unit: Some(self.responsible_unit.clone()),
            feasibility,
            feasibility_reason: Some(self.feasibility_reason.clone()),
            selected: Some(self.selected.is_some()),
            excludes: Some(excludes),
            withdrawn: None,
        })
    }
}

/// A service's problems under the names of the form's fields: the services count money in
/// cents (`total_cents`, `cost_cents`), the forms in euros (`total`, `cost`); a project's
/// description has limits of its own (`project_description`), not a procedure's.
pub fn in_form_terms(error: AppError) -> AppError {
    let rename = |field: String| match field.as_str() {
        "total_cents" => "total".to_owned(),
        "cost_cents" => "cost".to_owned(),
        "description" => "project_description".to_owned(),
        _ => field,
    };
    match error {
        AppError::InvalidInput { field, problem } => AppError::InvalidInput {
            field: rename(field),
            problem,
        },
        AppError::InvalidFields { errors } => AppError::InvalidFields {
            errors: errors
                .into_iter()
                .map(|p| FieldProblem {
                    field: rename(p.field),
                    problem: p.problem,
                })
                .collect(),
        },
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn euros_read_as_people_type_them() {
        for (typed, cents) in [
            ("100000", 10_000_000),
            ("100.000", 10_000_000),
            ("100 000 €", 10_000_000),
            ("€ 1,234,567", 123_456_700),
            ("2.500,50", 250_050),
            ("2,500.50", 250_050),
            ("19,99", 1_999),
            ("19.9", 1_990),
            ("0,5", 50),
            ("1.000.000", 100_000_000),
        ] {
            assert_eq!(parse_euros(typed), Some(cents), "{typed}");
        }
        for typed in [
            "",
            "€",
            "abc",
            "-5",
            "1.00.000",
            "12,3456",
            "1..5",
            ",50",
            "1e5",
            "10.000,5,5",
        ] {
            assert_eq!(parse_euros(typed), None, "{typed}");
        }
        assert_eq!(parse_euros("99999999999999999999"), None);
    }

    #[test]
    fn amounts_come_back_as_typed() {
        for cents in [1, 99, 100, 250_050, 10_000_000] {
            for mark in [",", "."] {
                assert_eq!(parse_euros(&euros_in_form(cents, mark)), Some(cents));
            }
        }
        assert_eq!(euros_in_form(250_050, ","), "2500,50");
    }

    #[test]
    fn a_budget_form_names_every_wrong_field() {
        let form = BudgetForm {
            title: "Bürgerbudget".into(),
            total: "viel".into(),
            rule: "approval".into(),
            min_projects: "zwei".into(),
            max_projects: "5".into(),
            method: "greedy".into(),
            ..BudgetForm::default()
        };
        let error = form.input().unwrap_err();
        let fields: Vec<&str> = error.field_problems().iter().map(|p| p.0).collect();
        assert_eq!(fields, ["total", "min_projects"]);
        let short = BudgetForm {
            title: "Bu".into(),
            ..form
        };
        let fields: Vec<String> = short
            .input()
            .unwrap_err()
            .field_problems()
            .iter()
            .map(|p| p.0.to_owned())
            .collect();
        assert_eq!(fields, ["title", "total", "min_projects"]);
    }

    #[test]
    fn a_budget_survives_its_form() {
        let form = BudgetForm {
            title: "Bürgerbudget Nord".into(),
            district: "Nord".into(),
            total: "100.000".into(),
            ..BudgetForm::blank()
        };
        let input = form.input().unwrap();
        assert_eq!(input.total_cents, 10_000_000);
        assert_eq!(
            input.rule,
            BallotRule::Knapsack {
                min_spend_percent: 0,
                min_projects: 1,
                max_projects: Some(5)
            }
        );
        let inconsistent = BudgetForm {
            rule: "cumulative".into(),
            points: "3".into(),
            max_per_project: "5".into(),
            ..form
        };
        assert_eq!(
            inconsistent.input().unwrap_err(),
            AppError::invalid("rule", "inconsistent")
        );
    }

    #[test]
    fn money_problems_are_named_as_the_form_names_them() {
        assert_eq!(
            in_form_terms(AppError::invalid("cost_cents", "out_of_range")),
            AppError::invalid("cost", "out_of_range")
        );
        assert_eq!(
            in_form_terms(AppError::invalid("title", "length")),
            AppError::invalid("title", "length")
        );
    }
}
