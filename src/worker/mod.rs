//! The data worker: runs Effects on the pool, concurrently, and answers each
//! with a Msg carrying the request id. All database IO happens here.
//!
//! Superseded requests are cancelled on the server (`Effect::Cancel`), so a
//! user paging quickly does not queue up queries nobody will read.

use crate::app::{Effect, Msg, ReqId};
use crate::db::tls::Tls;
use crate::db::{navigation, students, users};
use deadpool_postgres::{Object, Pool, PoolError};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};
use tokio_postgres::CancelToken;

/// deadpool waits forever for a connection unless its caller set a timeout;
/// the status line must say something long before that.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(15);

/// Starts the worker; send it Effects, read Msgs from `replies`. It stops
/// when the returned sender is dropped. `tls` must be the pool's connector.
pub fn spawn(pool: Pool, tls: Tls, replies: UnboundedSender<Msg>) -> UnboundedSender<Effect> {
    let (tx, rx) = unbounded_channel();
    tokio::spawn(serve(Worker::new(pool, tls), rx, replies));
    tx
}

async fn serve(
    worker: Worker,
    mut effects: UnboundedReceiver<Effect>,
    replies: UnboundedSender<Msg>,
) {
    while let Some(effect) = effects.recv().await {
        let worker = worker.clone();
        let replies = replies.clone();
        tokio::spawn(async move {
            if let Some(msg) = worker.execute(effect).await {
                // The UI has gone away: nobody is left to tell.
                let _ = replies.send(msg);
            }
        });
    }
}

enum Inflight {
    Running(CancelToken),
    /// Cancelled before it got a connection, or while running.
    Cancelled,
}

/// Runs Effects on a pool. Cheap to clone; clones share the in-flight table.
#[derive(Clone)]
pub struct Worker {
    pool: Pool,
    /// Cancel requests open a connection of their own; they get the pool's
    /// TLS settings so that sslmode=require is not downgraded for them.
    tls: Tls,
    inflight: Arc<Mutex<HashMap<ReqId, Inflight>>>,
}

/// Takes a finished request out of the in-flight table however its task
/// ends, unless it was cancelled: `reply` needs to see that to stay quiet.
struct Tracked<'a> {
    worker: &'a Worker,
    req: ReqId,
}

impl Drop for Tracked<'_> {
    fn drop(&mut self) {
        let mut table = self.worker.table();
        if matches!(table.get(&self.req), Some(Inflight::Running(_))) {
            table.remove(&self.req);
        }
    }
}

impl Worker {
    pub fn new(pool: Pool, tls: Tls) -> Worker {
        Worker {
            pool,
            tls,
            inflight: Arc::default(),
        }
    }

    fn table(&self) -> MutexGuard<'_, HashMap<ReqId, Inflight>> {
        // A panic elsewhere cannot leave the table inconsistent: every
        // operation on it is a single insert or remove.
        self.inflight.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Runs one Effect to its reply; `None` when the request was cancelled
    /// (nobody wants the answer) or the Effect has no reply.
    pub async fn execute(&self, effect: Effect) -> Option<Msg> {
        let msg = match effect {
            Effect::Cancel { req } => {
                self.cancel(req);
                return None;
            }
            Effect::Connect { req } => match self.connect().await {
                Ok(whoami) => Msg::Connected { req, whoami },
                Err(reason) => {
                    tracing::warn!(%reason, "connection failed");
                    Msg::ConnectionFailed { req, reason }
                }
            },
            Effect::LoadMenu { req } => {
                let r = async {
                    let (c, _t) = self.start(req).await?;
                    Ok(navigation::menu_items(pg(&c)).await?)
                };
                self.reply(req, r.await, |items| Msg::MenuLoaded { req, items })?
            }
            Effect::LoadRosterPage { req, page, limit } => {
                let r = async {
                    let (c, _t) = self.start(req).await?;
                    Ok(students::roster_page(pg(&c), &page, limit).await?)
                };
                self.reply(req, r.await, |page| Msg::RosterPage { req, page })?
            }
            Effect::CountRoster { req } => {
                let r = async {
                    let (c, _t) = self.start(req).await?;
                    Ok(students::roster_count(pg(&c)).await?)
                };
                self.reply(req, r.await, |n: i64| Msg::RosterCount {
                    req,
                    total: u64::try_from(n).unwrap_or(0),
                })?
            }
            Effect::LoadStudent { req, id } => {
                let r = async {
                    let (c, _t) = self.start(req).await?;
                    Ok(students::student_detail(pg(&c), id).await?)
                };
                self.reply(req, r.await, |d| Msg::StudentLoaded {
                    req,
                    detail: d.map(Box::new),
                })?
            }
            Effect::CheckTool { req, key } => {
                let r = async {
                    let (c, _t) = self.start(req).await?;
                    Ok(navigation::tool_access(pg(&c), &key).await?)
                };
                let r = r.await;
                self.reply(req, r, |access| Msg::ToolChecked { req, key, access })?
            }
        };
        Some(msg)
    }

