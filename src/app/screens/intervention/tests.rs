//! Caseload home and intervention detail, transition by transition.

use crate::app::fixtures::{self, day, key, loads, only_load};
use crate::app::intervention::{Prompt, Tab};
use crate::app::test_prelude::*;
use crate::domain::actions::Action as LifeAction;
use crate::domain::caseload::Scope;
use crate::domain::enums::NavigationType;

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

/// Signed in with `roles`, the menu one item per target.
pub(crate) fn signed_in(roles: &[&str], targets: &[&str]) -> (State, Vec<Effect>) {
    let items = targets
        .iter()
        .enumerate()
        .map(|(i, t)| nav(i as u128 + 1, t))
        .collect();
    fixtures::signed_in(Options::default(), fixtures::whoami(roles), items)
}

/// Signed in as a counselor with the home loaded.
pub(crate) fn at_home() -> State {
    at_home_with(fixtures::home())
}

pub(crate) fn at_home_with(loaded: CaseloadHome) -> State {
    let (mut s, fx) = signed_in(&["counselor"], &["roster", "caseload"]);
    assert_eq!(fixtures::home_loads(&fx), Some(Scope::Mine), "{fx:?}");
    fixtures::home_loaded(&mut s, &fx, &loaded);
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
            "My active interventions (3 of 85,776 shown)",
            "Reviews due (1 of 31,402 shown)",
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
    let fx = update(&mut s, key(KeyCode::Enter));
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
    assert_eq!(fixtures::home_loads(&fx), Some(Scope::Schools), "{fx:?}");
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
    update(&mut s, key(KeyCode::Tab));
    assert_eq!(home(&s).current_section(), Some(home::Section::OffTrack));
    assert_eq!(home(&s).cursor, 4);
    update(&mut s, key(KeyCode::BackTab));
    update(&mut s, key(KeyCode::BackTab));
    assert_eq!(home(&s).cursor, 0, "back to the first section's first row");
    update(&mut s, key(KeyCode::BackTab));
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
    update(&mut s, key(KeyCode::Tab));
    update(&mut s, key(KeyCode::Tab));
    update(&mut s, key(KeyCode::Tab));
    assert_eq!(home(&s).current_section(), Some(home::Section::FollowUps));
    let fx = update(&mut s, key(KeyCode::Enter));
    assert!(
        matches!(fx[..], [Effect::Load { read: Read::Student { id, .. }, .. }] if id == Uuid::from_u128(2009)),
        "{fx:?}"
    );
    update(&mut s, key(KeyCode::Esc));
    update(&mut s, key(KeyCode::Tab));
    let fx = update(&mut s, key(KeyCode::Enter));
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
    update(&mut s, key(KeyCode::Tab));
    assert_eq!(detail(&mut s).tab, Tab::Sessions);
    assert_eq!(detail(&mut s).cursor, 0, "a new tab starts at its top");
    update(&mut s, key('5'));
    assert_eq!(detail(&mut s).tab, Tab::Communications);
    update(&mut s, key(KeyCode::Tab));
    assert_eq!(detail(&mut s).tab, Tab::Goals, "wraps");
    update(&mut s, key(KeyCode::BackTab));
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
        update(&mut s, key(KeyCode::Enter)).is_empty(),
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
    // Enter keeps it active, like every question's Enter.
    assert!(update(&mut s, key(KeyCode::Enter)).is_empty());
    assert_eq!(detail(&mut s).prompt, None);
    update(&mut s, key('a'));
    update(&mut s, key(KeyCode::Enter));
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
    update(&mut s, key(KeyCode::Enter));
    assert!(matches!(
        detail(&mut s).prompt,
        Some(Prompt::Outcome {
            action: LifeAction::Complete,
            cursor: 0
        })
    ));
    update(&mut s, key('j'));
    update(&mut s, key(KeyCode::Enter));
    // Notes are text: j, q and y are typed, not bindings.
    for c in "jqy ok ".chars() {
        update(&mut s, key(c));
    }
    assert!(!s.quit);
    update(&mut s, key(KeyCode::Enter));
    assert_eq!(
        detail(&mut s).prompt,
        Some(Prompt::Confirm {
            action: LifeAction::Complete,
            outcome: Some(Outcome::PartialProgress),
            notes: Some("jqy ok".into())
        })
    );
    // Enter is the safe answer: nothing is sent, and it goes back to the
    // notes with what was typed still there.
    assert!(update(&mut s, key(KeyCode::Enter)).is_empty());
    assert!(matches!(
        &detail(&mut s).prompt,
        Some(Prompt::Notes { line, outcome: Outcome::PartialProgress, .. }) if line.text == "jqy ok"
    ));
    update(&mut s, key(KeyCode::Enter));
    assert!(matches!(
        detail(&mut s).prompt,
        Some(Prompt::Confirm { .. })
    ));
    // A key that is no answer leaves the question open.
    assert!(update(&mut s, key('j')).is_empty());
    assert!(matches!(
        detail(&mut s).prompt,
        Some(Prompt::Confirm { .. })
    ));
    let fx = update(&mut s, key('y'));
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
    update(&mut s, key(KeyCode::Enter));
    update(&mut s, key('j'));
    update(&mut s, key('j'));
    update(&mut s, key(KeyCode::Enter));
    update(&mut s, key(KeyCode::Esc));
    assert!(matches!(
        detail(&mut s).prompt,
        Some(Prompt::Outcome { cursor: 2, .. })
    ));
}

