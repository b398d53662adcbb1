//! The Import screen through update(): `i` on the Jobs screen opens it;
//! Enter sends a dry-run job, watches it, shows its report; `i` from a
//! clean report sends the real import; a report with refused lines offers
//! none; failures and refusals come back to the form with everything
//! typed; Tab completes a folder; Esc while running cancels the job.

use super::{ImportState, LOGINS, PATH, POLL_MS, Step};
use crate::app::fixtures::{key, only_load};
use crate::app::screens::jobs::tests::{job, list, loaded_with};
use crate::app::test_prelude::*;
use crate::domain::document::{Entry, FileEvent};
use crate::domain::import::{FileCounts, ImportPayload, ImportSummary, KIND, ReportLine};
use crate::domain::jobs::{JobAction, JobDetail, JobStatus};

pub(crate) fn import(s: &State) -> &ImportState {
    match s.top() {
        Screen::Import(i) => i,
        other => panic!("top is {}", other.title()),
    }
}

/// The Jobs screen, then `i`.
pub(crate) fn opened() -> State {
    let (mut s, _) = loaded_with(list(1));
    let fx = update(&mut s, key('i'));
    assert!(fx.is_empty(), "{fx:?}");
    assert_eq!(s.top().title(), "Import a roster (OneRoster CSV)");
    s
}

pub(crate) fn type_text(s: &mut State, text: &str) {
    for c in text.chars() {
        update(s, key(c));
    }
}

/// Typed a path and pressed Enter until the job was asked for.
fn enqueued(s: &mut State, path: &str) -> (ReqId, ImportPayload) {
    type_text(s, path);
    update(s, key(KeyCode::Enter));
    let fx = update(s, key(KeyCode::Enter));
    match &fx[..] {
        [Effect::EnqueueJob { req, kind, payload }] if kind == KIND => (*req, decoded(payload)),
        other => panic!("{other:?}"),
    }
}

fn decoded(payload: &serde_json::Value) -> ImportPayload {
    serde_json::from_value(payload.clone()).expect("an import payload")
}

fn written(s: &mut State, req: ReqId, r: Result<Uuid, String>) -> Vec<Effect> {
    update(
        s,
        Msg::Written {
            req,
            wrote: Wrote::Enqueued(r),
        },
    )
}

pub(crate) fn detail(status: JobStatus, result: Option<&ImportSummary>) -> JobDetail {
    let mut row = job(50, "oneroster.import", status, 40);
    row.message = Some("comparing".into());
    JobDetail {
        row,
        payload: "{}".into(),
        result: result.map(|r| serde_json::to_string_pretty(r).unwrap()),
        log: String::new(),
        now: crate::app::screens::jobs::tests::now(),
    }
}

pub(crate) fn looked(s: &mut State, req: ReqId, d: JobDetail) -> Vec<Effect> {
    update(
        s,
        Msg::Loaded {
            req,
            data: Data::Job {
                detail: Some(Box::new(d)),
            },
        },
    )
}

pub(crate) fn summary(dry_run: bool, refused: usize, committed: bool) -> ImportSummary {
    ImportSummary {
        dry_run,
        committed,
        refused,
        files: vec![FileCounts {
            name: "users.csv".into(),
            not_read: None,
            added: 3,
            changed: 0,
            left_alone: 1,
            refused,
        }],
        lines: (0..refused)
            .map(|n| ReportLine {
                file: "users.csv".into(),
                line: 5 + n as u64,
                outcome: "refused".into(),
                detail: "bad grade \"13\"".into(),
            })
            .collect(),
        more_lines: 0,
        summary: "dry run: 3 added".into(),
    }
}

