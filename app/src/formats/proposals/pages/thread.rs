//! A proposal's comment thread: the form to comment, the comments with their replies, and
//! what a person may do with each.

use crate::components::form::{ErrorAlert, Field, IdempotencyField, TextArea, posted_error};
use crate::components::live_form::LiveForm;
use crate::components::moderation::{DecisionForm, ModerationNotice, ReportForm};
use crate::error::AppError;
use crate::formats::proposals::api::{AddComment, DeleteComment, EditComment};
use crate::formats::proposals::model::{
    CommentView, MAX_COMMENT_DEPTH, ProposalDetail, ThreadWindow,
};
use crate::formats::proposals::pages::list::Byline;
use crate::i18n::{T, Texts, use_i18n};
use crate::model::moderation::TargetKind;
use crate::model::path;
use leptos::prelude::*;
use leptos::server::codee::{Decoder, Encoder};
use leptos::server_fn::ServerFn;

/// A comment just written in place: announced in the live region, and focused once the
/// discussion has re-rendered with it.
#[derive(Clone, Copy)]
pub(super) struct JustPosted {
    focus: RwSignal<Option<i64>>,
    pub(super) announce: RwSignal<bool>,
}

impl JustPosted {
    pub(super) fn new() -> Self {
        Self {
            focus: RwSignal::new(None),
            announce: RwSignal::new(false),
        }
    }

    /// The comment form's answer is the new comment's id.
    fn on_answer(self) -> Callback<String> {
        Callback::new(move |answer: String| {
            self.focus.set(answer.trim().parse::<i64>().ok());
            self.announce.set(true);
        })
    }

    /// Moves focus to the new comment after the discussion has been drawn again; when it
    /// is not in the part shown (a long discussion), goes to the part that holds it.
    fn focus_when_drawn(self, proposal_id: i64) {
        #[cfg(not(feature = "hydrate"))]
        let _ = proposal_id;
        #[cfg(feature = "hydrate")]
        {
            let navigate = leptos_router::hooks::use_navigate();
            Effect::new(move |_| {
                let Some(id) = self.focus.get_untracked() else {
                    return;
                };
                self.focus.set(None);
                let navigate = navigate.clone();
                request_animation_frame(move || {
                    use wasm_bindgen::JsCast;
                    match document()
                        .get_element_by_id(&comment_anchor(id))
                        .and_then(|element| element.dyn_into::<web_sys::HtmlElement>().ok())
                    {
                        Some(element) => {
                            let _ = element.focus();
                        }
                        None => {
                            self.focus.set(Some(id));
                            navigate(&path::comment(proposal_id, id), Default::default());
                        }
                    }
                });
            });
        }
    }
}

/// How the proposal page's data crosses to the browser for hydration: as JSON, without the
/// rendered HTML of the proposal's text and of the comments, which the page already carries
/// once. The browser reads each back from the drawn page (the `.prose` of the proposal's
/// text and of each `CommentItem`), so the value it hydrates with is whole, as if fetched.
/// Every later value (a refetch, another part of the thread, a page reached by a link)
/// comes from `get_proposal` in full.
pub(super) struct ThreadCodec;

type Loaded = Result<ProposalDetail, AppError>;

impl Encoder<Loaded> for ThreadCodec {
    type Error = serde_json::Error;
    type Encoded = String;

    fn encode(loaded: &Loaded) -> Result<String, serde_json::Error> {
        let lean = loaded.as_ref().map(|detail| {
            let mut lean = detail.clone();
            lean.body_html.clear();
            for comment in &mut lean.comments {
                comment.body_html.clear();
            }
            lean
        });
        serde_json::to_string(&lean)
    }
}

impl Decoder<Loaded> for ThreadCodec {
    type Error = serde_json::Error;
    type Encoded = str;

    fn decode(encoded: &str) -> Result<Loaded, serde_json::Error> {
        #[allow(unused_mut)] // filled in the browser only
        let mut loaded: Loaded = serde_json::from_str(encoded)?;
        #[cfg(feature = "hydrate")]
        if let Ok(detail) = &mut loaded {
            if detail.body_html.is_empty()
                && let Some(html) = drawn_html(PROPOSAL_TEXT)
            {
                detail.body_html = html;
            }
            for comment in &mut detail.comments {
                if comment.body_html.is_empty()
                    && let Some(html) = drawn_body(comment.id)
                {
                    comment.body_html = html;
                }
            }
        }
        Ok(loaded)
    }
}

