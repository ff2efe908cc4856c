//! `/verwaltung/verfahren/{slug}/gebiet`: the part of the city a procedure is about, for
//! planners. It is built from the city's districts (ticked boxes) or taken from a GeoJSON
//! file (a multipart form the server takes, see `server::rest::places`); both work
//! without JavaScript. Contributions placed outside it are refused from then on; the page
//! says how many earlier ones lie outside.

use crate::api::places::{ClearArea, SetAreaDistricts, area_page};
use crate::components::desk::desk_frame;
use crate::components::form::{ErrorAlert, posted_error, posted_error_named, status, typed_before};
use crate::i18n::{T, use_i18n};
use crate::model::area::{AREA_FORM, AreaDistrict, AreaPage as Page, AreaView, LABEL_MAX};
use crate::model::done::Done;
use crate::model::path;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_params_map;

/// The page.
#[component]
pub fn AreaPage() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let data = Resource::new(slug, area_page);
    desk_frame(
        |t| t.area_title,
        data,
        |page| view! { <Area page /> }.into_any(),
    )
}

#[component]
fn Area(page: Page) -> impl IntoView {
    let i18n = use_i18n();
    let status = status();
    let notice = move || {
        let text = match status.get()? {
            Done::AreaSet => i18n.t().area_saved,
            Done::AreaCleared => i18n.t().area_cleared,
            _ => return None,
        };
        Some(view! { <p class="alert alert--success" role="status">{text}</p> })
    };
    let Page {
        slug,
        title,
        area,
        districts,
        outside,
    } = page;
    let current = match area {
        Some(area) => view! { <Current slug=slug.clone() area outside /> }.into_any(),
        None => view! { <p><T k=|t| t.area_none /></p> }.into_any(),
    };
    view! {
        <p class="card__kicker">
            <a href=path::PLANNER_OVERVIEW><T k=|t| t.planning_title /></a>
            " · "
            <a href=path::procedure(&slug)>{title}</a>
        </p>
        <h1><T k=|t| t.area_title /></h1>
        <p><T k=|t| t.area_intro /></p>
        {notice}
        <section aria-labelledby="area-current-heading">
            <h2 id="area-current-heading"><T k=|t| t.area_current /></h2>
            {current}
        </section>
        <DistrictsForm slug=slug.clone() districts />
        <FileForm slug />
    }
}

#[component]
fn Current(slug: String, area: AreaView, outside: u64) -> impl IntoView {
    let i18n = use_i18n();
    let error = posted_error::<ClearArea>();
    let covers = if area.covers.is_empty() {
        None
    } else {
        Some(area.covers.join(", "))
    };
    view! {
        <dl class="facts">
            <div>
                <dt><T k=|t| t.area_label /></dt>
                <dd>{area.label}</dd>
            </div>
            <div>
                <dt><T k=|t| t.area_origin /></dt>
                <dd>{move || {
                    let t = i18n.t();
                    if area.from_districts { t.area_from_districts } else { t.area_from_file }
                }}</dd>
            </div>
            {covers.map(|covers| view! {
                <div>
                    <dt><T k=|t| t.area_covers /></dt>
                    <dd>{covers}</dd>
                </div>
            })}
            <div>
                <dt><T k=|t| t.area_updated /></dt>
                <dd>{move || i18n.t().date(area.updated_at)}</dd>
            </div>
        </dl>
        <figure class="place-map">
            <img src=path::area_map(&slug) alt=move || i18n.t().map_area_alt width="640"
                decoding="async" />
        </figure>
        {(outside > 0).then(|| view! {
            <p class="alert alert--info" role="note">
                {move || i18n.t().area_outside.fmt(&[("count", outside.into())])}
            </p>
        })}
        <ErrorAlert error />
        <form method="post" action=ClearArea::PATH>
            <input type="hidden" name="slug" value=slug />
            <button type="submit" class="button--quiet"><T k=|t| t.area_clear /></button>
        </form>
    }
}

/// Ticked districts make the area (the ones it was built from come ticked).
#[component]
fn DistrictsForm(slug: String, districts: Vec<AreaDistrict>) -> impl IntoView {
    let error = posted_error::<SetAreaDistricts>();
    let body = if districts.is_empty() {
        view! {
            <p>
                <T k=|t| t.area_no_districts />
                " "
                <a href=path::DISTRICTS><T k=|t| t.districts_title /></a>
            </p>
        }
        .into_any()
    } else {
        let boxes = districts
            .into_iter()
            .enumerate()
            .map(|(i, d)| {
                let id = format!("area-district-{}", d.district.id);
                // Indexed names carry the key as the value: a key such as "01" in the name
                // would be read back by the query-string decoder as the number 1.
                let name = format!("district[{i}]");
                view! {
                    <div class="field field--check">
                        <input
                            id=id.clone()
                            type="checkbox"
                            name=name
                            value=d.district.key
                            checked=d.chosen
                        />
                        <label for=id>{d.district.name}</label>
                    </div>
                }
            })
            .collect_view();
        view! {
            <ErrorAlert error fields=&["area_districts"] prefix=Some("area-".to_owned()) />
            <form method="post" action=SetAreaDistricts::PATH class="editor">
                <input type="hidden" name="slug" value=slug />
                <fieldset id="area-area_districts">
                    <legend><T k=|t| t.area_districts_legend /></legend>
                    {boxes}
                </fieldset>
                <button type="submit"><T k=|t| t.area_districts_submit /></button>
            </form>
        }
        .into_any()
    };
    view! {
        <section id="stadtteile" aria-labelledby="area-districts-heading">
            <h2 id="area-districts-heading"><T k=|t| t.area_districts_heading /></h2>
            {body}
        </section>
    }
}

/// A GeoJSON file makes the area (multipart, taken by the server's own route).
#[component]
fn FileForm(slug: String) -> impl IntoView {
    let error = posted_error_named(AREA_FORM);
    let label = typed_before(error, "area_label", None).unwrap_or_default();
    view! {
        <section id="datei" aria-labelledby="area-file-heading">
            <h2 id="area-file-heading"><T k=|t| t.area_file_heading /></h2>
            <p><T k=|t| t.area_file_hint /></p>
            <ErrorAlert error fields=&["area", "area_label"] prefix=Some("area-".to_owned()) />
            <form method="post" action=path::procedure_area(&slug) enctype="multipart/form-data" class="editor">
                <div class="field">
                    <label for="area-area"><T k=|t| t.area_file /></label>
                    <input id="area-area" type="file" name="area" required=true
                        accept=".geojson,.json,application/geo+json,application/json" />
                </div>
                <div class="field">
                    <label for="area-area_label"><T k=|t| t.area_label /></label>
                    <p class="field__hint" id="area-area_label-hint"><T k=|t| t.area_label_hint /></p>
                    <input id="area-area_label" type="text" name="area_label" maxlength=LABEL_MAX.to_string()
                        value=label aria-describedby="area-area_label-hint" />
                </div>
                <button type="submit"><T k=|t| t.area_file_submit /></button>
            </form>
        </section>
    }
}
