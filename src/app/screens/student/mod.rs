//! The student screen: the record in tabs, the profile and guardian forms,
//! and what happens when someone else saved first.

pub mod fields;

use crate::app::form::{Form, FormKey};
use crate::app::hint::{GLOBAL, MOVE, section};
use crate::app::intervention::DetailState;
use crate::app::iv_edit;
use crate::app::keymap::{Action, Context, Key};
use crate::app::loadable::Loadable;
use crate::app::own_jobs;
use crate::app::screens::contact_edit::ContactFor;
use crate::app::screens::documents::actions::{DocActions, Offer, Selected};
use crate::app::screens::room::{Cx, LogFor, Nav, Room};
use crate::app::screens::shows_records;
use crate::app::{Data, Effect, Read, ReqId, Screen, Wrote, copy};
use crate::domain::student::StudentTheirs;
use crate::domain::student::{Change, SaveOutcome, StudentRecord, Versioned};
use crossterm::event::KeyEvent;
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tab {
    Profile,
    Guardians,
    Interventions,
    Communications,
    Documents,
    Activity,
}

impl Tab {
    pub const ALL: [Tab; 6] = [
        Tab::Profile,
        Tab::Guardians,
        Tab::Interventions,
        Tab::Communications,
        Tab::Documents,
        Tab::Activity,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Tab::Profile => "Profile",
            Tab::Guardians => "Guardians",
            Tab::Interventions => "Interventions",
            Tab::Communications => "Communications",
            Tab::Documents => "Documents",
            Tab::Activity => "Activity",
        }
    }

    pub fn index(self) -> usize {
        Tab::ALL.iter().position(|t| *t == self).unwrap_or(0)
    }

    fn by(self, step: isize) -> Tab {
        let n = Tab::ALL.len() as isize;
        Tab::ALL[(self.index() as isize + step).rem_euclid(n) as usize]
    }
}

/// A form open on one row (the student, or one guardian).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Editor {
    pub row: Uuid,
    /// The version the save must find.
    pub version: i32,
    /// The row as it was read: the shape the values parse back into.
    pub base: Change,
    pub form: Form,
    /// What is being saved while `form.saving` is set.
    pub pending: Option<Change>,
}

impl Editor {
    pub fn new(row: Uuid, version: i32, base: Change) -> Editor {
        let form = Form::new(fields::specs(&base), fields::values(&base));
        let mut e = Editor {
            row,
            version,
            base,
            form,
            pending: None,
        };
        e.revalidate();
        e
    }

    fn revalidate(&mut self) {
        let errors = fields::parse(&self.base, &self.form.values).err();
        self.form.set_errors(errors.unwrap_or_default());
    }
}

/// Both versions of a row after a save found it changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Conflict {
    pub row: Uuid,
    pub mine: Change,
    pub theirs: Change,
    pub their_version: i32,
    pub saving: Option<ReqId>,
}

