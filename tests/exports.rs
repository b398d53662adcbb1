//! Exports (issue 16) against the real server, as the people of a small
//! district through their own login roles: each export holds exactly what
//! that person sees through psql, formula cells are defused, nothing is
//! overwritten, and every export is an audit event.

mod common;

use caseload::domain::roster::RosterQuery;
use caseload::export::{self, Options, Spec};
use common::district::District;
use std::path::Path;
use tokio_postgres::Client;
use uuid::Uuid;

/// RFC 4180 as the export writes it: quoted fields, doubled quotes, CRLF.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut cell = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                cell.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => cell.push(c),
            (false, '"') => quoted = true,
            (false, ',') => row.push(std::mem::take(&mut cell)),
            (false, '\r') if chars.peek() == Some(&'\n') => {}
            (false, '\n') => {
                row.push(std::mem::take(&mut cell));
                rows.push(std::mem::take(&mut row));
            }
            (false, c) => cell.push(c),
        }
    }
    rows
}

fn read(path: &Path) -> Vec<Vec<String>> {
    parse_csv(&std::fs::read_to_string(path).expect("export file"))
}

fn opts(dir: &Path, bom: bool) -> Options {
    Options {
        dir: dir.to_path_buf(),
        bom,
        today: common::today(),
    }
}

async fn run(c: &Client, spec: &Spec, dir: &Path) -> export::Written {
    export::run(c, spec, &opts(dir, false), &mut |_, _| {})
        .await
        .expect("export")
}

/// What psql shows the same role, sorted: the rows an export must hold.
async fn psql(c: &Client, sql: &str) -> Vec<Vec<String>> {
    let mut rows: Vec<Vec<String>> = c
        .query(sql, &[])
        .await
        .expect("psql query")
        .iter()
        .map(|r| {
            (0..r.len())
                .map(|i| r.get::<_, Option<String>>(i).unwrap_or_default())
                .collect()
        })
        .collect();
    rows.sort();
    rows
}

fn columns(rows: &[Vec<String>], pick: &[usize]) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = rows[1..]
        .iter()
        .map(|r| pick.iter().map(|&i| r[i].clone()).collect())
        .collect();
    out.sort();
    out
}

const PEOPLE: &[&str] = &[
    "counselor_a",
    "counselor_b",
    "teacher",
    "coord_x",
    "coord_y",
    "admin",
];

#[tokio::test]
async fn the_roster_export_holds_what_each_person_sees_through_psql() {
    let d = District::new().await;
    let dir = tempfile::tempdir().unwrap();
    let mut seen_counts = Vec::new();
    for person in PEOPLE {
        let c = d.connect_as(person).await;
        let w = run(&c, &Spec::Roster(RosterQuery::default()), dir.path()).await;
        let rows = read(&w.files[0].path);
        assert_eq!(rows[0][0], "student_id", "{person}: header");
        let exported = columns(&rows, &[0, 1, 4, 5]);
        let expected = psql(
            &c,
            "SELECT s.local_id, s.last_name, s.grade_level::text, COALESCE(sc.short_name, sc.name) \
             FROM students s JOIN schools sc ON sc.id = s.school_id",
        )
        .await;
        assert_eq!(exported, expected, "{person}");
        seen_counts.push((*person, exported.len()));
    }
    // Not a comparison of two empty sets: RLS gives each a different view.
    assert_eq!(
        seen_counts,
        [
            ("counselor_a", 2),
            ("counselor_b", 1),
            ("teacher", 1),
            ("coord_x", 3),
            ("coord_y", 1),
            ("admin", 4)
        ]
    );
}

#[tokio::test]
async fn roster_filters_apply_to_the_export() {
    let d = District::new().await;
    let dir = tempfile::tempdir().unwrap();
    let c = d.connect_as("coord_x").await;
    let mut q = RosterQuery::default();
    q.filters.active_intervention = false;
    q.search = "B1".into();
    let w = run(&c, &Spec::Roster(q), dir.path()).await;
    let rows = read(&w.files[0].path);
    assert_eq!(columns(&rows, &[0]), vec![vec!["B1".to_string()]]);
}

