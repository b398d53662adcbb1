//! The runner's side of the jobs table: one call per `caseload_worker_*`
//! function (migration 0024) or, for a person running their own author-kind
//! jobs, its `caseload_job_own_*` twin (0031). Nothing here reads or writes
//! `jobs` directly.

use crate::db::unnamed::Unnamed;
use serde_json::Value;
use tokio_postgres::GenericClient;
use uuid::Uuid;

use super::Report;

/// Who is running jobs: the service worker (a member of caseload_worker,
/// any worker-kind job) or a person (their own author-kind jobs only).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Service,
    Own,
}

impl Mode {
    /// The function for `what` (claim, heartbeat, finish, fail, reap).
    fn function(self, what: &str) -> String {
        match self {
            Mode::Service => format!("public.caseload_worker_{what}"),
            Mode::Own => format!("public.caseload_job_own_{what}"),
        }
    }
}

/// A job this worker now holds.
#[derive(Debug, Clone, PartialEq)]
pub struct Claimed {
    pub id: Uuid,
    pub kind: String,
    pub payload: Value,
    /// This run's attempt, 1-based.
    pub attempt: i32,
    pub max_attempts: i32,
    pub author: Option<Uuid>,
}

pub async fn beat(
    db: &(impl GenericClient + Sync),
    worker: &str,
    kinds: &[String],
) -> Result<(), tokio_postgres::Error> {
    db.exec(
        "SELECT public.caseload_worker_beat($1::text, $2::text[])",
        &[&worker, &kinds],
    )
    .await
    .map(drop)
}

pub async fn gone(
    db: &(impl GenericClient + Sync),
    worker: &str,
) -> Result<(), tokio_postgres::Error> {
    db.exec("SELECT public.caseload_worker_gone($1::text)", &[&worker])
        .await
        .map(drop)
}

pub async fn claim(
    db: &(impl GenericClient + Sync),
    mode: Mode,
    worker: &str,
    kinds: &[String],
) -> Result<Option<Claimed>, tokio_postgres::Error> {
    let row = db
        .fetch_opt(
            &format!(
                "SELECT id, kind, payload, attempts, max_attempts, created_by \
                 FROM {}($1::text, $2::text[])",
                mode.function("claim")
            ),
            &[&worker, &kinds],
        )
        .await?;
    Ok(row.map(|r| Claimed {
        id: r.get(0),
        kind: r.get(1),
        payload: r.get(2),
        attempt: r.get(3),
        max_attempts: r.get(4),
        author: r.get(5),
    }))
}

fn parts(report: Option<&Report>) -> (Option<i16>, Option<&str>, Option<&str>) {
    match report {
        Some(r) => (Some(r.progress), r.message.as_deref(), Some(r.log.as_str())),
        None => (None, None, None),
    }
}

/// Returns false when the worker should stop the job (cancelled, reaped,
/// no longer its own).
pub async fn heartbeat(
    db: &(impl GenericClient + Sync),
    mode: Mode,
    id: Uuid,
    worker: &str,
    report: Option<&Report>,
) -> Result<bool, tokio_postgres::Error> {
    let (progress, message, log) = parts(report);
    let row = db
        .fetch_one(
            &format!(
                "SELECT {}($1::uuid, $2::text, $3::int2, $4::text, $5::text)",
                mode.function("heartbeat")
            ),
            &[&id, &worker, &progress, &message, &log],
        )
        .await?;
    Ok(row.get::<_, Option<bool>>(0).unwrap_or(false))
}

/// The status the job ended in (`None`: it was no longer this worker's).
pub async fn finish(
    db: &(impl GenericClient + Sync),
    mode: Mode,
    id: Uuid,
    worker: &str,
    result: &Value,
    report: Option<&Report>,
) -> Result<Option<String>, tokio_postgres::Error> {
    let (_, message, log) = parts(report);
    let row = db
        .fetch_one(
            &format!(
                "SELECT {}($1::uuid, $2::text, $3::jsonb, $4::text, $5::text)::text",
                mode.function("finish")
            ),
            &[&id, &worker, &result, &message, &log],
        )
        .await?;
    Ok(row.get(0))
}

pub async fn fail(
    db: &(impl GenericClient + Sync),
    mode: Mode,
    id: Uuid,
    worker: &str,
    error: &str,
    retry: bool,
    report: Option<&Report>,
) -> Result<Option<String>, tokio_postgres::Error> {
    let (_, _, log) = parts(report);
    let row = db
        .fetch_one(
            &format!(
                "SELECT {}($1::uuid, $2::text, $3::text, $4::bool, $5::text)::text",
                mode.function("fail")
            ),
            &[&id, &worker, &error, &retry, &log],
        )
        .await?;
    Ok(row.get(0))
}

/// Requeues (or fails) jobs whose heartbeat is older than `stale_secs`
/// (in `Own` mode: only the person's own author-kind jobs).
pub async fn reap(
    db: &(impl GenericClient + Sync),
    mode: Mode,
    stale_secs: f64,
) -> Result<i32, tokio_postgres::Error> {
    let row = db
        .fetch_one(
            &format!("SELECT {}($1::float8)", mode.function("reap")),
            &[&stale_secs],
        )
        .await?;
    Ok(row.get(0))
}
