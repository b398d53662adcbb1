//! Reads on a standby (`database.read_url`), against a real pair: a private
//! primary and a streaming standby made from it with `pg_basebackup -R`,
//! both on loopback ports of their own under /tmp, torn down at the end.
//!
//! What a person would notice: the interventions list and a report come
//! from the standby (a change the standby has not replayed is not in them);
//! their own save is in the list at once however far behind the standby
//! is; a standby held back past the limit is not read from, and the status
//! line says so; a superseded read on the standby is cancelled there; a
//! stopped standby changes nothing but that line.

mod common;

use caseload::app::{Data, Effect, Msg, Read, ReqId, Wrote};
use caseload::config::DatabaseConfig;
use caseload::config::conn::{resolve, resolve_read_targets};
use caseload::db::migrate;
use caseload::db::pool::build_pool_with_tls;
use caseload::db::tls::Tls;
use caseload::demo::seed::{self, DEMO_COORDINATOR};
use caseload::domain::enums::InterventionStatus;
use caseload::domain::iv_list::{IvPage, IvPageRequest, IvQuery};
use caseload::worker::Worker;
use caseload::worker::read_target::{Choice, ReadRouter};
use common::server_bin::ServerBin;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio_postgres::{Client, NoTls};
use uuid::Uuid;

/// A primary and its standby; both stopped and removed on drop.
struct Pair {
    dir: tempfile::TempDir,
    server: ServerBin,
    primary_port: u16,
    standby_port: u16,
}

fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    l.local_addr().expect("addr").port()
}

impl Pair {
    fn new() -> Pair {
        let server = ServerBin::find();
        let dir = server.tempdir("caseload-standby-");
        let pair = Pair {
            dir,
            server,
            primary_port: free_port(),
            standby_port: free_port(),
        };
        let mut initdb = pair.server.pg("initdb");
        initdb.arg("-D").arg(pair.data("primary")).args([
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-instructions",
        ]);
        pair.server.must(&mut initdb);
        pair.start("primary", pair.primary_port);
        pair
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn data(&self, which: &str) -> PathBuf {
        self.path().join(which)
    }

    fn start(&self, which: &str, port: u16) {
        let mut start = self.server.pg("pg_ctl");
        start
            .arg("-D")
            .arg(self.data(which))
            .arg("-l")
            .arg(self.path().join(format!("{which}.log")))
            .args(["-w", "-t", "60", "-o"])
            .arg(format!(
                "-p {port} -k {} -c listen_addresses=127.0.0.1",
                self.path().display()
            ))
            .arg("start");
        self.server.must(&mut start);
    }

    fn stop(&self, which: &str) {
        self.server.must(
            self.server
                .pg("pg_ctl")
                .arg("-D")
                .arg(self.data(which))
                .args(["-m", "fast", "-w", "stop"]),
        );
    }

    /// The standby: a base backup of the primary as it is now, streaming
    /// from it (`-R` writes primary_conninfo and standby.signal).
    fn start_standby(&self) {
        let mut backup = self.server.pg("pg_basebackup");
        backup
            .args([
                "-h",
                "127.0.0.1",
                "-U",
                "postgres",
                "-R",
                "-X",
                "stream",
                "-c",
                "fast",
            ])
            .arg("-p")
            .arg(self.primary_port.to_string())
            .arg("-D")
            .arg(self.data("standby"));
        self.server.must(&mut backup);
        self.start("standby", self.standby_port);
    }

    fn conninfo(&self, port: u16, user: &str, dbname: &str) -> String {
        format!("host=127.0.0.1 port={port} user={user} dbname={dbname} sslmode=disable")
    }

    async fn superuser(&self, port: u16, dbname: &str) -> Client {
        let (c, conn) = tokio_postgres::connect(&self.conninfo(port, "postgres", dbname), NoTls)
            .await
            .expect("superuser connects");
        tokio::spawn(conn);
        c
    }
}

impl Drop for Pair {
    fn drop(&mut self) {
        for which in ["standby", "primary"] {
            let _ = self
                .server
                .pg("pg_ctl")
                .arg("-D")
                .arg(self.data(which))
                .args(["-m", "immediate", "-w", "stop"])
                .output();
        }
    }
}

/// The coordinator's worker on the primary, reading through `router`.
struct Person {
    worker: Worker,
    primary: deadpool_postgres::Pool,
    router: Arc<ReadRouter>,
    notes: tokio::sync::mpsc::UnboundedReceiver<Msg>,
}

fn person(pair: &Pair, password: &str, read_url: &str, max_lag_secs: u64) -> Person {
    let info = format!(
        "{} password={password}",
        pair.conninfo(pair.primary_port, DEMO_COORDINATOR, "caseload")
    );
    let params = resolve(Some(&info), &|_| None, None).expect("params");
    let db = DatabaseConfig {
        max_standby_lag_secs: max_lag_secs,
        ..DatabaseConfig::default()
    };
    let tls = Tls::for_params(&params).expect("tls");
    let pool = build_pool_with_tls(&params, &db, &tls).expect("pool");
    let targets = resolve_read_targets(read_url, &params).expect("read_url");
    let router = Arc::new(ReadRouter::new(targets, &db).expect("router"));
    let (tx, notes) = tokio::sync::mpsc::unbounded_channel();
    router.notify_to(tx);
    Person {
        worker: Worker::new(pool.clone(), tls).with_reads(router.clone()),
        primary: pool,
        router,
        notes,
    }
}

impl Person {
    async fn list(&self) -> IvPage {
        let read = Read::IvPage {
            query: IvQuery::default(),
            page: IvPageRequest::First,
            limit: 500,
        };
        match self
            .worker
            .execute(Effect::Load {
                req: ReqId(1),
                read,
            })
            .await
        {
            Some(Msg::Loaded {
                data: Data::IvPage { page },
                ..
            }) => page,
            other => panic!("the interventions list: {other:?}"),
        }
    }

