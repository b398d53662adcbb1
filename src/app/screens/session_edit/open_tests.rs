//! Where the editor opens from and what it leaves behind: read-only
//! members, the sessions tab, the roster and home, recovered drafts.

use super::test_setup::{
    answer, answer_with, context_load, editor, found, log_from_home, log_from_student, press_log,
    targets_arrive,
};
use crate::app::fixtures::{self, day, key};
use crate::app::iv_tests::{at_detail, at_home};
use crate::app::session_edit::Stage;
use crate::app::test_prelude::*;

#[test]
fn a_read_only_member_is_told_why_no_editor_opens() {
    let mut s = at_home();
    let req = press_log(&mut s);
    let mut ctx = fixtures::session_context();
    ctx.may_write = false;
    answer_with(&mut s, req, ctx);
    let Screen::Session(x) = s.top() else {
        panic!()
    };
    assert!(x.editor().is_none());
    assert!(
        x.error()
            .unwrap()
            .contains("not log or change its sessions")
    );
}

#[test]
fn the_sessions_tab_edits_and_deletes_after_a_yes() {
    let mut s = at_detail(InterventionStatus::Active);
    update(&mut s, key('2'));
    let (session, version) = match s.top() {
        Screen::Intervention(d) => {
            let r = &d.detail.as_ref().unwrap().sessions[0];
            (r.id, r.version)
        }
        _ => panic!(),
    };
    let fx = update(&mut s, key('x'));
    assert!(fx.is_empty());
    let fx = update(&mut s, key('y'));
    let [
        Effect::DeleteSession {
            req,
            id,
            version: v,
        },
    ] = fx[..]
    else {
        panic!("{fx:?}")
    };
    assert_eq!((id, v), (session, version));
    let fx = update(
        &mut s,
        Msg::Written {
            req,
            wrote: Wrote::SessionDeleted(Ok(())),
        },
    );
    assert!(fx.iter().any(|f| matches!(
        f,
        Effect::Load {
            read: Read::Intervention { .. },
            ..
        }
    )));

    // Anything but y keeps it.
    update(&mut s, key('x'));
    assert!(update(&mut s, key('n')).is_empty());

    let fx = update(&mut s, key('e'));
    assert!(
        matches!(fx[..], [Effect::Load { read: Read::SessionContext { session_id: Some(id), .. }, .. }] if id == session),
        "{fx:?}"
    );
}

#[test]
fn from_the_roster_one_intervention_opens_several_are_offered() {
    use crate::domain::session::LogTarget;
    let mut s = at_detail(InterventionStatus::Active);
    // From the intervention itself, straight to the editor.
    let fx = update(&mut s, key('L'));
    assert!(matches!(
        fx[..],
        [Effect::Load {
            read: Read::SessionContext { .. },
            ..
        }]
    ));
    update(&mut s, key(KeyCode::Esc));

    // From a student: the choice.
    let (req, student_id) = log_from_student(&mut s);
    assert_eq!(student_id, Uuid::from_u128(2001));
    let target = |n: u128, name: &str| LogTarget {
        intervention_id: Uuid::from_u128(n),
        name: name.into(),
        status: InterventionStatus::Active,
    };
    targets_arrive(
        &mut s,
        req,
        vec![
            target(1001, "Read Naturally"),
            target(1002, "Check-in/Check-out"),
        ],
    );
    assert!(s.log_pick.is_some());
    update(&mut s, key(KeyCode::Down));
    let fx = update(&mut s, key(KeyCode::Enter));
    assert!(
        matches!(fx[..], [Effect::Load { read: Read::SessionContext { intervention_id, .. }, .. }] if intervention_id == Uuid::from_u128(1002)),
        "{fx:?}"
    );

    // None: said, nothing opens.
    let mut s = at_detail(InterventionStatus::Active);
    let (req, _) = log_from_student(&mut s);
    targets_arrive(&mut s, req, vec![]);
    assert!(s.log_pick.is_none());
    assert!(
        s.message
            .as_ref()
            .unwrap()
            .1
            .contains("has no active intervention")
    );
}

#[test]
fn after_a_save_the_home_cursor_stays_on_the_same_intervention() {
    let mut s = at_home();
    update(&mut s, key('j'));
    let before = match s.top() {
        Screen::Home(h) => h.selected(),
        _ => panic!(),
    };
    // The save moved this intervention's next session: the lists reorder.
    let mut reordered = fixtures::home();
    reordered.active.swap(0, 1);
    let fx = update(
        &mut s,
        Msg::SessionSaved {
            id: Uuid::from_u128(9),
            version: 1,
            label: String::new(),
        },
    );
    assert!(fixtures::home_loads(&fx).is_some(), "{fx:?}");
    fixtures::home_loaded(&mut s, &fx, &reordered);
    let Screen::Home(h) = s.top() else { panic!() };
    assert_eq!(h.selected(), before);
    assert_eq!(h.cursor, 0, "it moved up, and so did the cursor");
}

#[test]
fn l_typed_into_a_search_or_a_team_search_is_a_letter() {
    let mut s = at_home();
    s.screens
        .push(Screen::Roster(roster::RosterState::default()));
    update(&mut s, key('/'));
    let fx = update(&mut s, key('L'));
    assert!(
        fx.iter().all(|f| !matches!(
            f,
            Effect::Load {
                read: Read::LogTargets { .. },
                ..
            }
        )),
        "{fx:?}"
    );
    let Screen::Roster(r) = s.top() else { panic!() };
    assert_eq!(r.query.search, "L");

    // The team tab's people search, over an intervention (where `L` would
    // otherwise log a session).
    let mut s = at_detail(InterventionStatus::Active);
    update(&mut s, key('3'));
    update(&mut s, key('n'));
    let fx = update(&mut s, key('L'));
    assert!(
        matches!(fx.last(), Some(Effect::Load { read: Read::TeamCandidates { search, .. }, .. }) if search == "L"),
        "{fx:?}"
    );
    assert!(matches!(s.top(), Screen::Intervention(_)));
}

