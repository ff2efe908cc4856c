//! sea-orm entities: one file per table. The schema itself comes only from `migrations`.

pub mod audit_event;
pub mod budget;
pub mod budget_ballot;
pub mod budget_ballot_item;
pub mod budget_decision;
pub mod budget_paper_batch;
pub mod budget_project;
pub mod budget_project_exclusion;
pub mod comment;
pub mod council_decision;
pub mod digest_item;
pub mod email_token;
pub mod follow;
pub mod instance_setting;
pub mod login_session;
pub mod moderation_action;
pub mod moderation_queue;
pub mod onsite_import;
pub mod outbox_email;
pub mod phase;
pub mod procedure;
pub mod proposal;
pub mod report;
pub mod start_notice;
pub mod user;
pub mod vote;
