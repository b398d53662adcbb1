//! Jobs that run as their author (migration 0031), attacked as a counselor
//! with psql: the caseload_job_own_* functions act only on the caller's own
//! jobs of author kinds, locked by the worker id they claimed with; a job
//! queued before its tool was taken away fails instead of running; the
//! service worker never claims an author job; and the internal bodies both
//! share are executable by no one. Every attack tried is kept here.

mod common;

use common::district::{District, INSUFFICIENT_PRIVILEGE, sqlstate};
use common::roles::LoginRoles;
use serde_json::json;
use tokio_postgres::Client;
use uuid::Uuid;

const KIND: &str = "oneroster.import";

/// The approved `import` tool, granted to `roles`.
async fn grant_import(d: &District, roles: &[&str]) {
    d.admin
        .execute(
            "INSERT INTO tools (key, name, status, reviewed_at) \
             VALUES ('import', 'Roster import', 'approved', now()) ON CONFLICT (key) DO NOTHING",
            &[],
        )
        .await
        .expect("import tool");
    for role in roles {
        d.admin
            .execute(
                "INSERT INTO role_tools (role_id, tool_id, scope) \
                 SELECT r.id, t.id, 'all' FROM roles r, tools t \
                 WHERE r.key = $1 AND t.key = 'import' ON CONFLICT DO NOTHING",
                &[role],
            )
            .await
            .expect("grant");
    }
}

async fn enqueue(c: &Client, kind: &str) -> Uuid {
    caseload::db::jobs::enqueue(
        c,
        kind,
        &json!({ "path": "/nowhere", "dry_run": true }),
        None,
    )
    .await
    .expect("enqueue")
}

async fn claim(c: &Client, worker: &str, kinds: &[&str]) -> Option<Uuid> {
    let kinds: Vec<String> = kinds.iter().map(|k| k.to_string()).collect();
    c.query_opt(
        "SELECT id FROM caseload_job_own_claim($1, $2)",
        &[&worker, &kinds],
    )
    .await
    .expect("own claim")
    .map(|r| r.get(0))
}

/// (status, locked_by, result, last_error) as the superuser sees it.
async fn state(
    d: &District,
    id: Uuid,
) -> (
    String,
    Option<String>,
    Option<serde_json::Value>,
    Option<String>,
) {
    let r = d
        .admin
        .query_one(
            "SELECT status::text, locked_by, result, last_error FROM jobs WHERE id = $1",
            &[&id],
        )
        .await
        .expect("job");
    (r.get(0), r.get(1), r.get(2), r.get(3))
}

async fn finish(c: &Client, id: Uuid, worker: &str) -> Option<String> {
    c.query_one(
        "SELECT caseload_job_own_finish($1, $2, '{\"forged\": true}', 'done', NULL)::text",
        &[&id, &worker],
    )
    .await
    .expect("own finish")
    .get(0)
}

async fn fail(c: &Client, id: Uuid, worker: &str) -> Option<String> {
    c.query_one(
        "SELECT caseload_job_own_fail($1, $2, 'forged', false, NULL)::text",
        &[&id, &worker],
    )
    .await
    .expect("own fail")
    .get(0)
}

async fn beat(c: &Client, id: Uuid, worker: &str) -> bool {
    c.query_one(
        "SELECT caseload_job_own_heartbeat($1, $2, 99::int2, 'forged', NULL)",
        &[&id, &worker],
    )
    .await
    .expect("own heartbeat")
    .get(0)
}

