use crate::error::AppError;
use crate::model::procedure::{ProcedureDetail, ProcedureFilter, ProcedureListing};
use leptos::prelude::*;

#[server(prefix = "/api", endpoint = "list_procedures")]
pub async fn list_procedures(filter: ProcedureFilter) -> Result<ProcedureListing, AppError> {
    use crate::backend::{service::procedure, state::app_state};
    super::with_status(
        async {
            let state = app_state()?;
            procedure::list_published(&state.db, filter, chrono::Utc::now()).await
        }
        .await,
    )
}

#[server(prefix = "/api", endpoint = "get_procedure")]
pub async fn get_procedure(slug: String) -> Result<ProcedureDetail, AppError> {
    use crate::backend::{service::procedure, state::app_state};
    use crate::model::procedure::Slug;
    super::with_status(
        async {
            // A malformed slug cannot name a procedure: "not found", not a form error.
            let slug = Slug::parse(&slug).map_err(|_| AppError::NotFound)?;
            let state = app_state()?;
            procedure::get_published(&state.db, &slug, chrono::Utc::now()).await
        }
        .await,
    )
}
