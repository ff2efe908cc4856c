//! An optional image per procedure: the stored file's name (content-addressed, in the data
//! directory's `media/`), its text alternative and its size in pixels (so pages reserve the
//! space before the image arrives).

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Procedures {
    Table,
    ImageFile,
    ImageAlt,
    ImageWidth,
    ImageHeight,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // SQLite alters one column per statement.
        let mut alt = text(Procedures::ImageAlt);
        alt.default("");
        for mut column in [
            string_len_null(Procedures::ImageFile, 80),
            alt,
            integer_null(Procedures::ImageWidth),
            integer_null(Procedures::ImageHeight),
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Procedures::Table)
                        .add_column(&mut column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for column in [
            Procedures::ImageHeight,
            Procedures::ImageWidth,
            Procedures::ImageAlt,
            Procedures::ImageFile,
        ] {
            manager
                .alter_table(
                    Table::alter()
                        .table(Procedures::Table)
                        .drop_column(column)
                        .to_owned(),
                )
                .await?;
        }
        Ok(())
    }
}
