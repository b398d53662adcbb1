//! Connection resolution the way libpq does it, because tokio-postgres knows
//! nothing of PG* variables, `.pgpass` or service files and users expect their
//! psql habits to keep working.
//!
//! Precedence, highest first (libpq's `conninfo_add_defaults`):
//! 1. the explicit string: `--database-url`, else `DATABASE_URL`, else the
//!    config file's `database.url`;
//! 2. the service named by `service=` or `PGSERVICE` (libpq lets a chosen
//!    service beat the ambient PG* variables, so we do too);
//! 3. PG* environment variables;
//! 4. defaults. The password alone then falls back to the password file.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use super::{conninfo, pgpass, service};

/// Socket directory used by Debian/Ubuntu packages (libpq's compiled default
/// there); used as the default host when it exists.
pub const DEFAULT_SOCKET_DIR: &str = "/var/run/postgresql";
pub const DEFAULT_PORT: u16 = 5432;
/// Sent when nobody chose an application_name, so DBAs can tell us apart in
/// pg_stat_activity.
pub const DEFAULT_APPLICATION_NAME: &str = "caseload";
/// `sslrootcert=system`: trust the operating system's roots (libpq 16).
pub const SYSTEM_ROOT_CERT: &str = "system";
/// The keyring service name; the account is [`ConnParams::keyring_account`].
pub const KEYRING_SERVICE: &str = "caseload";
/// `ConnParams::sources` origin of a password from the keyring.
pub const KEYRING_ORIGIN: &str = "keyring";
/// Origin of a password typed into the TUI's prompt.
pub const PROMPT_ORIGIN: &str = "prompt";

/// A password that cannot leak through `{:?}`, `{}`, logs or error messages.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Password(String);

impl Password {
    pub fn new(s: impl Into<String>) -> Self {
        Password(s.into())
    }

    /// The only way to read the secret; grep for it when auditing.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Length in characters, for drawing one bullet per character.
    pub fn char_count(&self) -> usize {
        self.0.chars().count()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Editing in place, so a password being typed never exists as a plain
    /// String that a `{:?}` could print.
    pub fn push_str(&mut self, s: &str) {
        self.0.push_str(s);
    }

    pub fn pop(&mut self) {
        self.0.pop();
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("********")
    }
}

impl fmt::Display for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("********")
    }
}

/// libpq's six sslmodes; tokio-postgres has only three, so we keep the
/// user's choice and map it when connecting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SslMode {
    Disable,
    Allow,
    #[default]
    Prefer,
    Require,
    VerifyCa,
    VerifyFull,
}

impl SslMode {
    pub fn as_str(self) -> &'static str {
        match self {
            SslMode::Disable => "disable",
            SslMode::Allow => "allow",
            SslMode::Prefer => "prefer",
            SslMode::Require => "require",
            SslMode::VerifyCa => "verify-ca",
            SslMode::VerifyFull => "verify-full",
        }
    }

    /// Whether TLS is negotiated; what is verified is `db::tls`'s business.
    /// `allow` maps to Prefer rather than Disable: tokio-postgres cannot try
    /// plain first and TLS second, and this way a server that insists on TLS
    /// still works.
    pub fn to_tokio(self) -> tokio_postgres::config::SslMode {
        use tokio_postgres::config::SslMode as T;
        match self {
            SslMode::Disable => T::Disable,
            SslMode::Allow | SslMode::Prefer => T::Prefer,
            SslMode::Require | SslMode::VerifyCa | SslMode::VerifyFull => T::Require,
        }
    }
}

impl fmt::Display for SslMode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for SslMode {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        Ok(match s {
            "disable" => SslMode::Disable,
            "allow" => SslMode::Allow,
            "prefer" => SslMode::Prefer,
            "require" => SslMode::Require,
            "verify-ca" => SslMode::VerifyCa,
            "verify-full" => SslMode::VerifyFull,
            _ => return Err(()),
        })
    }
}

