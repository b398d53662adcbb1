//! What the real binary says when it refuses: one plain line naming what is
//! wrong, no colour codes into a pipe or under NO_COLOR, no backtrace or
//! source location unless someone is debugging, and never a hang or an
//! unbounded read on a bad config path.

mod common;

use common::TestDb;
use common::pty::Pty;
use common::roles::LoginRoles;
use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

struct Run {
    ok: bool,
    stderr: String,
    elapsed: Duration,
}

/// Runs caseload with stderr piped, its own empty config and state
/// directories and none of the developer's debugging variables; kills it
/// and fails if it has not exited within ten seconds.
fn caseload(args: &[&str], env: &[(&str, &str)]) -> Run {
    let home = tempfile::tempdir().unwrap();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_caseload"));
    cmd.args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path())
        .env("XDG_STATE_HOME", home.path());
    for k in [
        "CASELOAD_CONFIG",
        "CASELOAD_LOG",
        "RUST_BACKTRACE",
        "RUST_LIB_BACKTRACE",
        "NO_COLOR",
    ] {
        cmd.env_remove(k);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    let started = Instant::now();
    let mut child = cmd.spawn().expect("run caseload");
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if started.elapsed() > Duration::from_secs(10) {
            let _ = child.kill();
            panic!("caseload {args:?} did not exit within 10 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    Run {
        ok: status.success(),
        stderr,
        elapsed: started.elapsed(),
    }
}

fn assert_plain(run: &Run) {
    assert!(!run.ok, "expected a failure: {}", run.stderr);
    assert!(
        !run.stderr.contains('\x1b'),
        "colour codes: {:?}",
        run.stderr
    );
    for noise in ["Location:", "Backtrace", "BACKTRACE", "RUST_BACKTRACE"] {
        assert!(!run.stderr.contains(noise), "{noise}: {}", run.stderr);
    }
    assert!(
        run.stderr.starts_with("caseload: error: "),
        "{}",
        run.stderr
    );
}

fn config_file(dir: &Path, text: &str) -> String {
    let path = dir.join("config.toml");
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

#[test]
fn ordinary_errors_are_one_plain_line_into_a_pipe() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = tmp.path().join("missing.toml").display().to_string();
    let run = caseload(&["--config", &missing, "migrate", "--status"], &[]);
    assert_plain(&run);
    assert_eq!(
        run.stderr,
        format!("caseload: error: config file {missing} (from --config) does not exist\n")
    );
    // An error from deeper down (the connection) looks the same.
    let run = caseload(
        &[
            "--database-url",
            "host=127.0.0.1 port=1 user=nobody dbname=nothing connect_timeout=2",
            "migrate",
            "--status",
        ],
        &[],
    );
    assert_plain(&run);
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
}

#[test]
fn only_caseload_log_debug_adds_location_and_backtrace() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = tmp.path().join("missing.toml").display().to_string();
    // Often set for every program in a developer's shell: still one line.
    let run = caseload(
        &["--config", &missing, "doctor"],
        &[("RUST_BACKTRACE", "1"), ("RUST_LIB_BACKTRACE", "1")],
    );
    assert_plain(&run);
    let run = caseload(
        &["--config", &missing, "doctor"],
        &[("CASELOAD_LOG", "debug")],
    );
    assert!(!run.ok);
    assert!(
        run.stderr.contains("Location:") && run.stderr.contains("missing.toml"),
        "{}",
        run.stderr
    );
    assert!(!run.stderr.contains('\x1b'), "{:?}", run.stderr);
    let run = caseload(
        &["--config", &missing, "doctor"],
        &[
            ("CASELOAD_LOG", "caseload=debug,info"),
            ("RUST_BACKTRACE", "1"),
        ],
    );
    assert!(run.stderr.contains("BACKTRACE"), "{}", run.stderr);
}

#[test]
fn colour_only_on_a_terminal_without_no_color() {
    let escapes = |env: &[(&str, &str)]| {
        let mut pty = Pty::spawn(&["--config", "/nonexistent/c.toml"], env, 100, 30);
        assert!(!pty.wait_exit(Duration::from_secs(10)));
        // The reader thread drains what is left after the exit.
        std::thread::sleep(Duration::from_millis(200));
        assert!(
            pty.screen().contains("/nonexistent/c.toml"),
            "{}",
            pty.screen()
        );
        pty.count(b"\x1b")
    };
    assert!(escapes(&[("CASELOAD_LOG", "debug")]) > 0);
    assert_eq!(escapes(&[("CASELOAD_LOG", "debug"), ("NO_COLOR", "1")]), 0);
    // The plain line is plain on a terminal too.
    assert_eq!(escapes(&[("CASELOAD_LOG", "")]), 0);
}

