//! The city's address list: imported from a CSV file (the command line, the planners'
//! page, the API), and looked up when a person gives an address instead of placing a point
//! on a map, so a place can be given without JavaScript and without an external geocoder.
//! A lookup finds the address, or offers what the person may have meant: other numbers of
//! the street, or streets written alike. A bad file is refused whole, each problem naming
//! its line, and the list stays as it was.

use crate::backend::auth::{CurrentUser, Permission};
use crate::backend::common::timestamp;
use crate::backend::db::{begin_write, storage_error};
use crate::backend::entity::{address, address_list};
use crate::error::AppError;
use crate::model::address::{
    ADDRESS_MAX_CHARS, AddressFieldState, AddressImportSummary, AddressList, AddressLookup,
    AddressMatch, SUGGESTIONS, TypedAddress, distance, label, number_key, street_key,
};
use crate::model::place::{Geometry, Position, Precision};
use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, OnConflict};
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
    TransactionSession, TransactionTrait,
};
use std::collections::HashSet;

mod read;

pub use crate::backend::service::district::checked_source;
pub use read::{MAX_ADDRESSES, MAX_FILE_BYTES, NewAddress, read_csv};

/// Rows written per statement (eight values each, far below SQLite's limit).
const BATCH: usize = 500;
/// The most numbers of one street, or streets with one initial, a lookup compares.
const CANDIDATES: u64 = 5_000;

/// A planner imports an address list (the page and the API): it replaces the list.
pub async fn import_file<C>(
    db: &C,
    user: &CurrentUser,
    bytes: &[u8],
    source: &str,
    now: DateTime<Utc>,
) -> Result<AddressImportSummary, AppError>
where
    C: ConnectionTrait + TransactionTrait,
{
    user.require(Permission::Plan)?;
    let source = checked_source(source)?;
    let addresses = read_csv(bytes)?;
    replace(db, &addresses, &source, now).await
}

/// Makes `addresses` the city's list, in one transaction.
pub async fn replace<C>(
    db: &C,
    addresses: &[NewAddress],
    source: &str,
    now: DateTime<Utc>,
) -> Result<AddressImportSummary, AppError>
where
    C: ConnectionTrait + TransactionTrait,
{
    let txn = begin_write(db).await?;
    address::Entity::delete_many()
        .exec(&txn)
        .await
        .map_err(storage_error)?;
    for batch in addresses.chunks(BATCH) {
        let rows = batch.iter().map(|a| address::ActiveModel {
            street: Set(a.street.clone()),
            house_number: Set(a.house_number.clone()),
            postcode: Set(a.postcode.clone()),
            street_key: Set(street_key(&a.street)),
            number_key: Set(number_key(&a.house_number)),
            lon: Set(a.position.lon),
            lat: Set(a.position.lat),
            ..Default::default()
        });
        address::Entity::insert_many(rows)
            .exec_without_returning(&txn)
            .await
            .map_err(storage_error)?;
    }
    let count = i64::try_from(addresses.len()).unwrap_or(i64::MAX);
    let list = address_list::ActiveModel {
        id: Set(1),
        source: Set(source.to_owned()),
        addresses: Set(count),
        imported_at: Set(now),
    };
    use address_list::Column as C;
    address_list::Entity::insert(list)
        .on_conflict(
            OnConflict::column(C::Id)
                .update_columns([C::Source, C::Addresses, C::ImportedAt])
                .to_owned(),
        )
        .exec_without_returning(&txn)
        .await
        .map_err(storage_error)?;
    txn.commit().await.map_err(storage_error)?;
    let streets = addresses
        .iter()
        .map(|a| street_key(&a.street))
        .collect::<HashSet<_>>()
        .len();
    Ok(AddressImportSummary {
        addresses: addresses.len() as u64,
        streets: streets as u64,
    })
}

/// The list as the planners' page and the API show it.
pub async fn overview(db: &impl ConnectionTrait) -> Result<AddressList, AppError> {
    let Some(list) = address_list::Entity::find_by_id(1)
        .one(db)
        .await
        .map_err(storage_error)?
    else {
        return Ok(AddressList::default());
    };
    let streets: Option<i64> = address::Entity::find()
        .select_only()
        .column_as(Expr::col(address::Column::StreetKey).count_distinct(), "n")
        .into_tuple()
        .one(db)
        .await
        .map_err(storage_error)?;
    Ok(AddressList {
        addresses: u64::try_from(list.addresses).unwrap_or(0),
        streets: streets.and_then(|n| u64::try_from(n).ok()).unwrap_or(0),
        source: list.source,
        imported_at: Some(timestamp(list.imported_at)),
    })
}

