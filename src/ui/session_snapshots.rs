//! The session note editor at 80×24 and 200×60, with NO_COLOR, with its
//! messages, the conflict view, the unsent-notes list, the intervention
//! picker, and tiny terminals.

use super::iv_snapshots::{at_detail, draw, no_colours, text};
use crate::app::fixtures::{self, ctrl, day, key};
use crate::app::session_edit::draft::SessionDraft;
use crate::app::session_edit::test_setup::{answer, press_log};
use crate::app::student::StudentState;
use crate::app::{Data, Read};
use crate::app::{Effect, Msg, Screen, State, update};
use crate::domain::enums::InterventionStatus;
use crate::domain::session::{LogTarget, SessionValues, StoredSession};
use crossterm::event::KeyCode;
use uuid::Uuid;

fn typed(s: &mut State, text: &str) {
    for c in text.chars() {
        update(s, key(c));
    }
}

/// `L` on an intervention, with its context answered.
fn editor(width: u16, height: u16) -> State {
    let mut s = at_detail(width, height);
    let req = press_log(&mut s);
    answer(&mut s, req);
    s
}

/// The quick path half done: a score, and a note with wide and combining
/// characters and an escape sequence that must not reach the terminal.
fn written(width: u16, height: u16) -> State {
    let mut s = editor(width, height);
    typed(&mut s, "42");
    update(&mut s, key(KeyCode::Tab));
    typed(&mut s, "Nguyễn read 読書 aloud; e\u{301}cole. ");
    update(
        &mut s,
        Msg::Paste(crate::config::Password::new(
            "Then \u{1b}[2Jcleared? no.\nSecond line of the note, long enough to wrap at eighty columns for sure."
                .to_string(),
        )),
    );
    s
}