/// A job started and looked at once: the look's request.
pub(crate) fn running(s: &mut State, dry_run: bool) -> ReqId {
    let (req, payload) = if dry_run {
        enqueued(s, "/tmp/export")
    } else {
        let fx = update(s, key('i'));
        match &fx[..] {
            [Effect::EnqueueJob { req, kind, payload }] if kind == KIND => (*req, decoded(payload)),
            other => panic!("{other:?}"),
        }
    };
    assert_eq!(payload.dry_run, dry_run);
    let fx = written(s, req, Ok(Uuid::from_u128(7050)));
    let (look, read) = only_load(&fx);
    assert_eq!(
        read,
        &Read::Job {
            id: Uuid::from_u128(7050)
        }
    );
    look
}

#[test]
fn enter_on_an_empty_path_says_what_to_type_and_sends_nothing() {
    let mut s = opened();
    update(&mut s, key(KeyCode::Enter));
    let fx = update(&mut s, key(KeyCode::Enter));
    assert!(fx.is_empty(), "{fx:?}");
    assert_eq!(
        import(&s).form.shown_error(PATH),
        Some("type the folder or .zip of a OneRoster CSV export")
    );
}

#[test]
fn enter_sends_a_dry_run_and_a_refusal_keeps_what_was_typed() {
    let mut s = opened();
    let (req, payload) = enqueued(&mut s, "~/export");
    assert_eq!(
        payload,
        ImportPayload {
            path: "~/export".into(),
            dry_run: true,
            logins: false,
        }
    );
    assert!(s.busy());
    written(
        &mut s,
        req,
        Err("you may not enqueue oneroster.import jobs (they need the import tool)".into()),
    );
    let i = import(&s);
    assert_eq!(i.step, Step::Form);
    assert_eq!(i.form.values[PATH], "~/export", "the path is kept");
    assert_eq!(
        i.form.notice.as_deref(),
        Some("you may not enqueue oneroster.import jobs (they need the import tool)")
    );
}

#[test]
fn the_logins_flag_goes_with_the_job() {
    let mut s = opened();
    type_text(&mut s, "/tmp/x");
    update(&mut s, key(KeyCode::Enter));
    update(&mut s, key('y'));
    assert_eq!(import(&s).form.values[LOGINS], "yes");
    let fx = update(&mut s, key(KeyCode::Enter));
    let [Effect::EnqueueJob { payload, .. }] = &fx[..] else {
        panic!("{fx:?}")
    };
    let payload = decoded(payload);
    assert!(payload.logins && payload.dry_run);
}

#[test]
fn a_running_dry_run_is_looked_at_until_its_report_then_i_imports_for_real() {
    let mut s = opened();
    let look = running(&mut s, true);
    let fx = looked(&mut s, look, detail(JobStatus::Running, None));
    let next = match &fx[..] {
        [
            Effect::LoadLater {
                req,
                read,
                after_ms,
            },
        ] => {
            assert_eq!(*after_ms, POLL_MS);
            assert!(matches!(read, Read::Job { .. }));
            *req
        }
        other => panic!("{other:?}"),
    };
    assert!(matches!(import(&s).step, Step::Running { .. }));
    let clean = summary(true, 0, false);
    let fx = looked(&mut s, next, detail(JobStatus::Succeeded, Some(&clean)));
    assert!(fx.is_empty(), "no more looks: {fx:?}");
    match &import(&s).step {
        Step::Report {
            dry_run, summary, ..
        } => {
            assert!(*dry_run);
            assert_eq!(**summary, clean);
        }
        other => panic!("{other:?}"),
    }
    assert!(!s.busy());
    // The real import: a second job, same path.
    let look = running(&mut s, false);
    let done = summary(false, 0, true);
    looked(&mut s, look, detail(JobStatus::Succeeded, Some(&done)));
    assert_eq!(
        s.message.as_ref().map(|m| m.1.as_str()),
        Some("imported: 3 rows added, 0 changed")
    );
    // o opens the roster.
    let fx = update(&mut s, key('o'));
    assert_eq!(s.top().title(), "Roster", "{fx:?}");
}

