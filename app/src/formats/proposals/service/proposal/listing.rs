//! A procedure's proposals, one keyset page at a time: sort, filters and full-text search.

use super::search::{self, Listed, Search};
use super::*;

/// The proposals of a procedure, one page of them (planners also see a draft's).
pub async fn list(
    db: &impl ConnectionTrait,
    viewer: Option<&CurrentUser>,
    slug: &Slug,
    query: ProposalQuery,
    seed: u32,
    now: DateTime<Utc>,
) -> Result<ProposalListing, AppError> {
    let (context, procedure_summary) = procedure::context_for(db, slug, viewer, now).await?;
    let procedure_id = context.id;
    let sort = query
        .sort
        .unwrap_or_else(|| ProposalSort::default_for(context.current_phase));
    let status = query.status.unwrap_or(ProposalStatus::Published);
    let mut select = proposal::Entity::find()
        .filter(proposal::Column::ProcedureId.eq(procedure_id))
        .filter(proposal::Column::Status.eq(status))
        .filter(proposal::Column::Visibility.eq(Visibility::Visible));
    if let Some(category) = &query.category {
        select = select.filter(proposal::Column::Category.eq(category.as_str()));
    }
    if let Some(key) = &query.district {
        use crate::backend::entity::district;
        use sea_orm::sea_query::Query;
        select = select.filter(
            proposal::Column::DistrictId.in_subquery(
                Query::select()
                    .column(district::Column::Id)
                    .from(district::Entity)
                    .and_where(district::Column::Key.eq(key.as_str()))
                    .to_owned(),
            ),
        );
    }
    let search = query
        .q
        .as_deref()
        .and_then(|q| Search::parse(db.get_database_backend(), q));
    // Many matches kept in memory: the page walks its order's index and keeps those it meets.
    let mut walk_among = None;
    let (total, total_capped) = match &search {
        Some(search) => {
            let listed = Listed {
                procedure_id,
                status: status.as_str(),
                category: query.category.clone(),
                district: query.district.clone(),
            };
            let (matches, capped) = match search::matches(db, search, listed, select.clone())
                .await?
            {
                // Few: the page fetches and sorts them.
                Some(ids) if ids.len() as u64 <= SEARCH_COUNT_LIMIT => {
                    let n = ids.len() as u64;
                    select = select.filter(proposal::Column::Id.is_in(ids.iter().copied()));
                    (n, false)
                }
                Some(ids) => {
                    walk_among = Some(ids);
                    (SEARCH_COUNT_LIMIT + 1, true)
                }
                None => {
                    let n = count_up_to(db, search, select.clone(), SEARCH_COUNT_LIMIT + 1).await?;
                    let capped = n > SEARCH_COUNT_LIMIT;
                    select = select.filter(search.condition(capped));
                    (n, capped)
                }
            };
            (matches.min(SEARCH_COUNT_LIMIT), capped)
        }
        // The counters table knows no districts: a district's proposals are counted on
        // the (procedure, district) index.
        None if query.district.is_some() => (
            select.clone().count(db).await.map_err(storage_error)?,
            false,
        ),
        None => (
            counted(db, procedure_id, status, query.category.as_deref()).await?,
            false,
        ),
    };

    let key = SortKey::new(sort, context.rule, seed);
    let cursor = query.cursor.as_deref().map(Cursor::parse).transpose()?;
    let rows = match (&walk_among, &search) {
        (Some(ids), Some(search)) => key.walk(db, select, cursor, ids, search).await?,
        _ => key.batch(db, select, cursor, PAGE_SIZE + 1).await?,
    };
    let (rows, next_cursor) = page_of(rows, PAGE_SIZE, |last| Cursor {
        value: key.value_of(last),
        id: last.id,
    });
    let names = names_of(db, rows.iter().map(|r| r.author_id).collect()).await?;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let viewer_id = viewer.map(|v| v.id);
    let votes = my_votes(db, viewer_id, &ids).await?;
    let mut covers = crate::formats::proposals::service::photos::covers(db, &ids).await?;
    let budget = budget(db, viewer_id, &context).await?;
    let all_districts = crate::backend::service::district::all(db).await?;
    let district_names: HashMap<i64, String> = all_districts
        .iter()
        .map(|d| (d.id, d.name.clone()))
        .collect();
    // The filter and the form offer the districts of the procedure's area.
    let area = procedure::area::of(db, context.id).await?;
    let districts = crate::backend::service::district::narrowed(all_districts, area.as_ref());
    Ok(ProposalListing {
        districts,
        procedure: procedure_summary,
        rule: context.rule,
        // Every card of a listing has the status it filters by.
        allowed: context.allowed.for_status(status),
        categories: context.categories,
        query,
        sort,
        total,
        total_capped,
        items: rows
            .into_iter()
            .map(|row| {
                let photo = covers.remove(&row.id);
                ProposalCard {
                    photo,
                    ..card(row, &names, &votes, &district_names)
                }
            })
            .collect(),
        next_cursor,
        viewer: viewer_of(viewer),
        budget,
    })
}

