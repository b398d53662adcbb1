//! A menu target that is not built yet: its name and "not built yet", so the
//! menu never pretends (nor promises when).

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
