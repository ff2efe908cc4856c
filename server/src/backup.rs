//! `mitreden backup FILE` and `mitreden restore FILE`: one ZIP archive with the SQLite
//! database and everything else in the data directory (procedure images, legal pages, the
//! session signing key, mail files). The database copy is consistent while the server
//! runs and writes: SQLite's `VACUUM INTO` reads it in one transaction. On PostgreSQL the
//! archive holds the data directory only; the database is backed up with `pg_dump` (see
//! the README).

use crate::config::Config;
use anyhow::{Context, bail};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// The database's name inside the archive.
const DATABASE_ENTRY: &str = "mitreden.db";
/// Where the data directory's files are inside the archive.
const DATA_PREFIX: &str = "data/";

/// What an archive holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    pub database: bool,
    pub files: usize,
    pub bytes: u64,
}

/// The SQLite file a `sqlite:` URL names, if it names one.
fn sqlite_file(url: &str) -> Option<PathBuf> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))?;
    let path = rest.split('?').next().unwrap_or(rest);
    (!path.is_empty() && path != ":memory:").then(|| PathBuf::from(path))
}

/// Writes the archive to `out` (through a temporary file beside it, renamed when whole).
pub async fn backup(
    config: &Config,
    db: &DatabaseConnection,
    out: &Path,
) -> anyhow::Result<Summary> {
    let partial = with_suffix(out, ".partial");
    let copy = with_suffix(out, ".db.partial");
    let result = write_archive(config, db, &partial, &copy).await;
    let _ = std::fs::remove_file(&copy);
    match result {
        Ok(summary) => {
            std::fs::rename(&partial, out).with_context(|| format!("{}", out.display()))?;
            Ok(summary)
        }
        Err(error) => {
            let _ = std::fs::remove_file(&partial);
            Err(error)
        }
    }
}

async fn write_archive(
    config: &Config,
    db: &DatabaseConnection,
    partial: &Path,
    copy: &Path,
) -> anyhow::Result<Summary> {
    let file = std::fs::File::create(partial)
        .with_context(|| format!("cannot create {}", partial.display()))?;
    let mut zip = zip::ZipWriter::new(std::io::BufWriter::new(file));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(true);
    let mut summary = Summary {
        database: false,
        files: 0,
        bytes: 0,
    };
    let live_database = sqlite_file(&config.database_url);
    if db.get_database_backend() == DbBackend::Sqlite {
        let _ = std::fs::remove_file(copy);
        let target = copy.to_string_lossy().replace('\'', "''");
        db.execute_unprepared(&format!("VACUUM INTO '{target}'"))
            .await
            .context("cannot copy the database (VACUUM INTO)")?;
        summary.bytes += add_file(&mut zip, options, DATABASE_ENTRY, copy)?;
        summary.database = true;
    }
    let mut files = Vec::new();
    collect(&config.data_dir, &mut files)?;
    files.sort();
    for path in files {
        let Ok(relative) = path.strip_prefix(&config.data_dir) else {
            continue;
        };
        // The live database and its journals are in the archive as their consistent copy;
        // files being written (a backup's own, an export's) are not whole yet.
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let is_live = live_database.as_ref().is_some_and(|live| {
            [
                live.clone(),
                with_suffix(live, "-wal"),
                with_suffix(live, "-shm"),
                with_suffix(live, "-journal"),
            ]
            .iter()
            .any(|p| same_file(p, &path))
        });
        if is_live || name.ends_with(".partial") || same_file(&path, partial) {
            continue;
        }
        let entry = format!(
            "{DATA_PREFIX}{}",
            relative
                .to_string_lossy()
                .replace(std::path::MAIN_SEPARATOR, "/")
        );
        summary.bytes += add_file(&mut zip, options, &entry, &path)?;
        summary.files += 1;
    }
    let mut writer = zip.finish().context("cannot finish the archive")?;
    writer.flush()?;
    writer.get_ref().sync_all()?;
    Ok(summary)
}

