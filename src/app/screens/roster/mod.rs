//! The roster: every student the person may see, searched, filtered and
//! sorted, moved through in keyset pages. State in `state.rs`; the search
//! box, filter bar and school picker keys in `input.rs`.

mod input;
mod state;

pub use input::school_label;
pub use state::*;

use crate::app::Read;
use crate::app::keymap::Action;
use crate::app::labels::Label;
use crate::app::nav::{push_student, reload};
use crate::app::{Data, Effect, ReqId, Screen, State, iv_edit, session_log};
use crate::domain::roster::RosterPage;
use crate::domain::roster::{Filters, Sort};
use crate::domain::school::SchoolChoice;
use crossterm::event::KeyEvent;

/// Keys on the roster: its text boxes and filter bar first, then its own
/// commands; `None` leaves the key to the global bindings.
pub fn on_key(state: &mut State, key: &KeyEvent, action: Option<Action>) -> Option<Vec<Effect>> {
    if let Some(effects) = input::on_key(state, key) {
        return Some(effects);
    }
    match action? {
        Action::LogSession => session_log::log_session(state),
        Action::Back => back(state),
        a => list_action(state, a),
    }
}

/// Movement and the roster's commands; `None` for any other action.
pub(super) fn list_action(state: &mut State, action: Action) -> Option<Vec<Effect>> {
    let view = state.view();
    let page = view.saturating_sub(1).max(1) as isize;
    let Screen::Roster(r) = state.top_mut() else {
        return None;
    };
    match action {
        Action::Up => r.move_by(-1, view),
        Action::Down => r.move_by(1, view),
        Action::PageUp => r.move_by(-page, view),
        Action::PageDown => r.move_by(page, view),
        Action::Top if r.more_before || !r.loaded => {
            return Some(fetch(state, PageDir::First));
        }
        Action::Top => r.move_by(isize::MIN, view),
        Action::Bottom if r.more_after || !r.loaded => {
            return Some(fetch(state, PageDir::Last));
        }
        Action::Bottom => r.move_by(isize::MAX, view),
        Action::Open => return Some(open_student(state)),
        Action::New => {
            let Some(row) = r.selected() else {
                return Some(vec![]);
            };
            let name = format!("{}, {}", row.last_name, row.first_name);
            let id = row.id;
            return Some(iv_edit::open_new(state, id, name));
        }
        Action::Search => {
            r.search_focus = true;
            r.filter_focus = None;
            return Some(vec![]);
        }
        Action::Filters => {
            r.filter_focus = Some(0);
            r.search_focus = false;
            return Some(vec![]);
        }
        Action::Sort => {
            r.cycle_sort();
            let sort = r.query.sort;
            state.info(format!("sorted by {}", sort.label()));
            return Some(filters_changed(state));
        }
        _ => return None,
    }
    Some(prefetch(state))
}

fn open_student(state: &mut State) -> Vec<Effect> {
    let Screen::Roster(r) = state.top() else {
        return vec![];
    };
    let Some(row) = r.selected() else {
        return vec![];
    };
    let title = format!("{}, {}", row.last_name, row.first_name);
    let id = row.id;
    push_student(state, id, title)
}

fn fetch(state: &mut State, dir: PageDir) -> Vec<Effect> {
    let req = state.alloc();
    let Screen::Roster(r) = state.top_mut() else {
        return vec![];
    };
    let Some(page) = r.request_for(dir) else {
        return vec![];
    };
    // Latest wins: a pending request in another direction is superseded.
    let superseded = r
        .pending
        .replace((req, dir))
        .map(|(old, _)| Effect::Cancel { req: old });
    let load = Effect::Load {
        req,
        read: Read::RosterPage {
            query: r.query.clone(),
            page,
            limit: PAGE_SIZE,
        },
    };
    superseded.into_iter().chain([load]).collect()
}

pub(super) fn prefetch(state: &mut State) -> Vec<Effect> {
    match state.top() {
        Screen::Roster(r) => match r.prefetch() {
            Some(dir) => fetch(state, dir),
            None => vec![],
        },
        _ => vec![],
    }
}