#[test]
fn a_conflict_shows_the_current_row_and_reloads() {
    let mut s = at_detail(InterventionStatus::Active);
    let req = take_first_action(&mut s);
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
    let req = take_first_action(&mut s);
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
    update(&mut s, key(KeyCode::Esc));
    update(&mut s, key(':'));
    for c in "open caseload".chars() {
        update(&mut s, key(c));
    }
    let fx = update(&mut s, key(KeyCode::Enter));
    assert!(fixtures::home_loads(&fx).is_some(), "{fx:?}");
    assert!(matches!(s.top(), Screen::Home(_)));
}

/// The sessions tab asks like every question: Enter and Esc keep the
/// session, a key that is no answer leaves the question open, y deletes.
#[test]
fn deleting_a_session_takes_a_y_and_enter_keeps_it() {
    let mut s = at_detail(InterventionStatus::Active);
    update(&mut s, key('2'));
    let asking = |s: &mut State| detail(s).session_delete.is_some();
    for keep in [key(KeyCode::Enter), key(KeyCode::Esc), key('n')] {
        update(&mut s, key('x'));
        assert!(asking(&mut s));
        assert!(update(&mut s, keep).is_empty());
        assert!(!asking(&mut s), "kept");
    }
    update(&mut s, key('x'));
    assert!(update(&mut s, key('j')).is_empty());
    assert!(asking(&mut s), "no answer yet");
    let fx = update(&mut s, key('y'));
    assert!(matches!(fx[..], [Effect::DeleteSession { .. }]), "{fx:?}");
}

/// `a`, Enter, `y`: the first action the detail offers, confirmed; the
/// request of the transition it sends.
pub(crate) fn take_first_action(s: &mut State) -> ReqId {
    update(s, key('a'));
    update(s, key(KeyCode::Enter));
    let fx = update(s, key('y'));
    let [Effect::Transition { req, .. }] = fx[..] else {
        panic!("{fx:?}")
    };
    req
}

/// A reload (`r`, or live refresh after a session logged elsewhere) keeps
/// the cursor on the session it was on, not on its row number.
#[test]
fn a_reload_keeps_the_cursor_on_the_same_session() {
    let mut s = at_detail(InterventionStatus::Active);
    update(&mut s, key('2'));
    update(&mut s, key('j'));
    let was = detail(&mut s).cursor;
    let mut fresh = fixtures::detail(InterventionStatus::Active);
    assert!(fresh.sessions.len() > was, "the fixture has sessions");
    let on = fresh.sessions[was].id;
    let mut new = fresh.sessions[0].clone();
    new.id = Uuid::from_u128(0x5e55);
    fresh.sessions.insert(0, new);
    let fx = update(&mut s, key('r'));
    let (req, _) = only_load(&fx);
    update(
        &mut s,
        Msg::Loaded {
            req,
            data: Data::Intervention {
                detail: Some(Box::new(fresh)),
                today: day(fixtures::TODAY),
            },
        },
    );
    let d = detail(&mut s);
    assert_eq!(d.cursor, was + 1);
    assert_eq!(d.detail.get().unwrap().sessions[d.cursor].id, on);
}
