//! Background jobs as the Jobs screen sees them (`db/jobs.rs` reads them
//! through row-level security: one's own, admins all).

use chrono::{DateTime, Utc};
use uuid::Uuid;

/// The most jobs the screen lists (newest first).
pub const JOB_ROWS: i64 = 200;

/// No beat from any worker within this many seconds: "no worker is running".
pub const WORKER_SILENT_SECS: i32 = 15;

/// `job_status` (0001).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum JobStatus {
    Scheduled,
    Queued,
    Running,
    Retrying,
    Succeeded,
    Failed,
    Cancelled,
}

impl JobStatus {
    pub fn parse(s: &str) -> Option<JobStatus> {
        use JobStatus::*;
        Some(match s {
            "scheduled" => Scheduled,
            "queued" => Queued,
            "running" => Running,
            "retrying" => Retrying,
            "succeeded" => Succeeded,
            "failed" => Failed,
            "cancelled" => Cancelled,
            _ => return None,
        })
    }

    pub fn word(self) -> &'static str {
        use JobStatus::*;
        match self {
            Scheduled => "scheduled",
            Queued => "queued",
            Running => "running",
            Retrying => "retrying",
            Succeeded => "succeeded",
            Failed => "failed",
            Cancelled => "cancelled",
        }
    }

    /// `c` may cancel it (the database says the same).
    pub fn cancellable(self) -> bool {
        use JobStatus::*;
        matches!(self, Scheduled | Queued | Running | Retrying)
    }

    /// `R` may run it again (the database says the same).
    pub fn retryable(self) -> bool {
        use JobStatus::*;
        matches!(self, Failed | Cancelled | Scheduled | Retrying)
    }

    /// Waiting for a worker: what a missing worker leaves undone.
    pub fn waiting(self) -> bool {
        use JobStatus::*;
        matches!(self, Scheduled | Queued | Retrying)
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct JobRow {
    pub id: Uuid,
    pub kind: String,
    pub status: JobStatus,
    pub progress: i16,
    pub message: Option<String>,
    pub attempts: i32,
    pub max_attempts: i32,
    pub run_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    /// Who enqueued it (display name); `None`: the system.
    pub author: Option<String>,
    pub last_error: Option<String>,
    /// Stopping: cancelled while its worker still holds it.
    pub stopping: bool,
    /// Who runs it: see [`Runner`].
    pub runner: Runner,
}

/// Who runs a job (`job_kinds.runs_as`, 0030/0031), as the screen says it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Runner {
    /// A service worker (`caseload worker`).
    #[default]
    Worker,
    /// Its author's own caseload window or `caseload worker --mine`.
    Author {
        /// The person looking is its author.
        mine: bool,
        /// Running, held by a caseload window whose heartbeat stopped: the
        /// window was closed or killed; the job waits to be reaped.
        window_closed: bool,
    },
}

/// The screen's list, with the database's clock and whether a worker runs.
#[derive(Debug, Clone, PartialEq)]
pub struct JobList {
    pub rows: Vec<JobRow>,
    /// More than `JOB_ROWS` jobs: the oldest are not shown.
    pub more: bool,
    /// Workers that beat within `WORKER_SILENT_SECS`.
    pub workers: i32,
    /// The last beat of any worker.
    pub last_seen: Option<DateTime<Utc>>,
    /// The database's now, for "in 20 s" and "3 min ago".
    pub now: DateTime<Utc>,
    /// The kinds some live worker runs.
    pub worker_kinds: Vec<String>,
}

impl JobList {
    /// Jobs waiting that no worker will take while none runs (a job that
    /// runs as its author waits for its author, not for a worker).
    pub fn waiting(&self) -> usize {
        self.rows
            .iter()
            .filter(|r| r.status.waiting() && r.runner == Runner::Worker)
            .count()
    }

