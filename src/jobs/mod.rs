//! Background jobs: the `jobs` table, `caseload worker`, and the contract a
//! job kind's handler keeps.
//!
//! # The handler contract (what another module implements)
//!
//! A kind is a name (`"noop"`, `"oneroster.import"`, `"report.recap"` …) and
//! one async handler:
//!
//! ```ignore
//! fn my_kind(ctx: &mut JobCtx, payload: serde_json::Value) -> BoxFuture<'_, JobResult> {
//!     Box::pin(async move {
//!         let files: MyPayload = serde_json::from_value(payload).map_err(JobError::bad_payload)?;
//!         for (i, chunk) in work.iter().enumerate() {
//!             ctx.checkpoint()?;                       // Err(Cancelled) once cancel was asked
//!             ctx.progress(pct(i), format!("{i} of {n} rows"));
//!             ctx.log(format!("chunk {i}: 500 rows"));  // the Jobs screen shows the log
//!             let db = ctx.db().get().await.map_err(JobError::retry)?;   // the worker's pool
//!             ...
//!         }
//!         Ok(serde_json::json!({ "added": 12, "refused": 0 }))           // the job's `result`
//!     })
//! }
//!
//! let mut registry = Registry::builtin();          // noop, sleep, sweep
//! registry.register("my.kind", my_kind);           // at start-up, in one place
//! ```
//!
//! - `payload` is what `caseload_job_enqueue(kind, payload, …)` stored; the
//!   `Ok` value becomes `jobs.result` (jsonb, shown on the Jobs screen).
//! - `ctx.progress(pct, msg)` never waits: it records 0–100 (clamped) and a
//!   message that the heartbeat writes within about a second.
//!   `ctx.log(line)` appends to the job's log (capped, oldest lines dropped).
//! - `ctx.checkpoint()` is cheap and synchronous: call it between units of
//!   work. It returns `Err(JobError::Cancelled)` once the job was cancelled
//!   (the heartbeat reads its status); return that error with `?`. A handler
//!   that never checks is stopped only when it finishes (its result is then
//!   dropped: a cancelled job stays cancelled).
//! - Errors: `JobError::Retry(msg)` (or any other `Err`) is counted as an
//!   attempt and retried with exponential backoff (`backoff_seconds`) until
//!   `max_attempts`, then the job is `failed` with `last_error = msg`;
//!   `JobError::Fatal(msg)` fails at once (bad payload, refused input).
//!   A panic in a handler is caught and counted like `Retry`.
//! - A handler must be safe to run more than once for the same job: a worker
//!   that dies mid-job (kill -9, a lost machine) is reaped and its job runs
//!   again on another attempt. Write in one transaction, or idempotently.
//! - `ctx.attempt()` (1-based), `ctx.id()`, `ctx.author()` (the `users.id`
//!   who enqueued it, `None` for jobs made by the system) describe the run.
//! - `ctx.db()` is the worker's own pool. The worker role
//!   (`caseload_worker`) may read and write nothing but what its functions
//!   allow: a kind that touches student data must run as its author (below).
//!
//! Registering a kind has two halves: the handler here, and a row in
//! `job_kinds` (migration 0024 and later) naming the tool a person needs to
//! enqueue it (`import`, `export`, `reports`; NULL = admins and the system
//! only), its `max_attempts` and `backoff_base_secs`. A worker claims only
//! the kinds in its registry, so a kind no running worker knows waits.
//!
//! # Who may do what (enforced in the database, migration 0024)
//!
//! - People never write `jobs` directly (INSERT/UPDATE/DELETE revoked from
//!   every `caseload_*` group). They call `caseload_job_enqueue` (the kind must
//!   be in `job_kinds` and its tool allowed to them by
//!   `caseload_tool_allowed`), `caseload_job_cancel` and `caseload_job_retry`
//!   (their own jobs; admins any). They read `jobs` through row-level
//!   security: their own rows, admins all.
//! - The worker connects as a login role that is a member of
//!   `caseload_worker` (see the README: `caseload worker` connects
//!   **directly** to PostgreSQL, never through a transaction-mode pooler,
//!   because it holds a session-long LISTEN and row locks across statements
//!   of one transaction). `caseload_worker` has no table privileges at all:
//!   only EXECUTE on the `caseload_worker_*` functions (claim, heartbeat,
//!   finish, fail, reap, beat), each checking that the job is locked by the
//!   worker id that calls it. A person with psql cannot call them (no
//!   EXECUTE), so cannot claim, forge progress or mark a job succeeded.
//!
//! # Running as the author (design for exports and reports)
//!
//! A job that reads student data must see exactly what its author sees.
//! Policies key on `session_user` through `caseload_active_user_id()`, so
//! `SET LOCAL ROLE author` alone would not change who the policies think is
//! asking (and would need the worker to be a member of every person's login
//! role). The design, for the kinds that need it:
//!
//! 1. A table `job_acting (backend_pid int, xact xid8, job_id uuid,
//!    user_id uuid)` written only by `caseload_worker_act_as(job_id,
//!    worker)`, a SECURITY DEFINER function that checks the job is running
//!    and locked by that worker, and records `(pg_backend_pid(),
//!    pg_current_xact_id(), job.created_by)`.
//! 2. `caseload_active_user_id()` learns one case: when `session_user` is a
//!    member of `caseload_worker`, it answers the `user_id` recorded for this
//!    backend and *this* transaction (so it ends with the transaction), else
//!    NULL (no rows visible). The author's roles and schools then decide
//!    every policy exactly as for them, restricted flags included.
//! 3. `SET LOCAL ROLE caseload_worker_reader` (a NOLOGIN role holding the
//!    union of the `caseload_*` groups' SELECT grants, nothing else) so the
//!    table privileges are a reader's, and RLS does the rest.
//! 4. The handler does that in one transaction: `ctx.as_author(&mut tx)`,
//!    then its reads; a deactivated author sees nothing, as they would.
//!
//! The kinds shipped here (`noop`, `sleep`, `sweep`) need none of this.
//!
//! # Lifecycle (every `job_status` value)
//!
//! `scheduled` (run_at in the future) → `queued` (due) → `running` (claimed:
//! `FOR UPDATE SKIP LOCKED` by priority DESC, run_at) → `succeeded` |
//! `retrying` (an attempt failed or its worker's heartbeat stopped; run_at =
//! now + backoff) → … → `failed` (max_attempts reached, `last_error`) ;
//! any unfinished job → `cancelled` (by its author or an admin); `failed` or
//! `cancelled` → `queued` again by retry.

