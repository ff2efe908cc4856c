//! The planners' budget pages: a procedure's budgets with the form for a new one
//! (`/verwaltung/verfahren/{slug}/budgets`) and one budget's desk (`/verwaltung/budgets/{id}`):
//! its settings until voting starts, its projects, and the batches of paper ballots while
//! voting runs. Lazy routes; every form is a plain HTML form.

use super::{method_text, money, rule_lines, stage_class, stage_label};
use crate::components::desk::{desk_frame, id_param};
use crate::components::form::{ErrorAlert, Notice, posted_error, status};
use crate::error::AppError;
use crate::formats::budget::model::{BallotRuleKind, Budget, BudgetStage, PaperBatch, Project};
use crate::formats::budget::pages::project_desk::NewProject;
use crate::formats::budget::planning::{BudgetDesk, BudgetForm, BudgetsOverview};
use crate::formats::budget::planning_api::{
    CreateBudget, StartPaperBatch, UpdateBudget, get_budget_desk, get_budget_overview,
};
use crate::i18n::{T, Texts, use_i18n};
use crate::model::done::Done;
use crate::model::path;
use crate::pages::planning::EditorField;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::hooks::use_params_map;

/// The fields of the budget form that an error can be linked to.
const BUDGET_FIELDS: &[&str] = &[
    "title",
    "district",
    "total",
    "rule",
    "min_projects",
    "max_projects",
    "min_spend_percent",
    "points",
    "max_per_project",
    "method",
    "reminder_days",
    "one_district",
];

/// `/verwaltung/verfahren/{slug}/budgets`
#[component]
pub fn BudgetsOverviewPage() -> impl IntoView {
    let params = use_params_map();
    let slug = move || params.read().get("slug").unwrap_or_default();
    let overview = Resource::new(slug, get_budget_overview);
    desk_frame(
        |t| t.budgets_desk_title,
        overview,
        |overview| view! { <Overview overview /> }.into_any(),
    )
}

#[component]
fn Overview(overview: BudgetsOverview) -> impl IntoView {
    let i18n = use_i18n();
    let error = posted_error::<CreateBudget>();
    let procedure = overview.procedure_title.clone();
    let preparing = overview.stage == BudgetStage::Preparing;
    let no_vote = (!overview.vote_scheduled).then(|| {
        let editor = path::procedure_editor(&overview.slug);
        view! {
            <div class="alert alert--info" role="status">
                <p><T k=|t| t.budgets_no_vote_phase /></p>
                <p><a href=editor><T k=|t| t.edit_procedure /></a></p>
            </div>
        }
    });
    let table = if overview.budgets.is_empty() {
        view! { <p><T k=|t| t.budgets_none /></p> }.into_any()
    } else {
        view! { <BudgetTable budgets=overview.budgets.clone() /> }.into_any()
    };
    let form = if preparing {
        let slug = overview.slug.clone();
        view! {
            <section aria-labelledby="new-budget">
                <h2 id="new-budget"><T k=|t| t.budget_new /></h2>
                <ErrorAlert error fields=BUDGET_FIELDS prefix=Some("budget-".to_owned()) />
                <form method="post" action=CreateBudget::PATH class="editor">
                    <input type="hidden" name="slug" value=slug />
                    <BudgetFields values=BudgetForm::blank() error />
                    <button type="submit"><T k=|t| t.budget_create /></button>
                </form>
            </section>
        }
        .into_any()
    } else {
        view! { <p><T k=|t| t.budgets_locked /></p> }.into_any()
    };
    view! {
        <p class="card__kicker"><a href=path::PLANNER_OVERVIEW><T k=|t| t.planning_title /></a></p>
        <h1>{move || i18n.t().budgets_desk_heading.fmt(&[("procedure", procedure.as_str().into())])}</h1>
        {no_vote}
        {table}
        {form}
        <p><a href=path::procedure(&overview.slug)><T k=|t| t.budgets_public_page /></a></p>
    }
}

