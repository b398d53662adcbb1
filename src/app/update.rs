//! The top-level transition: each message goes to whoever waits for it, a
//! key to the router, a reply to the screen that asked.

use super::nav::reload;
use super::palette::students;
use super::{Conn, Data, Effect, Level, MESSAGE_TICKS, Msg, OutboxStatus, ReqId, State};
use super::{auth, command, copy, outbox, route, session_log};
use crate::domain::user::Whoami;

pub fn update(state: &mut State, msg: Msg) -> Vec<Effect> {
    let mut effects = step(state, msg);
    if state.copy_off {
        if copy::withhold(&mut effects) {
            state.info(copy::OFF);
        }
    } else if let Some(note) = &state.clipboard_note
        && effects
            .iter()
            .any(|e| matches!(e, Effect::Clipboard { .. }))
        && let Some((_, text)) = &mut state.message
        && !text.contains(note.as_str())
    {
        text.push_str("; ");
        text.push_str(note);
    }
    effects
}

fn step(state: &mut State, msg: Msg) -> Vec<Effect> {
    match msg {
        Msg::Start => {
            let mut fx = connect(state);
            // Drafts are local: offered whether or not the database answers.
            fx.push(Effect::LoadDrafts { show: false });
            fx
        }
        Msg::Key(key) => route::on_key(state, key),
        Msg::Resize { width, height } => {
            state.width = width;
            state.height = height;
            super::screens::on_resize(state);
            vec![]
        }
        Msg::Tick => {
            if state.busy() {
                state.spinner = state.spinner.wrapping_add(1);
            }
            fade(state);
            vec![]
        }
        Msg::Connected { req, whoami } => connected(state, req, whoami),
        Msg::Authenticated {
            req,
            whoami,
            keyring,
        } => {
            let effects = connected(state, req, whoami);
            match keyring {
                Some(Ok(text)) => state.info(text),
                Some(Err(text)) => state.error(text),
                None => {}
            }
            effects
        }
        Msg::ConnectionFailed { req, reason } => {
            if state.conn == (Conn::Connecting { req }) {
                state.conn = Conn::Failed { req, reason };
            }
            vec![]
        }
        Msg::AuthRequired {
            req,
            target,
            reason,
            stored_secret_failed,
        } => {
            if state.conn == (Conn::Connecting { req }) {
                state.conn = Conn::Failed {
                    req,
                    reason: reason.clone(),
                };
                auth::open(state, target, reason, stored_secret_failed);
            }
            vec![]
        }
        Msg::KeyringDone { result } => {
            match result {
                Ok(text) => state.info(text),
                Err(text) => state.error(text),
            }
            if let Some(p) = state.auth.as_mut() {
                p.note = None;
            }
            vec![]
        }
        Msg::Paste(text) => route::on_paste(state, &text),
        Msg::ThemeApplied { name, outcome } => command::theme_applied(state, &name, outcome),
        Msg::Loaded { req, data } => on_loaded(state, req, data),
        Msg::RosterFiltersSaved { result } => {
            if let Err(e) = result {
                state.error(format!("filters not remembered: {e}"));
            }
            vec![]
        }
        Msg::Written { req, wrote } => super::screens::on_written(state, req, wrote),
        Msg::DraftsFound {
            drafts,
            unreadable,
            show,
        } => outbox::drafts_found(state, drafts, unreadable, show),
        Msg::DraftFailed { why } => {
            state.error(format!("draft NOT saved on this machine: {why}"));
            vec![]
        }
        Msg::SubmitFailed { id, why } => {
            outbox::refused(state, id, &format!("could not write the outbox: {why}"), "")
        }
        Msg::SessionSaved { id, label, .. } => outbox::saved(state, id, &label),
        Msg::SessionConflict { id, theirs, label } => outbox::conflict(state, id, &theirs, &label),
        Msg::SessionRefused { id, why, label } => outbox::refused(state, id, &why, &label),
        Msg::Files { req, event } => super::screens::on_files(state, req, event),
        Msg::Changed { changes } => super::live::on_changed(state, &changes),
        Msg::Link { online, at } => {
            super::live::on_link(state, online, at);
            vec![]
        }
        Msg::ReadsFrom { note } => {
            state.reads_note = note;
            vec![]
        }
        Msg::OutboxPending { count, last_error } => {
            state.outbox = OutboxStatus {
                pending: count,
                last_error: last_error.clone(),
            };
            if count > 0 && last_error.is_some() {
                return outbox::waiting(state);
            }
            vec![]
        }
        Msg::QueryFailed { req, reason } if session_log::waiting_for(state, req) => {
            session_log::on_failed(state, reason);
            vec![]
        }
        Msg::QueryFailed { req, reason } if students::waiting_for(state, req) => {
            students::on_failed(state, &reason);
            vec![]
        }
        Msg::QueryFailed { req, reason } if state.tool_check == Some(req) => {
            state.tool_check = None;
            state.error(format!("could not check access: {reason}"));
            vec![]
        }
        Msg::QueryFailed { req, reason } => {
            if !super::screens::on_failed(state, req, &reason) {
                return vec![];
            }
            state.error(format!("query failed: {reason}"));
            vec![]
        }
    }
}

/// An info message has said its piece after `MESSAGE_TICKS`; an error
/// waits for a key.
fn fade(state: &mut State) {
    if !matches!(state.message, Some((Level::Info, _))) {
        return;
    }
    state.message_age += 1;
    if state.message_age >= MESSAGE_TICKS {
        state.message = None;
    }
}

/// An answer goes to whoever waits for its request: a layer over the
/// screens, or the screen that asked. Anything older finds nobody and is
/// dropped.
fn on_loaded(state: &mut State, req: ReqId, data: Data) -> Vec<Effect> {
    if state.tool_check == Some(req) {
        state.tool_check = None;
        return command::on_tool_checked(state, data);
    }
    if session_log::waiting_for(state, req) {
        return session_log::on_reply(state, req, data);
    }
    if students::waiting_for(state, req) {
        return students::on_reply(state, data);
    }
    super::screens::on_reply(state, req, data)
}

fn connected(state: &mut State, req: ReqId, whoami: Whoami) -> Vec<Effect> {
    if state.conn != (Conn::Connecting { req }) {
        return vec![];
    }
    state.conn = Conn::Connected(whoami);
    state.auth = None;
    let mut effects = Vec::new();
    for i in 0..state.screens.len() {
        effects.extend(reload(state, i));
    }
    effects
}

pub(super) fn connect(state: &mut State) -> Vec<Effect> {
    let req = state.alloc();
    state.conn = Conn::Connecting { req };
    vec![Effect::Connect { req }]
}
