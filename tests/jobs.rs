//! Background jobs against the real server (issue 16): two workers and 200
//! jobs, each run exactly once; a worker killed with SIGKILL mid-job is
//! reaped and its job retried; cancel stops a running job; backoff, then
//! `failed` after max attempts; a scheduled job waits for its time; NOTIFY
//! wakes an idle worker at once; every `job_status` value is reached.

mod common;

use caseload::jobs::runner::{self, Options, Summary};
use caseload::jobs::{BoxFuture, JobCtx, JobResult, Registry, store};
use common::district::District;
use common::roles::LoginRoles;
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::Notify;
use uuid::Uuid;

/// A login that is a member of caseload_worker, and a pool of it.
struct Worker {
    login: LoginRoles,
}

impl Worker {
    async fn new() -> Worker {
        let cluster = common::connect(&common::admin_conninfo()).await;
        Worker {
            login: LoginRoles::create(&cluster, "caseload_worker", 1).await,
        }
    }

    fn conninfo(&self, d: &District) -> String {
        LoginRoles::conninfo_as(&d.db.conninfo(), &self.login.0[0])
    }

    fn pool(&self, d: &District) -> deadpool_postgres::Pool {
        common::pool(&d.db.conninfo(), Some(&self.login.0[0]), None)
    }
}

fn opts(once: bool) -> Options {
    let mut o = Options::new(runner::default_id());
    o.once = once;
    o.heartbeat = Duration::from_millis(200);
    o.housekeeping = Duration::from_millis(500);
    o.poll = Duration::from_millis(500);
    o.stale = Duration::from_secs(3);
    o
}

async fn run_once(pool: deadpool_postgres::Pool, registry: Registry) -> Summary {
    runner::run(
        pool,
        registry,
        opts(true),
        Arc::new(Notify::new()),
        std::future::pending(),
    )
    .await
    .expect("worker")
}

/// Enqueued as the superuser (no tool check; created_by left empty).
async fn insert(d: &District, kind: &str, payload: Value) -> Uuid {
    d.admin
        .query_one(
            "INSERT INTO jobs (kind, payload) VALUES ($1, $2) RETURNING id",
            &[&kind, &payload],
        )
        .await
        .expect("job")
        .get(0)
}

/// (status, attempts, last_error, locked_by)
async fn state(d: &District, id: Uuid) -> (String, i32, Option<String>, Option<String>) {
    let r = d
        .admin
        .query_one(
            "SELECT status::text, attempts, last_error, locked_by FROM jobs WHERE id = $1",
            &[&id],
        )
        .await
        .expect("job");
    (r.get(0), r.get(1), r.get(2), r.get(3))
}

