//! `caseload demo` in a pseudo-terminal, as the README describes it: it
//! uses the configured server, or starts a private cluster of its own (and
//! stops it again on exit), seeds, and signs in through the demo person's
//! own login role, which is neither superuser nor owner of caseload's
//! tables, so row-level security applies to the demo as to anyone.

mod common;

use common::TestDb;
use common::pty::Pty;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use tokio_postgres::Client;

const WAIT: Duration = Duration::from_secs(120);

/// The TUI's own sessions (application name `caseload`; the demo's set-up
/// connection is `caseload demo`) in `dbname` sign in as the demo
/// coordinator, a member of `caseload_coordinator` and nothing more: not a
/// superuser, no BYPASSRLS, CREATEROLE or CREATEDB, owner of no table.
async fn assert_signed_in_as_the_demo_login(admin: &Client, dbname: &str) {
    let deadline = Instant::now() + Duration::from_secs(20);
    let rows = loop {
        let rows = admin
            .query(
                "SELECT a.usename::text, r.rolsuper, r.rolbypassrls, r.rolcreaterole, \
                   r.rolcreatedb, \
                   EXISTS (SELECT 1 FROM pg_tables t WHERE t.tableowner = a.usename), \
                   pg_has_role(a.usename, 'caseload_coordinator', 'MEMBER') \
                 FROM pg_stat_activity a JOIN pg_roles r ON r.rolname = a.usename \
                 WHERE a.datname = $1 AND a.application_name = 'caseload'",
                &[&dbname],
            )
            .await
            .expect("pg_stat_activity");
        if !rows.is_empty() {
            break rows;
        }
        assert!(Instant::now() < deadline, "no caseload session in {dbname}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    for r in rows {
        let facts: (String, bool, bool, bool, bool, bool, bool) = (
            r.get(0),
            r.get(1),
            r.get(2),
            r.get(3),
            r.get(4),
            r.get(5),
            r.get(6),
        );
        assert_eq!(
            facts,
            (
                caseload::demo::seed::DEMO_COORDINATOR.to_string(),
                false,
                false,
                false,
                false,
                false,
                true
            ),
            "(login, superuser, bypassrls, createrole, createdb, owns a table, coordinator)"
        );
    }
}

/// With a database configured, the demo uses it: migrated already, seeded
/// now, and signed in as the demo coordinator's own login.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn on_the_configured_database_the_demo_signs_in_as_neither_superuser_nor_owner() {
    let db = TestDb::new().await;
    let url = db.conninfo();
    let pty = demo_opens(&["--database-url", &url, "demo", "--students", "200"], &[]).await;
    let admin = db.admin().await;
    let students: i64 = admin
        .query_one("SELECT count(*) FROM students", &[])
        .await
        .expect("count")
        .get(0);
    assert_eq!(students, 200, "seeded into the configured database");
    assert_signed_in_as_the_demo_login(&admin, &db.name).await;
    drop(admin);
    quit(pty).await;
}

/// `caseload <args>` with `env` in a terminal, until the demo coordinator
/// is signed in.
async fn demo_opens(args: &[&str], env: &[(&str, &str)]) -> Pty {
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    let env: Vec<(String, String)> = env
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        let mut pty = Pty::spawn(&args, &env, 100, 30);
        // The status line names the login, short: `demo_coordinator@<database>`.
        pty.wait_for(&["demo_coordinator@"], WAIT);
        pty
    })
    .await
    .expect("the demo opens")
}

/// `q`, and caseload leaves the terminal as it found it.
async fn quit(mut pty: Pty) {
    tokio::task::spawn_blocking(move || {
        pty.send("q");
        pty.finish();
    })
    .await
    .expect("the demo quits");
}

/// Stops the private cluster in `dir` if a failed test left it running.
struct StopOnDrop(PathBuf);

