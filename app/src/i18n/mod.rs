//! German (default) and English texts. Every text is a field of [`Texts`], so a language
//! that lacks one does not compile.

use crate::error::AppError;
use crate::model::procedure::{PhaseKind, ProcedureFilter, ProcedureState};
use crate::model::time::Timestamp;
use leptos::prelude::*;

pub use crate::model::lang::{LANG_COOKIE, Lang};

/// The visitor's language, reactive so that switching it re-renders the page in place.
#[derive(Debug, Clone, Copy)]
pub struct I18n(RwSignal<Lang>);

impl I18n {
    pub fn new(lang: Lang) -> Self {
        Self(RwSignal::new(lang))
    }

    pub fn lang(&self) -> Lang {
        self.0.get()
    }

    pub fn set(&self, lang: Lang) {
        self.0.set(lang);
    }

    pub fn t(&self) -> &'static Texts {
        self.0.get().texts()
    }
}

/// The I18n of the current page; a view rendered outside the app shell gets German.
pub fn use_i18n() -> I18n {
    use_context::<I18n>().unwrap_or_else(|| I18n::new(Lang::default()))
}

/// A text in the visitor's language, following the language switch. Every text goes
/// through this one component: a separate closure per text would each be compiled into
/// the browser bundle on its own.
#[component]
pub fn T(k: fn(&'static Texts) -> &'static str) -> impl IntoView {
    let i18n = use_i18n();
    move || k(i18n.t())
}

/// The text of a page's `<Title>`. In the browser it follows the language switch. On the
/// server it is fixed when the page renders: leptos_meta reads titles after rendering, when
/// the page's reactive values may already be disposed (reading one then panics).
pub fn page_title(
    text: impl Fn(&'static Texts) -> &'static str + Send + Sync + 'static,
) -> leptos::text_prop::TextProp {
    let i18n = use_i18n();
    #[cfg(feature = "ssr")]
    {
        leptos::text_prop::TextProp::from(text(i18n.t()).to_owned())
    }
    #[cfg(not(feature = "ssr"))]
    {
        leptos::text_prop::TextProp::from(move || text(i18n.t()).to_owned())
    }
}

// The texts of every language, compiled from `app/locales/` by `app/build.rs`: a struct
// `Texts` (pages and the browser), `ServerTexts` (mails, exports; server only), one static
// of each per language (on the server: the browser loads its `Texts`, see `wire`),
// `Lang::texts`, `Lang::server_texts`, `Lang::document`, `Lang::texts_file`, `Lang::name`
// and `MISSING`.
include!(concat!(env!("OUT_DIR"), "/texts.rs"));

#[cfg(test)]
mod coverage;
mod message;
pub mod wire;
pub use message::{Arg, Fmt, Key, Msg, Part, plural_category};

#[cfg(feature = "ssr")]
impl ServerTexts {
    /// A proposal's implementation in a sentence, as its followers' mail states it.
    pub fn implementation_sentence(
        &self,
        status: crate::model::implementation::ImplementationStatus,
    ) -> &'static str {
        use crate::model::implementation::ImplementationStatus as S;
        match status {
            S::Planned => self.implementation_sentence_planned,
            S::InProgress => self.implementation_sentence_in_progress,
            S::Done => self.implementation_sentence_done,
            S::Dropped => self.implementation_sentence_dropped,
        }
    }

    /// The paragraphs on method in the results report.
    pub fn report_method_note(&self) -> [&'static str; 5] {
        [
            self.report_method_note_1,
            self.report_method_note_2,
            self.report_method_note_3,
            self.report_method_note_4,
            self.report_method_note_5,
        ]
    }
}

impl Texts {
    pub fn date(&self, at: Timestamp) -> String {
        self.calendar_date(at.local_date())
    }

    /// A date and the time of day (`14:05`), for figures that change by the minute.
    pub fn date_and_time(&self, at: Timestamp) -> String {
        let (hours, minutes) = at.local_time();
        self.date_time.fmt(&[
            ("date", self.date(at).as_str().into()),
            ("time", format!("{hours:02}:{minutes:02}").as_str().into()),
        ])
    }

    /// A `YYYY-MM-DD` day (as charts group by) in the page's date format; anything else
    /// as it is.
    pub fn iso_date(&self, iso: &str) -> String {
        crate::model::time::LocalDate::parse_iso(iso)
            .map_or_else(|| iso.to_owned(), |date| self.calendar_date(date))
    }

    fn calendar_date(&self, date: crate::model::time::LocalDate) -> String {
        let month = self.month_name.fmt(&[("month", date.month.into())]);
        self.date.fmt(&[
            ("day", date.day.into()),
            ("month", month.as_str().into()),
            ("year", date.year.into()),
        ])
    }

    /// The last day of a period that ends (exclusively) at `end`: a phase entered as
    /// "until 14 December" ends at the first moment of 15 December.
    pub fn last_day(&self, end: Timestamp) -> String {
        self.date(Timestamp(end.0 - 1))
    }

    /// "Vorschläge bis", "Voting until": the label of a phase's deadline.
    pub fn phase_until(&self, kind: PhaseKind) -> String {
        self.phase_until
            .fmt(&[("phase", self.phase_short(kind).into())])
    }

    /// A phase's name in a deadline: "Vorschläge" rather than "Vorschläge sammeln".
    fn phase_short(&self, kind: PhaseKind) -> &'static str {
        match kind {
            PhaseKind::Proposals => self.phase_proposals_short,
            other => self.phase(other),
        }
    }

    pub fn phase(&self, kind: PhaseKind) -> &'static str {
        match kind {
            PhaseKind::Information => self.phase_information,
            PhaseKind::Proposals => self.phase_proposals,
            PhaseKind::Discussion => self.phase_discussion,
            PhaseKind::Voting => self.phase_voting,
            PhaseKind::Evaluation => self.phase_evaluation,
            PhaseKind::Closed => self.phase_closed,
        }
    }

    pub fn state(&self, state: ProcedureState) -> &'static str {
        match state {
            ProcedureState::Upcoming => self.state_upcoming,
            ProcedureState::Running => self.state_running,
            ProcedureState::Finished => self.state_finished,
        }
    }

    pub fn filter(&self, filter: ProcedureFilter) -> &'static str {
        match filter {
            ProcedureFilter::Running => self.filter_running,
            ProcedureFilter::Upcoming => self.filter_upcoming,
            ProcedureFilter::Finished => self.filter_finished,
            ProcedureFilter::All => self.filter_all,
        }
    }

    pub fn empty_listing(&self, filter: ProcedureFilter) -> &'static str {
        match filter {
            ProcedureFilter::Running => self.empty_running,
            ProcedureFilter::Upcoming => self.empty_upcoming,
            ProcedureFilter::Finished => self.empty_finished,
            ProcedureFilter::All => self.empty_all,
        }
    }

    pub fn role(&self, role: crate::model::account::Role) -> &'static str {
        use crate::model::account::Role;
        match role {
            Role::Resident => self.role_resident,
            Role::Moderator => self.role_moderator,
            Role::Planner => self.role_planner,
            Role::Admin => self.role_admin,
        }
    }

    pub fn sort(&self, sort: crate::formats::proposals::model::ProposalSort) -> &'static str {
        use crate::formats::proposals::model::ProposalSort;
        match sort {
            ProposalSort::Random => self.sort_random,
            ProposalSort::Newest => self.sort_newest,
            ProposalSort::MostSupported => self.sort_supported,
            ProposalSort::MostDiscussed => self.sort_discussed,
        }
    }

    /// The order's name under a vote rule: under the rating rule "most supported" ranks by
    /// the net score and is called so.
    pub fn sort_under(
        &self,
        sort: crate::formats::proposals::model::ProposalSort,
        rule: crate::formats::proposals::model::VoteRule,
    ) -> &'static str {
        use crate::formats::proposals::model::{ProposalSort, VoteRule};
        match (sort, rule) {
            (ProposalSort::MostSupported, VoteRule::Rating) => self.sort_best_score,
            _ => self.sort(sort),
        }
    }

    pub fn proposal_status(
        &self,
        status: crate::formats::proposals::model::ProposalStatus,
    ) -> &'static str {
        use crate::formats::proposals::model::ProposalStatus;
        match status {
            ProposalStatus::Published => self.status_published,
            ProposalStatus::Withdrawn => self.status_withdrawn,
            ProposalStatus::Merged => self.status_merged,
        }
    }

    /// What the administration concluded in its opinion on a proposal.
    pub fn verdict(&self, verdict: crate::formats::proposals::opinion::Verdict) -> &'static str {
        use crate::formats::proposals::opinion::Verdict;
        match verdict {
            Verdict::Feasible => self.verdict_feasible,
            Verdict::PartlyFeasible => self.verdict_partly_feasible,
            Verdict::NotFeasible => self.verdict_not_feasible,
        }
    }

    /// "1 Kommentar", "12 Kommentare".
    pub fn comments_count(&self, count: u32) -> String {
        self.comments_count.fmt(&[("count", count.into())])
    }

    /// "Alle 12 Zeilen sind in Ordnung.", "3 von 12 Zeilen haben Fehler."
    pub fn import_rows(&self, rows: usize, invalid: usize) -> String {
        self.import_rows
            .fmt(&[("rows", rows.into()), ("invalid", invalid.into())])
    }

    /// "1 Vorschlag importieren", "12 Vorschläge importieren".
    pub fn import_button(&self, count: usize) -> String {
        self.import_button.fmt(&[("count", count.into())])
    }

    /// "1 Vorschlag ist importiert.", "12 Vorschläge sind importiert."
    pub fn imported(&self, count: u32) -> String {
        self.imported.fmt(&[("count", count.into())])
    }

    /// "1 offener Beitrag", "3 offene Beiträge".
    pub fn open_items(&self, count: u64) -> String {
        self.open_items.fmt(&[("count", count.into())])
    }

    /// The word after a support count: "Unterstützung" / "Unterstützungen".
    pub fn supports(&self, count: u32) -> String {
        self.supports_word.fmt(&[("count", count.into())])
    }

    /// "3 von 5 Unterstützungen verwendet".
    pub fn budget(&self, used: u32, cap: u32) -> String {
        self.budget
            .fmt(&[("used", used.into()), ("cap", cap.into())])
    }

    /// "Kommentar von Jonas Keller", or for an on-site comment the event it was collected at.
    pub fn comment_by(
        &self,
        author: Option<&str>,
        source: &crate::formats::proposals::model::Source,
    ) -> String {
        use crate::formats::proposals::model::Source;
        let author = author.unwrap_or(self.deleted_account);
        let (kind, event) = match source {
            Source::Online => ("online", ""),
            Source::Onsite { event } => ("onsite", event.as_str()),
        };
        self.comment_by.fmt(&[
            ("kind", kind.into()),
            ("author", author.into()),
            ("event", event.into()),
        ])
    }

    /// "Stand: 21. November 2026".
    pub fn as_of(&self, date: &str) -> String {
        self.as_of.fmt(&[("date", date.into())])
    }

    /// "Ratsvorlage: DS 12/2026 – Radverkehrskonzept".
    pub fn council_paper_line(&self, reference: &str, title: &str) -> String {
        self.council_paper_line
            .fmt(&[("reference", reference.into()), ("title", title.into())])
    }

    pub fn outcome(&self, outcome: crate::model::results::CouncilOutcome) -> &'static str {
        use crate::model::results::CouncilOutcome as O;
        match outcome {
            O::Adopted => self.outcome_adopted,
            O::AdoptedInPart => self.outcome_adopted_in_part,
            O::Rejected => self.outcome_rejected,
            O::Referred => self.outcome_referred,
            O::NotDecided => self.outcome_not_decided,
        }
    }

    /// The outcome as a sentence, for the followers' mail.
    pub fn outcome_sentence(&self, outcome: crate::model::results::CouncilOutcome) -> &'static str {
        use crate::model::results::CouncilOutcome as O;
        match outcome {
            O::Adopted => self.outcome_sentence_adopted,
            O::AdoptedInPart => self.outcome_sentence_adopted_in_part,
            O::Rejected => self.outcome_sentence_rejected,
            O::Referred => self.outcome_sentence_referred,
            O::NotDecided => self.outcome_sentence_not_decided,
        }
    }

    pub fn reason(&self, reason: crate::model::moderation::ModerationReason) -> &'static str {
        use crate::model::moderation::ModerationReason as R;
        match reason {
            R::Insult => self.reason_insult,
            R::Discrimination => self.reason_discrimination,
            R::Spam => self.reason_spam,
            R::PersonalData => self.reason_personal_data,
            R::OffTopic => self.reason_off_topic,
            R::Duplicate => self.reason_duplicate,
            R::Other => self.reason_other,
        }
    }

    /// The button of a decision.
    pub fn act(&self, action: crate::model::moderation::ModerationActionKind) -> &'static str {
        use crate::model::moderation::ModerationActionKind as A;
        match action {
            A::Approve => self.act_approve,
            A::Hide => self.act_hide,
            A::Restore => self.act_restore,
            A::Redact => self.act_redact,
            A::Lock => self.act_lock,
            A::Unlock => self.act_unlock,
            A::Warn => self.act_warn,
            A::Block => self.act_block,
            A::Unblock => self.act_unblock,
            A::Uphold => self.act_uphold,
            A::Fund => self.act_fund,
            A::Unfund => self.act_unfund,
            A::CountApplies => self.act_count_applies,
            A::Merge => self.act_merge,
        }
    }

    /// A decision as the ledger states it.
    pub fn done(&self, action: crate::model::moderation::ModerationActionKind) -> &'static str {
        use crate::model::moderation::ModerationActionKind as A;
        match action {
            A::Approve => self.done_approve,
            A::Hide => self.done_hide,
            A::Restore => self.done_restore,
            A::Redact => self.done_redact,
            A::Lock => self.done_lock,
            A::Unlock => self.done_unlock,
            A::Warn => self.done_warn,
            A::Block => self.done_block,
            A::Unblock => self.done_unblock,
            A::Uphold => self.done_uphold,
            A::Fund => self.done_fund,
            A::Unfund => self.done_unfund,
            A::CountApplies => self.done_count_applies,
            A::Merge => self.done_merge,
        }
    }

    pub fn queue_kind(&self, kind: crate::model::moderation::QueueKind) -> &'static str {
        use crate::model::moderation::QueueKind as K;
        match kind {
            K::Pending => self.kind_pending,
            K::Reported => self.kind_reported,
            K::Screened => self.kind_screened,
            K::Objection => self.kind_objection,
        }
    }

    /// A sentence for the visitor; technical detail stays in the server log.
    pub fn error(&self, error: &AppError) -> &'static str {
        match error {
            AppError::NotFound => self.not_found_body,
            AppError::InvalidInput { field, problem } => self.invalid_input(field, problem),
            AppError::InvalidFields { errors } => {
                errors.first().map_or(self.error_request_failed, |p| {
                    self.invalid_input(&p.field, &p.problem)
                })
            }
            AppError::Unauthenticated => self.error_unauthenticated,
            AppError::InvalidCredentials => self.error_invalid_credentials,
            AppError::Forbidden => self.error_forbidden,
            AppError::Conflict => self.error_conflict,
            AppError::RateLimited { .. } => self.error_rate_limited,
            AppError::PayloadTooLarge => self.error_payload_too_large,
            AppError::UnsupportedMediaType => self.error_unsupported_media_type,
            AppError::Unavailable => self.error_unavailable,
            AppError::Internal => self.internal_body,
            AppError::Request { .. } => self.error_request_failed,
        }
    }
}

