//! The Export and Reports screens at 80×24 and 120×40, with NO_COLOR, and a
//! report title carrying control characters.

use crate::app::reports::tests as reports;
use crate::app::{Msg, State, update};
use crate::ui::iv_snapshots::{draw, no_colours, text};

fn sized(mut s: State, width: u16, height: u16) -> State {
    update(&mut s, Msg::Resize { width, height });
    s
}

/// Jobs in every state a person meets, then a report from the folder.
fn with_jobs(target: &str) -> State {
    use crate::domain::jobs::JobStatus;
    use crate::report::{GroupBy, Spec};
    let summary = Spec::Summary {
        by: GroupBy::School,
        school: None,
        counselor: None,
    };
    let mut failed = reports::report_job(
        4,
        Spec::Student {
            student: "S9".into(),
            school: None,
        },
        JobStatus::Failed,
        None,
    );
    failed.row.last_error = Some("no student you can see has the local id \"S9\"".into());
    let jobs = vec![
        reports::report_job(1, summary.clone(), JobStatus::Queued, None),
        reports::report_job(
            2,
            Spec::Recap {
                school: "LIN".into(),
                date: None,
                since: None,
                students: vec![],
            },
            JobStatus::Running,
            None,
        ),
        reports::report_job(
            3,
            Spec::Fidelity {
                school: "LIN".into(),
                from: chrono::NaiveDate::from_ymd_opt(2026, 11, 1).unwrap_or_default(),
                to: chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap_or_default(),
            },
            JobStatus::Succeeded,
            Some(
                "/home/dana/.local/share/caseload/reports/fidelity-LIN-2026-11-01-to-2026-11-30.html",
            ),
        ),
        failed,
    ];
    reports::opened_with(target, jobs).0
}

#[test]
fn reports_80x24() {
    let screen = text(&draw(&sized(with_jobs("reports"), 80, 24), 80, 24, false));
    for said in [
        "waiting to run",
        "running 40% (reading",
        "fidelity-LIN",
        "failed: no student you can",
        "Progress report: A",
        "3 recap, 4 fidelity of Lincoln Elementary (LIN) (s)",
    ] {
        assert!(screen.contains(said), "{said}: {screen}");
    }
    insta::assert_snapshot!(screen);
    // The selected line in full below the table: a failure's whole reason.
    let mut s = sized(with_jobs("reports"), 80, 24);
    for _ in 0..3 {
        update(&mut s, crate::app::fixtures::key('j'));
    }
    let screen = text(&draw(&s, 80, 24, false));
    assert!(
        screen.contains("failed: no student you can see has the local id \"S9\""),
        "{screen}"
    );
}

#[test]
fn reports_for_fidelity_80x24() {
    let screen = text(&draw(
        &sized(with_jobs("reports.fidelity"), 80, 24),
        80,
        24,
        false,
    ));
    assert!(
        screen
            .contains("4 queues a fidelity report of Lincoln Elementary (LIN) (s) over this month"),
        "{screen}"
    );
    insta::assert_snapshot!(screen);
}

#[test]
fn reports_120x40_no_color_hostile_title() {
    let mut s = reports::loaded();
    if let crate::app::Screen::Reports(r) = s.top_mut()
        && let Some(l) = r.list.get_mut()
    {
        l.entries[0].title = "Summary\u{1b}[2J of\u{202e} X".into();
    }
    let t = draw(&sized(s, 120, 40), 120, 40, true);
    assert!(no_colours(&t));
    let screen = text(&t);
    assert!(
        !screen.contains('\x1b') && !screen.contains('\u{202e}'),
        "{screen}"
    );
    insta::assert_snapshot!(screen);
}

#[test]
fn export_80x24() {
    use crate::app::screens::export::tests as export;
    use crate::domain::jobs::JobStatus;
    let mut s = export::opened();
    let req = crate::app::ReqId(999);
    if let crate::app::Screen::Export(e) = s.top_mut() {
        e.jobs.start(req);
    }
    export::arrive(
        &mut s,
        req,
        vec![
            export::export_job(1, crate::export::Spec::SavedRoster, JobStatus::Queued),
            export::export_job(
                2,
                crate::export::Spec::Caseload { counselor: None },
                JobStatus::Succeeded,
            ),
        ],
    );
    let screen = text(&draw(&sized(s, 80, 24), 80, 24, false));
    assert!(screen.contains("waiting to run"), "{screen}");
    assert!(screen.contains("caseload-mine-2026-12-03.csv"), "{screen}");
    assert!(screen.contains("Roster"), "{screen}");
    assert!(screen.contains("Sessions this month"), "{screen}");
    assert!(
        screen.contains("byte order mark (for Excel): off"),
        "{screen}"
    );
    insta::assert_snapshot!(screen);
}
