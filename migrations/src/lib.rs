//! The schema of Mitreden, as migrations: the only source of the schema. The server runs
//! them at start and with `mitreden migrate`; tests run the same ones.

pub use sea_orm_migration::prelude::*;

mod m20261121_000001_create_procedures;
mod m20261121_000002_create_accounts;
mod m20261121_000003_create_participation;
mod m20261121_000004_procedure_images;
mod m20261121_000005_create_moderation;
mod m20261121_000006_create_council_decisions;
mod m20261130_000007_idempotency_keys;
mod m20261130_000008_create_start_notices;
mod m20261130_000009_create_onsite_imports;
mod m20261201_000010_comment_thread_indexes;
mod m20261201_000011_proposal_search_table;
mod m20261201_000012_proposal_counts;
mod m20261202_000013_proposal_sort_indexes;
mod m20261202_000014_create_budgets;
mod m20261203_000015_budget_one_district;
mod m20261203_000016_budget_decisions;
mod m20261204_000017_implementation_updates;
mod m20261205_000018_proposal_merges;
mod m20261205_000019_expert_opinions;
mod m20261206_000020_places;
mod m20261207_000021_procedure_areas;
mod m20261208_000022_project_council;
mod m20261208_000023_implementation_photos;
mod m20261209_000024_addresses;
mod m20261210_000025_proposal_map_index;
mod m20261211_000026_proposal_photos;
mod m20261212_000027_proposal_match_generation;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261121_000001_create_procedures::Migration),
            Box::new(m20261121_000002_create_accounts::Migration),
            Box::new(m20261121_000003_create_participation::Migration),
            Box::new(m20261121_000004_procedure_images::Migration),
            Box::new(m20261121_000005_create_moderation::Migration),
            Box::new(m20261121_000006_create_council_decisions::Migration),
            Box::new(m20261130_000007_idempotency_keys::Migration),
            Box::new(m20261130_000008_create_start_notices::Migration),
            Box::new(m20261130_000009_create_onsite_imports::Migration),
            Box::new(m20261201_000010_comment_thread_indexes::Migration),
            Box::new(m20261201_000011_proposal_search_table::Migration),
            Box::new(m20261201_000012_proposal_counts::Migration),
            Box::new(m20261202_000013_proposal_sort_indexes::Migration),
            Box::new(m20261202_000014_create_budgets::Migration),
            Box::new(m20261203_000015_budget_one_district::Migration),
            Box::new(m20261203_000016_budget_decisions::Migration),
            Box::new(m20261204_000017_implementation_updates::Migration),
            Box::new(m20261205_000018_proposal_merges::Migration),
            Box::new(m20261205_000019_expert_opinions::Migration),
            Box::new(m20261206_000020_places::Migration),
            Box::new(m20261207_000021_procedure_areas::Migration),
            Box::new(m20261208_000022_project_council::Migration),
            Box::new(m20261208_000023_implementation_photos::Migration),
            Box::new(m20261209_000024_addresses::Migration),
            Box::new(m20261210_000025_proposal_map_index::Migration),
            Box::new(m20261211_000026_proposal_photos::Migration),
            Box::new(m20261212_000027_proposal_match_generation::Migration),
        ]
    }
}
