//! The moderators' pages: the queue (`/moderation`), statistics, settings and blocked
//! people. The public ledger is `pages::ledger`.

use crate::api::moderation::{
    Claim, Decide, DecideMany, SaveModerationSettings, Unblock, get_moderation_settings,
    get_moderation_stats, get_queue,
};
use crate::components::error_view::{ErrorPage, Shown};
use crate::components::form::{ErrorAlert, Notice, posted_error, status};
use crate::components::moderation::reason_options;
use crate::i18n::{T, page_title, use_i18n};
use crate::model::done::Done;
use crate::model::moderation::{
    ModerationActionKind, ModerationStats, QueueFilter, QueueItem, QueueKind, QueueView,
    SettingsView, TargetKind,
};
use crate::model::path;
use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

/// The moderators' sub-navigation.
#[component]
fn ModerationNav() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <nav class="subnav" aria-label=move || i18n.t().moderation_nav_label>
            <a href="/moderation"><T k=|t| t.nav_queue /></a>
            <a href="/moderation/statistik"><T k=|t| t.nav_stats /></a>
            <a href="/moderation/einstellungen"><T k=|t| t.nav_settings /></a>
            <a href="/moderation/protokoll"><T k=|t| t.ledger_title /></a>
        </nav>
    }
}

#[component]
pub fn ModerationQueuePage() -> impl IntoView {
    let query = use_query_map();
    let filter = Memo::new(move |_| {
        let query = query.read();
        QueueFilter::from_params(|key| query.get(key))
    });
    let status = status();
    let queue = Resource::new(move || (filter.get(), status.get()), |(f, _)| get_queue(f));
    #[cfg(feature = "hydrate")]
    keyboard::install();
    let shown = Shown::new();
    view! {
        <Transition fallback=move || view! { <p class="container loading"><T k=|t| t.loading /></p> }>
            {move || Suspend::new(async move {
                shown.view(
                    queue.await,
                    |view| view! { <Queue view /> },
                    |error| view! { <ErrorPage error /> }.into_any(),
                )
            })}
        </Transition>
    }
}

/// The notice a finished queue action left in the address.
fn queue_notice(status: Done) -> Option<String> {
    let t = use_i18n().t();
    Some(match status {
        Done::Bulk { done, skipped } => format!(
            "{} {done}; {} {skipped}",
            t.bulk_done_prefix, t.bulk_skipped
        ),
        Done::Claimed => t.claimed_done.to_owned(),
        Done::Decided(_) => t.decision_saved.to_owned(),
        _ => return None,
    })
}