pub mod kinds;
pub mod runner;
pub mod store;

use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use deadpool_postgres::Pool;
use serde_json::Value;
use uuid::Uuid;

/// What a handler returns: its result (stored in `jobs.result`) or why not.
pub type JobResult = Result<Value, JobError>;

/// A boxed, sendable future borrowing the context for `'a`.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A kind's handler: `fn(&mut JobCtx, payload) -> BoxFuture<'_, JobResult>`.
pub type Handler =
    Arc<dyn for<'a> Fn(&'a mut JobCtx, Value) -> BoxFuture<'a, JobResult> + Send + Sync>;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JobError {
    /// The job was cancelled; returned by [`JobCtx::checkpoint`].
    #[error("cancelled")]
    Cancelled,
    /// A failure worth another attempt (with backoff), e.g. a lost connection.
    #[error("{0}")]
    Retry(String),
    /// A failure no retry would cure (bad payload, refused input): `failed` now.
    #[error("{0}")]
    Fatal(String),
}

impl JobError {
    /// For `map_err`: anything displayable, to be retried.
    pub fn retry(e: impl std::fmt::Display) -> JobError {
        JobError::Retry(e.to_string())
    }

    /// For `map_err` on payload decoding: fails the job at once.
    pub fn bad_payload(e: impl std::fmt::Display) -> JobError {
        JobError::Fatal(format!("bad payload: {e}"))
    }
}