#[tokio::test]
async fn a_counselor_claims_only_their_own_author_jobs() {
    let d = District::new().await;
    grant_import(&d, &["counselor", "admin"]).await;
    d.grant_jobs_tool("counselor").await;
    let a = d.connect_as("counselor_a").await;
    let b = d.connect_as("counselor_b").await;
    let admin = d.connect_as("admin").await;
    let theirs = enqueue(&b, KIND).await;
    let worker_kind = enqueue(&a, "noop").await;

    // Another person's author job: not for a, not even for an admin.
    assert_eq!(claim(&a, "tui:1@h", &[KIND]).await, None);
    assert_eq!(claim(&admin, "tui:2@h", &[KIND]).await, None);
    // A worker-kind job, even one's own: never through the own functions.
    assert_eq!(claim(&a, "tui:1@h", &["noop", KIND]).await, None);
    assert_eq!(state(&d, theirs).await.0, "queued");
    assert_eq!(state(&d, worker_kind).await.0, "queued");
    // b's own: b claims it, under the id b gave.
    assert_eq!(claim(&b, "tui:9@h", &[KIND]).await, Some(theirs));
    assert_eq!(
        state(&d, theirs).await.1.as_deref(),
        Some("tui:9@h"),
        "locked by b's id"
    );
}

#[tokio::test]
async fn nobody_but_the_holder_beats_finishes_or_fails_a_job() {
    let d = District::new().await;
    grant_import(&d, &["counselor"]).await;
    let a = d.connect_as("counselor_a").await;
    let b = d.connect_as("counselor_b").await;
    let id = enqueue(&a, KIND).await;
    assert_eq!(claim(&a, "tui:1@h", &[KIND]).await, Some(id));

    // b knows the id and the worker id: still not b's job. A made-up job id
    // answers exactly the same (no existence probe).
    for job in [id, Uuid::new_v4()] {
        assert_eq!(finish(&b, job, "tui:1@h").await, None);
        assert_eq!(fail(&b, job, "tui:1@h").await, None);
        assert!(!beat(&b, job, "tui:1@h").await);
    }
    // a under another worker id: not the lock a holds.
    assert_eq!(finish(&a, id, "tui:2@h").await, None);
    assert_eq!(fail(&a, id, "tui:2@h").await, None);
    assert!(!beat(&a, id, "tui:2@h").await);
    let (status, locked, result, _) = state(&d, id).await;
    assert_eq!(
        (status.as_str(), locked.as_deref(), result),
        ("running", Some("tui:1@h"), None)
    );

    // The holder finishes it; after that, nobody forges its result.
    assert!(beat(&a, id, "tui:1@h").await);
    assert_eq!(
        finish(&a, id, "tui:1@h").await.as_deref(),
        Some("succeeded")
    );
    let honest = state(&d, id).await.2;
    assert_eq!(finish(&a, id, "tui:1@h").await, None, "a succeeded job");
    assert_eq!(fail(&a, id, "tui:1@h").await, None);
    assert_eq!(state(&d, id).await.0, "succeeded");
    assert_eq!(state(&d, id).await.2, honest, "the result stands");
}

#[tokio::test]
async fn a_job_queued_before_the_tool_was_taken_away_fails_instead_of_running() {
    let d = District::new().await;
    grant_import(&d, &["counselor"]).await;
    let a = d.connect_as("counselor_a").await;
    let id = enqueue(&a, KIND).await;
    d.admin
        .execute(
            "DELETE FROM role_tools WHERE tool_id = (SELECT id FROM tools WHERE key = 'import')",
            &[],
        )
        .await
        .expect("revoke");
    assert_eq!(claim(&a, "tui:1@h", &[KIND]).await, None);
    let (status, locked, _, error) = state(&d, id).await;
    assert_eq!((status.as_str(), locked), ("failed", None));
    assert_eq!(
        error.as_deref(),
        Some(
            "you may no longer run oneroster.import jobs: the tool they need was taken from you \
             after this one was queued"
        )
    );
    // Retrying it does not bring it back to life either.
    a.execute("SELECT caseload_job_retry($1)", &[&id])
        .await
        .expect("retry");
    assert_eq!(claim(&a, "tui:1@h", &[KIND]).await, None);
    assert_eq!(state(&d, id).await.0, "failed");
}

