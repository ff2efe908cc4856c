//! Planners create, edit, preview and publish procedures through the editor's form.

use crate::harness::TestApp;
use app::model::account::Role;
use http::StatusCode;

fn session(token: &str) -> String {
    format!("mitreden_session={token}")
}

/// The editor's fields, urlencoded as the browser sends them.
fn editor_form(original: &str, slug: &str, title: &str, phases: &[(usize, &str, &str)]) -> String {
    let mut fields = vec![
        ("original".to_owned(), original.to_owned()),
        ("form[slug]".to_owned(), slug.to_owned()),
        ("form[title]".to_owned(), title.to_owned()),
        ("form[summary]".to_owned(), "Worum es geht".to_owned()),
        (
            "form[description]".to_owned(),
            "## Hintergrund\n\nText".to_owned(),
        ),
        ("form[department]".to_owned(), "Amt für Grün".to_owned()),
        (
            "form[contact]".to_owned(),
            "gruen@musterstadt.example".to_owned(),
        ),
        ("form[categories]".to_owned(), "Bäume\nBänke\n".to_owned()),
        ("form[vote_rule]".to_owned(), "support".to_owned()),
        ("form[vote_cap]".to_owned(), "3".to_owned()),
        ("form[vote_phase]".to_owned(), "voting".to_owned()),
    ];
    let kinds = [
        "information",
        "proposals",
        "discussion",
        "voting",
        "evaluation",
        "closed",
    ];
    for (index, kind) in kinds.iter().enumerate() {
        let (first, last) = phases
            .iter()
            .find(|(i, _, _)| *i == index)
            .map(|(_, f, l)| (*f, *l))
            .unwrap_or(("", ""));
        fields.push((format!("form[phases][{index}][kind]"), (*kind).to_owned()));
        fields.push((
            format!("form[phases][{index}][first_day]"),
            first.to_owned(),
        ));
        fields.push((format!("form[phases][{index}][last_day]"), last.to_owned()));
    }
    fields
        .iter()
        .map(|(k, v)| {
            format!(
                "{}={}",
                app::model::text::encode_component(k),
                app::model::text::encode_component(v)
            )
        })
        .collect::<Vec<_>>()
        .join("&")
}

#[tokio::test]
async fn planners_create_preview_edit_and_publish_a_procedure() {
    let app = TestApp::new().await;
    let planner = app.with_role("planung@example.org", Role::Planner).await;
    let resident = app.resident("anna@example.org").await;
    let today = chrono::Utc::now().date_naive();
    let day = |offset: i64| (today + chrono::Duration::days(offset)).to_string();
    let (p_first, p_last, v_first, v_last) = (day(-1), day(5), day(6), day(20));
    let body = editor_form(
        "",
        "gruenes-quartier",
        "Grünes Quartier",
        &[(1, &p_first, &p_last), (3, &v_first, &v_last)],
    );

    // A resident cannot create procedures.
    let refused = app
        .post_form(
            "/api/save_procedure",
            &body,
            &[("cookie", &session(&resident))],
        )
        .await;
    assert!(refused.body.contains("forbidden"), "{}", refused.body);
    assert!(
        !app.get("/api/v1/procedures?status=all")
            .await
            .body
            .contains("gruenes-quartier")
    );

    let saved = app
        .post_form(
            "/api/save_procedure",
            &body,
            &[("cookie", &session(&planner))],
        )
        .await;
    assert_eq!(saved.status, StatusCode::FOUND, "{}", saved.body);
    assert!(
        saved
            .header("location")
            .starts_with("/verwaltung/verfahren?status=saved")
    );

    // A draft: the public does not see it, the planner previews it.
    assert_eq!(
        app.get("/verfahren/gruenes-quartier").await.status,
        StatusCode::NOT_FOUND
    );
    let preview = app
        .get_with(
            "/verfahren/gruenes-quartier",
            &[("cookie", &session(&planner))],
        )
        .await;
    assert_eq!(preview.status, StatusCode::OK);
    assert!(preview.body.contains("Vorschau eines Entwurfs"));
    let overview = app
        .get_with("/verwaltung/verfahren", &[("cookie", &session(&planner))])
        .await;
    assert!(overview.body.contains("Grünes Quartier"));
    assert!(overview.body.contains("Entwurf"));

    // Editing: a schedule with overlapping phases is refused and changes nothing.
    let overlapping = editor_form(
        "gruenes-quartier",
        "gruenes-quartier",
        "Grünes Quartier",
        &[(1, &p_first, &v_first), (3, &v_first, &v_last)],
    );
    let refused = app
        .post_form(
            "/api/save_procedure",
            &overlapping,
            &[("cookie", &session(&planner))],
        )
        .await;
    assert!(refused.body.contains("phases"), "{}", refused.body);
    let renamed = editor_form(
        "gruenes-quartier",
        "gruenes-quartier-2027",
        "Grünes Quartier 2027",
        &[(1, &p_first, &p_last), (3, &v_first, &v_last)],
    );
    let saved = app
        .post_form(
            "/api/save_procedure",
            &renamed,
            &[("cookie", &session(&planner))],
        )
        .await;
    assert_eq!(saved.status, StatusCode::FOUND);

    let published = app
        .post_form(
            "/api/publish_procedure",
            "slug=gruenes-quartier-2027&publish=1",
            &[("cookie", &session(&planner))],
        )
        .await;
    assert_eq!(published.status, StatusCode::FOUND);
    let detail = app.get("/api/v1/procedures/gruenes-quartier-2027").await;
    assert_eq!(detail.status, StatusCode::OK, "{}", detail.body);
    let detail: serde_json::Value = serde_json::from_str(&detail.body).unwrap();
    assert_eq!(detail["title"], "Grünes Quartier 2027");
    assert_eq!(detail["current_phase"], "proposals");
    assert_eq!(
        detail["rule"],
        serde_json::json!({ "kind": "support", "cap": 3 })
    );
    assert_eq!(detail["categories"], serde_json::json!(["Bäume", "Bänke"]));
    assert_eq!(detail["allowed"]["propose"], true);
    // The last day is included: the voting phase ends at midnight after it (Berlin time).
    let phases = detail["phases"].as_array().unwrap();
    assert_eq!(phases.len(), 2);
    assert_eq!(
        app.get("/verfahren/gruenes-quartier").await.status,
        StatusCode::NOT_FOUND
    );

    // The editor shows the saved values back.
    let editor = app
        .get_with(
            "/verwaltung/verfahren/gruenes-quartier-2027/bearbeiten",
            &[("cookie", &session(&planner))],
        )
        .await;
    assert_eq!(editor.status, StatusCode::OK);
    assert!(
        editor.body.contains(&format!("value=\"{v_last}\"")),
        "last day shown"
    );
}

