use crate::model::moderation::ModerationMode;
use crate::model::phase::VoteRuleKind;
use crate::model::procedure::{PhaseKind, ProcedureStatus};
use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "procedures")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    #[sea_orm(unique)]
    pub slug: String,
    pub title: String,
    pub summary: String,
    /// Markdown, rendered only through `sanitize`.
    pub description: String,
    pub department: String,
    pub contact: String,
    /// "support" or "rating".
    pub vote_rule: VoteRuleKind,
    pub vote_cap: Option<i32>,
    /// "post" or "pre".
    pub moderation: ModerationMode,
    /// "draft" or "published".
    pub status: ProcedureStatus,
    /// The categories proposals can be filed under, one per line, in display order.
    pub categories: String,
    /// The phase in which votes are taken (`PhaseKind::as_str()`), usually "voting".
    pub vote_phase: PhaseKind,
    /// The image's file in the data directory's `media/` (`<sha256>.<ext>`), if any.
    pub image_file: Option<String>,
    /// The image's text alternative; required with an image.
    pub image_alt: String,
    pub image_width: Option<i32>,
    pub image_height: Option<i32>,
    /// Start of the first and end of the last phase, kept in step with the phases so
    /// listings can filter by schedule with an index.
    /// The council paper (OParl `Paper`) the results went to: its address, its reference
    /// number ("Drucksache 1234/2026") and its title.
    pub council_paper_url: Option<String>,
    pub council_reference: Option<String>,
    pub council_title: Option<String>,
    pub starts_at: DateTimeUtc,
    pub ends_at: DateTimeUtc,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {
    #[sea_orm(has_many = "super::phase::Entity")]
    Phases,
}

impl Related<super::phase::Entity> for Entity {
    fn to() -> RelationDef {
        Relation::Phases.def()
    }
}

impl ActiveModelBehavior for ActiveModel {}
