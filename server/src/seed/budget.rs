//! The demo's Bürgerbudgets: this year's, whose vote is running, with a budget for each of
//! two districts (one spends money, one counts projects); and last year's, whose result the
//! council has confirmed and whose projects are being built. Projects the departments have
//! checked, ballots from the demo residents, outcomes and progress are written through the
//! services residents and planners use, at the moments the schedule allowed them.

use app::backend::auth::CurrentUser;
use app::error::AppError;
use app::formats::budget::model::{
    BallotInput, BallotRule, BudgetInput, Feasibility, ProjectInput, ProjectPatch, ResultMethod,
};
use app::formats::budget::service::{ballot, budget, council, implementation, project};
use app::model::implementation::{ImplementationInput, ImplementationStatus};
use app::model::procedure::Slug;
use app::model::results::{CouncilOutcome, DecisionSource, OutcomeForm};
use chrono::{DateTime, Duration, Utc};
use sea_orm::DatabaseConnection;
use std::path::Path;

pub const SLUG: &str = "buergerbudget-2026";

struct DemoBudget {
    title: &'static str,
    district: Option<&'static str>,
    total_euros: i64,
    rule: BallotRule,
    method: ResultMethod,
    projects: &'static [DemoProject],
    /// Each ballot: the resident (index into the demo residents), the projects (1-based
    /// indices into `projects`), and whether it was submitted or left as a draft.
    ballots: &'static [(usize, &'static [usize], bool)],
}

struct DemoProject {
    title: &'static str,
    description: &'static str,
    cost_euros: i64,
    unit: &'static str,
    opinion: &'static str,
    /// The 1-based index of a project this one excludes (they need the same place).
    excludes: Option<usize>,
}

