//! After a save: the status line says what happened, an info message
//! fades (an error waits for a key), and every screen that shows records
//! loads again, so lists and tab counts match the data.

use super::fixtures::key;
use super::fixtures::{loads, only_load, student_record};
use super::intervention::Tab;
use super::iv_tests::{at_detail, detail, take_first_action};
use super::student::StudentState;
use super::test_prelude::*;
use crate::domain::kinds::TeamRole;
use crate::domain::outcome::Written;

fn said(s: &State) -> Option<(Level, &str)> {
    s.message.as_ref().map(|(l, t)| (*l, t.as_str()))
}

fn ctrl(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL))
}

/// Menu, home, Ana Lee's record (loaded) and the intervention detail over
/// it: a screen of each kind that shows records.
fn detail_over_a_student() -> State {
    let mut s = at_detail(InterventionStatus::Active);
    let at = s.screens.len() - 1;
    s.screens.insert(
        at,
        Screen::Student(StudentState::new(Uuid::from_u128(5), "Lee, Ana".into())),
    );
    s
}

fn reloads_every_record_screen(fx: &[Effect]) {
    for (what, pick) in [
        (
            "home",
            (|r: &Read| matches!(r, Read::Home { .. })) as fn(&Read) -> bool,
        ),
        ("student", |r| matches!(r, Read::Student { .. })),
        ("intervention", |r| matches!(r, Read::Intervention { .. })),
    ] {
        assert!(loads(fx, pick), "the {what} loads again: {fx:?}");
    }
}

#[test]
fn a_lifecycle_move_says_where_it_went_and_reloads_the_student_too() {
    let mut s = detail_over_a_student();
    let req = take_first_action(&mut s);
    let fx = update(
        &mut s,
        Msg::Written {
            req,
            wrote: Wrote::Transition(WriteOutcome::Saved(4)),
        },
    );
    assert_eq!(
        said(&s),
        Some((Level::Info, "saved: the intervention is paused now"))
    );
    reloads_every_record_screen(&fx);
}

#[test]
fn a_team_change_reloads_the_lists_that_depend_on_the_team() {
    let mut s = detail_over_a_student();
    update(&mut s, key('3'));
    let d = detail(&mut s);
    assert_eq!(d.tab, Tab::Team);
    let Some(x) = d.detail.get_mut() else {
        panic!("loaded")
    };
    let mut lee = x.team[0].clone();
    (lee.id, lee.name, lee.role) = (
        Uuid::from_u128(7002),
        "Lee Okafor".into(),
        TeamRole::Teacher,
    );
    x.team.push(lee);
    update(&mut s, key('j'));
    update(&mut s, key('x'));
    let fx = update(&mut s, key('y'));
    let [Effect::RemoveTeamMember { req, .. }] = fx[..] else {
        panic!("{fx:?}")
    };
    let owner_only = detail(&mut s).detail.get().map(|x| x.team[..1].to_vec());
    let fx = update(
        &mut s,
        Msg::Written {
            req,
            wrote: Wrote::Team(Written::Saved(owner_only.unwrap_or_default())),
        },
    );
    assert_eq!(
        said(&s),
        Some((Level::Info, "removed Lee Okafor from the team"))
    );
    reloads_every_record_screen(&fx);
}

#[test]
fn a_saved_profile_says_so_and_the_record_loads_again_for_its_activity() {
    let mut s = detail_over_a_student();
    update(&mut s, key(KeyCode::Esc));
    assert!(matches!(s.top(), Screen::Student(_)));
    let fx = update(&mut s, key('r'));
    let (req, Read::Student { .. }) = only_load(&fx) else {
        panic!("{fx:?}")
    };
    update(
        &mut s,
        Msg::Loaded {
            req,
            data: Data::Student {
                detail: Some(Box::new(student_record(5))),
            },
        },
    );
    update(&mut s, key('e'));
    update(&mut s, key('h'));
    let fx = update(&mut s, ctrl('s'));
    let [Effect::SaveStudentRecord { req, .. }] = fx[..] else {
        panic!("{fx:?}")
    };
    let fx = update(
        &mut s,
        Msg::Written {
            req,
            wrote: Wrote::Student(Written::Saved(2)),
        },
    );
    assert_eq!(said(&s), Some((Level::Info, "profile saved")));
    assert!(
        loads(&fx, |r| matches!(r, Read::Student { .. })),
        "the record (its activity tab, its counts) loads again: {fx:?}"
    );
    assert!(loads(&fx, |r| matches!(r, Read::Home { .. })), "{fx:?}");
}

#[test]
fn an_info_message_fades_and_an_error_waits_for_a_key() {
    let mut s = at_detail(InterventionStatus::Active);
    assert!(!s.ticking(), "nothing to tick for");
    // `a` on a completed intervention says why not: an info message.
    if let Some(x) = detail(&mut s).detail.get_mut() {
        x.header.status = InterventionStatus::Completed;
    }
    update(&mut s, key('a'));
    assert!(
        matches!(said(&s), Some((Level::Info, _))),
        "{:?}",
        s.message
    );
    assert!(s.ticking(), "the loop ticks so that the message can fade");
    for _ in 1..MESSAGE_TICKS {
        update(&mut s, Msg::Tick);
    }
    assert!(s.message.is_some(), "still there a tick before the end");
    update(&mut s, Msg::Tick);
    assert_eq!(s.message, None);
    assert!(!s.ticking());

    // Said again, it starts again.
    update(&mut s, key('a'));
    for _ in 1..MESSAGE_TICKS {
        update(&mut s, Msg::Tick);
    }
    update(&mut s, key('a'));
    update(&mut s, Msg::Tick);
    assert!(s.message.is_some(), "a new message has its own time");

    // An error stays until the next key.
    let mut s = at_detail(InterventionStatus::Active);
    let fx = update(&mut s, key('r'));
    let (req, _) = only_load(&fx);
    update(
        &mut s,
        super::fixtures::query_failed(req, "server closed the connection"),
    );
    assert!(matches!(said(&s), Some((Level::Error, _))));
    for _ in 0..MESSAGE_TICKS * 2 {
        update(&mut s, Msg::Tick);
    }
    assert!(matches!(said(&s), Some((Level::Error, _))));
    update(&mut s, key('j'));
    assert_eq!(s.message, None);
}
