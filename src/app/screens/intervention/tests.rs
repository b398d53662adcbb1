//! Caseload home and intervention detail, transition by transition.

use crate::app::fixtures::{self, day, loads, only_load};
use crate::app::intervention::{Prompt, Tab};
use crate::app::test_prelude::*;
use crate::domain::actions::Action as LifeAction;
use crate::domain::caseload::Scope;
use crate::domain::enums::NavigationType;
use crate::domain::user::CaseloadUser;

pub(crate) fn key(c: char) -> Msg {
    Msg::Key(KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE))
}

pub(crate) fn code(c: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(c, KeyModifiers::NONE))
}

pub(crate) fn nav(id: u128, target: &str) -> NavItem {
    NavItem {
        id: Uuid::from_u128(id),
        parent_id: None,
        label: target.into(),
        nav_type: NavigationType::Screen,
        target: Some(target.into()),
        hotkey: None,
        sort_order: id as i32,
    }
}

pub(crate) fn signed_in(roles: &[&str], targets: &[&str]) -> (State, Vec<Effect>) {
    let mut s = State::new(Options::default());
    let fx = update(&mut s, Msg::Start);
    let Effect::Connect { req } = fx[0] else {
        panic!("{fx:?}")
    };
    let whoami = Whoami {
        login_role: "dana".into(),
        server_version: "15".into(),
        user: Some(CaseloadUser {
            id: Uuid::from_u128(1),
            username: "dana".into(),
            display_name: "Dana".into(),
            role_keys: roles.iter().map(|r| r.to_string()).collect(),
        }),
    };
    let fx = update(&mut s, Msg::Connected { req, whoami });
    let Effect::Load {
        req,
        read: Read::Menu,
    } = fx[0]
    else {
        panic!("{fx:?}")
    };
    let items = targets
        .iter()
        .enumerate()
        .map(|(i, t)| nav(i as u128 + 1, t))
        .collect();
    let fx = update(
        &mut s,
        Msg::Loaded {
            req,
            data: Data::Menu { items },
        },
    );
    (s, fx)
}

/// Signed in as a counselor with the home loaded.
pub(crate) fn at_home() -> State {
    at_home_with(fixtures::home())
}

pub(crate) fn at_home_with(loaded: CaseloadHome) -> State {
    let (mut s, fx) = signed_in(&["counselor"], &["roster", "caseload"]);
    let (req, &Read::Home { scope }) = only_load(&fx) else {
        panic!("{fx:?}")
    };
    assert_eq!(scope, Scope::Mine);
    update(
        &mut s,
        Msg::Loaded {
            req,
            data: Data::Home {
                home: Box::new(loaded),
                today: day(fixtures::TODAY),
            },
        },
    );
    s
}

#[test]
fn a_home_with_nothing_left_out_says_nothing_of_bounds() {
    let s = at_home();
    let h = home(&s);
    assert_eq!(h.bound_note(), None);
    assert_eq!(
        h.section_heading(home::Section::Active),
        "My active interventions (3)"
    );
    assert_eq!(
        h.section_heading(home::Section::FollowUps),
        "Overdue follow-ups (1)"
    );
}

#[test]
fn a_cut_home_says_how_much_was_left_out() {
    let s = at_home_with(fixtures::cut_home());
    let h = home(&s);
    assert_eq!(
        h.bound_note().as_deref(),
        Some(
            "Showing the 3 most urgent of 101,476 open interventions and the 1 oldest overdue \
             follow-ups — narrow them in the roster (:open roster)"
        )
    );
    use home::Section::*;
    let headings: Vec<String> = home::Section::ALL
        .iter()
        .map(|&x| h.section_heading(x))
        .collect();
    assert_eq!(
        headings,
        [
            "My active interventions (3 of 85,776)",
            "Reviews due (1 of 31,402)",
            "Goals off track (1 among those shown)",
            "Overdue follow-ups (1 oldest; more not shown)",
            "Data-quality warnings (1 among those shown)",
        ]
    );
    // The rows and cursor are those loaded, whatever the totals.
    assert_eq!(h.len(), 7);
    assert_eq!(h.current_section(), Some(Active));
}

