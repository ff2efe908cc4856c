//! A procedure's participation figures, all counted in the database: totals, the
//! timeline, categories, moderation decisions.

use super::*;

#[derive(FromQueryResult)]
struct Count {
    n: i64,
}

async fn count(db: &impl ConnectionTrait, sql: &str, values: Vec<Value>) -> Result<u64, AppError> {
    let row = Count::find_by_statement(statement(db, sql, values))
        .one(db)
        .await
        .map_err(storage_error)?;
    Ok(row.map_or(0, |r| u64::try_from(r.n).unwrap_or(0)))
}

#[derive(FromQueryResult)]
struct ProposalGroup {
    source: Origin,
    status: ProposalStatus,
    visibility: Visibility,
    n: i64,
}

#[derive(FromQueryResult)]
struct CommentGroup {
    source: Origin,
    status: CommentStatus,
    visibility: Visibility,
    n: i64,
}

/// The participation figures, all counted in the database.
pub async fn figures(db: &impl ConnectionTrait, procedure_id: i64) -> Result<Figures, AppError> {
    let mut figures = Figures::default();
    let proposals = ProposalGroup::find_by_statement(statement(
        db,
        "SELECT source, status, visibility, COUNT(*) AS n FROM proposals \
         WHERE procedure_id = $1 GROUP BY source, status, visibility",
        vec![procedure_id.into()],
    ))
    .all(db)
    .await
    .map_err(storage_error)?;
    for g in proposals {
        let n = u64::try_from(g.n).unwrap_or(0);
        if g.visibility != Visibility::Visible {
            figures.hidden_proposals += n;
            continue;
        }
        figures.proposals += n;
        if g.source == Origin::Onsite {
            figures.proposals_onsite += n;
        }
        if g.status == ProposalStatus::Withdrawn {
            figures.withdrawn += n;
        }
    }
    let comments = CommentGroup::find_by_statement(statement(
        db,
        "SELECT c.source AS source, c.status AS status, \
         CASE WHEN p.visibility = $2 THEN c.visibility ELSE p.visibility END AS visibility, \
         COUNT(*) AS n FROM comments c JOIN proposals p ON p.id = c.proposal_id \
         WHERE p.procedure_id = $1 GROUP BY 1, 2, 3",
        vec![procedure_id.into(), Visibility::Visible.into()],
    ))
    .all(db)
    .await
    .map_err(storage_error)?;
    for g in comments {
        let n = u64::try_from(g.n).unwrap_or(0);
        if g.status != CommentStatus::Published {
            continue;
        }
        if g.visibility != Visibility::Visible {
            figures.hidden_comments += n;
            continue;
        }
        figures.comments += n;
        if g.source == Origin::Onsite {
            figures.comments_onsite += n;
        }
    }
    figures.votes = count(
        db,
        "SELECT COUNT(*) AS n FROM votes WHERE procedure_id = $1",
        vec![procedure_id.into()],
    )
    .await?;
    figures.voters = count(
        db,
        "SELECT COUNT(DISTINCT user_id) AS n FROM votes WHERE procedure_id = $1",
        vec![procedure_id.into()],
    )
    .await?;
    figures.participants = count(
        db,
        "SELECT COUNT(*) AS n FROM (\
           SELECT author_id AS who FROM proposals WHERE procedure_id = $1 AND source = $2 \
           UNION SELECT c.author_id FROM comments c JOIN proposals p ON p.id = c.proposal_id \
             WHERE p.procedure_id = $1 AND c.source = $2 \
           UNION SELECT user_id FROM votes WHERE procedure_id = $1) AS people",
        vec![procedure_id.into(), Origin::Online.into()],
    )
    .await?;
    figures.moderation_decisions = count(
        db,
        "SELECT COUNT(*) AS n FROM moderation_actions WHERE procedure_id = $1",
        vec![procedure_id.into()],
    )
    .await?;
    Ok(figures)
}

#[derive(FromQueryResult)]
struct DayCount {
    day: String,
    n: i64,
}

/// Contributions per calendar day (UTC): visible proposals and comments, and votes.
pub async fn timeline(db: &impl ConnectionTrait, procedure_id: i64) -> Result<Vec<Day>, AppError> {
    let day = |column: &str| match db.get_database_backend() {
        DbBackend::Postgres => format!("to_char({column} AT TIME ZONE 'UTC', 'YYYY-MM-DD')"),
        _ => format!("substr({column}, 1, 10)"),
    };
    let queries = [
        (
            format!(
                "SELECT {} AS day, COUNT(*) AS n FROM proposals WHERE procedure_id = $1 \
                 AND visibility = $2 GROUP BY 1",
                day("created_at")
            ),
            vec![procedure_id.into(), Visibility::Visible.into()],
        ),
        (
            format!(
                "SELECT {} AS day, COUNT(*) AS n FROM comments c \
                 JOIN proposals p ON p.id = c.proposal_id \
                 WHERE p.procedure_id = $1 AND p.visibility = $2 AND c.visibility = $2 \
                 AND c.status = $3 GROUP BY 1",
                day("c.created_at")
            ),
            vec![
                procedure_id.into(),
                Visibility::Visible.into(),
                CommentStatus::Published.into(),
            ],
        ),
        (
            format!(
                "SELECT {} AS day, COUNT(*) AS n FROM votes WHERE procedure_id = $1 GROUP BY 1",
                day("created_at")
            ),
            vec![procedure_id.into()],
        ),
    ];
    let mut days: std::collections::BTreeMap<String, Day> = std::collections::BTreeMap::new();
    for (which, (sql, values)) in queries.into_iter().enumerate() {
        let rows = DayCount::find_by_statement(statement(db, &sql, values))
            .all(db)
            .await
            .map_err(storage_error)?;
        for row in rows {
            let entry = days.entry(row.day.clone()).or_insert_with(|| Day {
                date: row.day,
                proposals: 0,
                comments: 0,
                votes: 0,
            });
            let n = u64::try_from(row.n).unwrap_or(0);
            match which {
                0 => entry.proposals = n,
                1 => entry.comments = n,
                _ => entry.votes = n,
            }
        }
    }
    Ok(days.into_values().collect())
}

