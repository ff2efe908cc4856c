//! What an instance keeps in its data directory besides the database: the legal pages'
//! texts it edits and the key that signs its sessions.

use crate::config::Config;
use anyhow::Context;
use std::path::Path;

/// Creates the data directory with what an instance edits: the legal pages' texts.
pub fn prepare_data_dir(data_dir: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(data_dir).with_context(|| {
        format!(
            "cannot create the data directory {} (MITREDEN_DATA_DIR)",
            data_dir.display()
        )
    })?;
    app::backend::service::legal::install_examples(data_dir)
        .with_context(|| format!("cannot write example pages into {}", data_dir.display()))?;
    Ok(())
}

/// The key that signs session tokens: `MITREDEN_JWT_SECRET`, else the one generated into
/// the data directory on first start (readable by the owner only), so that every restart,
/// and every instance sharing the directory, accepts the same sessions.
pub fn jwt_secret(config: &Config) -> anyhow::Result<String> {
    if let Some(secret) = &config.jwt_secret {
        return Ok(secret.clone());
    }
    let path = config.data_dir.join("jwt_secret");
    match std::fs::read_to_string(&path) {
        Ok(secret) if secret.trim().len() >= 32 => return Ok(secret.trim().to_owned()),
        Ok(_) => anyhow::bail!("{} is shorter than 32 characters", path.display()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", path.display())),
    }
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes)
        .map_err(|e| anyhow::anyhow!("no randomness for the secret: {e}"))?;
    let secret: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(&path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    std::io::Write::write_all(&mut file, secret.as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))?;
    tracing::info!(path = %path.display(), "generated a new session signing key");
    Ok(secret)
}
