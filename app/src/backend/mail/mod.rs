//! Outgoing mail. A message is rendered from its template and written to the outbox table
//! in the same transaction as the change that causes it; the worker sends it later, with
//! retries, so a failed send never loses a mail.

pub mod worker;

use crate::backend::db::storage_error;
use crate::backend::entity::outbox_email;
use crate::backend::entity::outbox_email::MailStatus;
use crate::error::AppError;
use crate::i18n::{Arg, Fmt, Lang, ServerTexts};
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
    BallotReceipt,
    BallotReopened,
    BallotReminder,
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
            Self::BallotReceipt => "ballot_receipt",
            Self::BallotReopened => "ballot_reopened",
            Self::BallotReminder => "ballot_reminder",
        }
    }

    /// The subject and body messages in `locales/<lang>/server/mail.ftl`.
    fn messages(self, t: &'static ServerTexts) -> (&'static dyn Fmt, &'static dyn Fmt) {
        match self {
            Self::VerifyEmail => (&t.verify_email_subject, &t.verify_email_body),
            Self::AccountExists => (&t.account_exists_subject, &t.account_exists_body),
            Self::PasswordReset => (&t.password_reset_subject, &t.password_reset_body),
            Self::EmailChange => (&t.email_change_subject, &t.email_change_body),
            Self::TestMail => (&t.test_mail_subject, &t.test_mail_body),
            Self::NewComment => (&t.new_comment_subject, &t.new_comment_body),
            Self::CommentReply => (&t.comment_reply_subject, &t.comment_reply_body),
            Self::ProposalStatus => (&t.proposal_status_subject, &t.proposal_status_body),
            Self::Digest => (&t.digest_subject, &t.digest_body),
            Self::ModerationDecision => {
                (&t.moderation_decision_subject, &t.moderation_decision_body)
            }
            Self::ProcedureStarted => (&t.procedure_started_subject, &t.procedure_started_body),
            Self::BallotReceipt => (&t.ballot_receipt_subject, &t.ballot_receipt_body),
            Self::BallotReopened => (&t.ballot_reopened_subject, &t.ballot_reopened_body),
            Self::BallotReminder => (&t.ballot_reminder_subject, &t.ballot_reminder_body),
        }
    }
}

const LAYOUT: &str = include_str!("layout.html");

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    pub subject: String,
    pub text: String,
    pub html: String,
}

/// Marks where the link goes while the body is split into paragraphs; never in a value.
const LINK_MARK: char = '\u{E000}';

