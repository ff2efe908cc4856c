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
}

#[derive(Subcommand)]
enum Seed {
    /// Realistic German demo procedures.
    Demo {
        /// Only when the database holds no procedure yet.
        #[arg(long)]
        if_empty: bool,
    },
}

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
            server::serve(app, listener).await
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
            match server::seed::demo(&db, chrono::Utc::now(), if_empty).await {
                Ok(server::seed::SeedOutcome::Seeded { procedures }) => {
                    println!("demo content created: {procedures} procedures");
                }
                Ok(server::seed::SeedOutcome::SkippedNotEmpty) => {
                    println!("demo content skipped: the database already has procedures");
                }
                Err(error) => anyhow::bail!("seeding failed: {error}"),
            }
            Ok(())
        }
    }
}
