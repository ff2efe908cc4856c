//! Moderators' decisions: each a ledger row, each told to the author by mail in the same
//! transaction.

use super::*;

// ---------- decisions ----------

/// A moderator's decision on an item: the change, its ledger row and the author's mail, in
/// one transaction. Another moderator's live claim on the item is a conflict.
pub async fn decide<C>(
    db: &C,
    site: &SiteSettings,
    user: &CurrentUser,
    decision: Decision,
    now: DateTime<Utc>,
) -> Result<(), AppError>
where
    C: ConnectionTrait + TransactionTrait,
{
    user.require(Permission::Moderate)?;
    let decision = decision.validated()?;
    let _gate = write_gate(db).await;
    let txn = crate::backend::db::begin_write(db).await?;
    let item = load_item(&txn, decision.target).await?;
    let entry = find_entry(&txn, item.target, true).await?;
    let open_entry = entry.filter(|e| e.status == CaseStatus::Open);
    if let Some(entry) = &open_entry
        && let (Some(by), Some(until)) = (entry.claimed_by, entry.claimed_until)
        && by != user.id
        && until > now
    {
        return Err(AppError::Conflict);
    }
    let public = (decision.reason, decision.public_reason.clone());
    let mut block_until = None;
    let mut merged_into = None;
    let mut tell_author = true;
    match decision.action {
        ModerationActionKind::Approve => {
            match item.visibility {
                Visibility::Pending | Visibility::Held => {
                    set_visibility(&txn, &item, Visibility::Visible, None, now).await?;
                    if item.visibility == Visibility::Pending {
                        crate::formats::content::published(&txn, site, &item, now).await?;
                    }
                }
                Visibility::Visible => tell_author = false,
                Visibility::Hidden => return Err(AppError::invalid("action", "use_restore")),
            }
            if open_entry.is_none() && item.visibility == Visibility::Visible {
                return Err(AppError::invalid("action", "nothing_to_decide"));
            }
            close_entry(&txn, item.target, now).await?;
        }
        ModerationActionKind::Hide => {
            if item.visibility == Visibility::Hidden {
                return Err(AppError::invalid("action", "already_hidden"));
            }
            if !item.published {
                return Err(AppError::invalid("action", "deleted"));
            }
            set_visibility(&txn, &item, Visibility::Hidden, Some(public.clone()), now).await?;
            close_entry(&txn, item.target, now).await?;
        }
        ModerationActionKind::Restore => {
            if !matches!(item.visibility, Visibility::Hidden | Visibility::Held) {
                return Err(AppError::invalid("action", "not_hidden"));
            }
            set_visibility(&txn, &item, Visibility::Visible, None, now).await?;
            close_entry(&txn, item.target, now).await?;
        }
        ModerationActionKind::Uphold => {
            if open_entry.as_ref().is_none_or(|e| e.objection.is_none()) {
                return Err(AppError::invalid("action", "no_objection"));
            }
            close_entry(&txn, item.target, now).await?;
        }
        ModerationActionKind::Redact => {
            crate::formats::content::redact(
                &txn,
                &item,
                decision.title.clone(),
                decision.text.clone(),
                decision.precision,
                &decision.hide_photos,
                now,
            )
            .await?;
        }
        ModerationActionKind::Lock | ModerationActionKind::Unlock => {
            let lock = decision.action == ModerationActionKind::Lock;
            crate::formats::content::set_locked(&txn, &item, lock, now).await?;
        }
        ModerationActionKind::Merge => {
            let into_id = decision
                .merge_into
                .ok_or_else(|| AppError::invalid("merge_into", "missing"))?;
            let into = crate::formats::content::merge(
                &txn,
                site,
                &item,
                into_id,
                &decision.public_reason,
                user.id,
                now,
            )
            .await?;
            merged_into = Some(into);
            close_entry(&txn, item.target, now).await?;
        }
        ModerationActionKind::Warn => {}
        ModerationActionKind::Block => {
            let author = user::Entity::find_by_id(item.author_id)
                .one(&txn)
                .await
                .map_err(storage_error)?
                .ok_or(AppError::NotFound)?;
            if author.role != crate::model::account::Role::Resident {
                return Err(AppError::invalid("action", "staff"));
            }
            block_until = decision
                .block_days
                .map(|days| now + Duration::days(i64::from(days)));
            user::Entity::update_many()
                .col_expr(user::Column::BlockedAt, Expr::value(now))
                .col_expr(user::Column::BlockedUntil, Expr::value(block_until))
                .filter(user::Column::Id.eq(item.author_id))
                .exec(&txn)
                .await
                .map_err(storage_error)?;
        }
        // Lifting a block has its own path; the others are planners' decisions on a budget.
        ModerationActionKind::Unblock
        | ModerationActionKind::Fund
        | ModerationActionKind::Unfund
        | ModerationActionKind::CountApplies => return Err(AppError::invalid("action", "unknown")),
    }
    moderation_action::ActiveModel {
        procedure_id: Set(Some(item.procedure_id)),
        target_kind: Set(item.target.kind.into()),
        target_id: Set(item.target.id),
        proposal_id: Set(Some(item.proposal_id)),
        action: Set(decision.action),
        reason_code: Set(decision.reason),
        public_reason: Set(decision.public_reason.clone()),
        internal_note: Set(Some(decision.internal_note.clone()).filter(|n| !n.is_empty())),
        moderator_id: Set(user.id),
        block_until: Set(block_until),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(storage_error)?;
    if tell_author && item.author_id != user.id {
        let told = Told {
            block_until,
            merged_into,
        };
        tell(&txn, site, &item, &decision, told, now).await?;
    }
    txn.commit().await.map_err(storage_error)?;
    // Final results kept in memory (here and on other instances) may show this item.
    crate::backend::service::results::forget_cached(item.procedure_id);
    Ok(())
}

/// Approves or hides several items with one reason; each is its own decision. Returns how
/// many were decided and how many were skipped (claimed by someone else, already decided).
pub async fn decide_many<C>(
    db: &C,
    site: &SiteSettings,
    user: &CurrentUser,
    targets: Vec<Target>,
    template: Decision,
    now: DateTime<Utc>,
) -> Result<(u32, u32), AppError>
where
    C: ConnectionTrait + TransactionTrait,
{
    user.require(Permission::Moderate)?;
    if !matches!(
        template.action,
        ModerationActionKind::Approve | ModerationActionKind::Hide
    ) {
        return Err(AppError::invalid("action", "not_bulk"));
    }
    if targets.is_empty() {
        return Err(AppError::invalid("targets", "empty"));
    }
    if targets.len() > 100 {
        return Err(AppError::invalid("targets", "too_many"));
    }
    template.clone().validated()?;
    let (mut done, mut skipped) = (0, 0);
    for target in targets {
        let decision = Decision {
            target,
            ..template.clone()
        };
        match decide(db, site, user, decision, now).await {
            Ok(()) => done += 1,
            Err(AppError::Internal | AppError::Unavailable) => return Err(AppError::Internal),
            Err(_) => skipped += 1,
        }
    }
    Ok((done, skipped))
}

/// Lifts a block; the ledger names no one.
pub async fn unblock<C>(
    db: &C,
    user: &CurrentUser,
    user_id: i64,
    public_reason: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError>
where
    C: ConnectionTrait + TransactionTrait,
{
    user.require(Permission::Moderate)?;
    let public_reason = public_reason.trim();
    if public_reason.chars().count() > Decision::PUBLIC_REASON_MAX {
        return Err(AppError::invalid("public_reason", "too_long"));
    }
    let txn = crate::backend::db::begin_write(db).await?;
    let lifted = user::Entity::update_many()
        .col_expr(
            user::Column::BlockedAt,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .col_expr(
            user::Column::BlockedUntil,
            Expr::value(Option::<DateTime<Utc>>::None),
        )
        .filter(user::Column::Id.eq(user_id))
        .filter(user::Column::BlockedAt.is_not_null())
        .exec(&txn)
        .await
        .map_err(storage_error)?;
    if lifted.rows_affected == 0 {
        return Err(AppError::NotFound);
    }
    moderation_action::ActiveModel {
        procedure_id: Set(None),
        target_kind: Set(LedgerTarget::User),
        target_id: Set(user_id),
        proposal_id: Set(None),
        action: Set(ModerationActionKind::Unblock),
        reason_code: Set(None),
        public_reason: Set(public_reason.to_owned()),
        internal_note: Set(None),
        moderator_id: Set(user.id),
        block_until: Set(None),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .map_err(storage_error)?;
    txn.commit().await.map_err(storage_error)
}

/// What a decision's mail says beyond the decision itself.
struct Told {
    block_until: Option<DateTime<Utc>>,
    /// A merge: the number and title of the proposal the item now points to.
    merged_into: Option<(i64, String)>,
}

/// The author's mail about a decision, written to the outbox in the decision's transaction.
async fn tell(
    db: &impl ConnectionTrait,
    site: &SiteSettings,
    item: &Item,
    decision: &Decision,
    told: Told,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let Some(author) = user::Entity::find_by_id(item.author_id)
        .one(db)
        .await
        .map_err(storage_error)?
    else {
        return Ok(());
    };
    let (Some(email), Some(name)) = (&author.email, &author.display_name) else {
        return Ok(());
    };
    let lang = Lang::parse(&author.lang).unwrap_or_default();
    // The mail's prose, with a variant per decision, is in `server/mail.ftl`; here only the
    // words that choose the variants and the values.
    let until = told
        .block_until
        .map(|until| lang.texts().date(crate::backend::common::timestamp(until)));
    let action = match (decision.action, &until) {
        (ModerationActionKind::Block, None) => "block_permanent",
        (action, _) => action.as_str(),
    };
    let reason = decision
        .reason
        .map(|code| lang.texts().reason(code))
        .unwrap_or_default();
    let reason_shape = match (reason.is_empty(), decision.public_reason.is_empty()) {
        (false, true) => "label",
        (false, false) => "label_note",
        (true, false) => "note",
        (true, true) => "none",
    };
    let link = format!("{}{}", site.public_url, item.path());
    let into = told
        .merged_into
        .map(|(id, title)| {
            let link = format!("{}{}", site.public_url, crate::model::path::proposal(id));
            lang.server_texts().merged_into.fmt(&[
                ("id", id.into()),
                ("title", title.as_str().into()),
                ("link", link.as_str().into()),
            ])
        })
        .unwrap_or_default();
    let vars = [
        ("name", name.as_str()),
        ("instance", site.instance_name.as_str()),
        ("action", action),
        ("until", until.as_deref().unwrap_or_default()),
        ("kind", item.target.kind.as_str()),
        ("title", item.title.as_str()),
        ("reason", reason),
        ("reason_shape", reason_shape),
        ("note", decision.public_reason.as_str()),
        ("into", into.as_str()),
        ("link", link.as_str()),
    ];
    mail::enqueue(db, email, Template::ModerationDecision, lang, &vars, now).await
}