/// The batches a search's page walks at most (42, 84, 168 and 336 rows) before it asks
/// the search's index for the rest.
const WALK_BATCHES: usize = 4;

/// A search counts this many of its matches at most. A word found in nearly every
/// proposal ("Bäume" in a procedure about trees) would otherwise have each page count tens
/// of thousands of rows; the page says "1000+" instead.
pub const SEARCH_COUNT_LIMIT: u64 = 1_000;

/// How many proposals `select` finds among the search's matches, counting no further than
/// `limit`.
async fn count_up_to(
    db: &impl ConnectionTrait,
    search: &Search,
    select: Select<proposal::Entity>,
    limit: u64,
) -> Result<u64, AppError> {
    use sea_orm::QueryTrait;
    use sea_orm::sea_query::{Alias, Query};
    let mut matches = select
        .select_only()
        .column(proposal::Column::Id)
        .limit(limit)
        .into_query();
    matches.clear_order_by();
    search.restrict_count(&mut matches);
    let mut count = Query::select();
    count
        .expr(Expr::cust("COUNT(*)"))
        .from_subquery(matches, Alias::new("matches"));
    let n: i64 = match db.query_one(&count).await.map_err(storage_error)? {
        Some(row) => row.try_get_by_index(0).map_err(storage_error)?,
        None => 0,
    };
    Ok(u64::try_from(n).unwrap_or(0))
}

/// How many visible proposals of a procedure have a status (in one category): the sum of
/// the counters the database keeps by trigger (migration 12), a handful of rows however
/// many proposals there are.
async fn counted(
    db: &impl ConnectionTrait,
    procedure_id: i64,
    status: ProposalStatus,
    category: Option<&str>,
) -> Result<u64, AppError> {
    use sea_orm::sea_query::{Alias, ExprTrait, Query};
    let column = |name: &str| Expr::col(Alias::new(name));
    let mut count = Query::select();
    count
        .expr(Expr::cust("CAST(COALESCE(SUM(n), 0) AS BIGINT)"))
        .from(Alias::new("proposal_counts"))
        .and_where(column("procedure_id").eq(procedure_id))
        .and_where(column("status").eq(status.as_str()))
        .and_where(column("visibility").eq(Visibility::Visible.as_str()));
    if let Some(category) = category {
        count.and_where(column("category").eq(category));
    }
    let n: i64 = match db.query_one(&count).await.map_err(storage_error)? {
        Some(row) => row.try_get_by_index(0).map_err(storage_error)?,
        None => 0,
    };
    Ok(u64::try_from(n).unwrap_or(0))
}

pub(super) fn viewer_of(user: Option<&CurrentUser>) -> Viewer {
    user.map_or_else(Viewer::default, |user| Viewer {
        signed_in: true,
        verified: user.verified,
        planner: user.can(Permission::Plan),
        moderator: user.can(Permission::Moderate),
        blocked: user.blocked,
    })
}

/// The order of a listing as a column or expression, with the keyset condition that
/// continues after a given row. Each order has an index of its own (migration 13), which
/// the page walks from its cursor.
struct SortKey {
    sort: ProposalSort,
    rule: VoteRule,
    /// Where the visitor's shuffled order begins in the permutation (1 ..= SHUFFLE_PRIME - 1).
    start: i64,
}

