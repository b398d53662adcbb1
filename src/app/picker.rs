//! A pick-one list with type-to-narrow: letters go to the filter text (so
//! only arrows, PgUp/PgDn, Home/End move), Enter picks, Esc closes. Used for
//! the roster's school filter; it knows nothing about what it lists beyond a
//! label to match against.

use super::ReqId;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Most characters of filter text kept: enough for any name.
const MAX_QUERY: usize = 60;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Picker<T> {
    /// The request loading the choices, while it runs.
    pub req: Option<ReqId>,
    pub items: Vec<T>,
    pub query: String,
    /// Index into `matches()`.
    pub cursor: usize,
    pub error: Option<String>,
    /// Select this item's match once the items arrive.
    preselect: Option<usize>,
}

/// What a key did to the picker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PickerKey<T> {
    Picked(T),
    Closed,
    Handled,
}

impl<T: Clone> Picker<T> {
    pub fn loading(req: ReqId) -> Self {
        Picker {
            req: Some(req),
            items: Vec::new(),
            query: String::new(),
            cursor: 0,
            error: None,
            preselect: None,
        }
    }

    /// The choices arrived; the cursor starts on the first for which
    /// `current` holds, if any.
    pub fn loaded(&mut self, items: Vec<T>, current: impl Fn(&T) -> bool) {
        self.req = None;
        self.preselect = items.iter().position(current);
        self.items = items;
        self.cursor = self.preselect.unwrap_or(0);
    }

    pub fn failed(&mut self, why: String) {
        self.req = None;
        self.error = Some(why);
    }

    /// Indices of the items whose label holds every typed word, ignoring
    /// case.
    pub fn matches(&self, label: impl Fn(&T) -> String) -> Vec<usize> {
        let words: Vec<String> = self
            .query
            .split_whitespace()
            .map(str::to_lowercase)
            .collect();
        self.items
            .iter()
            .enumerate()
            .filter(|(_, it)| {
                let l = label(it).to_lowercase();
                words.iter().all(|w| l.contains(w.as_str()))
            })
            .map(|(i, _)| i)
            .collect()
    }

    pub fn key(
        &mut self,
        key: &KeyEvent,
        page: usize,
        label: impl Fn(&T) -> String,
    ) -> PickerKey<T> {
        let n = self.matches(&label).len();
        let last = n.saturating_sub(1);
        match key.code {
            KeyCode::Esc => return PickerKey::Closed,
            KeyCode::Enter => {
                let m = self.matches(&label);
                return match m.get(self.cursor).and_then(|&i| self.items.get(i)) {
                    Some(it) => PickerKey::Picked(it.clone()),
                    None => PickerKey::Handled,
                };
            }
            KeyCode::Up => self.cursor = self.cursor.saturating_sub(1),
            KeyCode::Down => self.cursor = (self.cursor + 1).min(last),
            KeyCode::PageUp => self.cursor = self.cursor.saturating_sub(page),
            KeyCode::PageDown => self.cursor = (self.cursor + page).min(last),
            KeyCode::Home => self.cursor = 0,
            KeyCode::End => self.cursor = last,
            KeyCode::Backspace => {
                self.query.pop();
                self.cursor = 0;
            }
            KeyCode::Char('u') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                self.query.clear();
                self.cursor = 0;
            }
            KeyCode::Char(c)
                if !key.modifiers.contains(KeyModifiers::CONTROL)
                    && !c.is_control()
                    && self.query.chars().count() < MAX_QUERY =>
            {
                self.query.push(c);
                self.cursor = 0;
            }
            _ => {}
        }
        PickerKey::Handled
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::fixtures::Press;

    fn k(code: KeyCode) -> KeyEvent {
        code.event()
    }

    fn picker() -> Picker<&'static str> {
        let mut p = Picker::loading(ReqId(1));
        p.loaded(
            vec!["Lincoln Elementary", "Roosevelt Middle", "Lincoln High"],
            |s| *s == "Roosevelt Middle",
        );
        p
    }

    fn label(s: &&str) -> String {
        s.to_string()
    }

    #[test]
    fn starts_on_the_current_choice_and_enter_picks_it() {
        let mut p = picker();
        assert_eq!(p.req, None);
        assert_eq!(
            p.key(&k(KeyCode::Enter), 5, label),
            PickerKey::Picked("Roosevelt Middle")
        );
    }

    #[test]
    fn typing_narrows_by_every_word_and_arrows_stay_within_the_matches() {
        let mut p = picker();
        for c in "lin HI".chars() {
            p.key(&k(KeyCode::Char(c)), 5, label);
        }
        assert_eq!(p.matches(label), vec![2]);
        p.key(&k(KeyCode::Down), 5, label);
        assert_eq!(p.cursor, 0, "one match: nowhere to go");
        assert_eq!(
            p.key(&k(KeyCode::Enter), 5, label),
            PickerKey::Picked("Lincoln High")
        );
        for _ in 0..3 {
            p.key(&k(KeyCode::Backspace), 5, label);
        }
        assert_eq!(p.query, "lin");
        assert_eq!(p.matches(label), vec![0, 2]);
    }

    #[test]
    fn nothing_matching_picks_nothing_and_esc_closes() {
        let mut p = picker();
        for c in "zzz".chars() {
            p.key(&k(KeyCode::Char(c)), 5, label);
        }
        assert_eq!(p.key(&k(KeyCode::Enter), 5, label), PickerKey::Handled);
        assert_eq!(p.key(&k(KeyCode::Esc), 5, label), PickerKey::Closed);
    }

    #[test]
    fn a_huge_paste_is_capped() {
        let mut p = picker();
        for _ in 0..10_000 {
            p.key(&k(KeyCode::Char('x')), 5, label);
        }
        assert_eq!(p.query.chars().count(), MAX_QUERY);
    }
}
