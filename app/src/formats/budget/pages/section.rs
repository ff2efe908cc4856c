//! A procedure's budgets on its page: each with its district, money, stage and the way to
//! its ballot or results.

use super::{money, stage_class, stage_label};
use crate::formats::budget::model::{BudgetLink, BudgetStage};
use crate::i18n::{T, use_i18n};
use crate::model::path;
use leptos::prelude::*;

#[component]
pub fn BudgetsSection(slug: String, budgets: Vec<BudgetLink>) -> impl IntoView {
    let i18n = use_i18n();
    (!budgets.is_empty()).then(|| {
        let cards = budgets
            .into_iter()
            .map(|budget| {
                let stage = budget.stage;
                let (href, action): (String, fn(&'static crate::i18n::Texts) -> &'static str) =
                    match stage {
                        BudgetStage::Ended => (
                            path::budget_results(&slug, budget.id),
                            |t| t.budget_to_results,
                        ),
                        BudgetStage::Voting => {
                            (path::budget(&slug, budget.id), |t| t.budget_to_ballot)
                        }
                        BudgetStage::Preparing => {
                            (path::budget(&slug, budget.id), |t| t.budget_to_projects)
                        }
                    };
                let district = budget.district.clone();
                let total = budget.total_cents;
                let count = budget.projects_on_ballot;
                let title = budget.title.clone();
                view! {
                    <li class="card budget-card">
                        <p class="card__kicker">
                            {move || district.clone().unwrap_or_else(|| i18n.t().budget_whole_city.to_owned())}
                            " "
                            <span class=stage_class(stage)>{move || stage_label(i18n.t(), stage)}</span>
                        </p>
                        <h3 class="card__title">
                            <a href=href.clone()>{budget.title.clone()}</a>
                        </h3>
                        <dl class="facts">
                            <div>
                                <dt><T k=|t| t.budget_total /></dt>
                                <dd>{move || money(i18n.t(), total)}</dd>
                            </div>
                        </dl>
                        <p>{move || i18n.t().budget_projects_count.fmt(&[("count", count.into())])}</p>
                        <p>
                            <a href=href>
                                {move || action(i18n.t())}
                                <span class="visually-hidden">": " {title}</span>
                            </a>
                        </p>
                    </li>
                }
            })
            .collect_view();
        view! {
            <section class="budgets" id="buergerbudget" aria-labelledby="budgets-heading">
                <h2 id="budgets-heading"><T k=|t| t.budgets_heading /></h2>
                <p><T k=|t| t.budgets_intro /></p>
                <ul class="card-list">{cards}</ul>
            </section>
        }
    })
}
