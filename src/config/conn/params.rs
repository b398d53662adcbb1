//! The resolved settings, how callers adjust them, and how they become a
//! tokio-postgres config or a line safe to show.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use super::{Password, SslMode};

/// Sent when nobody chose an application_name, so DBAs can tell us apart in
/// pg_stat_activity.
pub const DEFAULT_APPLICATION_NAME: &str = "caseload";

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
    pub(super) passfile_label: String,
}

impl ConnParams {
    pub(super) fn warn(&mut self, message: String) {
        tracing::warn!("{message}");
        self.warnings.push(message);
    }

    pub(super) fn set_source(&mut self, field: &str, origin: &str) {
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
