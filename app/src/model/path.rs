//! The addresses of the app's pages, built in one place, and return addresses: where a
//! person goes back to after signing in, registering or confirming their address. Only
//! paths on this site are followed (no open redirect). The route table (`app.rs`) and the
//! server's upload routes declare the same paths as patterns.

use crate::model::text::encode_component;

/// The query parameter that carries a return address through sign-in and registration.
pub const RETURN_PARAM: &str = "zurueck";

/// The planners' overview of every procedure.
pub const PLANNER_OVERVIEW: &str = "/verwaltung/verfahren";

/// The city's districts: the planners' list and the import form's target.
pub const DISTRICTS: &str = "/verwaltung/stadtteile";
/// Where the planners' page posts the address list (a multipart form).
pub const ADDRESSES: &str = "/verwaltung/adressen";

/// Longer return addresses are dropped rather than cut (a cut one could lead elsewhere).
const MAX_LEN: usize = 1000;

/// `back` if it is a path on this site: it starts with one slash, names no other host
/// (`//host`, `/\host`) and holds no control characters.
pub fn local_path(back: &str) -> Option<&str> {
    let local = back.starts_with('/')
        && !back.starts_with("//")
        && !back.contains('\\')
        && back.len() <= MAX_LEN
        && !back.chars().any(char::is_control);
    local.then_some(back)
}

/// A link to `page` (such as `/anmelden`) that returns to `back` afterwards; just `page`
/// when `back` is not a local path, is the page itself, or is the start page (from there a
/// sign-in leads to the work of the person's role).
pub fn with_return(page: &str, back: &str) -> String {
    match local_path(back) {
        Some(back) if !back.starts_with(page) && back != "/" => {
            format!("{page}?{RETURN_PARAM}={}", encode_component(back))
        }
        _ => page.to_owned(),
    }
}

/// A proposal's page.
pub fn proposal(id: i64) -> String {
    format!("/vorschlaege/{id}")
}

/// A comment, in its proposal's thread.
pub fn comment(proposal_id: i64, comment_id: i64) -> String {
    format!("/vorschlaege/{proposal_id}?comment={comment_id}#kommentar-{comment_id}")
}

/// A procedure's page.
pub fn procedure(slug: &str) -> String {
    format!("/verfahren/{slug}")
}

/// A budget's page with its ballot.
pub fn budget(slug: &str, id: i64) -> String {
    format!("/verfahren/{slug}/budget/{id}")
}

/// The ballot on a budget's page, where its forms send the person back.
pub fn budget_ballot(slug: &str, id: i64) -> String {
    format!("{}#stimmzettel", budget(slug, id))
}

/// A budget's results.
pub fn budget_results(slug: &str, id: i64) -> String {
    format!("/verfahren/{slug}/budget/{id}/ergebnis")
}

/// A budget's ballot file (pabulib), from the REST API.
pub fn budget_ballot_file(id: i64) -> String {
    format!("/api/v1/budgets/{id}/export.pb")
}

/// The planners' page of a procedure's budgets.
pub fn budgets_desk(slug: &str) -> String {
    format!("/verwaltung/verfahren/{slug}/budgets")
}

/// The planners' page of one budget: its settings, projects and paper batches.
pub fn budget_desk(id: i64) -> String {
    format!("/verwaltung/budgets/{id}")
}

/// The planners' page of one project of a budget.
pub fn project_desk(id: i64) -> String {
    format!("/verwaltung/budget-projekte/{id}")
}

/// The planners' page of one batch of paper ballots.
pub fn batch_desk(id: i64) -> String {
    format!("/verwaltung/papierstapel/{id}")
}

/// The form for a new proposal in a procedure.
pub fn new_proposal(slug: &str) -> String {
    format!("/verfahren/{slug}/vorschlag-neu")
}

/// A procedure's public moderation ledger.
pub fn procedure_ledger(slug: &str) -> String {
    format!("/verfahren/{slug}/moderation")
}

/// A procedure's public results.
pub fn results(slug: &str) -> String {
    format!("/verfahren/{slug}/ergebnisse")
}

/// Planners: the editor of a procedure.
pub fn procedure_editor(slug: &str) -> String {
    format!("/verwaltung/verfahren/{slug}/bearbeiten")
}

