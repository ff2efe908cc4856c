use crate::i18n::{T, use_i18n};
use crate::model::procedure::{ProcedureState, ProcedureSummary};
use leptos::prelude::*;

/// The state badge and the one date that matters for that state.
#[component]
pub fn ScheduleFacts(procedure: ProcedureSummary) -> impl IntoView {
    let i18n = use_i18n();
    let state = procedure.state;
    let phase = procedure.current_phase;
    let (date_label, date) = match state {
        ProcedureState::Upcoming => (
            (|t: &'static crate::i18n::Texts| t.starts_on) as fn(_) -> _,
            procedure.starts_at,
        ),
        ProcedureState::Running => (
            (|t: &'static crate::i18n::Texts| t.runs_until) as fn(_) -> _,
            procedure.ends_at,
        ),
        ProcedureState::Finished => (
            (|t: &'static crate::i18n::Texts| t.ended_on) as fn(_) -> _,
            procedure.ends_at,
        ),
    };
    let phase_row = (state == ProcedureState::Running).then(|| {
        view! {
            <div>
                <dt><T k=|t| t.current_phase /></dt>
                <dd>
                    {move || {
                        let t = i18n.t();
                        phase.map(|p| t.phase(p)).unwrap_or(t.between_phases)
                    }}
                </dd>
            </div>
        }
    });
    view! {
        <dl class="facts">
            {phase_row}
            <div>
                <dt>{move || date_label(i18n.t())}</dt>
                <dd>{move || i18n.t().date(date)}</dd>
            </div>
        </dl>
    }
}

#[component]
pub fn StateBadge(state: ProcedureState) -> impl IntoView {
    let i18n = use_i18n();
    let class = match state {
        ProcedureState::Upcoming => "badge badge--upcoming",
        ProcedureState::Running => "badge badge--running",
        ProcedureState::Finished => "badge badge--finished",
    };
    view! { <span class=class>{move || i18n.t().state(state)}</span> }
}

#[component]
pub fn ProcedureCard(procedure: ProcedureSummary) -> impl IntoView {
    let href = format!("/verfahren/{}", procedure.slug);
    // The title beside it names the procedure: the picture is decoration here.
    let image = procedure.image.clone().map(|image| {
        view! {
            <img class="procedure-card__image" src=image.url alt="" width=image.width
                height=image.height loading="lazy" decoding="async" />
        }
    });
    view! {
        <article class="card procedure-card">
            {image}
            <p class="card__kicker">
                <StateBadge state=procedure.state />
                <span>{procedure.department.clone()}</span>
            </p>
            <h2 class="card__title">
                <a href=href>{procedure.title.clone()}</a>
            </h2>
            <p>{procedure.summary.clone()}</p>
            <ScheduleFacts procedure />
        </article>
    }
}
