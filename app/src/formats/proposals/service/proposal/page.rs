//! A proposal's page: its text, tally, moderation mark, what the viewer may do, and the
//! discussion in thread order.

use super::discussion::{ThreadView, part, thread};
use super::*;
use crate::backend::service::implementation::{self, Subject};
use crate::formats::proposals::model::ThreadWindow;
use crate::model::implementation::Implementation;

/// The proposal page: the text, the tally, the viewer's vote and what they may do, and the
/// comments in thread order. Moderated items show their mark; what the public may not see
/// (a pending item, the text of a hidden one) only its author and moderators see.
pub async fn get(
    db: &impl ConnectionTrait,
    viewer: Option<&CurrentUser>,
    proposal_id: i64,
    window: ThreadWindow,
    now: DateTime<Utc>,
) -> Result<ProposalDetail, AppError> {
    Ok(load(db, viewer, proposal_id, window, now).await?.detail)
}

/// A proposal as its page shows it, with what the page does not need but the API gives:
/// the Markdown source and the time of the last change. Both follow the page's rules of
/// sight: a concealed proposal's source is empty.
pub struct Loaded {
    pub detail: ProposalDetail,
    pub body: String,
    pub updated_at: Timestamp,
}

/// See [`Loaded`].
pub async fn load(
    db: &impl ConnectionTrait,
    viewer: Option<&CurrentUser>,
    proposal_id: i64,
    window: ThreadWindow,
    now: DateTime<Utc>,
) -> Result<Loaded, AppError> {
    let row = find_proposal(db, proposal_id).await?;
    let (context, procedure_summary) =
        procedure::published_context(db, row.procedure_id, now).await?;
    let viewer_id = viewer.map(|v| v.id);
    let moderator = viewer.is_some_and(|v| v.can(Permission::Moderate));
    let is_author = viewer_id == Some(row.author_id);
    let visibility = row.visibility;
    let concealed = sight(row.visibility, row.author_id, viewer)? == Sight::Concealed;
    let (comments, cut, thread_page) = if concealed {
        Default::default()
    } else {
        part(db, row.id, window, viewer_id, moderator).await?
    };
    let mut author_ids: HashSet<i64> = comments.iter().map(|c| c.author_id).collect();
    author_ids.insert(row.author_id);
    let names = names_of(db, author_ids.into_iter().collect()).await?;
    let my_votes = my_votes(db, viewer_id, &[row.id]).await?;
    let following = match viewer_id {
        Some(user_id) => follow_entity::Entity::find_by_id((user_id, row.id))
            .one(db)
            .await
            .map_err(storage_error)?
            .is_some(),
        None => false,
    };
    let budget = budget(db, viewer_id, &context).await?;
    // The viewer's own hidden items: has the objection been made?
    let own_hidden: Vec<Target> =
        std::iter::once((TargetKind::Proposal, row.id, row.author_id, row.visibility))
            .chain(
                comments
                    .iter()
                    .map(|c| (TargetKind::Comment, c.id, c.author_id, c.visibility)),
            )
            .filter(|(_, _, author, vis)| Some(*author) == viewer_id && *vis == Visibility::Hidden)
            .map(|(kind, id, _, _)| Target { kind, id })
            .collect();
    let objected = moderation::objected(db, &own_hidden).await?;
    let comment_ids: Vec<i64> = comments.iter().map(|c| c.id).collect();
    let reported = moderation::reported_by(db, viewer_id, row.id, &comment_ids).await?;
    let can_report = viewer.is_some_and(|v| v.can(Permission::Contribute));
    let published = row.status == ProposalStatus::Published;
    let visible = visibility == Visibility::Visible;
    let editable = is_author
        && published
        && row.engaged_at.is_none()
        && matches!(visibility, Visibility::Visible | Visibility::Pending);
    let district = match row.district_id.filter(|_| !concealed) {
        Some(id) => crate::backend::service::district::by_id(db, id).await?,
        None => None,
    };
    let source = || ProposalInput {
        title: row.title.clone(),
        body: row.body.clone(),
        category: row.category.clone(),
        location: row.location.clone(),
        district: district.as_ref().map(|d| d.key.clone()),
        geometry: row.geometry.clone(),
        precision: row.place_precision,
        address: None,
    };
    let edit_source = editable.then(source);
    // The edit form offers the districts.
    let districts = if editable {
        procedure::area::districts_offered(db, row.procedure_id).await?
    } else {
        Vec::new()
    };
    let proposal_target = Target {
        kind: TargetKind::Proposal,
        id: row.id,
    };
    let mark = moderation::mark(
        row.visibility,
        row.hidden_reason,
        row.hidden_note.as_deref(),
        row.moderated_at,
        is_author,
        objected.contains(&proposal_target),
    );
    let locked = row.locked_at.is_some();
    let mut allowed = context.allowed.for_status(status_of(&row));
    if !visible {
        allowed.vote = false;
        allowed.comment = false;
    }
    if locked {
        allowed.comment = false;
    }
    let comments = thread(
        comments,
        &cut,
        &ThreadView {
            names: &names,
            viewer_id,
            moderator,
            can_report,
            reported: &reported,
            objected: &objected,
            now,
        },
    );
    let reported_proposal = reported.contains(&proposal_target);
    let body = if concealed {
        String::new()
    } else {
        row.body.clone()
    };
    let updated_at = Timestamp(row.updated_at.timestamp());
    let outcome = if concealed {
        None
    } else {
        crate::backend::service::results::outcome_of(db, row.id).await?
    };
    // Entries exist once the council has decided: a proposal without an outcome costs no
    // query.
    let implementation = match &outcome {
        Some(decided) => {
            let adopted = decided.outcome.adopted();
            let planner = viewer.is_some_and(|v| v.can(Permission::Plan));
            implementation::implementation_of(
                db,
                Subject::Proposal(row.id),
                adopted && planner && visible,
            )
            .await?
        }
        None => Implementation::default(),
    };
    let (merged, merged_from) = if concealed {
        (None, Vec::new())
    } else {
        super::merges::of(db, &row).await?
    };
    let opinion = if concealed {
        Default::default()
    } else {
        crate::formats::proposals::service::opinion::view_of(db, &row, viewer, now).await?
    };
    let photos = if concealed {
        Default::default()
    } else {
        crate::formats::proposals::service::photos::shelf(db, &row, viewer).await?
    };
    let district_names: HashMap<i64, String> =
        district.iter().map(|d| (d.id, d.name.clone())).collect();
    let mut card = card(row.clone(), &names, &my_votes, &district_names);
    if concealed {
        card.title = String::new();
        card.excerpt = String::new();
        card.author = None;
        card.category = None;
    }
    let detail = ProposalDetail {
        body_html: if concealed {
            String::new()
        } else {
            markdown_to_html(&row.body)
        },
        location: row.location.clone().filter(|_| !concealed),
        withdrawal_note: row.withdrawal_note.clone().filter(|_| !concealed),
        editable,
        withdrawable: is_author && published && visibility != Visibility::Hidden,
        edit_source,
        following,
        viewer: viewer_of(viewer),
        budget,
        comments,
        thread: thread_page,
        procedure: procedure_summary,
        rule: context.rule,
        allowed,
        categories: context.categories,
        moderation: mark,
        concealed,
        redacted_at: row.redacted_at.map(|at| Timestamp(at.timestamp())),
        locked,
        reportable: can_report
            && !is_author
            && published
            && !reported_proposal
            && matches!(visibility, Visibility::Visible | Visibility::Held),
        reported: reported_proposal,
        decisions: if moderator {
            let mut fitting =
                ModerationActionKind::fitting(TargetKind::Proposal, Some(visibility), locked, true);
            // A duplicate is merged while it is open and shown; the choice comes before the
            // decisions about its author.
            if published && visible {
                let at = fitting
                    .iter()
                    .position(|a| *a == ModerationActionKind::Warn)
                    .unwrap_or(fitting.len());
                fitting.insert(at, ModerationActionKind::Merge);
            }
            fitting
        } else {
            Vec::new()
        },
        moderator_source: moderator.then(source),
        district,
        precision: row.place_precision.filter(|_| !concealed),
        geometry: row.geometry.clone().filter(|_| !concealed),
        districts,
        outcome,
        implementation,
        merged,
        merged_from,
        opinion,
        photos,
        card,
    };
    Ok(Loaded {
        detail,
        body,
        updated_at,
    })
}
