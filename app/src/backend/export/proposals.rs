//! The proposals of an export, read a batch at a time in ranking order, with their council
//! outcomes and the administration's answered opinions.

use super::*;
use crate::model::place::DistrictRef;

#[derive(FromQueryResult)]
struct ProposalQueryRow {
    id: i64,
    title: String,
    body: String,
    category: Option<String>,
    location: Option<String>,
    district_id: Option<i64>,
    source: Origin,
    event_name: Option<String>,
    status: ProposalStatus,
    merged_into_id: Option<i64>,
    author_id: i64,
    created_at: DateTime<Utc>,
    support_count: i32,
    up_count: i32,
    down_count: i32,
    score: i32,
    comment_count: i32,
}

/// Reads the visible proposals in ranking order, a batch at a time. Withdrawn and merged
/// proposals come in their place by votes but take no rank.
pub struct Proposals<'a> {
    scope: &'a Scope,
    authors: &'a HashMap<i64, String>,
    outcomes: HashMap<i64, OutcomeRow>,
    opinions: HashMap<i64, OpinionRow>,
    districts: HashMap<i64, DistrictRef>,
    public_url: &'a str,
    last: Option<(i64, i64)>,
    ranked: u64,
    previous: Option<(i64, u32)>,
    pub total: u64,
}

impl<'a> Proposals<'a> {
    pub async fn open(
        db: &impl ConnectionTrait,
        scope: &'a Scope,
        authors: &'a HashMap<i64, String>,
        public_url: &'a str,
    ) -> Result<Self, AppError> {
        let outcomes = council_decision::Entity::find()
            .filter(council_decision::Column::ProcedureId.eq(scope.procedure.id))
            .all(db)
            .await
            .map_err(storage_error)?
            .into_iter()
            .map(|row| {
                (
                    row.proposal_id,
                    OutcomeRow {
                        outcome: row.outcome,
                        justification: clean(&row.justification),
                        meeting_date: row.meeting_date.map(|d| d.format("%Y-%m-%d").to_string()),
                    },
                )
            })
            .collect();
        // Answered opinions only: what is still being reviewed is not a result.
        let opinions = expert_opinion::Entity::find()
            .filter(expert_opinion::Column::ProcedureId.eq(scope.procedure.id))
            .filter(expert_opinion::Column::AnsweredAt.is_not_null())
            .all(db)
            .await
            .map_err(storage_error)?
            .into_iter()
            .filter_map(|row| {
                Some((
                    row.proposal_id,
                    OpinionRow {
                        unit: clean(&row.unit),
                        verdict: row.verdict?,
                        text: clean(&row.opinion?),
                    },
                ))
            })
            .collect();
        let total = results::count_visible_proposals(db, scope.procedure.id).await?;
        let districts = crate::backend::service::district::all(db)
            .await?
            .into_iter()
            .map(|d| (d.id, d))
            .collect();
        Ok(Self {
            scope,
            authors,
            outcomes,
            opinions,
            districts,
            public_url,
            last: None,
            ranked: 0,
            previous: None,
            total,
        })
    }

    /// The next batch; empty at the end.
    pub async fn next(&mut self, db: &impl ConnectionTrait) -> Result<Vec<ProposalRow>, AppError> {
        let column = match self.scope.rule {
            VoteRule::Support { .. } => "support_count",
            VoteRule::Rating => "score",
        };
        let mut values = vec![self.scope.procedure.id.into(), Visibility::Visible.into()];
        let after = match self.last {
            Some((value, id)) => {
                values.push(value.into());
                values.push(id.into());
                format!("AND ({column} < $3 OR ({column} = $3 AND id > $4))")
            }
            None => String::new(),
        };
        let sql = format!(
            "SELECT id, title, body, category, location, district_id, source, event_name, status, \
             merged_into_id, author_id, \
             created_at, support_count, up_count, down_count, score, comment_count \
             FROM proposals WHERE procedure_id = $1 AND visibility = $2 {after} \
             ORDER BY {column} DESC, id ASC LIMIT {BATCH}"
        );
        let rows = ProposalQueryRow::find_by_statement(statement(db, &sql, values))
            .all(db)
            .await
            .map_err(storage_error)?;
        let mut batch = Vec::with_capacity(rows.len());
        for row in rows {
            let value = self
                .scope
                .rule
                .ranked_value(i64::from(row.support_count), i64::from(row.score));
            self.last = Some((value, row.id));
            let rank = if row.status == ProposalStatus::Published {
                self.ranked += 1;
                let rank = match self.previous {
                    Some((previous, rank)) if previous == value => rank,
                    _ => u32::try_from(self.ranked).unwrap_or(u32::MAX),
                };
                self.previous = Some((value, rank));
                Some(rank)
            } else {
                None
            };
            let onsite = row.source == Origin::Onsite;
            batch.push(ProposalRow {
                rank,
                id: row.id,
                url: format!("{}{}", self.public_url, path::proposal(row.id)),
                title: clean(&row.title),
                body: clean(&row.body),
                category: row.category.map(|c| clean(&c)),
                location: row.location.map(|l| clean(&l)),
                district: row
                    .district_id
                    .and_then(|id| self.districts.get(&id))
                    .cloned(),
                onsite,
                event: row.event_name.map(|e| clean(&e)),
                status: row.status,
                merged_into: row.merged_into_id,
                author: if onsite {
                    None
                } else {
                    self.authors.get(&row.author_id).cloned()
                },
                created_at: row.created_at,
                support: i64::from(row.support_count),
                up: i64::from(row.up_count),
                down: i64::from(row.down_count),
                score: i64::from(row.score),
                comments: i64::from(row.comment_count),
                outcome: self.outcomes.remove(&row.id),
                opinion: self.opinions.remove(&row.id),
            });
        }
        Ok(batch)
    }
}
