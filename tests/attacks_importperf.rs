//! 0029 made three row-level checks cheaper for the OneRoster import (issue
//! 16). Each guarantee is attacked here as a person with plain SQL would:
//! the answers must be the ones the slower checks gave.

mod common;

use common::TestDb;
use common::roles::LoginRoles;
use tokio_postgres::Client;
use tokio_postgres::error::SqlState;

async fn schools(su: &Client) {
    su.batch_execute(
        "INSERT INTO schools (name, local_id, low_grade, high_grade) VALUES \
           ('Lincoln', 'L1', 'KG', '05'), ('Washington', 'W1', '06', '08')",
    )
    .await
    .expect("schools");
}

/// `name` gets a users row and a `key` grant, at school `school` (a local
/// id) or district-wide (None); returns their own connection.
async fn person(db: &TestDb, su: &Client, name: &str, key: &str, school: Option<&str>) -> Client {
    su.execute(
        "INSERT INTO users (username, display_name, email) \
         VALUES ($1, 'Someone', $1 || '@district.example.org')",
        &[&name],
    )
    .await
    .expect("users row");
    su.execute(
        "INSERT INTO user_roles (user_id, role_id, school_id) \
         SELECT u.id, r.id, (SELECT s.id FROM schools s WHERE s.local_id = $3) \
           FROM users u, roles r WHERE u.username = $1 AND r.key = $2",
        &[&name, &key, &school],
    )
    .await
    .expect("grant");
    common::connect(&LoginRoles::conninfo_as(&db.conninfo(), name)).await
}

/// As their counselor: what a counselor may see, so what they may write.
const ENROL: &str = "INSERT INTO students \
     (school_id, local_id, first_name, last_name, grade_level, counselor_id) \
     SELECT id, $2, 'Ana', 'Lopez', '03', caseload_current_user_id() \
       FROM schools WHERE local_id = $1";

/// The insert policy now asks "a grant for every school?" once per
/// statement: a counselor of one school still enrols only there, also in
/// a statement that mixes schools; a district-wide grant places anywhere.
#[tokio::test]
async fn placing_students_keeps_to_the_grant() {
    let su0 = common::connect(&common::admin_conninfo()).await;
    let counselor = LoginRoles::create(&su0, "caseload_counselor", 1).await;
    let coordinator = LoginRoles::create(&su0, "caseload_coordinator", 1).await;
    let db = TestDb::new().await;
    let su = db.admin().await;
    schools(&su).await;
    let c = person(&db, &su, &counselor.0[0], "counselor", Some("L1")).await;

    let anywhere: bool = c
        .query_one("SELECT caseload_may_place_anywhere()", &[])
        .await
        .expect("ask")
        .get(0);
    assert!(!anywhere, "a one-school counselor may not place anywhere");
    c.execute(ENROL, &[&"L1", &"A1"]).await.expect("own school");
    let e = c
        .execute(ENROL, &[&"W1", &"A2"])
        .await
        .expect_err("other school");
    assert_eq!(e.code(), Some(&SqlState::INSUFFICIENT_PRIVILEGE), "{e}");
    // One statement, one row per school: the whole statement is refused.
    let e = c
        .execute(
            "INSERT INTO students \
             (school_id, local_id, first_name, last_name, grade_level, counselor_id) \
             SELECT id, 'M-' || local_id, 'Ana', 'Lopez', '03', caseload_current_user_id() \
               FROM schools",
            &[],
        )
        .await
        .expect_err("mixed schools");
    assert_eq!(e.code(), Some(&SqlState::INSUFFICIENT_PRIVILEGE), "{e}");
    let n: i64 = su
        .query_one("SELECT count(*) FROM students", &[])
        .await
        .expect("count")
        .get(0);
    assert_eq!(n, 1, "only the own-school student was written");

    let d = person(&db, &su, &coordinator.0[0], "coordinator", None).await;
    let anywhere: bool = d
        .query_one("SELECT caseload_may_place_anywhere()", &[])
        .await
        .expect("ask")
        .get(0);
    assert!(anywhere, "a district coordinator places anywhere");
    d.execute(ENROL, &[&"W1", &"B1"])
        .await
        .expect("district-wide grant");
}

/// The function answers for the caller only, and a caller with no users
/// row, or a disabled one, gets no answer that admits anything.
#[tokio::test]
async fn may_place_anywhere_answers_for_the_caller_only() {
    let su0 = common::connect(&common::admin_conninfo()).await;
    let roles = LoginRoles::create(&su0, "caseload_coordinator", 1).await;
    let db = TestDb::new().await;
    let su = db.admin().await;
    schools(&su).await;
    // A disabled district-wide person: their grant no longer counts.
    let gone = person(&db, &su, &roles.0[0], "coordinator", None).await;
    su.execute(
        "UPDATE users SET is_active = false WHERE username = $1",
        &[&roles.0[0]],
    )
    .await
    .expect("disable");
    let anywhere: bool = gone
        .query_one("SELECT caseload_may_place_anywhere()", &[])
        .await
        .expect("ask")
        .get(0);
    assert!(!anywhere, "a disabled person's grant places nobody");
    let e = gone
        .execute(ENROL, &[&"L1", &"G1"])
        .await
        .expect_err("disabled");
    assert_eq!(e.code(), Some(&SqlState::INSUFFICIENT_PRIVILEGE), "{e}");
    // It takes no argument to probe someone else with, and only the
    // caseload groups may call it.
    let public: bool = su
        .query_one(
            "SELECT has_function_privilege('public', 'caseload_may_place_anywhere()', 'EXECUTE')",
            &[],
        )
        .await
        .expect("ask")
        .get(0);
    assert!(!public, "PUBLIC may not execute it");
}