impl Conflict {
    /// (label, mine, theirs) per field, for the side-by-side view, in the
    /// words the form shows.
    pub fn rows(&self) -> Vec<(&'static str, String, String)> {
        fields::specs(&self.mine)
            .iter()
            .zip(fields::values(&self.mine))
            .zip(fields::values(&self.theirs))
            .map(|((spec, m), t)| {
                let words = |v: &str| spec.shown(v).to_string();
                (spec.label.as_ref(), words(&m), words(&t))
            })
            .collect()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Mode {
    View,
    Edit(Box<Editor>),
    Conflict(Box<Conflict>),
}

#[derive(Debug, Clone)]
pub struct StudentState {
    pub id: Uuid,
    /// Shown while loading, from the roster row that was opened.
    pub title: String,
    /// Boxed: the record makes it the largest screen by far.
    pub detail: Loadable<Box<StudentRecord>>,
    pub tab: Tab,
    /// The selected row of each tab's list.
    pub cursors: [usize; 6],
    pub mode: Mode,
    /// Saving, opening, attaching, deleting a document (documents tab).
    pub docs: DocActions,
    /// A progress report being queued (`P`).
    pub report: Option<ReqId>,
    /// Asking who changed the row an open form edits (live refresh).
    pub stale: Option<ReqId>,
}

impl StudentState {
    pub fn new(id: Uuid, title: String) -> StudentState {
        StudentState {
            id,
            title,
            detail: Loadable::default(),
            tab: Tab::Profile,
            cursors: [0; 6],
            mode: Mode::View,
            docs: DocActions::default(),
            report: None,
            stale: None,
        }
    }

    /// Queues the family-meeting progress report (`report.student`), which
    /// names the student by local id, so it waits for the record.
    fn progress_report(&mut self, cx: &mut Cx) -> Vec<Effect> {
        let Some(local_id) = self.detail.get().map(|d| d.local_id.clone()) else {
            cx.info("the record is still loading: try again in a moment");
            return vec![];
        };
        let spec = crate::report::Spec::Student {
            student: local_id,
            school: None,
        };
        let job = crate::report::job::Payload::new(spec).job();
        own_jobs::enqueue(cx, &mut self.report, job, "progress report")
    }

    pub fn save_req(&self) -> Option<ReqId> {
        match &self.mode {
            Mode::Edit(e) => e.form.saving,
            Mode::Conflict(c) => c.saving,
            Mode::View => None,
        }
    }

    pub fn cursor(&self) -> usize {
        self.cursors[self.tab.index()]
    }

    fn list_len(&self) -> usize {
        let Some(d) = self.detail.get() else {
            return 0;
        };
        match self.tab {
            Tab::Profile => 0,
            Tab::Guardians => d.guardians.len(),
            Tab::Interventions => d.interventions.len(),
            Tab::Communications => d.communications.len(),
            Tab::Documents => d.documents.len(),
            Tab::Activity => d.activity.len(),
        }
    }

    fn move_by(&mut self, step: isize) {
        let len = self.list_len();
        let c = &mut self.cursors[self.tab.index()];
        *c = c.saturating_add_signed(step).min(len.saturating_sub(1));
    }

    /// Puts a saved (or accepted) row into the record.
    fn apply(&mut self, row: Uuid, version: i32, change: Change) {
        let Some(d) = self.detail.get_mut() else {
            return;
        };
        match change {
            Change::Profile(p) => {
                self.title = format!("{}, {}", p.last_name, p.first_name);
                d.profile = Versioned {
                    id: row,
                    version,
                    value: p,
                };
            }
            Change::Guardian(g) => {
                if let Some(slot) = d.guardians.iter_mut().find(|x| x.id == row) {
                    *slot = Versioned {
                        id: row,
                        version,
                        value: g,
                    };
                }
            }
        }
    }

    /// Opens the form for what the current tab shows.
    fn edit(&mut self) -> Result<(), &'static str> {
        let Some(d) = self.detail.get() else {
            return Err("the record is still loading");
        };
        let editor = match self.tab {
            Tab::Profile => Editor::new(
                d.profile.id,
                d.profile.version,
                Change::Profile(d.profile.value.clone()),
            ),
            Tab::Guardians => {
                let Some(g) = d.guardians.get(self.cursor()) else {
                    return Err("no guardian on record to edit");
                };
                Editor::new(g.id, g.version, Change::Guardian(g.value.clone()))
            }
            _ => return Err("e edits the profile (1) or the selected guardian (2)"),
        };
        self.mode = Mode::Edit(Box::new(editor));
        Ok(())
    }

    /// What the documents tab offers: upload, attach to one of the
    /// student's interventions, delete (the database says who may).
    pub fn doc_offer(&self) -> Offer {
        Offer {
            upload: Some((self.id, None, self.title.clone())),
            attach_to: self
                .detail
                .get()
                .map(|d| {
                    d.interventions
                        .iter()
                        .map(|i| (i.id, format!("{} ({})", i.name, i.status)))
                        .collect()
                })
                .unwrap_or_default(),
            detach_from: None,
            delete: true,
        }
    }

    fn selected_document(&self) -> Option<Selected> {
        let d = self
            .detail
            .get()?
            .documents
            .get(self.cursors[Tab::Documents.index()])?;
        Some(Selected {
            id: d.id,
            filename: d.filename.clone(),
        })
    }

    /// The selected intervention and the title its detail shows until it
    /// loads.
    fn picked_intervention(&self) -> Option<(Uuid, String)> {
        let line = self.detail.get()?.interventions.get(self.cursor())?;
        Some((line.id, format!("{} · {}", self.title, line.name)))
    }

    /// A key while the form is open: it takes every key.
    fn form_key(&mut self, cx: &mut Cx, key: &KeyEvent) -> Vec<Effect> {
        let Mode::Edit(ed) = &mut self.mode else {
            return vec![];
        };
        match ed.form.key(key, cx.keymap) {
            FormKey::Edited => ed.revalidate(),
            FormKey::Moved | FormKey::Ignored => {}
            FormKey::Cancel => self.mode = Mode::View,
            FormKey::Save => return self.save_form(cx),
        }
        vec![]
    }

    /// A key while the conflict view is open: keep mine, take theirs or
    /// edit again; nothing while keeping mine is being saved.
    fn conflict_key(&mut self, cx: &mut Cx, key: &KeyEvent) -> Vec<Effect> {
        let k = Key::from_event(key);
        let bound = |a: Action| cx.keymap.keys(a).contains(&k);
        let (keep, take, again) = (
            bound(Action::KeepMine),
            bound(Action::TakeTheirs),
            bound(Action::EditAgain),
        );
        let Mode::Conflict(c) = &mut self.mode else {
            return vec![];
        };
        if c.saving.is_some() {
            return vec![];
        }
        if keep {
            let req = cx.alloc();
            c.saving = Some(req);
            return vec![Effect::SaveStudentRecord {
                req,
                id: c.row,
                version: c.their_version,
                change: c.mine.clone(),
            }];
        }
        if take {
            let c = (**c).clone();
            self.apply(c.row, c.their_version, c.theirs);
            self.mode = Mode::View;
            cx.info("took their version; your changes were dropped");
        } else if again {
            self.mode = Mode::Edit(Box::new(edit_again(c, None)));
        }
        vec![]
    }

    fn save_form(&mut self, cx: &mut Cx) -> Vec<Effect> {
        let Mode::Edit(ed) = &mut self.mode else {
            return vec![];
        };
        ed.revalidate();
        let change = match fields::parse(&ed.base, &ed.form.values) {
            Ok(c) => c,
            Err(_) => {
                ed.form.fix_fields();
                return vec![];
            }
        };
        if !ed.form.dirty() {
            self.mode = Mode::View;
            cx.info("nothing changed");
            return vec![];
        }
        let req = cx.alloc();
        ed.form.saving = Some(req);
        ed.form.notice = None;
        ed.pending = Some(change.clone());
        vec![Effect::SaveStudentRecord {
            req,
            id: ed.row,
            version: ed.version,
            change,
        }]
    }

    /// The answer to `Effect::SaveStudentRecord`.
    fn on_saved(&mut self, cx: &mut Cx, outcome: SaveOutcome) {
        // What was sent and where, whichever view sent it.
        let (row, mine, form) = match &self.mode {
            Mode::Edit(ed) => match &ed.pending {
                Some(p) => (ed.row, p.clone(), Some((**ed).clone())),
                None => return,
            },
            Mode::Conflict(c) => (c.row, c.mine.clone(), None),
            Mode::View => return,
        };
        let back_to_form = |notice: String| match &form {
            Some(ed) => {
                let mut ed = ed.clone();
                ed.form.saving = None;
                ed.pending = None;
                ed.form.notice = Some(notice);
                ed
            }
            None => match &self.mode {
                Mode::Conflict(c) => edit_again(c, Some(notice)),
                _ => Editor::new(row, 0, mine.clone()),
            },
        };
        match outcome {
            SaveOutcome::Saved(version) => {
                cx.info(match &mine {
                    Change::Profile(_) => "profile saved",
                    Change::Guardian(_) => "guardian saved",
                });
                self.apply(row, version, mine);
                self.mode = Mode::View;
                // The activity tab (and the screens below, by name) show
                // the change too.
                cx.go(Nav::Reload(shows_records));
            }
            SaveOutcome::Conflict(StudentTheirs { version, theirs }) => {
                self.mode = Mode::Conflict(Box::new(Conflict {
                    row,
                    mine,
                    theirs,
                    their_version: version,
                    saving: None,
                }));
                cx.error(
                    "someone else saved this first: compare, then keep mine, take theirs or edit again",
                );
            }
            SaveOutcome::Gone => {
                let ed = back_to_form(
                    "not saved: this record was deleted or is no longer visible to you".into(),
                );
                self.mode = Mode::Edit(Box::new(ed));
            }
            SaveOutcome::Refused(why) | SaveOutcome::Failed(why) => {
                let ed = back_to_form(format!("not saved: {why}"));
                self.mode = Mode::Edit(Box::new(ed));
            }
        }
    }
}

/// The form again with my values, on their version: saving it now
/// overwrites theirs knowingly.
fn edit_again(c: &Conflict, notice: Option<String>) -> Editor {
    let mut ed = Editor::new(c.row, c.their_version, c.theirs.clone());
    ed.form.values = fields::values(&c.mine);
    ed.form.show_all = true;
    ed.form.notice = notice;
    ed.revalidate();
    ed
}

/// The tab a key asks for, if it asks for one.
fn tab_for(action: Option<Action>, from: Tab) -> Option<Tab> {
    Some(match action? {
        Action::NextTab => from.by(1),
        Action::PrevTab => from.by(-1),
        Action::TabProfile => Tab::Profile,
        Action::TabGuardians => Tab::Guardians,
        Action::TabInterventions => Tab::Interventions,
        Action::TabCommunications => Tab::Communications,
        Action::TabDocuments => Tab::Documents,
        Action::TabActivity => Tab::Activity,
        _ => return None,
    })
}

impl Room for StudentState {
    fn title(&self) -> String {
        self.title.clone()
    }