#[test]
fn editor_80x24() {
    let t = draw(&written(80, 24), 80, 24, false);
    let screen = text(&t);
    assert!(!screen.contains('\x1b'));
    assert!(screen.contains("Then [2Jcleared?"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn editor_200x60_no_color() {
    let t = draw(&written(200, 60), 200, 60, true);
    assert!(no_colours(&t));
    insta::assert_snapshot!(text(&t));
}

#[test]
fn editor_with_messages_80x24() {
    let mut s = editor(80, 24);
    // From the score up to Minutes.
    for _ in 0..8 {
        update(&mut s, key(KeyCode::Up));
    }
    typed(&mut s, "x");
    update(&mut s, key(ctrl('s')));
    let screen = text(&draw(&s, 80, 24, false));
    assert!(screen.contains("not saved: 1 value to fix"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn conflict_80x24() {
    let mut s = written(80, 24);
    let fx = update(&mut s, key(ctrl('s')));
    let Some(Effect::SubmitSession { write, .. }) = fx.last() else {
        panic!("{fx:?}")
    };
    let theirs = StoredSession {
        id: write.id,
        intervention_id: write.intervention_id,
        version: 2,
        values: SessionValues {
            minutes: 25,
            note: Some("Sam's note\nwith two lines".into()),
            ..write.values.clone()
        },
        updated_by_name: Some("Sam Lee".into()),
        updated_at: day(1).and_hms_opt(9, 0, 0).unwrap().and_utc(),
    };
    update(
        &mut s,
        Msg::SessionConflict {
            id: write.id,
            theirs: Box::new(theirs),
            label: String::new(),
        },
    );
    insta::assert_snapshot!(text(&draw(&s, 80, 24, false)));
}

#[test]
fn unsent_notes_80x24() {
    let mut s = at_detail(80, 24);
    let draft = |n: u128, note: &str| SessionDraft {
        format: 1,
        id: Uuid::from_u128(n),
        base_version: None,
        context: fixtures::session_context(),
        today: day(fixtures::TODAY),
        values: vec!["2026-10-31".into()],
        original: vec![],
        note: note.into(),
        original_note: String::new(),
    };
    update(
        &mut s,
        Msg::DraftsFound {
            drafts: vec![draft(1, "Worked on \u{1b}[31mvowels"), draft(2, "")],
            unreadable: vec!["3.json: expected value at line 1".into()],
            show: false,
        },
    );
    insta::assert_snapshot!(text(&draw(&s, 80, 24, false)));
}

#[test]
fn intervention_picker_80x24() {
    let mut s = at_detail(80, 24);
    s.screens.push(Screen::Student(StudentState::new(
        Uuid::from_u128(2001),
        "Nguyễn, An".into(),
    )));
    let fx = update(&mut s, key('L'));
    let Effect::Load {
        req,
        read: Read::LogTargets { .. },
    } = fx[0]
    else {
        panic!("{fx:?}")
    };
    let t = |n: u128, name: &str, status| LogTarget {
        intervention_id: Uuid::from_u128(n),
        name: name.into(),
        status,
    };
    update(
        &mut s,
        Msg::Loaded {
            req,
            data: Data::LogTargets {
                targets: vec![
                    t(1, "Read Naturally", InterventionStatus::Active),
                    t(2, "Check-In/Check-Out", InterventionStatus::Paused),
                ],
            },
        },
    );
    insta::assert_snapshot!(text(&draw(&s, 80, 24, false)));
}

#[test]
fn tiny_terminals_never_panic() {
    for (w, h) in [(40, 10), (41, 11), (39, 9), (10, 3), (80, 12), (45, 14)] {
        // Built where keys still act (below the minimum they do nothing),
        // drawn at the tiny size.
        let s = written(w.max(crate::app::MIN_WIDTH), h.max(crate::app::MIN_HEIGHT));
        let screen = text(&draw(&s, w, h, false));
        if w < 40 || h < 10 {
            assert!(screen.contains("too small"), "{w}x{h}: {screen}");
        }
    }
}

#[test]
fn sessions_tab_asks_before_deleting_80x24() {
    let mut s = at_detail(80, 24);
    update(&mut s, key('2'));
    let screen = text(&draw(&s, 80, 24, false));
    assert!(
        screen.contains("L logs a session · enter or e edits"),
        "{screen}"
    );
    update(&mut s, key('x'));
    insta::assert_snapshot!(text(&draw(&s, 80, 24, false)));
}

/// `L` on an intervention, with `ctx` as its context.
fn editor_with(ctx: crate::domain::session::SessionContext, width: u16, height: u16) -> State {
    let mut s = at_detail(width, height);
    let req = press_log(&mut s);
    crate::app::session_edit::test_setup::answer_with(&mut s, req, ctx);
    s
}

/// Two goals on one measure: each score names its goal's place, measure
/// and target, the target kept whole when the measure is cut.
#[test]
fn scores_say_which_goal_80x24() {
    let ctx = crate::app::session_edit::fields_tests::three_goals();
    let mut s = editor_with(ctx, 80, 24);
    typed(&mut s, "2");
    let screen = text(&draw(&s, 80, 24, false));
    assert!(screen.contains("· target 1 per week"), "{screen}");
    assert!(screen.contains("· target 0 per week"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn scores_say_which_goal_200x60_no_color() {
    let ctx = crate::app::session_edit::fields_tests::three_goals();
    let mut s = editor_with(ctx, 200, 60);
    typed(&mut s, "2");
    let t = draw(&s, 200, 60, true);
    assert!(no_colours(&t));
    insta::assert_snapshot!(text(&t));
}

/// Values carried over from the last session say so until confirmed:
/// Level, focused, still does; Praise was left empty (it does not carry).
#[test]
fn carried_values_are_marked_80x24() {
    let mut s = editor(80, 24);
    for _ in 0..4 {
        update(&mut s, key(KeyCode::Up));
    }
    let screen = text(&draw(&s, 80, 24, false));
    assert_eq!(screen.matches("↺ from 28 Oct").count(), 2, "{screen}");
    insta::assert_snapshot!(screen);
}

/// `L` on a completed intervention: why not, on the status line.
#[test]
fn log_on_a_closed_intervention_says_why_80x24() {
    let mut s = at_detail(80, 24);
    if let Screen::Intervention(d) = s.top_mut()
        && let Some(x) = d.detail.get_mut()
    {
        x.header.status = InterventionStatus::Completed;
    }
    update(&mut s, key(KeyCode::Char('L')));
    insta::assert_snapshot!(text(&draw(&s, 80, 24, false)));
}

/// `L` on an intervention closed by someone else since it loaded here (or
/// from a home row): the editor learns it with its context and says why
/// instead of opening.
fn refused_closed_since(width: u16, height: u16) -> State {
    let mut s = at_detail(width, height);
    let req = press_log(&mut s);
    let mut ctx = fixtures::session_context();
    ctx.status = InterventionStatus::Discontinued;
    crate::app::session_edit::test_setup::answer_with(&mut s, req, ctx);
    s
}

#[test]
fn log_on_an_intervention_closed_since_80x24() {
    let screen = text(&draw(&refused_closed_since(80, 24), 80, 24, false));
    assert!(screen.contains("can no longer be logged"), "{screen}");
    insta::assert_snapshot!(screen);
}

#[test]
fn log_on_an_intervention_closed_since_200x60_no_color() {
    let t = draw(&refused_closed_since(200, 60), 200, 60, true);
    assert!(no_colours(&t));
    insta::assert_snapshot!(text(&t));
}
