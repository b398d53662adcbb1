//! The Export screen (menu target `export`): CSV of the roster with the
//! person's saved filters, of their caseload, or of sessions and
//! measurements over a period. Each export is a job (`export.roster`,
//! `export.caseload`, `export.sessions`) that runs as its author — in
//! their own caseload window or `caseload worker --mine` — so row-level
//! security decides every row and the audit trail records it. The screen
//! enqueues it and shows the person's export jobs as they go, looking again
//! every `POLL_MS` only while one is unfinished and the screen is open.
//! `E` on the roster enqueues the roster as shown (search included).

use crate::app::hint::{GLOBAL, MOVE};
use crate::app::keymap::{Action, Context};
use crate::app::list::Cursor;
use crate::app::loadable::Loadable;
use crate::app::own_jobs::{OwnJobs, enqueue, own_jobs_arrived, say_queued};
use crate::app::screens::room::{Cx, Room};
use crate::app::{Data, Effect, Read, ReqId, Wrote};
use crate::domain::missed::Period;
use crate::export::Spec;
use chrono::NaiveDate;
use crossterm::event::KeyEvent;
use uuid::Uuid;

/// The menu's target.
pub const TARGET: &str = "export";
pub const TITLE: &str = "Export (CSV)";
/// The choices, in screen order.
pub const CHOICES: usize = 3;

/// The export job of `spec`.
pub fn start(cx: &mut Cx, pending: &mut Option<ReqId>, spec: Spec, bom: bool) -> Vec<Effect> {
    let job = crate::export::job::Payload::new(spec, bom).job();
    enqueue(cx, pending, job, "export")
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ExportState {
    pub cursor: Cursor,
    pub bom: bool,
    pub period: Period,
    /// The person's export jobs, newest first.
    pub jobs: Loadable<OwnJobs>,
    /// An enqueue on its way.
    pub pending: Option<ReqId>,
    /// The job this screen queued last.
    pub queued: Option<Uuid>,
}

const PREFIX: &str = "export.";

impl ExportState {
    /// The selected choice as an export, as of `today` (`None`: a period
    /// needs today, which has not arrived yet).
    pub fn spec(&self, at: usize, today: Option<NaiveDate>) -> Option<Spec> {
        Some(match at {
            0 => Spec::SavedRoster,
            1 => Spec::Caseload { counselor: None },
            _ => {
                let (from, to) = self.period.span(today?);
                Spec::Sessions {
                    from,
                    to,
                    school: None,
                }
            }
        })
    }

    fn export(&mut self, cx: &mut Cx) -> Vec<Effect> {
        let today = self.jobs.get().map(|j| j.today);
        let Some(spec) = self.spec(self.cursor.at(), today) else {
            cx.info("still reading today's date from the database: try again in a moment");
            return vec![];
        };
        start(cx, &mut self.pending, spec, self.bom)
    }
}

impl Room for ExportState {
    fn title(&self) -> String {
        TITLE.into()
    }

    fn keys(&self) -> Vec<Action> {
        [
            &[Action::Export, Action::ExportPeriod, Action::ExportBom][..],
            MOVE,
            GLOBAL,
        ]
        .concat()
    }

    fn in_flight(&self) -> Vec<ReqId> {
        self.jobs.req().into_iter().collect()
    }

    fn waits_for(&self, req: ReqId) -> bool {
        self.pending == Some(req) || self.jobs.waits_for(req)
    }

    /// The next look waits in the worker: only the first load and an
    /// enqueue turn the spinner.
    fn busy(&self) -> bool {
        self.pending.is_some() || (self.jobs.is_loading() && self.jobs.get().is_none())
    }

    fn load(&mut self, cx: &mut Cx) -> Vec<Effect> {
        cx.load(
            &mut self.jobs,
            Read::OwnJobs {
                prefix: PREFIX.into(),
            },
        )
    }

    fn on_key(
        &mut self,
        cx: &mut Cx,
        key: &KeyEvent,
        action: Option<Action>,
    ) -> Option<Vec<Effect>> {
        // Only this screen's own keys of the section (enter opens a report
        // there, and exports here, as `open`).
        let own = cx
            .keymap
            .action_in(key, |c| c == Context::Exports)
            .filter(|a| matches!(a, Action::Export | Action::ExportBom | Action::ExportPeriod));
        match own.or(action)? {
            Action::Export | Action::Open => Some(self.export(cx)),
            Action::ExportBom => {
                self.bom = !self.bom;
                Some(vec![])
            }
            Action::ExportPeriod => {
                self.period = self.period.next();
                Some(vec![])
            }
            a => {
                let delta = a.movement(cx.page())?;
                self.cursor.move_by(delta, CHOICES);
                Some(vec![])
            }
        }
    }

    fn on_reply(&mut self, cx: &mut Cx, req: ReqId, data: Data) -> Vec<Effect> {
        match data {
            Data::OwnJobs { jobs, today } => {
                own_jobs_arrived(cx, &mut self.jobs, PREFIX, req, jobs, today)
            }
            _ => vec![],
        }
    }

    fn on_written(&mut self, cx: &mut Cx, req: ReqId, wrote: Wrote) -> Vec<Effect> {
        if let Wrote::Enqueued(result) = wrote
            && self.pending.take_if(|p| *p == req).is_some()
        {
            say_queued(cx, "export", &result);
            if let Ok(id) = result {
                self.queued = Some(id);
                // See it now; the looks go on while it is unfinished.
                return self.load(cx);
            }
        }
        vec![]
    }

    fn on_failed(&mut self, cx: &mut Cx, req: ReqId, why: &str) -> bool {
        if self.pending.take_if(|p| *p == req).is_some() {
            cx.error(format!("export not queued: {why}"));
            return false;
        }
        // A failed look stops the polling; `r` starts it again.
        self.jobs.fail(req, why)
    }
}

#[cfg(test)]
pub(crate) mod tests;
