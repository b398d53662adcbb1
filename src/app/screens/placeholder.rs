//! A menu target this version of caseload has no screen for (a menu written
//! for a newer client): says so under the item's name, never pretends. The
//! Tools screen keeps such tools from being approved (`screens::TARGETS`).

use crate::app::Effect;
use crate::app::keymap::Action;
use crate::app::screens::room::{Cx, Room};
use crossterm::event::KeyEvent;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placeholder {
    pub label: String,
}

impl Room for Placeholder {
    fn title(&self) -> String {
        self.label.clone()
    }

    fn on_key(&mut self, _: &mut Cx, _: &KeyEvent, _: Option<Action>) -> Option<Vec<Effect>> {
        None
    }
}
