//! The Jobs screen's queries: the person's jobs (row-level security: their
//! own, admins all), one job's payload, result and log, whether a worker
//! runs, and cancel/retry through the 0024 functions. The worker's own
//! calls are in `jobs/store.rs`.

use crate::db::unnamed::Unnamed;
use crate::domain::jobs::{
    JobAction, JobDetail, JobList, JobRow, JobStatus, OwnJob, Runner, WORKER_SILENT_SECS,
};
use chrono::{DateTime, Utc};
use serde_json::Value;
use tokio_postgres::{GenericClient, Row};
use uuid::Uuid;

const COLUMNS: &str = "j.id, j.kind, j.status::text, j.progress, j.progress_message, j.attempts, \
     j.max_attempts, j.run_at, j.created_at, j.finished_at, u.display_name, j.last_error, \
     (j.status = 'cancelled' AND j.locked_by IS NOT NULL), \
     coalesce(k.runs_as = 'author', false), \
     j.created_by IS NOT DISTINCT FROM public.caseload_current_user_id(), \
     (j.status = 'running' AND j.locked_by LIKE 'tui:%' \
      AND j.heartbeat_at < now() - make_interval(secs => $1::int4))";

/// The tables the columns come from.
const FROM: &str = "public.jobs j LEFT JOIN public.users u ON u.id = j.created_by \
     LEFT JOIN public.job_kinds k ON k.kind = j.kind";

fn row(r: &Row) -> JobRow {
    let status: String = r.get(2);
    JobRow {
        id: r.get(0),
        kind: r.get(1),
        // The enum is the database's; a value added later reads as queued
        // rather than failing the whole list.
        status: JobStatus::parse(&status).unwrap_or(JobStatus::Queued),
        progress: r.get(3),
        message: r.get(4),
        attempts: r.get(5),
        max_attempts: r.get(6),
        run_at: r.get(7),
        created_at: r.get(8),
        finished_at: r.get(9),
        author: r.get(10),
        last_error: r.get(11),
        stopping: r.get(12),
        runner: if r.get(13) {
            Runner::Author {
                mine: r.get(14),
                window_closed: r.get(15),
            }
        } else {
            Runner::Worker
        },
    }
}

/// The newest `limit` jobs the person may see, and whether a worker runs.
pub async fn list(
    c: &(impl GenericClient + Sync),
    limit: i64,
) -> Result<JobList, tokio_postgres::Error> {
    let sql =
        format!("SELECT {COLUMNS} FROM {FROM} ORDER BY j.created_at DESC, j.id DESC LIMIT $2");
    let rows = c.fetch(&sql, &[&WORKER_SILENT_SECS, &(limit + 1)]).await?;
    let more = rows.len() as i64 > limit;
    let rows: Vec<JobRow> = rows.iter().take(limit as usize).map(row).collect();
    let w = c
        .fetch_one(
            "SELECT alive, last_seen, now(), public.caseload_jobs_worker_kinds($1::int4) \
             FROM public.caseload_jobs_workers($1::int4)",
            &[&WORKER_SILENT_SECS],
        )
        .await?;
    Ok(JobList {
        rows,
        more,
        workers: w.get(0),
        last_seen: w.get(1),
        now: w.get(2),
        worker_kinds: w.get(3),
    })
}

/// The person's own jobs whose kind starts with `prefix` (`report.`,
/// `export.`), newest first, at most `limit`: admins too see only their
/// own here.
pub async fn own(
    c: &(impl GenericClient + Sync),
    prefix: &str,
    limit: i64,
) -> Result<Vec<OwnJob>, tokio_postgres::Error> {
    let sql = format!(
        "SELECT {COLUMNS}, j.payload, j.result FROM {FROM} \
         WHERE j.created_by = public.caseload_current_user_id() \
           AND left(j.kind, length($2)) = $2 \
         ORDER BY j.created_at DESC, j.id DESC LIMIT $3"
    );
    let rows = c
        .fetch(&sql, &[&WORKER_SILENT_SECS, &prefix, &limit])
        .await?;
    Ok(rows
        .iter()
        .map(|r| OwnJob {
            row: row(r),
            payload: r.get(16),
            result: r.get(17),
        })
        .collect())
}

/// One job, if the person may see it.
pub async fn detail(
    c: &(impl GenericClient + Sync),
    id: Uuid,
) -> Result<Option<JobDetail>, tokio_postgres::Error> {
    let sql =
        format!("SELECT {COLUMNS}, j.payload, j.result, j.log, now() FROM {FROM} WHERE j.id = $2");
    let Some(r) = c.fetch_opt(&sql, &[&WORKER_SILENT_SECS, &id]).await? else {
        return Ok(None);
    };
    let pretty = |v: &Value| serde_json::to_string_pretty(v).unwrap_or_else(|_| v.to_string());
    let payload: Value = r.get(16);
    let result: Option<Value> = r.get(17);
    let now: DateTime<Utc> = r.get(19);
    Ok(Some(JobDetail {
        row: row(&r),
        payload: pretty(&payload),
        result: result.as_ref().map(pretty),
        log: r.get(18),
        now,
    }))
}

/// Cancels or retries job `id`: `Ok` with what the screen says, `Err` with
/// the database's refusal in its words.
pub async fn act(
    c: &(impl GenericClient + Sync),
    id: Uuid,
    action: JobAction,
) -> Result<String, tokio_postgres::Error> {
    let sql = match action {
        JobAction::Cancel => "SELECT public.caseload_job_cancel($1)::text",
        JobAction::Retry => "SELECT public.caseload_job_retry($1)::text",
    };
    let status: String = c.fetch_one(sql, &[&id]).await?.get(0);
    Ok(match action {
        JobAction::Cancel => format!("job {status}: a running job stops at its next checkpoint"),
        JobAction::Retry => format!("job {status} again"),
    })
}

/// Enqueues a job as the person (the kind's tool decides whether they may).
pub async fn enqueue(
    c: &(impl GenericClient + Sync),
    kind: &str,
    payload: &Value,
    run_at: Option<DateTime<Utc>>,
) -> Result<Uuid, tokio_postgres::Error> {
    let r = c
        .fetch_one(
            "SELECT public.caseload_job_enqueue($1::text, $2::jsonb, $3::timestamptz)",
            &[&kind, payload, &run_at],
        )
        .await?;
    Ok(r.get(0))
}
