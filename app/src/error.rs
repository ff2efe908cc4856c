//! The one error type that crosses every boundary: service -> server function / REST -> UI.
//! Each variant has a stable snake_case code; the UI translates codes, clients match on them.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("invalid input in `{field}`: {problem}")]
    InvalidInput { field: String, problem: String },
    /// Several fields of a form at once, so a person corrects them all in one go. The API
    /// answers with one entry per field (code `invalid_input` each).
    #[error("invalid input in {} fields", errors.len())]
    InvalidFields { errors: Vec<FieldProblem> },
    #[error("authentication required")]
    Unauthenticated,
    /// Wrong e-mail or password; deliberately does not say which.
    #[error("e-mail address or password is wrong")]
    InvalidCredentials,
    #[error("not allowed")]
    Forbidden,
    #[error("conflicts with the current state")]
    Conflict,
    #[error("too many requests")]
    RateLimited { retry_after_secs: u64 },
    #[error("request too large")]
    PayloadTooLarge,
    /// A body in a format this endpoint does not take (an upload that is not a JPEG, PNG or
    /// WebP image, say).
    #[error("unsupported media type")]
    UnsupportedMediaType,
    #[error("service temporarily unavailable")]
    Unavailable,
    #[error("internal error")]
    Internal,
    /// The request never reached a service (transport, encoding): the detail is technical.
    #[error("request failed: {detail}")]
    #[serde(rename = "request_failed")]
    Request { detail: String },
}

/// One field's problem: its name (as the form and the API name it) and a stable code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(schemars::JsonSchema))]
pub struct FieldProblem {
    pub field: String,
    pub problem: String,
}

/// Collects the problems of a form's fields, checked one after another.
#[derive(Debug, Default)]
pub struct Problems {
    fields: Vec<FieldProblem>,
    /// An error that is no field's (it wins: the form's fields do not matter then).
    other: Option<AppError>,
}

impl Problems {
    /// The value of a check that passed; a failed one is noted.
    pub fn check<T>(&mut self, result: Result<T, AppError>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(error) => {
                self.note(error);
                None
            }
        }
    }

    pub fn note(&mut self, error: AppError) {
        match error {
            AppError::InvalidInput { field, problem } => {
                if !self.fields.iter().any(|p| p.field == field) {
                    self.fields.push(FieldProblem { field, problem });
                }
            }
            AppError::InvalidFields { errors } => {
                for problem in errors {
                    self.note(AppError::InvalidInput {
                        field: problem.field,
                        problem: problem.problem,
                    });
                }
            }
            other => {
                self.other.get_or_insert(other);
            }
        }
    }

    /// Whether `field` has a problem already (later checks of it are moot).
    pub fn has(&self, field: &str) -> bool {
        self.fields.iter().any(|p| p.field == field)
    }

    /// Nothing noted: `Ok`; one field: `InvalidInput`; several: `InvalidFields`.
    pub fn finish(mut self) -> Result<(), AppError> {
        if let Some(other) = self.other {
            return Err(other);
        }
        match self.fields.len() {
            0 => Ok(()),
            1 => {
                let FieldProblem { field, problem } = self.fields.remove(0);
                Err(AppError::InvalidInput { field, problem })
            }
            _ => Err(AppError::InvalidFields {
                errors: self.fields,
            }),
        }
    }
}

impl AppError {
    /// Every (field, problem) this error names, in the form's order.
    pub fn field_problems(&self) -> Vec<(&str, &str)> {
        match self {
            Self::InvalidInput { field, problem } => vec![(field.as_str(), problem.as_str())],
            Self::InvalidFields { errors } => errors
                .iter()
                .map(|p| (p.field.as_str(), p.problem.as_str()))
                .collect(),
            _ => Vec::new(),
        }
    }

    pub fn invalid(field: &str, problem: &str) -> Self {
        Self::InvalidInput {
            field: field.to_owned(),
            problem: problem.to_owned(),
        }
    }

    /// The stable code, as in the JSON error shape `{"errors":[{"code": …}]}`.
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotFound => "not_found",
            Self::InvalidInput { .. } => "invalid_input",
            // The API lists each field as an `invalid_input` of its own.
            Self::InvalidFields { .. } => "invalid_fields",
            Self::Unauthenticated => "unauthenticated",
            Self::InvalidCredentials => "invalid_credentials",
            Self::Forbidden => "forbidden",
            Self::Conflict => "conflict",
            Self::RateLimited { .. } => "rate_limited",
            Self::PayloadTooLarge => "payload_too_large",
            Self::UnsupportedMediaType => "unsupported_media_type",
            Self::Unavailable => "unavailable",
            Self::Internal => "internal",
            Self::Request { .. } => "request_failed",
        }
    }

    pub fn status_code(&self) -> u16 {
        match self {
            Self::NotFound => 404,
            Self::InvalidInput { .. } | Self::InvalidFields { .. } => 422,
            Self::Unauthenticated | Self::InvalidCredentials => 401,
            Self::Forbidden => 403,
            Self::Conflict => 409,
            Self::RateLimited { .. } => 429,
            Self::PayloadTooLarge => 413,
            Self::UnsupportedMediaType => 415,
            Self::Unavailable => 503,
            Self::Internal => 500,
            Self::Request { .. } => 400,
        }
    }
}

impl leptos::server_fn::error::FromServerFnError for AppError {
    type Encoder = crate::api::JsonText;

    fn from_server_fn_error(value: leptos::server_fn::error::ServerFnErrorErr) -> Self {
        Self::Request {
            detail: value.to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problems_collect_every_field_once_and_other_errors_win() {
        assert_eq!(Problems::default().finish(), Ok(()));
        let mut one = Problems::default();
        one.note(AppError::invalid("title", "too_short"));
        one.note(AppError::invalid("title", "too_long"));
        assert_eq!(one.finish(), Err(AppError::invalid("title", "too_short")));
        let mut two = Problems::default();
        assert_eq!(
            two.check::<()>(Err(AppError::invalid("email", "invalid"))),
            None
        );
        two.note(AppError::invalid("password", "too_short"));
        let error = two.finish().unwrap_err();
        assert_eq!(
            error.field_problems(),
            vec![("email", "invalid"), ("password", "too_short")]
        );
        assert_eq!(error.status_code(), 422);
        let mut other = Problems::default();
        other.note(AppError::invalid("email", "invalid"));
        other.note(AppError::Internal);
        assert_eq!(other.finish(), Err(AppError::Internal));
    }

    #[test]
    fn codes_are_snake_case_and_match_the_serialized_tag() {
        let all = [
            AppError::NotFound,
            AppError::invalid("slug", "too_long"),
            AppError::InvalidFields {
                errors: vec![FieldProblem {
                    field: "title".into(),
                    problem: "too_short".into(),
                }],
            },
            AppError::Unauthenticated,
            AppError::InvalidCredentials,
            AppError::Forbidden,
            AppError::Conflict,
            AppError::RateLimited {
                retry_after_secs: 3,
            },
            AppError::PayloadTooLarge,
            AppError::UnsupportedMediaType,
            AppError::Unavailable,
            AppError::Internal,
            AppError::Request { detail: "x".into() },
        ];
        for error in all {
            let json = serde_json::to_value(&error).unwrap_or_default();
            let tag = json.get("code").and_then(|c| c.as_str()).map(str::to_owned);
            assert_eq!(tag.as_deref(), Some(error.code()), "{error:?}");
            assert!(
                error
                    .code()
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c == '_')
            );
        }
    }
}
