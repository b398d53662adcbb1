//! Jobs that run as their author, against the real server (issue 16,
//! migration 0031): a OneRoster import job is never claimed by a service
//! worker; the author's own runner (`caseload worker --mine`, the TUI's
//! background runner) runs it on the author's own connection; cancel
//! stops it at a checkpoint with nothing written; a path that is not there
//! fails at once, saying so; the TUI's data worker enqueues and runs it.

mod common;

use caseload::app::{Effect, Msg, ReqId, Wrote};
use caseload::domain::import::{ImportPayload, ImportSummary, KIND};
use caseload::jobs::runner::{self, Options, Summary};
use caseload::jobs::{Registry, kinds};
use common::TestDb;
use common::roles::LoginRoles;
use deadpool_postgres::Pool;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Notify;
use tokio_postgres::Client;
use uuid::Uuid;

/// An admin with their own login role (not a superuser), allowed the
/// import tool; the database; the superuser's connection.
struct Admin {
    su: Client,
    me: String,
    db: TestDb,
    _login: LoginRoles,
}

impl Admin {
    async fn new() -> Admin {
        let cluster = common::connect(&common::admin_conninfo()).await;
        let login = LoginRoles::create(&cluster, "caseload_admin", 1).await;
        let db = TestDb::new().await;
        let su = db.admin().await;
        let me = login.0[0].clone();
        su.batch_execute(&format!(
            "INSERT INTO users (username, display_name, email) \
               VALUES ('{me}', 'Ada Admin', '{me}@district.example.org'); \
             INSERT INTO user_roles (user_id, role_id) \
               SELECT u.id, r.id FROM users u, roles r WHERE u.username = '{me}' AND r.key = 'admin'; \
             INSERT INTO tools (key, name, status, reviewed_at) \
               VALUES ('import', 'Roster import', 'approved', now()) ON CONFLICT (key) DO NOTHING; \
             INSERT INTO role_tools (role_id, tool_id, scope) \
               SELECT r.id, t.id, 'all' FROM roles r, tools t \
               WHERE r.key = 'admin' AND t.key = 'import' ON CONFLICT DO NOTHING;"
        ))
        .await
        .expect("admin");
        Admin {
            su,
            me,
            db,
            _login: login,
        }
    }

    fn pool(&self) -> Pool {
        common::pool(&self.db.conninfo(), Some(&self.me), None)
    }

    async fn client(&self) -> Client {
        common::connect(&LoginRoles::conninfo_as(&self.db.conninfo(), &self.me)).await
    }

    async fn enqueue(&self, path: &Path, dry_run: bool) -> Uuid {
        let payload = serde_json::to_value(ImportPayload {
            path: path.to_string_lossy().into_owned(),
            dry_run,
            logins: false,
        })
        .expect("payload");
        caseload::db::jobs::enqueue(&self.client().await, KIND, &payload, None)
            .await
            .expect("enqueue")
    }

    /// (status, result, last_error)
    async fn job(&self, id: Uuid) -> (String, Option<serde_json::Value>, Option<String>) {
        let r = self
            .su
            .query_one(
                "SELECT status::text, result, last_error FROM jobs WHERE id = $1",
                &[&id],
            )
            .await
            .expect("job");
        (r.get(0), r.get(1), r.get(2))
    }

    async fn students(&self) -> i64 {
        self.su
            .query_one("SELECT count(*) FROM students", &[])
            .await
            .expect("count")
            .get(0)
    }
}

fn own_opts() -> Options {
    let mut o = runner::own(format!("mine:{}", runner::default_id()));
    o.once = true;
    o.heartbeat = Duration::from_millis(100);
    o.poll = Duration::from_millis(200);
    o
}

async fn run(pool: Pool, registry: Registry, opts: Options) -> Summary {
    runner::run(
        pool,
        registry,
        opts,
        Arc::new(Notify::new()),
        std::future::pending(),
    )
    .await
    .expect("runner")
}

fn export(students: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    caseload::bench::import::write_export(dir.path(), students, "aj").expect("export");
    dir
}

#[tokio::test]
async fn an_import_job_runs_only_as_its_author_dry_run_first() {
    let a = Admin::new().await;
    let dir = export(30);
    let dry = a.enqueue(dir.path(), true).await;

    // A service worker that even knows the kind's handler does not take it.
    let cluster = common::connect(&common::admin_conninfo()).await;
    let worker = LoginRoles::create(&cluster, "caseload_worker", 1).await;
    let mut everything = Registry::builtin();
    kinds::register_author(&mut everything);
    let mut service = Options::new(runner::default_id());
    service.once = true;
    let s = run(
        common::pool(&a.db.conninfo(), Some(&worker.0[0]), None),
        everything,
        service,
    )
    .await;
    assert_eq!(s.ran(), 0, "{s:?}");
    assert_eq!(a.job(dry).await.0, "queued");

    // The author's own runner runs it: a report, nothing written.
    let s = run(a.pool(), Registry::author(), own_opts()).await;
    assert_eq!(s.succeeded, 1, "{s:?}");
    let (status, result, _) = a.job(dry).await;
    assert_eq!(status, "succeeded");
    let report: ImportSummary = serde_json::from_value(result.expect("result")).expect("summary");
    assert!(report.dry_run && !report.committed);
    assert_eq!(report.refused, 0);
    let users = report
        .files
        .iter()
        .find(|f| f.name == "users.csv")
        .expect("users.csv");
    assert_eq!(users.added, 30 + 2, "30 students and 2 teachers");
    assert!(
        report.summary.starts_with("dry run: "),
        "{}",
        report.summary
    );
    assert_eq!(a.students().await, 0, "a dry run writes nothing");

    // The real run: a second job.
    let real = a.enqueue(dir.path(), false).await;
    let s = run(a.pool(), Registry::author(), own_opts()).await;
    assert_eq!(s.succeeded, 1, "{s:?}");
    let report: ImportSummary =
        serde_json::from_value(a.job(real).await.1.expect("result")).expect("summary");
    assert!(report.committed && !report.dry_run);
    assert_eq!(a.students().await, 30);
}

