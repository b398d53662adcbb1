//! The session note editor's data layer against a real server, signed in as
//! real login roles so row-level security applies: a save is one row however
//! often it is retried (also after the server killed the connection
//! mid-save), two people editing one session never overwrite each other
//! silently, deletes are version-checked and take the scores along, only the
//! people who deliver or oversee an intervention may write its sessions, and
//! refusals come back in words.

mod common;

use caseload::db::interventions::WriteError;
use caseload::db::interventions::error::refusal_of;
use caseload::db::sessions::{
    SaveError, context, delete, is_transient, load, save, targets_for_student,
};
use caseload::demo::seed::DEMO_COUNSELOR;
use caseload::domain::enums::{FieldType, InterventionStatus};
use caseload::domain::kinds::Attendance;
use caseload::domain::refusal::Refusal;
use caseload::domain::session::{Score, SessionValues, SessionWrite};
use chrono::{NaiveDate, NaiveTime};
use common::TestDb;
use common::roles::LoginRoles;
use serde_json::json;
use std::time::{Duration, Instant};
use tokio_postgres::Client;
use uuid::Uuid;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 11).unwrap()
}

fn day(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, d).unwrap()
}

/// demo_login refreshes a cluster-wide role: one at a time in this binary.
static DEMO_LOGIN: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

struct Fx {
    // Dropped before the roles (fields drop in order), as roles.rs asks.
    db: TestDb,
    _roles: Vec<LoginRoles>,
    admin: Client,
    /// The demo counselor: the student's counselor.
    counselor_url: String,
    counselor_name: String,
    /// An interventionist who owns `iv` (no can_view_restricted).
    owner_url: String,
    /// A teacher on `iv`'s team who may not edit.
    teacher_url: String,
    /// A counselor at the same school who does not work with the student.
    stranger_url: String,
    student: Uuid,
    program: Uuid,
    /// Active, from `program`, 25 minutes a session.
    iv: Uuid,
    /// Active goals, in sort order (inserted the other way round).
    goals: [Uuid; 2],
    /// A goal already met: not offered for scoring.
    met_goal: Uuid,
}

/// A seeded person of `group` with their own login role; returns the
/// connection string and the users id.
async fn person(
    db: &TestDb,
    admin: &Client,
    roles: &mut Vec<LoginRoles>,
    group: &str,
    school: Uuid,
    name: &str,
) -> (String, Uuid) {
    let login = LoginRoles::create(admin, &format!("caseload_{group}"), 1).await;
    let role = login.0[0].clone();
    roles.push(login);
    let id: Uuid = admin
        .query_one(
            "WITH u AS (INSERT INTO users (username, display_name, email, home_school_id) \
                        VALUES ($1, $2, $1 || '@example.org', $3) RETURNING id) \
             INSERT INTO user_roles (user_id, role_id, school_id) \
             SELECT u.id, r.id, $3 FROM u, roles r WHERE r.key = $4 RETURNING user_id",
            &[&role, &name, &school, &group],
        )
        .await
        .expect("person")
        .get(0);
    (LoginRoles::conninfo_as(&db.conninfo(), &role), id)
}

