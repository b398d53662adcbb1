//! Who gets a key. The topmost open layer takes it (the password prompt,
//! the command line, help, the session-log picker); otherwise the screen on
//! top does. A screen answers `None` for a key it gives no meaning, and only
//! then do the global bindings (quit, help, command line, back, retry)
//! apply. A screen's own modals and text boxes come first in its `on_key`,
//! so a letter typed into them is a letter.

use super::command::CommandLine;
use super::keymap::Action;
use super::nav::{cancel_all, reload};
use super::screens::{home, intervention, menu, roster};
use super::session_edit::recover;
use super::{Conn, Effect, Modal, Screen, State, auth, command, help, session_edit, session_log};
use super::{iv_edit, student, team};
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
    // A message answers the previous key; the next key dismisses it.
    state.message = None;
    let action = state.keymap.action(&key);
    match layer(state) {
        Layer::Auth => auth::on_key(state, key),
        Layer::Command => command::on_key(state, &key),
        Layer::Help => {
            help::on_key(state, action);
            vec![]
        }
        Layer::LogPick => session_log::pick_key(state, &key),
        Layer::Screen => match screen_key(state, &key, action) {
            Some(effects) => effects,
            None => global(state, action),
        },
    }
}

/// The top screen's meaning of the key, if it has one.
fn screen_key(state: &mut State, key: &KeyEvent, action: Option<Action>) -> Option<Vec<Effect>> {
    match state.top() {
        Screen::Menu(_) => menu::on_key(state, key, action),
        Screen::Roster(_) => roster::on_key(state, key, action),
        Screen::Student(_) => student::on_key(state, key, action),
        Screen::Home(_) => home::on_key(state, action),
        Screen::Intervention(_) => intervention::on_key(state, key, action),
        Screen::IvEdit(_) => iv_edit::on_key(state, key, action),
        Screen::Session(_) => session_edit::on_key(state, key),
        Screen::Drafts(_) => recover::on_key(state, key, action),
        Screen::Schools(_) => {
            let page = state.view().saturating_sub(1);
            let keymap = state.keymap.clone();
            let Screen::Schools(s) = state.top_mut() else {
                return None;
            };
            s.on_key(&keymap, key, action, page)
        }
        Screen::Placeholder { .. } => None,
    }
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
            state.modal = Some(Modal::Command);
            state.command = CommandLine::default();
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
/// whatever text box the top screen has focused.
pub(super) fn on_paste(state: &mut State, text: &Password) -> Vec<Effect> {
    if state.auth.is_some() {
        auth::on_paste(state, text);
        return vec![];
    }
    let text = text.expose();
    match state.top() {
        Screen::Roster(_) => roster::on_paste(state, text),
        Screen::Intervention(_) => team::on_paste(state, text),
        Screen::Student(_) => {
            student::on_paste(state, text);
            None
        }
        Screen::IvEdit(_) => {
            iv_edit::on_paste(state, text);
            None
        }
        Screen::Session(_) => session_edit::on_paste(state, text),
        _ => None,
    }
    .unwrap_or_default()
}