/// Unpacks an archive into the configured data directory, which must be new or empty,
/// and its database to the configured SQLite file. Entries that would land outside the
/// data directory are refused.
pub fn restore(config: &Config, archive: &Path) -> anyhow::Result<Summary> {
    let data_dir = &config.data_dir;
    if data_dir.exists()
        && std::fs::read_dir(data_dir)
            .with_context(|| format!("cannot read {}", data_dir.display()))?
            .next()
            .is_some()
    {
        bail!(
            "{} is not empty: restore into a new data directory (MITREDEN_DATA_DIR)",
            data_dir.display()
        );
    }
    let file = std::fs::File::open(archive)
        .with_context(|| format!("cannot open {}", archive.display()))?;
    let mut zip = zip::ZipArchive::new(std::io::BufReader::new(file))
        .with_context(|| format!("{} is not a Mitreden backup", archive.display()))?;
    let database_target = sqlite_file(&config.database_url);
    std::fs::create_dir_all(data_dir)?;
    let mut summary = Summary {
        database: false,
        files: 0,
        bytes: 0,
    };
    for index in 0..zip.len() {
        let mut entry = zip.by_index(index)?;
        if entry.is_dir() {
            continue;
        }
        let name = entry.name()?.into_owned();
        let target = if name == DATABASE_ENTRY {
            match &database_target {
                Some(target) => target.clone(),
                None => bail!(
                    "the archive holds a SQLite database, but DATABASE_URL is not a SQLite file"
                ),
            }
        } else {
            let Some(relative) = entry.enclosed_name() else {
                bail!("the archive entry {name:?} points outside the data directory");
            };
            let Ok(relative) = relative.strip_prefix(DATA_PREFIX.trim_end_matches('/')) else {
                bail!("the archive entry {name:?} is not part of a Mitreden backup");
            };
            data_dir.join(relative)
        };
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let mut out = std::fs::File::create(&target)
            .with_context(|| format!("cannot create {}", target.display()))?;
        let bytes = std::io::copy(&mut entry, &mut out)?;
        out.sync_all()?;
        restrict_if_secret(&target)?;
        summary.bytes += bytes;
        if name == DATABASE_ENTRY {
            summary.database = true;
        } else {
            summary.files += 1;
        }
    }
    Ok(summary)
}

fn add_file<W: Write + std::io::Seek>(
    zip: &mut zip::ZipWriter<W>,
    options: zip::write::SimpleFileOptions,
    entry: &str,
    path: &Path,
) -> anyhow::Result<u64> {
    let mut source =
        std::fs::File::open(path).with_context(|| format!("cannot read {}", path.display()))?;
    zip.start_file(entry, options)?;
    let mut buffer = vec![0u8; 64 * 1024];
    let mut total = 0u64;
    loop {
        let read = source.read(&mut buffer)?;
        if read == 0 {
            break;
        }
        zip.write_all(&buffer[..read])?;
        total += read as u64;
    }
    Ok(total)
}

/// Every regular file under `dir`, recursively.
fn collect(dir: &Path, out: &mut Vec<PathBuf>) -> anyhow::Result<()> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", dir.display())),
    };
    for entry in entries {
        let entry = entry?;
        let kind = entry.file_type()?;
        if kind.is_dir() {
            collect(&entry.path(), out)?;
        } else if kind.is_file() {
            out.push(entry.path());
        }
    }
    Ok(())
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_os_string();
    name.push(suffix);
    PathBuf::from(name)
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

/// The session signing key is readable by its owner only, restored as it was written.
fn restrict_if_secret(path: &Path) -> anyhow::Result<()> {
    #[cfg(unix)]
    if path.file_name().is_some_and(|n| n == "jwt_secret") {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    }
    let _ = path;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_urls_name_their_file() {
        assert_eq!(
            sqlite_file("sqlite://data/mitreden.db?mode=rwc"),
            Some(PathBuf::from("data/mitreden.db"))
        );
        assert_eq!(
            sqlite_file("sqlite:/srv/m.db"),
            Some(PathBuf::from("/srv/m.db"))
        );
        assert_eq!(sqlite_file("sqlite::memory:"), None);
        assert_eq!(sqlite_file("postgres://x/y"), None);
    }
}
