//! Results on both databases: every export format read back the way its users read it,
//! counts against the database, no personal or hidden data, identical bytes for identical
//! state, hostile text left inert; the PDF report's text; council outcomes recorded by hand
//! and taken from an OParl fixture server, shown to residents and mailed to followers.

use crate::fixtures::{body, end_voting, pdf_text, poppler, procedure, propose};
use crate::harness::{TestApp, TestResponse, error_code};
use app::backend::entity::{council_decision, procedure as procedure_entity, vote};
use app::formats::proposals::model::VoteRule;
use app::model::account::Role;
use app::model::procedure::PhaseKind;
use app::model::results::CouncilOutcome;
use chrono::Utc;
use http::StatusCode;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;
use sha2::{Digest, Sha256};

const SLUG: &str = "gruen";
const HOSTILE_TITLE: &str = "=HYPERLINK(\"http://böse.example\";\"Klick\")";
const HOSTILE_BODY: &str = "+cmd|' /C calc'!A0\n\"Zitat\"; Zeile zwei";
const HIDDEN_TITLE: &str = "Beleidigender Vorschlag";

struct Fixture {
    app: TestApp,
    planner: String,
    resident: String,
    moderator: String,
    /// Proposals: a plain one, the hostile one, one hidden by a moderator.
    plain: i64,
    hostile: i64,
    hidden: i64,
}

async fn vote(app: &TestApp, id: i64, token: &str) {
    let response = app
        .json(
            "PUT",
            &format!("/api/v1/proposals/{id}/vote"),
            json!({ "value": 1 }),
            Some(token),
        )
        .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
}

/// A procedure where proposing and voting are open, with three residents, votes, a
/// comment, a hidden proposal; then (`end_voting`) the voting phase is over.
async fn fixture() -> Fixture {
    fixture_with(&[]).await
}

/// The fixture on an app with these configuration variables.
async fn fixture_with(vars: &[(&str, &str)]) -> Fixture {
    let mut all = vec![
        ("MITREDEN_RATE_LIMIT", "0"),
        ("MITREDEN_RATE_LIMIT_ACCOUNT", "0"),
    ];
    all.extend_from_slice(vars);
    let app = TestApp::with_config(&all).await;
    procedure(
        &app,
        SLUG,
        PhaseKind::Proposals,
        VoteRule::Support { cap: None },
        PhaseKind::Proposals,
    )
    .await;
    let planner = app.with_role("planung@example.org", Role::Planner).await;
    let moderator = app
        .with_role("moderation@example.org", Role::Moderator)
        .await;
    let resident = app.resident("anna@example.org").await;
    let bert = app.resident("bert@example.org").await;
    let cleo = app.resident("cleo@example.org").await;
    // Cleo lets her name appear; Anna and Bert stay pseudonymous.
    let response = app
        .json(
            "PATCH",
            "/api/v1/me",
            json!({ "display_name": "Cleo Öffentlich", "public_name": true }),
            Some(&cleo),
        )
        .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);

    let plain = propose(&app, SLUG, &resident, "Mehr Bäume in der Südstadt").await;
    // A text that reorders itself (a right-to-left override hides "exe.png") is refused;
    // exports still drop such characters from older texts (see the corpus test).
    let reordered = app
        .json(
            "POST",
            &format!("/api/v1/procedures/{SLUG}/proposals"),
            json!({ "title": "Bild", "body": "Zeile zwei \u{202E}gnp.exe" }),
            Some(&bert),
        )
        .await;
    assert_eq!(reordered.status, StatusCode::UNPROCESSABLE_ENTITY);
    let hostile = app
        .json(
            "POST",
            &format!("/api/v1/procedures/{SLUG}/proposals"),
            json!({ "title": HOSTILE_TITLE, "body": HOSTILE_BODY }),
            Some(&bert),
        )
        .await;
    assert_eq!(hostile.status, StatusCode::CREATED, "{}", hostile.body);
    let hostile = body(&hostile)["id"].as_i64().unwrap();
    let hidden = propose(&app, SLUG, &cleo, HIDDEN_TITLE).await;
    for token in [&resident, &bert, &cleo] {
        vote(&app, plain, token).await;
    }
    vote(&app, hostile, &cleo).await;
    let response = app
        .json(
            "POST",
            &format!("/api/v1/proposals/{plain}/comments"),
            json!({ "body": "Gute Idee, ich helfe beim Pflanzen." }),
            Some(&cleo),
        )
        .await;
    assert_eq!(response.status, StatusCode::CREATED, "{}", response.body);
    let response = app
        .json(
            "POST",
            "/api/v1/moderation/decisions",
            json!({
                "target": { "kind": "proposal", "id": hidden },
                "action": "hide",
                "reason": "insult",
                "public_reason": "Beleidigt andere Teilnehmende",
                "internal_note": "interne Notiz"
            }),
            Some(&moderator),
        )
        .await;
    assert!(response.status.is_success(), "{}", response.body);
    Fixture {
        app,
        planner,
        resident,
        moderator,
        plain,
        hostile,
        hidden,
    }
}

