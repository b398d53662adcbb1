//! Where the session editor opens from: `L` on the caseload home, an
//! intervention, the roster or a student record (choosing among the
//! student's interventions when there are several), and the sessions tab's
//! edit; what loads again after a session changed.

use super::picker::{Picker, PickerKey};
use super::screens::room::LogFor;
use super::{Data, Effect, LogPick, ReqId, Screen, State, session_edit};
use crate::app::Read;
use crate::domain::session::LogTarget;
use crossterm::event::KeyEvent;

/// The session editor for an intervention; for a student, first which of
/// their interventions (one opens at once).
pub fn log_for(state: &mut State, of: LogFor) -> Vec<Effect> {
    let (student, name) = match of {
        LogFor::Intervention { id, title } => {
            return open_editor(state, session_edit::new_session_screen(id, title));
        }
        LogFor::Saved {
            intervention_id,
            session_id,
            title,
        } => {
            return open_editor(
                state,
                session_edit::edit_session_screen(intervention_id, session_id, title),
            );
        }
        LogFor::Student { id, name } => (id, name),
    };
    if !state.is_connected() {
        state.error("not connected: r to retry");
        return vec![];
    }
    let req = state.alloc();
    state.log_pick = Some(LogPick {
        student_name: name,
        picker: Picker::loading(req),
    });
    vec![Effect::Load {
        req,
        read: Read::LogTargets {
            student_id: student,
        },
    }]
}

pub fn waiting_for(state: &State, req: ReqId) -> bool {
    state.log_pick.as_ref().and_then(|p| p.picker.req) == Some(req)
}

/// The student's interventions arrived: one opens the editor at once,
/// several are offered, none is said.
pub fn on_targets(state: &mut State, req: ReqId, targets: Vec<LogTarget>) -> Vec<Effect> {
    if !waiting_for(state, req) {
        return vec![];
    }
    let Some(mut pick) = state.log_pick.take() else {
        return vec![];
    };
    match targets.as_slice() {
        [] => {
            state.info(format!(
                "{} has no active intervention to log a session for (n creates one)",
                pick.student_name
            ));
            vec![]
        }
        [t] => {
            let title = format!("{} · {}", pick.student_name, t.name);
            open_editor(
                state,
                session_edit::new_session_screen(t.intervention_id, title),
            )
        }
        _ => {
            pick.picker.loaded(targets, |_| false);
            state.log_pick = Some(pick);
            vec![]
        }
    }
}

pub fn on_failed(state: &mut State, why: String) {
    if let Some(p) = state.log_pick.as_mut() {
        p.picker
            .failed(format!("could not load the interventions: {why}"));
    }
}

pub fn target_label(t: &LogTarget) -> String {
    t.name.clone()
}

pub fn pick_key(state: &mut State, key: &KeyEvent) -> Vec<Effect> {
    let page = usize::from(state.height.saturating_sub(8)).max(1);
    let Some(p) = state.log_pick.as_mut() else {
        return vec![];
    };
    match p.picker.key(key, page, target_label) {
        PickerKey::Handled => vec![],
        PickerKey::Closed => {
            let req = p.picker.req;
            state.log_pick = None;
            req.map(|req| vec![Effect::Cancel { req }])
                .unwrap_or_default()
        }
        PickerKey::Picked(t) => {
            let title = format!("{} · {}", p.student_name, t.name);
            state.log_pick = None;
            open_editor(
                state,
                session_edit::new_session_screen(t.intervention_id, title),
            )
        }
    }
}

/// The answer to `Read::LogTargets`.
pub fn on_reply(state: &mut State, req: ReqId, data: Data) -> Vec<Effect> {
    match data {
        Data::LogTargets { targets } => on_targets(state, req, targets),
        _ => vec![],
    }
}

/// Opens an editor built by `session_edit`, or says why not: it needs the
/// intervention's details from the database once.
fn open_editor(state: &mut State, screen: Screen) -> Vec<Effect> {
    if !state.is_connected() {
        state.error(session_edit::NOT_CONNECTED);
        return vec![];
    }
    super::screens::push(state, screen)
}