const BUDGETS: &[DemoBudget] = &[
    DemoBudget {
        title: "Bürgerbudget Stadtbezirk Nord",
        district: Some("Nord"),
        total_euros: 100_000,
        rule: BallotRule::Knapsack {
            min_spend_percent: 0,
            min_projects: 1,
            max_projects: None,
        },
        method: ResultMethod::EqualShares,
        projects: &[
            DemoProject {
                title: "Trinkbrunnen am Nordpark",
                description: "Ein Trinkbrunnen am Eingang Parkstraße, mit Wasser von April bis Oktober.\nGerade an heißen Tagen für Kinder, Ältere und Sportgruppen wichtig.",
                cost_euros: 18_000,
                unit: "Stadtwerke, Wasserversorgung",
                opinion: "Umsetzbar. Ein Wasseranschluss liegt am Parkeingang; die Kosten enthalten Anschluss, Brunnen und fünf Jahre Wartung.",
                excludes: None,
            },
            DemoProject {
                title: "Überdachte Fahrradbügel an der Grundschule Nord",
                description: "Vierzig überdachte Stellplätze vor dem Haupteingang der Grundschule, damit Räder im Regen trocken bleiben.",
                cost_euros: 24_000,
                unit: "Amt für Mobilität",
                opinion: "Umsetzbar auf der Fläche vor dem Haupteingang; die Schule hat zugestimmt.",
                excludes: None,
            },
            DemoProject {
                title: "Bänke und Schatten am Spielplatz Lindenweg",
                description: "Sechs Bänke und zwei Sonnensegel, damit Eltern und Großeltern am Spielplatz im Schatten sitzen können.",
                cost_euros: 32_000,
                unit: "Grünflächenamt",
                opinion: "Umsetzbar. Die Sonnensegel werden im Winter abgebaut; das ist in den Kosten enthalten.",
                excludes: None,
            },
            DemoProject {
                title: "Offener Bücherschrank am Bürgerhaus Nord",
                description: "Ein wetterfester Bücherschrank zum Tauschen von Büchern, betreut vom Bürgerverein.",
                cost_euros: 6_500,
                unit: "Kulturamt",
                opinion: "Umsetzbar; der Bürgerverein Nord übernimmt die Betreuung.",
                excludes: None,
            },
            DemoProject {
                title: "Bolzplatz Wiesengrund sanieren",
                description: "Neuer Belag, neue Tore und ein Ballfangzaun für den Bolzplatz auf der Fläche Wiesengrund.",
                cost_euros: 38_000,
                unit: "Sportamt",
                opinion: "Umsetzbar. Der Bolzplatz und die Hundewiese brauchen dieselbe Fläche: Es kann nur eines von beiden kommen.",
                excludes: Some(6),
            },
            DemoProject {
                title: "Hundewiese auf der Fläche Wiesengrund",
                description: "Eine eingezäunte Auslauffläche für Hunde mit Bank, Wasserstelle und Kotbeutelspender.",
                cost_euros: 22_000,
                unit: "Grünflächenamt",
                opinion: "Umsetzbar. Die Fläche ist dieselbe wie beim Bolzplatz: Es kann nur eines von beiden kommen.",
                excludes: None,
            },
        ],
        ballots: &[
            (0, &[1, 2, 3, 4], true),
            (1, &[1, 5, 4], true),
            (2, &[2, 3, 6], true),
            (3, &[1, 3, 4, 6], true),
            (4, &[5, 2, 1], true),
            (5, &[3, 4], true),
        ],
    },
    DemoBudget {
        title: "Bürgerbudget Stadtbezirk Süd",
        district: Some("Süd"),
        total_euros: 80_000,
        rule: BallotRule::Approval {
            min_projects: 1,
            max_projects: 3,
        },
        method: ResultMethod::Greedy,
        projects: &[
            DemoProject {
                title: "Sitzgruppen am Südufer",
                description: "Drei Sitzgruppen mit Tisch am Flussufer zwischen Mühlensteg und Südbrücke.",
                cost_euros: 15_000,
                unit: "Grünflächenamt",
                opinion: "Umsetzbar; die Standorte liegen außerhalb des Überschwemmungsgebiets.",
                excludes: None,
            },
            DemoProject {
                title: "Calisthenics-Anlage im Südpark",
                description: "Reckstangen, Barren und Sprossenwand für Training im Freien, frei zugänglich.",
                cost_euros: 35_000,
                unit: "Sportamt",
                opinion: "Umsetzbar auf der Wiese neben dem Basketballfeld.",
                excludes: None,
            },
            DemoProject {
                title: "Querungshilfe vor der Kita Sonnenblume",
                description: "Eine Mittelinsel auf der Gartenstraße, damit Kinder und Eltern sicher die Straße queren.",
                cost_euros: 28_000,
                unit: "Tiefbauamt",
                opinion: "Umsetzbar; die Straße ist breit genug, zwei Parkplätze entfallen.",
                excludes: None,
            },
            DemoProject {
                title: "Lastenrad zum Ausleihen im Stadtteilbüro",
                description: "Ein elektrisches Lastenrad, das alle im Stadtteilbüro kostenlos ausleihen können.",
                cost_euros: 7_500,
                unit: "Amt für Mobilität",
                opinion: "Umsetzbar; das Stadtteilbüro übernimmt Ausleihe und Pflege.",
                excludes: None,
            },
            DemoProject {
                title: "Streuobstwiese am Mühlbach",
                description: "Zwanzig alte Obstsorten auf der städtischen Wiese am Mühlbach; das Obst darf jede und jeder ernten.",
                cost_euros: 14_000,
                unit: "Grünflächenamt",
                opinion: "Umsetzbar; die Kosten enthalten drei Jahre Pflege der jungen Bäume.",
                excludes: None,
            },
            DemoProject {
                title: "Kletterwand in der Turnhalle Süd",
                description: "Eine Boulderwand für Schule und Vereine, am Wochenende offen für alle.",
                cost_euros: 26_000,
                unit: "Schulverwaltungsamt",
                opinion: "Umsetzbar an der Stirnwand der Turnhalle; Fallschutzmatten sind in den Kosten enthalten.",
                excludes: None,
            },
        ],
        ballots: &[
            (0, &[1, 2], true),
            (1, &[2, 4, 5], true),
            (2, &[3, 5], true),
            (3, &[2, 3, 6], true),
            (4, &[1, 5, 6], true),
            (5, &[4], false),
        ],
    },
];

/// Sets the budgets up eleven days ago (before voting started, while everything could still
/// change) and casts the ballots today. `people` are the demo residents, `planner` the demo
/// planner.
pub async fn seed(
    db: &DatabaseConnection,
    people: &[CurrentUser],
    planner: &CurrentUser,
    today: DateTime<Utc>,
) -> Result<(), AppError> {
    let slug = Slug::parse(SLUG)?;
    for demo in BUDGETS {
        set_up(
            db,
            people,
            planner,
            &slug,
            demo,
            today - Duration::days(11),
            today,
        )
        .await?;
    }
    Ok(())
}

