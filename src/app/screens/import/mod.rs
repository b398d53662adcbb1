//! The Import screen (issue 16): a OneRoster 1.1 CSV export (a folder or a
//! .zip) into the roster, as the person's own `oneroster.import` jobs
//! (they run in this caseload window: the kind runs as its author). Enter
//! runs a dry run and shows its progress, then its report (per file:
//! added, changed, left alone, refused; the lines worth reading,
//! scrollable); from a clean report `i` runs the real import, a second
//! job; then the result, and `o` opens the roster. An import is all or
//! nothing, so a report with refused lines offers no real run: fix the
//! files and run the dry run again. Everything typed survives errors.

use crate::app::form::{self, FieldSpec, Form, FormKey};
use crate::app::keymap::{Action, Key};
use crate::app::loadable::Loadable;
use crate::app::path_tab::PathTab;
use crate::app::request::Wrote;
use crate::app::screens::room::{Cx, Nav, Room};
use crate::app::{Data, Effect, Read, ReqId};
use crate::domain::document::FileEvent;
use crate::domain::import::{ImportPayload, ImportSummary};
use crate::domain::jobs::{JobAction, JobDetail, JobStatus};
use crossterm::event::{KeyCode, KeyEvent};
use uuid::Uuid;

/// Menu targets: the roster import, and the SIS import item (the same
/// OneRoster CSV import, titled so).
pub const TARGET: &str = "import";
pub const SIS_TARGET: &str = "import.sis";
/// How often a running import is looked at again.
pub const POLL_MS: u64 = 500;

pub const PATH: usize = 0;
pub const LOGINS: usize = 1;

static FIELDS: [FieldSpec; 2] = [
    form::text(
        "Folder or .zip",
        "a OneRoster 1.1 CSV export; tab completes names (~ is your home folder)",
    ),
    form::flag("Give staff logins"),
];

