//! Report and export jobs (migration 0032) as a counselor with psql would
//! attack them: enqueueing kinds their tools do not allow, re-routing a
//! kind to a service worker (which reads no student data) or giving it
//! endless attempts, and using the fidelity report's audit kind to probe
//! for students. Every attack tried is kept here.

mod common;

use common::district::{District, INSUFFICIENT_PRIVILEGE, sqlstate};
use serde_json::json;
use tokio_postgres::Client;
use uuid::Uuid;

const KINDS: [(&str, &str); 7] = [
    ("report.recap", "reports"),
    ("report.summary", "reports"),
    ("report.student", "reports"),
    ("report.fidelity", "reports.fidelity"),
    ("export.roster", "export"),
    ("export.caseload", "export"),
    ("export.sessions", "export"),
];

async fn enqueue(c: &Client, kind: &str) -> Result<Uuid, tokio_postgres::Error> {
    caseload::db::jobs::enqueue(c, kind, &json!({ "spec": {} }), None).await
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
async fn each_kind_needs_its_tool_and_the_fidelity_report_its_own() {
    let d = District::new().await;
    let c = d.connect_as("counselor_a").await;
    for (kind, tool) in KINDS {
        assert_eq!(
            message(enqueue(&c, kind).await),
            format!("you may not enqueue {kind} jobs (they need the {tool} tool)")
        );
    }
    d.grant_tool("counselor", "reports").await;
    d.grant_tool("counselor", "export").await;
    for (kind, tool) in KINDS {
        let r = enqueue(&c, kind).await;
        if tool == "reports.fidelity" {
            assert_eq!(
                message(r),
                "you may not enqueue report.fidelity jobs (they need the reports.fidelity tool)"
            );
        } else {
            r.unwrap_or_else(|e| panic!("{kind}: {e:?}"));
        }
    }
    d.grant_tool("counselor", "reports.fidelity").await;
    enqueue(&c, "report.fidelity").await.expect("now allowed");
    // Queued as the author's own, waiting for the author to run them.
    let n: i64 = c
        .query_one(
            "SELECT count(*) FROM jobs WHERE created_by = $1 AND status = 'queued'",
            &[&d.id("counselor_a")],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(n, 7);
}

#[tokio::test]
async fn the_kinds_run_as_their_author_and_nobody_can_change_that() {
    let d = District::new().await;
    let rows = d
        .admin
        .query(
            "SELECT kind, tool_key, runs_as, max_attempts FROM job_kinds \
             WHERE kind LIKE 'report.%' OR kind LIKE 'export.%' ORDER BY kind",
            &[],
        )
        .await
        .unwrap();
    let mut got: Vec<(String, String, String, i32)> = rows
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2), r.get(3)))
        .collect();
    got.sort();
    let mut want: Vec<(String, String, String, i32)> = KINDS
        .iter()
        .map(|(k, t)| (k.to_string(), t.to_string(), "author".to_string(), 2))
        .collect();
    want.sort();
    assert_eq!(got, want);
    // A counselor (or an admin through psql) cannot send their report to a
    // service worker, loosen its tool or give it endless attempts.
    for person in ["counselor_a", "admin"] {
        let c = d.connect_as(person).await;
        for sql in [
            "UPDATE job_kinds SET runs_as = 'worker' WHERE kind = 'report.summary'",
            "UPDATE job_kinds SET tool_key = 'jobs' WHERE kind = 'report.fidelity'",
            "UPDATE job_kinds SET max_attempts = 20 WHERE kind = 'export.roster'",
            "DELETE FROM job_kinds WHERE kind = 'export.sessions'",
            "INSERT INTO job_kinds (kind, tool_key, description, runs_as) \
             VALUES ('report.mine', 'jobs', 'x', 'worker')",
        ] {
            assert_eq!(
                sqlstate(c.execute(sql, &[]).await),
                INSUFFICIENT_PRIVILEGE,
                "{person}: {sql}"
            );
        }
    }
}

