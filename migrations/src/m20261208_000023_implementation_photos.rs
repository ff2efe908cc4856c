//! An optional photo on an entry of an implementation: its file in the data directory's
//! `media/` (a cleaned image named by its content's SHA-256, as a procedure's image is),
//! its text alternative (required with a photo) and its size as displayed.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum ImplementationUpdates {
    Table,
    PhotoFile,
    PhotoAlt,
    PhotoWidth,
    PhotoHeight,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite alters one column per statement.
        for mut column in [
            string_len_null(ImplementationUpdates::PhotoFile, 100),
            string_len(ImplementationUpdates::PhotoAlt, 300)
                .default("")
                .to_owned(),
            integer_null(ImplementationUpdates::PhotoWidth),
            integer_null(ImplementationUpdates::PhotoHeight),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(ImplementationUpdates::Table)
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            ImplementationUpdates::PhotoHeight,
            ImplementationUpdates::PhotoWidth,
            ImplementationUpdates::PhotoAlt,
            ImplementationUpdates::PhotoFile,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(ImplementationUpdates::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
