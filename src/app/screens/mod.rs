//! One folder per screen: its state, its keys, its replies and its tests,
//! behind the contract in `room.rs`. This file is the registry: the
//! `Screen` stack entry (one line per screen), the menu targets that open
//! them, and the one place that hands a key, a reply, a failure or a reload
//! to the screen it belongs to and then carries out what the screen asked
//! of the stack.

pub mod home;
pub mod intervention;
pub mod iv_edit;
pub mod menu;
pub mod placeholder;
pub mod room;
pub mod roster;
pub mod schools;
pub mod session_edit;
pub mod student;

use crate::app::keymap::Action;
use crate::app::nav::{cancel_all, reload};
use crate::app::request::Wrote;
use crate::app::{Conn, Data, Effect, ReqId, State, session_log};
use crossterm::event::KeyEvent;
use home::HomeState;
use intervention::DetailState;
use iv_edit::IvEditState;
use menu::MenuState;
use placeholder::Placeholder;
use room::{Cx, Nav, Room};
use roster::RosterState;
use schools::SchoolsState;
use session_edit::SessionScreen;
use session_edit::recover::{self, DraftsState};
use student::StudentState;

/// Commands that open a screen by another name than its menu target.
pub const COMMANDS: &[(&str, &str)] = &[(schools::COMMAND, schools::TARGET)];

#[derive(Debug, Clone)]
pub enum Screen {
    Menu(MenuState),
    Roster(RosterState),
    Student(StudentState),
    Home(HomeState),
    Intervention(DetailState),
    /// The intervention, goal and data-point forms.
    IvEdit(Box<IvEditState>),
    /// The session note editor.
    Session(Box<SessionScreen>),
    /// Unsent session notes on this machine.
    Drafts(DraftsState),
    Schools(SchoolsState),
    /// A menu target that is not built yet, said honestly.
    Placeholder(Placeholder),
}

impl Screen {
    /// The screen as a room; `None` for a screen still handled by the
    /// legacy functions over the whole state below (being converted).
    fn room(&self) -> Option<&dyn Room> {
        match self {
            Screen::Menu(s) => Some(s),
            Screen::Home(s) => Some(s),
            Screen::Schools(s) => Some(s),
            Screen::Student(s) => Some(s),
            Screen::Placeholder(s) => Some(s),
            _ => None,
        }
    }

    fn room_mut(&mut self) -> Option<&mut dyn Room> {
        match self {
            Screen::Menu(s) => Some(s),
            Screen::Home(s) => Some(s),
            Screen::Schools(s) => Some(s),
            Screen::Student(s) => Some(s),
            Screen::Placeholder(s) => Some(s),
            _ => None,
        }
    }

    /// Loads this screen waits for (cancelled when it goes).
    pub(crate) fn in_flight(&self) -> Vec<ReqId> {
        if let Some(r) = self.room() {
            return r.in_flight();
        }
        match self {
            Screen::Roster(r) => r
                .pending
                .map(|(req, _)| req)
                .into_iter()
                .chain(r.count_req)
                .chain(r.settings_req)
                .collect(),
            // A write in flight is not listed: leaving must not cancel it.
            Screen::Intervention(d) => d.req.into_iter().collect(),
            Screen::IvEdit(e) => e.req.into_iter().collect(),
            Screen::Session(s) => s.req.into_iter().collect(),
            _ => vec![],
        }
    }

    /// Waiting on something: a load or a save.
    pub(crate) fn busy(&self) -> bool {
        if let Some(r) = self.room() {
            return r.busy();
        }
        !self.in_flight().is_empty()
            || matches!(self, Screen::IvEdit(e) if e.saving.is_some())
            || matches!(self, Screen::Session(s) if s.editor.as_ref()
                .is_some_and(|e| e.stage == session_edit::Stage::Saving))
            || matches!(self, Screen::Intervention(d) if d.saving.is_some()
                || d.team_edit.as_ref().and_then(intervention::team::TeamEdit::req).is_some())
    }