#[tokio::test]
async fn the_sessions_export_holds_what_each_person_sees_restricted_included_or_not() {
    let d = District::new().await;
    let dir = tempfile::tempdir().unwrap();
    let today: chrono::NaiveDate = d
        .admin
        .query_one("SELECT current_date", &[])
        .await
        .unwrap()
        .get(0);
    let mut counts = Vec::new();
    for person in PEOPLE {
        let c = d.connect_as(person).await;
        let spec = Spec::Sessions {
            from: today - chrono::Days::new(7),
            to: today,
            school: None,
        };
        let w = run(&c, &spec, dir.path()).await;
        assert_eq!(w.files.len(), 2, "sessions and measurements");
        let sessions = columns(&read(&w.files[0].path), &[0, 1, 7, 8, 11]);
        let expected = psql(
            &c,
            "SELECT x.session_date::text, s.local_id, x.attendance, x.minutes::text, x.note \
             FROM intervention_sessions x JOIN interventions i ON i.id = x.intervention_id \
             JOIN students s ON s.id = i.student_id \
             WHERE x.session_date BETWEEN current_date - 7 AND current_date",
        )
        .await;
        assert_eq!(sessions, expected, "{person}: sessions");
        let measurements = columns(&read(&w.files[1].path), &[1, 8]);
        let expected = psql(
            &c,
            "SELECT s.local_id, m.value::text FROM progress_measurements m \
             JOIN intervention_goals g ON g.id = m.goal_id \
             JOIN interventions i ON i.id = g.intervention_id \
             JOIN students s ON s.id = i.student_id \
             WHERE m.measured_on BETWEEN current_date - 7 AND current_date",
        )
        .await;
        assert_eq!(measurements, expected, "{person}: measurements");
        counts.push((*person, sessions.len()));
    }
    // A1 has a restricted session and a restricted intervention: its
    // counselor sees them (counselors may view restricted rows), the
    // teacher on B1's team sees B1's one session only.
    assert_eq!(
        counts,
        [
            ("counselor_a", 3),
            ("counselor_b", 1),
            ("teacher", 1),
            ("coord_x", 4),
            ("coord_y", 1),
            ("admin", 5)
        ]
    );
}

#[tokio::test]
async fn a_caseload_export_lists_the_students_and_open_interventions() {
    let d = District::new().await;
    let dir = tempfile::tempdir().unwrap();
    let c = d.connect_as("counselor_a").await;
    let w = run(&c, &Spec::Caseload { counselor: None }, dir.path()).await;
    let rows = read(&w.files[0].path);
    // A1's two interventions (one restricted, which its counselor sees),
    // A2 with none: one line with the intervention columns empty.
    assert_eq!(
        columns(&rows, &[0, 6, 9]),
        vec![
            vec!["A1".to_string(), "Reading club".into(), "referred".into()],
            vec!["A1".to_string(), "Reading club".into(), "referred".into()],
            vec!["A2".to_string(), String::new(), String::new()],
        ]
    );
    // The teacher asking for counselor_a's caseload gets only what the
    // teacher may see: nothing.
    let t = d.connect_as("teacher").await;
    let w = run(
        &t,
        &Spec::Caseload {
            counselor: Some(d.login("counselor_a").to_string()),
        },
        dir.path(),
    )
    .await;
    assert_eq!(read(&w.files[0].path).len(), 1, "only the header");
}

#[tokio::test]
async fn formula_cells_are_defused_and_the_bom_is_optional() {
    let d = District::new().await;
    d.admin
        .execute(
            "UPDATE students SET last_name = '=HYPERLINK(\"http://evil\",\"x\")', \
                                 first_name = '@SUM(1+1)', preferred_name = '-2+3' \
             WHERE id = $1",
            &[&d.students["a1"].id],
        )
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let c = d.connect_as("counselor_a").await;
    let w = export::run(
        &c,
        &Spec::Roster(RosterQuery::default()),
        &opts(dir.path(), true),
        &mut |_, _| {},
    )
    .await
    .unwrap();
    let bytes = std::fs::read(&w.files[0].path).unwrap();
    assert_eq!(bytes[..3], [0xEF, 0xBB, 0xBF], "byte order mark");
    let rows = read(&w.files[0].path);
    let a1 = rows.iter().find(|r| r[0] == "A1").expect("A1's row");
    assert_eq!(a1[1], "'=HYPERLINK(\"http://evil\",\"x\")");
    assert_eq!(a1[2], "'@SUM(1+1)");
    assert_eq!(a1[3], "'-2+3");
    let plain = run(&c, &Spec::Roster(RosterQuery::default()), dir.path()).await;
    assert_eq!(std::fs::read(&plain.files[0].path).unwrap()[0], b's');
}

