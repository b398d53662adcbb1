//! The new-password prompt: typed twice, drawn as bullets, held in
//! [`Password`]s, so neither the screen's state nor the Effect that sends
//! it can print it. Only its SCRAM verifier reaches the server.

use crate::admin::password::MIN_LEN;
use crate::app::screens::people::PersonChange;
use crate::config::Password;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Longer than any passphrase; pastes beyond it are cut, and said so.
pub const MAX_CHARS: usize = 200;

#[derive(Debug, Clone, PartialEq)]
pub struct PasswordPair {
    pub username: String,
    pub first: Password,
    pub second: Password,
    /// The second box has the keys.
    pub on_second: bool,
    /// Why it was not sent (too short, the two differ, the database's refusal).
    pub note: Option<String>,
    pub saving: Option<crate::app::ReqId>,
}

pub enum Outcome {
    Typing,
    Cancel,
    Ready(PersonChange),
}

impl PasswordPair {
    pub fn new(username: String) -> Self {
        PasswordPair {
            username,
            first: Password::default(),
            second: Password::default(),
            on_second: false,
            note: None,
            saving: None,
        }
    }

    fn focused(&mut self) -> &mut Password {
        if self.on_second {
            &mut self.second
        } else {
            &mut self.first
        }
    }

    pub fn key(&mut self, key: &KeyEvent) -> Outcome {
        if self.saving.is_some() {
            return Outcome::Typing;
        }
        let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
        match key.code {
            KeyCode::Esc => return Outcome::Cancel,
            KeyCode::Tab | KeyCode::BackTab | KeyCode::Up | KeyCode::Down => {
                self.on_second = !self.on_second
            }
            KeyCode::Enter if !self.on_second => {
                if self.first.char_count() < MIN_LEN {
                    self.note = Some(format!("too short: use at least {MIN_LEN} characters"));
                } else {
                    self.note = None;
                    self.on_second = true;
                }
            }
            KeyCode::Enter => return self.submit(),
            KeyCode::Backspace => self.focused().pop(),
            KeyCode::Char('u') if ctrl => *self.focused() = Password::default(),
            KeyCode::Char(c) if !ctrl && !key.modifiers.contains(KeyModifiers::ALT) => {
                self.insert(&c.to_string())
            }
            _ => {}
        }
        Outcome::Typing
    }

    fn submit(&mut self) -> Outcome {
        if self.first.char_count() < MIN_LEN {
            self.note = Some(format!("too short: use at least {MIN_LEN} characters"));
            self.on_second = false;
            return Outcome::Typing;
        }
        if self.first != self.second {
            // Both go: which one was mistyped cannot be seen.
            self.note = Some("the two passwords differ: type both again".into());
            self.first = Password::default();
            self.second = Password::default();
            self.on_second = false;
            return Outcome::Typing;
        }
        self.note = None;
        Outcome::Ready(PersonChange::SetPassword {
            username: self.username.clone(),
            password: self.first.clone(),
        })
    }

    pub fn paste(&mut self, text: &str) {
        if self.saving.is_none() {
            // One line: the newline a terminal copy adds is not part of it.
            self.insert(text.trim_end_matches(['\r', '\n']));
        }
    }

    fn insert(&mut self, text: &str) {
        let room = MAX_CHARS.saturating_sub(self.focused().char_count());
        let printable: Vec<char> = text.chars().filter(|c| !c.is_control()).collect();
        let kept: String = printable.iter().take(room).collect();
        self.note = (printable.len() > room).then(|| {
            format!("passwords are limited to {MAX_CHARS} characters; the rest was dropped")
        });
        self.focused().push_str(&kept);
    }
}
