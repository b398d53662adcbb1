//! `caseload worker`: claims due jobs, runs their handlers with a heartbeat,
//! records how each ended, reaps jobs whose worker died, and sleeps until
//! NOTIFY `caseload_jobs` (or the poll interval) says there may be work.
//!
//! The worker connects directly to PostgreSQL (not through a
//! transaction-mode pooler): its LISTEN lives on a session of its own.

use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::time::Duration;

use deadpool_postgres::Pool;
use futures::FutureExt;
use tokio::sync::Notify;
use tokio::task::JoinSet;

use super::store::{self, Claimed, Mode};
use super::{JobCtx, JobError, Registry, Shared};

#[derive(Debug, Clone)]
pub struct Options {
    /// This process's name in `locked_by` and `job_workers`.
    pub id: String,
    /// The service worker's functions, or a person's own (`--mine`, the TUI).
    pub mode: Mode,
    /// Jobs run at once.
    pub concurrency: usize,
    /// Exit once no job is due and none is running.
    pub once: bool,
    /// How often a running job's heartbeat (and progress) is written.
    pub heartbeat: Duration,
    /// A running job whose heartbeat is older than this is reaped.
    pub stale: Duration,
    /// How often this worker reaps and says it is alive.
    pub housekeeping: Duration,
    /// The longest an idle worker sleeps without a notification.
    pub poll: Duration,
    /// Where jobs that read heavily (reports, exports) read:
    /// `database.read_url` of the person's window; `None`: the pool.
    pub reads: Option<Arc<crate::worker::read_target::ReadRouter>>,
}

impl Options {
    pub fn new(id: String) -> Options {
        Options {
            id,
            mode: Mode::Service,
            concurrency: 2,
            once: false,
            heartbeat: Duration::from_secs(1),
            stale: Duration::from_secs(15),
            housekeeping: Duration::from_secs(5),
            poll: Duration::from_secs(5),
            reads: None,
        }
    }
}

/// Runs the signed-in person's own author-kind jobs (`worker --mine`, the
/// TUI): claims through `caseload_job_own_*`, says nothing in `job_workers`.
pub fn own(id: String) -> Options {
    Options {
        mode: Mode::Own,
        concurrency: 1,
        ..Options::new(id)
    }
}

/// This machine's name, for worker ids.
pub fn host() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "host".into())
}

/// `host:pid:xxxx`: unique per process, readable in `locked_by`.
pub fn default_id() -> String {
    let tag: u16 = rand::random();
    format!("{}:{}:{tag:04x}", host(), std::process::id())
}

/// How many jobs ended how, in this run.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    pub succeeded: u64,
    pub retrying: u64,
    pub failed: u64,
    pub cancelled: u64,
    /// Ended no longer ours (reaped meanwhile) or could not be recorded.
    pub lost: u64,
    pub reaped: u64,
}

impl Summary {
    fn count(&mut self, ended: Option<&str>) {
        match ended {
            Some("succeeded") => self.succeeded += 1,
            Some("retrying") => self.retrying += 1,
            Some("failed") => self.failed += 1,
            Some("cancelled") => self.cancelled += 1,
            _ => self.lost += 1,
        }
    }

    pub fn ran(&self) -> u64 {
        self.succeeded + self.retrying + self.failed + self.cancelled + self.lost
    }
}

