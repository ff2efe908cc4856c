//! `/vorschlaege/{id}`: a proposal with its tally, the author's tools, and the discussion.

use super::merges::{MergedFrom, MergedNotice};
use super::opinion::OpinionSection;
use super::thread::{Comments, JustPosted, PROPOSAL_TEXT, ThreadCodec};
use crate::api::moderation::{Decide, Object, Report};
use crate::components::error_view::{ErrorPage, Shown};
use crate::components::form::{ErrorAlert, Field, TextArea, posted_error, status};
use crate::components::implementation::ImplementationSection;
use crate::components::moderation::{DecisionForm, ModerationNotice, ReportForm};
use crate::components::place::DistrictField;
use crate::formats::proposals::api::{EditProposal, Follow, Vote, WithdrawProposal, get_proposal};
use crate::formats::proposals::model::{ProposalDetail, ProposalStatus, ThreadWindow};
use crate::formats::proposals::pages::list::Byline;
use crate::formats::proposals::pages::vote_box::{BudgetNote, VoteBox};
use crate::i18n::{T, Texts, page_title, use_i18n};
use crate::model::done::Done;
use crate::model::moderation::TargetKind;
use crate::model::path;
use crate::model::place::Precision;
use crate::model::text::encode_component;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn ProposalPage() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| {
        params
            .read()
            .get("id")
            .and_then(|id| id.parse::<i64>().ok())
            .unwrap_or(0)
    });
    let query = use_query_map();
    let window = Memo::new(move |_| ThreadWindow::from_params(|key| query.read().get(key)));
    let detail = Resource::<_, ThreadCodec>::new_with_options(
        move || (id.get(), window.get()),
        |(id, window)| get_proposal(id, window),
        false,
    );
    let done = Callback::new(move |()| detail.refetch());
    let shown = Shown::new();
    let posted = JustPosted::new();
    provide_context(posted);
    let i18n = use_i18n();
    view! {
        // Outside the part that re-renders, so screen readers hear it when it changes.
        <p class="visually-hidden" role="status">
            {move || posted.announce.get().then(|| i18n.t().comment_added)}
        </p>
        <Transition fallback=move || view! { <p class="container loading"><T k=|t| t.loading /></p> }>
            {move || Suspend::new(async move {
                shown.view(
                    detail.await,
                    |detail| view! { <Proposal detail done /> },
                    |error| view! { <ErrorPage error /> }.into_any(),
                )
            })}
        </Transition>
    }
}

