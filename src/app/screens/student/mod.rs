//! The student screen: the record in tabs, the profile and guardian forms,
//! and what happens when someone else saved first.

pub mod fields;

use crate::app::form::{Form, FormKey};
use crate::app::keymap::{Action, Key};
use crate::app::{Effect, ReqId, Screen, State, roster};
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
    /// (label, mine, theirs) per field, for the side-by-side view.
    pub fn rows(&self) -> Vec<(&'static str, String, String)> {
        fields::specs(&self.mine)
            .iter()
            .zip(fields::values(&self.mine))
            .zip(fields::values(&self.theirs))
            .map(|((spec, m), t)| (spec.label.as_ref(), m, t))
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
    pub req: Option<ReqId>,
    /// Boxed: the record makes it the largest screen by far.
    pub detail: Option<Box<StudentRecord>>,
    pub error: Option<String>,
    pub tab: Tab,
    /// The selected row of each tab's list.
    pub cursors: [usize; 6],
    pub mode: Mode,
}

impl StudentState {
    pub fn new(id: Uuid, title: String) -> StudentState {
        StudentState {
            id,
            title,
            req: None,
            detail: None,
            error: None,
            tab: Tab::Profile,
            cursors: [0; 6],
            mode: Mode::View,
        }
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
        let Some(d) = &self.detail else { return 0 };
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
        let Some(d) = self.detail.as_mut() else {
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
        let Some(d) = &self.detail else {
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
}

fn top_student(state: &mut State) -> Option<&mut StudentState> {
    match state.screens.last_mut() {
        Some(Screen::Student(s)) => Some(s),
        _ => None,
    }
}

/// Keys for the student screen; `None` leaves the key to the global
/// bindings (quit, help, back, retry). An open form or conflict view takes
/// every key.
pub(crate) fn on_key(
    state: &mut State,
    key: &KeyEvent,
    action: Option<Action>,
) -> Option<Vec<Effect>> {
    let page = roster::visible_rows(state.height).saturating_sub(3).max(1) as isize;
    let k = Key::from_event(key);
    let keymap = state.keymap.clone();
    let bound = |a: Action| keymap.keys(a).contains(&k);
    let s = top_student(state)?;
    match &mut s.mode {
        Mode::View => {}
        Mode::Edit(ed) => {
            return Some(match ed.form.key(key, &keymap) {
                FormKey::Edited => {
                    ed.revalidate();
                    vec![]
                }
                FormKey::Moved | FormKey::Ignored => vec![],
                FormKey::Cancel => {
                    s.mode = Mode::View;
                    vec![]
                }
                FormKey::Save => save_form(state),
            });
        }
        Mode::Conflict(c) => {
            if c.saving.is_some() {
                return Some(vec![]);
            }
            let c = c.clone();
            if bound(Action::KeepMine) {
                let req = state.alloc();
                let s = top_student(state)?;
                s.mode = Mode::Conflict(Box::new(Conflict {
                    saving: Some(req),
                    ..(*c).clone()
                }));
                return Some(vec![Effect::SaveStudentRecord {
                    req,
                    id: c.row,
                    version: c.their_version,
                    change: c.mine,
                }]);
            }
            if bound(Action::TakeTheirs) {
                s.apply(c.row, c.their_version, c.theirs);
                s.mode = Mode::View;
                state.info("took their version; your changes were dropped");
            } else if bound(Action::EditAgain) {
                s.mode = Mode::Edit(Box::new(edit_again(&c, None)));
            }
            return Some(vec![]);
        }
    }
    let tab = match action {
        Some(Action::NextTab) => Some(s.tab.by(1)),
        Some(Action::PrevTab) => Some(s.tab.by(-1)),
        Some(Action::TabProfile) => Some(Tab::Profile),
        Some(Action::TabGuardians) => Some(Tab::Guardians),
        Some(Action::TabInterventions) => Some(Tab::Interventions),
        Some(Action::TabCommunications) => Some(Tab::Communications),
        Some(Action::TabDocuments) => Some(Tab::Documents),
        Some(Action::TabActivity) => Some(Tab::Activity),
        _ => None,
    };
    if let Some(t) = tab {
        s.tab = t;
        return Some(vec![]);
    }
    match action? {
        Action::Open if s.tab == Tab::Interventions => {
            let picked = s.detail.as_ref().and_then(|d| {
                let line = d.interventions.get(s.cursor())?;
                Some((line.id, format!("{} · {}", s.title, line.name)))
            });
            return Some(match picked {
                // Over the record, so Esc comes back to it.
                Some((id, title)) => crate::app::open_intervention(state, id, title),
                None => {
                    state.info("no intervention to open");
                    vec![]
                }
            });
        }
        Action::Edit => {
            if let Err(why) = s.edit() {
                state.info(why);
            }
        }
        Action::New => {
            let (id, name) = (s.id, s.title.clone());
            return Some(crate::app::iv_edit::open_new(state, id, name));
        }
        Action::Up => s.move_by(-1),
        Action::Down => s.move_by(1),
        Action::PageUp => s.move_by(-page),
        Action::PageDown => s.move_by(page),
        Action::Top => s.move_by(isize::MIN),
        Action::Bottom => s.move_by(isize::MAX),
        Action::LogSession => return crate::app::session_log::log_session(state),
        _ => return None,
    }
    Some(vec![])
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

fn save_form(state: &mut State) -> Vec<Effect> {
    let req = state.alloc();
    let Some(s) = top_student(state) else {
        return vec![];
    };
    let Mode::Edit(ed) = &mut s.mode else {
        return vec![];
    };
    ed.revalidate();
    let change = match fields::parse(&ed.base, &ed.form.values) {
        Ok(c) => c,
        Err(_) => {
            ed.form.notice = Some("not saved: fix the fields marked in red".into());
            return vec![];
        }
    };
    if !ed.form.dirty() {
        s.mode = Mode::View;
        state.info("nothing changed");
        return vec![];
    }
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
pub(crate) fn on_saved(state: &mut State, req: ReqId, outcome: SaveOutcome) -> Vec<Effect> {
    let Some(s) = state.screens.iter_mut().find_map(|sc| match sc {
        Screen::Student(s) if s.save_req() == Some(req) => Some(s),
        _ => None,
    }) else {
        return vec![];
    };
    // What was sent and where, whichever view sent it.
    let (row, mine, form) = match &s.mode {
        Mode::Edit(ed) => match &ed.pending {
            Some(p) => (ed.row, p.clone(), Some((**ed).clone())),
            None => return vec![],
        },
        Mode::Conflict(c) => (c.row, c.mine.clone(), None),
        Mode::View => return vec![],
    };
    let back_to_form = |notice: String| match &form {
        Some(ed) => {
            let mut ed = ed.clone();
            ed.form.saving = None;
            ed.pending = None;
            ed.form.notice = Some(notice);
            ed
        }
        None => match &s.mode {
            Mode::Conflict(c) => edit_again(c, Some(notice)),
            _ => Editor::new(row, 0, mine.clone()),
        },
    };
    match outcome {
        SaveOutcome::Saved(version) => {
            s.apply(row, version, mine);
            s.mode = Mode::View;
            state.info("saved");
        }
        SaveOutcome::Conflict(StudentTheirs { version, theirs }) => {
            s.mode = Mode::Conflict(Box::new(Conflict {
                row,
                mine,
                theirs,
                their_version: version,
                saving: None,
            }));
            state.error(
                "someone else saved this first: compare, then keep mine, take theirs or edit again",
            );
        }
        SaveOutcome::Gone => {
            let ed = back_to_form(
                "not saved: this record was deleted or is no longer visible to you".into(),
            );
            s.mode = Mode::Edit(Box::new(ed));
        }
        SaveOutcome::Refused(why) | SaveOutcome::Failed(why) => {
            let ed = back_to_form(format!("not saved: {why}"));
            s.mode = Mode::Edit(Box::new(ed));
        }
    }
    vec![]
}

/// Pasted text, when a form is open on top.
pub(crate) fn on_paste(state: &mut State, text: &str) -> bool {
    let Some(s) = top_student(state) else {
        return false;
    };
    let Mode::Edit(ed) = &mut s.mode else {
        return false;
    };
    let pasted = ed.form.paste(text);
    if pasted {
        ed.revalidate();
    }
    pasted
}

pub(crate) fn on_reply(state: &mut State, req: ReqId, data: crate::app::Data) -> Vec<Effect> {
    if let crate::app::Data::Student { detail } = data
        && let Some(Screen::Student(s)) = crate::app::nav::find_req(state, req)
    {
        s.req = None;
        match detail {
            Some(d) => s.detail = Some(d),
            None => s.error = Some("this student is not visible to you".into()),
        }
    }
    vec![]
}
