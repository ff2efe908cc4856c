//! The part of a proposal's discussion a page shows: a page of top-level comments (or of
//! the replies to one comment), each with its first replies, down to the deepest level.
//! Every read is bounded: a page of roots, then per level at most `REPLIES_SHOWN` replies
//! for each comment of the level above, however long the thread.

use super::*;
use crate::backend::common::statement;
use crate::formats::proposals::model::{
    MAX_COMMENT_DEPTH, REPLIES_SHOWN, THREAD_PAGE_SIZE, ThreadPage, ThreadWindow,
};

/// Loads the part of a discussion `window` names, as the viewer may see it: pending
/// comments only for their authors and moderators. `NotFound` for a comment (in `replies`
/// or `comment`) that is not one of this proposal's, or that the viewer may not see.
pub(super) async fn part(
    db: &impl ConnectionTrait,
    proposal_id: i64,
    window: ThreadWindow,
    viewer_id: Option<i64>,
    moderator: bool,
) -> Result<(Vec<comment::Model>, HashSet<i64>, ThreadPage), AppError> {
    let seen = Seen {
        viewer_id,
        moderator,
    };
    let mut rows = Vec::new();
    let mut page = ThreadPage {
        partial: window.after.is_some() || window.replies.is_some() || window.comment.is_some(),
        ..ThreadPage::default()
    };
    // The comments a link points at, shown even below the replies cut off.
    let mut wanted: Vec<comment::Model> = Vec::new();
    let (parent, after) = match (window.replies, window.comment) {
        (Some(head), _) => {
            let head = one(db, proposal_id, head, seen).await?;
            page.replies_to = Some(head.id);
            let parent = head.id;
            rows.push(head);
            (Some(parent), window.after.unwrap_or(0))
        }
        (None, Some(target)) => {
            let mut row = one(db, proposal_id, target, seen).await?;
            wanted.push(row.clone());
            // Up the thread to its top-level comment: at most the deepest level's steps.
            for _ in 0..MAX_COMMENT_DEPTH {
                let Some(parent) = row.parent_id else {
                    break;
                };
                row = one(db, proposal_id, parent, seen).await?;
                wanted.push(row.clone());
            }
            // The part starts at the comment's top-level comment.
            (None, row.id - 1)
        }
        (None, None) => (None, window.after.unwrap_or(0)),
    };
    let roots = comment::Entity::find()
        .filter(comment::Column::ProposalId.eq(proposal_id))
        .filter(match parent {
            Some(parent) => comment::Column::ParentId.eq(parent),
            None => comment::Column::ParentId.is_null(),
        })
        .filter(comment::Column::Id.gt(after))
        .filter(seen.condition())
        .order_by_asc(comment::Column::Id)
        .limit(THREAD_PAGE_SIZE + 1)
        .all(db)
        .await
        .map_err(storage_error)?;
    // The keyset page of every listing; a thread's position is the root's id alone.
    let (roots, more) = page_of(roots, THREAD_PAGE_SIZE, |r| Cursor {
        value: r.id,
        id: r.id,
    });
    if more.is_some() {
        page.next = roots.last().map(|last| ThreadWindow {
            after: Some(last.id),
            replies: page.replies_to,
            comment: None,
        });
    }
    let depth_left = match rows.first() {
        Some(head) => i32::from(MAX_COMMENT_DEPTH) - head.depth - 1,
        None => i32::from(MAX_COMMENT_DEPTH),
    };
    let mut level: Vec<i64> = roots.iter().map(|r| r.id).collect();
    rows.extend(roots);
    let mut cut = HashSet::new();
    for _ in 0..depth_left {
        if level.is_empty() {
            break;
        }
        let replies = first_replies(db, &level, seen).await?;
        let mut shown: HashMap<i64, u64> = HashMap::new();
        level.clear();
        for reply in replies {
            let Some(parent) = reply.parent_id else {
                continue;
            };
            let count = shown.entry(parent).or_default();
            *count += 1;
            if *count > REPLIES_SHOWN {
                cut.insert(parent);
                continue;
            }
            level.push(reply.id);
            rows.push(reply);
        }
    }
    // A linked comment (and its parents) below the cut: shown in its place all the same.
    let have: HashSet<i64> = rows.iter().map(|r| r.id).collect();
    wanted.retain(|w| !have.contains(&w.id));
    rows.extend(wanted);
    Ok((rows, cut, page))
}

/// Who sees which comments: pending ones only their authors and moderators.
#[derive(Clone, Copy)]
struct Seen {
    viewer_id: Option<i64>,
    moderator: bool,
}

impl Seen {
    fn condition(self) -> Condition {
        if self.moderator {
            return Condition::all();
        }
        let pending = comment::Column::Visibility.ne(Visibility::Pending);
        match self.viewer_id {
            Some(viewer) => Condition::any()
                .add(pending)
                .add(comment::Column::AuthorId.eq(viewer)),
            None => Condition::all().add(pending),
        }
    }

    fn sees(self, row: &comment::Model) -> bool {
        self.moderator
            || row.visibility != Visibility::Pending
            || self.viewer_id == Some(row.author_id)
    }
}

/// One comment of this proposal that the viewer may see.
async fn one(
    db: &impl ConnectionTrait,
    proposal_id: i64,
    id: i64,
    seen: Seen,
) -> Result<comment::Model, AppError> {
    comment::Entity::find_by_id(id)
        .one(db)
        .await
        .map_err(storage_error)?
        .filter(|row| row.proposal_id == proposal_id && seen.sees(row))
        .ok_or(AppError::NotFound)
}

