//! The schools screen: every school in the district, read-only. It takes
//! only what it needs: its own state, the key's action, and request ids.

use crate::app::hint::{GLOBAL, MOVE};
use crate::app::keymap::{Action, Context};
use crate::app::list::Cursor;
use crate::app::loadable::Loadable;
use crate::app::screens::room::{Cx, Room};
use crate::app::{Data, Effect, Read, ReqId};
use crate::domain::school::School;
use crossterm::event::KeyEvent;

/// The menu's target for this screen (the `tools` row's key).
pub const TARGET: &str = "admin.schools";
/// `:schools` opens it.
pub const COMMAND: &str = "schools";
pub const TITLE: &str = "Schools";

#[derive(Debug, Clone, Default, PartialEq)]
pub struct SchoolsState {
    pub list: Loadable<Vec<School>>,
    pub cursor: Cursor,
    /// Inactive schools are listed too (`i` hides them).
    pub hide_inactive: bool,
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
        TITLE.into()
    }

    fn keys(&self) -> Vec<Action> {
        [&[Action::InactiveSchools][..], MOVE, GLOBAL].concat()
    }

    fn in_flight(&self) -> Vec<ReqId> {
        self.list.req().into_iter().collect()
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
        let len = self.shown().len();
        let page = cx.page();
        if cx.keymap.action_in(key, |c| c == Context::Schools) == Some(Action::InactiveSchools) {
            self.hide_inactive = !self.hide_inactive;
            self.cursor.clamp(self.shown().len());
            return Some(vec![]);
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

    fn on_failed(&mut self, _cx: &mut Cx, req: ReqId, why: &str) -> bool {
        self.list.fail(req, why)
    }
}

#[cfg(test)]
pub(crate) mod tests;