    fn keys(&self) -> Vec<Action> {
        use Action::*;
        match self.mode {
            // The form says its keys under its fields.
            Mode::Edit(_) => return vec![],
            Mode::Conflict(_) => return section(Context::Conflict),
            Mode::View => {}
        }
        let (here, rows): (&[Action], &[Action]) = match self.tab {
            Tab::Profile => (&[Edit], &[]),
            Tab::Guardians => (&[Edit], MOVE),
            Tab::Interventions | Tab::Communications => (&[Open], MOVE),
            Tab::Documents if !self.docs.is_idle() => return vec![],
            Tab::Documents => {
                let docs = self.doc_offer().actions();
                let tabs = [NextTab, PrevTab, TabProfile, TabDocuments];
                return [
                    &docs[..],
                    &[New, LogSession, LogContact],
                    &tabs,
                    MOVE,
                    GLOBAL,
                    &[ProgressReport],
                ]
                .concat();
            }
            _ => (&[], MOVE),
        };
        let tabs = [
            NextTab,
            PrevTab,
            TabProfile,
            TabGuardians,
            TabInterventions,
            TabCommunications,
            TabDocuments,
            TabActivity,
        ];
        [
            here,
            &[New, LogSession, LogContact, Copy],
            &tabs,
            rows,
            GLOBAL,
            // Last, so at 80 columns the hint line keeps tab and esc.
            &[ProgressReport],
        ]
        .concat()
    }

