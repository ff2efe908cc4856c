//! The legally required pages every German public website carries.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum LegalPage {
    /// Impressum (§ 5 DDG).
    Imprint,
    /// Datenschutzerklärung (Art. 13 GDPR).
    Privacy,
    /// Erklärung zur Barrierefreiheit (BITV 2.0 § 7).
    Accessibility,
}

impl LegalPage {
    pub const ALL: [LegalPage; 3] = [Self::Imprint, Self::Privacy, Self::Accessibility];

    /// The file stem under `<data dir>/pages/` and the public path segment.
    pub fn slug(self) -> &'static str {
        match self {
            Self::Imprint => "impressum",
            Self::Privacy => "datenschutz",
            Self::Accessibility => "barrierefreiheit",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct LegalPageView {
    pub page: LegalPage,
    /// Sanitized HTML rendered from the instance's Markdown.
    pub html: String,
}
