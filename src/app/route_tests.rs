//! The router: the top layer or screen gets the key, a screen's modal takes
//! every key, and a text box takes letters before any screen command; while
//! the terminal is too small nothing but quit and help acts. The hint line
//! and help say the keys of the screen as it is now.

use super::fixtures::key;
use super::hint::{Hints, hints};
use super::intervention::Tab;
use super::iv_tests::{at_detail, at_home, detail};
use super::keymap::Action;
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

/// The sessions tab of an active intervention, the terminal shrunk to 30×8.
fn too_small_on_sessions() -> State {
    let mut s = at_detail(InterventionStatus::Active);
    update(&mut s, key('2'));
    update(
        &mut s,
        Msg::Resize {
            width: 30,
            height: 8,
        },
    );
    assert!(s.too_small());
    s
}

fn on_sessions_tab_undisturbed(s: &mut State) {
    assert_eq!(layer(s), Layer::Screen);
    assert_eq!(s.screens.len(), 3, "no screen opened or closed");
    assert!(s.log_pick.is_none());
    let d = detail(s);
    assert_eq!(d.tab, Tab::Sessions);
    assert!(d.prompt.is_none() && d.session_delete.is_none() && d.team_edit.is_none());
}

#[test]
fn while_the_terminal_is_too_small_only_quit_and_help_act() {
    let mut s = too_small_on_sessions();
    // Deleting a session blind took x then y; logging one, L.
    let keys = [
        key(KeyCode::Enter),
        key('L'),
        key('x'),
        key('y'),
        key('e'),
        key('E'),
        key('a'),
        key('m'),
        key('n'),
        key('3'),
        key(':'),
        key('r'),
        key(KeyCode::Tab),
        key(KeyCode::Esc),
        key(KeyCode::Backspace),
    ];
    for k in keys {
        assert!(update(&mut s, k.clone()).is_empty(), "{k:?}");
        on_sessions_tab_undisturbed(&mut s);
    }
    let paste = Msg::Paste(Password::new(String::from("pasted")));
    assert!(update(&mut s, paste).is_empty());
    assert!(!s.quit);

    // Help opens and closes (seen once the terminal is larger).
    update(&mut s, key('?'));
    assert_eq!(layer(&s), Layer::Help);
    update(&mut s, key('?'));
    assert_eq!(layer(&s), Layer::Screen);

    // Larger again, the same key acts.
    update(
        &mut s,
        Msg::Resize {
            width: 80,
            height: 24,
        },
    );
    update(&mut s, key('x'));
    assert!(detail(&mut s).session_delete.is_some());

    let mut s = too_small_on_sessions();
    update(&mut s, key('q'));
    assert!(s.quit);
}

#[test]
fn f1_opens_help_where_the_screen_keeps_the_letters() {
    let mut s = at_home();
    s.screens.push(Screen::Roster(roster::RosterState {
        rows: vec![super::fixtures::roster_row(7)],
        loaded: true,
        ..Default::default()
    }));
    update(&mut s, key('/'));
    update(&mut s, key('?'));
    let Screen::Roster(r) = s.top() else {
        panic!("{}", top_title(&s))
    };
    assert_eq!(r.query.search, "?", "? is a letter in the search box");
    update(&mut s, key(KeyCode::F(1)));
    assert_eq!(layer(&s), Layer::Help);
    update(&mut s, key(KeyCode::F(1)));
    assert_eq!(layer(&s), Layer::Screen);
    assert!(matches!(s.top(), Screen::Roster(r) if r.search_focus));
}

fn hint_line(s: &State) -> String {
    let h = hints(s);
    h.entries
        .iter()
        .chain(&h.help)
        .map(|e| format!("{} {}", e.keys, e.label))
        .collect::<Vec<_>>()
        .join(" · ")
}

#[test]
fn every_screen_and_tab_hints_its_own_keys() {
    let s = at_home();
    assert!(
        hint_line(&s)
            .starts_with("enter open · L log session · C contact · tab next section · j/k move"),
        "{}",
        hint_line(&s)
    );

    let mut s = at_detail(InterventionStatus::Active);
    let goals = hint_line(&s);
    assert!(
        goals.starts_with("n new · m measure · e edit · x delete · L log session"),
        "{goals}"
    );
    assert!(goals.ends_with("? help"), "{goals}");
    update(&mut s, key('2'));
    let sessions = hint_line(&s);
    assert!(
        sessions.starts_with("e edit · x delete · enter open · L log session"),
        "{sessions}"
    );
    assert!(!sessions.contains("measure"), "{sessions}");
    update(&mut s, key('3'));
    assert!(
        hint_line(&s).starts_with("n add · x remove"),
        "{}",
        hint_line(&s)
    );
    update(&mut s, key('4'));
    let attachments = hint_line(&s);
    assert!(
        attachments.starts_with(
            "u upload · s save · o open · y copy link · d detach · x delete · L log session · a actions"
        ),
        "{attachments}"
    );

    // The actions popup says its own keys; only help's function key is
    // offered below it.
    update(&mut s, key('a'));
    assert_eq!(hint_line(&s), "f1 help");

    // The roster: its commands, the filter bar's, nothing but f1 while
    // the search box has the letters.
    let mut s = at_home();
    s.screens.push(Screen::Roster(roster::RosterState {
        rows: vec![super::fixtures::roster_row(7)],
        loaded: true,
        ..Default::default()
    }));
    assert!(hint_line(&s).starts_with("/ search · f filters · s sort · enter open · n new"));
    update(&mut s, key('f'));
    assert!(
        hint_line(&s).starts_with("enter done · ←/→ filter · x remove"),
        "{}",
        hint_line(&s)
    );
    update(&mut s, key(KeyCode::Esc));
    update(&mut s, key('/'));
    assert_eq!(hint_line(&s), "f1 help");

    // Over a layer that takes the keys, no hint: it says its own.
    update(&mut s, key(KeyCode::Esc));
    update(&mut s, key(':'));
    assert_eq!(hints(&s), Hints::default());
}

#[test]
fn help_shows_the_screen_s_keys_first_then_the_global_ones_then_the_rest() {
    let mut s = at_detail(InterventionStatus::Active);
    update(&mut s, key('2'));
    update(&mut s, key('?'));
    let sections = super::help::sections(&s);
    let titles: Vec<&str> = sections.iter().map(|x| x.title).collect();
    assert_eq!(titles[..2], ["This screen", "Everywhere"]);
    let here: Vec<Action> = sections[0].rows.iter().map(|(a, _)| *a).collect();
    assert_eq!(
        here[..4],
        [
            Action::Edit,
            Action::DeletePoint,
            Action::Open,
            Action::LogSession
        ]
    );
    assert!(!here.contains(&Action::Measure), "not on the sessions tab");
    // Each binding once, every one of them.
    let mut all: Vec<Action> = sections
        .iter()
        .flat_map(|x| x.rows.iter().map(|(a, _)| *a))
        .collect();
    assert_eq!(all.len(), Action::ALL.len());
    all.sort_by_key(|a| a.name());
    all.dedup();
    assert_eq!(all.len(), Action::ALL.len());
}
