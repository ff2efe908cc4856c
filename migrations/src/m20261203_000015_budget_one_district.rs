//! Budgets that take one district's vote per resident: in a procedure with a budget for
//! each district, a budget marked `one_district` refuses a ballot from a resident who
//! already holds one (draft or submitted) in another budget of the procedure marked so.
//! The first ballot a resident saves fixes their district.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Budgets {
    Table,
    OneDistrict,
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Budgets::Table)
                    .add_column(boolean(Budgets::OneDistrict).default(false))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Budgets::Table)
                    .drop_column(Budgets::OneDistrict)
                    .to_owned(),
            )
            .await
    }
}
