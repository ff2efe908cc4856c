//! `mitreden seed scale`: a large procedure for load tests. Rows are written in batches,
//! and every counter is computed from the rows written, so tallies equal their votes.

use app::backend::db::storage_error;
use app::backend::entity::{comment, moderation_queue, proposal, report, user, vote};
use app::backend::service::procedure::{NewPhase, NewProcedure, create};
use app::error::AppError;
use app::formats::proposals::model::VoteRule;
use app::formats::proposals::model::{CommentStatus, Origin, ProposalStatus};
use app::model::account::Role;
use app::model::moderation::{CaseStatus, ModerationReason, TargetKind};
use app::model::procedure::{PhaseKind, Slug};
use chrono::{DateTime, Duration, Utc};
use sea_orm::{DatabaseConnection, EntityTrait, Set, TransactionTrait};

pub const SCALE_SLUG: &str = "lasttest";

#[derive(Debug, Clone, Copy)]
pub struct Scale {
    pub users: usize,
    pub proposals: usize,
    pub votes: usize,
    /// Comments on the first proposal.
    pub comments: usize,
    /// Open items in the moderation queue: the first proposals, reported once each.
    pub queue: usize,
}

#[derive(Debug)]
pub struct ScaleOutcome {
    pub procedure_id: i64,
    pub first_proposal: i64,
    pub user_ids: Vec<i64>,
}

const BATCH: usize = 500;