fn sha256(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn csv_rows(response: &TestResponse) -> Vec<csv::StringRecord> {
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    assert!(response.header("content-type").starts_with("text/csv"));
    let text = response
        .body
        .strip_prefix('\u{feff}')
        .expect("CSV starts with a byte order mark");
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(text.as_bytes());
    // Without a language choice, the headers are German, the instance's first language.
    assert!(
        reader
            .headers()
            .unwrap()
            .iter()
            .any(|h| h == "Titel" || h == "Text" || h == "Entscheidung"),
        "{text}"
    );
    reader.records().map(Result::unwrap).collect()
}

#[tokio::test]
async fn results_stay_private_until_voting_ends() {
    let f = fixture().await;
    let path = format!("/api/v1/procedures/{SLUG}/export.json");
    let anonymous = f.app.get(&path).await;
    assert_eq!(anonymous.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(error_code(&anonymous), "invalid_input");
    assert_eq!(
        f.app.get_as(&path, &f.resident).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    // Planners follow the figures while the procedure runs.
    let live = f.app.get_as(&path, &f.planner).await;
    assert_eq!(live.status, StatusCode::OK, "{}", live.body);
    assert_eq!(body(&live)["procedure"]["final_results"], json!(false));
    let results = format!("/api/v1/procedures/{SLUG}/results");
    assert_eq!(
        f.app.get(&results).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let live = body(&f.app.get_as(&results, &f.planner).await);
    assert_eq!(live["final_results"], json!(false));
    end_voting(&f.app).await;
    assert_eq!(f.app.get(&path).await.status, StatusCode::OK);
    let public = body(&f.app.get(&results).await);
    assert_eq!(public["final_results"], json!(true));
    assert_eq!(public["figures"]["votes"], json!(4));
    assert_eq!(public["ranking"][0]["id"], json!(f.plain));
    assert_eq!(public["ranking"][0]["rank"], json!(1));
    assert_eq!(
        f.app
            .get("/api/v1/procedures/gibt-es-nicht/export.json")
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        f.app
            .get(&format!("/api/v1/procedures/{SLUG}/export.doc"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let bad = f
        .app
        .get(&format!("/api/v1/procedures/{SLUG}/export.csv?table=users"))
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn csv_exports_parse_back_and_match_the_database() {
    let f = fixture().await;
    end_voting(&f.app).await;
    let base = format!("/api/v1/procedures/{SLUG}/export.csv");
    let proposals = f.app.get(&format!("{base}?table=proposals")).await;
    let rows = csv_rows(&proposals);
    // The hidden proposal is counted elsewhere, never exported.
    assert_eq!(rows.len(), 2);
    assert!(!proposals.body.contains(HIDDEN_TITLE));
    assert!(!proposals.body.contains("@example.org"));
    let by_id = |id: i64| {
        rows.iter()
            .find(|r| r.get(1) == Some(id.to_string().as_str()))
            .unwrap()
            .clone()
    };
    let plain = by_id(f.plain);
    let plain_votes = vote::Entity::find()
        .filter(vote::Column::ProposalId.eq(f.plain))
        .count(&f.app.state.db)
        .await
        .unwrap();
    assert_eq!(plain.get(0), Some("1"), "ranked first");
    assert_eq!(plain.get(12), Some(plain_votes.to_string().as_str()));
    assert_eq!(plain.get(10), Some("Person 1"), "a pseudonym, not the name");
    let hostile = by_id(f.hostile);
    // Inert: the formula is text behind an apostrophe, and the quotes and the line break
    // survive inside one field.
    assert_eq!(hostile.get(3), Some(format!("'{HOSTILE_TITLE}").as_str()));
    let body_field = hostile.get(4).unwrap();
    assert!(body_field.starts_with("'+cmd|"));
    assert!(body_field.contains("\"Zitat\"; Zeile zwei"));
    assert_eq!(hostile.get(10), Some("Person 2"));

    let comments = f.app.get(&format!("{base}?table=comments")).await;
    let rows = csv_rows(&comments);
    assert_eq!(rows.len(), 1);
    assert_eq!(
        rows[0].get(3),
        Some("Cleo Öffentlich"),
        "she chose to be named"
    );
    let moderation = f.app.get(&format!("{base}?table=moderation")).await;
    let rows = csv_rows(&moderation);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].get(5), Some("hide"));
    assert!(!moderation.body.contains("interne Notiz"));

    // A comma-separated copy for other tools.
    let comma = f
        .app
        .get(&format!("{base}?table=proposals&separator=comma"))
        .await;
    assert!(
        comma
            .body
            .lines()
            .next()
            .unwrap()
            .starts_with("\u{feff}\"Rang\",\"Nr.\",\"Adresse\",\"Titel\"")
    );
    // The headers follow the export's language.
    let english = f
        .app
        .get(&format!("{base}?table=comments&separator=comma&lang=en"))
        .await;
    assert!(
        english
            .body
            .starts_with("\u{feff}\"No.\",\"Proposal\",\"Reply to\",\"Author\""),
        "{}",
        english.body
    );
}

#[tokio::test]
async fn json_export_matches_its_schema_and_identical_state_gives_identical_bytes() {
    let f = fixture().await;
    end_voting(&f.app).await;
    let path = format!("/api/v1/procedures/{SLUG}/export.json");
    let first = f.app.get(&path).await;
    assert_eq!(first.status, StatusCode::OK);
    let document: serde_json::Value = serde_json::from_str(&first.body).unwrap();
    let schema_response = f.app.get("/api/v1/schemas/results-v1.json").await;
    let schema: serde_json::Value = serde_json::from_str(&schema_response.body).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&document)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(document["figures"]["proposals"], json!(2));
    assert_eq!(document["figures"]["hidden_proposals"], json!(1));
    assert_eq!(document["figures"]["votes"], json!(4));
    assert_eq!(document["figures"]["voters"], json!(3));
    assert_eq!(document["figures"]["comments"], json!(1));
    assert_eq!(document["proposals"][0]["id"], json!(f.plain));
    assert_eq!(document["proposals"][0]["votes"]["support"], json!(3));
    assert!(!first.body.contains("@example.org"));
    assert!(!first.body.contains(HIDDEN_TITLE));

    // The same state: the same bytes, and the manifest's hashes are theirs.
    let second = f.app.get(&path).await;
    assert_eq!(first.body, second.body);
    let csv_first = f
        .app
        .get(&format!("/api/v1/procedures/{SLUG}/export.csv"))
        .await;
    let csv_second = f
        .app
        .get(&format!("/api/v1/procedures/{SLUG}/export.csv"))
        .await;
    assert_eq!(csv_first.body, csv_second.body);
    let manifest = f
        .app
        .get(&format!("/api/v1/procedures/{SLUG}/export/manifest.json"))
        .await;
    let manifest = body(&manifest);
    let hash_of = |name: &str| {
        manifest["files"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["name"] == json!(name))
            .unwrap()["sha256"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert_eq!(hash_of("gruen-results.json"), sha256(first.body.as_bytes()));
    assert_eq!(
        hash_of("gruen-proposals.csv"),
        sha256(csv_first.body.as_bytes())
    );
    assert_eq!(manifest["counts"]["votes"], json!(4));

    // A council outcome is a new state: new bytes.
    let recorded = f
        .app
        .json(
            "PUT",
            &format!("/api/v1/proposals/{}/outcome", f.plain),
            json!({ "outcome": "referred", "justification": "An den Bauausschuss." }),
            Some(&f.planner),
        )
        .await;
    assert_eq!(recorded.status, StatusCode::OK, "{}", recorded.body);
    let third = f.app.get(&path).await;
    assert_ne!(first.body, third.body);
}

#[tokio::test]
async fn xlsx_export_has_a_sheet_per_table_and_never_a_formula() {
    use calamine::{Data, Reader, Xlsx};
    let f = fixture().await;
    let response = f
        .app
        .send_raw_get(
            &format!("/api/v1/procedures/{SLUG}/export.xlsx"),
            Some(&f.planner),
        )
        .await;
    assert_eq!(response.0, StatusCode::OK);
    let mut workbook: Xlsx<_> = Xlsx::new(std::io::Cursor::new(response.1)).unwrap();
    assert_eq!(
        workbook.sheet_names(),
        vec!["Kennzahlen", "Vorschläge", "Kommentare", "Moderation"]
    );
    let sheet = workbook.worksheet_range("Vorschläge").unwrap();
    assert_eq!(sheet.get((0, 2)), Some(&Data::String("Titel".to_owned())));
    assert_eq!(sheet.height(), 3, "header and two proposals");
    let titles: Vec<String> = (1..3)
        .filter_map(|row| match sheet.get((row, 2)) {
            Some(Data::String(s)) => Some(s.clone()),
            _ => None,
        })
        .collect();
    assert!(titles.contains(&HOSTILE_TITLE.to_owned()), "{titles:?}");
    let formulas = workbook.worksheet_formula("Vorschläge").unwrap();
    assert!(
        formulas.used_cells().next().is_none(),
        "no cell holds a formula"
    );
    let comments = workbook.worksheet_range("Kommentare").unwrap();
    assert_eq!(comments.height(), 2);
    // The figures sheet: the report's rows, numbers as numbers.
    let figures = workbook.worksheet_range("Kennzahlen").unwrap();
    let value_of = |label: &str| {
        (0..figures.height())
            .find(|row| figures.get((*row, 0)) == Some(&Data::String(label.to_owned())))
            .and_then(|row| figures.get((row, 1)).cloned())
    };
    assert_eq!(value_of("Stimmen"), Some(Data::Float(4.0)));
    assert_eq!(
        value_of("Moderationsentscheidungen"),
        Some(Data::Float(1.0))
    );
}

#[tokio::test]
async fn pdf_report_reads_back_with_figures_umlauts_and_hashes() {
    let f = fixture().await;
    end_voting(&f.app).await;
    let (status, pdf) = f
        .app
        .send_raw_get(&format!("/api/v1/procedures/{SLUG}/export.pdf"), None)
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(pdf.starts_with(b"%PDF-1.7"));
    let text = pdf_text(&pdf);
    for expected in [
        "Ergebnisbericht: Grünflächen im Quartier",
        "Grünflächenamt",
        "Mehr Bäume in der Südstadt",
        "Teilnehmende (online)",
        "Person 1",
        "Zur Methode",
        "SHA-256",
    ] {
        assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
    }
    assert!(!text.contains(HIDDEN_TITLE));
    assert!(!text.contains("@example.org"));
    // The summary page opens the report.
    let summary = text.find("Zusammenfassung").expect("a summary");
    assert!(summary < text.find("Die Vorschläge in der Rangfolge").unwrap());
    assert!(
        text.contains("An erster Stelle steht Vorschlag #"),
        "{text}"
    );
    assert!(text.contains("Zeitraum"));
    assert_tagged_without_overlaps(&pdf);
    let json = f
        .app
        .get(&format!("/api/v1/procedures/{SLUG}/export.json"))
        .await;
    let json_hash = sha256(json.body.as_bytes());
    assert!(
        text.contains(&json_hash),
        "the report prints the JSON's hash"
    );

    // The same report as a printable page: escaped, its own strict policy, the same hash.
    let page = f
        .app
        .get(&format!("/api/v1/procedures/{SLUG}/report.html"))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.header("content-type").starts_with("text/html"));
    assert!(
        page.header("content-security-policy")
            .contains("default-src 'none'")
    );
    assert!(page.body.contains("<html lang=\"de\">"));
    assert!(
        page.body
            .contains("Ergebnisbericht: Grünflächen im Quartier")
    );
    assert!(
        page.body
            .contains("=HYPERLINK(&quot;http://böse.example&quot;")
    );
    assert!(!page.body.contains(HIDDEN_TITLE));
    assert!(page.body.contains(&json_hash));
    let english = f
        .app
        .get(&format!("/api/v1/procedures/{SLUG}/report.html?lang=en"))
        .await;
    assert!(
        english
            .body
            .contains("Results report: Grünflächen im Quartier")
    );
}

/// A 40 × 20 RGBA PNG: a blue bar, transparent around it (zlib with stored blocks).
fn logo_png() -> Vec<u8> {
    let (width, height) = (40u32, 20u32);
    let mut raw = Vec::new();
    for y in 0..height {
        raw.push(0); // filter: none
        for x in 0..width {
            let inside = (4..16).contains(&y) && (2..38).contains(&x);
            raw.extend_from_slice(if inside {
                &[0, 70, 140, 255]
            } else {
                &[0, 0, 0, 0]
            });
        }
    }
    let mut zlib = vec![0x78, 0x01];
    let blocks: Vec<&[u8]> = raw.chunks(65_535).collect();
    for (i, block) in blocks.iter().enumerate() {
        let len = u16::try_from(block.len()).unwrap();
        zlib.push(u8::from(i + 1 == blocks.len()));
        zlib.extend_from_slice(&len.to_le_bytes());
        zlib.extend_from_slice(&(!len).to_le_bytes());
        zlib.extend_from_slice(block);
    }
    let (mut a, mut b) = (1u32, 0u32);
    for byte in &raw {
        a = (a + u32::from(*byte)) % 65_521;
        b = (b + a) % 65_521;
    }
    zlib.extend_from_slice(&((b << 16) | a).to_be_bytes());
    crate::fixtures::png(width, height, 6, &[(b"IDAT", &zlib)])
}

/// The instance's logo (`MITREDEN_LOGO`) heads the summary page: an image with its
/// transparency as a soft mask, decoration to assistive technology (the name follows as
/// text), and the page still tagged, with no words overlapping.
#[tokio::test]
async fn the_instance_logo_heads_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let logo = dir.path().join("logo.png");
    std::fs::write(&logo, logo_png()).unwrap();
    let f = fixture_with(&[("MITREDEN_LOGO", logo.to_str().unwrap())]).await;
    end_voting(&f.app).await;
    let (status, pdf) = f
        .app
        .send_raw_get(&format!("/api/v1/procedures/{SLUG}/export.pdf"), None)
        .await;
    assert_eq!(status, StatusCode::OK);
    let list = poppler(&["pdfimages", "-list"], &pdf);
    let rows: Vec<&str> = list.lines().skip(2).collect();
    assert_eq!(rows.len(), 2, "the logo and its mask:\n{list}");
    assert_eq!(
        rows[0].split_whitespace().next(),
        Some("1"),
        "on page 1:\n{list}"
    );
    assert!(
        rows[0].contains("image") && rows[0].contains(" 40 ") && rows[0].contains(" 20 "),
        "{list}"
    );
    assert!(rows[1].contains("smask"), "{list}");
    assert_tagged_without_overlaps(&pdf);

    // A file that is no image stops the start with the variable's name.
    let broken = dir.path().join("logo.gif");
    std::fs::write(&broken, b"GIF89a").unwrap();
    let refused = server::config::Config::from_sources(
        |name| (name == "MITREDEN_LOGO").then(|| broken.to_string_lossy().into_owned()),
        None,
    );
    assert!(
        refused.is_err_and(|e| e.variable == "MITREDEN_LOGO" && e.problem.contains("PNG or JPEG")),
    );
}

/// The report is a tagged PDF (PDF/UA-1): `pdfinfo` says so and names its title, the
/// structure tree holds the document's headings, tables and figures in reading order, and
/// no two words on a page overlap.
fn assert_tagged_without_overlaps(pdf: &[u8]) {
    let run = |command: &[&str]| poppler(command, pdf);
    let info = run(&["pdfinfo"]);
    assert!(
        info.lines()
            .any(|l| l.starts_with("Tagged:") && l.ends_with("yes")),
        "{info}"
    );
    assert!(
        info.contains("Ergebnisbericht: Grünflächen im Quartier")
            || info.contains("Grünflächen im Quartier"),
        "{info}"
    );
    let structure = run(&["pdfinfo", "-struct-text"]);
    for role in [
        "Document", "H1", "H2", "H3", "P", "Table", "TR", "TH", "TD", "Figure",
    ] {
        assert!(
            structure.lines().any(|l| l.trim_start().starts_with(role)),
            "no {role} in the structure tree:\n{structure}"
        );
    }
    let heading = structure
        .find("Ergebnisbericht")
        .expect("the title in the tree");
    let ranking = structure
        .find("Die Vorschläge in der Rangfolge")
        .expect("the ranking");
    assert!(heading < ranking, "reading order");

    // Word boxes per page, from `pdftotext -bbox`.
    let html = run(&["pdftotext", "-bbox"]);
    for (number, page) in html.split("<page ").skip(1).enumerate() {
        let boxes: Vec<[f64; 4]> = page
            .split("<word ")
            .skip(1)
            .map(|word| {
                let attribute = |name: &str| -> f64 {
                    let start = word.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
                    let end = start + word[start..].find('"').unwrap();
                    word[start..end].parse().unwrap()
                };
                [
                    attribute("xMin"),
                    attribute("yMin"),
                    attribute("xMax"),
                    attribute("yMax"),
                ]
            })
            .collect();
        for (i, a) in boxes.iter().enumerate() {
            for b in &boxes[i + 1..] {
                let overlap_x = a[2].min(b[2]) - a[0].max(b[0]);
                let overlap_y = a[3].min(b[3]) - a[1].max(b[1]);
                assert!(
                    overlap_x <= 0.5 || overlap_y <= 0.5,
                    "words overlap on page {}: {a:?} and {b:?}",
                    number + 1
                );
            }
        }
    }
}

#[tokio::test]
async fn council_outcome_is_shown_to_residents_and_mailed_to_followers() {
    let f = fixture().await;
    let path = format!("/api/v1/proposals/{}/outcome", f.plain);
    let outcome = json!({
        "outcome": "adopted",
        "justification": "Der Rat folgt dem Vorschlag; Pflanzung im Frühjahr.",
        "meeting_date": "2026-11-03"
    });
    // Only planners record outcomes, and only valid ones.
    let denied = f
        .app
        .json("PUT", &path, outcome.clone(), Some(&f.resident))
        .await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN);
    let denied = f
        .app
        .json("PUT", &path, outcome.clone(), Some(&f.moderator))
        .await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN);
    // Not while the participation still runs.
    let early = f
        .app
        .json("PUT", &path, outcome.clone(), Some(&f.planner))
        .await;
    assert_eq!(
        early.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        early.body
    );
    assert!(
        early.body.contains("participation_running"),
        "{}",
        early.body
    );
    end_voting(&f.app).await;
    for bad in [
        json!({ "outcome": "vielleicht", "justification": "" }),
        json!({ "outcome": "adopted", "justification": "", "meeting_date": "2026-02-30" }),
        // A meeting that has not taken place yet.
        json!({ "outcome": "adopted", "justification": "", "meeting_date": "2099-01-01" }),
    ] {
        let response = f.app.json("PUT", &path, bad, Some(&f.planner)).await;
        assert_eq!(
            response.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            response.body
        );
    }
    let hidden = f
        .app
        .json(
            "PUT",
            &format!("/api/v1/proposals/{}/outcome", f.hidden),
            outcome.clone(),
            Some(&f.planner),
        )
        .await;
    assert_eq!(hidden.status, StatusCode::CONFLICT);
    assert_eq!(
        council_decision::Entity::find()
            .count(&f.app.state.db)
            .await
            .unwrap(),
        0
    );

    let mails_before = f.app.mail_count().await;
    let saved = f
        .app
        .json("PUT", &path, outcome.clone(), Some(&f.planner))
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    // The author follows her proposal: she is told, in her language.
    let mail = f.app.last_mail_to("anna@example.org").await;
    assert!(
        mail.body_text
            .contains("Der Rat hat den Vorschlag beschlossen."),
        "{}",
        mail.body_text
    );
    assert!(mail.body_text.contains("Pflanzung im Frühjahr"));
    let mails_after = f.app.mail_count().await;
    // Saving the same outcome again changes nothing and mails nobody.
    let again = f.app.json("PUT", &path, outcome, Some(&f.planner)).await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(f.app.mail_count().await, mails_after);
    assert!(mails_after > mails_before);

    let proposal = f.app.get(&format!("/api/v1/proposals/{}", f.plain)).await;
    assert_eq!(body(&proposal)["outcome"]["outcome"], json!("adopted"));
    let page = f.app.get(&format!("/vorschlaege/{}", f.plain)).await;
    assert!(page.body.contains("Ratsbeschluss"), "{}", page.body);
    assert!(page.body.contains("Pflanzung im Frühjahr"));
    // Removing an outcome: planners only, once.
    let other = format!("/api/v1/proposals/{}/outcome", f.hostile);
    let recorded = f
        .app
        .json(
            "PUT",
            &other,
            json!({ "outcome": "rejected", "justification": "" }),
            Some(&f.planner),
        )
        .await;
    assert_eq!(recorded.status, StatusCode::OK);
    let denied = f
        .app
        .json("DELETE", &other, json!({}), Some(&f.resident))
        .await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN);
    let removed = f
        .app
        .json("DELETE", &other, json!({}), Some(&f.planner))
        .await;
    assert_eq!(removed.status, StatusCode::NO_CONTENT);
    let gone = f
        .app
        .json("DELETE", &other, json!({}), Some(&f.planner))
        .await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);

    // The procedure's page sums the outcomes up.
    let summary = f.app.get(&format!("/verfahren/{SLUG}")).await;
    assert!(summary.body.contains("Was der Rat entschieden hat"));
    let detail = f.app.get(&format!("/api/v1/procedures/{SLUG}")).await;
    assert_eq!(
        body(&detail)["outcomes"],
        json!([{ "outcome": "adopted", "count": 1 }])
    );
    end_voting(&f.app).await;
    let results = f.app.get(&format!("/verfahren/{SLUG}/ergebnisse")).await;
    assert_eq!(results.status, StatusCode::OK);
    assert!(results.body.contains("<svg"));
    assert!(results.body.contains("Was der Rat entschieden hat"));
}

/// A council information system speaking OParl 1.1, on a port of its own.
async fn oparl_server(plain: i64, hostile: i64) -> String {
    use axum::{Json, Router, extract::State, routing::get};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let paper = json!({
        "id": format!("{base}/oparl/paper/1"),
        "type": "https://schema.oparl.org/1.1/Paper",
        "reference": "Drucksache 1234/2026",
        "name": "Ergebnisse der Bürgerbeteiligung Grünflächen",
        "consultation": [
            {
                "id": format!("{base}/oparl/consultation/1"),
                "type": "https://schema.oparl.org/1.1/Consultation",
                "agendaItem": format!("{base}/oparl/agendaitem/1"),
                "meeting": format!("{base}/oparl/meeting/1")
            },
            format!("{base}/oparl/consultation/2"),
            {
                "id": format!("{base}/oparl/consultation/3"),
                "type": "https://schema.oparl.org/1.1/Consultation",
                "agendaItem": format!("{base}/oparl/agendaitem/3")
            }
        ]
    });
    let consultation = json!({
        "id": format!("{base}/oparl/consultation/2"),
        "type": "https://schema.oparl.org/1.1/Consultation",
        "agendaItem": format!("{base}/oparl/agendaitem/2"),
        "meeting": format!("{base}/oparl/meeting/1")
    });
    let items = [
        json!({ "type": "https://schema.oparl.org/1.1/AgendaItem",
                "name": format!("Bürgervorschlag #{plain}: Mehr Bäume"),
                "result": "ungeändert beschlossen",
                "resolutionText": "Die Verwaltung pflanzt 40 Bäume." }),
        json!({ "type": "https://schema.oparl.org/1.1/AgendaItem",
                "name": format!("Bürgervorschlag #{hostile}"),
                "result": "abgelehnt" }),
        json!({ "type": "https://schema.oparl.org/1.1/AgendaItem",
                "name": "Verschiedenes", "result": "zur Kenntnis genommen" }),
    ];
    let meeting = json!({ "type": "https://schema.oparl.org/1.1/Meeting",
                          "name": "Rat", "start": "2026-11-03T16:00:00+01:00" });
    let state = (paper, consultation, items, meeting);
    let app = Router::new()
        .route("/oparl/paper/1", get(|State(s): State<_>| async move { let s: (serde_json::Value, serde_json::Value, [serde_json::Value; 3], serde_json::Value) = s; Json(s.0) }))
        .route("/oparl/consultation/2", get(|State(s): State<_>| async move { let s: (serde_json::Value, serde_json::Value, [serde_json::Value; 3], serde_json::Value) = s; Json(s.1) }))
        .route("/oparl/agendaitem/{n}", get(|State(s): State<_>, axum::extract::Path(n): axum::extract::Path<usize>| async move {
            let s: (serde_json::Value, serde_json::Value, [serde_json::Value; 3], serde_json::Value) = s;
            Json(s.2[n - 1].clone())
        }))
        .route("/oparl/meeting/1", get(|State(s): State<_>| async move { let s: (serde_json::Value, serde_json::Value, [serde_json::Value; 3], serde_json::Value) = s; Json(s.3) }))
        .with_state(state);
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    base
}

/// The import reads from public addresses only: the fixture server on the loopback
/// address is refused unless the operator allows its network, and every failure (a
/// refused address, a closed port, an answer that is not OParl JSON) reads the same.
#[tokio::test]
async fn oparl_import_reads_no_internal_address_and_tells_nothing_about_one() {
    let f = fixture().await;
    end_voting(&f.app).await;
    let base = oparl_server(f.plain, f.hostile).await;
    let path = format!("/api/v1/procedures/{SLUG}/council-paper/import");
    let mut answers = Vec::new();
    for url in [
        format!("{base}/oparl/paper/1"),
        "http://127.0.0.1:9/oparl/paper/1".to_owned(),
        "http://169.254.169.254/latest/meta-data/".to_owned(),
        "http://[::1]:9/".to_owned(),
        "http://localhost:9/".to_owned(),
    ] {
        let refused = f
            .app
            .json("POST", &path, json!({ "url": url }), Some(&f.planner))
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{url}");
        answers.push(refused.body);
    }
    assert!(answers.iter().all(|a| *a == answers[0]), "{answers:?}");
    assert_eq!(
        council_decision::Entity::find()
            .count(&f.app.state.db)
            .await
            .unwrap(),
        0
    );
}

#[tokio::test]
async fn oparl_import_lands_outcomes_on_the_right_proposals() {
    // The fixture server runs on the loopback address: allowed here as a council system
    // inside the city's network would be.
    let f = fixture_with(&[("MITREDEN_OPARL_ALLOW", "127.0.0.1/32")]).await;
    end_voting(&f.app).await;
    let base = oparl_server(f.plain, f.hostile).await;
    let path = format!("/api/v1/procedures/{SLUG}/council-paper/import");
    let denied = f
        .app
        .json(
            "POST",
            &path,
            json!({ "url": format!("{base}/oparl/paper/1") }),
            Some(&f.resident),
        )
        .await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN);
    let unreachable = f
        .app
        .json(
            "POST",
            &path,
            json!({ "url": "http://127.0.0.1:9/oparl/paper/1" }),
            Some(&f.planner),
        )
        .await;
    assert_eq!(unreachable.status, StatusCode::UNPROCESSABLE_ENTITY);
    let not_a_paper = f
        .app
        .json(
            "POST",
            &path,
            json!({ "url": format!("{base}/oparl/meeting/1") }),
            Some(&f.planner),
        )
        .await;
    assert_eq!(not_a_paper.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        council_decision::Entity::find()
            .count(&f.app.state.db)
            .await
            .unwrap(),
        0
    );

    let response = f
        .app
        .json(
            "POST",
            &path,
            json!({ "url": format!("{base}/oparl/paper/1") }),
            Some(&f.planner),
        )
        .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    let report = body(&response);
    assert_eq!(report["recorded"], json!(2));
    assert_eq!(report["unmatched"], json!(["Verschiedenes"]));
    let adopted = council_decision::Entity::find_by_id(f.plain)
        .one(&f.app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(adopted.outcome, CouncilOutcome::Adopted);
    assert_eq!(adopted.justification, "Die Verwaltung pflanzt 40 Bäume.");
    assert_eq!(adopted.meeting_date.unwrap().to_string(), "2026-11-03");
    assert_eq!(adopted.source, app::model::results::DecisionSource::Oparl);
    let rejected = council_decision::Entity::find_by_id(f.hostile)
        .one(&f.app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(rejected.outcome, CouncilOutcome::Rejected);
    let linked = procedure_entity::Entity::find()
        .filter(procedure_entity::Column::Slug.eq(SLUG))
        .one(&f.app.state.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        linked.council_reference.as_deref(),
        Some("Drucksache 1234/2026")
    );

    // Importing again finds nothing new.
    let again = f.app.json("POST", &path, json!({}), Some(&f.planner)).await;
    assert_eq!(body(&again)["recorded"], json!(0));
    assert_eq!(body(&again)["unchanged"], json!(2));
}

#[tokio::test]
async fn planners_dashboard_is_for_planners_only() {
    let f = fixture().await;
    let path = format!("/verwaltung/verfahren/{SLUG}/ergebnisse");
    let page = f
        .app
        .get_with(
            &path,
            &[("cookie", &format!("mitreden_session={}", f.planner))],
        )
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("Ergebnisse und Ratsbeschlüsse"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Beschluss speichern"));
    let resident = f
        .app
        .get_with(
            &path,
            &[("cookie", &format!("mitreden_session={}", f.resident))],
        )
        .await;
    assert_ne!(resident.status, StatusCode::OK);
    // Before voting ends the public page is an ordinary page that says from when the
    // results will be public, and shows none of them.
    let public = f.app.get(&format!("/verfahren/{SLUG}/ergebnisse")).await;
    assert_eq!(public.status, StatusCode::OK);
    assert!(public.body.contains("Ergebnisse ab "), "{}", public.body);
    assert!(!public.body.contains("Rangfolge"));
    let english = f
        .app
        .get_with(
            &format!("/verfahren/{SLUG}/ergebnisse"),
            &[("accept-language", "en")],
        )
        .await;
    assert!(english.body.contains("Results from "), "{}", english.body);
}

/// Every string of the shared hostile-input corpora (the Big List of Naughty Strings and
/// the XSS payloads) as a proposal text comes out of every format inert: CSV parses back
/// to the same rows, JSON and XLSX hold the same strings, the report page holds no markup
/// of theirs, and the PDF is written.
#[tokio::test]
async fn hostile_corpora_come_out_of_every_export_inert() {
    use app::backend::entity::proposal;
    use app::backend::export::clean;
    use sea_orm::ActiveValue::Set;
    let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/data");
    let blns: Vec<String> =
        serde_json::from_str(&std::fs::read_to_string(data.join("blns.json")).unwrap()).unwrap();
    let xss = std::fs::read_to_string(data.join("xss-payloads.txt")).unwrap();
    // PostgreSQL text cannot hold NUL; the application's own validation refuses it too.
    let corpus: Vec<String> = blns
        .into_iter()
        .chain(xss.lines().map(str::to_owned))
        .filter(|s| !s.is_empty() && !s.contains('\0'))
        .collect();

    let f = fixture().await;
    let db = &f.app.state.db;
    let author = proposal::Entity::find_by_id(f.plain)
        .one(db)
        .await
        .unwrap()
        .unwrap();
    let now = Utc::now();
    for chunk in corpus.chunks(100) {
        let rows = chunk.iter().map(|text| proposal::ActiveModel {
            procedure_id: Set(author.procedure_id),
            author_id: Set(author.author_id),
            title: Set("Naughty".to_owned()),
            body: Set(text.clone()),
            source: Set(app::formats::proposals::model::Origin::Online),
            status: Set(app::formats::proposals::model::ProposalStatus::Published),
            visibility: Set(app::model::moderation::Visibility::Visible),
            created_at: Set(now),
            updated_at: Set(now),
            ..Default::default()
        });
        proposal::Entity::insert_many(rows).exec(db).await.unwrap();
    }
    let expected: std::collections::HashSet<String> = corpus.iter().map(|s| clean(s)).collect();
    let base = format!("/api/v1/procedures/{SLUG}");

    // CSV: one row per proposal, every body back as exported (formula-like text behind an
    // apostrophe, line breaks as CRLF inside the field), no override characters left.
    let csv = f
        .app
        .get_as(&format!("{base}/export.csv"), &f.planner)
        .await;
    let rows = csv_rows(&csv);
    assert_eq!(rows.len(), corpus.len() + 2);
    for row in rows.iter().filter(|r| r.get(3) == Some("Naughty")) {
        let body = row.get(4).unwrap().replace("\r\n", "\n");
        let formula_like = |s: &str| s.starts_with(['=', '+', '-', '@']);
        let as_is = expected.contains(&body) && !formula_like(&body);
        let defused = body
            .strip_prefix('\'')
            .is_some_and(|rest| formula_like(rest) && expected.contains(rest));
        assert!(
            as_is || defused,
            "not a corpus string, or a live formula: {body:?}"
        );
        assert!(!body.contains(['\u{202E}', '\u{202D}', '\u{2066}', '\u{2067}']));
    }

    // JSON: valid, and every body is the cleaned corpus string.
    let json = f
        .app
        .get_as(&format!("{base}/export.json"), &f.planner)
        .await;
    let document: serde_json::Value = serde_json::from_str(&json.body).unwrap();
    let bodies: Vec<&str> = document["proposals"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["title"] == json!("Naughty"))
        .map(|p| p["body"].as_str().unwrap())
        .collect();
    assert_eq!(bodies.len(), corpus.len());
    assert!(bodies.iter().all(|b| expected.contains(*b)));

    // XLSX: every body a string cell, none a formula.
    {
        use calamine::{Data, Reader, Xlsx};
        let (status, bytes) = f
            .app
            .send_raw_get(&format!("{base}/export.xlsx"), Some(&f.planner))
            .await;
        assert_eq!(status, StatusCode::OK);
        let mut workbook: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        let sheet = workbook.worksheet_range("Vorschläge").unwrap();
        let strings = (1..sheet.height())
            .filter(|row| sheet.get((*row, 2)) == Some(&Data::String("Naughty".to_owned())))
            .filter(|row| match sheet.get((*row, 3)) {
                Some(Data::String(s)) => expected.contains(s),
                // A text of nothing but control characters is empty once cleaned.
                Some(Data::Empty) | None => expected.contains(""),
                _ => false,
            })
            .count();
        assert_eq!(strings, corpus.len());
        let formulas = workbook.worksheet_formula("Vorschläge").unwrap();
        assert!(formulas.used_cells().next().is_none());
    }

    // The printable report: the payloads are text, never markup.
    let page = f
        .app
        .get_as(&format!("{base}/report.html"), &f.planner)
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let lower = page.body.to_lowercase();
    for live in [
        "<script",
        "<iframe",
        "<svg/onload",
        "href=\"javascript:",
        "<img src=x onerror",
    ] {
        assert!(!lower.contains(live), "{live} is live in the report page");
    }

    // The PDF is written, whatever the text.
    let (status, pdf) = f
        .app
        .send_raw_get(&format!("{base}/export.pdf"), Some(&f.planner))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert!(pdf.starts_with(b"%PDF-1.7") && pdf.ends_with(b"%%EOF\n"));
}

#[tokio::test]
async fn the_open_data_catalogue_lists_published_procedures_with_their_results() {
    let f = fixture().await;
    let catalog = f.app.get("/api/v1/catalog").await;
    assert_eq!(catalog.status, StatusCode::OK);
    assert_eq!(catalog.header("content-type"), "application/ld+json");
    assert!(
        !catalog.header("etag").is_empty(),
        "harvesters revalidate with the tag"
    );
    let document = body(&catalog);
    assert_eq!(document["@type"], json!("dcat:Catalog"));
    let datasets = document["dcat:dataset"].as_array().unwrap();
    assert_eq!(datasets.len(), 1);
    assert_eq!(datasets[0]["dct:title"], json!("Grünflächen im Quartier"));
    assert_eq!(
        datasets[0]["dct:publisher"]["foaf:name"],
        json!("Grünflächenamt")
    );
    assert_eq!(
        datasets[0]["dct:license"]["@id"],
        json!(app::backend::service::catalog::LICENCE_URI)
    );
    // While voting runs there is nothing to download yet.
    assert_eq!(datasets[0]["dcat:distribution"], json!([]));

    end_voting(&f.app).await;
    let dataset = body(
        &f.app
            .get(&format!("/api/v1/procedures/{SLUG}/dataset"))
            .await,
    );
    assert!(dataset["@context"]["dcat"].is_string());
    let distributions = dataset["dcat:distribution"].as_array().unwrap();
    let media: Vec<&str> = distributions
        .iter()
        .map(|d| d["dcat:mediaType"].as_str().unwrap())
        .collect();
    assert_eq!(
        media,
        ["application/json", "text/csv", "application/geo+json"]
    );
    // Every download the catalogue names answers.
    for distribution in distributions {
        let url = distribution["dcat:downloadURL"]["@id"].as_str().unwrap();
        let path = &url[url.find("/api/v1").unwrap()..];
        assert_eq!(f.app.get(path).await.status, StatusCode::OK, "{path}");
    }
    // Drafts are not in the catalogue.
    let planner = &f.planner;
    let unpublished = f
        .app
        .json(
            "PUT",
            &format!("/api/v1/procedures/{SLUG}/publication"),
            json!({ "published": false }),
            Some(planner),
        )
        .await;
    assert!(unpublished.status.is_success());
    assert_eq!(
        body(&f.app.get("/api/v1/catalog").await)["dcat:dataset"],
        json!([])
    );
    assert_eq!(
        f.app
            .get(&format!("/api/v1/procedures/{SLUG}/dataset"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}
