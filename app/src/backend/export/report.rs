//! What the council report says, in the reader's language: shared by the PDF and the
//! printable HTML page, so both always carry the same figures.

use super::{Header, ProposalRow};
use crate::backend::service::results;
use crate::error::AppError;
use crate::i18n::{ServerTexts, Texts};
use crate::model::phase::VoteRule;
use crate::model::results::{Bar, with_minus};
use crate::model::time::{LocalDate, Timestamp};
use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;

/// A label and its value, as a report's tables list them.
pub type Row = (String, String);

pub fn date(t: &Texts, at: DateTime<Utc>) -> String {
    t.date(Timestamp(at.timestamp()))
}

/// The last day of a phase that ends (exclusively) at `end`.
pub fn last_day(t: &Texts, end: DateTime<Utc>) -> String {
    t.last_day(Timestamp(end.timestamp()))
}

/// Responsible department, the vote rule and the phases with their dates.
pub fn procedure_rows(t: &Texts, header: &Header) -> Vec<Row> {
    let mut rows = vec![
        (t.department.to_owned(), header.department.clone()),
        (
            t.vote_rule_label.to_owned(),
            match header.rule {
                VoteRule::Rating => t.rule_rating.to_owned(),
                VoteRule::Support { cap: Some(cap) } => {
                    t.rule_support_capped.fmt(&[("cap", cap.into())])
                }
                VoteRule::Support { cap: None } => t.rule_support.to_owned(),
            },
        ),
    ];
    for (kind, starts, ends) in &header.phases {
        let name = t.phase(*kind);
        rows.push((
            name.to_owned(),
            t.date_range.fmt(&[
                ("from", date(t, *starts).as_str().into()),
                ("to", last_day(t, *ends).as_str().into()),
            ]),
        ));
    }
    rows
}

/// The summary page's figures: the period and the main counts.
pub fn summary_rows(t: &Texts, s: &ServerTexts, header: &Header) -> Vec<Row> {
    let f = &header.figures;
    let mut rows = Vec::new();
    if let (Some((_, starts, _)), Some((_, _, ends))) =
        (header.phases.first(), header.phases.last())
    {
        rows.push((
            s.summary_period.to_owned(),
            t.date_range.fmt(&[
                ("from", date(t, *starts).as_str().into()),
                ("to", last_day(t, *ends).as_str().into()),
            ]),
        ));
    }
    rows.extend(
        [
            (t.fig_participants, f.participants),
            (t.fig_proposals, f.proposals),
            (t.fig_comments, f.comments),
            (t.fig_votes, f.votes),
        ]
        .into_iter()
        .map(|(label, value)| (label.to_owned(), value.to_string())),
    );
    rows
}

/// The result in a few sentences: which proposal leads, and what the council decided.
pub fn summary_sentences(
    t: &Texts,
    s: &ServerTexts,
    header: &Header,
    first: Option<&ProposalRow>,
) -> Vec<String> {
    let mut sentences = Vec::new();
    match first {
        Some(p) => {
            let figure = match header.rule {
                VoteRule::Rating => with_minus(p.score),
                VoteRule::Support { .. } => p.support.to_string(),
            };
            let unit = match header.rule {
                VoteRule::Rating => t.votes_score.to_owned(),
                VoteRule::Support { .. } => {
                    t.supports(u32::try_from(p.support).unwrap_or(u32::MAX))
                }
            };
            sentences.push(s.summary_first.fmt(&[
                ("id", p.id.into()),
                ("title", p.title.as_str().into()),
                ("unit", unit.as_str().into()),
                ("figure", figure.as_str().into()),
            ]));
        }
        None => sentences.push(s.summary_no_proposals.to_owned()),
    }
    let decided: Vec<String> = header
        .outcomes
        .iter()
        .filter(|o| o.count > 0)
        .map(|o| format!("{} {}", t.outcome(o.outcome), o.count))
        .collect();
    if decided.is_empty() {
        sentences.push(s.summary_no_outcome.to_owned());
    } else {
        sentences.push(format!(
            "{}: {}.",
            t.results_outcomes_title,
            decided.join(" · ")
        ));
    }
    sentences
}

pub fn participation_rows(t: &Texts, header: &Header) -> Vec<Row> {
    let f = &header.figures;
    [
        (t.fig_participants, f.participants),
        (t.fig_proposals, f.proposals),
        (t.fig_onsite_proposals, f.proposals_onsite),
        (t.fig_withdrawn, f.withdrawn),
        (t.fig_comments, f.comments),
        (t.fig_onsite_comments, f.comments_onsite),
        (t.fig_votes, f.votes),
        (t.fig_voters, f.voters),
    ]
    .into_iter()
    .map(|(label, value)| (label.to_owned(), value.to_string()))
    .collect()
}

