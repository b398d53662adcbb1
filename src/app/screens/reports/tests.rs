//! The Reports screen through update(): the folder and the person's report
//! jobs arrive, `1`–`4` enqueue a report job (one at a time), the screen
//! looks again while a job is unfinished and stops when all are done, `o`
//! opens a finished job's file, `R` enqueues the same payload again.

use super::{ReportsState, Row};
use crate::app::fixtures::{key, only_load};
use crate::app::iv_tests::signed_in;
use crate::app::schools::tests::typed;
use crate::app::screens::jobs::tests::job;
use crate::app::test_prelude::*;
use crate::domain::enums::GradeLevel;
use crate::domain::jobs::{JobStatus, OwnJob};
use crate::domain::school::SchoolChoice;
use crate::report::job::Payload;
use crate::report::store::Entry;
use crate::report::{GroupBy, Spec};
use std::path::PathBuf;

fn reports(s: &State) -> &ReportsState {
    match s.top() {
        Screen::Reports(r) => r,
        other => panic!("top is {}", other.title()),
    }
}

pub(crate) fn entry(title: &str, html: &str, spec: Spec) -> Entry {
    Entry {
        title: title.into(),
        spec,
        html: html.into(),
        csv: None,
        written_at: chrono::DateTime::from_timestamp(1_790_000_000, 0).unwrap_or_default(),
    }
}

pub(crate) fn school(n: u128, name: &str, local: &str) -> SchoolChoice {
    SchoolChoice {
        id: Uuid::from_u128(n),
        name: name.into(),
        local_id: local.into(),
        low_grade: GradeLevel::KG,
        high_grade: GradeLevel::G05,
        mine: n == 1,
    }
}

pub(crate) fn listing() -> Data {
    Data::Reports {
        dir: Some(PathBuf::from("/home/dana/.local/share/caseload/reports")),
        entries: vec![
            entry(
                "Caseload summary by school: everything you see (2026-10-31)",
                "summary-by-school-all-2026-10-31.html",
                Spec::Summary {
                    by: GroupBy::School,
                    school: None,
                    counselor: None,
                },
            ),
            entry(
                "Progress report: Ava Nguyen",
                "progress-S1-2026-10-30.html",
                Spec::Student {
                    student: "S1".into(),
                    school: None,
                },
            ),
        ],
        schools: vec![
            school(1, "Lincoln Elementary", "LIN"),
            school(2, "Hoover Middle", "HOO"),
        ],
    }
}

fn today() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 12, 3).unwrap()
}

/// A report job of `spec`, its result naming `file` when given.
pub(crate) fn report_job(n: u128, spec: Spec, status: JobStatus, file: Option<&str>) -> OwnJob {
    let p = Payload::new(spec.clone());
    let mut row = job(n, spec.kind(), status, 40);
    row.message = Some("reading interventions".into());
    OwnJob {
        row,
        payload: serde_json::to_value(&p).unwrap(),
        result: file.map(|f| serde_json::json!({ "file": f, "bytes": 2048, "students": 3 })),
    }
}

fn summary() -> Spec {
    Spec::Summary {
        by: GroupBy::School,
        school: None,
        counselor: None,
    }
}

fn reads(fx: &[Effect]) -> (ReqId, ReqId) {
    let find = |want: fn(&Read) -> bool| {
        fx.iter()
            .find_map(|e| match e {
                Effect::Load { req, read } if want(read) => Some(*req),
                _ => None,
            })
            .unwrap_or_else(|| panic!("{fx:?}"))
    };
    (
        find(|r| *r == Read::Reports),
        find(|r| matches!(r, Read::OwnJobs { prefix } if prefix == "report.")),
    )
}

