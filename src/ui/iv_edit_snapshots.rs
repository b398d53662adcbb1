//! The program picker, the new-intervention form and the goal form at
//! 80×24 and 200×60, one of each with NO_COLOR, and tiny terminals.

use super::iv_snapshots::{at_detail, draw, no_colours, text};
use crate::app::fixtures::{answer_context, program};
use crate::app::student::StudentState;
use crate::app::{Msg, Screen, State, update};
use crate::domain::enums::InterventionType;
use crate::domain::plan::FormContext;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use uuid::Uuid;

fn press(s: &mut State, code: KeyCode) {
    update(s, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
}

fn typed(s: &mut State, text: &str) {
    for c in text.chars() {
        press(s, KeyCode::Char(c));
    }
}

/// The picker over a student record, sized `width`×`height`.
fn picker(width: u16, height: u16) -> State {
    let mut s = at_detail(width, height);
    s.screens.push(Screen::Student(StudentState::new(
        Uuid::from_u128(77),
        "Nguyễn, Thảo".into(),
    )));
    let fx = update(
        &mut s,
        Msg::Key(KeyEvent::new(KeyCode::Char('n'), KeyModifiers::NONE)),
    );
    answer_context(
        &mut s,
        &fx,
        FormContext {
            programs: vec![
                program(
                    1,
                    "Read Naturally Live",
                    InterventionType::Reading,
                    2,
                    (3, 30, 12),
                ),
                program(
                    2,
                    "Check-In/Check-Out",
                    InterventionType::Behavior,
                    2,
                    (5, 10, 8),
                ),
                program(
                    3,
                    "読み聞かせ reading buddies",
                    InterventionType::Reading,
                    1,
                    (1, 20, 8),
                ),
                program(
                    4,
                    "Speech articulation group",
                    InterventionType::CommunicationLanguage,
                    2,
                    (2, 30, 12),
                ),
            ],
            can_restrict: true,
            measure: None,
        },
    );
    s
}

/// The program's form with a start after the end, so a message shows.
fn create_form(width: u16, height: u16) -> State {
    let mut s = picker(width, height);
    press(&mut s, KeyCode::Enter);
    for _ in 0..3 {
        press(&mut s, KeyCode::Tab);
    }
    typed(&mut s, "2026-09-10");
    press(&mut s, KeyCode::Tab);
    typed(&mut s, "2026-09-01");
    press(&mut s, KeyCode::Tab);
    s
}

/// A new goal with its target on the wrong side of the baseline.
fn goal_form(width: u16, height: u16) -> State {
    let mut s = at_detail(width, height);
    let fx = update(
        &mut s,
        Msg::Key(KeyEvent::new(KeyCode::Char('n'), KeyModifiers::NONE)),
    );
    answer_context(
        &mut s,
        &fx,
        FormContext {
            programs: vec![],
            can_restrict: false,
            measure: Some("ORF".into()),
        },
    );
    typed(&mut s, "Thảo will read 90 words correct per minute");
    press(&mut s, KeyCode::Tab);
    press(&mut s, KeyCode::Tab);
    typed(&mut s, "wcpm");
    press(&mut s, KeyCode::Tab);
    press(&mut s, KeyCode::Tab);
    typed(&mut s, "40");
    press(&mut s, KeyCode::Tab);
    typed(&mut s, "2026-09-01");
    press(&mut s, KeyCode::Tab);
    typed(&mut s, "30");
    press(&mut s, KeyCode::Tab);
    s
}

#[test]
fn program_picker_80x24() {
    insta::assert_snapshot!(text(&draw(&picker(80, 24), 80, 24, false)));
}

#[test]
fn program_picker_200x60_no_color() {
    let t = draw(&picker(200, 60), 200, 60, true);
    assert!(no_colours(&t));
    insta::assert_snapshot!(text(&t));
}

#[test]
fn create_form_80x24() {
    insta::assert_snapshot!(text(&draw(&create_form(80, 24), 80, 24, false)));
}

#[test]
fn create_form_200x60() {
    insta::assert_snapshot!(text(&draw(&create_form(200, 60), 200, 60, false)));
}

#[test]
fn goal_form_80x24_no_color() {
    let t = draw(&goal_form(80, 24), 80, 24, true);
    assert!(no_colours(&t));
    insta::assert_snapshot!(text(&t));
}

#[test]
fn goal_form_200x60() {
    insta::assert_snapshot!(text(&draw(&goal_form(200, 60), 200, 60, false)));
}

#[test]
fn tiny_terminals_never_panic() {
    for (w, h) in [(40, 10), (41, 11), (20, 5), (1, 1)] {
        // Built where keys still act (below the minimum they do nothing),
        // drawn at the tiny size.
        let (bw, bh) = (w.max(crate::app::MIN_WIDTH), h.max(crate::app::MIN_HEIGHT));
        draw(&picker(bw, bh), w, h, false);
        draw(&create_form(bw, bh), w, h, false);
        draw(&goal_form(bw, bh), w, h, true);
    }
}