/// Whether the city has an address list (forms offer the address field only then).
pub async fn available(db: &impl ConnectionTrait) -> Result<bool, AppError> {
    let any = address::Entity::find()
        .select_only()
        .column(address::Column::Id)
        .limit(1)
        .into_tuple::<i64>()
        .one(db)
        .await
        .map_err(storage_error)?;
    Ok(any.is_some())
}

fn matched(row: &address::Model) -> AddressMatch {
    AddressMatch {
        label: label(&row.street, &row.house_number, &row.postcode),
        street: row.street.clone(),
        house_number: row.house_number.clone(),
        postcode: row.postcode.clone(),
        lon: row.lon,
        lat: row.lat,
    }
}

/// Looks `text` up: the address (or the street, without a number) when the list has it,
/// else at most [`SUGGESTIONS`] of what may have been meant.
pub async fn lookup(db: &impl ConnectionTrait, text: &str) -> Result<AddressLookup, AppError> {
    let text = text.trim();
    if text.chars().count() > ADDRESS_MAX_CHARS {
        return Err(AppError::invalid("address", "too_long"));
    }
    let Some(typed) = TypedAddress::parse(text) else {
        return Ok(AddressLookup::default());
    };
    if let Some(found) = exact(db, &typed).await? {
        return Ok(AddressLookup {
            found: Some(found),
            suggestions: Vec::new(),
        });
    }
    let suggestions = if typed.number_key.is_empty() {
        Vec::new()
    } else {
        other_numbers(db, &typed).await?
    };
    let suggestions = if suggestions.is_empty() {
        similar_streets(db, &typed).await?
    } else {
        suggestions
    };
    Ok(AddressLookup {
        found: None,
        suggestions,
    })
}

/// The address typed, or the street when no number was typed (at its middle).
async fn exact(
    db: &impl ConnectionTrait,
    typed: &TypedAddress,
) -> Result<Option<AddressMatch>, AppError> {
    if typed.number_key.is_empty() {
        return street(db, &typed.street_key, typed.postcode.as_deref()).await;
    }
    let mut query = address::Entity::find()
        .filter(address::Column::StreetKey.eq(&typed.street_key))
        .filter(address::Column::NumberKey.eq(&typed.number_key));
    if let Some(postcode) = &typed.postcode {
        query = query.filter(address::Column::Postcode.eq(postcode));
    }
    let row = query
        .order_by_asc(address::Column::Id)
        .one(db)
        .await
        .map_err(storage_error)?;
    Ok(row.as_ref().map(matched))
}

/// A street as one place: the middle of its addresses (of those in `postcode`, if given).
async fn street(
    db: &impl ConnectionTrait,
    key: &str,
    postcode: Option<&str>,
) -> Result<Option<AddressMatch>, AppError> {
    let mut query = address::Entity::find()
        .select_only()
        .column(address::Column::Street)
        .column(address::Column::Postcode)
        .column_as(Expr::col(address::Column::Lon).avg(), "lon")
        .column_as(Expr::col(address::Column::Lat).avg(), "lat")
        .filter(address::Column::StreetKey.eq(key))
        .group_by(address::Column::Street)
        .group_by(address::Column::Postcode)
        .order_by_asc(address::Column::Postcode);
    if let Some(postcode) = postcode {
        query = query.filter(address::Column::Postcode.eq(postcode));
    }
    let row: Option<(String, String, Option<f64>, Option<f64>)> =
        query.into_tuple().one(db).await.map_err(storage_error)?;
    Ok(row.and_then(|(street, postcode, lon, lat)| {
        Some(AddressMatch {
            label: label(&street, "", &postcode),
            street,
            house_number: String::new(),
            postcode,
            lon: lon?,
            lat: lat?,
        })
    }))
}