async fn wait_for(d: &District, id: Uuid, status: &str, within: Duration) {
    let start = Instant::now();
    loop {
        let (now, ..) = state(d, id).await;
        if now == status {
            return;
        }
        assert!(
            start.elapsed() < within,
            "job {id} still {now}, not {status}, after {within:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

static RUNS: Mutex<Option<HashMap<Uuid, u32>>> = Mutex::new(None);

/// Counts its runs per job, and takes a little time so both workers get some.
fn counted(ctx: &mut JobCtx, _p: Value) -> BoxFuture<'_, JobResult> {
    Box::pin(async move {
        {
            let mut runs = RUNS.lock().unwrap();
            *runs
                .get_or_insert_with(HashMap::new)
                .entry(ctx.id())
                .or_default() += 1;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
        Ok(json!({ "by": ctx.worker() }))
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_workers_run_200_jobs_each_exactly_once() {
    let d = District::new().await;
    let w = Worker::new().await;
    d.admin
        .execute(
            "INSERT INTO jobs (kind, payload) SELECT 'noop', jsonb_build_object('n', i) \
             FROM generate_series(1, 200) i",
            &[],
        )
        .await
        .unwrap();
    let mut registry = Registry::empty();
    registry.register("noop", counted);
    let (a, b) = tokio::join!(
        run_once(w.pool(&d), registry.clone()),
        run_once(w.pool(&d), registry.clone())
    );
    assert_eq!(a.succeeded + b.succeeded, 200, "{a:?} {b:?}");
    assert!(
        a.succeeded > 0 && b.succeeded > 0,
        "both workers ran some: {a:?} {b:?}"
    );
    let runs = RUNS.lock().unwrap().take().unwrap_or_default();
    assert_eq!(runs.len(), 200);
    assert!(runs.values().all(|&n| n == 1), "a job ran twice: {runs:?}");
    let r = d
        .admin
        .query_one(
            "SELECT count(*) FILTER (WHERE status = 'succeeded' AND attempts = 1 \
                                     AND locked_by IS NULL AND progress = 100), \
                    count(DISTINCT result->>'by') FROM jobs",
            &[],
        )
        .await
        .unwrap();
    assert_eq!(r.get::<_, i64>(0), 200);
    assert_eq!(r.get::<_, i64>(1), 2, "the results name both workers");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_worker_killed_mid_job_is_reaped_and_its_job_retried() {
    let d = District::new().await;
    let w = Worker::new().await;
    let id = insert(&d, "sleep", json!({ "seconds": 3 })).await;
    let home = tempfile::tempdir().unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_caseload"))
        .args(["worker", "--database-url", &w.conninfo(&d)])
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path())
        .env("XDG_STATE_HOME", home.path())
        .env_remove("DATABASE_URL")
        .env_remove("CASELOAD_CONFIG")
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("caseload worker");
    wait_for(&d, id, "running", Duration::from_secs(30)).await;
    let (_, attempts, _, locked_by) = state(&d, id).await;
    assert_eq!(attempts, 1);
    assert!(
        locked_by
            .as_deref()
            .is_some_and(|l| l.contains(&format!(":{}:", child.id()))),
        "locked by the child: {locked_by:?}"
    );
    // SIGKILL: no chance to say anything.
    child.kill().expect("kill -9");
    child.wait().expect("reaped by us");

    // Its heartbeat stops; after `stale` another worker's reaper requeues it.
    let wp = w.pool(&d);
    let reaped = {
        let c = wp.get().await.unwrap();
        assert_eq!(
            store::reap(&**c, store::Mode::Service, 60.0).await.unwrap(),
            0,
            "not stale yet"
        );
        tokio::time::sleep(Duration::from_secs(3)).await;
        store::reap(&**c, store::Mode::Service, 2.0).await.unwrap()
    };
    assert_eq!(reaped, 1);
    let (status, attempts, error, locked_by) = state(&d, id).await;
    assert_eq!(
        (status.as_str(), attempts, locked_by),
        ("retrying", 1, None)
    );
    assert!(
        error.as_deref().is_some_and(|e| e.contains("stopped")),
        "{error:?}"
    );
    // Due after its backoff; made due now rather than waiting 10 s.
    d.admin
        .execute("UPDATE jobs SET run_at = now() WHERE id = $1", &[&id])
        .await
        .unwrap();
    let s = run_once(wp, Registry::builtin()).await;
    assert_eq!(s.succeeded, 1, "{s:?}");
    let (status, attempts, ..) = state(&d, id).await;
    assert_eq!((status.as_str(), attempts), ("succeeded", 2));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn cancel_stops_a_running_job_at_its_next_checkpoint() {
    let d = District::new().await;
    let w = Worker::new().await;
    d.grant_jobs_tool("counselor").await;
    let a = d.connect_as("counselor_a").await;
    let id = caseload::db::jobs::enqueue(&a, "sleep", &json!({ "seconds": 60 }), None)
        .await
        .expect("enqueue");
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let worker = tokio::spawn(runner::run(
        w.pool(&d),
        Registry::builtin(),
        opts(false),
        Arc::new(Notify::new()),
        async move {
            let _ = stop_rx.await;
        },
    ));
    wait_for(&d, id, "running", Duration::from_secs(10)).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let said = caseload::db::jobs::act(&a, id, caseload::domain::jobs::JobAction::Cancel)
        .await
        .expect("cancel");
    assert!(said.starts_with("job cancelled"), "{said}");
    let cancelled_at = Instant::now();
    assert_eq!(state(&d, id).await.0, "cancelled", "at once");
    // The worker lets go within a heartbeat or two.
    loop {
        let (status, _, _, locked_by) = state(&d, id).await;
        assert_eq!(status, "cancelled");
        if locked_by.is_none() {
            break;
        }
        assert!(
            cancelled_at.elapsed() < Duration::from_secs(5),
            "still held after 5 s"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let r = d
        .admin
        .query_one(
            "SELECT progress, log, finished_at IS NOT NULL, result IS NULL FROM jobs WHERE id = $1",
            &[&id],
        )
        .await
        .unwrap();
    let progress: i16 = r.get(0);
    assert!(progress < 10, "stopped early, at {progress}%");
    let log: String = r.get(1);
    assert!(log.contains("sleeping 60 s"), "{log}");
    assert!(log.contains("cancelled by"), "{log}");
    assert!(r.get::<_, bool>(2) && r.get::<_, bool>(3));
    stop_tx.send(()).unwrap();
    let s = worker.await.unwrap().unwrap();
    assert_eq!(s.cancelled, 1, "{s:?}");
    // Retried from the start, it runs again.
    let said = caseload::db::jobs::act(&a, id, caseload::domain::jobs::JobAction::Retry)
        .await
        .expect("retry");
    assert_eq!(said, "job queued again");
    let (status, attempts, ..) = state(&d, id).await;
    assert_eq!((status.as_str(), attempts), ("queued", 0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_failing_job_backs_off_doubling_then_fails_with_its_last_error() {
    let d = District::new().await;
    let w = Worker::new().await;
    let id = insert(
        &d,
        "sleep",
        json!({ "seconds": 0, "fail": "the printer is on fire" }),
    )
    .await;
    let pool = w.pool(&d);
    let mut waits = Vec::new();
    for attempt in 1..=3 {
        let s = run_once(pool.clone(), Registry::builtin()).await;
        assert_eq!(s.ran(), 1, "attempt {attempt}: {s:?}");
        let r = d
            .admin
            .query_one(
                "SELECT status::text, attempts, last_error, \
                        extract(epoch FROM run_at - now())::float8, finished_at IS NOT NULL \
                 FROM jobs WHERE id = $1",
                &[&id],
            )
            .await
            .unwrap();
        let (status, attempts, error): (String, i32, Option<String>) =
            (r.get(0), r.get(1), r.get(2));
        assert_eq!(attempts, attempt);
        assert_eq!(error.as_deref(), Some("the printer is on fire"));
        if attempt < 3 {
            assert_eq!(status, "retrying");
            waits.push(r.get::<_, f64>(3));
            assert!(!r.get::<_, bool>(4));
            // Not due yet: a worker now finds nothing.
            assert_eq!(run_once(pool.clone(), Registry::builtin()).await.ran(), 0);
            d.admin
                .execute("UPDATE jobs SET run_at = now() WHERE id = $1", &[&id])
                .await
                .unwrap();
        } else {
            assert_eq!(status, "failed");
            assert!(r.get::<_, bool>(4), "finished_at set");
        }
    }
    // The kind's base is 10 s: 10 s, then 20 s.
    assert!((9.0..=10.0).contains(&waits[0]), "{waits:?}");
    assert!((19.0..=20.0).contains(&waits[1]), "{waits:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_fatal_error_fails_at_once_and_an_unknown_kind_is_left_alone() {
    let d = District::new().await;
    let w = Worker::new().await;
    let bad = insert(&d, "sleep", json!({ "seconds": "soon" })).await;
    let other = insert(&d, "report.recap", json!({})).await;
    let s = run_once(w.pool(&d), Registry::builtin()).await;
    assert_eq!((s.failed, s.ran()), (1, 1), "{s:?}");
    let (status, attempts, error, _) = state(&d, bad).await;
    assert_eq!((status.as_str(), attempts), ("failed", 1));
    assert!(
        error
            .as_deref()
            .is_some_and(|e| e.starts_with("bad payload:")),
        "{error:?}"
    );
    // No handler here for it: another worker's to claim.
    assert_eq!(state(&d, other).await.0, "queued");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_scheduled_job_waits_for_its_time() {
    let d = District::new().await;
    let w = Worker::new().await;
    d.grant_jobs_tool("counselor").await;
    let a = d.connect_as("counselor_a").await;
    let later = chrono::Utc::now() + chrono::Duration::hours(1);
    let id = caseload::db::jobs::enqueue(&a, "noop", &json!({}), Some(later))
        .await
        .expect("enqueue");
    assert_eq!(state(&d, id).await.0, "scheduled");
    assert_eq!(run_once(w.pool(&d), Registry::builtin()).await.ran(), 0);
    assert_eq!(state(&d, id).await.0, "scheduled");
    d.admin
        .execute("UPDATE jobs SET run_at = now() WHERE id = $1", &[&id])
        .await
        .unwrap();
    assert_eq!(run_once(w.pool(&d), Registry::builtin()).await.succeeded, 1);
    assert_eq!(state(&d, id).await.0, "succeeded");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn notify_wakes_an_idle_worker_at_once() {
    let d = District::new().await;
    let w = Worker::new().await;
    d.grant_jobs_tool("counselor").await;
    let params =
        caseload::config::conn::resolve(Some(&w.conninfo(&d)), &|_| None, None).expect("params");
    let wake = Arc::new(Notify::new());
    let listener = tokio::spawn(runner::listen(params, wake.clone()));
    let mut o = opts(false);
    // Polling alone would take a minute.
    o.poll = Duration::from_secs(60);
    o.housekeeping = Duration::from_secs(60);
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let worker = tokio::spawn(runner::run(
        w.pool(&d),
        Registry::builtin(),
        o,
        wake,
        async move {
            let _ = stop_rx.await;
        },
    ));
    // Idle, listening.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let a = d.connect_as("counselor_a").await;
    let id = caseload::db::jobs::enqueue(&a, "noop", &json!({}), None)
        .await
        .expect("enqueue");
    wait_for(&d, id, "succeeded", Duration::from_secs(3)).await;
    stop_tx.send(()).unwrap();
    worker.await.unwrap().unwrap();
    listener.abort();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_worker_that_is_not_one_is_told_what_to_fix() {
    let d = District::new().await;
    let pool = common::pool(&d.db.conninfo(), Some(d.login("counselor_a")), None);
    let e = runner::run(
        pool,
        Registry::builtin(),
        opts(true),
        Arc::new(Notify::new()),
        std::future::pending(),
    )
    .await
    .expect_err("a counselor is no worker");
    let said = e.to_string();
    assert!(said.contains("member of caseload_worker"), "{said}");
}
