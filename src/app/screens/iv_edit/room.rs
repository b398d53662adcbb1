//! The forms as a room: the context they wait for, their keys, and what a
//! write's answer asks of the stack (close, reload what shows the row,
//! open a new plan).

use super::{Conflict, IvEditState, IvSaved, IvWrite, IvWritten, Kind, Stage, Theirs};
use super::{goal, plan, revalidate};
use crate::app::confirm::{self, Answer};
use crate::app::form::{FIX_FIELDS, FormKey};
use crate::app::hint::{GLOBAL, section};
use crate::app::intervention::DetailState;
use crate::app::keymap::{Action, Context, Key};
use crate::app::screens::room::{Cx, Nav, Room};
use crate::app::screens::{Screen, shows_records};
use crate::app::{Data, Effect, Read, ReqId, Wrote};
use crossterm::event::{KeyCode, KeyEvent};

impl Room for IvEditState {
    fn title(&self) -> String {
        match self.kind {
            Kind::NewIntervention { .. } => "New intervention",
            Kind::EditIntervention(_) => "Edit",
            Kind::NewGoal { .. } => "New goal",
            Kind::EditGoal(_) => "Edit goal",
            Kind::NewPoint { .. } => "New data point",
            Kind::DeletePoint { .. } => "Delete data point",
        }
        .into()
    }

    /// The picker and the delete question say their own keys.
    fn keys(&self) -> Vec<Action> {
        match self.stage {
            Stage::Loading => GLOBAL.to_vec(),
            Stage::Picker { .. } | Stage::Confirm => vec![],
            // The form says its keys under its fields, field by field.
            Stage::Form(_) => vec![],
            Stage::Conflict(_) => section(Context::Conflict),
        }
    }

    fn in_flight(&self) -> Vec<ReqId> {
        self.context.req().into_iter().collect()
    }

    /// A write in flight too: leaving does not cancel it.
    fn waits_for(&self, req: ReqId) -> bool {
        self.context.waits_for(req) || self.saving == Some(req) || self.stale == Some(req)
    }

    fn on_changed(&mut self, cx: &mut Cx, changes: &crate::domain::live::Changes) -> Vec<Effect> {
        IvEditState::on_changed(self, cx, changes)
    }

    fn busy(&self) -> bool {
        self.context.is_loading() || self.saving.is_some()
    }

    /// Only a form still waiting for its context asks (again).
    fn load(&mut self, cx: &mut Cx) -> Vec<Effect> {
        let Some(about) = self.context_for().filter(|_| self.stage == Stage::Loading) else {
            return vec![];
        };
        cx.load(&mut self.context, Read::IvFormContext { about })
    }

    /// It takes every key but quitting, help and the command line.
    fn on_key(
        &mut self,
        cx: &mut Cx,
        key: &KeyEvent,
        action: Option<Action>,
    ) -> Option<Vec<Effect>> {
        let keymap = cx.keymap;
        let k = Key::from_event(key);
        let bound = |a: Action| keymap.keys(a).contains(&k);
        let leave = bound(Action::Back) || key.code == KeyCode::Esc;
        match &mut self.stage {
            Stage::Loading => match action {
                _ if leave => cx.go(Nav::Close),
                // Retry asks for the programs again.
                Some(Action::Quit | Action::Help | Action::Command | Action::Retry) => {
                    return None;
                }
                _ => {}
            },
            Stage::Picker { .. } => return self.picker_key(cx, leave, action),
            Stage::Form(_) => return Some(self.form_key(cx, key)),
            Stage::Conflict(c) => {
                if self.saving.is_some() {
                    return Some(vec![]);
                }
                let c = (**c).clone();
                if bound(Action::KeepMine) {
                    self.reopened = None;
                    return Some(match self.write(&c.mine, || cx.mint_id()) {
                        Ok(write) => self.send(cx, write),
                        Err(_) => {
                            let notice = "fix the fields marked in red, then save";
                            self.edit_again(&c, Some(notice.into()));
                            vec![]
                        }
                    });
                }
                if bound(Action::TakeTheirs) {
                    cx.go(Nav::Close);
                    cx.info("took their version; your changes were dropped");
                } else if bound(Action::EditAgain) {
                    self.edit_again(&c, None);
                }
            }
            Stage::Confirm => {
                if self.saving.is_some() {
                    return Some(vec![]);
                }
                match confirm::answer(key) {
                    Answer::No => cx.go(Nav::Close),
                    Answer::Yes => {
                        if let Ok(write) = self.write(&[], || cx.mint_id()) {
                            return Some(self.send(cx, write));
                        }
                    }
                    Answer::Unanswered => {}
                }
            }
        }
        Some(vec![])
    }

