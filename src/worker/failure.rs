//! Why a request produced no data, and the one-line descriptions of
//! database and pool errors the status line shows.

use crate::db::pool as db_pool;
use deadpool_postgres::{HookError, PoolError};

/// Why a request produced no data.
#[derive(Debug)]
pub(super) enum Failure {
    Reason(String),
    /// The server wants a (different) password.
    Auth(String),
    Cancelled,
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Reason(r) | Failure::Auth(r) => f.write_str(r),
            Failure::Cancelled => f.write_str("cancelled"),
        }
    }
}

impl From<tokio_postgres::Error> for Failure {
    fn from(e: tokio_postgres::Error) -> Self {
        Failure::Reason(describe_pg_error(&e))
    }
}

impl From<PoolError> for Failure {
    fn from(e: PoolError) -> Self {
        match &e {
            PoolError::Backend(pg) if password_missing(pg) => {
                Failure::Auth("the server asks for a password".into())
            }
            PoolError::Backend(pg) if is_auth_error(pg) => Failure::Auth(describe_pg_error(pg)),
            _ => Failure::Reason(describe_pool_error(&e)),
        }
    }
}

/// invalid_password (28P01) or invalid_authorization_specification (28000):
/// the server turned the credentials down.
pub fn is_auth_error(e: &tokio_postgres::Error) -> bool {
    use tokio_postgres::error::SqlState;
    matches!(
        e.code(),
        Some(c) if *c == SqlState::INVALID_PASSWORD
            || *c == SqlState::INVALID_AUTHORIZATION_SPECIFICATION
    ) || password_missing(e)
        || rejected_by_pooler(e)
}

/// PgBouncer refuses a wrong password with its own FATAL ("SASL
/// authentication failed", "password authentication failed") under
/// SQLSTATE 08P01, not 28P01: still a password to ask for again.
fn rejected_by_pooler(e: &tokio_postgres::Error) -> bool {
    e.as_db_error().is_some_and(|d| {
        d.code() == &tokio_postgres::error::SqlState::PROTOCOL_VIOLATION
            && d.message().contains("authentication failed")
    })
}

/// tokio-postgres's own error when the server asks for a password and the
/// config has none ("invalid configuration", caused by "password missing");
/// it exposes no kind, only these messages.
fn password_missing(e: &tokio_postgres::Error) -> bool {
    e.as_db_error().is_none() && db_pool::with_causes(e).contains("password missing")
}

/// One line for the status line (unlike `db::migrate::describe_pg_error`,
/// which adds detail, hint and context for logs): the server's own message
/// when there is one ("password authentication failed for user …",
/// "database … does not exist"), else the cause of a failed connection
/// attempt. Never includes connection parameters.
pub fn describe_pg_error(e: &tokio_postgres::Error) -> String {
    if let Some(db) = e.as_db_error() {
        return match crate::db::pooler::explain_refusal(db.message()) {
            Some(hint) => format!("{}: {hint}", db.message()),
            None => db.message().to_string(),
        };
    }
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        if let Some(io) = s.downcast_ref::<std::io::Error>() {
            use std::io::ErrorKind::*;
            return match io.kind() {
                ConnectionRefused => "connection refused (is the server running?)".into(),
                NotFound => "no server socket there (is the server running?)".into(),
                TimedOut => "connection timed out".into(),
                PermissionDenied => "permission denied opening the connection".into(),
                _ => format!("cannot connect: {io}"),
            };
        }
        source = s.source();
    }
    e.to_string()
}

/// [`describe_pg_error`] with the server's detail and hint: a connection
/// that could not be opened or set up is worth every word the server said
/// about it (tokio-postgres's own text for it is only "db error").
pub fn describe_connect_error(e: &tokio_postgres::Error) -> String {
    format!("{}{}", describe_pg_error(e), db_pool::detail_and_hint(e))
}

pub fn describe_pool_error(e: &PoolError) -> String {
    match e {
        PoolError::Backend(e) => describe_connect_error(e),
        PoolError::PostCreateHook(HookError::Backend(e)) => {
            format!("connection setup failed: {}", describe_connect_error(e))
        }
        PoolError::Timeout(_) => "timed out waiting for a database connection".into(),
        PoolError::Closed => "the connection pool is closed".into(),
        PoolError::NoRuntimeSpecified => "connection pool has timeouts but no runtime".into(),
        PoolError::PostCreateHook(h) => format!("connection setup failed: {h}"),
    }
}
