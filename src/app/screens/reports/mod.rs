//! The Reports screen (menu target `reports`; `reports.fidelity` opens it
//! with the fidelity report first): the person's report jobs, newest first
//! — waiting to run, running with progress, done with their file, failed
//! with why — then the reports already in this computer's reports folder
//! that no listed job wrote. Reports are jobs (`report.*`, run as their
//! author by the person's own caseload window or `caseload worker
//! --mine`); the screen enqueues them and looks again every `POLL_MS`
//! while one is unfinished and the screen is open. `o` opens a report's
//! file, `R` queues the same request again; `1`/`2` a caseload summary by
//! school or by counselor, `3` a meeting recap of the school `s` chooses,
//! `4` a fidelity report of that school over the period `p` chooses.

use crate::app::hint::{GLOBAL, MOVE};
use crate::app::keymap::{Action, Context};
use crate::app::list::Cursor;
use crate::app::loadable::Loadable;
use crate::app::own_jobs::{self, OwnJobs};
use crate::app::screens::room::{Cx, Kept, Nav, Room};
use crate::app::{Data, Effect, Read, ReqId, Wrote};
use crate::domain::jobs::{JobStatus, OwnJob};
use crate::domain::missed::Period;
use crate::domain::school::SchoolChoice;
use crate::report::job::Payload;
use crate::report::store::Entry;
use crate::report::{GroupBy, Spec};
use crossterm::event::KeyEvent;
use std::path::PathBuf;

/// The menu's targets.
pub const TARGET: &str = "reports";
pub const FIDELITY_TARGET: &str = "reports.fidelity";
pub const TITLE: &str = "Reports";

const PREFIX: &str = "report.";

/// What the folder holds.
#[derive(Debug, Clone, PartialEq)]
pub struct Listing {
    pub dir: Option<PathBuf>,
    pub entries: Vec<Entry>,
    pub schools: Vec<SchoolChoice>,
}

/// One line of the screen.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Row<'a> {
    Job(&'a OwnJob),
    /// A report in the folder that no listed job wrote.
    File(&'a Entry),
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReportsState {
    pub list: Loadable<Listing>,
    pub jobs: Loadable<OwnJobs>,
    pub cursor: Cursor,
    /// Index into the schools, for a recap or a fidelity report.
    pub school: usize,
    /// The fidelity report's range.
    pub period: Period,
    /// Opened for the fidelity report (`reports.fidelity`).
    pub fidelity: bool,
    /// An enqueue on its way.
    pub pending: Option<ReqId>,
    /// A file being handed to the opener.
    pub opening: Option<ReqId>,
}

impl ReportsState {
    pub fn for_fidelity() -> ReportsState {
        ReportsState {
            fidelity: true,
            ..ReportsState::default()
        }
    }

    /// Starting from what the session kept (the period last chosen).
    pub fn kept(self, kept: &Kept) -> ReportsState {
        ReportsState {
            period: kept.report_period.unwrap_or(self.period),
            ..self
        }
    }

    pub fn own_jobs(&self) -> &[OwnJob] {
        self.jobs.get().map_or(&[], |j| &j.jobs)
    }

    /// Jobs first, then the folder's reports no listed job wrote.
    pub fn rows(&self) -> Vec<Row<'_>> {
        let jobs = self.own_jobs();
        let written: Vec<String> = jobs
            .iter()
            .filter_map(|j| {
                j.file()?
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
            })
            .collect();
        let files = self
            .list
            .get()
            .map_or(&[][..], |l| &l.entries)
            .iter()
            .filter(|e| !written.contains(&e.html));
        jobs.iter()
            .map(Row::Job)
            .chain(files.map(Row::File))
            .collect()
    }

    pub fn selected(&self) -> Option<Row<'_>> {
        self.rows().get(self.cursor.at()).copied()
    }

    /// The school a recap or fidelity report is for: the chosen one (the
    /// person's own first).
    pub fn chosen_school(&self) -> Option<&SchoolChoice> {
        self.list.get().and_then(|l| l.schools.get(self.school))
    }

    /// The fidelity report's first and last day (`None` until today has
    /// arrived with the jobs).
    pub fn range(&self) -> Option<(chrono::NaiveDate, chrono::NaiveDate)> {
        self.jobs.get().map(|j| self.period.span(j.today))
    }

    fn queue(&mut self, cx: &mut Cx, payload: Payload) -> Vec<Effect> {
        own_jobs::enqueue(cx, &mut self.pending, payload.job(), "report")
    }

    fn open_selected(&mut self, cx: &mut Cx) -> Vec<Effect> {
        let path = match self.selected() {
            None => return vec![],
            Some(Row::File(e)) => match self.list.get().and_then(|l| l.dir.as_ref()) {
                Some(dir) => dir.join(&e.html),
                None => return vec![],
            },
            Some(Row::Job(j)) => match (j.row.status, j.file()) {
                (JobStatus::Succeeded, Some(path)) => path,
                _ => {
                    cx.info(format!("this report is {}: no file to open", j.state()));
                    return vec![];
                }
            },
        };
        let req = cx.alloc();
        self.opening = Some(req);
        vec![Effect::OpenFile { req, path }]
    }

    fn rerun(&mut self, cx: &mut Cx) -> Vec<Effect> {
        let payload = match self.selected() {
            None => return vec![],
            Some(Row::File(e)) => Payload::new(e.spec.clone()),
            Some(Row::Job(j)) => match serde_json::from_value::<Payload>(j.payload.clone()) {
                Ok(p) => p,
                Err(_) => {
                    cx.error("this job's request is not one this version can run again");
                    return vec![];
                }
            },
        };
        self.queue(cx, payload)
    }

    fn own_key(&mut self, cx: &mut Cx, action: Action) -> Option<Vec<Effect>> {
        Some(match action {
            Action::ReportOpen => self.open_selected(cx),
            Action::ReportRerun => self.rerun(cx),
            Action::ReportSummary | Action::ReportByCounselor => {
                let by = if action == Action::ReportSummary {
                    GroupBy::School
                } else {
                    GroupBy::Counselor
                };
                self.queue(
                    cx,
                    Payload::new(Spec::Summary {
                        by,
                        school: None,
                        counselor: None,
                    }),
                )
            }
            Action::ReportRecap | Action::ReportFidelity => {
                let Some(school) = self.chosen_school().map(|s| s.local_id.clone()) else {
                    cx.error("no school to write a report for");
                    return Some(vec![]);
                };
                let spec = if action == Action::ReportRecap {
                    Spec::Recap {
                        school,
                        date: None,
                        since: None,
                        students: vec![],
                    }
                } else {
                    let Some((from, to)) = self.range() else {
                        cx.info(
                            "still reading today's date from the database: try again in a moment",
                        );
                        return Some(vec![]);
                    };
                    Spec::Fidelity { school, from, to }
                };
                self.queue(cx, Payload::new(spec))
            }
            Action::ReportSchool => {
                let n = self.list.get().map_or(0, |l| l.schools.len());
                if n > 0 {
                    self.school = (self.school + 1) % n;
                }
                vec![]
            }
            Action::ExportPeriod => {
                self.period = self.period.next();
                // Reopened later in the session, the screen starts from it.
                cx.go(Nav::Keep(Kept {
                    report_period: Some(self.period),
                }));
                vec![]
            }
            _ => return None,
        })
    }
}

