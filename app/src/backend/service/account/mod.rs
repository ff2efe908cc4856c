//! Accounts: registration, e-mail verification, sessions, password reset and change, profile,
//! roles, and the privacy rights to see and erase one's data (GDPR Art. 15, 17, 20).

use crate::backend::auth::{
    self, CurrentUser, Permission, SESSION_DAYS, hash_password, random_token, token_hash,
    verify_password,
};
use crate::backend::db::storage_error;
use crate::backend::entity::audit_event::AuditAction;
use crate::backend::entity::email_token::TokenPurpose;
use crate::backend::entity::{audit_event, email_token, login_session, user};
use crate::backend::mail::{self, Template};
use crate::backend::state::SiteSettings;
use crate::backend::throttle::LoginThrottle;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::model::account::{DisplayName, Email, Me, NewPassword, Role, UserRow};
use chrono::{DateTime, Duration, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, Set,
};

mod admin;
mod profile;
mod session;

pub use admin::{create_verified, list_users, set_role};
pub(crate) use profile::me_of;
pub use profile::{
    ProfileUpdate, delete_account, export_data, me, request_email_change, update_profile,
};
pub use session::{
    Session, authenticate, authenticate_account, change_password, login, logout, logout_everywhere,
    request_password_reset, reset_password, role_of, start_session,
};

/// The version of the terms and privacy notice a registration accepts.
pub const TERMS_VERSION: &str = "2026-11";
/// E-mail links stay valid this long.
pub const TOKEN_HOURS: i64 = 48;
/// At most this many mails of one kind to one person per hour (verification, reset).
pub const MAILS_PER_HOUR: u64 = 3;

#[derive(Debug, Clone)]
pub struct Registration {
    pub email: String,
    pub display_name: String,
    pub password: String,
    pub accept_terms: bool,
    pub lang: Lang,
    /// Where the person registered from: the confirmation link leads back there.
    pub back: Option<String>,
}

/// Creates an unverified account and mails the verification link. An address that already
/// has an account gets a mail saying so instead, and the answer is the same: nobody learns
/// from the form which addresses are registered.
pub async fn register(
    db: &DatabaseConnection,
    site: &SiteSettings,
    input: Registration,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    // Every field is checked, so the form can show all its problems at once.
    let mut problems = crate::error::Problems::default();
    let email = problems.check(Email::parse(&input.email));
    let display_name = problems.check(DisplayName::parse(&input.display_name));
    let password = problems.check(new_password(&input.password));
    if !input.accept_terms {
        problems.note(AppError::invalid("accept_terms", "required"));
    }
    problems.finish()?;
    let (Some(email), Some(display_name), Some(password)) = (email, display_name, password) else {
        return Err(AppError::Internal);
    };
    let password_hash = hash_password(password.as_str().to_owned()).await?;
    // Twice at most: a registration of the same address that commits between this one's
    // look-up and its insert (PostgreSQL runs both at once) makes this one an existing
    // account's, answered the same way.
    for attempt in 0..2 {
        let txn = crate::backend::db::begin_write(db).await?;
        let registered = register_in(
            &txn,
            site,
            &input,
            &email,
            &display_name,
            &password_hash,
            now,
        )
        .await;
        match registered {
            Err(AppError::Conflict) if attempt == 0 => {
                let _ = txn.rollback().await;
            }
            Err(error) => return Err(error),
            Ok(()) => return txn.commit().await.map_err(storage_error),
        }
    }
    Err(AppError::Conflict)
}

/// The registration's writes: a new account with its verification mail, or for an
/// address that has one, the mail that says so (never an answer that tells).
async fn register_in(
    txn: &impl ConnectionTrait,
    site: &SiteSettings,
    input: &Registration,
    email: &Email,
    display_name: &DisplayName,
    password_hash: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    if let Some(existing) = find_by_email(txn, email).await? {
        if mails_sent_recently(txn, existing.id, TokenPurpose::Reset, now).await? < MAILS_PER_HOUR {
            let to = email.as_str();
            mail_link(
                txn,
                site,
                &existing,
                TokenPurpose::Reset,
                to,
                Template::AccountExists,
                now,
            )
            .await?;
        }
        return Ok(());
    }
    let created = insert_user(
        txn,
        email,
        display_name,
        password_hash.to_owned(),
        Role::Resident,
        input.lang,
        None,
        now,
    )
    .await?;
    let back = input
        .back
        .as_deref()
        .and_then(crate::model::path::local_path);
    send_verification(txn, site, &created, email.as_str(), back, now).await
}

