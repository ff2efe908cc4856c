//! The frame of a planner's page (a "desk"): its title, and what the page makes of its data
//! once loaded; a visitor is asked to sign in, anyone else refused is told why.

use crate::components::error_view::ErrorNotice;
use crate::components::form::LoginPrompt;
use crate::error::AppError;
use crate::i18n::{T, Texts, page_title};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// The number in a planner's page address (`…/{id}`); 0, which is never found, when it is
/// not a number.
pub fn id_param() -> impl Fn() -> i64 + Clone + Send + Sync + 'static {
    let params = use_params_map();
    move || {
        params
            .read()
            .get("id")
            .and_then(|id| id.parse::<i64>().ok())
            .unwrap_or(0)
    }
}

/// A planner's page: its title, and what `show` makes of its data once loaded; a visitor
/// is asked to sign in, anyone else refused is told why.
pub fn desk_frame<D>(
    title: fn(&'static Texts) -> &'static str,
    data: Resource<Result<D, AppError>>,
    show: fn(D) -> AnyView,
) -> impl IntoView
where
    D: Clone + Send + Sync + serde::Serialize + serde::de::DeserializeOwned + 'static,
{
    view! {
        <Title text=page_title(title) />
        <div class="container form-page form-page--wide">
            <Transition fallback=move || view! { <p class="loading"><T k=|t| t.loading /></p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(value) => show(value),
                        Err(AppError::Unauthenticated) => view! { <LoginPrompt /> }.into_any(),
                        Err(error) => view! { <ErrorNotice error /> }.into_any(),
                    }
                })}
            </Transition>
        </div>
    }
}
