//! The roster's text boxes: the search box, the filter bar and the school
//! picker over it. Each takes the keys it knows before any roster command,
//! so a letter typed into the search is a letter.

use super::{FilterEdit, RosterState};
use crate::app::keymap::{Action, Context};
use crate::app::screens::room::Cx;
use crate::app::{Effect, Read, picker};
use crate::domain::school::SchoolChoice;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

impl RosterState {
    /// Keys for the roster's search box, filter bar or school picker, when
    /// one has them.
    pub(super) fn input_key(&mut self, cx: &mut Cx, key: &KeyEvent) -> Option<Vec<Effect>> {
        if self.school_picker.is_some() {
            return Some(self.school_picker_key(cx, key));
        }
        if self.search_focus {
            return Some(self.search_key(cx, key));
        }
        self.filter_focus?;
        let action = cx.keymap.action_in(key, |c| c == Context::FilterBar)?;
        use FilterEdit as E;
        let edit = match action {
            Action::ChipPrev => {
                self.select_chip(-1);
                return Some(vec![]);
            }
            Action::ChipNext => {
                self.select_chip(1);
                return Some(vec![]);
            }
            Action::FilterDone => {
                self.filter_focus = None;
                return Some(vec![]);
            }
            Action::ChipRemove => {
                return Some(if self.remove_selected_chip() {
                    self.filters_changed(cx)
                } else {
                    vec![]
                });
            }
            Action::FilterSchoolPick => {
                let req = cx.alloc();
                self.school_picker = Some(Box::new(picker::Picker::loading(req)));
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
        Some(if self.edit_filters(edit) {
            self.filters_changed(cx)
        } else {
            vec![]
        })
    }

    /// The school list over the roster: a pick filters to that school.
    fn school_picker_key(&mut self, cx: &mut Cx, key: &KeyEvent) -> Vec<Effect> {
        let page = cx.view().saturating_sub(4).max(1);
        let Some(p) = self.school_picker.as_mut() else {
            return vec![];
        };
        match p.key(key, page, school_label) {
            picker::PickerKey::Handled => vec![],
            picker::PickerKey::Closed => {
                let req = p.req;
                self.school_picker = None;
                req.map(|req| vec![Effect::Cancel { req }])
                    .unwrap_or_default()
            }
            picker::PickerKey::Picked(school) => {
                self.school_picker = None;
                if self.pick_school(&school) {
                    self.filters_changed(cx)
                } else {
                    vec![]
                }
            }
        }
    }

    /// The search box: each change of the typed words supersedes the
    /// previous query; arrows still move through the results.
    fn search_key(&mut self, cx: &mut Cx, key: &KeyEvent) -> Vec<Effect> {
        let mut text = self.query.search.clone();
        match key.code {
            KeyCode::Esc | KeyCode::Enter => {
                self.search_focus = false;
                return vec![];
            }
            KeyCode::Up | KeyCode::Down | KeyCode::PageUp | KeyCode::PageDown => {
                let action = match key.code {
                    KeyCode::Up => Action::Up,
                    KeyCode::Down => Action::Down,
                    KeyCode::PageUp => Action::PageUp,
                    _ => Action::PageDown,
                };
                return self.list_action(cx, action).unwrap_or_default();
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
        self.type_search(cx, &text)
    }

    /// A paste into the focused search box; `None` when the box is not
    /// focused.
    pub(super) fn paste(&mut self, cx: &mut Cx, pasted: &str) -> Option<Vec<Effect>> {
        if !self.search_focus {
            return None;
        }
        let text = format!("{}{pasted}", self.query.search);
        Some(self.type_search(cx, &text))
    }

    /// The search box now holds `text`: ask again when its words changed.
    fn type_search(&mut self, cx: &mut Cx, text: &str) -> Vec<Effect> {
        match self.set_search(text) {
            Ok(true) => self.start_over(cx),
            Ok(false) => vec![],
            Err(e) => {
                cx.error(e);
                vec![]
            }
        }
    }
}

/// What typing in the school picker matches: name and local id.
pub fn school_label(s: &SchoolChoice) -> String {
    format!("{} {}", s.name, s.local_id)
}