#[tokio::test]
async fn a_person_reaps_only_their_own_stopped_jobs() {
    let d = District::new().await;
    grant_import(&d, &["counselor"]).await;
    let a = d.connect_as("counselor_a").await;
    let b = d.connect_as("counselor_b").await;
    let id = enqueue(&a, KIND).await;
    assert_eq!(claim(&a, "tui:1@h", &[KIND]).await, Some(id));
    d.admin
        .execute(
            "UPDATE jobs SET heartbeat_at = now() - interval '1 minute' WHERE id = $1",
            &[&id],
        )
        .await
        .expect("stale");
    let reaped: i32 = b
        .query_one("SELECT caseload_job_own_reap(2)", &[])
        .await
        .expect("b reaps")
        .get(0);
    assert_eq!(reaped, 0, "not b's job");
    assert_eq!(state(&d, id).await.0, "running");
    let reaped: i32 = a
        .query_one("SELECT caseload_job_own_reap(2)", &[])
        .await
        .expect("a reaps")
        .get(0);
    assert_eq!(reaped, 1);
    let (status, _, _, error) = state(&d, id).await;
    assert_eq!(
        status, "failed",
        "one attempt: an import is looked at, not retried"
    );
    assert!(
        error
            .as_deref()
            .is_some_and(|e| e.starts_with("its caseload window closed (tui:1@h")),
        "{error:?}"
    );
}

#[tokio::test]
async fn the_service_worker_never_claims_an_author_job_and_people_cannot_play_it() {
    let d = District::new().await;
    grant_import(&d, &["counselor"]).await;
    let a = d.connect_as("counselor_a").await;
    let id = enqueue(&a, KIND).await;
    let cluster = common::connect(&common::admin_conninfo()).await;
    let login = LoginRoles::create(&cluster, "caseload_worker", 1).await;
    let w = common::connect(&LoginRoles::conninfo_as(&d.db.conninfo(), &login.0[0])).await;
    let got = w
        .query_opt(
            "SELECT id FROM caseload_worker_claim('w1', ARRAY['oneroster.import'])",
            &[],
        )
        .await
        .expect("worker claim");
    assert!(got.is_none(), "the service worker took an author job");
    assert_eq!(state(&d, id).await.0, "queued");
    // The worker has no business with people's own functions either.
    assert_eq!(
        sqlstate(
            w.query_opt(
                "SELECT id FROM caseload_job_own_claim('w1', ARRAY['oneroster.import'])",
                &[],
            )
            .await
        ),
        INSUFFICIENT_PRIVILEGE
    );
    // A person may call neither the worker's functions nor the shared
    // bodies (which take the author as an argument).
    let me = d.id("counselor_b");
    for sql in [
        "SELECT * FROM caseload_worker_claim('w', ARRAY['oneroster.import'])".to_string(),
        format!("SELECT * FROM caseload_jobs_claim_core('w', ARRAY['oneroster.import'], '{me}')"),
        format!("SELECT caseload_jobs_reap_core(0, '{me}')"),
        format!("SELECT caseload_job_own_held('{id}', 'w')"),
        format!("SELECT caseload_worker_finish('{id}', 'w', '{{}}', 'x', NULL)"),
    ] {
        assert_eq!(
            sqlstate(a.execute(sql.as_str(), &[]).await),
            INSUFFICIENT_PRIVILEGE,
            "{sql}"
        );
    }
}

#[tokio::test]
async fn a_login_that_is_no_caseload_user_claims_nothing() {
    let d = District::new().await;
    grant_import(&d, &["counselor"]).await;
    let ghost = d.connect_as("no_row").await;
    let e = ghost
        .query_opt(
            "SELECT id FROM caseload_job_own_claim('w', ARRAY['oneroster.import'])",
            &[],
        )
        .await
        .expect_err("refused");
    assert_eq!(
        e.as_db_error().map(|d| d.message()),
        Some("only an active caseload user may run their jobs")
    );
}
