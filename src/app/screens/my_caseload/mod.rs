//! My caseload: the person's students, one line each (`domain::my_caseload`).
//! Enter opens the student record, `L` logs a session for the student, `C`
//! logs a contact with the family, `s` switches between name order and most
//! urgent first.

use crate::app::hint::{GLOBAL, MOVE};
use crate::app::keymap::Action;
use crate::app::list::Cursor;
use crate::app::loadable::Loadable;
use crate::app::screens::contact_edit::ContactFor;
use crate::app::screens::room::{Cx, LogFor, Nav, Room};
use crate::app::student::StudentState;
use crate::app::{Data, Effect, Read, ReqId, Screen};
use crate::domain::my_caseload::{CaseloadSort, MyCaseload, MyStudent};
use crossterm::event::KeyEvent;

/// The menu's target ("My caseload", under the `caseload` tool).
pub const TARGET: &str = "caseload.mine";
pub const TITLE: &str = "My caseload";

#[derive(Debug, Clone, Default, PartialEq)]
pub struct MyCaseloadState {
    pub list: Loadable<MyCaseload>,
    pub cursor: Cursor,
    pub sort: CaseloadSort,
}

impl MyCaseloadState {
    pub fn students(&self) -> &[MyStudent] {
        self.list.get().map_or(&[], |l| &l.students)
    }

    pub fn selected(&self) -> Option<&MyStudent> {
        self.students().get(self.cursor.at())
    }
}

impl Room for MyCaseloadState {
    fn title(&self) -> String {
        TITLE.into()
    }

    fn keys(&self) -> Vec<Action> {
        use Action::*;
        [&[Open, LogSession, LogContact, Sort][..], MOVE, GLOBAL].concat()
    }

    fn in_flight(&self) -> Vec<ReqId> {
        self.list.req().into_iter().collect()
    }

    /// Live refresh: loaded again when what it lists changed.
    fn on_changed(&mut self, cx: &mut Cx, changes: &crate::domain::live::Changes) -> Vec<Effect> {
        use crate::domain::live::Table;
        crate::app::screens::room::reload_if(
            cx,
            changes,
            &[Table::Students, Table::Interventions, Table::Sessions],
        )
    }

    fn load(&mut self, cx: &mut Cx) -> Vec<Effect> {
        cx.load(&mut self.list, Read::MyCaseload { sort: self.sort })
    }

    fn on_key(
        &mut self,
        cx: &mut Cx,
        _key: &KeyEvent,
        action: Option<Action>,
    ) -> Option<Vec<Effect>> {
        let action = action?;
        if let Some(delta) = action.movement(cx.page()) {
            self.cursor.move_by(delta, self.students().len());
            return Some(vec![]);
        }
        if action == Action::Sort {
            // The first rows of the other order: from the top.
            self.sort = self.sort.next();
            self.cursor = Cursor::default();
            return Some(self.load(cx));
        }
        let s = match action {
            Action::Open | Action::LogSession | Action::LogContact => self.selected()?,
            _ => return None,
        };
        let (id, name) = (s.student_id, s.name.clone());
        cx.go(match action {
            Action::Open => Nav::Push(Box::new(Screen::Student(StudentState::new(id, name)))),
            Action::LogSession => Nav::LogSession(LogFor::Student { id, name }),
            _ => Nav::LogContact(ContactFor {
                student_id: id,
                student_name: name,
                intervention_id: None,
                parent_id: None,
            }),
        });
        Some(vec![])
    }

    fn on_reply(&mut self, _cx: &mut Cx, req: ReqId, data: Data) -> Vec<Effect> {
        if let Data::MyCaseload { list } = data {
            self.list.arrive(req, *list);
            self.cursor.clamp(self.students().len());
        }
        vec![]
    }

    fn on_failed(&mut self, _cx: &mut Cx, req: ReqId, why: &str) -> bool {
        self.list.fail(req, why)
    }
}

#[cfg(test)]
pub(crate) mod tests;