/// caseload_current_user_id now finds the caller by the username index
/// (session_user compared in the default collation): still the caller,
/// as the actor stamp and the audit row show, and still nobody once
/// disabled.
#[tokio::test]
async fn actor_stamp_and_audit_name_the_caller() {
    let su0 = common::connect(&common::admin_conninfo()).await;
    let roles = LoginRoles::create(&su0, "caseload_admin", 1).await;
    let db = TestDb::new().await;
    let su = db.admin().await;
    schools(&su).await;
    // Others first, so a wrong match had somebody to find.
    su.batch_execute(
        "INSERT INTO users (username, display_name, email) \
         SELECT 'zz' || i, 'Other', 'zz' || i || '@district.example.org' \
           FROM generate_series(1, 50) i",
    )
    .await
    .expect("others");
    let a = person(&db, &su, &roles.0[0], "admin", None).await;
    let me: uuid::Uuid = su
        .query_one("SELECT id FROM users WHERE username = $1", &[&roles.0[0]])
        .await
        .expect("me")
        .get(0);
    let mine: Option<uuid::Uuid> = a
        .query_one("SELECT caseload_current_user_id()", &[])
        .await
        .expect("ask")
        .get(0);
    assert_eq!(mine, Some(me));
    // A spoofed created_by is overwritten, one row or many.
    a.execute(
        "INSERT INTO students (school_id, local_id, first_name, last_name, grade_level, created_by) \
         SELECT s.id, 'X' || g, 'Ana', 'Lopez', '03', (SELECT id FROM users WHERE username = 'zz1') \
           FROM schools s, generate_series(1, 3) g WHERE s.local_id = 'L1'",
        &[],
    )
    .await
    .expect("insert");
    let rows = su
        .query(
            "SELECT s.created_by, s.updated_by, e.actor_id FROM students s \
               JOIN audit_events e ON e.row_id = s.id AND e.action = 'insert' \
              WHERE e.table_name = 'students'",
            &[],
        )
        .await
        .expect("stamped");
    assert_eq!(rows.len(), 3);
    for r in rows {
        let (c, u, actor): (Option<uuid::Uuid>, Option<uuid::Uuid>, Option<uuid::Uuid>) =
            (r.get(0), r.get(1), r.get(2));
        assert_eq!((c, u, actor), (Some(me), Some(me), Some(me)));
    }
    su.execute(
        "UPDATE users SET is_active = false WHERE username = $1",
        &[&roles.0[0]],
    )
    .await
    .expect("disable");
    let mine: Option<uuid::Uuid> = a
        .query_one("SELECT caseload_current_user_id()", &[])
        .await
        .expect("ask")
        .get(0);
    assert_eq!(mine, None, "a disabled person is nobody");
}

/// A new school's time zone is checked once per statement now: one bad
/// zone among good ones refuses the whole insert, with the old message.
#[tokio::test]
async fn school_time_zones_are_still_checked_on_insert() {
    let db = TestDb::new().await;
    let su = db.admin().await;
    let e = su
        .batch_execute(
            "INSERT INTO schools (name, local_id, low_grade, high_grade, timezone) VALUES \
               ('A', 'A1', 'KG', '05', 'America/Chicago'), \
               ('B', 'B1', 'KG', '05', 'Mars/Olympus'), \
               ('C', 'C1', 'KG', '05', 'UTC')",
        )
        .await
        .expect_err("bad zone");
    let db_err = e.as_db_error().expect("a database error");
    assert_eq!(db_err.code(), &SqlState::CHECK_VIOLATION);
    assert_eq!(db_err.constraint(), Some("schools_timezone"));
    assert!(
        db_err
            .message()
            .contains("'Mars/Olympus' is not a time zone"),
        "{}",
        db_err.message()
    );
    let n: i64 = su
        .query_one("SELECT count(*) FROM schools", &[])
        .await
        .expect("count")
        .get(0);
    assert_eq!(n, 0, "nothing of the refused statement was written");
    su.batch_execute(
        "INSERT INTO schools (name, local_id, low_grade, high_grade, timezone) VALUES \
           ('A', 'A1', 'KG', '05', 'America/Chicago'), ('C', 'C1', 'KG', '05', 'UTC')",
    )
    .await
    .expect("good zones");
    // An update is checked row by row as before.
    let e = su
        .execute(
            "UPDATE schools SET timezone = 'Nowhere/Land' WHERE local_id = 'A1'",
            &[],
        )
        .await
        .expect_err("bad update");
    assert_eq!(e.code(), Some(&SqlState::CHECK_VIOLATION), "{e}");
}
