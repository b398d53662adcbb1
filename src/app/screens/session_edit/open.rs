//! Opening the editor: for a new session, an edit, or a recovered draft.
//! The builders make the screen; it loads what it needs when pushed.

use super::*;
use crate::app::screens::room::Cx;
use crate::app::{Effect, Screen, State};

/// Said instead of opening while there is no database to ask.
pub const NOT_CONNECTED: &str =
    "not connected: the editor needs the intervention's details once (r retries)";

/// The editor for a new session of `intervention_id`; it shows once the
/// context arrives.
pub fn new_session_screen(intervention_id: Uuid, title: String) -> Screen {
    loading(intervention_id, None, title)
}

/// The editor on a saved session, as it is now in the database.
pub fn edit_session_screen(intervention_id: Uuid, session_id: Uuid, title: String) -> Screen {
    loading(intervention_id, Some(session_id), title)
}

fn loading(intervention_id: Uuid, session_id: Option<Uuid>, title: String) -> Screen {
    Screen::Session(Box::new(SessionScreen {
        title,
        intervention_id,
        session_id,
        editing: Loadable::default(),
    }))
}

/// A recovered draft, open at once: it needs no database.
pub fn draft_screen(d: SessionDraft) -> Screen {
    let editor = Editor::from_draft(d);
    let title = editor.label();
    let intervention_id = editor.context.intervention_id;
    let session_id = editor.base_version.map(|_| editor.id);
    let mut editing = Loadable::default();
    editing.set(Box::new(editor));
    Screen::Session(Box::new(SessionScreen {
        title,
        intervention_id,
        session_id,
        editing,
    }))
}

/// For a room: opens an editor built above, or says why not.
pub fn open_editor(cx: &mut Cx, screen: Screen) {
    if cx.is_connected() {
        cx.push(screen);
    } else {
        cx.error(NOT_CONNECTED);
    }
}

/// `open_editor` for callers that still hold the whole state.
pub fn open_new(state: &mut State, intervention_id: Uuid, title: String) -> Vec<Effect> {
    open(state, new_session_screen(intervention_id, title))
}

/// `open_editor` for callers that still hold the whole state.
pub fn open_edit(
    state: &mut State,
    intervention_id: Uuid,
    session_id: Uuid,
    title: String,
) -> Vec<Effect> {
    open(
        state,
        edit_session_screen(intervention_id, session_id, title),
    )
}

fn open(state: &mut State, screen: Screen) -> Vec<Effect> {
    if !state.is_connected() {
        state.error(NOT_CONNECTED);
        return vec![];
    }
    crate::app::screens::push(state, screen)
}
