//! Liveness and readiness for load balancers and orchestrators.

use app::backend::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::json;
use std::time::Duration;

/// The process is up and answering.
pub async fn healthz() -> &'static str {
    "ok"
}

/// The instance can serve requests: its database answers within two seconds.
pub async fn readyz(State(state): State<AppState>) -> (StatusCode, Json<serde_json::Value>) {
    match tokio::time::timeout(Duration::from_secs(2), state.db.ping()).await {
        Ok(Ok(())) => (StatusCode::OK, Json(json!({ "status": "ready" }))),
        outcome => {
            let detail = match outcome {
                Ok(Err(error)) => format!("database unreachable: {error}"),
                _ => "database did not answer within 2 s".to_owned(),
            };
            tracing::warn!(%detail, "not ready");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({
                    "status": "unavailable",
                    "errors": [{ "code": "unavailable", "detail": "the database is unreachable" }]
                })),
            )
        }
    }
}
