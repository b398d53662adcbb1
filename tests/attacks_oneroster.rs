//! The import as a counselor or coordinator with plain SQL would try it:
//! the database, not the client, refuses. Each attack is kept as a test.

mod common;

use caseload::oneroster::report::Mode;
use caseload::oneroster::{self, Options, Quiet, stage};
use common::TestDb;
use common::roles::LoginRoles;
use tokio_postgres::Client;

/// `group`'s login with a users row and a `role` grant at Lincoln.
async fn person(db: &TestDb, su: &Client, roles: &LoginRoles, group_key: &str) -> Client {
    let name = &roles.0[0];
    su.execute(
        "INSERT INTO users (username, display_name, email) VALUES ($1, 'Someone', $1 || '@district.example.org')",
        &[name],
    )
    .await
    .expect("users row");
    su.execute(
        "INSERT INTO user_roles (user_id, role_id, school_id) \
         SELECT u.id, r.id, s.id FROM users u, roles r, schools s \
          WHERE u.username = $1 AND r.key = $2 AND s.local_id = 'L1'",
        &[name, &group_key],
    )
    .await
    .expect("grant");
    common::connect(&LoginRoles::conninfo_as(&db.conninfo(), name)).await
}

async fn district(su: &Client) {
    su.batch_execute(
        "INSERT INTO schools (name, local_id, low_grade, high_grade, sourced_id) \
           VALUES ('Lincoln', 'L1', 'KG', '05', 'org-l1'); \
         INSERT INTO students (school_id, local_id, sourced_id, first_name, last_name, grade_level) \
         SELECT id, 'S1', 'stu-1', 'Ana', 'Lopez', '03' FROM schools;",
    )
    .await
    .expect("district");
}

fn denied(e: &tokio_postgres::Error) -> bool {
    e.code() == Some(&tokio_postgres::error::SqlState::INSUFFICIENT_PRIVILEGE)
}

async fn attacks_as(group: &str, key: &str) {
    let roles =
        LoginRoles::create(&common::connect(&common::admin_conninfo()).await, group, 1).await;
    let db = TestDb::new().await;
    let su = db.admin().await;
    district(&su).await;
    let mut c = person(&db, &su, &roles, key).await;

    // The command says no in words.
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(
        dir.path().join("users.csv"),
        "sourcedId,enabledUser,orgSourcedIds,role,username,givenName,familyName,grades\n\
         stu-1,true,org-l1,student,,Mallory,Lopez,03\n",
    )
    .expect("users");
    let e = oneroster::run(
        &mut c,
        dir.path(),
        Options {
            mode: Mode::Import,
            logins: false,
        },
        &mut Quiet,
    )
    .await
    .expect_err("not an admin");
    assert!(
        e.to_string().contains("importing a roster is for admins"),
        "{e}"
    );

    // The import's own statements, sent by hand, are refused by the server:
    // its first statement (the lock) …
    let e = c.batch_execute(stage::BEGIN).await.expect_err("lock");
    assert!(denied(&e), "{}", common::db_message(&e));
    // … the staging tables, by INSERT, and reading them …
    for sql in [
        "INSERT INTO oneroster_users (line, sourced_id, is_student, enabled, given, family) \
         VALUES (2, 'stu-1', true, true, 'Mallory', 'Lopez')",
        "SELECT count(*) FROM oneroster_report",
        "DELETE FROM oneroster_orgs",
    ] {
        let e = c.batch_execute(sql).await.expect_err(sql);
        assert!(denied(&e), "{sql}: {}", common::db_message(&e));
    }
    // … and the whole write phase, staging or not.
    let e = c.batch_execute(stage::APPLY).await.expect_err("apply");
    assert!(denied(&e), "{}", common::db_message(&e));

    // sourced_id decides which student the next import rewrites: a student's
    // own counselor or coordinator cannot set it, on an insert or an update.
    let e = c
        .execute(
            "UPDATE students SET sourced_id = 'stu-2' WHERE local_id = 'S1'",
            &[],
        )
        .await
        .expect_err("update sourced_id");
    assert!(denied(&e), "{}", common::db_message(&e));
    let e = c
        .execute(
            "INSERT INTO students (school_id, local_id, sourced_id, first_name, last_name, grade_level) \
             SELECT id, 'S9', 'stu-9', 'Eve', 'Evil', '03' FROM schools",
            &[],
        )
        .await
        .expect_err("insert sourced_id");
    assert!(denied(&e), "{}", common::db_message(&e));
    // Nor a school's or a person's.
    for sql in [
        "UPDATE schools SET sourced_id = 'x'",
        "UPDATE users SET sourced_id = 'x' WHERE username = current_user",
    ] {
        let e = c.execute(sql, &[]).await.expect_err(sql);
        assert!(denied(&e), "{sql}: {}", common::db_message(&e));
    }
    let stored: String = su
        .query_one("SELECT first_name || ' ' || sourced_id FROM students", &[])
        .await
        .expect("student")
        .get(0);
    assert_eq!(stored, "Ana stu-1");
    // COPY, the import's way in (last: a refused COPY leaves this
    // client's connection unusable).
    let e = c
        .copy_in::<_, bytes::Bytes>(
            "COPY oneroster_orgs (line, sourced_id, name, local_id) FROM STDIN",
        )
        .await
        .err()
        .expect("copy refused");
    assert!(denied(&e), "{}", common::db_message(&e));
}

#[tokio::test]
async fn a_counselor_cannot_import_or_claim_sourced_ids() {
    attacks_as("caseload_counselor", "counselor").await;
}

#[tokio::test]
async fn a_coordinator_cannot_import_or_claim_sourced_ids() {
    attacks_as("caseload_coordinator", "coordinator").await;
}
