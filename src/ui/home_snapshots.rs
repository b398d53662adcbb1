//! The caseload home as a newcomer reads it (issue 13, items 8, 9, 12, 17),
//! at 80×24 and 200×60: names whole while there is room, the ⚑ kept at 80
//! columns, fidelity as a share of plan, plurals, the coordinator's heading,
//! a dirty name marked and warned about; Tab bringing a section to the top
//! and the pinned heading of a section scrolled into.

use crate::app::fixtures;
use crate::app::{Msg, update};
use crate::ui::iv_snapshots::{at_home_as, draw, no_colours, signed_in_at, text};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

fn press(s: &mut crate::app::State, code: KeyCode, times: usize) {
    for _ in 0..times {
        update(s, Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
    }
}

fn reading(width: u16, height: u16) -> String {
    let s = at_home_as(width, height, fixtures::reading_home(), &["coordinator"]);
    text(&draw(&s, width, height, false))
}

#[test]
fn reading_home_80x24() {
    let screen = reading(80, 24);
    assert!(
        screen.contains("Active interventions in your schools (4)"),
        "{screen}"
    );
    // The flag survives; the row raised by its minutes says so.
    assert!(screen.contains("minutes 65% ⚑"), "{screen}");
    assert!(screen.contains("1 day overdue"), "{screen}");
    // The goal tells the off-track rows apart; the advice is the heading's.
    assert!(
        screen.contains("Read Naturally         Read 90 words correct per minute"),
        "{screen}"
    );
    assert!(screen.contains("Evil\u{FFFD} Name"), "{screen}");
    assert!(
        screen.contains("control characters in a name (\u{FFFD})"),
        "{screen}"
    );
    insta::assert_snapshot!(screen);
}

#[test]
fn reading_home_200x60() {
    let screen = reading(200, 60);
    // Nothing is cut while there is room.
    assert!(
        screen.contains("Oluwaseun Oyelaran-Whitfield-Montgomery"),
        "{screen}"
    );
    assert!(
        screen.contains("Mentoring: \"Big Brothers Big Sisters\" community match"),
        "{screen}"
    );
    assert!(
        screen.contains("sessions 110% · minutes 104% of plan"),
        "{screen}"
    );
    assert!(
        screen.contains("sessions 89% · minutes 65% of plan ⚑"),
        "{screen}"
    );
    assert!(
        screen.contains("attendance concern (in person)"),
        "{screen}"
    );
    assert!(
        screen.contains("off track: consider changing the intervention — Read 90 words"),
        "{screen}"
    );
    assert!(!screen.contains('…'), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn tab_brings_reviews_to_the_top_80x24() {
    let mut s = at_home_as(80, 24, fixtures::busy_home(30, 30), &["counselor"]);
    press(&mut s, KeyCode::Tab, 1);
    let screen = text(&draw(&s, 80, 24, false));
    assert_eq!(
        screen.lines().nth(1),
        Some(format!("{:80}", "Reviews due (30)").as_str())
    );
    insta::assert_snapshot!(screen);
}

#[test]
fn tab_brings_reviews_to_the_top_200x60_no_color() {
    let mut s = at_home_as(200, 60, fixtures::busy_home(30, 60), &["counselor"]);
    press(&mut s, KeyCode::Tab, 1);
    let t = draw(&s, 200, 60, true);
    assert!(no_colours(&t));
    let screen = text(&t);
    assert!(
        screen
            .lines()
            .nth(1)
            .is_some_and(|l| l.starts_with("Reviews due (60)")),
        "{screen}"
    );
    insta::assert_snapshot!(screen);
}

#[test]
fn a_scrolled_section_keeps_its_heading_80x24() {
    let mut s = at_home_as(80, 24, fixtures::busy_home(30, 30), &["counselor"]);
    press(&mut s, KeyCode::Down, 25);
    let screen = text(&draw(&s, 80, 24, false));
    assert!(
        screen
            .lines()
            .nth(1)
            .is_some_and(|l| l.starts_with("My active interventions (30)")),
        "{screen}"
    );
    assert!(screen.contains("Student 25"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn a_scrolled_section_keeps_its_heading_200x60() {
    let mut s = at_home_as(200, 60, fixtures::busy_home(80, 30), &["counselor"]);
    press(&mut s, KeyCode::Down, 70);
    let screen = text(&draw(&s, 200, 60, false));
    assert!(
        screen
            .lines()
            .nth(1)
            .is_some_and(|l| l.starts_with("My active interventions (80)")),
        "{screen}"
    );
    insta::assert_snapshot!(screen);
}

/// A district administrator a moment after signing in (issue 19): the top
/// of the home and the follow-ups are in, the goals are still loading and
/// the totals the lists were cut from are being counted. No count reads as
/// a total, no section still loading says "nothing".
#[test]
fn a_cut_home_while_its_totals_are_counting_80x24() {
    use crate::app::{Effect, Read};
    use crate::domain::home_parts::HomeQuery;
    let (mut s, fx) = signed_in_at(80, 24, &["admin"]);
    let cut = fixtures::cut_home();
    // The open part, then of what it asks for only the follow-ups.
    let mut queue = fx;
    while let Some(e) = queue.pop() {
        if let Effect::Load {
            req,
            read: Read::Home { part, .. },
        } = e
            && matches!(part, HomeQuery::Open | HomeQuery::FollowUps)
        {
            queue.extend(update(&mut s, fixtures::home_arrived(req, &cut, part)));
        }
    }
    let screen = text(&draw(&s, 80, 24, false));
    assert!(
        screen.contains("Active interventions in your schools (3 shown; counting all…)"),
        "{screen}"
    );
    assert!(
        screen.contains("Showing the 3 most urgent open interventions (counting all…)"),
        "{screen}"
    );
    assert!(
        screen.lines().any(|l| l.trim_end() == "Goals off track"),
        "no count before its rows are in: {screen}"
    );
    assert!(screen.contains("  loading…"), "{screen}");
    assert!(!screen.contains("nothing"), "{screen}");
    assert!(!screen.contains("85,776"), "{screen}");
    insta::assert_snapshot!(screen);
}
