//! Demo proposals, comments and votes for the two running procedures, written through the
//! same services residents use (at the moments the schedule allowed them), so every counter
//! is what the rows say.

use app::backend::auth::CurrentUser;
use app::backend::service::procedure;
use app::backend::state::SiteSettings;
use app::error::AppError;
use app::formats::proposals::model::ProposalInput;
use app::formats::proposals::opinion::{OpinionInput, OpinionRequest};
use app::formats::proposals::service::comment::{self, NewComment};
use app::formats::proposals::service::{opinion, proposal, vote};
use app::model::account::Role;
use app::model::moderation::{
    Decision, ModerationActionKind, ModerationReason, Target, TargetKind,
};
use app::model::procedure::Slug;
use app::model::results::DecisionSource;
use chrono::{DateTime, Duration, Utc};
use sea_orm::DatabaseConnection;

/// Residents who wrote the demo contributions (their password is the demo password).
const RESIDENTS: [(&str, &str); 6] = [
    ("jonas.keller@mitreden.test", "Jonas Keller"),
    ("fatma.yilmaz@mitreden.test", "Fatma Yılmaz"),
    ("lena.hoffmann@mitreden.test", "Lena Hoffmann"),
    ("peter.schulz@mitreden.test", "Peter Schulz"),
    ("marie.nguyen@mitreden.test", "Marie Nguyen"),
    ("oskar.brandt@mitreden.test", "Oskar Brandt"),
];