async fn fixture() -> Fx {
    let (db, admin) = TestDb::seeded(40, 11, today()).await;
    let (counselor_url, _) = {
        let _one = DEMO_LOGIN.lock().await;
        db.demo_login(&admin, DEMO_COUNSELOR, "caseload_counselor")
            .await
    };
    let row = admin
        .query_one(
            "SELECT s.id, s.school_id, u.display_name FROM students s \
             JOIN users u ON u.id = s.counselor_id WHERE u.username = $1 ORDER BY s.id LIMIT 1",
            &[&DEMO_COUNSELOR],
        )
        .await
        .expect("a student of the demo counselor");
    let (student, school, counselor_name): (Uuid, Uuid, String) =
        (row.get(0), row.get(1), row.get(2));
    let program: Uuid = admin
        .query_one(
            "SELECT id FROM intervention_programs \
             WHERE is_active AND jsonb_array_length(session_fields) >= 2 ORDER BY name LIMIT 1",
            &[],
        )
        .await
        .expect("a program with session fields")
        .get(0);
    let mut roles = Vec::new();
    let (owner_url, owner) = person(
        &db,
        &admin,
        &mut roles,
        "interventionist",
        school,
        "Olu Owner",
    )
    .await;
    let (teacher_url, teacher) =
        person(&db, &admin, &mut roles, "teacher", school, "Tess Teacher").await;
    let (stranger_url, _) =
        person(&db, &admin, &mut roles, "counselor", school, "Sam Stranger").await;

    let iv = Uuid::new_v4();
    admin
        .execute(
            "INSERT INTO interventions (id, student_id, school_id, program_id, intervention_type, \
               tier, status, start_date, owner_id, sessions_per_week, minutes_per_session) \
             SELECT $1, s.id, s.school_id, p.id, p.intervention_type, 2, 'active', $4, $5, 3, 25 \
             FROM students s, intervention_programs p WHERE s.id = $2 AND p.id = $3",
            &[&iv, &student, &program, &day(2, 2), &owner],
        )
        .await
        .expect("intervention");
    admin
        .execute(
            "INSERT INTO intervention_team (intervention_id, user_id, role, can_edit) \
             VALUES ($1, $2, 'teacher', false)",
            &[&iv, &teacher],
        )
        .await
        .expect("read-only team member");
    let goal = |statement: &'static str, sort: i32, status: &'static str| {
        let admin = &admin;
        async move {
            admin
                .query_one(
                    "INSERT INTO intervention_goals (intervention_id, statement, measure, unit, \
                       sort_order, status) \
                     VALUES ($1, $2, 'words correct per minute', 'wcpm', $3, $4) RETURNING id",
                    &[&iv, &statement, &sort, &status],
                )
                .await
                .expect("goal")
                .get::<_, Uuid>(0)
        }
    };
    let second = goal("Reads 60 wcpm", 2, "active").await;
    let first = goal("Reads 40 wcpm", 1, "active").await;
    let met_goal = goal("Knows letter sounds", 0, "met").await;
    Fx {
        db,
        _roles: roles,
        admin,
        counselor_url,
        counselor_name,
        owner_url,
        teacher_url,
        stranger_url,
        student,
        program,
        iv,
        goals: [first, second],
        met_goal,
    }
}

impl Fx {
    async fn sessions_of(&self, iv: Uuid) -> i64 {
        self.admin
            .query_one(
                "SELECT count(*) FROM intervention_sessions WHERE intervention_id = $1",
                &[&iv],
            )
            .await
            .unwrap()
            .get(0)
    }

    /// (goal, value, measured_on) of the session's scores, as stored.
    async fn scores_of(&self, session: Uuid) -> Vec<(Uuid, f64, NaiveDate)> {
        self.admin
            .query(
                "SELECT goal_id, value::float8, measured_on FROM progress_measurements \
                 WHERE session_id = $1 ORDER BY goal_id",
                &[&session],
            )
            .await
            .unwrap()
            .iter()
            .map(|r| (r.get(0), r.get(1), r.get(2)))
            .collect()
    }

    fn write(&self, base_version: Option<i32>, values: SessionValues) -> SessionWrite {
        SessionWrite {
            id: Uuid::new_v4(),
            intervention_id: self.iv,
            base_version,
            values,
        }
    }

    /// A present session on `on` scoring both active goals.
    fn values(&self, on: NaiveDate, first: f64, second: f64) -> SessionValues {
        SessionValues {
            session_date: on,
            start_time: NaiveTime::from_hms_opt(10, 15, 0),
            minutes: 25,
            attendance: Attendance::Present,
            fidelity: Some(90),
            note: Some("Two passages; fluent on the second. Ünïcödé ok.".into()),
            field_values: json!({"passages": 2, "strategy": "echo reading"}),
            is_restricted: false,
            scores: sorted(vec![
                Score {
                    goal_id: self.goals[0],
                    value: first,
                },
                Score {
                    goal_id: self.goals[1],
                    value: second,
                },
            ]),
        }
    }
}

fn sorted(mut scores: Vec<Score>) -> Vec<Score> {
    scores.sort_by_key(|s| s.goal_id);
    scores
}

