//! The menu: what the database lets this person open, with hotkeys.

mod state;

pub use state::*;

use crate::app::keymap::{Action, Context};
use crate::app::nav::{find_req, open_start_screen, open_target};
use crate::app::{Data, Effect, ReqId, Screen, State};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// What a key on the menu asks of the stack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MenuKey {
    /// The cursor moved (or nothing to do).
    Stay,
    /// Open the item's screen.
    Open { target: String, label: String },
}

impl MenuState {
    /// Its hotkeys first, then movement and open; `None` leaves the key to
    /// the global bindings. `page` is how many items a page moves.
    pub fn on_key(
        &mut self,
        key: &KeyEvent,
        action: Option<Action>,
        page: isize,
    ) -> Option<MenuKey> {
        if let Some(i) = self.hotkey(key, action) {
            self.cursor = i;
            return Some(self.open());
        }
        match action? {
            Action::Up => self.move_by(-1),
            Action::Down => self.move_by(1),
            Action::PageUp => self.move_by(-page),
            Action::PageDown => self.move_by(page),
            Action::Top => self.to_end(false),
            Action::Bottom => self.to_end(true),
            Action::Open => return Some(self.open()),
            _ => return None,
        }
        Some(MenuKey::Stay)
    }

    /// Menu hotkeys are data, so they may collide with bindings. They win
    /// over keys that are merely convenient on the menu (retry, open,
    /// unbound keys, other screens' keys) but never over quitting, help,
    /// going back or moving.
    fn hotkey(&self, key: &KeyEvent, action: Option<Action>) -> Option<usize> {
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
        self.by_hotkey(c)
    }

    /// The selected item's screen.
    fn open(&self) -> MenuKey {
        match self.selected().map(|e| (&e.kind, &e.label)) {
            Some((EntryKind::Item { target }, label)) => MenuKey::Open {
                target: target.clone(),
                label: label.clone(),
            },
            _ => MenuKey::Stay,
        }
    }
}

/// Keys on the menu, given the menu on top.
pub fn on_key(state: &mut State, key: &KeyEvent, action: Option<Action>) -> Option<Vec<Effect>> {
    let page = state.view().saturating_sub(1).max(1) as isize;
    let Screen::Menu(m) = state.top_mut() else {
        return None;
    };
    Some(match m.on_key(key, action, page)? {
        MenuKey::Stay => vec![],
        MenuKey::Open { target, label } => open_target(state, &target, label),
    })
}

/// Opens the selected item's screen.
pub fn open_selected(state: &mut State) -> Vec<Effect> {
    let Screen::Menu(m) = state.top() else {
        return vec![];
    };
    match m.open() {
        MenuKey::Open { target, label } => open_target(state, &target, label),
        MenuKey::Stay => vec![],
    }
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
