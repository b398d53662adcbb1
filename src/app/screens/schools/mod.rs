//! The schools screen: every school in the district; administrators add
//! and edit them (name, ids, grade span, time zone) and deactivate them (a
//! school is never deleted: its students and history point at it). It
//! takes only what it needs: its own state, the key's action, and request
//! ids.

mod edit;

use crate::app::form::Form;
use crate::app::hint::{GLOBAL, MOVE};
use crate::app::keymap::{Action, Context};
use crate::app::list::Cursor;
use crate::app::loadable::Loadable;
use crate::app::request::Wrote;
use crate::app::screens::room::{Cx, Nav, Room};
use crate::app::{Data, Effect, Read, ReqId};
use crate::domain::school::School;
use crossterm::event::KeyEvent;
use uuid::Uuid;

/// The menu's target for this screen (the `tools` row's key).
pub const TARGET: &str = "admin.schools";
/// `:schools` opens it.
pub const COMMAND: &str = "schools";
pub const TITLE: &str = "Schools";

/// The school form: a new school (`new`) or the one with `id`.
#[derive(Debug, Clone, PartialEq)]
pub struct SchoolForm {
    pub id: Uuid,
    pub new: bool,
    pub form: Form,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct SchoolsState {
    pub list: Loadable<Vec<School>>,
    pub cursor: Cursor,
    /// Inactive schools are listed too (`i` hides them).
    pub hide_inactive: bool,
    /// The form, while adding or editing.
    pub edit: Option<SchoolForm>,
}

impl SchoolsState {
    /// The rows on screen.
    pub fn shown(&self) -> Vec<&School> {
        self.list
            .get()
            .map(|all| {
                all.iter()
                    .filter(|s| s.is_active || !self.hide_inactive)
                    .collect()
            })
            .unwrap_or_default()
    }

    pub fn selected(&self) -> Option<&School> {
        self.shown().get(self.cursor.at()).copied()
    }
}

impl Room for SchoolsState {
    fn title(&self) -> String {
        match &self.edit {
            Some(e) if e.new => "New school".into(),
            Some(_) => "Edit school".into(),
            None => TITLE.into(),
        }
    }

    fn keys(&self) -> Vec<Action> {
        if self.edit.is_some() {
            // The form says its keys below its fields.
            return vec![Action::Save, Action::NextField, Action::CancelForm];
        }
        [
            &[
                Action::SchoolEdit,
                Action::SchoolNew,
                Action::InactiveSchools,
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
        self.list.waits_for(req)
            || self
                .edit
                .as_ref()
                .is_some_and(|e| e.form.saving == Some(req))
    }

    fn busy(&self) -> bool {
        self.list.req().is_some() || self.edit.as_ref().is_some_and(|e| e.form.saving.is_some())
    }

    fn load(&mut self, cx: &mut Cx) -> Vec<Effect> {
        cx.load(&mut self.list, Read::AllSchools)
    }

    fn on_key(
        &mut self,
        cx: &mut Cx,
        key: &KeyEvent,
        action: Option<Action>,
    ) -> Option<Vec<Effect>> {
        if self.edit.is_some() {
            return Some(edit::on_key(self, cx, key));
        }
        let len = self.shown().len();
        let page = cx.page();
        match cx.keymap.action_in(key, |c| c == Context::Schools) {
            Some(Action::InactiveSchools) => {
                self.hide_inactive = !self.hide_inactive;
                self.cursor.clamp(self.shown().len());
                return Some(vec![]);
            }
            Some(Action::SchoolNew) => {
                self.edit = Some(edit::new(cx.mint_id()));
                return Some(vec![]);
            }
            Some(Action::SchoolEdit) => {
                match self.selected() {
                    Some(s) => self.edit = Some(edit::of(s)),
                    None => cx.info("no school selected: n adds one"),
                }
                return Some(vec![]);
            }
            _ => {}
        }
        self.cursor.move_by(action?.movement(page)?, len);
        Some(vec![])
    }

    fn on_reply(&mut self, _cx: &mut Cx, req: ReqId, data: Data) -> Vec<Effect> {
        if let Data::AllSchools { schools } = data {
            self.list.arrive(req, schools);
            self.cursor.clamp(self.shown().len());
        }
        vec![]
    }

    fn on_written(&mut self, cx: &mut Cx, req: ReqId, wrote: Wrote) -> Vec<Effect> {
        let Wrote::Admin(result) = wrote else {
            return vec![];
        };
        let Some(e) = self.edit.as_mut().filter(|e| e.form.saving == Some(req)) else {
            return vec![];
        };
        e.form.saving = None;
        match result {
            Ok(()) => {
                let name = e.form.values[edit::NAME].trim().to_string();
                cx.info(if e.new {
                    format!("added: {name}")
                } else {
                    format!("saved: {name}")
                });
                self.edit = None;
                cx.go(Nav::ReloadSelf);
            }
            // Everything typed stays in the form, with the reason.
            Err(why) => e.form.notice = Some(format!("not saved: {why}")),
        }
        vec![]
    }

    fn on_failed(&mut self, _cx: &mut Cx, req: ReqId, why: &str) -> bool {
        self.list.fail(req, why)
    }
}

#[cfg(test)]
pub(crate) mod tests;
