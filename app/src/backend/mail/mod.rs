//! Outgoing mail. A message is rendered from its template and written to the outbox table
//! in the same transaction as the change that causes it; the worker sends it later, with
//! retries, so a failed send never loses a mail.

pub mod worker;

use crate::backend::db::storage_error;
use crate::backend::entity::outbox_email;
use crate::backend::entity::outbox_email::MailStatus;
use crate::error::AppError;
use crate::i18n::Lang;
use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ConnectionTrait, Set};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Template {
    VerifyEmail,
    AccountExists,
    PasswordReset,
    EmailChange,
    TestMail,
    NewComment,
    CommentReply,
    ProposalStatus,
    Digest,
    ModerationDecision,
    ProcedureStarted,
}

impl Template {
    pub fn name(self) -> &'static str {
        match self {
            Self::VerifyEmail => "verify_email",
            Self::AccountExists => "account_exists",
            Self::PasswordReset => "password_reset",
            Self::EmailChange => "email_change",
            Self::TestMail => "test_mail",
            Self::NewComment => "new_comment",
            Self::CommentReply => "comment_reply",
            Self::ProposalStatus => "proposal_status",
            Self::Digest => "digest",
            Self::ModerationDecision => "moderation_decision",
            Self::ProcedureStarted => "procedure_started",
        }
    }

    fn source(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Self::VerifyEmail, Lang::De) => include_str!("templates/verify_email.de.txt"),
            (Self::VerifyEmail, Lang::En) => include_str!("templates/verify_email.en.txt"),
            (Self::AccountExists, Lang::De) => include_str!("templates/account_exists.de.txt"),
            (Self::AccountExists, Lang::En) => include_str!("templates/account_exists.en.txt"),
            (Self::PasswordReset, Lang::De) => include_str!("templates/password_reset.de.txt"),
            (Self::PasswordReset, Lang::En) => include_str!("templates/password_reset.en.txt"),
            (Self::EmailChange, Lang::De) => include_str!("templates/email_change.de.txt"),
            (Self::EmailChange, Lang::En) => include_str!("templates/email_change.en.txt"),
            (Self::TestMail, Lang::De) => include_str!("templates/test_mail.de.txt"),
            (Self::TestMail, Lang::En) => include_str!("templates/test_mail.en.txt"),
            (Self::NewComment, Lang::De) => include_str!("templates/new_comment.de.txt"),
            (Self::NewComment, Lang::En) => include_str!("templates/new_comment.en.txt"),
            (Self::CommentReply, Lang::De) => include_str!("templates/comment_reply.de.txt"),
            (Self::CommentReply, Lang::En) => include_str!("templates/comment_reply.en.txt"),
            (Self::ProposalStatus, Lang::De) => include_str!("templates/proposal_status.de.txt"),
            (Self::ProposalStatus, Lang::En) => include_str!("templates/proposal_status.en.txt"),
            (Self::Digest, Lang::De) => include_str!("templates/digest.de.txt"),
            (Self::Digest, Lang::En) => include_str!("templates/digest.en.txt"),
            (Self::ModerationDecision, Lang::De) => {
                include_str!("templates/moderation_decision.de.txt")
            }
            (Self::ModerationDecision, Lang::En) => {
                include_str!("templates/moderation_decision.en.txt")
            }
            (Self::ProcedureStarted, Lang::De) => {
                include_str!("templates/procedure_started.de.txt")
            }
            (Self::ProcedureStarted, Lang::En) => {
                include_str!("templates/procedure_started.en.txt")
            }
        }
    }
}

