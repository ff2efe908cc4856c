//! Following proposals, and the notifications followers get: a mail at once, or the
//! day's news collected into one digest, as each person chose in their account.

use super::procedure;
use crate::backend::auth::{CurrentUser, Permission};
use crate::backend::common::{Sight, excerpt, find_proposal, lock_user, names_of, sight};
use crate::backend::db::storage_error;
use crate::backend::entity::digest_item::DigestKind;
use crate::backend::entity::{digest_item, follow, proposal, user};
use crate::backend::mail::{self, Template};
use crate::backend::state::SiteSettings;
use crate::error::AppError;
use crate::formats::proposals::opinion::Verdict;
use crate::i18n::Lang;
use crate::model::implementation::ImplementationStatus;
use crate::model::results::CouncilOutcome;
use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
    TransactionSession, TransactionTrait,
};
use std::collections::BTreeMap;

/// Follows a proposal; following twice changes nothing.
pub async fn follow<C>(
    db: &C,
    user: &CurrentUser,
    proposal_id: i64,
    now: DateTime<Utc>,
) -> Result<(), AppError>
where
    C: ConnectionTrait + TransactionTrait,
{
    user.require(Permission::Contribute)?;
    let txn = crate::backend::db::begin_write(db).await?;
    lock_user(&txn, user.id).await?;
    let target = find_proposal(&txn, proposal_id).await?;
    procedure::published_context(&txn, target.procedure_id, now).await?;
    // Only what one may read is followed: its news would tell what one may not.
    if sight(target.visibility, target.author_id, Some(user))? == Sight::Concealed {
        return Err(AppError::invalid("proposal", "hidden"));
    }
    insert(&txn, user.id, proposal_id, now).await?;
    txn.commit().await.map_err(storage_error)
}

/// Stops following; not following is fine too.
pub async fn unfollow(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    proposal_id: i64,
) -> Result<(), AppError> {
    follow::Entity::delete_many()
        .filter(follow::Column::UserId.eq(user.id))
        .filter(follow::Column::ProposalId.eq(proposal_id))
        .exec(db)
        .await
        .map_err(storage_error)?;
    Ok(())
}

pub(crate) async fn insert(
    db: &impl ConnectionTrait,
    user_id: i64,
    proposal_id: i64,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    follow::Entity::insert(follow::ActiveModel {
        user_id: Set(user_id),
        proposal_id: Set(proposal_id),
        created_at: Set(now),
    })
    .on_conflict_do_nothing()
    .exec(db)
    .await
    .map_err(storage_error)?;
    Ok(())
}

/// What happened to a followed proposal.
pub(crate) enum Event<'a> {
    Comment {
        comment_id: i64,
        author_id: i64,
        /// When the comment is a reply: whose comment it answers.
        parent_author_id: Option<i64>,
        body: &'a str,
    },
    Withdrawn {
        note: &'a str,
    },
    /// A moderator merged it, as a duplicate, into another proposal.
    Merged {
        into_id: i64,
        into_title: &'a str,
        note: &'a str,
    },
    /// The city council decided about it.
    CouncilOutcome {
        outcome: CouncilOutcome,
        justification: &'a str,
    },
    /// The administration gave its opinion on it.
    Opinion {
        unit: &'a str,
        verdict: Verdict,
        text: &'a str,
    },
    /// Its implementation (or that of the budget project made from it) moved on.
    Implementation {
        status: ImplementationStatus,
        note: &'a str,
    },
}