#[component]
fn Queue(view: QueueView) -> impl IntoView {
    let i18n = use_i18n();
    let status = status();
    let errors = [
        posted_error::<Decide>(),
        posted_error::<DecideMany>(),
        posted_error::<Claim>(),
    ];
    let error = Signal::derive(move || errors.iter().find_map(|e| e.get()));
    let filter = view.filter.clone();
    let back = {
        let params = filter.to_params(filter.cursor.as_deref());
        if params.is_empty() {
            "/moderation".to_owned()
        } else {
            format!("/moderation?{params}")
        }
    };
    let procedure_options = view
        .procedures
        .iter()
        .map(|p| {
            let selected = filter.procedure.as_deref() == Some(p.slug.as_str());
            view! { <option value=p.slug.clone() selected=selected>{p.title.clone()}</option> }
        })
        .collect_view();
    let kind_options = QueueKind::ALL
        .into_iter()
        .map(|kind| {
            view! {
                <option value=kind.as_str() selected=filter.kind == Some(kind)>
                    {move || i18n.t().queue_kind(kind)}
                </option>
            }
        })
        .collect_view();
    let age = filter.min_age_days;
    let total = view.total;
    let empty = view.items.is_empty();
    let items = view
        .items
        .into_iter()
        .enumerate()
        .map(|(index, item)| view! { <QueueEntry item index back=back.clone() /> })
        .collect_view();
    let more = view.next_cursor.map(|cursor| {
        let href = format!("/moderation?{}", filter.to_params(Some(&cursor)));
        view! { <p><a href=href><T k=|t| t.more_items /></a></p> }
    });
    view! {
        <Title text=page_title(|t| t.queue_title) />
        <div class="container moderation">
            <h1><T k=|t| t.queue_title /></h1>
            <ModerationNav />
            <p class="field__hint"><T k=|t| t.queue_intro /></p>
            {move || status.get().and_then(queue_notice).map(|text| view! {
                <p class="alert alert--success" role="status">{text}</p>
            })}
            <ErrorAlert error />
            <form method="get" action="/moderation" class="filters">
                <div class="field">
                    <label for="queue-procedure"><T k=|t| t.filter_procedure /></label>
                    <select id="queue-procedure" name="procedure">
                        <option value="">{move || i18n.t().all_procedures}</option>
                        {procedure_options}
                    </select>
                </div>
                <div class="field">
                    <label for="queue-kind"><T k=|t| t.filter_kind /></label>
                    <select id="queue-kind" name="kind">
                        <option value="">{move || i18n.t().kind_all}</option>
                        {kind_options}
                    </select>
                </div>
                <div class="field">
                    <label for="queue-reason"><T k=|t| t.filter_reason /></label>
                    <select id="queue-reason" name="reason">
                        <option value="">{move || i18n.t().all_reasons}</option>
                        {reason_options(filter.reason)}
                    </select>
                </div>
                <div class="field">
                    <label for="queue-age"><T k=|t| t.filter_age /></label>
                    <select id="queue-age" name="age">
                        <option value="">{move || i18n.t().age_any}</option>
                        <option value="1" selected=age == Some(1)>{move || i18n.t().age_1}</option>
                        <option value="7" selected=age == Some(7)>{move || i18n.t().age_7}</option>
                    </select>
                </div>
                <button type="submit"><T k=|t| t.apply_filters /></button>
            </form>
            <p role="status">{move || i18n.t().open_items(total)}</p>
            {empty.then(|| view! { <p class="empty"><T k=|t| t.queue_empty /></p> })}
            <ol class="queue">{items}</ol>
            {more}
            {(!empty).then(|| view! { <BulkForm back=back.clone() /> })}
        </div>
    }
}

