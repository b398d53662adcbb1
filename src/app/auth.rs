//! The password prompt: a modal that opens when the server wants a password
//! caseload does not have, or rejected the one it had. Pure state; the
//! worker does the connecting and the keyring.

use super::confirm::{self, Answer};
use super::{Conn, Effect, State};
use crate::config::Password;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// More than any real password; a stray paste of a whole document stops here.
pub const MAX_PASSWORD_CHARS: usize = 1024;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthPrompt {
    /// `user@host:port/dbname`, as the keyring names it.
    pub target: String,
    /// Why we ask: the server's reason, or that it wants a password.
    pub reason: String,
    pub input: Password,
    /// Store the password in the keyring once it works. Off unless chosen.
    pub remember: bool,
    /// The rejected password came from the keyring, so forgetting it helps.
    pub offer_forget: bool,
    /// A note under the input (paste cut short, nothing typed, forgetting).
    pub note: Option<String>,
    /// Asking whether to forget the stored password (`app::confirm`).
    pub confirm_forget: bool,
}

pub(super) fn open(state: &mut State, target: String, reason: String, stored_secret_failed: bool) {
    // A rejected attempt keeps the remember choice, so it need not be
    // made again for each try.
    let remember = state.auth.as_ref().is_some_and(|p| p.remember);
    state.auth = Some(AuthPrompt {
        target,
        reason,
        input: Password::default(),
        remember,
        offer_forget: stored_secret_failed,
        note: None,
        confirm_forget: false,
    });
}

/// Keys while the prompt is open: it captures all of them.
pub(super) fn on_key(state: &mut State, key: KeyEvent) -> Vec<Effect> {
    let Some(p) = state.auth.as_mut() else {
        return vec![];
    };
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    // While asking, y and n answer the question and are not typed.
    if p.confirm_forget {
        return match confirm::answer(&key) {
            Answer::Yes => {
                p.confirm_forget = false;
                p.offer_forget = false;
                p.note = Some("forgetting the stored password…".into());
                vec![Effect::ForgetKeyring]
            }
            Answer::No => {
                p.confirm_forget = false;
                vec![]
            }
            Answer::Unanswered => vec![],
        };
    }
    match key.code {
        KeyCode::Enter => {
            if p.input.is_empty() {
                p.note = Some("type the password first".into());
                return vec![];
            }
            let password = std::mem::take(&mut p.input);
            let remember = p.remember;
            state.auth = None;
            let req = state.alloc();
            state.conn = Conn::Connecting { req };
            vec![Effect::Authenticate {
                req,
                password,
                remember,
            }]
        }
        KeyCode::Esc => {
            state.auth = None;
            if let Conn::Failed { reason, .. } = &mut state.conn {
                *reason = format!("{reason} (press r to sign in again)");
            }
            vec![]
        }
        KeyCode::Char('r') if ctrl => {
            p.remember = !p.remember;
            vec![]
        }
        KeyCode::Char('f') if ctrl && p.offer_forget => {
            p.confirm_forget = true;
            vec![]
        }
        KeyCode::Char('u') if ctrl => {
            p.input = Password::default();
            vec![]
        }
        KeyCode::Backspace => {
            p.input.pop();
            vec![]
        }
        KeyCode::Char(c) if !ctrl && !key.modifiers.contains(KeyModifiers::ALT) => {
            insert(p, &c.to_string());
            vec![]
        }
        _ => vec![],
    }
}

pub(super) fn on_paste(state: &mut State, text: &Password) {
    if let Some(p) = state.auth.as_mut() {
        // A password is one line; the newline a terminal copy adds is not part of it.
        insert(p, text.expose().trim_end_matches(['\r', '\n']));
    }
}

fn insert(p: &mut AuthPrompt, text: &str) {
    let room = MAX_PASSWORD_CHARS.saturating_sub(p.input.char_count());
    let printable: Vec<char> = text.chars().filter(|c| !c.is_control()).collect();
    let kept: String = printable.iter().take(room).collect();
    if printable.len() > room {
        p.note = Some(format!(
            "passwords are limited to {MAX_PASSWORD_CHARS} characters; the rest was dropped"
        ));
    } else {
        p.note = None;
    }
    p.input.push_str(&kept);
}

#[cfg(test)]
mod tests {
    use super::super::{Msg, Options, Read, ReqId, update};
    use super::*;
    use crate::app::fixtures::{ctrl, key};

    fn typed(state: &mut State, text: &str) {
        for c in text.chars() {
            assert!(update(state, key(c)).is_empty());
        }
    }

