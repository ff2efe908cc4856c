//! A proposal page's part about merged duplicates: on a merged proposal, where it points
//! now and why; on the kept one, the duplicates merged into it.

use crate::formats::proposals::model::{MergeNotice, ProposalLink};
use crate::i18n::{T, use_i18n};
use crate::model::path;
use leptos::prelude::*;

/// "This proposal was merged on … into Proposal #12 …", with the public reason.
#[component]
pub fn MergedNotice(notice: MergeNotice) -> impl IntoView {
    let i18n = use_i18n();
    let MergeNotice {
        into,
        at,
        reason,
        note,
    } = notice;
    let reason = move || {
        let label = reason.map(|r| i18n.t().reason(r)).unwrap_or_default();
        match (label.is_empty(), note.is_empty()) {
            (true, true) => String::new(),
            (false, true) => label.to_owned(),
            (true, false) => note.clone(),
            (false, false) => format!("{label} – {note}"),
        }
    };
    view! {
        <div class="alert alert--info" role="note">
            <p>
                <strong>
                    {move || i18n.t().merged_notice.fmt(&[("date", i18n.t().date(at).as_str().into())])}
                    " "
                    <ProposalLinkView link=into />
                </strong>
            </p>
            <p><T k=|t| t.reason_label />": "{reason}</p>
            <p><T k=|t| t.merged_votes_note /></p>
        </div>
    }
}

/// The duplicates merged into this proposal, as links.
#[component]
pub fn MergedFrom(links: Vec<ProposalLink>) -> impl IntoView {
    (!links.is_empty()).then(|| {
        let items = links
            .into_iter()
            .map(|link| view! { <li><ProposalLinkView link /></li> })
            .collect_view();
        view! {
            <section class="merged-from" aria-labelledby="merged-from-heading">
                <h2 id="merged-from-heading"><T k=|t| t.merged_from_heading /></h2>
                <p><T k=|t| t.merged_from_intro /></p>
                <ul>{items}</ul>
            </section>
        }
    })
}

#[component]
fn ProposalLinkView(link: ProposalLink) -> impl IntoView {
    let i18n = use_i18n();
    let ProposalLink { id, title } = link;
    view! {
        <a href=path::proposal(id)>
            {move || i18n.t().proposal_number.fmt(&[("id", id.into())])}": "{title}
        </a>
    }
}
