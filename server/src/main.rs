//! `mitreden`: the participation platform's server and its administrative commands.

#![recursion_limit = "512"]

use clap::{Parser, Subcommand};
use server::config::Config;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "mitreden",
    version,
    about = "Mitreden: online citizen participation"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the platform (the default).
    Serve,
    /// Bring the database schema up to date, then exit.
    Migrate,
    /// Fill the database with content.
    Seed {
        #[command(subcommand)]
        what: Seed,
    },
    /// Manage accounts.
    User {
        #[command(subcommand)]
        what: UserCommand,
    },
    /// Export a procedure's results for the council: CSV (three tables, written next to
    /// each other), JSON, XLSX or the PDF report, with a manifest of SHA-256 hashes.
    Export {
        /// The procedure's address name (slug).
        procedure: String,
        /// csv, xlsx, json, pdf, or html (the report as a printable page)
        #[arg(long)]
        format: String,
        /// The file to write; CSV adds `<stem>.comments.csv` and `<stem>.moderation.csv`,
        /// every format adds `<stem>.manifest.json`.
        #[arg(long)]
        out: std::path::PathBuf,
        /// CSV field separator: semicolon (German Excel) or comma.
        #[arg(long, default_value = "semicolon")]
        separator: String,
        /// Language of the XLSX and PDF texts: de or en.
        #[arg(long, default_value = "de")]
        lang: String,
    },
    /// Write the database (SQLite: a consistent copy, also while serving) and every file of
    /// the data directory into one ZIP archive. PostgreSQL: the files; the database with
    /// pg_dump (README).
    Backup {
        /// The archive to write.
        file: std::path::PathBuf,
    },
    /// Unpack a backup into a new, empty data directory (MITREDEN_DATA_DIR) and its
    /// database to the SQLite file of DATABASE_URL.
    Restore {
        /// The archive to read.
        file: std::path::PathBuf,
    },
    /// Recompute a participatory budget's results from its ballot file (`export.pb`, or
    /// any pabulib file): prints the funded projects by greedy and by Equal Shares, as JSON.
    BudgetCount {
        /// The pabulib file to read.
        file: std::path::PathBuf,
    },
    /// The city's districts.
    Districts {
        #[command(subcommand)]
        what: DistrictCommand,
    },
    /// The city's address list, which forms look addresses up in.
    Addresses {
        #[command(subcommand)]
        what: AddressCommand,
    },
    /// Check the mail configuration.
    Mail {
        #[command(subcommand)]
        what: MailCommand,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create a verified account; the password is read from standard input.
    Create {
        #[arg(long)]
        email: String,
        /// resident, moderator, planner or admin
        #[arg(long)]
        role: String,
        /// The name shown for the account (default: the part of the address before the @).
        #[arg(long)]
        name: Option<String>,
    },
}

#[derive(Subcommand)]
enum DistrictCommand {
    /// Import the districts from a GeoJSON FeatureCollection of Polygons and MultiPolygons
    /// (WGS84): districts are matched by key, known ones updated, new ones added, missing
    /// ones removed, and every located contribution assigned again. A bad file changes
    /// nothing; each problem is printed with the feature's number and name.
    Import {
        /// The GeoJSON file.
        file: std::path::PathBuf,
        /// Origin and licence of the boundaries, shown with them.
        #[arg(long, default_value = "")]
        source: String,
        /// The property holding each district's name (default: name, Name, bezeichnung, …).
        #[arg(long)]
        name_property: Option<String>,
        /// The property holding each district's key (default: key, id, nummer, …, else the
        /// feature's id, else its number in the file).
        #[arg(long)]
        key_property: Option<String>,
    },
}

#[derive(Subcommand)]
enum AddressCommand {
    /// Import the address list from a CSV file whose header names the columns street,
    /// number, postcode, lon and lat (WGS84; German names such as Straße, Hausnummer, PLZ,
    /// Länge, Breite work too), separated by semicolon, comma or tab. It replaces the list;
    /// a bad file changes nothing, and each problem is printed with its line.
    Import {
        /// The CSV file.
        file: std::path::PathBuf,
        /// Origin and licence of the list.
        #[arg(long, default_value = "")]
        source: String,
    },
}

#[derive(Subcommand)]
enum MailCommand {
    /// Send a test mail now, through MITREDEN_SMTP_URL (or into the data directory).
    Test {
        #[arg(long)]
        to: String,
    },
}

