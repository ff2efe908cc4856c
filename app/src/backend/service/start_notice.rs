//! "Tell me when it starts": a verified resident asks to be mailed once when an upcoming
//! procedure opens. The mail worker writes those mails when procedures start; each notice
//! is marked in the same transaction as its mail, so nobody is told twice, on any number of
//! instances.

use super::procedure;
use crate::backend::auth::{CurrentUser, Permission};
use crate::backend::db::storage_error;
use crate::backend::entity::{procedure as procedure_entity, start_notice, user};
use crate::backend::mail::{self, Template};
use crate::backend::state::SiteSettings;
use crate::error::AppError;
use crate::i18n::Lang;
use crate::model::procedure::ProcedureStatus;
use crate::model::procedure::Slug;
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, Set, TransactionSession,
    TransactionTrait,
};

/// Notices written per pass of the worker; the rest follow in the next pass.
const PER_PASS: u64 = 200;

/// Asks for the mail. Only for a published procedure that has not started; asking again
/// changes nothing.
pub async fn request(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    slug: &Slug,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    user.require(Permission::Contribute)?;
    let row = procedure::published_row(db, slug).await?;
    if row.starts_at <= now {
        return Err(AppError::invalid("procedure", "already_started"));
    }
    start_notice::Entity::insert(start_notice::ActiveModel {
        user_id: Set(user.id),
        procedure_id: Set(row.id),
        created_at: Set(now),
        notified_at: Set(None),
    })
    .on_conflict_do_nothing()
    .exec(db)
    .await
    .map_err(storage_error)?;
    Ok(())
}

/// Takes the request back; not having asked is fine too.
pub async fn cancel(
    db: &impl ConnectionTrait,
    user: &CurrentUser,
    slug: &Slug,
) -> Result<(), AppError> {
    let row = procedure::published_row(db, slug).await?;
    start_notice::Entity::delete_many()
        .filter(start_notice::Column::UserId.eq(user.id))
        .filter(start_notice::Column::ProcedureId.eq(row.id))
        .exec(db)
        .await
        .map_err(storage_error)?;
    Ok(())
}

/// Writes the mails of procedures that have started, each once. Returns how many.
pub async fn announce_started<C>(
    db: &C,
    site: &SiteSettings,
    now: DateTime<Utc>,
) -> Result<u64, AppError>
where
    C: ConnectionTrait + TransactionTrait,
{
    let started = Query::select()
        .column(procedure_entity::Column::Id)
        .from(procedure_entity::Entity)
        .and_where(Expr::col(procedure_entity::Column::StartsAt).lte(now))
        .and_where(ExprTrait::eq(
            Expr::col(procedure_entity::Column::Status),
            ProcedureStatus::Published,
        ))
        .to_owned();
    let due: Vec<(i64, i64)> = start_notice::Entity::find()
        .select_only()
        .column(start_notice::Column::UserId)
        .column(start_notice::Column::ProcedureId)
        .filter(start_notice::Column::NotifiedAt.is_null())
        .filter(start_notice::Column::ProcedureId.in_subquery(started))
        .limit(PER_PASS)
        .into_tuple()
        .all(db)
        .await
        .map_err(storage_error)?;
    let mut written = 0;
    for (user_id, procedure_id) in due {
        let txn = crate::backend::db::begin_write(db).await?;
        // Whoever marks the notice writes its mail; another instance finds it marked.
        let marked = start_notice::Entity::update_many()
            .col_expr(start_notice::Column::NotifiedAt, Expr::value(now))
            .filter(start_notice::Column::UserId.eq(user_id))
            .filter(start_notice::Column::ProcedureId.eq(procedure_id))
            .filter(start_notice::Column::NotifiedAt.is_null())
            .exec(&txn)
            .await
            .map_err(storage_error)?;
        if marked.rows_affected == 1 {
            let person = user::Entity::find_by_id(user_id)
                .filter(user::Column::DeletedAt.is_null())
                .one(&txn)
                .await
                .map_err(storage_error)?;
            let procedure = procedure_entity::Entity::find_by_id(procedure_id)
                .one(&txn)
                .await
                .map_err(storage_error)?;
            if let (Some(person), Some(procedure)) = (person, procedure)
                && let Some(to) = person.email.as_deref()
            {
                let link = format!(
                    "{}{}",
                    site.public_url,
                    crate::model::path::procedure(&procedure.slug)
                );
                let name = person.display_name.clone().unwrap_or_default();
                let vars = [
                    ("name", name.as_str()),
                    ("title", procedure.title.as_str()),
                    ("link", link.as_str()),
                    ("instance", site.instance_name.as_str()),
                ];
                let lang = Lang::parse(&person.lang).unwrap_or_default();
                mail::enqueue(&txn, to, Template::ProcedureStarted, lang, &vars, now).await?;
                written += 1;
            }
        }
        txn.commit().await.map_err(storage_error)?;
    }
    Ok(written)
}