#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    /// Editing the path and the logins choice.
    Form,
    /// The job was asked for; its id is on its way.
    Starting { req: ReqId, dry_run: bool },
    /// The job runs; `look` is its latest state (looked at every POLL_MS).
    Running {
        id: Uuid,
        dry_run: bool,
        /// Boxed: a job's detail is large beside the other steps.
        look: Box<Loadable<Option<JobDetail>>>,
        /// A cancel sent, not yet answered.
        cancel: Option<ReqId>,
    },
    /// The job's report.
    Report {
        dry_run: bool,
        summary: Box<ImportSummary>,
        /// Lines scrolled off the top.
        scroll: usize,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct ImportState {
    /// Opened as the SIS import (the title says so; the import is the same).
    pub sis: bool,
    pub form: Form,
    pub tab: PathTab,
    pub step: Step,
}

impl ImportState {
    pub fn new(sis: bool) -> ImportState {
        ImportState {
            sis,
            form: Form {
                submit: "dry run",
                ..Form::new(&FIELDS, vec![String::new(), "no".into()])
            },
            tab: PathTab::default(),
            step: Step::Form,
        }
    }

    /// The payload the form describes, or what to fix.
    fn payload(&self, dry_run: bool) -> Result<ImportPayload, (usize, String)> {
        let path = self.form.values[PATH].trim();
        if path.is_empty() {
            return Err((
                PATH,
                "type the folder or .zip of a OneRoster CSV export".into(),
            ));
        }
        Ok(ImportPayload {
            path: path.to_string(),
            dry_run,
            logins: form::yes_no(&self.form.values[LOGINS]),
        })
    }

    fn revalidate(&mut self) {
        let errors = self.payload(true).err().into_iter().collect();
        self.form.set_errors(errors);
    }

    /// Asks for a dry run (or the real import) of what the form says.
    fn start(&mut self, cx: &mut Cx, dry_run: bool) -> Vec<Effect> {
        self.revalidate();
        let payload = match self.payload(dry_run) {
            Ok(p) => p,
            Err(_) => {
                self.form.fix_fields();
                self.step = Step::Form;
                return vec![];
            }
        };
        let req = cx.alloc();
        self.form.notice = None;
        self.tab.candidates.clear();
        self.step = Step::Starting { req, dry_run };
        vec![Effect::EnqueueJob {
            req,
            kind: crate::domain::import::KIND.into(),
            // Strings and booleans: serialising cannot fail.
            payload: serde_json::to_value(&payload).unwrap_or_default(),
        }]
    }

    /// Back to the form, everything typed kept, saying why.
    fn back(&mut self, why: Option<String>) {
        self.step = Step::Form;
        self.form.notice = why;
    }

    fn report_key(&mut self, cx: &mut Cx, key: &KeyEvent, action: Option<Action>) -> Vec<Effect> {
        let Step::Report {
            dry_run,
            summary,
            scroll,
        } = &mut self.step
        else {
            return vec![];
        };
        if let Some(delta) = action.and_then(|a| a.movement(cx.page())) {
            *scroll = match delta {
                isize::MIN => 0,
                isize::MAX => usize::MAX / 2,
                d => scroll.saturating_add_signed(d),
            };
            return vec![];
        }
        match (key.code, *dry_run) {
            (KeyCode::Char('i'), true) if summary.refused > 0 => {
                cx.info(refused_note(summary.refused));
                vec![]
            }
            (KeyCode::Char('i'), true) => self.start(cx, false),
            (KeyCode::Char('o'), false) if summary.committed => {
                cx.go(Nav::Open {
                    target: "roster".into(),
                    label: "Roster".into(),
                });
                vec![]
            }
            (KeyCode::Char('e') | KeyCode::Esc, _) => {
                self.back(None);
                vec![]
            }
            _ => vec![],
        }
    }

    /// A look at the running job: the report once it succeeded, the form
    /// with the reason once it ended otherwise, else the next look.
    fn looked(&mut self, cx: &mut Cx, req: ReqId, detail: Option<JobDetail>) -> Vec<Effect> {
        let Step::Running {
            id, dry_run, look, ..
        } = &mut self.step
        else {
            return vec![];
        };
        let (id, dry_run) = (*id, *dry_run);
        let what = if dry_run { "the dry run" } else { "the import" };
        if !look.arrive(req, detail.clone()) {
            return vec![];
        }
        let Some(d) = detail else {
            self.back(Some(format!("{what} is gone: it was deleted")));
            return vec![];
        };
        match d.row.status {
            JobStatus::Succeeded => {
                match d
                    .result
                    .as_deref()
                    .map(serde_json::from_str::<ImportSummary>)
                {
                    Some(Ok(summary)) => {
                        if !dry_run && summary.committed {
                            cx.info(format!(
                                "imported: {} rows added, {} changed",
                                summary.added(),
                                summary.changed()
                            ));
                        }
                        self.step = Step::Report {
                            dry_run,
                            summary: Box::new(summary),
                            scroll: 0,
                        };
                    }
                    _ => self.back(Some(format!(
                        "{what} ended but its report could not be read: see it on the Jobs screen"
                    ))),
                }
                vec![]
            }
            JobStatus::Failed => {
                let why = d.row.last_error.as_deref().unwrap_or("no reason given");
                self.back(Some(format!("{what} failed: {why}")));
                vec![]
            }
            JobStatus::Cancelled if !d.row.stopping => {
                self.back(Some(format!("{what} was cancelled: nothing was written")));
                vec![]
            }
            _ => {
                let next = cx.alloc();
                look.start(next);
                vec![Effect::LoadLater {
                    req: next,
                    read: Read::Job { id },
                    after_ms: POLL_MS,
                }]
            }
        }
    }
}

/// Why `i` runs no import from a report with refused lines.
pub fn refused_note(refused: usize) -> String {
    format!(
        "{refused} line{} refused: an import is all or nothing; fix, then dry run again",
        if refused == 1 { "" } else { "s" }
    )
}

impl Room for ImportState {
    fn title(&self) -> String {
        if self.sis {
            "SIS import (OneRoster CSV)".into()
        } else {
            "Import a roster (OneRoster CSV)".into()
        }
    }

    /// The screen says its keys where they apply.
    fn keys(&self) -> Vec<Action> {
        vec![]
    }

    fn in_flight(&self) -> Vec<ReqId> {
        let look = match &self.step {
            Step::Running { look, .. } => look.req(),
            _ => None,
        };
        self.tab.listing.into_iter().chain(look).collect()
    }

    fn waits_for(&self, req: ReqId) -> bool {
        self.in_flight().contains(&req)
            || match &self.step {
                Step::Starting { req: r, .. } => *r == req,
                Step::Running { cancel, .. } => *cancel == Some(req),
                _ => false,
            }
    }

    fn busy(&self) -> bool {
        matches!(self.step, Step::Starting { .. } | Step::Running { .. })
    }

    /// `r` while a job runs looks at it again (after a failed look).
    fn load(&mut self, cx: &mut Cx) -> Vec<Effect> {
        match &mut self.step {
            Step::Running { id, look, .. } => {
                let id = *id;
                cx.load(look, Read::Job { id })
            }
            _ => vec![],
        }
    }

    fn on_key(
        &mut self,
        cx: &mut Cx,
        key: &KeyEvent,
        action: Option<Action>,
    ) -> Option<Vec<Effect>> {
        match &mut self.step {
            Step::Form => {}
            Step::Starting { .. } => return Some(vec![]),
            Step::Running { id, cancel, .. } => {
                if matches!(action, Some(Action::Quit | Action::Help | Action::Retry)) {
                    return None;
                }
                if matches!(key.code, KeyCode::Esc | KeyCode::Char('c')) && cancel.is_none() {
                    let req = cx.alloc();
                    *cancel = Some(req);
                    return Some(vec![Effect::JobAction {
                        req,
                        id: *id,
                        action: JobAction::Cancel,
                    }]);
                }
                return Some(vec![]);
            }
            Step::Report { .. } => {
                if matches!(action, Some(Action::Quit | Action::Help)) {
                    return None;
                }
                return Some(self.report_key(cx, key, action));
            }
        }
        let next = cx
            .keymap
            .keys(Action::NextField)
            .contains(&Key::from_event(key));
        if next && self.form.focus == PATH && !self.form.confirm_discard && !self.tab.done {
            let req = cx.alloc();
            return Some(self.tab.start(req, &self.form.values[PATH]));
        }
        let fx = match self.form.key(key, cx.keymap) {
            FormKey::Edited => {
                self.tab.edited();
                self.revalidate();
                vec![]
            }
            FormKey::Moved | FormKey::Ignored => vec![],
            FormKey::Cancel => {
                cx.go(Nav::Close);
                vec![]
            }
            FormKey::Save => self.start(cx, true),
        };
        Some(fx)
    }

    fn on_reply(&mut self, cx: &mut Cx, req: ReqId, data: Data) -> Vec<Effect> {
        match data {
            Data::Job { detail } => self.looked(cx, req, detail.map(|d| *d)),
            _ => vec![],
        }
    }

    fn on_written(&mut self, cx: &mut Cx, req: ReqId, wrote: Wrote) -> Vec<Effect> {
        match (wrote, &mut self.step) {
            (Wrote::Enqueued(r), Step::Starting { req: r0, dry_run }) if *r0 == req => {
                let dry_run = *dry_run;
                match r {
                    Ok(id) => {
                        let mut look: Box<Loadable<Option<JobDetail>>> = Box::default();
                        let fx = cx.load(&mut look, Read::Job { id });
                        self.step = Step::Running {
                            id,
                            dry_run,
                            look,
                            cancel: None,
                        };
                        fx
                    }
                    Err(why) => {
                        self.back(Some(why));
                        vec![]
                    }
                }
            }
            (Wrote::Job(r), Step::Running { cancel, .. }) if *cancel == Some(req) => {
                *cancel = None;
                match r {
                    Ok(_) => cx.info("cancelling: the import stops at its next step"),
                    Err(why) => cx.error(why),
                }
                vec![]
            }
            _ => vec![],
        }
    }

    fn on_files(&mut self, _cx: &mut Cx, req: ReqId, event: FileEvent) -> Vec<Effect> {
        if self.tab.on_files(req, event, &mut self.form, PATH, true) {
            self.revalidate();
        }
        vec![]
    }

    fn on_failed(&mut self, _cx: &mut Cx, req: ReqId, why: &str) -> bool {
        match &mut self.step {
            // The screen says it, and `r` looks again.
            Step::Running { look, .. } => !look.fail(req, why),
            _ => true,
        }
    }

    fn on_paste(&mut self, _cx: &mut Cx, text: &str) -> Option<Vec<Effect>> {
        if self.step == Step::Form && self.form.paste(text) {
            self.tab.edited();
            self.revalidate();
        }
        Some(vec![])
    }
}

#[cfg(test)]
pub(crate) mod tests;