/// Visible proposals per category, in the procedure's order; "none" last.
pub async fn categories(
    db: &impl ConnectionTrait,
    procedure: &procedure::Model,
    uncategorised: &str,
) -> Result<Vec<Bar>, AppError> {
    let rows: Vec<(Option<String>, i64)> = proposal::Entity::find()
        .select_only()
        .column(proposal::Column::Category)
        .column_as(Expr::col(proposal::Column::Id).count(), "n")
        .filter(proposal::Column::ProcedureId.eq(procedure.id))
        .filter(proposal::Column::Visibility.eq(Visibility::Visible))
        .group_by(proposal::Column::Category)
        .into_tuple()
        .all(db)
        .await
        .map_err(storage_error)?;
    let mut counts: HashMap<Option<String>, i64> = rows.into_iter().collect();
    let mut bars: Vec<Bar> = split_categories(&procedure.categories)
        .into_iter()
        .map(|name| Bar {
            value: counts.remove(&Some(name.clone())).unwrap_or(0),
            label: name,
        })
        .collect();
    // Categories removed from the procedure after proposals used them.
    let mut rest: Vec<(Option<String>, i64)> = counts.into_iter().collect();
    rest.sort();
    for (name, value) in rest {
        bars.push(Bar {
            label: name.unwrap_or_else(|| uncategorised.to_owned()),
            value,
        });
    }
    Ok(bars)
}

/// Visible proposals and their votes by district: every district, by name, when at least
/// one proposal of the procedure is placed; none otherwise.
pub async fn districts(
    db: &impl ConnectionTrait,
    procedure_id: i64,
    rule: VoteRule,
) -> Result<Vec<DistrictCount>, AppError> {
    let votes = match rule {
        VoteRule::Support { .. } => "CAST(SUM(support_count) AS BIGINT)",
        VoteRule::Rating => "CAST(SUM(up_count + down_count) AS BIGINT)",
    };
    let rows: Vec<(Option<i64>, i64, Option<i64>)> = proposal::Entity::find()
        .select_only()
        .column(proposal::Column::DistrictId)
        .column_as(Expr::col(proposal::Column::Id).count(), "n")
        .column_as(Expr::cust(votes), "votes")
        .filter(proposal::Column::ProcedureId.eq(procedure_id))
        .filter(proposal::Column::Visibility.eq(Visibility::Visible))
        .filter(proposal::Column::DistrictId.is_not_null())
        .group_by(proposal::Column::DistrictId)
        .into_tuple()
        .all(db)
        .await
        .map_err(storage_error)?;
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let counts: HashMap<i64, (i64, i64)> = rows
        .into_iter()
        .filter_map(|(id, n, votes)| Some((id?, (n, votes.unwrap_or(0)))))
        .collect();
    Ok(crate::backend::service::district::all(db)
        .await?
        .into_iter()
        .map(|d| {
            let (proposals, votes) = counts.get(&d.id).copied().unwrap_or((0, 0));
            DistrictCount {
                key: d.key,
                name: d.name,
                proposals,
                votes,
            }
        })
        .collect())
}

/// Visible proposals of a procedure (withdrawn included): the rows an export writes.
pub async fn count_visible_proposals(
    db: &impl ConnectionTrait,
    procedure_id: i64,
) -> Result<u64, AppError> {
    sea_orm::PaginatorTrait::count(
        proposal::Entity::find()
            .filter(proposal::Column::ProcedureId.eq(procedure_id))
            .filter(proposal::Column::Visibility.eq(Visibility::Visible)),
        db,
    )
    .await
    .map_err(storage_error)
}

/// Moderation decisions of a procedure by action code, most frequent first.
pub async fn decision_counts(
    db: &impl ConnectionTrait,
    procedure_id: i64,
) -> Result<Vec<(ModerationActionKind, u64)>, AppError> {
    use crate::backend::entity::moderation_action;
    let rows: Vec<(ModerationActionKind, i64)> = moderation_action::Entity::find()
        .select_only()
        .column(moderation_action::Column::Action)
        .column_as(Expr::col(moderation_action::Column::Id).count(), "n")
        .filter(moderation_action::Column::ProcedureId.eq(procedure_id))
        .group_by(moderation_action::Column::Action)
        .into_tuple()
        .all(db)
        .await
        .map_err(storage_error)?;
    let mut counts: Vec<(ModerationActionKind, u64)> = rows
        .into_iter()
        .map(|(action, n)| (action, u64::try_from(n).unwrap_or(0)))
        .collect();
    counts.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.as_str().cmp(b.0.as_str())));
    Ok(counts)
}
