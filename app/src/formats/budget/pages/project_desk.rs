//! A budget's projects for its planners: the form for a new one (on the budget's desk,
//! from a proposal or from scratch) and one project's page (`/verwaltung/budget-projekte/{id}`)
//! where the department's statement is entered and the project is put on the ballot,
//! or, once voting runs, withdrawn.

use super::money;
use crate::components::council::OutcomeFields;
use crate::components::desk::{desk_frame, id_param};
use crate::components::form::{ErrorAlert, Notice, field_error, posted_error, status};
use crate::components::implementation::{ImplementationDesk, ImplementationForm};
use crate::error::AppError;
use crate::formats::budget::model::{BudgetStage, CouncilDesk, Feasibility, Project};
use crate::formats::budget::planning::{ProjectDesk, ProjectForm, Promotable};
use crate::formats::budget::planning_api::{
    CreateProject, RecordProjectImplementation, RecordProjectOutcome, UpdateProject,
    WithdrawProject, get_project_desk,
};
use crate::i18n::{T, Texts, use_i18n};
use crate::model::done::Done;
use crate::model::path;
use crate::pages::planning::EditorField;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

const PROJECT_FIELDS: &[&str] = &[
    "proposal_id",
    "title",
    "cost",
    "district",
    "responsible_unit",
    "feasibility",
    "feasibility_reason",
    "excludes",
];

pub fn feasibility_label(t: &Texts, feasibility: Feasibility) -> &'static str {
    match feasibility {
        Feasibility::Pending => t.feasibility_pending,
        Feasibility::Feasible => t.feasibility_feasible,
        Feasibility::Infeasible => t.feasibility_infeasible,
    }
}

/// The text fields every project has, new or changed. A new one may leave title and
/// description empty when it comes from a proposal: the proposal's are taken.
#[component]
fn ProjectFields(values: ProjectForm, error: Signal<Option<AppError>>, new: bool) -> impl IntoView {
    let texts = if new {
        view! {
            <EditorField name="title" label=|t| t.title_label value=values.title error
                prefix="project" required=false hint=|t| t.desk_title_hint />
            <EditorField name="description" label=|t| t.description_label value=values.description
                error prefix="project" rows=6 error_as="project_description"
                hint=|t| t.desk_description_hint />
        }
        .into_any()
    } else {
        view! {
            <EditorField name="title" label=|t| t.title_label value=values.title error
                prefix="project" />
            <EditorField name="description" label=|t| t.description_label value=values.description
                error prefix="project" rows=6 error_as="project_description" />
        }
        .into_any()
    };
    view! {
        {texts}
        <EditorField name="cost" label=|t| t.desk_cost_label hint=|t| t.desk_euros_hint
            value=values.cost error prefix="project" inputmode="decimal" />
        <EditorField name="district" label=|t| t.budget_district value=values.district error
            prefix="project" required=false />
        <EditorField name="responsible_unit" label=|t| t.department value=values.responsible_unit
            error prefix="project" required=false />
    }
}

/// The form for a new project, on the budget's desk.
#[component]
pub fn NewProject(budget: i64, promotable: Vec<Promotable>) -> impl IntoView {
    let i18n = use_i18n();
    let error = posted_error::<CreateProject>();
    let message = field_error(error, "proposal_id");
    let options = promotable
        .into_iter()
        .map(|p| {
            let (number, supports) = (p.id, p.supports);
            let label = move || {
                i18n.t().desk_proposal_option.fmt(&[
                    ("number", number.into()),
                    ("title", p.title.as_str().into()),
                    ("supports", supports.into()),
                ])
            };
            view! { <option value=number>{label}</option> }
        })
        .collect_view();
    view! {
        <h3 id="new-project"><T k=|t| t.desk_new_project /></h3>
        <ErrorAlert error fields=PROJECT_FIELDS prefix=Some("project-".to_owned()) />
        <form method="post" action=CreateProject::PATH class="editor">
            <input type="hidden" name="budget" value=budget />
            <div class="field" class:field--error=move || message.get().is_some()>
                <label for="project-proposal_id"><T k=|t| t.desk_from_proposal /></label>
                <p class="field__hint" id="project-proposal_id-hint"><T k=|t| t.desk_from_proposal_hint /></p>
                {move || message.get().map(|text| view! { <p class="field__error" id="project-proposal_id-error">{text}</p> })}
                <select id="project-proposal_id" name="form[proposal]"
                    aria-describedby=move || if message.get().is_some() { "project-proposal_id-hint project-proposal_id-error" } else { "project-proposal_id-hint" }>
                    <option value="">{move || i18n.t().desk_no_proposal}</option>
                    {options}
                </select>
            </div>
            <ProjectFields values=ProjectForm::default() error new=true />
            <button type="submit"><T k=|t| t.desk_add_project /></button>
        </form>
    }
}

