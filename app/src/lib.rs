//! Mitreden: online citizen participation. This crate is the Leptos application (compiled
//! for the browser with `hydrate`) and, with `ssr`, the backend the server binary runs.

#![recursion_limit = "256"]

pub mod api;
pub mod app;
pub mod components;
pub mod error;
pub mod formats;
pub mod i18n;
pub mod model;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod backend;

#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // Asynchronous hydration: the page's texts first (they travel beside the bundle, see
    // `i18n::wire`); a page split off the main bundle (a lazy route) then loads its code,
    // then hydrates.
    wasm_bindgen_futures::spawn_local(async {
        if let Err(problem) = i18n::wire::load(i18n::wire::page_lang()).await {
            // The page stays as the server rendered it, which works without scripts.
            leptos::logging::warn!(
                "Mitreden: texts not loaded ({problem}); the page works without scripts"
            );
            return;
        }
        let owner = leptos::mount::hydrate_from_async(leptos::tachys::dom::body(), app::App).await;
        owner.forget();
        // A marker for tests and styles that want to know the page is interactive.
        if let Some(root) = leptos::tachys::dom::document().document_element() {
            let _ = root.set_attribute("data-hydrated", "");
        }
    });
}