#[derive(Subcommand)]
enum Seed {
    /// Realistic German demo procedures.
    Demo {
        /// Only when the database holds no procedure yet.
        #[arg(long)]
        if_empty: bool,
    },
    /// A large procedure ("lasttest") for load tests: accounts, proposals, votes, comments.
    Scale {
        #[arg(long, default_value_t = 2000)]
        users: usize,
        #[arg(long, default_value_t = 10_000)]
        proposals: usize,
        #[arg(long, default_value_t = 200_000)]
        votes: usize,
        /// Comments on the first proposal.
        #[arg(long, default_value_t = 300)]
        comments: usize,
        /// Comments on the second proposal.
        #[arg(long, default_value_t = 0)]
        discussion: usize,
        /// Open items in the moderation queue (reported proposals).
        #[arg(long, default_value_t = 0)]
        queue: usize,
        /// Place every proposal in a district (the demo city's when there are none).
        #[arg(long)]
        places: bool,
        /// The size of Decide Madrid instead: 500,000 accounts, 30,000 proposals,
        /// 5,000,000 votes, 250,000 comments, 5,000 open queue items.
        #[arg(long)]
        madrid: bool,
        /// Write session tokens of up to 5,000 of the accounts to this file, one per line
        /// (for load tests that vote). Never on a real instance.
        #[arg(long)]
        tokens: Option<std::path::PathBuf>,
    },
}

