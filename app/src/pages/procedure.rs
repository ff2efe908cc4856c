//! A procedure's public page: what it is about, who is responsible, and its schedule.

use crate::api::procedures::{SetStartNotice, get_procedure};
use crate::components::council::CouncilSummary;
use crate::components::error_view::ErrorPage;
use crate::components::form::{ErrorAlert, Notice, posted_error, status};
use crate::components::procedure_card::{ScheduleFacts, StateBadge};
use crate::formats::budget::api::list_procedure_budgets;
use crate::formats::budget::model::BudgetLink;
use crate::formats::budget::pages::section::BudgetsSection;
use crate::formats::proposals::model::ProposalListing;
use crate::formats::proposals::pages::list::{ProposalsSection, listing_resource};
use crate::i18n::{T, use_i18n};
use crate::model::done::Done;
use crate::model::path::with_return;
use crate::model::procedure::ProcedureDetail;
use crate::model::procedure::ProcedureState;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

/// "Tell me when it starts", on an upcoming procedure: a button for signed-in people, the
/// way to sign in (and back) for everyone else.
#[component]
fn StartNotice(slug: String, requested: Option<bool>) -> impl IntoView {
    let error = posted_error::<SetStartNotice>();
    let status = status();
    let notice = move || {
        status.get().and_then(|status| match status {
            Done::StartNoticeOn => Some(view! { <Notice text=|t| t.start_notice_on /> }),
            Done::StartNoticeOff => {
                Some(view! { <Notice text=|t| t.start_notice_off info=true /> })
            }
            _ => None,
        })
    };
    let control = match requested {
        None => {
            let href = with_return(
                "/anmelden",
                &format!("{}#termine", crate::model::path::procedure(&slug)),
            );
            view! { <p><a href=href><T k=|t| t.start_notice_sign_in /></a></p> }.into_any()
        }
        Some(requested) => view! {
            {requested.then(|| view! { <p><T k=|t| t.start_notice_requested /></p> })}
            <form method="post" action=SetStartNotice::PATH>
                <input type="hidden" name="slug" value=slug />
                <input type="hidden" name="notify" value=if requested { "0" } else { "1" } />
                <button type="submit" class=if requested { "button--quiet" } else { "" }>
                    {move || {
                        let t = use_i18n().t();
                        if requested { t.start_notice_cancel } else { t.start_notice_request }
                    }}
                </button>
            </form>
        }
        .into_any(),
    };
    view! {
        <div class="start-notice">
            {notice}
            <ErrorAlert error />
            {control}
        </div>
    }
}

