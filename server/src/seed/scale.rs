//! `mitreden seed scale`: a large procedure for load tests, up to the size of Decide Madrid
//! (`--madrid`: 500,000 accounts, 30,000 proposals, 5,000,000 votes, 250,000 comments) in
//! minutes. Rows go in as multi-row inserts as large as the bind-variable limits allow; on
//! PostgreSQL the votes, most of the data, go through `COPY`. Every counter is computed
//! from the rows written, so tallies equal their votes. On a terminal a progress bar shows
//! each kind of row; afterwards the planner's statistics are brought up to date. Asked
//! to, it places every proposal in one of the districts.

use app::backend::db::storage_error;
use app::backend::entity::{comment, district, moderation_queue, proposal, report, user, vote};
use app::backend::service::procedure::{NewPhase, NewProcedure, create};
use app::error::AppError;
use app::formats::proposals::model::VoteRule;
use app::formats::proposals::model::{CommentStatus, Origin, ProposalStatus};
use app::model::account::Role;
use app::model::moderation::{CaseStatus, ModerationReason, TargetKind};
use app::model::place::{Geometry, Position, Precision};
use app::model::procedure::{PhaseKind, Slug};
use chrono::{DateTime, Duration, Utc};
use indicatif::{ProgressBar, ProgressStyle};
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DbBackend, DbErr, EntityTrait, Set, TransactionTrait,
};

pub const SCALE_SLUG: &str = "lasttest";

#[derive(Debug, Clone, Copy)]
pub struct Scale {
    pub users: usize,
    pub proposals: usize,
    pub votes: usize,
    /// Comments on the first proposal.
    pub comments: usize,
    /// Comments on the second proposal: a discussion of a common size beside the long one.
    pub discussion: usize,
    /// Open items in the moderation queue: the first proposals, reported once each.
    pub queue: usize,
    /// Every proposal placed in one of the districts (the demo city's, imported when the
    /// database has none): the map scenarios of `make bench`.
    pub places: bool,
}

impl Scale {
    /// Decide Madrid (CONSUL), the largest participation platform in use: 512,298 accounts,
    /// 30,620 proposals, 235,487 comments (rounded), and ten thousand votes a day.
    pub const MADRID: Self = Self {
        users: 500_000,
        proposals: 30_000,
        votes: 5_000_000,
        comments: 250_000,
        discussion: 300,
        queue: 5_000,
        places: true,
    };
}

#[derive(Debug)]
pub struct ScaleOutcome {
    pub procedure_id: i64,
    pub first_proposal: i64,
    /// The proposal with `discussion` comments.
    pub second_proposal: Option<i64>,
    pub user_ids: Vec<i64>,
    /// A budget of the procedure taking ballots, and the projects on its ballot.
    pub budget: (i64, Vec<i64>),
}

/// Bind variables per statement: SQLite allows 32,766, PostgreSQL 65,535.
const MAX_BINDS: usize = 30_000;

/// Rows of `columns` values each that one statement carries.
fn rows_per_statement(columns: usize) -> usize {
    (MAX_BINDS / columns).max(1)
}

