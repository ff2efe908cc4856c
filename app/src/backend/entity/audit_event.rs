use sea_orm::entity::prelude::*;

/// Who changed what about an account (role changes, deletions), for the administration.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_events")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub actor_id: Option<i64>,
    pub subject_user_id: Option<i64>,
    pub action: AuditAction,
    pub detail: String,
    pub created_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

crate::model::string_enum! {
    /// What happened to an account.
    pub enum AuditAction {
        AccountCreated = "account_created",
        AccountDeleted = "account_deleted",
        RoleChanged = "role_changed",
    }
}