    fn on_reply(&mut self, _cx: &mut Cx, req: ReqId, data: Data) -> Vec<Effect> {
        if let Data::ChangedBy { found } = &data
            && self.stale.take_if(|r| *r == req).is_some()
        {
            self.on_changed_by(found.as_ref());
            return vec![];
        }
        if let Data::IvFormContext { context, today } = data
            && self.context.arrive(req, context)
        {
            self.today = Some(today);
            match self.kind {
                Kind::NewIntervention { .. } => self.stage = Stage::Picker { cursor: 0 },
                _ => self.open_form(),
            }
        }
        vec![]
    }

    fn on_written(&mut self, cx: &mut Cx, req: ReqId, wrote: Wrote) -> Vec<Effect> {
        let Wrote::Iv(outcome) = wrote else {
            return vec![];
        };
        if self.saving != Some(req) {
            return vec![];
        }
        self.saving = None;
        match outcome {
            IvWritten::Saved(IvSaved::Created { id, title }) => {
                cx.go(Nav::Close);
                cx.go(Nav::Reload(shows_records));
                cx.push(Screen::Intervention(DetailState::new(id, title)));
                cx.info("intervention created");
            }
            IvWritten::Saved(IvSaved::Updated) => {
                cx.go(Nav::Close);
                cx.go(Nav::Reload(shows_records));
                cx.info(match &self.kind {
                    Kind::EditIntervention(_) => "plan saved",
                    Kind::DeletePoint { .. } => "deleted the data point",
                    Kind::NewPoint { .. } => "data point saved",
                    _ => "goal saved",
                });
            }
            IvWritten::Conflict(theirs) => return self.conflict(cx, theirs),
            IvWritten::Refused(why) | IvWritten::Failed(why) => self.not_saved(cx, &why),
            IvWritten::Gone => {
                self.not_saved(cx, "it was deleted or is no longer visible to you");
            }
        }
        vec![]
    }

    fn on_failed(&mut self, _cx: &mut Cx, req: ReqId, why: &str) -> bool {
        self.context.fail(req, why)
    }

    fn on_paste(&mut self, _cx: &mut Cx, text: &str) -> Option<Vec<Effect>> {
        let Stage::Form(form) = &mut self.stage else {
            return None;
        };
        if form.paste(text) {
            revalidate(&self.kind, form);
        }
        Some(vec![])
    }
}

impl IvEditState {
    fn picker_key(
        &mut self,
        cx: &mut Cx,
        leave: bool,
        action: Option<Action>,
    ) -> Option<Vec<Effect>> {
        let Stage::Picker { cursor } = self.stage else {
            return Some(vec![]);
        };
        let last = self.picker_len() - 1;
        let cursor = match action {
            _ if leave => {
                cx.go(Nav::Close);
                return Some(vec![]);
            }
            Some(Action::Up) => cursor.saturating_sub(1),
            Some(Action::Down) => (cursor + 1).min(last),
            Some(Action::Top) => 0,
            Some(Action::Bottom) => last,
            Some(Action::Open) => {
                let chosen = self.programs().get(cursor).cloned();
                if let Kind::NewIntervention { program, .. } = &mut self.kind {
                    *program = chosen;
                }
                self.open_form();
                return Some(vec![]);
            }
            Some(Action::Quit | Action::Help | Action::Command) => return None,
            _ => cursor,
        };
        self.stage = Stage::Picker { cursor };
        Some(vec![])
    }

    fn form_key(&mut self, cx: &mut Cx, key: &KeyEvent) -> Vec<Effect> {
        let Stage::Form(form) = &mut self.stage else {
            return vec![];
        };
        match form.key(key, cx.keymap) {
            r @ (FormKey::Edited | FormKey::Moved) => {
                if r == FormKey::Edited {
                    revalidate(&self.kind, form);
                }
                // The fields' own messages say the rest; the focused one's
                // shows in full below the form once this one is gone.
                if form.notice.as_deref() == Some(FIX_FIELDS) {
                    form.notice = None;
                }
            }
            FormKey::Ignored => {}
            FormKey::Cancel => match &self.kind {
                // Back to the picker: maybe the other program.
                Kind::NewIntervention { program, .. } => {
                    let programs = self.programs();
                    let cursor = match program {
                        Some(p) => programs.iter().position(|x| x.id == p.id).unwrap_or(0),
                        None => programs.len(),
                    };
                    self.stage = Stage::Picker { cursor };
                }
                _ => cx.go(Nav::Close),
            },
            FormKey::Save => return self.save(cx),
        }
        vec![]
    }