/// A prime above every id: `(id * SHUFFLE_FACTOR) % SHUFFLE_PRIME` shuffles the ids
/// without collisions.
const SHUFFLE_PRIME: i64 = 2_147_483_629;
const SHUFFLE_FACTOR: i64 = 1_103_515_245;
/// The shuffle as the index `ix_proposals_list_shuffled` holds it: letter for letter, since
/// neither database uses an index on an expression for any other spelling of it.
const SHUFFLED: &str = "((proposals.id * 1103515245) % 2147483629)";

impl SortKey {
    fn new(sort: ProposalSort, rule: VoteRule, seed: u32) -> Self {
        // Spread any seed (also 1, 2, 3 …) over the whole permutation, so that
        // neighbouring seeds start far apart.
        let mixed = (u64::from(seed).wrapping_mul(2_654_435_761) ^ 0x5bd1_e995)
            % (SHUFFLE_PRIME as u64 - 1);
        Self {
            sort,
            rule,
            start: i64::try_from(mixed).unwrap_or(0) + 1,
        }
    }

    fn expr(&self) -> Expr {
        match self.sort {
            ProposalSort::Newest => Expr::col((proposal::Entity, proposal::Column::CreatedAt)),
            ProposalSort::MostSupported => match self.rule {
                VoteRule::Rating => Expr::col((proposal::Entity, proposal::Column::Score)),
                VoteRule::Support { .. } => {
                    Expr::col((proposal::Entity, proposal::Column::SupportCount))
                }
            },
            ProposalSort::MostDiscussed => {
                Expr::col((proposal::Entity, proposal::Column::CommentCount))
            }
            ProposalSort::Random => Expr::cust(SHUFFLED),
        }
    }

    fn order(&self, select: Select<proposal::Entity>) -> Select<proposal::Entity> {
        select
            .order_by(self.expr(), Order::Desc)
            .order_by(proposal::Column::Id, Order::Desc)
    }

    /// Rows after the cursor in this (descending) order.
    fn after(&self, cursor: Cursor) -> Condition {
        let value = match self.sort {
            // Nanoseconds, as stored (see `value_of`).
            ProposalSort::Newest => {
                sea_orm::Value::from(DateTime::<Utc>::from_timestamp_nanos(cursor.value))
            }
            _ => sea_orm::Value::from(cursor.value),
        };
        let id_column = Expr::col((proposal::Entity, proposal::Column::Id));
        after(self.expr(), value, id_column, cursor.id, true)
    }

    /// The next `n` rows of the listing `select` after `after` (from the start without).
    async fn batch(
        &self,
        db: &impl ConnectionTrait,
        select: Select<proposal::Entity>,
        after: Option<Cursor>,
        n: u64,
    ) -> Result<Vec<proposal::Model>, AppError> {
        if self.sort == ProposalSort::Random {
            return self
                .shuffled_page(db, select, after.map(|c| c.value), n)
                .await;
        }
        let mut page = self.order(select);
        if let Some(cursor) = after {
            page = page.filter(self.after(cursor));
        }
        page.limit(n).all(db).await.map_err(storage_error)
    }

    /// A page of the proposals among `ids` (sorted), which are many of the listing's: the
    /// listing's order walked from the cursor in a few growing batches, keeping the rows
    /// among them (a word in nearly every proposal: one batch of 42 rows). Should the
    /// batches not fill the page (the matches are spread thin over a large procedure), the
    /// rest comes from the search's index, after the last row walked.
    async fn walk(
        &self,
        db: &impl ConnectionTrait,
        select: Select<proposal::Entity>,
        cursor: Option<Cursor>,
        ids: &[i64],
        search: &Search,
    ) -> Result<Vec<proposal::Model>, AppError> {
        let want = PAGE_SIZE + 1;
        let mut found = Vec::new();
        let mut at = cursor;
        let mut size = 2 * want;
        for _ in 0..WALK_BATCHES {
            let batch = self.batch(db, select.clone(), at, size).await?;
            let end = (batch.len() as u64) < size;
            if let Some(last) = batch.last() {
                at = Some(Cursor {
                    value: self.value_of(last),
                    id: last.id,
                });
            }
            found.extend(
                batch
                    .into_iter()
                    .filter(|row| ids.binary_search(&row.id).is_ok()),
            );
            if found.len() as u64 >= want || end {
                found.truncate(usize::try_from(want).unwrap_or(usize::MAX));
                return Ok(found);
            }
            size *= 2;
        }
        let missing = want.saturating_sub(found.len() as u64);
        let rest = select.filter(search.condition(true));
        found.extend(self.batch(db, rest, at, missing).await?);
        Ok(found)
    }