#[tokio::test]
async fn exports_never_overwrite_and_each_is_an_audit_event() {
    let d = District::new().await;
    let dir = tempfile::tempdir().unwrap();
    let c = d.connect_as("counselor_a").await;
    let first = run(&c, &Spec::Roster(RosterQuery::default()), dir.path()).await;
    let second = run(&c, &Spec::Roster(RosterQuery::default()), dir.path()).await;
    assert_ne!(first.files[0].path, second.files[0].path);
    assert!(first.files[0].path.exists() && second.files[0].path.exists());
    assert!(second.files[0].path.to_string_lossy().ends_with(" (2).csv"));

    let me = d.id("counselor_a");
    let rows = d
        .admin
        .query(
            "SELECT student_id, detail->>'rows', detail->>'students' FROM audit_events \
             WHERE action = 'export' AND table_name = 'roster' AND actor_id = $1 \
             ORDER BY id",
            &[&me],
        )
        .await
        .unwrap();
    let per_export: Vec<(Option<String>, Option<String>)> = rows
        .iter()
        .filter(|r| r.get::<_, Option<Uuid>>(0).is_none())
        .map(|r| (r.get(1), r.get(2)))
        .collect();
    assert_eq!(
        per_export,
        vec![
            (Some("2".into()), Some("2".into())),
            (Some("2".into()), Some("2".into()))
        ]
    );
    let mut students: Vec<Uuid> = rows.iter().filter_map(|r| r.get(0)).collect();
    students.sort();
    let mut expected = vec![
        d.students["a1"].id,
        d.students["a1"].id,
        d.students["a2"].id,
        d.students["a2"].id,
    ];
    expected.sort();
    assert_eq!(students, expected);
    // A coordinator of the school reads the export in the student's trail.
    let coord = d.connect_as("coord_x").await;
    let n: i64 = coord
        .query_one(
            "SELECT count(*) FROM audit_events WHERE action = 'export' AND student_id = $1",
            &[&d.students["a1"].id],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(n, 2);
}

#[tokio::test]
async fn bad_requests_say_what_is_wrong_and_write_nothing() {
    let d = District::new().await;
    let dir = tempfile::tempdir().unwrap();
    let c = d.connect_as("counselor_a").await;
    let today = common::today();
    let err = |e: export::ExportError| e.to_string();
    let backwards = export::run(
        &c,
        &Spec::Sessions {
            from: today,
            to: today - chrono::Days::new(1),
            school: None,
        },
        &opts(dir.path(), false),
        &mut |_, _| {},
    )
    .await
    .map_err(err)
    .unwrap_err();
    assert!(backwards.contains("ends"), "{backwards}");
    let school = export::run(
        &c,
        &Spec::Sessions {
            from: today,
            to: today,
            school: Some("NOPE".into()),
        },
        &opts(dir.path(), false),
        &mut |_, _| {},
    )
    .await
    .map_err(err)
    .unwrap_err();
    assert_eq!(school, "no school has the local id \"NOPE\"");
    let nobody = export::run(
        &c,
        &Spec::Caseload {
            counselor: Some("nobody_here".into()),
        },
        &opts(dir.path(), false),
        &mut |_, _| {},
    )
    .await
    .map_err(err)
    .unwrap_err();
    assert_eq!(nobody, "nobody has the username \"nobody_here\"");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

#[tokio::test]
async fn a_login_without_a_users_row_cannot_export_and_leaves_no_file() {
    let d = District::new().await;
    let dir = tempfile::tempdir().unwrap();
    let c = d.connect_as("no_role").await;
    let e = export::run(
        &c,
        &Spec::Roster(RosterQuery::default()),
        &opts(dir.path(), false),
        &mut |_, _| {},
    )
    .await
    .expect_err("no role, no export");
    assert!(e.to_string().contains("only a caseload user"), "{e}");
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
}

/// The `export.sessions` job (run as its author, on their own pool): its
/// files hold what that counselor sees through psql, its result names them,
/// and it is an audit event like any export.
#[tokio::test]
async fn an_export_job_writes_what_its_author_sees_and_names_the_files() {
    let d = District::new().await;
    let dir = tempfile::tempdir().unwrap();
    let today: chrono::NaiveDate = d
        .admin
        .query_one("SELECT current_date", &[])
        .await
        .unwrap()
        .get(0);
    let payload = serde_json::json!({
        "spec": {"export": "sessions", "from": today - chrono::Days::new(7), "to": today, "school": null},
        "bom": true,
        "dir": dir.path(),
        "today": today,
    });
    let result = d
        .author_job("counselor_a", "export.sessions", payload.clone(), false)
        .await
        .expect("the export job");
    let files = result["files"].as_array().expect("files");
    assert_eq!(files.len(), 2, "{result}");
    let sessions = Path::new(files[0]["path"].as_str().unwrap());
    assert_eq!(sessions.parent(), Some(dir.path()));
    let bytes = std::fs::read(sessions).unwrap();
    assert_eq!(files[0]["bytes"], bytes.len() as u64);
    assert!(
        bytes.starts_with("\u{feff}".as_bytes()),
        "the BOM asked for"
    );
    let c = d.connect_as("counselor_a").await;
    let expected = psql(
        &c,
        "SELECT x.session_date::text, s.local_id, x.attendance, x.minutes::text, x.note \
         FROM intervention_sessions x JOIN interventions i ON i.id = x.intervention_id \
         JOIN students s ON s.id = i.student_id \
         WHERE x.session_date BETWEEN current_date - 7 AND current_date",
    )
    .await;
    assert_eq!(columns(&read(sessions), &[0, 1, 7, 8, 11]), expected);
    assert_eq!(files[0]["rows"], expected.len() as u64);
    assert_eq!(result["students"], 1, "A1 (A2 has no sessions): {result}");
    let audited: i64 = d
        .admin
        .query_one(
            "SELECT count(*) FROM audit_events WHERE action = 'export' AND table_name = 'sessions' \
             AND actor_id = $1 AND student_id IS NULL",
            &[&d.id("counselor_a")],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(audited, 1);

    // Cancelled before it ran: nothing written, nothing audited.
    let empty = tempfile::tempdir().unwrap();
    let mut cancelled = payload.clone();
    cancelled["dir"] = serde_json::json!(empty.path());
    assert_eq!(
        d.author_job("counselor_a", "export.sessions", cancelled, true)
            .await,
        Err(caseload::jobs::JobError::Cancelled)
    );
    assert_eq!(std::fs::read_dir(empty.path()).unwrap().count(), 0);

    // A payload for another kind, or a relative folder, fails at once.
    let wrong = d
        .author_job("counselor_a", "export.roster", payload.clone(), false)
        .await;
    assert!(
        matches!(&wrong, Err(caseload::jobs::JobError::Fatal(m)) if m.contains("cannot write a sessions export")),
        "{wrong:?}"
    );
    let mut relative = payload;
    relative["dir"] = serde_json::json!("downloads");
    let refused = d
        .author_job("counselor_a", "export.sessions", relative, false)
        .await;
    assert!(
        matches!(&refused, Err(caseload::jobs::JobError::Fatal(m)) if m.contains("not an absolute path")),
        "{refused:?}"
    );
}

/// The saved-roster export reads the author's own saved filters when it
/// runs (the TUI's Export screen queues it without them).
#[tokio::test]
async fn a_saved_roster_export_job_uses_the_authors_saved_filters() {
    let d = District::new().await;
    let dir = tempfile::tempdir().unwrap();
    let c = d.connect_as("coord_x").await;
    let filters = caseload::domain::roster::Filters {
        school: Some(caseload::domain::roster::SchoolFilter {
            id: d.school_x,
            name: "X".into(),
        }),
        active_intervention: false,
        ..Default::default()
    };
    caseload::db::roster::save_filters(&c, &filters, caseload::domain::roster::Sort::Name)
        .await
        .unwrap();
    let result = d
        .author_job(
            "coord_x",
            "export.roster",
            serde_json::json!({"spec": {"export": "saved_roster"}, "dir": dir.path()}),
            false,
        )
        .await
        .expect("the export job");
    let path = result["files"][0]["path"].as_str().unwrap().to_string();
    let mut ids: Vec<String> = read(Path::new(&path))[1..]
        .iter()
        .map(|r| r[0].clone())
        .collect();
    ids.sort();
    assert_eq!(ids, ["A1", "A2", "B1"], "school X only");
}
