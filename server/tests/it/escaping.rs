//! What people type reaches elements whose content the server writes without escaping of
//! its own (`<textarea>`, `<title>`): every string of the shared hostile corpora stays
//! text there, for the moderator's decision form, the planner's editor and page titles.

use crate::harness::TestApp;
use app::backend::entity::{procedure, proposal};
use app::model::account::Role;
use sea_orm::ActiveValue::Set;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

/// Both corpora: the Big List of Naughty Strings and the XSS payloads (without NUL, which
/// no text field takes).
fn corpus() -> Vec<String> {
    let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/data");
    let blns: Vec<String> =
        serde_json::from_str(&std::fs::read_to_string(data.join("blns.json")).unwrap()).unwrap();
    let xss = std::fs::read_to_string(data.join("xss-payloads.txt")).unwrap();
    blns.into_iter()
        .chain(xss.lines().map(str::to_owned))
        .filter(|s| !s.trim().is_empty() && !s.contains('\0'))
        .collect()
}

/// Character references back to characters, as a browser reads element content.
fn decode(html: &str) -> String {
    let mut out = String::new();
    let mut rest = html;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let Some(end) = rest.find(';').filter(|end| *end <= 10) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let entity = &rest[1..end];
        let decoded = match entity {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => entity
                .strip_prefix("#x")
                .and_then(|hex| u32::from_str_radix(hex, 16).ok())
                .or_else(|| entity.strip_prefix('#').and_then(|d| d.parse().ok()))
                .and_then(char::from_u32),
        };
        match decoded {
            Some(c) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// The text content of the first element opened by `opening` (up to its `>`), as the
/// browser parses it: up to the first closing tag of its kind.
fn content_of(html: &str, opening: &str, tag: &str) -> Option<String> {
    let start = html.find(opening)?;
    let after = start + html[start..].find('>')? + 1;
    let end = after + html[after..].find(&format!("</{tag}>"))?;
    Some(decode(&html[after..end]))
}

#[tokio::test]
async fn hostile_text_stays_text_in_textareas_and_titles() {
    let app = TestApp::new().await.with_demo().await;
    let db = &app.state.db;
    let moderator = app
        .with_role("moderation@example.org", Role::Moderator)
        .await;
    let planner = app.with_role("planung@example.org", Role::Planner).await;
    app.with_role("autorin@example.org", Role::Resident).await;
    let running = procedure::Entity::find()
        .filter(procedure::Column::Slug.eq("radverkehr-2030"))
        .one(db)
        .await
        .unwrap()
        .unwrap();
    let author_id = app::backend::entity::user::Entity::find()
        .filter(app::backend::entity::user::Column::Email.eq("autorin@example.org"))
        .one(db)
        .await
        .unwrap()
        .unwrap()
        .id;
    let corpus = corpus();
    let now = chrono::Utc::now();
    let cookie = |token: &str| format!("mitreden_session={token}");
    let mut checked = 0;
    for text in &corpus {
        // Titles are at most 200 characters.
        let title: String = text.chars().take(150).collect();
        let row = proposal::Entity::insert(proposal::ActiveModel {
            procedure_id: Set(running.id),
            author_id: Set(author_id),
            title: Set(title.clone()),
            body: Set(text.clone()),
            source: Set(app::formats::proposals::model::Origin::Online),
            status: Set(app::formats::proposals::model::ProposalStatus::Published),
            visibility: Set(app::model::moderation::Visibility::Visible),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        })
        .exec(db)
        .await
        .unwrap();
        let id = row.last_insert_id;
        let page = app
            .get_with(
                &format!("/vorschlaege/{id}"),
                &[("cookie", &cookie(&moderator))],
            )
            .await;
        assert_eq!(page.status, 200, "{text:?}");
        // The moderator's redaction field holds the text, all of it, as text.
        let redact = content_of(
            &page.body,
            &format!("id=\"decide-proposal-{id}-text\""),
            "textarea",
        );
        assert_eq!(
            redact.as_deref(),
            Some(text.as_str()),
            "textarea of {text:?}"
        );
        assert_eq!(
            page.body.matches("<textarea").count(),
            page.body.matches("</textarea>").count(),
            "{text:?} closed a textarea early"
        );
        // The page title is the proposal's title, and nothing else begins inside it.
        let shown = content_of(&page.body, "<title", "title").unwrap_or_default();
        assert!(shown.starts_with(&title), "title of {text:?}: {shown:?}");
        assert_eq!(page.body.matches("<title").count(), 1, "{text:?}");
        checked += 1;
    }

    // The planner's editor: the procedure's description in its text area.
    for text in corpus.iter().step_by(3) {
        procedure::Entity::update_many()
            .col_expr(
                procedure::Column::Description,
                sea_orm::sea_query::Expr::value(text.clone()),
            )
            .filter(procedure::Column::Id.eq(running.id))
            .exec(db)
            .await
            .unwrap();
        app.procedures_changed_behind_its_back().await;
        let editor = app
            .get_with(
                "/verwaltung/verfahren/radverkehr-2030/bearbeiten",
                &[("cookie", &cookie(&planner))],
            )
            .await;
        assert_eq!(editor.status, 200);
        let description = content_of(&editor.body, "id=\"editor-description\"", "textarea");
        assert_eq!(
            description.as_deref(),
            Some(text.as_str()),
            "editor of {text:?}"
        );
        checked += 1;
    }
    assert!(checked > 800, "{checked} renderings checked");
}
