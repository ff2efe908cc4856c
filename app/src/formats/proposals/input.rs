//! A proposal's fields as a form or the API sends them, trimmed and checked: the text, the
//! category and the place (in words, a district's key, or a geometry).

use crate::error::AppError;
use serde::{Deserialize, Serialize};

/// The fields of a proposal as a form sends them.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct ProposalInput {
    pub title: String,
    pub body: String,
    pub category: Option<String>,
    /// The place in words ("Marktplatz, vor dem Rathaus").
    pub location: Option<String>,
    /// The key of the district it is in, when the author names only the district.
    #[serde(default)]
    pub district: Option<String>,
    /// Where exactly: a GeoJSON geometry as text (WGS84, longitude first), from the API or
    /// the map. Its district is assigned by the server and wins over `district`.
    #[serde(default)]
    pub geometry: Option<String>,
    /// How exact the geometry is (default: exact).
    #[serde(default)]
    pub precision: Option<crate::model::place::Precision>,
    /// An address of the city's list ("Parkstraße 12"), placed at its point when no
    /// geometry is given; unknown to the list, it is refused (`address not_found`).
    #[serde(default)]
    pub address: Option<String>,
}

impl ProposalInput {
    pub const TITLE_MAX: usize = 200;
    pub const BODY_MAX: usize = 20_000;
    pub const LOCATION_MAX: usize = 200;

    /// Trims and checks every field; every field's problem is reported, by its name.
    pub fn validated(self, categories: &[String]) -> Result<Self, AppError> {
        let mut problems = crate::error::Problems::default();
        let title = self.title.trim().to_owned();
        let body = self.body.trim().to_owned();
        let chars = |s: &str| s.chars().count();
        if chars(&title) < 3 {
            problems.note(AppError::invalid("title", "too_short"));
        }
        if chars(&title) > Self::TITLE_MAX {
            problems.note(AppError::invalid("title", "too_long"));
        }
        if chars(&body) < 10 {
            problems.note(AppError::invalid("body", "too_short"));
        }
        if chars(&body) > Self::BODY_MAX {
            problems.note(AppError::invalid("body", "too_long"));
        }
        let category = self
            .category
            .map(|c| c.trim().to_owned())
            .filter(|c| !c.is_empty());
        if let Some(category) = &category
            && !categories.contains(category)
        {
            problems.note(AppError::invalid("category", "unknown"));
        }
        let location = self
            .location
            .map(|l| l.trim().to_owned())
            .filter(|l| !l.is_empty());
        if location
            .as_deref()
            .is_some_and(|l| chars(l) > Self::LOCATION_MAX)
        {
            problems.note(AppError::invalid("location", "too_long"));
        }
        let district = self
            .district
            .map(|d| d.trim().to_owned())
            .filter(|d| !d.is_empty());
        if district.as_deref().is_some_and(|d| chars(d) > 64) {
            problems.note(AppError::invalid("district", "unknown"));
        }
        let geometry = match self.geometry.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(text) => match crate::model::place::Geometry::parse(text) {
                Ok(geometry) => Some(geometry.to_text()),
                Err(problem) => {
                    problems.note(AppError::invalid("geometry", problem.code()));
                    None
                }
            },
        };
        let address = self
            .address
            .map(|a| a.trim().to_owned())
            .filter(|a| !a.is_empty());
        if address
            .as_deref()
            .is_some_and(|a| chars(a) > crate::model::address::ADDRESS_MAX_CHARS)
        {
            problems.note(AppError::invalid("address", "too_long"));
        }
        for (field, text) in [
            ("title", Some(&title)),
            ("body", Some(&body)),
            ("location", location.as_ref()),
            ("district", district.as_ref()),
            ("address", address.as_ref()),
        ] {
            if text.is_some_and(|text| text.chars().any(crate::model::text::forbidden_in_text)) {
                problems.note(AppError::invalid(field, "control_characters"));
            }
        }
        problems.finish()?;
        Ok(Self {
            title,
            body,
            category,
            location,
            district,
            precision: self.precision.filter(|_| geometry.is_some()),
            geometry,
            address,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proposal_input_is_trimmed_and_checked() {
        let categories = vec!["Radwege".to_owned()];
        let ok = ProposalInput {
            title: "  Radweg an der Ringstraße  ".into(),
            body: "Ein durchgehender, geschützter Radweg.".into(),
            category: Some("Radwege".into()),
            location: Some("  ".into()),
            precision: Some(crate::model::place::Precision::Street),
            ..ProposalInput::default()
        }
        .validated(&categories)
        .unwrap();
        assert_eq!(ok.precision, None, "no precision without a geometry");
        assert_eq!(ok.title, "Radweg an der Ringstraße");
        assert_eq!(ok.location, None);
        let unknown = ProposalInput {
            category: Some("Autobahn".into()),
            ..ok.clone()
        };
        assert_eq!(
            unknown.validated(&categories),
            Err(AppError::invalid("category", "unknown"))
        );
        let control = ProposalInput {
            body: "Text mit \u{0007} Glocke".into(),
            ..ok.clone()
        };
        assert_eq!(
            control.validated(&categories),
            Err(AppError::invalid("body", "control_characters"))
        );
        // Each field with a control character is named, not the description for all.
        let both = ProposalInput {
            title: "Titel mit \u{0007}".into(),
            location: Some("Ort\u{200B}mitte".into()),
            ..ok.clone()
        };
        assert_eq!(
            both.validated(&categories).map_err(|e| e
                .field_problems()
                .into_iter()
                .map(|(f, _)| f.to_owned())
                .collect::<Vec<_>>()),
            Err(vec!["title".to_owned(), "location".to_owned()])
        );
        let placed = ProposalInput {
            geometry: Some(r#" {"type":"Point","coordinates":[9.17750001,48.7758]} "#.into()),
            district: Some("  ".into()),
            ..ok.clone()
        }
        .validated(&categories)
        .unwrap();
        assert_eq!(
            placed.geometry.as_deref(),
            Some(r#"{"coordinates":[9.1775,48.7758],"type":"Point"}"#)
        );
        assert_eq!(placed.district, None);
        let swapped = ProposalInput {
            geometry: Some(r#"{"type":"Point","coordinates":[48.7,170.2]}"#.into()),
            ..ok.clone()
        };
        assert_eq!(
            swapped.validated(&categories),
            Err(AppError::invalid("geometry", "geometry_out_of_range"))
        );
        let long = ProposalInput {
            title: "x".repeat(201),
            ..ok
        };
        assert_eq!(
            long.validated(&categories),
            Err(AppError::invalid("title", "too_long"))
        );
    }
}