    fn save(&mut self, cx: &mut Cx) -> Vec<Effect> {
        let editing = matches!(self.kind, Kind::EditIntervention(_) | Kind::EditGoal(_));
        let Stage::Form(form) = &mut self.stage else {
            return vec![];
        };
        revalidate(&self.kind, form);
        let (values, unchanged) = (form.values.clone(), !form.dirty());
        let write = match self.write(&values, || cx.mint_id()) {
            Ok(w) => w,
            Err(_) => {
                if let Stage::Form(form) = &mut self.stage {
                    form.fix_fields();
                }
                return vec![];
            }
        };
        if editing && unchanged {
            cx.go(Nav::Close);
            cx.info("nothing changed");
            return vec![];
        }
        // Mine on their version: saved only once chosen over theirs, on
        // the page that shows both.
        if let Some(c) = self.reopened.take() {
            self.stage = Stage::Conflict(Box::new(Conflict { mine: values, ..*c }));
            cx.error(ask_which(None));
            return vec![];
        }
        self.set_notice(None);
        self.send(cx, write)
    }

    fn send(&mut self, cx: &mut Cx, write: IvWrite) -> Vec<Effect> {
        let req = cx.alloc();
        self.saving = Some(req);
        if let Stage::Form(form) = &mut self.stage {
            form.saving = Some(req);
        }
        vec![Effect::WriteIv { req, write }]
    }

    fn set_notice(&mut self, notice: Option<String>) {
        if let Stage::Form(form) = &mut self.stage {
            form.notice = notice;
        }
    }

    /// The form again with my values on their version.
    fn edit_again(&mut self, c: &Conflict, notice: Option<String>) {
        let mut form = crate::app::form::Form::new(self.specs(), c.theirs.clone());
        form.values = c.mine.clone();
        form.show_all = true;
        let who = c.by.as_deref().unwrap_or("someone else");
        form.notice = notice.or_else(|| {
            Some(format!(
                "yours, on the version {who} saved: saving shows both again to choose which to keep"
            ))
        });
        revalidate(&self.kind, &mut form);
        self.stage = Stage::Form(Box::new(form));
        self.reopened = Some(Box::new(c.clone()));
    }

    /// Someone saved first: the kind takes theirs (and their version), and
    /// both show side by side; who it was is asked for.
    fn conflict(&mut self, cx: &mut Cx, theirs: Theirs) -> Vec<Effect> {
        let mine = match &mut self.stage {
            Stage::Form(form) => {
                form.saving = None;
                form.values.clone()
            }
            Stage::Conflict(c) => c.mine.clone(),
            _ => return vec![],
        };
        self.reopened = None;
        let specs = self.specs();
        let theirs = match theirs {
            Theirs::Intervention(h) => {
                let v = plan::values(specs, &h);
                self.kind = Kind::EditIntervention(h);
                v
            }
            Theirs::Goal(g) => {
                let v = goal::values(&g.fields);
                self.kind = Kind::EditGoal(g);
                v
            }
        };
        self.stage = Stage::Conflict(Box::new(Conflict {
            mine,
            theirs,
            by: None,
        }));
        cx.error(ask_which(Some("someone else saved this first")));
        let Some((table, id, _)) = self.edited_row() else {
            return vec![];
        };
        let req = cx.alloc();
        self.stale = Some(req);
        vec![Effect::Load {
            req,
            read: Read::ChangedBy { table, id },
        }]
    }

    /// Back to the form with everything typed (and the focus) kept; with no
    /// form to go back to (a delete), the screen closes and says why.
    fn not_saved(&mut self, cx: &mut Cx, why: &str) {
        let notice = Some(format!("not saved: {why}"));
        match &mut self.stage {
            Stage::Form(form) => {
                form.saving = None;
                form.notice = notice;
            }
            Stage::Conflict(c) => {
                let c = (**c).clone();
                self.edit_again(&c, notice);
            }
            _ => {
                cx.go(Nav::Close);
                cx.error(format!("not saved: {why}"));
            }
        }
    }
}

/// The status line over a conflict: what happened, and the choice.
fn ask_which(what: Option<&str>) -> String {
    let choice = "compare, then keep mine, take theirs or edit again";
    match what {
        Some(what) => format!("{what}: {choice}"),
        None => format!("theirs and yours differ: {choice}"),
    }
}