/// The id of the element holding the proposal's text as drawn (`Proposal` in `detail.rs`).
pub(super) const PROPOSAL_TEXT: &str = "vorschlagstext";

/// A comment's HTML as the server drew it (none for a deleted or concealed one).
#[cfg(feature = "hydrate")]
fn drawn_body(id: i64) -> Option<String> {
    let item = document().get_element_by_id(&comment_anchor(id))?;
    let prose = item.query_selector(".comment__body > .prose").ok()??;
    Some(prose.inner_html())
}

/// The HTML inside the element with this id, as the server drew it.
#[cfg(feature = "hydrate")]
fn drawn_html(id: &str) -> Option<String> {
    Some(document().get_element_by_id(id)?.inner_html())
}

fn comment_anchor(id: i64) -> String {
    format!("kommentar-{id}")
}

#[component]
pub(super) fn Comments(detail: ProposalDetail, done: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let errors = [
        posted_error::<AddComment>(),
        posted_error::<EditComment>(),
        posted_error::<DeleteComment>(),
    ];
    let error = Signal::derive(move || errors.iter().find_map(|e| e.get()));
    let id = detail.card.id;
    let count = detail.card.comment_count;
    let open = detail.allowed.comment;
    let viewer = detail.viewer;
    let can_write = open && viewer.verified && !viewer.blocked;
    let posted = use_context::<JustPosted>().unwrap_or_else(JustPosted::new);
    posted.focus_when_drawn(id);
    let comment_error = posted_error::<AddComment>();
    let form = if detail.locked {
        view! { <p class="alert alert--info" role="note"><T k=|t| t.locked_notice /></p> }
            .into_any()
    } else if !open {
        view! { <p class="field__hint"><T k=|t| t.comments_closed /></p> }.into_any()
    } else if !viewer.signed_in {
        let href = path::with_return("/anmelden", &format!("{}#kommentare", path::proposal(id)));
        view! { <p><a href=href><T k=|t| t.login_to_comment /></a></p> }.into_any()
    } else if !viewer.verified {
        view! { <p class="alert alert--info" role="status"><T k=|t| t.verify_to_contribute /></p> }
            .into_any()
    } else if viewer.blocked {
        view! { <p class="alert alert--info" role="status"><T k=|t| t.invalid_input("account", "blocked") /></p> }
            .into_any()
    } else {
        view! {
            <LiveForm action=AddComment::PATH done on_answer=posted.on_answer() class="comment-form">
                <input type="hidden" name="proposal_id" value=id />
                <IdempotencyField />
                <TextArea name="body" label=|t| t.comment_label hint=|t| t.markdown_hint rows=4 id_suffix="comment" error=comment_error />
                {viewer.planner.then(|| view! {
                    <Field name="event" label=|t| t.event_optional_label error required=false />
                })}
                <button type="submit"><T k=|t| t.submit_comment /></button>
            </LiveForm>
        }
        .into_any()
    };
    let items = detail
        .comments
        .into_iter()
        .map(|comment| {
            view! { <CommentItem comment proposal_id=id can_write done /> }
        })
        .collect_view();
    let thread = detail.thread;
    // A later part, or the replies to one comment: the way back to the start, said first.
    let start = thread.partial.then(|| {
        let note = thread
            .replies_to
            .map(|_| view! { <p class="field__hint"><T k=|t| t.replies_note /></p> });
        view! {
            {note}
            <p><a href=ThreadWindow::default().href(id)><T k=|t| t.comments_start /></a></p>
        }
    });
    let more = thread.next.map(|next| {
        let label = if thread.replies_to.is_some() {
            |t: &'static Texts| t.replies_next
        } else {
            |t: &'static Texts| t.comments_next
        };
        view! { <p class="comments__more"><a href=next.href(id) rel="next"><T k=label /></a></p> }
    });
    view! {
        <section class="comments" id="kommentare" aria-labelledby="comments-heading">
            <h2 id="comments-heading">{move || i18n.t().comments_count(count)}</h2>
            <ErrorAlert error />
            {form}
            {start}
            <ol class="comment-list" aria-live="polite">{items}</ol>
            {more}
        </section>
    }
}

