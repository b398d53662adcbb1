//! The export kinds as jobs (`export.roster`, `export.caseload`,
//! `export.sessions`; migration 0032, `runs_as = 'author'`): the handler is
//! [`super::run`], the code `caseload export …` runs, on the author's own
//! pool (row-level security decides every row) in one repeatable-read
//! transaction that also records the audit event.

use super::{ExportError, Options, Spec};
use crate::jobs::{BoxFuture, JobCtx, JobError, JobResult, Registry};
use crate::report::job::{db_error, folder};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::path::PathBuf;

pub const KINDS: [&str; 3] = ["export.roster", "export.caseload", "export.sessions"];

/// The job kind of an export.
pub fn kind(spec: &Spec) -> String {
    format!("export.{}", spec.kind())
}

/// What an export job's payload holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Payload {
    pub spec: Spec,
    /// A UTF-8 byte order mark first (Excel on Windows).
    #[serde(default)]
    pub bom: bool,
    /// The folder to write to (absolute); `None`: the download folder of
    /// the computer that runs the job.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dir: Option<PathBuf>,
    /// Dates the file names; `None`: the day it runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub today: Option<NaiveDate>,
}

impl Payload {
    pub fn new(spec: Spec, bom: bool) -> Payload {
        Payload {
            spec,
            bom,
            dir: None,
            today: None,
        }
    }

    /// The job's kind and payload, for `caseload_job_enqueue`.
    pub fn job(&self) -> (String, Value) {
        (
            kind(&self.spec),
            serde_json::to_value(self).unwrap_or_else(|_| json!({})),
        )
    }
}

pub fn register(r: &mut Registry) {
    for k in KINDS {
        r.register(k, handle);
    }
}

fn export_error(e: ExportError) -> JobError {
    match e {
        ExportError::Invalid(m) => JobError::Fatal(m),
        ExportError::Db(e) => db_error(&e),
        e @ ExportError::Io { .. } => JobError::Retry(e.to_string()),
    }
}

fn handle(ctx: &mut JobCtx, payload: Value) -> BoxFuture<'_, JobResult> {
    Box::pin(async move {
        let p: Payload = serde_json::from_value(payload).map_err(JobError::bad_payload)?;
        if kind(&p.spec) != ctx.kind() {
            return Err(JobError::Fatal(format!(
                "bad payload: a {} job cannot write a {} export",
                ctx.kind(),
                p.spec.kind()
            )));
        }
        let env = |k: &str| std::env::var(k).ok();
        let dir = folder(
            p.dir.clone(),
            || super::file::default_dir(&env),
            "download folder",
        )?;
        let today = p.today.unwrap_or_else(crate::clock::today);
        ctx.checkpoint()?;
        ctx.progress(1, "connecting");
        let mut conn = ctx.db().get().await.map_err(JobError::retry)?;
        let pg: &mut tokio_postgres::Client = &mut conn;
        let tx = pg
            .build_transaction()
            .isolation_level(tokio_postgres::IsolationLevel::RepeatableRead)
            .start()
            .await
            .map_err(|e| db_error(&e))?;
        let opts = Options {
            dir,
            bom: p.bom,
            today,
        };
        // On a read host the rows come from a snapshot there; the audit
        // event still commits on the primary, with the files.
        let mut read_host = ctx.read_host().await;
        let written = {
            let mut progress = |pct: u8, msg: &str| ctx.progress(pct.min(95), msg);
            match read_host.as_mut() {
                Some(obj) => {
                    let rtx = crate::jobs::read_snapshot(obj)
                        .await
                        .map_err(|e| db_error(&e))?;
                    super::run_on(&rtx, &tx, &p.spec, &opts, &mut progress)
                        .await
                        .map_err(export_error)?
                }
                None => super::run(&tx, &p.spec, &opts, &mut progress)
                    .await
                    .map_err(export_error)?,
            }
        };
        if read_host.is_some() {
            ctx.log("read on the read host (database.read_url)");
        }
        drop(read_host);
        let remove = || {
            for f in &written.files {
                let _ = std::fs::remove_file(&f.path);
            }
        };
        if let Err(e) = ctx.checkpoint() {
            remove();
            return Err(e);
        }
        if let Err(e) = tx.commit().await {
            remove();
            return Err(db_error(&e));
        }
        let files: Vec<Value> = written
            .files
            .iter()
            .map(|f| {
                let bytes = std::fs::metadata(&f.path).map_or(0, |m| m.len());
                json!({ "path": f.path, "rows": f.rows, "bytes": bytes })
            })
            .collect();
        let summary = written.summary();
        ctx.log(&summary);
        ctx.progress(100, "done");
        Ok(json!({
            "files": files,
            "students": written.students,
            "rows": written.files.iter().map(|f| f.rows).sum::<usize>(),
            "summary": summary,
        }))
    })
}
