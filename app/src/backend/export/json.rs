//! The open-data document (`results.schema.json` beside this file, served at
//! `/api/v1/schemas/results-v1.json`, version [`super::JSON_VERSION`]):
//! the procedure, its figures, the ranked proposals with their council outcomes, the
//! comments and the public moderation decisions. It carries no clock time of its own, so
//! the same state gives the same bytes.

use super::{
    CommentRow, DecisionRow, Header, JSON_VERSION, Job, LICENCE_ID, LICENCE_URL, ProposalRow, Sink,
    authors, comments_after, decisions_after, time,
};
use crate::error::AppError;
use crate::model::results::{Bar, CouncilPaper, Day, Figures, OutcomeCount};
use sea_orm::DatabaseConnection;
use serde::Serialize;

#[derive(Serialize)]
struct Head<'a> {
    format: &'static str,
    version: u32,
    licence: Licence,
    procedure: Procedure<'a>,
    figures: &'a Figures,
    timeline: &'a [Day],
    categories: Vec<Category<'a>>,
    outcomes: &'a [OutcomeCount],
}

#[derive(Serialize)]
struct Licence {
    id: &'static str,
    url: &'static str,
}

#[derive(Serialize)]
struct Procedure<'a> {
    slug: &'a str,
    title: &'a str,
    summary: &'a str,
    department: &'a str,
    url: &'a str,
    vote_rule: VoteRule,
    phases: Vec<Phase<'a>>,
    final_results: bool,
    council_paper: Option<&'a CouncilPaper>,
}

#[derive(Serialize)]
struct VoteRule {
    kind: &'static str,
    cap: Option<u32>,
}

#[derive(Serialize)]
struct Phase<'a> {
    kind: &'a str,
    starts_at: String,
    ends_at: String,
}

#[derive(Serialize)]
struct Category<'a> {
    name: &'a str,
    proposals: u64,
}

#[derive(Serialize)]
struct Proposal<'a> {
    rank: Option<u32>,
    id: i64,
    url: &'a str,
    title: &'a str,
    body: &'a str,
    category: Option<&'a str>,
    location: Option<&'a str>,
    district: Option<District<'a>>,
    source: &'static str,
    event: Option<&'a str>,
    status: &'a str,
    merged_into: Option<i64>,
    author: Option<&'a str>,
    created_at: String,
    votes: Votes,
    comments: i64,
    outcome: Option<Outcome<'a>>,
    opinion: Option<Opinion<'a>>,
}

#[derive(Serialize)]
struct District<'a> {
    key: &'a str,
    name: &'a str,
}

#[derive(Serialize)]
struct Opinion<'a> {
    unit: &'a str,
    verdict: &'static str,
    text: &'a str,
}

#[derive(Serialize)]
struct Votes {
    support: i64,
    up: i64,
    down: i64,
    score: i64,
}

#[derive(Serialize)]
struct Outcome<'a> {
    outcome: &'a str,
    justification: &'a str,
    meeting_date: Option<&'a str>,
}

#[derive(Serialize)]
struct Comment<'a> {
    id: i64,
    proposal_id: i64,
    parent_id: Option<i64>,
    author: Option<&'a str>,
    body: &'a str,
    source: &'static str,
    event: Option<&'a str>,
    created_at: String,
    edited: bool,
}

#[derive(Serialize)]
struct Decision<'a> {
    id: i64,
    at: String,
    target: Target<'a>,
    proposal_id: Option<i64>,
    action: &'a str,
    reason: Option<&'a str>,
    public_reason: &'a str,
}

#[derive(Serialize)]
struct Target<'a> {
    kind: &'a str,
    id: i64,
}

fn source(onsite: bool) -> &'static str {
    if onsite { "onsite" } else { "online" }
}

fn head(header: &Header) -> Head<'_> {
    Head {
        format: "mitreden.results",
        version: JSON_VERSION,
        licence: Licence {
            id: LICENCE_ID,
            url: LICENCE_URL,
        },
        procedure: Procedure {
            slug: &header.slug,
            title: &header.title,
            summary: &header.summary,
            department: &header.department,
            url: &header.url,
            vote_rule: VoteRule {
                kind: header.rule.kind().as_str(),
                cap: header.rule.cap(),
            },
            phases: header
                .phases
                .iter()
                .map(|(kind, starts, ends)| Phase {
                    kind: kind.as_str(),
                    starts_at: time(*starts),
                    ends_at: time(*ends),
                })
                .collect(),
            final_results: header.final_results,
            council_paper: header.council.as_ref(),
        },
        figures: &header.figures,
        timeline: &header.timeline,
        categories: header
            .categories
            .iter()
            .map(|bar: &Bar| Category {
                name: &bar.label,
                proposals: u64::try_from(bar.value).unwrap_or(0),
            })
            .collect(),
        outcomes: &header.outcomes,
    }
}