impl Room for ReportsState {
    fn title(&self) -> String {
        if self.fidelity {
            format!("{TITLE} · fidelity")
        } else {
            TITLE.into()
        }
    }

    fn keys(&self) -> Vec<Action> {
        [
            &[
                Action::ReportOpen,
                Action::ReportRerun,
                Action::ReportSummary,
                Action::ReportByCounselor,
                Action::ReportRecap,
                Action::ReportFidelity,
                Action::ReportSchool,
                Action::ExportPeriod,
            ][..],
            MOVE,
            GLOBAL,
        ]
        .concat()
    }

    fn in_flight(&self) -> Vec<ReqId> {
        self.list.req().into_iter().chain(self.jobs.req()).collect()
    }

    fn waits_for(&self, req: ReqId) -> bool {
        self.list.waits_for(req)
            || self.jobs.waits_for(req)
            || self.pending == Some(req)
            || self.opening == Some(req)
    }

    /// The next look at the jobs waits in the worker: it turns no spinner.
    fn busy(&self) -> bool {
        self.list.is_loading()
            || (self.jobs.is_loading() && self.jobs.get().is_none())
            || self.pending.is_some()
    }

    fn load(&mut self, cx: &mut Cx) -> Vec<Effect> {
        let mut fx = cx.load(&mut self.list, Read::Reports);
        fx.extend(cx.load(
            &mut self.jobs,
            Read::OwnJobs {
                prefix: PREFIX.into(),
            },
        ));
        fx
    }

    fn on_key(
        &mut self,
        cx: &mut Cx,
        key: &KeyEvent,
        action: Option<Action>,
    ) -> Option<Vec<Effect>> {
        if let Some(own) = cx.keymap.action_in(key, |c| c == Context::Exports) {
            return self.own_key(cx, own);
        }
        let delta = action?.movement(cx.page())?;
        self.cursor.move_by(delta, self.rows().len());
        Some(vec![])
    }

    fn on_reply(&mut self, cx: &mut Cx, req: ReqId, data: Data) -> Vec<Effect> {
        let fx = match data {
            Data::Reports {
                dir,
                entries,
                schools,
            } => {
                let n = schools.len();
                self.list.arrive(
                    req,
                    Listing {
                        dir,
                        entries,
                        schools,
                    },
                );
                if self.school >= n {
                    self.school = 0;
                }
                vec![]
            }
            Data::OwnJobs { jobs, today } => {
                own_jobs::own_jobs_arrived(cx, &mut self.jobs, PREFIX, req, jobs, today)
            }
            _ => vec![],
        };
        self.cursor.clamp(self.rows().len());
        fx
    }

    fn on_written(&mut self, cx: &mut Cx, req: ReqId, wrote: Wrote) -> Vec<Effect> {
        match wrote {
            Wrote::Enqueued(result) if self.pending.take_if(|r| *r == req).is_some() => {
                own_jobs::say_queued(cx, "report", &result);
                if result.is_ok() {
                    // The new job heads the list; the looks go on while
                    // it is unfinished.
                    self.cursor = Cursor::default();
                    return cx.load(
                        &mut self.jobs,
                        Read::OwnJobs {
                            prefix: PREFIX.into(),
                        },
                    );
                }
            }
            Wrote::Opened(result) if self.opening.take_if(|r| *r == req).is_some() => {
                match result {
                    Ok(path) => cx.info(format!("opened {}", path.display())),
                    Err(why) => cx.error(why),
                }
            }
            _ => {}
        }
        vec![]
    }

    fn on_failed(&mut self, cx: &mut Cx, req: ReqId, why: &str) -> bool {
        if self.pending.take_if(|r| *r == req).is_some() {
            cx.error(format!("report not queued: {why}"));
            return false;
        }
        if self.opening.take_if(|r| *r == req).is_some() {
            cx.error(format!("could not open the report: {why}"));
            return false;
        }
        self.list.fail(req, why) || self.jobs.fail(req, why)
    }
}

#[cfg(test)]
pub(crate) mod tests;