/// Tells the followers (and, for a reply, the author of the comment answered) about an
/// event, in the transaction that made it: a mail now, or an item for the daily digest.
/// The person who caused the event is not told.
pub(crate) async fn notify(
    db: &impl ConnectionTrait,
    site: &SiteSettings,
    target: &proposal::Model,
    event: Event<'_>,
    actor_id: i64,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let mut recipients: Vec<i64> = follow::Entity::find()
        .select_only()
        .column(follow::Column::UserId)
        .filter(follow::Column::ProposalId.eq(target.id))
        .into_tuple()
        .all(db)
        .await
        .map_err(storage_error)?;
    let replied_to = match &event {
        Event::Comment {
            parent_author_id, ..
        } => *parent_author_id,
        Event::Withdrawn { .. }
        | Event::Merged { .. }
        | Event::Opinion { .. }
        | Event::CouncilOutcome { .. }
        | Event::Implementation { .. } => None,
    };
    recipients.extend(replied_to);
    recipients.sort_unstable();
    recipients.dedup();
    recipients.retain(|id| *id != actor_id);
    // A merged proposal's author has the moderators' mail about it.
    if matches!(event, Event::Merged { .. }) {
        recipients.retain(|id| *id != target.author_id);
    }
    if recipients.is_empty() {
        return Ok(());
    }
    let people = user::Entity::find()
        .filter(user::Column::Id.is_in(recipients))
        .filter(user::Column::DeletedAt.is_null())
        .filter(user::Column::EmailVerifiedAt.is_not_null())
        .filter(user::Column::NotifyReplies.eq(true))
        .all(db)
        .await
        .map_err(storage_error)?;
    let author_name = match &event {
        Event::Comment { author_id, .. } => names_of(db, vec![*author_id])
            .await?
            .remove(author_id)
            .unwrap_or_default(),
        Event::Withdrawn { .. }
        | Event::Merged { .. }
        | Event::Opinion { .. }
        | Event::CouncilOutcome { .. }
        | Event::Implementation { .. } => String::new(),
    };
    let link = format!(
        "{}{}",
        site.public_url,
        match &event {
            Event::Comment { comment_id, .. } =>
                crate::model::path::comment(target.id, *comment_id),
            _ => crate::model::path::proposal(target.id),
        }
    );
    for person in people {
        let (Some(email), Some(name)) = (&person.email, &person.display_name) else {
            continue;
        };
        let lang = Lang::parse(&person.lang).unwrap_or_default();
        let is_reply = replied_to == Some(person.id);
        let (kind, summary) = digest_line(lang, &event, is_reply, &author_name, &target.title);
        if person.notify_digest {
            digest_item::Entity::insert(digest_item::ActiveModel {
                user_id: Set(person.id),
                proposal_id: Set(target.id),
                kind: Set(kind),
                summary: Set(format!("{summary}\n  {link}")),
                created_at: Set(now),
                ..Default::default()
            })
            .exec(db)
            .await
            .map_err(storage_error)?;
            continue;
        }
        let mut vars = vec![
            ("name", name.as_str()),
            ("instance", site.instance_name.as_str()),
            ("title", target.title.as_str()),
            ("link", link.as_str()),
        ];
        let (start, sentence);
        let template = match &event {
            Event::Comment { body, .. } => {
                start = excerpt(body, 300);
                vars.push(("author", author_name.as_str()));
                vars.push(("excerpt", start.as_str()));
                if is_reply {
                    Template::CommentReply
                } else {
                    Template::NewComment
                }
            }
            Event::Withdrawn { note } => {
                vars.push(("status", lang.server_texts().withdrawn_status));
                vars.push(("note", note));
                Template::ProposalStatus
            }
            Event::Merged {
                into_id,
                into_title,
                note,
            } => {
                sentence = merged_sentence(lang, *into_id, into_title);
                vars.push(("status", sentence.as_str()));
                vars.push(("note", note));
                Template::ProposalStatus
            }
            Event::CouncilOutcome {
                outcome,
                justification,
            } => {
                vars.push(("status", lang.texts().outcome_sentence(*outcome)));
                vars.push(("note", justification));
                Template::ProposalStatus
            }
            Event::Implementation { status, note } => {
                vars.push((
                    "status",
                    lang.server_texts().implementation_sentence(*status),
                ));
                vars.push(("note", note));
                Template::ProposalStatus
            }
            Event::Opinion {
                unit,
                verdict,
                text,
            } => {
                sentence = opinion_sentence(lang, unit, *verdict);
                vars.push(("status", sentence.as_str()));
                vars.push(("note", text));
                Template::ProposalStatus
            }
        };
        mail::enqueue(db, email, template, lang, &vars, now).await?;
    }
    Ok(())
}

