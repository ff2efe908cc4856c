use sea_orm::entity::prelude::*;

/// The instance settings administrators edit on the site: one row, id 1.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "instance_settings")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: i64,
    /// Open reports after which an item is held until a moderator decides.
    pub report_threshold: i32,
    /// The pre-screen's words and phrases, one per line.
    pub screen_words: String,
    /// More links than this send a contribution to the queue.
    pub screen_link_limit: i32,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
