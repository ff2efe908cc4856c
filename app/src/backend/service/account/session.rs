//! Signing in and out, sessions, and passwords (change and reset).

use super::*;

/// A signed-in session: the token for the cookie or `Authorization: Bearer`.
#[derive(Debug, Clone)]
pub struct Session {
    pub token: String,
    pub expires_at: DateTime<Utc>,
    pub user_id: i64,
}

/// Checks e-mail and password. Failures say only "wrong e-mail or password", whichever it
/// was, and repeated failures pause the account and the client address.
pub async fn login(
    db: &DatabaseConnection,
    secret: &str,
    throttle: &LoginThrottle,
    email: &str,
    password: &str,
    client: &str,
    now: DateTime<Utc>,
) -> Result<Session, AppError> {
    let account_key = email.trim().to_lowercase();
    // Counted before the slow hash: parallel guesses are counted as they arrive.
    throttle.attempt(&account_key, client)?;
    let account = match Email::parse(email) {
        Ok(email) => find_by_email(db, &email).await?,
        Err(_) => None,
    };
    let hash = account.as_ref().and_then(|a| a.password_hash.clone());
    let valid = verify_password(hash, password.to_owned()).await?;
    let Some(account) = account.filter(|_| valid) else {
        return Err(AppError::InvalidCredentials);
    };
    throttle.succeeded(&account_key, client);
    start_session(db, secret, account.id, now).await
}

/// The role of an account, for where its sign-in lands.
pub async fn role_of(db: &impl ConnectionTrait, user_id: i64) -> Result<Role, AppError> {
    let account = load(db, user_id).await?;
    Ok(account.role)
}

/// Opens a session for an account whose identity is already established (a login, or a
/// tool acting for a known account) and signs its token.
pub async fn start_session(
    db: &impl ConnectionTrait,
    secret: &str,
    user_id: i64,
    now: DateTime<Utc>,
) -> Result<Session, AppError> {
    let session_id = random_token()?;
    let expires_at = now + Duration::days(SESSION_DAYS);
    login_session::ActiveModel {
        id: Set(session_id.clone()),
        user_id: Set(user_id),
        created_at: Set(now),
        expires_at: Set(expires_at),
        revoked_at: Set(None),
    }
    .insert(db)
    .await
    .map_err(storage_error)?;
    let token = auth::issue_token(secret, user_id, &session_id, now, expires_at)?;
    Ok(Session {
        token,
        expires_at,
        user_id,
    })
}

/// The person a session token belongs to, if the token is genuine and its session is live.
pub async fn authenticate(
    db: &impl ConnectionTrait,
    secret: &str,
    token: &str,
    now: DateTime<Utc>,
) -> Result<CurrentUser, AppError> {
    authenticate_account(db, secret, token, now)
        .await
        .map(|(user, _)| user)
}

/// The person behind a session token and their account row, in one query: the account,
/// if it is not deleted and the token's session is neither revoked nor expired.
pub async fn authenticate_account(
    db: &impl ConnectionTrait,
    secret: &str,
    token: &str,
    now: DateTime<Utc>,
) -> Result<(CurrentUser, user::Model), AppError> {
    let (user_id, session_id) = auth::verify_token(secret, token)?;
    let live_session = Query::select()
        .expr(Expr::val(1))
        .from(login_session::Entity)
        .and_where(
            Expr::col((login_session::Entity, login_session::Column::Id)).eq(session_id.as_str()),
        )
        .and_where(
            Expr::col((login_session::Entity, login_session::Column::UserId))
                .equals((user::Entity, user::Column::Id)),
        )
        .and_where(Expr::col((login_session::Entity, login_session::Column::RevokedAt)).is_null())
        .and_where(Expr::col((login_session::Entity, login_session::Column::ExpiresAt)).gt(now))
        .to_owned();
    let account = user::Entity::find_by_id(user_id)
        .filter(user::Column::DeletedAt.is_null())
        .filter(Expr::exists(live_session))
        .one(db)
        .await
        .map_err(storage_error)?
        .ok_or(AppError::Unauthenticated)?;
    let current = CurrentUser {
        id: account.id,
        session_id,
        role: account.role,
        verified: account.email_verified_at.is_some(),
        blocked: account.blocked_at(now),
    };
    Ok((current, account))
}