/// The message a finished form left in the address.
fn status_text(status: Done) -> Option<fn(&'static Texts) -> &'static str> {
    Some(match status {
        Done::Created => |t| t.proposal_created,
        Done::Saved => |t| t.proposal_saved,
        Done::Withdrawn => |t| t.proposal_withdrawn_done,
        Done::Voted => |t| t.vote_saved,
        Done::VoteWithdrawn => |t| t.vote_withdrawn,
        Done::Followed => |t| t.followed,
        Done::Unfollowed => |t| t.unfollowed,
        Done::Commented => |t| t.comment_added,
        Done::CommentSaved => |t| t.comment_saved,
        Done::CommentDeleted => |t| t.comment_deleted,
        Done::Reported => |t| t.reported_done,
        Done::AlreadyReported => |t| t.already_reported,
        Done::Objected => |t| t.objection_sent,
        Done::Decided(_) => |t| t.decision_saved,
        _ => return None,
    })
}

#[component]
fn Proposal(detail: ProposalDetail, done: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let status = status();
    let card = detail.card.clone();
    let id = card.id;
    let procedure_href = path::procedure(&detail.procedure.slug);
    let errors = [
        posted_error::<Vote>(),
        posted_error::<Follow>(),
        posted_error::<EditProposal>(),
        posted_error::<WithdrawProposal>(),
        posted_error::<Report>(),
        posted_error::<Object>(),
        posted_error::<Decide>(),
    ];
    let back = path::proposal(id);
    let mark = detail.moderation.clone().map(|mark| {
        view! { <ModerationNotice mark kind=TargetKind::Proposal id back=back.clone() /> }
    });
    if detail.concealed {
        let error = Signal::derive(move || errors.iter().find_map(|e| e.get()));
        return view! {
            <Title text=page_title(|t| t.hidden_proposal_title) />
            <article class="container proposal">
                <header class="page-intro">
                    <p class="card__kicker">
                        <a href=procedure_href>{detail.procedure.title.clone()}</a>
                    </p>
                    <h1>
                        {move || i18n.t().hidden_proposal_heading.fmt(&[("id", id.into())])}
                    </h1>
                </header>
                <ErrorAlert error />
                {mark}
            </article>
        }
        .into_any();
    }
    let redacted = detail.redacted_at.map(|at| {
        view! {
            <p class="moderation-mark">
                {move || i18n.t().redacted_on.fmt(&[("date", i18n.t().date(at).as_str().into())])}
            </p>
        }
    });
    let report = if detail.reportable {
        Some(view! { <ReportForm kind=TargetKind::Proposal id back=back.clone() /> }.into_any())
    } else if detail.reported {
        Some(view! { <p class="field__hint"><T k=|t| t.already_reported /></p> }.into_any())
    } else {
        None
    };
    let decision = (!detail.decisions.is_empty()).then(|| {
        let source = detail
            .moderator_source
            .clone()
            .map(|s| (Some(s.title), s.body));
        let actions = detail.decisions.clone();
        let placed = detail.precision;
        view! {
            <DecisionForm kind=TargetKind::Proposal id actions back=back.clone() source=source.unwrap_or_default() placed />
        }
    });
    let error = Signal::derive(move || errors.iter().find_map(|e| e.get()));
    let notice = move || {
        status.get().and_then(status_text).map(|text| {
            view! { <p class="alert alert--success" role="status">{move || text(i18n.t())}</p> }
        })
    };
    let withdrawn = (card.status == ProposalStatus::Withdrawn).then(|| {
        let note = detail.withdrawal_note.clone().unwrap_or_default();
        view! {
            <div class="alert alert--info" role="note">
                <p><strong><T k=|t| t.withdrawn_notice /></strong></p>
                <p class="preserve-lines">{note}</p>
            </div>
        }
    });
    let merged = detail
        .merged
        .clone()
        .map(|notice| view! { <MergedNotice notice /> });
    let merged_from = view! { <MergedFrom links=detail.merged_from.clone() /> };
    let opinion = view! { <OpinionSection view=detail.opinion.clone() proposal_id=id /> };
    let outcome = detail.outcome.clone().map(|o| {
        let outcome = o.outcome;
        let date = o.meeting_day();
        view! {
            <section class="alert alert--info outcome" aria-labelledby="outcome-heading">
                <h2 id="outcome-heading">
                    <T k=|t| t.results_outcome />": "{move || i18n.t().outcome(outcome)}
                </h2>
                {date.map(|d| view! { <p>{move || i18n.t().outcome_meeting.fmt(&[("date", i18n.t().date(d).as_str().into())])}</p> })}
                <p class="preserve-lines">{o.justification}</p>
            </section>
        }
    });
    // Planners record entries on a page of their own: its forms are not in every
    // resident's download.
    let record = view! {
        <p><a class="button" href=path::implementation_desk(id)><T k=|t| t.implementation_form_heading /></a></p>
    }
    .into_any();
    let implementation = view! {
        <ImplementationSection implementation=detail.implementation.clone() staff=record />
    };
    let location = detail.location.clone().map(|place| {
        view! {
            <div>
                <dt><T k=|t| t.location_label /></dt>
                <dd>{place}</dd>
            </div>
        }
    });
    let district = detail.district.clone().map(|district| {
        let precision = detail.precision;
        view! {
            <div>
                <dt><T k=|t| t.district_label /></dt>
                <dd>
                    {district.name}
                    {precision.filter(|p| *p == Precision::District).map(|_| view! {
                        " " <span class="field__hint">{move || i18n.t().district_only}</span>
                    })}
                </dd>
            </div>
        }
    });
    // The place drawn by the server; only for what everyone sees (the picture is public).
    let place_map = ((detail.geometry.is_some() || detail.district.is_some())
        && detail.moderation.is_none())
    .then(|| {
        view! {
            <figure class="place-map">
                <img src=path::place_map(id) alt=move || i18n.t().map_place_alt width="640"
                    loading="lazy" decoding="async" />
            </figure>
        }
    });
    let category = card.category.clone().map(|category| {
        view! {
            <div>
                <dt><T k=|t| t.category_label /></dt>
                <dd>{category}</dd>
            </div>
        }
    });
    let follow = detail.viewer.signed_in.then(|| {
        let following = detail.following;
        view! {
            <form method="post" action=Follow::PATH class="follow">
                <input type="hidden" name="id" value=id />
                <input type="hidden" name="follow" value=if following { "0" } else { "1" } />
                <button type="submit" class="button--quiet" aria-pressed=if following { "true" } else { "false" }>
                    {move || if following { i18n.t().unfollow } else { i18n.t().follow }}
                </button>
            </form>
        }
    });
    let photos = photo_section(&detail);
    let author_tools = author_tools(&detail);
    let title = card.title.clone();
    let vote_box = view! {
        <VoteBox
            card=card.clone()
            rule=detail.rule
            allowed=detail.allowed
            viewer=detail.viewer
            budget=detail.budget
            back=format!("{}#abstimmung", path::proposal(id))
            done
        />
    };
    view! {
        <Title text=title.clone() />
        <article class="container proposal">
            <header class="page-intro">
                <p class="card__kicker">
                    <a href=procedure_href>{detail.procedure.title.clone()}</a>
                </p>
                <h1>
                    <span class="proposal__number">
                        {move || i18n.t().proposal_number.fmt(&[("id", id.into())])}
                    </span>
                    " "
                    {title}
                </h1>
                <p class="proposal-card__meta">
                    <Byline author=card.author.clone() source=card.source.clone() />
                    " · "
                    {move || i18n.t().date(card.created_at)}
                </p>
            </header>
            {notice}
            <ErrorAlert error />
            {mark}
            {withdrawn}
            {merged}
            {outcome}
            <div class="procedure__layout">
                <div>
                    <div class="prose" id=PROPOSAL_TEXT inner_html=detail.body_html.clone()></div>
                    {redacted}
                    <dl class="facts">{category}{location}{district}</dl>
                    {place_map}
                    {photos}
                    {merged_from}
                    {opinion}
                    {implementation}
                    {author_tools}
                    <div class="moderation-tools">{report}{decision}</div>
                </div>
                <aside class="procedure__aside">
                    <section class="card" id="abstimmung" aria-labelledby="vote-heading">
                        <h2 id="vote-heading"><T k=|t| t.vote_heading /></h2>
                        {vote_box}
                        <BudgetNote budget=detail.budget />
                        {follow}
                    </section>
                    <Share id title=card.title.clone() />
                </aside>
            </div>
            <Comments detail=detail.clone() done />
        </article>
    }
    .into_any()
}

/// The proposal's address to copy or mail, and printing (the print stylesheet leaves out
/// forms and navigation). Copy and print buttons appear once the page has hydrated; without
/// JavaScript the address field can be selected and the browser prints.
#[component]
fn Share(id: i64, title: String) -> impl IntoView {
    let i18n = use_i18n();
    let base = use_context::<crate::app::SiteInfo>()
        .map(|site| site.public_url)
        .unwrap_or_default();
    let url = format!("{}{}", base.trim_end_matches('/'), path::proposal(id));
    let mailto = format!(
        "mailto:?subject={}&body={}",
        encode_component(&title),
        encode_component(&url)
    );
    let scripted = RwSignal::new(false);
    Effect::new(move |_| scripted.set(true));
    let copied = RwSignal::new(false);
    let buttons = move || {
        scripted.get().then(|| {
            view! {
                <button type="button" class="button--quiet" on:click=move |_| copy_address(copied)>
                    <T k=|t| t.share_copy />
                </button>
                <button type="button" class="button--quiet" on:click=move |_| print_page()>
                    <T k=|t| t.share_print />
                </button>
            }
        })
    };
    view! {
        <section class="card share" aria-labelledby="share-heading">
            <h2 id="share-heading"><T k=|t| t.share_heading /></h2>
            <div class="field">
                <label for="share-url"><T k=|t| t.share_address /></label>
                <input id="share-url" type="url" readonly value=url />
            </div>
            <p class="form-actions">
                <a href=mailto>{move || i18n.t().share_mail}</a>
                {buttons}
            </p>
            <p class="visually-hidden" role="status">
                {move || copied.get().then(|| i18n.t().share_copied)}
            </p>
        </section>
    }
}

#[cfg(feature = "hydrate")]
fn copy_address(copied: RwSignal<bool>) {
    use wasm_bindgen::JsCast;
    if let Some(input) = document()
        .get_element_by_id("share-url")
        .and_then(|element| element.dyn_into::<web_sys::HtmlInputElement>().ok())
    {
        input.select();
        let clipboard = window().navigator().clipboard();
        let _ = clipboard.write_text(&input.value());
        copied.set(true);
    }
}

#[cfg(not(feature = "hydrate"))]
fn copy_address(_: RwSignal<bool>) {}

fn print_page() {
    #[cfg(feature = "hydrate")]
    let _ = window().print();
}

/// The proposal's photos (the page size, each a link to the print size), and for its
/// author and moderators the way to the page that adds, removes or hides them.
fn photo_section(detail: &ProposalDetail) -> Option<impl IntoView + use<>> {
    let shelf = &detail.photos;
    if shelf.photos.is_empty() && !shelf.own && !shelf.moderate {
        return None;
    }
    let items = shelf
        .photos
        .iter()
        .map(|photo| {
            let hidden = photo
                .hidden
                .then(|| view! { <figcaption class="moderation-mark"><T k=|t| t.photo_hidden /></figcaption> });
            view! {
                <li>
                    <figure>
                        <a href=photo.print_url.clone()>
                            <img src=photo.page_url.clone() alt=photo.alt.clone()
                                srcset=format!("{} {}w, {} {}w", photo.list_url, photo.list_width, photo.page_url, photo.width)
                                sizes="(max-width: 48rem) 100vw, 40rem"
                                width=photo.width height=photo.height loading="lazy" decoding="async" />
                        </a>
                        {hidden}
                    </figure>
                </li>
            }
        })
        .collect_view();
    let manage = (shelf.own || shelf.moderate).then(|| {
        let own = shelf.own;
        let i18n = use_i18n();
        view! {
            <p>
                <a href=path::proposal_photos(detail.card.id)>
                    {move || if own { i18n.t().photos_manage } else { i18n.t().photos_review }}
                </a>
            </p>
        }
    });
    Some(view! {
        <section id="fotos" class="proposal-photos" aria-labelledby="photos-heading">
            <h2 id="photos-heading"><T k=|t| t.photos_heading /></h2>
            <ul class="photo-list">{items}</ul>
            {manage}
        </section>
    })
}

/// Edit (until the first reaction) and withdraw, for the author only.
fn author_tools(detail: &ProposalDetail) -> Option<impl IntoView + use<>> {
    if !detail.withdrawable {
        return None;
    }
    let i18n = use_i18n();
    let id = detail.card.id;
    let edit = detail.edit_source.clone().map(|source| {
        let error = posted_error::<EditProposal>();
        let categories = detail.categories.clone();
        let selected = source.category.clone().unwrap_or_default();
        let options = categories
            .into_iter()
            .map(|c| {
                let is = c == selected;
                let label = c.clone();
                view! { <option value=c selected=is>{label}</option> }
            })
            .collect_view();
        view! {
            <details class="disclosure">
                <summary><T k=|t| t.edit_proposal /></summary>
                <p class="field__hint"><T k=|t| t.edit_until_reaction /></p>
                <form method="post" action=EditProposal::PATH>
                    <input type="hidden" name="id" value=id />
                    <Field name="title" label=|t| t.title_label error value=source.title.clone() />
                    <TextArea name="body" label=|t| t.body_label hint=|t| t.markdown_hint rows=10 value=source.body.clone() />
                    <div class="field">
                        <label for="field-category"><T k=|t| t.category_label /></label>
                        <select id="field-category" name="category">
                            <option value="">{move || i18n.t().no_category}</option>
                            {options}
                        </select>
                    </div>
                    <Field name="location" label=|t| t.location_label error required=false value=source.location.clone().unwrap_or_default() />
                    <DistrictField districts=detail.districts.clone() selected=source.district.clone() error />
                    // A point placed through the API or the map stays where it is.
                    {source.geometry.clone().map(|geometry| view! {
                        <input type="hidden" name="geometry" value=geometry />
                        <input type="hidden" name="precision" value=source.precision.map(|p| p.as_str()) />
                    })}
                    <button type="submit"><T k=|t| t.save /></button>
                </form>
            </details>
        }
    });
    let locked = detail.edit_source.is_none().then(|| {
        view! { <p class="field__hint"><T k=|t| t.edit_locked /></p> }
    });
    Some(view! {
        <section class="author-tools" aria-labelledby="author-tools-heading">
            <h2 id="author-tools-heading"><T k=|t| t.your_proposal /></h2>
            {edit}
            {locked}
            <details class="disclosure">
                <summary><T k=|t| t.withdraw_proposal /></summary>
                <form method="post" action=WithdrawProposal::PATH>
                    <input type="hidden" name="id" value=id />
                    <TextArea name="note" label=|t| t.withdraw_note_label hint=|t| t.withdraw_note_hint rows=3 />
                    <button type="submit" class="button--danger"><T k=|t| t.withdraw_proposal /></button>
                </form>
            </details>
        </section>
    })
}
