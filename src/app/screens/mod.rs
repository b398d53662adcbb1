//! One folder per screen: its state, its keys (`on_key`, `None` for a key
//! it gives no meaning) and its handling of the replies it asked for. This
//! file is the registry: the `Screen` stack entry and the one place that
//! hands a key, a reply, a failure, a reload or a menu target to the screen
//! it belongs to.

pub mod home;
pub mod intervention;
pub mod iv_edit;
pub mod menu;
pub mod roster;
pub mod schools;
pub mod session_edit;
pub mod student;

use crate::app::keymap::Action;
use crate::app::nav::{find_req, reload};
use crate::app::{Conn, Data, Effect, Read, ReqId, State};
use crossterm::event::KeyEvent;
use home::HomeState;
use intervention::DetailState;
use iv_edit::IvEditState;
use menu::MenuState;
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
    Placeholder {
        label: String,
    },
}

impl Screen {
    /// Requests whose answers this screen is waiting for.
    pub(crate) fn in_flight(&self) -> Vec<ReqId> {
        match self {
            Screen::Menu(m) => m.req.into_iter().collect(),
            Screen::Roster(r) => r
                .pending
                .map(|(req, _)| req)
                .into_iter()
                .chain(r.count_req)
                .chain(r.settings_req)
                .collect(),
            Screen::Student(s) => s.req.into_iter().collect(),
            Screen::Home(h) => h.req.into_iter().collect(),
            // A write in flight is not listed: leaving must not cancel it.
            Screen::Intervention(d) => d.req.into_iter().collect(),
            Screen::IvEdit(e) => e.req.into_iter().collect(),
            Screen::Session(s) => s.req.into_iter().collect(),
            Screen::Schools(s) => s.list.req().into_iter().collect(),
            Screen::Drafts(_) | Screen::Placeholder { .. } => vec![],
        }
    }

    /// Waiting on something: a load or a save.
    pub(crate) fn busy(&self) -> bool {
        !self.in_flight().is_empty()
            || matches!(self, Screen::Student(s) if s.save_req().is_some())
            || matches!(self, Screen::IvEdit(e) if e.saving.is_some())
            || matches!(self, Screen::Session(s) if s.editor.as_ref()
                .is_some_and(|e| e.stage == session_edit::Stage::Saving))
    }

    pub fn title(&self) -> String {
        match self {
            Screen::Menu(_) => "Menu".into(),
            Screen::Roster(_) => "Roster".into(),
            Screen::Student(s) => s.title.clone(),
            Screen::Home(_) => "Caseload".into(),
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
            Screen::Schools(_) => super::schools::TITLE.into(),
            Screen::Placeholder { label } => label.clone(),
        }
    }
    /// This screen's latest request is `req`.
    pub(crate) fn waits_for(&self, req: ReqId) -> bool {
        match self {
            Screen::Menu(m) => m.req == Some(req),
            Screen::Roster(r) => {
                r.pending.map(|(p, _)| p) == Some(req)
                    || r.count_req == Some(req)
                    || r.settings_req == Some(req)
                    || r.school_picker.as_ref().and_then(|p| p.req) == Some(req)
            }
            Screen::Student(s) => s.req == Some(req),
            Screen::Home(h) => h.req == Some(req),
            Screen::Intervention(d) => d.req == Some(req),
            Screen::IvEdit(e) => e.req == Some(req),
            Screen::Session(s) => s.req == Some(req),
            Screen::Schools(s) => s.list.waits_for(req),
            Screen::Drafts(_) | Screen::Placeholder { .. } => false,
        }
    }

