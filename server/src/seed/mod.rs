//! `mitreden seed demo`: realistic German content for trying the platform out. Schedules are
//! laid relative to today, so the demo always shows running, upcoming and finished procedures.

use app::backend::entity::procedure;
use app::backend::service::procedure::{NewPhase, NewProcedure, create};
use app::error::AppError;
use app::formats::proposals::model::VoteRule;
use app::model::account::Role;
use app::model::procedure::{PhaseKind, Slug};
use chrono::{DateTime, Duration, Utc};
use sea_orm::{DatabaseConnection, EntityTrait, PaginatorTrait};

mod budget;
mod participation;
mod places;
pub mod scale;

#[derive(Debug, PartialEq, Eq)]
pub enum SeedOutcome {
    Seeded { procedures: usize },
    SkippedNotEmpty,
}

struct DemoProcedure {
    slug: &'static str,
    title: &'static str,
    summary: &'static str,
    description: &'static str,
    department: &'static str,
    contact: &'static str,
    /// (kind, first day, last day) relative to today.
    phases: &'static [(PhaseKind, i64, i64)],
    rule: VoteRule,
    vote_phase: PhaseKind,
    categories: &'static [&'static str],
}

const DEMO: &[DemoProcedure] = &[
    DemoProcedure {
        slug: "radverkehr-2030",
        title: "Radverkehrskonzept 2030",
        summary: "Wo fehlen Radwege, wo wird es gefährlich? Sammeln Sie mit uns Vorschläge für ein sicheres Radnetz.",
        description: "## Worum es geht\n\nDie Stadt erarbeitet ein neues **Radverkehrskonzept** für die Jahre bis 2030. \
            Ihre Ortskenntnis hilft uns, Lücken im Netz und gefährliche Stellen zu finden.\n\n\
            ## Was mit Ihren Vorschlägen passiert\n\n\
            1. Das Amt für Mobilität prüft jeden Vorschlag fachlich.\n\
            2. Die Vorschläge mit den meisten Unterstützungen stellen wir im Mobilitätsausschuss vor.\n\
            3. Der Stadtrat beschließt das Konzept; hier lesen Sie, was aus Ihrem Vorschlag geworden ist.\n\n\
            Mehr zum bisherigen Stand: [Radverkehr in der Stadt](https://www.musterstadt.example/radverkehr).",
        department: "Amt für Mobilität",
        contact: "Team Radverkehr, radverkehr@musterstadt.example, Telefon 01234 567-410",
        phases: &[
            (PhaseKind::Information, -40, -21),
            (PhaseKind::Proposals, -21, 14),
            (PhaseKind::Evaluation, 14, 80),
        ],
        // Supports are collected while proposals come in, five per person.
        rule: VoteRule::Support { cap: Some(5) },
        vote_phase: PhaseKind::Proposals,
        categories: &["Radwege", "Kreuzungen", "Abstellanlagen", "Sonstiges"],
    },
    DemoProcedure {
        slug: "marktplatz-neugestaltung",
        title: "Neugestaltung des Marktplatzes",
        summary: "Mehr Schatten, mehr Sitzplätze, weniger Parkplätze? Diskutieren Sie die drei Entwürfe für den Marktplatz.",
        description: "## Drei Entwürfe, eine Entscheidung\n\n\
            Nach dem Architektenwettbewerb liegen **drei Entwürfe** für den Marktplatz vor. \
            Sie unterscheiden sich bei Bäumen, Wasserspiel und der Zahl der Marktstände.\n\n\
            Die Entwürfe hängen bis zum Ende der Diskussion auch im Foyer des Rathauses aus. \
            Beiträge aus der Bürgerversammlung tragen wir hier ein, damit alle Stimmen an einem Ort stehen.",
        department: "Stadtplanungsamt",
        contact: "Frau Dr. Özdemir-Weiß, stadtplanung@musterstadt.example, Telefon 01234 567-610",
        phases: &[
            (PhaseKind::Information, -20, -12),
            (PhaseKind::Proposals, -12, -3),
            (PhaseKind::Discussion, -3, 25),
            (PhaseKind::Evaluation, 25, 60),
        ],
        // Ideas are rated up or down while they are discussed.
        rule: VoteRule::Rating,
        vote_phase: PhaseKind::Discussion,
        categories: &["Grün und Schatten", "Aufenthalt", "Markt und Verkehr"],
    },
    DemoProcedure {
        slug: "buergerhaushalt-2027",
        title: "Bürgerhaushalt 2027",
        summary: "500.000 Euro für Ideen aus der Bürgerschaft: Ab nächstem Monat können Sie Projekte vorschlagen und abstimmen.",
        description: "## So funktioniert der Bürgerhaushalt\n\n\
            Die Stadt stellt **500.000 Euro** aus dem Haushalt 2027 für Projekte bereit, die Bürgerinnen und Bürger \
            vorschlagen. Jede Person hat bei der Abstimmung fünf Unterstützungen.\n\n\
            | Phase | Was Sie tun können |\n|---|---|\n\
            | Vorschläge | Projekte bis 50.000 Euro einreichen |\n\
            | Abstimmung | bis zu fünf Projekte unterstützen |",
        department: "Kämmerei",
        contact: "buergerhaushalt@musterstadt.example",
        phases: &[
            (PhaseKind::Information, 20, 30),
            (PhaseKind::Proposals, 30, 60),
            (PhaseKind::Voting, 60, 80),
        ],
        rule: VoteRule::Support { cap: Some(5) },
        vote_phase: PhaseKind::Voting,
        categories: &["Bildung", "Kultur", "Sport", "Umwelt", "Soziales"],
    },
    DemoProcedure {
        slug: budget::SLUG,
        title: "Bürgerbudget 2026",
        summary: "180.000 Euro für die Stadtbezirke Nord und Süd: Stimmen Sie ab, welche Projekte gebaut werden.",
        description: "## So funktioniert das Bürgerbudget\n\n\
            Jeder Stadtbezirk hat ein eigenes Budget. Die Projekte haben Bürgerinnen und Bürger \
            vorgeschlagen; die Fachämter haben sie geprüft und die Kosten geschätzt. Auf dem \
            Stimmzettel stehen nur Projekte, die umsetzbar sind.\n\n\
            - **Nord:** Sie verteilen bis zu 100.000 Euro auf die Projekte, die Sie bauen möchten.\n\
            - **Süd:** Sie wählen bis zu drei Projekte; gefördert wird nach Stimmen, solange das Geld reicht.\n\n\
            Ihr Stimmzettel zählt erst, wenn Sie ihn abgeben. Bis zum Ende der Abstimmung können \
            Sie ihn zurückziehen und ändern. Das Ergebnis und die Stimmzettel-Datei zum Nachrechnen \
            veröffentlichen wir hier.",
        department: "Kämmerei, Team Bürgerbudget",
        contact: "buergerbudget@musterstadt.example, Telefon 01234 567-230",
        phases: &[
            (PhaseKind::Information, -30, -10),
            (PhaseKind::Voting, -10, 14),
            (PhaseKind::Evaluation, 14, 45),
        ],
        rule: VoteRule::Support { cap: Some(5) },
        vote_phase: PhaseKind::Voting,
        categories: &[],
    },
    DemoProcedure {
        slug: budget::FINISHED_SLUG,
        title: "Bürgerbudget 2025",
        summary: "Fünf Projekte werden gebaut: Sehen Sie das Ergebnis der Abstimmung, was der Stadtrat beschlossen hat und wie weit die Umsetzung ist.",
        description: "## Das Ergebnis\n\n\
            120.000 Euro standen für Projekte aus der ganzen Stadt bereit. Jede Person konnte bis zu \
            drei Projekte wählen; gefördert wurde nach Stimmen, solange das Geld reichte.\n\n\
            Der Stadtrat hat das Ergebnis bestätigt. Wie weit die Projekte gebaut sind, lesen Sie \
            bei jedem Projekt unter „Umsetzung“.",
        department: "Kämmerei, Team Bürgerbudget",
        contact: "buergerbudget@musterstadt.example, Telefon 01234 567-230",
        phases: &[
            (PhaseKind::Information, -430, -410),
            (PhaseKind::Voting, -410, -390),
            (PhaseKind::Evaluation, -390, -340),
            (PhaseKind::Closed, -340, -339),
        ],
        rule: VoteRule::Support { cap: Some(5) },
        vote_phase: PhaseKind::Voting,
        categories: &[],
    },
    DemoProcedure {
        slug: "spielplaetze-nord",
        title: "Spielplätze im Stadtteil Nord",
        summary: "Kinder und Eltern haben mitbestimmt, wie die vier Spielplätze im Norden erneuert werden.",
        description: "## Ergebnis\n\nÜber 300 Familien haben mitgemacht. Der Jugendhilfeausschuss hat die drei \
            meistunterstützten Vorschläge übernommen; der Umbau beginnt im Frühjahr.",
        department: "Grünflächenamt",
        contact: "gruenflaechen@musterstadt.example",
        phases: &[
            (PhaseKind::Proposals, -200, -160),
            (PhaseKind::Voting, -160, -140),
            (PhaseKind::Evaluation, -140, -90),
            (PhaseKind::Closed, -90, -89),
        ],
        rule: VoteRule::Support { cap: None },
        vote_phase: PhaseKind::Voting,
        categories: &[],
    },
];

