//! The migrations are frozen: a migration that has run on some instance must never change,
//! because an instance does not run it again. New schema goes into a new migration, whose
//! digest is added here in the same commit.

use sha2::{Digest, Sha256};

/// Every migration file and the SHA-256 of its bytes.
const FROZEN: &[(&str, &str)] = &[
    (
        "m20261121_000001_create_procedures.rs",
        "a2619d97ebac324313000c9b3d0bfa3cc933b603726b63e2dbe5fe3b03305f20",
    ),
    (
        "m20261121_000002_create_accounts.rs",
        "1e7a4228ceae922dbbc0157edc50eaf28b7718ec1013929226b00c707e6da803",
    ),
    (
        "m20261121_000003_create_participation.rs",
        "cd1c90edb9f4a37eb091a742d54a1b80b9013db65b35eeca4abbdfe2b379d1ad",
    ),
    (
        "m20261121_000004_procedure_images.rs",
        "e2ce808bdf927c6ce905a3e18a2e307cb17b4a8207d710944b21db00e3a8ad1e",
    ),
    (
        "m20261121_000005_create_moderation.rs",
        "db5250bde1fd4e3550b320289705427d04dc35bc039b98c10d34098787c45582",
    ),
    (
        "m20261121_000006_create_council_decisions.rs",
        "58d86f5d0b69c321922bc1db153a11be856f141a48cc171046cdc5dd19680a87",
    ),
    (
        "m20261130_000007_idempotency_keys.rs",
        "3aa61a47b97a6239366d6b7796823aba183f28b2ca2fb89e41d061f8c0c31d1c",
    ),
    (
        "m20261130_000008_create_start_notices.rs",
        "feb4b12b5a0b2a21e3719724eb10b75745709efbac465b448883771708d11563",
    ),
    (
        "m20261130_000009_create_onsite_imports.rs",
        "98adcd28f3a111696409d811408fd24ff08ac0bb6458538d77f79c8cc480a9a9",
    ),
    (
        "m20261201_000010_comment_thread_indexes.rs",
        "89db2841236a11618fa62f2f676535113aabb0cc2a67f2d44186f35fe6e55c5f",
    ),
    (
        "m20261201_000011_proposal_search_table.rs",
        "104b573ca9e04969090616fda910010e6227dc5aba3ff90c4a11c135de4c189c",
    ),
    (
        "m20261201_000012_proposal_counts.rs",
        "5635dda5be79c68679c85706c02307b872f3750a3be9d53cdd2ba7ab86b8a9c7",
    ),
    (
        "m20261202_000013_proposal_sort_indexes.rs",
        "fbd73297b247ce83001584da083ad1bf3de9ab9229facf5ee623dfffc598fabb",
    ),
    (
        "m20261202_000014_create_budgets.rs",
        "2f348e12e33d7d8fb2fd8f177b186ecdeebe29e714afaf894df27cb735d7a224",
    ),
    (
        "m20261203_000015_budget_one_district.rs",
        "ed574178a99b73488b5b2f88fa460c9ff720d667bbfd0529bfbc5bda44c8a1d8",
    ),
    (
        "m20261203_000016_budget_decisions.rs",
        "4fddd12736cfbc7cc23ff4b90993d82df2cc5ead0b8203314eb4a1cd7e4959ad",
    ),
    (
        "m20261204_000017_implementation_updates.rs",
        "07875db475394a2a01db8a671c428c1bd91c0646e8fd4b893862a7a8e50fe90f",
    ),
    (
        "m20261205_000018_proposal_merges.rs",
        "dce59b8d33691fb4665b7f6813a01c3ce1cd05810776a34b057a1789b51b4db4",
    ),
    (
        "m20261205_000019_expert_opinions.rs",
        "dbc02f8f6ddd27add1bae2de5559cae252889967f532b20ccb82c3330c4ff9cd",
    ),
    (
        "m20261206_000020_places.rs",
        "cc88bfc729423f09e6154b107edbe83040d78d3e9842459513a7c1e8ca753afa",
    ),
    (
        "m20261207_000021_procedure_areas.rs",
        "d9e84213f284b3a640b67d467264b6233604e10b910c25869a6dd461b70482ac",
    ),
    (
        "m20261208_000022_project_council.rs",
        "715b554aab3ccd4c91118c0dfef8ce5449c019ee4955f061d4b2d03c5616bdf3",
    ),
    (
        "m20261208_000023_implementation_photos.rs",
        "12bcd4651222dee259e34209bac7062ac7b2d0bf4544466bb2bb32512f1c1085",
    ),
    (
        "m20261209_000024_addresses.rs",
        "1ce38b9fe5510262a46ce10620444a59eed62adb9ca89a274fa9b22be9d23d34",
    ),
    (
        "m20261210_000025_proposal_map_index.rs",
        "3b8e753ba28e17e78af67bab382779da97a6d04db5645e06b14be738ffd62e51",
    ),
    (
        "m20261211_000026_proposal_photos.rs",
        "e92ec75bc1a7b09a896a6db5db04a194299d9d98f258c5ae05febb50f9583b89",
    ),
    (
        "m20261212_000027_proposal_match_generation.rs",
        "f89b6339ee964dfdef38cc793959626d7907531493356f380062bb55d3ec27dc",
    ),
];

#[test]
fn released_migrations_never_change() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../migrations/src");
    let mut found = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        if name.starts_with('m') && name.ends_with(".rs") {
            found.push(name);
        }
    }
    found.sort();
    let mut problems = Vec::new();
    for name in &found {
        let bytes = std::fs::read(dir.join(name)).unwrap();
        let digest = format!("{:x}", Sha256::digest(&bytes));
        match FROZEN.iter().find(|(frozen, _)| frozen == name) {
            None => problems.push(format!(
                "{name} is new: add (\"{name}\", \"{digest}\") to FROZEN"
            )),
            Some((_, expected)) if *expected != digest => problems.push(format!(
                "{name} changed: a released migration must stay as it is; put the change into a new migration"
            )),
            Some(_) => {}
        }
    }
    for (name, _) in FROZEN {
        if !found.iter().any(|f| f == name) {
            problems.push(format!("{name} was removed"));
        }
    }
    // Each file is also registered with the migrator, in order.
    let lib = std::fs::read_to_string(dir.join("lib.rs")).unwrap();
    let mut last = 0;
    for name in &found {
        let module = name.trim_end_matches(".rs");
        match lib.find(&format!("Box::new({module}::Migration)")) {
            Some(at) if at >= last => last = at,
            Some(_) => problems.push(format!("{module} is registered out of order")),
            None => problems.push(format!("{module} is not registered in lib.rs")),
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
