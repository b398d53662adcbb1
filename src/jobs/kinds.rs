//! The kinds caseload ships: `noop` (is a worker there?), `sleep` (demos and
//! tests: progress, cancel, failures) and `sweep` (deletes old finished jobs).

use crate::db::unnamed::Unnamed;
use std::time::Duration;

use serde::Deserialize;
use serde_json::{Value, json};

use super::{BoxFuture, JobCtx, JobError, JobResult, Registry};

/// The kinds that run as their author (`job_kinds.runs_as = 'author'`):
/// claimed only by the author's own caseload window or `caseload worker
/// --mine`, never by a service worker. Each module adds its own line.
pub fn register_author(r: &mut Registry) {
    r.register(crate::domain::import::KIND, crate::oneroster::job::handler);
    crate::report::job::register(r);
    crate::export::job::register(r);
}

pub fn register(r: &mut Registry) {
    r.register("noop", noop);
    r.register("sleep", sleep);
    r.register("sweep", sweep);
}

fn noop(ctx: &mut JobCtx, _payload: Value) -> BoxFuture<'_, JobResult> {
    Box::pin(async move {
        ctx.checkpoint()?;
        Ok(json!({ "attempt": ctx.attempt() }))
    })
}

/// `{"seconds": 5, "fail": "why"}`: waits `seconds` (at most an hour) in
/// tenths, reporting progress and checking for cancel at each; then fails
/// with `fail` if given (retried as usual; `"fatal": true` fails at once).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SleepPayload {
    #[serde(default = "one")]
    pub seconds: f64,
    #[serde(default)]
    pub fail: Option<String>,
    #[serde(default)]
    pub fatal: bool,
}

fn one() -> f64 {
    1.0
}

fn sleep(ctx: &mut JobCtx, payload: Value) -> BoxFuture<'_, JobResult> {
    Box::pin(async move {
        let p: SleepPayload = serde_json::from_value(payload).map_err(JobError::bad_payload)?;
        if !p.seconds.is_finite() || !(0.0..=3600.0).contains(&p.seconds) {
            return Err(JobError::Fatal(
                "bad payload: seconds is a number from 0 to 3600".into(),
            ));
        }
        let steps = (p.seconds * 10.0).ceil().max(1.0) as u32;
        ctx.log(format!(
            "attempt {}: sleeping {} s",
            ctx.attempt(),
            p.seconds
        ));
        for i in 0..steps {
            ctx.checkpoint()?;
            let pct = (u64::from(i) * 100 / u64::from(steps)) as u8;
            ctx.progress(
                pct,
                format!("{:.1} of {} s", f64::from(i) / 10.0, p.seconds),
            );
            tokio::time::sleep(Duration::from_secs_f64(p.seconds / f64::from(steps))).await;
        }
        ctx.checkpoint()?;
        match p.fail {
            Some(why) if p.fatal => Err(JobError::Fatal(why)),
            Some(why) => Err(JobError::Retry(why)),
            None => {
                ctx.progress(100, format!("slept {} s", p.seconds));
                Ok(json!({ "slept": p.seconds }))
            }
        }
    })
}

/// `{"days": 30}`: deletes succeeded, failed and cancelled jobs that finished
/// more than `days` ago (at least 1).
fn sweep(ctx: &mut JobCtx, payload: Value) -> BoxFuture<'_, JobResult> {
    Box::pin(async move {
        let days = match payload.get("days") {
            None => 30,
            Some(v) => v
                .as_i64()
                .filter(|d| (1..=3650).contains(d))
                .ok_or_else(|| JobError::Fatal("bad payload: days is 1 to 3650".into()))?,
        };
        ctx.checkpoint()?;
        let db = ctx.db().get().await.map_err(JobError::retry)?;
        let row = db
            .fetch_one(
                "SELECT public.caseload_worker_sweep($1::int4)",
                &[&(days as i32)],
            )
            .await
            .map_err(JobError::retry)?;
        let n: i32 = row.get(0);
        ctx.log(format!(
            "deleted {n} jobs finished more than {days} days ago"
        ));
        Ok(json!({ "deleted": n, "days": days }))
    })
}
