//! Places in forms and on pages: the district a contribution is in, and its address.

use crate::components::form::{Field, described_by, field_error, typed_before};
use crate::error::AppError;
use crate::i18n::{T, use_i18n};
use crate::model::place::DistrictRef;
use leptos::prelude::*;

/// The district select of a contribution's form (`district`: the district's key), shown
/// only when the instance has districts. What was chosen comes back after a refusal.
#[component]
pub fn DistrictField(
    districts: Vec<DistrictRef>,
    /// The key chosen so far (the edit form's current district).
    selected: Option<String>,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    if districts.is_empty() {
        return ().into_any();
    }
    let message = field_error(error, "district");
    let hint_id = "field-district-hint".to_owned();
    let error_id = "field-district-error".to_owned();
    let described = described_by(Some(hint_id.clone()), error_id.clone(), message);
    let chosen = typed_before(error, "district", selected).unwrap_or_default();
    let options = districts
        .into_iter()
        .map(|d| {
            let selected = d.key == chosen;
            view! { <option value=d.key selected=selected>{d.name}</option> }
        })
        .collect_view();
    view! {
        <div class="field" class:field--error=move || message.get().is_some()>
            <label for="field-district"><T k=|t| t.district_label /></label>
            <p class="field__hint" id=hint_id><T k=|t| t.district_hint /></p>
            {move || message.get().map(|text| view! { <p class="field__error" id=error_id.clone()>{text}</p> })}
            <select
                id="field-district"
                name="district"
                aria-describedby=described
                aria-invalid=move || message.get().map(|_| "true")
            >
                <option value="">{move || i18n.t().no_district}</option>
                {options}
            </select>
        </div>
    }
    .into_any()
}

/// The address field of a contribution's form, shown only when the city has an address
/// list. After a refused address, what may have been meant is offered as choices
/// (`address_choice`, which wins over the field): a plain form, no JavaScript needed.
#[component]
pub fn AddressField(
    state: crate::model::address::AddressFieldState,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    if !state.available {
        return ().into_any();
    }
    let suggestions = state
        .lookup
        .map(|lookup| lookup.suggestions)
        .unwrap_or_default();
    let choices = (!suggestions.is_empty()).then(|| {
        let items = suggestions
            .into_iter()
            .enumerate()
            .map(|(i, suggestion)| {
                let id = format!("address-choice-{i}");
                view! {
                    <div class="choice">
                        <input type="radio" id=id.clone() name="address_choice" value=suggestion.label.clone() />
                        <label for=id>{suggestion.label}</label>
                    </div>
                }
            })
            .collect_view();
        view! {
            <fieldset class="choices address-choices">
                <legend>{move || i18n.t().address_did_you_mean}</legend>
                {items}
            </fieldset>
        }
    });
    view! {
        <Field
            name="address"
            label=|t| t.address_label
            error
            required=false
            hint=|t| t.address_hint
            autocomplete="street-address"
        />
        {choices}
    }
    .into_any()
}