/// Creates `demo` in the procedure at `slug` at the moment `before` (its vote not yet
/// begun), with its projects checked and selected, and casts its ballots at `voting`.
/// Returns the budget and its projects, in the order of `demo.projects`.
async fn set_up(
    db: &DatabaseConnection,
    people: &[CurrentUser],
    planner: &CurrentUser,
    slug: &Slug,
    demo: &DemoBudget,
    before: DateTime<Utc>,
    voting: DateTime<Utc>,
) -> Result<(i64, Vec<i64>), AppError> {
    let site = super::quiet_site();
    let created = budget::create(
        db,
        planner,
        slug,
        BudgetInput {
            title: demo.title.to_owned(),
            district: demo.district.map(str::to_owned),
            total_cents: demo.total_euros * 100,
            rule: demo.rule,
            method: demo.method,
            reminder_days: None,
            // The demo residents vote in both districts.
            one_district: false,
        },
        before,
    )
    .await?;
    let mut ids = Vec::new();
    for p in demo.projects {
        let input = ProjectInput {
            proposal_id: None,
            title: Some(p.title.to_owned()),
            description: Some(p.description.to_owned()),
            cost_cents: p.cost_euros * 100,
            district: demo.district.map(str::to_owned),
            responsible_unit: Some(p.unit.to_owned()),
        };
        ids.push(
            project::create(db, planner, created.id, input, before)
                .await?
                .id,
        );
    }
    for (p, id) in demo.projects.iter().zip(&ids) {
        let excludes = p
            .excludes
            .map(|other| nth(&ids, other).map(|id| vec![id]))
            .transpose()?;
        let patch = ProjectPatch {
            feasibility: Some(Feasibility::Feasible),
            feasibility_reason: Some(p.opinion.to_owned()),
            selected: Some(true),
            excludes,
            ..ProjectPatch::default()
        };
        project::update(db, &site, planner, *id, patch, before).await?;
    }
    for (person, chosen, submit) in demo.ballots {
        let voter = people.get(*person).ok_or(AppError::Internal)?;
        let project_ids = chosen
            .iter()
            .map(|n| nth(&ids, *n))
            .collect::<Result<_, _>>()?;
        let input = BallotInput {
            project_ids,
            points: None,
        };
        ballot::save(db, voter, created.id, input, voting).await?;
        if *submit {
            ballot::submit(db, &site, voter, created.id, voting).await?;
        }
    }
    Ok((created.id, ids))
}

/// The id of the `n`th (1-based) project.
fn nth(ids: &[i64], n: usize) -> Result<i64, AppError> {
    n.checked_sub(1)
        .and_then(|i| ids.get(i))
        .copied()
        .ok_or(AppError::Internal)
}

/// Last year's Bürgerbudget: voting is over, the council has confirmed the result, and the
/// funded projects are being built (one of them with a photo of what was built).
pub const FINISHED_SLUG: &str = "buergerbudget-2025";

