//! Settings and connections. Merging order: built-in defaults < config file
//! < environment < flags. Connection parameters follow libpq's own rules,
//! see [`conn`].

pub mod conn;
pub mod conninfo;
pub mod dirs;
pub mod keyring;
pub mod pgpass;
pub mod service;

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

pub use conn::{ConnError, ConnParams, Password, SslMode};
pub use dirs::{data_dir, ensure_dir, state_dir};

/// The whole configuration file. Every key has a default, so an empty or
/// missing file is valid; unknown keys are errors so typos are noticed.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub database: DatabaseConfig,
    pub ui: UiConfig,
    /// Action name -> key strings, overriding the built-in bindings.
    pub keys: BTreeMap<String, Vec<String>>,
    pub log: LogConfig,
    pub demo: DemoConfig,
    pub storage: StorageConfig,
    pub live: LiveConfig,
}

/// Live refresh and the heartbeat (issue 18, `worker/live.rs`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LiveConfig {
    /// `auto` (LISTEN unless a pooler that cannot is detected), `listen`,
    /// or `poll` (look every `poll_secs`, for a transaction-mode pooler).
    pub mode: LiveMode,
    /// Seconds between heartbeats (and the time the server has to answer).
    pub heartbeat_secs: u64,
    /// Seconds between looks in poll mode.
    pub poll_secs: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum LiveMode {
    #[default]
    Auto,
    Listen,
    Poll,
}

