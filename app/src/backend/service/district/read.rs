//! Reading a district file: a GeoJSON FeatureCollection whose features are areas with a
//! name and a key of their own. Every problem is reported, each naming the feature as
//! `features[i]` (counted from 0, as in the file).

use crate::error::{AppError, FieldProblem};
use crate::model::place::{GeoProblem, Geometry};
use serde_json::Value;
use std::collections::HashSet;

/// The most districts an instance has (a city of a million has a few hundred at most).
pub const MAX_DISTRICTS: usize = 500;
/// The largest district file the import reads.
pub const MAX_FILE_BYTES: usize = 8 * 1024 * 1024;
/// The longest key and name.
const KEY_MAX: usize = 64;
const NAME_MAX: usize = 200;
const SOURCE_MAX: usize = 500;
/// Problems reported at most, so a broken file of 500 features does not answer with 500.
const PROBLEMS_SHOWN: usize = 20;
/// The properties a district's name and key are read from when the import names none
/// (German open-data files often use these).
const NAME_PROPERTIES: [&str; 6] = [
    "name",
    "Name",
    "NAME",
    "bezeichnung",
    "Bezeichnung",
    "STT_NAME",
];
const KEY_PROPERTIES: [&str; 7] = [
    "key",
    "id",
    "nummer",
    "Nummer",
    "schluessel",
    "Schluessel",
    "STT_NR",
];

/// How a file names its districts' names and keys, and where it comes from.
#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    /// The property holding the name; `None`: the first of [`NAME_PROPERTIES`] present.
    pub name_property: Option<String>,
    /// The property holding the key; `None`: the first of [`KEY_PROPERTIES`] present, else
    /// the feature's `id`, else its number in the file (from 1).
    pub key_property: Option<String>,
    /// The source and licence ("Stadt Musterstadt, Datenlizenz Deutschland – Namensnennung
    /// 2.0"), shown wherever the boundaries are.
    pub source: String,
}

/// One district read from the file, checked.
#[derive(Debug, Clone, PartialEq)]
pub struct NewDistrict {
    pub key: String,
    pub name: String,
    pub geometry: Geometry,
}