/// The most log a heartbeat carries, in bytes (the column keeps the newest
/// 65,536 characters).
pub const LOG_MAX: usize = 64 * 1024;

/// Progress, log and cancellation shared between a running handler and the
/// heartbeat that writes them.
#[derive(Debug, Default)]
pub struct Shared {
    cancelled: AtomicBool,
    report: Mutex<Report>,
}

/// What the heartbeat has to write.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Report {
    pub progress: i16,
    pub message: Option<String>,
    /// The log lines written since the heartbeat last took them (the
    /// database appends them: cancel and retry write to the log too).
    pub log: String,
    /// Changed since the heartbeat last took it.
    pub dirty: bool,
}

impl Shared {
    pub fn cancel(&self) {
        self.cancelled.store(true, Ordering::SeqCst);
    }

    pub fn is_cancelled(&self) -> bool {
        self.cancelled.load(Ordering::SeqCst)
    }

    /// The report if it changed since the last call (and marks it taken).
    pub fn take_report(&self) -> Option<Report> {
        let mut r = self.report.lock().unwrap_or_else(|p| p.into_inner());
        if !r.dirty {
            return None;
        }
        r.dirty = false;
        let taken = r.clone();
        r.log.clear();
        Some(taken)
    }

    /// The report as it is (with the log lines not yet taken), for the
    /// job's last write.
    pub fn final_report(&self) -> Report {
        let mut r = self.report.lock().unwrap_or_else(|p| p.into_inner());
        let taken = r.clone();
        r.log.clear();
        taken
    }

    fn update(&self, f: impl FnOnce(&mut Report)) {
        let mut r = self.report.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut r);
        r.dirty = true;
    }
}

/// What a handler sees of its job.
pub struct JobCtx {
    id: Uuid,
    kind: String,
    attempt: i32,
    author: Option<Uuid>,
    pool: Pool,
    shared: Arc<Shared>,
    /// The worker running it (its `locked_by`).
    pub(crate) worker: String,
    /// `database.read_url` of the runner (a person's own jobs in the TUI).
    pub(crate) reads: Option<Arc<crate::worker::read_target::ReadRouter>>,
}

impl JobCtx {
    pub fn new(
        id: Uuid,
        kind: String,
        attempt: i32,
        author: Option<Uuid>,
        pool: Pool,
        shared: Arc<Shared>,
    ) -> JobCtx {
        JobCtx {
            id,
            kind,
            attempt,
            author,
            pool,
            shared,
            worker: String::new(),
            reads: None,
        }
    }

    pub fn id(&self) -> Uuid {
        self.id
    }

    pub fn kind(&self) -> &str {
        &self.kind
    }

    /// 1 on the first run, 2 on the first retry …
    pub fn attempt(&self) -> i32 {
        self.attempt
    }

    /// The `users.id` who enqueued the job (`None`: the system).
    pub fn author(&self) -> Option<Uuid> {
        self.author
    }

    /// The worker running the job (`host:pid:tag`).
    pub fn worker(&self) -> &str {
        &self.worker
    }

    /// The worker's pool (role `caseload_worker`).
    pub fn db(&self) -> &Pool {
        &self.pool
    }

    /// A connection for the job's heavy reads on the read host
    /// (`database.read_url`), when one is set, fits, is not too far behind
    /// and has replayed the person's own last save; `None`: read on
    /// [`Self::db`].
    pub async fn read_host(&self) -> Option<deadpool_postgres::Object> {
        match self.reads.as_ref()?.route(&self.pool).await {
            crate::worker::read_target::Route::Read(c, _) => Some(*c),
            crate::worker::read_target::Route::Primary(why) => {
                tracing::debug!(why, kind = %self.kind, "job reads on the primary");
                None
            }
        }
    }

