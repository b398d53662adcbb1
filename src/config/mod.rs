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
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct UiConfig {
    #[serde(deserialize_with = "known_theme")]
    pub theme: String,
    pub no_color: bool,
    pub mouse: bool,
    pub page_size: Option<u32>,
}

/// The colour themes the UI has; `ui.no_color` (or NO_COLOR) is the other
/// look.
pub const THEMES: &[&str] = &["default"];

/// Refuses a theme the UI does not have while toml still knows the value's
/// line, so the error points at it like an unknown key does.
fn known_theme<'de, D: serde::Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let name = String::deserialize(d)?;
    if THEMES.contains(&name.as_str()) {
        return Ok(name);
    }
    let allowed: Vec<String> = THEMES.iter().map(|t| format!("{t:?}")).collect();
    Err(serde::de::Error::custom(format!(
        "unknown ui.theme {name:?}, expected one of {}",
        allowed.join(", ")
    )))
}

impl Default for UiConfig {
    fn default() -> Self {
        UiConfig {
            theme: "default".into(),
            no_color: false,
            mouse: false,
            page_size: None,
        }
    }
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
            (parse(&text, &path)?, Some(path), origin)
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
        if self.ui.page_size == Some(0) {
            return Err("ui.page_size must be at least 1".into());
        }
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
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env_of(pairs: &[(&str, String)]) -> impl Fn(&str) -> Option<String> + use<> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect();
        move |k| map.get(k).cloned()
    }

    #[test]
    fn default_toml_documents_the_defaults() {
        let text = include_str!("../../config/default.toml");
        let parsed = parse(text, Path::new("config/default.toml")).unwrap();
        assert_eq!(parsed, Config::default());
    }

    #[test]
    fn empty_file_is_all_defaults() {
        assert_eq!(parse("", Path::new("x")).unwrap(), Config::default());
    }

    #[test]
    fn values_override_defaults() {
        let c = parse(
            "[database]\npool_max_size = 3\nstatement_timeout_ms = 100\n[keys]\nquit = [\"q\", \"ctrl-c\"]\n",
            Path::new("x"),
        )
        .unwrap();
        assert_eq!(c.database.pool_max_size, 3);
        assert_eq!(c.database.wait_timeout_secs, 5);
        assert_eq!(c.database.statement_timeout_ms, Some(100));
        assert_eq!(c.keys["quit"], vec!["q", "ctrl-c"]);
    }

    #[test]
    fn unknown_key_names_key_file_and_line() {
        let e = parse(
            "[ui]\ntheme = \"default\"\ncolour = true\n",
            Path::new("/etc/c.toml"),
        )
        .unwrap_err();
        let msg = e.to_string();
        assert!(msg.contains("colour"), "{msg}");
        assert!(msg.contains("/etc/c.toml"), "{msg}");
        assert!(msg.contains("line 3"), "{msg}");
        let msg = parse("[databse]\n", Path::new("c.toml"))
            .unwrap_err()
            .to_string();
        assert!(msg.contains("databse") && msg.contains("line 1"), "{msg}");
    }

    #[test]
    fn unknown_theme_names_key_value_file_line_and_choices() {
        let msg = parse(
            "[ui]\nmouse = true\ntheme = \"dark\"\n",
            Path::new("/etc/c.toml"),
        )
        .unwrap_err()
        .to_string();
        for part in [
            "ui.theme",
            "\"dark\"",
            "/etc/c.toml",
            "line 3",
            "\"default\"",
        ] {
            assert!(msg.contains(part), "{part} missing: {msg}");
        }
    }

    #[test]
    fn devices_and_fifos_are_refused_unopened() {
        let e = load(Some(Path::new("/dev/zero")), &|_| None)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("/dev/zero") && e.contains("not a regular file"),
            "{e}"
        );
        let tmp = tempfile::tempdir().unwrap();
        let fifo = tmp.path().join("fifo.toml");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        // Opening it would block until a writer came; refusal returns.
        let e = load(Some(&fifo), &|_| None).unwrap_err().to_string();
        assert!(
            e.contains("fifo.toml") && e.contains("not a regular file"),
            "{e}"
        );
    }

    #[test]
    fn files_over_the_cap_are_refused_and_at_the_cap_read() {
        let tmp = tempfile::tempdir().unwrap();
        let at_cap = tmp.path().join("at_cap.toml");
        let comment = format!("#{}\n", "x".repeat(MAX_CONFIG_BYTES as usize - 2));
        std::fs::write(&at_cap, &comment).unwrap();
        assert_eq!(
            load(Some(&at_cap), &|_| None).unwrap().config,
            Config::default()
        );
        let big = tmp.path().join("big.toml");
        std::fs::write(&big, format!("{comment}\n")).unwrap();
        let e = load(Some(&big), &|_| None).unwrap_err().to_string();
        assert!(e.contains("big.toml") && e.contains("1024 KiB"), "{e}");
    }

    #[test]
    fn zero_limits_are_refused() {
        let msg = parse("[database]\nwait_timeout_secs = 0\n", Path::new("c.toml"))
            .unwrap_err()
            .to_string();
        assert!(
            msg.contains("database.wait_timeout_secs must be at least 1"),
            "{msg}"
        );
        assert!(msg.contains("c.toml"), "{msg}");
    }

    #[test]
    fn conn_params_use_the_file_url_and_timeout_last() {
        let loaded = Loaded {
            config: parse(
                "[database]\nurl = \"postgres://filehost/filedb\"\nconnect_timeout_secs = 3\n",
                Path::new("c.toml"),
            )
            .unwrap(),
            path: None,
            path_source: "--config",
        };
        let p = loaded.conn_params(None, &|_| None, None).unwrap();
        assert_eq!(p.host, "filehost");
        assert_eq!(p.connect_timeout, Some(Duration::from_secs(3)));
        let env = |k: &str| (k == "PGCONNECT_TIMEOUT").then(|| "9".to_string());
        let p = loaded
            .conn_params(Some("host=flaghost"), &env, None)
            .unwrap();
        assert_eq!(p.host, "flaghost");
        assert_eq!(
            p.dbname, p.user,
            "the file URL is not merged under the flag"
        );
        assert_eq!(p.connect_timeout, Some(Duration::from_secs(9)));
    }

    #[test]
    fn wrong_type_is_precise() {
        let msg = parse(
            "[database]\npool_max_size = \"many\"\n",
            Path::new("c.toml"),
        )
        .unwrap_err()
        .to_string();
        assert!(msg.contains("line 2"), "{msg}");
    }

    #[test]
    fn location_order() {
        let tmp = tempfile::tempdir().unwrap();
        let xdg = tmp.path().join("xdg");
        let home = tmp.path().join("home");
        std::fs::create_dir_all(xdg.join("caseload")).unwrap();
        std::fs::create_dir_all(home.join(".config/caseload")).unwrap();
        std::fs::write(xdg.join("caseload/config.toml"), "[log]\nlevel = \"xdg\"\n").unwrap();
        std::fs::write(
            home.join(".config/caseload/config.toml"),
            "[log]\nlevel = \"home\"\n",
        )
        .unwrap();
        let explicit = tmp.path().join("explicit.toml");
        std::fs::write(&explicit, "[log]\nlevel = \"explicit\"\n").unwrap();
        let flag = tmp.path().join("flag.toml");
        std::fs::write(&flag, "[log]\nlevel = \"flag\"\n").unwrap();

        let all = env_of(&[
            ("CASELOAD_CONFIG", explicit.display().to_string()),
            ("XDG_CONFIG_HOME", xdg.display().to_string()),
            ("HOME", home.display().to_string()),
        ]);
        let l = load(Some(&flag), &all).unwrap();
        assert_eq!(
            (l.config.log.level.as_str(), l.path_source),
            ("flag", "--config")
        );
        let l = load(None, &all).unwrap();
        assert_eq!(
            (l.config.log.level.as_str(), l.path_source),
            ("explicit", "CASELOAD_CONFIG")
        );
        let env = env_of(&[
            ("XDG_CONFIG_HOME", xdg.display().to_string()),
            ("HOME", home.display().to_string()),
        ]);
        let l = load(None, &env).unwrap();
        assert_eq!(
            (l.config.log.level.as_str(), l.path_source),
            ("xdg", "XDG_CONFIG_HOME")
        );
        let env = env_of(&[("HOME", home.display().to_string())]);
        let l = load(None, &env).unwrap();
        assert_eq!(
            (l.config.log.level.as_str(), l.path_source),
            ("home", "~/.config")
        );
        assert_eq!(l.path, Some(home.join(".config/caseload/config.toml")));
    }

    #[test]
    fn missing_default_file_is_fine_missing_explicit_is_not() {
        let tmp = tempfile::tempdir().unwrap();
        let env = env_of(&[
            (
                "XDG_CONFIG_HOME",
                tmp.path().join("x").display().to_string(),
            ),
            ("HOME", tmp.path().join("h").display().to_string()),
        ]);
        let l = load(None, &env).unwrap();
        // The platform directory is the real one and may hold a file; only
        // assert when it does not.
        if l.path.is_none() {
            assert_eq!(l.path_source, "none (defaults)");
            assert_eq!(l.config, Config::default());
        }
        let missing = tmp.path().join("missing.toml");
        let e = load(Some(&missing), &env).unwrap_err().to_string();
        assert!(e.contains("missing.toml") && e.contains("--config"), "{e}");
        let env = env_of(&[("CASELOAD_CONFIG", missing.display().to_string())]);
        let e = load(None, &env).unwrap_err().to_string();
        assert!(e.contains("CASELOAD_CONFIG"), "{e}");
    }

    #[test]
    fn no_color_env_forces_no_color() {
        let tmp = tempfile::tempdir().unwrap();
        let f = tmp.path().join("c.toml");
        std::fs::write(&f, "[ui]\nno_color = false\n").unwrap();
        let l = load(Some(&f), &env_of(&[("NO_COLOR", "1".into())])).unwrap();
        assert!(l.config.ui.no_color);
        let l = load(Some(&f), &env_of(&[("NO_COLOR", String::new())])).unwrap();
        assert!(!l.config.ui.no_color);
    }

    #[test]
    fn log_file_defaults_to_state_dir() {
        let env = env_of(&[("XDG_STATE_HOME", "/state".into())]);
        assert_eq!(
            LogConfig::default().file_or_default(&env),
            Some(PathBuf::from("/state/caseload/caseload.log"))
        );
    }
}
