//! Background jobs as a counselor with psql (migration 0024): people reach
//! `jobs` only through caseload_job_enqueue/cancel/retry and RLS; only a
//! member of caseload_worker runs the worker functions, and a worker only
//! acts on jobs it holds. Every attack tried is kept here.

mod common;

use common::district::{District, INSUFFICIENT_PRIVILEGE, sqlstate};
use common::roles::LoginRoles;
use serde_json::json;
use tokio_postgres::Client;
use uuid::Uuid;

async fn enqueue(c: &Client, kind: &str) -> Result<Uuid, tokio_postgres::Error> {
    caseload::db::jobs::enqueue(c, kind, &json!({ "secret": "b's payload" }), None).await
}

async fn visible(c: &Client) -> i64 {
    c.query_one("SELECT count(*) FROM jobs", &[])
        .await
        .expect("count")
        .get(0)
}

async fn act(c: &Client, f: &str, id: Uuid) -> Result<tokio_postgres::Row, tokio_postgres::Error> {
    c.query_one(&format!("SELECT {f}($1)"), &[&id]).await
}

fn message(r: Result<impl std::fmt::Debug, tokio_postgres::Error>) -> String {
    match r {
        Ok(v) => panic!("expected a refusal, got {v:?}"),
        Err(e) => e
            .as_db_error()
            .map(|d| d.message().to_string())
            .unwrap_or_else(|| e.to_string()),
    }
}

#[tokio::test]
async fn a_counselor_enqueues_sees_and_cancels_only_their_own_jobs() {
    let d = District::new().await;
    d.grant_jobs_tool("counselor").await;
    d.grant_jobs_tool("admin").await;
    let a = d.connect_as("counselor_a").await;
    let b = d.connect_as("counselor_b").await;
    let admin = d.connect_as("admin").await;
    let mine = enqueue(&a, "noop").await.expect("a enqueues");
    let theirs = enqueue(&b, "sleep").await.expect("b enqueues");

    // The author is the caller, stamped by the database.
    let by: Option<Uuid> = d
        .admin
        .query_one("SELECT created_by FROM jobs WHERE id = $1", &[&mine])
        .await
        .unwrap()
        .get(0);
    assert_eq!(by, Some(d.id("counselor_a")));

    assert_eq!(visible(&a).await, 1, "only a's own");
    assert_eq!(visible(&admin).await, 2, "admins see all");
    let payload = a
        .query_opt("SELECT payload FROM jobs WHERE id = $1", &[&theirs])
        .await
        .unwrap();
    assert!(payload.is_none(), "b's payload is not a's to read");

    // Someone else's job and no job at all are refused in the same words.
    for f in ["caseload_job_cancel", "caseload_job_retry"] {
        let other = message(act(&a, f, theirs).await);
        let none = message(act(&a, f, Uuid::new_v4()).await);
        assert_eq!(other, "no such job");
        assert_eq!(other, none, "{f} says nothing about others' jobs");
    }
    assert_eq!(
        d.admin
            .query_one("SELECT status::text FROM jobs WHERE id = $1", &[&theirs])
            .await
            .unwrap()
            .get::<_, String>(0),
        "queued",
        "b's job untouched"
    );
    // Admins may cancel anyone's.
    act(&admin, "caseload_job_cancel", theirs)
        .await
        .expect("admin cancels");
    // Cancelling twice says why not.
    assert_eq!(
        message(act(&admin, "caseload_job_cancel", theirs).await),
        "this job has already ended (cancelled)"
    );
}

