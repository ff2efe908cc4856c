//! Open data: a DCAT-AP.de catalogue (JSON-LD) with one dataset per published procedure.
//! A dataset's distributions, the results as JSON and CSV and each budget's ballot file,
//! appear once its voting phase has ended and the results are public.

use super::results;
use crate::backend::common::split_categories;
use crate::backend::db::storage_error;
use crate::backend::entity::{budget as budget_entity, procedure as procedure_entity};
use crate::backend::export::time;
use crate::error::AppError;
use crate::model::path;
use crate::model::procedure::ProcedureStatus;
use crate::model::procedure::Slug;
use chrono::{DateTime, Utc};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde_json::{Value, json};

/// Budgets listed per dataset: as many as a procedure may hold.
const MAX_BUDGETS: u64 = 50;

/// The licence of the exports, as DCAT-AP.de names it.
pub const LICENCE_URI: &str = "http://dcat-ap.de/def/licenses/dl-by-de/2.0";

fn context() -> Value {
    json!({
        "dcat": "http://www.w3.org/ns/dcat#",
        "dct": "http://purl.org/dc/terms/",
        "foaf": "http://xmlns.com/foaf/0.1/",
        "dcatde": "http://dcat-ap.de/def/dcatde/",
        "xsd": "http://www.w3.org/2001/XMLSchema#"
    })
}

fn datetime(at: DateTime<Utc>) -> Value {
    json!({ "@value": time(at), "@type": "xsd:dateTime" })
}

/// One procedure as a `dcat:Dataset`.
async fn dataset(
    db: &impl ConnectionTrait,
    row: &procedure_entity::Model,
    public_url: &str,
    now: DateTime<Utc>,
) -> Result<Value, AppError> {
    let slug = Slug::parse(&row.slug)?;
    let scope = results::scope_with(db, &slug, true, now).await?;
    let page = format!("{public_url}{}", path::procedure(&row.slug));
    let api = format!("{public_url}/api/v1/procedures/{}", row.slug);
    let licence = json!({ "@id": LICENCE_URI });
    let mut keywords = vec![Value::from("Bürgerbeteiligung")];
    keywords.extend(
        split_categories(&row.categories)
            .into_iter()
            .map(Value::from),
    );
    let mut dataset = json!({
        "@id": format!("{page}#daten"),
        "@type": "dcat:Dataset",
        "dct:identifier": row.slug,
        "dct:title": row.title,
        "dct:description": if row.summary.is_empty() { &row.title } else { &row.summary },
        "dct:publisher": { "@type": "foaf:Organization", "foaf:name": row.department },
        "dct:modified": datetime(row.updated_at),
        "dct:temporal": {
            "@type": "dct:PeriodOfTime",
            "dcat:startDate": datetime(row.starts_at),
            "dcat:endDate": datetime(row.ends_at)
        },
        "dct:license": licence,
        "dcat:landingPage": { "@id": page },
        "dcat:keyword": keywords,
        "dcat:contactPoint": { "@type": "http://www.w3.org/2006/vcard/ns#Organization",
                               "http://www.w3.org/2006/vcard/ns#fn": row.department },
        "dcat:distribution": []
    });
    if scope.final_results {
        dataset["dct:issued"] = datetime(scope.public_from);
        dataset["dcat:distribution"] = json!([
            {
                "@id": format!("{api}/export.json"),
                "@type": "dcat:Distribution",
                "dct:title": "Ergebnisse (JSON, Schema: mitreden.results Version 1)",
                "dcat:accessURL": { "@id": format!("{page}/ergebnisse") },
                "dcat:downloadURL": { "@id": format!("{api}/export.json") },
                "dcat:mediaType": "application/json",
                "dct:format": { "@id": "http://publications.europa.eu/resource/authority/file-type/JSON" },
                "dct:conformsTo": { "@id": format!("{public_url}/api/v1/schemas/results-v1.json") },
                "dct:license": licence
            },
            {
                "@id": format!("{api}/export.csv"),
                "@type": "dcat:Distribution",
                "dct:title": "Vorschläge mit Stimmen und Ratsbeschlüssen (CSV)",
                "dcat:accessURL": { "@id": format!("{page}/ergebnisse") },
                "dcat:downloadURL": { "@id": format!("{api}/export.csv") },
                "dcat:mediaType": "text/csv",
                "dct:format": { "@id": "http://publications.europa.eu/resource/authority/file-type/CSV" },
                "dct:license": licence
            },
            {
                "@id": format!("{api}/proposals.geojson"),
                "@type": "dcat:Distribution",
                "dct:title": "Verortete Vorschläge (GeoJSON)",
                "dcat:accessURL": { "@id": format!("{page}/ergebnisse") },
                "dcat:downloadURL": { "@id": format!("{api}/proposals.geojson") },
                "dcat:mediaType": "application/geo+json",
                "dct:format": { "@id": "http://publications.europa.eu/resource/authority/file-type/GEOJSON" },
                "dct:conformsTo": { "@id": "https://www.rfc-editor.org/rfc/rfc7946" },
                "dct:license": licence
            }
        ]);
        // Each budget's ballot file, from which anyone can recompute its result.
        let budgets = budget_entity::Entity::find()
            .filter(budget_entity::Column::ProcedureId.eq(row.id))
            .order_by_asc(budget_entity::Column::Id)
            .limit(MAX_BUDGETS)
            .all(db)
            .await
            .map_err(storage_error)?;
        if let Some(distributions) = dataset["dcat:distribution"].as_array_mut() {
            for budget in budgets {
                let file = format!("{public_url}{}", path::budget_ballot_file(budget.id));
                distributions.push(json!({
                    "@id": file,
                    "@type": "dcat:Distribution",
                    "dct:title": format!("Stimmzettel des Bürgerbudgets „{}“ (pabulib, .pb)", budget.title),
                    "dcat:accessURL": {
                        "@id": format!("{public_url}{}", path::budget_results(&row.slug, budget.id))
                    },
                    "dcat:downloadURL": { "@id": file },
                    "dcat:mediaType": "text/plain",
                    "dct:format": { "@id": "http://publications.europa.eu/resource/authority/file-type/TXT" },
                    "dct:conformsTo": { "@id": "https://pabulib.org/format" },
                    "dct:license": licence
                }));
            }
        }
    }
    Ok(dataset)
}

