//! The menu: what the database lets this person open, with hotkeys.

mod hotkeys;
mod state;
#[cfg(test)]
mod tests;

pub use hotkeys::{Clash, Holder, beats_hotkeys, reserved, settle};
pub use state::*;

use crate::app::hint::{GLOBAL, MOVE};
use crate::app::keymap::Action;
use crate::app::screens::room::{Cx, Nav, Room};
use crate::app::{Data, Effect, Read, ReqId};
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
    pub fn on_action(
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
    /// going back or moving (`beats_hotkeys`); `settle` gave the items that
    /// asked for one of those another letter.
    fn hotkey(&self, key: &KeyEvent, action: Option<Action>) -> Option<usize> {
        let KeyCode::Char(c) = key.code else {
            return None;
        };
        if !key.modifiers.difference(KeyModifiers::SHIFT).is_empty()
            || action.is_some_and(beats_hotkeys)
        {
            return None;
        }
        self.by_hotkey(c)
    }

    /// The selected item's screen.
    fn open(&self) -> MenuKey {
        match self.chosen() {
            Some((target, label)) => MenuKey::Open { target, label },
            None => MenuKey::Stay,
        }
    }

    /// The selected item's target and label, when an item is selected.
    pub fn chosen(&self) -> Option<(String, String)> {
        match self.selected().map(|e| (&e.kind, &e.label)) {
            Some((EntryKind::Item { target }, label)) => Some((target.clone(), label.clone())),
            _ => None,
        }
    }
}

impl Room for MenuState {
    fn title(&self) -> String {
        "Menu".into()
    }

    fn keys(&self) -> Vec<Action> {
        [&[Action::Open][..], MOVE, GLOBAL].concat()
    }

    fn in_flight(&self) -> Vec<ReqId> {
        self.list.req().into_iter().collect()
    }

    fn load(&mut self, cx: &mut Cx) -> Vec<Effect> {
        cx.load(&mut self.list, Read::Menu)
    }

    fn on_key(
        &mut self,
        cx: &mut Cx,
        key: &KeyEvent,
        action: Option<Action>,
    ) -> Option<Vec<Effect>> {
        if let MenuKey::Open { target, label } = self.on_action(key, action, cx.page())? {
            cx.go(Nav::Open { target, label });
        }
        Some(vec![])
    }

    /// The menu arrived: show it, and once, open the start screen over it.
    fn on_reply(&mut self, cx: &mut Cx, req: ReqId, data: Data) -> Vec<Effect> {
        if let Data::Menu { items } = data
            && self.list.waits_for(req)
        {
            self.list.stop();
            let mut entries = build(&items);
            // `doctor` names the clashes; here the menu only has to stay usable.
            settle(&mut entries, cx.keymap);
            self.set_entries(entries);
            cx.go(Nav::StartScreen);
        }
        vec![]
    }

    fn on_failed(&mut self, _cx: &mut Cx, req: ReqId, why: &str) -> bool {
        self.list.fail(req, why);
        true
    }
}