/// Settings for the services the seed calls: links in the mail they queue go nowhere (that
/// mail is dropped at the end of the seed).
fn quiet_site() -> app::backend::state::SiteSettings {
    app::backend::state::SiteSettings {
        tiles: None,
        instance_name: String::new(),
        data_dir: std::path::PathBuf::new(),
        public_url: String::new(),
        logo: None,
        oparl_allowed: app::backend::proxies::Networks::default(),
    }
}

/// The demo accounts, one per role. Their passwords are public: never seed a real instance.
pub const DEMO_ACCOUNTS: [(&str, &str, Role); 4] = [
    ("bewohnerin@mitreden.test", "Anna Beispiel", Role::Resident),
    (
        "moderation@mitreden.test",
        "Moritz Moderation",
        Role::Moderator,
    ),
    ("planung@mitreden.test", "Paula Planung", Role::Planner),
    ("admin@mitreden.test", "Ada Admin", Role::Admin),
];
pub const DEMO_PASSWORD: &str = "Mitreden-Demo-2026";

pub const DEMO_ACCOUNTS_NOTE: &str = "demo accounts (password Mitreden-Demo-2026 for all):
  bewohnerin@mitreden.test   resident
  moderation@mitreden.test   moderator
  planung@mitreden.test      planner
  admin@mitreden.test        admin";

