//! Uploading a file to a student's record (and, from an intervention's
//! attachments tab, attaching it there): the path with Tab completion of
//! file names, a title, a category, the restricted flag where the person
//! may set it; then a progress bar with bytes and rate, Esc to cancel. The
//! worker checks size and type (by content) before it asks for a link; a
//! failure keeps everything typed, `r` tries again.

use crate::app::choices::Choice;
use crate::app::form::{self, FieldSpec, Form, FormKey};
use crate::app::keymap::{Action, Key};
use crate::app::loadable::Loadable;
use crate::app::path_tab::PathTab;
use crate::app::screens::room::{Cx, Nav, Room};
use crate::app::screens::shows_records;
use crate::app::{Data, Effect, Read, ReqId};
use crate::domain::document::{CATEGORIES, FileEvent, UploadContext, UploadJob};
use crossterm::event::{KeyCode, KeyEvent};
use uuid::Uuid;

pub const FILE: usize = 0;
pub const TITLE: usize = 1;
pub const CATEGORY: usize = 2;
pub const RESTRICTED: usize = 3;

const CATEGORY_CHOICES: &[Choice] = &[
    Choice {
        value: "",
        words: "none",
    },
    Choice {
        value: "consent",
        words: "consent",
    },
    Choice {
        value: "evaluation",
        words: "evaluation",
    },
    Choice {
        value: "work_sample",
        words: "work sample",
    },
    Choice {
        value: "report",
        words: "report",
    },
    Choice {
        value: "other",
        words: "other",
    },
];

const FILE_FIELD: FieldSpec = form::text(
    "File",
    "a path; tab completes file names (~ is your home folder)",
);
const TITLE_FIELD: FieldSpec = form::text("Title", "optional; the file name is kept as well");
const CATEGORY_FIELD: FieldSpec = form::pick("Category", CATEGORY_CHOICES);

/// Without the restricted flag: for people who may not see restricted
/// documents, so may not make one.
static PLAIN: [FieldSpec; 3] = [FILE_FIELD, TITLE_FIELD, CATEGORY_FIELD];
static WITH_RESTRICTED: [FieldSpec; 4] = [
    FILE_FIELD,
    TITLE_FIELD,
    CATEGORY_FIELD,
    form::flag("Restricted"),
];

/// The upload on its way.
#[derive(Debug, Clone, PartialEq)]
pub struct Sending {
    pub req: ReqId,
    pub done: u64,
    pub total: Option<u64>,
    /// Bytes a second.
    pub rate: f64,
    /// Esc was pressed: waiting for the worker to say it stopped.
    pub cancelling: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct UploadState {
    pub student_id: Uuid,
    pub intervention_id: Option<Uuid>,
    /// Who (and where) it is for, as the title says.
    pub about: String,
    pub context: Loadable<UploadContext>,
    pub form: Form,
    /// Tab on the file field; once it completed an existing file's whole
    /// name, the next Tab moves on to the title instead.
    pub tab: PathTab,
    pub sending: Option<Sending>,
    /// Why the last try failed: `r` tries again, other keys edit.
    pub failed: Option<String>,
}

impl UploadState {
    pub fn new(student_id: Uuid, intervention_id: Option<Uuid>, about: String) -> UploadState {
        UploadState {
            student_id,
            intervention_id,
            about,
            context: Loadable::default(),
            form: Form::new(&PLAIN, vec![String::new(), String::new(), String::new()]),
            tab: PathTab::default(),
            sending: None,
            failed: None,
        }
    }

    pub fn may_restrict(&self) -> bool {
        self.context.get().is_some_and(|c| c.may_restrict)
    }

    /// The job the form describes, or the field to fix.
    fn job(&self) -> Result<UploadJob, (usize, String)> {
        let v = &self.form.values;
        let path = v[FILE].trim();
        if path.is_empty() {
            return Err((FILE, "type the path of the file to upload".into()));
        }
        if path.ends_with('/') {
            return Err((FILE, "that is a folder: type or tab to a file in it".into()));
        }
        let title = v[TITLE].trim();
        if title.chars().count() > 200 {
            return Err((TITLE, "at most 200 characters".into()));
        }
        let category = v[CATEGORY].trim();
        if !category.is_empty() && !CATEGORIES.iter().any(|(k, _)| *k == category) {
            return Err((CATEGORY, "choose one with ←/→".into()));
        }
        Ok(UploadJob {
            student_id: self.student_id,
            intervention_id: self.intervention_id,
            path: path.to_string(),
            title: (!title.is_empty()).then(|| title.to_string()),
            category: (!category.is_empty()).then(|| category.to_string()),
            restricted: self.may_restrict() && v.get(RESTRICTED).is_some_and(|r| r == "yes"),
        })
    }

    fn revalidate(&mut self) {
        let errors = self.job().err().into_iter().collect();
        self.form.set_errors(errors);
    }