/// Decisions, what is withheld, and the decisions by kind.
pub async fn moderation_rows(
    db: &impl ConnectionTrait,
    t: &Texts,
    s: &ServerTexts,
    header: &Header,
    procedure_id: i64,
) -> Result<Vec<Row>, AppError> {
    let f = &header.figures;
    let mut rows = vec![
        (
            t.fig_moderation.to_owned(),
            f.moderation_decisions.to_string(),
        ),
        (
            s.fig_hidden_proposals.to_owned(),
            f.hidden_proposals.to_string(),
        ),
        (
            s.fig_hidden_comments.to_owned(),
            f.hidden_comments.to_string(),
        ),
    ];
    for (action, count) in results::decision_counts(db, procedure_id).await? {
        let name = t.act(action);
        rows.push((format!("– {name}"), count.to_string()));
    }
    Ok(rows)
}

/// How the ranking was made.
pub fn ranking_note(s: &ServerTexts, header: &Header) -> &'static str {
    match header.rule {
        VoteRule::Rating => s.report_ranking_rating,
        VoteRule::Support { .. } => s.report_ranking_support,
    }
}

/// The figure a proposal is ranked by.
pub fn ranked_value(header: &Header, p: &ProposalRow) -> i64 {
    header.rule.ranked_value(p.support, p.score)
}

/// The bar of a ranked proposal in the "top ten" chart.
pub fn top_bar(header: &Header, p: &ProposalRow) -> Bar {
    Bar {
        label: format!("#{} {}", p.id, p.title),
        value: ranked_value(header, p),
    }
}

/// "3.", "withdrawn" or "merged into #12", then the proposal's number and title.
pub fn proposal_heading(t: &Texts, p: &ProposalRow) -> String {
    let rank = match (p.rank, p.merged_into) {
        (Some(rank), _) => format!("{rank}."),
        (None, Some(into)) => t.merged_short.fmt(&[("id", into.into())]),
        (None, None) => t.withdrawn_short.to_owned(),
    };
    format!("{rank} #{} {}", p.id, p.title)
}

/// Votes, comments, category and who wrote it (or the event it came from).
pub fn proposal_meta(t: &Texts, header: &Header, p: &ProposalRow) -> String {
    let votes = if header.rule == VoteRule::Rating {
        format!(
            "{} {} · {} {} · {}: {}",
            p.up,
            t.votes_up,
            p.down,
            t.votes_down,
            t.votes_score,
            with_minus(p.score)
        )
    } else {
        format!(
            "{} {}",
            p.support,
            t.supports(u32::try_from(p.support).unwrap_or(0))
        )
    };
    let mut meta = vec![
        votes,
        t.comments_count(u32::try_from(p.comments).unwrap_or(u32::MAX)),
    ];
    if let Some(category) = &p.category {
        meta.push(category.clone());
    }
    meta.push(match (&p.author, &p.event) {
        (_, Some(event)) if p.onsite => t
            .source_onsite_event
            .fmt(&[("event", event.as_str().into())]),
        (Some(author), _) => t.by_author.fmt(&[("author", author.as_str().into())]),
        _ => t.source_onsite.to_owned(),
    });
    meta.join(" · ")
}

/// "The administration's opinion (Tiefbauamt): Feasible", with its text, once answered.
pub fn opinion_line(t: &Texts, s: &ServerTexts, p: &ProposalRow) -> Option<(String, String)> {
    let opinion = p.opinion.as_ref()?;
    Some((
        s.report_opinion.fmt(&[
            ("unit", opinion.unit.as_str().into()),
            ("verdict", t.verdict(opinion.verdict).into()),
        ]),
        opinion.text.clone(),
    ))
}

/// "Council decision: Adopted 3 December 2026", if the council has decided.
pub fn outcome_line(t: &Texts, p: &ProposalRow) -> Option<(String, String)> {
    let outcome = p.outcome.as_ref()?;
    let name = t.outcome(outcome.outcome);
    let when = outcome
        .meeting_date
        .as_deref()
        .and_then(LocalDate::parse_iso)
        .map(|d| t.date(d.start_in_berlin()))
        .unwrap_or_default();
    Some((
        t.council_decided
            .fmt(&[("outcome", name.into()), ("date", when.as_str().into())])
            .trim_end()
            .to_owned(),
        outcome.justification.clone(),
    ))
}