#[tokio::test]
async fn planners_manage_procedures_through_the_api() {
    let app = TestApp::new().await;
    let planner = app.with_role("planung@example.org", Role::Planner).await;
    let resident = app.resident("anna@example.org").await;
    let now = chrono::Utc::now();
    let at = |days: i64| (now + chrono::Duration::days(days)).to_rfc3339();
    let body = serde_json::json!({
        "slug": "laerm-2027",
        "title": "Lärmaktionsplan",
        "department": "Umweltamt",
        "categories": ["Straßenverkehr", "Schiene"],
        "phases": [
            { "kind": "voting", "starts_at": at(5), "ends_at": at(20) },
            { "kind": "proposals", "starts_at": at(-1), "ends_at": at(5) }
        ],
        "vote_rule": { "kind": "support", "cap": 5 }
    });
    let refused = app
        .json("POST", "/api/v1/procedures", body.clone(), Some(&resident))
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let created = app
        .json("POST", "/api/v1/procedures", body.clone(), Some(&planner))
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let created: serde_json::Value = serde_json::from_str(&created.body).unwrap();
    assert_eq!(created["draft"], true);
    // Phases are put in order whatever order they came in.
    assert_eq!(created["phases"][0]["kind"], "proposals");
    assert_eq!(
        app.get("/api/v1/procedures/laerm-2027").await.status,
        StatusCode::NOT_FOUND
    );

    let duplicate = app
        .json("POST", "/api/v1/procedures", body, Some(&planner))
        .await;
    assert_eq!(duplicate.status, StatusCode::CONFLICT);
    let unscheduled_vote = app
        .json(
            "PATCH",
            "/api/v1/procedures/laerm-2027",
            serde_json::json!({
                "slug": "laerm-2027", "title": "Lärmaktionsplan", "department": "Umweltamt",
                "phases": [{ "kind": "proposals", "starts_at": at(-1), "ends_at": at(5) }],
                "vote_rule": { "kind": "rating" }
            }),
            Some(&planner),
        )
        .await;
    assert_eq!(unscheduled_vote.status, StatusCode::UNPROCESSABLE_ENTITY);

    let published = app
        .json(
            "PUT",
            "/api/v1/procedures/laerm-2027/publication",
            serde_json::json!({ "published": true }),
            Some(&planner),
        )
        .await;
    assert_eq!(published.status, StatusCode::OK, "{}", published.body);
    let public = app.get("/api/v1/procedures/laerm-2027").await;
    assert_eq!(public.status, StatusCode::OK);
    assert!(public.body.contains("\"propose\":true"), "{}", public.body);

    // A partial PATCH: only the schedule, moving the procedure into its voting phase; the
    // rest (title, categories, rule) stays as it was.
    let into_voting = app
        .json(
            "PATCH",
            "/api/v1/procedures/laerm-2027",
            serde_json::json!({ "phases": [
                { "kind": "proposals", "starts_at": at(-10), "ends_at": at(-1) },
                { "kind": "voting", "starts_at": at(-1), "ends_at": at(20) }
            ] }),
            Some(&planner),
        )
        .await;
    assert_eq!(into_voting.status, StatusCode::OK, "{}", into_voting.body);
    let changed: serde_json::Value = serde_json::from_str(&into_voting.body).unwrap();
    assert_eq!(changed["title"], "Lärmaktionsplan");
    assert_eq!(changed["current_phase"], "voting", "{changed}");
    let public: serde_json::Value =
        serde_json::from_str(&app.get("/api/v1/procedures/laerm-2027").await.body).unwrap();
    assert_eq!(public["allowed"]["vote"], true, "{public}");
    assert_eq!(public["allowed"]["propose"], false, "{public}");
    assert_eq!(public["categories"][1], "Schiene", "{public}");
    assert_eq!(public["draft"], false, "the publication state stays");

    // `null` removes nothing: every null field is named, and nothing changes.
    let nulls = app
        .json(
            "PATCH",
            "/api/v1/procedures/laerm-2027",
            serde_json::json!({ "title": null, "department": null, "summary": "Neu" }),
            Some(&planner),
        )
        .await;
    assert_eq!(
        nulls.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        nulls.body
    );
    assert!(nulls.body.contains("\"field\":\"title\""), "{}", nulls.body);
    assert!(
        nulls.body.contains("\"field\":\"department\""),
        "{}",
        nulls.body
    );
    let unchanged: serde_json::Value =
        serde_json::from_str(&app.get("/api/v1/procedures/laerm-2027").await.body).unwrap();
    assert_eq!(unchanged["summary"], "", "{unchanged}");

    // PUT replaces: what is left out takes its default (no categories).
    let replaced = app
        .json(
            "PUT",
            "/api/v1/procedures/laerm-2027",
            serde_json::json!({
                "slug": "laerm-2027", "title": "Lärmaktionsplan 2027", "department": "Umweltamt",
                "phases": [{ "kind": "proposals", "starts_at": at(-1), "ends_at": at(5) },
                           { "kind": "voting", "starts_at": at(5), "ends_at": at(20) }],
                "vote_rule": { "kind": "rating" }
            }),
            Some(&planner),
        )
        .await;
    assert_eq!(replaced.status, StatusCode::OK, "{}", replaced.body);
    let replaced: serde_json::Value = serde_json::from_str(&replaced.body).unwrap();
    assert_eq!(replaced["title"], "Lärmaktionsplan 2027");
    assert_eq!(replaced["categories"].as_array().map(Vec::len), Some(0));
    assert_eq!(replaced["draft"], false);
    // A resident can do neither.
    for method in ["PATCH", "PUT"] {
        let refused = app
            .json(
                method,
                "/api/v1/procedures/laerm-2027",
                serde_json::json!({ "title": "Übernommen" }),
                Some(&resident),
            )
            .await;
        assert!(
            refused.status == StatusCode::FORBIDDEN
                || refused.status == StatusCode::UNPROCESSABLE_ENTITY,
            "{method}: {}",
            refused.status
        );
    }
}