pub async fn scale(
    db: &DatabaseConnection,
    scale: Scale,
    now: DateTime<Utc>,
) -> Result<ScaleOutcome, AppError> {
    if scale.users == 0 || scale.proposals == 0 {
        return Err(AppError::invalid("scale", "empty"));
    }
    if scale.votes > scale.users * scale.proposals {
        return Err(AppError::invalid(
            "votes",
            "more_than_users_times_proposals",
        ));
    }
    let procedure_id = create(
        db,
        NewProcedure {
            slug: Slug::parse(SCALE_SLUG)?,
            title: "Lasttest: Bürgerhaushalt".to_owned(),
            summary: "Ein großes Verfahren für Lasttests.".to_owned(),
            description: "Erzeugt mit `mitreden seed scale`.".to_owned(),
            department: "Kämmerei".to_owned(),
            contact: "lasttest@musterstadt.example".to_owned(),
            phases: vec![NewPhase {
                kind: PhaseKind::Voting,
                starts_at: now - Duration::days(10),
                ends_at: now + Duration::days(30),
            }],
            rule: VoteRule::Support { cap: None },
            vote_phase: PhaseKind::Voting,
            categories: vec!["Bildung".into(), "Kultur".into(), "Umwelt".into()],
            published: true,
            moderation: app::model::moderation::ModerationMode::Post,
        },
        now,
    )
    .await?;

    let txn = db.begin().await.map_err(storage_error)?;
    let mut user_ids = Vec::with_capacity(scale.users);
    for chunk in (0..scale.users).collect::<Vec<_>>().chunks(BATCH) {
        let rows = chunk.iter().map(|n| user::ActiveModel {
            email: Set(Some(format!("last{n}@lasttest.invalid"))),
            display_name: Set(Some(format!("Teilnehmende {n}"))),
            password_hash: Set(None),
            role: Set(Role::Resident),
            lang: Set("de".to_owned()),
            email_verified_at: Set(Some(now)),
            notify_replies: Set(false),
            notify_digest: Set(false),
            terms_version: Set("scale".to_owned()),
            terms_accepted_at: Set(now),
            created_at: Set(now),
            updated_at: Set(now),
            deleted_at: Set(None),
            ..Default::default()
        });
        let inserted = user::Entity::insert_many(rows)
            .exec_with_returning(&txn)
            .await
            .map_err(storage_error)?;
        user_ids.extend(inserted.into_iter().map(|u| u.id));
    }

    // Votes spread unevenly: proposal p gets votes from a run of consecutive users, more for
    // low p, so "most supported" has a real order.
    let weights: Vec<usize> = (0..scale.proposals)
        .map(|p| 1 + (scale.proposals - p) % 97)
        .collect();
    let weight_sum: usize = weights.iter().sum();
    let mut per_proposal: Vec<usize> = weights
        .iter()
        .map(|w| (scale.votes * w / weight_sum).min(scale.users))
        .collect();
    let mut assigned: usize = per_proposal.iter().sum();
    let mut p = 0;
    while assigned < scale.votes {
        if per_proposal[p] < scale.users {
            per_proposal[p] += 1;
            assigned += 1;
        }
        p = (p + 1) % scale.proposals;
    }

    let mut proposal_ids = Vec::with_capacity(scale.proposals);
    let categories = ["Bildung", "Kultur", "Umwelt"];
    for chunk in (0..scale.proposals).collect::<Vec<_>>().chunks(BATCH) {
        let rows = chunk.iter().map(|n| {
            let supports = i32::try_from(per_proposal[*n]).unwrap_or(i32::MAX);
            let comments = if *n == 0 {
                i32::try_from(scale.comments).unwrap_or(i32::MAX)
            } else {
                0
            };
            proposal::ActiveModel {
                procedure_id: Set(procedure_id),
                author_id: Set(user_ids[n % user_ids.len()]),
                title: Set(format!("Vorschlag {n}: Sanierung der Grünanlage")),
                body: Set(format!(
                    "Begründung zu Vorschlag {n}. Mehr Bäume, Bänke und Wege für alle Generationen."
                )),
                category: Set(Some(categories[n % categories.len()].to_owned())),
                location: Set(None),
                source: Set(Origin::Online),
                event_name: Set(None),
                status: Set(ProposalStatus::Published),
                withdrawal_note: Set(None),
                support_count: Set(supports),
                up_count: Set(supports),
                down_count: Set(0),
                score: Set(supports),
                comment_count: Set(comments),
                engaged_at: Set((supports > 0 || comments > 0).then_some(now)),
                created_at: Set(now - Duration::seconds(i64::try_from(*n).unwrap_or(0))),
                updated_at: Set(now),
                ..Default::default()
            }
        });
        let inserted = proposal::Entity::insert_many(rows)
            .exec_with_returning(&txn)
            .await
            .map_err(storage_error)?;
        proposal_ids.extend(inserted.into_iter().map(|p| p.id));
    }

    let mut batch = Vec::with_capacity(BATCH);
    for (index, proposal_id) in proposal_ids.iter().enumerate() {
        for k in 0..per_proposal[index] {
            let voter = user_ids[(index * 7 + k) % user_ids.len()];
            batch.push(vote::ActiveModel {
                user_id: Set(voter),
                proposal_id: Set(*proposal_id),
                procedure_id: Set(procedure_id),
                value: Set(1),
                created_at: Set(now),
                updated_at: Set(now),
            });
            if batch.len() == BATCH {
                vote::Entity::insert_many(std::mem::take(&mut batch))
                    .exec(&txn)
                    .await
                    .map_err(storage_error)?;
            }
        }
    }
    if !batch.is_empty() {
        vote::Entity::insert_many(batch)
            .exec(&txn)
            .await
            .map_err(storage_error)?;
    }

    let first = proposal_ids.first().copied().ok_or(AppError::Internal)?;
    let mut comment_ids: Vec<i64> = Vec::new();
    for n in 0..scale.comments {
        // Every fourth comment answers the one before it, down to depth 3.
        let parent = (n % 4 != 0).then(|| comment_ids.last().copied()).flatten();
        let depth = i32::try_from(n % 4).unwrap_or(0);
        let row = comment::ActiveModel {
            proposal_id: Set(first),
            parent_id: Set(parent),
            author_id: Set(user_ids[n % user_ids.len()]),
            body: Set(format!(
                "Kommentar {n}: Ich stimme zu, **besonders** was die Wege angeht.\n\n- Punkt eins\n- Punkt zwei"
            )),
            depth: Set(depth),
            source: Set(Origin::Online),
            event_name: Set(None),
            status: Set(CommentStatus::Published),
            created_at: Set(now - Duration::minutes(i64::try_from(scale.comments - n).unwrap_or(0))),
            edited_at: Set(None),
            deleted_at: Set(None),
            ..Default::default()
        };
        let inserted = comment::Entity::insert(row)
            .exec(&txn)
            .await
            .map_err(storage_error)?;
        comment_ids.push(inserted.last_insert_id);
    }
    // Open queue items: one report each (by the next author along), oldest first.
    for (chunk_index, chunk) in proposal_ids
        .iter()
        .take(scale.queue)
        .collect::<Vec<_>>()
        .chunks(BATCH)
        .enumerate()
    {
        let at = |i: usize| {
            now - Duration::minutes(
                i64::try_from(scale.queue - (chunk_index * BATCH + i)).unwrap_or(0),
            )
        };
        let reports = chunk.iter().enumerate().map(|(i, id)| report::ActiveModel {
            target_kind: Set(TargetKind::Proposal),
            target_id: Set(**id),
            procedure_id: Set(procedure_id),
            reporter_id: Set(user_ids[(chunk_index * BATCH + i + 1) % user_ids.len()]),
            reason: Set([
                ModerationReason::Insult,
                ModerationReason::Spam,
                ModerationReason::OffTopic,
            ][i % 3]),
            note: Set(String::new()),
            snapshot: Set(format!("Vorschlag {id}, wie er gemeldet wurde")),
            status: Set(CaseStatus::Open),
            created_at: Set(at(i)),
            closed_at: Set(None),
            ..Default::default()
        });
        report::Entity::insert_many(reports)
            .exec(&txn)
            .await
            .map_err(storage_error)?;
        let entries = chunk
            .iter()
            .enumerate()
            .map(|(i, id)| moderation_queue::ActiveModel {
                target_kind: Set(TargetKind::Proposal),
                target_id: Set(**id),
                procedure_id: Set(procedure_id),
                proposal_id: Set(**id),
                author_id: Set(user_ids[(chunk_index * BATCH + i) % user_ids.len()]),
                status: Set(CaseStatus::Open),
                pending: Set(false),
                screen_rule: Set(None),
                report_count: Set(1),
                objection: Set(None),
                opened_at: Set(at(i)),
                claimed_by: Set(None),
                claimed_until: Set(None),
                closed_at: Set(None),
                ..Default::default()
            });
        moderation_queue::Entity::insert_many(entries)
            .exec(&txn)
            .await
            .map_err(storage_error)?;
    }
    txn.commit().await.map_err(storage_error)?;
    app::backend::db::refresh_statistics(db)
        .await
        .map_err(storage_error)?;
    Ok(ScaleOutcome {
        procedure_id,
        first_proposal: first,
        user_ids,
    })
}