/// The digest's line for an event, in the recipient's language (`digest_line` in
/// `server/mail.ftl`).
fn digest_line(
    lang: Lang,
    event: &Event<'_>,
    is_reply: bool,
    author: &str,
    title: &str,
) -> (DigestKind, String) {
    let (kind, word, outcome) = match (event, is_reply) {
        (Event::Comment { .. }, true) => (DigestKind::Reply, "reply", String::new()),
        (Event::Comment { .. }, false) => (DigestKind::Comment, "comment", String::new()),
        (Event::Withdrawn { .. }, _) => (DigestKind::Status, "withdrawn", String::new()),
        (
            Event::Merged {
                into_id,
                into_title,
                ..
            },
            _,
        ) => (
            DigestKind::Status,
            "outcome",
            merged_sentence(lang, *into_id, into_title),
        ),
        (Event::Opinion { unit, verdict, .. }, _) => (
            DigestKind::Status,
            "outcome",
            opinion_sentence(lang, unit, *verdict),
        ),
        (Event::CouncilOutcome { outcome, .. }, _) => (
            DigestKind::Status,
            "outcome",
            lang.texts().outcome_sentence(*outcome).to_owned(),
        ),
        (Event::Implementation { status, .. }, _) => (
            DigestKind::Status,
            "outcome",
            lang.server_texts()
                .implementation_sentence(*status)
                .to_owned(),
        ),
    };
    let line = lang.server_texts().digest_line.fmt(&[
        ("event", word.into()),
        ("author", author.into()),
        ("title", title.into()),
        ("outcome", outcome.as_str().into()),
    ]);
    (kind, line)
}

/// How long the first item of a digest waits: each person gets at most one digest a day.
pub const DIGEST_INTERVAL_HOURS: i64 = 24;

/// Sends a digest to everyone whose oldest waiting item is a day old, one transaction per
/// person (the mail is written and the items removed together). Returns the digests sent.
pub async fn send_digests<C>(
    db: &C,
    site: &SiteSettings,
    now: DateTime<Utc>,
) -> Result<usize, AppError>
where
    C: ConnectionTrait + TransactionTrait,
{
    let due_before = now - Duration::hours(DIGEST_INTERVAL_HOURS);
    let due: Vec<i64> = digest_item::Entity::find()
        .select_only()
        .column(digest_item::Column::UserId)
        .filter(digest_item::Column::CreatedAt.lte(due_before))
        .distinct()
        .limit(500)
        .into_tuple()
        .all(db)
        .await
        .map_err(storage_error)?;
    let mut sent = 0;
    for user_id in due {
        let txn = crate::backend::db::begin_write(db).await?;
        let items = digest_item::Entity::find()
            .filter(digest_item::Column::UserId.eq(user_id))
            .order_by_asc(digest_item::Column::Id)
            .all(&txn)
            .await
            .map_err(storage_error)?;
        let Some(last) = items.last().map(|item| item.id) else {
            continue;
        };
        let person = user::Entity::find_by_id(user_id)
            .one(&txn)
            .await
            .map_err(storage_error)?;
        if let Some(person) = person.filter(|p| p.deleted_at.is_none())
            && let (Some(email), Some(name)) = (&person.email, &person.display_name)
        {
            let lang = Lang::parse(&person.lang).unwrap_or_default();
            // Grouped by proposal, oldest news first.
            let mut by_proposal: BTreeMap<i64, Vec<&str>> = BTreeMap::new();
            for item in &items {
                by_proposal
                    .entry(item.proposal_id)
                    .or_default()
                    .push(&item.summary);
            }
            let lines: Vec<String> = by_proposal
                .values()
                .flatten()
                .map(|summary| format!("- {summary}"))
                .collect();
            let count = items.len().to_string();
            let account = format!("{}/konto", site.public_url);
            let items_text = lines.join("\n");
            let vars = [
                ("name", name.as_str()),
                ("instance", site.instance_name.as_str()),
                ("count", count.as_str()),
                ("items", items_text.as_str()),
                ("link", account.as_str()),
            ];
            mail::enqueue(&txn, email, Template::Digest, lang, &vars, now).await?;
            sent += 1;
        }
        digest_item::Entity::delete_many()
            .filter(digest_item::Column::UserId.eq(user_id))
            .filter(digest_item::Column::Id.lte(last))
            .exec(&txn)
            .await
            .map_err(storage_error)?;
        txn.commit().await.map_err(storage_error)?;
    }
    Ok(sent)
}

/// "It was merged with proposal #12 „…“.", in the recipient's language.
fn merged_sentence(lang: Lang, into_id: i64, into_title: &str) -> String {
    lang.server_texts()
        .merged_status
        .fmt(&[("id", into_id.into()), ("title", into_title.into())])
}

/// "The Tiefbauamt has given its opinion: feasible.", in the recipient's language.
fn opinion_sentence(lang: Lang, unit: &str, verdict: Verdict) -> String {
    lang.server_texts().opinion_status.fmt(&[
        ("unit", unit.into()),
        ("verdict", lang.texts().verdict(verdict).into()),
    ])
}
