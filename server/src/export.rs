//! `mitreden export`: a procedure's results written to files, with progress on standard
//! error and a manifest of the files' SHA-256 next to them.

use app::backend::export::{self, Chunk, FileHash, Format, Job, Table};
use app::backend::service::results;
use app::formats::budget::service::report as budget_report;
use app::i18n::Lang;
use app::model::procedure::Slug;
use sea_orm::DatabaseConnection;
use sha2::{Digest, Sha256};
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::config::Config;

/// Writes the export and its manifest; returns the files written (manifest last).
pub async fn to_files(
    db: &DatabaseConnection,
    config: &Config,
    procedure: &str,
    format: &str,
    semicolon: bool,
    lang: Lang,
    out: &Path,
) -> anyhow::Result<Vec<FileHash>> {
    let slug = Slug::parse(procedure).map_err(|_| anyhow::anyhow!("no procedure {procedure}"))?;
    let now = chrono::Utc::now();
    // The operator exports any procedure, as a planner would.
    let scope = results::scope_with(db, &slug, true, now)
        .await
        .map_err(|e| anyhow::anyhow!("procedure {procedure}: {e}"))?;
    let procedure_id = scope.procedure.id;
    let base = Job {
        scope,
        format: Format::Json,
        public_url: config.public_url.clone(),
        instance_name: config.instance_name.clone(),
        logo: config.logo.clone(),
        lang,
        hashes: Vec::new(),
        header: None,
        sections: Vec::new(),
    };
    let targets: Vec<(Format, PathBuf)> = match format {
        "csv" => Table::ALL
            .into_iter()
            .map(|table| {
                let path = match table {
                    Table::Proposals => out.to_path_buf(),
                    other => sibling(out, &format!("{}.csv", other.as_str())),
                };
                (Format::Csv { table, semicolon }, path)
            })
            .collect(),
        "json" => vec![(Format::Json, out.to_path_buf())],
        "xlsx" => vec![(Format::Xlsx, out.to_path_buf())],
        "pdf" => vec![(Format::Pdf, out.to_path_buf())],
        "html" => vec![(Format::Html, out.to_path_buf())],
        _ => anyhow::bail!("--format must be csv, xlsx, json, pdf or html"),
    };
    let failed = |e: app::error::AppError| anyhow::anyhow!("export failed: {e}");
    // Read once: the manifest's counts and the JSON file share it.
    let header = base
        .header_in(db, export::DATA_LANG)
        .await
        .map_err(failed)?;
    let base = Job {
        header: Some(header.clone()),
        ..base
    };
    let mut written = Vec::new();
    let mut printed = Vec::new();
    for (format, path) in targets {
        let mut job = export::with_hashes(
            db,
            Job {
                format,
                ..base.clone()
            },
        )
        .await
        .map_err(failed)?;
        budget_report::add_to_report(db, &mut job, now)
            .await
            .map_err(failed)?;
        printed.clone_from(&job.hashes);
        written.push(write_one(db, job, &path).await?);
    }
    // The manifest lists what was written and, for a report, the files whose hashes it prints.
    let mut listed = written.clone();
    for file in printed {
        if !listed.iter().any(|w| w.sha256 == file.sha256) {
            listed.push(file);
        }
    }
    // The budgets' ballot files, which the report lists too.
    for file in budget_report::files(db, procedure_id, now)
        .await
        .map_err(failed)?
    {
        if !listed.iter().any(|w| w.sha256 == file.sha256) {
            listed.push(file);
        }
    }
    let manifest = export::manifest(&header, listed, now);
    let manifest_path = sibling(out, "manifest.json");
    let bytes = serde_json::to_vec_pretty(&manifest)?;
    // Last, and whole or not at all: a manifest names only files that are complete.
    let partial = partial_path(&manifest_path);
    std::fs::write(&partial, &bytes)
        .and_then(|()| std::fs::rename(&partial, &manifest_path))
        .map_err(|e| anyhow::anyhow!("{}: {e}", manifest_path.display()))?;
    written.push(FileHash {
        name: file_name(&manifest_path),
        media_type: "application/json".to_owned(),
        bytes: bytes.len() as u64,
        sha256: export::hex(&Sha256::digest(&bytes)),
    });
    Ok(written)
}

/// `results.csv` → `results.<suffix>`.
fn sibling(out: &Path, suffix: &str) -> PathBuf {
    let stem = out
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "export".to_owned());
    out.with_file_name(format!("{stem}.{suffix}"))
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Where a file is written before it is complete: beside its final path, so the rename
/// that puts it there is atomic.
fn partial_path(path: &Path) -> PathBuf {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(".partial");
    path.with_file_name(name)
}

/// Writes one export to a temporary file and renames it to `path` once it is complete: an
/// interrupted export never leaves a truncated file under the final name.
async fn write_one(db: &DatabaseConnection, job: Job, path: &Path) -> anyhow::Result<FileHash> {
    let partial = partial_path(path);
    let written = write_to(db, job, &partial, &file_name(path)).await;
    match written {
        Ok(hash) => {
            std::fs::rename(&partial, path)
                .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
            Ok(hash)
        }
        Err(error) => {
            let _ = std::fs::remove_file(&partial);
            Err(error)
        }
    }
}

async fn write_to(
    db: &DatabaseConnection,
    job: Job,
    path: &Path,
    name: &str,
) -> anyhow::Result<FileHash> {
    let media_type = job.format.media_type().to_owned();
    let (mut rx, handle) = export::spawn(db, job);
    let mut file = std::io::BufWriter::new(
        std::fs::File::create(path).map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?,
    );
    let mut hasher = Sha256::new();
    let mut bytes = 0u64;
    let mut stderr = std::io::stderr();
    let name = name.to_owned();
    while let Some(chunk) = rx.recv().await {
        match chunk {
            Chunk::Bytes(data) => {
                hasher.update(&data);
                bytes += data.len() as u64;
                file.write_all(&data)?;
            }
            Chunk::Progress { done, total } => {
                let _ = write!(stderr, "\r{name}: {done} / {total} rows");
            }
        }
    }
    let _ = writeln!(stderr);
    handle
        .await
        .map_err(|e| anyhow::anyhow!("export task: {e}"))?
        .map_err(|e| anyhow::anyhow!("export failed: {e}"))?;
    file.flush()?;
    file.get_ref().sync_all()?;
    Ok(FileHash {
        name,
        media_type,
        bytes,
        sha256: export::hex(&hasher.finalize()),
    })
}
