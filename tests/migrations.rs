//! The migration runner against a real server.

mod common;

use caseload::db::migrate::{self, MigrateError, Migration, State};
use common::TestDb;

async fn succeeded_rows(c: &tokio_postgres::Client) -> Vec<(i64, String)> {
    c.query(
        "SELECT version, name FROM migration_log WHERE status = 'succeeded' ORDER BY version",
        &[],
    )
    .await
    .expect("migration_log")
    .iter()
    .map(|r| (r.get(0), r.get(1)))
    .collect()
}

#[tokio::test]
async fn fresh_database_gets_every_table_and_enum() {
    let db = TestDb::empty().await;
    let mut c = db.admin().await;
    let report = migrate::run(&mut c, &migrate::embedded())
        .await
        .expect("migrate");
    assert_eq!(report.applied.len(), migrate::embedded().len());

    let tables: Vec<String> = c
        .query(
            "SELECT tablename::text FROM pg_tables WHERE schemaname = 'public' ORDER BY 1",
            &[],
        )
        .await
        .expect("tables")
        .iter()
        .map(|r| r.get(0))
        .collect();
    let expected = [
        "audit_events",
        "caseload_login_roles",
        "communication_log",
        "documents",
        "intervention_attachments",
        "intervention_goals",
        "intervention_list",
        "intervention_list_restricted",
        "intervention_programs",
        "intervention_sessions",
        "intervention_status_changes",
        "intervention_team",
        "intervention_urgency",
        "interventions",
        "job_kinds",
        "job_workers",
        "jobs",
        "migration_log",
        "navigation_items",
        "oneroster_demographics",
        "oneroster_enrollments",
        "oneroster_orgs",
        "oneroster_report",
        "oneroster_users",
        "progress_measurements",
        "role_tools",
        "roles",
        "schools",
        "settings",
        "storage_pending_uploads",
        "storage_settings",
        "student_guardians",
        "students",
        "tool_status_changes",
        "tools",
        "user_roles",
        "users",
    ];
    assert_eq!(tables, expected);

    for (name, labels) in caseload::domain::enums::all_enums() {
        let got: Vec<String> = c
            .query(
                "SELECT e.enumlabel::text FROM pg_enum e JOIN pg_type t ON t.oid = e.enumtypid \
                 WHERE t.typname = $1 ORDER BY e.enumsortorder",
                &[&name],
            )
            .await
            .expect("pg_enum")
            .iter()
            .map(|r| r.get(0))
            .collect();
        assert_eq!(got, labels, "enum {name}");
    }
    let enum_count: i64 = c
        .query_one("SELECT count(*) FROM pg_type WHERE typtype = 'e' AND typnamespace = 'public'::regnamespace", &[])
        .await
        .expect("count")
        .get(0);
    assert_eq!(enum_count, 9);
}

#[tokio::test]
async fn second_run_is_a_no_op() {
    let db = TestDb::empty().await;
    let mut c = db.admin().await;
    migrate::run(&mut c, &migrate::embedded())
        .await
        .expect("first");
    let before = succeeded_rows(&c).await;
    let report = migrate::run(&mut c, &migrate::embedded())
        .await
        .expect("second");
    assert!(report.applied.is_empty(), "{:?}", report.applied);
    assert_eq!(report.already_applied, migrate::embedded().len());
    assert_eq!(succeeded_rows(&c).await, before);
    let attempts: i64 = c
        .query_one("SELECT count(*) FROM migration_log", &[])
        .await
        .expect("n")
        .get(0);
    assert_eq!(
        attempts as usize,
        migrate::embedded().len(),
        "no extra attempts recorded"
    );
}

#[tokio::test]
async fn a_changed_migration_file_is_an_error_naming_it() {
    let db = TestDb::empty().await;
    let mut c = db.admin().await;
    let original = vec![Migration::new(
        1,
        "0001_first.sql",
        "CREATE TABLE a (x int);",
    )];
    migrate::run(&mut c, &original).await.expect("first");
    let edited = vec![Migration::new(
        1,
        "0001_first.sql",
        "CREATE TABLE a (x bigint);",
    )];
    let err = migrate::run(&mut c, &edited)
        .await
        .expect_err("changed file must be refused");
    assert!(matches!(err, MigrateError::Changed { .. }), "{err}");
    assert!(err.to_string().contains("0001_first.sql"), "{err}");

    let status = migrate::status(&c, &edited).await.expect("status");
    assert!(matches!(
        status[0].state,
        State::Applied {
            checksum_ok: false,
            ..
        }
    ));
}