/// Mails a new verification link, at most a few per hour.
pub async fn resend_verification(
    db: &DatabaseConnection,
    site: &SiteSettings,
    current: &CurrentUser,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let txn = crate::backend::db::begin_write(db).await?;
    let account = load(&txn, current.id).await?;
    if account.email_verified_at.is_some() {
        return Err(AppError::Conflict);
    }
    if mails_sent_recently(&txn, account.id, TokenPurpose::Verify, now).await? >= MAILS_PER_HOUR {
        return Err(AppError::RateLimited {
            retry_after_secs: 3600,
        });
    }
    let email = account.email.clone().ok_or(AppError::NotFound)?;
    send_verification(&txn, site, &account, &email, None, now).await?;
    txn.commit().await.map_err(storage_error)
}

async fn send_verification(
    db: &impl ConnectionTrait,
    site: &SiteSettings,
    account: &user::Model,
    email: &str,
    back: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let (token, _) = create_token(db, account.id, TokenPurpose::Verify, email, now).await?;
    let mut link = format!("{}/bestaetigen?token={token}", site.public_url);
    if let Some(back) = back {
        link.push_str(&format!(
            "&{}={}",
            crate::model::path::RETURN_PARAM,
            crate::model::text::encode_component(back)
        ));
    }
    enqueue_link_mail(db, site, account, email, Template::VerifyEmail, &link, now).await
}

/// What a confirmation link confirmed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Confirmed {
    /// A new account's address: the account may now sign in (and is, in the browser
    /// that confirmed it).
    Registration {
        user_id: i64,
    },
    NewEmail,
}

