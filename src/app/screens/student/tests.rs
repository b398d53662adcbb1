//! The record's load through update(): it stays on screen while it loads
//! again, and a refusal then is said beside it rather than instead of it.

use super::StudentState;
use crate::app::fixtures::key;
use crate::app::iv_tests::at_home;
use crate::app::loadable::Pending;
use crate::app::test_prelude::*;
use crate::domain::enums::{GradeLevel, StudentStatus};
use crate::domain::student::StudentRecord;

const ID: u128 = 5;

fn record() -> Box<StudentRecord> {
    Box::new(crate::app::fixtures::student_record(ID))
}

fn student(s: &State) -> &StudentState {
    match s.top() {
        Screen::Student(x) => x,
        other => panic!("top is {}", other.title()),
    }
}

/// `r` on the record: the load it sends.
fn reload(s: &mut State) -> ReqId {
    let fx = update(s, key('r'));
    let found = fx.iter().find_map(|e| match e {
        Effect::Load {
            req,
            read: Read::Student { id },
        } => Some((*req, *id)),
        _ => None,
    });
    let Some((req, id)) = found else {
        panic!("{fx:?}")
    };
    assert_eq!(id, Uuid::from_u128(ID));
    req
}

fn on_record() -> State {
    let mut s = at_home();
    s.screens.push(Screen::Student(StudentState::new(
        Uuid::from_u128(ID),
        "Lee, Ana".into(),
    )));
    s
}

#[test]
fn a_reload_keeps_the_record_and_a_refusal_shows_beside_it() {
    let mut s = on_record();
    let req = reload(&mut s);
    assert_eq!(student(&s).detail.pending(), Some(Pending::Loading));
    assert!(s.top().busy());
    let data = Data::Student {
        detail: Some(record()),
    };
    update(&mut s, Msg::Loaded { req, data });
    assert!(!s.top().busy());
    assert_eq!(
        student(&s).detail.get().map(|d| d.local_id.as_str()),
        Some("S5")
    );

    let req = reload(&mut s);
    assert!(s.top().busy());
    assert!(student(&s).detail.get().is_some(), "stays while reloading");
    let data = Data::Student { detail: None };
    update(&mut s, Msg::Loaded { req, data });
    let st = student(&s);
    assert!(st.detail.get().is_some(), "the record shown stays");
    assert_eq!(
        st.detail.error(),
        Some("this student is not visible to you")
    );
}

#[test]
fn a_first_load_that_fails_says_why() {
    let mut s = on_record();
    let req = reload(&mut s);
    update(
        &mut s,
        Msg::QueryFailed {
            req,
            reason: "permission denied".into(),
        },
    );
    assert_eq!(
        student(&s).detail.pending(),
        Some(Pending::Failed("permission denied"))
    );
    assert!(!s.top().busy());
}

/// The profile form: grade and status are pickers read in words, and "6"
/// is grade 06; Enter walks the fields and saves from the last one.
#[test]
fn the_grade_is_picked_in_words() {
    let mut s = on_record();
    let req = reload(&mut s);
    let data = Data::Student {
        detail: Some(record()),
    };
    update(&mut s, Msg::Loaded { req, data });
    update(&mut s, key('e'));
    let form = |s: &State| match &student(s).mode {
        super::Mode::Edit(ed) => ed.form.clone(),
        other => panic!("{other:?}"),
    };
    for _ in 0..4 {
        update(&mut s, Msg::Key(KeyEvent::from(KeyCode::Enter)));
    }
    let f = form(&s);
    assert_eq!((f.focus, f.values[4].as_str()), (4, "03"));
    assert_eq!(f.specs[4].shown("03"), "Grade 3");
    update(&mut s, key('6'));
    assert_eq!(form(&s).values[4], "06");
    update(&mut s, Msg::Key(KeyEvent::from(KeyCode::Enter)));
    update(&mut s, Msg::Key(KeyEvent::from(KeyCode::Left)));
    assert_eq!(
        form(&s).values[5],
        "graduated",
        "← from the first status wraps"
    );
    update(&mut s, Msg::Key(KeyEvent::from(KeyCode::Right)));
    assert_eq!(form(&s).values[5], "active");
    let mut fx = vec![];
    for _ in 5..=10 {
        fx = update(&mut s, Msg::Key(KeyEvent::from(KeyCode::Enter)));
    }
    let [Effect::SaveStudentRecord { ref change, .. }] = fx[..] else {
        panic!("{fx:?}")
    };
    let crate::domain::student::Change::Profile(p) = change else {
        panic!("{change:?}")
    };
    assert_eq!(
        (p.grade, p.status),
        (GradeLevel::G06, StudentStatus::Active)
    );
}

/// Enter on a row of the Communications tab opens that contact's form
/// (issue 14's tryout: it did nothing); the hint line offers it.
#[test]
fn enter_on_a_contact_opens_it() {
    use crate::app::screens::contact_edit::About;
    use crate::domain::student::CommunicationLine;
    let mut s = on_record();
    let req = reload(&mut s);
    let mut r = record();
    r.communications = [7u128, 8]
        .iter()
        .map(|n| CommunicationLine {
            id: Uuid::from_u128(*n),
            when: "2026-12-01 10:00".into(),
            direction: "outbound".into(),
            channel: "phone".into(),
            guardian: None,
            purpose: format!("call {n}"),
            result: None,
            follow_up_due: None,
            follow_up_done: false,
        })
        .collect();
    update(
        &mut s,
        Msg::Loaded {
            req,
            data: Data::Student { detail: Some(r) },
        },
    );
    update(&mut s, key('4'));
    assert!(s.top().keys().contains(&crate::app::keymap::Action::Open));
    update(&mut s, Msg::Key(KeyEvent::from(KeyCode::Down)));
    update(&mut s, Msg::Key(KeyEvent::from(KeyCode::Enter)));
    match s.top() {
        Screen::Contact(c) => assert_eq!(c.about, About::Edit(Uuid::from_u128(8))),
        other => panic!("top is {}", other.title()),
    }
}

#[test]
fn p_queues_the_family_progress_report_by_the_students_local_id() {
    let mut s = on_record();
    // Before the record arrives there is no local id to name.
    assert!(update(&mut s, key('P')).is_empty());
    let req = reload(&mut s);
    let data = Data::Student {
        detail: Some(record()),
    };
    update(&mut s, Msg::Loaded { req, data });
    let local_id = student(&s).detail.get().expect("record").local_id.clone();
    let fx = update(&mut s, key('P'));
    let [Effect::EnqueueJob { req, kind, payload }] = &fx[..] else {
        panic!("{fx:?}")
    };
    assert_eq!(kind, "report.student");
    assert_eq!(payload["spec"]["student"], local_id.as_str());
    // A second P while the first is on its way queues nothing more.
    assert!(update(&mut s, key('P')).is_empty());
    let req = *req;
    update(
        &mut s,
        Msg::Written {
            req,
            wrote: Wrote::Enqueued(Ok(Uuid::from_u128(77))),
        },
    );
    let (_, said) = s.message.clone().expect("a message");
    assert!(said.starts_with("progress report"), "{said}");
    assert!(student(&s).report.is_none());
}
