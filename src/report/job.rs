//! The report kinds as jobs (`report.recap`, `report.summary`,
//! `report.student`, `report.fidelity`; migration 0032, `runs_as =
//! 'author'`): the handler is [`super::build`] then [`super::publish`], the
//! same code `caseload report …` runs, on the author's own pool (every read
//! under their row-level security) in one repeatable-read transaction, so
//! the audit event commits with the reads it describes.

use super::{Options, ReportError, Spec};
use crate::jobs::{BoxFuture, JobCtx, JobError, JobResult, Registry};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::path::PathBuf;

/// The kinds, one per [`Spec`] variant (`Spec::kind`).
pub const KINDS: [&str; 4] = [
    "report.recap",
    "report.summary",
    "report.student",
    "report.fidelity",
];

/// What a report job's payload holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Payload {
    pub spec: Spec,
    /// The folder to write to (absolute); `None`: the reports folder of
    /// the computer that runs the job.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dir: Option<PathBuf>,
    /// The day the report is as of; `None`: the day it runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub today: Option<NaiveDate>,
}

impl Payload {
    pub fn new(spec: Spec) -> Payload {
        Payload {
            spec,
            dir: None,
            today: None,
        }
    }

    /// The job's kind and payload, for `caseload_job_enqueue`.
    pub fn job(&self) -> (String, Value) {
        (
            self.spec.kind().to_string(),
            serde_json::to_value(self).unwrap_or_else(|_| json!({})),
        )
    }
}

pub fn register(r: &mut Registry) {
    for kind in KINDS {
        r.register(kind, handle);
    }
}

/// The server refused (a retry gets the same answer, except a
/// serialization failure); a lost connection or a full disk may pass.
pub(crate) fn db_error(e: &tokio_postgres::Error) -> JobError {
    match e.as_db_error() {
        Some(d) if d.code().code() != "40001" => JobError::Fatal(d.message().to_string()),
        _ => JobError::Retry(crate::export::pg_message(e)),
    }
}

fn report_error(e: ReportError) -> JobError {
    match e {
        ReportError::Invalid(m) => JobError::Fatal(m),
        ReportError::Db(e) => db_error(&e),
        e @ ReportError::Io { .. } => JobError::Retry(e.to_string()),
    }
}

/// The folder a payload names, or the default one; absolute only.
pub(crate) fn folder(
    dir: Option<PathBuf>,
    default: impl FnOnce() -> Option<PathBuf>,
    what: &str,
) -> Result<PathBuf, JobError> {
    let dir = match dir {
        Some(d) => d,
        None => default().ok_or_else(|| JobError::Fatal(format!("no {what}: HOME is not set")))?,
    };
    if !dir.is_absolute() {
        return Err(JobError::Fatal(format!(
            "bad payload: dir {} is not an absolute path",
            dir.display()
        )));
    }
    Ok(dir)
}

fn handle(ctx: &mut JobCtx, payload: Value) -> BoxFuture<'_, JobResult> {
    Box::pin(async move {
        let p: Payload = serde_json::from_value(payload).map_err(JobError::bad_payload)?;
        if p.spec.kind() != ctx.kind() {
            return Err(JobError::Fatal(format!(
                "bad payload: a {} job cannot write a {}",
                ctx.kind(),
                p.spec.kind()
            )));
        }
        let env = |k: &str| std::env::var(k).ok();
        let today = p.today.unwrap_or_else(crate::clock::today);
        ctx.checkpoint()?;
        ctx.progress(1, "connecting");
        let mut conn = ctx.db().get().await.map_err(JobError::retry)?;
        let pg: &mut tokio_postgres::Client = &mut conn;
        let who = super::store::whose(pg).await.map_err(|e| db_error(&e))?;
        let dir = folder(
            p.dir.clone(),
            || super::store::default_dir(&env, &who),
            "data folder for reports",
        )?;
        let tx = pg
            .build_transaction()
            .isolation_level(tokio_postgres::IsolationLevel::RepeatableRead)
            .start()
            .await
            .map_err(|e| db_error(&e))?;
        // On a read host the reads take a snapshot of their own there; the
        // audit event still commits on the primary, with the files.
        let mut read_host = ctx.read_host().await;
        let built = {
            // The builders' own steps, up to 90%: writing is the rest.
            let mut progress = |pct: u8, msg: &str| ctx.progress(pct.min(90), msg);
            match read_host.as_mut() {
                Some(obj) => {
                    let rtx = crate::jobs::read_snapshot(obj)
                        .await
                        .map_err(|e| db_error(&e))?;
                    super::build(&rtx, &p.spec, today, &mut progress)
                        .await
                        .map_err(report_error)?
                }
                None => super::build(&tx, &p.spec, today, &mut progress)
                    .await
                    .map_err(report_error)?,
            }
        };
        if read_host.is_some() {
            ctx.log("read on the read host (database.read_url)");
        }
        drop(read_host);
        ctx.checkpoint()?;
        ctx.progress(92, "writing the files");
        let opts = Options { dir, today };
        let written = super::publish(&tx, &p.spec, &opts, &built)
            .await
            .map_err(report_error)?;
        // Cancelled meanwhile, or the commit fails: no file without its
        // audit event (the transaction rolls back as it drops).
        if let Err(e) = ctx.checkpoint() {
            super::store::remove(&written);
            return Err(e);
        }
        if let Err(e) = tx.commit().await {
            super::store::remove(&written);
            return Err(db_error(&e));
        }
        let bytes = std::fs::metadata(&written.html).map_or(0, |m| m.len());
        ctx.log(format!("wrote {} ({bytes} bytes)", written.html.display()));
        if let Some(csv) = &written.csv {
            ctx.log(format!("wrote {}", csv.display()));
        }
        ctx.progress(100, format!("wrote {}", written.title));
        Ok(json!({
            "title": written.title,
            "file": written.html,
            "csv": written.csv,
            "bytes": bytes,
            "students": written.students,
        }))
    })
}