/// Planners: the form posting a procedure's image (a multipart upload, not a server
/// function).
pub fn procedure_image(slug: &str) -> String {
    format!("/verwaltung/verfahren/{slug}/bild")
}

/// A proposal's photos: its author adds and removes them there, moderators hide them.
pub fn proposal_photos(proposal_id: i64) -> String {
    format!("/vorschlaege/{proposal_id}/fotos")
}

/// Where the form that adds a photo to a proposal posts to.
pub fn proposal_photo_upload(proposal_id: i64) -> String {
    format!("/vorschlaege/{proposal_id}/fotos/neu")
}

/// Where the form that removes a proposal's photo (or changes its text) posts to.
pub fn proposal_photo(photo_id: i64) -> String {
    format!("/fotos/{photo_id}")
}

/// Planners: one adopted proposal's implementation (record its entries and their photos).
pub fn implementation_desk(proposal_id: i64) -> String {
    format!("/verwaltung/vorschlaege/{proposal_id}/umsetzung")
}

/// Where the photo form of an implementation entry posts to.
pub fn implementation_photo(entry_id: i64) -> String {
    format!("/verwaltung/umsetzung/{entry_id}/foto")
}

/// Planners: one proposal's expert opinion (ask for it, enter the answer).
pub fn opinion_desk(proposal_id: i64) -> String {
    format!("/verwaltung/stellungnahmen/{proposal_id}")
}

/// Planners: a procedure's expert opinions, open ones by due date.
pub fn opinions(slug: &str) -> String {
    format!("/verwaltung/verfahren/{slug}/stellungnahmen")
}

/// Planners: a procedure's area (from districts or a file); the file form's target.
pub fn procedure_area(slug: &str) -> String {
    format!("/verwaltung/verfahren/{slug}/gebiet")
}

/// A contribution's place drawn as a map (SVG, by the server).
pub fn place_map(proposal_id: i64) -> String {
    format!("/karten/vorschlaege/{proposal_id}")
}

/// A procedure's area drawn as a map (SVG, by the server).
pub fn area_map(slug: &str) -> String {
    format!("/karten/verfahren/{slug}/gebiet")
}

/// A procedure's contributions by district, drawn as a map (SVG, by the server).
pub fn results_map(slug: &str) -> String {
    format!("/karten/verfahren/{slug}/ergebnis")
}

/// A procedure's votes by district, drawn as a map (SVG, by the server).
pub fn results_votes_map(slug: &str) -> String {
    format!("/karten/verfahren/{slug}/ergebnis?nach=stimmen")
}

/// Planners: a procedure's results dashboard (figures, council paper, outcomes).
pub fn results_dashboard(slug: &str) -> String {
    format!("/verwaltung/verfahren/{slug}/ergebnisse")
}

/// Planners: the import of contributions collected on site.
pub fn onsite_import(slug: &str) -> String {
    format!("/verwaltung/verfahren/{slug}/vor-ort-import")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_paths_on_this_site_are_return_addresses() {
        assert_eq!(
            local_path("/vorschlaege/3#abstimmung"),
            Some("/vorschlaege/3#abstimmung")
        );
        for hostile in [
            "//evil.example/",
            "/\\evil.example",
            "https://evil.example/",
            "javascript:alert(1)",
            "/a\nLocation: x",
            "",
        ] {
            assert_eq!(local_path(hostile), None, "{hostile:?}");
        }
        assert_eq!(local_path(&format!("/{}", "a".repeat(MAX_LEN))), None);
    }

    #[test]
    fn sign_in_links_carry_the_page_they_came_from() {
        assert_eq!(
            with_return(
                "/anmelden",
                "/verfahren/radverkehr-2030?sort=newest#vorschlaege"
            ),
            "/anmelden?zurueck=%2Fverfahren%2Fradverkehr-2030%3Fsort%3Dnewest%23vorschlaege"
        );
        assert_eq!(
            with_return("/anmelden", "/anmelden?status=logged_out"),
            "/anmelden"
        );
        assert_eq!(with_return("/anmelden", "//evil.example"), "/anmelden");
        assert_eq!(with_return("/anmelden", "/"), "/anmelden");
    }
}