/// A progress bar for one kind of row; drawn only on a terminal.
fn progress(what: &'static str, total: usize) -> ProgressBar {
    let bar = ProgressBar::new(total as u64).with_message(what);
    if let Ok(style) = ProgressStyle::with_template(
        "{msg:>12} [{bar:32}] {human_pos}/{human_len} {per_sec} eta {eta}",
    ) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar
}

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

    // A place in a district for every proposal, when asked: the map scenarios measure a
    // procedure whose every proposal is located. Read (and, without districts, imported)
    // before the rows go in within one transaction.
    let districts = if scale.places {
        Districts::load(db).await?
    } else {
        Districts(Vec::new())
    };

    let txn = db.begin().await.map_err(storage_error)?;
    let mut user_ids = Vec::with_capacity(scale.users);
    let bar = progress("accounts", scale.users);
    for chunk in (0..scale.users)
        .collect::<Vec<_>>()
        .chunks(rows_per_statement(13))
    {
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
        let mut inserted: Vec<i64> = user::Entity::insert_many(rows)
            .exec_with_returning(&txn)
            .await
            .map_err(storage_error)?
            .into_iter()
            .map(|u| u.id)
            .collect();
        // One statement numbers its rows in order; the ids follow the accounts' numbers.
        inserted.sort_unstable();
        user_ids.extend(inserted);
        bar.inc(chunk.len() as u64);
    }
    bar.finish();

    let per_proposal = votes_per_proposal(scale);
    let mut proposal_ids = Vec::with_capacity(scale.proposals);
    let categories = ["Bildung", "Kultur", "Umwelt"];
    let bar = progress("proposals", scale.proposals);
    for chunk in (0..scale.proposals)
        .collect::<Vec<_>>()
        .chunks(rows_per_statement(25))
    {
        let rows = chunk.iter().map(|n| {
            let place = districts.place(*n);
            let supports = i32::try_from(per_proposal[*n]).unwrap_or(i32::MAX);
            let comments = match n {
                0 => i32::try_from(scale.comments).unwrap_or(i32::MAX),
                1 => i32::try_from(scale.discussion).unwrap_or(i32::MAX),
                _ => 0,
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
                geometry: Set(place.map(|(lon, lat, _)| {
                    format!(r#"{{"type":"Point","coordinates":[{lon:.6},{lat:.6}]}}"#)
                })),
                place_precision: Set(place.map(|_| Precision::Exact)),
                lon: Set(place.map(|p| p.0)),
                lat: Set(place.map(|p| p.1)),
                district_id: Set(place.map(|p| p.2)),
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
        let mut inserted: Vec<i64> = proposal::Entity::insert_many(rows)
            .exec_with_returning(&txn)
            .await
            .map_err(storage_error)?
            .into_iter()
            .map(|p| p.id)
            .collect();
        inserted.sort_unstable();
        proposal_ids.extend(inserted);
        bar.inc(chunk.len() as u64);
    }
    bar.finish();
    txn.commit().await.map_err(storage_error)?;

    write_votes(
        db,
        scale,
        procedure_id,
        &per_proposal,
        &user_ids,
        &proposal_ids,
        now,
    )
    .await?;

    let first = proposal_ids.first().copied().ok_or(AppError::Internal)?;
    let txn = db.begin().await.map_err(storage_error)?;
    write_comments(&txn, scale.comments, first, &user_ids, now).await?;
    if let Some(second) = proposal_ids.get(1) {
        write_comments(&txn, scale.discussion, *second, &user_ids, now).await?;
    }
    write_queue(&txn, scale, procedure_id, &user_ids, &proposal_ids, now).await?;
    txn.commit().await.map_err(storage_error)?;
    let planner = user_ids.first().copied().ok_or(AppError::Internal)?;
    let budget = super::budget::for_load(db, SCALE_SLUG, planner, now - Duration::days(11)).await?;
    let bar = ProgressBar::new_spinner().with_message("statistics");
    bar.enable_steady_tick(std::time::Duration::from_millis(200));
    app::backend::db::refresh_statistics(db)
        .await
        .map_err(storage_error)?;
    bar.finish();
    Ok(ScaleOutcome {
        procedure_id,
        first_proposal: first,
        second_proposal: proposal_ids.get(1).copied(),
        user_ids,
        budget,
    })
}

/// The districts, to place proposals in.
struct Districts(Vec<(i64, Geometry)>);

impl Districts {
    /// The instance's districts; the demo city's, imported first, when it has none.
    async fn load(db: &DatabaseConnection) -> Result<Self, AppError> {
        if district::Entity::find()
            .one(db)
            .await
            .map_err(storage_error)?
            .is_none()
        {
            crate::districts::seed_demo(db).await?;
        }
        Ok(Self(app::backend::service::district::shapes(db).await?))
    }

    /// A point for the n-th proposal, spread over the city (a fixed sequence, so runs
    /// compare), with the district it lies in; None if a few tries find none.
    fn place(&self, n: usize) -> Option<(f64, f64, i64)> {
        let (w, s, e, north) = self
            .0
            .iter()
            .map(|(_, g)| g.bbox())
            .reduce(|a, b| (a.0.min(b.0), a.1.min(b.1), a.2.max(b.2), a.3.max(b.3)))?;
        let mut state = (n as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            #[allow(clippy::cast_precision_loss)]
            let unit = (state >> 11) as f64 / (1u64 << 53) as f64;
            unit
        };
        for _ in 0..8 {
            let position = Position {
                lon: w + next() * (e - w),
                lat: s + next() * (north - s),
            };
            if let Some((id, _)) = self.0.iter().find(|(_, g)| g.contains(position)) {
                return Some((position.lon, position.lat, *id));
            }
        }
        None
    }
}

/// Votes spread unevenly: proposal p gets votes from a run of consecutive users, more for
/// low p, so "most supported" has a real order.
fn votes_per_proposal(scale: Scale) -> Vec<usize> {
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
    per_proposal
}

/// The votes, each (voter, proposal) once: `COPY` on PostgreSQL, multi-row inserts on
/// SQLite, in one transaction either way.
async fn write_votes(
    db: &DatabaseConnection,
    scale: Scale,
    procedure_id: i64,
    per_proposal: &[usize],
    user_ids: &[i64],
    proposal_ids: &[i64],
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let bar = progress("votes", scale.votes);
    let voters = |index: usize| {
        (0..per_proposal[index]).map(move |k| user_ids[(index * 7 + k) % user_ids.len()])
    };
    if db.get_database_backend() == DbBackend::Postgres {
        let failed = |error: sea_orm::sqlx::Error| storage_error(DbErr::Custom(error.to_string()));
        let mut txn = db
            .get_postgres_connection_pool()
            .begin()
            .await
            .map_err(failed)?;
        // Millions of rows take longer than the 30 s any request's statement may.
        sea_orm::sqlx::query("SET LOCAL statement_timeout = 0")
            .execute(&mut *txn)
            .await
            .map_err(failed)?;
        let mut copy = txn
            .copy_in_raw(
                "COPY votes (user_id, proposal_id, procedure_id, value, created_at, updated_at) \
                 FROM STDIN",
            )
            .await
            .map_err(failed)?;
        let at = now.format("%Y-%m-%d %H:%M:%S%.6f+00").to_string();
        let mut buffer = String::with_capacity(1 << 20);
        for (index, proposal_id) in proposal_ids.iter().enumerate() {
            for voter in voters(index) {
                use std::fmt::Write;
                let _ = writeln!(
                    buffer,
                    "{voter}\t{proposal_id}\t{procedure_id}\t1\t{at}\t{at}"
                );
            }
            if buffer.len() > 1 << 20 {
                copy.send(buffer.as_bytes()).await.map_err(failed)?;
                buffer.clear();
            }
            bar.inc(per_proposal[index] as u64);
        }
        if !buffer.is_empty() {
            copy.send(buffer.as_bytes()).await.map_err(failed)?;
        }
        copy.finish().await.map_err(failed)?;
        txn.commit().await.map_err(failed)?;
    } else {
        let txn = db.begin().await.map_err(storage_error)?;
        let per_statement = rows_per_statement(6);
        let mut batch = Vec::with_capacity(per_statement);
        for (index, proposal_id) in proposal_ids.iter().enumerate() {
            for voter in voters(index) {
                batch.push(vote::ActiveModel {
                    user_id: Set(voter),
                    proposal_id: Set(*proposal_id),
                    procedure_id: Set(procedure_id),
                    value: Set(1),
                    created_at: Set(now),
                    updated_at: Set(now),
                });
                if batch.len() == per_statement {
                    bar.inc(batch.len() as u64);
                    vote::Entity::insert_many(std::mem::take(&mut batch))
                        .exec(&txn)
                        .await
                        .map_err(storage_error)?;
                }
            }
        }
        if !batch.is_empty() {
            bar.inc(batch.len() as u64);
            vote::Entity::insert_many(batch)
                .exec(&txn)
                .await
                .map_err(storage_error)?;
        }
        txn.commit().await.map_err(storage_error)?;
    }
    bar.finish();
    Ok(())
}

/// `count` comments on a proposal: every fourth starts a thread, the three after it answer
/// the one before, down to depth 3. Written a depth at a time, so each reply's parent has
/// its id already; ids still run in the order of writing within each parent.
async fn write_comments(
    txn: &impl ConnectionTrait,
    count: usize,
    proposal_id: i64,
    user_ids: &[i64],
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let bar = progress("comments", count);
    let mut parents: Vec<i64> = Vec::new();
    for depth in 0..4usize {
        let numbers: Vec<usize> = (depth..count).step_by(4).collect();
        let mut ids = Vec::with_capacity(numbers.len());
        for chunk in numbers.chunks(rows_per_statement(11)) {
            let rows = chunk.iter().map(|&n| comment::ActiveModel {
                proposal_id: Set(proposal_id),
                parent_id: Set((depth > 0).then(|| parents[n / 4])),
                author_id: Set(user_ids[n % user_ids.len()]),
                body: Set(format!(
                    "Kommentar {n}: Ich stimme zu, **besonders** was die Wege angeht.\n\n- Punkt eins\n- Punkt zwei"
                )),
                depth: Set(i32::try_from(depth).unwrap_or(0)),
                source: Set(Origin::Online),
                event_name: Set(None),
                status: Set(CommentStatus::Published),
                created_at: Set(
                    now - Duration::minutes(i64::try_from(count - n).unwrap_or(0))
                ),
                edited_at: Set(None),
                deleted_at: Set(None),
                ..Default::default()
            });
            let mut inserted: Vec<i64> = comment::Entity::insert_many(rows)
                .exec_with_returning(txn)
                .await
                .map_err(storage_error)?
                .into_iter()
                .map(|c| c.id)
                .collect();
            inserted.sort_unstable();
            ids.extend(inserted);
            bar.inc(chunk.len() as u64);
        }
        parents = ids;
    }
    bar.finish();
    Ok(())
}

/// Open queue items: the first proposals, one report each (by the next author along),
/// oldest first.
async fn write_queue(
    txn: &impl ConnectionTrait,
    scale: Scale,
    procedure_id: i64,
    user_ids: &[i64],
    proposal_ids: &[i64],
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    const BATCH: usize = 1_000;
    let bar = progress("queue", scale.queue.min(proposal_ids.len()));
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
            .exec(txn)
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
            .exec(txn)
            .await
            .map_err(storage_error)?;
        bar.inc(chunk.len() as u64);
    }
    bar.finish();
    Ok(())
}
