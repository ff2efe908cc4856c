//! German (default) and English texts. Every text is a field of [`Texts`], so a language
//! that lacks one does not compile.

mod de;
mod en;

use crate::error::AppError;
use crate::model::procedure::{PhaseKind, ProcedureFilter, ProcedureState};
use crate::model::time::Timestamp;
use leptos::prelude::*;

pub use crate::model::lang::{LANG_COOKIE, Lang};

impl Lang {
    pub fn texts(self) -> &'static Texts {
        match self {
            Lang::De => &de::TEXTS,
            Lang::En => &en::TEXTS,
        }
    }
}

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

pub struct Texts {
    pub lang_name: &'static str,
    pub month_names: [&'static str; 12],
    pub date_pattern: DatePattern,

    pub skip_to_content: &'static str,
    pub main_navigation: &'static str,
    pub nav_procedures: &'static str,
    pub language_switch_label: &'static str,
    pub switch_language_button: &'static str,
    pub footer_label: &'static str,
    pub footer_about: &'static str,
    pub footer_source: &'static str,

    pub legal_imprint: &'static str,
    pub legal_privacy: &'static str,
    pub legal_accessibility: &'static str,

    pub home_title: &'static str,
    pub home_intro: &'static str,
    pub filter_label: &'static str,
    pub filter_running: &'static str,
    pub filter_upcoming: &'static str,
    pub filter_finished: &'static str,
    pub filter_all: &'static str,
    pub empty_running: &'static str,
    pub empty_upcoming: &'static str,
    pub empty_finished: &'static str,
    pub empty_all: &'static str,
    pub empty_hint: &'static str,
    pub loading: &'static str,
    pub update_failed: &'static str,
    pub error_summary_title: &'static str,

    pub state_upcoming: &'static str,
    pub state_running: &'static str,
    pub state_finished: &'static str,
    pub current_phase: &'static str,
    pub between_phases: &'static str,
    pub runs_until: &'static str,
    pub starts_on: &'static str,
    pub proposals_from: &'static str,
    pub start_notice_off: &'static str,
    pub start_notice_on: &'static str,
    pub start_notice_sign_in: &'static str,
    pub start_notice_requested: &'static str,
    pub start_notice_cancel: &'static str,
    pub start_notice_request: &'static str,
    pub ended_on: &'static str,
    pub responsible: &'static str,
    pub contact: &'static str,
    pub schedule: &'static str,
    pub phase_now: &'static str,
    pub until: &'static str,
    pub phase_proposals_short: &'static str,
    pub to_procedure: &'static str,

    pub phase_information: &'static str,
    pub phase_proposals: &'static str,
    pub phase_discussion: &'static str,
    pub phase_voting: &'static str,
    pub phase_evaluation: &'static str,
    pub phase_closed: &'static str,

    pub error_title: &'static str,
    pub not_found_title: &'static str,
    pub not_found_body: &'static str,
    pub internal_title: &'static str,
    pub internal_body: &'static str,
    pub back_home: &'static str,
    pub error_invalid_input: &'static str,
    pub error_unauthenticated: &'static str,
    pub error_invalid_credentials: &'static str,
    pub error_forbidden: &'static str,
    pub error_conflict: &'static str,
    pub error_rate_limited: &'static str,
    pub error_payload_too_large: &'static str,
    pub error_unavailable: &'static str,
    pub error_request_failed: &'static str,

    pub nav_login: &'static str,
    pub nav_register: &'static str,
    pub nav_account: &'static str,
    pub nav_users: &'static str,
    pub logout: &'static str,
    pub account_navigation: &'static str,
    pub email_label: &'static str,
    pub password_label: &'static str,
    pub new_password_label: &'static str,
    pub current_password_label: &'static str,
    pub password_hint: &'static str,
    pub display_name_label: &'static str,
    pub display_name_hint: &'static str,
    pub accept_terms_label: &'static str,
    pub register_title: &'static str,
    pub register_intro: &'static str,
    pub register_submit: &'static str,
    pub register_sent: &'static str,
    pub have_account: &'static str,
    pub login_title: &'static str,
    pub login_submit: &'static str,
    pub forgot_password_link: &'static str,
    pub no_account: &'static str,
    pub forgot_title: &'static str,
    pub forgot_intro: &'static str,
    pub forgot_submit: &'static str,
    pub forgot_sent: &'static str,
    pub reset_title: &'static str,
    pub reset_submit: &'static str,
    pub reset_done: &'static str,
    pub confirm_title: &'static str,
    pub confirm_intro: &'static str,
    pub confirm_submit: &'static str,
    pub confirm_done: &'static str,
    pub confirm_back: &'static str,
    pub confirm_changed: &'static str,
    pub account_title: &'static str,
    pub login_required: &'static str,
    pub unverified_notice: &'static str,
    pub resend_submit: &'static str,
    pub resend_done: &'static str,
    pub profile_heading: &'static str,
    pub language_label: &'static str,
    pub notify_replies_label: &'static str,
    pub notify_digest_label: &'static str,
    pub save: &'static str,
    pub profile_saved: &'static str,
    pub email_heading: &'static str,
    pub email_change_submit: &'static str,
    pub email_change_sent: &'static str,
    pub password_heading: &'static str,
    pub password_changed: &'static str,
    pub sessions_heading: &'static str,
    pub sessions_intro: &'static str,
    pub logout_everywhere_submit: &'static str,
    pub privacy_heading: &'static str,
    pub export_intro: &'static str,
    pub export_link: &'static str,
    pub delete_heading: &'static str,
    pub delete_intro: &'static str,
    pub delete_confirm_label: &'static str,
    pub delete_submit: &'static str,
    pub deleted_done: &'static str,
    pub logged_out: &'static str,
    pub users_title: &'static str,
    pub users_search_label: &'static str,
    pub search: &'static str,
    pub role_label: &'static str,
    pub role_saved: &'static str,
    pub verified_yes: &'static str,
    pub verified_no: &'static str,
    pub no_users_found: &'static str,
    pub role_resident: &'static str,
    pub role_moderator: &'static str,
    pub role_planner: &'static str,
    pub role_admin: &'static str,
    pub err_email: &'static str,
    pub err_password_short: &'static str,
    pub err_password_long: &'static str,
    pub err_password_common: &'static str,
    pub err_display_name: &'static str,
    pub err_accept_terms: &'static str,
    pub err_token_invalid: &'static str,
    pub err_token_used: &'static str,
    pub err_token_expired: &'static str,
    pub err_current_password: &'static str,
    pub err_not_verified: &'static str,
    pub err_email_unchanged: &'static str,
    pub err_delete_confirm: &'static str,
    pub proposals_heading: &'static str,
    pub jump_to_proposals: &'static str,
    pub new_proposal: &'static str,
    pub proposal_number: &'static str,
    pub no_proposals_yet: &'static str,
    pub no_matching_proposals: &'static str,
    pub search_proposals: &'static str,
    pub category_label: &'static str,
    pub all_categories: &'static str,
    pub no_category: &'static str,
    pub status_label: &'static str,
    pub sort_label: &'static str,
    pub apply_filters: &'static str,
    pub sort_random: &'static str,
    pub sort_newest: &'static str,
    pub sort_supported: &'static str,
    pub sort_best_score: &'static str,
    pub sort_discussed: &'static str,
    pub status_published: &'static str,
    pub status_withdrawn: &'static str,
    pub first_page: &'static str,
    pub more_proposals: &'static str,
    pub pages_label: &'static str,
    pub comment_one: &'static str,
    pub comments_many: &'static str,
    pub support_one: &'static str,
    pub supports_many: &'static str,
    pub net_score: &'static str,
    pub votes_for: &'static str,
    pub votes_against: &'static str,
    pub support: &'static str,
    pub withdraw_support: &'static str,
    pub vote_for: &'static str,
    pub vote_against: &'static str,
    pub you_support: &'static str,
    pub you_voted_for: &'static str,
    pub you_voted_against: &'static str,
    pub supports_exhausted: &'static str,
    pub budget_used: &'static str,
    pub budget_suffix: &'static str,
    pub login_to_vote: &'static str,
    pub login_to_comment: &'static str,
    pub login_to_propose: &'static str,
    pub verify_to_contribute: &'static str,
    pub vote_saved: &'static str,
    pub vote_withdrawn: &'static str,
    pub vote_heading: &'static str,
    pub onsite: &'static str,
    pub collected_at: &'static str,
    pub deleted_account: &'static str,
    pub proposals_closed: &'static str,
    pub back_to_procedure: &'static str,
    pub title_label: &'static str,
    pub title_hint: &'static str,
    pub body_label: &'static str,
    pub markdown_hint: &'static str,
    pub location_label: &'static str,
    pub location_hint: &'static str,
    pub onsite_legend: &'static str,
    pub onsite_hint: &'static str,
    pub event_label: &'static str,
    pub event_optional_label: &'static str,
    pub submit_proposal: &'static str,
    pub saved_next: &'static str,
    pub onsite_import_title: &'static str,
    pub onsite_import_intro: &'static str,
    pub onsite_import_link: &'static str,
    pub onsite_import_short: &'static str,
    pub import_upload_heading: &'static str,
    pub import_upload_again: &'static str,
    pub import_file_label: &'static str,
    pub import_file_hint: &'static str,
    pub import_text_label: &'static str,
    pub import_text_hint: &'static str,
    pub import_example: &'static str,
    pub import_check: &'static str,
    pub import_preview_heading: &'static str,
    pub import_caption: &'static str,
    pub import_col_line: &'static str,
    pub import_col_text: &'static str,
    pub import_col_check: &'static str,
    pub import_row_ok: &'static str,
    pub import_all_ok_one: &'static str,
    pub import_all_ok_many: &'static str,
    pub import_invalid_one: &'static str,
    pub import_invalid_many: &'static str,
    pub import_nothing_saved: &'static str,
    pub import_button_one: &'static str,
    pub import_button_many: &'static str,
    pub imported_one: &'static str,
    pub imported_many: &'static str,
    pub import_another: &'static str,
    pub import_for_event: &'static str,
    pub import_event_hint: &'static str,
    pub import_categories: &'static str,
    pub err_file_too_large: &'static str,
    pub err_file_missing: &'static str,
    pub err_file_missing_columns: &'static str,
    pub err_file_no_rows: &'static str,
    pub err_file_too_many_rows: &'static str,
    pub err_file_unreadable: &'static str,
    pub err_row_extra_cells: &'static str,
    pub err_row_duplicate: &'static str,
    pub err_row_already_imported: &'static str,
    pub err_rows_invalid: &'static str,
    pub save_and_next: &'static str,
    pub share_print: &'static str,
    pub share_copied: &'static str,
    pub share_copy: &'static str,
    pub share_mail: &'static str,
    pub share_address: &'static str,
    pub share_heading: &'static str,
    pub proposal_created: &'static str,
    pub proposal_saved: &'static str,
    pub proposal_withdrawn_done: &'static str,
    pub withdrawn_notice: &'static str,
    pub followed: &'static str,
    pub unfollowed: &'static str,
    pub follow: &'static str,
    pub unfollow: &'static str,
    pub your_proposal: &'static str,
    pub edit_proposal: &'static str,
    pub edit_until_reaction: &'static str,
    pub edit_locked: &'static str,
    pub withdraw_proposal: &'static str,
    pub withdraw_note_label: &'static str,
    pub withdraw_note_hint: &'static str,
    pub comments_closed: &'static str,
    pub comment_label: &'static str,
    pub submit_comment: &'static str,
    pub reply: &'static str,
    pub reply_label: &'static str,
    pub submit_reply: &'static str,
    pub edit_comment: &'static str,
    pub delete_comment: &'static str,
    pub delete_comment_yes: &'static str,
    pub delete_comment_confirm: &'static str,
    pub edited: &'static str,
    pub comment_added: &'static str,
    pub comment_saved: &'static str,
    pub comment_deleted: &'static str,
    pub comment_deleted_placeholder: &'static str,
    pub comment_by_prefix: &'static str,
    pub err_phase_closed: &'static str,
    pub err_already_started: &'static str,
    pub err_proposal_withdrawn: &'static str,
    pub err_proposal_locked: &'static str,
    pub err_cap_reached: &'static str,
    pub err_title: &'static str,
    pub err_body: &'static str,
    pub err_category: &'static str,
    pub err_location: &'static str,
    pub err_control_characters: &'static str,
    pub err_event: &'static str,
    pub err_parent: &'static str,
    pub err_edit_window: &'static str,
    pub err_note: &'static str,
    pub err_vote_value: &'static str,
    pub err_cursor: &'static str,
    pub planning_title: &'static str,
    pub new_procedure: &'static str,
    pub edit_procedure: &'static str,
    pub procedure_editor_title: &'static str,
    pub procedure_saved: &'static str,
    pub procedure_published: &'static str,
    pub procedure_unpublished: &'static str,
    pub no_procedures_planned: &'static str,
    pub status_public: &'static str,
    pub status_draft: &'static str,
    pub visibility: &'static str,
    pub actions: &'static str,
    pub publish: &'static str,
    pub unpublish: &'static str,
    pub preview: &'static str,
    pub draft_banner: &'static str,
    pub slug_label: &'static str,
    pub slug_hint: &'static str,
    pub summary_label: &'static str,
    pub description_label: &'static str,
    pub categories_label: &'static str,
    pub categories_hint: &'static str,
    pub schedule_hint: &'static str,
    pub phase_label: &'static str,
    pub first_day: &'static str,
    pub last_day: &'static str,
    pub vote_rule_label: &'static str,
    pub rule_support: &'static str,
    pub rule_rating: &'static str,
    pub vote_cap_label: &'static str,
    pub vote_cap_hint: &'static str,
    pub vote_phase_label: &'static str,
    pub saved_as_draft_hint: &'static str,
    pub image_heading: &'static str,
    pub image_current: &'static str,
    pub image_file_label: &'static str,
    pub image_file_hint: &'static str,
    pub image_replace_hint: &'static str,
    pub image_alt_label: &'static str,
    pub image_alt_hint: &'static str,
    pub image_save: &'static str,
    pub image_remove: &'static str,
    pub image_after_save: &'static str,
    pub image_saved: &'static str,
    pub image_removed: &'static str,
    pub error_unsupported_media_type: &'static str,
    pub err_image_alt: &'static str,
    pub err_image_missing: &'static str,
    pub err_image_dimensions: &'static str,
    pub err_slug: &'static str,
    pub err_phases: &'static str,
    pub err_vote_phase: &'static str,
    pub err_vote_cap: &'static str,
    pub err_procedure_text: &'static str,
    pub reason_insult: &'static str,
    pub reason_discrimination: &'static str,
    pub reason_spam: &'static str,
    pub reason_personal_data: &'static str,
    pub reason_off_topic: &'static str,
    pub reason_other: &'static str,
    pub err_blocked: &'static str,
    pub err_proposal_hidden: &'static str,
    pub err_discussion_locked: &'static str,
    pub err_report_note: &'static str,
    pub err_own_report: &'static str,
    pub err_reason_missing: &'static str,
    pub err_public_reason: &'static str,
    pub err_internal_note: &'static str,
    pub err_objection: &'static str,
    pub err_action: &'static str,
    pub err_block_days: &'static str,
    pub err_settings: &'static str,
    pub err_targets: &'static str,
    pub report: &'static str,
    pub report_heading: &'static str,
    pub report_intro: &'static str,
    pub report_reason_label: &'static str,
    pub report_note_label: &'static str,
    pub report_submit: &'static str,
    pub reported_done: &'static str,
    pub already_reported: &'static str,
    pub pending_notice: &'static str,
    pub pending_badge: &'static str,
    pub held_placeholder: &'static str,
    pub hidden_placeholder: &'static str,
    pub on_date: &'static str,
    pub reason_label: &'static str,
    pub redacted_notice: &'static str,
    pub locked_notice: &'static str,
    pub object_heading: &'static str,
    pub object_label: &'static str,
    pub object_submit: &'static str,
    pub objected_notice: &'static str,
    pub objection_sent: &'static str,
    pub hidden_proposal_title: &'static str,
    pub moderate: &'static str,
    pub decision_label: &'static str,
    pub act_approve: &'static str,
    pub act_hide: &'static str,
    pub act_restore: &'static str,
    pub act_redact: &'static str,
    pub act_lock: &'static str,
    pub act_unlock: &'static str,
    pub act_warn: &'static str,
    pub act_block: &'static str,
    pub act_unblock: &'static str,
    pub act_uphold: &'static str,
    pub done_approve: &'static str,
    pub done_hide: &'static str,
    pub done_restore: &'static str,
    pub done_redact: &'static str,
    pub done_lock: &'static str,
    pub done_unlock: &'static str,
    pub done_warn: &'static str,
    pub done_block: &'static str,
    pub done_unblock: &'static str,
    pub done_uphold: &'static str,
    pub public_reason_label: &'static str,
    pub public_reason_hint: &'static str,
    pub internal_note_label: &'static str,
    pub internal_note_hint: &'static str,
    pub block_days_label: &'static str,
    pub block_days_hint: &'static str,
    pub redact_text_label: &'static str,
    pub redact_title_label: &'static str,
    pub decide_submit: &'static str,
    pub decision_saved: &'static str,
    pub nav_moderation: &'static str,
    pub queue_title: &'static str,
    pub queue_intro: &'static str,
    pub filter_procedure: &'static str,
    pub all_procedures: &'static str,
    pub filter_kind: &'static str,
    pub kind_all: &'static str,
    pub kind_pending: &'static str,
    pub kind_reported: &'static str,
    pub kind_screened: &'static str,
    pub kind_objection: &'static str,
    pub filter_reason: &'static str,
    pub all_reasons: &'static str,
    pub filter_age: &'static str,
    pub age_any: &'static str,
    pub age_1: &'static str,
    pub age_7: &'static str,
    pub queue_empty: &'static str,
    pub queue_total_suffix: &'static str,
    pub queue_total_one: &'static str,
    pub waiting_since: &'static str,
    pub screen_rule_label: &'static str,
    pub reports_label: &'static str,
    pub snapshot_label: &'static str,
    pub objection_label: &'static str,
    pub claimed_by: &'static str,
    pub claimed_by_you: &'static str,
    pub claim: &'static str,
    pub release: &'static str,
    pub claimed_done: &'static str,
    pub select_item: &'static str,
    pub bulk_heading: &'static str,
    pub bulk_submit: &'static str,
    pub bulk_done_prefix: &'static str,
    pub bulk_skipped: &'static str,
    pub more_items: &'static str,
    pub open_item: &'static str,
    pub comment_on: &'static str,
    pub proposal_kind: &'static str,
    pub hide_heading: &'static str,
    pub choose_reason: &'static str,
    pub ledger_title: &'static str,
    pub ledger_intro: &'static str,
    pub ledger_empty: &'static str,
    pub ledger_for: &'static str,
    pub ledger_all: &'static str,
    pub ledger_date: &'static str,
    pub ledger_action: &'static str,
    pub ledger_item: &'static str,
    pub ledger_person: &'static str,
    pub ledger_not_public: &'static str,
    pub block_until: &'static str,
    pub block_forever: &'static str,
    pub more_entries: &'static str,
    pub stats_title: &'static str,
    pub stats_open: &'static str,
    pub stats_median: &'static str,
    pub stats_minutes: &'static str,
    pub stats_none: &'static str,
    pub stats_decided: &'static str,
    pub stats_by_procedure: &'static str,
    pub stats_instance_wide: &'static str,
    pub stats_count: &'static str,
    pub settings_title: &'static str,
    pub threshold_label: &'static str,
    pub threshold_hint: &'static str,
    pub words_label: &'static str,
    pub words_hint: &'static str,
    pub link_limit_label: &'static str,
    pub link_limit_hint: &'static str,
    pub settings_saved: &'static str,
    pub settings_admin_only: &'static str,
    pub blocked_heading: &'static str,
    pub blocked_none: &'static str,
    pub blocked_since: &'static str,
    pub unblock_done: &'static str,
    pub moderation_mode_label: &'static str,
    pub mode_post: &'static str,
    pub mode_pre: &'static str,
    pub mode_pre_notice: &'static str,
    pub moderation_nav_label: &'static str,
    pub nav_queue: &'static str,
    pub nav_stats: &'static str,
    pub nav_settings: &'static str,

    // Results, exports and the council's answer.
    pub results_title: &'static str,
    pub results_procedure: &'static str,
    pub results_address: &'static str,
    pub results_not_final: &'static str,
    pub results_final_note: &'static str,
    pub results_as_of: &'static str,
    pub results_back_to_procedure: &'static str,
    pub results_from: &'static str,
    pub results_ranking: &'static str,
    pub results_ranking_more: &'static str,
    pub results_rank: &'static str,
    pub results_proposal: &'static str,
    pub results_votes: &'static str,
    pub results_outcome: &'static str,
    pub results_downloads: &'static str,
    pub results_licence: &'static str,
    pub download_json: &'static str,
    pub download_csv_proposals: &'static str,
    pub download_csv_comments: &'static str,
    pub download_csv_moderation: &'static str,
    pub download_xlsx: &'static str,
    pub download_pdf: &'static str,
    pub download_report_html: &'static str,
    pub download_manifest: &'static str,
    pub results_link: &'static str,
    pub results_outcomes_title: &'static str,
    pub fig_participants: &'static str,
    pub fig_proposals: &'static str,
    pub fig_onsite_proposals: &'static str,
    pub fig_withdrawn: &'static str,
    pub fig_comments: &'static str,
    pub fig_onsite_comments: &'static str,
    pub fig_votes: &'static str,
    pub fig_voters: &'static str,
    pub fig_hidden_proposals: &'static str,
    pub fig_hidden_comments: &'static str,
    pub fig_moderation: &'static str,
    pub source_onsite: &'static str,
    pub source_online: &'static str,
    pub yes: &'static str,
    pub no: &'static str,
    pub by: &'static str,
    pub department: &'static str,
    pub rule_cap: &'static str,
    pub chart_timeline: &'static str,
    pub chart_top: &'static str,
    pub chart_categories: &'static str,
    pub chart_max: &'static str,
    pub chart_table: &'static str,
    pub chart_day: &'static str,
    pub report_title: &'static str,
    pub quote_close: &'static str,
    pub quote_open: &'static str,
    pub summary_no_proposals: &'static str,
    pub summary_no_outcome: &'static str,
    pub summary_first: &'static str,
    pub summary_period: &'static str,
    pub report_summary: &'static str,
    pub report_as_of: &'static str,
    pub report_procedure: &'static str,
    pub report_participation: &'static str,
    pub report_ranking: &'static str,
    pub report_ranking_support: &'static str,
    pub report_ranking_rating: &'static str,
    pub report_moderation: &'static str,
    pub report_method: &'static str,
    pub report_files: &'static str,
    pub report_files_note: &'static str,
    pub withdrawn_short: &'static str,
    pub votes_up: &'static str,
    pub votes_down: &'static str,
    pub votes_score: &'static str,
    pub council_paper: &'static str,
    pub council_decided: &'static str,
    pub outcome_adopted: &'static str,
    pub outcome_adopted_in_part: &'static str,
    pub outcome_rejected: &'static str,
    pub outcome_referred: &'static str,
    pub outcome_not_decided: &'static str,
    pub outcome_sentence_adopted: &'static str,
    pub outcome_sentence_adopted_in_part: &'static str,
    pub outcome_sentence_rejected: &'static str,
    pub outcome_sentence_referred: &'static str,
    pub outcome_sentence_not_decided: &'static str,
    pub outcome_meeting: &'static str,
    pub dashboard_title: &'static str,
    pub dashboard_live: &'static str,
    pub dashboard_link: &'static str,
    pub council_section: &'static str,
    pub council_section_help: &'static str,
    pub council_url_label: &'static str,
    pub council_reference_label: &'static str,
    pub council_title_label: &'static str,
    pub council_saved: &'static str,
    pub oparl_import_button: &'static str,
    pub oparl_import_help: &'static str,
    pub oparl_imported: &'static str,
    pub oparl_unchanged: &'static str,
    pub oparl_unmatched: &'static str,
    pub outcome_section: &'static str,
    pub outcome_label: &'static str,
    pub outcome_none: &'static str,
    pub justification_label: &'static str,
    pub meeting_date_label: &'static str,
    pub save_outcome: &'static str,
    pub outcome_saved: &'static str,
    pub page_label: &'static str,
    pub previous_page: &'static str,
    pub next_page: &'static str,
    pub public_name_label: &'static str,
    pub report_method_note: [&'static str; 5],
    pub err_results_not_yet: &'static str,
    pub err_oparl_unreachable: &'static str,
    pub err_oparl_not_paper: &'static str,
    pub err_paper_url: &'static str,
    pub err_paper_reference: &'static str,
    pub err_paper_title: &'static str,
    pub err_outcome: &'static str,
    pub err_justification: &'static str,
    pub err_meeting_date: &'static str,
    pub err_outcome_too_early: &'static str,
    pub err_meeting_date_future: &'static str,
}

/// Day-month order and punctuation differ: "21. November 2026" against "21 November 2026".
pub enum DatePattern {
    DayDotMonthYear,
    DayMonthYear,
}

impl Texts {
    pub fn date(&self, at: Timestamp) -> String {
        self.calendar_date(at.local_date())
    }

    /// A `YYYY-MM-DD` day (as charts group by) in the page's date format; anything else
    /// as it is.
    pub fn iso_date(&self, iso: &str) -> String {
        crate::model::time::LocalDate::parse_iso(iso)
            .map_or_else(|| iso.to_owned(), |date| self.calendar_date(date))
    }

    fn calendar_date(&self, date: crate::model::time::LocalDate) -> String {
        let month = self
            .month_names
            .get(date.month.saturating_sub(1) as usize)
            .copied()
            .unwrap_or_default();
        match self.date_pattern {
            DatePattern::DayDotMonthYear => format!("{}. {} {}", date.day, month, date.year),
            DatePattern::DayMonthYear => format!("{} {} {}", date.day, month, date.year),
        }
    }

    /// The last day of a period that ends (exclusively) at `end`: a phase entered as
    /// "until 14 December" ends at the first moment of 15 December.
    pub fn last_day(&self, end: Timestamp) -> String {
        self.date(Timestamp(end.0 - 1))
    }

    /// "Vorschläge bis", "Voting until": the label of a phase's deadline.
    pub fn phase_until(&self, kind: PhaseKind) -> String {
        format!("{} {}", self.phase_short(kind), self.until)
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

    pub fn sort(&self, sort: crate::model::proposal::ProposalSort) -> &'static str {
        use crate::model::proposal::ProposalSort;
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
        sort: crate::model::proposal::ProposalSort,
        rule: crate::model::proposal::VoteRule,
    ) -> &'static str {
        use crate::model::proposal::{ProposalSort, VoteRule};
        match (sort, rule) {
            (ProposalSort::MostSupported, VoteRule::Rating) => self.sort_best_score,
            _ => self.sort(sort),
        }
    }

    pub fn proposal_status(&self, status: crate::model::proposal::ProposalStatus) -> &'static str {
        use crate::model::proposal::ProposalStatus;
        match status {
            ProposalStatus::Published => self.status_published,
            ProposalStatus::Withdrawn => self.status_withdrawn,
        }
    }

