//! Moderation on an item's page: the notice on a moderated item (with the author's
//! objection), the report form, and the moderators' decision form.

use crate::api::moderation::{Decide, Object, Report};
use crate::i18n::{T, use_i18n};
use crate::model::moderation::{
    ModerationActionKind, ModerationMark, ModerationReason, TargetKind, Visibility,
};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

/// What a moderated item shows in its place: awaiting review, held after reports, or
/// hidden with its reason and date. Its author may object to a hide, once.
#[component]
pub fn ModerationNotice(
    mark: ModerationMark,
    kind: TargetKind,
    id: i64,
    back: String,
) -> impl IntoView {
    let i18n = use_i18n();
    let at = mark.at;
    let reason = mark.reason;
    let note = mark.note.clone();
    let text = move || {
        let t = i18n.t();
        match mark.visibility {
            Visibility::Pending => t.pending_notice.to_owned(),
            Visibility::Held => t.held_placeholder.to_owned(),
            Visibility::Hidden | Visibility::Visible => match at {
                Some(at) => format!("{} {} {}", t.hidden_placeholder, t.on_date, t.date(at)),
                None => t.hidden_placeholder.to_owned(),
            },
        }
    };
    let reason_line = (reason.is_some() || note.is_some()).then(|| {
        let note = note.clone();
        view! {
            <p>
                <strong><T k=|t| t.reason_label /></strong>": "
                {move || reason.map(|r| i18n.t().reason(r))}
                {note.clone().map(|n| view! { " – " {n} })}
            </p>
        }
    });
    let object = mark.can_object.then(|| {
        let field = format!("objection-{}-{id}", kind.as_str());
        view! {
            <details class="disclosure">
                <summary><T k=|t| t.object_heading /></summary>
                <form method="post" action=Object::PATH>
                    <input type="hidden" name="kind" value=kind.as_str() />
                    <input type="hidden" name="id" value=id />
                    <input type="hidden" name="back" value=back.clone() />
                    <div class="field">
                        <label for=field.clone()><T k=|t| t.object_label /></label>
                        <textarea id=field name="text" rows="3" required></textarea>
                    </div>
                    <button type="submit"><T k=|t| t.object_submit /></button>
                </form>
            </details>
        }
    });
    let objected = mark
        .objected
        .then(|| view! { <p><T k=|t| t.objected_notice /></p> });
    view! {
        <div class="alert alert--info moderation-notice" role="note">
            <p>{text}</p>
            {reason_line}
            {objected}
            {object}
        </div>
    }
}

/// "Report" as a disclosure: a reason from the list and, for "other", a few words.
#[component]
pub fn ReportForm(kind: TargetKind, id: i64, back: String) -> impl IntoView {
    let i18n = use_i18n();
    let prefix = format!("report-{}-{id}", kind.as_str());
    let reasons = ModerationReason::ALL
        .into_iter()
        .map(|reason| {
            let input_id = format!("{prefix}-{}", reason.as_str());
            view! {
                <div class="choice">
                    <input type="radio" id=input_id.clone() name="reason" value=reason.as_str() required />
                    <label for=input_id>{move || i18n.t().reason(reason)}</label>
                </div>
            }
        })
        .collect_view();
    let note_id = format!("{prefix}-note");
    view! {
        <details class="disclosure report">
            <summary><T k=|t| t.report /></summary>
            <form method="post" action=Report::PATH>
                <input type="hidden" name="kind" value=kind.as_str() />
                <input type="hidden" name="id" value=id />
                <input type="hidden" name="back" value=back />
                <p class="field__hint"><T k=|t| t.report_intro /></p>
                <fieldset class="choices">
                    <legend><T k=|t| t.report_reason_label /></legend>
                    {reasons}
                </fieldset>
                <div class="field">
                    <label for=note_id.clone()><T k=|t| t.report_note_label /></label>
                    <textarea id=note_id name="note" rows="2" maxlength="1000"></textarea>
                </div>
                <button type="submit"><T k=|t| t.report_submit /></button>
            </form>
        </details>
    }
}

/// The reasons as `<option>`s, the suggested one selected.
pub fn reason_options(selected: Option<ModerationReason>) -> impl IntoView {
    let i18n = use_i18n();
    ModerationReason::ALL
        .into_iter()
        .map(|reason| {
            view! {
                <option value=reason.as_str() selected=selected == Some(reason)>
                    {move || i18n.t().reason(reason)}
                </option>
            }
        })
        .collect_view()
}

/// Every decision a moderator can take on an item, in one form.
#[component]
pub fn DecisionForm(
    kind: TargetKind,
    id: i64,
    actions: Vec<ModerationActionKind>,
    back: String,
    /// The raw text (and, for a proposal, title) to redact from.
    #[prop(optional)]
    source: Option<(Option<String>, String)>,
) -> impl IntoView {
    let i18n = use_i18n();
    let prefix = format!("decide-{}-{id}", kind.as_str());
    let options = actions
        .into_iter()
        .map(|action| view! { <option value=action.as_str()>{move || i18n.t().act(action)}</option> })
        .collect_view();
    let field = |name: &str| format!("{prefix}-{name}");
    let redact = source.map(|(title, text)| {
        let title = title.map(|title| {
            view! {
                <div class="field">
                    <label for=field("title")><T k=|t| t.redact_title_label /></label>
                    <input id=field("title") type="text" name="form[title]" value=title />
                </div>
            }
        });
        view! {
            {title}
            <div class="field">
                <label for=field("text")><T k=|t| t.redact_text_label /></label>
                <textarea id=field("text") name="form[text]" rows="4">{text}</textarea>
            </div>
        }
    });
    view! {
        <details class="disclosure decision">
            <summary><T k=|t| t.moderate /></summary>
            <form method="post" action=Decide::PATH class="decision-form">
                <input type="hidden" name="form[kind]" value=kind.as_str() />
                <input type="hidden" name="form[id]" value=id />
                <input type="hidden" name="form[back]" value=back />
                <div class="field">
                    <label for=field("action")><T k=|t| t.decision_label /></label>
                    <select id=field("action") name="form[action]">{options}</select>
                </div>
                <div class="field">
                    <label for=field("reason")><T k=|t| t.reason_label /></label>
                    <select id=field("reason") name="form[reason]">
                        <option value="">"–"</option>
                        {reason_options(None)}
                    </select>
                </div>
                <div class="field">
                    <label for=field("public")><T k=|t| t.public_reason_label /></label>
                    <input id=field("public") type="text" name="form[public_reason]" maxlength="500" aria-describedby=field("public-hint") />
                    <p class="field__hint" id=field("public-hint")><T k=|t| t.public_reason_hint /></p>
                </div>
                <div class="field">
                    <label for=field("note")><T k=|t| t.internal_note_label /></label>
                    <input id=field("note") type="text" name="form[internal_note]" maxlength="2000" aria-describedby=field("note-hint") />
                    <p class="field__hint" id=field("note-hint")><T k=|t| t.internal_note_hint /></p>
                </div>
                <div class="field">
                    <label for=field("days")><T k=|t| t.block_days_label /></label>
                    <input id=field("days") type="number" name="form[block_days]" min="1" max="3650" inputmode="numeric" aria-describedby=field("days-hint") />
                    <p class="field__hint" id=field("days-hint")><T k=|t| t.block_days_hint /></p>
                </div>
                {redact}
                <button type="submit"><T k=|t| t.decide_submit /></button>
            </form>
        </details>
    }
}
