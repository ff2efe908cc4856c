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

impl AppError {
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
            Self::InvalidInput { .. } => 422,
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
    type Encoder = leptos::server_fn::codec::JsonEncoding;

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
    fn codes_are_snake_case_and_match_the_serialized_tag() {
        let all = [
            AppError::NotFound,
            AppError::invalid("slug", "too_long"),
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