    /// "1 Kommentar", "12 Kommentare".
    pub fn comments_count(&self, count: u32) -> String {
        if count == 1 {
            self.comment_one.to_owned()
        } else {
            format!("{count} {}", self.comments_many)
        }
    }

    /// "Alle 12 Zeilen sind in Ordnung.", "3 von 12 Zeilen haben Fehler."
    pub fn import_rows(&self, rows: usize, invalid: usize) -> String {
        let template = match (invalid, rows) {
            (0, 1) => self.import_all_ok_one,
            (0, _) => self.import_all_ok_many,
            (1, _) => self.import_invalid_one,
            _ => self.import_invalid_many,
        };
        let n = if invalid == 0 { rows } else { invalid };
        template
            .replace("{n}", &n.to_string())
            .replace("{total}", &rows.to_string())
    }

    /// "1 Vorschlag importieren", "12 Vorschläge importieren".
    pub fn import_button(&self, count: usize) -> String {
        if count == 1 {
            self.import_button_one.to_owned()
        } else {
            self.import_button_many.replace("{n}", &count.to_string())
        }
    }

    /// "1 Vorschlag ist importiert.", "12 Vorschläge sind importiert."
    pub fn imported(&self, count: u32) -> String {
        if count == 1 {
            self.imported_one.to_owned()
        } else {
            self.imported_many.replace("{n}", &count.to_string())
        }
    }

