//! Setup shared by the editor's transition tests and its snapshots: opening
//! it, answering what it asks, and finding it on top.

use crate::app::fixtures::{self, day, key};
use crate::app::iv_tests::at_home;
use crate::app::session_edit::Editor;
use crate::app::session_edit::draft::SessionDraft;
use crate::app::test_prelude::*;
use crate::domain::session::{LogTarget, SessionContext};

/// `fx` is the editor's one load, its context: the request, and what for
/// (the intervention, and the session for an edit).
pub(crate) fn context_load(fx: &[Effect]) -> (ReqId, Uuid, Option<Uuid>) {
    let [
        Effect::Load {
            req,
            read:
                Read::SessionContext {
                    intervention_id,
                    session_id,
                },
        },
    ] = fx[..]
    else {
        panic!("{fx:?}")
    };
    (req, intervention_id, session_id)
}

/// `L` where it opens the editor at once: the context's request.
pub(crate) fn press_log(s: &mut State) -> ReqId {
    context_load(&update(s, key('L'))).0
}

/// The context `ctx` arrives for the editor waiting on `req`.
pub(crate) fn answer_with(s: &mut State, req: ReqId, ctx: SessionContext) {
    update(
        s,
        Msg::Loaded {
            req,
            data: Data::SessionContext {
                loaded: Some(Box::new((ctx, None))),
                today: day(fixtures::TODAY),
                offline: None,
            },
        },
    );
}

/// The fixtures' context arrives for the editor waiting on `req`.
pub(crate) fn answer(s: &mut State, req: ReqId) {
    answer_with(s, req, fixtures::session_context());
}

/// `L` on the home's first row (an active intervention) and the context's
/// answer: the editor, ready. Returns the keys pressed so far.
pub(crate) fn log_from_home() -> (State, usize) {
    let mut s = at_home();
    let (req, intervention_id, session_id) = context_load(&update(&mut s, key('L')));
    assert_eq!(session_id, None);
    assert_eq!(intervention_id, Uuid::from_u128(1001));
    answer(&mut s, req);
    (s, 1)
}

/// `L` on a student record opened over `s`: the request for the student's
/// interventions, and whose they are.
pub(crate) fn log_from_student(s: &mut State) -> (ReqId, Uuid) {
    s.screens.push(Screen::Student(student::StudentState::new(
        Uuid::from_u128(2001),
        "Nguyen, An".into(),
    )));
    let fx = update(s, key('L'));
    let [
        Effect::Load {
            req,
            read: Read::LogTargets { student_id },
        },
    ] = fx[..]
    else {
        panic!("{fx:?}")
    };
    (req, student_id)
}

/// The student's interventions arrive for the request `req`.
pub(crate) fn targets_arrive(s: &mut State, req: ReqId, targets: Vec<LogTarget>) -> Vec<Effect> {
    update(
        s,
        Msg::Loaded {
            req,
            data: Data::LogTargets { targets },
        },
    )
}

/// The editor on top.
pub(crate) fn editor(s: &State) -> &Editor {
    match s.top() {
        Screen::Session(x) => x.editor().expect("editor open"),
        other => panic!("top is {}", other.title()),
    }
}

/// The drafts directory answers, as at start.
pub(crate) fn found(s: &mut State, drafts: Vec<SessionDraft>) {
    update(
        s,
        Msg::DraftsFound {
            drafts,
            unreadable: vec![],
            show: false,
        },
    );
}
