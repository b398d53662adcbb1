//! Session notes left on disk (a crash, a closed terminal, a save the
//! database refused): listed at start for recovery, and by `:drafts`.

use super::draft::SessionDraft;
use crate::app::keymap::Action;
use crate::app::{Effect, Screen, State};
use crossterm::event::{KeyCode, KeyEvent};

#[derive(Debug, Clone, Default)]
pub struct DraftsState {
    pub drafts: Vec<SessionDraft>,
    /// Files that could not be read back, with why: never deleted for the
    /// person, only reported.
    pub unreadable: Vec<String>,
    pub cursor: usize,
    /// Asking whether to discard the selected draft.
    pub confirm_discard: bool,
}

/// The worker read the drafts directory (at start, or for `:drafts`).
/// `show` opens the list even when it is empty.
pub fn on_found(
    state: &mut State,
    mut drafts: Vec<SessionDraft>,
    unreadable: Vec<String>,
    show: bool,
) -> Vec<Effect> {
    // Notes open in an editor right now are not "left over".
    let open: Vec<uuid::Uuid> = state
        .screens
        .iter()
        .filter_map(|s| match s {
            Screen::Session(x) => x.editor.as_ref().map(|e| e.id),
            _ => None,
        })
        .collect();
    drafts.retain(|d| !open.contains(&d.id));
    if let Some(Screen::Drafts(d)) = state.screens.last_mut() {
        d.drafts = drafts;
        d.unreadable = unreadable;
        d.cursor = d.cursor.min(d.drafts.len().saturating_sub(1));
        return vec![];
    }
    if drafts.is_empty() && unreadable.is_empty() {
        if show {
            state.info("no unsent session notes");
        }
        return vec![];
    }
    let n = drafts.len();
    state.screens.push(Screen::Drafts(DraftsState {
        drafts,
        unreadable,
        cursor: 0,
        confirm_discard: false,
    }));
    if !show {
        state.info(format!(
            "{n} unsent session note{} from before: enter reopens, esc for later (:drafts)",
            if n == 1 { "" } else { "s" }
        ));
    }
    vec![]
}

pub fn on_key(state: &mut State, key: &KeyEvent, action: Option<Action>) -> Option<Vec<Effect>> {
    let Screen::Drafts(d) = state.top_mut() else {
        return None;
    };
    if d.confirm_discard {
        d.confirm_discard = false;
        if key.code == KeyCode::Char('y') && d.cursor < d.drafts.len() {
            let gone = d.drafts.remove(d.cursor);
            d.cursor = d.cursor.min(d.drafts.len().saturating_sub(1));
            state.info("draft discarded");
            return Some(vec![Effect::DeleteDraft { id: gone.id }]);
        }
        return Some(vec![]);
    }
    let last = d.drafts.len().saturating_sub(1);
    match (key.code, action) {
        (KeyCode::Char('x') | KeyCode::Delete, _) if !d.drafts.is_empty() => {
            d.confirm_discard = true;
        }
        (_, Some(Action::Up)) => d.cursor = d.cursor.saturating_sub(1),
        (_, Some(Action::Down)) => d.cursor = (d.cursor + 1).min(last),
        (_, Some(Action::Top)) => d.cursor = 0,
        (_, Some(Action::Bottom)) => d.cursor = last,
        (_, Some(Action::Open)) => {
            if d.cursor < d.drafts.len() {
                let draft = d.drafts.remove(d.cursor);
                d.cursor = d.cursor.min(d.drafts.len().saturating_sub(1));
                if d.drafts.is_empty() {
                    state.screens.pop();
                }
                return Some(super::open_draft(state, draft));
            }
        }
        // Back, quit and help work as anywhere else.
        _ => return None,
    }
    Some(vec![])
}
