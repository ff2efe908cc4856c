//! The districts and the address list from the command line (`mitreden districts import`,
//! `mitreden addresses import`) and for the demo: a refused district file is reported
//! feature by feature, with the number and the name each has in the file; a refused address
//! list line by line.

use app::backend::service::address;
use app::backend::service::district::{self, ImportOptions};
use app::error::AppError;
use app::i18n::Lang;
use app::model::place::ImportSummary;
use sea_orm::DatabaseConnection;
use serde_json::Value;

/// The demo city's districts, drawn for the demo (no official boundaries).
const DEMO_FILE: &[u8] = include_bytes!("seed/districts.geojson");
const DEMO_SOURCE: &str = "Für die Demo gezeichnet, keine amtlichen Grenzen (CC0 1.0)";

/// Imports a district file, or says what is wrong with it, problem by problem.
pub async fn import_cli(
    db: &DatabaseConnection,
    bytes: &[u8],
    options: &ImportOptions,
) -> anyhow::Result<ImportSummary> {
    let districts = match district::read_collection(bytes, options) {
        Ok(districts) => districts,
        Err(error) => anyhow::bail!("the file was not imported:\n{}", explain(&error, bytes)),
    };
    Ok(district::replace(db, districts, options.source.trim(), chrono::Utc::now()).await?)
}

/// One line per problem: "features[3] „Altstadt“: The key appears earlier … (code)".
fn explain(error: &AppError, bytes: &[u8]) -> String {
    let texts = Lang::En.texts();
    let file: Value = serde_json::from_slice(bytes).unwrap_or(Value::Null);
    let problems = error.field_problems();
    if problems.is_empty() {
        return format!("  {error}");
    }
    problems
        .into_iter()
        .map(|(field, problem)| {
            let name = field
                .strip_prefix("features[")
                .and_then(|rest| rest.strip_suffix(']'))
                .and_then(|n| n.parse::<usize>().ok())
                .and_then(|index| {
                    let properties = file["features"].get(index)?.get("properties")?;
                    ["name", "Name", "NAME", "bezeichnung", "Bezeichnung"]
                        .iter()
                        .find_map(|key| properties.get(*key)?.as_str())
                        .map(|name| format!(" \u{201e}{name}\u{201c}"))
                })
                .unwrap_or_default();
            format!(
                "  {field}{name}: {} ({problem})",
                texts.invalid_input(field, problem)
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The demo districts (before the demo proposals, which are placed in them).
pub async fn seed_demo(db: &DatabaseConnection) -> Result<(), AppError> {
    let options = ImportOptions {
        source: DEMO_SOURCE.to_owned(),
        ..ImportOptions::default()
    };
    let districts = district::read_collection(DEMO_FILE, &options)?;
    district::replace(db, districts, DEMO_SOURCE, chrono::Utc::now()).await?;
    Ok(())
}

/// The demo city's address list, drawn for the demo along its streets (no official data).
const DEMO_ADDRESSES: &[u8] = include_bytes!("seed/addresses.csv");
const DEMO_ADDRESS_SOURCE: &str = "Für die Demo gezeichnet, keine amtlichen Adressen (CC0 1.0)";

/// Imports an address list, or says what is wrong with it, line by line.
pub async fn import_addresses_cli(
    db: &DatabaseConnection,
    bytes: &[u8],
    source: &str,
) -> anyhow::Result<app::model::address::AddressImportSummary> {
    let read =
        address::checked_source(source).and_then(|source| Ok((source, address::read_csv(bytes)?)));
    let (source, addresses) = match read {
        Ok(read) => read,
        Err(error) => {
            let texts = Lang::En.texts();
            let problems = error.field_problems();
            let lines: Vec<String> = if problems.is_empty() {
                vec![format!("  {error}")]
            } else {
                problems
                    .into_iter()
                    .map(|(field, problem)| match field.strip_prefix("lines[") {
                        Some(line) => format!(
                            "  line {}: {} ({problem})",
                            line.trim_end_matches(']'),
                            texts.invalid_input("address_line", problem)
                        ),
                        None => format!(
                            "  {}: {} ({problem})",
                            field,
                            texts.invalid_input(field, problem)
                        ),
                    })
                    .collect()
            };
            anyhow::bail!("the file was not imported:\n{}", lines.join("\n"))
        }
    };
    Ok(address::replace(db, &addresses, &source, chrono::Utc::now()).await?)
}

/// The demo address list.
pub async fn seed_demo_addresses(db: &DatabaseConnection) -> Result<(), AppError> {
    let addresses = address::read_csv(DEMO_ADDRESSES)?;
    address::replace(db, &addresses, DEMO_ADDRESS_SOURCE, chrono::Utc::now()).await?;
    Ok(())
}
