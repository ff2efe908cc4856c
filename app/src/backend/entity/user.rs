use crate::model::account::Role;
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "users")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    /// Lower-cased; `None` once the account is deleted.
    pub email: Option<String>,
    /// `None` once the account is deleted.
    pub display_name: Option<String>,
    /// Argon2id PHC string; `None` once deleted.
    pub password_hash: Option<String>,
    /// One of `Role::as_str()`.
    pub role: Role,
    pub lang: String,
    pub email_verified_at: Option<DateTimeUtc>,
    pub notify_replies: bool,
    pub notify_digest: bool,
    pub terms_version: String,
    pub terms_accepted_at: DateTimeUtc,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub deleted_at: Option<DateTimeUtc>,
    /// Set while a block applies; `blocked_until` `None` with `blocked_at` set is for good.
    pub blocked_at: Option<DateTimeUtc>,
    pub blocked_until: Option<DateTimeUtc>,
    /// The person lets their display name appear in results and exports; otherwise those
    /// name them by a pseudonym.
    pub public_name: bool,
}

impl Model {
    /// Blocked people read but do not contribute.
    pub fn blocked_at(&self, now: DateTimeUtc) -> bool {
        self.blocked_at.is_some() && self.blocked_until.is_none_or(|until| until > now)
    }
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
