//! The Import screen at 80×24: the form, and a dry run's report with
//! refused lines (counts per file, the lines, why `i` is off); and the
//! Jobs screen saying who runs a waiting job that runs as its author.

use crate::app::screens::import::tests as import;
use crate::app::screens::jobs::tests as jobs;
use crate::app::{Msg, State, update};
use crate::domain::import::{FileCounts, ReportLine};
use crate::domain::jobs::{JobStatus, Runner};
use crate::ui::iv_snapshots::{draw, text};

fn screen(mut s: State, width: u16, height: u16) -> String {
    update(&mut s, Msg::Resize { width, height });
    text(&draw(&s, width, height, false))
}

#[test]
fn import_form_80x24() {
    let mut s = import::opened();
    import::type_text(&mut s, "~/exports/sis-2026");
    let shown = screen(s, 80, 24);
    assert!(shown.contains("Folder or .zip"), "{shown}");
    assert!(shown.contains("enter: a dry run first"), "{shown}");
    insta::assert_snapshot!(shown);
}

#[test]
fn import_dry_run_report_with_refused_lines_80x24() {
    let mut s = import::opened();
    let look = import::running(&mut s, true);
    let mut r = import::summary(true, 2, false);
    r.files.insert(
        0,
        FileCounts {
            name: "orgs.csv".into(),
            not_read: None,
            added: 1,
            changed: 1,
            left_alone: 1,
            refused: 0,
        },
    );
    r.files.push(FileCounts {
        name: "classes.csv".into(),
        not_read: Some("caseload keeps no classes".into()),
        ..FileCounts::default()
    });
    r.lines.push(ReportLine {
        file: "users.csv".into(),
        line: 2,
        outcome: "added".into(),
        detail: "student u1 Ana López, grade 03 \u{1b}[2J".into(),
    });
    r.summary = "dry run: 4 added, 1 changed, 2 left alone, 2 refused; a real run would import \
                 nothing until the refused lines are fixed"
        .into();
    update(
        &mut s,
        Msg::Loaded {
            req: look,
            data: crate::app::Data::Job {
                detail: Some(Box::new(import::detail(JobStatus::Succeeded, Some(&r)))),
            },
        },
    );
    let shown = screen(s, 80, 24);
    assert!(
        shown.contains("users.csv:5: refused: bad grade \"13\""),
        "{shown}"
    );
    assert!(
        shown.contains("e or esc: back to the form · ↑↓ scroll · 2 lines refused"),
        "{shown}"
    );
    assert!(!shown.contains('\u{1b}'), "cleaned: {shown}");
    insta::assert_snapshot!(shown);
}

#[test]
fn a_running_import_shows_its_progress_80x24() {
    let mut s = import::opened();
    let look = import::running(&mut s, true);
    update(
        &mut s,
        Msg::Loaded {
            req: look,
            data: crate::app::Data::Job {
                detail: Some(Box::new(import::detail(JobStatus::Running, None))),
            },
        },
    );
    let shown = screen(s, 80, 24);
    assert!(shown.contains("████░░░░░░  40%  comparing"), "{shown}");
    assert!(shown.contains("c or esc cancels"), "{shown}");
    insta::assert_snapshot!(shown);
}

#[test]
fn jobs_say_who_runs_a_waiting_author_job_120x40() {
    let mut l = jobs::list(1);
    let mut mine = jobs::job(5, "oneroster.import", JobStatus::Queued, 0);
    mine.runner = Runner::Author {
        mine: true,
        window_closed: false,
    };
    let mut theirs = jobs::job(6, "oneroster.import", JobStatus::Queued, 0);
    theirs.author = Some("Sam Okafor".into());
    theirs.runner = Runner::Author {
        mine: false,
        window_closed: false,
    };
    let mut closed = jobs::job(7, "oneroster.import", JobStatus::Running, 35);
    closed.runner = Runner::Author {
        mine: true,
        window_closed: true,
    };
    let unknown = jobs::job(8, "report.recap", JobStatus::Queued, 0);
    l.rows = vec![mine, theirs, closed, unknown];
    let (s, _) = jobs::loaded_with(l);
    let shown = screen(s, 120, 40);
    assert!(shown.contains("runs in your caseload window"), "{shown}");
    assert!(
        shown.contains("runs when Sam Okafor has caseload open"),
        "{shown}"
    );
    assert!(shown.contains("its window closed"), "{shown}");
    assert!(
        shown.contains("no running worker runs report.recap jobs"),
        "{shown}"
    );
    insta::assert_snapshot!(shown);
}
