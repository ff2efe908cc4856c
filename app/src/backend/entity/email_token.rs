use sea_orm::entity::prelude::*;

/// A single-use link sent by e-mail. Only the SHA-256 of the token is stored.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "email_tokens")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub user_id: i64,
    /// "verify", "reset" or "change_email".
    pub purpose: TokenPurpose,
    pub token_hash: String,
    /// The address the link was sent to (for "change_email", the new one).
    pub email: String,
    pub created_at: DateTimeUtc,
    pub expires_at: DateTimeUtc,
    pub used_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

crate::model::string_enum! {
    /// What a mailed link lets its holder do.
    pub enum TokenPurpose {
        Verify = "verify",
        Reset = "reset",
        ChangeEmail = "change_email",
    }
}
