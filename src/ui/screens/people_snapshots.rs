//! The People and Settings screens at 80×24 and 120×40: the table with its
//! search and chips, the password prompt drawn as bullets, a question, and
//! the settings table with its description.

use crate::app::fixtures::{ctrl, key};
use crate::app::screens::people::tests::loaded as people;
use crate::app::screens::settings::tests::loaded as settings;
use crate::app::{Msg, State, update};
use crate::ui::iv_snapshots::{draw, text};
use crossterm::event::KeyCode;

fn sized(s: &mut State, width: u16, height: u16) {
    update(s, Msg::Resize { width, height });
}

#[test]
fn people_80x24() {
    let mut s = people();
    sized(&mut s, 80, 24);
    let screen = text(&draw(&s, 80, 24, false));
    assert!(
        screen.contains("counselor at North, teacher at South"),
        "{screen}"
    );
    insta::assert_snapshot!(screen);
}

#[test]
fn people_filtered_and_searching_120x40() {
    let mut s = people();
    sized(&mut s, 120, 40);
    update(&mut s, key('a'));
    update(&mut s, key('/'));
    for c in "dana".chars() {
        update(&mut s, key(c));
    }
    let screen = text(&draw(&s, 120, 40, false));
    assert!(screen.contains("[active]"), "{screen}");
    assert!(!screen.contains("Olive Timer"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn people_password_prompt_shows_bullets_only() {
    let mut s = people();
    sized(&mut s, 80, 24);
    update(&mut s, key('j'));
    update(&mut s, key('p'));
    for c in "secret words".chars() {
        update(&mut s, key(c));
    }
    let screen = text(&draw(&s, 80, 24, false));
    assert!(screen.contains("••••••••••••"), "{screen}");
    assert!(!screen.contains("secret"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn people_deactivate_question_and_add_form() {
    let mut s = people();
    sized(&mut s, 80, 24);
    update(&mut s, key('d'));
    let screen = text(&draw(&s, 80, 24, false));
    assert!(screen.contains("Deactivate a_admin?"), "{screen}");
    update(&mut s, key(KeyCode::Esc));
    update(&mut s, key('n'));
    update(&mut s, key(ctrl('s')));
    let screen = text(&draw(&s, 80, 24, false));
    assert!(screen.contains("Add a person"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn settings_80x24_and_a_school() {
    let mut s = settings();
    sized(&mut s, 80, 24);
    let screen = text(&draw(&s, 80, 24, false));
    assert!(
        screen.contains("what decision_rule_points does"),
        "{screen}"
    );
    insta::assert_snapshot!("settings_80x24", screen);
    update(&mut s, key('s'));
    update(&mut s, key('s'));
    let screen = text(&draw(&s, 80, 24, false));
    assert!(screen.contains("Scope: South"), "{screen}");
    assert!(screen.contains("45"), "{screen}");
    insta::assert_snapshot!("settings_school_80x24", screen);
}

#[test]
fn tiny_terminals_say_too_small() {
    for mut s in [people(), settings()] {
        sized(&mut s, 20, 5);
        let screen = text(&draw(&s, 20, 5, false));
        assert!(screen.contains("too small"), "{screen}");
    }
}