#[test]
fn drafts_offered_before_the_menu_arrives_keep_the_home_beneath() {
    let (mut s, req) = fixtures::started(Options::default());
    // The drafts are on disk: they answer before the database does.
    let (t, _) = log_from_home();
    let draft = editor(&t).draft();
    found(&mut s, vec![draft]);
    assert!(matches!(s.top(), Screen::Drafts(_)));
    let items = vec![crate::app::iv_tests::nav(1, "caseload")];
    let fx = fixtures::connected_as(&mut s, req, fixtures::whoami(&["counselor"]), items);
    assert!(
        fx.iter().any(|f| matches!(
            f,
            Effect::Load {
                read: Read::Home { .. },
                ..
            }
        )),
        "{fx:?}"
    );
    assert!(
        matches!(s.top(), Screen::Drafts(_)),
        "the offer stays on top"
    );
    update(&mut s, key(KeyCode::Esc));
    assert!(matches!(s.top(), Screen::Home(_)), "esc leads to the home");
}

#[test]
fn r_retries_an_editor_that_could_not_load() {
    let mut s = at_home();
    let req = press_log(&mut s);
    update(
        &mut s,
        Msg::QueryFailed {
            req,
            reason: "no server socket there (is the server running?)".into(),
        },
    );
    let fx = update(&mut s, key('r'));
    assert!(
        matches!(
            fx[..],
            [Effect::Load {
                read: Read::SessionContext {
                    session_id: None,
                    ..
                },
                ..
            }]
        ),
        "{fx:?}"
    );
    answer(&mut s, context_load(&fx).0);
    assert_eq!(editor(&s).stage, Stage::Editing);
}

/// `L` on a completed or discontinued intervention: why nothing opens. The
/// database would take the session (it asks who, not when), so caseload
/// refuses only new ones, and says the saved ones stay correctable.
#[test]
fn a_closed_intervention_says_why_no_session_can_be_logged() {
    use crate::domain::session::{SessionValues, StoredSession};
    let why = |status: &str| {
        format!("this intervention is {status}: sessions can no longer be logged for it")
    };
    for status in [
        InterventionStatus::Completed,
        InterventionStatus::Discontinued,
    ] {
        // On the intervention: said at once, nothing asked, nothing opens.
        let mut s = at_detail(status);
        let fx = update(&mut s, key('L'));
        assert!(fx.is_empty(), "{fx:?}");
        assert!(matches!(s.top(), Screen::Intervention(_)));
        assert_eq!(
            s.message.as_ref().map(|m| m.1.clone()),
            Some(why(&status.to_string()))
        );
    }

    // From the home, whose row was open when it loaded: the editor learns
    // the status with its context, and says the same.
    let mut s = at_home();
    let req = press_log(&mut s);
    let mut ctx = fixtures::session_context();
    ctx.status = InterventionStatus::Completed;
    answer_with(&mut s, req, ctx.clone());
    let Screen::Session(x) = s.top() else {
        panic!()
    };
    assert!(x.editor().is_none());
    assert_eq!(
        x.error(),
        Some(
            format!(
                "{}. Its saved sessions can still be corrected: sessions tab, enter or e.",
                why("completed")
            )
            .as_str()
        )
    );

    // A saved session of it still opens for a correction.
    let mut s = at_detail(InterventionStatus::Completed);
    update(&mut s, key('2'));
    let (req, _, Some(session)) = context_load(&update(&mut s, key('e'))) else {
        panic!("an edit asks for the session")
    };
    let stored = StoredSession {
        id: session,
        intervention_id: ctx.intervention_id,
        version: 3,
        values: SessionValues {
            session_date: day(50),
            start_time: None,
            minutes: 30,
            attendance: crate::domain::kinds::Attendance::Present,
            fidelity: None,
            note: Some("read aloud".into()),
            field_values: serde_json::json!({"level": 3}),
            is_restricted: false,
            scores: vec![],
        },
        updated_by_name: None,
        updated_at: day(50).and_hms_opt(9, 0, 0).unwrap().and_utc(),
    };
    update(
        &mut s,
        Msg::Loaded {
            req,
            data: Data::SessionContext {
                loaded: Some(Box::new((ctx, Some(stored)))),
                today: day(fixtures::TODAY),
                offline: None,
            },
        },
    );
    assert_eq!(editor(&s).base_version, Some(3));
}

/// Issue 13, item 14: discarding an unsent note asks like every other
/// question: Enter keeps it, a stray key leaves the question open, only
/// y discards.
#[test]
fn discarding_an_unsent_note_takes_a_y_and_enter_keeps_it() {
    let (t, _) = log_from_home();
    let draft = editor(&t).draft();
    let (mut s, _) = fixtures::started(Options::default());
    found(&mut s, vec![draft]);
    let asking = |s: &State| matches!(s.top(), Screen::Drafts(d) if d.confirm_discard);
    update(&mut s, key('x'));
    assert!(asking(&s));
    assert!(update(&mut s, key(KeyCode::Enter)).is_empty());
    assert!(!asking(&s), "enter answered: kept");
    update(&mut s, key('x'));
    assert!(update(&mut s, key('j')).is_empty());
    assert!(asking(&s), "not an answer: still asking");
    let fx = update(&mut s, key('y'));
    assert!(
        matches!(fx.as_slice(), [Effect::DeleteDraft { .. }]),
        "{fx:?}"
    );
}
