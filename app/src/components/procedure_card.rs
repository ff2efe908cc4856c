use crate::i18n::{T, Texts, use_i18n};
use crate::model::procedure::{PhaseKind, ProcedureState, ProcedureSummary};
use crate::model::time::Timestamp;
use leptos::prelude::*;

/// The state and the one date that matters in it: when proposals open (or the procedure
/// starts), the current phase's deadline, or the last day.
#[component]
pub fn ScheduleFacts(procedure: ProcedureSummary) -> impl IntoView {
    let i18n = use_i18n();
    let state = procedure.state;
    let phase = procedure.current_phase;
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
    let key = KeyDate::of(&procedure);
    let label = move || key.label(i18n.t());
    let date = move || key.date(i18n.t());
    view! {
        <dl class="facts">
            {phase_row}
            <div>
                <dt>{label}</dt>
                <dd>{date}</dd>
            </div>
        </dl>
    }
}

/// The one date a procedure's facts show. Dates are shown as the planner entered them: an
/// end is the last day, not the first moment after it.
#[derive(Clone, Copy)]
enum KeyDate {
    ProposalsFrom(Timestamp),
    StartsOn(Timestamp),
    PhaseUntil(PhaseKind, Timestamp),
    RunsUntil(Timestamp),
    EndedOn(Timestamp),
}

impl KeyDate {
    fn of(procedure: &ProcedureSummary) -> Self {
        match (
            procedure.state,
            procedure.current_phase,
            procedure.current_phase_ends_at,
        ) {
            (ProcedureState::Upcoming, _, _) => procedure
                .proposals_open_at
                .map_or(Self::StartsOn(procedure.starts_at), Self::ProposalsFrom),
            (ProcedureState::Running, Some(kind), Some(deadline)) => {
                Self::PhaseUntil(kind, deadline)
            }
            (ProcedureState::Running, _, _) => Self::RunsUntil(procedure.ends_at),
            (ProcedureState::Finished, _, _) => Self::EndedOn(procedure.ends_at),
        }
    }

    fn label(self, t: &Texts) -> String {
        match self {
            Self::ProposalsFrom(_) => t.proposals_from.to_owned(),
            Self::StartsOn(_) => t.starts_on.to_owned(),
            Self::PhaseUntil(kind, _) => t.phase_until(kind),
            Self::RunsUntil(_) => t.runs_until.to_owned(),
            Self::EndedOn(_) => t.ended_on.to_owned(),
        }
    }

    fn date(self, t: &Texts) -> String {
        match self {
            Self::ProposalsFrom(at) | Self::StartsOn(at) => t.date(at),
            Self::PhaseUntil(_, end) | Self::RunsUntil(end) | Self::EndedOn(end) => t.last_day(end),
        }
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
    let href = crate::model::path::procedure(&procedure.slug);
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
