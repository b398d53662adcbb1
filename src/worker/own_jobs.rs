//! The signed-in person's own author-kind jobs (imports, and later exports
//! and reports: `job_kinds.runs_as = 'author'`, migration 0031), run in the
//! background of their caseload window by the same runner as
//! `caseload worker --mine`, on the person's own pool: one run at a time,
//! started at sign-in (which first reaps their jobs whose window was
//! killed) and whenever they enqueue or retry a job. Nothing here blocks
//! other IO. When the window quits mid-job, the job is left running and is
//! reaped later ("its caseload window closed").

use crate::jobs::{Registry, runner};
use crate::storage::complete;
use deadpool_postgres::Pool;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

#[derive(Debug, Default)]
pub(super) struct OwnJobs {
    running: AtomicBool,
    /// Asked again while a run was under way: run once more after it.
    again: AtomicBool,
}

/// `tui:<pid>@<host>`: the reaper says "its caseload window closed" for
/// these; the database trusts the id for nothing but the lock it took.
pub fn window_id() -> String {
    format!("tui:{}@{}", std::process::id(), runner::host())
}

impl OwnJobs {
    /// Runs what is due now (and again if asked meanwhile), unless a run
    /// is already under way, which then runs once more.
    pub(super) fn kick(
        self: &Arc<Self>,
        pool: Pool,
        reads: Option<Arc<super::read_target::ReadRouter>>,
    ) {
        self.again.store(true, Ordering::SeqCst);
        if self.running.swap(true, Ordering::SeqCst) {
            return;
        }
        let me = self.clone();
        tokio::spawn(async move {
            loop {
                me.again.store(false, Ordering::SeqCst);
                let mut opts = runner::own(window_id());
                opts.once = true;
                opts.reads = reads.clone();
                let wake = Arc::new(tokio::sync::Notify::new());
                match runner::run(
                    pool.clone(),
                    Registry::author(),
                    opts,
                    wake,
                    std::future::pending(),
                )
                .await
                {
                    Ok(s) if s.ran() + s.reaped > 0 => {
                        tracing::info!(summary = %runner::format_summary(&s), "own jobs")
                    }
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "own jobs: not run"),
                }
                me.running.store(false, Ordering::SeqCst);
                if !me.again.load(Ordering::SeqCst) || me.running.swap(true, Ordering::SeqCst) {
                    break;
                }
            }
        });
    }
}

/// A payload's local paths (its top-level `path` and `dir`), `~` expanded
/// and made absolute when it is enqueued, so whichever process of the
/// person's runs the job reads and writes the same folder.
pub fn absolute_paths(payload: &mut serde_json::Value, home: Option<&std::path::Path>) {
    for key in ["path", "dir"] {
        if let Some(v) = payload.get_mut(key)
            && let Some(typed) = v.as_str()
        {
            *v = serde_json::Value::String(absolute(typed, home));
        }
    }
}

/// A typed path: `~` expanded and made absolute.
pub fn absolute(typed: &str, home: Option<&std::path::Path>) -> String {
    let p = complete::expand(typed.trim(), home);
    std::path::absolute(&p)
        .unwrap_or(p)
        .to_string_lossy()
        .into_owned()
}