    /// Started, and the server wanted a password.
    fn asked(stored_secret_failed: bool) -> (State, ReqId) {
        let mut s = State::new(Options::default());
        let fx = update(&mut s, Msg::Start);
        let Effect::Connect { req } = fx[0] else {
            panic!("{fx:?}")
        };
        let fx = update(
            &mut s,
            Msg::AuthRequired {
                req,
                target: "dana@db:5432/school".into(),
                reason: "password authentication failed for user \"dana\"".into(),
                stored_secret_failed,
            },
        );
        assert!(fx.is_empty());
        (s, req)
    }

    #[test]
    fn auth_required_opens_the_prompt() {
        let (s, req) = asked(false);
        let p = s.auth.as_ref().expect("prompt open");
        assert_eq!(p.target, "dana@db:5432/school");
        assert!(p.reason.contains("password authentication failed"));
        assert!(!p.remember && !p.offer_forget && p.input.is_empty());
        assert!(matches!(s.conn, Conn::Failed { req: r, .. } if r == req));
        assert!(!s.busy(), "no spinner while waiting for the person");
    }

    #[test]
    fn stale_auth_required_is_dropped() {
        let (mut s, req) = asked(false);
        typed(&mut s, "x");
        update(&mut s, key(KeyCode::Enter));
        update(
            &mut s,
            Msg::AuthRequired {
                req,
                target: "t".into(),
                reason: "old".into(),
                stored_secret_failed: false,
            },
        );
        assert!(s.auth.is_none());
    }

    #[test]
    fn typing_and_backspace_edit_the_buffer() {
        let (mut s, _) = asked(false);
        typed(&mut s, "hunter2");
        update(&mut s, key(KeyCode::Backspace));
        typed(&mut s, "3 q?");
        let p = s.auth.as_ref().unwrap();
        assert_eq!(p.input.expose(), "hunter3 q?", "q and ? are text here");
        assert!(!s.quit && s.modal.is_none());
        update(&mut s, key(ctrl('u')));
        assert!(s.auth.as_ref().unwrap().input.is_empty());
        update(&mut s, key(KeyCode::Backspace));
        assert!(s.auth.as_ref().unwrap().input.is_empty());
    }

    #[test]
    fn enter_sends_the_password_and_the_remember_choice() {
        let (mut s, _) = asked(false);
        assert!(
            update(&mut s, key(KeyCode::Enter)).is_empty(),
            "nothing typed"
        );
        assert_eq!(
            s.auth.as_ref().unwrap().note.as_deref(),
            Some("type the password first")
        );
        typed(&mut s, "pw1");
        update(&mut s, key(ctrl('r')));
        assert!(s.auth.as_ref().unwrap().remember);
        let fx = update(&mut s, key(KeyCode::Enter));
        let [
            Effect::Authenticate {
                req,
                password,
                remember: true,
            },
        ] = fx.as_slice()
        else {
            panic!("{fx:?}")
        };
        assert_eq!(password.expose(), "pw1");
        assert!(s.auth.is_none());
        assert_eq!(s.conn, Conn::Connecting { req: *req });

        // Default off; ctrl-r twice is off again.
        let (mut s, _) = asked(false);
        typed(&mut s, "pw");
        update(&mut s, key(ctrl('r')));
        update(&mut s, key(ctrl('r')));
        let fx = update(&mut s, key(KeyCode::Enter));
        assert!(matches!(
            fx.as_slice(),
            [Effect::Authenticate {
                remember: false,
                ..
            }]
        ));
    }

    #[test]
    fn wrong_passwords_keep_prompting_with_the_server_reason() {
        let (mut s, _) = asked(false);
        for attempt in 1..=3 {
            typed(&mut s, "wrong");
            let fx = update(&mut s, key(KeyCode::Enter));
            let [Effect::Authenticate { req, .. }] = fx.as_slice() else {
                panic!("{fx:?}")
            };
            update(
                &mut s,
                Msg::AuthRequired {
                    req: *req,
                    target: "dana@db:5432/school".into(),
                    reason: format!("password authentication failed ({attempt})"),
                    stored_secret_failed: false,
                },
            );
            let p = s.auth.as_ref().expect("prompt again");
            assert!(p.reason.ends_with(&format!("({attempt})")));
            assert!(p.input.is_empty());
        }
        typed(&mut s, "right");
        let fx = update(&mut s, key(KeyCode::Enter));
        let [Effect::Authenticate { req, .. }] = fx.as_slice() else {
            panic!("{fx:?}")
        };
        let fx = update(
            &mut s,
            Msg::Authenticated {
                req: *req,
                whoami: crate::domain::user::Whoami {
                    login_role: "dana".into(),
                    server_version: "15".into(),
                    user: None,
                },
                keyring: Some(Err("keyring error: locked".into())),
            },
        );
        assert!(s.is_connected() && s.auth.is_none());
        assert!(
            matches!(
                fx.as_slice(),
                [Effect::Load {
                    read: Read::Menu,
                    ..
                }]
            ),
            "{fx:?}"
        );
        let (level, text) = s.message.clone().unwrap();
        assert_eq!(level, super::super::Level::Error);
        assert!(text.contains("locked"), "{text}");
    }

