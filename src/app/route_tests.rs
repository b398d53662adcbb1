//! The router: the top layer or screen gets the key, a screen's modal takes
//! every key, and a text box takes letters before any screen command.

use super::fixtures::key;
use super::iv_tests::{at_detail, at_home};
use super::route::{Layer, layer};
use super::team::TeamEdit;
use super::test_prelude::*;

fn top_title(s: &State) -> String {
    s.top().title()
}

#[test]
fn n_means_what_each_screen_says() {
    // The roster: a new intervention for the selected student.
    let mut s = at_home();
    s.screens.push(Screen::Roster(roster::RosterState {
        rows: vec![super::fixtures::roster_row(7)],
        loaded: true,
        ..Default::default()
    }));
    let fx = update(&mut s, key('n'));
    assert_eq!(top_title(&s), "New intervention");
    assert!(
        matches!(
            fx[..],
            [Effect::Load {
                read: Read::IvFormContext { .. },
                ..
            }]
        ),
        "{fx:?}"
    );

    // The intervention's goals tab: a new goal.
    let mut s = at_detail(InterventionStatus::Active);
    update(&mut s, key('1'));
    update(&mut s, key('n'));
    assert_eq!(top_title(&s), "New goal");

    // Its team tab: someone added to the team, the detail staying on top.
    let mut s = at_detail(InterventionStatus::Active);
    update(&mut s, key('3'));
    let fx = update(&mut s, key('n'));
    assert!(matches!(s.top(), Screen::Intervention(d)
        if matches!(d.team_edit, Some(TeamEdit::Pick(_)))));
    assert!(
        matches!(
            fx[..],
            [Effect::Load {
                read: Read::TeamCandidates { .. },
                ..
            }]
        ),
        "{fx:?}"
    );
}

#[test]
fn a_modal_takes_every_key() {
    // Help over the roster: neither quitting by `j` nor searching by `/`.
    let mut s = at_home();
    update(&mut s, key('?'));
    assert_eq!(layer(&s), Layer::Help);
    for c in ['/', 'L', 'n', 'j', 'a'] {
        assert!(update(&mut s, key(c)).is_empty(), "{c}");
    }
    assert_eq!(s.screens.len(), 2, "no screen opened under help");
    assert!(!s.quit);
    update(&mut s, key(KeyCode::Esc));
    assert_eq!(layer(&s), Layer::Screen);

    // The question before deleting a session: `L` does not log a new one
    // (it did when the question sat below the `L` binding); it is no answer,
    // so the question stays until y, n, Esc or Enter.
    let mut s = at_detail(InterventionStatus::Active);
    update(&mut s, key('2'));
    update(&mut s, key('x'));
    let fx = update(&mut s, key('L'));
    assert!(fx.is_empty(), "{fx:?}");
    assert!(matches!(s.top(), Screen::Intervention(d) if d.session_delete.is_some()));
    assert!(update(&mut s, key(KeyCode::Enter)).is_empty());
    assert!(matches!(s.top(), Screen::Intervention(d) if d.session_delete.is_none()));

    // The lifecycle prompt: `L` and `n` are its keys (or nothing), not the
    // detail's.
    let mut s = at_detail(InterventionStatus::Active);
    update(&mut s, key('a'));
    assert!(matches!(s.top(), Screen::Intervention(d) if d.prompt.is_some()));
    assert!(update(&mut s, key('L')).is_empty());
    assert_eq!(s.screens.len(), 3, "no editor opened over the detail");
}

#[test]
fn a_text_box_gets_letters_before_any_screen_command() {
    let mut s = at_home();
    s.screens.push(Screen::Roster(roster::RosterState {
        rows: vec![super::fixtures::roster_row(7)],
        loaded: true,
        ..Default::default()
    }));
    update(&mut s, key('/'));
    // s sorts, n opens a form, f the filter bar, q quits: all letters here.
    for c in ['s', 'n', 'f', 'q', 'L'] {
        update(&mut s, key(c));
    }
    let Screen::Roster(r) = s.top() else {
        panic!("{}", top_title(&s))
    };
    assert_eq!(r.query.search, "snfqL");
    assert_eq!(r.query.sort, Sort::default());
    assert!(r.filter_focus.is_none());
    assert!(!s.quit);

    // The command line over any screen: bound keys are text too.
    let mut s = at_detail(InterventionStatus::Active);
    update(&mut s, key(':'));
    assert_eq!(layer(&s), Layer::Command);
    for c in ['n', 'a', 'q'] {
        update(&mut s, key(c));
    }
    assert_eq!(s.command.text, "naq");
    assert!(matches!(s.top(), Screen::Intervention(d) if d.prompt.is_none()));
}