/// The first `REPLIES_SHOWN + 1` replies to each of `parents` (one more than shown tells
/// that there are more), in one query: numbered per parent by a window function.
async fn first_replies(
    db: &impl ConnectionTrait,
    parents: &[i64],
    seen: Seen,
) -> Result<Vec<comment::Model>, AppError> {
    let mut values: Vec<sea_orm::Value> = parents.iter().map(|id| (*id).into()).collect();
    let list = (1..=parents.len())
        .map(|n| format!("${n}"))
        .collect::<Vec<_>>()
        .join(", ");
    let mut filter = String::new();
    if !seen.moderator {
        values.push(Visibility::Pending.into());
        values.push(seen.viewer_id.unwrap_or(0).into());
        filter = format!(
            " AND (visibility <> ${} OR author_id = ${})",
            values.len() - 1,
            values.len()
        );
    }
    values.push(i64::try_from(REPLIES_SHOWN + 1).unwrap_or(i64::MAX).into());
    let sql = format!(
        "SELECT * FROM (SELECT comments.*, ROW_NUMBER() OVER \
         (PARTITION BY parent_id ORDER BY id) AS place FROM comments \
         WHERE parent_id IN ({list}){filter}) numbered WHERE place <= ${} ORDER BY id",
        values.len()
    );
    comment::Entity::find()
        .from_raw_sql(statement(db, &sql, values))
        .all(db)
        .await
        .map_err(storage_error)
}

/// What every comment of a thread needs to know about its viewer.
pub(super) struct ThreadView<'a> {
    pub(super) names: &'a HashMap<i64, String>,
    pub(super) viewer_id: Option<i64>,
    pub(super) moderator: bool,
    pub(super) can_report: bool,
    pub(super) reported: &'a HashSet<Target>,
    pub(super) objected: &'a HashSet<Target>,
    pub(super) now: DateTime<Utc>,
}

/// Orders comments so each reply follows its parent (and earlier replies come first),
/// starting from the comments whose parent is not among them: the part's top-level
/// comments, or the comment whose replies the part shows.
pub(super) fn thread(
    rows: Vec<comment::Model>,
    cut: &HashSet<i64>,
    view: &ThreadView<'_>,
) -> Vec<CommentView> {
    let ids: HashSet<i64> = rows.iter().map(|r| r.id).collect();
    let mut roots = Vec::new();
    let mut children: HashMap<i64, Vec<comment::Model>> = HashMap::new();
    for row in rows {
        match row.parent_id.filter(|parent| ids.contains(parent)) {
            Some(parent) => children.entry(parent).or_default().push(row),
            None => roots.push(row),
        }
    }
    let mut out = Vec::new();
    // Depth-first, without recursion: a stack of sibling lists, newest pushed last.
    let mut stack = roots;
    stack.reverse();
    while let Some(row) = stack.pop() {
        if let Some(mut replies) = children.remove(&row.id) {
            replies.reverse();
            stack.extend(replies);
        }
        let more = cut.contains(&row.id);
        let mut comment = comment_view(row, view);
        comment.more_replies = more;
        out.push(comment);
    }
    out
}

fn comment_view(row: comment::Model, view: &ThreadView<'_>) -> CommentView {
    let deleted = row.status != CommentStatus::Published;
    let is_author = view.viewer_id == Some(row.author_id);
    let visibility = row.visibility;
    let target = Target {
        kind: TargetKind::Comment,
        id: row.id,
    };
    let concealed = matches!(visibility, Visibility::Held | Visibility::Hidden)
        && !is_author
        && !view.moderator;
    let mine = is_author && !deleted;
    let editable = mine
        && matches!(visibility, Visibility::Visible | Visibility::Pending)
        && view.now - row.created_at < chrono::Duration::minutes(COMMENT_EDIT_MINUTES);
    let reported = view.reported.contains(&target);
    CommentView {
        id: row.id,
        parent_id: row.parent_id,
        depth: u8::try_from(row.depth).unwrap_or(u8::MAX),
        // On-site comments have no author name, like on-site proposals (see `card`).
        author: if deleted || concealed || row.source == Origin::Onsite {
            None
        } else {
            view.names.get(&row.author_id).cloned()
        },
        source: Source::from_columns(row.source, row.event_name.clone()),
        body_html: if deleted || concealed {
            String::new()
        } else {
            markdown_to_html(&row.body)
        },
        deleted,
        edited: row.edited_at.is_some(),
        created_at: Timestamp(row.created_at.timestamp()),
        editable,
        deletable: mine,
        moderation: if deleted {
            None
        } else {
            moderation::mark(
                row.visibility,
                row.hidden_reason,
                row.hidden_note.as_deref(),
                row.moderated_at,
                is_author,
                view.objected.contains(&target),
            )
        },
        concealed,
        redacted: row.redacted_at.is_some(),
        reportable: view.can_report
            && !is_author
            && !deleted
            && !reported
            && matches!(visibility, Visibility::Visible | Visibility::Held),
        reported,
        repliable: !deleted && visibility == Visibility::Visible,
        more_replies: false,
        moderator_source: (view.moderator && !deleted).then(|| row.body.clone()),
        decisions: if view.moderator && !deleted {
            ModerationActionKind::fitting(TargetKind::Comment, Some(visibility), false, true)
        } else {
            Vec::new()
        },
        source_text: editable.then_some(row.body),
    }
}
