//! What a person does with their own account: profile, address, data export, deletion.

use super::*;

#[derive(Debug, Clone)]
pub struct ProfileUpdate {
    pub display_name: String,
    pub lang: Lang,
    pub notify_replies: bool,
    pub notify_digest: bool,
    pub public_name: bool,
}

pub async fn update_profile(
    db: &DatabaseConnection,
    current: &CurrentUser,
    input: ProfileUpdate,
    now: DateTime<Utc>,
) -> Result<Me, AppError> {
    let display_name = DisplayName::parse(&input.display_name)?;
    let account = load(db, current.id).await?;
    let mut update: user::ActiveModel = account.into();
    update.display_name = Set(Some(display_name.as_str().to_owned()));
    update.lang = Set(input.lang.code().to_owned());
    update.notify_replies = Set(input.notify_replies);
    update.notify_digest = Set(input.notify_digest);
    update.public_name = Set(input.public_name);
    update.updated_at = Set(now);
    let saved = update.update(db).await.map_err(storage_error)?;
    me_of(saved)
}

/// Mails a confirmation link to the new address; the old one stays until it is followed.
pub async fn request_email_change(
    db: &DatabaseConnection,
    site: &SiteSettings,
    current: &CurrentUser,
    new_email: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let email = Email::parse(new_email)?;
    let txn = crate::backend::db::begin_write(db).await?;
    let account = load(&txn, current.id).await?;
    if account.email.as_deref() == Some(email.as_str()) {
        return Err(AppError::invalid("email", "unchanged"));
    }
    if mails_sent_recently(&txn, account.id, TokenPurpose::ChangeEmail, now).await?
        >= MAILS_PER_HOUR
    {
        return Err(AppError::RateLimited {
            retry_after_secs: 3600,
        });
    }
    let to = email.as_str();
    mail_link(
        &txn,
        site,
        &account,
        TokenPurpose::ChangeEmail,
        to,
        Template::EmailChange,
        now,
    )
    .await?;
    txn.commit().await.map_err(storage_error)
}

pub async fn me(db: &impl ConnectionTrait, current: &CurrentUser) -> Result<Me, AppError> {
    me_of(load(db, current.id).await?)
}

pub(crate) fn me_of(account: user::Model) -> Result<Me, AppError> {
    Ok(Me {
        id: account.id,
        email: account.email.ok_or(AppError::NotFound)?,
        display_name: account.display_name.unwrap_or_default(),
        role: account.role,
        verified: account.email_verified_at.is_some(),
        lang: Lang::parse(&account.lang).unwrap_or_default(),
        notify_replies: account.notify_replies,
        notify_digest: account.notify_digest,
        public_name: account.public_name,
    })
}

/// The entries of each part the formats add to a data export, at most.
const EXPORTED_ITEMS: u64 = 3_000;

/// Everything the platform holds about the person, as JSON (GDPR Art. 15 and 20).
pub async fn export_data(
    db: &impl ConnectionTrait,
    current: &CurrentUser,
    now: DateTime<Utc>,
) -> Result<serde_json::Value, AppError> {
    let account = load(db, current.id).await?;
    let sessions = login_session::Entity::find()
        .filter(login_session::Column::UserId.eq(current.id))
        .order_by_asc(login_session::Column::CreatedAt)
        .all(db)
        .await
        .map_err(storage_error)?;
    let audit = audit_event::Entity::find()
        .filter(audit_event::Column::SubjectUserId.eq(current.id))
        .order_by_asc(audit_event::Column::Id)
        .all(db)
        .await
        .map_err(storage_error)?;
    let formats = crate::formats::content::personal_data(db, current.id, EXPORTED_ITEMS).await?;
    let mut export = serde_json::json!({
        "format": "mitreden-personal-data/1",
        "exported_at": now.to_rfc3339(),
        "account": {
            "id": account.id,
            "email": account.email,
            "email_verified_at": account.email_verified_at.map(|t| t.to_rfc3339()),
            "display_name": account.display_name,
            "role": account.role,
            "language": account.lang,
            "notifications": { "replies": account.notify_replies, "daily_digest": account.notify_digest },
            "name_in_results": account.public_name,
            "terms": { "version": account.terms_version, "accepted_at": account.terms_accepted_at.to_rfc3339() },
            "created_at": account.created_at.to_rfc3339(),
        },
        "sessions": sessions.iter().map(|s| serde_json::json!({
            "created_at": s.created_at.to_rfc3339(),
            "expires_at": s.expires_at.to_rfc3339(),
            "revoked_at": s.revoked_at.map(|t| t.to_rfc3339()),
        })).collect::<Vec<_>>(),
        "account_changes": audit.iter().map(|a| serde_json::json!({
            "action": a.action, "detail": a.detail, "at": a.created_at.to_rfc3339(),
        })).collect::<Vec<_>>(),
    });
    if let Some(object) = export.as_object_mut() {
        object.extend(
            formats
                .into_iter()
                .map(|(key, value)| (key.to_owned(), value)),
        );
    }
    Ok(export)
}

/// Erases the person's personal data at once (GDPR Art. 17). The row stays so that their
/// contributions remain, shown as by a deleted account.
pub async fn delete_account(
    db: &DatabaseConnection,
    current: &CurrentUser,
    data_dir: &std::path::Path,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let txn = crate::backend::db::begin_write(db).await?;
    let account = load(&txn, current.id).await?;
    if account.role == Role::Admin && admin_count(&txn).await? <= 1 {
        // The instance must keep someone who can manage it.
        return Err(AppError::Conflict);
    }
    let mut update: user::ActiveModel = account.into();
    update.email = Set(None);
    update.display_name = Set(None);
    update.password_hash = Set(None);
    update.email_verified_at = Set(None);
    update.role = Set(Role::Resident);
    update.deleted_at = Set(Some(now));
    update.updated_at = Set(now);
    update.update(&txn).await.map_err(storage_error)?;
    email_token::Entity::delete_many()
        .filter(email_token::Column::UserId.eq(current.id))
        .exec(&txn)
        .await
        .map_err(storage_error)?;
    login_session::Entity::delete_many()
        .filter(login_session::Column::UserId.eq(current.id))
        .exec(&txn)
        .await
        .map_err(storage_error)?;
    // Photos can show people and places: they go with the account, files and all.
    let files = crate::formats::content::erase_personal(&txn, current.id).await?;
    audit(
        &txn,
        Some(current.id),
        current.id,
        AuditAction::AccountDeleted,
        "",
        now,
    )
    .await?;
    txn.commit().await.map_err(storage_error)?;
    for file in &files {
        crate::backend::service::media::remove_if_unused(db, data_dir, file).await;
    }
    Ok(())
}
