//! End to end in a pseudo-terminal (issue 16): the demo administrator opens
//! the Jobs screen, presses `i`, types the folder of a small OneRoster
//! export written here (three new students), watches the dry run's report,
//! runs the import for real — both jobs run in the window itself, as the
//! admin — and finds a new student in the roster.

mod common;

use caseload::demo::seed;
use common::TestDb;
use common::pty::Pty;
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(60);

fn write_export(dir: &std::path::Path) {
    let files = [
        (
            "orgs.csv",
            "sourcedId,status,dateLastModified,name,type,identifier,parentSourcedId\n\
             e2e-d,active,2026-08-01,Juniper District,district,JD,\n\
             e2e-s,active,2026-08-01,Juniper Elementary,school,JE,e2e-d\n",
        ),
        (
            "users.csv",
            "sourcedId,status,dateLastModified,enabledUser,orgSourcedIds,role,username,userIds,\
             givenName,familyName,middleName,identifier,email,sms,phone,agentSourcedIds,grades,password\n\
             e2e-u1,,,true,e2e-s,student,,,Zephyrine,Quillfeather,,E2E-1,,,,,03,\n\
             e2e-u2,,,true,e2e-s,student,,,Bartholomew,Quillfeather,,E2E-2,,,,,04,\n\
             e2e-u3,,,true,e2e-s,student,,,Odalys,Quillfeather,,E2E-3,,,,,05,\n",
        ),
        (
            "enrollments.csv",
            "sourcedId,status,dateLastModified,classSourcedId,schoolSourcedId,userSourcedId,\
             role,primary,beginDate,endDate\n\
             e2e-e1,,,c1,e2e-s,e2e-u1,student,,2026-08-20,\n",
        ),
    ];
    for (name, text) in files {
        std::fs::write(dir.join(name), text).expect("fixture");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_imports_a_oneroster_folder_from_the_jobs_screen() {
    let (db, admin) = TestDb::seeded(120, 5, common::today()).await;
    let (url, password) = db
        .demo_login(&admin, seed::DEMO_ADMIN, "caseload_admin")
        .await;
    let export = tempfile::tempdir().expect("tempdir");
    write_export(export.path());

    let mut pty = Pty::spawn(
        &["--database-url", &url],
        &[("PGPASSWORD", &password)],
        120,
        40,
    );
    pty.wait_for(&["Active interventions in your schools"], WAIT);
    pty.send(":open jobs\r");
    pty.wait_for(&["your background jobs"], WAIT);
    pty.send("i");
    pty.wait_for(&["Folder or .zip", "Give staff logins"], WAIT);
    pty.send(&export.path().display().to_string());
    // Enter moves to the logins field; Enter there runs the dry run.
    pty.send("\r");
    std::thread::sleep(Duration::from_millis(200));
    pty.send("\r");
    pty.wait_for(&["dry run: ", "i: import for real"], WAIT);
    let screen = pty.screen();
    assert!(
        screen.contains("users.csv") && screen.contains("3 added"),
        "{screen}"
    );
    let before: i64 = admin
        .query_one(
            "SELECT count(*) FROM students WHERE last_name = 'Quillfeather'",
            &[],
        )
        .await
        .expect("count")
        .get(0);
    assert_eq!(before, 0, "a dry run writes nothing");

    pty.send("i");
    pty.wait_for(&["imported: ", "o: open the roster"], WAIT);
    let after: i64 = admin
        .query_one(
            "SELECT count(*) FROM students WHERE last_name = 'Quillfeather'",
            &[],
        )
        .await
        .expect("count")
        .get(0);
    assert_eq!(after, 3);
    // Both jobs ran as the admin, in this window (the demo's own seeded
    // imports are dated the day before).
    let jobs: Vec<(String, String)> = admin
        .query(
            "SELECT j.status::text, u.username FROM jobs j JOIN users u ON u.id = j.created_by \
             WHERE j.kind = 'oneroster.import' AND j.created_at > now() - interval '1 hour' \
             ORDER BY j.created_at",
            &[],
        )
        .await
        .expect("jobs")
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    assert_eq!(
        jobs,
        vec![
            ("succeeded".to_string(), seed::DEMO_ADMIN.to_string()),
            ("succeeded".to_string(), seed::DEMO_ADMIN.to_string()),
        ]
    );

    pty.send("o");
    // The roster's first page first: a search typed while it is on its way
    // could be overwritten by it (seen once in CI: "Quillf" in the box over
    // the unfiltered list; see the closing note of session 8).
    pty.wait_for(&["Name", "Grade", "row 1 of"], WAIT);
    pty.send("/");
    pty.send("Quillf");
    pty.wait_for(&["Quillfeather, Zephyrine", "Juniper Elementary"], WAIT);
    // Esc leaves the search box; q quits (apart: together they read as alt-q).
    pty.send("\x1b");
    std::thread::sleep(Duration::from_millis(300));
    pty.send("q");
    pty.finish();
}