/// Renders a mail from its messages: the subject, and the body as text. The HTML body is
/// made from the same text (a paragraph per block, the link's own paragraph as a button),
/// so the two never say different things. Values are escaped in HTML. A value that is a
/// whole number is passed as a number, so that the messages can choose a plural form.
pub fn render(template: Template, lang: Lang, vars: &[(&str, &str)]) -> Rendered {
    let cleaned: Vec<(&str, String)> = vars
        .iter()
        .map(|(key, value)| (*key, value.replace(LINK_MARK, "")))
        .collect();
    let link = cleaned
        .iter()
        .find(|(key, _)| *key == "link")
        .map(|(_, value)| value.clone())
        .unwrap_or_default();
    let mark = LINK_MARK.to_string();
    let args: Vec<(&str, Arg<'_>)> = cleaned
        .iter()
        .map(|(key, value)| {
            let value = if *key == "link" {
                mark.as_str()
            } else {
                value.as_str()
            };
            // Only a value that reads back the same is a number: "007" or "+5" stay text.
            let arg = match value.parse::<i64>() {
                Ok(n) if n.to_string() == value => Arg::Num(n),
                _ => Arg::Str(value),
            };
            (*key, arg)
        })
        .collect();
    let (subject, body) = template.messages(lang.server_texts());
    let subject = subject.fmt_with(&args).replace(LINK_MARK, &link);
    let body = body.fmt_with(&args);
    let body = body.trim();
    let mut content = String::new();
    for block in body.split("\n\n") {
        let block = block.trim();
        if block == mark {
            let link = escape_html(&link);
            content.push_str(&format!(
                "<p style=\"margin:24px 0\"><a href=\"{link}\" style=\"display:inline-block;padding:10px 18px;\
                 background:#0b5cad;color:#ffffff;border-radius:6px;font-weight:600;text-decoration:none\">{link}</a></p>\n"
            ));
        } else if !block.is_empty() {
            let paragraph = escape_html(&block.replace(LINK_MARK, &link)).replace('\n', "<br>");
            content.push_str(&format!("<p>{paragraph}</p>\n"));
        }
    }
    let instance = cleaned
        .iter()
        .find(|(key, _)| *key == "instance")
        .map(|(_, value)| escape_html(value))
        .unwrap_or_default();
    let html = LAYOUT
        .replace("{{instance}}", &instance)
        .replace("{{lang}}", lang.code())
        .replace("{{subject}}", &escape_html(&subject))
        .replace("{{content}}", &content);
    Rendered {
        subject,
        text: body.replace(LINK_MARK, &link) + "\n",
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
                    assert!(!part.contains("{$"), "{template:?} {lang:?}: {part}");
                }
                assert!(
                    mail.text.contains("https://l.example/"),
                    "{template:?} {lang:?}"
                );
            }
        }
    }

    #[test]
    fn the_decision_mail_takes_its_whole_prose_from_the_locale_file() {
        let vars = |action: &'static str, shape: &'static str| {
            [
                ("name", "Anna"),
                ("instance", "Mitreden Musterstadt"),
                ("action", action),
                ("until", "1. Dezember 2026"),
                ("kind", "comment"),
                ("title", "Mehr Bänke"),
                ("reason", "Beleidigung"),
                ("reason_shape", shape),
                ("note", "Bitte sachlich bleiben."),
                ("link", "https://mitreden.example/v/1"),
            ]
        };
        let hidden = render(
            Template::ModerationDecision,
            Lang::De,
            &vars("hide", "label_note"),
        );
        assert_eq!(hidden.subject, "Moderation: Ihr Beitrag wurde ausgeblendet");
        let expected = "Hallo Anna,\n\ndie Moderation hat Ihren Beitrag ausgeblendet.";
        assert!(hidden.text.starts_with(expected), "{}", hidden.text);
        assert!(hidden.text.contains(
            "Betroffen: Ihr Kommentar zum Vorschlag „Mehr Bänke“\n\n\
             Begründung: Beleidigung – Bitte sachlich bleiben.\n\n\
             Wenn Sie die Entscheidung für falsch halten"
        ));
        assert!(hidden.text.contains("\n\nhttps://mitreden.example/v/1\n\n"));
        assert!(
            hidden
                .html
                .contains(r#"<a href="https://mitreden.example/v/1""#)
        );
        let blocked = render(
            Template::ModerationDecision,
            Lang::En,
            &vars("block", "none"),
        );
        assert!(
            blocked
                .text
                .contains("blocked your account until 1. Dezember 2026")
        );
        assert!(blocked.text.contains("Reason: (no further reason given)"));
        assert!(blocked.text.contains("reply to this e-mail"));
    }

    #[test]
    fn numbers_choose_plurals_and_digit_texts_stay_as_written() {
        let digest = |count: &'static str| {
            render(
                Template::Digest,
                Lang::De,
                &[
                    ("name", "Anna"),
                    ("count", count),
                    ("items", "- 007"),
                    ("link", "https://l.example/"),
                ],
            )
        };
        assert_eq!(
            digest("1").subject,
            "Ihre tägliche Zusammenfassung: 1 Neuigkeit"
        );
        assert_eq!(
            digest("3").subject,
            "Ihre tägliche Zusammenfassung: 3 Neuigkeiten"
        );
        assert!(digest("3").text.contains("- 007"));
        let reply = render(
            Template::CommentReply,
            Lang::En,
            &[
                ("title", "007"),
                ("author", "+5"),
                ("link", "https://l.example/"),
            ],
        );
        assert!(reply.text.contains("\"007\""), "{}", reply.text);
        assert!(reply.text.contains("+5 replied"), "{}", reply.text);
    }
}
