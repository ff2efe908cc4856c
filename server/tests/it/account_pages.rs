//! The account pages as a browser without JavaScript uses them: form posts, redirects with a
//! status, errors carried back in the address.

use crate::fixtures::urlencode;
use crate::harness::{PASSWORD, TestApp};
use app::model::account::Role;
use http::StatusCode;

const REFERER: &str = "http://127.0.0.1:3000";

fn form(fields: &[(&str, &str)]) -> String {
    fields
        .iter()
        .map(|(k, v)| format!("{k}={}", urlencode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn cookie_of(response: &crate::harness::TestResponse) -> String {
    response
        .header("set-cookie")
        .split(';')
        .next()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn registering_with_the_form_leads_to_a_confirmation_page() {
    let app = TestApp::new().await;
    let page = app.get("/registrieren").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains(r#"name="email""#)
            && page.body.contains(r#"autocomplete="new-password""#)
    );

    let posted = app
        .post_form(
            "/api/register",
            &form(&[
                ("email", "anna@example.org"),
                ("display_name", "Anna"),
                ("password", PASSWORD),
                ("accept_terms", "on"),
            ]),
            &[("referer", &format!("{REFERER}/registrieren"))],
        )
        .await;
    assert_eq!(posted.status, StatusCode::FOUND);
    assert_eq!(posted.header("location"), "/registrieren?status=sent");
    let sent = app.get("/registrieren?status=sent").await;
    assert!(sent.body.contains("Wir haben Ihnen eine E-Mail geschickt"));

    // The link in the mail opens a page with a button; the click confirms.
    let token = app.link_token("anna@example.org").await;
    let confirm_page = app.get(&format!("/bestaetigen?token={token}")).await;
    assert!(confirm_page.body.contains(&format!(r#"value="{token}""#)));
    let confirmed = app
        .post_form(
            "/api/confirm_email",
            &form(&[("token", &token)]),
            &[("referer", &format!("{REFERER}/bestaetigen?token={token}"))],
        )
        .await;
    assert_eq!(confirmed.header("location"), "/bestaetigen?status=verified");
    assert!(
        app.get("/bestaetigen?status=verified")
            .await
            .body
            .contains("Ihre E-Mail-Adresse ist bestätigt")
    );
}

#[tokio::test]
async fn a_form_error_comes_back_translated_and_marks_the_field() {
    let app = TestApp::new().await;
    let referer = format!("{REFERER}/registrieren");
    let posted = app
        .post_form(
            "/api/register",
            &form(&[
                ("email", "keine-adresse"),
                ("display_name", "Anna"),
                ("password", PASSWORD),
                ("accept_terms", "on"),
            ]),
            &[("referer", &referer)],
        )
        .await;
    assert_eq!(posted.status, StatusCode::FOUND);
    let back = posted
        .header("location")
        .trim_start_matches(REFERER)
        .to_owned();
    assert!(back.starts_with("/registrieren?"), "{back}");
    let page = app.get(&back).await;
    assert!(
        page.body
            .contains("Bitte geben Sie eine gültige E-Mail-Adresse an."),
        "{}",
        page.body
    );
    assert!(page.body.contains(r#"id="field-email""#));
    assert!(page.body.contains(r#"aria-invalid="true""#));
    // The error is next to its field and linked to it, and summarised with a link to it.
    assert!(
        page.body.contains(r#"id="field-email-error""#),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains(r#"aria-describedby="field-email-error""#)
    );
    assert!(page.body.contains(r##"href="#field-email""##));
    // What was typed comes back, never the password.
    assert!(back.contains("__form="), "{back}");
    assert!(
        !back.contains(PASSWORD) && !back.contains("password"),
        "{back}"
    );
    assert!(
        page.body.contains(r#"value="keine-adresse""#),
        "{}",
        page.body
    );
    assert!(page.body.contains(r#"value="Anna""#));
    assert!(!page.body.contains(PASSWORD));
    assert_eq!(app.mail_count().await, 0);
}

#[tokio::test]
async fn logging_in_with_the_form_sets_the_cookie_and_shows_the_account() {
    let app = TestApp::new().await;
    app.register("anna@example.org").await;
    let posted = app
        .post_form(
            "/api/login",
            &form(&[("email", "anna@example.org"), ("password", PASSWORD)]),
            &[("referer", &format!("{REFERER}/anmelden"))],
        )
        .await;
    assert_eq!(
        posted.header("location"),
        "/",
        "a resident without a return address lands on the start page"
    );
    let cookie = cookie_of(&posted);
    assert!(cookie.starts_with("mitreden_session="));
    let account = app.get_with("/konto", &[("cookie", &cookie)]).await;
    assert_eq!(account.status, StatusCode::OK);
    assert!(account.body.contains("anna@example.org"));
    assert!(
        account.body.contains("noch nicht bestätigt"),
        "an unverified account is told so"
    );
    assert!(
        account.body.contains(r#"href="/konto""#),
        "the header shows the account link"
    );

    let logout = app
        .post_form(
            "/api/logout",
            "",
            &[
                ("referer", &format!("{REFERER}/konto")),
                ("cookie", &cookie),
            ],
        )
        .await;
    assert_eq!(logout.header("location"), "/anmelden?status=logged_out");
    assert!(logout.header("set-cookie").contains("Max-Age=0"));
    let after = app.get_with("/konto", &[("cookie", &cookie)]).await;
    assert!(after.body.contains("Bitte melden Sie sich an"));
}

#[tokio::test]
async fn a_wrong_password_in_the_form_says_only_that_something_is_wrong() {
    let app = TestApp::new().await;
    app.register("anna@example.org").await;
    let posted = app
        .post_form(
            "/api/login",
            &form(&[("email", "anna@example.org"), ("password", "falsch-falsch")]),
            &[("referer", &format!("{REFERER}/anmelden"))],
        )
        .await;
    assert!(posted.headers.get("set-cookie").is_none());
    let page = app
        .get(posted.header("location").trim_start_matches(REFERER))
        .await;
    assert!(
        page.body
            .contains("E-Mail-Adresse oder Passwort ist falsch.")
    );
}

#[tokio::test]
async fn the_user_administration_is_for_administrators_only() {
    let app = TestApp::new().await;
    let resident = app.resident("anna@example.org").await;
    let admin = app.with_role("admin@stadt.example", Role::Admin).await;
    let as_resident = app
        .get_with(
            "/verwaltung/benutzer",
            &[("cookie", &format!("mitreden_session={resident}"))],
        )
        .await;
    assert_eq!(as_resident.status, StatusCode::FORBIDDEN);
    let anonymous = app.get("/verwaltung/benutzer").await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    let as_admin = app
        .get_with(
            "/verwaltung/benutzer?q=anna",
            &[("cookie", &format!("mitreden_session={admin}"))],
        )
        .await;
    assert_eq!(as_admin.status, StatusCode::OK);
    assert!(as_admin.body.contains("<td>anna@example.org</td>"));
    assert!(
        !as_admin.body.contains("<td>admin@stadt.example</td>"),
        "the search filters"
    );
}

#[tokio::test]
async fn the_way_back_survives_sign_in_registration_and_confirmation() {
    let app = TestApp::new().await.with_demo().await;
    let back = "/verfahren/radverkehr-2030?sort=newest#vorschlaege";
    let encoded = app::model::text::encode_component(back);

    // The sign-in and registration pages carry the return address in a hidden field.
    let login_page = app.get(&format!("/anmelden?zurueck={encoded}")).await;
    assert!(
        login_page.body.contains(&format!(
            r#"name="back" value="{}""#,
            back.replace('&', "&amp;")
        )),
        "{}",
        login_page.body
    );
    assert!(
        login_page
            .body
            .contains(&format!("/registrieren?zurueck={encoded}"))
    );

    // Registering from there: the mailed link leads back, and confirming signs in.
    let posted = app
        .post_form(
            "/api/register",
            &form(&[
                ("email", "neu@example.org"),
                ("display_name", "Neu Hier"),
                ("password", PASSWORD),
                ("accept_terms", "on"),
                ("back", back),
            ]),
            &[(
                "referer",
                &format!("{REFERER}/registrieren?zurueck={encoded}"),
            )],
        )
        .await;
    assert_eq!(posted.status, StatusCode::FOUND, "{}", posted.body);
    let mail = app.last_mail_to("neu@example.org").await;
    assert!(
        mail.body_text.contains(&format!("&zurueck={encoded}")),
        "{}",
        mail.body_text
    );
    let token = app.link_token("neu@example.org").await;
    let confirmed = app
        .post_form(
            "/api/confirm_email",
            &form(&[("token", &token), ("back", back)]),
            &[("referer", &format!("{REFERER}/bestaetigen?token={token}"))],
        )
        .await;
    assert_eq!(
        confirmed.header("location"),
        format!("/bestaetigen?status=verified&zurueck={encoded}")
    );
    let cookie = cookie_of(&confirmed);
    assert!(
        cookie.starts_with("mitreden_session="),
        "confirming signs in"
    );
    let page = app
        .get_with(confirmed.header("location"), &[("cookie", &cookie)])
        .await;
    assert!(page.body.contains("Zurück zur Beteiligung"));
    assert!(
        page.body
            .contains(&format!(r#"href="{}""#, back.replace('&', "&amp;")))
    );
    assert!(
        page.body.contains(r#"href="/konto""#),
        "the header shows the account"
    );

    // Signing in returns to the page; a return address elsewhere is ignored.
    let signed_in = app
        .post_form(
            "/api/login",
            &form(&[
                ("email", "neu@example.org"),
                ("password", PASSWORD),
                ("back", back),
            ]),
            &[("referer", &format!("{REFERER}/anmelden"))],
        )
        .await;
    assert_eq!(signed_in.header("location"), back);
    for hostile in [
        "//evil.example/",
        "https://evil.example/",
        "/\\evil.example",
    ] {
        let response = app
            .post_form(
                "/api/login",
                &form(&[
                    ("email", "neu@example.org"),
                    ("password", PASSWORD),
                    ("back", hostile),
                ]),
                &[("referer", &format!("{REFERER}/anmelden"))],
            )
            .await;
        assert_eq!(response.header("location"), "/", "{hostile}");
    }
}

#[tokio::test]
async fn without_a_return_address_each_role_lands_on_its_work() {
    let app = TestApp::new().await;
    for (email, role, home) in [
        (
            "mod@example.org",
            app::model::account::Role::Moderator,
            "/moderation",
        ),
        (
            "plan@example.org",
            app::model::account::Role::Planner,
            "/verwaltung/verfahren",
        ),
    ] {
        app.with_role(email, role).await;
        let response = app
            .post_form(
                "/api/login",
                &form(&[("email", email), ("password", PASSWORD)]),
                &[("referer", &format!("{REFERER}/anmelden"))],
            )
            .await;
        assert_eq!(response.header("location"), home);
    }
}