    /// Records progress (clamped to 0–100) and a message; written by the
    /// next heartbeat. Never waits.
    pub fn progress(&mut self, pct: u8, msg: impl Into<String>) {
        let msg = msg.into();
        self.shared.update(|r| {
            r.progress = i16::from(pct.min(100));
            r.message = Some(msg);
        });
    }

    /// Appends a line to the job's log (written with the next heartbeat;
    /// between two, oldest lines dropped past [`LOG_MAX`]).
    pub fn log(&mut self, line: impl AsRef<str>) {
        let line = line.as_ref();
        self.shared.update(|r| append_log(&mut r.log, line));
    }

    /// `Err(Cancelled)` once the job was cancelled; call between units of work.
    pub fn checkpoint(&self) -> Result<(), JobError> {
        if self.shared.is_cancelled() {
            Err(JobError::Cancelled)
        } else {
            Ok(())
        }
    }
}

/// Appends `line` and a newline, then drops whole lines from the front
/// until the log fits in [`LOG_MAX`] bytes.
pub fn append_log(log: &mut String, line: &str) {
    log.push_str(line);
    log.push('\n');
    if log.len() > LOG_MAX {
        let over = log.len() - LOG_MAX;
        let cut = log[over..].find('\n').map_or(log.len(), |i| over + i + 1);
        log.drain(..cut);
    }
}

/// One kind: its handler.
#[derive(Clone)]
pub struct Kind {
    pub handler: Handler,
}

/// kind → handler; the worker claims only kinds it has.
#[derive(Clone, Default)]
pub struct Registry {
    kinds: BTreeMap<String, Kind>,
}

impl Registry {
    pub fn empty() -> Registry {
        Registry::default()
    }

    /// `noop`, `sleep` and `sweep` (see [`kinds`]).
    pub fn builtin() -> Registry {
        let mut r = Registry::empty();
        kinds::register(&mut r);
        r
    }

    /// The kinds that run as their author (`caseload worker --mine`, the
    /// TUI's own runner); see [`kinds::register_author`].
    pub fn author() -> Registry {
        let mut r = Registry::empty();
        kinds::register_author(&mut r);
        r
    }

    /// Adds or replaces a kind.
    pub fn register<H>(&mut self, kind: &str, handler: H) -> &mut Registry
    where
        H: for<'a> Fn(&'a mut JobCtx, Value) -> BoxFuture<'a, JobResult> + Send + Sync + 'static,
    {
        self.kinds.insert(
            kind.to_string(),
            Kind {
                handler: Arc::new(handler),
            },
        );
        self
    }

    pub fn get(&self, kind: &str) -> Option<&Kind> {
        self.kinds.get(kind)
    }

    /// The kinds, sorted: what the worker asks the claim for.
    pub fn names(&self) -> Vec<String> {
        self.kinds.keys().cloned().collect()
    }
}

/// Seconds before the next attempt once `attempts` (≥ 1) have failed:
/// base × 2^(attempts − 1), at most an hour — what `caseload_worker_fail`
/// and `caseload_worker_reap` compute (base: `job_kinds.backoff_base_secs`).
pub fn backoff_seconds(attempts: i32, base: f64) -> f64 {
    (base * 2f64.powi((attempts - 1).clamp(0, 30))).min(3600.0)
}

#[cfg(test)]
mod tests;

/// One snapshot for a job's reads on a read host (`JobCtx::read_host`):
/// read-only, repeatable read.
pub async fn read_snapshot(
    c: &mut tokio_postgres::Client,
) -> Result<tokio_postgres::Transaction<'_>, tokio_postgres::Error> {
    c.build_transaction()
        .isolation_level(tokio_postgres::IsolationLevel::RepeatableRead)
        .read_only(true)
        .start()
        .await
}
