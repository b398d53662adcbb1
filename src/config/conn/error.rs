//! Why resolution failed.

use std::path::PathBuf;

use super::SslMode;

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
    #[error(
        "several hosts in one connection string are supported only in database.read_url; give a single host"
    )]
    MultipleHosts,
    /// `database.read_url` (see `read_target`) is wrong; the message says how.
    #[error("database.read_url: {0}")]
    ReadUrl(String),
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
    pub(super) fn in_origin(self, origin: &str) -> Self {
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