    /// `n` rows of the shuffled order: the permutation read from the visitor's starting
    /// point up, then round from its beginning to the starting point. Every visitor sees
    /// each proposal once, and each proposal is as likely as any other to lead a visitor's
    /// first page. Two walks of the index at most, no sort. Positions are unique, so the
    /// cursor's position alone says where the page begins.
    async fn shuffled_page(
        &self,
        db: &impl ConnectionTrait,
        select: Select<proposal::Entity>,
        after: Option<i64>,
        want: u64,
    ) -> Result<Vec<proposal::Model>, AppError> {
        use sea_orm::ExprTrait;
        let position = Expr::cust(SHUFFLED);
        let upper = match after {
            None => Some(position.clone().gte(self.start)),
            Some(value) if value >= self.start => Some(position.clone().gt(value)),
            Some(_) => None,
        };
        let mut rows = Vec::new();
        if let Some(upper) = upper {
            rows = select
                .clone()
                .filter(upper)
                .order_by(Expr::cust(SHUFFLED), Order::Asc)
                .limit(want)
                .all(db)
                .await
                .map_err(storage_error)?;
        }
        let missing = want.saturating_sub(rows.len() as u64);
        if missing > 0 {
            let mut lower = Condition::all().add(position.clone().lt(self.start));
            if let Some(value) = after.filter(|value| *value < self.start) {
                lower = lower.add(position.gt(value));
            }
            rows.extend(
                select
                    .filter(lower)
                    .order_by(Expr::cust(SHUFFLED), Order::Asc)
                    .limit(missing)
                    .all(db)
                    .await
                    .map_err(storage_error)?,
            );
        }
        Ok(rows)
    }

    fn value_of(&self, row: &proposal::Model) -> i64 {
        match self.sort {
            // Nanoseconds: SQLite keeps them, and a cursor cut to microseconds would skip
            // rows written in the same microsecond as the page's last one.
            ProposalSort::Newest => row.created_at.timestamp_nanos_opt().unwrap_or(i64::MAX),
            ProposalSort::MostSupported => match self.rule {
                VoteRule::Rating => i64::from(row.score),
                VoteRule::Support { .. } => i64::from(row.support_count),
            },
            ProposalSort::MostDiscussed => i64::from(row.comment_count),
            ProposalSort::Random => shuffled_position(row.id),
        }
    }
}

/// A proposal's place in the shuffled order, as the database computes `SHUFFLED`.
fn shuffled_position(id: i64) -> i64 {
    let position = i128::from(id) * i128::from(SHUFFLE_FACTOR) % i128::from(SHUFFLE_PRIME);
    i64::try_from(position).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shuffle_is_a_permutation() {
        let mut seen = HashSet::new();
        for id in 1..5_000 {
            assert!(seen.insert(shuffled_position(id)));
        }
        assert_eq!(shuffled_position(1), 1_103_515_245);
        // The database's arithmetic is 64-bit: the product must not overflow it.
        const { assert!(i64::MAX / SHUFFLE_FACTOR > 1_000_000_000) };
        // The index's expression is the one the constants describe.
        assert_eq!(
            SHUFFLED,
            format!("((proposals.id * {SHUFFLE_FACTOR}) % {SHUFFLE_PRIME})")
        );
    }

    #[test]
    fn visitors_start_the_shuffle_at_different_places() {
        let starts: HashSet<i64> = (0..1_000)
            .map(|seed| SortKey::new(ProposalSort::Random, VoteRule::Rating, seed).start)
            .collect();
        assert_eq!(starts.len(), 1_000);
        assert!(starts.iter().all(|s| (1..SHUFFLE_PRIME).contains(s)));
    }
}