/// One item of the queue, with its quick decisions.
#[component]
fn QueueEntry(item: QueueItem, index: usize, back: String) -> impl IntoView {
    let i18n = use_i18n();
    let kind = item.target.kind;
    let id = item.target.id;
    let heading_id = format!("queue-item-{}", item.id);
    let labelled_by = heading_id.clone();
    let href = match kind {
        TargetKind::Proposal => path::proposal(item.proposal_id),
        TargetKind::Comment => path::comment(item.proposal_id, id),
    };
    let title = item.title.clone();
    let heading = move || {
        let t = i18n.t();
        match kind {
            TargetKind::Proposal => t.queue_proposal.fmt(&[
                ("id", item.proposal_id.into()),
                ("title", title.as_str().into()),
            ]),
            TargetKind::Comment => t.queue_comment.fmt(&[("title", title.as_str().into())]),
        }
    };
    let mut badges = Vec::new();
    if item.pending {
        badges.push(QueueKind::Pending);
    }
    if !item.reports.is_empty() {
        badges.push(QueueKind::Reported);
    }
    if item.screen_rule.is_some() {
        badges.push(QueueKind::Screened);
    }
    if item.objection.is_some() {
        badges.push(QueueKind::Objection);
    }
    let badges = badges
        .into_iter()
        .map(|kind| view! { <span class="badge">{move || i18n.t().queue_kind(kind)}</span> })
        .collect_view();
    let opened = item.opened_at;
    let author = item
        .author
        .clone()
        .unwrap_or_else(|| i18n.t().deleted_account.to_owned());
    let screen = item.screen_rule.clone().map(|rule| {
        view! { <p><strong>{move || i18n.t().screen_rule_label}</strong>": " <code>{rule}</code></p> }
    });
    let objection = item.objection.clone().map(|text| {
        view! {
            <div class="objection">
                <p><strong>{move || i18n.t().objection_label}</strong></p>
                <p class="preserve-lines">{text}</p>
            </div>
        }
    });
    let reports = (!item.reports.is_empty()).then(|| {
        let lines = item
            .reports
            .iter()
            .map(|report| {
                let reason = report.reason;
                let at = report.created_at;
                view! {
                    <li>
                        <strong>{move || i18n.t().reason(reason)}</strong>
                        " · " {move || i18n.t().date(at)}
                        {(!report.note.is_empty()).then(|| view! { <p class="preserve-lines">{report.note.clone()}</p> })}
                        <details class="disclosure">
                            <summary>{move || i18n.t().snapshot_label}</summary>
                            <p class="preserve-lines">{report.snapshot.clone()}</p>
                        </details>
                    </li>
                }
            })
            .collect_view();
        view! {
            <h3>{move || i18n.t().reports_count.fmt(&[("count", item.reports.len().into())])}</h3>
            <ul class="reports">{lines}</ul>
        }
    });
    let claim = match (&item.claimed_by_other, item.claimed_by_me) {
        (Some(name), _) => {
            let name = name.clone();
            view! { <p class="badge badge--warning">{move || i18n.t().claimed_by.fmt(&[("name", name.as_str().into())])}</p> }
                .into_any()
        }
        (None, true) => view! {
            <form method="post" action=Claim::PATH class="inline-form">
                <input type="hidden" name="queue_id" value=item.id />
                <input type="hidden" name="release" value="1" />
                <input type="hidden" name="back" value=back.clone() />
                <span>{move || i18n.t().claimed_by_you}</span>" "
                <button type="submit" class="button--quiet">{move || i18n.t().release}</button>
            </form>
        }
        .into_any(),
        (None, false) => view! {
            <form method="post" action=Claim::PATH class="inline-form">
                <input type="hidden" name="queue_id" value=item.id />
                <input type="hidden" name="back" value=back.clone() />
                <button type="submit" class="button--quiet" data-key="c">{move || i18n.t().claim}" (c)"</button>
            </form>
        }
        .into_any(),
    };
    let offers = |action: ModerationActionKind| item.actions.contains(&action);
    let approve = offers(ModerationActionKind::Approve).then(|| {
        view! {
            <form method="post" action=Decide::PATH class="inline-form">
                <input type="hidden" name="form[kind]" value=kind.as_str() />
                <input type="hidden" name="form[id]" value=id />
                <input type="hidden" name="form[action]" value=ModerationActionKind::Approve.as_str() />
                <input type="hidden" name="form[back]" value=back.clone() />
                <button type="submit" data-key="a">{move || i18n.t().act_approve}" (a)"</button>
            </form>
        }
    });
    let restore_or_uphold = offers(ModerationActionKind::Restore).then(|| {
        view! {
            <form method="post" action=Decide::PATH class="inline-form">
                <input type="hidden" name="form[kind]" value=kind.as_str() />
                <input type="hidden" name="form[id]" value=id />
                <input type="hidden" name="form[back]" value=back.clone() />
                <button type="submit" name="form[action]" value=ModerationActionKind::Restore.as_str()>{move || i18n.t().act_restore}</button>
                " "
                <button type="submit" name="form[action]" value=ModerationActionKind::Uphold.as_str() class="button--quiet">{move || i18n.t().act_uphold}</button>
            </form>
        }
    });
    let hide = offers(ModerationActionKind::Hide).then(|| {
        let prefix = format!("hide-{}", item.id);
        let suggested = item.suggested_reason;
        // A list box rather than radio buttons: six radio buttons on every item were most
        // of the page. Pre-set to the most frequent report reason; otherwise a choice is due.
        let reason_id = format!("{prefix}-reason");
        let choose = suggested
            .is_none()
            .then(|| view! { <option value="" selected>{move || i18n.t().choose_reason}</option> });
        let public_id = format!("{prefix}-public");
        let note_id = format!("{prefix}-note");
        view! {
            <details class="disclosure hide-panel" data-key="h">
                <summary>{move || i18n.t().act_hide}" (h)"</summary>
                <form method="post" action=Decide::PATH>
                    <input type="hidden" name="form[kind]" value=kind.as_str() />
                    <input type="hidden" name="form[id]" value=id />
                    <input type="hidden" name="form[action]" value=ModerationActionKind::Hide.as_str() />
                    <input type="hidden" name="form[back]" value=back.clone() />
                    <div class="field">
                        <label for=reason_id.clone()>{move || i18n.t().hide_heading}</label>
                        <select id=reason_id name="form[reason]" required>
                            {choose}
                            {reason_options(suggested)}
                        </select>
                    </div>
                    <div class="field">
                        <label for=public_id.clone()>{move || i18n.t().public_reason_label}</label>
                        <input id=public_id type="text" name="form[public_reason]" maxlength="500" data-focus="h" />
                    </div>
                    <div class="field">
                        <label for=note_id.clone()>{move || i18n.t().internal_note_label}</label>
                        <input id=note_id type="text" name="form[internal_note]" maxlength="2000" />
                    </div>
                    <button type="submit" class="button--danger">{move || i18n.t().act_hide}</button>
                </form>
            </details>
        }
    });
    let select_id = format!("select-{}", item.id);
    let target_value = format!("{}:{id}", kind.as_str());
    view! {
        <li>
            <article class="queue-item card" tabindex="-1" aria-labelledby=labelled_by>
                <header class="queue-item__header">
                    <div class="choice">
                        <input type="checkbox" id=select_id.clone() form="bulk" name=format!("targets[{index}]") value=target_value data-key="x" />
                        <label for=select_id>{move || i18n.t().select_item}</label>
                    </div>
                    <h2 id=heading_id>{heading}</h2>
                    <p class="card__kicker">
                        {item.procedure_title.clone()} " · " {badges} " · "
                        {move || i18n.t().waiting_since.fmt(&[("date", i18n.t().date(opened).as_str().into())])}
                        " · " {author}
                    </p>
                </header>
                <div class="prose" inner_html=item.body_html.clone()></div>
                {screen}
                {objection}
                {reports}
                <div class="queue-item__actions">
                    {claim}
                    {approve}
                    {restore_or_uphold}
                    <a href=href>{move || i18n.t().open_item}</a>
                </div>
                {hide}
            </article>
        </li>
    }
}

