//! The Jobs screen through update(): it opens from the menu, looks again
//! through the worker every second while open (and stops when closed),
//! keeps the selected job selected as the list moves, opens a job, and
//! sends cancel and retry only for jobs they can apply to.

use super::{JobsState, POLL_MS, TARGET};
use crate::app::fixtures::{key, only_load, query_failed};
use crate::app::iv_tests::signed_in;
use crate::app::test_prelude::*;
use crate::domain::jobs::{JobAction, JobDetail, JobList, JobRow, JobStatus};
use chrono::{DateTime, TimeZone, Utc};

pub(crate) fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 3, 15, 0, 0).unwrap()
}

pub(crate) fn job(n: u128, kind: &str, status: JobStatus, progress: i16) -> JobRow {
    JobRow {
        id: Uuid::from_u128(7000 + n),
        kind: kind.into(),
        status,
        progress,
        message: Some(format!("step {progress}")),
        attempts: 1,
        max_attempts: 3,
        run_at: now() - chrono::Duration::minutes(n as i64),
        created_at: now() - chrono::Duration::minutes(n as i64),
        finished_at: None,
        author: Some("Dana Reyes".into()),
        last_error: None,
        stopping: false,
        runner: crate::domain::jobs::Runner::Worker,
    }
}

pub(crate) fn list(workers: i32) -> JobList {
    let mut failed = job(3, "sleep", JobStatus::Failed, 30);
    failed.last_error = Some("boom".into());
    failed.attempts = 3;
    JobList {
        rows: vec![
            job(1, "sleep", JobStatus::Running, 40),
            job(2, "noop", JobStatus::Queued, 0),
            failed,
            job(4, "noop", JobStatus::Succeeded, 100),
        ],
        more: false,
        workers,
        last_seen: (workers == 0).then(|| now() - chrono::Duration::minutes(3)),
        now: now(),
        worker_kinds: if workers > 0 {
            vec!["noop".into(), "sleep".into(), "sweep".into()]
        } else {
            vec![]
        },
    }
}

pub(crate) fn jobs(s: &State) -> &JobsState {
    match s.top() {
        Screen::Jobs(j) => j,
        other => panic!("top is {}", other.title()),
    }
}

fn arrive(s: &mut State, req: ReqId, l: JobList) -> Vec<Effect> {
    update(
        s,
        Msg::Loaded {
            req,
            data: Data::Jobs { list: Box::new(l) },
        },
    )
}

/// The next look the screen asked for: its request.
fn next_look(fx: &[Effect]) -> ReqId {
    match fx {
        [
            Effect::LoadLater {
                req,
                read: Read::Jobs,
                after_ms,
            },
            ..,
        ] => {
            assert_eq!(*after_ms, POLL_MS);
            *req
        }
        other => panic!("no next look in {other:?}"),
    }
}

/// Signed in, "Jobs" chosen on the menu: the screen, loading.
pub(crate) fn opened() -> (State, ReqId) {
    let (mut s, _) = signed_in(&["counselor"], &["roster", TARGET]);
    while s.screens.len() > 1 {
        update(&mut s, key(KeyCode::Esc));
    }
    update(&mut s, key('j'));
    let fx = update(&mut s, key(KeyCode::Enter));
    let (req, read) = only_load(&fx);
    assert_eq!(read, &Read::Jobs);
    assert_eq!(s.top().title(), "Jobs");
    (s, req)
}

/// Loaded with `l`; returns the pending next look.
pub(crate) fn loaded_with(l: JobList) -> (State, ReqId) {
    let (mut s, req) = opened();
    let fx = arrive(&mut s, req, l);
    let next = next_look(&fx);
    (s, next)
}

#[test]
fn an_open_screen_looks_again_every_second_without_a_spinner() {
    let (mut s, req) = opened();
    assert!(s.busy(), "the first load turns the spinner");
    let fx = arrive(&mut s, req, list(1));
    let next = next_look(&fx);
    assert!(!s.busy(), "waiting for the next look is not being busy");
    let mut moved = list(1);
    moved.rows[0].progress = 80;
    let fx = arrive(&mut s, next, moved);
    let again = next_look(&fx);
    assert_ne!(again, next);
    assert_eq!(jobs(&s).rows()[0].progress, 80, "the bar moved");
}

#[test]
fn closing_the_screen_cancels_the_next_look() {
    let (mut s, next) = loaded_with(list(1));
    let fx = update(&mut s, key(KeyCode::Esc));
    assert!(
        fx.contains(&Effect::Cancel { req: next }),
        "the waiting look is cancelled: {fx:?}"
    );
    assert!(!matches!(s.top(), Screen::Jobs(_)));
    // A late answer to it is dropped: nobody waits for it.
    let fx = arrive(&mut s, next, list(1));
    assert!(fx.is_empty(), "{fx:?}");
}