/// `/verwaltung/budget-projekte/{id}`
#[component]
pub fn ProjectDeskPage() -> impl IntoView {
    let desk = Resource::new(id_param(), get_project_desk);
    desk_frame(
        |t| t.project_desk_title,
        desk,
        |desk| view! { <ProjectView desk /> }.into_any(),
    )
}

#[component]
fn ProjectView(desk: ProjectDesk) -> impl IntoView {
    let i18n = use_i18n();
    let status = status();
    let project = desk.project.clone();
    let notice = move || {
        (status.get() == Some(Done::Created))
            .then(|| view! { <Notice text=|t| t.desk_project_created /> })
    };
    let on_ballot: fn(&'static Texts) -> &'static str = if project.withdrawn {
        |t| t.desk_withdrawn_for_good
    } else if project.on_ballot {
        |t| t.desk_on_ballot_yes
    } else {
        |t| t.desk_on_ballot_no
    };
    let implementation_error = posted_error::<RecordProjectImplementation>();
    let hidden = ("id", project.id);
    let implementation_form = view! {
        <ImplementationForm action=RecordProjectImplementation::PATH hidden error=implementation_error />
    }
    .into_any();
    let body = if desk.budget.locked {
        let results = (desk.budget.stage == BudgetStage::Ended)
            .then(|| path::budget_results(&desk.slug, desk.budget.id));
        view! { <LockedProject project=project.clone() results /> }.into_any()
    } else {
        view! { <ProjectEditor project=project.clone() others=desk.others.clone() /> }.into_any()
    };
    view! {
        <p class="card__kicker">
            <a href=format!("{}#projekte", path::budget_desk(desk.budget.id))>{desk.budget.title.clone()}</a>
        </p>
        <h1>{project.title.clone()}</h1>
        {notice}
        <p><strong>{move || on_ballot(i18n.t())}</strong></p>
        {project.proposal_id.map(|number| view! {
            <p><a href=path::proposal(number)>
                {move || i18n.t().project_from_proposal.fmt(&[("number", number.into())])}
            </a></p>
        })}
        {body}
        {desk.council.clone().map(|council| view! { <ProjectCouncil id=project.id council /> })}
        <ImplementationDesk implementation=desk.implementation.clone() form=implementation_form />
    }
}

/// What the council decided about the project, once voting has ended: the form records
/// it (the council information system's import does the same for agenda items naming it).
#[component]
fn ProjectCouncil(id: i64, council: CouncilDesk) -> impl IntoView {
    let i18n = use_i18n();
    let error = posted_error::<RecordProjectOutcome>();
    let saved = status();
    let number = council.number;
    view! {
        <section id="rat" class="card" aria-labelledby="council-heading">
            <h2 id="council-heading"><T k=|t| t.results_outcomes_title /></h2>
            {move || (saved.get() == Some(Done::OutcomeSaved))
                .then(|| view! { <Notice text=|t| t.project_outcome_saved /> })}
            <p class="field__hint">
                {move || i18n.t().project_council_hint.fmt(&[("number", number.as_str().into())])}
            </p>
            <ErrorAlert error fields=&["outcome", "meeting_date", "justification"]
                prefix=Some("project-outcome-".to_owned()) />
            <form method="post" action=RecordProjectOutcome::PATH class="outcome-form">
                <input type="hidden" name="id" value=id />
                <OutcomeFields prefix="project-outcome-".to_owned() current=council.outcome error />
                <button type="submit"><T k=|t| t.save_outcome /></button>
            </form>
        </section>
    }
}

#[component]
fn ProjectEditor(project: Project, others: Vec<(i64, String)>) -> impl IntoView {
    let i18n = use_i18n();
    let error = posted_error::<UpdateProject>();
    let values = ProjectForm::of(&project, i18n.t().decimal_mark);
    let feasibility = project.feasibility;
    let radio = move |kind: Feasibility| {
        let id = format!("project-feasibility-{}", kind.as_str());
        view! {
            <div class="field field--check">
                <input id=id.clone() type="radio" name="form[feasibility]" value=kind.as_str()
                    checked=feasibility == kind />
                <label for=id>{move || feasibility_label(i18n.t(), kind)}</label>
            </div>
        }
    };
    let excluded = project.excludes.clone();
    let exclusions = (!others.is_empty()).then(|| {
        let boxes = others
            .into_iter()
            .enumerate()
            .map(|(index, (id, title))| {
                let field = format!("project-excludes-{id}");
                view! {
                    <div class="field field--check">
                        <input id=field.clone() type="checkbox" name=format!("form[excludes][{index}]") value=id
                            checked=excluded.contains(&id) />
                        <label for=field>{title}</label>
                    </div>
                }
            })
            .collect_view();
        view! {
            <fieldset class="fieldset" id="project-excludes">
                <legend><T k=|t| t.desk_excludes_legend /></legend>
                <p class="field__hint"><T k=|t| t.desk_excludes_hint /></p>
                {boxes}
            </fieldset>
        }
    });
    view! {
        <ErrorAlert error fields=PROJECT_FIELDS prefix=Some("project-".to_owned()) />
        <form method="post" action=UpdateProject::PATH class="editor">
            <input type="hidden" name="id" value=project.id />
            <ProjectFields values=values.clone() error new=false />
            <fieldset class="fieldset" id="project-feasibility">
                <legend><T k=|t| t.desk_feasibility /></legend>
                {radio(Feasibility::Pending)}
                {radio(Feasibility::Feasible)}
                {radio(Feasibility::Infeasible)}
            </fieldset>
            <EditorField name="feasibility_reason" label=|t| t.project_opinion
                hint=|t| t.desk_reason_hint value=values.feasibility_reason.clone() error
                prefix="project" rows=5 />
            <div class="field field--check">
                <input id="project-selected" type="checkbox" name="form[selected]" value="on"
                    checked=project.selected aria-describedby="project-selected-hint" />
                <label for="project-selected"><T k=|t| t.desk_selected /></label>
                <p class="field__hint" id="project-selected-hint"><T k=|t| t.desk_selected_hint /></p>
            </div>
            {exclusions}
            <button type="submit"><T k=|t| t.save /></button>
        </form>
    }
}

/// A project once voting runs: read only, and withdrawn if it must be; after the end not
/// even that (it would void ballots nobody can submit again): the results page takes a
/// decision instead.
#[component]
fn LockedProject(
    project: Project,
    /// The budget's results, once voting has ended.
    results: Option<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let error = posted_error::<WithdrawProject>();
    let cost = project.cost_cents;
    let feasibility = project.feasibility;
    let withdraw = match results {
        _ if project.withdrawn => None,
        Some(results) => Some(
            view! {
                <p>
                    <T k=|t| t.desk_withdraw_ended />
                    " "
                    <a href=results><T k=|t| t.budget_to_results /></a>
                </p>
            }
            .into_any(),
        ),
        None => Some(
        view! {
            <section aria-labelledby="withdraw-heading">
                <h2 id="withdraw-heading"><T k=|t| t.desk_withdraw_heading /></h2>
                <p><T k=|t| t.desk_withdraw_hint /></p>
                <ErrorAlert error />
                <form method="post" action=WithdrawProject::PATH>
                    <input type="hidden" name="id" value=project.id />
                    <div class="field field--check">
                        <input id="withdraw-confirm" type="checkbox" name="confirm" value="on" required=true />
                        <label for="withdraw-confirm"><T k=|t| t.desk_withdraw_confirm /></label>
                    </div>
                    <button type="submit" class="button--danger"><T k=|t| t.desk_withdraw /></button>
                </form>
            </section>
        }
        .into_any(),
        ),
    };
    // A change posted from a page opened before voting started comes back refused here.
    let refused = posted_error::<UpdateProject>();
    view! {
        <ErrorAlert error=refused />
        <p><T k=|t| t.desk_locked /></p>
        <dl class="facts">
            <div>
                <dt><T k=|t| t.project_cost /></dt>
                <dd>{move || money(i18n.t(), cost)}</dd>
            </div>
            <div>
                <dt><T k=|t| t.desk_feasibility /></dt>
                <dd>{move || feasibility_label(i18n.t(), feasibility)}</dd>
            </div>
            <div>
                <dt><T k=|t| t.department /></dt>
                <dd>{project.responsible_unit.clone()}</dd>
            </div>
        </dl>
        <p class="project__description">{project.description.clone()}</p>
        {withdraw}
    }
}
