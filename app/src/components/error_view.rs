//! How errors reach people: a whole page (404, 500) or a notice inside a page. Both set the
//! HTTP status of the server-rendered response.

use crate::error::AppError;
use crate::i18n::{T, Texts, page_title, use_i18n};
use leptos::prelude::*;
use leptos_meta::Title;

fn set_status(error: &AppError) {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>()
        && let Ok(status) = http::StatusCode::from_u16(error.status_code())
    {
        response.set_status(status);
    }
    #[cfg(not(feature = "ssr"))]
    let _ = error;
}

#[component]
pub fn ErrorPage(error: AppError) -> impl IntoView {
    set_status(&error);
    let i18n = use_i18n();
    let status = error.status_code();
    let heading_in = move |t: &'static Texts| match status {
        404 => t.not_found_title,
        500.. => t.internal_title,
        _ => t.error_title,
    };
    let heading = move || heading_in(i18n.t());
    view! {
        <Title text=page_title(heading_in) />
        <div class="container error-page">
            <p class="error-page__code">{status}</p>
            <h1>{heading}</h1>
            <p class="lead">{move || i18n.t().error(&error)}</p>
            <p>
                <a class="button" href="/">
                    <T k=|t| t.back_home />
                </a>
            </p>
        </div>
    }
    .into_any()
}

/// An error inside a page whose heading stands already.
#[component]
pub fn ErrorNotice(error: AppError) -> impl IntoView {
    set_status(&error);
    let i18n = use_i18n();
    view! {
        <div class="alert alert--error" role="alert">
            <p>{move || i18n.t().error(&error)}</p>
        </div>
    }
}

/// What a page last showed of a resource. When a refetch after an in-place update (a vote,
/// a comment, a decision) fails, the page keeps that content and says above it what went
/// wrong, instead of replacing it by the error. Only a first load that fails shows the
/// error itself (`first_error`: a whole page or a notice).
pub struct Shown<T: Send + Sync + 'static>(StoredValue<Option<T>>);

impl<T: Send + Sync + 'static> Clone for Shown<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T: Send + Sync + 'static> Copy for Shown<T> {}

impl<T: Clone + Send + Sync + 'static> Shown<T> {
    pub fn new() -> Self {
        Self(StoredValue::new(None))
    }

    /// The view for a resource's latest result.
    pub fn view<V: IntoView + 'static>(
        self,
        result: Result<T, AppError>,
        render: impl FnOnce(T) -> V,
        first_error: impl FnOnce(AppError) -> AnyView,
    ) -> AnyView {
        let (failed, value) = match result {
            Ok(value) => {
                self.0.set_value(Some(value.clone()));
                (None, value)
            }
            Err(error) => match self.0.get_value() {
                Some(value) => (Some(error), value),
                None => return first_error(error),
            },
        };
        let i18n = use_i18n();
        let notice = failed.map(|error| {
            view! {
                <div class="alert alert--error container" role="alert">
                    <p>
                        {move || i18n.t().update_failed}
                        " "
                        {move || i18n.t().error(&error)}
                    </p>
                </div>
            }
        });
        view! {
            {notice}
            {render(value)}
        }
        .into_any()
    }
}

impl<T: Clone + Send + Sync + 'static> Default for Shown<T> {
    fn default() -> Self {
        Self::new()
    }
}
