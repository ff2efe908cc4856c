//! `/verwaltung/vorschlaege/{id}/umsetzung`: the planners' page of an adopted proposal's
//! implementation: its entries with their photo forms, and the form for the next entry.
//! The proposal's own page shows the entries and links here; the forms are loaded only
//! when a planner comes.

use crate::api::results::{RecordImplementation, get_implementation_desk};
use crate::components::desk::{desk_frame, id_param};
use crate::components::form::posted_error;
use crate::components::implementation::{ImplementationDesk, ImplementationForm};
use crate::i18n::use_i18n;
use crate::model::implementation::ProposalImplementationDesk;
use crate::model::path;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

#[component]
pub fn ImplementationDeskPage() -> impl IntoView {
    let desk = Resource::new(id_param(), get_implementation_desk);
    desk_frame(
        |t| t.implementation_form_heading,
        desk,
        |desk| view! { <Desk desk /> }.into_any(),
    )
}

#[component]
fn Desk(desk: ProposalImplementationDesk) -> impl IntoView {
    let i18n = use_i18n();
    let id = desk.proposal_id;
    let error = posted_error::<RecordImplementation>();
    let hidden = ("proposal_id", id);
    let form = view! {
        <ImplementationForm action=RecordImplementation::PATH hidden error />
    }
    .into_any();
    view! {
        <p class="card__kicker">
            <a href=path::procedure(&desk.procedure.slug)>{desk.procedure.title.clone()}</a>
        </p>
        <h1>{move || i18n.t().implementation_form_heading}</h1>
        <p>
            <a href=format!("{}#umsetzung", path::proposal(id))>
                {move || i18n.t().proposal_number.fmt(&[("id", id.into())])}": "{desk.title.clone()}
            </a>
        </p>
        <ImplementationDesk implementation=desk.implementation form />
    }
}
