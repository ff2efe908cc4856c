//! A proposal's tally and, when the phase allows it, the buttons to vote. Each button is
//! its own small form (a hidden value), so it works without JavaScript and in place with it.

use crate::components::live_form::LiveForm;
use crate::formats::proposals::api::Vote;
use crate::formats::proposals::model::{Allowed, ProposalCard, Viewer, VoteBudget, VoteRule};
use crate::i18n::{T, use_i18n};
use leptos::prelude::*;
use leptos::server_fn::ServerFn;

#[component]
pub fn VoteBox(
    card: ProposalCard,
    rule: VoteRule,
    allowed: Allowed,
    viewer: Viewer,
    budget: Option<VoteBudget>,
    /// Where the no-JavaScript post returns to.
    back: String,
    done: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let tally = card.tally;
    let title = card.title.clone();
    let counts = match rule {
        VoteRule::Support { .. } => view! {
            <p class="tally">
                <span class="tally__number">{tally.support}</span>
                " "
                <span>{move || i18n.t().supports(tally.support)}</span>
            </p>
        }
        .into_any(),
        VoteRule::Rating => view! {
            <p class="tally">
                <span class="tally__number">{signed(tally.score)}</span>
                " "
                <span>{move || i18n.t().net_score}</span>
                <span class="tally__detail">
                    {move || {
                        let t = i18n.t();
                        t.vote_tally.fmt(&[("up", tally.up.into()), ("down", tally.down.into())])
                    }}
                </span>
            </p>
        }
        .into_any(),
    };
    let controls = if !allowed.vote {
        None
    } else if !viewer.signed_in {
        Some(
            view! {
                <p class="vote__hint">
                    <a href=crate::model::path::with_return("/anmelden", &back)>
                        <T k=|t| t.login_to_vote />
                    </a>
                </p>
            }
            .into_any(),
        )
    } else if !viewer.verified {
        Some(view! { <p class="vote__hint"><T k=|t| t.verify_to_contribute /></p> }.into_any())
    } else {
        let id = card.id;
        let mine = card.my_vote;
        let button = move |value: i8, label: fn(&'static crate::i18n::Texts) -> &'static str| {
            let pressed = mine == Some(value);
            // Pressing the button of one's own vote again withdraws it.
            let send = if pressed { 0 } else { value };
            let title = title.clone();
            let back = back.clone();
            view! {
                <LiveForm action=Vote::PATH done class="vote__form">
                    <input type="hidden" name="id" value=id />
                    <input type="hidden" name="value" value=send />
                    <input type="hidden" name="back" value=back />
                    <button
                        type="submit"
                        class=if pressed { "vote__button vote__button--pressed" } else { "vote__button" }
                        aria-pressed=if pressed { "true" } else { "false" }
                        aria-label=move || format!("{}: {}", label(i18n.t()), title)
                    >
                        {move || label(i18n.t())}
                    </button>
                </LiveForm>
            }
        };
        let exhausted = budget.is_some_and(|b| b.used >= b.cap) && mine.is_none();
        Some(match rule {
            VoteRule::Support { .. } if exhausted => {
                view! { <p class="vote__hint"><T k=|t| t.supports_exhausted /></p> }.into_any()
            }
            VoteRule::Support { .. } => {
                let label: fn(&'static crate::i18n::Texts) -> &'static str = if mine.is_some() {
                    |t| t.withdraw_support
                } else {
                    |t| t.support
                };
                view! { <div class="vote__buttons">{button(1, label)}</div> }.into_any()
            }
            VoteRule::Rating => view! {
                <div class="vote__buttons">
                    {button(1, |t| t.vote_for)}
                    {button(-1, |t| t.vote_against)}
                </div>
            }
            .into_any(),
        })
    };
    let mine = card.my_vote.map(|value| {
        view! {
            <p class="vote__mine">
                {move || {
                    let t = i18n.t();
                    match (rule, value) {
                        (VoteRule::Support { .. }, _) => t.you_support,
                        (VoteRule::Rating, 1) => t.you_voted_for,
                        _ => t.you_voted_against,
                    }
                }}
            </p>
        }
    });
    view! {
        <div class="vote">
            {counts}
            {mine}
            {controls}
        </div>
    }
}

/// "+3", "0", "−2" (with a real minus sign).
pub fn signed(value: i32) -> String {
    match value {
        v if v > 0 => format!("+{v}"),
        v if v < 0 => format!("−{}", v.unsigned_abs()),
        _ => "0".to_owned(),
    }
}

/// "3 of 5 supports used".
#[component]
pub fn BudgetNote(budget: Option<VoteBudget>) -> impl IntoView {
    let i18n = use_i18n();
    budget.map(|budget| {
        view! {
            <p class="budget" role="status">
                {move || i18n.t().budget(budget.used, budget.cap)}
            </p>
        }
    })
}
