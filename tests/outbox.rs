//! The outbox against real servers: a save is confirmed and its files go;
//! a save made while the server is down waits on disk and lands, byte for
//! byte, once a restarted server is back; a save left by an earlier run is
//! sent at start; a connection killed mid-save is retried without saving
//! twice; a server that is unreachable keeps the save and retries with
//! backoff; a corrupt outbox file is reported and kept.

mod common;

use caseload::config::DatabaseConfig;
use caseload::config::conn::resolve;
use caseload::db::pool::build_pool;
use caseload::demo::PrivateCluster;
use caseload::demo::seed::{self, DEMO_COUNSELOR};
use caseload::domain::kinds::Attendance;
use caseload::domain::session::{SessionValues, SessionWrite};
use caseload::drafts::DraftStore;
use caseload::worker::outbox::{
    Connect, Outbox, OutboxEvent, OutboxOptions, QueuedSave, pool_connect,
};
use chrono::NaiveDate;
use common::TestDb;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use tokio::sync::mpsc::{UnboundedReceiver, unbounded_channel};
use tokio_postgres::Client;
use uuid::Uuid;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 25).unwrap()
}

fn fast_cfg() -> DatabaseConfig {
    DatabaseConfig {
        pool_max_size: 2,
        connect_timeout_secs: 2,
        wait_timeout_secs: 2,
        recycle_timeout_secs: 2,
        ..DatabaseConfig::default()
    }
}

fn fast_retry() -> OutboxOptions {
    OutboxOptions {
        first_retry: Duration::from_millis(100),
        max_retry: Duration::from_millis(800),
        ..OutboxOptions::default()
    }
}

fn pool_to(conninfo: &str) -> Connect {
    let params = resolve(Some(conninfo), &|_| None, None).expect("conninfo");
    pool_connect(build_pool(&params, &fast_cfg()).expect("pool"))
}

/// A note with multi-byte text and newlines.
fn long_note() -> String {
    let mut s = String::new();
    for i in 0..40 {
        s.push_str(&format!("{i}: Nguyễn Thị — 读书 ✓ «read aloud», 🙂\n"));
    }
    s.push_str("\r\nlast line, no newline at the end");
    s
}

fn queued(intervention_id: Uuid, note: &str) -> QueuedSave {
    QueuedSave {
        write: SessionWrite {
            id: Uuid::new_v4(),
            intervention_id,
            base_version: None,
            values: SessionValues {
                session_date: today(),
                start_time: None,
                minutes: 30,
                attendance: Attendance::Present,
                fidelity: Some(90),
                note: Some(note.to_string()),
                field_values: serde_json::json!({}),
                is_restricted: false,
                scores: vec![],
            },
        },
        label: "Nguyen, An — Outbox test plan, 2026-11-25".to_string(),
    }
}

/// An active custom plan, owned by the demo counselor, for a student on
/// their caseload: the counselor may log its sessions.
async fn counselor_intervention(admin: &Client) -> Uuid {
    let me: Uuid = admin
        .query_one(
            "SELECT id FROM users WHERE username = $1",
            &[&DEMO_COUNSELOR],
        )
        .await
        .unwrap()
        .get(0);
    let (student, school): (Uuid, Uuid) = {
        let r = admin
            .query_one(
                "SELECT id, school_id FROM students ORDER BY (counselor_id = $1) DESC, id LIMIT 1",
                &[&me],
            )
            .await
            .unwrap();
        (r.get(0), r.get(1))
    };
    admin
        .execute(
            "UPDATE students SET counselor_id = $1 WHERE id = $2",
            &[&me, &student],
        )
        .await
        .unwrap();
    let iv: Uuid = admin
        .query_one(
            "INSERT INTO interventions (student_id, school_id, custom_name, intervention_type, \
             tier, status, start_date, owner_id) \
             VALUES ($1, $2, 'Outbox test plan', 'reading', 2, 'active', $3, $4) RETURNING id",
            &[&student, &school, &(today() - chrono::Days::new(14)), &me],
        )
        .await
        .unwrap()
        .get(0);
    admin
        .execute(
            "INSERT INTO intervention_team (intervention_id, user_id, role) \
             SELECT $1, $2, 'owner' WHERE NOT EXISTS \
             (SELECT 1 FROM intervention_team WHERE intervention_id = $1 AND user_id = $2)",
            &[&iv, &me],
        )
        .await
        .unwrap();
    iv
}

