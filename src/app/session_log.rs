//! Where the session editor opens from: `L` on the caseload home, an
//! intervention, the roster or a student record (choosing among the
//! student's interventions when there are several), and the sessions tab's
//! edit and delete.

use super::intervention::{SessionDelete, Tab};
use super::keymap::Action;
use super::nav::reload;
use super::picker::{Picker, PickerKey};
use super::screens::room::LogFor;
use super::{Data, Effect, LogPick, ReqId, Screen, State, session_edit};
use crate::app::Read;
use crate::domain::session::LogTarget;
use crossterm::event::{KeyCode, KeyEvent};

/// `L` on a screen not yet a room: log a session for what it has
/// selected; `None` where the key means nothing.
pub fn log_session(state: &mut State) -> Option<Vec<super::Effect>> {
    let of = match state.top() {
        Screen::Intervention(d) => LogFor::Intervention {
            id: d.id,
            title: d.title.clone(),
        },
        Screen::Roster(r) => {
            let row = r.selected()?;
            LogFor::Student {
                id: row.id,
                name: format!("{}, {}", row.last_name, row.first_name),
            }
        }
        _ => return None,
    };
    Some(log_for(state, of))
}

/// The session editor for an intervention; for a student, first which of
/// their interventions (one opens at once).
pub fn log_for(state: &mut State, of: LogFor) -> Vec<Effect> {
    let (student, name) = match of {
        LogFor::Intervention { id, title } => return session_edit::open_new(state, id, title),
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
            session_edit::open_new(state, t.intervention_id, title)
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
            session_edit::open_new(state, t.intervention_id, title)
        }
    }
}

/// The sessions tab: enter or `e` edits the selected session, `x` deletes
/// it after a yes.
pub fn sessions_tab_key(
    state: &mut State,
    key: &KeyEvent,
    action: Option<Action>,
) -> Option<Vec<Effect>> {
    let Screen::Intervention(d) = state.top_mut() else {
        return None;
    };
    if let Some(del) = d.session_delete.as_mut() {
        if del.req.is_some() {
            return Some(vec![]);
        }
        if key.code == KeyCode::Char('y') {
            let (id, version) = (del.id, del.version);
            let req = state.alloc();
            if let Screen::Intervention(d) = state.top_mut()
                && let Some(del) = d.session_delete.as_mut()
            {
                del.req = Some(req);
            }
            return Some(vec![Effect::DeleteSession { req, id, version }]);
        }
        d.session_delete = None;
        return Some(vec![]);
    }
    if d.tab != Tab::Sessions || d.prompt.is_some() {
        return None;
    }
    let detail = d.detail.as_ref()?;
    let row = detail.sessions.get(d.cursor)?;
    match action {
        Some(Action::Edit | Action::Open) => {
            let (iv, id) = (d.id, row.id);
            let title = format!("{} · session of {}", d.title, row.session_date);
            Some(session_edit::open_edit(state, iv, id, title))
        }
        Some(Action::DeletePoint) => {
            d.session_delete = Some(SessionDelete {
                id: row.id,
                version: row.version,
                label: format!(
                    "{} · {} · {} min",
                    row.session_date, row.attendance, row.minutes
                ),
                req: None,
            });
            Some(vec![])
        }
        _ => None,
    }
}

pub fn on_deleted(state: &mut State, req: ReqId, outcome: Result<(), String>) -> Vec<Effect> {
    let Some(i) = state.screens.iter().position(|s| {
        matches!(s, Screen::Intervention(d)
            if d.session_delete.as_ref().and_then(|x| x.req) == Some(req))
    }) else {
        return vec![];
    };
    if let Screen::Intervention(d) = &mut state.screens[i] {
        d.session_delete = None;
    }
    match outcome {
        Ok(()) => {
            state.info("session deleted");
            reload_views(state)
        }
        Err(why) => {
            state.error(format!("not deleted: {why}"));
            vec![]
        }
    }
}

/// After a session changed: every screen that shows sessions, scores or
/// the urgency they feed loads again.
pub fn reload_views(state: &mut State) -> Vec<Effect> {
    let mut fx = Vec::new();
    for i in 0..state.screens.len() {
        if matches!(
            state.screens[i],
            Screen::Intervention(_) | Screen::Home(_) | Screen::Student(_)
        ) {
            fx.extend(reload(state, i));
        }
    }
    fx
}

/// The answer to `Read::LogTargets`.
pub fn on_reply(state: &mut State, req: ReqId, data: Data) -> Vec<Effect> {
    match data {
        Data::LogTargets { targets } => on_targets(state, req, targets),
        _ => vec![],
    }
}