const FINISHED: DemoBudget = DemoBudget {
    title: "Bürgerbudget 2025",
    district: None,
    total_euros: 120_000,
    rule: BallotRule::Approval {
        min_projects: 1,
        max_projects: 3,
    },
    method: ResultMethod::Greedy,
    projects: &[
        DemoProject {
            title: "Sitzgruppe mit Tisch am Stadtteilplatz West",
            description: "Ein Tisch mit zwei Bänken unter der Linde am Stadtteilplatz, für Nachbarschaftstreffen, Brotzeit und Schach.",
            cost_euros: 14_000,
            unit: "Grünflächenamt",
            opinion: "Umsetzbar; der Bauhof stellt die Sitzgruppe auf und übernimmt die Pflege.",
            excludes: None,
        },
        DemoProject {
            title: "Blühwiese statt Rasen an der Ringstraße",
            description: "Der Rasenstreifen an der Ringstraße wird zur Blühwiese mit heimischen Pflanzen für Bienen und Schmetterlinge.",
            cost_euros: 9_500,
            unit: "Grünflächenamt",
            opinion: "Umsetzbar; gemäht wird dann nur noch zweimal im Jahr.",
            excludes: None,
        },
        DemoProject {
            title: "Beleuchteter Fußweg zum Bahnhof West",
            description: "Zwölf Leuchten auf dem Fußweg zwischen Siedlung und Bahnhof West, der abends dunkel und unübersichtlich ist.",
            cost_euros: 46_000,
            unit: "Tiefbauamt",
            opinion: "Umsetzbar mit insektenfreundlichen LED-Leuchten; der Stromanschluss liegt am Bahnhof.",
            excludes: None,
        },
        DemoProject {
            title: "Tischtennisplatte im Hofgarten",
            description: "Eine wetterfeste Tischtennisplatte aus Beton auf der Wiese im Hofgarten.",
            cost_euros: 6_000,
            unit: "Sportamt",
            opinion: "Umsetzbar auf der ebenen Fläche neben dem Spielplatz.",
            excludes: None,
        },
        DemoProject {
            title: "Skateanlage am Sportzentrum",
            description: "Eine Skateanlage mit Rampen, Rails und Bowl für Jugendliche auf dem Parkplatz hinter dem Sportzentrum.",
            cost_euros: 85_000,
            unit: "Sportamt",
            opinion: "Umsetzbar; der Lärmschutz zur Wohnbebauung ist in den Kosten enthalten.",
            excludes: None,
        },
        DemoProject {
            title: "Nistkästen für Mauersegler am Rathaus",
            description: "Zwanzig Nistkästen unter der Dachtraufe des Rathauses für die Mauersegler, die dort ihre Brutplätze verloren haben.",
            cost_euros: 4_000,
            unit: "Umweltamt",
            opinion: "Umsetzbar; die Untere Naturschutzbehörde begleitet die Montage.",
            excludes: None,
        },
    ],
    ballots: &[
        (0, &[1, 3, 5], true),
        (1, &[1, 2, 5], true),
        (2, &[3, 1, 4], true),
        (3, &[5, 2], true),
        (4, &[1, 3, 2], true),
        (5, &[2, 4, 6], true),
    ],
};

/// What the council decided on each project of [`FINISHED`], in its order.
const FINISHED_OUTCOMES: [(CouncilOutcome, &str); 6] = [
    (
        CouncilOutcome::Adopted,
        "Der Stadtrat bestätigt das Ergebnis der Abstimmung; die Mittel stehen im Haushalt bereit.",
    ),
    (
        CouncilOutcome::Adopted,
        "Der Stadtrat bestätigt das Ergebnis der Abstimmung; die Mittel stehen im Haushalt bereit.",
    ),
    (
        CouncilOutcome::Adopted,
        "Der Stadtrat bestätigt das Ergebnis der Abstimmung; die Mittel stehen im Haushalt bereit.",
    ),
    (
        CouncilOutcome::Adopted,
        "Der Stadtrat bestätigt das Ergebnis der Abstimmung; die Mittel stehen im Haushalt bereit.",
    ),
    (
        CouncilOutcome::Referred,
        "Die Skateanlage passte nicht mehr ins Budget. Der Stadtrat verweist sie an den Sportausschuss, der sie für den Sportstättenplan 2027 prüft.",
    ),
    (
        CouncilOutcome::Adopted,
        "Der Stadtrat bestätigt das Ergebnis der Abstimmung; die Mittel stehen im Haushalt bereit.",
    ),
];

/// How the funded projects of [`FINISHED`] are being built: (project, status, days ago,
/// note, with the photo), oldest first.
const FINISHED_PROGRESS: &[(usize, ImplementationStatus, i64, &str, bool)] = &[
    (
        1,
        ImplementationStatus::Planned,
        340,
        "Der Bauhof hat die Sitzgruppe bestellt; aufgestellt wird sie im Frühjahr.",
        false,
    ),
    (
        2,
        ImplementationStatus::Done,
        300,
        "Die Blühwiese ist eingesät. Im ersten Sommer blüht sie noch spärlich, ab dem zweiten Jahr dicht.",
        false,
    ),
    (
        1,
        ImplementationStatus::Done,
        200,
        "Die Sitzgruppe steht. Tisch und Bänke sind aus heimischer Lärche; die Linde spendet mittags Schatten.",
        true,
    ),
    (
        3,
        ImplementationStatus::InProgress,
        60,
        "Die Kabel sind verlegt, acht von zwölf Leuchten stehen. Die übrigen folgen, sobald der Boden nicht mehr gefroren ist.",
        false,
    ),
];

/// The photo of the finished Sitzgruppe (a drawing made for the demo), and its text
/// alternative.
const PHOTO: &[u8] = include_bytes!("sitzgruppe.jpg");
const PHOTO_ALT: &str = "Die neue Sitzgruppe am Stadtteilplatz West: ein Holztisch mit zwei Bänken auf dem gepflasterten Weg, daneben eine Linde und Blumenbeete, im Hintergrund Wohnhäuser.";

