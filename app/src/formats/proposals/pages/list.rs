//! A procedure's proposals: the listing (sort, filters, search, pages) on the procedure
//! page, and the page to submit a new one.

use crate::api::procedures::get_procedure;
use crate::components::error_view::{ErrorNotice, ErrorPage, Shown};
use crate::components::form::{
    ErrorAlert, Field, IdempotencyField, LoginPrompt, TextArea, posted_error, status,
};
use crate::components::place::{AddressField, DistrictField};
use crate::formats::proposals::api::{CreateProposal, Vote, list_proposals};
use crate::formats::proposals::model::{
    ProposalCard, ProposalListing, ProposalQuery, ProposalSort, ProposalStatus, Source,
};
use crate::formats::proposals::pages::vote_box::{BudgetNote, VoteBox};
use crate::i18n::{T, Texts, page_title, use_i18n};
use crate::model::done::Done;
use crate::model::path;
use crate::model::procedure::ProcedureDetail;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::{use_location, use_params_map, use_query_map};

/// The listing's data for a procedure page, keyed by the address's query. Created at the
/// top of the page, beside the procedure's own resource: a resource created inside a
/// resolved `Suspend` would get its hydration id in whatever order the server's data
/// arrived, and hydration would then pick up the wrong data.
pub fn listing_resource(
    slug: Memo<String>,
) -> Resource<Result<ProposalListing, crate::error::AppError>> {
    let query_map = use_query_map();
    let query = Memo::new(move |_| {
        let map = query_map.read();
        ProposalQuery::from_params(|key| map.get(key))
    });
    Resource::new(
        move || (slug.get(), query.get()),
        |(slug, query)| list_proposals(slug, query),
    )
}

/// The listing below a procedure's description. Filters are a GET form, so every state of
/// the listing has an address that can be shared and reloaded.
#[component]
pub fn ProposalsSection(
    slug: String,
    listing: Resource<Result<ProposalListing, crate::error::AppError>>,
) -> impl IntoView {
    let done = Callback::new(move |()| listing.refetch());
    let shown = Shown::new();
    // The view is not part of the listing's query: switching it draws the same data anew.
    let query_map = use_query_map();
    let map = Memo::new(move |_| query_map.read().get("view").as_deref() == Some("map"));
    view! {
        <section class="proposals" aria-labelledby="proposals-heading">
            <Transition fallback=move || view! { <p class="loading"><T k=|t| t.loading /></p> }>
                {move || {
                    let slug = slug.clone();
                    let map = map.get();
                    Suspend::new(async move {
                        shown.view(
                            listing.await,
                            |listing| view! { <Listing listing slug done map /> },
                            |error| view! { <ErrorNotice error /> }.into_any(),
                        )
                    })
                }}
            </Transition>
        </section>
    }
}

