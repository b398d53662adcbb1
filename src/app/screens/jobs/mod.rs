//! The Jobs screen (issue 16): the person's background jobs (admins: all),
//! newest first, with live progress — while it is open it asks the worker
//! for its next look every `POLL_MS` (`Effect::LoadLater`), so nothing here
//! waits and nothing polls once it is closed. `Enter` opens a job (payload,
//! result, last error, log), `c` cancels, `R` retries; the database decides
//! who may (0024), `i` opens the Import screen. When no worker has beaten
//! lately the screen says so and how to start one; a waiting job says who
//! runs it (a job of an author kind: its author's caseload window).

use crate::app::hint::{GLOBAL, MOVE};
use crate::app::keymap::{Action, Context};
use crate::app::list::Cursor;
use crate::app::loadable::Loadable;
use crate::app::request::Wrote;
use crate::app::screens::room::{Cx, Nav, Room};
use crate::app::{Data, Effect, Read, ReqId};
use crate::domain::jobs::{JobAction, JobDetail, JobList, JobRow};
use crossterm::event::KeyEvent;
use uuid::Uuid;

/// The menu's target (Reports → Jobs).
pub const TARGET: &str = "jobs";
pub const TITLE: &str = "Jobs";
/// How often an open Jobs screen looks again.
pub const POLL_MS: u64 = 1000;

/// A job opened with Enter.
#[derive(Debug, Clone, PartialEq)]
pub struct Opened {
    pub id: Uuid,
    /// `Some(None)`: the job is gone (swept, or no longer visible).
    pub detail: Loadable<Option<JobDetail>>,
    /// Lines of the detail scrolled off the top.
    pub scroll: usize,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct JobsState {
    /// Always on its way once loaded: the next look waits in the worker.
    pub list: Loadable<JobList>,
    pub cursor: Cursor,
    pub opened: Option<Opened>,
    /// Cancels and retries sent, not yet answered: request, job.
    pub writes: Vec<(ReqId, Uuid)>,
}

impl JobsState {
    pub fn rows(&self) -> &[JobRow] {
        self.list.get().map_or(&[], |l| l.rows.as_slice())
    }

    pub fn selected(&self) -> Option<&JobRow> {
        self.rows().get(self.cursor.at())
    }

    /// The job keys act on: the opened one, else the selected row.
    fn target(&self) -> Option<&JobRow> {
        match &self.opened {
            Some(o) => o
                .detail
                .get()
                .and_then(|d| d.as_ref())
                .map(|d| &d.row)
                .or_else(|| self.rows().iter().find(|r| r.id == o.id)),
            None => self.selected(),
        }
    }

    fn act(&mut self, cx: &mut Cx, action: JobAction) -> Vec<Effect> {
        let Some(job) = self.target() else {
            cx.info("no job selected");
            return vec![];
        };
        let (id, status, stopping) = (job.id, job.status, job.stopping);
        let allowed = match action {
            JobAction::Cancel => status.cancellable(),
            JobAction::Retry => status.retryable() && !stopping,
        };
        if !allowed {
            cx.info(match action {
                JobAction::Cancel => format!(
                    "this job has already ended ({}): nothing to cancel",
                    status.word()
                ),
                JobAction::Retry if stopping => {
                    "this job is still stopping: retry it in a moment".to_string()
                }
                JobAction::Retry => format!(
                    "this job is {}: only a failed, cancelled or waiting job can be retried",
                    status.word()
                ),
            });
            return vec![];
        }
        if self.writes.iter().any(|(_, j)| *j == id) {
            cx.info("still waiting for the last change to this job");
            return vec![];
        }
        let req = cx.alloc();
        self.writes.push((req, id));
        vec![Effect::JobAction { req, id, action }]
    }

    /// Keeps the same job selected when the list moves under it.
    fn follow(&mut self, selected: Option<Uuid>) {
        let len = self.rows().len();
        if let Some(at) = selected.and_then(|id| self.rows().iter().position(|r| r.id == id)) {
            self.cursor = Cursor::default();
            self.cursor.move_by(at as isize, len);
        } else {
            self.cursor.clamp(len);
        }
    }

    fn open(&mut self, cx: &mut Cx) -> Vec<Effect> {
        let Some(id) = self.selected().map(|r| r.id) else {
            return vec![];
        };
        let mut o = Opened {
            id,
            detail: Loadable::default(),
            scroll: 0,
        };
        let fx = cx.load(&mut o.detail, Read::Job { id });
        self.opened = Some(o);
        fx
    }