/// The roster's requests were superseded (new search text, filters or
/// sort): cancel them and start again from the first page.
fn requery(state: &mut State) -> Vec<Effect> {
    let top = state.screens.len() - 1;
    reload(state, top)
}

pub fn settings_req(state: &State, req: ReqId) -> bool {
    state
        .screens
        .iter()
        .any(|s| matches!(s, Screen::Roster(r) if r.settings_req == Some(req)))
}

pub fn on_restored(state: &mut State, req: ReqId, saved: Option<(Filters, Sort)>) -> Vec<Effect> {
    let Some(i) = state
        .screens
        .iter()
        .position(|s| matches!(s, Screen::Roster(r) if r.settings_req == Some(req)))
    else {
        return vec![];
    };
    let Screen::Roster(r) = &mut state.screens[i] else {
        return vec![];
    };
    let before = r.query.clone();
    r.restore(saved);
    if r.query == before {
        return vec![];
    }
    reload(state, i)
}

/// New filters or sort: fetch again and remember them for the person.
pub(super) fn filters_changed(state: &mut State) -> Vec<Effect> {
    let Screen::Roster(r) = state.top() else {
        return vec![];
    };
    let save = Effect::SaveRosterFilters {
        filters: r.query.filters.clone(),
        sort: r.query.sort,
    };
    let mut effects = requery(state);
    effects.push(save);
    effects
}

/// Esc on the roster: leaves the filter bar, then clears the search text,
/// and only then closes the screen.
fn back(state: &mut State) -> Option<Vec<Effect>> {
    let Screen::Roster(r) = state.top_mut() else {
        return None;
    };
    if r.filter_focus.take().is_some() {
        return Some(vec![]);
    }
    if r.query.search.is_empty() {
        return None;
    }
    let changed = r.set_search("").unwrap_or(true);
    Some(if changed { requery(state) } else { vec![] })
}

/// The terminal changed height: keep the cursor on screen.
pub fn on_resize(state: &mut State) {
    let view = state.view();
    if let Screen::Roster(r) = state.top_mut() {
        r.scroll_into_view(view);
    }
}

/// A page arrived.
fn on_page(state: &mut State, req: ReqId, page: RosterPage) -> Vec<Effect> {
    let view = state.view();
    let Some(Screen::Roster(r)) = crate::app::nav::find_req(state, req) else {
        return vec![];
    };
    let Some((_, dir)) = r.pending.take() else {
        return vec![];
    };
    r.apply_page(dir, page, view);
    prefetch(state)
}

fn on_count(state: &mut State, req: ReqId, total: u64, estimated: bool) -> Vec<Effect> {
    if let Some(Screen::Roster(r)) = crate::app::nav::find_req(state, req) {
        r.count_req = None;
        r.apply_count(total, estimated);
    }
    vec![]
}

/// The schools for the picker arrived.
fn on_schools(state: &mut State, req: ReqId, schools: Vec<SchoolChoice>) -> Vec<Effect> {
    if let Some(Screen::Roster(r)) = crate::app::nav::find_req(state, req) {
        // The filter's school if there is one, else the selected
        // student's: the likeliest pick either way.
        let likely = r
            .query
            .filters
            .school
            .as_ref()
            .map(|f| f.id)
            .or(r.selected().map(|row| row.school_id));
        if let Some(p) = r.school_picker.as_mut() {
            p.loaded(schools, |sc| Some(sc.id) == likely);
        }
    }
    vec![]
}

/// The saved filters could not be read.
pub fn on_settings_failed(state: &mut State, req: ReqId, reason: &str) -> Vec<Effect> {
    // Without the saved filters the roster still works, unfiltered.
    let effects = on_restored(state, req, None);
    state.error(format!("could not read your saved filters: {reason}"));
    effects
}

pub use input::on_paste;

pub fn on_reply(state: &mut State, req: ReqId, data: Data) -> Vec<Effect> {
    match data {
        Data::RosterPage { page } => on_page(state, req, page),
        Data::RosterCount { total, estimated } => on_count(state, req, total, estimated),
        Data::RosterFilters { saved } => on_restored(state, req, saved),
        Data::Schools { schools } => on_schools(state, req, schools),
        _ => vec![],
    }
}
#[cfg(test)]
mod tests;
