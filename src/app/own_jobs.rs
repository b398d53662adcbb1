//! The person's own report or export jobs, as the Reports and Export
//! screens follow them: one enqueue at a time (`Effect::EnqueueJob`), the
//! list of their own jobs of one family (`Read::OwnJobs`), looked at again
//! every `POLL_MS` while one is unfinished (`Effect::LoadLater`, cancelled
//! with the screen).

use crate::app::loadable::Loadable;
use crate::app::screens::room::Cx;
use crate::app::{Effect, Read, ReqId};
use crate::domain::jobs::OwnJob;
use chrono::NaiveDate;
use uuid::Uuid;

/// How often an open screen looks again while a job is unfinished.
pub const POLL_MS: u64 = 1000;

/// The person's own jobs of one family (`export.`, `report.`) and the
/// worker's today.
#[derive(Debug, Clone, PartialEq)]
pub struct OwnJobs {
    pub jobs: Vec<OwnJob>,
    pub today: NaiveDate,
}

impl OwnJobs {
    pub fn unfinished(&self) -> bool {
        self.jobs.iter().any(OwnJob::unfinished)
    }
}

/// Takes a reply of `Read::OwnJobs` into `into`; while a job is unfinished,
/// asks for the next look (`Effect::LoadLater`).
pub fn own_jobs_arrived(
    cx: &mut Cx,
    into: &mut Loadable<OwnJobs>,
    prefix: &str,
    req: ReqId,
    jobs: Vec<OwnJob>,
    today: NaiveDate,
) -> Vec<Effect> {
    if !into.arrive(req, OwnJobs { jobs, today }) {
        return vec![];
    }
    if !into.get().is_some_and(OwnJobs::unfinished) {
        return vec![];
    }
    let next = cx.alloc();
    into.start(next);
    vec![Effect::LoadLater {
        req: next,
        read: Read::OwnJobs {
            prefix: prefix.into(),
        },
        after_ms: POLL_MS,
    }]
}

/// The effect that enqueues `payload`'s job, remembered in `pending`
/// (shared by the roster's `E` and the Reports screen).
pub fn enqueue(
    cx: &mut Cx,
    pending: &mut Option<ReqId>,
    (kind, payload): (String, serde_json::Value),
    what: &str,
) -> Vec<Effect> {
    if pending.is_some() {
        cx.info(format!("still queueing the last {what}"));
        return vec![];
    }
    if !cx.is_connected() {
        cx.error(format!("not connected: no {what} can be queued"));
        return vec![];
    }
    let req = cx.alloc();
    *pending = Some(req);
    cx.info(format!("queueing the {what}…"));
    vec![Effect::EnqueueJob { req, kind, payload }]
}

/// The status line's words for an enqueued job.
pub fn say_queued(cx: &mut Cx, what: &str, result: &Result<Uuid, String>) {
    match result {
        Ok(_) => cx.info(format!(
            "{what} queued: it runs as you in your caseload window or `caseload worker --mine`"
        )),
        Err(why) => cx.error(format!("{what} not queued: {why}")),
    }
}