/// Approve or hide every selected item at once.
#[component]
fn BulkForm(back: String) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <form id="bulk" method="post" action=DecideMany::PATH class="card bulk">
            <h2><T k=|t| t.bulk_heading /></h2>
            <input type="hidden" name="back" value=back />
            <div class="field">
                <label for="bulk-action"><T k=|t| t.decision_label /></label>
                <select id="bulk-action" name="action">
                    <option value="approve">{move || i18n.t().act_approve}</option>
                    <option value="hide">{move || i18n.t().act_hide}</option>
                </select>
            </div>
            <div class="field">
                <label for="bulk-reason"><T k=|t| t.reason_label /></label>
                <select id="bulk-reason" name="reason">
                    <option value="">"–"</option>
                    {reason_options(None)}
                </select>
            </div>
            <div class="field">
                <label for="bulk-public"><T k=|t| t.public_reason_label /></label>
                <input id="bulk-public" type="text" name="public_reason" maxlength="500" />
            </div>
            <button type="submit"><T k=|t| t.bulk_submit /></button>
        </form>
    }
}

/// The queue's keyboard: j/k move between items, a approves, h opens the hide form, c claims,
/// x selects. Keys typed into a field are the field's.
#[cfg(feature = "hydrate")]
mod keyboard {
    use leptos::prelude::*;
    use wasm_bindgen::JsCast;