#[test]
fn thousands_are_grouped() {
    assert_eq!(home::grouped(0), "0");
    assert_eq!(home::grouped(999), "999");
    assert_eq!(home::grouped(1_000), "1,000");
    assert_eq!(home::grouped(101_476), "101,476");
    assert_eq!(home::grouped(12_345_678), "12,345,678");
}

pub(crate) fn home(s: &State) -> &HomeState {
    match s.top() {
        Screen::Home(h) => h,
        other => panic!("{}", other.title()),
    }
}

pub(crate) fn detail(s: &mut State) -> &mut DetailState {
    match s.top_mut() {
        Screen::Intervention(d) => d,
        other => panic!("{}", other.title()),
    }
}

/// At home, Enter on the first row, and the detail delivered.
pub(crate) fn at_detail(status: InterventionStatus) -> State {
    let mut s = at_home();
    let fx = update(&mut s, code(KeyCode::Enter));
    let (req, &Read::Intervention { id }) = only_load(&fx) else {
        panic!("{fx:?}")
    };
    assert_eq!(id, Uuid::from_u128(1001));
    update(
        &mut s,
        Msg::Loaded {
            req,
            data: Data::Intervention {
                detail: Some(Box::new(fixtures::detail(status))),
                today: day(fixtures::TODAY),
            },
        },
    );
    s
}

#[test]
fn home_is_the_start_screen_when_granted_else_the_roster() {
    let s = at_home();
    assert_eq!(s.screens.len(), 2, "over the menu, so esc leads back to it");
    assert_eq!(home(&s).len(), 7);

    let (s, fx) = signed_in(&["coordinator"], &["caseload"]);
    assert!(
        matches!(
            fx[..],
            [Effect::Load {
                read: Read::Home {
                    scope: Scope::Schools,
                    ..
                },
                ..
            }]
        ),
        "{fx:?}"
    );
    assert!(matches!(s.top(), Screen::Home(_)));

    let (s, fx) = signed_in(&["viewer"], &["roster"]);
    assert!(matches!(s.top(), Screen::Roster(_)));
    assert!(matches!(
        fx[0],
        Effect::Load {
            read: Read::RosterPage { .. },
            ..
        }
    ));
}

#[test]
fn home_moves_across_sections_and_tab_jumps() {
    let mut s = at_home();
    for _ in 0..3 {
        update(&mut s, key('j'));
    }
    assert_eq!(home(&s).current_section(), Some(home::Section::Reviews));
    update(&mut s, code(KeyCode::Tab));
    assert_eq!(home(&s).current_section(), Some(home::Section::OffTrack));
    assert_eq!(home(&s).cursor, 4);
    update(&mut s, code(KeyCode::BackTab));
    update(&mut s, code(KeyCode::BackTab));
    assert_eq!(home(&s).cursor, 0, "back to the first section's first row");
    update(&mut s, code(KeyCode::BackTab));
    assert_eq!(
        home(&s).current_section(),
        Some(home::Section::Warnings),
        "wraps"
    );
    update(&mut s, key('G'));
    update(&mut s, key('j'));
    assert_eq!(home(&s).cursor, 6, "clamped at the last row");
}

#[test]
fn every_home_row_opens_its_record() {
    let mut s = at_home();
    // The follow-up has no intervention: it opens the student.
    update(&mut s, code(KeyCode::Tab));
    update(&mut s, code(KeyCode::Tab));
    update(&mut s, code(KeyCode::Tab));
    assert_eq!(home(&s).current_section(), Some(home::Section::FollowUps));
    let fx = update(&mut s, code(KeyCode::Enter));
    assert!(
        matches!(fx[..], [Effect::Load { read: Read::Student { id, .. }, .. }] if id == Uuid::from_u128(2009)),
        "{fx:?}"
    );
    update(&mut s, code(KeyCode::Esc));
    update(&mut s, code(KeyCode::Tab));
    let fx = update(&mut s, code(KeyCode::Enter));
    assert!(
        matches!(fx[..], [Effect::Load { read: Read::Intervention { id, .. }, .. }] if id == Uuid::from_u128(1003)),
        "{fx:?}"
    );
}