#[component]
pub fn ProcedurePage() -> impl IntoView {
    let params = use_params_map();
    let slug = Memo::new(move |_| params.read().get("slug").unwrap_or_default());
    let detail = Resource::new(move || slug.get(), get_procedure);
    let listing = listing_resource(slug);
    let budgets = Resource::new(move || slug.get(), list_procedure_budgets);
    view! {
        <Transition fallback=move || {
            view! { <p class="container loading"><T k=|t| t.loading /></p> }
        }>
            {move || Suspend::new(async move {
                match (detail.await, budgets.await) {
                    (Ok(detail), Ok(budgets)) => view! { <Detail detail budgets listing /> }.into_any(),
                    (Err(error), _) | (_, Err(error)) => view! { <ErrorPage error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Detail(
    detail: ProcedureDetail,
    /// The procedure's budgets (most procedures have none).
    budgets: Vec<BudgetLink>,
    listing: Resource<Result<ProposalListing, crate::error::AppError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let draft = detail.draft;
    let summary = detail.summary;
    let title = summary.title.clone();
    let phases = detail
        .phases
        .into_iter()
        .map(|phase| {
            let kind = phase.kind;
            let current = phase.current;
            view! {
                <li
                    class="timeline__step"
                    class:timeline__step--current=current
                    aria-current=current.then_some("step")
                >
                    <span class="timeline__name">
                        {move || i18n.t().phase(kind)}
                        {current.then(|| view! {
                            " " <span class="badge badge--running"><T k=|t| t.phase_now /></span>
                        })}
                    </span>
                    <span class="timeline__dates">
                        {move || {
                            let t = i18n.t();
                            t.date_range.fmt(&[("from", t.date(phase.starts_at).as_str().into()), ("to", t.last_day(phase.ends_at).as_str().into())])
                        }}
                    </span>
                </li>
            }
        })
        .collect_view();
    let pre_moderated = detail.moderation == crate::model::moderation::ModerationMode::Pre;
    let ledger_href = crate::model::path::procedure_ledger(&summary.slug);
    let results_href = crate::model::path::results(&summary.slug);
    let area_map = detail
        .area
        .is_some()
        .then(|| crate::model::path::area_map(&summary.slug));
    let results_public = detail.results_public;
    let has_budgets = !budgets.is_empty();
    let start_notice = (summary.state == ProcedureState::Upcoming && !draft)
        .then(|| view! { <StartNotice slug=summary.slug.clone() requested=detail.start_notice /> });
    view! {
        <Title text=title.clone() />
        <article class="container procedure">
            {draft.then(|| view! {
                <p class="alert alert--info" role="note"><T k=|t| t.draft_banner /></p>
            })}
            <header class="page-intro">
                <p class="card__kicker">
                    <StateBadge state=summary.state />
                </p>
                <h1>{title}</h1>
                <p class="lead">{summary.summary.clone()}</p>
                // On a phone the proposals are far below the description.
                <p class="jump-link">
                    {has_budgets.then(|| view! {
                        <a href="#buergerbudget"><T k=|t| t.jump_to_budgets /></a>
                        " "
                    })}
                    <a href="#vorschlaege"><T k=|t| t.jump_to_proposals /></a>
                </p>
            </header>
            {summary.image.clone().map(|image| view! {
                <img class="procedure__image" src=image.url alt=image.alt width=image.width
                    height=image.height decoding="async" />
            })}
            <div class="procedure__layout">
                <div class="prose" inner_html=detail.description_html></div>
                <aside class="procedure__aside">
                    <section class="card" id="termine" aria-labelledby="schedule-heading">
                        <h2 id="schedule-heading"><T k=|t| t.schedule /></h2>
                        <ScheduleFacts procedure=summary.clone() />
                        <ol class="timeline">{phases}</ol>
                        {start_notice}
                    </section>
                    <section class="card" aria-labelledby="contact-heading">
                        <h2 id="contact-heading"><T k=|t| t.contact /></h2>
                        <dl class="facts">
                            <div>
                                <dt><T k=|t| t.responsible /></dt>
                                <dd>{summary.department.clone()}</dd>
                            </div>
                            {detail.area.clone().map(|area| view! {
                                <div>
                                    <dt><T k=|t| t.area_fact /></dt>
                                    <dd>{area}</dd>
                                </div>
                            })}
                        </dl>
                        {area_map.map(|src| view! {
                            <figure class="place-map">
                                <img src=src alt=move || i18n.t().map_area_alt
                                    width="640" loading="lazy" decoding="async" />
                            </figure>
                        })}
                        <p class="procedure__contact">{detail.contact}</p>
                        {pre_moderated.then(|| view! { <p class="field__hint"><T k=|t| t.mode_pre_notice /></p> })}
                        <p><a href=ledger_href><T k=|t| t.ledger_title /></a></p>
                        {results_public.then(|| view! {
                            <p><a href=results_href><T k=|t| t.results_link /></a></p>
                        })}
                    </section>
                    <CouncilSummary council=detail.council.clone() outcomes=detail.outcomes.clone() />
                </aside>
            </div>
            <BudgetsSection slug=summary.slug.clone() budgets />
            <ProposalsSection slug=summary.slug.clone() listing />
        </article>
    }
    .into_any()
}