/// The next event, within `within`.
async fn next(rx: &mut UnboundedReceiver<OutboxEvent>, within: Duration) -> OutboxEvent {
    match tokio::time::timeout(within, rx.recv()).await {
        Ok(Some(e)) => e,
        Ok(None) => panic!("event channel closed"),
        Err(_) => panic!("no event within {within:?}"),
    }
}

/// Events until one matches; returns them all, the match last.
async fn until(
    rx: &mut UnboundedReceiver<OutboxEvent>,
    within: Duration,
    mut pred: impl FnMut(&OutboxEvent) -> bool,
) -> Vec<OutboxEvent> {
    let deadline = Instant::now() + within;
    let mut seen = Vec::new();
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, rx.recv()).await {
            Ok(Some(e)) => {
                let done = pred(&e);
                seen.push(e);
                if done {
                    return seen;
                }
            }
            Ok(None) => panic!("event channel closed; seen {seen:#?}"),
            Err(_) => panic!("no matching event within {within:?}; seen {seen:#?}"),
        }
    }
}

/// Events until `id` is saved, none of them a conflict or a refusal.
async fn saved_cleanly(
    rx: &mut UnboundedReceiver<OutboxEvent>,
    id: Uuid,
    within: Duration,
) -> Vec<OutboxEvent> {
    let seen = until(rx, within, |e| saved_id(e) == Some(id)).await;
    assert!(
        !seen.iter().any(|e| matches!(
            e,
            OutboxEvent::Conflict { .. } | OutboxEvent::Refused { .. }
        )),
        "{seen:#?}"
    );
    seen
}

fn saved_id(e: &OutboxEvent) -> Option<Uuid> {
    match e {
        OutboxEvent::Saved { id, .. } => Some(*id),
        _ => None,
    }
}

