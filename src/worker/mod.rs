//! The data worker: runs Effects on the pool, concurrently, and answers each
//! with a Msg carrying the request id. All database IO happens here.

use crate::app::{Effect, Msg, ReqId};
use crate::db::{navigation, students, users};
use deadpool_postgres::{Pool, PoolError};
use std::time::Duration;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};

/// deadpool waits forever for a connection unless its caller set a timeout;
/// the status line must say something long before that.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(15);

/// Starts the worker; send it Effects, read Msgs from `replies`. It stops
/// when the returned sender is dropped.
pub fn spawn(pool: Pool, replies: UnboundedSender<Msg>) -> UnboundedSender<Effect> {
    let (tx, rx) = unbounded_channel();
    tokio::spawn(serve(pool, rx, replies));
    tx
}

async fn serve(pool: Pool, mut effects: UnboundedReceiver<Effect>, replies: UnboundedSender<Msg>) {
    while let Some(effect) = effects.recv().await {
        let pool = pool.clone();
        let replies = replies.clone();
        tokio::spawn(async move {
            let msg = execute(&pool, effect).await;
            // The UI has gone away: nobody is left to tell.
            let _ = replies.send(msg);
        });
    }
}

/// Runs one Effect to its reply. Public so tests can drive it headless.
pub async fn execute(pool: &Pool, effect: Effect) -> Msg {
    match effect {
        Effect::Connect { req } => match connect(pool).await {
            Ok(whoami) => Msg::Connected { req, whoami },
            Err(reason) => {
                tracing::warn!(%reason, "connection failed");
                Msg::ConnectionFailed { req, reason }
            }
        },
        Effect::LoadMenu { req } => {
            let r = async { Ok(navigation::menu_items(pg(&client(pool).await?)).await?) };
            reply(req, r.await, |items| Msg::MenuLoaded { req, items })
        }
        Effect::LoadRosterPage { req, page, limit } => {
            let r = async {
                let c = client(pool).await?;
                Ok(students::roster_page(pg(&c), &page, limit).await?)
            };
            reply(req, r.await, |page| Msg::RosterPage { req, page })
        }
        Effect::CountRoster { req } => {
            let r = async { Ok(students::roster_count(pg(&client(pool).await?)).await?) };
            reply(req, r.await, |n: i64| Msg::RosterCount {
                req,
                total: u64::try_from(n).unwrap_or(0),
            })
        }
        Effect::LoadStudent { req, id } => {
            let r = async {
                let c = client(pool).await?;
                Ok(students::student_detail(pg(&c), id).await?)
            };
            reply(req, r.await, |d| Msg::StudentLoaded {
                req,
                detail: d.map(Box::new),
            })
        }
    }
}

/// Why a request failed, in words fit for the status line.
#[derive(Debug)]
pub struct Failure(String);

impl From<tokio_postgres::Error> for Failure {
    fn from(e: tokio_postgres::Error) -> Self {
        Failure(describe_pg_error(&e))
    }
}

impl From<PoolError> for Failure {
    fn from(e: PoolError) -> Self {
        Failure(describe_pool_error(&e))
    }
}

fn reply<T>(req: ReqId, r: Result<T, Failure>, ok: impl FnOnce(T) -> Msg) -> Msg {
    match r {
        Ok(v) => ok(v),
        Err(Failure(reason)) => {
            tracing::warn!(?req, %reason, "query failed");
            Msg::QueryFailed { req, reason }
        }
    }
}

async fn client(pool: &Pool) -> Result<deadpool_postgres::Object, Failure> {
    match tokio::time::timeout(CONNECT_TIMEOUT, pool.get()).await {
        Ok(r) => Ok(r?),
        Err(_) => Err(Failure(format!(
            "no connection after {}s",
            CONNECT_TIMEOUT.as_secs()
        ))),
    }
}

/// Object derefs through ClientWrapper; the queries want the plain client.
fn pg(o: &deadpool_postgres::Object) -> &tokio_postgres::Client {
    o
}

async fn connect(pool: &Pool) -> Result<users::Whoami, String> {
    let r = async { Ok(users::whoami(pg(&client(pool).await?)).await?) };
    r.await.map_err(|Failure(reason)| reason)
}

/// The server's own message when there is one ("password authentication
/// failed for user …", "database … does not exist"), else the cause of a
/// failed connection attempt. Never includes connection parameters.
pub fn describe_pg_error(e: &tokio_postgres::Error) -> String {
    if let Some(db) = e.as_db_error() {
        return db.message().to_string();
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

pub fn describe_pool_error(e: &PoolError) -> String {
    match e {
        PoolError::Backend(e) => describe_pg_error(e),
        PoolError::Timeout(_) => "timed out waiting for a database connection".into(),
        PoolError::Closed => "the connection pool is closed".into(),
        PoolError::NoRuntimeSpecified => "connection pool has timeouts but no runtime".into(),
        PoolError::PostCreateHook(h) => format!("connection setup failed: {h}"),
    }
}