/// The catalogue of every published procedure, newest first.
pub async fn catalog(
    db: &impl ConnectionTrait,
    instance_name: &str,
    public_url: &str,
    now: DateTime<Utc>,
) -> Result<Value, AppError> {
    let rows = procedure_entity::Entity::find()
        .filter(procedure_entity::Column::Status.eq(ProcedureStatus::Published))
        .order_by_desc(procedure_entity::Column::StartsAt)
        .order_by_asc(procedure_entity::Column::Id)
        .all(db)
        .await
        .map_err(storage_error)?;
    let mut datasets = Vec::with_capacity(rows.len());
    for row in &rows {
        datasets.push(dataset(db, row, public_url, now).await?);
    }
    Ok(json!({
        "@context": context(),
        "@id": format!("{public_url}/api/v1/catalog"),
        "@type": "dcat:Catalog",
        "dct:title": format!("{instance_name}: Beteiligungsverfahren"),
        "dct:description": "Offene Daten der Bürgerbeteiligung: je Verfahren die Ergebnisse als JSON und CSV.",
        "dct:publisher": { "@type": "foaf:Organization", "foaf:name": instance_name },
        "dct:language": { "@id": "http://publications.europa.eu/resource/authority/language/DEU" },
        "dct:license": { "@id": LICENCE_URI },
        "foaf:homepage": { "@id": public_url },
        "dcat:dataset": datasets
    }))
}

/// One published procedure's dataset, with the context, on its own.
pub async fn dataset_of(
    db: &impl ConnectionTrait,
    slug: &Slug,
    public_url: &str,
    now: DateTime<Utc>,
) -> Result<Value, AppError> {
    let row = procedure_entity::Entity::find()
        .filter(procedure_entity::Column::Slug.eq(slug.as_str()))
        .filter(procedure_entity::Column::Status.eq(ProcedureStatus::Published))
        .one(db)
        .await
        .map_err(storage_error)?
        .ok_or(AppError::NotFound)?;
    let mut value = dataset(db, &row, public_url, now).await?;
    value["@context"] = context();
    Ok(value)
}
