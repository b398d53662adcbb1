//! The menu: what the database lets this person open, with hotkeys.

mod state;

pub use state::*;

use crate::app::keymap::{Action, Context};
use crate::app::nav::{find_req, open_start_screen, open_target};
use crate::app::{Data, Effect, ReqId, Screen, State};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Keys on the menu: its hotkeys, then movement and open; `None` leaves the
/// key to the global bindings.
pub fn on_key(state: &mut State, key: &KeyEvent, action: Option<Action>) -> Option<Vec<Effect>> {
    if let Some(effects) = hotkey(state, key, action) {
        return Some(effects);
    }
    let page = state.view().saturating_sub(1).max(1) as isize;
    let Screen::Menu(m) = state.top_mut() else {
        return None;
    };
    match action? {
        Action::Up => m.move_by(-1),
        Action::Down => m.move_by(1),
        Action::PageUp => m.move_by(-page),
        Action::PageDown => m.move_by(page),
        Action::Top => m.to_end(false),
        Action::Bottom => m.to_end(true),
        Action::Open => return Some(open_selected(state)),
        _ => return None,
    }
    Some(vec![])
}

/// Menu hotkeys are data, so they may collide with bindings. They win over
/// keys that are merely convenient on the menu (retry, open, unbound keys,
/// other screens' keys) but never over quitting, help, going back or moving.
fn hotkey(state: &mut State, key: &KeyEvent, action: Option<Action>) -> Option<Vec<Effect>> {
    let KeyCode::Char(c) = key.code else {
        return None;
    };
    if !key.modifiers.difference(KeyModifiers::SHIFT).is_empty()
        || !matches!(action, None | Some(Action::Retry | Action::Open))
            && !action.is_some_and(|a| {
                matches!(
                    a.context(),
                    Context::Student
                        | Context::Team
                        | Context::Intervention
                        | Context::Form
                        | Context::Conflict
                )
            })
    {
        return None;
    }
    let Screen::Menu(m) = state.top_mut() else {
        return None;
    };
    m.cursor = m.by_hotkey(c)?;
    Some(open_selected(state))
}

/// Opens the selected item's screen.
pub fn open_selected(state: &mut State) -> Vec<Effect> {
    let Screen::Menu(m) = state.top() else {
        return vec![];
    };
    let Some(entry) = m.selected() else {
        return vec![];
    };
    let label = entry.label.clone();
    let target = match &entry.kind {
        EntryKind::Item { target } => target.clone(),
        _ => return vec![],
    };
    open_target(state, &target, label)
}

/// The menu arrived: show it, and once, open the start screen over it.
pub fn on_reply(state: &mut State, req: ReqId, data: Data) -> Vec<Effect> {
    let Data::Menu { items } = data else {
        return vec![];
    };
    let Some(Screen::Menu(m)) = find_req(state, req) else {
        return vec![];
    };
    m.req = None;
    m.set_entries(build(&items));
    open_start_screen(state)
}