fn proposal(p: &ProposalRow) -> Proposal<'_> {
    Proposal {
        rank: p.rank,
        id: p.id,
        url: &p.url,
        title: &p.title,
        body: &p.body,
        category: p.category.as_deref(),
        location: p.location.as_deref(),
        district: p.district.as_ref().map(|d| District {
            key: &d.key,
            name: &d.name,
        }),
        source: source(p.onsite),
        event: p.event.as_deref(),
        status: p.status.as_str(),
        merged_into: p.merged_into,
        author: p.author.as_deref(),
        created_at: time(p.created_at),
        votes: Votes {
            support: p.support,
            up: p.up,
            down: p.down,
            score: p.score,
        },
        comments: p.comments,
        outcome: p.outcome.as_ref().map(|o| Outcome {
            outcome: o.outcome.as_str(),
            justification: &o.justification,
            meeting_date: o.meeting_date.as_deref(),
        }),
        opinion: p.opinion.as_ref().map(|o| Opinion {
            unit: &o.unit,
            verdict: o.verdict.as_str(),
            text: &o.text,
        }),
    }
}

fn comment(c: &CommentRow) -> Comment<'_> {
    Comment {
        id: c.id,
        proposal_id: c.proposal_id,
        parent_id: c.parent_id,
        author: c.author.as_deref(),
        body: &c.body,
        source: source(c.onsite),
        event: c.event.as_deref(),
        created_at: time(c.created_at),
        edited: c.edited,
    }
}

fn decision(d: &DecisionRow) -> Decision<'_> {
    Decision {
        id: d.id,
        at: time(d.at),
        target: Target {
            kind: d.target_kind.as_str(),
            id: d.target_id,
        },
        proposal_id: d.proposal_id,
        action: d.action.as_str(),
        reason: d.reason.map(|r| r.as_str()),
        public_reason: &d.public_reason,
    }
}

fn encode(out: &mut Vec<u8>, value: &impl Serialize) -> Result<(), AppError> {
    serde_json::to_writer(out, value).map_err(|_| AppError::Internal)
}

pub async fn write(db: &DatabaseConnection, job: &Job, sink: &mut Sink) -> Result<(), AppError> {
    let header = job.header_in(db, super::DATA_LANG).await?;
    let procedure_id = job.scope.procedure.id;
    // The head object, reopened to append the three row arrays.
    let mut head_bytes = Vec::new();
    encode(&mut head_bytes, &head(&header))?;
    head_bytes.pop();
    sink.buffer.extend_from_slice(&head_bytes);

    let authors = authors(db, procedure_id).await?;
    sink.buffer.extend_from_slice(b",\"proposals\":[");
    let mut proposals = super::Proposals::open(db, &job.scope, &authors, &job.public_url).await?;
    let total = proposals.total + header.figures.comments;
    let mut done = 0;
    let mut first = true;
    loop {
        let batch = proposals.next(db).await?;
        if batch.is_empty() {
            break;
        }
        for p in &batch {
            if !first {
                sink.buffer.push(b',');
            }
            first = false;
            encode(&mut sink.buffer, &proposal(p))?;
        }
        done += batch.len() as u64;
        sink.batch_done(done, total).await?;
    }

    sink.buffer.extend_from_slice(b"],\"comments\":[");
    let mut last = 0;
    first = true;
    loop {
        let batch = comments_after(db, procedure_id, last, &authors).await?;
        let Some(tail) = batch.last() else { break };
        last = tail.id;
        for c in &batch {
            if !first {
                sink.buffer.push(b',');
            }
            first = false;
            encode(&mut sink.buffer, &comment(c))?;
        }
        done += batch.len() as u64;
        sink.batch_done(done, total).await?;
    }

    sink.buffer.extend_from_slice(b"],\"moderation\":[");
    let mut last = 0;
    first = true;
    loop {
        let batch = decisions_after(db, procedure_id, last).await?;
        let Some(tail) = batch.last() else { break };
        last = tail.id;
        for d in &batch {
            if !first {
                sink.buffer.push(b',');
            }
            first = false;
            encode(&mut sink.buffer, &decision(d))?;
        }
        sink.batch_done(done, total).await?;
    }
    sink.buffer.extend_from_slice(b"]}\n");
    Ok(())
}