    fn in_flight(&self) -> Vec<ReqId> {
        self.detail.req().into_iter().collect()
    }

    fn waits_for(&self, req: ReqId) -> bool {
        self.detail.waits_for(req)
            || self.save_req() == Some(req)
            || self.docs.waits_for(req)
            || self.report == Some(req)
            || self.stale == Some(req)
    }

    /// The record shows the student, guardians, interventions,
    /// communications and documents: it loads again (tab and cursors stay).
    /// An open form keeps what was typed: if its own row changed it says
    /// who changed it, and a save then asks which version to keep.
    fn on_changed(&mut self, cx: &mut Cx, changes: &crate::domain::live::Changes) -> Vec<Effect> {
        use crate::domain::live::Table;
        let shown = [
            Table::Students,
            Table::Guardians,
            Table::Interventions,
            Table::Communications,
            Table::Documents,
        ];
        if !changes.touches(&shown) {
            return vec![];
        }
        cx.go(Nav::ReloadSelf);
        let Mode::Edit(e) = &self.mode else {
            return vec![];
        };
        let table = match e.base {
            Change::Profile(_) => Table::Students,
            Change::Guardian(_) => Table::Guardians,
        };
        if !changes.touches_row(table, e.row) {
            return vec![];
        }
        let req = cx.alloc();
        self.stale = Some(req);
        vec![Effect::Load {
            req,
            read: Read::ChangedBy { table, id: e.row },
        }]
    }

    fn busy(&self) -> bool {
        self.detail.is_loading() || self.save_req().is_some() || self.docs.req().is_some()
    }

    /// Asks for the record; the one on screen stays until it arrives (the
    /// stack has cancelled the load this supersedes).
    fn load(&mut self, cx: &mut Cx) -> Vec<Effect> {
        cx.load(&mut self.detail, Read::Student { id: self.id })
    }