/// A refused procedure comes back to the editor with everything the planner typed, the
/// error next to its field; nothing is saved.
#[tokio::test]
async fn a_refused_procedure_keeps_what_the_planner_typed() {
    let app = TestApp::new().await;
    let planner = app.with_role("planung@example.org", Role::Planner).await;
    let today = chrono::Utc::now().date_naive();
    let day = |offset: i64| (today + chrono::Duration::days(offset)).to_string();
    let (first, last) = (day(3), day(30));
    let body = editor_form(
        "",
        "Kein gültiger Name!",
        "Lärmaktionsplan Nord",
        &[(1, &first, &last)],
    );
    let refused = app
        .post_form(
            "/api/save_procedure",
            &body,
            &[
                ("cookie", &session(&planner)),
                ("referer", "http://127.0.0.1:3000/verwaltung/verfahren/neu"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FOUND, "{}", refused.body);
    let back = refused
        .header("location")
        .trim_start_matches("http://127.0.0.1:3000")
        .to_owned();
    assert!(back.contains("__form="), "{back}");
    let page = app.get_with(&back, &[("cookie", &session(&planner))]).await;
    assert!(
        page.body.contains(r#"value="Lärmaktionsplan Nord""#),
        "{}",
        page.body
    );
    assert!(page.body.contains(&format!(r#"value="{first}""#)));
    assert!(page.body.contains(&format!(r#"value="{last}""#)));
    assert!(page.body.contains(r#"id="editor-slug-error""#));
    assert!(page.body.contains(r#"aria-invalid="true""#));
    assert!(
        !app.get("/api/v1/procedures?status=all")
            .await
            .body
            .contains("Lärmaktionsplan Nord")
    );
}

/// A schedule set through the API may change phase inside a day; the editor shows days.
/// Saved with the days as shown, the procedure keeps its exact times instead of being
/// refused as overlapping (found by opening the demo procedure's editor and saving).
#[tokio::test]
async fn a_schedule_with_changes_inside_a_day_saves_unchanged_from_the_editor() {
    let app = TestApp::new().await;
    let planner = app.with_role("planung@example.org", Role::Planner).await;
    // 10:17 UTC: no phase boundary falls on a midnight.
    let base = chrono::Utc::now()
        .date_naive()
        .and_hms_opt(10, 17, 0)
        .unwrap()
        .and_utc();
    let at = |days: i64| (base + chrono::Duration::days(days)).to_rfc3339();
    let created = app
        .json(
            "POST",
            "/api/v1/procedures",
            serde_json::json!({
                "slug": "mitten-am-tag", "title": "Wechsel am Vormittag", "department": "Umweltamt",
                "phases": [{ "kind": "proposals", "starts_at": at(-2), "ends_at": at(3) },
                           { "kind": "voting", "starts_at": at(3), "ends_at": at(9) }],
                "vote_rule": { "kind": "rating" }
            }),
            Some(&planner),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let before: serde_json::Value = serde_json::from_str(&created.body).unwrap();

    // The days the editor shows, posted back as the form does.
    let values = app
        .post(
            "/api/procedure_editor_values",
            "application/json",
            "slug=mitten-am-tag",
            &[("cookie", &session(&planner))],
        )
        .await;
    assert_eq!(values.status, StatusCode::OK, "{}", values.body);
    let values: serde_json::Value = serde_json::from_str(&values.body).unwrap();
    let day = |index: usize, end: &str| {
        values["form"]["phases"][index][end]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let (p_first, p_last) = (day(1, "first_day"), day(1, "last_day"));
    let (v_first, v_last) = (day(3, "first_day"), day(3, "last_day"));
    assert_eq!(
        p_last, v_first,
        "the change-over day belongs to both phases"
    );
    let body = editor_form(
        "mitten-am-tag",
        "mitten-am-tag",
        "Wechsel am Vormittag",
        &[(1, &p_first, &p_last), (3, &v_first, &v_last)],
    )
    .replace("form%5Bvote_rule%5D=support", "form%5Bvote_rule%5D=rating");
    let saved = app
        .post_form(
            "/api/save_procedure",
            &body,
            &[("cookie", &session(&planner))],
        )
        .await;
    assert_eq!(saved.status, StatusCode::FOUND, "{}", saved.body);
    assert!(
        saved
            .header("location")
            .starts_with("/verwaltung/verfahren?status=saved"),
        "{}",
        saved.header("location")
    );
    let published = app
        .json(
            "PUT",
            "/api/v1/procedures/mitten-am-tag/publication",
            serde_json::json!({ "published": true }),
            Some(&planner),
        )
        .await;
    assert_eq!(published.status, StatusCode::OK, "{}", published.body);
    let after: serde_json::Value =
        serde_json::from_str(&app.get("/api/v1/procedures/mitten-am-tag").await.body).unwrap();
    assert_eq!(after["phases"], before["phases"], "the exact times stay");
}

#[tokio::test]
async fn the_planners_overview_pages_through_every_procedure() {
    use crate::fixtures::open_procedure;
    use app::backend::service::procedure::PLANNER_PAGE_SIZE;
    let app = TestApp::new().await;
    let planner = app.with_role("planung@example.org", Role::Planner).await;
    let count = usize::try_from(PLANNER_PAGE_SIZE).unwrap() + 3;
    // All start at once: the pages are cut between procedures of the same start.
    for n in 0..count {
        open_procedure(&app, &format!("seite-{n:02}")).await;
    }
    let cookie = session(&planner);
    let listed = |html: &str| -> Vec<String> {
        html.split("href=\"/verfahren/seite-")
            .skip(1)
            .map(|rest| rest[..2].to_owned())
            .collect()
    };
    let first = app
        .get_with("/verwaltung/verfahren", &[("cookie", &cookie)])
        .await;
    assert_eq!(first.status, StatusCode::OK);
    let mut seen = listed(&first.body);
    assert_eq!(seen.len(), usize::try_from(PLANNER_PAGE_SIZE).unwrap());
    let start = first
        .body
        .find("href=\"/verwaltung/verfahren?cursor=")
        .expect("a link to the next page");
    let href = &first.body[start + "href=\"".len()..];
    let href = href[..href.find('"').unwrap()].replace("&amp;", "&");
    assert!(!first.body.contains("Zur ersten Seite"), "{}", first.body);

    let second = app.get_with(&href, &[("cookie", &cookie)]).await;
    assert_eq!(second.status, StatusCode::OK);
    let rest = listed(&second.body);
    assert_eq!(rest.len(), 3);
    assert!(!second.body.contains("rel=\"next\""));
    assert!(second.body.contains("href=\"/verwaltung/verfahren\""));
    seen.extend(rest);
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), count, "every procedure once");

    // A cursor that is not one is refused, not read as the first page.
    let bad = app
        .get_with(
            "/verwaltung/verfahren?cursor=gestern",
            &[("cookie", &cookie)],
        )
        .await;
    assert!(
        !bad.body.contains("href=\"/verfahren/seite-"),
        "{}",
        bad.body
    );
}

/// Each instance keeps a procedure's rule and schedule for a few seconds; a planner's change
/// holds from the next request all the same: closing and reopening the vote, a new address,
/// taking the procedure back to draft.
#[tokio::test]
async fn a_planners_change_holds_from_the_next_request() {
    use crate::fixtures::{procedure, propose};
    use app::formats::proposals::model::VoteRule;
    use app::model::procedure::PhaseKind;
    let app = TestApp::new().await;
    let planner = app.with_role("planung@example.org", Role::Planner).await;
    let resident = app.resident("anna@example.org").await;
    let phase = PhaseKind::Proposals;
    procedure(
        &app,
        "baeume",
        phase,
        VoteRule::Support { cap: None },
        phase,
    )
    .await;
    let id = propose(&app, "baeume", &resident, "Mehr Bäume am Ring").await;
    let now = chrono::Utc::now();
    let at = |days: i64| (now + chrono::Duration::days(days)).to_rfc3339();
    let vote = |method: &'static str| {
        let (app, resident) = (&app, &resident);
        async move {
            let body = serde_json::json!({ "value": 1 });
            let path = format!("/api/v1/proposals/{id}/vote");
            app.json(method, &path, body, Some(resident)).await
        }
    };
    let edit = |path: &'static str, method: &'static str, body: serde_json::Value| {
        let (app, planner) = (&app, &planner);
        async move {
            let edited = app.json(method, path, body, Some(planner)).await;
            assert_eq!(edited.status, StatusCode::OK, "{}", edited.body);
        }
    };
    assert_eq!(vote("PUT").await.status, StatusCode::OK);

    let schedule = |ends: i64| {
        serde_json::json!({ "phases": [
        { "kind": "proposals", "starts_at": at(-10), "ends_at": at(ends) }
    ] })
    };
    edit("/api/v1/procedures/baeume", "PATCH", schedule(-1)).await;
    let closed = vote("DELETE").await;
    assert_eq!(
        closed.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        closed.body
    );
    assert!(closed.body.contains("closed"), "{}", closed.body);
    edit("/api/v1/procedures/baeume", "PATCH", schedule(5)).await;
    assert_eq!(vote("DELETE").await.status, StatusCode::OK, "open again");

    let moved = serde_json::json!({ "slug": "stadtbaeume" });
    edit("/api/v1/procedures/baeume", "PATCH", moved).await;
    let old = app.get("/api/v1/procedures/baeume/proposals").await;
    assert_eq!(old.status, StatusCode::NOT_FOUND, "the old address");
    let new = app.get("/api/v1/procedures/stadtbaeume/proposals").await;
    assert_eq!(new.status, StatusCode::OK, "{}", new.body);
    assert!(new.body.contains("Mehr Bäume am Ring"), "{}", new.body);

    let draft = serde_json::json!({ "published": false });
    edit("/api/v1/procedures/stadtbaeume/publication", "PUT", draft).await;
    let hidden = app.get("/api/v1/procedures/stadtbaeume/proposals").await;
    assert_eq!(
        hidden.status,
        StatusCode::NOT_FOUND,
        "a draft, to the public"
    );
    assert_eq!(
        vote("PUT").await.status,
        StatusCode::NOT_FOUND,
        "a draft takes no votes"
    );
}
