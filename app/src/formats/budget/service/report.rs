//! The budgets in a procedure's exports: each budget's result as a section of the council
//! report (PDF and HTML), and each ballot file (`.pb`) with its SHA-256 among the files the
//! report and the manifest list.
//!
//! Whoever may export the procedure sees its budgets' results: the export's scope has
//! already decided (planners at any time, everyone once voting has ended), so a budget
//! whose vote still runs is printed as a count so far, marked as such.

use super::budget::{Hosted, MAX_BUDGETS_PER_PROCEDURE};
use super::results::{Counted, count_budget};
use crate::backend::db::storage_error;
use crate::backend::entity::budget;
use crate::backend::export::{FileHash, Format, Job, Section, hex};
use crate::backend::service::procedure;
use crate::error::AppError;
use crate::formats::budget::model::{BallotRule, BudgetResults, DecisionOutcome, ProjectResult};
use crate::formats::budget::wording::{method_text, money, rule_lines, unfunded_text};
use crate::i18n::{ServerTexts, Texts};
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use sha2::{Digest, Sha256};

/// A procedure's budgets, counted, with the planners' decisions and the council's outcomes
/// applied.
async fn counted(
    db: &DatabaseConnection,
    procedure_id: i64,
    now: DateTime<Utc>,
) -> Result<Vec<(budget::Model, Counted)>, AppError> {
    let rows = budget::Entity::find()
        .filter(budget::Column::ProcedureId.eq(procedure_id))
        .order_by_asc(budget::Column::Id)
        .limit(MAX_BUDGETS_PER_PROCEDURE)
        .all(db)
        .await
        .map_err(storage_error)?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let (context, summary) = procedure::context_by_id(db, procedure_id, now).await?;
    let mut budgets = Vec::with_capacity(rows.len());
    for row in rows {
        let hosted = Hosted {
            row,
            context: context.clone(),
            summary: summary.clone(),
        };
        let mut counted = count_budget(db, &hosted, now).await?;
        super::results::published(db, &mut counted.results).await?;
        budgets.push((hosted.row, counted));
    }
    Ok(budgets)
}

/// The ballot file's entry in a list of files: the name it downloads under.
fn file_hash(budget_id: i64, file: &str) -> FileHash {
    FileHash {
        name: format!("budget-{budget_id}.pb"),
        media_type: "text/plain".to_owned(),
        bytes: file.len() as u64,
        sha256: hex(&Sha256::digest(file.as_bytes())),
    }
}

/// The ballot files of a procedure's budgets, for its manifest.
pub async fn files(
    db: &DatabaseConnection,
    procedure_id: i64,
    now: DateTime<Utc>,
) -> Result<Vec<FileHash>, AppError> {
    Ok(counted(db, procedure_id, now)
        .await?
        .iter()
        .map(|(row, counted)| file_hash(row.id, &counted.file))
        .collect())
}

/// Adds the procedure's budgets to a report (PDF, HTML): a section each, and their ballot
/// files to the files it lists. Other formats are left as they are.
pub async fn add_to_report(
    db: &DatabaseConnection,
    job: &mut Job,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    if !matches!(job.format, Format::Pdf | Format::Html) {
        return Ok(());
    }
    let (t, s) = (job.lang.texts(), job.lang.server_texts());
    for (row, counted) in counted(db, job.scope.procedure.id, now).await? {
        job.sections
            .push(section(t, s, &row, &counted.results, now));
        job.hashes.push(file_hash(row.id, &counted.file));
    }
    Ok(())
}

/// One budget as the report prints it.
fn section(
    t: &Texts,
    s: &ServerTexts,
    row: &budget::Model,
    results: &BudgetResults,
    now: DateTime<Utc>,
) -> Section {
    let mut paragraphs = Vec::new();
    if !results.final_result {
        paragraphs.push(s.report_budget_interim.fmt(&[(
            "date",
            crate::backend::export::report::date(t, now).as_str().into(),
        )]));
    }
    paragraphs.push(method_text(t, results.method).to_owned());
    paragraphs.extend(rule_lines(t, results.rule, results.total_cents));
    paragraphs.push(
        t.tie_rule
            .fmt(&[("seed", results.tie_seed.as_str().into())]),
    );
    let rows = vec![
        (
            t.budget_district.to_owned(),
            row.district
                .clone()
                .unwrap_or_else(|| t.budget_whole_city.to_owned()),
        ),
        (t.budget_total.to_owned(), money(t, results.total_cents)),
        (t.results_spent.to_owned(), money(t, results.spent_cents)),
        (t.results_ballots.to_owned(), results.ballots.to_string()),
        (
            t.results_checksum.to_owned(),
            results.ballot_file_sha256.clone(),
        ),
    ];
    let items = results
        .projects
        .iter()
        .map(|line| {
            let title = format!("{} {}", line.number(), line.title);
            (title, project_line(t, s, results.rule, line))
        })
        .collect();
    let notes = (!results.decisions.is_empty()).then(|| {
        let entries = results
            .decisions
            .iter()
            .map(|d| {
                let outcome = match d.outcome {
                    DecisionOutcome::Fund => t.decision_fund,
                    DecisionOutcome::Unfund => t.decision_unfund,
                    DecisionOutcome::Computed => t.decision_computed,
                };
                (
                    format!("{} · {}: {outcome}", t.date(d.decided_at), d.project_title),
                    d.reason.clone(),
                )
            })
            .collect();
        (t.decisions_heading.to_owned(), entries)
    });
    Section {
        heading: s
            .report_budget_heading
            .fmt(&[("title", row.title.as_str().into())]),
        paragraphs,
        rows,
        items,
        notes,
    }
}

/// "Kosten: 12.000 € · Stimmen: 48 · Gefördert", and the council's outcome once recorded.
fn project_line(t: &Texts, s: &ServerTexts, rule: BallotRule, line: &ProjectResult) -> String {
    let unit = match rule {
        BallotRule::Cumulative { .. } => t.results_points,
        _ => t.results_votes,
    };
    let verdict = match (line.funded, line.unfunded) {
        (true, _) if line.decided => t.results_funded_by_decision,
        (true, _) => t.results_funded,
        (false, Some(why)) => unfunded_text(t, why),
        (false, None) => t.decision_not_funded,
    };
    let text = s.report_budget_project.fmt(&[
        ("cost", money(t, line.cost_cents).as_str().into()),
        ("unit", unit.into()),
        ("votes", line.votes.into()),
        ("verdict", verdict.into()),
    ]);
    match &line.council {
        Some(council) => format!(
            "{text} · {}: {}",
            t.outcome_label,
            t.outcome(council.outcome)
        ),
        None => text,
    }
}