/// Follows a link from a verification or e-mail-change mail.
pub async fn confirm_email(
    db: &DatabaseConnection,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Confirmed, AppError> {
    let txn = crate::backend::db::begin_write(db).await?;
    let row = use_token(
        &txn,
        token,
        &[TokenPurpose::Verify, TokenPurpose::ChangeEmail],
        now,
    )
    .await?;
    let account = load(&txn, row.user_id).await?;
    let confirmed = if row.purpose == TokenPurpose::ChangeEmail {
        let taken = user::Entity::find()
            .filter(user::Column::Email.eq(row.email.as_str()))
            .filter(user::Column::Id.ne(account.id))
            .count(&txn)
            .await
            .map_err(storage_error)?;
        if taken > 0 {
            return Err(AppError::Conflict);
        }
        let mut update: user::ActiveModel = account.into();
        update.email = Set(Some(row.email.clone()));
        update.email_verified_at = Set(Some(now));
        update.updated_at = Set(now);
        update.update(&txn).await.map_err(storage_error)?;
        Confirmed::NewEmail
    } else {
        // A link sent to an address the account no longer has confirms nothing.
        if account.email.as_deref() != Some(row.email.as_str()) {
            return Err(AppError::invalid("token", "invalid"));
        }
        if account.email_verified_at.is_none() {
            let mut update: user::ActiveModel = account.into();
            update.email_verified_at = Set(Some(now));
            update.updated_at = Set(now);
            update.update(&txn).await.map_err(storage_error)?;
        }
        Confirmed::Registration {
            user_id: row.user_id,
        }
    };
    txn.commit().await.map_err(storage_error)?;
    Ok(confirmed)
}

/// A new account row; the terms are accepted now, at the current version.
#[allow(clippy::too_many_arguments)]
async fn insert_user(
    db: &impl ConnectionTrait,
    email: &Email,
    display_name: &DisplayName,
    password_hash: String,
    role: Role,
    lang: Lang,
    verified_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> Result<user::Model, AppError> {
    user::ActiveModel {
        email: Set(Some(email.as_str().to_owned())),
        display_name: Set(Some(display_name.as_str().to_owned())),
        password_hash: Set(Some(password_hash)),
        role: Set(role),
        lang: Set(lang.code().to_owned()),
        email_verified_at: Set(verified_at),
        notify_replies: Set(true),
        notify_digest: Set(false),
        terms_version: Set(TERMS_VERSION.to_owned()),
        terms_accepted_at: Set(now),
        created_at: Set(now),
        updated_at: Set(now),
        deleted_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await
    .map_err(storage_error)
}

fn new_password(password: &str) -> Result<NewPassword, AppError> {
    let password = NewPassword::parse(password)?;
    if auth::is_common_password(password.as_str()) {
        return Err(AppError::invalid("password", "too_common"));
    }
    Ok(password)
}

async fn find_by_email(
    db: &impl ConnectionTrait,
    email: &Email,
) -> Result<Option<user::Model>, AppError> {
    user::Entity::find()
        .filter(user::Column::Email.eq(email.as_str()))
        .filter(user::Column::DeletedAt.is_null())
        .one(db)
        .await
        .map_err(storage_error)
}

async fn load(db: &impl ConnectionTrait, id: i64) -> Result<user::Model, AppError> {
    user::Entity::find_by_id(id)
        .one(db)
        .await
        .map_err(storage_error)?
        .filter(|u| u.deleted_at.is_none())
        .ok_or(AppError::NotFound)
}

async fn admin_count(db: &impl ConnectionTrait) -> Result<u64, AppError> {
    user::Entity::find()
        .filter(user::Column::Role.eq(Role::Admin))
        .filter(user::Column::DeletedAt.is_null())
        .count(db)
        .await
        .map_err(storage_error)
}

/// Creates a single-use link token and writes the mail that carries it, in the account's
/// language. Verification and address links open the confirm page, reset links the
/// new-password page.
async fn mail_link(
    db: &impl ConnectionTrait,
    site: &SiteSettings,
    account: &user::Model,
    purpose: TokenPurpose,
    to: &str,
    template: Template,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let (token, _) = create_token(db, account.id, purpose, to, now).await?;
    let page = if purpose == TokenPurpose::Reset {
        "/passwort-neu"
    } else {
        "/bestaetigen"
    };
    let link = format!("{}{page}?token={token}", site.public_url);
    enqueue_link_mail(db, site, account, to, template, &link, now).await
}

async fn enqueue_link_mail(
    db: &impl ConnectionTrait,
    site: &SiteSettings,
    account: &user::Model,
    to: &str,
    template: Template,
    link: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let name = account.display_name.clone().unwrap_or_default();
    let lang = Lang::parse(&account.lang).unwrap_or_default();
    let vars = [
        ("name", name.as_str()),
        ("instance", site.instance_name.as_str()),
        ("link", link),
    ];
    mail::enqueue(db, to, template, lang, &vars, now).await
}

async fn create_token(
    db: &impl ConnectionTrait,
    user_id: i64,
    purpose: TokenPurpose,
    email: &str,
    now: DateTime<Utc>,
) -> Result<(String, email_token::Model), AppError> {
    let token = random_token()?;
    let row = email_token::ActiveModel {
        user_id: Set(user_id),
        purpose: Set(purpose),
        token_hash: Set(token_hash(&token)),
        email: Set(email.to_owned()),
        created_at: Set(now),
        expires_at: Set(now + Duration::hours(TOKEN_HOURS)),
        used_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await
    .map_err(storage_error)?;
    Ok((token, row))
}

async fn mails_sent_recently(
    db: &impl ConnectionTrait,
    user_id: i64,
    purpose: TokenPurpose,
    now: DateTime<Utc>,
) -> Result<u64, AppError> {
    email_token::Entity::find()
        .filter(email_token::Column::UserId.eq(user_id))
        .filter(email_token::Column::Purpose.eq(purpose))
        .filter(email_token::Column::CreatedAt.gt(now - Duration::hours(1)))
        .count(db)
        .await
        .map_err(storage_error)
}

/// Marks a link token used; unknown, used and expired tokens are each told apart so the
/// page can say what to do.
async fn use_token(
    db: &impl ConnectionTrait,
    token: &str,
    purposes: &[TokenPurpose],
    now: DateTime<Utc>,
) -> Result<email_token::Model, AppError> {
    let row = email_token::Entity::find()
        .filter(email_token::Column::TokenHash.eq(token_hash(token.trim())))
        .one(db)
        .await
        .map_err(storage_error)?
        .filter(|row| purposes.contains(&row.purpose))
        .ok_or_else(|| AppError::invalid("token", "invalid"))?;
    if row.used_at.is_some() {
        return Err(AppError::invalid("token", "used"));
    }
    if row.expires_at <= now {
        return Err(AppError::invalid("token", "expired"));
    }
    let mut update: email_token::ActiveModel = row.clone().into();
    update.used_at = Set(Some(now));
    update.update(db).await.map_err(storage_error)?;
    Ok(row)
}

async fn audit(
    db: &impl ConnectionTrait,
    actor_id: Option<i64>,
    subject_user_id: i64,
    action: AuditAction,
    detail: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    audit_event::ActiveModel {
        actor_id: Set(actor_id),
        subject_user_id: Set(Some(subject_user_id)),
        action: Set(action),
        detail: Set(detail.to_owned()),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(db)
    .await
    .map_err(storage_error)?;
    Ok(())
}