/// Last year's Bürgerbudget (see [`FINISHED_SLUG`]), laid out as it happened: set up
/// 420 days ago, ballots cast 400 days ago, the council's outcomes recorded after its
/// meeting, then the progress of the funded projects. The photo is stored in `data_dir`.
pub async fn seed_finished(
    db: &DatabaseConnection,
    data_dir: &Path,
    people: &[CurrentUser],
    planner: &CurrentUser,
    today: DateTime<Utc>,
) -> Result<(), AppError> {
    let site = super::quiet_site();
    let slug = Slug::parse(FINISHED_SLUG)?;
    let ago = |days: i64| today - Duration::days(days);
    let (_, ids) = set_up(db, people, planner, &slug, &FINISHED, ago(420), ago(400)).await?;
    let meeting_date = ago(360).format("%Y-%m-%d").to_string();
    for (id, (outcome, justification)) in ids.iter().zip(FINISHED_OUTCOMES) {
        let form = OutcomeForm {
            outcome: outcome.as_str().to_owned(),
            justification: justification.to_owned(),
            meeting_date: meeting_date.clone(),
        };
        let manual = DecisionSource::Manual;
        council::record(db, &site, planner, *id, &form, manual, ago(355)).await?;
    }
    for (n, status, days_ago, note, with_photo) in FINISHED_PROGRESS {
        let input = ImplementationInput {
            status: status.as_str().to_owned(),
            note: (*note).to_owned(),
            happened_on: String::new(),
        };
        let project = nth(&ids, *n)?;
        let recorded =
            implementation::record_for_project(db, &site, planner, project, &input, ago(*days_ago))
                .await?;
        if *with_photo {
            // Newest first: the entry just recorded.
            let entry = recorded.entries.first().ok_or(AppError::Internal)?;
            app::backend::service::implementation::set_photo(
                db,
                planner,
                data_dir,
                entry.id,
                Some(PHOTO),
                PHOTO_ALT,
            )
            .await?;
        }
    }
    Ok(())
}

/// Projects on the load test's ballot (`seed scale`).
pub const LOAD_PROJECTS: usize = 30;

/// The load test's budget (`seed scale`): one for the whole city in the procedure at
/// `slug`, whose vote runs, with [`LOAD_PROJECTS`] projects on an approval ballot (up to
/// five), set up at a moment before voting started. Returns the budget and its projects.
pub async fn for_load(
    db: &DatabaseConnection,
    slug: &str,
    planner_id: i64,
    before: DateTime<Utc>,
) -> Result<(i64, Vec<i64>), AppError> {
    // Set up as a planner would; the account is one of the generated ones, given the role
    // only here.
    let planner = CurrentUser {
        id: planner_id,
        session_id: String::new(),
        role: app::model::account::Role::Planner,
        verified: true,
        blocked: false,
    };
    let site = super::quiet_site();
    let created = budget::create(
        db,
        &planner,
        &Slug::parse(slug)?,
        BudgetInput {
            title: "Lasttest-Budget".to_owned(),
            district: None,
            total_cents: 500_000_000,
            rule: BallotRule::Approval {
                min_projects: 1,
                max_projects: 5,
            },
            method: ResultMethod::EqualShares,
            reminder_days: Some(0),
            one_district: false,
        },
        before,
    )
    .await?;
    let mut ids = Vec::with_capacity(LOAD_PROJECTS);
    for n in 0..LOAD_PROJECTS {
        let offset = i64::try_from(n).unwrap_or(0);
        let input = ProjectInput {
            proposal_id: None,
            title: Some(format!("Lastprojekt {n}: Sitzbänke und Bäume")),
            description: Some("Erzeugt für Lasttests.".to_owned()),
            cost_cents: (20_000 + offset * 7_000) * 100,
            district: None,
            responsible_unit: Some("Grünflächenamt".to_owned()),
        };
        let id = project::create(db, &planner, created.id, input, before)
            .await?
            .id;
        let patch = ProjectPatch {
            feasibility: Some(Feasibility::Feasible),
            selected: Some(true),
            ..ProjectPatch::default()
        };
        project::update(db, &site, &planner, id, patch, before).await?;
        ids.push(id);
    }
    Ok((created.id, ids))
}