    /// Who will run a waiting job, when that is worth saying; `None` for
    /// one that is not waiting (or whose wait the status already says).
    pub fn who_runs(&self, r: &JobRow) -> Option<String> {
        match r.runner {
            Runner::Author { .. } => author_runs(r),
            _ if !r.status.waiting() || self.workers == 0 => None,
            Runner::Worker if !self.worker_kinds.contains(&r.kind) => Some(format!(
                "waits: no running worker runs {} jobs (update or restart `caseload worker`)",
                r.kind
            )),
            Runner::Worker => None,
        }
    }
}

/// For a job that runs as its author: who runs it while it waits, or that
/// the window running it closed.
pub fn author_runs(r: &JobRow) -> Option<String> {
    let Runner::Author {
        mine,
        window_closed,
    } = r.runner
    else {
        return None;
    };
    if r.status == JobStatus::Running && window_closed {
        return Some("its window closed: it stops here and will be marked failed".into());
    }
    if !r.status.waiting() {
        return None;
    }
    Some(if mine {
        "runs in your caseload window".into()
    } else {
        format!(
            "runs when {} has caseload open or runs `caseload worker --mine`",
            r.author.as_deref().unwrap_or("its author")
        )
    })
}

/// One job opened: what the list has, and its payload, result and log.
#[derive(Debug, Clone, PartialEq)]
pub struct JobDetail {
    pub row: JobRow,
    /// Pretty-printed JSON.
    pub payload: String,
    pub result: Option<String>,
    pub log: String,
    pub now: DateTime<Utc>,
}

/// One of the person's own jobs as the Reports and Export screens show it:
/// the row, what it was asked to do and what it did.
#[derive(Debug, Clone, PartialEq)]
pub struct OwnJob {
    pub row: JobRow,
    pub payload: serde_json::Value,
    pub result: Option<serde_json::Value>,
}

impl OwnJob {
    /// The file a finished job wrote (`result.file`, or the first of
    /// `result.files`).
    pub fn file(&self) -> Option<std::path::PathBuf> {
        let r = self.result.as_ref()?;
        r.get("file")
            .or_else(|| r.get("files")?.get(0)?.get("path"))
            .and_then(|v| v.as_str())
            .map(std::path::PathBuf::from)
    }

    /// Where it stands, in words: waiting to run, running 40% (reading…),
    /// done, failed: why, cancelled.
    pub fn state(&self) -> String {
        let r = &self.row;
        match r.status {
            JobStatus::Scheduled | JobStatus::Queued => "waiting to run".into(),
            JobStatus::Retrying => format!(
                "waiting to run again (attempt {} of {} failed: {})",
                r.attempts,
                r.max_attempts,
                r.last_error.as_deref().unwrap_or("no reason given")
            ),
            JobStatus::Running if r.stopping => "stopping".into(),
            JobStatus::Running => match &r.message {
                Some(m) => format!("running {}% ({m})", r.progress),
                None => format!("running {}%", r.progress),
            },
            JobStatus::Succeeded => "done".into(),
            JobStatus::Failed => format!(
                "failed: {}",
                r.last_error.as_deref().unwrap_or("no reason given")
            ),
            JobStatus::Cancelled => "cancelled".into(),
        }
    }

    /// Not finished: worth looking at again soon.
    pub fn unfinished(&self) -> bool {
        self.row.status.cancellable()
    }
}

/// The most of their own report or export jobs a screen lists.
pub const OWN_JOB_ROWS: i64 = 50;

/// `cancel` or `retry`, from the screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobAction {
    Cancel,
    Retry,
}

/// "in 12 s", "3 min ago", "2 h ago", "5 d ago": how far `t` is from `now`.
pub fn relative(t: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let secs = (t - now).num_seconds();
    let (n, future) = (secs.unsigned_abs(), secs > 0);
    let amount = match n {
        0..=59 => format!("{n} s"),
        60..=3599 => format!("{} min", n / 60),
        3600..=86_399 => format!("{} h", n / 3600),
        _ => format!("{} d", n / 86_400),
    };
    if n == 0 {
        "now".into()
    } else if future {
        format!("in {amount}")
    } else {
        format!("{amount} ago")
    }
}
