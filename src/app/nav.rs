//! The screen stack: which screen waits for a reply, (re)loading a screen,
//! and opening screens over others.

use super::home::HomeState;
use super::intervention::DetailState;
use super::roster::RosterState;
use super::student::StudentState;
use super::{Conn, Effect, ReqId, Screen, State, home, iv_edit, menu, schools};
use crate::app::Read;
use uuid::Uuid;

/// The screen whose latest request is `req`; replies to anything older find
/// nothing and are dropped.
pub(super) fn find_req(state: &mut State, req: ReqId) -> Option<&mut Screen> {
    state.screens.iter_mut().find(|s| match s {
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
    })
}

/// (Re)load what screen `i` shows.
pub(crate) fn reload(state: &mut State, i: usize) -> Vec<Effect> {
    if !state.is_connected() {
        return vec![];
    }
    let (a, b, c) = (state.alloc(), state.alloc(), state.alloc());
    let mut effects = cancel_all(&state.screens[i]);
    effects.extend(match &mut state.screens[i] {
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
    });
    effects
}

pub(crate) fn cancel_all(screen: &Screen) -> Vec<Effect> {
    screen
        .in_flight()
        .into_iter()
        .map(|req| Effect::Cancel { req })
        .collect()
}

/// Pushes the intervention detail for `id` and loads it; `title` shows
/// until it arrives. For any screen that lists interventions.
pub fn open_intervention(state: &mut State, id: Uuid, title: String) -> Vec<Effect> {
    state
        .screens
        .push(Screen::Intervention(DetailState::new(id, title)));
    let top = state.screens.len() - 1;
    reload(state, top)
}

/// Once, at sign-in: open the start screen over the menu, so Esc leads back
/// to the menu. A person whose menu lacks it simply stays on the menu.
pub(super) fn open_start_screen(state: &mut State) -> Vec<Effect> {
    let Some(targets) = state.start_targets.take() else {
        return vec![];
    };
    // Unsent notes offered at start (and an editor opened from them) stay
    // on top; the start screen goes beneath, where Esc from them leads.
    let recovered = state
        .screens
        .iter()
        .skip(1)
        .all(|s| matches!(s, Screen::Drafts(_) | Screen::Session(_)));
    if !recovered {
        return vec![];
    }
    let above = state.screens.split_off(1);
    let found = match state.top_mut() {
        Screen::Menu(m) => targets.iter().any(|t| m.select_target(t)),
        _ => false,
    };
    let effects = if found {
        menu::open_selected(state)
    } else {
        vec![]
    };
    state.screens.extend(above);
    effects
}

/// Opens a screen the person may open: the menu offered it, or the database
/// said yes to `:open`.
pub(super) fn open_target(state: &mut State, target: &str, label: String) -> Vec<Effect> {
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

pub(super) fn push_student(state: &mut State, id: Uuid, title: String) -> Vec<Effect> {
    state
        .screens
        .push(Screen::Student(StudentState::new(id, title)));
    let top = state.screens.len() - 1;
    reload(state, top)
}

/// Opens over the menu, as if chosen there, so Esc leads back to it.
pub(super) fn open_by_command(state: &mut State, target: &str, label: String) -> Vec<Effect> {
    let mut effects = Vec::new();
    while state.screens.len() > 1 {
        if let Some(gone) = state.screens.pop() {
            effects.extend(cancel_all(&gone));
        }
    }
    effects.extend(open_target(state, target, label));
    effects
}