/// The leading number of a house number ("12a" -> 12).
fn numeric(number: &str) -> Option<u32> {
    let digits: String = number.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

/// The street is known but not the number: its numbers nearest the one typed.
async fn other_numbers(
    db: &impl ConnectionTrait,
    typed: &TypedAddress,
) -> Result<Vec<AddressMatch>, AppError> {
    let rows = address::Entity::find()
        .filter(address::Column::StreetKey.eq(&typed.street_key))
        .order_by_asc(address::Column::Id)
        .limit(CANDIDATES)
        .all(db)
        .await
        .map_err(storage_error)?;
    let wanted = numeric(&typed.number_key);
    let mut rows: Vec<_> = rows
        .iter()
        .map(|row| {
            let gap = match (wanted, numeric(&row.number_key)) {
                (Some(a), Some(b)) => a.abs_diff(b),
                _ => u32::MAX,
            };
            // The number typed, in another postcode, comes first.
            let gap = if row.number_key == typed.number_key {
                0
            } else {
                gap.saturating_add(1)
            };
            (gap, row)
        })
        .collect();
    rows.sort_by(|a, b| (a.0, &a.1.number_key).cmp(&(b.0, &b.1.number_key)));
    Ok(rows
        .into_iter()
        .take(SUGGESTIONS)
        .map(|(_, row)| matched(row))
        .collect())
}

/// The street is not known: streets written alike (a typo or two, or the start of the
/// name), with the number typed where they have it.
async fn similar_streets(
    db: &impl ConnectionTrait,
    typed: &TypedAddress,
) -> Result<Vec<AddressMatch>, AppError> {
    let Some(initial) = typed.street_key.chars().next() else {
        return Ok(Vec::new());
    };
    let keys: Vec<String> = address::Entity::find()
        .select_only()
        .column(address::Column::StreetKey)
        .distinct()
        .filter(address::Column::StreetKey.starts_with(initial.to_string()))
        .order_by_asc(address::Column::StreetKey)
        .limit(CANDIDATES)
        .into_tuple()
        .all(db)
        .await
        .map_err(storage_error)?;
    let typed_key = &typed.street_key;
    let limit = match typed_key.chars().count() {
        0..=4 => 1,
        5..=9 => 2,
        _ => 3,
    };
    let mut close: Vec<(usize, String)> = keys
        .into_iter()
        .filter_map(|key| {
            let d = distance(typed_key, &key, limit);
            let starts = typed_key.chars().count() >= 4 && key.starts_with(typed_key.as_str());
            (d <= limit || starts).then_some((d.min(limit), key))
        })
        .collect();
    close.sort();
    let mut suggestions = Vec::new();
    for (_, key) in close.into_iter().take(SUGGESTIONS) {
        let with_number = TypedAddress {
            street_key: key.clone(),
            number_key: typed.number_key.clone(),
            postcode: None,
        };
        let found = match exact(db, &with_number).await? {
            Some(found) => Some(found),
            None => street(db, &key, None).await?,
        };
        suggestions.extend(found);
    }
    Ok(suggestions)
}

/// The point an address gives a contribution, with its precision (a street without a
/// number is placed at its middle) and its label; `address not_found` when the list
/// does not have it.
pub async fn resolve(
    db: &impl ConnectionTrait,
    text: &str,
) -> Result<(Geometry, Precision, String), AppError> {
    let not_found = || AppError::invalid("address", "not_found");
    let typed = TypedAddress::parse(text).ok_or_else(not_found)?;
    let found = exact(db, &typed).await?.ok_or_else(not_found)?;
    let position = Position::new(found.lon, found.lat).map_err(|_| not_found())?;
    let precision = if found.house_number.is_empty() {
        Precision::Street
    } else {
        Precision::Exact
    };
    Ok((Geometry::Point(position), precision, found.label))
}

/// What a contribution's form offers for an address: the field, if the city has a list,
/// and after a refused address (`typed`) what may have been meant. An address too long to
/// look up has its own message at the field, so it gets no suggestions.
pub async fn form_state(
    db: &impl ConnectionTrait,
    typed: Option<&str>,
) -> Result<AddressFieldState, AppError> {
    let available = available(db).await?;
    let lookup = match typed.filter(|t| available && !t.trim().is_empty()) {
        Some(typed) => lookup(db, typed).await.ok(),
        None => None,
    };
    Ok(AddressFieldState { available, lookup })
}