impl Texts {
    /// The text for a problem with a field, from `fields.ftl`: the field's text for this
    /// problem, else the text for this problem on any field, else the field's text, else
    /// the general one.
    pub fn invalid_input(&self, field: &str, problem: &str) -> &'static str {
        let find = |field: &str, problem: &str| {
            self.fields
                .iter()
                .find(|(f, p, _)| *f == field && *p == problem)
                .map(|(_, _, text)| *text)
        };
        find(field, problem)
            .or_else(|| find("any", problem))
            .or_else(|| find(field, ""))
            .unwrap_or(self.error_invalid_input)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookie_choice_beats_the_browser_preference() {
        assert_eq!(
            Lang::negotiate(Some("a=1; mitreden_lang=en"), Some("de-DE,de;q=0.9")),
            Lang::En
        );
        assert_eq!(
            Lang::negotiate(Some("mitreden_lang=xx"), Some("en-GB")),
            Lang::En
        );
    }

    #[test]
    fn accept_language_is_weighed_by_quality() {
        assert_eq!(
            Lang::negotiate(None, Some("fr-FR, en;q=0.8, de;q=0.7")),
            Lang::En
        );
        assert_eq!(
            Lang::negotiate(None, Some("en;q=0.5, de-AT;q=0.9")),
            Lang::De
        );
        assert_eq!(Lang::negotiate(None, Some("en;q=0")), Lang::De);
        assert_eq!(Lang::negotiate(None, Some(";;,,q=")), Lang::De);
        assert_eq!(Lang::negotiate(None, None), Lang::De);
    }

