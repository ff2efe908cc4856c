//! A budget's page (`/verfahren/{slug}/budget/{id}`): what it is, how to vote, the projects,
//! and the visitor's ballot. The ballot is one form: without JavaScript "Save draft" and
//! "Submit ballot" post it; with JavaScript each change is also saved in the background as
//! the person goes, and what is left and what is wrong update at once, computed by the same
//! rule the server applies. The page says at every moment whether the ballot counts.

use super::projects::{Mode, ProjectList};
use super::{method_text, money, rule_lines, stage_class, stage_label};
use crate::components::error_view::ErrorPage;
use crate::components::form::{ErrorAlert, posted_error, status};
use crate::components::live_form::LiveForm;
use crate::error::AppError;
use crate::formats::budget::api::{SaveBallot, WithdrawBallot, get_budget_page};
use crate::formats::budget::model::{
    Ballot, BallotRule, BallotStatus, Budget, BudgetPage, BudgetStage, Project,
};
use crate::i18n::{T, use_i18n};
use crate::model::done::Done;
use crate::model::path;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use std::collections::BTreeMap;

/// The choices on the page: project id → points (one for a ticked box).
pub(super) type Chosen = BTreeMap<i64, u32>;

#[component]
pub fn BudgetBallotPage() -> impl IntoView {
    let page = Resource::new(super::budget_address(), |(slug, id)| {
        get_budget_page(slug, id)
    });
    // What an in-place post did (without JavaScript, `?status=` says it).
    let flash = RwSignal::new(None::<Done>);
    let done = Callback::new(move |()| page.refetch());
    view! {
        <Transition fallback=move || view! { <p class="container loading"><T k=|t| t.loading /></p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(data) => view! { <BudgetView data flash done /> }.into_any(),
                    Err(error) => view! { <ErrorPage error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn BudgetView(
    data: BudgetPage,
    flash: RwSignal<Option<Done>>,
    done: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let BudgetPage {
        budget,
        procedure_title,
        projects,
        ballot,
        viewer,
        votes_in,
        may_vote,
        results_public,
    } = data;
    let slug = budget.procedure.clone();
    let stage = budget.stage;
    let total = budget.total_cents;
    let title = budget.title.clone();
    let district = budget.district.clone();
    let rule = budget.rule;
    let method = budget.method;
    let seed = budget.tie_seed.clone();
    let (starts, ends) = (budget.voting_starts_at, budget.voting_ends_at);
    let when = move || {
        let t = i18n.t();
        match (stage, starts, ends) {
            (BudgetStage::Preparing, Some(starts), _) => t
                .budget_starts
                .fmt(&[("date", t.date(starts).as_str().into())]),
            (BudgetStage::Preparing, None, _) => t.budget_not_scheduled.to_owned(),
            (BudgetStage::Voting, _, Some(ends)) => t
                .budget_ends
                .fmt(&[("date", t.last_day(ends).as_str().into())]),
            _ => t.budget_ended.to_owned(),
        }
    };
    let results_link = results_public.then(|| {
        let href = path::budget_results(&slug, budget.id);
        view! { <p><a href=href><T k=|t| t.budget_to_results /></a></p> }
    });
    // Planners see how many ballots count and how many drafts do not (yet), and the way
    // to the budget's desk.
    let counts = budget.ballots.map(|counts| {
        view! {
            <p class="field__hint">
                {move || i18n.t().budget_ballot_counts.fmt(&[
                    ("submitted", counts.submitted.into()),
                    ("drafts", counts.drafts.into()),
                ])}
                " "
                <a href=path::budget_desk(budget.id)><T k=|t| t.desk_manage /></a>
            </p>
        }
    });
    let one_district = budget.one_district;
    let rules = move || {
        let t = i18n.t();
        let mut lines = rule_lines(t, rule, total);
        if one_district {
            lines.push(t.rule_one_district.to_owned());
        }
        lines
            .into_iter()
            .map(|line| view! { <li>{line}</li> })
            .collect_view()
    };
    let voting = stage == BudgetStage::Voting;
    let body = match ballot {
        Some(ballot) if may_vote => view! {
            <BallotForm budget=budget.clone() projects ballot flash done />
        }
        .into_any(),
        other => {
            // After the end, the person's own ballot as it stood: whether it counted.
            let mine = other.filter(|b| {
                stage == BudgetStage::Ended
                    && (b.status == BallotStatus::Submitted || !b.choices.is_empty())
            });
            let (chosen, mode, outcome) = match mine {
                Some(b) => {
                    let chosen: Chosen =
                        b.choices.iter().map(|c| (c.project_id, c.points)).collect();
                    let outcome = ended_banner(b.status, b.submitted_at);
                    (Some(RwSignal::new(chosen)), Mode::Fixed, Some(outcome))
                }
                None => (None, Mode::Read, None),
            };
            let prompt = voting.then(|| {
                if let Some(other) = votes_in.clone() {
                    let href = path::budget(&slug, other.id);
                    view! {
                        <p class="alert alert--info">
                            {move || i18n.t().ballot_other_district.fmt(&[("budget", other.title.as_str().into())])}
                            " "
                            <a href=href><T k=|t| t.ballot_to_mine /></a>
                        </p>
                    }
                    .into_any()
                } else if !viewer.signed_in {
                    let href = path::with_return("/anmelden", &path::budget(&slug, budget.id));
                    view! { <p class="alert alert--info"><a href=href><T k=|t| t.login_to_vote /></a></p> }
                        .into_any()
                } else if viewer.blocked {
                    view! { <p class="alert alert--info"><T k=|t| t.invalid_input("account", "blocked") /></p> }
                        .into_any()
                } else {
                    view! { <p class="alert alert--info"><T k=|t| t.verify_to_contribute /></p> }
                        .into_any()
                }
            });
            view! {
                {prompt}
                {outcome}
                <ProjectList projects rule chosen mode />
            }
            .into_any()
        }
    };
    view! {
        <Title text=title.clone() />
        <article class="container budget-page">
            <header class="page-intro">
                <p class="card__kicker">
                    <a href=path::procedure(&slug)>{procedure_title}</a>
                </p>
                <h1>{title}</h1>
                <p class="lead">
                    {move || district.clone().unwrap_or_else(|| i18n.t().budget_whole_city.to_owned())}
                    " · "
                    <T k=|t| t.budget_total />
                    " "
                    {move || money(i18n.t(), total)}
                    " "
                    <span class=stage_class(stage)>{move || stage_label(i18n.t(), stage)}</span>
                </p>
                <p>{when}</p>
                {counts}
                {results_link}
            </header>
            <section class="card budget__rule" aria-labelledby="rule-heading">
                <h2 id="rule-heading"><T k=|t| t.rule_heading /></h2>
                <ul>{rules}</ul>
                {voting.then(|| view! { <p><T k=|t| t.rule_counts_when_submitted /></p> })}
                <p>{move || method_text(i18n.t(), method)}</p>
                <p class="field__hint">
                    {move || i18n.t().tie_rule.fmt(&[("seed", seed.as_str().into())])}
                </p>
            </section>
            <section id="stimmzettel" class="budget__ballot" aria-labelledby="ballot-heading">
                <h2 id="ballot-heading">
                    {move || if voting { i18n.t().ballot_heading } else { i18n.t().projects_heading }}
                </h2>
                {body}
            </section>
        </article>
    }
}

/// After voting: whether the person's ballot counted.
fn ended_banner(
    status: BallotStatus,
    submitted_at: Option<crate::model::time::Timestamp>,
) -> impl IntoView {
    let i18n = use_i18n();
    let counted = status == BallotStatus::Submitted;
    let text = move || {
        let t = i18n.t();
        match submitted_at {
            Some(at) if counted => t
                .ballot_submitted_at
                .fmt(&[("date", t.date_and_time(at).as_str().into())]),
            _ => t.ballot_not_submitted.to_owned(),
        }
    };
    let class = if counted {
        "ballot__status ballot__status--counts"
    } else {
        "ballot__status ballot__status--draft"
    };
    view! { <p class=class><strong>{text}</strong></p> }
}

#[component]
fn BallotForm(
    budget: Budget,
    projects: Vec<Project>,
    ballot: Ballot,
    flash: RwSignal<Option<Done>>,
    done: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let rule = budget.rule;
    let slug = budget.procedure.clone();
    let id = budget.id;
    let submitted = ballot.status == BallotStatus::Submitted;
    let initial: Chosen = ballot
        .choices
        .iter()
        .map(|c| (c.project_id, c.points))
        .collect();
    let chosen = RwSignal::new(initial);
    let status = status();
    let notice = move || {
        let text: fn(&'static crate::i18n::Texts) -> &'static str =
            match flash.get().or(status.get())? {
                Done::BallotSaved => |t| t.ballot_saved_notice,
                Done::BallotSubmitted => |t| t.ballot_submitted_notice,
                Done::BallotWithdrawn => |t| t.ballot_withdrawn_notice,
                _ => return None,
            };
        Some(view! { <div class="alert alert--success" role="status"><p><T k=text /></p></div> })
    };
    let submitted_at = ballot.submitted_at;
    let banner = move || {
        let t = i18n.t();
        match submitted_at {
            Some(at) if submitted => t
                .ballot_submitted_at
                .fmt(&[("date", t.date_and_time(at).as_str().into())]),
            _ => t.ballot_draft.to_owned(),
        }
    };
    let banner_class = if submitted {
        "ballot__status ballot__status--counts"
    } else {
        "ballot__status ballot__status--draft"
    };
    let save_error = posted_error::<SaveBallot>();
    let withdraw_error = posted_error::<WithdrawBallot>();
    let on_answer = Callback::new(move |answer: String| {
        let outcome = match serde_json::from_str::<Ballot>(&answer) {
            Ok(ballot) if ballot.status == BallotStatus::Submitted => Done::BallotSubmitted,
            _ => Done::BallotSaved,
        };
        flash.set(Some(outcome));
    });
    let withdrawn = Callback::new(move |_: String| flash.set(Some(Done::BallotWithdrawn)));
    let summary = Summary {
        rule,
        total: budget.total_cents,
        projects: projects
            .iter()
            .map(|p| (p.id, (p.cost_cents, p.excludes.clone())))
            .collect(),
    };
    let saving = RwSignal::new(Saving::Idle);
    let form = if submitted {
        // A save posted to a ballot submitted meanwhile (another tab, no JavaScript) is
        // refused; its error shows here.
        view! {
            <ErrorAlert error=save_error />
            <ProjectList projects rule chosen=Some(chosen) mode=Mode::Fixed />
            <LiveForm action=WithdrawBallot::PATH done on_answer=withdrawn class="ballot__withdraw">
                <ErrorAlert error=withdraw_error />
                <input type="hidden" name="slug" value=slug.clone() />
                <input type="hidden" name="budget" value=id />
                <p class="field__hint"><T k=|t| t.ballot_withdraw_hint /></p>
                <button type="submit" class="button--quiet"><T k=|t| t.ballot_withdraw /></button>
            </LiveForm>
        }
        .into_any()
    } else {
        let on_change = move |event: leptos::ev::Event| changed(event, chosen, saving);
        view! {
            <LiveForm action=SaveBallot::PATH done on_answer class="ballot">
                <ErrorAlert error=save_error />
                <input type="hidden" name="slug" value=slug.clone() />
                <input type="hidden" name="budget" value=id />
                <div on:change=on_change>
                    <ProjectList projects rule chosen=Some(chosen) mode=Mode::Choose />
                </div>
                <div class="ballot__summary" role="status">
                    {move || summary.view(&chosen.get())}
                </div>
                <p class="field__hint" aria-live="polite">{move || saving.get().text()}</p>
                <div class="form-actions">
                    <button type="submit" name="then" value="submit"><T k=|t| t.ballot_submit /></button>
                    <button type="submit" name="then" value="save" class="button--quiet">
                        <T k=|t| t.ballot_save />
                    </button>
                </div>
            </LiveForm>
        }
        .into_any()
    };
    view! {
        {notice}
        <p class=banner_class id="ballot-status"><strong>{banner}</strong></p>
        {form}
    }
}

/// The ballot's figures: what is chosen, what is left, and what keeps it from counting,
/// by the rule the server applies.
struct Summary {
    rule: BallotRule,
    total: i64,
    /// Project id → (cost, the projects it excludes).
    projects: BTreeMap<i64, (i64, Vec<i64>)>,
}

impl Summary {
    fn view(&self, chosen: &Chosen) -> impl IntoView + use<> {
        let i18n = use_i18n();
        let t = i18n.t();
        let choices: Vec<(i64, u32)> = chosen
            .iter()
            .filter_map(|(id, points)| self.projects.get(id).map(|(cost, _)| (*cost, *points)))
            .collect();
        let ids: std::collections::BTreeSet<i64> = chosen.keys().copied().collect();
        let excluded = crate::formats::budget::rule::any_excluded(&ids, |id| {
            self.projects
                .get(&id)
                .into_iter()
                .flat_map(|(_, excludes)| excludes)
        });
        let problems = self.rule.problems(self.total, &choices, excluded);
        let spent: i64 = choices.iter().map(|(cost, _)| cost).sum();
        let mut lines = vec![t.ballot_chosen.fmt(&[("count", choices.len().into())])];
        match self.rule {
            BallotRule::Approval { .. } => {}
            BallotRule::Knapsack { .. } => lines.push(t.ballot_money.fmt(&[
                ("spent", money(t, spent).as_str().into()),
                ("left", money(t, self.total - spent).as_str().into()),
            ])),
            BallotRule::Cumulative { points, .. } => {
                let given: u64 = choices.iter().map(|(_, p)| u64::from(*p)).sum();
                lines.push(
                    t.ballot_points
                        .fmt(&[("given", given.into()), ("points", points.into())]),
                );
            }
        }
        let verdict = if problems.is_empty() {
            view! { <p class="ballot__valid">{t.ballot_valid}</p> }.into_any()
        } else {
            let items = problems
                .iter()
                .map(|problem| view! { <li>{t.invalid_input("ballot", problem.as_str())}</li> })
                .collect_view();
            view! { <ul class="ballot__problems">{items}</ul> }.into_any()
        };
        view! {
            {lines.into_iter().map(|line| view! { <p class="ballot__figure">{line}</p> }).collect_view()}
            {verdict}
        }
    }
}

/// Where a save as the person goes stands (only the browser saves as the person goes).
#[derive(Clone, PartialEq)]
#[cfg_attr(not(feature = "hydrate"), allow(dead_code))]
enum Saving {
    Idle,
    Busy,
    Saved,
    Failed(AppError),
}

impl Saving {
    fn text(self) -> Option<&'static str> {
        let t = use_i18n().t();
        match self {
            Self::Idle => None,
            Self::Busy => Some(t.ballot_saving),
            Self::Saved => Some(t.ballot_autosaved),
            Self::Failed(error) => Some(t.error(&error)),
        }
    }
}

/// A box ticked or points changed: the figures follow at once, and the draft is saved in
/// the background (one save at a time; changes made meanwhile go with the next).
fn changed(event: leptos::ev::Event, chosen: RwSignal<Chosen>, saving: RwSignal<Saving>) {
    #[cfg(feature = "hydrate")]
    {
        use std::cell::Cell;
        use std::rc::Rc;
        use wasm_bindgen::JsCast;
        thread_local! {
            static IN_FLIGHT: Rc<Cell<bool>> = Rc::new(Cell::new(false));
            static AGAIN: Rc<Cell<bool>> = Rc::new(Cell::new(false));
        }
        let Some(input) = event
            .target()
            .and_then(|target| target.dyn_into::<web_sys::HtmlInputElement>().ok())
        else {
            return;
        };
        let Some(id) = input
            .get_attribute("data-project")
            .and_then(|id| id.parse::<i64>().ok())
        else {
            return;
        };
        let points = if input.type_() == "checkbox" {
            u32::from(input.checked())
        } else {
            input.value().trim().parse::<u32>().unwrap_or(0)
        };
        chosen.update(|chosen| {
            if points == 0 {
                chosen.remove(&id);
            } else {
                chosen.insert(id, points);
            }
        });
        let Some(form) = input.form() else {
            return;
        };
        let in_flight = IN_FLIGHT.with(Rc::clone);
        let again = AGAIN.with(Rc::clone);
        if in_flight.get() {
            again.set(true);
            return;
        }
        in_flight.set(true);
        saving.set(Saving::Busy);
        leptos::task::spawn_local(async move {
            loop {
                again.set(false);
                let answer = crate::components::live_form::post_in_background(
                    &form,
                    ("then".to_owned(), "save".to_owned()),
                )
                .await;
                let state = match answer {
                    Some((status, _)) if (200..300).contains(&status) => Saving::Saved,
                    Some((status, body)) if (400..500).contains(&status) => {
                        use leptos::server_fn::error::FromServerFnError;
                        Saving::Failed(AppError::de(body.into_bytes().into()))
                    }
                    _ => Saving::Failed(AppError::Unavailable),
                };
                if !again.get() {
                    saving.set(state);
                    break;
                }
            }
            in_flight.set(false);
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = (event, chosen, saving);
}
