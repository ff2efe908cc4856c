//! Configuration from the environment and an optional `mitreden.toml`; the environment wins.
//! Every invalid value is reported with the name of the variable that holds it.

use serde::Deserialize;
use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Clone)]
pub struct Config {
    /// `sqlite://…` (embedded default) or `postgres://…`.
    pub database_url: String,
    pub data_dir: PathBuf,
    pub site_addr: SocketAddr,
    /// Where cargo-leptos put the site (JS, wasm, CSS, assets).
    pub site_root: String,
    /// Public base URL without a trailing slash, for links in e-mails.
    pub public_url: String,
    /// When `None`, a secret is generated into the data directory on first start.
    pub jwt_secret: Option<String>,
    /// When `None`, mails are written as .eml files under the data directory.
    pub smtp_url: Option<String>,
    /// The sender of every mail, e.g. `Mitreden Musterstadt <beteiligung@musterstadt.de>`.
    pub mail_from: String,
    pub instance_name: String,
    /// The instance's logo (`MITREDEN_LOGO`, a PNG or JPEG file), read at start.
    pub logo: Option<std::sync::Arc<app::backend::logo::Logo>>,
    pub log_format: LogFormat,
    /// Reverse proxies whose `X-Forwarded-For` names the client (`MITREDEN_TRUSTED_PROXIES`).
    pub trusted_proxies: app::backend::proxies::TrustedProxies,
    /// Private networks the OParl import may read from (`MITREDEN_OPARL_ALLOW`).
    pub oparl_allowed: app::backend::proxies::Networks,
    /// Requests to `/api/v1` per minute and client address (0: no limit).
    pub rate_limit_address: u32,
    /// Requests to `/api/v1` per minute and signed-in account (0: no limit).
    pub rate_limit_account: u32,
    /// How long a page rendered for anonymous visitors is served again from memory, unless
    /// something changes first (`MITREDEN_PAGE_MEMORY_MS`; 0: never).
    pub page_memory: std::time::Duration,
    /// Map tiles: an MBTiles file (relative to the data directory, or absolute) or an
    /// upstream's address with `{z}`, `{x}` and `{y}` (`MITREDEN_TILES`); opened at start.
    pub tiles: Option<String>,
    /// The line the tiles' licence asks for (`MITREDEN_TILES_ATTRIBUTION`).
    pub tiles_attribution: Option<String>,
}

/// Requests per minute an address may send to the API by default: a school or an office
/// behind one address stays well below it, a scraper does not.
pub const DEFAULT_RATE_LIMIT_ADDRESS: u32 = 600;
/// Requests per minute an account may send to the API by default.
pub const DEFAULT_RATE_LIMIT_ACCOUNT: u32 = 300;
/// Milliseconds an anonymous page is served from memory by default (`page_cache`).
pub const DEFAULT_PAGE_MEMORY_MS: u64 = 1_000;
/// The longest memory allowed: what another instance changes shows here after at most
/// this long.
pub const MAX_PAGE_MEMORY_MS: u64 = 60_000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub variable: String,
    pub problem: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid configuration: {}: {}",
            self.variable, self.problem
        )
    }
}

impl std::error::Error for ConfigError {}

fn invalid(variable: &str, problem: impl Into<String>) -> ConfigError {
    ConfigError {
        variable: variable.to_owned(),
        problem: problem.into(),
    }
}

/// The keys `mitreden.toml` may hold: the variable names in lower case.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    database_url: Option<String>,
    mitreden_data_dir: Option<String>,
    leptos_site_addr: Option<String>,
    leptos_site_root: Option<String>,
    mitreden_public_url: Option<String>,
    mitreden_jwt_secret: Option<String>,
    mitreden_smtp_url: Option<String>,
    mitreden_mail_from: Option<String>,
    mitreden_instance_name: Option<String>,
    mitreden_logo: Option<String>,
    mitreden_trusted_proxies: Option<String>,
    mitreden_oparl_allow: Option<String>,
    mitreden_log_format: Option<String>,
    mitreden_rate_limit: Option<String>,
    mitreden_rate_limit_account: Option<String>,
    mitreden_page_memory_ms: Option<String>,
    mitreden_tiles: Option<String>,
    mitreden_tiles_attribution: Option<String>,
}