impl Drop for StopOnDrop {
    fn drop(&mut self) {
        let data = self.0.join("data");
        if !data.join("postmaster.pid").exists() {
            return;
        }
        let Some(bin) = caseload::demo::find_bin_dir() else {
            return;
        };
        let pg_ctl = bin.join("pg_ctl");
        let mut c = if is_root() {
            let mut c = std::process::Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(pg_ctl);
            c
        } else {
            std::process::Command::new(pg_ctl)
        };
        let _ = c
            .arg("-D")
            .arg(&data)
            .args(["-m", "immediate", "-w", "stop"])
            .status();
    }
}

fn is_root() -> bool {
    std::fs::metadata("/proc/self")
        .map(|m| std::os::unix::fs::MetadataExt::uid(&m) == 0)
        .unwrap_or(false)
}

/// With no server configured and `--private-cluster`, the demo creates a
/// cluster in its data directory, starts it, signs in there as the demo
/// login, and stops it when the person quits. (Slow: initdb and every
/// migration on a new cluster.)
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_private_cluster_is_started_for_the_demo_and_stopped_on_exit() {
    use std::os::unix::fs::PermissionsExt;
    let data_home = tempfile::tempdir().expect("data home");
    // The server runs as postgres when this runs as root: it must reach
    // the cluster (or the demo would move it to /var/lib/caseload).
    std::fs::set_permissions(data_home.path(), std::fs::Permissions::from_mode(0o755))
        .expect("chmod");
    let dir = data_home.path().join("caseload").join("demo-cluster");
    let _stop = StopOnDrop(dir.clone());
    let mut env = vec![(
        "XDG_DATA_HOME",
        data_home.path().to_str().expect("utf-8 path"),
    )];
    // Empty counts as unset: nothing configured, whatever this shell has.
    env.extend(
        [
            "DATABASE_URL",
            "PGHOST",
            "PGPORT",
            "PGDATABASE",
            "PGSERVICE",
        ]
        .map(|v| (v, "")),
    );
    let args = ["demo", "--private-cluster", "--students", "100"];
    let pty = demo_opens(&args, &env).await;
    let pid_file = dir.join("data").join("postmaster.pid");
    assert!(pid_file.exists(), "the cluster runs in {}", dir.display());
    let admin = common::connect(&format!(
        "host={} port=5432 user=postgres dbname={}",
        dir.display(),
        caseload::demo::DEMO_DATABASE
    ))
    .await;
    assert_signed_in_as_the_demo_login(&admin, caseload::demo::DEMO_DATABASE).await;
    drop(admin);
    quit(pty).await;
    assert!(!pid_file.exists(), "the cluster was left running");
    assert!(
        !Path::new(&dir).join(".s.PGSQL.5432").exists(),
        "its socket is gone"
    );
}

/// `demo --database-url …dbname=X` with no database X yet: the demo makes
/// it, as it makes its own (the cold tryouts all had to run createdb).
#[tokio::test]
async fn the_demo_creates_a_configured_database_that_does_not_exist_yet() {
    let name = format!("caseload_demo_new_{}", std::process::id());
    let admin = common::connect(&common::admin_conninfo()).await;
    admin
        .batch_execute(&format!("DROP DATABASE IF EXISTS {name}"))
        .await
        .expect("clean");
    let params =
        caseload::config::conn::resolve(Some(&common::conninfo_for(&name)), &|_| None, None)
            .expect("params");
    let dir = tempfile::tempdir().expect("tempdir");
    let server = caseload::demo::find_server(Some(params), dir.path(), false).await;
    let exists = admin
        .query_opt("SELECT 1 FROM pg_database WHERE datname = $1", &[&name])
        .await
        .expect("pg_database")
        .is_some();
    admin
        .batch_execute(&format!("DROP DATABASE IF EXISTS {name}"))
        .await
        .expect("drop");
    assert!(server.is_ok(), "{:?}", server.err());
    assert!(exists, "the demo made {name}");
}