#[component]
fn Listing(listing: ProposalListing, slug: String, done: Callback<()>, map: bool) -> impl IntoView {
    let i18n = use_i18n();
    let location = use_location();
    let vote_error = posted_error::<Vote>();
    let status = status();
    // The query string comes with a "?" in the browser and without on the server.
    let search = location.search.get_untracked();
    let search = search.trim_start_matches('?');
    let back = format!(
        "{}{}{search}#vorschlaege",
        location.pathname.get_untracked(),
        if search.is_empty() { "" } else { "?" },
    );
    let query = listing.query.clone();
    let sort = listing.sort;
    let new_link = listing.allowed.propose.then(|| {
        view! {
            <a class="button" href=path::new_proposal(&slug)>
                <T k=|t| t.new_proposal />
            </a>
        }
    });
    // The map beside the list (`?view=map`), once the city has districts to place
    // proposals in: drawn by a script of its own (`style/public/map/map.js`), which only
    // the map's page loads. Without it the list is all there is, and says so.
    let map = map && !listing.districts.is_empty();
    let view_param = if map { "&view=map" } else { "" };
    let views = (!listing.districts.is_empty()).then(|| {
        let list = format!("?{}#vorschlaege", query.to_params(sort, None));
        let on_map = format!("?{}&view=map#vorschlaege", query.to_params(sort, None));
        let current = |on: bool| on.then_some("page");
        view! {
            <nav class="tabs" aria-label=move || i18n.t().view_label>
                <ul>
                    <li><a class="tabs__tab" href=list aria-current=current(!map)><T k=|t| t.view_list /></a></li>
                    <li><a class="tabs__tab" href=on_map aria-current=current(map)><T k=|t| t.view_map /></a></li>
                </ul>
            </nav>
        }
    });
    let proposal_map = map.then(|| {
        view! {
            <div class="proposal-map" data-slug=slug.clone()>
                <p class="proposal-map__fallback"><T k=|t| t.map_without_script /></p>
            </div>
            <script type="module" src="/map/map.js"></script>
        }
    });
    let filters = filter_form(&listing, sort, map);
    // A search stops counting at a thousand matches: "1000+".
    let total = format!(
        "{}{}",
        listing.total,
        if listing.total_capped { "+" } else { "" }
    );
    let rule = listing.rule;
    let allowed = listing.allowed;
    let viewer = listing.viewer;
    let budget = listing.budget;
    let body = if listing.items.is_empty() {
        let searching = query.q.is_some()
            || query.category.is_some()
            || query.district.is_some()
            || query.cursor.is_some();
        view! {
            <div class="empty-state">
                <p class="empty-state__title">
                    {move || {
                        let t = i18n.t();
                        if searching { t.no_matching_proposals } else { t.no_proposals_yet }
                    }}
                </p>
            </div>
        }
        .into_any()
    } else {
        let cards = listing
            .items
            .into_iter()
            .map(|card| {
                view! {
                    <li>
                        <ProposalItem card rule allowed viewer budget back=back.clone() done />
                    </li>
                }
            })
            .collect_view();
        view! { <ol class="proposal-list">{cards}</ol> }.into_any()
    };
    let first_page = query.cursor.is_some().then(|| {
        let href = format!("?{}{view_param}#vorschlaege", query.to_params(sort, None));
        view! { <a href=href><T k=|t| t.first_page /></a> }
    });
    let next_page = listing.next_cursor.map(|cursor| {
        let href = format!(
            "?{}{view_param}#vorschlaege",
            query.to_params(sort, Some(&cursor))
        );
        view! { <a class="button button--quiet" href=href rel="next"><T k=|t| t.more_proposals /></a> }
    });
    let notice = move || {
        status.get().and_then(|status| {
            let text: fn(&'static Texts) -> &'static str = match status {
                Done::Voted => |t| t.vote_saved,
                Done::VoteWithdrawn => |t| t.vote_withdrawn,
                _ => return None,
            };
            Some(view! { <p class="alert alert--success" role="status">{move || text(i18n.t())}</p> })
        })
    };
    view! {
        <header class="proposals__header" id="vorschlaege">
            <h2 id="proposals-heading">
                <T k=|t| t.proposals_heading />
                " "
                <span class="tabs__count">{total}</span>
            </h2>
            {new_link}
        </header>
        <BudgetNote budget />
        {notice}
        <ErrorAlert error=vote_error />
        {views}
        {filters}
        {proposal_map}
        <div aria-live="polite">{body}</div>
        <nav class="pager" aria-label=move || i18n.t().pages_label>
            {first_page}
            {next_page}
        </nav>
    }
    .into_any()
}

/// Search, category, status and order, as a GET form (which keeps the map view).
fn filter_form(listing: &ProposalListing, sort: ProposalSort, map: bool) -> impl IntoView + use<> {
    let i18n = use_i18n();
    let query = listing.query.clone();
    let categories = listing.categories.clone();
    let category = query.category.clone().unwrap_or_default();
    let category_options = categories
        .into_iter()
        .map(|c| {
            let selected = c == category;
            let label = c.clone();
            view! { <option value=c selected=selected>{label}</option> }
        })
        .collect_view();
    // Offered once the instance has districts.
    let district = query.district.clone().unwrap_or_default();
    let district_filter = (!listing.districts.is_empty()).then(|| {
        let options = listing
            .districts
            .iter()
            .map(|d| {
                let selected = d.key == district;
                view! { <option value=d.key.clone() selected=selected>{d.name.clone()}</option> }
            })
            .collect_view();
        view! {
            <div class="field">
                <label for="filter-district"><T k=|t| t.district_label /></label>
                <select id="filter-district" name="district">
                    <option value="">{move || i18n.t().all_districts}</option>
                    {options}
                </select>
            </div>
        }
    });
    let status = query.status.unwrap_or(ProposalStatus::Published);
    let rule = listing.rule;
    let sort_options = ProposalSort::ALL
        .into_iter()
        .map(|s| {
            view! {
                <option value=s.as_str() selected=s == sort>{move || i18n.t().sort_under(s, rule)}</option>
            }
        })
        .collect_view();
    let status_options = ProposalStatus::ALL
        .into_iter()
        .map(|s| {
            view! {
                <option value=s.as_str() selected=s == status>{move || i18n.t().proposal_status(s)}</option>
            }
        })
        .collect_view();
    view! {
        <form class="filters" method="get" action="#vorschlaege" role="search">
            <div class="field">
                <label for="filter-q"><T k=|t| t.search_proposals /></label>
                <input id="filter-q" name="q" type="search" maxlength="200" value=query.q.clone() />
            </div>
            <div class="field">
                <label for="filter-category"><T k=|t| t.category_label /></label>
                <select id="filter-category" name="category">
                    <option value="">{move || i18n.t().all_categories}</option>
                    {category_options}
                </select>
            </div>
            {district_filter}
            <div class="field">
                <label for="filter-status"><T k=|t| t.status_label /></label>
                <select id="filter-status" name="status">{status_options}</select>
            </div>
            <div class="field">
                <label for="filter-sort"><T k=|t| t.sort_label /></label>
                <select id="filter-sort" name="sort">{sort_options}</select>
            </div>
            {map.then(|| view! { <input type="hidden" name="view" value="map" /> })}
            <button type="submit" class="button--quiet"><T k=|t| t.apply_filters /></button>
        </form>
    }
}

#[component]
fn ProposalItem(
    card: ProposalCard,
    rule: crate::formats::proposals::model::VoteRule,
    allowed: crate::formats::proposals::model::Allowed,
    viewer: crate::formats::proposals::model::Viewer,
    budget: Option<crate::formats::proposals::model::VoteBudget>,
    back: String,
    done: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let href = path::proposal(card.id);
    let heading_id = format!("vorschlag-{}", card.id);
    let labelled_by = heading_id.clone();
    let comments = card.comment_count;
    let photo = card.photo.clone().map(|p| {
        view! {
            <img class="proposal-card__photo" src=p.list_url alt=p.alt
                width=p.list_width height=p.list_height loading="lazy" />
        }
    });
    view! {
        <article class="proposal-card" aria-labelledby=labelled_by>
            <div class="proposal-card__main">
                {photo}
                <p class="card__kicker">
                    {move || i18n.t().proposal_number.fmt(&[("id", card.id.into())])}
                    {card.category.clone().map(|c| view! { " · " <span>{c}</span> })}
                    {card.district.clone().map(|d| view! { " · " <span class="place">{d}</span> })}
                </p>
                <h3 class="proposal-card__title" id=heading_id>
                    <a href=href>{card.title.clone()}</a>
                </h3>
                <p class="proposal-card__excerpt">{card.excerpt.clone()}</p>
                <p class="proposal-card__meta">
                    <Byline author=card.author.clone() source=card.source.clone() />
                    " · "
                    {move || i18n.t().date(card.created_at)}
                    " · "
                    {move || i18n.t().comments_count(comments)}
                </p>
            </div>
            <VoteBox card rule allowed viewer budget back done />
        </article>
    }
}

/// "Jonas Keller", or "entered from: Bürgerwerkstatt Süd" for an on-site contribution.
#[component]
pub fn Byline(author: Option<String>, source: Source) -> impl IntoView {
    let i18n = use_i18n();
    let author = author.unwrap_or_default();
    match source {
        Source::Online => view! {
            <span>{move || if author.is_empty() { i18n.t().deleted_account.to_owned() } else { author.clone() }}</span>
        }
        .into_any(),
        Source::Onsite { event } => view! {
            <span class="badge badge--onsite">{move || i18n.t().onsite}</span>
            " "
            <span>{move || i18n.t().collected_at.fmt(&[("event", event.as_str().into())])}</span>
        }
        .into_any(),
    }
}

/// `/verfahren/{slug}/vorschlag-neu`
#[component]
pub fn NewProposalPage() -> impl IntoView {
    let params = use_params_map();
    let slug = Memo::new(move |_| params.read().get("slug").unwrap_or_default());
    let detail = Resource::new(move || slug.get(), get_procedure);
    let me = Resource::new(|| (), |_| crate::api::account::who_am_i());
    let districts = Resource::new(
        move || slug.get(),
        |slug| crate::api::places::list_districts(Some(slug)),
    );
    // After a refused address: what was typed, to offer what may have been meant.
    let error = posted_error::<CreateProposal>();
    let refused = error.with_untracked(|e| {
        e.as_ref()
            .is_some_and(|e| e.field_problems().iter().any(|(f, _)| *f == "address"))
    });
    let typed = refused
        .then(|| crate::components::form::typed_before(error, "address", None))
        .flatten();
    let address = Resource::new(move || typed.clone(), crate::api::places::address_field);
    view! {
        <Title text=page_title(|t| t.new_proposal) />
        <Transition fallback=move || view! { <p class="container loading"><T k=|t| t.loading /></p> }>
            {move || Suspend::new(async move {
                match (detail.await, me.await, districts.await, address.await) {
                    (Ok(detail), Ok(me), Ok(districts), Ok(address)) => {
                        view! { <NewProposalForm detail me districts address /> }.into_any()
                    }
                    (Err(error), _, _, _)
                    | (_, Err(error), _, _)
                    | (_, _, Err(error), _)
                    | (_, _, _, Err(error)) => view! { <ErrorPage error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn NewProposalForm(
    detail: ProcedureDetail,
    me: Option<crate::model::account::Me>,
    districts: Vec<crate::model::place::DistrictRef>,
    address: crate::model::address::AddressFieldState,
) -> impl IntoView {
    let i18n = use_i18n();
    let error = posted_error::<CreateProposal>();
    let slug = detail.summary.slug.clone();
    let back = path::procedure(&slug);
    let heading = view! {
        <p class="card__kicker"><a href=back.clone()>{detail.summary.title.clone()}</a></p>
        <h1><T k=|t| t.new_proposal /></h1>
    };
    let Some(me) = me else {
        return view! {
            <div class="container form-page">
                {heading}
                <LoginPrompt text=|t| t.login_to_propose />
            </div>
        }
        .into_any();
    };
    if !detail.allowed.propose {
        return view! {
            <div class="container form-page">
                {heading}
                <p class="alert alert--info" role="status"><T k=|t| t.proposals_closed /></p>
                <p><a href=back><T k=|t| t.back_to_procedure /></a></p>
            </div>
        }
        .into_any();
    }
    let planner = me.role.plans();
    let category_options = detail
        .categories
        .into_iter()
        .map(|c| {
            let label = c.clone();
            view! { <option value=c>{label}</option> }
        })
        .collect_view();
    let unverified = (!me.verified)
        .then(|| view! { <p class="alert alert--info" role="status"><T k=|t| t.verify_to_contribute /></p> });
    // Entering a batch from an on-site event: the event stays filled in for the next one.
    let query = use_query_map();
    let (event, saved) = query.with_untracked(|q| {
        (
            q.get("veranstaltung").unwrap_or_default(),
            q.get("gespeichert").and_then(|id| id.parse::<i64>().ok()),
        )
    });
    let saved = saved.map(|id| {
        view! {
            <p class="alert alert--success" role="status">
                {move || i18n.t().saved_next} " "
                <a href=path::proposal(id)>{format!("#{id}")}</a>
            </p>
        }
    });
    let onsite = planner.then(|| {
        view! {
            <fieldset class="fieldset">
                <legend><T k=|t| t.onsite_legend /></legend>
                <p class="field__hint"><T k=|t| t.onsite_hint /></p>
                <Field name="event" label=|t| t.event_label error required=false value=event />
                <p>
                    <a href=path::onsite_import(&slug)><T k=|t| t.onsite_import_link /></a>
                </p>
            </fieldset>
        }
    });
    let next = planner.then(|| {
        view! {
            <button type="submit" name="next" value="1" class="button--quiet">
                <T k=|t| t.save_and_next />
            </button>
        }
    });
    // Once the city has districts: a map to set the exact place on (and the device's
    // location, on request), drawn by the maps' script, which only this page loads. Without
    // it the address field does the same.
    let area = detail.area.is_some().then_some("");
    let picker = (!districts.is_empty()).then(|| {
        view! {
            <div class="place-picker" data-slug=slug.clone() data-area=area></div>
            <script type="module" src="/map/map.js"></script>
        }
    });
    view! {
        <div class="container form-page form-page--wide">
            {heading}
            {unverified}
            {saved}
            <ErrorAlert error fields=&["title", "body", "category", "location", "address", "geometry", "district", "event"] />
            <form method="post" action=CreateProposal::PATH>
                <input type="hidden" name="slug" value=slug />
                <IdempotencyField />
                <Field name="title" label=|t| t.title_label error hint=|t| t.title_hint />
                <TextArea name="body" label=|t| t.body_label hint=|t| t.markdown_hint rows=10 error />
                <div class="field">
                    <label for="field-category"><T k=|t| t.category_label /></label>
                    <select id="field-category" name="category">
                        <option value="">{move || i18n.t().no_category}</option>
                        {category_options}
                    </select>
                </div>
                <Field name="location" label=|t| t.location_label error required=false hint=|t| t.location_hint />
                <AddressField state=address error />
                {picker}
                <DistrictField districts selected=None error />
                {onsite}
                <div class="form-actions">
                    <button type="submit"><T k=|t| t.submit_proposal /></button>
                    {next}
                </div>
            </form>
        </div>
    }
    .into_any()
}
