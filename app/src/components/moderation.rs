//! Moderation on an item's page: the notice on a moderated item (with the author's
//! objection), the report form, and the moderators' decision form.

use crate::api::moderation::{Decide, Object, Report};
use crate::components::form::{FieldState, posted_error_for, typed_before};
use crate::components::raw_text::raw_text;
use crate::i18n::{T, use_i18n};
use crate::model::moderation::{
    ModerationActionKind, ModerationMark, ModerationReason, TargetKind, Visibility,
};
use crate::model::place::Precision;
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
                Some(at) => t.hidden_on.fmt(&[("date", t.date(at).as_str().into())]),
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

/// Every decision a moderator can take on an item, in one form. Refused, it opens again
/// with what was chosen and typed, each problem next to its field.
#[component]
pub fn DecisionForm(
    kind: TargetKind,
    id: i64,
    actions: Vec<ModerationActionKind>,
    back: String,
    /// The raw text (and, for a proposal, title) to redact from.
    #[prop(optional)]
    source: Option<(Option<String>, String)>,
    /// How precisely the item's place is published, if it has one: a redaction can make
    /// it coarser.
    #[prop(optional_no_strip)]
    placed: Option<Precision>,
) -> impl IntoView {
    let i18n = use_i18n();
    let error = posted_error_for::<Decide>(vec![
        ("form[kind]", kind.as_str().to_owned()),
        ("form[id]", id.to_string()),
    ]);
    let refused = error.get_untracked().is_some();
    let kept = move |name: &str| typed_before(error, &format!("form[{name}]"), None);
    let prefix = format!("decide-{}-{id}", kind.as_str());
    let field = move |name: &str| format!("{prefix}-{name}");
    let chosen_action = kept("action");
    let mergeable = actions.contains(&ModerationActionKind::Merge);
    let options = actions
        .into_iter()
        .map(|action| {
            let selected = chosen_action.as_deref() == Some(action.as_str());
            view! { <option value=action.as_str() selected=selected>{move || i18n.t().act(action)}</option> }
        })
        .collect_view();
    let state = |name: &'static str, hint: bool| FieldState::new(error, name, &field(name), hint);
    let redact = source.map(|(title, text)| {
        let title = title.map(|title| {
            let title = kept("title").unwrap_or(title);
            view! {
                <div class="field">
                    <label for=field("title")><T k=|t| t.redact_title_label /></label>
                    <input id=field("title") type="text" name="form[title]" value=title />
                </div>
            }
        });
        let text = kept("text").unwrap_or(text);
        let text_state = state("text", false);
        let shown = text_state.clone();
        view! {
            {title}
            <div class="field" class:field--error=move || shown.shown()>
                <label for=field("text")><T k=|t| t.redact_text_label /></label>
                {text_state.view()}
                <textarea id=field("text") name="form[text]" rows="4"
                    aria-invalid=text_state.invalid() aria-describedby=text_state.described()>{raw_text(text)}</textarea>
            </div>
        }
    });
    let coarser = placed
        .filter(|p| *p != Precision::District)
        .map(|current| {
            let kept = kept("precision");
            let choice = move |value: Precision| {
                let selected = kept.as_deref() == Some(value.as_str());
                view! {
                    <option value=value.as_str() selected=selected>{move || {
                        let t = i18n.t();
                        if value == Precision::Street { t.redact_precision_street } else { t.redact_precision_district }
                    }}</option>
                }
            };
            let street = (current == Precision::Exact).then(|| choice(Precision::Street));
            let district = choice(Precision::District);
            let place = state("precision", true);
            let shown = place.clone();
            view! {
                <div class="field" class:field--error=move || shown.shown()>
                    <label for=field("precision")><T k=|t| t.redact_precision_label /></label>
                    {place.view()}
                    <select id=field("precision") name="form[precision]"
                        aria-invalid=place.invalid() aria-describedby=place.described()>
                        <option value="">{move || i18n.t().redact_precision_keep}</option>
                        {street}
                        {district}
                    </select>
                    <p class="field__hint" id=field("precision-hint")><T k=|t| t.redact_precision_hint /></p>
                </div>
            }
        });
    let merge = mergeable.then(|| {
        let merge = state("merge_into", true);
        let shown = merge.clone();
        view! {
            <div class="field" class:field--error=move || shown.shown()>
                <label for=field("merge_into")><T k=|t| t.merge_into_label /></label>
                {merge.view()}
                <input id=field("merge_into") type="text" name="form[merge_into]" inputmode="numeric"
                    value=kept("merge_into") size="8"
                    aria-invalid=merge.invalid() aria-describedby=merge.described() />
                <p class="field__hint" id=field("merge_into-hint")><T k=|t| t.merge_into_hint /></p>
            </div>
        }
    });
    let chosen_reason = kept("reason").and_then(|r| ModerationReason::parse(&r));
    let (action, reason, public, note, days) = (
        state("action", false),
        state("reason", false),
        state("public_reason", true),
        state("internal_note", true),
        state("block_days", true),
    );
    let (a, r, p, n, d) = (
        action.clone(),
        reason.clone(),
        public.clone(),
        note.clone(),
        days.clone(),
    );
    view! {
        <details class="disclosure decision" open=refused>
            <summary><T k=|t| t.moderate /></summary>
            <form method="post" action=Decide::PATH class="decision-form">
                <input type="hidden" name="form[kind]" value=kind.as_str() />
                <input type="hidden" name="form[id]" value=id />
                <input type="hidden" name="form[back]" value=back />
                <div class="field" class:field--error=move || a.shown()>
                    <label for=field("action")><T k=|t| t.decision_label /></label>
                    {action.view()}
                    <select id=field("action") name="form[action]"
                        aria-invalid=action.invalid() aria-describedby=action.described()>{options}</select>
                </div>
                <div class="field" class:field--error=move || r.shown()>
                    <label for=field("reason")><T k=|t| t.reason_label /></label>
                    {reason.view()}
                    <select id=field("reason") name="form[reason]"
                        aria-invalid=reason.invalid() aria-describedby=reason.described()>
                        <option value="">"–"</option>
                        {reason_options(chosen_reason)}
                    </select>
                </div>
                <div class="field" class:field--error=move || p.shown()>
                    <label for=field("public_reason")><T k=|t| t.public_reason_label /></label>
                    {public.view()}
                    <input id=field("public_reason") type="text" name="form[public_reason]" maxlength="500"
                        value=kept("public_reason")
                        aria-invalid=public.invalid() aria-describedby=public.described() />
                    <p class="field__hint" id=field("public_reason-hint")><T k=|t| t.public_reason_hint /></p>
                </div>
                <div class="field" class:field--error=move || n.shown()>
                    <label for=field("internal_note")><T k=|t| t.internal_note_label /></label>
                    {note.view()}
                    <input id=field("internal_note") type="text" name="form[internal_note]" maxlength="2000"
                        value=kept("internal_note")
                        aria-invalid=note.invalid() aria-describedby=note.described() />
                    <p class="field__hint" id=field("internal_note-hint")><T k=|t| t.internal_note_hint /></p>
                </div>
                <div class="field" class:field--error=move || d.shown()>
                    <label for=field("block_days")><T k=|t| t.block_days_label /></label>
                    {days.view()}
                    <input id=field("block_days") type="number" name="form[block_days]" min="1" max="3650"
                        inputmode="numeric" value=kept("block_days")
                        aria-invalid=days.invalid() aria-describedby=days.described() />
                    <p class="field__hint" id=field("block_days-hint")><T k=|t| t.block_days_hint /></p>
                </div>
                {merge}
                {redact}
                {coarser}
                <button type="submit"><T k=|t| t.decide_submit /></button>
            </form>
        </details>
    }
}