    /// The last status-line note the worker sent, if any since last asked.
    fn last_note(&mut self) -> Option<Option<String>> {
        let mut last = None;
        while let Ok(Msg::ReadsFrom { note }) = self.notes.try_recv() {
            last = Some(note);
        }
        last
    }

    async fn choice(&self) -> Choice {
        self.router.choice(&self.primary).await
    }
}

fn first_name_of(page: &IvPage, student: Uuid) -> String {
    page.rows
        .iter()
        .find(|r| r.student_id == student)
        .map(|r| r.first_name.clone())
        .expect("the student is in the list")
}

async fn wait_caught_up(primary: &Client, standby: &Client) {
    let target: String = primary
        .query_one("SELECT pg_current_wal_lsn()::text", &[])
        .await
        .expect("lsn")
        .get(0);
    let until = Instant::now() + Duration::from_secs(30);
    loop {
        let done: bool = standby
            .query_one(
                "SELECT pg_last_wal_replay_lsn() >= $1::text::pg_lsn",
                &[&target],
            )
            .await
            .expect("replay lsn")
            .get(0);
        if done {
            return;
        }
        assert!(Instant::now() < until, "the standby did not catch up");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reads_go_to_the_standby_fall_back_and_follow_own_saves() {
    let today = common::pin_today();
    let pair = Pair::new();
    let boot = pair.superuser(pair.primary_port, "postgres").await;
    boot.batch_execute("CREATE DATABASE caseload")
        .await
        .expect("createdb");
    let mut su = pair.superuser(pair.primary_port, "caseload").await;
    migrate::run(&mut su, &migrate::embedded())
        .await
        .expect("migrate");
    seed::seed(
        &mut su,
        &seed::SeedOptions {
            students: 120,
            seed: 19,
            today,
        },
    )
    .await
    .expect("seed");
    let password =
        caseload::demo::login::ensure_login(&su, DEMO_COORDINATOR, "caseload_coordinator")
            .await
            .expect("login role");
    pair.start_standby();
    let standby_su = pair.superuser(pair.standby_port, "caseload").await;
    // One commit streamed and replayed, so the standby knows how old its
    // last replayed transaction is (before any, its lag is unknown).
    su.batch_execute("CREATE TABLE replayed_once ()")
        .await
        .expect("a commit");
    wait_caught_up(&su, &standby_su).await;

    // Both hosts in one URL, the standby second: prefer-standby passes
    // over the primary to it.
    let read_url = format!(
        "host=127.0.0.1,127.0.0.1 port={},{} target_session_attrs=prefer-standby",
        pair.primary_port, pair.standby_port
    );
    let mut a = person(&pair, &password, &read_url, 3600);
    let before = a.list().await;
    assert!(
        !before.rows.is_empty(),
        "the coordinator sees interventions"
    );
    match a.choice().await {
        Choice::Host {
            index: 1,
            in_recovery: true,
            ..
        } => {}
        other => panic!("reads should go to the standby: {other:?}"),
    }

    // The standby is held back; a change on the primary is not in the list
    // read from it (so the list really came from the standby).
    let row = before
        .rows
        .iter()
        .find(|r| r.status == InterventionStatus::Active)
        .expect("an active intervention")
        .clone();
    let old_name = row.first_name.clone();
    standby_su
        .batch_execute("SELECT pg_wal_replay_pause()")
        .await
        .expect("pause replay");
    su.execute(
        "UPDATE students SET first_name = 'Renamed' WHERE id = $1",
        &[&row.student_id],
    )
    .await
    .expect("rename on the primary");
    assert_eq!(first_name_of(&a.list().await, row.student_id), old_name);

    // A report, run as the person's own job, reads there too.
    let local_id: String = su
        .query_one(
            "SELECT local_id FROM students WHERE id = $1",
            &[&row.student_id],
        )
        .await
        .expect("local id")
        .get(0);
    let out = tempfile::tempdir().expect("report folder");
    let report = report_job(&pair, &password, &a.router, &local_id, out.path()).await;
    assert!(
        report.log.contains("read on the read host"),
        "{}",
        report.log
    );
    assert!(
        report.html.contains(&old_name),
        "the report read the standby"
    );
    assert!(
        !report.html.contains("Renamed"),
        "the report read the standby"
    );
    let audited: i64 = su
        .query_one(
            "SELECT count(*) FROM audit_events WHERE table_name = 'report.student' AND student_id IS NULL",
            &[],
        )
        .await
        .expect("audit")
        .get(0);
    assert_eq!(audited, 1, "the audit event is written on the primary");

    // The person's own save, with the standby still held back: the list
    // shows it at once (read from the primary, which also has the rename).
    let version: i32 = su
        .query_one(
            "SELECT version FROM interventions WHERE id = $1",
            &[&row.id],
        )
        .await
        .expect("version")
        .get(0);
    let saved = a
        .worker
        .execute(Effect::Transition {
            req: ReqId(2),
            id: row.id,
            expected_version: version,
            to: InterventionStatus::Paused,
            outcome: None,
            notes: Some("standby test".into()),
        })
        .await;
    assert!(
        matches!(
            saved,
            Some(Msg::Written {
                wrote: Wrote::Transition(caseload::app::intervention::WriteOutcome::Saved(_)),
                ..
            })
        ),
        "{saved:?}"
    );
    let after = a.list().await;
    let mine = after.rows.iter().find(|r| r.id == row.id).expect("the row");
    assert_eq!(
        mine.status,
        InterventionStatus::Paused,
        "own save read back"
    );
    assert_eq!(mine.first_name, "Renamed");

    // With a one-second limit the held-back standby is judged behind: not
    // read from, and the status line says why.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let mut b = person(&pair, &password, &read_url, 1);
    let page = b.list().await;
    assert_eq!(first_name_of(&page, row.student_id), "Renamed");
    assert!(matches!(b.choice().await, Choice::Lagging { index: 1, .. }));
    let note = b.last_note().flatten().expect("a status-line note");
    assert!(note.contains("reads from the primary"), "{note}");
    assert!(note.contains(&format!("{}", pair.standby_port)), "{note}");
    assert!(note.contains(" s behind (limit 1 s)"), "{note}");
    assert!(!note.contains("unknown"), "{note}");

    // Replay goes on: once the standby has caught up, both read there again
    // and the note goes away.
    standby_su
        .batch_execute("SELECT pg_wal_replay_resume()")
        .await
        .expect("resume replay");
    wait_caught_up(&su, &standby_su).await;
    tokio::time::sleep(caseload::worker::read_target::RECHECK).await;
    let _ = b.list().await;
    assert!(matches!(b.choice().await, Choice::Host { index: 1, .. }));
    assert_eq!(b.last_note(), Some(None), "the note is taken back");
    assert_eq!(first_name_of(&a.list().await, row.student_id), "Renamed");
    assert!(matches!(a.choice().await, Choice::Host { index: 1, .. }));

    // A superseded read on the standby is cancelled there: its cancel
    // request goes to the standby's port, not the primary's. A lock taken
    // on the primary is replayed on the standby, where the read waits on it.
    let mut locker = pair.superuser(pair.primary_port, "caseload").await;
    let lock = locker.transaction().await.expect("begin");
    lock.batch_execute("LOCK TABLE interventions, students IN ACCESS EXCLUSIVE MODE")
        .await
        .expect("lock");
    // Another commit flushes the lock's WAL record, and so streams it.
    su.batch_execute("CREATE TABLE lock_streamed ()")
        .await
        .expect("a commit");
    wait_caught_up(&su, &standby_su).await;
    let waiting_on_standby = async || -> Option<i32> {
        standby_su
            .query_opt(
                "SELECT pid FROM pg_stat_activity WHERE usename = $1 AND state = 'active' \
                 AND wait_event_type = 'Lock'",
                &[&DEMO_COORDINATOR],
            )
            .await
            .expect("the standby's pg_stat_activity")
            .map(|r| r.get(0))
    };
    let req = ReqId(3);
    let superseded = tokio::spawn({
        let worker = a.worker.clone();
        async move {
            worker
                .execute(Effect::Load {
                    req,
                    read: Read::IvPage {
                        query: IvQuery::default(),
                        page: IvPageRequest::First,
                        limit: 500,
                    },
                })
                .await
        }
    });
    let until = Instant::now() + Duration::from_secs(20);
    let pid = loop {
        if let Some(pid) = waiting_on_standby().await {
            break pid;
        }
        assert!(
            Instant::now() < until,
            "the read never waited on the standby"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert!(a.worker.execute(Effect::Cancel { req }).await.is_none());
    let until = Instant::now() + Duration::from_secs(10);
    while waiting_on_standby().await == Some(pid) {
        assert!(
            Instant::now() < until,
            "the standby's backend {pid} still runs the superseded read"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let reply = tokio::time::timeout(Duration::from_secs(10), superseded)
        .await
        .expect("the cancelled read returns")
        .expect("no panic");
    assert!(
        reply.is_none(),
        "a cancelled read answers nothing: {reply:?}"
    );
    lock.rollback().await.expect("rollback");

    // The standby stops: the list still loads (from the primary), and the
    // status line says reads come from the primary.
    pair.stop("standby");
    let page = a.list().await;
    assert_eq!(first_name_of(&page, row.student_id), "Renamed");
    match a.choice().await {
        Choice::NoHost { .. } => {}
        other => panic!("a stopped standby is not read from: {other:?}"),
    }
    let note = a.last_note().flatten().expect("a status-line note");
    assert_eq!(note, "reads from the primary: no read host answers");
}

struct ReportRun {
    log: String,
    html: String,
}

/// A student's progress report, enqueued as the person and run by their
/// own job runner with the router.
async fn report_job(
    pair: &Pair,
    password: &str,
    router: &Arc<ReadRouter>,
    student: &str,
    dir: &Path,
) -> ReportRun {
    use caseload::jobs::{Registry, runner};
    let info = format!(
        "{} password={password}",
        pair.conninfo(pair.primary_port, DEMO_COORDINATOR, "caseload")
    );
    let pool = common::pool(&info, None, None);
    let mut payload = caseload::report::job::Payload::new(caseload::report::Spec::Student {
        student: student.to_string(),
        school: None,
    });
    payload.dir = Some(dir.to_path_buf());
    payload.today = Some(common::today());
    let (kind, value) = payload.job();
    let id: Uuid = {
        let c = pool.get().await.expect("connection");
        caseload::db::jobs::enqueue(&**c, &kind, &value, None)
            .await
            .expect("enqueue the report")
    };
    let mut opts = runner::own("standby-test".into());
    opts.once = true;
    opts.reads = Some(router.clone());
    let s = runner::run(
        pool,
        Registry::author(),
        opts,
        Arc::new(tokio::sync::Notify::new()),
        std::future::pending(),
    )
    .await
    .expect("runner");
    let su = pair.superuser(pair.primary_port, "caseload").await;
    let r = su
        .query_one(
            "SELECT status::text, log, result->>'file', last_error FROM jobs WHERE id = $1",
            &[&id],
        )
        .await
        .expect("job");
    let (status, log, file, err): (String, String, Option<String>, Option<String>) =
        (r.get(0), r.get(1), r.get(2), r.get(3));
    assert_eq!(status, "succeeded", "{s:?} {err:?} {log}");
    let html = std::fs::read_to_string(file.expect("a file")).expect("the report");
    ReportRun { log, html }
}