#[component]
fn BudgetTable(budgets: Vec<Budget>) -> impl IntoView {
    let i18n = use_i18n();
    let rows = budgets
        .into_iter()
        .map(|budget| {
            let counts = budget.ballots.unwrap_or_default();
            let (total, stage) = (budget.total_cents, budget.stage);
            let district = budget.district.clone();
            view! {
                <tr>
                    <th scope="row"><a href=path::budget_desk(budget.id)>{budget.title.clone()}</a></th>
                    <td>{move || district.clone().unwrap_or_else(|| i18n.t().budget_whole_city.to_owned())}</td>
                    <td class="num money">{move || money(i18n.t(), total)}</td>
                    <td><span class=stage_class(stage)>{move || stage_label(i18n.t(), stage)}</span></td>
                    <td>{budget.projects_on_ballot}</td>
                    <td>{counts.submitted}</td>
                    <td>{counts.drafts}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-scroll">
            <table class="users-table">
                <caption class="visually-hidden"><T k=|t| t.budgets_heading /></caption>
                <thead>
                    <tr>
                        <th scope="col"><T k=|t| t.title_label /></th>
                        <th scope="col"><T k=|t| t.budget_district /></th>
                        <th scope="col" class="num"><T k=|t| t.budget_total /></th>
                        <th scope="col"><T k=|t| t.status_label /></th>
                        <th scope="col"><T k=|t| t.desk_on_ballot /></th>
                        <th scope="col"><T k=|t| t.desk_submitted /></th>
                        <th scope="col"><T k=|t| t.desk_drafts /></th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

/// The budget form's fields, for a new budget and for changing one. Every rule's numbers
/// are there (without JavaScript nothing hides them); those of the rules not chosen are
/// ignored.
#[component]
fn BudgetFields(values: BudgetForm, error: Signal<Option<AppError>>) -> impl IntoView {
    let i18n = use_i18n();
    let rule = BallotRuleKind::parse(&values.rule);
    let radio = move |kind: BallotRuleKind, label: fn(&'static Texts) -> &'static str| {
        let id = format!("budget-rule-{}", kind.as_str());
        view! {
            <div class="field field--check">
                <input id=id.clone() type="radio" name="form[rule]" value=kind.as_str()
                    checked=rule == Some(kind) />
                <label for=id>{move || label(i18n.t())}</label>
            </div>
        }
    };
    let method = values.method.clone();
    let method_radio = move |value: &'static str, label: fn(&'static Texts) -> &'static str| {
        let id = format!("budget-method-{value}");
        view! {
            <div class="field field--check">
                <input id=id.clone() type="radio" name="form[method]" value=value
                    checked=method == value />
                <label for=id>{move || label(i18n.t())}</label>
            </div>
        }
    };
    let number = |name: &'static str, label: fn(&'static Texts) -> &'static str, value: String| {
        view! {
            <EditorField name label value error prefix="budget" kind="number" required=false
                inputmode="numeric" />
        }
    };
    view! {
        <EditorField name="title" label=|t| t.title_label value=values.title.clone() error prefix="budget" />
        <EditorField name="district" label=|t| t.budget_district hint=|t| t.desk_district_hint
            value=values.district.clone() error prefix="budget" required=false />
        <EditorField name="total" label=|t| t.desk_total_label hint=|t| t.desk_euros_hint
            value=values.total.clone() error prefix="budget" inputmode="decimal" />
        <fieldset class="fieldset" id="budget-rule">
            <legend><T k=|t| t.desk_rule_legend /></legend>
            {radio(BallotRuleKind::Knapsack, |t| t.desk_rule_knapsack)}
            {radio(BallotRuleKind::Approval, |t| t.desk_rule_approval)}
            {radio(BallotRuleKind::Cumulative, |t| t.desk_rule_cumulative)}
            <p class="field__hint"><T k=|t| t.desk_rule_numbers_hint /></p>
            {number("min_projects", |t| t.desk_min_projects, values.min_projects.clone())}
            {number("max_projects", |t| t.desk_max_projects, values.max_projects.clone())}
            {number("min_spend_percent", |t| t.desk_min_spend, values.min_spend_percent.clone())}
            {number("points", |t| t.desk_points, values.points.clone())}
            {number("max_per_project", |t| t.desk_max_per_project, values.max_per_project.clone())}
        </fieldset>
        <fieldset class="fieldset" id="budget-method">
            <legend><T k=|t| t.desk_method_legend /></legend>
            {method_radio("greedy", |t| t.method_greedy)}
            {method_radio("equal_shares", |t| t.method_equal_shares)}
        </fieldset>
        {number("reminder_days", |t| t.desk_reminder_days, values.reminder_days.clone())}
        <div class="field field--check">
            <input id="budget-one_district" type="checkbox" name="form[one_district]" value="on"
                checked=values.one_district.is_some() aria-describedby="budget-one_district-hint" />
            <label for="budget-one_district"><T k=|t| t.desk_one_district /></label>
            <p class="field__hint" id="budget-one_district-hint"><T k=|t| t.rule_one_district /></p>
        </div>
    }
}

/// `/verwaltung/budgets/{id}`
#[component]
pub fn BudgetDeskPage() -> impl IntoView {
    let desk = Resource::new(id_param(), get_budget_desk);
    desk_frame(
        |t| t.budgets_desk_title,
        desk,
        |desk| view! { <Desk desk /> }.into_any(),
    )
}

#[component]
fn Desk(desk: BudgetDesk) -> impl IntoView {
    let i18n = use_i18n();
    let status = status();
    let budget = desk.budget.clone();
    let notice = move || {
        let text: fn(&'static Texts) -> &'static str = match status.get()? {
            Done::Created => |t| t.desk_budget_created,
            Done::Saved => |t| t.saved_notice,
            Done::Withdrawn => |t| t.desk_project_withdrawn,
            Done::BatchDiscarded => |t| t.desk_batch_discarded,
            _ => return None,
        };
        Some(view! { <Notice text /> })
    };
    let (total, rule, method, stage) =
        (budget.total_cents, budget.rule, budget.method, budget.stage);
    let counts = budget.ballots.unwrap_or_default();
    let schedule = budget.voting_starts_at.zip(budget.voting_ends_at);
    let rules = move || {
        let t = i18n.t();
        rule_lines(t, rule, total)
            .into_iter()
            .map(|line| view! { <li>{line}</li> })
            .collect_view()
    };
    // A change posted from a page opened before voting started comes back refused here.
    let error = posted_error::<UpdateBudget>();
    let settings = if budget.locked {
        view! {
            <ErrorAlert error />
            <p><T k=|t| t.desk_locked /></p>
        }
        .into_any()
    } else {
        let decimal = i18n.t().decimal_mark;
        let values = BudgetForm::of(&budget, decimal);
        view! {
            <ErrorAlert error fields=BUDGET_FIELDS prefix=Some("budget-".to_owned()) />
            <form method="post" action=UpdateBudget::PATH class="editor">
                <input type="hidden" name="id" value=budget.id />
                <BudgetFields values error />
                <button type="submit"><T k=|t| t.save /></button>
            </form>
        }
        .into_any()
    };
    view! {
        <p class="card__kicker">
            <a href=path::budgets_desk(&desk.slug)>
                {let procedure = desk.procedure_title.clone();
                move || i18n.t().budgets_desk_heading.fmt(&[("procedure", procedure.as_str().into())])}
            </a>
        </p>
        <h1>{budget.title.clone()}</h1>
        {notice}
        <dl class="facts">
            <div>
                <dt><T k=|t| t.status_label /></dt>
                <dd><span class=stage_class(stage)>{move || stage_label(i18n.t(), stage)}</span></dd>
            </div>
            <div>
                <dt><T k=|t| t.budget_total /></dt>
                <dd>{move || money(i18n.t(), total)}</dd>
            </div>
            <div>
                <dt><T k=|t| t.desk_voting /></dt>
                <dd>{move || {
                    let t = i18n.t();
                    match schedule {
                        Some((from, to)) => t.date_range.fmt(&[("from", t.date(from).as_str().into()), ("to", t.last_day(to).as_str().into())]),
                        None => t.budget_not_scheduled.to_owned(),
                    }
                }}</dd>
            </div>
            <div>
                <dt><T k=|t| t.desk_ballots /></dt>
                <dd>{move || i18n.t().budget_ballot_counts.fmt(&[("submitted", counts.submitted.into()), ("drafts", counts.drafts.into())])}</dd>
            </div>
        </dl>
        <ul>{rules}</ul>
        <p>{move || method_text(i18n.t(), method)}</p>
        <p class="table-actions">
            <a href=path::budget(&desk.slug, budget.id)><T k=|t| t.desk_public_page /></a>
            " "
            <a href=path::budget_results(&desk.slug, budget.id)><T k=|t| t.budget_to_results /></a>
        </p>
        <section id="einstellungen" class="desk-section" aria-labelledby="settings-heading">
            <h2 id="settings-heading"><T k=|t| t.desk_settings /></h2>
            {settings}
        </section>
        <section id="projekte" class="desk-section" aria-labelledby="projects-heading">
            <h2 id="projects-heading"><T k=|t| t.projects_heading /></h2>
            <ProjectTable projects=desk.projects.clone() />
            {(!budget.locked).then(|| view! {
                <NewProject budget=budget.id promotable=desk.promotable.clone() />
            })}
        </section>
        <PaperSection budget=budget.id takes_paper=desk.takes_paper batches=desk.batches.clone() />
    }
}

#[component]
fn ProjectTable(projects: Vec<Project>) -> impl IntoView {
    let i18n = use_i18n();
    if projects.is_empty() {
        return view! { <p><T k=|t| t.desk_no_projects /></p> }.into_any();
    }
    let rows = projects
        .into_iter()
        .map(|project| {
            let cost = project.cost_cents;
            let feasibility = project.feasibility;
            let ballot: fn(&'static Texts) -> &'static str = if project.withdrawn {
                |t| t.status_withdrawn
            } else if project.on_ballot {
                |t| t.yes
            } else {
                |t| t.no
            };
            view! {
                <tr id=format!("projekt-{}", project.id)>
                    <th scope="row"><a href=path::project_desk(project.id)>{project.title.clone()}</a></th>
                    <td class="num money">{move || money(i18n.t(), cost)}</td>
                    <td>{move || super::project_desk::feasibility_label(i18n.t(), feasibility)}</td>
                    <td>{move || ballot(i18n.t())}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-scroll">
            <table class="users-table">
                <caption class="visually-hidden"><T k=|t| t.projects_heading /></caption>
                <thead>
                    <tr>
                        <th scope="col"><T k=|t| t.title_label /></th>
                        <th scope="col" class="num"><T k=|t| t.project_cost /></th>
                        <th scope="col"><T k=|t| t.desk_feasibility /></th>
                        <th scope="col"><T k=|t| t.desk_on_ballot /></th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
    .into_any()
}

/// The batches of paper ballots, and a new one while voting runs.
#[component]
fn PaperSection(budget: i64, takes_paper: bool, batches: Vec<PaperBatch>) -> impl IntoView {
    let i18n = use_i18n();
    let error = posted_error::<StartPaperBatch>();
    let form = if takes_paper {
        view! {
            <ErrorAlert error fields=&["label"] prefix=Some("batch-".to_owned()) />
            <form method="post" action=StartPaperBatch::PATH class="editor">
                <input type="hidden" name="budget" value=budget />
                <div class="field">
                    <label for="batch-label"><T k=|t| t.desk_batch_label /></label>
                    <p class="field__hint" id="batch-label-hint"><T k=|t| t.desk_batch_label_hint /></p>
                    <input id="batch-label" name="label" type="text" required=true maxlength="100"
                        aria-describedby="batch-label-hint" />
                </div>
                <button type="submit"><T k=|t| t.desk_batch_start /></button>
            </form>
        }
        .into_any()
    } else {
        view! { <p><T k=|t| t.desk_paper_when /></p> }.into_any()
    };
    let list = (!batches.is_empty()).then(|| {
        let rows = batches
            .into_iter()
            .map(|batch| {
                let confirmed = batch.confirmed_at;
                view! {
                    <tr>
                        <th scope="row"><a href=path::batch_desk(batch.id)>{batch.label.clone()}</a></th>
                        <td>{batch.ballots}</td>
                        <td>{move || {
                            let t = i18n.t();
                            match confirmed {
                                Some(at) => t.desk_batch_confirmed_on.fmt(&[("date", t.date(at).as_str().into())]),
                                None => t.desk_batch_open.to_owned(),
                            }
                        }}</td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <div class="table-scroll">
                <table class="users-table">
                    <caption class="visually-hidden"><T k=|t| t.desk_paper /></caption>
                    <thead>
                        <tr>
                            <th scope="col"><T k=|t| t.desk_batch /></th>
                            <th scope="col"><T k=|t| t.desk_batch_ballots /></th>
                            <th scope="col"><T k=|t| t.status_label /></th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        }
    });
    view! {
        <section id="papier" class="desk-section" aria-labelledby="paper-heading">
            <h2 id="paper-heading"><T k=|t| t.desk_paper /></h2>
            <p><T k=|t| t.desk_paper_intro /></p>
            {list}
            {form}
        </section>
    }
}
