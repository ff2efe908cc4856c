//! Administrators' work on accounts: roles, the user list, accounts created verified.

use super::*;

/// Gives a person another role; only administrators may, and every change is audited.
pub async fn set_role(
    db: &DatabaseConnection,
    actor: &CurrentUser,
    user_id: i64,
    role: Role,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    actor.require(Permission::ManageUsers)?;
    let txn = crate::backend::db::begin_write(db).await?;
    let account = load(&txn, user_id).await?;
    let before = account.role;
    if before == role {
        return Ok(());
    }
    if before == Role::Admin && admin_count(&txn).await? <= 1 {
        return Err(AppError::Conflict);
    }
    let mut update: user::ActiveModel = account.into();
    update.role = Set(role);
    update.updated_at = Set(now);
    update.update(&txn).await.map_err(storage_error)?;
    audit(
        &txn,
        Some(actor.id),
        user_id,
        AuditAction::RoleChanged,
        &format!("{before} -> {}", role.as_str()),
        now,
    )
    .await?;
    txn.commit().await.map_err(storage_error)
}

/// Accounts for the administration, newest first, optionally filtered by address or name.
pub async fn list_users(
    db: &impl ConnectionTrait,
    actor: &CurrentUser,
    query: &str,
) -> Result<Vec<UserRow>, AppError> {
    actor.require(Permission::ManageUsers)?;
    let mut select = user::Entity::find()
        .filter(user::Column::DeletedAt.is_null())
        .order_by_desc(user::Column::Id);
    let query = query.trim();
    if !query.is_empty() {
        select = select.filter(
            sea_orm::Condition::any()
                .add(user::Column::Email.contains(query.to_lowercase()))
                .add(user::Column::DisplayName.contains(query)),
        );
    }
    let rows = sea_orm::QuerySelect::limit(select, 100)
        .all(db)
        .await
        .map_err(storage_error)?;
    Ok(rows
        .into_iter()
        .map(|u| UserRow {
            id: u.id,
            email: u.email.unwrap_or_default(),
            display_name: u.display_name.unwrap_or_default(),
            role: u.role,
            verified: u.email_verified_at.is_some(),
        })
        .collect())
}

/// Creates a verified account directly (command line, demo): the operator vouches for it.
pub async fn create_verified(
    db: &DatabaseConnection,
    email: &str,
    display_name: &str,
    password: &str,
    role: Role,
    now: DateTime<Utc>,
) -> Result<i64, AppError> {
    let email = Email::parse(email)?;
    let display_name = DisplayName::parse(display_name)?;
    let password = new_password(password)?;
    let hash = hash_password(password.as_str().to_owned()).await?;
    let txn = crate::backend::db::begin_write(db).await?;
    if find_by_email(&txn, &email).await?.is_some() {
        return Err(AppError::Conflict);
    }
    let created = insert_user(
        &txn,
        &email,
        &display_name,
        hash,
        role,
        Lang::DEFAULT,
        Some(now),
        now,
    )
    .await?;
    audit(
        &txn,
        None,
        created.id,
        AuditAction::AccountCreated,
        &format!("role {}", role.as_str()),
        now,
    )
    .await?;
    txn.commit().await.map_err(storage_error)?;
    Ok(created.id)
}
