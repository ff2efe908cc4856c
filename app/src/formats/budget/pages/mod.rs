//! The budget's pages: its section on the procedure's page, the budget with its ballot
//! (`/verfahren/{slug}/budget/{id}`) and its results (`…/ergebnis`), and the planners'
//! pages (`desk`, `project_desk`, `paper`). All but the section are lazy routes: their code
//! loads when someone opens one.

pub mod ballot;
pub mod decisions;
pub mod desk;
pub mod paper;
pub mod project_desk;
pub mod projects;
pub mod results;
pub mod section;

pub use super::wording::{method_text, money, rule_lines, stage_class, stage_label, unfunded_text};
use leptos::prelude::*;

/// The procedure and budget a budget's page is at (`/verfahren/{slug}/budget/{id}`), as a
/// resource's source: an id that is not a number is budget 0, which is never found.
pub fn budget_address() -> impl Fn() -> (String, i64) + Clone + Send + Sync + 'static {
    let params = leptos_router::hooks::use_params_map();
    move || {
        params.with(|p| {
            let slug = p.get("slug").unwrap_or_default();
            let id = p
                .get("id")
                .and_then(|id| id.parse::<i64>().ok())
                .unwrap_or(0);
            (slug, id)
        })
    }
}
