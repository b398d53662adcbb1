//! Intervention programs (issue 17, part 5): every program with its
//! defaults, tier, type, evidence level and how many sessions were saved
//! under it; `e`/`n` edit or add a program's defaults, `f` its session
//! fields: add, reorder, retire. A field is never removed or retyped (the
//! database refuses it, 0028), so a change never strands a saved session's
//! value: a retired field is no longer asked in new sessions and still
//! shows in the old ones.

mod defaults;
pub mod fields;

use crate::app::form::Form;
use crate::app::hint::{GLOBAL, MOVE};
use crate::app::keymap::{Action, Context};
use crate::app::list::Cursor;
use crate::app::loadable::Loadable;
use crate::app::request::Wrote;
use crate::app::screens::room::{Cx, Nav, Room};
use crate::app::{Data, Effect, Read, ReqId};
use crate::domain::people::SchoolRef;
use crate::domain::programs::ProgramRow;
use crossterm::event::KeyEvent;
use uuid::Uuid;

pub const TARGET: &str = "admin.programs";
pub const TITLE: &str = "Intervention programs";

/// A program's session fields being edited.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldsEdit {
    pub id: Uuid,
    pub name: String,
    pub fields: Vec<serde_json::Value>,
    pub original: Vec<serde_json::Value>,
    pub at: Cursor,
    /// The new field's form, while adding one.
    pub adding: Option<Form>,
    pub saving: Option<ReqId>,
    /// Why the last save did not happen.
    pub notice: Option<String>,
    /// Asking whether to drop the changes.
    pub confirm_discard: bool,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub enum Mode {
    #[default]
    List,
    /// The defaults form: a new program (`new`) or the one with `id`.
    Defaults {
        id: Uuid,
        new: bool,
        form: Box<Form>,
    },
    Fields(Box<FieldsEdit>),
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct ProgramsState {
    pub list: Loadable<Vec<ProgramRow>>,
    /// The schools this person may make programs for (a coordinator: their
    /// own; they may not make district programs).
    pub schools: Vec<SchoolRef>,
    pub cursor: Cursor,
    pub mode: Mode,
}

impl ProgramsState {
    pub fn programs(&self) -> &[ProgramRow] {
        self.list.get().map_or(&[], Vec::as_slice)
    }

    pub fn selected(&self) -> Option<&ProgramRow> {
        self.programs().get(self.cursor.at())
    }

    fn saving(&self) -> Option<ReqId> {
        match &self.mode {
            Mode::Defaults { form, .. } => form.saving,
            Mode::Fields(f) => f.saving,
            Mode::List => None,
        }
    }
}

impl Room for ProgramsState {
    fn title(&self) -> String {
        match &self.mode {
            Mode::Defaults { new: true, .. } => "New program".into(),
            Mode::Defaults { .. } => "Edit program".into(),
            Mode::Fields(f) => format!("Session fields of {}", f.name),
            Mode::List => TITLE.into(),
        }
    }

    fn keys(&self) -> Vec<Action> {
        match &self.mode {
            Mode::List => [
                &[
                    Action::ProgramEdit,
                    Action::ProgramFields,
                    Action::ProgramNew,
                ][..],
                MOVE,
                GLOBAL,
            ]
            .concat(),
            Mode::Fields(f) if f.adding.is_none() && !f.confirm_discard => [
                &[
                    Action::FieldAdd,
                    Action::FieldRetire,
                    Action::FieldUp,
                    Action::FieldDown,
                    Action::Save,
                    Action::CancelForm,
                ][..],
                MOVE,
            ]
            .concat(),
            // The forms and the question say their keys where they ask.
            _ => vec![],
        }
    }

    fn in_flight(&self) -> Vec<ReqId> {
        self.list.req().into_iter().collect()
    }

    fn waits_for(&self, req: ReqId) -> bool {
        self.list.waits_for(req) || self.saving() == Some(req)
    }

    fn busy(&self) -> bool {
        self.list.req().is_some() || self.saving().is_some()
    }

    fn load(&mut self, cx: &mut Cx) -> Vec<Effect> {
        cx.load(&mut self.list, Read::Programs)
    }

    fn on_key(
        &mut self,
        cx: &mut Cx,
        key: &KeyEvent,
        action: Option<Action>,
    ) -> Option<Vec<Effect>> {
        match self.mode {
            Mode::Defaults { .. } => return Some(defaults::on_key(self, cx, key)),
            Mode::Fields(_) => return Some(fields::on_key(self, cx, key, action)),
            Mode::List => {}
        }
        match cx.keymap.action_in(key, |c| c == Context::Programs) {
            Some(Action::ProgramNew) => {
                // One school to choose from: it is the school (a
                // coordinator of one school may make no district program).
                let only = match self.schools.as_slice() {
                    [one] => Some(one),
                    _ => None,
                };
                self.mode = defaults::new(cx.mint_id(), only);
                return Some(vec![]);
            }
            Some(a @ (Action::ProgramEdit | Action::ProgramFields)) => {
                match self.selected() {
                    Some(p) if a == Action::ProgramEdit => self.mode = defaults::of(p),
                    Some(p) => self.mode = fields::of(p),
                    None => cx.info("no program selected: n adds one"),
                }
                return Some(vec![]);
            }
            _ => {}
        }
        self.cursor
            .move_by(action?.movement(cx.page())?, self.programs().len());
        Some(vec![])
    }

    fn on_reply(&mut self, _cx: &mut Cx, req: ReqId, data: Data) -> Vec<Effect> {
        if let Data::Programs { programs, schools } = data
            && self.list.arrive(req, programs)
        {
            self.schools = schools;
            self.cursor.clamp(self.programs().len());
        }
        vec![]
    }

    fn on_written(&mut self, cx: &mut Cx, req: ReqId, wrote: Wrote) -> Vec<Effect> {
        let Wrote::Admin(result) = wrote else {
            return vec![];
        };
        if self.saving() != Some(req) {
            return vec![];
        }
        match (&mut self.mode, result) {
            (Mode::Defaults { form, new, .. }, Ok(())) => {
                let name = form.values[0].trim().to_string();
                cx.info(if *new {
                    format!("added: {name}")
                } else {
                    format!("saved: {name}")
                });
                self.mode = Mode::List;
            }
            (Mode::Fields(f), Ok(())) => {
                cx.info(format!("saved the session fields of {}", f.name));
                self.mode = Mode::List;
            }
            // Everything typed stays, with the reason.
            (Mode::Defaults { form, .. }, Err(why)) => {
                form.saving = None;
                form.notice = Some(format!("not saved: {why}"));
                return vec![];
            }
            (Mode::Fields(f), Err(why)) => {
                f.saving = None;
                f.notice = Some(format!("not saved: {why}"));
                return vec![];
            }
            (Mode::List, _) => {}
        }
        cx.go(Nav::ReloadSelf);
        vec![]
    }

    fn on_failed(&mut self, _cx: &mut Cx, req: ReqId, why: &str) -> bool {
        self.list.fail(req, why)
    }
}

#[cfg(test)]
pub(crate) mod tests;
