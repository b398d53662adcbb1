//! The missed-sessions list through update(): opened by `:missed`, loaded,
//! moved through, Enter opens the intervention, `L` logs a session for it.

use super::MissedState;
use crate::app::fixtures::{self, day, iref, key, loads};
use crate::app::iv_tests::signed_in;
use crate::app::schools::tests::typed;
use crate::app::test_prelude::*;
use crate::domain::missed::{Absences, MissedRow, Period, Tally};

/// Worst first, as the query answers.
pub(crate) fn rows() -> Vec<MissedRow> {
    let row = |n: u128, student: &str, name: &str, missed: f64, abs: Absences| MissedRow {
        of: iref(n, student, name),
        status: InterventionStatus::Active,
        sessions_per_week: 3,
        tally: Tally {
            expected: 12.0,
            delivered: (12.0 - missed) as u32,
            missed,
            absences: abs,
        },
    };
    vec![
        row(
            1,
            "Ava Nguyen",
            "Read Naturally",
            5.0,
            Absences {
                student: 2,
                staff: 1,
                cancelled: 0,
            },
        ),
        row(2, "Ben Okafor", "Check & Connect", 2.5, Absences::default()),
        row(
            3,
            "Chloé Martin",
            "Math Recovery",
            1.0,
            Absences {
                cancelled: 1,
                ..Absences::default()
            },
        ),
    ]
}

pub(crate) fn missed(s: &State) -> &MissedState {
    match s.top() {
        Screen::Missed(m) => m,
        other => panic!("top is {}", other.title()),
    }
}

/// The list's load among `fx` (the screen it replaced may be cancelled),
/// and the period it asks for.
pub(crate) fn load_of_list(fx: &[Effect]) -> (ReqId, Period) {
    let found = fx.iter().find_map(|e| match e {
        Effect::Load {
            req,
            read: Read::Missed { period },
        } => Some((*req, *period)),
        _ => None,
    });
    found.unwrap_or_else(|| panic!("no load of the list: {fx:?}"))
}

/// Signed in with the item on the menu, `:missed` typed: the screen,
/// loading.
pub(crate) fn opened() -> (State, ReqId) {
    let (mut s, _) = signed_in(&["counselor"], &["caseload", super::TARGET]);
    let fx = typed(&mut s, "missed");
    assert_eq!(s.top().title(), "Missed sessions");
    let (req, period) = load_of_list(&fx);
    assert_eq!(period, Period::ThisMonth, "this month first");
    (s, req)
}

/// The list `rows` of `period` answers request `req`, as of the fixtures'
/// today.
pub(crate) fn arrive_for(s: &mut State, req: ReqId, period: Period, rows: Vec<MissedRow>) {
    let today = day(fixtures::TODAY);
    update(
        s,
        Msg::Loaded {
            req,
            data: Data::Missed {
                rows,
                period,
                span: period.span(today),
            },
        },
    );
}

fn arrive(s: &mut State, req: ReqId, rows: Vec<MissedRow>) {
    arrive_for(s, req, Period::ThisMonth, rows);
}

pub(crate) fn loaded() -> State {
    let (mut s, req) = opened();
    arrive(&mut s, req, rows());
    s
}