#[tokio::test]
async fn a_counselor_cannot_write_jobs_directly_nor_play_worker() {
    let d = District::new().await;
    d.grant_jobs_tool("counselor").await;
    d.grant_jobs_tool("admin").await;
    let a = d.connect_as("counselor_a").await;
    let mine = enqueue(&a, "noop").await.expect("enqueue");

    for sql in [
        "INSERT INTO jobs (kind) VALUES ('noop')",
        "UPDATE jobs SET status = 'succeeded', finished_at = now()",
        "UPDATE jobs SET progress = 100",
        "DELETE FROM jobs",
        "TRUNCATE jobs",
    ] {
        assert_eq!(
            sqlstate(a.execute(sql, &[]).await),
            INSUFFICIENT_PRIVILEGE,
            "{sql}"
        );
    }
    let w = "me:1:0000";
    let worker_calls = [
        format!("SELECT caseload_worker_beat('{w}', ARRAY['noop'])"),
        format!("SELECT * FROM caseload_worker_claim('{w}', ARRAY['noop'])"),
        format!("SELECT caseload_worker_heartbeat('{mine}', '{w}', 99::int2, 'forged', NULL)"),
        format!("SELECT caseload_worker_finish('{mine}', '{w}', '{{}}', 'done', NULL)"),
        format!("SELECT caseload_worker_fail('{mine}', '{w}', 'x', false, NULL)"),
        "SELECT caseload_worker_reap(0)".to_string(),
        "SELECT caseload_worker_sweep(1)".to_string(),
        format!("SELECT caseload_worker_gone('{w}')"),
    ];
    for sql in &worker_calls {
        assert_eq!(
            sqlstate(a.execute(sql.as_str(), &[]).await),
            INSUFFICIENT_PRIVILEGE,
            "{sql}"
        );
    }
    // Nor make oneself a worker, nor read who the workers are.
    let me = d.login("counselor_a");
    assert_eq!(
        sqlstate(
            a.batch_execute(&format!("GRANT caseload_worker TO {me}"))
                .await
        ),
        INSUFFICIENT_PRIVILEGE
    );
    assert_eq!(
        sqlstate(a.execute("SELECT * FROM job_workers", &[]).await),
        INSUFFICIENT_PRIVILEGE
    );
    // The count of live workers is all a person learns.
    let r = a
        .query_one("SELECT alive FROM caseload_jobs_workers(15)", &[])
        .await
        .expect("workers");
    assert_eq!(r.get::<_, i32>(0), 0);
    // No temporary objects to shadow names inside the functions.
    assert_eq!(
        sqlstate(a.batch_execute("CREATE TEMP TABLE jobs (id uuid)").await),
        INSUFFICIENT_PRIVILEGE
    );
    let (status, progress): (String, i16) = {
        let r = d
            .admin
            .query_one(
                "SELECT status::text, progress FROM jobs WHERE id = $1",
                &[&mine],
            )
            .await
            .unwrap();
        (r.get(0), r.get(1))
    };
    assert_eq!((status.as_str(), progress), ("queued", 0));
}

#[tokio::test]
async fn what_a_person_may_enqueue_is_the_kinds_their_tools_allow() {
    let d = District::new().await;
    let a = d.connect_as("counselor_a").await;
    // Without the jobs tool, not even a noop.
    assert_eq!(
        message(enqueue(&a, "noop").await),
        "you may not enqueue noop jobs (they need the jobs tool)"
    );
    d.grant_jobs_tool("counselor").await;
    d.grant_jobs_tool("admin").await;
    enqueue(&a, "noop").await.expect("now allowed");
    // System kinds are the admins'.
    assert_eq!(
        message(enqueue(&a, "sweep").await),
        "only admins may enqueue sweep jobs"
    );
    let admin = d.connect_as("admin").await;
    enqueue(&admin, "sweep").await.expect("an admin may");
    // A kind that does not exist, a payload that is no object, a priority
    // beyond the range: refused with a reason.
    assert_eq!(
        message(enqueue(&a, "rm -rf").await),
        "there is no job kind \"rm -rf\""
    );
    assert_eq!(
        message(
            a.query_one("SELECT caseload_job_enqueue('noop', '[1]'::jsonb)", &[])
                .await
        ),
        "a job's payload is a JSON object"
    );
    assert_eq!(
        message(
            a.query_one(
                "SELECT caseload_job_enqueue('noop', '{}'::jsonb, NULL, 1000)",
                &[]
            )
            .await
        ),
        "priority is a whole number from -10 to 10"
    );
    // A person without a users row, or with only the group role, is no author.
    let ghost = d.connect_as("no_row").await;
    assert_eq!(
        message(enqueue(&ghost, "noop").await),
        "only an active caseload user may enqueue jobs"
    );
}