impl FileConfig {
    fn get(&self, variable: &str) -> Option<&String> {
        match variable {
            "DATABASE_URL" => self.database_url.as_ref(),
            "MITREDEN_DATA_DIR" => self.mitreden_data_dir.as_ref(),
            "LEPTOS_SITE_ADDR" => self.leptos_site_addr.as_ref(),
            "LEPTOS_SITE_ROOT" => self.leptos_site_root.as_ref(),
            "MITREDEN_PUBLIC_URL" => self.mitreden_public_url.as_ref(),
            "MITREDEN_JWT_SECRET" => self.mitreden_jwt_secret.as_ref(),
            "MITREDEN_SMTP_URL" => self.mitreden_smtp_url.as_ref(),
            "MITREDEN_MAIL_FROM" => self.mitreden_mail_from.as_ref(),
            "MITREDEN_INSTANCE_NAME" => self.mitreden_instance_name.as_ref(),
            "MITREDEN_LOGO" => self.mitreden_logo.as_ref(),
            "MITREDEN_TRUSTED_PROXIES" => self.mitreden_trusted_proxies.as_ref(),
            "MITREDEN_OPARL_ALLOW" => self.mitreden_oparl_allow.as_ref(),
            "MITREDEN_TILES" => self.mitreden_tiles.as_ref(),
            "MITREDEN_TILES_ATTRIBUTION" => self.mitreden_tiles_attribution.as_ref(),
            "MITREDEN_LOG_FORMAT" => self.mitreden_log_format.as_ref(),
            "MITREDEN_RATE_LIMIT" => self.mitreden_rate_limit.as_ref(),
            "MITREDEN_RATE_LIMIT_ACCOUNT" => self.mitreden_rate_limit_account.as_ref(),
            "MITREDEN_PAGE_MEMORY_MS" => self.mitreden_page_memory_ms.as_ref(),
            _ => None,
        }
    }
}

pub const DEFAULT_SITE_ADDR: &str = "127.0.0.1:3000";
const MIN_JWT_SECRET_LEN: usize = 32;

