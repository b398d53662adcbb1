//! The roster's text boxes: the search box, the filter bar and the school
//! picker over it. Each takes the keys it knows before any roster command,
//! so a letter typed into the search is a letter.

use super::{FilterEdit, filters_changed, list_action, requery};
use crate::app::Read;
use crate::app::keymap::{self, Action};
use crate::app::roster::visible_rows;
use crate::app::{Effect, Screen, State, picker};
use crate::domain::school::SchoolChoice;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Keys for the roster's search box or filter bar, when one has them.
pub(super) fn on_key(state: &mut State, key: &KeyEvent) -> Option<Vec<Effect>> {
    let Screen::Roster(r) = state.top_mut() else {
        return None;
    };
    if r.school_picker.is_some() {
        return Some(school_picker_key(state, key));
    }
    if r.search_focus {
        return Some(search_key(state, key));
    }
    r.filter_focus?;
    let action = state
        .keymap
        .action_in(key, |c| c == keymap::Context::FilterBar)?;
    let Screen::Roster(r) = state.top_mut() else {
        return None;
    };
    use FilterEdit as E;
    let edit = match action {
        Action::ChipPrev => {
            r.select_chip(-1);
            return Some(vec![]);
        }
        Action::ChipNext => {
            r.select_chip(1);
            return Some(vec![]);
        }
        Action::FilterDone => {
            r.filter_focus = None;
            return Some(vec![]);
        }
        Action::ChipRemove => {
            return Some(if r.remove_selected_chip() {
                filters_changed(state)
            } else {
                vec![]
            });
        }
        Action::FilterSchoolPick => {
            let req = state.alloc();
            if let Screen::Roster(r) = state.top_mut() {
                r.school_picker = Some(Box::new(picker::Picker::loading(req)));
            }
            return Some(vec![Effect::Load {
                req,
                read: Read::Schools,
            }]);
        }
        Action::FilterSchool => E::SchoolOfSelected,
        Action::FilterGradeFrom => E::GradeFromSelected,
        Action::FilterGradeTo => E::GradeToSelected,
        Action::FilterStatus => E::CycleStatus,
        Action::FilterTier => E::CycleTier,
        Action::FilterIep => E::Iep,
        Action::Filter504 => E::Section504,
        Action::FilterEl => E::EnglishLearner,
        Action::FilterActive => E::ActiveIntervention,
        Action::FilterMine => E::MyCaseload,
        Action::FilterClear => E::ClearAll,
        _ => return None,
    };
    Some(if r.edit_filters(edit) {
        filters_changed(state)
    } else {
        vec![]
    })
}

/// The school list over the roster: a pick filters to that school.
fn school_picker_key(state: &mut State, key: &KeyEvent) -> Vec<Effect> {
    let page = visible_rows(state.height).saturating_sub(4).max(1);
    let Screen::Roster(r) = state.top_mut() else {
        return vec![];
    };
    let Some(p) = r.school_picker.as_mut() else {
        return vec![];
    };
    match p.key(key, page, school_label) {
        picker::PickerKey::Handled => vec![],
        picker::PickerKey::Closed => {
            let req = p.req;
            r.school_picker = None;
            req.map(|req| vec![Effect::Cancel { req }])
                .unwrap_or_default()
        }
        picker::PickerKey::Picked(school) => {
            r.school_picker = None;
            if r.pick_school(&school) {
                filters_changed(state)
            } else {
                vec![]
            }
        }
    }
}

/// What typing in the school picker matches: name and local id.
pub fn school_label(s: &SchoolChoice) -> String {
    format!("{} {}", s.name, s.local_id)
}

/// The search box: each change of the typed words supersedes the previous
/// query; arrows still move through the results.
fn search_key(state: &mut State, key: &KeyEvent) -> Vec<Effect> {
    let Screen::Roster(r) = state.top_mut() else {
        return vec![];
    };
    let mut text = r.query.search.clone();
    match key.code {
        KeyCode::Esc | KeyCode::Enter => {
            r.search_focus = false;
            return vec![];
        }
        KeyCode::Up | KeyCode::Down | KeyCode::PageUp | KeyCode::PageDown => {
            let action = match key.code {
                KeyCode::Up => Action::Up,
                KeyCode::Down => Action::Down,
                KeyCode::PageUp => Action::PageUp,
                _ => Action::PageDown,
            };
            return list_action(state, action).unwrap_or_default();
        }
        KeyCode::Backspace => {
            text.pop();
        }
        KeyCode::Char('u') if key.modifiers.contains(KeyModifiers::CONTROL) => text.clear(),
        KeyCode::Char('w') if key.modifiers.contains(KeyModifiers::CONTROL) => {
            let kept = text
                .trim_end()
                .rfind(char::is_whitespace)
                .map_or(0, |i| i + 1);
            text.truncate(kept);
        }
        KeyCode::Char(c)
            if !key
                .modifiers
                .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT) =>
        {
            text.push(c);
        }
        _ => return vec![],
    }
    set_search(state, &text)
}

/// A paste into the focused search box; `None` when the box is not focused.
pub fn on_paste(state: &mut State, pasted: &str) -> Option<Vec<Effect>> {
    let Screen::Roster(r) = state.top() else {
        return None;
    };
    if !r.search_focus {
        return None;
    }
    let text = format!("{}{pasted}", r.query.search);
    Some(set_search(state, &text))
}

fn set_search(state: &mut State, text: &str) -> Vec<Effect> {
    let Screen::Roster(r) = state.top_mut() else {
        return vec![];
    };
    match r.set_search(text) {
        Ok(true) => requery(state),
        Ok(false) => vec![],
        Err(e) => {
            state.error(e);
            vec![]
        }
    }
}