/// Why resolution failed. No variant carries a password.
#[derive(Debug, thiserror::Error)]
pub enum ConnError {
    #[error("malformed connection URL: {0}")]
    MalformedUrl(String),
    #[error("malformed connection string: {0}")]
    MalformedConninfo(String),
    #[error("unknown connection option \"{key}\" in {origin}")]
    UnknownOption { key: String, origin: String },
    #[error("invalid port \"{value}\" in {origin}")]
    InvalidPort { value: String, origin: String },
    #[error(
        "invalid sslmode \"{value}\" in {origin}; expected disable, allow, prefer, require, verify-ca or verify-full"
    )]
    InvalidSslMode { value: String, origin: String },
    #[error("invalid connect_timeout \"{value}\" in {origin}; expected whole seconds")]
    InvalidConnectTimeout { value: String, origin: String },
    #[error("several hosts in one connection string are not supported; give a single host")]
    MultipleHosts,
    #[error("service \"{name}\" not found in {}", join_paths(searched))]
    ServiceNotFound {
        name: String,
        searched: Vec<PathBuf>,
    },
    #[error("could not read service file {}: {message}", path.display())]
    ServiceFileRead { path: PathBuf, message: String },
    #[error("syntax error in service file {} line {line}: {message}", path.display())]
    ServiceFileSyntax {
        path: PathBuf,
        line: usize,
        message: String,
    },
    #[error(
        "sslrootcert=system (from {origin}) needs sslmode=verify-full, not {sslmode}: \
         trusting the system's roots only makes sense when the host name is checked too"
    )]
    SystemRootsNeedVerifyFull { sslmode: SslMode, origin: String },
}

impl ConnError {
    /// Parse errors are raised before we know which source the text came
    /// from; this adds it, so "DATABASE_URL" shows up in the message.
    fn in_origin(self, origin: &str) -> Self {
        match self {
            ConnError::MalformedUrl(m) => ConnError::MalformedUrl(format!("{m} (in {origin})")),
            ConnError::MalformedConninfo(m) => {
                ConnError::MalformedConninfo(format!("{m} (in {origin})"))
            }
            other => other,
        }
    }
}

