//! The screen stack: (re)loading a screen, and opening screens over others.

use super::{Effect, Screen, State};

/// (Re)load what screen `i` shows.
pub(crate) fn reload(state: &mut State, i: usize) -> Vec<Effect> {
    if !state.is_connected() {
        return vec![];
    }
    let mut effects = cancel_all(&state.screens[i]);
    effects.extend(super::screens::load(state, i));
    effects
}

pub(crate) fn cancel_all(screen: &Screen) -> Vec<Effect> {
    screen
        .in_flight()
        .into_iter()
        .map(|req| Effect::Cancel { req })
        .collect()
}

/// Once, at sign-in: open the start screen over the menu, so Esc leads back
/// to the menu. A person whose menu lacks it simply stays on the menu.
pub(super) fn open_start_screen(state: &mut State) -> Vec<Effect> {
    let Some(targets) = state.start_targets.take() else {
        return vec![];
    };
    // Unsent notes offered at start (and an editor opened from them) stay
    // on top; the start screen goes beneath, where Esc from them leads.
    let recovered = state
        .screens
        .iter()
        .skip(1)
        .all(|s| matches!(s, Screen::Drafts(_) | Screen::Session(_)));
    if !recovered {
        return vec![];
    }
    let above = state.screens.split_off(1);
    let chosen = match state.top_mut() {
        Screen::Menu(m) => {
            let found = targets.iter().any(|t| m.select_target(t));
            found.then(|| m.chosen()).flatten()
        }
        _ => None,
    };
    let effects = match chosen {
        Some((target, label)) => open_target(state, &target, label),
        None => vec![],
    };
    state.screens.extend(above);
    effects
}

/// Opens a screen the person may open: the menu offered it, or the database
/// said yes to `:open`.
pub(super) fn open_target(state: &mut State, target: &str, label: String) -> Vec<Effect> {
    super::screens::open(state, target, label)
}

/// Opens over the menu, as if chosen there, so Esc leads back to it.
pub(super) fn open_by_command(state: &mut State, target: &str, label: String) -> Vec<Effect> {
    let mut effects = Vec::new();
    while state.screens.len() > 1 {
        if let Some(gone) = state.screens.pop() {
            effects.extend(cancel_all(&gone));
        }
    }
    effects.extend(open_target(state, target, label));
    effects
}
