//! The record's load through update(): it stays on screen while it loads
//! again, and a refusal then is said beside it rather than instead of it.

use super::StudentState;
use crate::app::iv_tests::{at_home, key};
use crate::app::loadable::Pending;
use crate::app::test_prelude::*;
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