fn jobs_arrive(s: &mut State, req: ReqId, jobs: Vec<OwnJob>) -> Vec<Effect> {
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

/// Opened at `target` with the folder's listing and `jobs` arrived.
pub(crate) fn opened_with(target: &str, jobs: Vec<OwnJob>) -> (State, Vec<Effect>) {
    let (mut s, _) = signed_in(&["coordinator"], &["caseload", super::TARGET, target]);
    let fx = typed(&mut s, target);
    let (folder, own) = reads(&fx);
    update(
        &mut s,
        Msg::Loaded {
            req: folder,
            data: listing(),
        },
    );
    let fx = jobs_arrive(&mut s, own, jobs);
    (s, fx)
}

pub(crate) fn loaded() -> State {
    opened_with(super::TARGET, vec![]).0
}

/// The one job the keys enqueued: its request, kind and payload.
fn queued(fx: &[Effect]) -> (ReqId, String, Payload) {
    match fx {
        [Effect::EnqueueJob { req, kind, payload }] => (
            *req,
            kind.clone(),
            serde_json::from_value(payload.clone()).expect("a report payload"),
        ),
        _ => panic!("expected one enqueue, got {fx:?}"),
    }
}

fn said(s: &State) -> Option<&str> {
    s.message.as_ref().map(|(_, m)| m.as_str())
}

#[test]
fn a_key_enqueues_a_report_job_once_and_the_list_follows_it_until_done() {
    let mut s = loaded();
    let (req, kind, payload) = queued(&update(&mut s, key('1')));
    assert_eq!(kind, "report.summary");
    assert_eq!(payload, Payload::new(summary()));
    // One at a time.
    assert!(update(&mut s, key('2')).is_empty());
    assert_eq!(said(&s), Some("still queueing the last report"));
    let fx = update(
        &mut s,
        Msg::Written {
            req,
            wrote: Wrote::Enqueued(Ok(Uuid::from_u128(7001))),
        },
    );
    assert!(said(&s).is_some_and(|m| m.starts_with("report queued: it runs as you")));
    let (look, read) = only_load(&fx);
    assert_eq!(
        read,
        &Read::OwnJobs {
            prefix: "report.".into()
        }
    );
    // Waiting: it says so, and looks again in a second.
    let waiting = report_job(1, summary(), JobStatus::Queued, None);
    let fx = jobs_arrive(&mut s, look, vec![waiting.clone()]);
    let [
        Effect::LoadLater {
            req: next,
            read,
            after_ms,
        },
    ] = &fx[..]
    else {
        panic!("{fx:?}")
    };
    assert_eq!(
        (read, *after_ms),
        (
            &Read::OwnJobs {
                prefix: "report.".into()
            },
            1000
        )
    );
    assert_eq!(reports(&s).own_jobs()[0].state(), "waiting to run");
    // Running, with its progress; then done: the looks stop.
    let running = report_job(1, summary(), JobStatus::Running, None);
    let fx = jobs_arrive(&mut s, *next, vec![running]);
    let [Effect::LoadLater { req: next, .. }] = &fx[..] else {
        panic!("{fx:?}")
    };
    assert_eq!(
        reports(&s).own_jobs()[0].state(),
        "running 40% (reading interventions)"
    );
    let done = report_job(1, summary(), JobStatus::Succeeded, Some("/r/summary.html"));
    assert!(jobs_arrive(&mut s, *next, vec![done]).is_empty());
    assert_eq!(reports(&s).own_jobs()[0].state(), "done");
}

#[test]
fn a_refused_enqueue_says_why_in_the_databases_words() {
    let mut s = loaded();
    let (req, ..) = queued(&update(&mut s, key('4')));
    update(
        &mut s,
        Msg::Written {
            req,
            wrote: Wrote::Enqueued(Err(
                "you may not enqueue report.fidelity jobs (they need the reports.fidelity tool)"
                    .into(),
            )),
        },
    );
    assert_eq!(
        said(&s),
        Some(
            "report not queued: you may not enqueue report.fidelity jobs (they need the reports.fidelity tool)"
        )
    );
    assert_eq!(reports(&s).pending, None);
}

#[test]
fn o_opens_a_finished_jobs_file_and_says_why_not_for_an_unfinished_one() {
    let jobs = vec![
        report_job(1, summary(), JobStatus::Queued, None),
        report_job(
            2,
            summary(),
            JobStatus::Succeeded,
            Some("/home/dana/.local/share/caseload/reports/summary-by-school-all-2026-10-31.html"),
        ),
    ];
    let (mut s, _) = opened_with(super::TARGET, jobs);
    assert!(update(&mut s, key('o')).is_empty());
    assert_eq!(
        said(&s),
        Some("this report is waiting to run: no file to open")
    );
    update(&mut s, key('j'));
    let fx = update(&mut s, key('o'));
    let [Effect::OpenFile { path, .. }] = &fx[..] else {
        panic!("{fx:?}")
    };
    assert_eq!(
        path,
        &PathBuf::from(
            "/home/dana/.local/share/caseload/reports/summary-by-school-all-2026-10-31.html"
        )
    );
    // The file that job wrote is not listed twice: the folder's other one
    // follows the jobs.
    let rows = reports(&s).rows();
    assert_eq!(rows.len(), 3);
    assert!(matches!(rows[2], Row::File(e) if e.html == "progress-S1-2026-10-30.html"));
}

#[test]
fn r_enqueues_the_same_payload_again() {
    let mut p = Payload::new(Spec::Fidelity {
        school: "LIN".into(),
        from: today(),
        to: today(),
    });
    p.today = Some(today());
    let mut failed = report_job(1, summary(), JobStatus::Failed, None);
    failed.payload = serde_json::to_value(&p).unwrap();
    failed.row.kind = "report.fidelity".into();
    failed.row.last_error = Some("no school has the local id \"LIN\"".into());
    let (mut s, fx) = opened_with(super::TARGET, vec![failed]);
    assert!(fx.is_empty(), "a failed job needs no more looks: {fx:?}");
    assert_eq!(
        reports(&s).own_jobs()[0].state(),
        "failed: no school has the local id \"LIN\""
    );
    let (_, kind, again) = queued(&update(&mut s, key('R')));
    assert_eq!((kind.as_str(), again), ("report.fidelity", p));
    // A report from the folder runs again by its spec.
    let mut s = loaded();
    update(&mut s, key('j'));
    let (_, kind, again) = queued(&update(&mut s, key('R')));
    assert_eq!(kind, "report.student");
    assert_eq!(
        again.spec,
        Spec::Student {
            student: "S1".into(),
            school: None
        }
    );
}

#[test]
fn the_fidelity_target_opens_reports_for_the_chosen_school_and_period() {
    let (mut s, _) = opened_with(super::FIDELITY_TARGET, vec![]);
    assert_eq!(s.top().title(), "Reports · fidelity");
    update(&mut s, key('s'));
    update(&mut s, key('p'));
    let (_, kind, p) = queued(&update(&mut s, key('4')));
    // Last month as of Thursday 3 December 2026.
    assert_eq!(kind, "report.fidelity");
    assert_eq!(
        p.spec,
        Spec::Fidelity {
            school: "HOO".into(),
            from: chrono::NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
            to: chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(),
        }
    );
    assert_eq!((p.dir, p.today), (None, None));
}

#[test]
fn the_chosen_period_stays_for_the_session_when_the_screen_reopens() {
    let (mut s, _) = opened_with(super::FIDELITY_TARGET, vec![]);
    let first = reports(&s).period;
    update(&mut s, key('p'));
    let chosen = reports(&s).period;
    assert_ne!(chosen, first);
    update(&mut s, key(KeyCode::Esc));
    assert!(!matches!(s.top(), Screen::Reports(_)));
    for target in [super::FIDELITY_TARGET, super::TARGET] {
        typed(&mut s, target);
        assert_eq!(reports(&s).period, chosen, "{target}");
        update(&mut s, key(KeyCode::Esc));
    }
}

#[test]
fn a_recap_is_for_the_chosen_school() {
    let mut s = loaded();
    update(&mut s, key('s'));
    let (_, kind, p) = queued(&update(&mut s, key('3')));
    assert_eq!(kind, "report.recap");
    assert_eq!(
        p.spec,
        Spec::Recap {
            school: "HOO".into(),
            date: None,
            since: None,
            students: vec![]
        }
    );
}

#[test]
fn the_looks_go_on_only_while_the_screen_is_open() {
    let waiting = report_job(1, summary(), JobStatus::Queued, None);
    let (mut s, fx) = opened_with(super::TARGET, vec![waiting.clone()]);
    let [Effect::LoadLater { req: next, .. }] = &fx[..] else {
        panic!("an unfinished job is looked at again: {fx:?}")
    };
    let fx = update(&mut s, key(KeyCode::Esc));
    assert!(
        fx.contains(&Effect::Cancel { req: *next }),
        "the waiting look is cancelled: {fx:?}"
    );
    assert!(!matches!(s.top(), Screen::Reports(_)));
    // A late answer is dropped and asks for nothing more.
    assert!(jobs_arrive(&mut s, *next, vec![waiting]).is_empty());
}

#[test]
fn a_failed_look_stops_the_looks_and_says_why() {
    let waiting = report_job(1, summary(), JobStatus::Queued, None);
    let (mut s, fx) = opened_with(super::TARGET, vec![waiting]);
    let [Effect::LoadLater { req: next, .. }] = &fx[..] else {
        panic!("{fx:?}")
    };
    let fx = update(
        &mut s,
        crate::app::fixtures::query_failed(*next, "connection lost"),
    );
    assert!(fx.is_empty(), "no more looks: {fx:?}");
    assert_eq!(reports(&s).jobs.error(), Some("connection lost"));
    // What was seen stays listed.
    assert_eq!(reports(&s).own_jobs().len(), 1);
}
