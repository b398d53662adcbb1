//! The Jobs screen at 80×24 and 120×40: live progress bars, the warning
//! when no worker runs, an opened job, NO_COLOR and hostile text.

use crate::app::screens::jobs::tests as jobs;
use crate::app::{Data, Msg, State, update};
use crate::domain::jobs::JobDetail;
use crate::ui::iv_snapshots::{draw, no_colours, text};
use crossterm::event::KeyCode;

fn sized(mut s: State, width: u16, height: u16) -> State {
    update(&mut s, Msg::Resize { width, height });
    s
}

fn screen(s: State, width: u16, height: u16, no_color: bool) -> String {
    let t = draw(&sized(s, width, height), width, height, no_color);
    if no_color {
        assert!(no_colours(&t));
    }
    text(&t)
}

#[test]
fn jobs_120x40_with_a_worker_running() {
    let (s, _) = jobs::loaded_with(jobs::list(1));
    let shown = screen(s, 120, 40, false);
    assert!(
        shown.contains("████░░░░░░  40%"),
        "the running job's bar: {shown}"
    );
    assert!(shown.contains("boom"), "the failed job's error: {shown}");
    assert!(shown.contains("1 worker running"), "{shown}");
    assert!(!shown.contains("no worker"), "{shown}");
    assert!(
        shown.contains("c cancel") && shown.contains("R retry"),
        "{shown}"
    );
    insta::assert_snapshot!(shown);
}

#[test]
fn jobs_80x24_without_a_worker_says_so_and_what_to_run() {
    let (s, _) = jobs::loaded_with(jobs::list(0));
    let shown = screen(s, 80, 24, true);
    assert!(
        shown.contains("no worker has been seen since 3 min ago: 1 job waits"),
        "{shown}"
    );
    assert!(
        shown.contains(
            "start one: `caseload worker`, or `caseload worker --once` to run what is due"
        ),
        "{shown}"
    );
    insta::assert_snapshot!(shown);
}

#[test]
fn an_opened_job_shows_its_error_payload_and_log_cleaned() {
    let (mut s, _) = jobs::loaded_with(jobs::list(1));
    update(&mut s, crate::app::fixtures::key('j'));
    update(&mut s, crate::app::fixtures::key('j'));
    let fx = update(&mut s, crate::app::fixtures::key(KeyCode::Enter));
    let (req, _) = crate::app::fixtures::only_load(&fx);
    let mut row = jobs::list(1).rows[2].clone();
    row.last_error = Some("boom \u{1b}[2J\u{202e}".into());
    update(
        &mut s,
        Msg::Loaded {
            req,
            data: Data::Job {
                detail: Some(Box::new(JobDetail {
                    row,
                    payload: "{\n  \"seconds\": 1,\n  \"fail\": \"boom\"\n}".into(),
                    result: None,
                    log: "attempt 1: sleeping 1 s\nattempt 2: sleeping 1 s\nattempt 3: sleeping 1 s\n"
                        .into(),
                    now: jobs::now(),
                })),
            },
        },
    );
    let shown = screen(s, 80, 24, false);
    assert!(
        !shown.contains('\x1b') && !shown.contains('\u{202e}'),
        "{shown}"
    );
    assert!(shown.contains("last error: boom"), "{shown}");
    assert!(shown.contains("attempt 3: sleeping 1 s"), "{shown}");
    assert!(shown.contains("sleep · failed · attempt 3 of 3"), "{shown}");
    insta::assert_snapshot!(shown);
}

#[test]
fn a_tiny_terminal_is_too_small_not_a_panic() {
    let (s, _) = jobs::loaded_with(jobs::list(0));
    let shown = screen(s, 30, 8, false);
    assert!(shown.contains("too small"), "{shown}");
}