async fn rows_of(admin: &Client, id: Uuid) -> Vec<Option<String>> {
    admin
        .query(
            "SELECT note FROM intervention_sessions WHERE id = $1",
            &[&id],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect()
}

/// The shared server, as the demo counselor (row-level security applies).
async fn shared() -> (TestDb, Client, Uuid, Connect) {
    let (db, admin, iv, conninfo) = shared_conninfo().await;
    (db, admin, iv, pool_to(&conninfo))
}

/// [`shared`]'s database and the counselor's connection string (with the
/// password).
async fn shared_conninfo() -> (TestDb, Client, Uuid, String) {
    let (db, admin) = TestDb::seeded(30, 11, today()).await;
    let iv = counselor_intervention(&admin).await;
    let (conninfo, password) = db
        .demo_login(&admin, DEMO_COUNSELOR, "caseload_counselor")
        .await;
    (db, admin, iv, format!("{conninfo} password={password}"))
}

#[tokio::test]
async fn a_save_with_the_server_up_is_confirmed_and_its_files_go() {
    let (_db, admin, iv, connect) = shared().await;
    let state = tempfile::tempdir().unwrap();
    let store = Arc::new(DraftStore::open(state.path()).unwrap());
    let (tx, mut rx) = unbounded_channel();
    let outbox = Outbox::start_with(store.clone(), connect, tx, fast_retry());

    let q = queued(iv, &long_note());
    let id = q.write.id;
    store
        .write_draft(id, b"{\"the editor's\": \"draft\"}")
        .unwrap();
    outbox.submit(q.clone()).unwrap();

    let seen = until(&mut rx, Duration::from_secs(30), |e| {
        matches!(e, OutboxEvent::Pending { count: 0, .. })
    })
    .await;
    assert_eq!(
        seen,
        vec![
            OutboxEvent::Pending {
                count: 1,
                last_error: None
            },
            OutboxEvent::Saved {
                id,
                version: 1,
                label: q.label.clone()
            },
            OutboxEvent::Pending {
                count: 0,
                last_error: None
            },
        ]
    );
    assert!(!store.outbox_path(id).exists());
    assert!(!store.draft_path(id).exists());
    assert_eq!(rows_of(&admin, id).await, vec![Some(long_note())]);
    assert_eq!(outbox.pending(), 0);
}

#[tokio::test]
async fn a_draft_written_after_submit_is_kept_and_a_conflict_keeps_the_draft() {
    let (_db, admin, iv, connect) = shared().await;
    let state = tempfile::tempdir().unwrap();
    let store = Arc::new(DraftStore::open(state.path()).unwrap());
    let (tx, mut rx) = unbounded_channel();
    // Held until the draft has been rewritten: the save waits for a connection.
    let gate = Arc::new(tokio::sync::Semaphore::new(0));
    let g = gate.clone();
    let gated: Connect = Arc::new(move || {
        let g = g.clone();
        let c = connect.clone();
        Box::pin(async move {
            g.acquire().await.unwrap().forget();
            c().await
        })
    });
    let outbox = Outbox::start_with(store.clone(), gated, tx, fast_retry());

    let q = queued(iv, "first words");
    let id = q.write.id;
    store.write_draft(id, b"first words").unwrap();
    outbox.submit(q.clone()).unwrap();
    assert!(store.outbox_path(id).exists(), "accepted = on disk");
    store
        .write_draft(id, b"first words, and then more")
        .unwrap();
    gate.add_permits(1);
    let seen = until(&mut rx, Duration::from_secs(30), |e| {
        saved_id(e) == Some(id)
    })
    .await;
    assert!(matches!(
        seen.last(),
        Some(OutboxEvent::Saved { version: 1, .. })
    ));
    assert!(!store.outbox_path(id).exists());
    assert_eq!(
        std::fs::read(store.draft_path(id)).unwrap(),
        b"first words, and then more",
        "newer typing survives the confirmation of an older save"
    );

    // Edited elsewhere in the meantime: saving at version 1 conflicts.
    admin
        .execute(
            "UPDATE intervention_sessions SET note = 'from another client', \
             version = version + 1 WHERE id = $1",
            &[&id],
        )
        .await
        .unwrap();
    let mut stale = q.clone();
    stale.write.base_version = Some(1);
    stale.write.values.note = Some("first words, and then more".into());
    outbox.submit(stale).unwrap();
    gate.add_permits(1);
    let seen = until(&mut rx, Duration::from_secs(30), |e| {
        matches!(
            e,
            OutboxEvent::Conflict { .. } | OutboxEvent::Refused { .. }
        )
    })
    .await;
    match seen.last().unwrap() {
        OutboxEvent::Conflict {
            id: cid, theirs, ..
        } => {
            assert_eq!(*cid, id);
            assert_eq!(theirs.values.note.as_deref(), Some("from another client"));
            assert_eq!(theirs.version, 2);
        }
        other => panic!("expected a conflict, got {other:?}"),
    }
    assert!(!store.outbox_path(id).exists());
    assert!(
        store.draft_path(id).exists(),
        "the user resolves it from the draft"
    );
    assert_eq!(
        rows_of(&admin, id).await,
        vec![Some("from another client".into())]
    );
}

#[tokio::test]
async fn a_save_left_by_an_earlier_run_is_sent_at_start() {
    let (_db, admin, iv, connect) = shared().await;
    let state = tempfile::tempdir().unwrap();
    let q = queued(iv, &long_note());
    let id = q.write.id;
    {
        // The earlier run: accepted the save, then died before sending it.
        let store = DraftStore::open(state.path()).unwrap();
        store.write_draft(id, b"draft").unwrap();
        store
            .write_outbox(id, &serde_json::to_vec(&q).unwrap())
            .unwrap();
    }
    let store = Arc::new(DraftStore::open(state.path()).unwrap());
    let (tx, mut rx) = unbounded_channel();
    let _outbox = Outbox::start_with(store.clone(), connect, tx, fast_retry());
    let seen = until(&mut rx, Duration::from_secs(30), |e| {
        matches!(e, OutboxEvent::Pending { count: 0, .. })
    })
    .await;
    assert_eq!(
        seen.iter().filter_map(saved_id).collect::<Vec<_>>(),
        vec![id]
    );
    assert!(!store.outbox_path(id).exists());
    // The earlier run recorded no draft fingerprint: a draft is never
    // deleted on a guess.
    assert!(store.draft_path(id).exists());
    assert_eq!(rows_of(&admin, id).await, vec![Some(long_note())]);
}

#[tokio::test]
async fn a_connection_killed_mid_save_is_retried_and_saves_once() {
    killed_mid_save_is_retried_and_saves_once(false).await;
}

/// The same behind PgBouncer in transaction mode: the server connection it
/// lent dies mid-save; the save is retried on another and lands once.
#[tokio::test]
async fn through_pgbouncer_a_connection_killed_mid_save_is_retried_and_saves_once() {
    killed_mid_save_is_retried_and_saves_once(true).await;
}

async fn killed_mid_save_is_retried_and_saves_once(through_pgbouncer: bool) {
    let (db, mut admin, iv, connect, _bouncer) = if through_pgbouncer {
        let (db, admin, iv, conninfo) = shared_conninfo().await;
        let bouncer = common::bouncer::trusting(&[DEMO_COUNSELOR], 2);
        let connect = pool_to(&common::bouncer::via(&bouncer, &conninfo));
        (db, admin, iv, connect, Some(bouncer))
    } else {
        let (db, admin, iv, connect) = shared().await;
        (db, admin, iv, connect, None)
    };
    let state = tempfile::tempdir().unwrap();
    let store = Arc::new(DraftStore::open(state.path()).unwrap());
    let (tx, mut rx) = unbounded_channel();
    let outbox = Outbox::start_with(store.clone(), connect, tx, fast_retry());

    // The save blocks on this lock, mid-transaction.
    let lock = admin.transaction().await.unwrap();
    lock.batch_execute("LOCK TABLE intervention_sessions IN ACCESS EXCLUSIVE MODE")
        .await
        .unwrap();
    let q = queued(iv, &long_note());
    let id = q.write.id;
    outbox.submit(q).unwrap();

    let observer = common::connect(&db.conninfo()).await;
    let find_waiting = async || -> Option<i32> {
        observer
            .query_opt(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() \
                 AND usename = $1 AND wait_event_type = 'Lock'",
                &[&DEMO_COUNSELOR],
            )
            .await
            .unwrap()
            .map(|r| r.get(0))
    };
    // The pid of a save waiting on the lock, other than `not`.
    let waiting_save = async |not: Option<i32>| -> i32 {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(pid) = find_waiting().await.filter(|p| Some(*p) != not) {
                return pid;
            }
            assert!(
                Instant::now() < deadline,
                "no save waited on the lock (other than {not:?})"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    };
    let pid = waiting_save(None).await;
    observer
        .execute("SELECT pg_terminate_backend($1)", &[&pid])
        .await
        .unwrap();
    let seen = until(&mut rx, Duration::from_secs(20), |e| {
        matches!(
            e,
            OutboxEvent::Pending {
                last_error: Some(_),
                ..
            }
        )
    })
    .await;
    assert!(seen.iter().all(|e| saved_id(e).is_none()), "{seen:#?}");
    assert!(store.outbox_path(id).exists());

    // The retry waits on the lock again, on a new connection; once the
    // lock is released it lands.
    waiting_save(Some(pid)).await;
    lock.rollback().await.unwrap();
    saved_cleanly(&mut rx, id, Duration::from_secs(30)).await;
    assert!(!store.outbox_path(id).exists());
    assert_eq!(rows_of(&admin, id).await, vec![Some(long_note())]);
}

/// "Stop and restart PostgreSQL while a note is being written and saved:
/// it is saved once the server returns, every character intact."
#[tokio::test]
async fn a_note_saved_while_the_server_restarts_lands_intact() {
    let mut cluster = PrivateCluster::temporary("caseload-outbox-test").unwrap();
    cluster.start(&[]).unwrap();
    let dir = cluster.socket_dir().display().to_string();
    let server = format!("host={dir} port=5432 connect_timeout=2");
    let admin_of = |db: &str| format!("{server} user=postgres dbname={db}");
    {
        let postgres = common::connect(&admin_of("postgres")).await;
        postgres
            .batch_execute("CREATE DATABASE caseload_outbox")
            .await
            .unwrap();
    }
    let mut admin = common::connect(&admin_of("caseload_outbox")).await;
    caseload::db::migrate::run(&mut admin, &caseload::db::migrate::embedded())
        .await
        .expect("migrate");
    seed::seed(
        &mut admin,
        &seed::SeedOptions {
            students: 30,
            seed: 11,
            today: today(),
        },
    )
    .await
    .expect("seed");
    let iv = counselor_intervention(&admin).await;
    let password =
        caseload::demo::login::ensure_login(&admin, DEMO_COUNSELOR, "caseload_counselor")
            .await
            .unwrap();
    drop(admin);
    let connect = pool_to(&format!(
        "{server} user={DEMO_COUNSELOR} password={password} dbname=caseload_outbox"
    ));

    let state = tempfile::tempdir().unwrap();
    let store = Arc::new(DraftStore::open(state.path()).unwrap());
    let (tx, mut rx) = unbounded_channel();
    let outbox = Outbox::start_with(store.clone(), connect, tx, fast_retry());

    // A first save warms the pool: its idle connection dies with the server.
    let warm = queued(iv, "before the restart");
    outbox.submit(warm.clone()).unwrap();
    until(&mut rx, Duration::from_secs(30), |e| {
        matches!(e, OutboxEvent::Pending { count: 0, .. })
    })
    .await;

    cluster.stop();
    assert!(!cluster.is_running());
    let note = long_note();
    let q = queued(iv, &note);
    let id = q.write.id;
    outbox.submit_with_draft(q, note.as_bytes()).unwrap();
    assert_eq!(
        std::fs::read(store.draft_path(id)).unwrap(),
        note.as_bytes()
    );
    assert_eq!(
        next(&mut rx, Duration::from_secs(5)).await,
        OutboxEvent::Pending {
            count: 1,
            last_error: None
        }
    );
    match next(&mut rx, Duration::from_secs(20)).await {
        OutboxEvent::Pending {
            count: 1,
            last_error: Some(why),
        } => eprintln!("while down: {why}"),
        other => panic!("expected a pending save with an error, got {other:?}"),
    }
    let on_disk: QueuedSave =
        serde_json::from_slice(&std::fs::read(store.outbox_path(id)).unwrap()).unwrap();
    assert_eq!(on_disk.write.values.note.as_deref(), Some(note.as_str()));
    // Retries while down keep it queued and say nothing new.
    tokio::time::sleep(Duration::from_secs(2)).await;
    while let Ok(e) = rx.try_recv() {
        assert!(
            matches!(e, OutboxEvent::Pending { count: 1, .. }),
            "while down: {e:?}"
        );
    }
    assert!(store.outbox_path(id).exists());

    cluster.start(&[]).unwrap();
    outbox.nudge();
    saved_cleanly(&mut rx, id, Duration::from_secs(60)).await;
    assert_eq!(
        next(&mut rx, Duration::from_secs(5)).await,
        OutboxEvent::Pending {
            count: 0,
            last_error: None
        }
    );
    assert!(!store.outbox_path(id).exists());
    assert!(!store.draft_path(id).exists());

    let admin = common::connect(&admin_of("caseload_outbox")).await;
    let rows = rows_of(&admin, id).await;
    assert_eq!(rows.len(), 1, "exactly one row");
    let stored = rows[0].clone().unwrap();
    assert_eq!(stored.as_bytes(), note.as_bytes(), "every character intact");
    assert_eq!(
        rows_of(&admin, warm.write.id).await,
        vec![Some("before the restart".to_string())]
    );
    drop(admin);
    drop(outbox);
}

#[tokio::test]
async fn an_unreachable_server_keeps_the_save_and_retries_with_backoff() {
    // Nothing listens on this port: connection refused, from a real socket.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let inner = pool_to(&format!(
        "host=127.0.0.1 port={port} user=nobody dbname=nothing connect_timeout=1"
    ));
    let attempts = Arc::new(AtomicUsize::new(0));
    let a = attempts.clone();
    let counting: Connect = Arc::new(move || {
        a.fetch_add(1, Ordering::SeqCst);
        inner()
    });
    let state = tempfile::tempdir().unwrap();
    let store = Arc::new(DraftStore::open(state.path()).unwrap());
    let (tx, mut rx) = unbounded_channel();
    let outbox = Outbox::start_with(
        store.clone(),
        counting,
        tx,
        OutboxOptions {
            first_retry: Duration::from_millis(1500),
            max_retry: Duration::from_secs(10),
            ..OutboxOptions::default()
        },
    );

    let q = queued(Uuid::new_v4(), "written offline");
    let id = q.write.id;
    store.write_draft(id, b"written offline").unwrap();
    outbox.submit(q.clone()).unwrap();
    assert_eq!(
        next(&mut rx, Duration::from_secs(5)).await,
        OutboxEvent::Pending {
            count: 1,
            last_error: None
        }
    );
    match next(&mut rx, Duration::from_secs(5)).await {
        OutboxEvent::Pending {
            count: 1,
            last_error: Some(why),
        } => assert!(why.to_lowercase().contains("refused"), "{why}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(attempts.load(Ordering::SeqCst), 1);
    assert!(store.outbox_path(id).exists());

    // Backing off: no second attempt within the first delay…
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(attempts.load(Ordering::SeqCst), 1);
    // …unless nudged.
    outbox.nudge();
    let deadline = Instant::now() + Duration::from_secs(2);
    while attempts.load(Ordering::SeqCst) < 2 {
        assert!(Instant::now() < deadline, "a nudge retries at once");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // Then retries on its own.
    let deadline = Instant::now() + Duration::from_secs(5);
    while attempts.load(Ordering::SeqCst) < 3 {
        assert!(Instant::now() < deadline, "retries after the backoff");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    // A newer submit of the same id replaces the queued one: still one.
    let mut newer = q.clone();
    newer.write.values.note = Some("written offline, and more".into());
    outbox.submit(newer).unwrap();
    assert_eq!(outbox.pending(), 1);
    let on_disk: QueuedSave =
        serde_json::from_slice(&std::fs::read(store.outbox_path(id)).unwrap()).unwrap();
    assert_eq!(
        on_disk.write.values.note.as_deref(),
        Some("written offline, and more")
    );
    while let Ok(e) = rx.try_recv() {
        assert!(matches!(e, OutboxEvent::Pending { count: 1, .. }), "{e:?}");
    }

    // Shutting down keeps it for the next run; so does a new start.
    drop(outbox);
    assert!(store.outbox_path(id).exists());
    assert!(store.draft_path(id).exists());

    // Discarding takes it out of the queue and off the disk, draft kept.
    let (tx, mut rx) = unbounded_channel();
    let never: Connect = Arc::new(|| Box::pin(async { Err("offline".to_string()) }));
    let outbox = Outbox::start_with(store.clone(), never, tx, fast_retry());
    let seen = until(&mut rx, Duration::from_secs(5), |e| {
        matches!(
            e,
            OutboxEvent::Pending {
                count: 1,
                last_error: Some(_)
            }
        )
    })
    .await;
    assert_eq!(
        seen[0],
        OutboxEvent::Pending {
            count: 1,
            last_error: None
        }
    );
    outbox.discard(id).unwrap();
    assert_eq!(
        until(&mut rx, Duration::from_secs(5), |e| matches!(
            e,
            OutboxEvent::Pending { count: 0, .. }
        ))
        .await
        .last(),
        Some(&OutboxEvent::Pending {
            count: 0,
            last_error: None
        })
    );
    assert!(!store.outbox_path(id).exists());
    assert!(store.draft_path(id).exists());
}

#[tokio::test]
async fn a_corrupt_outbox_file_is_reported_and_kept() {
    let state = tempfile::tempdir().unwrap();
    let store = Arc::new(DraftStore::open(state.path()).unwrap());
    let torn = Uuid::new_v4();
    store.write_outbox(torn, b"{\"write\": {\"id\"").unwrap();
    let elsewhere = queued(Uuid::new_v4(), "filed under another id");
    let misfiled = Uuid::new_v4();
    store
        .write_outbox(misfiled, &serde_json::to_vec(&elsewhere).unwrap())
        .unwrap();
    let stray = store.outbox_dir().join("stray.txt");
    std::fs::write(&stray, b"?").unwrap();

    let (tx, mut rx) = unbounded_channel();
    let never: Connect = Arc::new(|| Box::pin(async { Err("offline".to_string()) }));
    let _outbox = Outbox::start_with(store.clone(), never, tx, fast_retry());
    let mut refused = Vec::new();
    for _ in 0..3 {
        match next(&mut rx, Duration::from_secs(5)).await {
            OutboxEvent::Refused { id, why, .. } => {
                assert!(why.contains("could not be read back"), "{why}");
                refused.push(id);
            }
            other => panic!("{other:?}"),
        }
    }
    refused.sort();
    let mut expected = vec![torn, misfiled, Uuid::nil()];
    expected.sort();
    assert_eq!(refused, expected);
    // Nothing queued, nothing deleted.
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(rx.try_recv().is_err());
    assert!(store.outbox_path(torn).exists());
    assert!(store.outbox_path(misfiled).exists());
    assert!(stray.exists());
}

#[tokio::test]
async fn a_newer_submit_while_one_is_on_its_way_follows_it() {
    let (_db, admin, iv, connect) = shared().await;
    let state = tempfile::tempdir().unwrap();
    let store = Arc::new(DraftStore::open(state.path()).unwrap());
    let (tx, mut rx) = unbounded_channel();
    let gate = Arc::new(tokio::sync::Semaphore::new(0));
    let asked = Arc::new(AtomicUsize::new(0));
    let (g, a) = (gate.clone(), asked.clone());
    let gated: Connect = Arc::new(move || {
        let (g, c) = (g.clone(), connect.clone());
        a.fetch_add(1, Ordering::SeqCst);
        Box::pin(async move {
            g.acquire().await.unwrap().forget();
            c().await
        })
    });
    let outbox = Outbox::start_with(store.clone(), gated, tx, fast_retry());

    let first = queued(iv, "first version");
    let id = first.write.id;
    outbox
        .submit_with_draft(first.clone(), b"first version")
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(5);
    while asked.load(Ordering::SeqCst) == 0 {
        assert!(Instant::now() < deadline);
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    // The first is on its way (waiting for its connection); the person
    // saves again, from the same starting point.
    let mut second = first.clone();
    second.write.values.note = Some("second version".into());
    outbox.submit_with_draft(second, b"second version").unwrap();
    assert_eq!(outbox.pending(), 1);
    gate.add_permits(2);
    let seen = until(&mut rx, Duration::from_secs(30), |e| {
        matches!(e, OutboxEvent::Pending { count: 0, .. })
    })
    .await;
    let saved: Vec<&OutboxEvent> = seen
        .iter()
        .filter(|e| !matches!(e, OutboxEvent::Pending { .. }))
        .collect();
    // The second edits the row the first made: no conflict with oneself.
    assert_eq!(
        saved,
        vec![&OutboxEvent::Saved {
            id,
            version: 2,
            label: first.label.clone()
        }]
    );
    assert_eq!(
        rows_of(&admin, id).await,
        vec![Some("second version".to_string())]
    );
    assert!(!store.outbox_path(id).exists());
    assert!(!store.draft_path(id).exists());
}
