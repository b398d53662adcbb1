//! The help overlay: opening it, and scrolling it while it takes the keys.
//! Its lines come from the key table (`keymap.rs`).

use super::keymap::{Action, KeyMap};
use super::{Modal, State};

pub(crate) fn open(state: &mut State) {
    state.modal = Some(Modal::Help);
    state.help_scroll = 0;
}

/// While help is open it takes every key; only its own way out does more
/// than scroll.
pub(super) fn on_key(state: &mut State, action: Option<Action>) {
    if matches!(action, Some(Action::Help | Action::Back | Action::Quit)) {
        state.modal = None;
    } else {
        scroll(state, action);
    }
}
/// Lines of the help overlay: per context a title and its actions, a blank
/// line between contexts, then the menu's hotkey paragraph (blank, title,
/// line). `ui::help` draws exactly these; a test there keeps them equal.
pub fn help_line_count(keymap: &KeyMap) -> usize {
    let help = keymap.help();
    let body: usize = help.iter().map(|(_, actions)| 1 + actions.len()).sum();
    body + help.len().saturating_sub(1) + 3
}

/// Rows of help text that fit: the screen minus the title bar, the status
/// line and the overlay's border.
pub fn help_rows(state: &State) -> usize {
    usize::from(state.height.saturating_sub(4)).max(1)
}

fn scroll(state: &mut State, action: Option<Action>) {
    let rows = help_rows(state);
    let max = help_line_count(&state.keymap).saturating_sub(rows);
    let at = state.help_scroll.min(max);
    state.help_scroll = match action {
        Some(Action::Down) => (at + 1).min(max),
        Some(Action::Up) => at.saturating_sub(1),
        Some(Action::PageDown) => (at + rows).min(max),
        Some(Action::PageUp) => at.saturating_sub(rows),
        Some(Action::Top) => 0,
        Some(Action::Bottom) => max,
        _ => at,
    };
}
