//! The top-level transition: each message goes to whoever waits for it, a
//! key to the router, a reply to the screen that asked.

use super::intervention;
use super::nav::{find_req, open_by_command, open_start_screen, reload};
use super::roster;
use super::{Conn, Effect, Msg, OutboxStatus, ReqId, Screen, State};
use super::{auth, iv_edit, menu, route, session_edit, session_log, student, team};
use crate::domain::navigation::ToolAccess;
use crate::domain::user::Whoami;

pub fn update(state: &mut State, msg: Msg) -> Vec<Effect> {
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
            roster::on_resize(state);
            vec![]
        }
        Msg::Tick => {
            if state.busy() {
                state.spinner = state.spinner.wrapping_add(1);
            }
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
        Msg::MenuLoaded { req, items } => {
            let Some(Screen::Menu(m)) = find_req(state, req) else {
                return vec![];
            };
            m.req = None;
            m.set_entries(menu::build(&items));
            open_start_screen(state)
        }
        Msg::RosterPage { req, page } => roster::on_page(state, req, page),
        Msg::RosterCount {
            req,
            total,
            estimated,
        } => roster::on_count(state, req, total, estimated),
        Msg::RosterFiltersLoaded { req, saved } => roster::on_restored(state, req, saved),
        Msg::SchoolsLoaded { req, schools } => roster::on_schools(state, req, schools),
        Msg::RosterFiltersSaved { result } => {
            if let Err(e) = result {
                state.error(format!("filters not remembered: {e}"));
            }
            vec![]
        }
        Msg::StudentLoaded { req, detail } => {
            if let Some(Screen::Student(s)) = find_req(state, req) {
                s.req = None;
                match detail {
                    Some(d) => s.detail = Some(d),
                    None => s.error = Some("this student is not visible to you".into()),
                }
            }
            vec![]
        }
        Msg::StudentSaved { req, outcome } => student::on_saved(state, req, outcome),
        Msg::ToolChecked { req, key, access } => {
            if state.tool_check != Some(req) {
                return vec![];
            }
            state.tool_check = None;
            match access {
                ToolAccess::Allowed { name } => open_by_command(state, &key, name),
                ToolAccess::Refused => {
                    state.error(format!("you don't have access to {key}"));
                    vec![]
                }
                ToolAccess::NoSuchTool => {
                    state.error(format!("no tool called {key}"));
                    vec![]
                }
            }
        }
        Msg::HomeLoaded { req, home, today } => {
            if let Some(Screen::Home(h)) = find_req(state, req) {
                h.req = None;
                h.apply(*home, today);
            }
            vec![]
        }
        Msg::InterventionLoaded { req, detail, today } => {
            if let Some(Screen::Intervention(d)) = find_req(state, req) {
                d.req = None;
                match detail {
                    Some(x) => d.apply(*x, today),
                    None => d.error = Some("this intervention is not visible to you".into()),
                }
            }
            vec![]
        }
        Msg::TransitionDone { req, outcome } => intervention::on_transition(state, req, outcome),
        Msg::TeamCandidates { req, found } => team::on_candidates(state, req, found),
        Msg::TeamChanged { req, outcome } => team::on_changed(state, req, outcome),
        Msg::QueryFailed { req, reason } if team::is_waiting(state, req) => {
            team::on_failed(state, req, reason)
        }
        Msg::IvFormContext { req, context } => iv_edit::on_context(state, req, context),
        Msg::IvWritten { req, outcome } => iv_edit::on_written(state, req, outcome),
        Msg::SessionContext {
            req,
            loaded,
            today,
            offline,
        } => session_edit::on_context(state, req, loaded.map(|b| *b), today, offline),
        Msg::LogTargets { req, targets } => session_log::on_targets(state, req, targets),
        Msg::DraftsFound {
            drafts,
            unreadable,
            show,
        } => session_edit::recover::on_found(state, drafts, unreadable, show),
        Msg::DraftFailed { why } => {
            state.error(format!("draft NOT saved on this machine: {why}"));
            vec![]
        }
        Msg::SubmitFailed { id, why } => {
            session_edit::on_refused(state, id, &format!("could not write the outbox: {why}"), "");
            vec![]
        }
        Msg::SessionSaved { id, label, .. } => {
            let mut fx = session_edit::on_saved(state, id, &label);
            fx.extend(session_log::reload_views(state));
            fx
        }
        Msg::SessionConflict { id, theirs, label } => {
            session_edit::on_conflict(state, id, *theirs, &label);
            vec![]
        }
        Msg::SessionRefused { id, why, label } => {
            session_edit::on_refused(state, id, &why, &label);
            vec![]
        }
        Msg::OutboxPending { count, last_error } => {
            state.outbox = OutboxStatus {
                pending: count,
                last_error: last_error.clone(),
            };
            if count > 0 && last_error.is_some() {
                session_edit::on_waiting(state);
            }
            vec![]
        }
        Msg::SessionDeleted { req, outcome } => session_log::on_deleted(state, req, outcome),
        Msg::QueryFailed { req, reason } if session_log::waiting_for(state, req) => {
            session_log::on_failed(state, reason);
            vec![]
        }
        Msg::QueryFailed { req, reason } if state.tool_check == Some(req) => {
            state.tool_check = None;
            state.error(format!("could not check access: {reason}"));
            vec![]
        }
        Msg::QueryFailed { req, reason } if roster::settings_req(state, req) => {
            roster::on_settings_failed(state, req, &reason)
        }
        Msg::QueryFailed { req, reason } => {
            match find_req(state, req) {
                Some(Screen::Menu(m)) => m.req = None,
                Some(Screen::Roster(r)) => {
                    if !r.on_failed(req, &reason) {
                        return vec![];
                    }
                }
                Some(Screen::Student(s)) => {
                    s.req = None;
                    s.error = Some(reason.clone());
                }
                Some(Screen::Home(h)) => {
                    h.req = None;
                    h.error = Some(reason.clone());
                }
                Some(Screen::Intervention(d)) => {
                    d.req = None;
                    d.error = Some(reason.clone());
                }
                Some(Screen::IvEdit(e)) => {
                    e.req = None;
                    e.error = Some(reason.clone());
                }
                Some(Screen::Session(s)) => {
                    s.req = None;
                    s.error = Some(reason.clone());
                }
                Some(Screen::Drafts(_) | Screen::Placeholder { .. }) | None => return vec![],
            }
            state.error(format!("query failed: {reason}"));
            vec![]
        }
    }
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