    pub fn install() {
        let handle = window_event_listener(leptos::ev::keydown, |event| {
            if event.alt_key() || event.ctrl_key() || event.meta_key() {
                return;
            }
            let Some(document) = web_sys::window().and_then(|w| w.document()) else {
                return;
            };
            let active = document.active_element();
            if active
                .as_ref()
                .is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"))
            {
                return;
            }
            let Ok(items) = document.query_selector_all(".queue-item") else {
                return;
            };
            let items: Vec<web_sys::HtmlElement> = (0..items.length())
                .filter_map(|i| items.item(i))
                .filter_map(|node| node.dyn_into::<web_sys::HtmlElement>().ok())
                .collect();
            let current = active
                .as_ref()
                .and_then(|el| el.closest(".queue-item").ok().flatten())
                .and_then(|el| items.iter().position(|item| item.is_same_node(Some(&el))));
            let key = event.key();
            let focus = |index: usize| {
                if let Some(item) = items.get(index) {
                    let _ = item.focus();
                }
            };
            match key.as_str() {
                "j" => focus(current.map_or(0, |i| (i + 1).min(items.len().saturating_sub(1)))),
                "k" => focus(current.map_or(0, |i| i.saturating_sub(1))),
                "a" | "c" | "x" | "h" => {
                    let Some(item) = current.and_then(|i| items.get(i)) else {
                        return;
                    };
                    let found = |selector: &str| {
                        item.query_selector(selector)
                            .ok()
                            .flatten()
                            .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok())
                    };
                    if key == "h" {
                        if let Some(panel) = found("details[data-key=h]")
                            .and_then(|el| el.dyn_into::<web_sys::HtmlDetailsElement>().ok())
                        {
                            panel.set_open(true);
                        }
                        if let Some(field) = found("[data-focus=h]") {
                            event.prevent_default();
                            let _ = field.focus();
                        }
                    } else if let Some(control) = found(&format!("[data-key={key}]")) {
                        event.prevent_default();
                        control.click();
                    }
                }
                _ => {}
            }
        });
        on_cleanup(move || handle.remove());
    }
}