#[test]
fn endless_and_blocking_config_files_are_refused_at_once() {
    let run = caseload(&["--config", "/dev/zero", "doctor"], &[]);
    assert_plain(&run);
    assert!(
        run.stderr.contains("/dev/zero") && run.stderr.contains("not a regular file"),
        "{}",
        run.stderr
    );
    assert!(run.elapsed < Duration::from_secs(5), "{:?}", run.elapsed);

    let tmp = tempfile::tempdir().unwrap();
    let fifo = tmp.path().join("fifo.toml");
    assert!(
        Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let fifo = fifo.display().to_string();
    let run = caseload(&["doctor"], &[("CASELOAD_CONFIG", &fifo)]);
    assert_plain(&run);
    assert!(
        run.stderr.contains(&fifo) && run.stderr.contains("CASELOAD_CONFIG"),
        "{}",
        run.stderr
    );
}

#[test]
fn a_bad_log_path_is_named() {
    let tmp = tempfile::tempdir().unwrap();
    // log.file is a directory.
    let dir = tmp.path().join("logs");
    std::fs::create_dir(&dir).unwrap();
    let cfg = config_file(tmp.path(), &format!("[log]\nfile = {:?}\n", dir));
    let run = caseload(&["--config", &cfg, "doctor"], &[]);
    assert_plain(&run);
    assert!(
        run.stderr
            .contains(&format!("cannot open the log file {}", dir.display())),
        "{}",
        run.stderr
    );
    // The default path, under a state directory that is a file.
    let state = tmp.path().join("state");
    std::fs::write(&state, "").unwrap();
    let state = state.display().to_string();
    let run = caseload(&["doctor"], &[("XDG_STATE_HOME", &state)]);
    assert_plain(&run);
    assert!(
        run.stderr
            .contains(&format!("cannot create the log directory {state}/caseload")),
        "{}",
        run.stderr
    );
}

#[test]
fn an_unknown_theme_names_key_value_file_and_choices() {
    let tmp = tempfile::tempdir().unwrap();
    let cfg = config_file(tmp.path(), "[ui]\ntheme = \"solarized\"\n");
    let run = caseload(&["--config", &cfg, "doctor"], &[]);
    assert_plain(&run);
    for part in [
        "ui.theme",
        "\"solarized\"",
        cfg.as_str(),
        "line 2",
        "\"default\"",
    ] {
        assert!(run.stderr.contains(part), "{part}: {}", run.stderr);
    }
}

fn assert_needs_superuser(run: &Run, role: &str) {
    assert_plain(run);
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    assert!(
        run.stderr.contains("caseload seed needs a superuser")
            && run.stderr.contains(&format!("{role:?}")),
        "{}",
        run.stderr
    );
}

#[tokio::test]
async fn seed_as_a_plain_login_says_it_needs_a_superuser() {
    let admin = common::connect(&common::admin_conninfo()).await;
    let logins = LoginRoles::plain(&admin).await;
    let login = &logins.0[0];
    let db = TestDb::empty().await;
    let url = LoginRoles::conninfo_as(&db.conninfo(), login);
    let run = caseload(&["--database-url", &url, "seed", "--students", "10"], &[]);
    assert_needs_superuser(&run, login);
    // Refused before migrating: nothing was created.
    let tables: i64 = db
        .admin()
        .await
        .query_one(
            "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'",
            &[],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(tables, 0);
}

#[tokio::test]
async fn seed_as_a_caseload_user_says_it_needs_a_superuser() {
    // The database first: its migrations create the group role the login
    // joins, which a fresh cluster does not have yet.
    let db = TestDb::new().await;
    let admin = common::connect(&common::admin_conninfo()).await;
    let logins = LoginRoles::create(&admin, "caseload_admin", 1).await;
    let url = LoginRoles::conninfo_as(&db.conninfo(), &logins.0[0]);
    let run = caseload(&["--database-url", &url, "seed", "--students", "10"], &[]);
    assert_needs_superuser(&run, &logins.0[0]);
}