const LAYOUT: &str = include_str!("templates/layout.html");

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// Fills a template: its first line is the subject, the rest the text body. The HTML body
/// is made from the same text (a paragraph per block, the link as a button), so the two
/// never say different things. Values are escaped in HTML.
pub fn render(template: Template, lang: Lang, vars: &[(&str, &str)]) -> Rendered {
    let fill = |text: &str, escape: bool| {
        vars.iter().fold(text.to_owned(), |out, (key, value)| {
            let value = if escape {
                escape_html(value)
            } else {
                (*value).to_owned()
            };
            out.replace(&format!("{{{{{key}}}}}"), &value)
        })
    };
    let source = template.source(lang);
    let (subject, body) = source.split_once('\n').unwrap_or((source, ""));
    let body = body.trim();
    let mut content = String::new();
    for block in body.split("\n\n") {
        let block = block.trim();
        if block == "{{link}}" {
            let link = fill(block, true);
            content.push_str(&format!(
                "<p style=\"margin:24px 0\"><a href=\"{link}\" style=\"display:inline-block;padding:10px 18px;\
                 background:#0b5cad;color:#ffffff;border-radius:6px;font-weight:600;text-decoration:none\">{link}</a></p>\n"
            ));
        } else if !block.is_empty() {
            let paragraph = fill(&escape_html(block), true).replace('\n', "<br>");
            content.push_str(&format!("<p>{paragraph}</p>\n"));
        }
    }
    let subject = fill(subject.trim(), false);
    let html = fill(LAYOUT, true)
        .replace("{{lang}}", lang.code())
        .replace("{{subject}}", &escape_html(&subject))
        .replace("{{content}}", &content);
    Rendered {
        subject,
        text: fill(body, false) + "\n",
        html,
    }
}

fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Writes a rendered mail to the outbox; pass the transaction of the change that causes it.
pub async fn enqueue(
    db: &impl ConnectionTrait,
    to: &str,
    template: Template,
    lang: Lang,
    vars: &[(&str, &str)],
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let rendered = render(template, lang, vars);
    outbox_email::ActiveModel {
        to_address: Set(to.to_owned()),
        template: Set(template.name().to_owned()),
        subject: Set(rendered.subject),
        body_text: Set(rendered.text),
        body_html: Set(rendered.html),
        status: Set(MailStatus::Pending),
        attempts: Set(0),
        next_attempt_at: Set(now),
        locked_until: Set(None),
        last_error: Set(None),
        created_at: Set(now),
        sent_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await
    .map_err(storage_error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_fill_subject_text_and_escaped_html() {
        let mail = render(
            Template::VerifyEmail,
            Lang::De,
            &[
                ("name", "<b>Anna</b>"),
                ("instance", "Mitreden Musterstadt"),
                ("link", "https://mitreden.example/bestaetigen?token=abc&x=1"),
            ],
        );
        assert_eq!(mail.subject, "Bitte bestätigen Sie Ihre E-Mail-Adresse");
        assert!(mail.text.contains("Hallo <b>Anna</b>,"));
        assert!(
            mail.text
                .contains("https://mitreden.example/bestaetigen?token=abc&x=1")
        );
        assert!(mail.html.contains("Hallo &lt;b&gt;Anna&lt;/b&gt;,"));
        assert!(
            mail.html
                .contains(r#"href="https://mitreden.example/bestaetigen?token=abc&amp;x=1""#)
        );
        assert!(mail.html.contains(r#"<html lang="de">"#));
        assert!(!mail.html.contains("{{"), "{}", mail.html);
    }

    #[test]
    fn every_template_exists_in_every_language_without_leftover_placeholders() {
        let vars = [
            ("name", "N"),
            ("instance", "I"),
            ("link", "https://l.example/"),
            ("title", "T"),
            ("author", "A"),
            ("excerpt", "E"),
            ("status", "S"),
            ("note", "X"),
            ("count", "2"),
            ("items", "- a"),
            ("subject", "S"),
            ("decision", "D"),
            ("item", "I"),
            ("reason", "R"),
            ("next", "N"),
        ];
        for template in [
            Template::VerifyEmail,
            Template::AccountExists,
            Template::PasswordReset,
            Template::EmailChange,
            Template::TestMail,
            Template::NewComment,
            Template::CommentReply,
            Template::ProposalStatus,
            Template::Digest,
            Template::ModerationDecision,
            Template::ProcedureStarted,
        ] {
            for lang in Lang::ALL.iter().copied() {
                let mail = render(template, lang, &vars);
                assert!(!mail.subject.is_empty());
                for part in [&mail.subject, &mail.text, &mail.html] {
                    assert!(!part.contains("{{"), "{template:?} {lang:?}: {part}");
                }
                assert!(
                    mail.text.contains("https://l.example/"),
                    "{template:?} {lang:?}"
                );
            }
        }
    }
}