impl Default for LiveConfig {
    fn default() -> Self {
        LiveConfig {
            mode: LiveMode::Auto,
            heartbeat_secs: 3,
            poll_secs: 2,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DatabaseConfig {
    /// Used only when neither `--database-url` nor `DATABASE_URL` is set.
    pub url: Option<String>,
    pub pool_max_size: usize,
    pub connect_timeout_secs: u64,
    pub wait_timeout_secs: u64,
    pub recycle_timeout_secs: u64,
    pub statement_timeout_ms: Option<u64>,
    /// Where read-heavy work goes (`config::conn::resolve_read_targets`):
    /// a standby, or several hosts with `target_session_attrs`.
    pub read_url: Option<String>,
    /// A standby further behind the primary than this is not read from.
    pub max_standby_lag_secs: u64,
    /// Seconds a pooled connection may sit unused before it is closed; the
    /// next action opens a new one. 0 keeps them open.
    pub idle_release_secs: u64,
    /// Whether a connection pooler sits between caseload and the server.
    pub pooler: PoolerSetting,
}

/// `database.pooler`: `auto` looks (see `db::pooler::detect`), the others say.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PoolerSetting {
    #[default]
    Auto,
    None,
    Transaction,
}

impl Default for DatabaseConfig {
    fn default() -> Self {
        DatabaseConfig {
            url: None,
            pool_max_size: 8,
            connect_timeout_secs: 5,
            wait_timeout_secs: 5,
            recycle_timeout_secs: 5,
            statement_timeout_ms: None,
            read_url: None,
            max_standby_lag_secs: 30,
            idle_release_secs: 60,
            pooler: PoolerSetting::Auto,
        }
    }
}

impl DatabaseConfig {
    pub fn connect_timeout(&self) -> Duration {
        Duration::from_secs(self.connect_timeout_secs)
    }
    pub fn wait_timeout(&self) -> Duration {
        Duration::from_secs(self.wait_timeout_secs)
    }
    pub fn recycle_timeout(&self) -> Duration {
        Duration::from_secs(self.recycle_timeout_secs)
    }
    pub fn max_standby_lag(&self) -> Duration {
        Duration::from_secs(self.max_standby_lag_secs)
    }

    pub fn idle_release(&self) -> Option<Duration> {
        (self.idle_release_secs > 0).then(|| Duration::from_secs(self.idle_release_secs))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct UiConfig {
    /// A built-in theme (`THEMES`) or `themes/<name>.toml` next to the
    /// config file.
    pub theme: String,
    pub no_color: bool,
    /// Clicks select rows and tabs, the wheel scrolls; off leaves the
    /// terminal's own text selection alone.
    pub mouse: bool,
    /// `y` copies the selected thing to the clipboard (OSC 52).
    pub copy: bool,
}

/// The built-in colour themes; `ui.no_color` (or NO_COLOR) takes the
/// colours out of any of them. `default`, from before there were
/// themes, is `dark`.
pub const THEMES: &[&str] = &["dark", "light", "high-contrast", "16"];

impl Default for UiConfig {
    fn default() -> Self {
        UiConfig {
            theme: "dark".into(),
            no_color: false,
            mouse: false,
            copy: true,
        }
    }
}

impl Loaded {
    /// Where theme files are looked for: `themes/` beside the config file.
    pub fn config_dir(&self) -> Option<&Path> {
        self.path.as_deref().and_then(Path::parent)
    }
}

/// A theme name must be a built-in or a file in `themes/` beside the
/// config file, else the config is refused like an unknown key, naming
/// its line. (What is wrong inside a theme file is said at start, and the
/// dark theme used.)
fn check_theme(config: &Config, text: &str, path: &Path) -> Result<(), ConfigError> {
    let name = config.ui.theme.as_str();
    if name == "default" || THEMES.contains(&name) {
        return Ok(());
    }
    let themes = path.parent().map(|d| d.join("themes"));
    let file_name_ok = !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if file_name_ok
        && let Some(dir) = &themes
        && dir.join(format!("{name}.toml")).is_file()
    {
        return Ok(());
    }
    let mut choices: Vec<String> = THEMES.iter().map(|t| format!("{t:?}")).collect();
    if let Some(dir) = &themes
        && let Ok(entries) = std::fs::read_dir(dir)
    {
        let mut own: Vec<String> = entries
            .filter_map(|e| e.ok())
            .filter_map(|e| {
                let n = e.file_name().into_string().ok()?;
                n.strip_suffix(".toml").map(|s| format!("{s:?}"))
            })
            .collect();
        own.sort();
        choices.extend(own);
    }
    let line = text
        .lines()
        .position(|l| {
            l.trim_start()
                .strip_prefix("theme")
                .is_some_and(|r| r.trim_start().starts_with('='))
        })
        .map(|i| i + 1);
    let place = themes.map_or(String::new(), |d| {
        format!(" or a file {}/<name>.toml", d.display())
    });
    Err(ConfigError::Parse {
        path: path.to_path_buf(),
        line,
        message: format!(
            "unknown ui.theme {name:?}, expected one of {}{place}",
            choices.join(", ")
        ),
    })
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LogConfig {
    pub level: String,
    /// None means `caseload.log` in the state directory.
    pub file: Option<PathBuf>,
}

impl Default for LogConfig {
    fn default() -> Self {
        LogConfig {
            level: "info".into(),
            file: None,
        }
    }
}

impl LogConfig {
    /// The configured file, else `caseload.log` in [`state_dir`].
    pub fn file_or_default(&self, env: &dyn Fn(&str) -> Option<String>) -> Option<PathBuf> {
        self.file
            .clone()
            .or_else(|| state_dir(env).map(|d| d.join("caseload.log")))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DemoConfig {
    pub data_dir: Option<PathBuf>,
}

/// Where documents are stored (issue 15). The database signs every link
/// with the secret `caseload storage init` stored in it; these keys say
/// where the store is and are used with the operator's own credentials.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct StorageConfig {
    /// Run an S3-compatible store in-process on 127.0.0.1, storing under
    /// the data directory (`caseload demo` always does).
    pub embedded: bool,
    /// S3-compatible endpoint URL; unset means AWS (s3.REGION.amazonaws.com).
    pub endpoint: Option<String>,
    pub region: String,
    pub bucket: String,
    /// Prepended to every object key (keys themselves are opaque UUIDs).
    pub prefix: String,
    /// `https://endpoint/bucket/key` rather than `https://bucket.endpoint/key`.
    pub path_style: bool,
    /// How long a link the database signs stays valid.
    pub url_expires_secs: u32,
    /// Who moves the bytes: links the database signs, or (single-user
    /// setups) this client with its own AWS credentials.
    pub mode: StorageMode,
    /// The largest upload, in MiB.
    pub max_upload_mb: u64,
    /// Content types an upload may have, judged by its first bytes.
    pub allowed_types: Vec<String>,
}

/// `storage.mode`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum StorageMode {
    /// The database checks each request and signs a link for one object.
    #[default]
    Signed,
    /// The client reads and writes objects with aws-config credentials; the
    /// database still checks and audits rows but no longer decides who
    /// can read a file: anyone holding those credentials reads them all.
    Direct,
}

impl Default for StorageConfig {
    fn default() -> Self {
        StorageConfig {
            embedded: false,
            endpoint: None,
            region: "us-east-1".into(),
            bucket: "caseload-documents".into(),
            prefix: "documents/".into(),
            path_style: false,
            url_expires_secs: 300,
            mode: StorageMode::Signed,
            max_upload_mb: crate::storage::limits::DEFAULT_MAX_MB,
            allowed_types: crate::storage::limits::DEFAULT_TYPES
                .iter()
                .map(|t| t.to_string())
                .collect(),
        }
    }
}

/// A loaded configuration and where it came from (for `caseload doctor`).
#[derive(Debug, Clone)]
pub struct Loaded {
    pub config: Config,
    pub path: Option<PathBuf>,
    /// "--config", "CASELOAD_CONFIG", "XDG_CONFIG_HOME", "~/.config",
    /// "platform" or "none (defaults)".
    pub path_source: &'static str,
}

impl Loaded {
    /// Connection parameters with every layer applied: `--database-url` >
    /// `DATABASE_URL` > this file's `database.url`, then the service file,
    /// PG* variables and defaults; the file's connect timeout applies when
    /// nothing else chose one.
    pub fn conn_params(
        &self,
        flag: Option<&str>,
        env: &dyn Fn(&str) -> Option<String>,
        home: Option<&Path>,
    ) -> Result<ConnParams, ConnError> {
        let db = &self.config.database;
        conn::resolve_with_config(flag, db.url.as_deref(), env, home)
            .map(|p| p.with_default_connect_timeout(db.connect_timeout()))
    }

    /// [`Loaded::conn_params`] with the real process environment.
    pub fn conn_params_from_process(&self, flag: Option<&str>) -> Result<ConnParams, ConnError> {
        let home = conn::process_home();
        self.conn_params(flag, &|k| std::env::var(k).ok(), home.as_deref())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("config file {} (from {origin}) does not exist", path.display())]
    NotFound { path: PathBuf, origin: &'static str },
    #[error("config file {} (from {origin}) is not a regular file", path.display())]
    NotRegular { path: PathBuf, origin: &'static str },
    #[error(
        "config file {} is larger than {} KiB; is it the right file?",
        path.display(),
        MAX_CONFIG_BYTES / 1024
    )]
    TooLarge { path: PathBuf },
    #[error("could not read config file {}: {source}", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("invalid config file {}{}: {message}", path.display(), line.map(|l| format!(" line {l}")).unwrap_or_default())]
    Parse {
        path: PathBuf,
        line: Option<usize>,
        message: String,
    },
}

/// Far more than every key with long comments; a larger file is a wrong
/// path (a log, a device), and reading it whole would exhaust memory.
pub const MAX_CONFIG_BYTES: u64 = 1 << 20;

/// Finds, reads and parses the config file, then applies environment
/// overrides. A file named explicitly must exist; one at a default location
/// may be absent.
pub fn load(
    flag: Option<&Path>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Loaded, ConfigError> {
    let env = |k: &str| env(k).filter(|v| !v.is_empty());
    let explicit = match (flag, env("CASELOAD_CONFIG")) {
        (Some(p), _) => Some((p.to_path_buf(), "--config")),
        (None, Some(p)) => Some((PathBuf::from(p), "CASELOAD_CONFIG")),
        (None, None) => None,
    };
    let found = match explicit {
        Some((path, origin)) => {
            if !path.exists() {
                return Err(ConfigError::NotFound { path, origin });
            }
            Some((path, origin))
        }
        None => default_candidates(&env)
            .into_iter()
            .find(|(p, _)| p.is_file()),
    };

    let (mut config, path, path_source) = match found {
        Some((path, origin)) => {
            let text = read_capped(&path, origin)?;
            let config = parse(&text, &path)?;
            check_theme(&config, &text, &path)?;
            (config, Some(path), origin)
        }
        None => (Config::default(), None, "none (defaults)"),
    };
    apply_env(&mut config, &env);
    Ok(Loaded {
        config,
        path,
        path_source,
    })
}

/// Reads at most [`MAX_CONFIG_BYTES`]. Only regular files: opening a FIFO
/// would wait for a writer forever, and a device such as /dev/zero never
/// ends, so both are refused before they are opened.
fn read_capped(path: &Path, origin: &'static str) -> Result<String, ConfigError> {
    let read_error = |source| ConfigError::Read {
        path: path.to_path_buf(),
        source,
    };
    if !std::fs::metadata(path).map_err(read_error)?.is_file() {
        return Err(ConfigError::NotRegular {
            path: path.to_path_buf(),
            origin,
        });
    }
    let mut text = String::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_CONFIG_BYTES + 1).read_to_string(&mut text))
        .map_err(read_error)?;
    if text.len() as u64 > MAX_CONFIG_BYTES {
        return Err(ConfigError::TooLarge {
            path: path.to_path_buf(),
        });
    }
    Ok(text)
}

/// [`load`] with the real process environment.
pub fn load_from_process(flag: Option<&Path>) -> Result<Loaded, ConfigError> {
    load(flag, &|k| std::env::var(k).ok())
}

fn default_candidates(env: &dyn Fn(&str) -> Option<String>) -> Vec<(PathBuf, &'static str)> {
    let mut out = Vec::new();
    if let Some(x) = env("XDG_CONFIG_HOME") {
        out.push((
            Path::new(&x).join("caseload/config.toml"),
            "XDG_CONFIG_HOME",
        ));
    }
    if let Some(h) = env("HOME") {
        out.push((
            Path::new(&h).join(".config/caseload/config.toml"),
            "~/.config",
        ));
    }
    if let Some(d) = dirs::platform_config_dir() {
        out.push((d.join("config.toml"), "platform"));
    }
    out
}

/// Parses config text; errors carry the file path and, when toml knows it,
/// the line.
pub fn parse(text: &str, path: &Path) -> Result<Config, ConfigError> {
    let config: Config = toml::from_str(text).map_err(|e: toml::de::Error| {
        let line = e.span().map(|s| {
            text.as_bytes()[..s.start.min(text.len())]
                .iter()
                .filter(|b| **b == b'\n')
                .count()
                + 1
        });
        ConfigError::Parse {
            path: path.to_path_buf(),
            line,
            message: e.message().to_string(),
        }
    })?;
    config.validate().map_err(|message| ConfigError::Parse {
        path: path.to_path_buf(),
        line: None,
        message,
    })?;
    Ok(config)
}

impl Config {
    /// Zero would make the pool fail every request at once (or, for the
    /// size, build nothing), so it is refused rather than guessed at.
    pub fn validate(&self) -> Result<(), String> {
        let db = &self.database;
        for (key, value) in [
            ("pool_max_size", db.pool_max_size as u64),
            ("connect_timeout_secs", db.connect_timeout_secs),
            ("wait_timeout_secs", db.wait_timeout_secs),
            ("recycle_timeout_secs", db.recycle_timeout_secs),
        ] {
            if value == 0 {
                return Err(format!("database.{key} must be at least 1"));
            }
        }
        crate::storage::validate(&self.storage)?;
        Ok(())
    }
}

/// The environment layer: it beats the file, flags beat it later.
fn apply_env(config: &mut Config, env: &dyn Fn(&str) -> Option<String>) {
    // no-color.org: any non-empty value disables colour.
    if env("NO_COLOR").is_some() {
        config.ui.no_color = true;
    }
}

#[cfg(test)]
mod tests;
