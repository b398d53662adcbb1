//! The log's filters: the keys that set them, the line where a student or
//! a date is typed, and the chips that say what is set.

use super::CommsState;
use crate::app::form;
use crate::app::keymap::Action;
use crate::app::screens::room::Cx;
use crate::app::Effect;
use crate::domain::contact_log::ContactFilters;
use crate::domain::kinds::{Channel, ContactResult};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Longest student search kept.
const MAX_TYPED: usize = 60;

/// Which filter is being typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TypingFor {
    Student,
    From,
    To,
}

impl TypingFor {
    pub fn prompt(self) -> &'static str {
        match self {
            TypingFor::Student => "student (name or local id)",
            TypingFor::From => "from (YYYY-MM-DD)",
            TypingFor::To => "through (YYYY-MM-DD)",
        }
    }
}

/// A filter's text as typed, and why it was not taken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Typing {
    pub of: TypingFor,
    pub text: String,
    pub error: Option<String>,
}

/// The next of `all` after `now`, then none, then the first again.
fn cycle<T: Copy + PartialEq>(all: &[T], now: Option<T>) -> Option<T> {
    match now {
        None => all.first().copied(),
        Some(v) => {
            let i = all.iter().position(|x| *x == v)?;
            all.get(i + 1).copied()
        }
    }
}

/// A stored label in words ("left_message" → "left message").
pub fn words(label: &str) -> String {
    label.replace('_', " ")
}

/// What each set filter is, in words, in a fixed order.
pub fn chips(f: &ContactFilters) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(s) = &f.student {
        out.push(format!("student: {s}"));
    }
    if let Some(c) = f.channel {
        out.push(format!("channel: {}", words(c.as_str())));
    }
    if let Some(r) = f.result {
        out.push(format!("result: {}", words(r.as_str())));
    }
    if let Some(d) = f.from {
        out.push(format!("from {d}"));
    }
    if let Some(d) = f.to {
        out.push(format!("through {d}"));
    }
    if f.open_follow_up {
        out.push("open follow-up".into());
    }
    if f.mine {
        out.push("mine".into());
    }
    out
}

pub(super) fn filter_action(s: &mut CommsState, cx: &mut Cx, a: Action) -> Vec<Effect> {
    let f = &mut s.filters;
    let typing = |of: TypingFor, text: String| Typing {
        of,
        text,
        error: None,
    };
    match a {
        Action::ContactStudent => {
            s.typing = Some(typing(TypingFor::Student, f.student.clone().unwrap_or_default()));
            return vec![];
        }
        Action::ContactFrom => {
            let now = f.from.map(|d| d.to_string()).unwrap_or_default();
            s.typing = Some(typing(TypingFor::From, now));
            return vec![];
        }
        Action::ContactTo => {
            let now = f.to.map(|d| d.to_string()).unwrap_or_default();
            s.typing = Some(typing(TypingFor::To, now));
            return vec![];
        }
        Action::ContactChannel => f.channel = cycle(Channel::ALL, f.channel),
        Action::ContactResult => f.result = cycle(ContactResult::ALL, f.result),
        Action::ContactOpen => f.open_follow_up = !f.open_follow_up,
        Action::ContactMine => f.mine = !f.mine,
        Action::ContactClear if f.is_empty() => {
            cx.info("no filters to remove");
            return vec![];
        }
        Action::ContactClear => *f = ContactFilters::default(),
        _ => return vec![],
    }
    s.refilter(cx)
}

/// The typed text as the filter it sets, or why it cannot be.
fn apply(f: &mut ContactFilters, of: TypingFor, text: &str) -> Result<(), String> {
    match of {
        TypingFor::Student => {
            let t = text.trim();
            f.student = (!t.is_empty()).then(|| t.to_string());
        }
        TypingFor::From | TypingFor::To => {
            let day = form::date(text)?;
            let (from, to) = match of {
                TypingFor::From => (day, f.to),
                _ => (f.from, day),
            };
            if let (Some(a), Some(b)) = (from, to)
                && a > b
            {
                return Err(format!("from {a} is after through {b}: no day is both"));
            }
            (f.from, f.to) = (from, to);
        }
    }
    Ok(())
}

pub(super) fn typing_key(s: &mut CommsState, cx: &mut Cx, key: &KeyEvent) -> Vec<Effect> {
    let Some(t) = &mut s.typing else {
        return vec![];
    };
    match key.code {
        KeyCode::Esc => s.typing = None,
        KeyCode::Enter => {
            let mut f = s.filters.clone();
            match apply(&mut f, t.of, &t.text) {
                Err(why) => t.error = Some(why),
                Ok(()) => {
                    s.typing = None;
                    if f != s.filters {
                        s.filters = f;
                        return s.refilter(cx);
                    }
                }
            }
        }
        KeyCode::Backspace => {
            t.text.pop();
            t.error = None;
        }
        KeyCode::Char('u') if key.modifiers.contains(KeyModifiers::CONTROL) => {
            t.text.clear();
            t.error = None;
        }
        KeyCode::Char(c)
            if !key.modifiers.contains(KeyModifiers::CONTROL)
                && !c.is_control()
                && t.text.chars().count() < MAX_TYPED =>
        {
            t.text.push(c);
            t.error = None;
        }
        _ => {}
    }
    vec![]
}