    pub fn title(&self) -> String {
        if let Some(r) = self.room() {
            return r.title();
        }
        match self {
            Screen::Roster(_) => "Roster".into(),
            Screen::Intervention(d) => d.title.clone(),
            Screen::IvEdit(e) => match e.kind {
                iv_edit::Kind::NewIntervention { .. } => "New intervention".into(),
                iv_edit::Kind::EditIntervention(_) => "Edit".into(),
                iv_edit::Kind::NewGoal { .. } => "New goal".into(),
                iv_edit::Kind::EditGoal(_) => "Edit goal".into(),
                iv_edit::Kind::NewPoint { .. } => "New data point".into(),
                iv_edit::Kind::DeletePoint { .. } => "Delete data point".into(),
            },
            Screen::Session(s) => match &s.editor {
                Some(e) if e.base_version.is_some() => "Edit session".into(),
                _ => "Log session".into(),
            },
            Screen::Drafts(_) => "Unsent notes".into(),
            _ => String::new(),
        }
    }

    /// This screen's latest load, or a write it sent, is `req`.
    pub(crate) fn waits_for(&self, req: ReqId) -> bool {
        if let Some(r) = self.room() {
            return r.waits_for(req);
        }
        match self {
            Screen::Roster(r) => {
                r.pending.map(|(p, _)| p) == Some(req)
                    || r.count_req == Some(req)
                    || r.settings_req == Some(req)
                    || r.school_picker.as_ref().and_then(|p| p.req) == Some(req)
            }
            Screen::Intervention(d) => {
                d.req == Some(req)
                    || d.saving == Some(req)
                    || d.team_edit
                        .as_ref()
                        .and_then(intervention::team::TeamEdit::req)
                        == Some(req)
                    || d.session_delete.as_ref().and_then(|x| x.req) == Some(req)
            }
            Screen::IvEdit(e) => e.req == Some(req) || e.saving == Some(req),
            Screen::Session(s) => s.req == Some(req),
            _ => false,
        }
    }

    /// Legacy screens' (re)load with the ids `a`, `b`, `c` (the roster asks
    /// for three things at once).
    fn load_legacy(&mut self, a: ReqId, b: ReqId, c: ReqId) -> Vec<Effect> {
        use crate::app::Read;
        match self {
            Screen::Roster(r) => {
                r.error = None;
                let mut effects = r.requery(a, b);
                r.settings_req = None;
                if !r.restored {
                    // Asked alongside the first page, which then shows at once
                    // when nothing was saved; saved filters supersede it.
                    r.settings_req = Some(c);
                    effects.push(Effect::Load {
                        req: c,
                        read: Read::RosterFilters,
                    });
                }
                effects
            }
            Screen::Intervention(d) => {
                d.req = Some(a);
                vec![Effect::Load {
                    req: a,
                    read: Read::Intervention { id: d.id },
                }]
            }
            // Only a form still waiting for its context asks again.
            Screen::IvEdit(e) => match e.context_for() {
                Some(about) if e.stage == iv_edit::Stage::Loading => {
                    e.req = Some(a);
                    e.error = None;
                    vec![Effect::Load {
                        req: a,
                        read: Read::IvFormContext { about },
                    }]
                }
                _ => vec![],
            },
            // The editor loads its context once; an open editor needs nothing.
            Screen::Session(s) if s.editor.is_none() => {
                s.req = Some(a);
                s.error = None;
                vec![Effect::Load {
                    req: a,
                    read: Read::SessionContext {
                        intervention_id: s.intervention_id,
                        session_id: s.session_id,
                    },
                }]
            }
            _ => vec![],
        }
    }
}

/// Runs `f` on screen `i` as a room with its context, then carries out
/// what it asked of the stack; `None` when screen `i` is not a room.
fn enter<R>(
    state: &mut State,
    i: usize,
    f: impl FnOnce(&mut dyn Room, &mut Cx) -> R,
) -> Option<(R, Vec<Effect>)> {
    let State {
        screens,
        keymap,
        conn,
        outbox,
        ids,
        message,
        width,
        height,
        ..
    } = state;
    let room = screens.get_mut(i)?.room_mut()?;
    let mut cx = Cx {
        keymap,
        width: *width,
        height: *height,
        whoami: match conn {
            Conn::Connected(w) => Some(w),
            _ => None,
        },
        outbox,
        ids,
        message,
        nav: Vec::new(),
    };
    let r = f(room, &mut cx);
    let navs = std::mem::take(&mut cx.nav);
    Some((r, apply(state, i, navs)))
}

