//! The password prompt as drawn: bullets, never the text. Snapshots in
//! tests/snapshots/; regenerate with `INSTA_UPDATE=always cargo test --test
//! auth_prompt_snapshot` and read the .snap diff before committing.

use caseload::app::{Effect, Msg, Options, State, update};
use caseload::config::Password;
use caseload::ui::{self, theme::Theme};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;

fn asked(stored_secret_failed: bool) -> State {
    let mut s = State::new(Options {
        connection_label: "postgresql://dana@db.school.org:5432/caseload?sslmode=prefer".into(),
        ..Options::default()
    });
    update(
        &mut s,
        Msg::Resize {
            width: 80,
            height: 20,
        },
    );
    let fx = update(&mut s, Msg::Start);
    let Effect::Connect { req } = fx[0] else {
        panic!("{fx:?}")
    };
    update(
        &mut s,
        Msg::AuthRequired {
            req,
            target: "dana@db.school.org:5432/caseload".into(),
            reason: "password authentication failed for user \"dana\" (password from keyring)"
                .into(),
            stored_secret_failed,
        },
    );
    for c in "hunter2".chars() {
        update(
            &mut s,
            Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE)),
        );
    }
    s
}

fn frame(s: &State) -> Terminal<TestBackend> {
    let mut t = Terminal::new(TestBackend::new(80, 20)).unwrap();
    t.draw(|f| ui::render(f, s, &Theme::new(false))).unwrap();
    t
}

fn text(t: &Terminal<TestBackend>) -> String {
    t.backend()
        .buffer()
        .content()
        .iter()
        .map(|c| c.symbol())
        .collect()
}

#[test]
fn prompt_shows_bullets_never_the_password() {
    let t = frame(&asked(false));
    let shown = text(&t);
    assert!(!shown.contains("hunter2"), "{shown}");
    assert!(shown.contains("•••••••▏"), "{shown}");
    assert!(!shown.contains("ctrl-f"));
    insta::assert_snapshot!(t.backend());
}

#[test]
fn rejected_stored_password_offers_forget_and_remember_is_shown() {
    let mut s = asked(true);
    update(
        &mut s,
        Msg::Key(KeyEvent::new(KeyCode::Char('r'), KeyModifiers::CONTROL)),
    );
    update(&mut s, Msg::Paste(Password::new("x".repeat(2000))));
    let t = frame(&s);
    let shown = text(&t);
    assert!(
        !shown.contains("hunter2") && !shown.contains("xxx"),
        "{shown}"
    );
    insta::assert_snapshot!(t.backend());
}

/// Ctrl-F asks before forgetting, with the one question every confirmation
/// asks: Enter keeps the stored password.
#[test]
fn forgetting_the_stored_password_asks_first() {
    let mut s = asked(true);
    let fx = update(
        &mut s,
        Msg::Key(KeyEvent::new(KeyCode::Char('f'), KeyModifiers::CONTROL)),
    );
    assert!(fx.is_empty(), "{fx:?}");
    let t = frame(&s);
    let shown = text(&t);
    assert!(shown.contains("forget the stored password?"), "{shown}");
    assert!(
        shown.contains("y forget it · n, esc or enter keep it"),
        "{shown}"
    );
    insta::assert_snapshot!(t.backend());
}
