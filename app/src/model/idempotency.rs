//! Idempotency keys: a form that creates something carries one, so that sending it again
//! (a lost response, a retry, a double click) creates nothing new.

use crate::error::AppError;

/// A client-chosen key: 16 to 64 characters of `A-Z a-z 0-9 - _`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    pub const FIELD: &'static str = "idempotency_key";

    pub fn parse(value: &str) -> Result<Self, AppError> {
        let value = value.trim();
        let valid = (16..=64).contains(&value.len())
            && value
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if valid {
            Ok(Self(value.to_owned()))
        } else {
            Err(AppError::invalid(Self::FIELD, "invalid"))
        }
    }

    /// An absent or empty key is no key; a present one must be valid.
    pub fn optional(value: Option<&str>) -> Result<Option<Self>, AppError> {
        match value.map(str::trim) {
            None | Some("") => Ok(None),
            Some(value) => Self::parse(value).map(Some),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_long_enough_and_plain() {
        assert!(IdempotencyKey::parse("3f2a9c1e-77b0-4d5e-9a61-0c2b7d8e4f10").is_ok());
        for bad in [
            "short",
            "with space in the key!",
            &"x".repeat(65),
            "ümlaut-ümlaut-ümlaut",
        ] {
            assert!(IdempotencyKey::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(IdempotencyKey::optional(Some("")).unwrap(), None);
        assert_eq!(IdempotencyKey::optional(None).unwrap(), None);
        assert!(IdempotencyKey::optional(Some("nope")).is_err());
    }
}
