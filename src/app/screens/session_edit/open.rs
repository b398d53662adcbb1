//! Opening the editor: for a new session, an edit, or a recovered draft.
//! The builders make the screen; it loads what it needs when pushed.

use super::*;
use crate::app::Screen;

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