    /// (Re)load what it shows with the ids `a`, `b`, `c` (the roster asks
    /// for three things at once).
    pub(crate) fn load(&mut self, a: ReqId, b: ReqId, c: ReqId) -> Vec<Effect> {
        match self {
            Screen::Menu(m) => {
                m.req = Some(a);
                vec![Effect::Load {
                    req: a,
                    read: Read::Menu,
                }]
            }
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
            Screen::Student(s) => {
                s.req = Some(a);
                s.error = None;
                vec![Effect::Load {
                    req: a,
                    read: Read::Student { id: s.id },
                }]
            }
            Screen::Home(h) => {
                h.req = Some(a);
                vec![Effect::Load {
                    req: a,
                    read: Read::Home { scope: h.scope },
                }]
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
            Screen::Schools(s) => s.reload(a),
            Screen::Session(_) | Screen::Drafts(_) | Screen::Placeholder { .. } => vec![],
        }
    }
}

/// The top screen's meaning of the key, if it has one.
pub(crate) fn on_key(
    state: &mut State,
    key: &KeyEvent,
    action: Option<Action>,
) -> Option<Vec<Effect>> {
    match state.top() {
        Screen::Menu(_) => menu::on_key(state, key, action),
        Screen::Roster(_) => roster::on_key(state, key, action),
        Screen::Student(_) => student::on_key(state, key, action),
        Screen::Home(_) => home::on_key(state, action),
        Screen::Intervention(_) => intervention::on_key(state, key, action),
        Screen::IvEdit(_) => iv_edit::on_key(state, key, action),
        Screen::Session(_) => session_edit::on_key(state, key),
        Screen::Drafts(_) => recover::on_key(state, key, action),
        Screen::Schools(_) => {
            let page = state.view().saturating_sub(1);
            let keymap = state.keymap.clone();
            let Screen::Schools(s) = state.top_mut() else {
                return None;
            };
            s.on_key(&keymap, key, action, page)
        }
        Screen::Placeholder { .. } => None,
    }
}

/// A reply for the screen waiting for `req`.
pub(crate) fn on_reply(state: &mut State, req: ReqId, data: Data) -> Vec<Effect> {
    match find_req(state, req) {
        Some(Screen::Menu(_)) => menu::on_reply(state, req, data),
        Some(Screen::Roster(_)) => roster::on_reply(state, req, data),
        Some(Screen::Student(_)) => student::on_reply(state, req, data),
        Some(Screen::Home(_)) => home::on_reply(state, req, data),
        Some(Screen::Intervention(_)) => intervention::on_reply(state, req, data),
        Some(Screen::IvEdit(_)) => iv_edit::on_reply(state, req, data),
        Some(Screen::Session(_)) => session_edit::on_reply(state, req, data),
        Some(Screen::Schools(s)) => {
            s.on_reply(req, data);
            vec![]
        }
        Some(Screen::Drafts(_) | Screen::Placeholder { .. }) | None => vec![],
    }
}

/// Request `req` failed: the screen waiting for it says so; `false` when
/// nobody waits or the screen said it itself (no status-line message).
pub(crate) fn on_failed(state: &mut State, req: ReqId, reason: &str) -> bool {
    match find_req(state, req) {
        Some(Screen::Menu(m)) => m.req = None,
        Some(Screen::Roster(r)) => {
            if !r.on_failed(req, reason) {
                return false;
            }
        }
        Some(Screen::Student(s)) => failed(&mut s.req, &mut s.error, reason),
        Some(Screen::Home(h)) => failed(&mut h.req, &mut h.error, reason),
        Some(Screen::Intervention(d)) => failed(&mut d.req, &mut d.error, reason),
        Some(Screen::IvEdit(e)) => failed(&mut e.req, &mut e.error, reason),
        Some(Screen::Session(s)) => failed(&mut s.req, &mut s.error, reason),
        Some(Screen::Schools(s)) => {
            s.on_failed(req, reason);
        }
        Some(Screen::Drafts(_) | Screen::Placeholder { .. }) | None => return false,
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
    match target {
        "roster" => {
            state.screens.push(Screen::Roster(RosterState::default()));
            let top = state.screens.len() - 1;
            reload(state, top)
        }
        "student" => {
            state.info("students open from the roster: choose one there and press enter");
            vec![]
        }
        "caseload" => {
            let roles = match &state.conn {
                Conn::Connected(w) => w.user.as_ref().map(|u| u.role_keys.clone()),
                _ => None,
            };
            let scope = home::scope_for(&roles.unwrap_or_default());
            state.screens.push(Screen::Home(HomeState::new(scope)));
            let top = state.screens.len() - 1;
            reload(state, top)
        }
        schools::TARGET => {
            state.screens.push(Screen::Schools(Default::default()));
            let top = state.screens.len() - 1;
            reload(state, top)
        }
        _ => {
            state.screens.push(Screen::Placeholder { label });
            vec![]
        }
    }
}

/// Pasted text for the top screen's focused text box, if it has one.
pub(crate) fn on_paste(state: &mut State, text: &str) -> Vec<Effect> {
    match state.top() {
        Screen::Roster(_) => roster::on_paste(state, text),
        Screen::Intervention(_) => intervention::team::on_paste(state, text),
        Screen::Student(_) => {
            student::on_paste(state, text);
            None
        }
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
    roster::on_resize(state);
}
