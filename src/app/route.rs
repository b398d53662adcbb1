//! Who gets a key. The topmost open layer takes it (the password prompt,
//! the command line, help, the session-log picker); otherwise the screen on
//! top does. A screen answers `None` for a key it gives no meaning, and only
//! then do the global bindings (quit, help, command line, back, retry)
//! apply. A screen's own modals and text boxes come first in its `on_key`,
//! so a letter typed into them is a letter.
//!
//! Two keys come before all that: while the terminal is too small to show
//! anything, only quitting and help act (nothing may happen unseen); and a
//! function key bound to help opens it over any screen, since it is never
//! text.

use super::keymap::Action;
use super::nav::{cancel_all, reload};
use super::{Conn, Effect, Modal, State, auth, help, palette, session_log};
use crate::config::Password;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// What is in front, top first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layer {
    /// The password prompt, above everything else.
    Auth,
    Command,
    Help,
    /// Which intervention to log a session for, over any screen.
    LogPick,
    /// No layer: the screen on top.
    Screen,
}

pub fn layer(state: &State) -> Layer {
    if state.auth.is_some() {
        Layer::Auth
    } else if state.modal == Some(Modal::Command) {
        Layer::Command
    } else if state.modal == Some(Modal::Help) {
        Layer::Help
    } else if state.log_pick.is_some() {
        Layer::LogPick
    } else {
        Layer::Screen
    }
}

pub(super) fn on_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    if key.code == KeyCode::Char('c') && key.modifiers.contains(KeyModifiers::CONTROL) {
        state.quit = true;
        return vec![];
    }
    let action = state.keymap.action(&key);
    if state.too_small() {
        return too_small(state, action);
    }
    // A message answers the previous key; the next key dismisses it.
    state.message = None;
    let layer = layer(state);
    if layer == Layer::Screen && action == Some(Action::Help) && matches!(key.code, KeyCode::F(_)) {
        help::open(state);
        return vec![];
    }
    match layer {
        Layer::Auth => auth::on_key(state, key),
        Layer::Command => palette::on_key(state, &key),
        Layer::Help => {
            help::on_key(state, action);
            vec![]
        }
        Layer::LogPick => session_log::pick_key(state, &key),
        Layer::Screen => match super::screens::on_key(state, &key, action) {
            Some(effects) => effects,
            None => global(state, action),
        },
    }
}

/// The terminal shows only "too small": quit, and help (on or off, seen once
/// the terminal is larger); every other key is dropped, since nobody can
/// see what it would do.
fn too_small(state: &mut State, action: Option<Action>) -> Vec<Effect> {
    match action {
        Some(Action::Quit) => state.quit = true,
        Some(Action::Help) if state.modal == Some(Modal::Help) => state.modal = None,
        Some(Action::Help) => help::open(state),
        _ => {}
    }
    vec![]
}

/// The bindings that mean the same on every screen.
fn global(state: &mut State, action: Option<Action>) -> Vec<Effect> {
    match action {
        Some(Action::Quit) => {
            state.quit = true;
            vec![]
        }
        Some(Action::Help) => {
            help::open(state);
            vec![]
        }
        Some(Action::Command) => {
            palette::open(state);
            vec![]
        }
        Some(Action::Back) => {
            if state.screens.len() > 1
                && let Some(gone) = state.screens.pop()
            {
                return cancel_all(&gone);
            }
            vec![]
        }
        Some(Action::Copy) => {
            state.info("nothing to copy here: y copies on the roster, a student's record and an intervention");
            vec![]
        }
        Some(Action::Retry) => match state.conn {
            Conn::Failed { .. } => super::update::connect(state),
            Conn::Connecting { .. } => vec![],
            Conn::Connected(_) => {
                let top = state.screens.len() - 1;
                reload(state, top)
            }
        },
        _ => vec![],
    }
}

/// Bracketed paste: into the password prompt when it is open, else into
/// whatever text box the top screen has focused; nowhere while the terminal
/// is too small to show it.
pub(super) fn on_paste(state: &mut State, text: &Password) -> Vec<Effect> {
    if state.too_small() {
        return vec![];
    }
    if state.auth.is_some() {
        auth::on_paste(state, text);
        return vec![];
    }
    super::screens::on_paste(state, text.expose())
}