#[tokio::test]
async fn concurrent_migrators_serialise() {
    let db = TestDb::empty().await;
    let mut a = db.admin().await;
    let mut b = db.admin().await;
    let ms = migrate::embedded();
    let (ra, rb) = tokio::join!(migrate::run(&mut a, &ms), migrate::run(&mut b, &ms));
    let (ra, rb) = (ra.expect("runner a"), rb.expect("runner b"));
    // Between them every migration was applied exactly once.
    assert_eq!(ra.applied.len() + rb.applied.len(), ms.len());
    let rows = succeeded_rows(&a).await;
    assert_eq!(rows.len(), ms.len());
    let failed: i64 = a
        .query_one(
            "SELECT count(*) FROM migration_log WHERE status <> 'succeeded'",
            &[],
        )
        .await
        .expect("n")
        .get(0);
    assert_eq!(failed, 0);
}

#[tokio::test]
async fn a_failing_migration_rolls_back_and_leaves_its_failed_row() {
    let db = TestDb::empty().await;
    let mut c = db.admin().await;
    let mut ms = migrate::embedded();
    ms.push(Migration::new(
        99,
        "0099_broken.sql",
        "CREATE TABLE half_done (x int);\nINSERT INTO half_done VALUES (1);\nSELECT no_such_column FROM users;",
    ));
    let err = migrate::run(&mut c, &ms).await.expect_err("must fail");
    let msg = err.to_string();
    assert!(msg.contains("0099_broken.sql"), "{msg}");
    assert!(msg.contains("no_such_column"), "{msg}");
    assert!(msg.contains("line 3"), "names the line: {msg}");

    let exists: bool = c
        .query_one("SELECT to_regclass('public.half_done') IS NOT NULL", &[])
        .await
        .expect("regclass")
        .get(0);
    assert!(!exists, "the failed migration's table must be rolled back");

    let row = c
        .query_one(
            "SELECT status::text, error, duration_ms, applied_by, finished_at IS NOT NULL \
             FROM migration_log WHERE version = 99",
            &[],
        )
        .await
        .expect("one failed row");
    assert_eq!(row.get::<_, String>(0), "failed");
    assert!(
        row.get::<_, Option<String>>(1)
            .unwrap_or_default()
            .contains("no_such_column")
    );
    assert!(row.get::<_, Option<i64>>(2).is_some());
    assert_eq!(row.get::<_, String>(3), "postgres");
    assert!(row.get::<_, bool>(4));

    let status = migrate::status(&c, &ms).await.expect("status");
    let last = status.last().expect("row for 99");
    assert!(
        matches!(&last.state, State::Pending { last_error: Some(e) } if e.contains("no_such_column"))
    );

    // Fixing the file lets the next run apply it.
    ms.pop();
    ms.push(Migration::new(
        99,
        "0099_broken.sql",
        "CREATE TABLE half_done (x int);",
    ));
    let report = migrate::run(&mut c, &ms)
        .await
        .expect("fixed migration applies");
    assert_eq!(report.applied.len(), 1);
}

#[tokio::test]
async fn status_on_an_empty_database_lists_everything_pending_without_creating_tables() {
    let db = TestDb::empty().await;
    let c = db.admin().await;
    let status = migrate::status(&c, &migrate::embedded())
        .await
        .expect("status");
    assert!(
        status
            .iter()
            .all(|s| matches!(s.state, State::Pending { .. }))
    );
    let exists: bool = c
        .query_one(
            "SELECT to_regclass('public.migration_log') IS NOT NULL",
            &[],
        )
        .await
        .expect("regclass")
        .get(0);
    assert!(!exists);
}

/// Signing in to a database that is not caseload's (yet) fails in
/// `whoami`; what the person reads instead of "function
/// caseload_current_user_id() does not exist" depends on how far it got.
#[tokio::test]
async fn sign_in_to_an_unmigrated_database_says_what_to_run() {
    use caseload::db::users;
    let db = TestDb::empty().await;
    let c = db.admin().await;
    let e = users::whoami(&c).await.expect_err("no function yet");
    assert_eq!(
        users::not_caseloads(&c, &e).await,
        Some(migrate::no_tables(&db.name))
    );

    c.batch_execute(migrate::BOOTSTRAP)
        .await
        .expect("bootstrap");
    let e = users::whoami(&c).await.expect_err("still no function");
    assert_eq!(
        users::not_caseloads(&c, &e).await,
        Some(migrate::not_migrated(&db.name))
    );

    // Any other failure keeps its own words.
    let other = c.query_one("SELECT 1/0", &[]).await.expect_err("division");
    assert_eq!(users::not_caseloads(&c, &other).await, None);
}
