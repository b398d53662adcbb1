//! The intervention detail: tabs of goals, sessions, team and more; the
//! lifecycle prompt above it; the team tab's editing (`team.rs` in app).

mod state;
pub mod team;

pub use state::*;

use crate::app::keymap::{Action, Context};
use crate::app::nav::{find_req, reload};
use crate::app::{Data, Effect, ReqId, Screen, State, iv_edit, session_log};
use crossterm::event::{KeyCode, KeyEvent};

/// Keys on the detail. Its own modals first (the lifecycle prompt, the
/// session-delete question, the team tab's picker and forms take every
/// key), then its commands; `None` leaves the key to the global bindings.
pub fn on_key(state: &mut State, key: &KeyEvent, action: Option<Action>) -> Option<Vec<Effect>> {
    let Screen::Intervention(d) = state.top_mut() else {
        return None;
    };
    if d.prompt.is_some() {
        return Some(match prompt_key(d, key, action) {
            Some(submit) => submit_transition(state, submit),
            None => vec![],
        });
    }
    if d.session_delete.is_some() {
        return session_log::sessions_tab_key(state, key, action);
    }
    if let Some(effects) = team::on_key(state, key) {
        return Some(effects);
    }
    if action == Some(Action::LogSession) {
        return session_log::log_session(state);
    }
    if let Some(effects) = session_log::sessions_tab_key(state, key, action) {
        return Some(effects);
    }
    if let Some(a) = action
        && let Some(effects) = iv_edit::detail_key(state, a)
    {
        return Some(effects);
    }
    // Digits pick a tab (they are the student record's tab keys too),
    // unless someone bound one to a global action.
    if action.is_some_and(|a| a.context() == Context::Global) {
        return None;
    }
    if let KeyCode::Char(c @ '1'..='9') = key.code {
        if let Screen::Intervention(d) = state.top_mut()
            && let Some(tab) = c
                .to_digit(10)
                .and_then(|n| Tab::ALL.get((n as usize).checked_sub(1)?))
        {
            d.set_tab(*tab);
        }
        return Some(vec![]);
    }
    list_action(state, action?)
}

fn list_action(state: &mut State, action: Action) -> Option<Vec<Effect>> {
    let page = state.view().saturating_sub(1).max(1) as isize;
    let Screen::Intervention(d) = state.top_mut() else {
        return None;
    };
    match action {
        Action::Up => d.move_by(-1),
        Action::Down => d.move_by(1),
        Action::PageUp => d.move_by(-page),
        Action::PageDown => d.move_by(page),
        Action::Top => d.move_by(isize::MIN),
        Action::Bottom => d.move_by(isize::MAX),
        Action::NextTab => d.set_tab(d.tab.cycled(true)),
        Action::PrevTab => d.set_tab(d.tab.cycled(false)),
        Action::Actions => {
            if let Err(why) = d.open_actions() {
                state.info(why);
            }
        }
        _ => return None,
    }
    Some(vec![])
}

fn submit_transition(state: &mut State, s: Submit) -> Vec<Effect> {
    let req = state.alloc();
    if let Screen::Intervention(d) = state.top_mut() {
        d.saving = Some(req);
    }
    vec![Effect::Transition {
        req,
        id: s.id,
        expected_version: s.expected_version,
        to: s.to,
        outcome: s.outcome,
        notes: s.notes,
    }]
}

/// The answer to `Effect::Transition`.
pub fn on_transition(state: &mut State, req: ReqId, outcome: WriteOutcome) -> Vec<Effect> {
    let Some(i) = state
        .screens
        .iter()
        .position(|s| matches!(s, Screen::Intervention(d) if d.saving == Some(req)))
    else {
        return vec![];
    };
    let Screen::Intervention(d) = &mut state.screens[i] else {
        return vec![];
    };
    d.saving = None;
    let mut reload_all = false;
    match outcome {
        WriteOutcome::Saved(_) => {
            reload_all = true;
            state.info("saved: reloading");
        }
        WriteOutcome::Conflict(current) => {
            // Show the row as it is now at once; the full reload follows.
            let status = current.status;
            if let Some(x) = d.detail.as_mut() {
                x.header = *current;
            }
            reload_all = true;
            state.error(format!(
                "changed by someone else: reloaded (now {status}); nothing was saved"
            ));
        }
        WriteOutcome::Refused(why) => state.error(why),
        WriteOutcome::Gone => state.error("not found (deleted, or not visible to you)"),
        WriteOutcome::Failed(why) => state.error(format!("not saved: {why}")),
    }
    if !reload_all {
        return vec![];
    }
    // The home lists depend on status too.
    let mut effects = reload(state, i);
    for j in 0..state.screens.len() {
        if matches!(state.screens[j], Screen::Home(_)) {
            effects.extend(reload(state, j));
        }
    }
    effects
}

pub fn on_reply(state: &mut State, req: ReqId, data: Data) -> Vec<Effect> {
    if let Data::Intervention { detail, today } = data
        && let Some(Screen::Intervention(d)) = find_req(state, req)
    {
        d.req = None;
        match detail {
            Some(x) => d.apply(*x, today),
            None => d.error = Some("this intervention is not visible to you".into()),
        }
    }
    vec![]
}

#[cfg(test)]
mod team_tests;
#[cfg(test)]
pub(crate) mod tests;
