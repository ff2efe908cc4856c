//! Accounts as browser and server see them: validated inputs and the views of a person.

use crate::error::AppError;
use serde::{Deserialize, Serialize};

string_enum! {
    #[derive(PartialOrd, Ord)]
    pub enum Role {
        Resident = "resident",
        Moderator = "moderator",
        Planner = "planner",
        Admin = "admin",
    }
}

impl Role {
    /// Planners and administrators run procedures.
    pub fn plans(self) -> bool {
        matches!(self, Self::Planner | Self::Admin)
    }

    /// Where a sign-in without a return address lands: the work of the role.
    pub fn home(self) -> &'static str {
        match self {
            Self::Resident => "/",
            Self::Moderator => "/moderation",
            Self::Planner | Self::Admin => "/verwaltung/verfahren",
        }
    }
}

/// An e-mail address, trimmed and lower-cased: the same person cannot register twice by
/// changing case.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

impl Email {
    pub const MAX_LEN: usize = 254;

    pub fn parse(value: &str) -> Result<Self, AppError> {
        let invalid = |problem| AppError::invalid("email", problem);
        let email = value.trim().to_lowercase();
        if email.is_empty() {
            return Err(invalid("empty"));
        }
        if email.len() > Self::MAX_LEN {
            return Err(invalid("too_long"));
        }
        let Some((local, domain)) = email.split_once('@') else {
            return Err(invalid("malformed"));
        };
        let well_formed = !local.is_empty()
            && local.len() <= 64
            && !domain.contains('@')
            && domain.contains('.')
            && !domain.starts_with(['.', '-'])
            && !domain.ends_with(['.', '-'])
            && !domain.contains("..")
            && email
                .chars()
                .all(|c| !c.is_whitespace() && !c.is_control() && !"<>()[]\\,;:\"".contains(c));
        if !well_formed {
            return Err(invalid("malformed"));
        }
        Ok(Self(email))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Email {
    type Error = AppError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<Email> for String {
    fn from(email: Email) -> Self {
        email.0
    }
}

/// The name shown beside contributions: 2 to 60 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
#[serde(try_from = "String", into = "String")]
pub struct DisplayName(String);

impl DisplayName {
    pub const MAX_CHARS: usize = 60;

    pub fn parse(value: &str) -> Result<Self, AppError> {
        let invalid = |problem| AppError::invalid("display_name", problem);
        // Runs of white space become one space; bidi controls and the like are refused.
        let name = value.split_whitespace().collect::<Vec<_>>().join(" ");
        let chars = name.chars().count();
        if chars < 2 {
            return Err(invalid("too_short"));
        }
        if chars > Self::MAX_CHARS {
            return Err(invalid("too_long"));
        }
        if name.chars().any(super::text::forbidden_in_line) {
            return Err(invalid("forbidden_characters"));
        }
        Ok(Self(name))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for DisplayName {
    type Error = AppError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<DisplayName> for String {
    fn from(name: DisplayName) -> Self {
        name.0
    }
}

/// A new password: long enough to resist guessing; the server also refuses common ones.
#[derive(Clone, PartialEq, Eq)]
pub struct NewPassword(String);

impl NewPassword {
    pub const MIN_CHARS: usize = 10;
    pub const MAX_CHARS: usize = 256;

    pub fn parse(value: &str) -> Result<Self, AppError> {
        let chars = value.chars().count();
        if chars < Self::MIN_CHARS {
            return Err(AppError::invalid("password", "too_short"));
        }
        if chars > Self::MAX_CHARS {
            return Err(AppError::invalid("password", "too_long"));
        }
        Ok(Self(value.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword(…)")
    }
}

/// The signed-in person, as `GET /api/v1/me` and the pages see them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct Me {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub verified: bool,
    pub lang: crate::i18n::Lang,
    pub notify_replies: bool,
    pub notify_digest: bool,
    /// Results and open data name this person by display name, not by a pseudonym.
    #[serde(default)]
    pub public_name: bool,
}

/// A line of the administration's user list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct UserRow {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub role: Role,
    pub verified: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(
            Email::parse("  Anna.Muster@Example.ORG ").unwrap().as_str(),
            "anna.muster@example.org"
        );
        for bad in [
            "",
            "anna",
            "anna@",
            "@example.org",
            "anna@example",
            "an na@example.org",
            "anna@@example.org",
            "anna@.example.org",
            "anna@example..org",
            "<a>@example.org",
        ] {
            assert!(Email::parse(bad).is_err(), "{bad:?} accepted");
        }
        assert!(Email::parse(&format!("{}@example.org", "a".repeat(65))).is_err());
    }

    #[test]
    fn display_names_are_tidied_and_bounded() {
        assert_eq!(
            DisplayName::parse("  Jürgen   Müller ").unwrap().as_str(),
            "Jürgen Müller"
        );
        assert!(DisplayName::parse("J").is_err());
        assert!(DisplayName::parse(&"ü".repeat(61)).is_err());
        assert!(DisplayName::parse("Anna\u{202e}nimda").is_err());
        assert!(DisplayName::parse("Anna\u{0007}").is_err());
    }

    #[test]
    fn passwords_have_a_minimum_length_in_characters() {
        assert!(NewPassword::parse("kurz").is_err());
        assert!(NewPassword::parse("äöüäöüäöüä").is_ok());
        assert!(!format!("{:?}", NewPassword::parse("geheim-geheim").unwrap()).contains("geheim"));
    }

    #[test]
    fn roles_round_trip() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("root"), None);
    }
}
