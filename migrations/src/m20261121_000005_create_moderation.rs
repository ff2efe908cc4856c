//! Moderation: the visibility of proposals and comments (pending review, held after
//! reports, hidden by a moderator), locked discussions, marked redactions, blocked authors,
//! reports with a copy of what was reported, the moderators' queue, the public ledger of
//! decisions, and the instance settings the pre-screen and the auto-hide threshold read
//! (one row, written on first save; until then the defaults apply).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Proposals {
    Table,
    ProcedureId,
    Status,
    Visibility,
    HiddenReason,
    HiddenNote,
    ModeratedAt,
    RedactedAt,
    LockedAt,
    Category,
}

#[derive(DeriveIden)]
enum Comments {
    Table,
    Visibility,
    HiddenReason,
    HiddenNote,
    ModeratedAt,
    RedactedAt,
}

#[derive(DeriveIden)]
enum Users {
    Table,
    Id,
    BlockedAt,
    BlockedUntil,
}

#[derive(DeriveIden)]
enum Reports {
    Table,
    Id,
    TargetKind,
    TargetId,
    ProcedureId,
    ReporterId,
    Reason,
    Note,
    Snapshot,
    Status,
    CreatedAt,
    ClosedAt,
}

#[derive(DeriveIden)]
enum ModerationQueue {
    Table,
    Id,
    TargetKind,
    TargetId,
    ProcedureId,
    ProposalId,
    AuthorId,
    Status,
    Pending,
    ScreenRule,
    ReportCount,
    Objection,
    OpenedAt,
    ClaimedBy,
    ClaimedUntil,
    ClosedAt,
}

#[derive(DeriveIden)]
enum ModerationActions {
    Table,
    Id,
    ProcedureId,
    TargetKind,
    TargetId,
    ProposalId,
    Action,
    ReasonCode,
    PublicReason,
    InternalNote,
    ModeratorId,
    BlockUntil,
    CreatedAt,
}