    #[test]
    fn dates_read_naturally_in_each_language() {
        let at = Timestamp(1_795_217_400); // 2026-11-21 00:30 in Berlin
        assert_eq!(Lang::De.texts().date(at), "21. November 2026");
        assert_eq!(Lang::En.texts().date(at), "21 November 2026");
    }

    #[test]
    fn counts_take_the_plural_form_of_their_language() {
        let de = Lang::De.texts();
        let en = Lang::En.texts();
        assert_eq!(de.comments_count(1), "1 Kommentar");
        assert_eq!(de.comments_count(2), "2 Kommentare");
        assert_eq!(de.comments_count(0), "0 Kommentare");
        assert_eq!(en.comments_count(1), "1 comment");
        assert_eq!(en.comments_count(2), "2 comments");
        assert_eq!(de.open_items(1), "1 offener Beitrag");
        assert_eq!(de.open_items(3), "3 offene Beiträge");
        assert_eq!(en.open_items(1), "1 open item");
        assert_eq!(de.budget(1, 1), "1 von 1 Unterstützung verwendet");
        assert_eq!(en.budget(2, 5), "2 of 5 supports used");
        // An exact number beats the plural category: no invalid rows is its own sentence.
        assert_eq!(de.import_rows(1, 0), "Die Zeile ist in Ordnung.");
        assert_eq!(de.import_rows(12, 0), "Alle 12 Zeilen sind in Ordnung.");
        assert_eq!(en.import_rows(12, 1), "1 of 12 rows has a problem.");
        assert_eq!(en.import_rows(12, 3), "3 of 12 rows have problems.");
    }

    #[test]
    fn plural_rules_come_from_cldr_not_from_a_one_or_many_guess() {
        assert_eq!(plural_category(Lang::De, 1), "one");
        assert_eq!(plural_category(Lang::De, 0), "other");
        assert_eq!(plural_category(Lang::En, 21), "other");
    }

    #[test]
    fn a_missing_argument_shows_instead_of_vanishing() {
        let text = Lang::En.texts().comments_count.fmt(&[]);
        assert!(text.contains("{$count}"), "{text}");
    }
}
