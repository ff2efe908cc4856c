use sea_orm::entity::prelude::*;

/// A rendered mail waiting to be sent (or sent, or given up on after many tries).
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "outbox_emails")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub to_address: String,
    pub template: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: String,
    /// "pending", "sent" or "failed".
    pub status: MailStatus,
    pub attempts: i32,
    pub next_attempt_at: DateTimeUtc,
    /// While a worker sends it; another worker skips it until then.
    pub locked_until: Option<DateTimeUtc>,
    pub last_error: Option<String>,
    pub created_at: DateTimeUtc,
    pub sent_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}

crate::model::string_enum! {
    /// Where a mail stands in the outbox.
    pub enum MailStatus {
        Pending = "pending",
        Sent = "sent",
        Failed = "failed",
    }
}