/// Creates the demo procedures and accounts; a demo photo is stored in `data_dir`. With `if_empty`, does nothing when any
/// procedure exists, so `make run` can call it every time.
pub async fn demo(
    db: &DatabaseConnection,
    data_dir: &std::path::Path,
    now: DateTime<Utc>,
    if_empty: bool,
) -> Result<SeedOutcome, AppError> {
    if if_empty {
        let existing = procedure::Entity::find()
            .count(db)
            .await
            .map_err(app::backend::db::storage_error)?;
        if existing > 0 {
            return Ok(SeedOutcome::SkippedNotEmpty);
        }
    }
    let today = now
        .date_naive()
        .and_hms_opt(8, 0, 0)
        .map(|t| t.and_utc())
        .unwrap_or(now);
    for demo in DEMO {
        let phases = demo
            .phases
            .iter()
            .map(|(kind, from, to)| NewPhase {
                kind: *kind,
                starts_at: today + Duration::days(*from),
                ends_at: today + Duration::days(*to),
            })
            .collect();
        create(
            db,
            NewProcedure {
                slug: Slug::parse(demo.slug)?,
                title: demo.title.to_owned(),
                summary: demo.summary.to_owned(),
                description: demo.description.to_owned(),
                department: demo.department.to_owned(),
                contact: demo.contact.to_owned(),
                phases,
                rule: demo.rule,
                vote_phase: demo.vote_phase,
                categories: demo.categories.iter().map(|c| (*c).to_owned()).collect(),
                published: true,
                moderation: app::model::moderation::ModerationMode::Post,
            },
            now,
        )
        .await?;
    }
    let mut accounts = Vec::new();
    for (email, name, role) in DEMO_ACCOUNTS {
        let id = app::backend::service::account::create_verified(
            db,
            email,
            name,
            DEMO_PASSWORD,
            role,
            now,
        )
        .await?;
        accounts.push((id, role));
    }
    crate::districts::seed_demo(db).await?;
    crate::districts::seed_demo_addresses(db).await?;
    let people = participation::seed(db, &accounts, today).await?;
    let planner = people.last().ok_or(AppError::Internal)?;
    budget::seed(db, &people, planner, today).await?;
    budget::seed_finished(db, data_dir, &people, planner, today).await?;
    // The mail the demo contributions caused (receipts, notifications): nobody asked for it.
    use app::backend::entity::outbox_email;
    use sea_orm::{ColumnTrait, QueryFilter};
    outbox_email::Entity::delete_many()
        .filter(outbox_email::Column::ToAddress.like("%@mitreden.test"))
        .exec(db)
        .await
        .map_err(app::backend::db::storage_error)?;
    Ok(SeedOutcome::Seeded {
        procedures: DEMO.len(),
    })
}
