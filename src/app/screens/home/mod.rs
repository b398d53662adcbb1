//! The caseload home: five sections of work, one cursor across them.

mod state;

pub use state::*;

use crate::app::keymap::Action;
use crate::app::nav::{find_req, open_intervention, push_student};
use crate::app::{Data, Effect, ReqId, Screen, State, session_log};

/// Keys on the home; `None` leaves the key to the global bindings.
pub fn on_key(state: &mut State, action: Option<Action>) -> Option<Vec<Effect>> {
    let page = state.view().saturating_sub(1).max(1) as isize;
    let Screen::Home(h) = state.top_mut() else {
        return None;
    };
    match action? {
        Action::LogSession => return session_log::log_session(state),
        Action::Up => h.move_by(-1),
        Action::Down => h.move_by(1),
        Action::PageUp => h.move_by(-page),
        Action::PageDown => h.move_by(page),
        Action::Top => h.move_by(isize::MIN),
        Action::Bottom => h.move_by(isize::MAX),
        Action::NextTab => h.jump_section(true),
        Action::PrevTab => h.jump_section(false),
        Action::Open => return Some(open_row(state)),
        _ => return None,
    }
    Some(vec![])
}

fn open_row(state: &mut State) -> Vec<Effect> {
    let Screen::Home(h) = state.top() else {
        return vec![];
    };
    match h.selected() {
        Some(Target::Intervention { id, title }) => open_intervention(state, id, title),
        Some(Target::Student { id, title }) => push_student(state, id, title),
        None => vec![],
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
