//! A procedure's results: the public page (`/verfahren/{slug}/ergebnisse`, once voting has
//! ended) and the planners' dashboard (`/verwaltung/verfahren/{slug}/ergebnisse`) with the
//! same figures live, the downloads, the council paper and the outcome per proposal.
//! Charts are SVG drawn on the server, each with its values as a table beside it.

use crate::api::results::{
    ImportOparl, RecordOutcome, SaveCouncilPaper, get_results, get_results_dashboard,
};
use crate::components::council::{CouncilSummary, OutcomeFields};
use crate::components::error_view::ErrorPage;
use crate::components::form::{ErrorAlert, Field, posted_error, posted_error_for, status};
use crate::error::AppError;
use crate::i18n::{T, Texts, use_i18n};
use crate::model::done::Done;
use crate::model::path;
use crate::model::results::{
    Bar, BarScale, Day, PendingResults, RankedProposal, ResultsAnswer, ResultsDashboard,
    ResultsView,
};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

/// A text of the page, chosen when it renders (in the visitor's language).
type Label = fn(&'static Texts) -> &'static str;

#[component]
pub fn ResultsPage() -> impl IntoView {
    let params = use_params_map();
    let slug = Memo::new(move |_| params.read().get("slug").unwrap_or_default());
    let results = Resource::new(move || slug.get(), get_results);
    view! {
        <Transition fallback=move || view! { <p class="container loading"><T k=|t| t.loading /></p> }>
            {move || Suspend::new(async move {
                match results.await {
                    Ok(ResultsAnswer::Ready(view)) => view! {
                        <div class="container results">
                            <Results view=*view heading=true />
                        </div>
                    }.into_any(),
                    Ok(ResultsAnswer::Pending(pending)) => view! { <Pending pending /> }.into_any(),
                    Err(error) => view! { <ErrorPage error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// Before voting ends: an ordinary page that says from when the results will be public.
#[component]
fn Pending(pending: PendingResults) -> impl IntoView {
    let i18n = use_i18n();
    let href = path::procedure(&pending.slug);
    let title = pending.title;
    let from = pending.public_from;
    view! {
        <Title text=format!("{} – {}", i18n.t().results_title, title) />
        <div class="container results">
            <header class="page-intro">
                <p class="card__kicker"><a href=href.clone()>{title.clone()}</a></p>
                <h1><T k=|t| t.results_title /></h1>
            </header>
            <p class="alert alert--info" role="note">
                {move || i18n.t().results_from.fmt(&[("date", i18n.t().date(from).as_str().into())])}
            </p>
            <p><a class="button" href=href><T k=|t| t.results_back_to_procedure /></a></p>
        </div>
    }
}

#[component]
pub fn ResultsDashboardPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let slug = Memo::new(move |_| params.read().get("slug").unwrap_or_default());
    // `seite` counts from 1 in the address.
    let page = Memo::new(move |_| {
        query
            .read()
            .get("seite")
            .and_then(|p| p.parse::<u32>().ok())
            .unwrap_or(1)
            .saturating_sub(1)
    });
    let status = status();
    let dashboard = Resource::new(
        move || (slug.get(), page.get(), status.get()),
        |(slug, page, _)| get_results_dashboard(slug, page),
    );
    view! {
        <Transition fallback=move || view! { <p class="container loading"><T k=|t| t.loading /></p> }>
            {move || Suspend::new(async move {
                match dashboard.await {
                    Ok(dashboard) => view! { <Dashboard dashboard /> }.into_any(),
                    Err(error) => view! { <ErrorPage error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

/// Figures, charts, ranking and downloads: the same on both pages.
#[component]
fn Results(view: ResultsView, heading: bool) -> impl IntoView {
    let i18n = use_i18n();
    let title = view.title.clone();
    let slug = view.slug.clone();
    let final_results = view.final_results;
    let as_of = view.as_of;
    let f = view.figures;
    let figures: Vec<(Label, u64)> = vec![
        (|t| t.fig_participants, f.participants),
        (|t| t.fig_proposals, f.proposals),
        (|t| t.fig_onsite_proposals, f.proposals_onsite),
        (|t| t.fig_withdrawn, f.withdrawn),
        (|t| t.fig_comments, f.comments),
        (|t| t.fig_onsite_comments, f.comments_onsite),
        (|t| t.fig_votes, f.votes),
        (|t| t.fig_voters, f.voters),
        (|t| t.fig_moderation, f.moderation_decisions),
    ];
    let figure_rows = figures
        .into_iter()
        .map(|(label, value)| {
            view! {
                <tr>
                    <th scope="row">{move || label(i18n.t())}</th>
                    <td class="num">{value}</td>
                </tr>
            }
        })
        .collect_view();
    let top = view.top_bars();
    let rule = view.rule;
    let more = view.ranked_total > view.ranking.len() as u64;
    let ranking = view
        .ranking
        .iter()
        .cloned()
        .map(|p| view! { <RankingRow p rule /> })
        .collect_view();
    let council = view.council.clone();
    let outcomes = view.outcomes.clone();
    let api = format!("/api/v1/procedures/{slug}");
    view! {
        {heading.then(|| view! {
            <Title text=format!("{} – {}", i18n.t().results_title, title) />
            <header class="page-intro">
                <p class="card__kicker"><a href=path::procedure(&slug)>{title.clone()}</a></p>
                <h1><T k=|t| t.results_title /></h1>
            </header>
        })}
        <p class="alert alert--info" role="note">
            {move || {
                let t = i18n.t();
                if final_results { t.results_final_note } else { t.results_not_final }
            }}
            " "
            {move || {
                let t = i18n.t();
                let at = if final_results { t.date(as_of) } else { t.date_and_time(as_of) };
                t.as_of.fmt(&[("date", at.as_str().into())])
            }}
        </p>
        <CouncilSummary council outcomes />
        <section aria-labelledby="figures-heading">
            <h2 id="figures-heading"><T k=|t| t.report_participation /></h2>
            <table class="table figures">
                <tbody>{figure_rows}</tbody>
            </table>
        </section>
        <TimelineChart days=view.timeline.clone() />
        <BarChart id="chart-top" title=|t| t.chart_top bars=top />
        <BarChart id="chart-categories" title=|t| t.chart_categories bars=view.categories.clone() />
        <DistrictTable slug=view.slug.clone() districts=view.districts.clone() />
        <section aria-labelledby="ranking-heading">
            <h2 id="ranking-heading"><T k=|t| t.results_ranking /></h2>
            <div class="table-scroll">
                <table class="table">
                    <thead>
                        <tr>
                            <th scope="col"><T k=|t| t.results_rank /></th>
                            <th scope="col"><T k=|t| t.results_proposal /></th>
                            <th scope="col" class="num"><T k=|t| t.results_votes /></th>
                            <th scope="col"><T k=|t| t.results_outcome /></th>
                        </tr>
                    </thead>
                    <tbody>{ranking}</tbody>
                </table>
            </div>
            {more.then(|| view! { <p><T k=|t| t.results_ranking_more /></p> })}
        </section>
        <section aria-labelledby="downloads-heading">
            <h2 id="downloads-heading"><T k=|t| t.results_downloads /></h2>
            // `download` (and `rel="external"` for the page) keep the router from handling
            // these as in-app navigation.
            <ul class="downloads">
                <li><a download="" href=format!("{api}/export.json")><T k=|t| t.download_json /></a></li>
                <li><a download="" href=format!("{api}/export.csv?table=proposals")><T k=|t| t.download_csv_proposals /></a></li>
                <li><a download="" href=format!("{api}/export.csv?table=comments")><T k=|t| t.download_csv_comments /></a></li>
                <li><a download="" href=format!("{api}/export.csv?table=moderation")><T k=|t| t.download_csv_moderation /></a></li>
                <li><a download="" href=format!("{api}/export.xlsx")><T k=|t| t.download_xlsx /></a></li>
                <li><a download="" href=format!("{api}/export.pdf")><T k=|t| t.download_pdf /></a></li>
                <li><a rel="external" href=format!("{api}/report.html")><T k=|t| t.download_report_html /></a></li>
                <li><a download="" href=format!("{api}/export/manifest.json")><T k=|t| t.download_manifest /></a></li>
            </ul>
            <p class="field__hint"><T k=|t| t.results_licence /></p>
        </section>
    }
}

#[component]
fn RankingRow(
    p: RankedProposal,
    rule: crate::formats::proposals::model::VoteRule,
) -> impl IntoView {
    let i18n = use_i18n();
    let value = p.ranked_value(rule);
    let outcome = p.outcome.clone();
    view! {
        <tr>
            <td class="num">{p.rank}</td>
            <td><a href=path::proposal(p.id)>"#"{p.id}" "{p.title.clone()}</a></td>
            <td class="num">{value}</td>
            <td>{outcome.map(|o| move || i18n.t().outcome(o.outcome))}</td>
        </tr>
    }
}

/// Horizontal bars; the values also as a table for screen readers and without images.
#[component]
fn BarChart(id: &'static str, title: Label, bars: Vec<Bar>) -> impl IntoView {
    let i18n = use_i18n();
    if bars.is_empty() {
        return ().into_any();
    }
    let scale = BarScale::of(&bars);
    let row_h = 26u64;
    let height = row_h * bars.len() as u64 + 4;
    let heading_id = format!("{id}-heading");
    let section_label = heading_id.clone();
    let svg_label = heading_id.clone();
    let rects = bars
        .iter()
        .enumerate()
        .map(|(index, bar)| {
            let y = index as u64 * row_h + 2;
            let (start, length) = scale.extent(bar.value, 380.0);
            let length = length.max(1.0);
            let label = bar.short_label();
            view! {
                <text x="0" y=y + 17 class="chart__label">{label}</text>
                <rect x=format!("{:.1}", 260.0 + start) y=y + 4 width=format!("{length:.1}") height="18" class="chart__bar" />
                <text x=format!("{:.1}", 266.0 + start + length) y=y + 18 class="chart__value">{bar.value_text()}</text>
            }
        })
        .collect_view();
    let rows = bars
        .into_iter()
        .map(|bar| {
            let value = bar.value_text();
            view! { <tr><th scope="row">{bar.label}</th><td class="num">{value}</td></tr> }
        })
        .collect_view();
    view! {
        <section class="chart" aria-labelledby=section_label>
            <h2 id=heading_id>{move || title(i18n.t())}</h2>
            <svg
                viewBox=format!("0 0 700 {height}")
                role="img"
                aria-labelledby=svg_label
                class="chart__svg"
                focusable="false"
            >
                {rects}
            </svg>
            <details class="chart__data">
                <summary><T k=|t| t.chart_table /></summary>
                <table class="table"><tbody>{rows}</tbody></table>
            </details>
        </section>
    }
    .into_any()
}

/// Columns per day: proposals, comments and votes together.
#[component]
fn TimelineChart(days: Vec<Day>) -> impl IntoView {
    let i18n = use_i18n();
    if days.is_empty() {
        return ().into_any();
    }
    let totals: Vec<u64> = days
        .iter()
        .map(|d| d.proposals + d.comments + d.votes)
        .collect();
    let max = totals.iter().copied().max().unwrap_or(0).max(1);
    let step = 700.0 / days.len() as f64;
    let columns = totals
        .iter()
        .enumerate()
        .map(|(index, total)| {
            let h = (*total as f64 / max as f64) * 150.0;
            view! {
                <rect
                    x=format!("{:.1}", index as f64 * step)
                    y=format!("{:.1}", 170.0 - h)
                    width=format!("{:.1}", (step * 0.8).max(0.5))
                    height=format!("{h:.1}")
                    class="chart__bar"
                />
            }
        })
        .collect_view();
    let first_day = days.first().map(|d| d.date.clone()).unwrap_or_default();
    let last_day = days.last().map(|d| d.date.clone()).unwrap_or_default();
    let first = move || i18n.t().iso_date(&first_day);
    let last = move || i18n.t().iso_date(&last_day);
    let rows = days
        .into_iter()
        .map(|d| {
            view! {
                <tr>
                    <th scope="row">{move || i18n.t().iso_date(&d.date)}</th>
                    <td class="num">{d.proposals}</td>
                    <td class="num">{d.comments}</td>
                    <td class="num">{d.votes}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section class="chart" aria-labelledby="chart-timeline-heading">
            <h2 id="chart-timeline-heading"><T k=|t| t.chart_timeline /></h2>
            <svg viewBox="0 0 700 200" role="img" aria-labelledby="chart-timeline-heading" class="chart__svg" focusable="false">
                {columns}
                <line x1="0" y1="170" x2="700" y2="170" class="chart__axis" />
                <text x="0" y="190" class="chart__label">{first}</text>
                <text x="700" y="190" text-anchor="end" class="chart__label">{last}</text>
                <text x="0" y="14" class="chart__label">{move || i18n.t().chart_max.fmt(&[("max", max.into())])}</text>
            </svg>
            <details class="chart__data">
                <summary><T k=|t| t.chart_table /></summary>
                <table class="table">
                    <thead>
                        <tr>
                            <th scope="col"><T k=|t| t.chart_day /></th>
                            <th scope="col" class="num"><T k=|t| t.fig_proposals /></th>
                            <th scope="col" class="num"><T k=|t| t.fig_comments /></th>
                            <th scope="col" class="num"><T k=|t| t.fig_votes /></th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </details>
        </section>
    }
    .into_any()
}

/// The notice a finished dashboard action left in the address.
fn dashboard_notice(t: &'static Texts, status: Done) -> Option<String> {
    Some(match status {
        Done::OparlImported {
            recorded,
            unchanged,
            unmatched,
        } => format!(
            "{} {recorded}; {} {unchanged}; {} {unmatched}",
            t.oparl_imported, t.oparl_unchanged, t.oparl_unmatched
        ),
        Done::PaperSaved => t.council_saved.to_owned(),
        Done::OutcomeSaved => t.outcome_saved.to_owned(),
        _ => return None,
    })
}

#[component]
fn Dashboard(dashboard: ResultsDashboard) -> impl IntoView {
    let i18n = use_i18n();
    let status = status();
    let paper_error = posted_error::<SaveCouncilPaper>();
    let import_error = posted_error::<ImportOparl>();
    // An outcome form's error belongs to the form of the proposal it was sent for; the
    // summary at the top links into that form.
    let outcome_error = posted_error::<RecordOutcome>();
    let query = use_query_map();
    let outcome_for = query.with_untracked(|q| {
        q.get("__form")
            .and_then(|form| crate::model::text::form_value(&form, "proposal_id"))
            .and_then(|id| id.parse::<i64>().ok())
    });
    let top_error = Signal::derive(move || outcome_error.get().or_else(|| import_error.get()));
    let top_prefix = outcome_for.map(|id| format!("outcome-{id}-"));
    let results = dashboard.results;
    let slug = results.slug.clone();
    let title = results.title.clone();
    let paper = results.council.clone().unwrap_or_default();
    let page = dashboard.page;
    let pages = dashboard.pages;
    let rows = dashboard
        .rows
        .into_iter()
        .map(|p| {
            let error = posted_error_for::<RecordOutcome>(vec![("proposal_id", p.id.to_string())]);
            view! { <OutcomeEntry p slug=slug.clone() page error /> }
        })
        .collect_view();
    let base = path::results_dashboard(&slug);
    let previous = (page > 0).then(|| format!("{base}?seite={page}"));
    let next = (page + 1 < pages).then(|| format!("{base}?seite={}", page + 2));
    view! {
        <Title text=format!("{} – {}", i18n.t().dashboard_title, title) />
        <div class="container results">
            <header class="page-intro">
                <p class="card__kicker"><a href=path::procedure(&slug)>{title.clone()}</a></p>
                <h1><T k=|t| t.dashboard_title /></h1>
                <p><T k=|t| t.dashboard_live /></p>
            </header>
            {move || status.get().and_then(|s| dashboard_notice(i18n.t(), s)).map(|text| view! {
                <p class="alert alert--success" role="status">{text}</p>
            })}
            <ErrorAlert error=top_error fields=&["outcome", "meeting_date", "justification"]
                prefix=top_prefix />
            <Results view=results heading=false />

            <section class="card" aria-labelledby="council-heading">
                <h2 id="council-heading"><T k=|t| t.council_section /></h2>
                <p class="field__hint"><T k=|t| t.council_section_help /></p>
                <ErrorAlert error=paper_error fields=&["url", "reference", "paper_title"] />
                <form method="post" action=SaveCouncilPaper::PATH>
                    <input type="hidden" name="slug" value=slug.clone() />
                    <Field name="url" kind="url" label=|t| t.council_url_label error=paper_error
                        value=paper.url.clone() />
                    <Field name="reference" label=|t| t.council_reference_label error=paper_error
                        value=paper.reference.clone() />
                    <Field name="paper_title" label=|t| t.council_title_label error=paper_error
                        value=paper.title.clone() />
                    <button type="submit"><T k=|t| t.save /></button>
                </form>
                <form method="post" action=ImportOparl::PATH class="inline-form">
                    <input type="hidden" name="slug" value=slug.clone() />
                    <p class="field__hint" id="oparl-help"><T k=|t| t.oparl_import_help /></p>
                    <button type="submit" class="button--quiet" aria-describedby="oparl-help">
                        <T k=|t| t.oparl_import_button />
                    </button>
                </form>
            </section>

            <section aria-labelledby="outcome-heading">
                <h2 id="outcome-heading"><T k=|t| t.outcome_section /></h2>
                {rows}
                <nav class="pagination" aria-label=move || i18n.t().page_label>
                    {previous.map(|href| view! { <a href=href rel="prev"><T k=|t| t.previous_page /></a> })}
                    " "
                    <span>{move || i18n.t().page_of.fmt(&[("page", (page + 1).into()), ("pages", pages.into())])}</span>
                    " "
                    {next.map(|href| view! { <a href=href rel="next"><T k=|t| t.next_page /></a> })}
                </nav>
            </section>
        </div>
    }
}

/// One proposal's outcome form; `error` is the refusal of this form's last post.
#[component]
fn OutcomeEntry(
    p: RankedProposal,
    slug: String,
    page: u32,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let id = p.id;
    view! {
        <form method="post" action=RecordOutcome::PATH class="card outcome-form" id=format!("vorschlag-{id}")>
            <h3>{p.rank}". "<a href=path::proposal(id)>"#"{id}" "{p.title.clone()}</a></h3>
            <input type="hidden" name="slug" value=slug />
            <input type="hidden" name="proposal_id" value=id />
            <input type="hidden" name="page" value=page />
            <OutcomeFields prefix=format!("outcome-{id}-") current=p.outcome.clone() error />
            <button type="submit"><T k=|t| t.save_outcome /></button>
        </form>
    }
}

/// Proposals and votes by district, when the procedure's proposals are placed.
#[component]
fn DistrictTable(
    slug: String,
    districts: Vec<crate::model::results::DistrictCount>,
) -> impl IntoView {
    if districts.is_empty() {
        return ().into_any();
    }
    let i18n = use_i18n();
    let rows = districts
        .into_iter()
        .map(|d| {
            view! {
                <tr>
                    <th scope="row">{d.name}</th>
                    <td class="num">{d.proposals}</td>
                    <td class="num">{d.votes}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <section aria-labelledby="districts-heading">
            <h2 id="districts-heading"><T k=|t| t.results_districts /></h2>
            // The same counts as the table below, as two maps (drawn by the server).
            <div class="map-pair">
                <figure class="place-map">
                    <img src=path::results_map(&slug) alt=move || i18n.t().map_results_alt
                        width="640" loading="lazy" decoding="async" />
                    <figcaption><T k=|t| t.fig_proposals /></figcaption>
                </figure>
                <figure class="place-map">
                    <img src=path::results_votes_map(&slug) alt=move || i18n.t().map_results_votes_alt
                        width="640" loading="lazy" decoding="async" />
                    <figcaption><T k=|t| t.results_votes /></figcaption>
                </figure>
            </div>
            <div class="table-scroll">
                <table class="table">
                    <thead>
                        <tr>
                            <th scope="col"><T k=|t| t.district_label /></th>
                            <th scope="col" class="num"><T k=|t| t.fig_proposals /></th>
                            <th scope="col" class="num"><T k=|t| t.results_votes /></th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </section>
    }
    .into_any()
}