fn join_paths(paths: &[PathBuf]) -> String {
    if paths.is_empty() {
        return "(no service file: set PGSERVICEFILE or create ~/.pg_service.conf)".into();
    }
    paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Everything needed to open a connection, with where each value came from.
#[derive(Debug, Clone)]
pub struct ConnParams {
    /// A host name, an IP address, or a Unix socket directory (leading '/').
    pub host: String,
    pub port: u16,
    pub user: String,
    pub dbname: String,
    pub password: Option<Password>,
    pub sslmode: SslMode,
    pub sslrootcert: Option<PathBuf>,
    /// libpq's `~/.postgresql/root.crt`, used when sslrootcert is not set.
    pub default_sslrootcert: Option<PathBuf>,
    pub application_name: Option<String>,
    pub connect_timeout: Option<Duration>,
    /// The password file consulted when no password was given.
    pub passfile: Option<PathBuf>,
    /// `(field, origin)`, e.g. `("host", "PGHOST")`, in field order.
    pub sources: Vec<(String, String)>,
    pub warnings: Vec<String>,
    passfile_label: String,
}

/// Keywords we act on. Anything else libpq knows is accepted and ignored with
/// a warning; anything libpq does not know is an error, so that a typo such as
/// `sslmod=require` cannot silently weaken a connection.
const SUPPORTED: &[&str] = &[
    "host",
    "port",
    "user",
    "dbname",
    "password",
    "passfile",
    "sslmode",
    "sslrootcert",
    "application_name",
    "fallback_application_name",
    "connect_timeout",
    "service",
];

const LIBPQ_UNSUPPORTED: &[&str] = &[
    "hostaddr",
    "require_auth",
    "channel_binding",
    "client_encoding",
    "options",
    "keepalives",
    "keepalives_idle",
    "keepalives_interval",
    "keepalives_count",
    "tcp_user_timeout",
    "replication",
    "gssencmode",
    "sslnegotiation",
    "requiressl",
    "sslcompression",
    "sslcert",
    "sslkey",
    "sslpassword",
    "sslcertmode",
    "sslcrl",
    "sslcrldir",
    "sslsni",
    "requirepeer",
    "ssl_min_protocol_version",
    "ssl_max_protocol_version",
    "krbsrvname",
    "gsslib",
    "gssdelegation",
    "target_session_attrs",
    "load_balance_hosts",
];

const ENV_VARS: &[(&str, &str)] = &[
    ("host", "PGHOST"),
    ("port", "PGPORT"),
    ("user", "PGUSER"),
    ("dbname", "PGDATABASE"),
    ("password", "PGPASSWORD"),
    ("passfile", "PGPASSFILE"),
    ("sslmode", "PGSSLMODE"),
    ("sslrootcert", "PGSSLROOTCERT"),
    ("application_name", "PGAPPNAME"),
    ("connect_timeout", "PGCONNECT_TIMEOUT"),
];

/// Raw values by keyword, each with its origin.
#[derive(Default)]
struct Layers {
    values: BTreeMap<String, (String, String)>,
    warnings: Vec<String>,
}

impl Layers {
    fn get(&self, key: &str) -> Option<&str> {
        self.values.get(key).map(|(v, _)| v.as_str())
    }

    fn origin(&self, key: &str) -> String {
        self.values
            .get(key)
            .map(|(_, o)| o.clone())
            .unwrap_or_else(|| "default".into())
    }

    /// `overwrite` is true within one source (later duplicates win, as in
    /// libpq) and false across sources (a higher source already won).
    fn add(
        &mut self,
        pairs: Vec<(String, String)>,
        origin: &str,
        overwrite: bool,
    ) -> Result<(), ConnError> {
        for (key, value) in pairs {
            if LIBPQ_UNSUPPORTED.contains(&key.as_str()) {
                self.warnings.push(format!(
                    "connection option \"{key}\" from {origin} is not supported by caseload and was ignored"
                ));
                continue;
            }
            if !SUPPORTED.contains(&key.as_str()) {
                return Err(ConnError::UnknownOption {
                    key,
                    origin: origin.to_string(),
                });
            }
            if overwrite || !self.values.contains_key(&key) {
                self.values.insert(key, (value, origin.to_string()));
            }
        }
        Ok(())
    }
}

/// Resolves from a `--database-url` value (or, failing that, `DATABASE_URL`)
/// and the given environment. `home` locates `~/.pgpass` and
/// `~/.pg_service.conf`.
pub fn resolve(
    explicit: Option<&str>,
    env: &dyn Fn(&str) -> Option<String>,
    home: Option<&Path>,
) -> Result<ConnParams, ConnError> {
    resolve_with_config(explicit, None, env, home)
}

/// Like [`resolve`], with the config file's `database.url` as the lowest
/// explicit source: it only applies when neither the flag nor `DATABASE_URL`
/// is set.
pub fn resolve_with_config(
    flag: Option<&str>,
    config_url: Option<&str>,
    env: &dyn Fn(&str) -> Option<String>,
    home: Option<&Path>,
) -> Result<ConnParams, ConnError> {
    // Empty variables count as unset, as an empty PGHOST does in libpq.
    let env = |k: &str| env(k).filter(|v| !v.is_empty());
    let mut layers = Layers::default();

    let explicit = match (flag, env("DATABASE_URL"), config_url) {
        (Some(f), _, _) => Some((f.to_string(), "--database-url")),
        (None, Some(d), _) => Some((d, "DATABASE_URL")),
        (None, None, Some(c)) => Some((c.to_string(), "config file database.url")),
        (None, None, None) => None,
    };
    if let Some((text, origin)) = &explicit {
        let pairs = conninfo::parse(text).map_err(|e| e.in_origin(origin))?;
        layers.add(pairs, origin, true)?;
    }

    let service_name = match layers.get("service") {
        Some(s) => Some(s.to_string()),
        None => env("PGSERVICE"),
    };
    if let Some(name) = service_name {
        let mut files = Vec::new();
        match env("PGSERVICEFILE") {
            Some(f) => files.push(PathBuf::from(f)),
            None => files.extend(home.map(|h| h.join(".pg_service.conf"))),
        }
        if let Some(dir) = env("PGSYSCONFDIR") {
            files.push(Path::new(&dir).join("pg_service.conf"));
        }
        let svc = service::find(&name, &files)?;
        let origin = format!("service file {} [{name}]", svc.file.display());
        layers.add(svc.values, &origin, false)?;
    }

    for (key, var) in ENV_VARS {
        if layers.get(key).is_none()
            && let Some(v) = env(var)
        {
            layers.values.insert(key.to_string(), (v, var.to_string()));
        }
    }

    let user_default = || {
        env("USER")
            .or_else(|| env("LOGNAME"))
            .unwrap_or_else(|| "postgres".into())
    };
    build(layers, user_default, home)
}

fn build(
    layers: Layers,
    user_default: impl Fn() -> String,
    home: Option<&Path>,
) -> Result<ConnParams, ConnError> {
    let host = match layers.get("host") {
        Some(h) if h.contains(',') => return Err(ConnError::MultipleHosts),
        Some(h) => h.to_string(),
        None if Path::new(DEFAULT_SOCKET_DIR).is_dir() => DEFAULT_SOCKET_DIR.to_string(),
        None => "localhost".to_string(),
    };
    let port = match layers.get("port") {
        Some(p) => {
            p.parse::<u16>()
                .ok()
                .filter(|p| *p != 0)
                .ok_or_else(|| ConnError::InvalidPort {
                    value: p.to_string(),
                    origin: layers.origin("port"),
                })?
        }
        None => DEFAULT_PORT,
    };
    let user = layers
        .get("user")
        .map(str::to_string)
        .unwrap_or_else(user_default);
    let dbname = layers
        .get("dbname")
        .map(str::to_string)
        .unwrap_or_else(|| user.clone());
    let sslmode = match layers.get("sslmode") {
        Some(s) => s.parse().map_err(|()| ConnError::InvalidSslMode {
            value: s.to_string(),
            origin: layers.origin("sslmode"),
        })?,
        None => SslMode::default(),
    };
    let sslrootcert = layers.get("sslrootcert").map(PathBuf::from);
    // libpq 16: system roots default sslmode to verify-full and refuse weaker
    // modes, since any public CA could vouch for an attacker's host.
    let sslmode = match (&sslrootcert, layers.get("sslmode")) {
        (Some(r), None) if r == Path::new(SYSTEM_ROOT_CERT) => SslMode::VerifyFull,
        (Some(r), Some(_))
            if r == Path::new(SYSTEM_ROOT_CERT) && sslmode != SslMode::VerifyFull =>
        {
            return Err(ConnError::SystemRootsNeedVerifyFull {
                sslmode,
                origin: layers.origin("sslrootcert"),
            });
        }
        _ => sslmode,
    };
    let connect_timeout = match layers.get("connect_timeout") {
        Some(s) => parse_connect_timeout(s).ok_or_else(|| ConnError::InvalidConnectTimeout {
            value: s.to_string(),
            origin: layers.origin("connect_timeout"),
        })?,
        None => None,
    };
    let application_name = layers
        .get("application_name")
        .or_else(|| layers.get("fallback_application_name"))
        .map(str::to_string);
    let (passfile, passfile_label) = match layers.get("passfile") {
        Some(p) => (
            Some(PathBuf::from(p)),
            format!("{} {p}", layers.origin("passfile")),
        ),
        None => (home.map(|h| h.join(".pgpass")), "~/.pgpass".to_string()),
    };

    let mut sources = Vec::new();
    for field in ["host", "port", "user", "dbname"] {
        sources.push((field.to_string(), layers.origin(field)));
    }
    if layers.get("password").is_some() {
        sources.push(("password".into(), layers.origin("password")));
    }
    sources.push(("sslmode".into(), layers.origin("sslmode")));
    for field in ["sslrootcert", "connect_timeout"] {
        if layers.get(field).is_some() {
            sources.push((field.to_string(), layers.origin(field)));
        }
    }
    if layers.get("application_name").is_some() {
        sources.push(("application_name".into(), layers.origin("application_name")));
    } else if layers.get("fallback_application_name").is_some() {
        sources.push((
            "application_name".into(),
            layers.origin("fallback_application_name"),
        ));
    }

    let mut params = ConnParams {
        host,
        port,
        user,
        dbname,
        password: layers.get("password").map(Password::new),
        sslmode,
        sslrootcert,
        default_sslrootcert: home.map(|h| h.join(".postgresql").join("root.crt")),
        application_name,
        connect_timeout,
        passfile,
        sources,
        warnings: Vec::new(),
        passfile_label,
    };
    for w in layers.warnings {
        params.warn(w);
    }
    params.fill_password_from_passfile();
    Ok(params)
}

/// libpq: zero or negative means wait forever, and anything below two
/// seconds is raised to two, because one second is too short to be useful.
fn parse_connect_timeout(s: &str) -> Option<Option<Duration>> {
    let secs: i64 = s.trim().parse().ok()?;
    Some(match secs {
        i64::MIN..=0 => None,
        1 => Some(Duration::from_secs(2)),
        n => Some(Duration::from_secs(n.unsigned_abs())),
    })
}

/// [`resolve`] with the real process environment and home directory.
pub fn resolve_from_process(explicit: Option<&str>) -> Result<ConnParams, ConnError> {
    resolve_from_process_with_config(explicit, None)
}

/// [`resolve_with_config`] with the real process environment and home.
pub fn resolve_from_process_with_config(
    flag: Option<&str>,
    config_url: Option<&str>,
) -> Result<ConnParams, ConnError> {
    let env = |k: &str| std::env::var(k).ok();
    let home = process_home();
    resolve_with_config(flag, config_url, &env, home.as_deref())
}

pub(crate) fn process_home() -> Option<PathBuf> {
    std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .map(PathBuf::from)
        .or_else(|| directories::BaseDirs::new().map(|b| b.home_dir().to_path_buf()))
}

impl ConnParams {
    fn warn(&mut self, message: String) {
        tracing::warn!("{message}");
        self.warnings.push(message);
    }

    fn set_source(&mut self, field: &str, origin: &str) {
        self.sources.retain(|(f, _)| f != field);
        self.sources.push((field.to_string(), origin.to_string()));
    }

    /// Where `field` came from, e.g. `"PGHOST"` or `"default"`.
    pub fn source_of(&self, field: &str) -> Option<&str> {
        self.sources
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, o)| o.as_str())
    }

    fn password_from_passfile(&self) -> bool {
        self.source_of("password") == Some(self.passfile_label.as_str())
    }

    fn fill_password_from_passfile(&mut self) {
        if self.password.is_some() {
            return;
        }
        let Some(path) = self.passfile.clone() else {
            return;
        };
        let port = self.port.to_string();
        let found = pgpass::lookup(
            &path,
            pgpass::Target {
                host: pgpass::host_for_lookup(&self.host),
                port: &port,
                dbname: &self.dbname,
                user: &self.user,
            },
        );
        for w in found.warnings {
            self.warn(w);
        }
        if let Some(p) = found.password {
            self.password = Some(Password(p));
            let label = self.passfile_label.clone();
            self.set_source("password", &label);
        }
    }

    /// A password found in the password file belongs to one user and
    /// database, so switching either looks it up again.
    fn refresh_passfile_password(&mut self) {
        if self.password_from_passfile() {
            self.password = None;
            self.sources.retain(|(f, _)| f != "password");
        }
        self.fill_password_from_passfile();
    }

    pub fn with_user(mut self, user: impl Into<String>) -> Self {
        self.user = user.into();
        self.set_source("user", "caller");
        self.refresh_passfile_password();
        self
    }

    pub fn with_dbname(mut self, dbname: impl Into<String>) -> Self {
        self.dbname = dbname.into();
        self.set_source("dbname", "caller");
        self.refresh_passfile_password();
        self
    }

    pub fn with_password(mut self, password: impl Into<String>) -> Self {
        self.password = Some(Password(password.into()));
        self.set_source("password", "caller");
        self
    }

    /// Sets a password found after resolution (the keyring, the prompt),
    /// recording where it came from for `doctor` and error messages.
    pub fn with_password_from(mut self, password: Password, origin: &str) -> Self {
        self.password = Some(password);
        self.set_source("password", origin);
        self
    }

    /// The keyring account this connection's password is stored under:
    /// `<user>@<host>:<port>/<dbname>` in service [`KEYRING_SERVICE`].
    pub fn keyring_account(&self) -> String {
        format!("{}@{}:{}/{}", self.user, self.host, self.port, self.dbname)
    }

    /// The keyring comes after everything libpq consults, so it is asked
    /// only when no other source gave a password. `lookup` gets the account
    /// name; it is injected so that resolution order is testable without a
    /// Secret Service.
    pub fn fill_from_keyring(&mut self, lookup: impl FnOnce(&str) -> Option<Password>) {
        if self.password.is_some() {
            return;
        }
        if let Some(p) = lookup(&self.keyring_account()) {
            self.password = Some(p);
            self.set_source("password", KEYRING_ORIGIN);
        }
    }

    /// Drops any password, e.g. to rely on peer or trust authentication.
    pub fn without_password(mut self) -> Self {
        self.password = None;
        self.sources.retain(|(f, _)| f != "password");
        self
    }

    pub fn with_application_name(mut self, name: impl Into<String>) -> Self {
        self.application_name = Some(name.into());
        self.set_source("application_name", "caller");
        self
    }

    /// Fills in the config file's timeout when neither the connection string
    /// nor PGCONNECT_TIMEOUT chose one (environment beats file).
    pub fn with_default_connect_timeout(mut self, timeout: Duration) -> Self {
        if self.connect_timeout.is_none() {
            self.connect_timeout = Some(timeout);
            self.set_source("connect_timeout", "[database] connect_timeout_secs");
        }
        self
    }

    pub fn is_socket(&self) -> bool {
        self.host.starts_with('/')
    }

    /// The root certificate file libpq would use: sslrootcert, else
    /// `~/.postgresql/root.crt` (which need not exist).
    pub fn effective_sslrootcert(&self) -> Option<PathBuf> {
        self.sslrootcert
            .clone()
            .or_else(|| self.default_sslrootcert.clone())
    }

    pub fn to_pg_config(&self) -> tokio_postgres::Config {
        let mut c = tokio_postgres::Config::new();
        if self.is_socket() {
            c.host_path(&self.host);
        } else {
            c.host(&self.host);
        }
        c.port(self.port)
            .user(&self.user)
            .dbname(&self.dbname)
            // libpq never negotiates TLS on a Unix socket, whatever the sslmode.
            .ssl_mode(if self.is_socket() {
                tokio_postgres::config::SslMode::Disable
            } else {
                self.sslmode.to_tokio()
            })
            .application_name(
                self.application_name
                    .as_deref()
                    .unwrap_or(DEFAULT_APPLICATION_NAME),
            );
        if let Some(p) = &self.password {
            c.password(p.expose());
        }
        if let Some(t) = self.connect_timeout {
            c.connect_timeout(t);
        }
        c
    }

    /// A one-line description safe for logs and the status line.
    pub fn display_masked(&self) -> String {
        let pw = if self.password.is_some() {
            ":********"
        } else {
            ""
        };
        if self.is_socket() {
            format!(
                "{}{pw}@{}:{}/{}",
                self.user, self.host, self.port, self.dbname
            )
        } else {
            let host = if self.host.contains(':') {
                format!("[{}]", self.host)
            } else {
                self.host.clone()
            };
            format!(
                "postgresql://{}{pw}@{host}:{}/{}?sslmode={}",
                self.user, self.port, self.dbname, self.sslmode
            )
        }
    }
}

impl fmt::Display for ConnParams {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.display_masked())
    }
}

#[cfg(test)]
#[path = "conn_tests.rs"]
mod tests;