    fn start(&mut self, cx: &mut Cx) -> Vec<Effect> {
        self.revalidate();
        let job = match self.job() {
            Ok(j) => j,
            Err(_) => {
                self.form.fix_fields();
                return vec![];
            }
        };
        if self.context.get().is_some_and(|c| !c.may_write) {
            self.form.notice = Some("you may not add documents to this student's file".into());
            return vec![];
        }
        let req = cx.alloc();
        self.failed = None;
        self.form.notice = None;
        self.tab.candidates.clear();
        self.sending = Some(Sending {
            req,
            done: 0,
            total: None,
            rate: 0.0,
            cancelling: false,
        });
        vec![Effect::Upload { req, job }]
    }

    /// Tab on the file field: the worker lists the folder of what is typed.
    fn complete(&mut self, cx: &mut Cx) -> Vec<Effect> {
        let req = cx.alloc();
        self.tab.start(req, &self.form.values[FILE])
    }
}

impl Room for UploadState {
    fn title(&self) -> String {
        format!("Upload · {}", self.about)
    }

    /// The form says its keys under its fields.
    fn keys(&self) -> Vec<Action> {
        vec![]
    }

    fn in_flight(&self) -> Vec<ReqId> {
        self.context
            .req()
            .into_iter()
            .chain(self.tab.listing)
            .collect()
    }

    fn waits_for(&self, req: ReqId) -> bool {
        self.in_flight().contains(&req) || self.sending.as_ref().is_some_and(|s| s.req == req)
    }

    fn busy(&self) -> bool {
        self.context.is_loading() || self.sending.is_some()
    }

    fn load(&mut self, cx: &mut Cx) -> Vec<Effect> {
        cx.load(
            &mut self.context,
            Read::UploadContext {
                student_id: self.student_id,
            },
        )
    }

    fn on_key(
        &mut self,
        cx: &mut Cx,
        key: &KeyEvent,
        _action: Option<Action>,
    ) -> Option<Vec<Effect>> {
        if let Some(s) = &mut self.sending {
            if key.code == KeyCode::Esc && !s.cancelling {
                s.cancelling = true;
                return Some(vec![Effect::CancelFiles { req: s.req }]);
            }
            return Some(vec![]);
        }
        if self.failed.is_some() {
            match key.code {
                KeyCode::Char('r') => return Some(self.start(cx)),
                // Any other key goes back to the form, everything kept; Esc
                // then leaves as it does from the form, asking first when
                // something was typed.
                _ => self.failed = None,
            }
            if key.code == KeyCode::Char('e') {
                return Some(vec![]);
            }
        }
        let next = cx
            .keymap
            .keys(Action::NextField)
            .contains(&Key::from_event(key));
        if next && self.form.focus == FILE && !self.form.confirm_discard && !self.tab.done {
            return Some(self.complete(cx));
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
            FormKey::Save => self.start(cx),
        };
        Some(fx)
    }

    fn on_reply(&mut self, _cx: &mut Cx, req: ReqId, data: Data) -> Vec<Effect> {
        if let Data::UploadContext { context } = data {
            match context {
                Some(c) => {
                    let restrict = c.may_restrict;
                    if self.context.arrive(req, c) {
                        let mut values = self.form.values.clone();
                        values.truncate(3);
                        let specs: &'static [FieldSpec] = if restrict {
                            values.push("no".into());
                            &WITH_RESTRICTED
                        } else {
                            &PLAIN
                        };
                        let focus = self.form.focus.min(specs.len() - 1);
                        let cursor = self.form.cursor;
                        self.form = Form::new(specs, values);
                        self.form.focus = focus;
                        self.form.cursor = cursor;
                    }
                }
                None => {
                    self.context.fail(req, "this student is not visible to you");
                }
            }
        }
        vec![]
    }

    fn on_files(&mut self, cx: &mut Cx, req: ReqId, event: FileEvent) -> Vec<Effect> {
        if self.tab.listing == Some(req) {
            self.tab.on_files(req, event, &mut self.form, FILE, false);
            self.revalidate();
            return vec![];
        }
        let Some(s) = &mut self.sending else {
            return vec![];
        };
        if s.req != req {
            return vec![];
        }
        match event {
            FileEvent::Progress { done, total, rate } => {
                s.done = done;
                s.total = total;
                s.rate = rate;
            }
            FileEvent::Uploaded {
                filename,
                byte_size,
                ..
            } => {
                self.sending = None;
                cx.info(format!(
                    "uploaded {filename} ({}, sha256 checked)",
                    crate::domain::document::human_size(byte_size)
                ));
                cx.go(Nav::Reload(shows_records));
                cx.go(Nav::Close);
            }
            FileEvent::Cancelled => {
                self.sending = None;
                self.form.notice = Some("upload cancelled: nothing was recorded".into());
            }
            FileEvent::Failed { why } => {
                self.sending = None;
                self.failed = Some(why);
            }
            _ => {}
        }
        vec![]
    }

    fn on_failed(&mut self, _cx: &mut Cx, req: ReqId, why: &str) -> bool {
        self.context.fail(req, why)
    }

    fn on_paste(&mut self, _cx: &mut Cx, text: &str) -> Option<Vec<Effect>> {
        if self.sending.is_none() && self.form.paste(text) {
            self.tab.candidates.clear();
            self.revalidate();
        }
        Some(vec![])
    }
}

#[cfg(test)]
pub(crate) mod tests;