/// Carries out, in order, what screen `me` asked of the stack.
fn apply(state: &mut State, me: usize, navs: Vec<Nav>) -> Vec<Effect> {
    let mut me = Some(me);
    let mut fx = Vec::new();
    for nav in navs {
        match nav {
            Nav::Push(screen) => {
                state.screens.push(*screen);
                fx.extend(reload(state, state.screens.len() - 1));
            }
            Nav::Close => {
                if let Some(i) = me.filter(|_| state.screens.len() > 1) {
                    let gone = state.screens.remove(i);
                    fx.extend(cancel_all(&gone));
                    me = None;
                }
            }
            Nav::ReloadSelf => {
                if let Some(i) = me {
                    fx.extend(reload(state, i));
                }
            }
            Nav::Reload(pick) => {
                for j in 0..state.screens.len() {
                    if pick(&state.screens[j]) {
                        fx.extend(reload(state, j));
                    }
                }
            }
            Nav::Open { target, label } => fx.extend(open(state, &target, label)),
            Nav::LogSession(of) => fx.extend(session_log::log_for(state, of)),
            Nav::StartScreen => fx.extend(crate::app::nav::open_start_screen(state)),
        }
    }
    fx
}

/// (Re)load screen `i`.
pub(crate) fn load(state: &mut State, i: usize) -> Vec<Effect> {
    if let Some((mut own, fx)) = enter(state, i, |r, cx| r.load(cx)) {
        own.extend(fx);
        return own;
    }
    let (a, b, c) = (state.alloc(), state.alloc(), state.alloc());
    state.screens[i].load_legacy(a, b, c)
}

/// The top screen's meaning of the key, if it has one.
pub(crate) fn on_key(
    state: &mut State,
    key: &KeyEvent,
    action: Option<Action>,
) -> Option<Vec<Effect>> {
    let top = state.screens.len() - 1;
    if let Some((r, mut fx)) = enter(state, top, |r, cx| r.on_key(cx, key, action)) {
        let mut own = r?;
        own.append(&mut fx);
        return Some(own);
    }
    match state.top() {
        Screen::Roster(_) => roster::on_key(state, key, action),
        Screen::Intervention(_) => intervention::on_key(state, key, action),
        Screen::IvEdit(_) => iv_edit::on_key(state, key, action),
        Screen::Session(_) => session_edit::on_key(state, key),
        Screen::Drafts(_) => recover::on_key(state, key, action),
        _ => None,
    }
}

/// The index of the screen waiting for `req`; replies to anything older
/// find nothing and are dropped.
fn waiting(state: &State, req: ReqId) -> Option<usize> {
    state.screens.iter().position(|s| s.waits_for(req))
}

/// A reply for the screen waiting for `req`.
pub(crate) fn on_reply(state: &mut State, req: ReqId, data: Data) -> Vec<Effect> {
    let Some(i) = waiting(state, req) else {
        return vec![];
    };
    if state.screens[i].room().is_some() {
        let (mut own, fx) = enter(state, i, |r, cx| r.on_reply(cx, req, data)).unwrap_or_default();
        own.extend(fx);
        return own;
    }
    match &state.screens[i] {
        Screen::Roster(_) => roster::on_reply(state, req, data),
        Screen::Intervention(_) => match data {
            data @ Data::TeamCandidates { .. } => intervention::team::on_reply(state, req, data),
            data => intervention::on_reply(state, req, data),
        },
        Screen::IvEdit(_) => iv_edit::on_reply(state, req, data),
        Screen::Session(_) => session_edit::on_reply(state, req, data),
        _ => vec![],
    }
}