/// The fidelity report's audit kind (0032 replaced the function to add
/// it): students the caller cannot see are skipped in silence, as for
/// every kind, and the function keeps its pinned search path.
#[tokio::test]
async fn the_fidelity_audit_kind_reveals_no_hidden_student() {
    let d = District::new().await;
    let c = d.connect_as("counselor_a").await;
    let hidden = [d.students["b1"].id, d.students["y1"].id, Uuid::new_v4()];
    let n: i32 = c
        .query_one(
            "SELECT caseload_record_export('report.fidelity', $1, '{}'::jsonb)",
            &[&hidden.to_vec()],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(n, 0);
    let n: i32 = c
        .query_one(
            "SELECT caseload_record_export('report.fidelity', $1, '{}'::jsonb)",
            &[&vec![d.students["a1"].id, hidden[0]]],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(n, 1);
    assert_eq!(
        message(
            c.query_one(
                "SELECT caseload_record_export('report.nothing', '{}', '{}'::jsonb)",
                &[],
            )
            .await
        ),
        "unknown export kind report.nothing"
    );
    // A temp table named like the one it writes changes nothing.
    c.batch_execute("CREATE TEMP TABLE audit_events (x int)")
        .await
        .ok();
    let r = d
        .admin
        .query_one(
            "SELECT p.prosecdef, p.proconfig::text, has_function_privilege('public', p.oid, 'EXECUTE') \
             FROM pg_proc p WHERE p.proname = 'caseload_record_export'",
            &[],
        )
        .await
        .unwrap();
    assert!(r.get::<_, bool>(0));
    assert!(
        r.get::<_, Option<String>>(1)
            .is_some_and(|c| c.contains("search_path=pg_catalog, public, pg_temp"))
    );
    assert!(!r.get::<_, bool>(2), "not PUBLIC's to call");
    let before: i64 = d
        .admin
        .query_one(
            "SELECT count(*) FROM audit_events WHERE table_name = 'report.fidelity'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    c.query_one(
        "SELECT caseload_record_export('report.fidelity', $1, '{}'::jsonb)",
        &[&vec![d.students["a1"].id]],
    )
    .await
    .unwrap();
    let after: i64 = d
        .admin
        .query_one(
            "SELECT count(*) FROM audit_events WHERE table_name = 'report.fidelity'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(
        after,
        before + 2,
        "the export row and A1's, in the real table"
    );
}

/// What the Reports and Export screens ask of the worker: the enqueue
/// answers with the job's id (or the database's refusal in its words), and
/// the list of one's own jobs holds only one's own — an admin, who reads
/// every job on the Jobs screen, sees only theirs here too.
#[tokio::test]
async fn the_screens_enqueue_and_list_only_their_own_jobs_through_the_worker() {
    use caseload::app::{Data, Effect, Msg, Read, ReqId, Wrote};
    let d = District::new().await;
    d.grant_tool("counselor", "export").await;
    d.grant_tool("admin", "export").await;
    let exec = |person: &'static str, effect: Effect| {
        let pool = d.pool_as(person);
        async move {
            caseload::worker::Worker::new(pool, common::worker::tls())
                .execute(effect)
                .await
                .expect("a reply")
        }
    };
    let (kind, payload) = caseload::export::job::Payload::new(
        caseload::export::Spec::Caseload { counselor: None },
        false,
    )
    .job();
    let enqueue = |req: u64| Effect::EnqueueJob {
        req: ReqId(req),
        kind: kind.clone(),
        payload: payload.clone(),
    };
    let mut ids = Vec::new();
    for (n, person) in ["counselor_a", "counselor_b", "admin"]
        .into_iter()
        .enumerate()
    {
        match exec(person, enqueue(n as u64)).await {
            Msg::Written {
                wrote: Wrote::Enqueued(Ok(id)),
                ..
            } => ids.push(id),
            other => panic!("{person}: {other:?}"),
        }
    }
    match exec("teacher", enqueue(9)).await {
        Msg::Written {
            wrote: Wrote::Enqueued(Err(why)),
            ..
        } => assert!(
            why.contains("you may not enqueue export.caseload jobs (they need the export tool)"),
            "{why}"
        ),
        other => panic!("{other:?}"),
    }
    let own = |person: &'static str| {
        let exec = &exec;
        async move {
            match exec(
                person,
                Effect::Load {
                    req: ReqId(20),
                    read: Read::OwnJobs {
                        prefix: "export.".into(),
                    },
                },
            )
            .await
            {
                Msg::Loaded {
                    data: Data::OwnJobs { jobs, .. },
                    ..
                } => jobs,
                other => panic!("{other:?}"),
            }
        }
    };
    for (person, id) in ["counselor_a", "counselor_b", "admin"]
        .into_iter()
        .zip(&ids)
    {
        let jobs = own(person).await;
        assert_eq!(
            jobs.iter().map(|j| j.row.id).collect::<Vec<_>>(),
            [*id],
            "{person}"
        );
        // Its state is wherever the person's own runner, which the enqueue
        // started, has got to: only whose it is matters here.
        assert_eq!(jobs[0].payload, payload);
    }
    // The report family is a different list.
    let reports = match exec(
        "counselor_a",
        Effect::Load {
            req: ReqId(21),
            read: Read::OwnJobs {
                prefix: "report.".into(),
            },
        },
    )
    .await
    {
        Msg::Loaded {
            data: Data::OwnJobs { jobs, .. },
            ..
        } => jobs,
        other => panic!("{other:?}"),
    };
    assert!(reports.is_empty());
}
