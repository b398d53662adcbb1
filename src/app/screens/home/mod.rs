//! The caseload home: five sections of work, one cursor across them.

mod state;

pub use state::*;

use crate::app::keymap::Action;
use crate::app::nav::{find_req, open_intervention, push_student};
use crate::app::{Data, Effect, ReqId, Screen, State, session_log};

/// What a key on the home asks of the stack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HomeKey {
    Stay,
    Open(Target),
    /// `L`: log a session for the selected row.
    LogSession,
}

impl HomeState {
    /// Movement, sections and open; `None` leaves the key to the global
    /// bindings. `page` is how many rows a page moves.
    pub fn on_key(&mut self, action: Option<Action>, page: isize) -> Option<HomeKey> {
        match action? {
            Action::LogSession => return Some(HomeKey::LogSession),
            Action::Up => self.move_by(-1),
            Action::Down => self.move_by(1),
            Action::PageUp => self.move_by(-page),
            Action::PageDown => self.move_by(page),
            Action::Top => self.move_by(isize::MIN),
            Action::Bottom => self.move_by(isize::MAX),
            Action::NextTab => self.jump_section(true),
            Action::PrevTab => self.jump_section(false),
            Action::Open => return Some(self.selected().map_or(HomeKey::Stay, HomeKey::Open)),
            _ => return None,
        }
        Some(HomeKey::Stay)
    }
}

/// Keys on the home, given the home on top.
pub fn on_key(state: &mut State, action: Option<Action>) -> Option<Vec<Effect>> {
    let page = state.view().saturating_sub(1).max(1) as isize;
    let Screen::Home(h) = state.top_mut() else {
        return None;
    };
    match h.on_key(action, page)? {
        HomeKey::Stay => Some(vec![]),
        HomeKey::LogSession => session_log::log_session(state),
        HomeKey::Open(Target::Intervention { id, title }) => {
            Some(open_intervention(state, id, title))
        }
        HomeKey::Open(Target::Student { id, title }) => Some(push_student(state, id, title)),
    }
}

pub fn on_reply(state: &mut State, req: ReqId, data: Data) -> Vec<Effect> {
    if let Data::Home { home, today } = data
        && let Some(Screen::Home(h)) = find_req(state, req)
    {
        h.req = None;
        h.apply(*home, today);
    }
    vec![]
}
