//! Accounts through the REST API: registration, verification, sessions, reset, roles, privacy.

use crate::harness::{PASSWORD, TestApp, error_code};
use app::model::account::Role;
use http::StatusCode;
use serde_json::{Value, json};

fn body(response: &crate::harness::TestResponse) -> Value {
    serde_json::from_str(&response.body).unwrap_or_default()
}

#[tokio::test]
async fn registration_mails_a_link_that_verifies_the_address_once() {
    let app = TestApp::new().await;
    app.register("Anna@Example.org").await;
    let mail = app.last_mail_to("anna@example.org").await;
    assert!(mail.body_text.contains("/bestaetigen?token="));
    assert!(mail.body_html.contains("/bestaetigen?token="));
    let token = app.link_token("anna@example.org").await;

    let session = app.login("anna@example.org").await;
    let before = body(&app.get_as("/api/v1/me", &session).await);
    assert_eq!(before["verified"], false);
    assert_eq!(before["email"], "anna@example.org");
    assert_eq!(before["role"], "resident");

    let verified = app
        .json(
            "POST",
            "/api/v1/auth/verify",
            json!({ "token": token }),
            None,
        )
        .await;
    assert_eq!(verified.status, StatusCode::OK);
    assert_eq!(
        body(&app.get_as("/api/v1/me", &session).await)["verified"],
        true
    );

    let reused = app
        .json(
            "POST",
            "/api/v1/auth/verify",
            json!({ "token": token }),
            None,
        )
        .await;
    assert_eq!(reused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(body(&reused)["errors"][0]["detail"], "used");
}

#[tokio::test]
async fn forged_and_expired_links_verify_nothing() {
    let app = TestApp::new().await;
    app.register("anna@example.org").await;
    let forged = app
        .json(
            "POST",
            "/api/v1/auth/verify",
            json!({ "token": "0".repeat(64) }),
            None,
        )
        .await;
    assert_eq!(body(&forged)["errors"][0]["detail"], "invalid");

    // Two days later the link has expired.
    let token = app.link_token("anna@example.org").await;
    use sea_orm::{ConnectionTrait, Statement};
    let past = chrono::Utc::now() - chrono::Duration::hours(1);
    app.state
        .db
        .execute_raw(Statement::from_sql_and_values(
            app.state.db.get_database_backend(),
            if crate::harness::on_postgres() {
                "UPDATE email_tokens SET expires_at = $1"
            } else {
                "UPDATE email_tokens SET expires_at = ?"
            },
            [past.into()],
        ))
        .await
        .unwrap();
    let expired = app
        .json(
            "POST",
            "/api/v1/auth/verify",
            json!({ "token": token }),
            None,
        )
        .await;
    assert_eq!(body(&expired)["errors"][0]["detail"], "expired");
    let session = app.login("anna@example.org").await;
    assert_eq!(
        body(&app.get_as("/api/v1/me", &session).await)["verified"],
        false
    );
}

#[tokio::test]
async fn registering_a_taken_address_answers_alike_and_tells_the_owner() {
    let app = TestApp::new().await;
    app.register("anna@example.org").await;
    let again = app
        .json("POST", "/api/v1/auth/register",
            json!({ "email": "ANNA@example.org", "password": "Ganz-anderes-Passwort-1", "display_name": "Fremd", "accept_terms": true }), None)
        .await;
    assert_eq!(again.status, StatusCode::CREATED);
    let mail = app.last_mail_to("anna@example.org").await;
    assert_eq!(mail.template, "account_exists");
    // The original password still works; the intruder's does not.
    app.login("anna@example.org").await;
}

#[tokio::test]
async fn registration_rejects_bad_input_and_changes_nothing() {
    let app = TestApp::new().await;
    let cases = [
        (
            json!({ "email": "no-at-sign", "password": PASSWORD, "display_name": "Anna", "accept_terms": true }),
            "email",
        ),
        (
            json!({ "email": "a@example.org", "password": "kurz", "display_name": "Anna", "accept_terms": true }),
            "password",
        ),
        (
            json!({ "email": "a@example.org", "password": "Passwort1234", "display_name": "Anna", "accept_terms": true }),
            "password",
        ),
        (
            json!({ "email": "a@example.org", "password": PASSWORD, "display_name": "A", "accept_terms": true }),
            "display_name",
        ),
        (
            json!({ "email": "a@example.org", "password": PASSWORD, "display_name": "Anna", "accept_terms": false }),
            "accept_terms",
        ),
    ];
    for (input, field) in cases {
        let response = app.json("POST", "/api/v1/auth/register", input, None).await;
        assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY, "{field}");
        assert_eq!(error_code(&response), "invalid_input");
        assert_eq!(body(&response)["errors"][0]["field"], field);
    }
    let malformed = app
        .send(
            http::Request::post("/api/v1/auth/register")
                .header("content-type", "application/json")
                .body(axum::body::Body::from("{not json"))
                .unwrap(),
        )
        .await;
    assert_eq!(malformed.status, StatusCode::BAD_REQUEST);
    assert_eq!(error_code(&malformed), "request_failed");
    let wrong_type = app
        .send(
            http::Request::post("/api/v1/auth/register")
                .header("content-type", "text/plain")
                .body(axum::body::Body::from("x"))
                .unwrap(),
        )
        .await;
    assert_eq!(wrong_type.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert_eq!(error_code(&wrong_type), "unsupported_media_type");
    assert_eq!(app.mail_count().await, 0);
}

#[tokio::test]
async fn login_failures_say_nothing_about_which_part_was_wrong() {
    let app = TestApp::new().await;
    app.register("anna@example.org").await;
    let wrong_password = app
        .json(
            "POST",
            "/api/v1/auth/login",
            json!({ "email": "anna@example.org", "password": "falsch-falsch-falsch" }),
            None,
        )
        .await;
    let unknown = app
        .json(
            "POST",
            "/api/v1/auth/login",
            json!({ "email": "nobody@example.org", "password": PASSWORD }),
            None,
        )
        .await;
    assert_eq!(wrong_password.status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong_password.status, unknown.status);
    assert_eq!(wrong_password.body, unknown.body);
    assert_eq!(error_code(&unknown), "invalid_credentials");
}

#[tokio::test]
async fn repeated_failures_pause_the_account_with_retry_after() {
    let app = TestApp::new().await;
    app.register("anna@example.org").await;
    for _ in 0..5 {
        app.json(
            "POST",
            "/api/v1/auth/login",
            json!({ "email": "anna@example.org", "password": "falsch-falsch-falsch" }),
            None,
        )
        .await;
    }
    let paused = app
        .json(
            "POST",
            "/api/v1/auth/login",
            json!({ "email": "anna@example.org", "password": PASSWORD }),
            None,
        )
        .await;
    assert_eq!(paused.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(error_code(&paused), "rate_limited");
    assert!(paused.header("retry-after").parse::<u64>().unwrap() > 0);
}

/// Thirty wrong passwords at once: each is counted before its hash is computed, so only
/// the free attempts are checked at all and the rest wait (429); the account itself is
/// not locked: from another address its owner signs in.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn parallel_guesses_are_counted_before_hashing_and_lock_nobody_out() {
    use axum::extract::ConnectInfo;
    use std::sync::Arc;
    let app = Arc::new(TestApp::new().await);
    app.register("anna@example.org").await;
    let login = |peer: &'static str, password: &'static str| {
        let app = app.clone();
        async move {
            let body = json!({ "email": "anna@example.org", "password": password }).to_string();
            let mut request = http::Request::post("/api/v1/auth/login")
                .header("content-type", "application/json")
                .body(axum::body::Body::from(body))
                .unwrap();
            request
                .extensions_mut()
                .insert(ConnectInfo(peer.parse::<std::net::SocketAddr>().unwrap()));
            app.send(request).await.status
        }
    };
    let guesses: Vec<_> = (0..30)
        .map(|_| tokio::spawn(login("203.0.113.66:5000", "falsch-falsch-falsch")))
        .collect();
    let mut statuses = std::collections::BTreeMap::<u16, usize>::new();
    for guess in guesses {
        *statuses.entry(guess.await.unwrap().as_u16()).or_default() += 1;
    }
    assert_eq!(statuses.get(&401).copied().unwrap_or(0), 5, "{statuses:?}");
    assert_eq!(statuses.get(&429).copied().unwrap_or(0), 25, "{statuses:?}");
    assert_eq!(login("198.51.100.4:5000", PASSWORD).await, StatusCode::OK);
}

#[tokio::test]
async fn login_sets_a_secure_session_cookie_and_logout_revokes_the_token() {
    let app = TestApp::new().await;
    app.register("anna@example.org").await;
    let response = app
        .json(
            "POST",
            "/api/v1/auth/login",
            json!({ "email": "anna@example.org", "password": PASSWORD }),
            None,
        )
        .await;
    let cookie = response.header("set-cookie");
    assert!(cookie.starts_with("mitreden_session="), "{cookie}");
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    let token = body(&response)["token"].as_str().unwrap().to_owned();

    // The cookie works like the bearer token.
    let by_cookie = app
        .get_with(
            "/api/v1/me",
            &[("cookie", &format!("mitreden_session={token}"))],
        )
        .await;
    assert_eq!(by_cookie.status, StatusCode::OK);

    let logout = app
        .json("POST", "/api/v1/auth/logout", json!({}), Some(&token))
        .await;
    assert_eq!(logout.status, StatusCode::NO_CONTENT);
    let after = app.get_as("/api/v1/me", &token).await;
    assert_eq!(after.status, StatusCode::UNAUTHORIZED);
    assert_eq!(error_code(&after), "unauthenticated");
}

#[tokio::test]
async fn tampered_foreign_and_expired_tokens_are_refused() {
    let app = TestApp::new().await;
    let token = app.resident("anna@example.org").await;
    let mut tampered = token.clone();
    let middle = tampered.len() / 2;
    tampered.replace_range(
        middle..middle + 1,
        if &token[middle..middle + 1] == "a" {
            "b"
        } else {
            "a"
        },
    );
    assert_eq!(
        app.get_as("/api/v1/me", &tampered).await.status,
        StatusCode::UNAUTHORIZED
    );

    let now = chrono::Utc::now();
    let foreign = app::backend::auth::issue_token(
        &"x".repeat(40),
        1,
        "s",
        now,
        now + chrono::Duration::hours(1),
    )
    .unwrap();
    assert_eq!(
        app.get_as("/api/v1/me", &foreign).await.status,
        StatusCode::UNAUTHORIZED
    );

    let (user_id, session) =
        app::backend::auth::verify_token(&app.state.jwt_secret, &token).unwrap();
    let expired = app::backend::auth::issue_token(
        &app.state.jwt_secret,
        user_id,
        &session,
        now - chrono::Duration::days(20),
        now - chrono::Duration::days(6),
    )
    .unwrap();
    assert_eq!(
        app.get_as("/api/v1/me", &expired).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.get_as("/api/v1/me", "not-a-jwt").await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn logging_out_everywhere_ends_every_session() {
    let app = TestApp::new().await;
    let first = app.resident("anna@example.org").await;
    let second = app.login("anna@example.org").await;
    let response = app
        .json(
            "POST",
            "/api/v1/auth/logout-everywhere",
            json!({}),
            Some(&first),
        )
        .await;
    assert_eq!(response.status, StatusCode::NO_CONTENT);
    assert_eq!(
        app.get_as("/api/v1/me", &first).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.get_as("/api/v1/me", &second).await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn a_password_change_ends_all_other_sessions() {
    let app = TestApp::new().await;
    let here = app.resident("anna@example.org").await;
    let elsewhere = app.login("anna@example.org").await;
    let wrong = app
        .json(
            "POST",
            "/api/v1/me/password",
            json!({ "current_password": "falsch-falsch", "password": "Neues-Passwort-am-Rhein" }),
            Some(&here),
        )
        .await;
    assert_eq!(body(&wrong)["errors"][0]["field"], "current_password");
    let changed = app
        .json(
            "POST",
            "/api/v1/me/password",
            json!({ "current_password": PASSWORD, "password": "Neues-Passwort-am-Rhein" }),
            Some(&here),
        )
        .await;
    assert_eq!(changed.status, StatusCode::NO_CONTENT);
    assert_eq!(app.get_as("/api/v1/me", &here).await.status, StatusCode::OK);
    assert_eq!(
        app.get_as("/api/v1/me", &elsewhere).await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn password_reset_reveals_nothing_and_works_once() {
    let app = TestApp::new().await;
    let session = app.resident("anna@example.org").await;
    let known = app
        .json(
            "POST",
            "/api/v1/auth/password-reset",
            json!({ "email": "anna@example.org" }),
            None,
        )
        .await;
    let unknown = app
        .json(
            "POST",
            "/api/v1/auth/password-reset",
            json!({ "email": "nobody@example.org" }),
            None,
        )
        .await;
    assert_eq!(known.status, StatusCode::ACCEPTED);
    assert_eq!(
        (known.status, known.body.clone()),
        (unknown.status, unknown.body.clone())
    );

    let token = app.link_token("anna@example.org").await;
    let weak = app
        .json(
            "POST",
            "/api/v1/auth/password-reset/confirm",
            json!({ "token": token, "password": "123" }),
            None,
        )
        .await;
    assert_eq!(body(&weak)["errors"][0]["field"], "password");
    let reset = app
        .json(
            "POST",
            "/api/v1/auth/password-reset/confirm",
            json!({ "token": token, "password": "Frisches-Passwort-2026" }),
            None,
        )
        .await;
    assert_eq!(reset.status, StatusCode::NO_CONTENT);
    // Old sessions end; the new password works; the link does not work twice.
    assert_eq!(
        app.get_as("/api/v1/me", &session).await.status,
        StatusCode::UNAUTHORIZED
    );
    let login = app
        .json(
            "POST",
            "/api/v1/auth/login",
            json!({ "email": "anna@example.org", "password": "Frisches-Passwort-2026" }),
            None,
        )
        .await;
    assert_eq!(login.status, StatusCode::OK);
    let again = app
        .json(
            "POST",
            "/api/v1/auth/password-reset/confirm",
            json!({ "token": token, "password": "Noch-ein-Passwort-99" }),
            None,
        )
        .await;
    assert_eq!(body(&again)["errors"][0]["detail"], "used");
}

#[tokio::test]
async fn verification_and_reset_mails_are_limited_per_hour() {
    let app = TestApp::new().await;
    app.register("anna@example.org").await;
    let session = app.login("anna@example.org").await;
    for _ in 0..2 {
        let again = app
            .json(
                "POST",
                "/api/v1/auth/verify/resend",
                json!({}),
                Some(&session),
            )
            .await;
        assert_eq!(again.status, StatusCode::ACCEPTED);
    }
    let limited = app
        .json(
            "POST",
            "/api/v1/auth/verify/resend",
            json!({}),
            Some(&session),
        )
        .await;
    assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
    let before = app.mail_count().await;
    for _ in 0..5 {
        app.json(
            "POST",
            "/api/v1/auth/password-reset",
            json!({ "email": "anna@example.org" }),
            None,
        )
        .await;
    }
    assert_eq!(app.mail_count().await, before + 3);
}

#[tokio::test]
async fn changing_the_address_takes_effect_only_when_the_new_one_is_confirmed() {
    let app = TestApp::new().await;
    let session = app.resident("anna@example.org").await;
    let response = app
        .json(
            "POST",
            "/api/v1/me/email",
            json!({ "email": "anna.neu@example.org" }),
            Some(&session),
        )
        .await;
    assert_eq!(response.status, StatusCode::ACCEPTED);
    assert_eq!(
        body(&app.get_as("/api/v1/me", &session).await)["email"],
        "anna@example.org"
    );
    let token = app.link_token("anna.neu@example.org").await;
    let confirmed = app
        .json(
            "POST",
            "/api/v1/auth/verify",
            json!({ "token": token }),
            None,
        )
        .await;
    assert_eq!(body(&confirmed)["status"], "email_changed");
    let me = body(&app.get_as("/api/v1/me", &session).await);
    assert_eq!(me["email"], "anna.neu@example.org");
    assert_eq!(me["verified"], true);
}

#[tokio::test]
async fn the_profile_can_be_edited_within_the_rules() {
    let app = TestApp::new().await;
    let session = app.resident("anna@example.org").await;
    let updated = app
        .json(
            "PATCH",
            "/api/v1/me",
            json!({ "display_name": "  Anna  M. ", "lang": "en", "notify_digest": true }),
            Some(&session),
        )
        .await;
    assert_eq!(updated.status, StatusCode::OK);
    let me = body(&updated);
    assert_eq!(
        (
            me["display_name"].as_str(),
            me["lang"].as_str(),
            me["notify_digest"].as_bool()
        ),
        (Some("Anna M."), Some("en"), Some(true))
    );
    let bad = app
        .json(
            "PATCH",
            "/api/v1/me",
            json!({ "display_name": "\u{202e}x" }),
            Some(&session),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let unknown_field = app
        .json(
            "PATCH",
            "/api/v1/me",
            json!({ "role": "admin" }),
            Some(&session),
        )
        .await;
    assert_eq!(unknown_field.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        body(&app.get_as("/api/v1/me", &session).await)["role"],
        "resident"
    );
}

#[tokio::test]
async fn the_data_export_holds_the_account_and_no_secrets() {
    let app = TestApp::new().await;
    let session = app.resident("anna@example.org").await;
    let export = app.get_as("/api/v1/me/export", &session).await;
    assert_eq!(export.status, StatusCode::OK);
    assert!(export.header("content-disposition").contains("attachment"));
    let data = body(&export);
    assert_eq!(data["account"]["email"], "anna@example.org");
    assert_eq!(
        data["account"]["terms"]["version"],
        app::backend::service::account::TERMS_VERSION
    );
    assert!(!data["sessions"].as_array().unwrap().is_empty());
    assert!(!export.body.contains("argon2"), "the password hash leaked");
    assert!(!export.body.contains(&session), "the session token leaked");
}

#[tokio::test]
async fn deleting_the_account_erases_personal_data_at_once() {
    let app = TestApp::new().await;
    let session = app.resident("anna@example.org").await;
    let deleted = app
        .json("DELETE", "/api/v1/me", json!({}), Some(&session))
        .await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    assert_eq!(
        app.get_as("/api/v1/me", &session).await.status,
        StatusCode::UNAUTHORIZED
    );
    use sea_orm::EntityTrait;
    let rows = app::backend::entity::user::Entity::find()
        .all(&app.state.db)
        .await
        .unwrap();
    assert_eq!(rows.len(), 1, "the row stays for the contributions");
    assert_eq!(
        (
            rows[0].email.as_deref(),
            rows[0].display_name.as_deref(),
            rows[0].password_hash.as_deref()
        ),
        (None, None, None)
    );
    // The address is free again.
    app.register("anna@example.org").await;
    assert_eq!(
        app.last_mail_to("anna@example.org").await.template,
        "verify_email"
    );
}

#[tokio::test]
async fn only_administrators_change_roles_and_every_change_is_audited() {
    let app = TestApp::new().await;
    let resident = app.resident("anna@example.org").await;
    let planner = app.with_role("planung@stadt.example", Role::Planner).await;
    let moderator = app
        .with_role("moderation@stadt.example", Role::Moderator)
        .await;
    let admin = app.with_role("admin@stadt.example", Role::Admin).await;
    let anna_id = body(&app.get_as("/api/v1/me", &resident).await)["id"]
        .as_i64()
        .unwrap();
    let path = format!("/api/v1/users/{anna_id}/role");
    for token in [&resident, &planner, &moderator] {
        let denied = app
            .json("PUT", &path, json!({ "role": "admin" }), Some(token))
            .await;
        assert_eq!(denied.status, StatusCode::FORBIDDEN);
    }
    let unknown = app
        .json("PUT", &path, json!({ "role": "root" }), Some(&admin))
        .await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    let granted = app
        .json("PUT", &path, json!({ "role": "moderator" }), Some(&admin))
        .await;
    assert_eq!(granted.status, StatusCode::NO_CONTENT);
    assert_eq!(
        body(&app.get_as("/api/v1/me", &resident).await)["role"],
        "moderator"
    );
    let audit = body(&app.get_as("/api/v1/me/export", &resident).await);
    assert_eq!(
        audit["account_changes"][0]["detail"],
        "resident -> moderator"
    );

    // The last administrator cannot remove themselves.
    let admin_id = body(&app.get_as("/api/v1/me", &admin).await)["id"]
        .as_i64()
        .unwrap();
    let demote = app
        .json(
            "PUT",
            &format!("/api/v1/users/{admin_id}/role"),
            json!({ "role": "resident" }),
            Some(&admin),
        )
        .await;
    assert_eq!(demote.status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn cross_site_writes_are_refused() {
    let app = TestApp::new().await;
    let session = app.resident("anna@example.org").await;
    let request = http::Request::post("/api/v1/auth/logout")
        .header("origin", "https://evil.example")
        .header("cookie", format!("mitreden_session={session}"))
        .body(axum::body::Body::empty())
        .unwrap();
    let refused = app.send(request).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(
        app.get_as("/api/v1/me", &session).await.status,
        StatusCode::OK
    );
    let same_site = http::Request::post("/api/v1/auth/logout")
        .header("origin", "http://127.0.0.1:3000")
        .header("cookie", format!("mitreden_session={session}"))
        .body(axum::body::Body::empty())
        .unwrap();
    assert_eq!(app.send(same_site).await.status, StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn unknown_api_paths_answer_in_the_error_shape() {
    let app = TestApp::new().await;
    let response = app.get("/api/v1/gibt-es-nicht").await;
    assert_eq!(response.status, StatusCode::NOT_FOUND);
    assert_eq!(error_code(&response), "not_found");
}