    /// A connection for `req`, registered so that it can be cancelled.
    async fn start(&self, req: ReqId) -> Result<(Object, Tracked<'_>), Failure> {
        if matches!(self.table().get(&req), Some(Inflight::Cancelled)) {
            self.table().remove(&req);
            return Err(Failure::Cancelled);
        }
        let client = self.client().await?;
        let mut table = self.table();
        if matches!(table.get(&req), Some(Inflight::Cancelled)) {
            table.remove(&req);
            return Err(Failure::Cancelled);
        }
        table.insert(req, Inflight::Running(client.cancel_token()));
        drop(table);
        Ok((client, Tracked { worker: self, req }))
    }

    fn cancel(&self, req: ReqId) {
        let previous = self.table().insert(req, Inflight::Cancelled);
        if let Some(Inflight::Running(token)) = previous {
            tracing::debug!(?req, "cancelling a superseded query");
            let tls = self.tls.connector();
            tokio::spawn(async move {
                // Best effort: if the server refuses, the reply is dropped as
                // stale anyway.
                if let Err(e) = token.cancel_query(tls).await {
                    tracing::debug!(error = %e, "cancel request failed");
                }
            });
        }
    }

    fn reply<T>(
        &self,
        req: ReqId,
        r: Result<T, Failure>,
        ok: impl FnOnce(T) -> Msg,
    ) -> Option<Msg> {
        if matches!(self.table().remove(&req), Some(Inflight::Cancelled)) {
            return None;
        }
        match r {
            Ok(v) => Some(ok(v)),
            Err(Failure::Cancelled) => None,
            Err(Failure::Reason(reason)) => {
                tracing::warn!(?req, %reason, "query failed");
                Some(Msg::QueryFailed { req, reason })
            }
        }
    }

    async fn connect(&self) -> Result<users::Whoami, String> {
        let r = async { Ok(users::whoami(pg(&self.client().await?)).await?) };
        r.await.map_err(|f: Failure| f.to_string())
    }

    async fn client(&self) -> Result<Object, Failure> {
        match tokio::time::timeout(CONNECT_TIMEOUT, self.pool.get()).await {
            Ok(Ok(client)) => Ok(client),
            // TLS failures carry the sslmode and root file only the worker knows.
            Ok(Err(PoolError::Backend(e))) => Err(Failure::Reason(
                self.tls
                    .context()
                    .explain(&e)
                    .unwrap_or_else(|| describe_pg_error(&e)),
            )),
            Ok(Err(e)) => Err(e.into()),
            Err(_) => Err(Failure::Reason(format!(
                "no connection after {}s",
                CONNECT_TIMEOUT.as_secs()
            ))),
        }
    }
}

/// Why a request produced no data.
#[derive(Debug)]
enum Failure {
    Reason(String),
    Cancelled,
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Reason(r) => f.write_str(r),
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
        Failure::Reason(describe_pool_error(&e))
    }
}

/// Object derefs through ClientWrapper; the queries want the plain client.
fn pg(o: &Object) -> &tokio_postgres::Client {
    o
}

/// One line for the status line (unlike `db::migrate::describe_pg_error`,
/// which adds detail, hint and context for logs): the server's own message
/// when there is one ("password authentication failed for user …",
/// "database … does not exist"), else the cause of a failed connection
/// attempt. Never includes connection parameters.
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