impl Config {
    /// From the process environment and `mitreden.toml` (or the file `MITREDEN_CONFIG` names).
    pub fn load() -> Result<Self, ConfigError> {
        let env = |name: &str| std::env::var(name).ok();
        let explicit = env("MITREDEN_CONFIG");
        let path = explicit
            .clone()
            .unwrap_or_else(|| "mitreden.toml".to_owned());
        let file = match std::fs::read_to_string(&path) {
            Ok(text) => Some(text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound && explicit.is_none() => None,
            Err(e) => {
                return Err(invalid(
                    "MITREDEN_CONFIG",
                    format!("cannot read {path}: {e}"),
                ));
            }
        };
        Self::from_sources(env, file.as_deref())
    }

    /// The pure core of [`Config::load`], for tests: `env` looks a variable up, `file` is the
    /// text of `mitreden.toml` if there is one.
    pub fn from_sources(
        env: impl Fn(&str) -> Option<String>,
        file: Option<&str>,
    ) -> Result<Self, ConfigError> {
        let file: FileConfig = match file {
            Some(text) => toml::from_str(text).map_err(|e| {
                invalid("MITREDEN_CONFIG", format!("mitreden.toml: {}", e.message()))
            })?,
            None => FileConfig::default(),
        };
        let get = |name: &str| {
            env(name)
                .or_else(|| file.get(name).cloned())
                .filter(|value| !value.trim().is_empty())
        };

        let data_dir =
            PathBuf::from(get("MITREDEN_DATA_DIR").unwrap_or_else(|| "./data".to_owned()));

        let site_addr_text =
            get("LEPTOS_SITE_ADDR").unwrap_or_else(|| DEFAULT_SITE_ADDR.to_owned());
        let site_addr: SocketAddr = site_addr_text.parse().map_err(|_| {
            invalid(
                "LEPTOS_SITE_ADDR",
                format!("'{site_addr_text}' is not an address like 127.0.0.1:3000"),
            )
        })?;

        let database_url = match get("DATABASE_URL") {
            Some(url) => {
                let known = ["sqlite:", "postgres://", "postgresql://"];
                if !known.iter().any(|prefix| url.starts_with(prefix)) {
                    return Err(invalid(
                        "DATABASE_URL",
                        "must start with sqlite: or postgres:// (the value is not shown: it may hold a password)",
                    ));
                }
                url
            }
            None => sqlite_url(&data_dir.join("mitreden.db")),
        };

        let public_url = match get("MITREDEN_PUBLIC_URL") {
            Some(url) => {
                let url = url.trim_end_matches('/').to_owned();
                let rest = url
                    .strip_prefix("https://")
                    .or_else(|| url.strip_prefix("http://"))
                    .ok_or_else(|| {
                        invalid(
                            "MITREDEN_PUBLIC_URL",
                            format!("'{url}' is not an http(s) URL"),
                        )
                    })?;
                if rest.is_empty() || rest.contains(char::is_whitespace) {
                    return Err(invalid(
                        "MITREDEN_PUBLIC_URL",
                        format!("'{url}' has no valid host"),
                    ));
                }
                url
            }
            None => format!("http://{site_addr}"),
        };

        let jwt_secret = match get("MITREDEN_JWT_SECRET") {
            Some(secret) if secret.len() < MIN_JWT_SECRET_LEN => {
                return Err(invalid(
                    "MITREDEN_JWT_SECRET",
                    format!("must be at least {MIN_JWT_SECRET_LEN} characters long"),
                ));
            }
            other => other,
        };

        let smtp_url = match get("MITREDEN_SMTP_URL") {
            Some(url) if !(url.starts_with("smtp://") || url.starts_with("smtps://")) => {
                return Err(invalid(
                    "MITREDEN_SMTP_URL",
                    "must start with smtp:// or smtps://",
                ));
            }
            other => other,
        };

        let mail_from = match get("MITREDEN_MAIL_FROM") {
            Some(from) if !from.contains('@') => {
                return Err(invalid(
                    "MITREDEN_MAIL_FROM",
                    format!("'{from}' is not an e-mail address"),
                ));
            }
            Some(from) => from,
            None => {
                // noreply@ the public host, when it is a name (an IP address is no mail domain).
                let host = public_url
                    .split("://")
                    .nth(1)
                    .and_then(|rest| rest.split(['/', ':']).next())
                    .filter(|host| host.contains('.') && host.parse::<std::net::IpAddr>().is_err())
                    .unwrap_or("localhost");
                format!("Mitreden <noreply@{host}>")
            }
        };

        let log_format = match get("MITREDEN_LOG_FORMAT").as_deref() {
            None | Some("text") => LogFormat::Text,
            Some("json") => LogFormat::Json,
            Some(other) => {
                return Err(invalid(
                    "MITREDEN_LOG_FORMAT",
                    format!("'{other}' is neither text nor json"),
                ));
            }
        };

        let instance_name = get("MITREDEN_INSTANCE_NAME").unwrap_or_else(|| "Mitreden".to_owned());
        if instance_name.chars().count() > 80 {
            return Err(invalid(
                "MITREDEN_INSTANCE_NAME",
                "must be at most 80 characters long",
            ));
        }

        let logo = match get("MITREDEN_LOGO") {
            None => None,
            Some(path) => {
                let bytes = std::fs::read(&path)
                    .map_err(|e| invalid("MITREDEN_LOGO", format!("{path}: {e}")))?;
                let logo = app::backend::logo::Logo::read(&bytes)
                    .map_err(|problem| invalid("MITREDEN_LOGO", format!("{path}: {problem}")))?;
                Some(std::sync::Arc::new(logo))
            }
        };

        let trusted_proxies = app::backend::proxies::TrustedProxies::parse(
            &get("MITREDEN_TRUSTED_PROXIES").unwrap_or_default(),
        )
        .map_err(|problem| invalid("MITREDEN_TRUSTED_PROXIES", problem))?;
        let oparl_allowed = app::backend::proxies::Networks::parse(
            &get("MITREDEN_OPARL_ALLOW").unwrap_or_default(),
        )
        .map_err(|problem| invalid("MITREDEN_OPARL_ALLOW", problem))?;

        let limit = |variable: &str, default: u32| match get(variable) {
            None => Ok(default),
            Some(value) => value.trim().parse::<u32>().map_err(|_| {
                invalid(
                    variable,
                    format!("'{value}' is not a number of requests per minute (0 for no limit)"),
                )
            }),
        };
        let rate_limit_address = limit("MITREDEN_RATE_LIMIT", DEFAULT_RATE_LIMIT_ADDRESS)?;
        let rate_limit_account = limit("MITREDEN_RATE_LIMIT_ACCOUNT", DEFAULT_RATE_LIMIT_ACCOUNT)?;
        let page_memory = match get("MITREDEN_PAGE_MEMORY_MS") {
            None => DEFAULT_PAGE_MEMORY_MS,
            Some(value) => value
                .trim()
                .parse::<u64>()
                .ok()
                .filter(|ms| *ms <= MAX_PAGE_MEMORY_MS)
                .ok_or_else(|| {
                    invalid(
                        "MITREDEN_PAGE_MEMORY_MS",
                        format!(
                            "'{value}' is not a number of milliseconds from 0 to {MAX_PAGE_MEMORY_MS}"
                        ),
                    )
                })?,
        };

        Ok(Self {
            rate_limit_address,
            rate_limit_account,
            page_memory: std::time::Duration::from_millis(page_memory),
            database_url,
            data_dir,
            site_addr,
            site_root: get("LEPTOS_SITE_ROOT").unwrap_or_else(|| "target/site".to_owned()),
            public_url,
            jwt_secret,
            smtp_url,
            mail_from,
            instance_name,
            logo,
            trusted_proxies,
            oparl_allowed,
            log_format,
            tiles: get("MITREDEN_TILES").filter(|v| !v.trim().is_empty()),
            tiles_attribution: get("MITREDEN_TILES_ATTRIBUTION"),
        })
    }

    pub fn is_sqlite(&self) -> bool {
        self.database_url.starts_with("sqlite:")
    }
}

/// A SQLite URL for a file path (sqlx reads `sqlite://` followed by the path).
pub fn sqlite_url(path: &Path) -> String {
    format!("sqlite://{}", path.display())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn load(vars: &[(&str, &str)], file: Option<&str>) -> Result<Config, ConfigError> {
        let vars: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_sources(|name| vars.get(name).cloned(), file)
    }

    #[test]
    fn defaults_give_an_embedded_instance_on_localhost() {
        let config = load(&[], None).unwrap();
        assert_eq!(config.site_addr.to_string(), "127.0.0.1:3000");
        assert_eq!(config.database_url, "sqlite://./data/mitreden.db");
        assert_eq!(config.public_url, "http://127.0.0.1:3000");
        assert_eq!(config.log_format, LogFormat::Text);
        assert!(config.jwt_secret.is_none());
        assert_eq!(config.mail_from, "Mitreden <noreply@localhost>");
        let named = load(
            &[("MITREDEN_PUBLIC_URL", "https://mitreden.musterstadt.de")],
            None,
        )
        .unwrap();
        assert_eq!(
            named.mail_from,
            "Mitreden <noreply@mitreden.musterstadt.de>"
        );
    }

    #[test]
    fn the_environment_wins_over_the_file() {
        let file = "mitreden_instance_name = \"Mitreden Musterstadt\"\nleptos_site_addr = \"127.0.0.1:4000\"\n";
        let config = load(&[("LEPTOS_SITE_ADDR", "127.0.0.1:5000")], Some(file)).unwrap();
        assert_eq!(config.instance_name, "Mitreden Musterstadt");
        assert_eq!(config.site_addr.port(), 5000);
    }

    #[test]
    fn each_invalid_value_names_its_variable() {
        let cases = [
            ("LEPTOS_SITE_ADDR", "localhost"),
            ("DATABASE_URL", "mysql://root:secret@db/x"),
            ("MITREDEN_PUBLIC_URL", "ftp://example.org"),
            ("MITREDEN_PUBLIC_URL", "https://"),
            ("MITREDEN_JWT_SECRET", "short"),
            ("MITREDEN_SMTP_URL", "mail.example.org:25"),
            ("MITREDEN_LOG_FORMAT", "xml"),
            ("MITREDEN_MAIL_FROM", "Mitreden"),
        ];
        for (variable, value) in cases {
            let error = load(&[(variable, value)], None).unwrap_err();
            assert_eq!(error.variable, variable, "{value}");
            assert!(error.to_string().contains(variable));
        }
    }

    #[test]
    fn a_database_password_never_appears_in_an_error() {
        let error = load(&[("DATABASE_URL", "mysql://root:hunter2@db/x")], None).unwrap_err();
        assert!(!error.to_string().contains("hunter2"));
    }

    #[test]
    fn unknown_keys_in_the_file_are_rejected() {
        let error = load(&[], Some("databse_url = \"sqlite://x\"\n")).unwrap_err();
        assert_eq!(error.variable, "MITREDEN_CONFIG");
        assert!(error.problem.contains("databse_url"), "{}", error.problem);
    }

    #[test]
    fn public_url_loses_its_trailing_slash() {
        let config = load(
            &[("MITREDEN_PUBLIC_URL", "https://mitreden.example/")],
            None,
        )
        .unwrap();
        assert_eq!(config.public_url, "https://mitreden.example");
    }
}