#[test]
fn p_turns_the_period_and_asks_for_its_list() {
    let mut s = loaded();
    update(&mut s, key('j'));
    let fx = update(&mut s, key('p'));
    let (req, period) = load_of_list(&fx);
    assert_eq!(period, Period::LastMonth);
    assert_eq!(missed(&s).period, Period::LastMonth);
    assert_eq!(missed(&s).cursor.at(), 0, "back to the top");
    // Until it arrives, this month's list stays, headed by its own period.
    assert_eq!(missed(&s).list.get().unwrap().period, Period::ThisMonth);
    // Turned again before it arrived: the last month's answer is not wanted.
    let fx = update(&mut s, key('p'));
    assert!(fx.contains(&Effect::Cancel { req }), "{fx:?}");
    let (four, period) = load_of_list(&fx);
    assert_eq!(period, Period::Last4Weeks);
    arrive_for(&mut s, req, Period::LastMonth, vec![]);
    assert_eq!(missed(&s).list.get().unwrap().period, Period::ThisMonth);
    arrive_for(&mut s, four, Period::Last4Weeks, rows());
    let list = missed(&s).list.get().unwrap();
    assert_eq!(list.period, Period::Last4Weeks);
    // Sat 31 Oct: its week from Mon 26 Oct and the three before.
    assert_eq!(list.span, (day(34), day(fixtures::TODAY)));
    assert_eq!(day(34).to_string(), "2026-10-05");
    // And round to this month; r reloads the period on show.
    let (_, period) = load_of_list(&update(&mut s, key('p')));
    assert_eq!(period, Period::ThisMonth);
    let (_, period) = load_of_list(&update(&mut s, key('r')));
    assert_eq!(period, Period::ThisMonth);
}

#[test]
fn enter_opens_the_selected_intervention() {
    let mut s = loaded();
    assert_eq!(missed(&s).rows().len(), 3);
    update(&mut s, key('j'));
    assert_eq!(missed(&s).selected().unwrap().of.student_name, "Ben Okafor");
    let fx = update(&mut s, key(KeyCode::Enter));
    assert!(
        loads(&fx, |r| *r
            == Read::Intervention {
                id: Uuid::from_u128(1002)
            }),
        "{fx:?}"
    );
    assert_eq!(s.top().title(), "Ben Okafor · Check & Connect");
}

#[test]
fn l_logs_a_session_for_the_selected_intervention() {
    let mut s = loaded();
    update(&mut s, key('G'));
    let fx = update(&mut s, key('L'));
    assert!(
        loads(&fx, |r| matches!(
            r,
            Read::SessionContext { intervention_id, session_id: None }
                if *intervention_id == Uuid::from_u128(1003)
        )),
        "{fx:?}"
    );
}

#[test]
fn an_empty_list_opens_nothing_and_a_failure_is_kept_for_retry() {
    let (mut s, req) = opened();
    arrive(&mut s, req, vec![]);
    let fx = update(&mut s, key(KeyCode::Enter));
    assert!(fx.is_empty(), "{fx:?}");
    assert_eq!(s.top().title(), "Missed sessions");
    let fx = update(&mut s, key('r'));
    let (req, _) = load_of_list(&fx);
    update(&mut s, fixtures::query_failed(req, "canceling statement"));
    assert_eq!(missed(&s).list.error(), Some("canceling statement"));
}

#[test]
fn a_stale_answer_is_dropped() {
    let (mut s, old) = opened();
    let fx = update(&mut s, key('r'));
    assert!(fx.contains(&Effect::Cancel { req: old }), "{fx:?}");
    load_of_list(&fx);
    arrive(&mut s, old, rows());
    assert!(
        missed(&s).list.get().is_none(),
        "the superseded answer is not shown"
    );
}

#[test]
fn missed_not_on_the_menu_is_the_databases_to_allow() {
    let (mut s, _) = signed_in(&["counselor"], &["caseload"]);
    let fx = typed(&mut s, "missed");
    let req = fx
        .iter()
        .find_map(|e| match e {
            Effect::Load {
                req,
                read: Read::Tool { key },
            } if key == super::TARGET => Some(*req),
            _ => None,
        })
        .unwrap_or_else(|| panic!("the tool is asked for: {fx:?}"));
    let fx = update(
        &mut s,
        Msg::Loaded {
            req,
            data: Data::Tool {
                key: super::TARGET.into(),
                access: ToolAccess::Allowed {
                    name: "Interventions".into(),
                },
            },
        },
    );
    load_of_list(&fx);
    assert_eq!(s.top().title(), "Missed sessions");
}
