//! The program picker, the new-intervention form and the goal form at
//! 80×24 and 200×60, one of each with NO_COLOR, and tiny terminals.

use super::iv_snapshots::{at_detail, draw, no_colours, text};
use crate::app::fixtures::{answer_context, ctrl, key, program};
use crate::app::student::StudentState;
use crate::app::{Screen, State, update};
use crate::domain::enums::InterventionType;
use crate::domain::plan::FormContext;
use crossterm::event::KeyCode;
use uuid::Uuid;

fn typed(s: &mut State, text: &str) {
    for c in text.chars() {
        update(s, key(c));
    }
}

/// The picker over a student record, sized `width`×`height`.
fn picker(width: u16, height: u16) -> State {
    let mut s = at_detail(width, height);
    s.screens.push(Screen::Student(StudentState::new(
        Uuid::from_u128(77),
        "Nguyễn, Thảo".into(),
    )));
    let fx = update(&mut s, key('n'));
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
    update(&mut s, key(KeyCode::Enter));
    for _ in 0..3 {
        update(&mut s, key(KeyCode::Tab));
    }
    // The start date is today's unless changed: cleared (ctrl-u) first.
    update(&mut s, key(ctrl('u')));
    typed(&mut s, "2026-09-10");
    update(&mut s, key(KeyCode::Tab));
    typed(&mut s, "2026-09-01");
    update(&mut s, key(KeyCode::Tab));
    s
}

/// A new goal with its target on the wrong side of the baseline.
fn goal_form(width: u16, height: u16) -> State {
    let mut s = at_detail(width, height);
    let fx = update(&mut s, key('n'));
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
    update(&mut s, key(KeyCode::Tab));
    update(&mut s, key(KeyCode::Tab));
    typed(&mut s, "wcpm");
    update(&mut s, key(KeyCode::Tab));
    update(&mut s, key(KeyCode::Tab));
    typed(&mut s, "40");
    update(&mut s, key(KeyCode::Tab));
    typed(&mut s, "2026-09-01");
    update(&mut s, key(KeyCode::Tab));
    typed(&mut s, "30");
    update(&mut s, key(KeyCode::Tab));
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

/// The goal form on its status picker, narrowed by a typed "n" to "not
/// met": the choice in words, what was typed, the matching choices below.
fn status_picker(width: u16, height: u16) -> State {
    let mut s = goal_form(width, height);
    update(&mut s, key(KeyCode::Tab));
    update(&mut s, key(KeyCode::Right));
    update(&mut s, key(KeyCode::Tab));
    typed(&mut s, "n");
    s
}

#[test]
fn status_picker_80x24_and_200x60() {
    let screen = text(&draw(&status_picker(80, 24), 80, 24, false));
    assert!(screen.contains("‹ not met ›"), "{screen}");
    assert!(screen.contains("trend line"), "{screen}");
    insta::assert_snapshot!("status_picker_80x24", screen);
    insta::assert_snapshot!(
        "status_picker_200x60",
        text(&draw(&status_picker(200, 60), 200, 60, false))
    );
}

/// `x` on the goals tab: the question every confirmation asks, Enter
/// keeping the point.
#[test]
fn delete_point_question_80x24() {
    let mut s = at_detail(80, 24);
    update(&mut s, key(KeyCode::Char('x')));
    let screen = text(&draw(&s, 80, 24, false));
    assert!(
        screen.contains("y delete · n, esc or enter keep it"),
        "{screen}"
    );
    insta::assert_snapshot!(screen);
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
        draw(&status_picker(bw, bh), w, h, false);
    }
}