#[test]
fn detail_tabs_by_tab_shift_tab_and_digits() {
    let mut s = at_detail(InterventionStatus::Active);
    assert_eq!(detail(&mut s).tab, Tab::Goals);
    assert_eq!(s.top().title(), "Ava Nguyen · Read Naturally");
    update(&mut s, key('j'));
    assert_eq!(detail(&mut s).cursor, 1, "second goal charted");
    update(&mut s, code(KeyCode::Tab));
    assert_eq!(detail(&mut s).tab, Tab::Sessions);
    assert_eq!(detail(&mut s).cursor, 0, "a new tab starts at its top");
    update(&mut s, key('5'));
    assert_eq!(detail(&mut s).tab, Tab::Communications);
    update(&mut s, code(KeyCode::Tab));
    assert_eq!(detail(&mut s).tab, Tab::Goals, "wraps");
    update(&mut s, code(KeyCode::BackTab));
    assert_eq!(detail(&mut s).tab, Tab::Communications);
    update(&mut s, key('3'));
    assert_eq!(detail(&mut s).tab, Tab::Team);
}

#[test]
fn the_action_menu_offers_only_legal_actions() {
    let mut s = at_detail(InterventionStatus::Paused);
    update(&mut s, key('a'));
    assert_eq!(
        detail(&mut s).prompt,
        Some(Prompt::Actions {
            actions: vec![LifeAction::Resume, LifeAction::Discontinue],
            cursor: 0
        })
    );
    // q inside the prompt cancels it rather than quitting.
    update(&mut s, key('q'));
    assert!(!s.quit);
    assert_eq!(detail(&mut s).prompt, None);

    let mut s = at_detail(InterventionStatus::Completed);
    update(&mut s, key('a'));
    assert_eq!(detail(&mut s).prompt, None);
    assert!(
        s.message
            .as_ref()
            .is_some_and(|(_, m)| m.contains("no further actions"))
    );
}

#[test]
fn pausing_confirms_then_sends_the_version() {
    let mut s = at_detail(InterventionStatus::Active);
    update(&mut s, key('a'));
    assert!(
        update(&mut s, code(KeyCode::Enter)).is_empty(),
        "confirm first"
    );
    assert!(matches!(
        detail(&mut s).prompt,
        Some(Prompt::Confirm {
            action: LifeAction::Pause,
            outcome: None,
            ..
        })
    ));
    let fx = update(&mut s, key('y'));
    let [
        Effect::Transition {
            req,
            id,
            expected_version: 3,
            to: InterventionStatus::Paused,
            outcome: None,
            notes: None,
        },
    ] = fx[..]
    else {
        panic!("{fx:?}")
    };
    assert_eq!(id, Uuid::from_u128(1001));
    assert!(s.busy());
    let fx = update(
        &mut s,
        Msg::Written {
            req,
            wrote: Wrote::Transition(WriteOutcome::Saved(4)),
        },
    );
    assert!(
        loads(&fx, |r| matches!(r, Read::Intervention { .. })),
        "{fx:?}"
    );
    assert!(
        loads(&fx, |r| matches!(r, Read::Home { .. })),
        "home reloads too: {fx:?}"
    );
}

