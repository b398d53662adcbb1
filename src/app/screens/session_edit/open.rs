//! Opening the editor: for a new session, an edit, or a recovered draft;
//! and the context it waits for.

use super::*;

// ---- opening --------------------------------------------------------------

/// Opens the editor for a new session of `intervention_id`; it shows once
/// the context arrives.
pub fn open_new(state: &mut State, intervention_id: Uuid, title: String) -> Vec<Effect> {
    open(state, intervention_id, None, title)
}

/// Opens the editor on a saved session, as it is now in the database.
pub fn open_edit(
    state: &mut State,
    intervention_id: Uuid,
    session_id: Uuid,
    title: String,
) -> Vec<Effect> {
    open(state, intervention_id, Some(session_id), title)
}

fn open(
    state: &mut State,
    intervention_id: Uuid,
    session_id: Option<Uuid>,
    title: String,
) -> Vec<Effect> {
    if !state.is_connected() {
        state.error("not connected: the editor needs the intervention's details once (r retries)");
        return vec![];
    }
    let req = state.alloc();
    state.screens.push(Screen::Session(Box::new(SessionScreen {
        title,
        req: Some(req),
        intervention_id,
        session_id,
        error: None,
        editor: None,
    })));
    vec![Effect::Load {
        req,
        read: Read::SessionContext {
            intervention_id,
            session_id,
        },
    }]
}

/// Opens a recovered draft; it needs no database.
pub fn open_draft(state: &mut State, d: SessionDraft) -> Vec<Effect> {
    let editor = Editor::from_draft(d);
    state.screens.push(Screen::Session(Box::new(SessionScreen {
        title: editor.label(),
        req: None,
        intervention_id: editor.context.intervention_id,
        session_id: editor.base_version.map(|_| editor.id),
        error: None,
        editor: Some(Box::new(editor)),
    })));
    vec![]
}

/// The context (and the stored session, for an edit) arrived.
pub fn on_context(
    state: &mut State,
    req: ReqId,
    loaded: Option<(SessionContext, Option<StoredSession>)>,
    today: NaiveDate,
    offline: Option<String>,
) -> Vec<Effect> {
    let id = state.mint_id();
    let Some(s) = find(state, |s| s.req == Some(req)) else {
        return vec![];
    };
    s.req = None;
    let Some((context, stored)) = loaded else {
        s.error = Some("this intervention is not visible to you".into());
        return vec![];
    };
    if !context.may_write {
        s.error = Some(format!(
            "you may read {} but not log or change its sessions: ask its owner to add you \
             to the team with edit rights",
            context.intervention_name
        ));
        return vec![];
    }
    let editor = match (s.session_id, stored) {
        (None, _) => Editor::new_session(id, context, today),
        (Some(_), Some(stored)) => Editor::edit(&stored, context, today),
        (Some(_), None) => {
            s.error = Some("this session is gone, or not visible to you".into());
            return vec![];
        }
    };
    let mut editor = editor;
    if let Some(why) = offline {
        editor.notice = Some(format!(
            "offline ({why}): the details are from the last time this intervention was opened; \
             the save waits in the outbox until the database is back"
        ));
    }
    s.title = editor.label();
    s.editor = Some(Box::new(editor));
    vec![]
}

fn find(state: &mut State, f: impl Fn(&SessionScreen) -> bool) -> Option<&mut SessionScreen> {
    state.screens.iter_mut().find_map(|s| match s {
        Screen::Session(x) if f(x) => Some(x.as_mut()),
        _ => None,
    })
}

/// The editor of session `id`, wherever it is on the stack.
pub fn editor_of(state: &mut State, id: Uuid) -> Option<&mut Editor> {
    find(state, |s| s.editor.as_ref().is_some_and(|e| e.id == id))
        .and_then(|s| s.editor.as_deref_mut())
}