    fn opened_key(&mut self, cx: &mut Cx, action: Option<Action>) -> Vec<Effect> {
        let Some(o) = &mut self.opened else {
            return vec![];
        };
        match action {
            Some(Action::Back) => self.opened = None,
            Some(a) => {
                if let Some(delta) = a.movement(cx.page()) {
                    o.scroll = match delta {
                        isize::MIN => 0,
                        isize::MAX => usize::MAX / 2,
                        d => o.scroll.saturating_add_signed(d),
                    };
                }
            }
            None => {}
        }
        vec![]
    }
}

impl Room for JobsState {
    fn title(&self) -> String {
        match &self.opened {
            Some(o) => match o.detail.get().and_then(|d| d.as_ref()) {
                // The title bar cleans what it draws.
                Some(d) => format!("{TITLE} · {}", d.row.kind),
                None => TITLE.into(),
            },
            None => TITLE.into(),
        }
    }

    fn keys(&self) -> Vec<Action> {
        use Action::*;
        if self.opened.is_some() {
            return [&[JobCancel, JobRetry, Down, Up][..], GLOBAL].concat();
        }
        [&[Open, JobCancel, JobRetry, JobImport][..], MOVE, GLOBAL].concat()
    }

    fn in_flight(&self) -> Vec<ReqId> {
        let detail = self.opened.as_ref().and_then(|o| o.detail.req());
        self.list.req().into_iter().chain(detail).collect()
    }

    fn waits_for(&self, req: ReqId) -> bool {
        self.in_flight().contains(&req) || self.writes.iter().any(|(r, _)| *r == req)
    }

    /// The next look always waits in the worker: only the first load, an
    /// opened job's first load and a cancel or retry turn the spinner.
    fn busy(&self) -> bool {
        let first = self.list.is_loading() && self.list.get().is_none();
        let detail = self
            .opened
            .as_ref()
            .is_some_and(|o| o.detail.is_loading() && o.detail.get().is_none());
        first || detail || !self.writes.is_empty()
    }

    fn load(&mut self, cx: &mut Cx) -> Vec<Effect> {
        let mut fx = cx.load(&mut self.list, Read::Jobs);
        if let Some(o) = &mut self.opened {
            fx.extend(cx.load(&mut o.detail, Read::Job { id: o.id }));
        }
        fx
    }

    fn on_key(
        &mut self,
        cx: &mut Cx,
        key: &KeyEvent,
        action: Option<Action>,
    ) -> Option<Vec<Effect>> {
        if let Some(a) = cx.keymap.action_in(key, |c| c == Context::Jobs) {
            let act = match a {
                Action::JobCancel => JobAction::Cancel,
                Action::JobImport => {
                    cx.go(Nav::Open {
                        target: crate::app::screens::import::TARGET.into(),
                        label: "Import".into(),
                    });
                    return Some(vec![]);
                }
                _ => JobAction::Retry,
            };
            return Some(self.act(cx, act));
        }
        if self.opened.is_some() {
            return match action {
                // Quitting, help, the command line and reload reach through.
                Some(Action::Quit | Action::Help | Action::Command | Action::Retry) => None,
                a => Some(self.opened_key(cx, a)),
            };
        }
        let action = action?;
        if let Some(delta) = action.movement(cx.page()) {
            self.cursor.move_by(delta, self.rows().len());
            return Some(vec![]);
        }
        match action {
            Action::Open => Some(self.open(cx)),
            _ => None,
        }
    }

    fn on_reply(&mut self, cx: &mut Cx, req: ReqId, data: Data) -> Vec<Effect> {
        match data {
            Data::Jobs { list } => {
                let selected = self.selected().map(|r| r.id);
                if !self.list.arrive(req, *list) {
                    return vec![];
                }
                self.follow(selected);
                // The next look, and the opened job's with it.
                let next = cx.alloc();
                self.list.start(next);
                let mut fx = vec![Effect::LoadLater {
                    req: next,
                    read: Read::Jobs,
                    after_ms: POLL_MS,
                }];
                if let Some(o) = &mut self.opened
                    && o.detail.get().is_some()
                    && !o.detail.is_loading()
                {
                    fx.extend(cx.load(&mut o.detail, Read::Job { id: o.id }));
                }
                fx
            }
            Data::Job { detail } => {
                if let Some(o) = &mut self.opened {
                    o.detail.arrive(req, detail.map(|d| *d));
                }
                vec![]
            }
            _ => vec![],
        }
    }

    fn on_written(&mut self, cx: &mut Cx, req: ReqId, wrote: Wrote) -> Vec<Effect> {
        self.writes.retain(|(r, _)| *r != req);
        if let Wrote::Job(result) = wrote {
            match result {
                Ok(said) => cx.info(said),
                Err(why) => cx.error(why),
            }
            // See it now rather than at the next look.
            cx.go(Nav::ReloadSelf);
        }
        vec![]
    }

    fn on_failed(&mut self, _cx: &mut Cx, req: ReqId, why: &str) -> bool {
        if let Some(o) = &mut self.opened
            && o.detail.fail(req, why)
        {
            return true;
        }
        // A failed look stops the polling; the screen says so and `r` starts it again.
        self.list.fail(req, why)
    }
}

#[cfg(test)]
pub(crate) mod tests;