#[test]
fn completing_asks_for_an_outcome_and_notes() {
    let mut s = at_detail(InterventionStatus::Active);
    update(&mut s, key('a'));
    update(&mut s, key('j'));
    update(&mut s, key('j'));
    update(&mut s, code(KeyCode::Enter));
    assert!(matches!(
        detail(&mut s).prompt,
        Some(Prompt::Outcome {
            action: LifeAction::Complete,
            cursor: 0
        })
    ));
    update(&mut s, key('j'));
    update(&mut s, code(KeyCode::Enter));
    // Notes are text: j, q and y are typed, not bindings.
    for c in "jqy ok ".chars() {
        update(&mut s, key(c));
    }
    assert!(!s.quit);
    update(&mut s, code(KeyCode::Enter));
    assert_eq!(
        detail(&mut s).prompt,
        Some(Prompt::Confirm {
            action: LifeAction::Complete,
            outcome: Some(Outcome::PartialProgress),
            notes: Some("jqy ok".into())
        })
    );
    let fx = update(&mut s, code(KeyCode::Enter));
    assert!(
        matches!(
            fx[..],
            [Effect::Transition {
                to: InterventionStatus::Completed,
                outcome: Some(Outcome::PartialProgress),
                ..
            }]
        ),
        "{fx:?}"
    );
}

#[test]
fn esc_in_notes_goes_back_to_the_outcome() {
    let mut s = at_detail(InterventionStatus::ReviewDue);
    update(&mut s, key('a'));
    update(&mut s, key('j'));
    update(&mut s, code(KeyCode::Enter));
    update(&mut s, key('j'));
    update(&mut s, key('j'));
    update(&mut s, code(KeyCode::Enter));
    update(&mut s, code(KeyCode::Esc));
    assert!(matches!(
        detail(&mut s).prompt,
        Some(Prompt::Outcome { cursor: 2, .. })
    ));
}

#[test]
fn a_conflict_shows_the_current_row_and_reloads() {
    let mut s = at_detail(InterventionStatus::Active);
    update(&mut s, key('a'));
    update(&mut s, code(KeyCode::Enter));
    let fx = update(&mut s, code(KeyCode::Enter));
    let [Effect::Transition { req, .. }] = fx[..] else {
        panic!("{fx:?}")
    };
    let now = fixtures::header_at(InterventionStatus::ReviewDue, 4);
    let fx = update(
        &mut s,
        Msg::Written {
            req,
            wrote: Wrote::Transition(WriteOutcome::Conflict(Box::new(now))),
        },
    );
    let d = detail(&mut s);
    assert_eq!(
        d.detail.as_ref().map(|x| x.header.status),
        Some(InterventionStatus::ReviewDue)
    );
    assert_eq!(d.saving, None);
    let (level, text) = s.message.clone().unwrap();
    assert_eq!(level, Level::Error);
    assert!(text.contains("changed by someone else: reloaded"), "{text}");
    assert!(loads(&fx, |r| matches!(r, Read::Intervention { .. })));
}

#[test]
fn a_refusal_says_why_and_changes_nothing() {
    let mut s = at_detail(InterventionStatus::Active);
    update(&mut s, key('a'));
    update(&mut s, code(KeyCode::Enter));
    let fx = update(&mut s, code(KeyCode::Enter));
    let [Effect::Transition { req, .. }] = fx[..] else {
        panic!("{fx:?}")
    };
    let fx = update(
        &mut s,
        Msg::Written {
            req,
            wrote: Wrote::Transition(WriteOutcome::Refused(
                "an intervention cannot go from active to planned".into(),
            )),
        },
    );
    assert!(fx.is_empty());
    assert!(
        s.message
            .as_ref()
            .is_some_and(|(_, m)| m.contains("cannot go from"))
    );
    // A stale reply to a request nobody waits for is dropped.
    assert!(
        update(
            &mut s,
            Msg::Written {
                req,
                wrote: Wrote::Transition(WriteOutcome::Gone)
            }
        )
        .is_empty()
    );
}

#[test]
fn open_caseload_by_command() {
    let (mut s, _) = signed_in(&["counselor"], &["roster", "caseload"]);
    update(&mut s, code(KeyCode::Esc));
    update(&mut s, key(':'));
    for c in "open caseload".chars() {
        update(&mut s, key(c));
    }
    let fx = update(&mut s, code(KeyCode::Enter));
    assert!(
        matches!(
            fx[..],
            [Effect::Load {
                read: Read::Home { .. },
                ..
            }]
        ),
        "{fx:?}"
    );
    assert!(matches!(s.top(), Screen::Home(_)));
}
