//! The Reports screen (menu target `reports`): the reports written on this
//! computer (a local folder for now: reports are not yet kept in the
//! documents store, so other people's reports are not here), newest first.
//! `o` opens one with the system's opener, `R` runs it again on today's
//! data; `1`/`2` write a caseload summary by school or by counselor of all
//! the person sees, `3` a meeting recap of the school `s` chooses.

use crate::app::hint::{GLOBAL, MOVE};
use crate::app::keymap::{Action, Context};
use crate::app::list::Cursor;
use crate::app::loadable::Loadable;
use crate::app::screens::room::{Cx, Room};
use crate::app::{Data, Effect, Read, ReqId, Wrote};
use crate::domain::school::SchoolChoice;
use crate::report::store::Entry;
use crate::report::{GroupBy, Spec};
use crossterm::event::KeyEvent;
use std::path::PathBuf;

/// The menu's target.
pub const TARGET: &str = "reports";
pub const TITLE: &str = "Reports";

/// What the folder holds.
#[derive(Debug, Clone, PartialEq)]
pub struct Listing {
    pub dir: Option<PathBuf>,
    pub entries: Vec<Entry>,
    pub schools: Vec<SchoolChoice>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReportsState {
    pub list: Loadable<Listing>,
    pub cursor: Cursor,
    /// Index into the schools, for a recap.
    pub school: usize,
    /// A report being written.
    pub running: Option<ReqId>,
    /// A file being handed to the opener.
    pub opening: Option<ReqId>,
}

impl ReportsState {
    pub fn entries(&self) -> &[Entry] {
        self.list.get().map_or(&[], |l| &l.entries)
    }

    pub fn selected(&self) -> Option<&Entry> {
        self.entries().get(self.cursor.at())
    }

    /// The school a recap is for: the chosen one (the person's own first).
    pub fn recap_school(&self) -> Option<&SchoolChoice> {
        self.list.get().and_then(|l| l.schools.get(self.school))
    }

    fn run(&mut self, cx: &mut Cx, spec: Spec) -> Vec<Effect> {
        if self.running.is_some() {
            cx.info("a report is already being written");
            return vec![];
        }
        let req = cx.alloc();
        self.running = Some(req);
        cx.info("writing the report…");
        vec![Effect::RunReport { req, spec }]
    }

    fn own_key(&mut self, cx: &mut Cx, action: Action) -> Option<Vec<Effect>> {
        Some(match action {
            Action::ReportOpen => {
                let path = self.list.get()?.dir.as_ref()?.join(&self.selected()?.html);
                let req = cx.alloc();
                self.opening = Some(req);
                vec![Effect::OpenFile { req, path }]
            }
            Action::ReportRerun => {
                let spec = self.selected()?.spec.clone();
                self.run(cx, spec)
            }
            Action::ReportSummary | Action::ReportByCounselor => {
                let by = if action == Action::ReportSummary {
                    GroupBy::School
                } else {
                    GroupBy::Counselor
                };
                self.run(
                    cx,
                    Spec::Summary {
                        by,
                        school: None,
                        counselor: None,
                    },
                )
            }
            Action::ReportRecap => {
                let Some(school) = self.recap_school() else {
                    cx.error("no school to write a recap for");
                    return Some(vec![]);
                };
                let spec = Spec::Recap {
                    school: school.local_id.clone(),
                    date: None,
                    since: None,
                    students: vec![],
                };
                self.run(cx, spec)
            }
            Action::ReportSchool => {
                let n = self.list.get().map_or(0, |l| l.schools.len());
                if n > 0 {
                    self.school = (self.school + 1) % n;
                }
                vec![]
            }
            _ => return None,
        })
    }
}

impl Room for ReportsState {
    fn title(&self) -> String {
        TITLE.into()
    }

    fn keys(&self) -> Vec<Action> {
        [
            &[
                Action::ReportOpen,
                Action::ReportRerun,
                Action::ReportSummary,
                Action::ReportByCounselor,
                Action::ReportRecap,
                Action::ReportSchool,
            ][..],
            MOVE,
            GLOBAL,
        ]
        .concat()
    }

    fn in_flight(&self) -> Vec<ReqId> {
        self.list.req().into_iter().collect()
    }

    fn waits_for(&self, req: ReqId) -> bool {
        self.list.waits_for(req) || self.running == Some(req) || self.opening == Some(req)
    }

    fn busy(&self) -> bool {
        self.list.is_loading() || self.running.is_some()
    }

    fn load(&mut self, cx: &mut Cx) -> Vec<Effect> {
        cx.load(&mut self.list, Read::Reports)
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
        self.cursor.move_by(delta, self.entries().len());
        Some(vec![])
    }

    fn on_reply(&mut self, _cx: &mut Cx, req: ReqId, data: Data) -> Vec<Effect> {
        if let Data::Reports {
            dir,
            entries,
            schools,
        } = data
        {
            let n = schools.len();
            self.list.arrive(
                req,
                Listing {
                    dir,
                    entries,
                    schools,
                },
            );
            self.cursor.clamp(self.entries().len());
            if self.school >= n {
                self.school = 0;
            }
        }
        vec![]
    }

    fn on_written(&mut self, cx: &mut Cx, req: ReqId, wrote: Wrote) -> Vec<Effect> {
        match wrote {
            Wrote::Reported(result) if self.running.take_if(|r| *r == req).is_some() => {
                match result {
                    Ok(w) => {
                        cx.info(format!("{}: {}", w.title, w.html.display()));
                        // The new report heads the list.
                        self.cursor = Cursor::default();
                        return self.load(cx);
                    }
                    Err(why) => cx.error(format!("report failed: {why}")),
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
        if self.running.take_if(|r| *r == req).is_some()
            || self.opening.take_if(|r| *r == req).is_some()
        {
            cx.error(format!("report failed: {why}"));
            return false;
        }
        self.list.fail(req, why)
    }
}

#[cfg(test)]
pub(crate) mod tests;