#[derive(Debug, thiserror::Error)]
pub enum WorkerError {
    #[error("the worker's database connection: {0}")]
    Pool(#[from] deadpool_postgres::PoolError),
    #[error("{}", worker_db_error(.0))]
    Db(#[from] tokio_postgres::Error),
    #[error("{}", own_db_error(.0))]
    Own(tokio_postgres::Error),
}

impl WorkerError {
    fn db(mode: Mode, e: tokio_postgres::Error) -> WorkerError {
        match mode {
            Mode::Service => WorkerError::Db(e),
            Mode::Own => WorkerError::Own(e),
        }
    }
}

/// `--mine` signed in as someone who is no caseload user, or a database
/// not migrated, is told what to fix.
fn own_db_error(e: &tokio_postgres::Error) -> String {
    let text = crate::db::pool::with_causes(e);
    if e.code() == Some(&tokio_postgres::error::SqlState::UNDEFINED_FUNCTION) {
        format!(
            "{text}: run `caseload migrate` first (migration 0031 adds your own jobs' functions)"
        )
    } else if e.code() == Some(&tokio_postgres::error::SqlState::INSUFFICIENT_PRIVILEGE) {
        format!("{text}: `caseload worker --mine` signs in as your own caseload login")
    } else {
        text
    }
}

fn misconfigured(e: &tokio_postgres::Error) -> bool {
    use tokio_postgres::error::SqlState;
    e.code() == Some(&SqlState::INSUFFICIENT_PRIVILEGE)
        || e.code() == Some(&SqlState::UNDEFINED_FUNCTION)
}

/// A worker role without EXECUTE is told what to fix.
fn worker_db_error(e: &tokio_postgres::Error) -> String {
    let text = crate::db::pool::with_causes(e);
    if e.code() == Some(&tokio_postgres::error::SqlState::INSUFFICIENT_PRIVILEGE) {
        format!(
            "{text}: `caseload worker` must connect as a login role that is a member of \
             caseload_worker (GRANT caseload_worker TO <login>), directly, not through a pooler"
        )
    } else if e.code() == Some(&tokio_postgres::error::SqlState::UNDEFINED_FUNCTION) {
        format!("{text}: run `caseload migrate` first (migration 0024 adds the jobs functions)")
    } else {
        text
    }
}

/// Runs until `stop` resolves (or, with `once`, until nothing is due).
/// `wake` is notified by the LISTEN connection (see [`listen`]).
pub async fn run(
    pool: Pool,
    registry: Registry,
    opts: Options,
    wake: Arc<Notify>,
    stop: impl std::future::Future<Output = ()>,
) -> Result<Summary, WorkerError> {
    let kinds = registry.names();
    let mode = opts.mode;
    let mut summary = Summary::default();
    {
        let db = pool.get().await?;
        if mode == Mode::Service {
            store::beat(&**db, &opts.id, &kinds).await?;
        }
        summary.reaped += store::reap(&**db, mode, opts.stale.as_secs_f64())
            .await
            .map_err(|e| WorkerError::db(mode, e))? as u64;
    }
    let mut running: JoinSet<Option<String>> = JoinSet::new();
    let mut housekeeping = tokio::time::interval(opts.housekeeping);
    housekeeping.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    tokio::pin!(stop);
    let mut stopping = false;
    loop {
        // Claim while there is room and work.
        let mut idle = false;
        while !stopping && running.len() < opts.concurrency.max(1) {
            let claimed = match pool.get().await {
                Ok(db) => store::claim(&**db, mode, &opts.id, &kinds).await,
                Err(e) => {
                    tracing::warn!(error = %e, "worker: no connection to claim with");
                    idle = true;
                    break;
                }
            };
            match claimed {
                Ok(Some(job)) => {
                    tracing::info!(job = %job.id, kind = %job.kind, attempt = job.attempt, "claimed");
                    running.spawn(execute(pool.clone(), registry.clone(), opts.clone(), job));
                }
                Ok(None) => {
                    idle = true;
                    break;
                }
                Err(e) => {
                    tracing::warn!(error = %crate::db::pool::with_causes(&e), "worker: claim failed");
                    // A role that is no worker, or a database not migrated,
                    // will not heal by waiting; anything else may.
                    if misconfigured(&e) {
                        return Err(WorkerError::db(mode, e));
                    }
                    idle = true;
                    break;
                }
            }
        }
        if (opts.once || stopping) && idle && running.is_empty() {
            break;
        }
        if stopping && running.is_empty() {
            break;
        }
        tokio::select! {
            Some(done) = running.join_next(), if !running.is_empty() => {
                summary.count(done.ok().flatten().as_deref());
            }
            _ = wake.notified(), if !stopping => {}
            _ = tokio::time::sleep(opts.poll), if !stopping => {}
            _ = housekeeping.tick() => {
                if let Ok(db) = pool.get().await {
                    if mode == Mode::Service
                        && let Err(e) = store::beat(&**db, &opts.id, &kinds).await
                    {
                        tracing::warn!(error = %e, "worker: beat failed");
                    }
                    match store::reap(&**db, mode, opts.stale.as_secs_f64()).await {
                        Ok(n) => summary.reaped += n as u64,
                        Err(e) => tracing::warn!(error = %e, "worker: reap failed"),
                    }
                }
            }
            _ = &mut stop, if !stopping => {
                tracing::info!(running = running.len(), "worker: stopping after the running jobs");
                stopping = true;
            }
        }
    }
    if mode == Mode::Service
        && let Ok(db) = pool.get().await
    {
        let _ = store::gone(&**db, &opts.id).await;
    }
    Ok(summary)
}

/// Runs one claimed job to its end; returns the status it ended in.
async fn execute(pool: Pool, registry: Registry, opts: Options, job: Claimed) -> Option<String> {
    let shared = Arc::new(Shared::default());
    let outcome = match registry.get(&job.kind) {
        None => Err(JobError::Fatal(format!(
            "this worker has no handler for kind {}",
            job.kind
        ))),
        Some(kind) => {
            let handler = kind.handler.clone();
            let mut ctx = JobCtx::new(
                job.id,
                job.kind.clone(),
                job.attempt,
                job.author,
                pool.clone(),
                shared.clone(),
            );
            ctx.worker = opts.id.clone();
            ctx.reads = opts.reads.clone();
            let work = AssertUnwindSafe(handler(&mut ctx, job.payload.clone())).catch_unwind();
            tokio::pin!(work);
            let mut beat = tokio::time::interval(opts.heartbeat);
            beat.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            beat.tick().await;
            loop {
                tokio::select! {
                    r = &mut work => break r.unwrap_or_else(|p| Err(JobError::Retry(panic_text(&p)))),
                    _ = beat.tick() => {
                        let report = shared.take_report();
                        let keep = match pool.get().await {
                            Ok(db) => store::heartbeat(&**db, opts.mode, job.id, &opts.id, report.as_ref()).await,
                            Err(e) => {
                                tracing::warn!(job = %job.id, error = %e, "heartbeat: no connection");
                                continue;
                            }
                        };
                        match keep {
                            Ok(true) => {}
                            Ok(false) => shared.cancel(),
                            Err(e) => tracing::warn!(job = %job.id, error = %e, "heartbeat failed"),
                        }
                    }
                }
            }
        }
    };
    let report = shared.final_report();
    let db = match pool.get().await {
        Ok(db) => db,
        Err(e) => {
            tracing::warn!(job = %job.id, error = %e, "could not record the job's end");
            return None;
        }
    };
    let ended = match &outcome {
        Ok(result) => {
            store::finish(&**db, opts.mode, job.id, &opts.id, result, Some(&report)).await
        }
        Err(e) => {
            let retry = matches!(e, JobError::Retry(_));
            store::fail(
                &**db,
                opts.mode,
                job.id,
                &opts.id,
                &e.to_string(),
                retry,
                Some(&report),
            )
            .await
        }
    };
    match ended {
        Ok(status) => {
            tracing::info!(job = %job.id, status = status.as_deref().unwrap_or("lost"), "job ended");
            status
        }
        Err(e) => {
            tracing::warn!(job = %job.id, error = %e, "could not record the job's end");
            None
        }
    }
}

fn panic_text(p: &(dyn std::any::Any + Send)) -> String {
    let what = p
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic".into());
    format!("the handler panicked: {what}")
}

/// Holds a LISTEN `caseload_jobs` on a connection of its own (deadpool
/// drops notifications) and notifies `wake` for each; reconnects after a
/// pause when the connection drops. Polling covers the gaps.
pub async fn listen(params: crate::config::ConnParams, wake: Arc<Notify>) {
    loop {
        if let Err(e) = listen_once(&params, &wake).await {
            tracing::warn!(error = %e, "worker: LISTEN connection lost; polling meanwhile");
        }
        tokio::time::sleep(Duration::from_secs(5)).await;
    }
}

async fn listen_once(
    params: &crate::config::ConnParams,
    wake: &Arc<Notify>,
) -> Result<(), Box<dyn std::error::Error + Send + Sync>> {
    let tls = crate::db::tls::Tls::for_params(params)?;
    let (client, mut connection) = params.to_pg_config().connect(tls.connector()).await?;
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let driver = tokio::spawn(async move {
        loop {
            match futures::future::poll_fn(|cx| connection.poll_message(cx)).await {
                Some(Ok(tokio_postgres::AsyncMessage::Notification(_))) => {
                    if tx.send(()).is_err() {
                        break;
                    }
                }
                Some(Ok(_)) => {}
                Some(Err(e)) => return Err(e),
                None => break,
            }
        }
        Ok(())
    });
    client.batch_execute("LISTEN caseload_jobs").await?;
    // Something may have been enqueued while we were not listening.
    wake.notify_one();
    while rx.recv().await.is_some() {
        wake.notify_one();
    }
    drop(client);
    driver.await??;
    Ok(())
}

/// What `--once` prints.
pub fn format_summary(s: &Summary) -> String {
    format!(
        "ran {} jobs: {} succeeded, {} to retry, {} failed, {} cancelled{}{}",
        s.ran(),
        s.succeeded,
        s.retrying,
        s.failed,
        s.cancelled,
        if s.lost > 0 {
            format!(", {} lost to another worker", s.lost)
        } else {
            String::new()
        },
        if s.reaped > 0 {
            format!("; requeued {} whose worker stopped", s.reaped)
        } else {
            String::new()
        }
    )
}