#[test]
fn the_selected_job_stays_selected_when_new_jobs_arrive_above_it() {
    let (mut s, next) = loaded_with(list(1));
    update(&mut s, key('j'));
    update(&mut s, key('j'));
    assert_eq!(jobs(&s).selected().unwrap().kind, "sleep");
    let failed_id = jobs(&s).selected().unwrap().id;
    let mut l = list(1);
    l.rows.insert(0, job(9, "noop", JobStatus::Queued, 0));
    arrive(&mut s, next, l);
    assert_eq!(jobs(&s).selected().unwrap().id, failed_id);
    assert_eq!(jobs(&s).cursor.at(), 3);
}

#[test]
fn c_cancels_a_running_job_and_the_answer_reloads_the_list() {
    let (mut s, next) = loaded_with(list(1));
    let fx = update(&mut s, key('c'));
    let [Effect::JobAction { req, id, action }] = fx[..] else {
        panic!("{fx:?}")
    };
    assert_eq!((id, action), (Uuid::from_u128(7001), JobAction::Cancel));
    assert!(s.busy(), "the cancel is on its way");
    let fx = update(
        &mut s,
        Msg::Written {
            req,
            wrote: Wrote::Job(Ok("job cancelled".into())),
        },
    );
    assert!(fx.contains(&Effect::Cancel { req: next }), "{fx:?}");
    let (_, read) = only_load(&fx[1..]);
    assert_eq!(read, &Read::Jobs, "looked at again at once");
    assert_eq!(s.message.as_ref().unwrap().1, "job cancelled");
}

#[test]
fn a_refusal_from_the_database_is_shown_in_its_words() {
    let (mut s, _) = loaded_with(list(1));
    let fx = update(&mut s, key('c'));
    let [Effect::JobAction { req, .. }] = fx[..] else {
        panic!("{fx:?}")
    };
    update(
        &mut s,
        Msg::Written {
            req,
            wrote: Wrote::Job(Err("this job has already ended (succeeded)".into())),
        },
    );
    let (level, text) = s.message.clone().unwrap();
    assert_eq!(level, Level::Error);
    assert_eq!(text, "this job has already ended (succeeded)");
}

#[test]
fn cancel_and_retry_are_offered_only_where_they_apply() {
    let (mut s, _) = loaded_with(list(1));
    // The running job cannot be retried.
    assert!(update(&mut s, key('R')).is_empty());
    assert!(
        s.message
            .as_ref()
            .unwrap()
            .1
            .contains("only a failed, cancelled")
    );
    // The succeeded one cannot be cancelled.
    update(&mut s, key('G'));
    assert!(update(&mut s, key('c')).is_empty());
    assert_eq!(
        s.message.as_ref().unwrap().1,
        "this job has already ended (succeeded): nothing to cancel"
    );
    // The failed one can be retried.
    update(&mut s, key('k'));
    let fx = update(&mut s, key('R'));
    assert!(
        matches!(fx[..], [Effect::JobAction { action: JobAction::Retry, id, .. }] if id == Uuid::from_u128(7003)),
        "{fx:?}"
    );
    // Twice before the answer: once.
    assert!(update(&mut s, key('R')).is_empty());
}

#[test]
fn enter_opens_the_job_and_esc_comes_back_to_the_list() {
    let (mut s, next) = loaded_with(list(1));
    update(&mut s, key('j'));
    update(&mut s, key('j'));
    let fx = update(&mut s, key(KeyCode::Enter));
    let (req, read) = only_load(&fx);
    assert_eq!(
        read,
        &Read::Job {
            id: Uuid::from_u128(7003)
        }
    );
    let row = jobs(&s).rows()[2].clone();
    update(
        &mut s,
        Msg::Loaded {
            req,
            data: Data::Job {
                detail: Some(Box::new(JobDetail {
                    row,
                    payload: "{}".into(),
                    result: None,
                    log: "attempt 3: sleeping 1 s\n".into(),
                    now: now(),
                })),
            },
        },
    );
    assert_eq!(s.top().title(), "Jobs · sleep");
    // The next look refreshes the opened job too.
    let fx = arrive(&mut s, next, list(1));
    assert!(
        fx.iter().any(|e| matches!(
            e,
            Effect::Load {
                read: Read::Job { .. },
                ..
            }
        )),
        "{fx:?}"
    );
    // R acts on the opened job.
    let fx = update(&mut s, key('R'));
    assert!(matches!(fx[..], [Effect::JobAction { id, .. }] if id == Uuid::from_u128(7003)));
    update(&mut s, key(KeyCode::Esc));
    assert!(matches!(s.top(), Screen::Jobs(j) if j.opened.is_none()));
    update(&mut s, key(KeyCode::Esc));
    assert!(!matches!(s.top(), Screen::Jobs(_)), "a second esc leaves");
}

#[test]
fn a_failed_look_stops_polling_and_r_starts_it_again() {
    let (mut s, next) = loaded_with(list(1));
    update(&mut s, query_failed(next, "connection reset"));
    assert_eq!(jobs(&s).list.error(), Some("connection reset"));
    assert_eq!(jobs(&s).rows().len(), 4, "the last list stays on screen");
    let fx = update(&mut s, key('r'));
    let (_, read) = only_load(&fx);
    assert_eq!(read, &Read::Jobs);
}