#[derive(DeriveIden)]
enum InstanceSettings {
    Table,
    Id,
    ReportThreshold,
    ScreenWords,
    ScreenLinkLimit,
    UpdatedAt,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite alters one column per statement.
        let visibility = || {
            let mut column = string_len(Proposals::Visibility, 16);
            column.default("visible");
            column
        };
        for mut column in [
            visibility(),
            string_len_null(Proposals::HiddenReason, 32),
            text_null(Proposals::HiddenNote),
            timestamp_with_time_zone_null(Proposals::ModeratedAt),
            timestamp_with_time_zone_null(Proposals::RedactedAt),
            timestamp_with_time_zone_null(Proposals::LockedAt),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Proposals::Table)
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        let mut comment_visibility = string_len(Comments::Visibility, 16);
        comment_visibility.default("visible");
        for mut column in [
            comment_visibility,
            string_len_null(Comments::HiddenReason, 32),
            text_null(Comments::HiddenNote),
            timestamp_with_time_zone_null(Comments::ModeratedAt),
            timestamp_with_time_zone_null(Comments::RedactedAt),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Comments::Table)
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        for mut column in [
            timestamp_with_time_zone_null(Users::BlockedAt),
            timestamp_with_time_zone_null(Users::BlockedUntil),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Users::Table)
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }

        // Listings count and filter visible, published proposals by this index alone.
        // Written out: one statement both databases accept.
        manager
            .get_connection()
            .execute_unprepared("DROP INDEX IF EXISTS ix_proposals_status")
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_proposals_visible")
                    .table(Proposals::Table)
                    .col(Proposals::ProcedureId)
                    .col(Proposals::Status)
                    .col(Proposals::Visibility)
                    .col(Proposals::Category)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(Reports::Table)
                    .col(big_pk_auto(Reports::Id))
                    .col(string_len(Reports::TargetKind, 16))
                    .col(big_integer(Reports::TargetId))
                    .col(big_integer(Reports::ProcedureId))
                    .col(big_integer(Reports::ReporterId))
                    .col(string_len(Reports::Reason, 32))
                    .col(text(Reports::Note))
                    .col(text(Reports::Snapshot))
                    .col(string_len(Reports::Status, 16))
                    .col(timestamp_with_time_zone(Reports::CreatedAt))
                    .col(timestamp_with_time_zone_null(Reports::ClosedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_reports_reporter")
                            .from(Reports::Table, Reports::ReporterId)
                            .to(Users::Table, Users::Id),
                    )
                    .to_owned(),
            )
            .await?;
        // One report per person and item, ever: a second one changes nothing.
        manager
            .create_index(
                Index::create()
                    .name("ux_reports_reporter")
                    .table(Reports::Table)
                    .col(Reports::TargetKind)
                    .col(Reports::TargetId)
                    .col(Reports::ReporterId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_reports_target")
                    .table(Reports::Table)
                    .col(Reports::TargetKind)
                    .col(Reports::TargetId)
                    .col(Reports::Status)
                    .col(Reports::Reason)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ModerationQueue::Table)
                    .col(big_pk_auto(ModerationQueue::Id))
                    .col(string_len(ModerationQueue::TargetKind, 16))
                    .col(big_integer(ModerationQueue::TargetId))
                    .col(big_integer(ModerationQueue::ProcedureId))
                    .col(big_integer(ModerationQueue::ProposalId))
                    .col(big_integer(ModerationQueue::AuthorId))
                    .col(string_len(ModerationQueue::Status, 16))
                    .col(boolean(ModerationQueue::Pending).default(false))
                    .col(text_null(ModerationQueue::ScreenRule))
                    .col(integer(ModerationQueue::ReportCount).default(0))
                    .col(text_null(ModerationQueue::Objection))
                    .col(timestamp_with_time_zone(ModerationQueue::OpenedAt))
                    .col(big_integer_null(ModerationQueue::ClaimedBy))
                    .col(timestamp_with_time_zone_null(ModerationQueue::ClaimedUntil))
                    .col(timestamp_with_time_zone_null(ModerationQueue::ClosedAt))
                    .to_owned(),
            )
            .await?;
        // One queue entry per item; it reopens when the item needs a moderator again.
        manager
            .create_index(
                Index::create()
                    .name("ux_moderation_queue_target")
                    .table(ModerationQueue::Table)
                    .col(ModerationQueue::TargetKind)
                    .col(ModerationQueue::TargetId)
                    .unique()
                    .to_owned(),
            )
            .await?;
        // The queue: open entries, oldest first (and per procedure).
        manager
            .create_index(
                Index::create()
                    .name("ix_moderation_queue_open")
                    .table(ModerationQueue::Table)
                    .col(ModerationQueue::Status)
                    .col(ModerationQueue::OpenedAt)
                    .col(ModerationQueue::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_moderation_queue_procedure")
                    .table(ModerationQueue::Table)
                    .col(ModerationQueue::ProcedureId)
                    .col(ModerationQueue::Status)
                    .col(ModerationQueue::OpenedAt)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(ModerationActions::Table)
                    .col(big_pk_auto(ModerationActions::Id))
                    .col(big_integer_null(ModerationActions::ProcedureId))
                    .col(string_len(ModerationActions::TargetKind, 16))
                    .col(big_integer(ModerationActions::TargetId))
                    .col(big_integer_null(ModerationActions::ProposalId))
                    .col(string_len(ModerationActions::Action, 16))
                    .col(string_len_null(ModerationActions::ReasonCode, 32))
                    .col(text(ModerationActions::PublicReason))
                    .col(text_null(ModerationActions::InternalNote))
                    .col(big_integer(ModerationActions::ModeratorId))
                    .col(timestamp_with_time_zone_null(ModerationActions::BlockUntil))
                    .col(timestamp_with_time_zone(ModerationActions::CreatedAt))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_moderation_actions_moderator")
                            .from(ModerationActions::Table, ModerationActions::ModeratorId)
                            .to(Users::Table, Users::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_moderation_actions_procedure")
                    .table(ModerationActions::Table)
                    .col(ModerationActions::ProcedureId)
                    .col(ModerationActions::Id)
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_moderation_actions_target")
                    .table(ModerationActions::Table)
                    .col(ModerationActions::TargetKind)
                    .col(ModerationActions::TargetId)
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table(InstanceSettings::Table)
                    .col(big_integer(InstanceSettings::Id).primary_key())
                    .col(integer(InstanceSettings::ReportThreshold))
                    .col(text(InstanceSettings::ScreenWords))
                    .col(integer(InstanceSettings::ScreenLinkLimit))
                    .col(timestamp_with_time_zone(InstanceSettings::UpdatedAt))
                    .to_owned(),
            )
            .await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            InstanceSettings::Table.into_iden(),
            ModerationActions::Table.into_iden(),
            ModerationQueue::Table.into_iden(),
            Reports::Table.into_iden(),
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        manager
            .get_connection()
            .execute_unprepared("DROP INDEX IF EXISTS ix_proposals_visible")
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_proposals_status")
                    .table(Proposals::Table)
                    .col(Proposals::ProcedureId)
                    .col(Proposals::Status)
                    .col(Proposals::Category)
                    .to_owned(),
            )
            .await?;
        for column in [Users::BlockedUntil, Users::BlockedAt] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Users::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        for column in [
            Comments::RedactedAt,
            Comments::ModeratedAt,
            Comments::HiddenNote,
            Comments::HiddenReason,
            Comments::Visibility,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Comments::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        for column in [
            Proposals::LockedAt,
            Proposals::RedactedAt,
            Proposals::ModeratedAt,
            Proposals::HiddenNote,
            Proposals::HiddenReason,
            Proposals::Visibility,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Proposals::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
