//! Reports (issue 16) against the real server: the HTML is parsed back (it
//! must be well-formed) and its numbers compared with hand-computed ones;
//! the family report holds nothing restricted even when its author may see
//! restricted rows.

mod common;

use caseload::report::{self, GroupBy, Options, Spec};
use chrono::{Days, NaiveDate};
use common::district::District;
use quick_xml::events::Event;
use std::collections::HashMap;
use uuid::Uuid;

/// What a report shows: its tables by id (header row first), its text,
/// and the values of its chart points, chart by chart.
#[derive(Debug, Default)]
struct Doc {
    tables: HashMap<String, Vec<Vec<String>>>,
    text: String,
    charts: Vec<Vec<String>>,
}

fn parse(html: &str) -> Doc {
    let body = html
        .strip_prefix("<!DOCTYPE html>\n")
        .expect("a doctype first");
    let mut r = quick_xml::Reader::from_str(body);
    let mut doc = Doc::default();
    let mut table: Option<(String, Vec<Vec<String>>)> = None;
    let mut row: Vec<String> = Vec::new();
    let mut cell: Option<String> = None;
    let push = |doc: &mut Doc, cell: &mut Option<String>, s: &str| {
        doc.text.push_str(s);
        if let Some(c) = cell {
            c.push_str(s);
        }
    };
    loop {
        match r.read_event().expect("well-formed markup") {
            Event::Start(e) => match e.name().as_ref() {
                b"table" => {
                    let id = e
                        .try_get_attribute("id")
                        .unwrap()
                        .map(|a| {
                            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                                .unwrap()
                                .into_owned()
                        })
                        .unwrap_or_default();
                    table = Some((id, Vec::new()));
                }
                b"td" | b"th" => cell = Some(String::new()),
                b"svg" => doc.charts.push(Vec::new()),
                b"circle" => {
                    let v = e
                        .try_get_attribute("data-value")
                        .unwrap()
                        .expect("a point's value")
                        .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                        .unwrap()
                        .into_owned();
                    doc.charts.last_mut().expect("in a chart").push(v);
                }
                _ => {}
            },
            Event::End(e) => match e.name().as_ref() {
                b"td" | b"th" => row.push(cell.take().unwrap_or_default()),
                b"tr" => {
                    if let Some((_, rows)) = &mut table {
                        rows.push(std::mem::take(&mut row));
                    }
                }
                b"table" => {
                    let (id, rows) = table.take().expect("a table");
                    doc.tables.insert(id, rows);
                }
                b"p" | b"h1" | b"h2" | b"h3" => doc.text.push('\n'),
                _ => {}
            },
            Event::Text(t) => push(&mut doc, &mut cell, &t.decode().unwrap()),
            Event::GeneralRef(g) => {
                let s = match g.resolve_char_ref().unwrap() {
                    Some(c) => c.to_string(),
                    None => match g.decode().unwrap().as_ref() {
                        "amp" => "&".into(),
                        "lt" => "<".into(),
                        "gt" => ">".into(),
                        "quot" => "\"".into(),
                        other => panic!("unknown entity &{other};"),
                    },
                };
                push(&mut doc, &mut cell, &s);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    doc
}

/// The database's today: status changes are stamped with the real clock.
async fn db_today(d: &District) -> NaiveDate {
    d.admin
        .query_one("SELECT current_date", &[])
        .await
        .unwrap()
        .get(0)
}

/// An active tier 3 plan of five sessions a week for A2 (owner counselor
/// A), begun `start`, with one session delivered on `session_on` and a
/// four-point goal from 10 to 50 over 70 days whose four points all stay
/// at 10, under the aimline: off track.
async fn off_track_plan(d: &District, start: NaiveDate, session_on: NaiveDate) -> Uuid {
    let a2 = d.students["a2"].id;
    let owner = d.id("counselor_a");
    let id: Uuid = d
        .admin
        .query_one(
            "INSERT INTO interventions (student_id, school_id, custom_name, intervention_type, \
                 tier, status, owner_id, start_date, sessions_per_week, minutes_per_session) \
             SELECT id, school_id, 'Math lab', 'math', 3, 'active', $2, $3, 5, 30 \
             FROM students WHERE id = $1 RETURNING id",
            &[&a2, &owner, &start],
        )
        .await
        .unwrap()
        .get(0);
    let goal: Uuid = d
        .admin
        .query_one(
            "INSERT INTO intervention_goals (intervention_id, statement, measure, direction, \
                 baseline_value, baseline_date, target_value, target_date, decision_rule) \
             VALUES ($1, 'Solve <more> problems & faster', 'Problems correct', 'increase', \
                     10, $2::date, 50, $2::date + 70, 'four_point') RETURNING id",
            &[&id, &start],
        )
        .await
        .unwrap()
        .get(0);
    for day in [3u64, 6, 9, 12] {
        d.admin
            .execute(
                "INSERT INTO progress_measurements (goal_id, measured_on, value) VALUES ($1, $2, 10)",
                &[&goal, &(start + Days::new(day))],
            )
            .await
            .unwrap();
    }
    d.admin
        .execute(
            "INSERT INTO intervention_sessions (id, intervention_id, session_date, minutes, attendance) \
             VALUES (gen_random_uuid(), $1, $2, 30, 'present')",
            &[&id, &session_on],
        )
        .await
        .unwrap();
    id
}

/// An open follow-up on B1 due `due`, owned by counselor B.
async fn follow_up(d: &District, due: NaiveDate, purpose: &str) {
    d.admin
        .execute(
            "INSERT INTO communication_log (student_id, direction, channel, purpose, occurred_at, \
                                            follow_up_due, follow_up_owner) \
             VALUES ($1, 'outbound', 'phone', $2, now(), $3, $4)",
            &[&d.students["b1"].id, &purpose, &due, &d.id("counselor_b")],
        )
        .await
        .unwrap();
}

async fn build(d: &District, person: &str, spec: &Spec, today: NaiveDate) -> Doc {
    let c = d.connect_as(person).await;
    let built = report::build(&c, spec, today, &mut |_, _| {})
        .await
        .expect("report");
    parse(&built.html)
}

#[tokio::test]
async fn the_summary_counts_match_a_hand_count() {
    let d = District::new().await;
    // Thursday 3 December: this month so far is Tuesday to Thursday, three
    // school days; five a week plans three sessions, one was given.
    let today = NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
    off_track_plan(
        &d,
        NaiveDate::from_ymd_opt(2026, 11, 2).unwrap(),
        today - Days::new(2),
    )
    .await;
    follow_up(&d, today - Days::new(2), "call back").await;
    follow_up(&d, today + Days::new(2), "not due yet").await;
    let doc = build(
        &d,
        "coord_x",
        &Spec::Summary {
            by: GroupBy::School,
            school: None,
            counselor: None,
        },
        today,
    )
    .await;
    let t = &doc.tables["summary"];
    assert_eq!(
        t[0],
        [
            "school",
            "students",
            "interventions",
            "referred",
            "planned",
            "active",
            "paused",
            "review_due",
            "completed",
            "discontinued",
            "tier_1",
            "tier_2",
            "tier_3",
            "off_track",
            "fidelity_low",
            "missed_sessions_this_month",
            "overdue_follow_ups"
        ]
    );
    // School X as its coordinator sees it: A1 (two referred plans, one
    // restricted, which coordinators may see), B1 (one referred), A2 (the
    // active tier 3 plan: off track, 1 of ~22.9 planned sessions
    // delivered, 2 of 3 missed this month); B1's follow-up due Tuesday
    // is overdue, Saturday's is not.
    assert_eq!(
        t[1..],
        [[
            "X", "3", "4", "3", "0", "1", "0", "0", "0", "0", "0", "0", "1", "1", "1", "2", "1"
        ]]
    );

    // By counselor: A's students (A1, A2) and B's (B1, with its follow-up).
    let doc = build(
        &d,
        "coord_x",
        &Spec::Summary {
            by: GroupBy::Counselor,
            school: Some("X".into()),
            counselor: None,
        },
        today,
    )
    .await;
    assert_eq!(
        doc.tables["summary"][1..],
        [
            [
                "counselor_a",
                "2",
                "3",
                "2",
                "0",
                "1",
                "0",
                "0",
                "0",
                "0",
                "0",
                "0",
                "1",
                "1",
                "1",
                "2",
                "0"
            ],
            [
                "counselor_b",
                "1",
                "1",
                "1",
                "0",
                "0",
                "0",
                "0",
                "0",
                "0",
                "0",
                "0",
                "0",
                "0",
                "0",
                "0",
                "1"
            ]
        ]
    );
}

#[tokio::test]
async fn a_summary_holds_only_what_its_author_sees() {
    let d = District::new().await;
    let today = NaiveDate::from_ymd_opt(2026, 12, 3).unwrap();
    let spec = Spec::Summary {
        by: GroupBy::School,
        school: None,
        counselor: None,
    };
    let rows = |doc: Doc| -> Vec<(String, String)> {
        doc.tables["summary"][1..]
            .iter()
            .map(|r| (r[0].clone(), r[2].clone()))
            .collect()
    };
    assert_eq!(
        rows(build(&d, "admin", &spec, today).await),
        [("X".to_string(), "3".to_string()), ("Y".into(), "1".into())]
    );
    assert_eq!(
        rows(build(&d, "coord_y", &spec, today).await),
        [("Y".to_string(), "1".to_string())]
    );
    // The teacher is on B1's team only and may not see restricted plans.
    assert_eq!(
        rows(build(&d, "teacher", &spec, today).await),
        [("X".to_string(), "1".to_string())]
    );
}

#[tokio::test]
async fn the_meeting_recap_shows_students_decisions_charts_and_follow_ups() {
    let d = District::new().await;
    let today = db_today(&d).await;
    let plan = off_track_plan(&d, today - Days::new(30), today - Days::new(1)).await;
    follow_up(&d, today + Days::new(3), "Send the <reading> log & plan").await;
    // A decision at the meeting: A1's first plan goes ahead.
    let a1 = d.students["a1"].interventions[0];
    d.admin
        .execute(
            "UPDATE interventions SET status = 'planned' WHERE id = $1",
            &[&a1],
        )
        .await
        .unwrap();
    let spec = Spec::Recap {
        school: "X".into(),
        date: Some(today),
        since: None,
        students: vec![],
    };
    let doc = build(&d, "coord_x", &spec, today).await;
    let discussed = &doc.tables["discussed"];
    // Every plan at X changed status in the last two weeks (they were all
    // made today), so all four are on the agenda, students in name order.
    let mut lines: Vec<(&str, &str, &str)> = discussed[1..]
        .iter()
        .map(|r| (r[1].as_str(), r[5].as_str(), r[6].as_str()))
        .collect();
    // A1's two plans share a name and start date: their order is the ids'.
    lines.sort();
    assert_eq!(
        lines,
        [
            (
                "A1",
                "planned",
                "no aimline: no baseline: record a baseline value and date"
            ),
            (
                "A1",
                "referred",
                "no aimline: no baseline: record a baseline value and date"
            ),
            ("A2", "active", "off track"),
            (
                "B1",
                "referred",
                "no aimline: no baseline: record a baseline value and date"
            ),
        ]
    );
    let a2_line = discussed.iter().find(|r| r[1] == "A2").expect("A2");
    assert_eq!(a2_line[7], "counselor_a", "the owner");
    // A2's chart: the four points, all 10.
    let a2_chart = doc
        .charts
        .iter()
        .find(|c| c.len() == 4)
        .expect("the off-track goal's chart");
    assert_eq!(a2_chart, &["10", "10", "10", "10"]);
    assert!(
        doc.text
            .contains("Solve <more> problems & faster: off track")
    );
    // Each chart has its key: the off-track goal has points, an aim line
    // and (four points) a trend.
    assert!(
        doc.text.contains(
            "data points (measurements)aim line: baseline to goal (dashed)trend of the data points"
        ),
        "the chart's legend: {}",
        doc.text
    );

    let decisions = &doc.tables["decisions"];
    let moved: Vec<&Vec<String>> = decisions[1..]
        .iter()
        .filter(|r| r[3] == "referred → planned")
        .collect();
    assert_eq!(moved.len(), 1);
    assert_eq!(moved[0][1], "A1, Kid");
    assert_eq!(moved[0][5], "counselor_a");
    assert!(
        decisions[1..]
            .iter()
            .any(|r| r[2] == "Math lab" && r[3] == "created as active")
    );

    let fu = &doc.tables["follow-ups"];
    assert_eq!(
        fu[1..],
        [[
            (today + Days::new(3)).to_string(),
            "B1, Kid".to_string(),
            "Send the <reading> log & plan".to_string(),
            "counselor_b".to_string()
        ]]
    );

    // Naming the students narrows the agenda to them.
    let only = Spec::Recap {
        school: "X".into(),
        date: Some(today),
        since: None,
        students: vec!["A2".into()],
    };
    let doc = build(&d, "coord_x", &only, today).await;
    assert_eq!(doc.tables["discussed"].len(), 2);
    assert_eq!(doc.tables["discussed"][1][1], "A2");
    assert!(
        doc.tables["follow-ups"].len() == 1,
        "B1's follow-up is not A2's"
    );
    let _ = plan;
}

#[tokio::test]
async fn the_family_report_holds_nothing_restricted() {
    let d = District::new().await;
    let today = db_today(&d).await;
    let a1 = &d.students["a1"];
    let (public, secret) = (a1.interventions[0], a1.interventions[1]);
    d.admin
        .batch_execute(&format!(
            "UPDATE interventions SET status = 'planned' WHERE id IN ('{public}', '{secret}'); \
             UPDATE interventions SET status = 'active', start_date = current_date - 30 \
             WHERE id IN ('{public}', '{secret}')"
        ))
        .await
        .unwrap();
    d.admin
        .execute(
            "UPDATE interventions SET custom_name = 'SECRET counseling', concern = 'SECRET concern' \
             WHERE id = $1",
            &[&secret],
        )
        .await
        .unwrap();
    d.admin
        .execute(
            "UPDATE intervention_goals SET statement = 'SECRET goal' WHERE intervention_id = $1",
            &[&secret],
        )
        .await
        .unwrap();
    d.admin
        .execute(
            "UPDATE intervention_goals SET baseline_value = 40, baseline_date = $2, \
                 target_value = 60, target_date = $3, decision_rule = 'four_point' \
             WHERE id = $1",
            &[
                &a1.goals[0],
                &(today - Days::new(30)),
                &(today + Days::new(40)),
            ],
        )
        .await
        .unwrap();
    // Two more public points (with the district's 42 today: three), and
    // one taken in A1's restricted session.
    for (days, value) in [(20u64, 44.0f64), (10, 46.0)] {
        d.admin
            .execute(
                "INSERT INTO progress_measurements (goal_id, measured_on, value, note) \
                 VALUES ($1, $2, $3::float8::numeric, 'SECRET note')",
                &[&a1.goals[0], &(today - Days::new(days)), &value],
            )
            .await
            .unwrap();
    }
    // Points taken in A1's restricted session (its third) and in a session
    // of the restricted plan (its second), entered on the public goal.
    for (session, value) in [(a1.sessions[2], 777), (a1.sessions[1], 778)] {
        d.admin
            .execute(
                "INSERT INTO progress_measurements (goal_id, session_id, measured_on, value) \
                 VALUES ($1, $2, $3, $4::int4::numeric)",
                &[&a1.goals[0], &session, &(today - Days::new(5)), &value],
            )
            .await
            .unwrap();
    }
    // Counselor A may see every restricted row of A1: the report still
    // holds none of them.
    let spec = Spec::Student {
        student: "A1".into(),
        school: None,
    };
    let c = d.connect_as("counselor_a").await;
    let built = report::build(&c, &spec, today, &mut |_, _| {})
        .await
        .unwrap();
    for secret in ["SECRET", "777", "778", "went well"] {
        assert!(!built.html.contains(secret), "{secret} leaked");
    }
    let doc = parse(&built.html);
    assert!(doc.text.contains("Progress report: Kid A1"));
    assert!(doc.text.contains("Reading club (in progress)"));
    assert!(doc.text.contains("Started at 40 on"));
    assert!(doc.text.contains("Aiming for 60 by"));
    assert!(
        doc.text
            .contains("Too early to tell: 3 of the 4 measurements we need so far.")
    );
    let mut points = doc.charts.concat();
    points.sort();
    assert_eq!(points, ["42", "44", "46"]);
}

#[tokio::test]
async fn reports_are_written_listed_and_audited() {
    let d = District::new().await;
    let today = db_today(&d).await;
    let dir = tempfile::tempdir().unwrap();
    let c = d.connect_as("coord_x").await;
    let spec = Spec::Summary {
        by: GroupBy::School,
        school: Some("X".into()),
        counselor: None,
    };
    let opts = Options {
        dir: dir.path().to_path_buf(),
        today,
    };
    let w = report::run(&c, &spec, &opts, &mut |_, _| {}).await.unwrap();
    let again = report::run(&c, &spec, &opts, &mut |_, _| {}).await.unwrap();
    assert_ne!(w.html, again.html);
    let csv = std::fs::read_to_string(w.csv.as_ref().expect("a table")).unwrap();
    assert!(csv.starts_with("\u{feff}school,students,"));
    // A1 (two plans) and B1 (one): A2 has none.
    assert!(csv.contains("\r\nX,2,3,"), "{csv}");
    let listed = report::store::list(dir.path()).unwrap();
    assert_eq!(listed.len(), 2);
    assert!(listed.iter().all(|e| e.spec == spec));
    let n: i64 = d
        .admin
        .query_one(
            "SELECT count(*) FROM audit_events WHERE action = 'export' \
             AND table_name = 'report.summary' AND student_id IS NULL AND actor_id = $1",
            &[&d.id("coord_x")],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(n, 2);
}

#[tokio::test]
async fn unknown_schools_and_students_are_named() {
    let d = District::new().await;
    let c = d.connect_as("counselor_a").await;
    let today = db_today(&d).await;
    let e = report::build(
        &c,
        &Spec::Student {
            student: "B1".into(),
            school: None,
        },
        today,
        &mut |_, _| {},
    )
    .await
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "no student you can see has the local id \"B1\""
    );
    let e = report::build(
        &c,
        &Spec::Recap {
            school: "Q".into(),
            date: None,
            since: None,
            students: vec![],
        },
        today,
        &mut |_, _| {},
    )
    .await
    .unwrap_err();
    assert_eq!(e.to_string(), "no school has the local id \"Q\"");
}

/// A `Read Naturally` plan for `student` at school X: active from
/// `start`, `per_week` sessions of `minutes`, with `sessions` (day,
/// attendance, minutes) logged.
async fn reading_plan(
    d: &District,
    program: Uuid,
    student: &str,
    start: NaiveDate,
    per_week: i16,
    minutes: i16,
    sessions: &[(NaiveDate, &str, i16)],
) {
    let id: Uuid = d
        .admin
        .query_one(
            "INSERT INTO interventions (student_id, school_id, program_id, intervention_type, \
                 tier, status, owner_id, start_date, sessions_per_week, minutes_per_session) \
             SELECT id, school_id, $2, 'reading', 2, 'active', counselor_id, $3, $4, $5 \
             FROM students WHERE id = $1 RETURNING id",
            &[
                &d.students[student].id,
                &program,
                &start,
                &per_week,
                &minutes,
            ],
        )
        .await
        .unwrap()
        .get(0);
    for (on, attendance, minutes) in sessions {
        d.admin
            .execute(
                "INSERT INTO intervention_sessions (id, intervention_id, session_date, minutes, attendance) \
                 VALUES (gen_random_uuid(), $1, $2, $3, $4)",
                &[&id, on, minutes, attendance],
            )
            .await
            .unwrap();
    }
}

/// The fidelity report, run as a job by its author: numbers counted by
/// hand, per intervention and per program, the CSV beside the HTML, and
/// only what the author sees.
#[tokio::test]
async fn the_fidelity_job_counts_planned_delivered_and_missed_by_hand() {
    let d = District::new().await;
    let day = |m: u32, n: u32| NaiveDate::from_ymd_opt(2026, m, n).unwrap();
    let program: Uuid = d
        .admin
        .query_one(
            "INSERT INTO intervention_programs (name, intervention_type) \
             VALUES ('Read Naturally', 'reading') RETURNING id",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    // A2: three a week of 30 minutes from Monday 2 November. Over the two
    // weeks to Sunday 15 November: planned 3 + 3, delivered 2 + 1 (the
    // absence is no delivery; the 16th is outside), missed 1 + 2;
    // minutes 180 planned, 30 + 20 + 30 = 80 delivered.
    reading_plan(
        &d,
        program,
        "a2",
        day(11, 2),
        3,
        30,
        &[
            (day(11, 3), "present", 30),
            (day(11, 5), "present", 20),
            (day(11, 6), "student_absent", 0),
            (day(11, 10), "present", 30),
            (day(11, 16), "present", 30),
        ],
    )
    .await;
    // B1: two a week of 20 minutes from Monday 9 November: the second
    // week only, planned 2, delivered 1, missed 1; minutes 40 vs 30.
    reading_plan(
        &d,
        program,
        "b1",
        day(11, 9),
        2,
        20,
        &[(day(11, 10), "present", 30)],
    )
    .await;
    let dir = tempfile::tempdir().unwrap();
    let payload = |dir: &std::path::Path| {
        serde_json::json!({
            "spec": {"report": "fidelity", "school": "X", "from": day(11, 2), "to": day(11, 15)},
            "dir": dir,
            "today": day(12, 3),
        })
    };
    let result = d
        .author_job("coord_x", "report.fidelity", payload(dir.path()), false)
        .await
        .expect("the fidelity job");
    let html_path = std::path::PathBuf::from(result["file"].as_str().expect("the file"));
    assert_eq!(
        html_path.file_name().unwrap().to_string_lossy(),
        "fidelity-X-2026-11-02-to-2026-11-15.html"
    );
    let html = std::fs::read_to_string(&html_path).unwrap();
    assert_eq!(result["bytes"], html.len() as u64);
    assert_eq!(result["students"], 2);
    let doc = parse(&html);
    let row = |cells: &[&str]| cells.iter().map(|c| c.to_string()).collect::<Vec<_>>();
    assert_eq!(
        doc.tables["interventions"],
        [
            row(&[
                "student",
                "local_id",
                "intervention",
                "status",
                "per_week",
                "sessions_planned",
                "sessions_delivered",
                "sessions_missed",
                "minutes_planned",
                "minutes_delivered",
                "sessions_fidelity",
                "minutes_fidelity",
                "flag"
            ]),
            row(&[
                "Kid A2",
                "A2",
                "Read Naturally",
                "active",
                "3",
                "6.0",
                "3",
                "3.0",
                "180",
                "80",
                "50%",
                "44%",
                "below 80%"
            ]),
            row(&[
                "Kid B1",
                "B1",
                "Read Naturally",
                "active",
                "2",
                "2.0",
                "1",
                "1.0",
                "40",
                "30",
                "50%",
                "75%",
                "below 80%"
            ]),
        ]
    );
    assert_eq!(
        doc.tables["programs"][1..],
        [row(&[
            "Read Naturally",
            "2",
            "8.0",
            "4",
            "4.0",
            "220",
            "110",
            "50%",
            "50%",
            "below 80%"
        ])]
    );
    assert!(doc.text.contains("2 of 2 interventions flagged"));
    // The CSV holds the interventions' table, with the program.
    let csv = std::fs::read_to_string(result["csv"].as_str().expect("a csv")).unwrap();
    assert!(
        csv.contains("\"Kid B1\",\"B1\",\"Read Naturally\",\"Read Naturally\",\"active\",\"2\",\"2.0\",\"1\",\"1.0\",\"40\",\"30\",\"50%\",\"75%\",\"below 80%\"")
            || csv.contains("Kid B1,B1,Read Naturally,Read Naturally,active,2,2.0,1,1.0,40,30,50%,75%,below 80%"),
        "{csv}"
    );
    // Its audit event.
    let audited: i64 = d
        .admin
        .query_one(
            "SELECT count(*) FROM audit_events WHERE table_name = 'report.fidelity' \
             AND actor_id = $1 AND student_id IS NOT NULL",
            &[&d.id("coord_x")],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(audited, 2);

    // B1's counselor sees B1 only.
    let mine = tempfile::tempdir().unwrap();
    let result = d
        .author_job(
            "counselor_b",
            "report.fidelity",
            payload(mine.path()),
            false,
        )
        .await
        .expect("the fidelity job");
    let doc = parse(&std::fs::read_to_string(result["file"].as_str().unwrap()).unwrap());
    let students: Vec<&str> = doc.tables["interventions"][1..]
        .iter()
        .map(|r| r[1].as_str())
        .collect();
    assert_eq!(students, ["B1"]);
}

/// A report job checks for cancel between building and writing: cancelled,
/// it leaves no file; a payload naming another report fails at once.
#[tokio::test]
async fn a_cancelled_or_mismatched_report_job_writes_nothing() {
    let d = District::new().await;
    let dir = tempfile::tempdir().unwrap();
    let payload = serde_json::json!({
        "spec": {"report": "summary", "by": "school", "school": null, "counselor": null},
        "dir": dir.path(),
    });
    assert_eq!(
        d.author_job("coord_x", "report.summary", payload.clone(), true)
            .await,
        Err(caseload::jobs::JobError::Cancelled)
    );
    let wrong = d
        .author_job("coord_x", "report.recap", payload.clone(), false)
        .await;
    assert!(
        matches!(&wrong, Err(caseload::jobs::JobError::Fatal(m)) if m.contains("cannot write a report.summary")),
        "{wrong:?}"
    );
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    // Run as it should be: the summary's file, named in the result.
    let done = d
        .author_job("coord_x", "report.summary", payload, false)
        .await
        .expect("the summary job");
    let file = done["file"].as_str().unwrap();
    assert!(file.starts_with(&*dir.path().to_string_lossy()), "{done}");
    let doc = parse(&std::fs::read_to_string(file).unwrap());
    assert_eq!(doc.tables["summary"][1][0], "X");
    // An unknown school is the person's mistake: failed at once, in words.
    let bad = d
        .author_job(
            "coord_x",
            "report.fidelity",
            serde_json::json!({
                "spec": {"report": "fidelity", "school": "Q", "from": "2026-11-01", "to": "2026-11-30"},
                "dir": dir.path(),
            }),
            false,
        )
        .await;
    assert_eq!(
        bad,
        Err(caseload::jobs::JobError::Fatal(
            "no school has the local id \"Q\"".into()
        ))
    );
}
