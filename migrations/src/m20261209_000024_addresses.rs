//! The city's address list, imported from a CSV file (street, house number, postcode,
//! coordinates): what the proposal form looks an address up in, without JavaScript and
//! without an external geocoder. Each address keeps the street and number as written and
//! as compared (lower case, "straße" and "str." alike, no spaces or punctuation), and its
//! position (WGS84). Where the list comes from, and when it was imported, is one row of
//! `address_lists`.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[derive(DeriveIden)]
enum Addresses {
    Table,
    Id,
    Street,
    HouseNumber,
    Postcode,
    StreetKey,
    NumberKey,
    Lon,
    Lat,
}

#[derive(DeriveIden)]
enum AddressLists {
    Table,
    Id,
    Source,
    Addresses,
    ImportedAt,
}

const INDEX: &str = "idx_addresses_street_number";

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Addresses::Table)
                    .col(big_pk_auto(Addresses::Id))
                    .col(string_len(Addresses::Street, 200))
                    .col(string_len(Addresses::HouseNumber, 20))
                    .col(string_len(Addresses::Postcode, 10))
                    .col(string_len(Addresses::StreetKey, 200))
                    .col(string_len(Addresses::NumberKey, 20))
                    .col(double(Addresses::Lon))
                    .col(double(Addresses::Lat))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name(INDEX)
                    .table(Addresses::Table)
                    .col(Addresses::StreetKey)
                    .col(Addresses::NumberKey)
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(AddressLists::Table)
                    .col(big_integer(AddressLists::Id).primary_key())
                    .col(string_len(AddressLists::Source, 500))
                    .col(big_integer(AddressLists::Addresses))
                    .col(timestamp_with_time_zone(AddressLists::ImportedAt))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(AddressLists::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Addresses::Table).to_owned())
            .await
    }
}