#[tokio::test]
async fn a_worker_acts_only_on_jobs_it_holds_and_reads_no_tables() {
    let d = District::new().await;
    let cluster = common::connect(&common::admin_conninfo()).await;
    let login = LoginRoles::create(&cluster, "caseload_worker", 1).await;
    let w = common::connect(&LoginRoles::conninfo_as(&d.db.conninfo(), &login.0[0])).await;
    let id: Uuid = d
        .admin
        .query_one("INSERT INTO jobs (kind) VALUES ('noop') RETURNING id", &[])
        .await
        .unwrap()
        .get(0);
    for sql in [
        "SELECT count(*) FROM jobs",
        "SELECT count(*) FROM students",
        "SELECT count(*) FROM users",
        "UPDATE jobs SET status = 'succeeded'",
    ] {
        assert_eq!(
            sqlstate(w.execute(sql, &[]).await),
            INSUFFICIENT_PRIVILEGE,
            "{sql}"
        );
    }
    let claimed = w
        .query_one(
            "SELECT id FROM caseload_worker_claim('w1', ARRAY['noop'])",
            &[],
        )
        .await
        .expect("claim");
    assert_eq!(claimed.get::<_, Uuid>(0), id);
    // Another worker id can neither finish nor fail it, nor beat for it.
    let r = w
        .query_one(
            "SELECT caseload_worker_finish($1, 'w2', '{}', 'done', NULL)::text",
            &[&id],
        )
        .await
        .unwrap();
    assert_eq!(r.get::<_, Option<String>>(0), None);
    let r = w
        .query_one(
            "SELECT caseload_worker_heartbeat($1, 'w2', 5::int2, 'x', NULL)",
            &[&id],
        )
        .await
        .unwrap();
    assert!(!r.get::<_, bool>(0), "not w2's to beat for");
    let status: String = d
        .admin
        .query_one("SELECT status::text FROM jobs WHERE id = $1", &[&id])
        .await
        .unwrap()
        .get(0);
    assert_eq!(status, "running");
    // A second claim finds nothing: the job is held.
    let again = w
        .query_opt(
            "SELECT id FROM caseload_worker_claim('w2', ARRAY['noop'])",
            &[],
        )
        .await
        .unwrap();
    assert!(again.is_none());
}

#[tokio::test]
async fn every_jobs_function_is_definer_with_a_pinned_search_path_and_no_public_execute() {
    let d = District::new().await;
    let rows = d
        .admin
        .query(
            "SELECT p.proname, p.prosecdef, p.proconfig::text, \
                    has_function_privilege('public', p.oid, 'EXECUTE') \
             FROM pg_proc p WHERE (p.proname LIKE 'caseload_job%' \
                OR p.proname LIKE 'caseload_worker_%') AND p.proname <> 'caseload_job_log'",
            &[],
        )
        .await
        .unwrap();
    // 0024's 13, and 0031's own-job functions (5), the kinds workers run,
    // and the bodies both share (3: called only from inside the definer
    // functions, so not definer themselves, and no one's to call).
    const INTERNAL: [&str; 3] = [
        "caseload_jobs_claim_core",
        "caseload_jobs_reap_core",
        "caseload_job_own_held",
    ];
    assert_eq!(rows.len(), 22);
    for r in rows {
        let name: String = r.get(0);
        assert!(
            r.get::<_, bool>(1) || INTERNAL.contains(&name.as_str()),
            "{name} is SECURITY DEFINER"
        );
        let config: Option<String> = r.get(2);
        assert!(
            config
                .as_deref()
                .is_some_and(|c| c.contains("search_path=pg_catalog, public, pg_temp")),
            "{name}: {config:?}"
        );
        assert!(!r.get::<_, bool>(3), "{name} is not PUBLIC's to call");
    }
}