#[tokio::test]
async fn a_path_that_is_not_there_fails_at_once_saying_so() {
    let a = Admin::new().await;
    let id = a.enqueue(Path::new("/nowhere/at/all"), true).await;
    let s = run(a.pool(), Registry::author(), own_opts()).await;
    assert_eq!(s.failed, 1, "{s:?}");
    let (status, _, error) = a.job(id).await;
    assert_eq!(status, "failed");
    assert_eq!(
        error.as_deref(),
        Some("cannot read /nowhere/at/all: no such file or folder")
    );
}

#[tokio::test]
async fn cancel_stops_a_running_import_at_a_checkpoint_with_nothing_written() {
    let a = Admin::new().await;
    let dir = export(40_000);
    let id = a.enqueue(dir.path(), false).await;
    let runner = tokio::spawn(run(a.pool(), Registry::author(), own_opts()));
    let started = Instant::now();
    loop {
        if a.job(id).await.0 == "running" {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(20), "never ran");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    a.client()
        .await
        .execute("SELECT caseload_job_cancel($1)", &[&id])
        .await
        .expect("cancel");
    let s = tokio::time::timeout(Duration::from_secs(60), runner)
        .await
        .expect("stopped")
        .expect("runner");
    assert_eq!(s.cancelled, 1, "{s:?}");
    assert_eq!(a.job(id).await.0, "cancelled");
    assert_eq!(a.students().await, 0, "nothing half imported");
}

/// The TUI's data worker: an enqueue runs the job in the background, on
/// the person's own pool, and the Jobs screen's read says who runs it.
#[tokio::test]
async fn the_caseload_window_runs_its_persons_import() {
    let a = Admin::new().await;
    let dir = export(10);
    let worker = caseload::worker::Worker::new(a.pool(), common::worker::tls());
    let req = ReqId(1);
    let msg = worker
        .execute(Effect::EnqueueJob {
            req,
            kind: caseload::domain::import::KIND.into(),
            payload: serde_json::to_value(ImportPayload {
                path: dir.path().to_string_lossy().into_owned(),
                dry_run: false,
                logins: false,
            })
            .expect("payload"),
        })
        .await;
    let id = match msg {
        Some(Msg::Written {
            wrote: Wrote::Enqueued(Ok(id)),
            ..
        }) => id,
        other => panic!("{other:?}"),
    };
    let started = Instant::now();
    while a.job(id).await.0 != "succeeded" {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "{:?}",
            a.job(id).await
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(a.students().await, 10);
    let list = caseload::db::jobs::list(&a.client().await, 10)
        .await
        .expect("list");
    assert_eq!(
        list.rows[0].runner,
        caseload::domain::jobs::Runner::Author {
            mine: true,
            window_closed: false
        }
    );
}

/// `cargo test --test jobs_author -- --ignored --nocapture`: the issue's
/// 100k-student import, through the job path (a dry run, then the real
/// run, each an `oneroster.import` job run by the author's own runner).
#[tokio::test]
#[ignore]
async fn bench_100k_students_through_the_job_path() {
    let a = Admin::new().await;
    let dir = export(100_000);
    for dry_run in [true, false] {
        let id = a.enqueue(dir.path(), dry_run).await;
        let t = Instant::now();
        let s = run(a.pool(), Registry::author(), own_opts()).await;
        assert_eq!(s.succeeded, 1, "{s:?} {:?}", a.job(id).await);
        println!(
            "100k students through the job path ({}): {:.2} s",
            if dry_run { "dry run" } else { "import" },
            t.elapsed().as_secs_f64()
        );
    }
    assert_eq!(a.students().await, 100_000);
}

/// `caseload worker --mine --once`, signed in as the author: runs their
/// own import job and says so; the same binary as a service worker
/// (`--once` without `--mine`, as the same person) is refused, naming the
/// fix.
#[tokio::test]
async fn worker_mine_once_runs_the_authors_own_job() {
    let a = Admin::new().await;
    let dir = export(5);
    let id = a.enqueue(dir.path(), true).await;
    let conninfo = LoginRoles::conninfo_as(&a.db.conninfo(), &a.me);
    let home = tempfile::tempdir().expect("home");
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_caseload"))
            .arg("--database-url")
            .arg(&conninfo)
            .args(args)
            .env_remove("CASELOAD_CONFIG")
            .env("HOME", home.path())
            .env("XDG_CONFIG_HOME", home.path())
            .env("XDG_STATE_HOME", home.path())
            .output()
            .expect("run caseload")
    };
    let out = run(&["worker", "--once"]);
    assert!(!out.status.success(), "an admin is no service worker");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("member of caseload_worker"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(a.job(id).await.0, "queued");
    let out = run(&["worker", "--mine", "--once"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("ran 1 jobs: 1 succeeded"), "{stdout}");
    assert_eq!(a.job(id).await.0, "succeeded");
}
