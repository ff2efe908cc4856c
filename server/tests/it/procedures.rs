//! Procedures as the public sees them, and the rules for creating them.

use crate::harness::TestApp;
use app::backend::service::procedure::{
    NewPhase, NewProcedure, PROCEDURES_PER_PAGE, create, list_published,
};
use app::error::AppError;
use app::model::procedure::{PhaseKind, ProcedureFilter, ProcedureState, Slug};
use chrono::{Duration, Utc};
use http::StatusCode;

fn draft(slug: &str, from_days: i64, to_days: i64) -> NewProcedure {
    let now = Utc::now();
    NewProcedure {
        slug: Slug::parse(slug).unwrap(),
        title: "Lärmaktionsplan".to_owned(),
        summary: "Leiser wohnen".to_owned(),
        description: "Text".to_owned(),
        department: "Umweltamt".to_owned(),
        contact: "umwelt@musterstadt.example".to_owned(),
        phases: vec![NewPhase {
            kind: PhaseKind::Discussion,
            starts_at: now + Duration::days(from_days),
            ends_at: now + Duration::days(to_days),
        }],
        rule: app::formats::proposals::model::VoteRule::Support { cap: None },
        vote_phase: PhaseKind::Voting,
        categories: vec![],
        published: false,
        moderation: app::model::moderation::ModerationMode::Post,
    }
}

#[tokio::test]
async fn the_listing_sorts_procedures_into_their_states_with_counts() {
    let app = TestApp::new().await.with_demo().await;
    let now = Utc::now();
    let running = list_published(&app.state.db, ProcedureFilter::Running, None, now)
        .await
        .unwrap();
    assert_eq!(running.counts.running, 3);
    assert_eq!(running.counts.upcoming, 1);
    assert_eq!(running.counts.finished, 2);
    // Ending soonest first: the Bürgerbudget's schedule ends 15 days before the Marktplatz
    // one, which ends 20 days before the Radverkehr one.
    let slugs: Vec<_> = running.items.iter().map(|p| p.slug.as_str()).collect();
    assert_eq!(
        slugs,
        [
            "buergerbudget-2026",
            "marktplatz-neugestaltung",
            "radverkehr-2030"
        ]
    );
    assert!(
        running
            .items
            .iter()
            .all(|p| p.state == ProcedureState::Running)
    );
    assert_eq!(running.items[0].current_phase, Some(PhaseKind::Voting));
    assert_eq!(running.items[1].current_phase, Some(PhaseKind::Discussion));
    assert_eq!(running.items[2].current_phase, Some(PhaseKind::Proposals));

    let all = list_published(&app.state.db, ProcedureFilter::All, None, now)
        .await
        .unwrap();
    assert_eq!(all.items.len(), 6);
}

#[tokio::test]
async fn the_listing_pages_through_years_of_procedures() {
    let app = TestApp::new().await;
    let now = Utc::now();
    // 30 finished procedures, some ending on the same day: more than a page.
    for n in 0..30_i64 {
        let mut finished = draft(&format!("verfahren-{n:02}"), -400, -(n / 3) - 1);
        finished.published = true;
        create(&app.state.db, finished, now).await.unwrap();
    }
    // Through the service: every procedure once, most recent end first.
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let page = list_published(
            &app.state.db,
            ProcedureFilter::Finished,
            cursor.as_deref(),
            now,
        )
        .await
        .unwrap();
        assert!(page.items.len() as u64 <= PROCEDURES_PER_PAGE);
        assert_eq!(page.counts.finished, 30);
        seen.extend(page.items.iter().map(|p| (p.ends_at, p.slug.clone())));
        cursor = page.next_cursor;
        if cursor.is_none() {
            break;
        }
    }
    assert_eq!(seen.len(), 30);
    let slugs: std::collections::HashSet<_> = seen.iter().map(|(_, slug)| slug).collect();
    assert_eq!(slugs.len(), 30, "a procedure shown twice");
    assert!(
        seen.windows(2).all(|w| w[0].0 >= w[1].0),
        "not latest first"
    );

    // Through the API: the same pages, by `next_cursor`.
    let first = app.get("/api/v1/procedures?status=finished").await;
    assert_eq!(first.status, StatusCode::OK);
    let first: serde_json::Value = serde_json::from_str(&first.body).unwrap();
    assert_eq!(first["items"].as_array().unwrap().len(), 24);
    let next = first["next_cursor"].as_str().unwrap();
    let second = app
        .get(&format!("/api/v1/procedures?status=finished&cursor={next}"))
        .await;
    let second: serde_json::Value = serde_json::from_str(&second.body).unwrap();
    assert_eq!(second["items"].as_array().unwrap().len(), 6);
    assert!(second["next_cursor"].is_null());
    let bad = app
        .get("/api/v1/procedures?status=finished&cursor=gestern")
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);

    // On the start page: a link to the next page, and from there back to the first.
    let page = app.get("/?status=finished").await;
    assert_eq!(page.status, StatusCode::OK);
    let link = format!("/?status=finished&amp;cursor={next}");
    assert!(page.body.contains(&link), "no link to the next page");
    assert!(page.body.contains("Weitere Verfahren"));
    let later = app.get(&format!("/?status=finished&cursor={next}")).await;
    assert_eq!(later.status, StatusCode::OK);
    assert!(later.body.contains("Zur ersten Seite"));
    assert!(!later.body.contains("Weitere Verfahren"));
    let shown = |body: &str| {
        (0..30)
            .filter(|n| body.contains(&format!("/verfahren/verfahren-{n:02}\"")))
            .count()
    };
    assert_eq!(shown(&page.body), 24);
    assert_eq!(shown(&later.body), 6);
}