#[test]
fn a_report_with_refused_lines_offers_no_real_import() {
    let mut s = opened();
    let look = running(&mut s, true);
    looked(
        &mut s,
        look,
        detail(JobStatus::Succeeded, Some(&summary(true, 2, false))),
    );
    let fx = update(&mut s, key('i'));
    assert!(fx.is_empty(), "{fx:?}");
    assert_eq!(
        s.message.as_ref().map(|m| m.1.as_str()),
        Some("2 lines refused: an import is all or nothing; fix, then dry run again")
    );
    // e goes back to the form, the path kept.
    update(&mut s, key('e'));
    assert_eq!(import(&s).step, Step::Form);
    assert_eq!(import(&s).form.values[PATH], "/tmp/export");
}

#[test]
fn a_failed_job_comes_back_to_the_form_saying_why() {
    let mut s = opened();
    let look = running(&mut s, true);
    let mut d = detail(JobStatus::Failed, None);
    d.row.last_error = Some("cannot read /tmp/export: no such file or folder".into());
    looked(&mut s, look, d);
    let i = import(&s);
    assert_eq!(i.step, Step::Form);
    assert_eq!(
        i.form.notice.as_deref(),
        Some("the dry run failed: cannot read /tmp/export: no such file or folder")
    );
    assert_eq!(i.form.values[PATH], "/tmp/export");
}

#[test]
fn esc_while_running_cancels_the_job_and_its_end_says_so() {
    let mut s = opened();
    let look = running(&mut s, true);
    let fx = update(&mut s, key(KeyCode::Esc));
    let [Effect::JobAction { req, id, action }] = fx[..] else {
        panic!("{fx:?}")
    };
    assert_eq!((id, action), (Uuid::from_u128(7050), JobAction::Cancel));
    assert!(matches!(import(&s).top_step(), "running"), "still watching");
    update(
        &mut s,
        Msg::Written {
            req,
            wrote: Wrote::Job(Ok("job cancelled".into())),
        },
    );
    looked(&mut s, look, detail(JobStatus::Cancelled, None));
    assert_eq!(
        import(&s).form.notice.as_deref(),
        Some("the dry run was cancelled: nothing was written")
    );
}

#[test]
fn tab_completes_a_folder_and_the_next_tab_moves_on() {
    let mut s = opened();
    type_text(&mut s, "/tmp/ex");
    let fx = update(&mut s, key(KeyCode::Tab));
    let [Effect::ListFolder { req, typed }] = &fx[..] else {
        panic!("{fx:?}")
    };
    assert_eq!(typed, "/tmp/ex");
    let req = *req;
    update(
        &mut s,
        Msg::Files {
            req,
            event: FileEvent::Listed {
                typed: "/tmp/ex".into(),
                entries: vec![
                    Entry {
                        name: "export".into(),
                        is_dir: true,
                    },
                    Entry {
                        name: "notes.txt".into(),
                        is_dir: false,
                    },
                ],
            },
        },
    );
    assert_eq!(import(&s).form.values[PATH], "/tmp/export/");
    assert!(import(&s).tab.done);
    let fx = update(&mut s, key(KeyCode::Tab));
    assert!(fx.is_empty(), "{fx:?}");
    assert_eq!(import(&s).form.focus, LOGINS);
}

#[test]
fn the_sis_menu_item_opens_the_same_import_titled_so() {
    let (mut s, _) = loaded_with(list(1));
    crate::app::screens::open(&mut s, super::SIS_TARGET, "SIS import".into());
    assert_eq!(s.top().title(), "SIS import (OneRoster CSV)");
    assert_eq!(import(&s).step, Step::Form);
}

impl ImportState {
    fn top_step(&self) -> &'static str {
        match self.step {
            Step::Form => "form",
            Step::Starting { .. } => "starting",
            Step::Running { .. } => "running",
            Step::Report { .. } => "report",
        }
    }
}