    /// "1 offener Beitrag", "3 offene Beiträge".
    pub fn open_items(&self, count: u64) -> String {
        let noun = if count == 1 {
            self.queue_total_one
        } else {
            self.queue_total_suffix
        };
        format!("{count} {noun}")
    }

    /// The word after a support count: "Unterstützung" / "Unterstützungen".
    pub fn supports(&self, count: u32) -> &'static str {
        if count == 1 {
            self.support_one
        } else {
            self.supports_many
        }
    }

    /// "3 von 5 Unterstützungen verwendet".
    pub fn budget(&self, used: u32, cap: u32) -> String {
        format!("{used} {} {cap} {}", self.budget_used, self.budget_suffix)
    }

    pub fn comment_by(&self, author: Option<&str>) -> String {
        format!(
            "{} {}",
            self.comment_by_prefix,
            author.unwrap_or(self.deleted_account)
        )
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
    pub fn invalid_input(&self, field: &str, problem: &str) -> &'static str {
        match (field, problem) {
            (_, "control_characters") => self.err_control_characters,
            ("results", _) => self.err_results_not_yet,
            ("file", "too_large") => self.err_file_too_large,
            ("file", "missing_columns") => self.err_file_missing_columns,
            ("file", "no_rows") => self.err_file_no_rows,
            ("file", "too_many_rows") => self.err_file_too_many_rows,
            ("file", "unreadable") => self.err_file_unreadable,
            ("file", _) => self.err_file_missing,
            ("row", "extra_cells") => self.err_row_extra_cells,
            ("row", "duplicate") => self.err_row_duplicate,
            ("row", _) => self.err_row_already_imported,
            ("rows", _) => self.err_rows_invalid,
            ("url", "unreachable") => self.err_oparl_unreachable,
            ("url", "not_an_oparl_paper") => self.err_oparl_not_paper,
            ("url", _) => self.err_paper_url,
            ("reference", _) => self.err_paper_reference,
            ("paper_title", _) => self.err_paper_title,
            ("outcome", "participation_running") => self.err_outcome_too_early,
            ("outcome", _) => self.err_outcome,
            ("justification", _) => self.err_justification,
            ("meeting_date", "in_future") => self.err_meeting_date_future,
            ("meeting_date", _) => self.err_meeting_date,
            ("email", "not_verified") => self.err_not_verified,
            ("email", "unchanged") => self.err_email_unchanged,
            ("email", _) => self.err_email,
            ("password", "too_short") => self.err_password_short,
            ("password", "too_long") => self.err_password_long,
            ("password", "too_common") => self.err_password_common,
            ("display_name", _) => self.err_display_name,
            ("accept_terms", _) => self.err_accept_terms,
            ("token", "used") => self.err_token_used,
            ("token", "expired") => self.err_token_expired,
            ("token", _) => self.err_token_invalid,
            ("current_password", _) => self.err_current_password,
            ("confirm", _) => self.err_delete_confirm,
            ("phase", _) => self.err_phase_closed,
            ("procedure", "already_started") => self.err_already_started,
            ("proposal", "withdrawn") => self.err_proposal_withdrawn,
            ("proposal", "hidden") | ("comment", "hidden") => self.err_proposal_hidden,
            ("proposal", "discussion_locked") => self.err_discussion_locked,
            ("account", "blocked") => self.err_blocked,
            ("target", "own") => self.err_own_report,
            ("report_note", _) => self.err_report_note,
            ("reason", _) => self.err_reason_missing,
            ("public_reason", _) => self.err_public_reason,
            ("internal_note", _) => self.err_internal_note,
            ("objection", _) => self.err_objection,
            ("action", _) | ("text", _) => self.err_action,
            ("block_days", _) => self.err_block_days,
            ("targets", _) => self.err_targets,
            ("report_threshold" | "screen_words" | "screen_link_limit", _) => self.err_settings,
            ("moderation", _) => self.err_procedure_text,
            ("proposal", _) => self.err_proposal_locked,
            ("vote", _) => self.err_cap_reached,
            ("value", _) => self.err_vote_value,
            ("title", _) => self.err_title,
            ("body", _) => self.err_body,
            ("category", _) => self.err_category,
            ("location", _) => self.err_location,
            ("event", _) => self.err_event,
            ("parent", _) => self.err_parent,
            ("comment", _) => self.err_edit_window,
            ("note", _) => self.err_note,
            ("cursor", _) => self.err_cursor,
            ("slug", _) => self.err_slug,
            ("phases", _) => self.err_phases,
            ("vote_phase", _) => self.err_vote_phase,
            ("vote_cap", _) => self.err_vote_cap,
            ("alt", _) => self.err_image_alt,
            ("image", "missing") => self.err_image_missing,
            ("image", _) => self.err_image_dimensions,
            (
                "summary" | "description" | "department" | "contact" | "categories" | "vote_rule",
                _,
            ) => self.err_procedure_text,
            _ => self.error_invalid_input,
        }
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
}