#[tokio::test]
async fn the_procedure_page_shows_description_schedule_and_contact() {
    let app = TestApp::new().await.with_demo().await;
    let page = app.get("/verfahren/radverkehr-2030").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("<h1>Radverkehrskonzept 2030</h1>"));
    assert!(
        page.body.contains("<strong>Radverkehrskonzept</strong>"),
        "Markdown not rendered"
    );
    assert!(page.body.contains("Vorschläge sammeln"));
    assert!(page.body.contains(r#"aria-current="step""#));
    assert!(page.body.contains("Amt für Mobilität"));
    assert!(
        page.body
            .contains("<title>Radverkehrskonzept 2030 – Mitreden</title>")
    );
}

#[tokio::test]
async fn drafts_are_invisible_to_the_public() {
    let app = TestApp::new().await;
    create(&app.state.db, draft("laermaktionsplan", -1, 10), Utc::now())
        .await
        .unwrap();
    assert_eq!(
        app.get("/verfahren/laermaktionsplan").await.status,
        StatusCode::NOT_FOUND
    );
    let listing = list_published(&app.state.db, ProcedureFilter::All, None, Utc::now())
        .await
        .unwrap();
    assert!(listing.items.is_empty());
}

#[tokio::test]
async fn malformed_and_unknown_slugs_are_not_found() {
    let app = TestApp::new().await.with_demo().await;
    for path in [
        "/verfahren/gibt-es-nicht",
        "/verfahren/RAD%20VERKEHR",
        "/verfahren/%27%3B--",
    ] {
        let page = app.get(path).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}");
        assert!(page.body.contains("Seite nicht gefunden"), "{path}");
    }
}

#[tokio::test]
async fn a_taken_slug_is_a_conflict_and_changes_nothing() {
    let app = TestApp::new().await;
    create(&app.state.db, draft("laermaktionsplan", 1, 10), Utc::now())
        .await
        .unwrap();
    let second = create(&app.state.db, draft("laermaktionsplan", 5, 20), Utc::now()).await;
    assert_eq!(second, Err(AppError::Conflict));
}

#[tokio::test]
async fn schedules_must_be_ordered_and_non_overlapping() {
    let app = TestApp::new().await;
    let mut backwards = draft("rueckwaerts", 10, 1);
    assert_eq!(
        create(&app.state.db, backwards.clone(), Utc::now()).await,
        Err(AppError::invalid("phases", "ends_before_start"))
    );
    backwards.phases.clear();
    assert_eq!(
        create(&app.state.db, backwards, Utc::now()).await,
        Err(AppError::invalid("phases", "empty"))
    );
    let mut overlapping = draft("ueberlappend", 1, 10);
    let now = Utc::now();
    overlapping.phases.push(NewPhase {
        kind: PhaseKind::Voting,
        starts_at: now + Duration::days(5),
        ends_at: now + Duration::days(20),
    });
    assert_eq!(
        create(&app.state.db, overlapping, now).await,
        Err(AppError::invalid("phases", "overlap"))
    );
    let listing = list_published(&app.state.db, ProcedureFilter::All, None, now)
        .await
        .unwrap();
    assert_eq!(listing.counts.for_filter(ProcedureFilter::All), 0);
}

#[tokio::test]
async fn hostile_text_is_stored_verbatim_and_rendered_inert() {
    let app = TestApp::new().await;
    let now = Utc::now();
    let mut procedure = draft("feindlich", -1, 10);
    procedure.published = true;
    procedure.title = "</title><img src=x onerror=alert(1)> \u{202e}Titel".to_owned();
    procedure.description = "<script>alert(2)</script>\n\n[x](javascript:alert(3))".to_owned();
    create(&app.state.db, procedure, now).await.unwrap();
    let page = app.get("/verfahren/feindlich").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("&lt;img src=x onerror=alert(1)&gt;"));
    assert!(!page.body.contains("<img src=x"));
    // leptos_meta does not escape <title>; the app's formatter does.
    assert_eq!(
        page.body.matches("</title>").count(),
        1,
        "the title broke out"
    );
    assert!(page.body.contains("<title>&lt;/title&gt;&lt;img"));
    assert!(!page.body.contains("<script>alert(2)"));
    assert!(!page.body.contains("javascript:alert(3)"));
}
