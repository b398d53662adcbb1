//! A form: labelled fields edited in place, with per-field messages.
//! It knows nothing about what it edits: the owner parses the values (and
//! reports errors per field) after every change, so every form validates
//! the same way and nothing typed is ever thrown away by a failed check.
//!
//! Every form has the same keys: Enter and Tab go to the next field, Enter
//! on the last one saves, Ctrl-S saves from anywhere, Esc leaves (asking
//! first when something changed). A field with a closed set of values is a
//! picker: ←/→ choose, typing narrows ("6" is grade 06).

use super::ReqId;
use super::choices::{self, Choice};
use super::confirm::{self, Answer};
use super::keymap::{Action, Key, KeyMap};
use chrono::NaiveDate;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::borrow::Cow;

/// Said with the hint of a filled-in text field.
pub const CLEARS: &str = "ctrl-u clears it";

/// Said when a save found fields to fix.
pub const FIX_FIELDS: &str = "not saved: fix the fields marked in red";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Text,
    /// yes/no, toggled with space.
    Flag,
    /// One of a closed set, shown in words: ←/→ choose, typing narrows.
    Pick(&'static [Choice]),
}

/// Fixed forms borrow their labels; forms built from data (a program's
/// session fields) own them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldSpec {
    pub label: Cow<'static, str>,
    pub kind: Kind,
    /// Shown next to the focused field: what the field accepts.
    pub hint: Cow<'static, str>,
}

impl FieldSpec {
    /// A value as the form shows it: a picker's in words.
    pub fn shown<'a>(&self, value: &'a str) -> &'a str {
        match self.kind {
            Kind::Pick(set) => choices::words(set, value),
            _ => value,
        }
    }
}

pub const fn text(label: &'static str, hint: &'static str) -> FieldSpec {
    FieldSpec {
        label: Cow::Borrowed(label),
        kind: Kind::Text,
        hint: Cow::Borrowed(hint),
    }
}

pub const fn flag(label: &'static str) -> FieldSpec {
    FieldSpec {
        label: Cow::Borrowed(label),
        kind: Kind::Flag,
        hint: Cow::Borrowed("space toggles"),
    }
}

/// A picker over `set`; its hint lists the choices.
pub const fn pick(label: &'static str, set: &'static [Choice]) -> FieldSpec {
    pick_with(label, set, "")
}