/// Rendering a page allocates many small strings across worker threads; mimalloc serves
/// them from per-thread pages where glibc's allocator contended on its arena locks.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let config = match Config::load() {
        Ok(config) => config,
        Err(error) => {
            eprintln!("mitreden: {error}");
            return ExitCode::from(2);
        }
    };
    server::telemetry::init(config.log_format);
    match run(cli.command.unwrap_or(Command::Serve), &config).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!("{error:#}");
            eprintln!("mitreden: {error:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(command: Command, config: &Config) -> anyhow::Result<()> {
    match command {
        Command::Serve => {
            let app = server::build_app(config).await?;
            let listener = tokio::net::TcpListener::bind(config.site_addr)
                .await
                .map_err(|e| {
                    anyhow::anyhow!(
                        "cannot listen on {} (LEPTOS_SITE_ADDR): {e}",
                        config.site_addr
                    )
                })?;
            server::serve(app, config, listener).await
        }
        Command::Addresses {
            what: AddressCommand::Import { file, source },
        } => {
            let bytes = std::fs::read(&file)
                .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", file.display()))?;
            server::prepare_data_dir(&config.data_dir)?;
            let db = server::open_database(&config.database_url).await?;
            let summary = server::districts::import_addresses_cli(&db, &bytes, &source).await?;
            println!(
                "address list imported: {} addresses in {} streets",
                summary.addresses, summary.streets
            );
            Ok(())
        }
        Command::Districts {
            what:
                DistrictCommand::Import {
                    file,
                    source,
                    name_property,
                    key_property,
                },
        } => {
            let options = app::backend::service::district::ImportOptions {
                name_property,
                key_property,
                source,
            };
            let bytes = std::fs::read(&file)
                .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", file.display()))?;
            server::prepare_data_dir(&config.data_dir)?;
            let db = server::open_database(&config.database_url).await?;
            let summary = server::districts::import_cli(&db, &bytes, &options).await?;
            println!(
                "districts imported: {} new, {} updated, {} removed; {} contributions reassigned",
                summary.created, summary.updated, summary.removed, summary.reassigned
            );
            Ok(())
        }
        Command::Migrate => {
            server::prepare_data_dir(&config.data_dir)?;
            server::open_database(&config.database_url).await?;
            println!("database is up to date");
            Ok(())
        }
        Command::Seed {
            what: Seed::Demo { if_empty },
        } => {
            server::prepare_data_dir(&config.data_dir)?;
            let db = server::open_database(&config.database_url).await?;
            match server::seed::demo(&db, &config.data_dir, chrono::Utc::now(), if_empty).await {
                Ok(server::seed::SeedOutcome::Seeded { procedures }) => {
                    println!("demo content created: {procedures} procedures");
                }
                Ok(server::seed::SeedOutcome::SkippedNotEmpty) => {
                    println!("demo content skipped: the database already has procedures");
                }
                Err(error) => anyhow::bail!("seeding failed: {error}"),
            }
            println!("{}", server::seed::DEMO_ACCOUNTS_NOTE);
            Ok(())
        }
        Command::Seed {
            what:
                Seed::Scale {
                    users,
                    proposals,
                    votes,
                    comments,
                    discussion,
                    queue,
                    places,
                    madrid,
                    tokens,
                },
        } => {
            server::prepare_data_dir(&config.data_dir)?;
            let db = server::open_database(&config.database_url).await?;
            let now = chrono::Utc::now();
            let scale = if madrid {
                server::seed::scale::Scale::MADRID
            } else {
                server::seed::scale::Scale {
                    users,
                    proposals,
                    votes,
                    comments,
                    discussion,
                    queue,
                    places,
                }
            };
            let outcome = server::seed::scale::scale(&db, scale, now)
                .await
                .map_err(|e| anyhow::anyhow!("seeding failed: {e}"))?;
            if let Some(path) = tokens {
                let secret = server::jwt_secret(config)?;
                let mut lines = String::new();
                for id in outcome.user_ids.iter().take(5000) {
                    let session =
                        app::backend::service::account::start_session(&db, &secret, *id, now)
                            .await
                            .map_err(|e| anyhow::anyhow!("session: {e}"))?;
                    lines.push_str(&session.token);
                    lines.push('\n');
                }
                std::fs::write(&path, lines)?;
            }
            println!(
                "procedure {} (id {}): {} accounts, {} proposals, {} votes, \
                 {} comments on proposal {}, {} on proposal {}",
                server::seed::scale::SCALE_SLUG,
                outcome.procedure_id,
                scale.users,
                scale.proposals,
                scale.votes,
                scale.comments,
                outcome.first_proposal,
                scale.discussion,
                outcome.second_proposal.unwrap_or_default()
            );
            let (budget, projects) = &outcome.budget;
            println!(
                "budget {budget}: projects {}",
                projects
                    .iter()
                    .map(i64::to_string)
                    .collect::<Vec<_>>()
                    .join(",")
            );
            Ok(())
        }
        Command::BudgetCount { file } => {
            use app::formats::budget::service::{count, pabulib};
            let text = std::fs::read_to_string(&file)?;
            let read = pabulib::read(&text)
                .map_err(|error| anyhow::anyhow!("{}: {error}", file.display()))?;
            let ids = |outcome: count::Outcome| -> Vec<String> {
                outcome
                    .funded
                    .iter()
                    .map(|&c| read.ids[c].clone())
                    .collect()
            };
            let answer = serde_json::json!({
                "method": read.method.map(|m| m.as_str()),
                "greedy": ids(count::greedy(&read.instance)),
                "equal_shares": ids(count::equal_shares(&read.instance, read.utility)),
            });
            println!("{answer}");
            Ok(())
        }
        Command::Backup { file } => {
            let db = server::open_database(&config.database_url).await?;
            let summary = server::backup::backup(config, &db, &file).await?;
            println!(
                "{}: {} files and {}, {} bytes",
                file.display(),
                summary.files,
                if summary.database {
                    "the database"
                } else {
                    "no database (PostgreSQL: back it up with pg_dump)"
                },
                summary.bytes
            );
            Ok(())
        }
        Command::Restore { file } => {
            let summary = server::backup::restore(config, &file)?;
            // Brings a backup of an older version up to date.
            if summary.database {
                server::open_database(&config.database_url).await?;
            }
            println!(
                "restored {} files{} into {}",
                summary.files,
                if summary.database {
                    " and the database"
                } else {
                    ""
                },
                config.data_dir.display()
            );
            Ok(())
        }
        Command::User {
            what: UserCommand::Create { email, role, name },
        } => {
            use app::model::account::Role;
            let role = Role::parse(&role).ok_or_else(|| {
                anyhow::anyhow!("--role must be resident, moderator, planner or admin")
            })?;
            let mut password = String::new();
            std::io::stdin().read_line(&mut password)?;
            let password = password.trim_end_matches(['\r', '\n']);
            let name =
                name.unwrap_or_else(|| email.split('@').next().unwrap_or_default().to_owned());
            server::prepare_data_dir(&config.data_dir)?;
            let db = server::open_database(&config.database_url).await?;
            let id = app::backend::service::account::create_verified(
                &db,
                &email,
                &name,
                password,
                role,
                chrono::Utc::now(),
            )
            .await
            .map_err(|e| anyhow::anyhow!("cannot create the account: {e}"))?;
            println!(
                "account {id} created: {} ({})",
                email.trim().to_lowercase(),
                role.as_str()
            );
            Ok(())
        }
        Command::Export {
            procedure,
            format,
            out,
            separator,
            lang,
        } => {
            server::prepare_data_dir(&config.data_dir)?;
            let db = server::open_database(&config.database_url).await?;
            let semicolon = match separator.as_str() {
                "semicolon" => true,
                "comma" => false,
                _ => anyhow::bail!("--separator must be semicolon or comma"),
            };
            let lang = app::i18n::Lang::parse(&lang)
                .ok_or_else(|| anyhow::anyhow!("--lang must be de or en"))?;
            let written =
                server::export::to_files(&db, config, &procedure, &format, semicolon, lang, &out)
                    .await?;
            for file in written {
                println!("{}  {} ({} bytes)", file.sha256, file.name, file.bytes);
            }
            Ok(())
        }
        Command::Mail {
            what: MailCommand::Test { to },
        } => {
            use app::backend::mail::{Template, enqueue, worker};
            let email =
                app::model::account::Email::parse(&to).map_err(|e| anyhow::anyhow!("--to: {e}"))?;
            server::prepare_data_dir(&config.data_dir)?;
            let db = server::open_database(&config.database_url).await?;
            let now = chrono::Utc::now();
            enqueue(
                &db,
                email.as_str(),
                Template::TestMail,
                app::i18n::Lang::DEFAULT,
                &[
                    ("instance", &config.instance_name),
                    ("link", &config.public_url),
                ],
                now,
            )
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
            let sent = worker::deliver_due(&db, &server::mailer(config)?, now)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            if sent == 0 {
                anyhow::bail!(
                    "the mail was not sent; it stays in the outbox and the worker retries (see the log)"
                );
            }
            println!("test mail sent to {}", email.as_str());
            Ok(())
        }
    }
}
