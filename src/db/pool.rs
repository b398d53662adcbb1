//! Building the connection pool and single connections from resolved
//! [`ConnParams`]. deadpool has no timeouts by default, so a `get()` against a
//! dead server would wait forever: every timeout is set here.

use std::time::Duration;

use deadpool_postgres::{
    Hook, HookError, Manager, ManagerConfig, Pool, PoolError, RecyclingMethod, Runtime,
    TimeoutType, Timeouts,
};

use crate::config::{ConnParams, DatabaseConfig, PoolerSetting};
use crate::db::tls::{Tls, TlsContext, TlsError};

#[derive(Debug, thiserror::Error)]
pub enum BuildPoolError {
    #[error(transparent)]
    Tls(#[from] TlsError),
    #[error("could not build the connection pool: {0}")]
    Build(#[from] deadpool_postgres::BuildError),
}

#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error(transparent)]
    Tls(#[from] TlsError),
    #[error("timed out after {}s connecting to {target}", after.as_secs())]
    Timeout { target: String, after: Duration },
    /// The handshake failed or the server would not do TLS; `message` says
    /// which in libpq's words, with the sslmode and root file.
    #[error("could not connect to {target}: {message}")]
    TlsHandshake {
        target: String,
        message: String,
        source: tokio_postgres::Error,
    },
    #[error("could not connect to {target}: {}", with_causes(source))]
    Postgres {
        target: String,
        source: tokio_postgres::Error,
    },
}

/// The tokio-postgres config for `params` with the session settings from the
/// config file.
fn pg_config(params: &ConnParams, cfg: &DatabaseConfig) -> tokio_postgres::Config {
    let mut pg = params.to_pg_config();
    if params.connect_timeout.is_none() {
        pg.connect_timeout(cfg.connect_timeout());
    }
    // A transaction-mode pooler cannot pass startup options on to the
    // server connections it shares (PgBouncer refuses them); there the
    // timeout is the server's (ALTER ROLE … SET) or the pooler's.
    if let Some(ms) = cfg.statement_timeout_ms
        && cfg.pooler != PoolerSetting::Transaction
    {
        pg.options(format!("-c statement_timeout={ms}"));
    }
    pg
}

/// The create timeout covers the TCP connect and the startup handshake, so it
/// follows the connection's own connect_timeout when one was chosen.
fn create_timeout(params: &ConnParams, cfg: &DatabaseConfig) -> Duration {
    params
        .connect_timeout
        .unwrap_or_else(|| cfg.connect_timeout())
}

/// A pool that never waits longer than the configured timeouts. Building it
/// opens no connection; the first `get()` does. Root certificates are read
/// here, so a missing one is an error before any connection attempt.
pub fn build_pool(params: &ConnParams, cfg: &DatabaseConfig) -> Result<Pool, BuildPoolError> {
    build_pool_with_tls(params, cfg, &Tls::for_params(params)?)
}

/// [`build_pool`] with a connector the caller keeps, e.g. for cancel requests.
pub fn build_pool_with_tls(
    params: &ConnParams,
    cfg: &DatabaseConfig,
    tls: &Tls,
) -> Result<Pool, BuildPoolError> {
    let manager = Manager::from_config(
        pg_config(params, cfg),
        tls.connector(),
        ManagerConfig {
            recycling_method: RecyclingMethod::Fast,
        },
    );
    let pool = Pool::builder(manager)
        .max_size(cfg.pool_max_size.max(1))
        .runtime(Runtime::Tokio1)
        .timeouts(Timeouts {
            wait: Some(cfg.wait_timeout()),
            create: Some(create_timeout(params, cfg)),
            recycle: Some(cfg.recycle_timeout()),
        })
        .post_create(Hook::async_fn(|client, _| {
            Box::pin(async move {
                crate::db::unnamed::learn_types(client)
                    .await
                    .map_err(HookError::Backend)
            })
        }))
        .build()?;
    if let Some(idle) = cfg.idle_release() {
        crate::db::idle::release_after(&pool, idle);
    }
    tracing::debug!(target = %params.display_masked(), max_size = cfg.pool_max_size, "pool built");
    Ok(pool)
}

/// One connection outside the pool (LISTEN, migrations, the demo's role
/// switch). The connection task is spawned here; it ends when the client is
/// dropped.
pub async fn connect_one(params: &ConnParams) -> Result<tokio_postgres::Client, ConnectError> {
    let target = params.display_masked();
    let (client, connection) = open(params).await?;
    let t = target.clone();
    tokio::spawn(async move {
        if let Err(e) = connection.await {
            tracing::warn!(target = %t, error = %e, "database connection closed with an error");
        }
    });
    // As every pooled connection does: an unnamed statement whose result
    // has a column of a type the client does not know yet (caseload's
    // enums) stops to look it up mid-answer, which can hang the connection
    // (seen in tests paging 100 rows). A database without the schema yet
    // has nothing to learn.
    crate::db::unnamed::learn_types(&client)
        .await
        .map_err(|source| ConnectError::Postgres { target, source })?;
    Ok(client)
}

/// [`connect_one`] that keeps what the server says unasked: the
/// notifications of a LISTEN (and nothing else; notices are logged) arrive
/// on the receiver, which ends when the connection does.
pub async fn connect_listening(
    params: &ConnParams,
) -> Result<
    (
        tokio_postgres::Client,
        tokio::sync::mpsc::UnboundedReceiver<tokio_postgres::Notification>,
    ),
    ConnectError,
> {
    let target = params.display_masked();
    let (client, mut connection) = open(params).await?;
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    tokio::spawn(async move {
        loop {
            match futures::future::poll_fn(|cx| connection.poll_message(cx)).await {
                Some(Ok(tokio_postgres::AsyncMessage::Notification(n))) => {
                    if tx.send(n).is_err() {
                        break;
                    }
                }
                Some(Ok(_)) => {}
                Some(Err(e)) => {
                    tracing::warn!(target = %target, error = %e, "listening connection closed with an error");
                    break;
                }
                None => break,
            }
        }
    });
    Ok((client, rx))
}

type Connection = tokio_postgres::Connection<
    tokio_postgres::Socket,
    <tokio_postgres_rustls::MakeRustlsConnect as tokio_postgres::tls::MakeTlsConnect<
        tokio_postgres::Socket,
    >>::Stream,
>;

/// The connection handshake, bounded by the connect timeout; the caller
/// drives the connection.
async fn open(params: &ConnParams) -> Result<(tokio_postgres::Client, Connection), ConnectError> {
    let tls = Tls::for_params(params)?;
    let target = params.display_masked();
    let pg = params.to_pg_config();
    let connecting = pg.connect(tls.connector());
    // tokio-postgres applies connect_timeout to the TCP connect only; the
    // outer timeout also bounds a server that accepts but never answers.
    match params.connect_timeout {
        Some(after) => match tokio::time::timeout(after, connecting).await {
            Ok(r) => r,
            Err(_) => return Err(ConnectError::Timeout { target, after }),
        },
        None => connecting.await,
    }
    .map_err(|source| match tls.context().explain(&source) {
        Some(message) => ConnectError::TlsHandshake {
            target: target.clone(),
            message,
            source,
        },
        None => ConnectError::Postgres {
            target: target.clone(),
            source,
        },
    })
}

/// tokio-postgres puts the useful part ("Connection refused") in `source()`,
/// and its own message is only "error connecting to server".
pub fn with_causes(err: &dyn std::error::Error) -> String {
    let mut out = err.to_string();
    let mut cur = err.source();
    while let Some(e) = cur {
        let s = e.to_string();
        if !out.contains(&s) {
            out.push_str(": ");
            out.push_str(&s);
        }
        cur = e.source();
    }
    out
}

/// "; detail: …; hint: …" from the server's error, or nothing: the part of
/// a refusal tokio-postgres's Display ("db error") never shows.
pub fn detail_and_hint(e: &tokio_postgres::Error) -> String {
    let Some(db) = e.as_db_error() else {
        return String::new();
    };
    [("detail", db.detail()), ("hint", db.hint())]
        .iter()
        .filter_map(|(label, text)| text.map(|t| format!("; {label}: {t}")))
        .collect()
}

/// A sentence for the status line or log when `pool.get()` fails. deadpool's
/// own messages ("Timeout occurred while creating a new object") say neither
/// where nor how long.
pub fn describe_get_error(err: &PoolError, pool: &Pool, params: &ConnParams) -> String {
    let t = pool.timeouts();
    let secs = |d: Option<Duration>| d.map(|d| d.as_secs_f32()).unwrap_or(0.0);
    let target = params.display_masked();
    match err {
        PoolError::Timeout(TimeoutType::Wait) => format!(
            "no free database connection within {}s (all {} in use)",
            secs(t.wait),
            pool.status().max_size
        ),
        PoolError::Timeout(TimeoutType::Create) => {
            format!("timed out after {}s connecting to {target}", secs(t.create))
        }
        PoolError::Timeout(TimeoutType::Recycle) => format!(
            "timed out after {}s checking a pooled connection to {target}",
            secs(t.recycle)
        ),
        PoolError::Backend(e) => {
            let why = TlsContext::new(params)
                .explain(e)
                .unwrap_or_else(|| with_causes(e));
            match crate::db::pooler::explain_refusal(&why) {
                Some(hint) => format!("could not connect to {target}: {why}; {hint}"),
                None => format!("could not connect to {target}: {why}"),
            }
        }
        PoolError::PostCreateHook(HookError::Backend(e)) => {
            let said = e
                .as_db_error()
                .map_or_else(|| with_causes(e), |db| db.message().to_string());
            format!(
                "could not set up the connection to {target}: {said}{}",
                detail_and_hint(e)
            )
        }
        PoolError::Closed => "the connection pool is closed".to_string(),
        other => format!("database pool error: {other}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::conn::resolve;

    fn params(conninfo: &str) -> ConnParams {
        resolve(Some(conninfo), &|_| None, None).unwrap()
    }

    #[test]
    fn missing_root_certificate_is_refused_before_building() {
        let e = build_pool(
            &params("host=x sslmode=verify-full sslrootcert=/no/such/ca.pem"),
            &DatabaseConfig::default(),
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("\"/no/such/ca.pem\" does not exist"), "{e}");
        assert!(
            build_pool(
                &params("host=x sslmode=require"),
                &DatabaseConfig::default()
            )
            .is_ok()
        );
    }

    #[tokio::test]
    async fn pool_has_every_timeout() {
        let cfg = DatabaseConfig {
            pool_max_size: 3,
            wait_timeout_secs: 2,
            connect_timeout_secs: 4,
            recycle_timeout_secs: 6,
            statement_timeout_ms: Some(1000),
            ..DatabaseConfig::default()
        };
        let pool = build_pool(&params("host=x user=u"), &cfg).unwrap();
        let t = pool.timeouts();
        assert_eq!(t.wait, Some(Duration::from_secs(2)));
        assert_eq!(t.create, Some(Duration::from_secs(4)));
        assert_eq!(t.recycle, Some(Duration::from_secs(6)));
        assert_eq!(pool.status().max_size, 3);

        let p = params("host=x user=u connect_timeout=9");
        let pool = build_pool(&p, &cfg).unwrap();
        assert_eq!(pool.timeouts().create, Some(Duration::from_secs(9)));
    }

    #[test]
    fn session_settings() {
        let cfg = DatabaseConfig {
            statement_timeout_ms: Some(250),
            ..DatabaseConfig::default()
        };
        let pg = pg_config(&params("host=x"), &cfg);
        assert_eq!(pg.get_options(), Some("-c statement_timeout=250"));
        assert_eq!(pg.get_connect_timeout(), Some(&Duration::from_secs(5)));
        assert_eq!(pg.get_application_name(), Some("caseload"));
    }
}