/// A picker whose hint says more than its choices.
pub const fn pick_with(
    label: &'static str,
    set: &'static [Choice],
    hint: &'static str,
) -> FieldSpec {
    FieldSpec {
        label: Cow::Borrowed(label),
        kind: Kind::Pick(set),
        hint: Cow::Borrowed(hint),
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Form {
    pub specs: Cow<'static, [FieldSpec]>,
    pub values: Vec<String>,
    /// What the values were when editing started (or their version, after
    /// "edit again"): dirty means different from these.
    pub original: Vec<String>,
    pub focus: usize,
    /// Character index into the focused value.
    pub cursor: usize,
    /// What was typed into the focused picker to narrow its choices.
    pub typed: String,
    /// Fields typed into or left: only these show their messages until a
    /// save is attempted, so an empty form does not open covered in red.
    pub touched: Vec<bool>,
    pub errors: Vec<Option<String>>,
    pub show_all: bool,
    /// Asking whether to drop the changes (`app::confirm`).
    pub confirm_discard: bool,
    pub saving: Option<ReqId>,
    /// Why the last save did not happen (a refusal from the database).
    pub notice: Option<String>,
    /// What saving does, in the keys line ("save"; the Import form's is
    /// "dry run").
    pub submit: &'static str,
}

/// What a key did to the form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormKey {
    /// A value changed: revalidate.
    Edited,
    Moved,
    Save,
    /// Leave without saving (confirmed when there were changes).
    Cancel,
    Ignored,
}

impl Form {
    pub fn new(specs: &'static [FieldSpec], values: Vec<String>) -> Form {
        Form::with_specs(Cow::Borrowed(specs), values)
    }

    pub fn with_specs(specs: Cow<'static, [FieldSpec]>, values: Vec<String>) -> Form {
        let n = specs.len();
        Form {
            specs,
            original: values.clone(),
            cursor: values.first().map_or(0, |v| v.chars().count()),
            values,
            focus: 0,
            typed: String::new(),
            touched: vec![false; n],
            errors: vec![None; n],
            show_all: false,
            confirm_discard: false,
            saving: None,
            notice: None,
            submit: "save",
        }
    }

    /// The focused field's hint; a filled-in text field adds how to clear
    /// it, since typing goes in at the cursor ("2026-12-11" + "2026-12-30"
    /// is not a date).
    pub fn focused_hint(&self) -> String {
        let Some(spec) = self.specs.get(self.focus) else {
            return String::new();
        };
        let filled = self.values.get(self.focus).is_some_and(|v| !v.is_empty());
        match spec.kind {
            Kind::Text if filled && spec.hint.is_empty() => CLEARS.to_string(),
            Kind::Text if filled => format!("{}; {CLEARS}", spec.hint),
            _ => spec.hint.to_string(),
        }
    }

    pub fn dirty(&self) -> bool {
        self.values != self.original
    }

    pub fn is_valid(&self) -> bool {
        self.errors.iter().all(Option::is_none)
    }

    /// Replaces the messages: `errors` holds (field index, message).
    pub fn set_errors(&mut self, errors: Vec<(usize, String)>) {
        self.errors = vec![None; self.specs.len()];
        for (i, e) in errors {
            if let Some(slot) = self.errors.get_mut(i)
                && slot.is_none()
            {
                *slot = Some(e);
            }
        }
    }

    /// The message to show for field `i`, if any.
    pub fn shown_error(&self, i: usize) -> Option<&str> {
        if self.show_all || self.touched.get(i).copied().unwrap_or(false) {
            self.errors.get(i)?.as_deref()
        } else {
            None
        }
    }

    /// A save found fields to fix: say so, and go to the first of them.
    pub fn fix_fields(&mut self) {
        self.show_all = true;
        self.notice = Some(FIX_FIELDS.into());
        if let Some(i) = self.errors.iter().position(Option::is_some) {
            self.focus_to(i);
        }
    }

    pub fn focus_to(&mut self, i: usize) {
        if let Some(t) = self.touched.get_mut(self.focus) {
            *t = true;
        }
        self.focus = i;
        self.typed.clear();
        self.cursor = self.values.get(i).map_or(0, |v| v.chars().count());
    }

    fn value(&mut self) -> &mut String {
        &mut self.values[self.focus]
    }

    fn byte_at(&self, char_index: usize) -> usize {
        let v = &self.values[self.focus];
        v.char_indices().nth(char_index).map_or(v.len(), |(b, _)| b)
    }

    pub fn key(&mut self, key: &KeyEvent, keymap: &KeyMap) -> FormKey {
        if self.saving.is_some() {
            // The values are on their way to the database; editing now would
            // make what is shown differ from what gets saved.
            return FormKey::Ignored;
        }
        if self.confirm_discard {
            return match confirm::answer(key) {
                Answer::Yes => {
                    self.confirm_discard = false;
                    FormKey::Cancel
                }
                Answer::No => {
                    self.confirm_discard = false;
                    FormKey::Ignored
                }
                Answer::Unanswered => FormKey::Ignored,
            };
        }
        let k = Key::from_event(key);
        let bound = |a: Action| keymap.keys(a).contains(&k);
        let n = self.specs.len();
        if bound(Action::CancelForm) {
            if self.dirty() {
                self.confirm_discard = true;
                return FormKey::Ignored;
            }
            return FormKey::Cancel;
        }
        if bound(Action::Save) {
            self.show_all = true;
            return FormKey::Save;
        }
        // Enter moves on, as on a web form, and saves only from the last
        // field: a half-filled form is never saved by habit.
        if key.code == KeyCode::Enter && self.focus + 1 >= n {
            self.show_all = true;
            return FormKey::Save;
        }
        if bound(Action::NextField) || matches!(key.code, KeyCode::Down | KeyCode::Enter) {
            self.focus_to((self.focus + 1) % n);
            return FormKey::Moved;
        }
        if bound(Action::PrevField) || key.code == KeyCode::Up {
            self.focus_to((self.focus + n - 1) % n);
            return FormKey::Moved;
        }
        match self.specs[self.focus].kind {
            Kind::Flag => self.flag_key(key),
            Kind::Pick(set) => {
                let step = if bound(Action::PickNext) {
                    Some(true)
                } else if bound(Action::PickPrev) {
                    Some(false)
                } else {
                    None
                };
                self.pick_key(key, set, step)
            }
            Kind::Text => self.text_key(key),
        }
    }

    fn flag_key(&mut self, key: &KeyEvent) -> FormKey {
        let new = match key.code {
            KeyCode::Char(' ') => {
                if self.values[self.focus] == "yes" {
                    "no"
                } else {
                    "yes"
                }
            }
            KeyCode::Char('y') => "yes",
            KeyCode::Char('n') => "no",
            _ => return FormKey::Ignored,
        };
        *self.value() = new.to_string();
        self.cursor = new.len();
        self.touched[self.focus] = true;
        FormKey::Edited
    }

    /// ←/→ (`step`) move through the choices the typed text matches (all of
    /// them when nothing is typed); a typed character is kept only when
    /// some choice still matches, and the best match is chosen at once.
    fn pick_key(&mut self, key: &KeyEvent, set: &'static [Choice], step: Option<bool>) -> FormKey {
        let plain = !key
            .modifiers
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
        if let Some(forward) = step {
            let mut pool = choices::matching(set, &self.typed);
            if pool.is_empty() {
                pool = set.iter().collect();
            }
            let Some(last) = pool.len().checked_sub(1) else {
                return FormKey::Ignored;
            };
            let at = pool
                .iter()
                .position(|c| c.value.eq_ignore_ascii_case(self.values[self.focus].trim()));
            let next = match (at, forward) {
                (None, true) => 0,
                (None, false) => last,
                (Some(i), true) => (i + 1) % pool.len(),
                (Some(i), false) => (i + last) % pool.len(),
            };
            let value = pool[next].value;
            return self.choose(value);
        }
        match key.code {
            KeyCode::Char('u') if key.modifiers.contains(KeyModifiers::CONTROL) => {
                self.typed.clear();
                FormKey::Moved
            }
            KeyCode::Char(c) if plain && !c.is_control() => self.narrow(set, &c.to_string()),
            KeyCode::Backspace if !self.typed.is_empty() => {
                self.typed.pop();
                match choices::best(set, &self.typed) {
                    Some(c) => self.choose(c.value),
                    None => FormKey::Moved,
                }
            }
            _ => FormKey::Ignored,
        }
    }

    /// Adds `text` to what was typed into the focused picker if a choice
    /// still matches, choosing the best one.
    fn narrow(&mut self, set: &'static [Choice], text: &str) -> FormKey {
        let typed = format!("{}{text}", self.typed);
        match choices::best(set, &typed) {
            Some(c) => {
                self.typed = typed;
                self.choose(c.value)
            }
            None => FormKey::Ignored,
        }
    }

    fn choose(&mut self, value: &str) -> FormKey {
        *self.value() = value.to_string();
        self.cursor = value.chars().count();
        self.touched[self.focus] = true;
        FormKey::Edited
    }

    fn text_key(&mut self, key: &KeyEvent) -> FormKey {
        let plain = !key
            .modifiers
            .intersects(KeyModifiers::CONTROL | KeyModifiers::ALT);
        let len = self.values[self.focus].chars().count();
        match key.code {
            KeyCode::Char('u') if !plain && key.modifiers.contains(KeyModifiers::CONTROL) => {
                self.value().clear();
                self.cursor = 0;
            }
            KeyCode::Char(c) if plain && !c.is_control() => {
                let at = self.byte_at(self.cursor);
                self.value().insert(at, c);
                self.cursor += 1;
            }
            KeyCode::Backspace if self.cursor > 0 => {
                self.cursor -= 1;
                let at = self.byte_at(self.cursor);
                self.value().remove(at);
            }
            KeyCode::Delete if self.cursor < len => {
                let at = self.byte_at(self.cursor);
                self.value().remove(at);
            }
            KeyCode::Left => {
                self.cursor = self.cursor.saturating_sub(1);
                return FormKey::Moved;
            }
            KeyCode::Right => {
                self.cursor = (self.cursor + 1).min(len);
                return FormKey::Moved;
            }
            KeyCode::Home => {
                self.cursor = 0;
                return FormKey::Moved;
            }
            KeyCode::End => {
                self.cursor = len;
                return FormKey::Moved;
            }
            _ => return FormKey::Ignored,
        }
        self.touched[self.focus] = true;
        FormKey::Edited
    }

    /// Pasted text goes into the focused text field, as if typed (control
    /// characters, newlines included, are dropped: every field is one line),
    /// or narrows the focused picker.
    pub fn paste(&mut self, text: &str) -> bool {
        if self.saving.is_some() {
            return false;
        }
        let text: String = text.chars().filter(|c| !c.is_control()).collect();
        match self.specs[self.focus].kind {
            Kind::Flag => false,
            Kind::Pick(set) => self.narrow(set, &text) == FormKey::Edited,
            Kind::Text => {
                for c in text.chars() {
                    let at = self.byte_at(self.cursor);
                    self.value().insert(at, c);
                    self.cursor += 1;
                }
                self.touched[self.focus] = true;
                true
            }
        }
    }
}

// Parsers shared by every form: each returns the message shown under the
// field.

/// Collects per-field messages while parsing, so one pass reports them all.
pub struct Errors(pub Vec<(usize, String)>);

impl Errors {
    pub fn take<T>(&mut self, i: usize, r: Result<T, String>) -> Option<T> {
        r.map_err(|e| self.0.push((i, e))).ok()
    }
}

/// A whole number in `lo..=hi`; empty is `None`.
pub fn number_in(s: &str, what: &str, lo: i16, hi: i16) -> Result<Option<i16>, String> {
    let t = s.trim();
    if t.is_empty() {
        return Ok(None);
    }
    t.parse::<i16>()
        .ok()
        .filter(|n| (lo..=hi).contains(n))
        .map(Some)
        .ok_or_else(|| format!("{what} is a whole number from {lo} to {hi}"))
}

/// A decimal number (a point, not a comma); empty is `None`.
pub fn decimal(s: &str, what: &str) -> Result<Option<f64>, String> {
    let t = s.trim();
    if t.is_empty() {
        return Ok(None);
    }
    t.parse::<f64>()
        .ok()
        .filter(|v| v.is_finite())
        .map(Some)
        .ok_or_else(|| {
            format!(
                "{what} {:?} is not a number: use digits and a point, e.g. 42 or 3.5",
                t.chars().take(32).collect::<String>()
            )
        })
}

/// Empty is `None`.
pub fn optional(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

pub fn required(s: &str, what: &str, max: usize) -> Result<String, String> {
    let t = s.trim();
    if t.is_empty() {
        return Err(format!("{what} is required"));
    }
    if t.chars().count() > max {
        return Err(format!("{what} is at most {max} characters"));
    }
    Ok(t.to_string())
}

/// YYYY-MM-DD; empty is `None`. Says whether the shape or the day is wrong.
pub fn date(s: &str) -> Result<Option<NaiveDate>, String> {
    let t = s.trim();
    if t.is_empty() {
        return Ok(None);
    }
    let shaped = t.len() == 10
        && t.bytes().enumerate().all(|(i, b)| {
            if i == 4 || i == 7 {
                b == b'-'
            } else {
                b.is_ascii_digit()
            }
        });
    if !shaped {
        return Err(format!(
            "{t:?} is not a date: use YYYY-MM-DD, e.g. 2026-09-01"
        ));
    }
    NaiveDate::parse_from_str(t, "%Y-%m-%d")
        .map(Some)
        .map_err(|_| format!("{t} does not exist: check the month and the day"))
}

pub fn yes_no(s: &str) -> bool {
    s == "yes"
}

pub fn flag_text(b: bool) -> String {
    if b { "yes" } else { "no" }.to_string()
}

/// One of `choices` (case-insensitive), listing them when it is not.
pub fn choice(s: &str, what: &str, choices: &[&'static str]) -> Result<&'static str, String> {
    let t = s.trim();
    choices
        .iter()
        .copied()
        .find(|c| c.eq_ignore_ascii_case(t))
        .ok_or_else(|| {
            format!(
                "unknown {what} {:?}; expected one of: {}",
                t.chars().take(64).collect::<String>(),
                choices.join(", ")
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_say_what_is_wrong() {
        assert_eq!(date(""), Ok(None));
        assert_eq!(date("2026-02-28"), Ok(NaiveDate::from_ymd_opt(2026, 2, 28)));
        assert_eq!(
            date("2026-02-30").unwrap_err(),
            "2026-02-30 does not exist: check the month and the day"
        );
        assert!(date("tomorrow").unwrap_err().contains("use YYYY-MM-DD"));
        assert!(date("2026-2-3").unwrap_err().contains("use YYYY-MM-DD"));
    }

    #[test]
    fn choices_list_the_valid_ones() {
        assert_eq!(choice("Email", "channel", &["phone", "email"]), Ok("email"));
        let e = choice("fax", "channel", &["phone", "email"]).unwrap_err();
        assert_eq!(e, "unknown channel \"fax\"; expected one of: phone, email");
    }
}