fn refusal(r: Result<impl std::fmt::Debug, SaveError>) -> Refusal {
    match r {
        Err(WriteError::Refused(r)) => r,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[tokio::test]
async fn a_retried_new_save_is_one_row_with_its_scores_once() {
    let fx = fixture().await;
    let mut c = common::connect(&fx.counselor_url).await;
    let w = fx.write(None, fx.values(day(3, 9), 31.0, 0.1 + 0.2));
    assert_eq!(save(&mut c, &w).await.expect("first save"), 1);
    // The answer was lost; the outbox sends the same write again.
    assert_eq!(save(&mut c, &w).await.expect("retry"), 1);
    assert_eq!(save(&mut c, &w).await.expect("and again"), 1);
    assert_eq!(fx.sessions_of(fx.iv).await, 1);
    let scores = fx.scores_of(w.id).await;
    assert_eq!(scores.len(), 2, "one score per goal, not one per attempt");
    for s in &w.values.scores {
        let (_, v, on) = scores.iter().find(|x| x.0 == s.goal_id).expect("scored");
        assert!((v - s.value).abs() < 1e-9, "{v} vs {}", s.value);
        assert_eq!(*on, day(3, 9), "measured on the session's date");
    }
    let stored = load(&c, w.id).await.unwrap().expect("visible");
    assert_eq!(stored.version, 1);
    assert_eq!(stored.values.note, w.values.note);
    assert_eq!(stored.values.field_values, w.values.field_values);
    assert_eq!(stored.updated_by_name.as_deref(), Some(&*fx.counselor_name));
    let delivered_by: String = fx
        .admin
        .query_one(
            "SELECT u.username FROM intervention_sessions se JOIN users u ON u.id = se.delivered_by \
             WHERE se.id = $1",
            &[&w.id],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(delivered_by, DEMO_COUNSELOR);

    // The same id with other values is not a retry: the row is not touched.
    let mut other = w.clone();
    other.values.minutes = 10;
    match save(&mut c, &other).await {
        Err(WriteError::Conflict { current }) => assert_eq!(current.values.minutes, 25),
        r => panic!("expected a conflict, got {r:?}"),
    }
}

#[tokio::test]
async fn a_save_killed_by_the_server_is_transient_and_its_retry_lands_once() {
    let fx = fixture().await;
    let w = fx.write(None, fx.values(day(3, 10), 33.0, 41.0));
    // Hold the table so the save blocks inside its transaction.
    let locker = fx.db.admin().await;
    locker
        .batch_execute("BEGIN; LOCK TABLE intervention_sessions IN ACCESS EXCLUSIVE MODE")
        .await
        .unwrap();
    let mut c = common::connect(&fx.counselor_url).await;
    let sent = w.clone();
    let pending = tokio::spawn(async move { save(&mut c, &sent).await });
    let started = Instant::now();
    let pid: i32 = loop {
        let row = fx
            .admin
            .query_opt(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() \
                 AND usename = $1 AND wait_event_type = 'Lock'",
                &[&DEMO_COUNSELOR],
            )
            .await
            .unwrap();
        if let Some(r) = row {
            break r.get(0);
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the save never blocked"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let killed: bool = fx
        .admin
        .query_one("SELECT pg_terminate_backend($1)", &[&pid])
        .await
        .unwrap()
        .get(0);
    assert!(killed);
    locker.batch_execute("ROLLBACK").await.unwrap();
    let result = tokio::time::timeout(Duration::from_secs(20), pending)
        .await
        .expect("the save returns")
        .unwrap();
    match &result {
        Err(WriteError::Db(e)) => assert!(is_transient(e), "not transient: {e:?}"),
        other => panic!("expected a database error, got {other:?}"),
    }
    assert_eq!(fx.sessions_of(fx.iv).await, 0, "nothing committed");

    // The outbox retries on a new connection.
    let mut c = common::connect(&fx.counselor_url).await;
    assert_eq!(save(&mut c, &w).await.expect("retry"), 1);
    assert_eq!(fx.sessions_of(fx.iv).await, 1);
    assert_eq!(fx.scores_of(w.id).await.len(), 2);

    // An edit whose commit went through but whose answer was lost: the
    // retry from the old version finds its own values and succeeds.
    let mut edit = w.clone();
    edit.base_version = Some(1);
    edit.values.note = Some("Corrected: three passages.".into());
    edit.values.scores.retain(|s| s.goal_id == fx.goals[0]);
    assert_eq!(save(&mut c, &edit).await.expect("edit"), 2);
    assert_eq!(save(&mut c, &edit).await.expect("retried edit"), 2);
    assert_eq!(fx.sessions_of(fx.iv).await, 1);
    let scores = fx.scores_of(w.id).await;
    assert_eq!(
        scores.iter().map(|s| s.0).collect::<Vec<_>>(),
        [fx.goals[0]],
        "the unscored goal's data point is gone"
    );
}

#[tokio::test]
async fn transient_is_about_the_connection_not_the_rules() {
    let fx = fixture().await;
    let c = common::connect(&fx.counselor_url).await;
    let e = c
        .execute(
            "INSERT INTO intervention_sessions (id, intervention_id, session_date, minutes, \
               attendance) VALUES (gen_random_uuid(), $1, current_date, 700, 'present')",
            &[&fx.iv],
        )
        .await
        .expect_err("minutes out of range");
    assert!(!is_transient(&e));
    assert_eq!(refusal_of(&e), Some(Refusal::SessionMinutes));
    let e = common::connect(&fx.teacher_url)
        .await
        .execute(
            "INSERT INTO intervention_sessions (id, intervention_id, session_date, minutes, \
               attendance) VALUES (gen_random_uuid(), $1, current_date, 20, 'present')",
            &[&fx.iv],
        )
        .await
        .expect_err("the database refuses a read-only team member");
    assert!(!is_transient(&e));
    assert_eq!(refusal_of(&e), Some(Refusal::MayNotLogSessions));
    // A connection that is gone.
    let dead = common::connect(&fx.counselor_url).await;
    let pid: i32 = dead
        .query_one("SELECT pg_backend_pid()", &[])
        .await
        .unwrap()
        .get(0);
    fx.admin
        .execute("SELECT pg_terminate_backend($1)", &[&pid])
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    let e = dead.query("SELECT 1", &[]).await.expect_err("closed");
    assert!(is_transient(&e), "{e:?}");
    // Nobody listening at all.
    let e = tokio_postgres::connect("host=127.0.0.1 port=1 user=x", tokio_postgres::NoTls)
        .await
        .err()
        .expect("nothing listens on port 1");
    assert!(is_transient(&e), "{e:?}");
}

#[tokio::test]
async fn two_people_editing_one_session_never_overwrite_each_other() {
    let fx = fixture().await;
    let mut counselor = common::connect(&fx.counselor_url).await;
    let mut owner = common::connect(&fx.owner_url).await;
    let w = fx.write(None, fx.values(day(3, 9), 30.0, 40.0));
    save(&mut owner, &w).await.expect("logged by the owner");

    let mut mine = w.clone();
    mine.base_version = Some(1);
    mine.values.note = Some("Counselor's correction".into());
    mine.values.session_date = day(3, 6);
    let mut theirs = w.clone();
    theirs.base_version = Some(1);
    theirs.values.note = Some("Owner's correction".into());
    assert_eq!(save(&mut counselor, &mine).await.expect("first edit"), 2);
    match save(&mut owner, &theirs).await {
        Err(WriteError::Conflict { current }) => {
            assert_eq!(current.version, 2);
            assert_eq!(current.values.note, mine.values.note);
            assert_eq!(current.values.session_date, day(3, 6));
            assert_eq!(
                current.updated_by_name.as_deref(),
                Some(&*fx.counselor_name)
            );
        }
        r => panic!("expected a conflict, got {r:?}"),
    }
    let now = load(&owner, w.id).await.unwrap().unwrap();
    assert_eq!(now.values.note, mine.values.note, "the first edit stands");
    assert!(
        fx.scores_of(w.id).await.iter().all(|s| s.2 == day(3, 6)),
        "scores follow the session's date"
    );
    // Seen the conflict, the owner saves on top of it.
    theirs.base_version = Some(now.version);
    assert_eq!(save(&mut owner, &theirs).await.expect("rebased"), 3);
}

#[tokio::test]
async fn delete_is_version_checked_and_takes_the_scores() {
    let fx = fixture().await;
    let mut c = common::connect(&fx.counselor_url).await;
    let w = fx.write(None, fx.values(day(3, 9), 30.0, 40.0));
    save(&mut c, &w).await.unwrap();
    let mut edit = w.clone();
    edit.base_version = Some(1);
    edit.values.minutes = 20;
    assert_eq!(save(&mut c, &edit).await.unwrap(), 2);

    match delete(&mut c, w.id, 1).await {
        Err(WriteError::Conflict { current }) => assert_eq!(current.values.minutes, 20),
        r => panic!("expected a conflict, got {r:?}"),
    }
    assert!(load(&c, w.id).await.unwrap().is_some(), "still there");
    assert_eq!(fx.scores_of(w.id).await.len(), 2, "scores kept");

    delete(&mut c, w.id, 2).await.expect("delete");
    assert!(load(&c, w.id).await.unwrap().is_none());
    assert_eq!(fx.sessions_of(fx.iv).await, 0);
    let points: i64 = fx
        .admin
        .query_one(
            "SELECT count(*) FROM progress_measurements WHERE goal_id = ANY($1)",
            &[&fx.goals.to_vec()],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(points, 0, "no orphaned data points left on the chart");
    assert!(matches!(
        delete(&mut c, w.id, 2).await,
        Err(WriteError::NotFound)
    ));
}

#[tokio::test]
async fn only_people_who_deliver_or_oversee_may_write() {
    let fx = fixture().await;
    let mut teacher = common::connect(&fx.teacher_url).await;
    let mut stranger = common::connect(&fx.stranger_url).await;
    let mut owner = common::connect(&fx.owner_url).await;
    let mut counselor = common::connect(&fx.counselor_url).await;

    // A read-only team member sees the intervention but may not log.
    let w = fx.write(None, fx.values(day(3, 9), 30.0, 40.0));
    let r = refusal(save(&mut teacher, &w).await);
    assert_eq!(r, Refusal::MayNotLogSessions);
    assert_eq!(
        r.to_string(),
        "you may not log or change sessions of this intervention"
    );
    assert_eq!(fx.sessions_of(fx.iv).await, 0);

    // Nor change or delete one someone else logged.
    save(&mut owner, &w).await.expect("the owner may");
    let mut edit = w.clone();
    edit.base_version = Some(1);
    edit.values.note = Some("teacher was here".into());
    assert_eq!(
        refusal(save(&mut teacher, &edit).await),
        Refusal::MayNotLogSessions
    );
    assert_eq!(
        refusal(delete(&mut teacher, w.id, 1).await),
        Refusal::MayNotLogSessions
    );
    let now = load(&teacher, w.id).await.unwrap().expect("still visible");
    assert_eq!((now.version, now.values.note), (1, w.values.note.clone()));

    // Given the right to edit, the same teacher may.
    fx.admin
        .execute(
            "UPDATE intervention_team SET can_edit = true WHERE intervention_id = $1 \
             AND role = 'teacher'",
            &[&fx.iv],
        )
        .await
        .unwrap();
    assert_eq!(save(&mut teacher, &edit).await.expect("may edit now"), 2);

    // A counselor who does not work with the student cannot see it at all.
    let w2 = fx.write(None, fx.values(day(3, 10), 1.0, 2.0));
    assert!(matches!(
        save(&mut stranger, &w2).await,
        Err(WriteError::NotFound)
    ));
    assert!(matches!(
        delete(&mut stranger, w.id, 2).await,
        Err(WriteError::NotFound)
    ));
    assert!(context(&stranger, fx.iv).await.unwrap().is_none());
    assert_eq!(fx.sessions_of(fx.iv).await, 1, "nothing written");

    // Restricting a session needs can_view_restricted: the interventionist
    // owner lacks it, the counselor has it.
    let mut secret = fx.write(None, fx.values(day(3, 10), 1.0, 2.0));
    secret.values.is_restricted = true;
    let r = refusal(save(&mut owner, &secret).await);
    assert_eq!(r, Refusal::RestrictNotAllowed);
    assert!(r.to_string().contains("restricted"), "{r}");
    assert_eq!(fx.sessions_of(fx.iv).await, 1);
    // The database says the same past the check.
    let e = owner
        .execute(
            "INSERT INTO intervention_sessions (id, intervention_id, session_date, minutes, \
               attendance, is_restricted) \
             VALUES (gen_random_uuid(), $1, current_date, 20, 'present', true)",
            &[&fx.iv],
        )
        .await
        .expect_err("restricted");
    assert_eq!(refusal_of(&e), Some(Refusal::RestrictNotAllowed));
    assert_eq!(save(&mut counselor, &secret).await.expect("counselor"), 1);
}

#[tokio::test]
async fn rule_breaking_saves_are_refused_in_words() {
    let fx = fixture().await;
    let mut c = common::connect(&fx.counselor_url).await;
    type Breaks = fn(&mut SessionValues);
    let cases: [(&str, Breaks); 5] = [
        ("minutes must be between 0 and 600", |v| v.minutes = 700),
        (
            "a session the student did not attend (absent, staff absent, cancelled) has 0 minutes",
            |v| {
                v.attendance = Attendance::StudentAbsent;
                v.minutes = 20;
            },
        ),
        ("fidelity must be between 0 and 100", |v| {
            v.fidelity = Some(150)
        }),
        ("the note is too long: at most 100,000 characters", |v| {
            v.note = Some("é".repeat(100_001))
        }),
        ("session field values must be a JSON object", |v| {
            v.field_values = json!([1, 2])
        }),
    ];
    for (message, break_it) in cases {
        let mut w = fx.write(None, fx.values(day(3, 9), 30.0, 40.0));
        break_it(&mut w.values);
        let r = refusal(save(&mut c, &w).await);
        assert_eq!(r.to_string(), message);
    }
    // A score for a goal of another intervention.
    let mut w = fx.write(None, fx.values(day(3, 9), 30.0, 40.0));
    let foreign: Uuid = fx
        .admin
        .query_one(
            "SELECT id FROM intervention_goals WHERE intervention_id <> $1 LIMIT 1",
            &[&fx.iv],
        )
        .await
        .unwrap()
        .get(0);
    w.values.scores = vec![Score {
        goal_id: foreign,
        value: 3.0,
    }];
    assert_eq!(refusal(save(&mut c, &w).await), Refusal::ScoreForOtherGoal);
    assert_eq!(fx.sessions_of(fx.iv).await, 0, "nothing written");
    // Exactly 100,000 characters is fine (characters, not bytes).
    let mut w = fx.write(None, fx.values(day(3, 9), 30.0, 40.0));
    w.values.note = Some("é".repeat(100_000));
    save(&mut c, &w).await.expect("at the limit");
}

#[tokio::test]
async fn context_has_what_the_editor_opens_with() {
    let fx = fixture().await;
    let counselor = common::connect(&fx.counselor_url).await;
    let owner = common::connect(&fx.owner_url).await;
    let teacher = common::connect(&fx.teacher_url).await;

    let none = context(&counselor, fx.iv).await.unwrap().unwrap();
    assert_eq!(none.last_field_values, json!({}), "no session yet");

    // Earlier sessions: the latest by date, then by time (untimed last).
    for (date, time, values) in [
        (day(3, 2), Some((9, 0)), json!({"passages": 1})),
        (day(3, 4), None, json!({"passages": 5})),
        (
            day(3, 4),
            Some((9, 0)),
            json!({"passages": 3, "strategy": "choral"}),
        ),
        // The latest of all recorded no program fields (as an absence would):
        // prefill skips it.
        (day(3, 5), None, json!({})),
    ] {
        fx.admin
            .execute(
                "INSERT INTO intervention_sessions (id, intervention_id, session_date, start_time, \
                   minutes, attendance, field_values) VALUES ($1, $2, $3, $4, 20, 'present', $5)",
                &[
                    &Uuid::new_v4(),
                    &fx.iv,
                    &date,
                    &time.and_then(|(h, m)| NaiveTime::from_hms_opt(h, m, 0)),
                    &values,
                ],
            )
            .await
            .unwrap();
    }
    fx.admin
        .execute(
            "UPDATE intervention_goals SET target_value = 40 WHERE id = $1",
            &[&fx.goals[0]],
        )
        .await
        .unwrap();
    let cx = context(&counselor, fx.iv).await.unwrap().expect("visible");
    assert_eq!(cx.intervention_id, fx.iv);
    assert_eq!(cx.student_id, fx.student);
    assert_eq!(cx.status, InterventionStatus::Active);
    assert_eq!(cx.planned_minutes, 25);
    assert_eq!(
        cx.last_field_values,
        json!({"passages": 3, "strategy": "choral"})
    );
    assert_eq!(cx.last_session_date, Some(day(3, 4)), "for the ↺ marker");
    let (name, program, fields): (String, String, serde_json::Value) = {
        let r = fx
            .admin
            .query_one(
                "SELECT s.last_name || ', ' || COALESCE(NULLIF(btrim(s.preferred_name), ''), \
                   s.first_name), p.name, p.session_fields \
                 FROM students s, intervention_programs p WHERE s.id = $1 AND p.id = $2",
                &[&fx.student, &fx.program],
            )
            .await
            .unwrap();
        (r.get(0), r.get(1), r.get(2))
    };
    assert_eq!(cx.student_name, name);
    assert!(cx.student_name.contains(", "));
    assert_eq!(cx.intervention_name, program);
    let keys: Vec<&str> = fields
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["key"].as_str().unwrap())
        .collect();
    assert_eq!(
        cx.fields.iter().map(|f| f.key.as_str()).collect::<Vec<_>>(),
        keys,
        "the program's fields, in order"
    );
    for (f, raw) in cx.fields.iter().zip(fields.as_array().unwrap()) {
        assert_eq!(f.label, raw["label"].as_str().unwrap());
        assert_eq!(
            f.field_type.to_string(),
            raw["field_type"].as_str().unwrap()
        );
        assert_eq!(f.required, raw["required"].as_bool().unwrap());
        assert_eq!(f.carry, raw["carry_over"].as_bool().unwrap_or(false));
        if matches!(
            f.field_type,
            FieldType::SingleSelect | FieldType::MultiSelect
        ) {
            assert!(!f.options.is_empty(), "{f:?}");
        }
    }
    assert_eq!(
        cx.goals.iter().map(|g| g.id).collect::<Vec<_>>(),
        fx.goals,
        "active goals in sort order, the met one left out"
    );
    assert!(!cx.goals.iter().any(|g| g.id == fx.met_goal));
    assert_eq!(cx.goals[0].statement, "Reads 40 wcpm");
    assert_eq!(cx.goals[0].unit.as_deref(), Some("wcpm"));
    assert_eq!(
        cx.goals[0].target,
        Some(40.0),
        "what tells it from the other"
    );
    assert_eq!(cx.goals[1].target, None);
    assert!(cx.can_restrict && cx.may_write, "the student's counselor");

    let cx = context(&owner, fx.iv).await.unwrap().unwrap();
    assert!(
        cx.may_write && !cx.can_restrict,
        "the interventionist owner"
    );
    let cx = context(&teacher, fx.iv).await.unwrap().unwrap();
    assert!(!cx.may_write, "a read-only team member");

    // A custom plan without minutes: the setting, else 30.
    let custom = Uuid::new_v4();
    fx.admin
        .execute(
            "INSERT INTO interventions (id, student_id, school_id, custom_name, \
               intervention_type, tier, status, start_date) \
             SELECT $1, id, school_id, 'Lunch bunch', 'social_emotional', 2, 'paused', $3 \
             FROM students WHERE id = $2",
            &[&custom, &fx.student, &day(1, 5)],
        )
        .await
        .unwrap();
    fx.admin
        .execute(
            "UPDATE settings SET value = '35' WHERE key = 'default_session_minutes' \
             AND scope = 'system'",
            &[],
        )
        .await
        .unwrap();
    let cx = context(&counselor, custom).await.unwrap().unwrap();
    assert_eq!(
        (cx.intervention_name.as_str(), cx.planned_minutes),
        ("Lunch bunch", 35)
    );
    assert!(cx.fields.is_empty() && cx.goals.is_empty());
    fx.admin
        .execute(
            "DELETE FROM settings WHERE key = 'default_session_minutes'",
            &[],
        )
        .await
        .unwrap();
    let cx = context(&counselor, custom).await.unwrap().unwrap();
    assert_eq!(cx.planned_minutes, 30);

    // Which interventions a session can be logged for: open ones, by name.
    let planned = Uuid::new_v4();
    fx.admin
        .execute(
            "INSERT INTO interventions (id, student_id, school_id, custom_name, \
               intervention_type, tier, status) \
             SELECT $1, id, school_id, 'Not started', 'math', 2, 'planned' \
             FROM students WHERE id = $2",
            &[&planned, &fx.student],
        )
        .await
        .unwrap();
    let targets = targets_for_student(&counselor, fx.student).await.unwrap();
    let ids: Vec<Uuid> = targets.iter().map(|t| t.intervention_id).collect();
    assert!(ids.contains(&fx.iv) && ids.contains(&custom), "{targets:?}");
    assert!(!ids.contains(&planned), "a planned one has no sessions yet");
    assert!(targets.iter().all(|t| matches!(
        t.status,
        InterventionStatus::Active | InterventionStatus::Paused | InterventionStatus::ReviewDue
    )));
    assert!(
        targets_for_student(&common::connect(&fx.stranger_url).await, fx.student)
            .await
            .unwrap()
            .is_empty()
    );
}

/// A database migrated before 0011 may hold two scores of one goal in one
/// session; the migration keeps the newest and then refuses a second one.
#[tokio::test]
async fn migrating_keeps_the_newest_of_duplicate_scores() {
    use caseload::db::migrate;
    let db = TestDb::empty().await;
    let mut c = db.admin().await;
    let all = migrate::embedded();
    let at = all
        .iter()
        .position(|m| m.name == "0011_sessions.sql")
        .expect("0011");
    migrate::run(&mut c, &all[..at]).await.expect("up to 0010");
    let row = c
        .query_one(
            "WITH sc AS (INSERT INTO schools (name, local_id, low_grade, high_grade) \
                         VALUES ('X', 'X', 'KG', '05') RETURNING id), \
                  st AS (INSERT INTO students (school_id, local_id, first_name, last_name, grade_level) \
                         SELECT id, 'S1', 'Kid', 'One', '03' FROM sc RETURNING id, school_id), \
                  i AS (INSERT INTO interventions (student_id, school_id, custom_name, intervention_type, tier) \
                        SELECT id, school_id, 'Reading', 'reading', 2 FROM st RETURNING id), \
                  g AS (INSERT INTO intervention_goals (intervention_id, statement, measure) \
                        SELECT id, 'Read', 'wcpm' FROM i RETURNING id), \
                  se AS (INSERT INTO intervention_sessions (id, intervention_id, session_date, minutes, attendance) \
                         SELECT gen_random_uuid(), id, DATE '2026-03-02', 20, 'present' FROM i RETURNING id) \
             SELECT g.id, se.id FROM g, se",
            &[],
        )
        .await
        .expect("a session");
    let (goal, session): (Uuid, Uuid) = (row.get(0), row.get(1));
    for (value, created) in [
        (10, "2026-03-02 10:00"),
        (12, "2026-03-02 11:00"),
        (11, "2026-03-02 09:00"),
    ] {
        c.execute(
            "INSERT INTO progress_measurements (goal_id, session_id, measured_on, value, created_at) \
             VALUES ($1, $2, DATE '2026-03-02', $3::int, $4::text::timestamptz)",
            &[&goal, &session, &value, &created],
        )
        .await
        .expect("duplicate score");
    }
    // And a screening point without a session, which is no duplicate.
    for _ in 0..2 {
        c.execute(
            "INSERT INTO progress_measurements (goal_id, measured_on, value) \
             VALUES ($1, DATE '2026-03-01', 5)",
            &[&goal],
        )
        .await
        .unwrap();
    }
    migrate::run(&mut c, &all)
        .await
        .expect("0011 over duplicates");
    let left: Vec<(Option<Uuid>, f64)> = c
        .query(
            "SELECT session_id, value::float8 FROM progress_measurements \
             ORDER BY session_id NULLS FIRST, value",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    assert_eq!(
        left,
        [(None, 5.0), (None, 5.0), (Some(session), 12.0)],
        "the newest score stays"
    );
    let e = c
        .execute(
            "INSERT INTO progress_measurements (goal_id, session_id, measured_on, value) \
             VALUES ($1, $2, DATE '2026-03-02', 1)",
            &[&goal, &session],
        )
        .await
        .expect_err("a second score of the goal in that session");
    assert_eq!(refusal_of(&e), Some(Refusal::GoalScoredTwice));
}

/// Item 5 of #13: caseload opens no new session for a completed
/// intervention and says its saved sessions can still be corrected. That
/// is what the database allows: `caseload_may_log_session` asks who, not
/// when, so a correction of a closed intervention's session saves.
#[tokio::test]
async fn a_closed_interventions_saved_sessions_stay_correctable() {
    let fx = fixture().await;
    let mut c = common::connect(&fx.counselor_url).await;
    let w = fx.write(None, fx.values(day(3, 9), 30.0, 40.0));
    save(&mut c, &w).await.expect("logged while active");
    fx.admin
        .execute(
            "UPDATE interventions SET status = 'completed', outcome = 'goal_met' WHERE id = $1",
            &[&fx.iv],
        )
        .await
        .expect("completed");
    let cx = context(&c, fx.iv).await.unwrap().expect("visible");
    assert_eq!(cx.status, InterventionStatus::Completed);
    assert!(
        caseload::domain::session::no_new_session(cx.status).is_some(),
        "the editor refuses a new one"
    );
    let mut fix = w.clone();
    fix.base_version = Some(1);
    fix.values.note = Some("Corrected after the intervention closed.".into());
    assert_eq!(save(&mut c, &fix).await.expect("a correction saves"), 2);
}