/// Ends one session.
pub async fn logout(
    db: &impl ConnectionTrait,
    current: &CurrentUser,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    revoke_sessions(db, current.id, Some(&current.session_id), None, now).await
}

/// Ends every session of the person, this one included.
pub async fn logout_everywhere(
    db: &impl ConnectionTrait,
    current: &CurrentUser,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    revoke_sessions(db, current.id, None, None, now).await
}

async fn revoke_sessions(
    db: &impl ConnectionTrait,
    user_id: i64,
    only: Option<&str>,
    except: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let mut query = login_session::Entity::update_many()
        .col_expr(
            login_session::Column::RevokedAt,
            sea_orm::sea_query::Expr::value(now),
        )
        .filter(login_session::Column::UserId.eq(user_id))
        .filter(login_session::Column::RevokedAt.is_null());
    if let Some(id) = only {
        query = query.filter(login_session::Column::Id.eq(id));
    }
    if let Some(id) = except {
        query = query.filter(login_session::Column::Id.ne(id));
    }
    query.exec(db).await.map_err(storage_error)?;
    Ok(())
}

/// Mails a link to set a new password. Always answers the same, whether the address has an
/// account or not.
pub async fn request_password_reset(
    db: &DatabaseConnection,
    site: &SiteSettings,
    email: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let email = Email::parse(email)?;
    let txn = crate::backend::db::begin_write(db).await?;
    if let Some(account) = find_by_email(&txn, &email).await?
        && mails_sent_recently(&txn, account.id, TokenPurpose::Reset, now).await? < MAILS_PER_HOUR
    {
        let to = email.as_str();
        mail_link(
            &txn,
            site,
            &account,
            TokenPurpose::Reset,
            to,
            Template::PasswordReset,
            now,
        )
        .await?;
    }
    txn.commit().await.map_err(storage_error)
}

/// Sets a new password from a reset link and ends every session: whoever knew the old
/// password is logged out. Following the link also proves the address.
pub async fn reset_password(
    db: &DatabaseConnection,
    token: &str,
    password: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let password = new_password(password)?;
    let hash = hash_password(password.as_str().to_owned()).await?;
    let txn = crate::backend::db::begin_write(db).await?;
    let row = use_token(&txn, token, &[TokenPurpose::Reset], now).await?;
    let account = load(&txn, row.user_id).await?;
    let verified = account.email_verified_at.or(Some(now));
    let mut update: user::ActiveModel = account.into();
    update.password_hash = Set(Some(hash));
    update.email_verified_at = Set(verified);
    update.updated_at = Set(now);
    update.update(&txn).await.map_err(storage_error)?;
    revoke_sessions(&txn, row.user_id, None, None, now).await?;
    txn.commit().await.map_err(storage_error)
}

/// Changes the password; every other session ends, this one stays.
/// The current password is guessed no faster than at sign-in: the same throttle counts
/// each check, by account and client address.
pub async fn change_password(
    db: &DatabaseConnection,
    throttle: &LoginThrottle,
    client: &str,
    current: &CurrentUser,
    current_password: &str,
    password: &str,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    // Both fields' problems are reported at once.
    let mut problems = crate::error::Problems::default();
    let password = problems.check(new_password(password));
    let account = load(db, current.id).await?;
    let throttle_key = format!("user:{}", current.id);
    throttle.attempt(&throttle_key, client)?;
    if verify_password(account.password_hash.clone(), current_password.to_owned()).await? {
        throttle.succeeded(&throttle_key, client);
    } else {
        problems.note(AppError::invalid("current_password", "wrong"));
    }
    problems.finish()?;
    let password = password.ok_or(AppError::Internal)?;
    let hash = hash_password(password.as_str().to_owned()).await?;
    let txn = crate::backend::db::begin_write(db).await?;
    let mut update: user::ActiveModel = account.into();
    update.password_hash = Set(Some(hash));
    update.updated_at = Set(now);
    update.update(&txn).await.map_err(storage_error)?;
    revoke_sessions(&txn, current.id, None, Some(&current.session_id), now).await?;
    txn.commit().await.map_err(storage_error)
}
