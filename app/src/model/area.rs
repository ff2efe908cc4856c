//! A procedure's area, as the planners' page shows and edits it (the geometry itself is a
//! [`super::place::Geometry`]; `service::procedure::area` keeps it).

use super::place::DistrictRef;
use super::time::Timestamp;
use serde::{Deserialize, Serialize};

/// The name the area file form's errors travel under (as a server function's would).
pub const AREA_FORM: &str = "procedure_area";

/// The longest label of an area.
pub const LABEL_MAX: usize = 200;

/// The planners' page of a procedure's area.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct AreaPage {
    pub slug: String,
    pub title: String,
    pub area: Option<AreaView>,
    /// Every district of the city, and whether the area was built from it.
    pub districts: Vec<AreaDistrict>,
    /// Contributions of the procedure placed before the area was set that lie outside it
    /// (they stay; new ones there are refused).
    pub outside: u64,
}

/// The area a procedure has.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct AreaView {
    /// What people read: the districts' names, or what the planner called a drawn area.
    pub label: String,
    /// Built from the city's districts (else taken from a file).
    pub from_districts: bool,
    /// The districts it covers, by name: the ones a contribution may name.
    pub covers: Vec<String>,
    pub updated_at: Timestamp,
}

/// A district on the area page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct AreaDistrict {
    pub district: DistrictRef,
    /// The area was built from it.
    pub chosen: bool,
}