fn property(feature: &Value, names: &[&str]) -> Option<String> {
    let properties = feature.get("properties")?;
    names.iter().find_map(|name| match properties.get(*name)? {
        Value::String(text) => Some(text.trim().to_owned()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    })
}

fn feature_problem(index: usize, problem: &str) -> FieldProblem {
    FieldProblem {
        field: format!("features[{index}]"),
        problem: problem.to_owned(),
    }
}

/// Reads and checks a FeatureCollection of districts: every feature an area with a name
/// and a key of its own. All problems are reported (up to [`PROBLEMS_SHOWN`]).
pub fn read_collection(
    bytes: &[u8],
    options: &ImportOptions,
) -> Result<Vec<NewDistrict>, AppError> {
    if bytes.len() > MAX_FILE_BYTES {
        return Err(AppError::invalid("districts", "too_large"));
    }
    let value: Value =
        serde_json::from_slice(bytes).map_err(|_| AppError::invalid("districts", "not_geojson"))?;
    if value.get("type").and_then(Value::as_str) != Some("FeatureCollection") {
        return Err(AppError::invalid("districts", "not_feature_collection"));
    }
    let features = value
        .get("features")
        .and_then(Value::as_array)
        .ok_or(AppError::invalid("districts", "not_feature_collection"))?;
    if features.is_empty() {
        return Err(AppError::invalid("districts", "no_features"));
    }
    if features.len() > MAX_DISTRICTS {
        return Err(AppError::invalid("districts", "too_many_features"));
    }
    let name_names: Vec<&str> = match &options.name_property {
        Some(name) => vec![name.as_str()],
        None => NAME_PROPERTIES.to_vec(),
    };
    let key_names: Vec<&str> = match &options.key_property {
        Some(key) => vec![key.as_str()],
        None => KEY_PROPERTIES.to_vec(),
    };
    let mut problems = Vec::new();
    let mut districts = Vec::with_capacity(features.len());
    let mut keys = HashSet::new();
    for (index, feature) in features.iter().enumerate() {
        let mut problem = |code: &str| problems.push(feature_problem(index, code));
        if feature.get("type").and_then(Value::as_str) != Some("Feature") {
            problem("feature_not_a_feature");
            continue;
        }
        let geometry = match feature.get("geometry").map(Geometry::from_geojson) {
            Some(Ok(geometry)) if geometry.is_area() => Some(geometry),
            Some(Ok(_)) => {
                problem(GeoProblem::Kind.code());
                None
            }
            Some(Err(geo)) => {
                problem(geo.code());
                None
            }
            None => {
                problem(GeoProblem::Shape.code());
                None
            }
        };
        let name = property(feature, &name_names).filter(|n| !n.is_empty());
        let key = property(feature, &key_names)
            .or_else(|| {
                options
                    .key_property
                    .is_none()
                    .then(|| feature_id(feature))
                    .flatten()
            })
            .or_else(|| {
                options
                    .key_property
                    .is_none()
                    .then(|| (index + 1).to_string())
            })
            .filter(|k| !k.is_empty());
        let Some(name) = name else {
            problem("feature_name_missing");
            continue;
        };
        let Some(key) = key else {
            problem("feature_key_missing");
            continue;
        };
        if name.chars().count() > NAME_MAX || key.chars().count() > KEY_MAX {
            problem("feature_too_long");
            continue;
        }
        if [&name, &key]
            .iter()
            .any(|text| text.chars().any(crate::model::text::forbidden_in_text))
        {
            problem("control_characters");
            continue;
        }
        if !keys.insert(key.clone()) {
            problem("feature_key_duplicate");
            continue;
        }
        if let Some(geometry) = geometry {
            districts.push(NewDistrict {
                key,
                name,
                geometry,
            });
        }
    }
    if !problems.is_empty() {
        problems.truncate(PROBLEMS_SHOWN);
        return Err(AppError::InvalidFields { errors: problems });
    }
    Ok(districts)
}

fn feature_id(feature: &Value) -> Option<String> {
    match feature.get("id")? {
        Value::String(text) => Some(text.trim().to_owned()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

/// The source and licence of imported place data (districts, the address list), trimmed
/// and checked.
pub fn checked_source(source: &str) -> Result<String, AppError> {
    let source = source.trim();
    if source.chars().count() > SOURCE_MAX {
        return Err(AppError::invalid("source", "too_long"));
    }
    if source.chars().any(crate::model::text::forbidden_in_text) {
        return Err(AppError::invalid("source", "control_characters"));
    }
    Ok(source.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn collection(features: Value) -> Vec<u8> {
        json!({"type": "FeatureCollection", "features": features})
            .to_string()
            .into_bytes()
    }

    fn square(offset: f64) -> Value {
        json!({"type": "Polygon", "coordinates": [[
            [offset, 0.0], [offset + 1.0, 0.0], [offset + 1.0, 1.0], [offset, 1.0], [offset, 0.0]
        ]]})
    }

    #[test]
    fn a_good_file_reads_with_names_and_keys_from_common_properties() {
        let bytes = collection(json!([
            {"type": "Feature", "geometry": square(0.0), "properties": {"Name": "Mitte", "STT_NR": 1}},
            {"type": "Feature", "id": "n", "geometry": square(1.0), "properties": {"bezeichnung": "Nord"}},
        ]));
        let districts = read_collection(&bytes, &ImportOptions::default()).expect("valid");
        let named: Vec<(&str, &str)> = districts
            .iter()
            .map(|d| (d.key.as_str(), d.name.as_str()))
            .collect();
        assert_eq!(named, [("1", "Mitte"), ("n", "Nord")]);
    }

    #[test]
    fn every_bad_feature_is_named_and_nothing_is_read() {
        let bytes = collection(json!([
            {"type": "Feature", "geometry": square(0.0), "properties": {"name": "Mitte", "key": "01"}},
            {"type": "Feature", "geometry": {"type": "Point", "coordinates": [1, 2]}, "properties": {"name": "Punkt", "key": "02"}},
            {"type": "Feature", "geometry": square(2.0), "properties": {"key": "03"}},
            {"type": "Feature", "geometry": square(3.0), "properties": {"name": "Doppelt", "key": "01"}},
            {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1]]]}, "properties": {"name": "Offen", "key": "05"}},
        ]));
        let error = read_collection(&bytes, &ImportOptions::default()).expect_err("refused");
        assert_eq!(
            error.field_problems(),
            [
                ("features[1]", "geometry_kind"),
                ("features[2]", "feature_name_missing"),
                ("features[3]", "feature_key_duplicate"),
                ("features[4]", "geometry_ring_not_closed"),
            ]
        );
    }

    #[test]
    fn a_file_that_is_no_feature_collection_is_refused_as_a_whole() {
        let options = ImportOptions::default();
        let refused = |bytes: &[u8]| read_collection(bytes, &options).expect_err("refused");
        assert_eq!(
            refused(b"<xml/>").field_problems(),
            [("districts", "not_geojson")]
        );
        assert_eq!(
            refused(br#"{"type":"Feature"}"#).field_problems(),
            [("districts", "not_feature_collection")]
        );
        assert_eq!(
            refused(&collection(json!([]))).field_problems(),
            [("districts", "no_features")]
        );
        let many: Vec<Value> = (0..=MAX_DISTRICTS)
            .map(|i| json!({"type": "Feature", "geometry": square(0.0), "properties": {"name": i.to_string()}}))
            .collect();
        assert_eq!(
            refused(&collection(Value::Array(many))).field_problems(),
            [("districts", "too_many_features")]
        );
    }

    #[test]
    fn a_named_property_is_the_only_one_read() {
        let bytes = collection(json!([
            {"type": "Feature", "geometry": square(0.0), "properties": {"name": "Mitte", "STADTTEIL": "Altstadt", "NR": "7"}},
        ]));
        let options = ImportOptions {
            name_property: Some("STADTTEIL".into()),
            key_property: Some("NR".into()),
            source: String::new(),
        };
        let districts = read_collection(&bytes, &options).expect("valid");
        assert_eq!(
            (districts[0].key.as_str(), districts[0].name.as_str()),
            ("7", "Altstadt")
        );
        let missing = ImportOptions {
            key_property: Some("ABSENT".into()),
            ..options
        };
        assert_eq!(
            read_collection(&bytes, &missing)
                .expect_err("no key")
                .field_problems(),
            [("features[0]", "feature_key_missing")]
        );
    }
}