/// (author, text): a comment or a reply.
type Said = (usize, &'static str);
/// A comment with its replies.
type DemoComment = (usize, &'static str, &'static [Said]);

struct DemoProposal {
    /// Index into the authors: 0..6 the residents above, 6 Anna Beispiel, 7 the planner
    /// (entering a contribution from an on-site event).
    author: usize,
    days_ago: i64,
    title: &'static str,
    body: &'static str,
    category: &'static str,
    location: Option<&'static str>,
    event: Option<&'static str>,
    /// Indexes of the authors who support (or, with a minus, rate down; index 0 only
    /// ever votes up).
    votes: &'static [i8],
    comments: &'static [DemoComment],
}

const RADVERKEHR: &[DemoProposal] = &[
    DemoProposal {
        author: 0,
        days_ago: 19,
        title: "Geschützter Radweg auf der Ringstraße",
        body: "Auf der Ringstraße zwischen Hauptbahnhof und Stadtpark teilen sich Radfahrende die Fahrbahn mit Bussen und Lieferverkehr. \
               Ein baulich getrennter Radweg (Protected Bike Lane) würde die wichtigste Ost-West-Verbindung sicher machen.\n\n\
               - durchgehend 2,30 m breit\n- Trennung durch Poller oder Bordstein\n- eigene Ampelphasen an den Kreuzungen",
        category: "Radwege",
        location: Some("Ringstraße, Hauptbahnhof bis Stadtpark"),
        event: None,
        votes: &[1, 2, 3, 4, 5, 6],
        comments: &[
            (
                2,
                "Unbedingt! Morgens fahre ich dort mit meiner Tochter zur Schule und wir weichen auf den Gehweg aus.",
                &[
                    (
                        0,
                        "Genau deshalb der Vorschlag. Der Gehweg ist ja auch keine Lösung, da ist es zu eng.",
                    ),
                    (
                        3,
                        "Wichtig wäre, dass die Poller auch im Winter geräumt werden können.",
                    ),
                ],
            ),
            (
                4,
                "Wie sollen die Lieferwagen dann halten? Vielleicht Ladezonen in den Seitenstraßen?",
                &[],
            ),
        ],
    },
    DemoProposal {
        author: 1,
        days_ago: 17,
        title: "Fahrradbügel am Marktplatz verdoppeln",
        body: "An Markttagen sind alle Bügel belegt und Räder werden an Laternen und Bäumen angeschlossen. \
               Ich schlage 40 zusätzliche Anlehnbügel an der Nordseite des Platzes vor, davon einige für Lastenräder.",
        category: "Abstellanlagen",
        location: Some("Marktplatz, Nordseite"),
        event: None,
        votes: &[0, 2, 6],
        comments: &[(
            5,
            "Bitte auch überdachte Plätze, die Räder stehen dort oft stundenlang im Regen.",
            &[],
        )],
    },
    DemoProposal {
        author: 3,
        days_ago: 14,
        title: "Grüner Pfeil für Radfahrende an der Schillerstraße",
        body: "An der Kreuzung Schillerstraße / Goethestraße könnten Radfahrende mit einem Grünpfeil nur für den Radverkehr \
               bei Rot rechts abbiegen. Die Sicht ist gut, Fußgänger queren dort kaum.",
        category: "Kreuzungen",
        location: Some("Kreuzung Schillerstraße / Goethestraße"),
        event: None,
        votes: &[1, 4],
        comments: &[],
    },
    DemoProposal {
        author: 7,
        days_ago: 12,
        title: "Sichere Querung am Südbahnhof",
        body: "Aus der Bürgerwerkstatt Süd: Viele Teilnehmende berichteten, dass die Querung der Bahnhofstraße am Südbahnhof \
               mit dem Rad kaum möglich ist. Gewünscht wird eine Mittelinsel und eine Bedarfsampel.",
        category: "Kreuzungen",
        location: Some("Bahnhofstraße, Höhe Südbahnhof"),
        event: Some("Bürgerwerkstatt Süd am 4. November"),
        votes: &[0, 1, 2, 5],
        comments: &[],
    },
    DemoProposal {
        author: 4,
        days_ago: 9,
        title: "Fahrradstraße durch die Altstadt",
        body: "Die Lange Gasse ist schon heute eine beliebte Route. Als **Fahrradstraße** hätte der Radverkehr Vorrang, \
               Anlieger könnten weiterhin fahren.",
        category: "Radwege",
        location: Some("Lange Gasse"),
        event: None,
        votes: &[3],
        comments: &[(
            5,
            "Ich wohne dort. Solange wir mit dem Auto noch in die Garage kommen, bin ich dafür.",
            &[(4, "Ja, Anlieger frei ist bei Fahrradstraßen die Regel.")],
        )],
    },
    DemoProposal {
        author: 6,
        days_ago: 6,
        title: "Reparaturstationen an den Hauptrouten",
        body: "Öffentliche Reparaturstationen mit Luftpumpe und Werkzeug, zum Beispiel am Stadtpark, an der Uni und am Hauptbahnhof.",
        category: "Sonstiges",
        location: None,
        event: None,
        votes: &[0, 2],
        comments: &[],
    },
    DemoProposal {
        author: 5,
        days_ago: 3,
        title: "Winterdienst auf Radwegen zuerst",
        body: "Im Winter werden Radwege oft erst Tage nach den Straßen geräumt. Die Hauptrouten sollten im Räumplan dieselbe Stufe wie Hauptstraßen bekommen.",
        category: "Radwege",
        location: None,
        event: None,
        votes: &[],
        comments: &[],
    },
];

const MARKTPLATZ: &[DemoProposal] = &[
    DemoProposal {
        author: 2,
        days_ago: 11,
        title: "Mehr große Bäume statt Sonnenschirme",
        body: "Im Sommer ist der Platz eine Hitzeinsel. Entwurf B sieht zwölf große Bäume vor, das wäre mir das Wichtigste.",
        category: "Grün und Schatten",
        location: None,
        event: None,
        votes: &[0, 1, 3, 4, -5],
        comments: &[(
            5,
            "Bäume brauchen aber Platz für die Wurzeln, dann fallen Marktstände weg.",
            &[
                (
                    2,
                    "Entwurf B hat dafür unterirdische Wurzelkammern eingeplant, die Stände bleiben.",
                ),
                (
                    7,
                    "Aus Sicht der Verwaltung: Das stimmt, die Zahl der Standplätze bleibt in allen Entwürfen gleich.",
                ),
            ],
        )],
    },
    DemoProposal {
        author: 7,
        days_ago: 9,
        title: "Trinkbrunnen und Wasserspiel für Kinder",
        body: "Mehrere Familien in der Bürgerversammlung wünschten sich ein flaches Wasserspiel, in dem Kinder im Sommer spielen können, \
               und einen Trinkbrunnen.",
        category: "Aufenthalt",
        location: Some("Marktplatz, vor dem Rathaus"),
        event: Some("Bürgerversammlung Innenstadt am 6. November"),
        votes: &[0, 2, 4, 6],
        comments: &[],
    },
    DemoProposal {
        author: 3,
        days_ago: 8,
        title: "Kurzzeitparkplätze für den Einzelhandel erhalten",
        body: "Ohne Parkplätze direkt am Platz verlieren die Geschäfte ältere Kundschaft. Zehn Kurzzeitplätze sollten bleiben.",
        category: "Markt und Verkehr",
        location: None,
        event: None,
        votes: &[5, -6, -1, -2],
        comments: &[(
            1,
            "Das Parkhaus am Rathaus ist zwei Minuten entfernt und selten voll.",
            &[],
        )],
    },
    DemoProposal {
        author: 6,
        days_ago: 5,
        title: "Sitzbänke mit Rückenlehne",
        body: "Viele ältere Menschen brauchen Bänke mit Rücken- und Armlehnen. Bitte im Schatten aufstellen.",
        category: "Aufenthalt",
        location: None,
        event: None,
        votes: &[1, 2, 3],
        comments: &[],
    },
];

/// A duplicate of the first Marktplatz proposal, which a moderator merged into it: of its
/// two supporters one had rated the other already and counts there once, the other's vote
/// moves there.
const DUPLICATE: DemoProposal = DemoProposal {
    author: 4,
    days_ago: 4,
    title: "Schattenbäume über den ganzen Platz",
    body: "Der Platz braucht Schatten. Statt Schirmen sollten überall Bäume gepflanzt werden, auch am Rand bei den Ständen.",
    category: "Grün und Schatten",
    location: None,
    event: None,
    votes: &[1, 2],
    comments: &[],
};

/// The public reason of the demo's merge.
const MERGE_REASON: &str = "Gleiches Anliegen wie „Mehr große Bäume statt Sonnenschirme“; die Diskussion geht dort weiter.";

/// The authors of the demo: residents, Anna Beispiel, and the planner (in this order, as
/// `seed` answers them).
struct Cast {
    people: Vec<CurrentUser>,
}

impl Cast {
    fn person(&self, index: usize) -> Result<&CurrentUser, AppError> {
        self.people.get(index).ok_or(AppError::Internal)
    }
}

pub async fn seed(
    db: &DatabaseConnection,
    accounts: &[(i64, Role)],
    today: DateTime<Utc>,
) -> Result<Vec<CurrentUser>, AppError> {
    let mut people = Vec::new();
    for (email, name) in RESIDENTS {
        let id = app::backend::service::account::create_verified(
            db,
            email,
            name,
            super::DEMO_PASSWORD,
            Role::Resident,
            today,
        )
        .await?;
        people.push(user(id, Role::Resident));
    }
    let find = |role: Role| {
        accounts
            .iter()
            .find(|(_, r)| *r == role)
            .map(|(id, r)| user(*id, *r))
            .ok_or(AppError::Internal)
    };
    people.push(find(Role::Resident)?);
    people.push(find(Role::Planner)?);
    let cast = Cast {
        people: people.clone(),
    };
    // The notifications the demo contributions cause are dropped: nobody asked for them.
    let site = super::quiet_site();
    for (slug, proposals) in [
        ("radverkehr-2030", RADVERKEHR),
        ("marktplatz-neugestaltung", MARKTPLATZ),
    ] {
        let procedure_id = procedure::published_id(db, &Slug::parse(slug)?).await?;
        let mut ids = Vec::new();
        for demo in proposals {
            ids.push(fill(db, &cast, &site, procedure_id, demo, today, today).await?);
        }
        if let [trees, fountain, ..] = ids[..]
            && slug == "marktplatz-neugestaltung"
        {
            let duplicate = fill(db, &cast, &site, procedure_id, &DUPLICATE, today, today).await?;
            let moderator = find(Role::Moderator)?;
            merge(db, &site, &moderator, duplicate, trees, today).await?;
            opinions(db, &site, &find(Role::Planner)?, trees, fountain, today).await?;
        }
    }
    finished_procedure(db, &cast, &site, today).await?;
    Ok(people)
}

async fn fill(
    db: &DatabaseConnection,
    cast: &Cast,
    site: &SiteSettings,
    procedure_id: i64,
    demo: &DemoProposal,
    today: DateTime<Utc>,
    voted_at: DateTime<Utc>,
) -> Result<i64, AppError> {
    let written = today - Duration::days(demo.days_ago);
    let author = cast.person(demo.author)?;
    let (district, geometry, precision) = super::places::place_of(demo.title);
    let id = proposal::create(
        db,
        author,
        procedure_id,
        ProposalInput {
            title: demo.title.to_owned(),
            body: demo.body.to_owned(),
            category: Some(demo.category.to_owned()).filter(|c| !c.is_empty()),
            location: demo.location.map(str::to_owned),
            district,
            geometry,
            precision,
            address: None,
        },
        demo.event.map(str::to_owned),
        None,
        written,
    )
    .await?;
    let mut at = written;
    for (author, text, replies) in demo.comments {
        at += Duration::hours(5);
        let parent = comment::create(
            db,
            site,
            cast.person(*author)?,
            NewComment {
                proposal_id: id,
                parent_id: None,
                body: (*text).to_owned(),
                onsite: None,
                idempotency_key: None,
            },
            at.min(today),
        )
        .await?;
        for (author, text) in *replies {
            at += Duration::hours(3);
            comment::create(
                db,
                site,
                cast.person(*author)?,
                NewComment {
                    proposal_id: id,
                    parent_id: Some(parent),
                    body: (*text).to_owned(),
                    onsite: None,
                    idempotency_key: None,
                },
                at.min(today),
            )
            .await?;
        }
    }
    // Votes are cast when the vote phase ran: today in the running demo procedures.
    for voter in demo.votes {
        let value = if *voter < 0 { -1 } else { 1 };
        let index = usize::from(voter.unsigned_abs());
        vote::cast(db, cast.person(index)?, id, value, voted_at).await?;
    }
    Ok(id)
}

/// A moderator merges a duplicate into the proposal it repeats.
async fn merge(
    db: &DatabaseConnection,
    site: &SiteSettings,
    moderator: &CurrentUser,
    duplicate: i64,
    into: i64,
    now: DateTime<Utc>,
) -> Result<(), AppError> {
    let decision = Decision {
        target: Target {
            kind: TargetKind::Proposal,
            id: duplicate,
        },
        action: ModerationActionKind::Merge,
        reason: Some(ModerationReason::Duplicate),
        public_reason: MERGE_REASON.to_owned(),
        internal_note: String::new(),
        text: None,
        title: None,
        block_days: None,
        merge_into: Some(into),
        precision: None,
        hide_photos: Vec::new(),
    };
    app::backend::service::moderation::decide(db, site, moderator, decision, now).await
}

/// The administration's opinions in the Marktplatz procedure: one answered, one asked for.
async fn opinions(
    db: &DatabaseConnection,
    site: &SiteSettings,
    planner: &CurrentUser,
    answered: i64,
    asked: i64,
    today: DateTime<Utc>,
) -> Result<(), AppError> {
    let due = |days: i64| {
        (today + Duration::days(days))
            .format("%Y-%m-%d")
            .to_string()
    };
    for (id, unit, days) in [
        (answered, "Grünflächenamt", 7),
        (asked, "Tiefbauamt, Abteilung Wasser", 10),
    ] {
        let request = OpinionRequest {
            unit: unit.to_owned(),
            due_on: due(days),
        };
        opinion::request(db, planner, id, &request, today).await?;
    }
    let answer = OpinionInput {
        verdict: "partly_feasible".to_owned(),
        text: "Große Bäume sind auf der Nord- und Westseite möglich: Dort liegen keine Leitungen, \
               und die Wurzelkammern von Entwurf B passen unter das Pflaster. Auf der Südseite \
               liegt die Fernwärmeleitung; dort schlagen wir Pflanzkübel und Sonnensegel vor. \
               Kosten für zwölf Bäume mit Wurzelkammern: rund 240.000 Euro."
            .to_owned(),
    };
    opinion::answer(db, site, planner, answered, &answer, today).await?;
    Ok(())
}

/// The finished procedure: its proposals and votes at the time they were made, the council
/// paper they went to and what the council decided, so the results page has something to
/// show.
async fn finished_procedure(
    db: &DatabaseConnection,
    cast: &Cast,
    site: &SiteSettings,
    today: DateTime<Utc>,
) -> Result<(), AppError> {
    use app::backend::service::results;
    use app::model::results::{CouncilPaper, OutcomeForm};
    let slug = Slug::parse("spielplaetze-nord")?;
    let procedure_id = procedure::published_id(db, &slug).await?;
    let mut ids = Vec::new();
    for demo in SPIELPLAETZE {
        ids.push(
            fill(
                db,
                cast,
                site,
                procedure_id,
                demo,
                today,
                today - Duration::days(150),
            )
            .await?,
        );
    }
    let planner = cast.person(7)?;
    let meeting = (today - Duration::days(100)).format("%Y-%m-%d").to_string();
    results::set_council_paper(
        db,
        planner,
        &slug,
        CouncilPaper {
            url: "https://ris.musterstadt.example/oparl/paper/4711".to_owned(),
            reference: "Drucksache 0815/2026".to_owned(),
            title: "Erneuerung der Spielplätze im Stadtteil Nord: Ergebnisse der Beteiligung"
                .to_owned(),
        },
        today,
    )
    .await?;
    for (id, (outcome, justification)) in ids.iter().zip(SPIELPLAETZE_OUTCOMES) {
        let form = OutcomeForm {
            outcome: (*outcome).to_owned(),
            justification: (*justification).to_owned(),
            meeting_date: meeting.clone(),
        };
        results::record_outcome(db, site, planner, *id, &form, DecisionSource::Manual, today)
            .await?;
    }
    Ok(())
}

const SPIELPLAETZE_OUTCOMES: [(&str, &str); 4] = [
    (
        "adopted",
        "Der Jugendhilfeausschuss übernimmt den Vorschlag. Die Wasserspielanlage wird im Frühjahr gebaut.",
    ),
    (
        "adopted_in_part",
        "Schattensegel kommen auf zwei der vier Spielplätze; auf den anderen pflanzt das Grünflächenamt Bäume.",
    ),
    (
        "adopted",
        "Die Bänke werden mit der Erneuerung aufgestellt.",
    ),
    (
        "rejected",
        "Eine Beleuchtung nach 22 Uhr widerspricht dem Lärmschutz der Anwohnenden.",
    ),
];

const SPIELPLAETZE: &[DemoProposal] = &[
    DemoProposal {
        author: 1,
        days_ago: 190,
        title: "Wasserspielplatz am Nordpark",
        body: "Im Sommer ist es auf dem Spielplatz am Nordpark sehr heiß. Eine Wasserspielanlage mit Pumpe und Matschrinne würde Kinder jeden Alters begeistern.",
        category: "",
        location: Some("Nordpark"),
        event: None,
        votes: &[0, 1, 2, 3, 4, 5, 6],
        comments: &[(
            4,
            "Unbedingt! Meine Kinder würden jeden Tag dort spielen.",
            &[],
        )],
    },
    DemoProposal {
        author: 2,
        days_ago: 185,
        title: "Schattensegel über den Sandkästen",
        body: "Über den Sandkästen fehlt Schatten. Schattensegel sind günstig und schnell montiert.",
        category: "",
        location: None,
        event: None,
        votes: &[0, 2, 3, 5, 6],
        comments: &[],
    },
    DemoProposal {
        author: 7,
        days_ago: 180,
        title: "Mehr Sitzbänke für Großeltern",
        body: "Beim Spielplatzfest gesammelt: Großeltern wünschen sich mehr Bänke mit Rückenlehne in Sichtweite der Spielgeräte.",
        category: "",
        location: Some("alle vier Spielplätze"),
        event: Some("Spielplatzfest Nord"),
        votes: &[1, 4, 6],
        comments: &[],
    },
    DemoProposal {
        author: 3,
        days_ago: 175,
        title: "Beleuchtung bis Mitternacht",
        body: "Jugendliche möchten den Bolzplatz auch abends nutzen. Eine Beleuchtung bis Mitternacht würde das ermöglichen.",
        category: "",
        location: Some("Bolzplatz Nord"),
        event: None,
        votes: &[3],
        comments: &[(
            5,
            "Bitte an die Nachbarschaft denken: abends ist es dort jetzt schon laut.",
            &[],
        )],
    },
];

fn user(id: i64, role: Role) -> CurrentUser {
    CurrentUser {
        id,
        session_id: String::new(),
        role,
        verified: true,
        blocked: false,
    }
}
