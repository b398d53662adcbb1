//! The Export screen and the roster's `E` through update(): the selected
//! export is enqueued as a job once, with the byte-order-mark and period
//! chosen; the screen shows the person's export jobs and looks again while
//! one is unfinished.

use super::ExportState;
use crate::app::fixtures::{key, only_load};
use crate::app::iv_tests::signed_in;
use crate::app::schools::tests::typed;
use crate::app::screens::jobs::tests::job;
use crate::app::test_prelude::*;
use crate::domain::jobs::{JobStatus, OwnJob};
use crate::export::Spec;
use crate::export::job::Payload;
use chrono::NaiveDate;

fn export(s: &State) -> &ExportState {
    match s.top() {
        Screen::Export(e) => e,
        other => panic!("top is {}", other.title()),
    }
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 3).unwrap()
}

fn said(s: &State) -> Option<&str> {
    s.message.as_ref().map(|(_, m)| m.as_str())
}

pub(crate) fn export_job(n: u128, spec: Spec, status: JobStatus) -> OwnJob {
    let row = job(n, &crate::export::job::kind(&spec), status, 70);
    OwnJob {
        row,
        payload: serde_json::to_value(Payload::new(spec, false)).unwrap(),
        result: (status == JobStatus::Succeeded).then(|| {
            serde_json::json!({
                "files": [{"path": "/home/dana/Downloads/caseload-mine-2026-12-03.csv", "rows": 4, "bytes": 310}],
                "students": 4, "rows": 4
            })
        }),
    }
}

pub(crate) fn arrive(s: &mut State, req: ReqId, jobs: Vec<OwnJob>) -> Vec<Effect> {
    update(
        s,
        Msg::Loaded {
            req,
            data: Data::OwnJobs {
                jobs,
                today: today(),
            },
        },
    )
}

/// Opened, its export jobs (none) arrived.
pub(crate) fn opened() -> State {
    let (mut s, _) = signed_in(&["counselor"], &["caseload", super::TARGET]);
    let fx = typed(&mut s, super::TARGET);
    let fx: Vec<Effect> = fx
        .into_iter()
        .filter(|e| !matches!(e, Effect::Cancel { .. }))
        .collect();
    let (req, read) = only_load(&fx);
    assert_eq!(
        read,
        &Read::OwnJobs {
            prefix: "export.".into()
        }
    );
    assert_eq!(s.top().title(), "Export (CSV)");
    assert!(arrive(&mut s, req, vec![]).is_empty(), "nothing to follow");
    s
}

fn queued(fx: &[Effect]) -> (ReqId, String, Payload) {
    let fx: Vec<&Effect> = fx
        .iter()
        .filter(|e| !matches!(e, Effect::Cancel { .. }))
        .collect();
    match fx[..] {
        [Effect::EnqueueJob { req, kind, payload }] => (
            *req,
            kind.clone(),
            serde_json::from_value(payload.clone()).expect("an export payload"),
        ),
        _ => panic!("expected one enqueue, got {fx:?}"),
    }
}

#[test]
fn enter_enqueues_the_selected_export_once_and_follows_the_job() {
    let mut s = opened();
    let (req, kind, p) = queued(&update(&mut s, key(KeyCode::Enter)));
    assert_eq!(
        (kind.as_str(), &p),
        ("export.roster", &Payload::new(Spec::SavedRoster, false))
    );
    // A second press while it is being queued asks for nothing more.
    assert!(update(&mut s, key('E')).is_empty());
    let id = Uuid::from_u128(7001);
    let fx = update(
        &mut s,
        Msg::Written {
            req,
            wrote: Wrote::Enqueued(Ok(id)),
        },
    );
    assert_eq!(export(&s).pending, None);
    assert_eq!(export(&s).queued, Some(id));
    assert!(said(&s).is_some_and(|m| m.starts_with("export queued")));
    let (look, _) = only_load(&fx);
    // Waiting to run until something runs it: looked at again each second.
    let fx = arrive(
        &mut s,
        look,
        vec![export_job(1, Spec::SavedRoster, JobStatus::Queued)],
    );
    let [
        Effect::LoadLater {
            req: next,
            after_ms: 1000,
            ..
        },
    ] = &fx[..]
    else {
        panic!("{fx:?}")
    };
    let done = export_job(1, Spec::SavedRoster, JobStatus::Succeeded);
    assert!(arrive(&mut s, *next, vec![done.clone()]).is_empty());
    assert_eq!(done.state(), "done");
    assert_eq!(
        crate::ui::widgets::own_jobs::file_name(&done),
        "caseload-mine-2026-12-03.csv"
    );
}

#[test]
fn b_and_p_choose_the_bom_and_the_sessions_period_in_dates() {
    let mut s = opened();
    update(&mut s, key('b'));
    update(&mut s, key('p'));
    update(&mut s, key('G'));
    let (_, kind, p) = queued(&update(&mut s, key('E')));
    assert_eq!(kind, "export.sessions");
    assert_eq!(
        p,
        Payload::new(
            Spec::Sessions {
                from: NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
                to: NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(),
                school: None
            },
            true
        )
    );
    let mut s = opened();
    update(&mut s, key('j'));
    let (_, kind, p) = queued(&update(&mut s, key(KeyCode::Enter)));
    assert_eq!(
        (kind.as_str(), p.spec),
        ("export.caseload", Spec::Caseload { counselor: None })
    );
}

#[test]
fn a_refused_export_says_why_and_can_be_tried_again() {
    let mut s = opened();
    let (req, ..) = queued(&update(&mut s, key('E')));
    update(
        &mut s,
        Msg::Written {
            req,
            wrote: Wrote::Enqueued(Err(
                "you may not enqueue export.roster jobs (they need the export tool)".into(),
            )),
        },
    );
    assert_eq!(
        said(&s),
        Some(
            "export not queued: you may not enqueue export.roster jobs (they need the export tool)"
        )
    );
    queued(&update(&mut s, key('E')));
}

#[test]
fn e_on_the_roster_enqueues_the_roster_as_shown() {
    let (mut s, _) = signed_in(&["counselor"], &["roster"]);
    assert_eq!(s.top().title(), "Roster");
    // Search text the saved filters do not hold goes with it.
    update(&mut s, key('/'));
    for c in "ava".chars() {
        update(&mut s, key(c));
    }
    update(&mut s, key(KeyCode::Enter));
    let (req, kind, p) = queued(&update(&mut s, key('E')));
    let Spec::Roster(q) = &p.spec else {
        panic!("{p:?}")
    };
    assert_eq!(
        (kind.as_str(), q.search.as_str(), p.bom),
        ("export.roster", "ava", false)
    );
    update(
        &mut s,
        Msg::Written {
            req,
            wrote: Wrote::Enqueued(Ok(Uuid::from_u128(1))),
        },
    );
    assert!(
        said(&s).is_some_and(|m| m.starts_with("export of the roster as shown queued")),
        "{:?}",
        s.message
    );
}