/// The answer to a write, for the screen that sent it.
pub(crate) fn on_written(state: &mut State, req: ReqId, wrote: Wrote) -> Vec<Effect> {
    let Some(i) = waiting(state, req) else {
        return vec![];
    };
    if state.screens[i].room().is_some() {
        let (mut own, fx) =
            enter(state, i, |r, cx| r.on_written(cx, req, wrote)).unwrap_or_default();
        own.extend(fx);
        return own;
    }
    match wrote {
        Wrote::Transition(o) => intervention::on_transition(state, req, o),
        Wrote::Team(o) => intervention::team::on_changed(state, req, o),
        Wrote::Iv(o) => iv_edit::on_written(state, req, o),
        Wrote::SessionDeleted(o) => session_log::on_deleted(state, req, o),
        // Only the student record saves one, and it is a room.
        Wrote::Student(_) => vec![],
    }
}

/// Request `req` failed: the screen waiting for it says so; `false` when
/// nobody waits or the screen said it itself (no status-line message).
pub(crate) fn on_failed(state: &mut State, req: ReqId, reason: &str) -> bool {
    let Some(i) = waiting(state, req) else {
        return false;
    };
    if state.screens[i].room().is_some() {
        let (say, fx) = enter(state, i, |r, cx| r.on_failed(cx, req, reason)).unwrap_or_default();
        debug_assert!(fx.is_empty(), "a failure asks nothing of the stack");
        return say;
    }
    match &mut state.screens[i] {
        Screen::Roster(r) => {
            if !r.on_failed(req, reason) {
                return false;
            }
        }
        Screen::Intervention(d) => failed(&mut d.req, &mut d.error, reason),
        Screen::IvEdit(e) => failed(&mut e.req, &mut e.error, reason),
        Screen::Session(s) => failed(&mut s.req, &mut s.error, reason),
        _ => return false,
    }
    true
}

/// The screens that keep their request and error beside their data
/// (not yet a `Loadable`): the request is over, the error is shown.
fn failed(req: &mut Option<ReqId>, error: &mut Option<String>, why: &str) {
    *req = None;
    *error = Some(why.to_string());
}

/// Opens the screen for a menu target (or a tool the database allowed).
pub(crate) fn open(state: &mut State, target: &str, label: String) -> Vec<Effect> {
    let screen = match target {
        "roster" => Screen::Roster(RosterState::default()),
        "student" => {
            state.info("students open from the roster: choose one there and press enter");
            return vec![];
        }
        "caseload" => {
            let roles = match &state.conn {
                Conn::Connected(w) => w.user.as_ref().map(|u| u.role_keys.clone()),
                _ => None,
            };
            Screen::Home(HomeState::new(home::scope_for(&roles.unwrap_or_default())))
        }
        schools::TARGET => Screen::Schools(SchoolsState::default()),
        _ => Screen::Placeholder(Placeholder { label }),
    };
    state.screens.push(screen);
    reload(state, state.screens.len() - 1)
}

/// Pasted text for the top screen's focused text box, if it has one.
pub(crate) fn on_paste(state: &mut State, text: &str) -> Vec<Effect> {
    let top = state.screens.len() - 1;
    if let Some((own, fx)) = enter(state, top, |r, cx| r.on_paste(cx, text)) {
        return own.into_iter().flatten().chain(fx).collect();
    }
    match state.top() {
        Screen::Roster(_) => roster::on_paste(state, text),
        Screen::Intervention(_) => intervention::team::on_paste(state, text),
        Screen::IvEdit(_) => {
            iv_edit::on_paste(state, text);
            None
        }
        Screen::Session(_) => session_edit::on_paste(state, text),
        _ => None,
    }
    .unwrap_or_default()
}

/// The terminal changed size: screens that keep a scroll offset keep the
/// cursor on screen.
pub(crate) fn on_resize(state: &mut State) {
    for i in 0..state.screens.len() {
        let _ = enter(state, i, |r, cx| r.on_resize(cx));
    }
    roster::on_resize(state);
}
