//! The projects on a budget's ballot: to choose from (a box to tick, or points under the
//! cumulative rule), as a submitted ballot shows them (fixed), or to read.

use super::ballot::Chosen;
use super::money;
use crate::formats::budget::model::{BallotRule, Project};
use crate::i18n::{T, use_i18n};
use crate::model::path;
use leptos::prelude::*;
use std::collections::BTreeMap;

/// How the projects are shown: to choose from, as a submitted ballot's (fixed), or to read.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Choose,
    Fixed,
    Read,
}

#[component]
pub fn ProjectList(
    projects: Vec<Project>,
    rule: BallotRule,
    chosen: Option<RwSignal<Chosen>>,
    mode: Mode,
) -> impl IntoView {
    if projects.is_empty() {
        return view! { <p class="empty-state"><T k=|t| t.no_projects /></p> }.into_any();
    }
    let titles: BTreeMap<i64, String> = projects.iter().map(|p| (p.id, p.title.clone())).collect();
    let initial = chosen.map(|c| c.get_untracked()).unwrap_or_default();
    let items = projects
        .into_iter()
        .map(|project| {
            let excludes: Vec<String> = project
                .excludes
                .iter()
                .filter_map(|id| titles.get(id).cloned())
                .collect();
            let points = initial.get(&project.id).copied().unwrap_or(0);
            view! { <ProjectItem project rule points excludes mode /> }
        })
        .collect_view();
    view! { <ul class="project-list">{items}</ul> }.into_any()
}

#[component]
fn ProjectItem(
    project: Project,
    rule: BallotRule,
    /// The points the ballot gives it (0: not chosen).
    points: u32,
    /// The titles of the projects it excludes.
    excludes: Vec<String>,
    mode: Mode,
) -> impl IntoView {
    let i18n = use_i18n();
    let id = project.id;
    let field = format!("projekt-{id}");
    let cost_id = format!("projekt-{id}-kosten");
    let name = format!("choice[{id}]");
    let disabled = mode == Mode::Fixed;
    let chosen = points > 0;
    let title = project.title.clone();
    let cost = project.cost_cents;
    let (heading, points_field) = match (mode, rule) {
        (Mode::Read, _) => (
            view! { <h3 class="project__title">{title}</h3> }.into_any(),
            None,
        ),
        (
            _,
            BallotRule::Cumulative {
                max_per_project, ..
            },
        ) => (
            view! { <h3 class="project__title">{title.clone()}</h3> }.into_any(),
            Some(view! {
                <div class="project__points">
                    <label for=field.clone()>
                        <T k=|t| t.project_points />
                        <span class="visually-hidden">": " {title}</span>
                    </label>
                    <input type="number" id=field.clone() name=name.clone() min="0"
                        max=max_per_project value=points inputmode="numeric"
                        data-project=id disabled=disabled aria-describedby=cost_id.clone() />
                </div>
            }),
        ),
        _ => (
            view! {
                <h3 class="project__title project__title--choice">
                    <input type="checkbox" id=field.clone() name=name.clone() value="1"
                        checked=chosen data-project=id disabled=disabled
                        aria-describedby=cost_id.clone() />
                    <label for=field.clone()>{title}</label>
                </h3>
            }
            .into_any(),
            None,
        ),
    };
    let opinion = (!project.feasibility_reason.trim().is_empty()).then(|| {
        view! {
            <details class="project__opinion">
                <summary><T k=|t| t.project_opinion /></summary>
                <p>{project.feasibility_reason.clone()}</p>
            </details>
        }
    });
    let unit = (!project.responsible_unit.trim().is_empty()).then(|| {
        view! {
            <div>
                <dt><T k=|t| t.department /></dt>
                <dd>{project.responsible_unit.clone()}</dd>
            </div>
        }
    });
    let district = project.district.clone().map(|district| {
        view! {
            <div>
                <dt><T k=|t| t.budget_district /></dt>
                <dd>{district}</dd>
            </div>
        }
    });
    let excludes = (!excludes.is_empty()).then(|| {
        view! {
            <div>
                <dt><T k=|t| t.project_excludes /></dt>
                <dd>{excludes.join(", ")}</dd>
            </div>
        }
    });
    let proposal = project.proposal_id.map(|number| {
        view! {
            <p>
                <a href=path::proposal(number)>
                    {move || i18n.t().project_from_proposal.fmt(&[("number", number.into())])}
                </a>
            </p>
        }
    });
    view! {
        <li class="card project" class:project--chosen=chosen>
            {heading}
            <p class="project__cost" id=cost_id>
                <T k=|t| t.project_cost />
                ": "
                {move || money(i18n.t(), cost)}
            </p>
            {points_field}
            <p class="project__description">{project.description.clone()}</p>
            <dl class="facts">{district}{unit}{excludes}</dl>
            {opinion}
            {proposal}
        </li>
    }
}