    #[test]
    fn esc_closes_the_prompt_and_r_signs_in_again() {
        let (mut s, _) = asked(false);
        typed(&mut s, "abc");
        assert!(update(&mut s, key(KeyCode::Esc)).is_empty());
        assert!(s.auth.is_none() && !s.quit);
        let Conn::Failed { reason, .. } = &s.conn else {
            panic!("{:?}", s.conn)
        };
        assert!(reason.contains("press r"), "{reason}");
        let fx = update(&mut s, key('r'));
        assert!(matches!(fx.as_slice(), [Effect::Connect { .. }]), "{fx:?}");
        // Ctrl-C quits even from the prompt.
        let (mut s, _) = asked(false);
        update(&mut s, key(ctrl('c')));
        assert!(s.quit);
    }

    #[test]
    fn a_rejected_stored_password_can_be_forgotten() {
        let (mut s, _) = asked(false);
        assert!(
            update(&mut s, key(ctrl('f'))).is_empty(),
            "nothing to forget"
        );

        let (mut s, _) = asked(true);
        assert!(s.auth.as_ref().unwrap().offer_forget);
        // Asked first, like every confirmation: Enter keeps it, and y or n
        // answer the question rather than being typed.
        typed(&mut s, "ab");
        assert!(update(&mut s, key(ctrl('f'))).is_empty());
        assert!(s.auth.as_ref().unwrap().confirm_forget);
        assert!(update(&mut s, key(KeyCode::Char('x'))).is_empty());
        assert!(update(&mut s, key(KeyCode::Enter)).is_empty());
        let p = s.auth.as_ref().unwrap();
        assert!(!p.confirm_forget && p.offer_forget, "kept");
        assert_eq!(p.input.char_count(), 2, "nothing typed while asking");
        assert!(
            s.auth.is_some(),
            "Enter answered the question, it did not sign in"
        );
        update(&mut s, key(ctrl('f')));
        assert!(update(&mut s, key(KeyCode::Char('n'))).is_empty());
        assert!(s.auth.as_ref().unwrap().offer_forget);
        update(&mut s, key(ctrl('f')));
        assert_eq!(
            update(&mut s, key(KeyCode::Char('y'))),
            vec![Effect::ForgetKeyring]
        );
        let p = s.auth.as_ref().unwrap();
        assert_eq!(p.input.char_count(), 2);
        assert!(!p.offer_forget && p.note.is_some());
        assert!(update(&mut s, key(ctrl('f'))).is_empty(), "once");
        update(
            &mut s,
            Msg::KeyringDone {
                result: Ok("forgot the stored password".into()),
            },
        );
        assert!(s.auth.is_some(), "still asking");
        assert_eq!(
            s.message,
            Some((
                super::super::Level::Info,
                "forgot the stored password".into()
            ))
        );
    }

    #[test]
    fn paste_inserts_text_capped() {
        let (mut s, _) = asked(false);
        typed(&mut s, "a");
        update(&mut s, Msg::Paste(Password::new("b c\n")));
        assert_eq!(s.auth.as_ref().unwrap().input.expose(), "ab c");
        assert!(s.auth.as_ref().unwrap().note.is_none());
        update(&mut s, Msg::Paste(Password::new("x".repeat(5000))));
        let p = s.auth.as_ref().unwrap();
        assert_eq!(p.input.char_count(), MAX_PASSWORD_CHARS);
        assert!(p.note.as_deref().unwrap().contains("limited to 1024"));
        // Outside the prompt a paste does nothing.
        let mut s = State::new(Options::default());
        assert!(update(&mut s, Msg::Paste(Password::new("q"))).is_empty());
        assert!(!s.quit);
    }

    #[test]
    fn debug_output_never_shows_the_password() {
        let (mut s, _) = asked(true);
        typed(&mut s, "sw0rdfish");
        update(&mut s, Msg::Paste(Password::new("PASTED")));
        let state = format!("{s:?}");
        assert!(
            !state.contains("sw0rdfish") && !state.contains("PASTED"),
            "{state}"
        );
        let msg = format!("{:?}", Msg::Paste(Password::new("PASTED")));
        assert!(!msg.contains("PASTED"), "{msg}");
        let fx = update(&mut s, key(KeyCode::Enter));
        let fx = format!("{fx:?}");
        assert!(
            fx.contains("Authenticate") && !fx.contains("sw0rdfish"),
            "{fx}"
        );
    }
}