#[component]
fn CommentItem(
    comment: CommentView,
    proposal_id: i64,
    can_write: bool,
    done: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let posted = use_context::<JustPosted>().unwrap_or_else(JustPosted::new);
    let id = comment.id;
    let anchor = comment_anchor(id);
    let depth_class = format!(
        "comment comment--depth-{}",
        comment.depth.min(MAX_COMMENT_DEPTH)
    );
    if comment.deleted {
        return view! {
            <li class=depth_class id=anchor>
                <p class="comment__placeholder"><T k=|t| t.comment_deleted_placeholder /></p>
            </li>
        }
        .into_any();
    }
    let back = path::comment(proposal_id, id);
    let mark = comment.moderation.clone().map(|mark| {
        view! { <ModerationNotice mark kind=TargetKind::Comment id back=back.clone() /> }
    });
    if comment.concealed {
        return view! {
            <li class=depth_class id=anchor>
                <div class="comment__placeholder">{mark}</div>
            </li>
        }
        .into_any();
    }
    let redacted = comment
        .redacted
        .then(|| view! { " · " <span>{move || i18n.t().redacted_notice}</span> });
    let report = if comment.reportable {
        Some(view! { <ReportForm kind=TargetKind::Comment id back=back.clone() /> }.into_any())
    } else if comment.reported {
        Some(view! { <p class="field__hint"><T k=|t| t.already_reported /></p> }.into_any())
    } else {
        None
    };
    let decision = (!comment.decisions.is_empty()).then(|| {
        let actions = comment.decisions.clone();
        let source = comment.moderator_source.clone().map(|text| (None, text));
        view! {
            <DecisionForm kind=TargetKind::Comment id actions back=back.clone() source=source.unwrap_or_default() />
        }
    });
    let created = comment.created_at;
    let edited = comment.edited;
    let reply = (can_write && comment.repliable && comment.depth < MAX_COMMENT_DEPTH).then(|| {
        view! {
            <details class="disclosure">
                <summary><T k=|t| t.reply /></summary>
                <LiveForm action=AddComment::PATH done on_answer=posted.on_answer() class="comment-form">
                    <input type="hidden" name="proposal_id" value=proposal_id />
                    <input type="hidden" name="parent_id" value=id />
                    <IdempotencyField />
                    <TextArea name="body" label=|t| t.reply_label rows=3 id_suffix=id.to_string() />
                    <button type="submit"><T k=|t| t.submit_reply /></button>
                </LiveForm>
            </details>
        }
    });
    let edit = comment.source_text.clone().filter(|_| comment.editable).map(|text| {
        view! {
            <details class="disclosure">
                <summary><T k=|t| t.edit_comment /></summary>
                <LiveForm action=EditComment::PATH done class="comment-form">
                    <input type="hidden" name="id" value=id />
                    <TextArea name="body" label=|t| t.comment_label rows=3 value=text id_suffix=format!("edit-{id}") />
                    <button type="submit"><T k=|t| t.save /></button>
                </LiveForm>
            </details>
        }
    });
    // Deleting asks first: the button that deletes sits behind a disclosure that says
    // what will happen (with and without JavaScript).
    let delete = comment.deletable.then(|| {
        view! {
            <details class="disclosure">
                <summary><T k=|t| t.delete_comment /></summary>
                <p><T k=|t| t.delete_comment_confirm /></p>
                <LiveForm action=DeleteComment::PATH done class="comment__delete">
                    <input type="hidden" name="id" value=id />
                    <button type="submit" class="button--danger"><T k=|t| t.delete_comment_yes /></button>
                </LiveForm>
            </details>
        }
    });
    let replies = comment.more_replies.then(|| {
        let href = ThreadWindow {
            replies: Some(id),
            ..ThreadWindow::default()
        }
        .href(proposal_id);
        view! { <p class="comment__more"><a href=href><T k=|t| t.replies_all /></a></p> }
    });
    let source = comment.source.clone();
    let source_label = comment.source.clone();
    let author = comment.author.clone();
    view! {
        // Focusable from script only: focus moves here after the comment is written.
        <li class=depth_class id=anchor tabindex="-1">
            <article class="comment__body" aria-label=move || i18n.t().comment_by(author.as_deref(), &source_label)>
                <p class="comment__meta">
                    <Byline author=comment.author.clone() source />
                    " · "
                    {move || i18n.t().date(created)}
                    {edited.then(|| view! { " · " <span>{move || i18n.t().edited}</span> })}
                    {redacted}
                </p>
                {mark}
                <div class="prose" inner_html=comment.body_html.clone()></div>
                <div class="comment__actions">{reply}{edit}{delete}{report}{decision}</div>
            </article>
            {replies}
        </li>
    }
    .into_any()
}