    /// An open form or conflict view takes every key; otherwise `None`
    /// leaves the key to the global bindings (quit, help, back, retry).
    fn on_key(
        &mut self,
        cx: &mut Cx,
        key: &KeyEvent,
        action: Option<Action>,
    ) -> Option<Vec<Effect>> {
        match self.mode {
            Mode::View => {}
            Mode::Edit(_) => return Some(self.form_key(cx, key)),
            Mode::Conflict(_) => return Some(self.conflict_key(cx, key)),
        }
        if self.tab == Tab::Documents {
            let (offer, selected) = (self.doc_offer(), self.selected_document());
            if let Some(fx) = self.docs.on_key(cx, key, action, &offer, selected) {
                return Some(fx);
            }
        }
        if let Some(t) = tab_for(action, self.tab) {
            self.tab = t;
            return Some(vec![]);
        }
        if action == Some(Action::Copy) {
            let Some(d) = self.detail.get() else {
                cx.info("wait for the record to load, then copy");
                return Some(vec![]);
            };
            // As the roster copies it, whichever screen opened the record.
            let p = &d.profile.value;
            let name = format!("{}, {}", p.last_name, p.first_name);
            let text = copy::student(&d.local_id, &name);
            return Some(copy::to_clipboard(cx, &text.clone(), text));
        }
        // The header and the tab bar take three of the list's rows.
        let page = cx.view().saturating_sub(3).max(1) as isize;
        let action = action?;
        if let Some(delta) = action.movement(page) {
            self.move_by(delta);
            return Some(vec![]);
        }
        match action {
            Action::Open if self.tab == Tab::Interventions => match self.picked_intervention() {
                // Over the record, so Esc comes back to it.
                Some((id, title)) => cx.push(Screen::Intervention(DetailState::new(id, title))),
                None => cx.info("no intervention to open"),
            },
            Action::Open if self.tab == Tab::Communications => {
                match self
                    .detail
                    .get()
                    .and_then(|d| d.communications.get(self.cursor()))
                {
                    Some(c) => cx.go(Nav::EditContact(c.id)),
                    None => cx.info("no contact to open"),
                }
            }
            Action::Edit => {
                if let Err(why) = self.edit() {
                    cx.info(why);
                }
            }
            Action::New => iv_edit::open_new(cx, self.id, self.title.clone()),
            Action::LogSession => cx.go(Nav::LogSession(LogFor::Student {
                id: self.id,
                name: self.title.clone(),
            })),
            Action::LogContact => cx.go(Nav::LogContact(ContactFor {
                student_id: self.id,
                student_name: self.title.clone(),
                intervention_id: None,
                parent_id: None,
            })),
            Action::ProgressReport => return Some(self.progress_report(cx)),
            _ => return None,
        }
        Some(vec![])
    }

    fn on_reply(&mut self, cx: &mut Cx, req: ReqId, data: Data) -> Vec<Effect> {
        if self.docs.waits_for(req) {
            return self.docs.on_reply(cx, req, data);
        }
        if let Data::ChangedBy { found } = &data
            && self.stale.take_if(|r| *r == req).is_some()
        {
            if let Mode::Edit(e) = &mut self.mode
                && let Some(say) = crate::domain::live::ChangedBy::notice(found.as_ref(), e.version)
            {
                e.form.notice = Some(say);
            }
            return vec![];
        }
        if let Data::Student { detail } = data {
            match detail {
                Some(d) => {
                    self.detail.arrive(req, d);
                }
                None => {
                    self.detail.fail(req, "this student is not visible to you");
                }
            }
        }
        vec![]
    }

    fn on_written(&mut self, cx: &mut Cx, req: ReqId, wrote: Wrote) -> Vec<Effect> {
        if self.docs.waits_for(req) {
            self.docs.on_written(cx, req, wrote);
            return vec![];
        }
        if let Wrote::Enqueued(result) = &wrote
            && self.report.take_if(|r| *r == req).is_some()
        {
            own_jobs::say_queued(cx, "progress report (Reports lists it)", result);
            return vec![];
        }
        if let Wrote::Student(outcome) = wrote
            && self.save_req() == Some(req)
        {
            self.on_saved(cx, outcome);
        }
        vec![]
    }

    fn on_files(
        &mut self,
        cx: &mut Cx,
        req: ReqId,
        event: crate::domain::document::FileEvent,
    ) -> Vec<Effect> {
        self.docs.on_files(cx, req, event)
    }

    fn on_failed(&mut self, cx: &mut Cx, req: ReqId, why: &str) -> bool {
        if !self.docs.on_failed(cx, req, why) {
            return false;
        }
        self.detail.fail(req, why);
        true
    }

    /// Pasted text, when the form is open.
    fn on_paste(&mut self, _cx: &mut Cx, text: &str) -> Option<Vec<Effect>> {
        let Mode::Edit(ed) = &mut self.mode else {
            return None;
        };
        if ed.form.paste(text) {
            ed.revalidate();
        }
        Some(vec![])
    }
}

#[cfg(test)]
mod tests;
