//! The outbox and the drafts directory answer by session id, not by
//! request: each answer goes to the editor holding that session, wherever
//! it is on the stack (`screens::for_sessions`); with no editor open, the
//! status line says what became of the note.

use super::screens::for_sessions;
use super::session_edit::recover::{self, DraftsState};
use super::{Effect, Screen, State};
use crate::app::session_edit::draft::SessionDraft;
use crate::domain::session::StoredSession;
use uuid::Uuid;

/// The database confirmed a save: its editor (if still open) closes, and
/// every screen showing sessions loads again.
pub fn saved(state: &mut State, id: Uuid, label: &str) -> Vec<Effect> {
    let (_, mut fx) = for_sessions(state, |s, cx| s.on_saved(cx, id));
    state.info(format!("session saved: {label}"));
    fx.extend(super::screens::reload_records(state));
    fx
}

/// Someone else saved first: an open editor shows the conflict; otherwise
/// the draft stays for later.
pub fn conflict(state: &mut State, id: Uuid, theirs: &StoredSession, label: &str) -> Vec<Effect> {
    let (took, fx) = for_sessions(state, |s, _| s.on_conflict(id, theirs));
    if !took {
        state.error(format!(
            "{label}: someone else changed this session first; yours is kept as a draft (:drafts)"
        ));
    }
    fx
}

/// The save was refused (or never reached the outbox): the editor, or the
/// draft, keeps every value.
pub fn refused(state: &mut State, id: Uuid, why: &str, label: &str) -> Vec<Effect> {
    let (took, fx) = for_sessions(state, |s, _| s.on_refused(id, why));
    if !took {
        state.error(format!(
            "{label}: not saved: {why}; kept as a draft (:drafts)"
        ));
    }
    fx
}

/// The outbox could not reach the database: an editor waiting on its save
/// hands it over.
pub fn waiting(state: &mut State) -> Vec<Effect> {
    for_sessions(state, |s, cx| s.on_waiting(cx)).1
}

/// The worker read the drafts directory (at start, or for `:drafts`): an
/// open list shows it; else it opens as a list, when there is anything.
/// `show` opens the list even when it is empty.
pub fn drafts_found(
    state: &mut State,
    drafts: Vec<SessionDraft>,
    unreadable: Vec<String>,
    show: bool,
) -> Vec<Effect> {
    let open: Vec<Uuid> = state
        .screens
        .iter()
        .filter_map(|s| match s {
            Screen::Session(x) => x.editor().map(|e| e.id),
            _ => None,
        })
        .collect();
    if let Some(Screen::Drafts(d)) = state.screens.last_mut() {
        d.refresh(drafts, unreadable, &open);
        return vec![];
    }
    let Some(list) = DraftsState::offer(drafts, unreadable, &open) else {
        if show {
            state.info(recover::NONE_LEFT);
        }
        return vec![];
    };
    if !show {
        state.info(list.offered());
    }
    super::screens::push(state, Screen::Drafts(list))
}