#[component]
pub fn ModerationStatsPage() -> impl IntoView {
    let stats = Resource::new(|| (), |_| get_moderation_stats());
    view! {
        <Transition fallback=move || view! { <p class="container loading"><T k=|t| t.loading /></p> }>
            {move || Suspend::new(async move {
                match stats.await {
                    Ok(stats) => view! { <StatsView stats /> }.into_any(),
                    Err(error) => view! { <ErrorPage error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn StatsView(stats: ModerationStats) -> impl IntoView {
    let i18n = use_i18n();
    let median = stats.median_minutes_to_decision;
    let kinds = [
        (QueueKind::Pending, stats.open_pending),
        (QueueKind::Reported, stats.open_reported),
        (QueueKind::Screened, stats.open_screened),
        (QueueKind::Objection, stats.open_objections),
    ]
    .into_iter()
    .map(|(kind, n)| {
        view! {
            <div>
                <dt>{move || i18n.t().queue_kind(kind)}</dt>
                <dd>{n}</dd>
            </div>
        }
    })
    .collect_view();
    let procedures = stats
        .by_procedure
        .into_iter()
        .map(|entry| {
            let title = entry.procedure.map(|p| p.title);
            let rows = entry
                .decisions
                .into_iter()
                .map(|d| {
                    let action = d.action;
                    view! {
                        <tr>
                            <th scope="row">{move || i18n.t().done(action)}</th>
                            <td>{d.count}</td>
                        </tr>
                    }
                })
                .collect_view();
            view! {
                <section>
                    <h3>{move || title.clone().unwrap_or_else(|| i18n.t().stats_instance_wide.to_owned())}</h3>
                    <table class="stats">
                        <thead>
                            <tr>
                                <th scope="col"><T k=|t| t.ledger_action /></th>
                                <th scope="col"><T k=|t| t.stats_count /></th>
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
                </section>
            }
        })
        .collect_view();
    view! {
        <Title text=page_title(|t| t.stats_title) />
        <div class="container moderation">
            <h1><T k=|t| t.stats_title /></h1>
            <ModerationNav />
            <dl class="facts">
                <div>
                    <dt><T k=|t| t.stats_open /></dt>
                    <dd>{stats.open_items}</dd>
                </div>
                {kinds}
                <div>
                    <dt><T k=|t| t.stats_median /></dt>
                    <dd>{move || match median {
                        Some(m) => format!("{m} {}", i18n.t().stats_minutes),
                        None => i18n.t().stats_none.to_owned(),
                    }}</dd>
                </div>
                <div>
                    <dt><T k=|t| t.stats_decided /></dt>
                    <dd>{stats.decided_items}</dd>
                </div>
            </dl>
            <h2><T k=|t| t.stats_by_procedure /></h2>
            {procedures}
        </div>
    }
}

#[component]
pub fn ModerationSettingsPage() -> impl IntoView {
    let status = status();
    let settings = Resource::new(move || status.get(), |_| get_moderation_settings());
    view! {
        <Transition fallback=move || view! { <p class="container loading"><T k=|t| t.loading /></p> }>
            {move || Suspend::new(async move {
                match settings.await {
                    Ok(view) => view! { <SettingsForm view /> }.into_any(),
                    Err(error) => view! { <ErrorPage error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn SettingsForm(view: SettingsView) -> impl IntoView {
    let i18n = use_i18n();
    let status = status();
    let errors = [
        posted_error::<SaveModerationSettings>(),
        posted_error::<Unblock>(),
    ];
    let error = Signal::derive(move || errors.iter().find_map(|e| e.get()));
    let settings = view.settings;
    let form = if view.can_edit {
        view! {
            <form method="post" action=SaveModerationSettings::PATH class="card">
                <div class="field">
                    <label for="settings-threshold"><T k=|t| t.threshold_label /></label>
                    <input id="settings-threshold" type="number" name="report_threshold" min="1" max="100" required
                        value=settings.report_threshold.to_string() aria-describedby="settings-threshold-hint" />
                    <p class="field__hint" id="settings-threshold-hint"><T k=|t| t.threshold_hint /></p>
                </div>
                <div class="field">
                    <label for="settings-words"><T k=|t| t.words_label /></label>
                    <textarea id="settings-words" name="screen_words" rows="8" aria-describedby="settings-words-hint">{crate::components::raw_text::raw_text(settings.screen_words.clone())}</textarea>
                    <p class="field__hint" id="settings-words-hint"><T k=|t| t.words_hint /></p>
                </div>
                <div class="field">
                    <label for="settings-links"><T k=|t| t.link_limit_label /></label>
                    <input id="settings-links" type="number" name="screen_link_limit" min="0" max="100" required
                        value=settings.screen_link_limit.to_string() aria-describedby="settings-links-hint" />
                    <p class="field__hint" id="settings-links-hint"><T k=|t| t.link_limit_hint /></p>
                </div>
                <button type="submit"><T k=|t| t.save /></button>
            </form>
        }
        .into_any()
    } else {
        view! {
            <dl class="facts">
                <div><dt><T k=|t| t.threshold_label /></dt><dd>{settings.report_threshold}</dd></div>
                <div><dt><T k=|t| t.link_limit_label /></dt><dd>{settings.screen_link_limit}</dd></div>
            </dl>
            <p class="field__hint"><T k=|t| t.settings_admin_only /></p>
        }
        .into_any()
    };
    let empty = view.blocked.is_empty();
    let blocked = view
        .blocked
        .into_iter()
        .map(|person| {
            let since = person.blocked_at;
            let until = person.until;
            let name = person.name.unwrap_or_else(|| i18n.t().deleted_account.to_owned());
            view! {
                <li>
                    <strong>{name}</strong>
                    " · " {move || i18n.t().blocked_since.fmt(&[("date", i18n.t().date(since).as_str().into())])}
                    " · " {move || match until {
                        Some(until) => i18n.t().blocked_until.fmt(&[("date", i18n.t().date(until).as_str().into())]),
                        None => i18n.t().block_forever.to_owned(),
                    }}
                    <form method="post" action=Unblock::PATH class="inline-form">
                        <input type="hidden" name="user_id" value=person.user_id />
                        <input type="hidden" name="back" value="/moderation/einstellungen" />
                        <button type="submit" class="button--quiet"><T k=|t| t.act_unblock /></button>
                    </form>
                </li>
            }
        })
        .collect_view();
    view! {
        <Title text=page_title(|t| t.settings_title) />
        <div class="container moderation">
            <h1><T k=|t| t.settings_title /></h1>
            <ModerationNav />
            {move || match status.get() {
                Some(Done::SettingsSaved) => Some(view! { <Notice text=|t| t.settings_saved /> }),
                Some(Done::Unblocked) => Some(view! { <Notice text=|t| t.unblock_done /> }),
                _ => None,
            }}
            <ErrorAlert error />
            {form}
            <h2><T k=|t| t.blocked_heading /></h2>
            {empty.then(|| view! { <p class="empty"><T k=|t| t.blocked_none /></p> })}
            <ul class="blocked">{blocked}</ul>
        </div>
    }
}
