//! What the real binary says when it refuses: one plain line naming what is
//! wrong, no colour codes into a pipe or under NO_COLOR, no backtrace or
//! source location unless someone is debugging, and never a hang or an
//! unbounded read on a bad config path. And a database that is not
//! caseload's (yet) is named, with what to do about it; `doctor` says where
//! each setting came from and never shows a password; the log stays in its
//! file.

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
    stdout: String,
    stderr: String,
    elapsed: Duration,
}

/// Runs caseload with its own empty config and state directories and none
/// of the developer's debugging variables; kills it and fails if it has not
/// exited within ten seconds.
fn caseload(args: &[&str], env: &[(&str, &str)]) -> Run {
    let home = tempfile::tempdir().unwrap();
    caseload_in(home.path(), args, env)
}

/// `caseload` with `home` as its home, config and state directory, for a
/// test that reads what it left there (the log).
fn caseload_in(home: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_caseload"));
    cmd.args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .env("HOME", home)
        .env("XDG_CONFIG_HOME", home)
        .env("XDG_STATE_HOME", home);
    for k in [
        "CASELOAD_CONFIG",
        "CASELOAD_LOG",
        // A connection the developer configured would beat the config file.
        "DATABASE_URL",
        "PGSERVICE",
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
    // Read while it runs: a full pipe would stop it.
    let drain = |pipe: Option<Box<dyn Read + Send>>| {
        std::thread::spawn(move || {
            let mut text = String::new();
            if let Some(mut p) = pipe {
                p.read_to_string(&mut text).unwrap();
            }
            text
        })
    };
    let stdout = drain(child.stdout.take().map(|p| Box::new(p) as _));
    let stderr = drain(child.stderr.take().map(|p| Box::new(p) as _));
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
    Run {
        ok: status.success(),
        stdout: stdout.join().unwrap(),
        stderr: stderr.join().unwrap(),
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
    // A backtrace from the caller's environment would push the path off
    // the 30-line screen.
    let quiet = ("RUST_BACKTRACE", "0");
    assert!(escapes(&[("CASELOAD_LOG", "debug"), quiet]) > 0);
    assert_eq!(
        escapes(&[("CASELOAD_LOG", "debug"), ("NO_COLOR", "1"), quiet]),
        0
    );
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
        "\"dark\"",
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

/// The TUI on a database without caseload's tables says which database and
/// what to do, in full at 80 columns, instead of "function
/// caseload_current_user_id() does not exist".
#[tokio::test]
async fn the_tui_on_an_empty_database_says_to_migrate() {
    let db = TestDb::empty().await;
    let mut pty = Pty::spawn(&["--database-url", &db.conninfo()], &[], 80, 24);
    let screen = pty.wait_for(&["no caseload"], Duration::from_secs(20));
    let words = screen.split_whitespace().collect::<Vec<_>>().join(" ");
    let said = format!(
        "database \"{}\" has no caseload tables: run `caseload migrate` to create them, \
         or `caseload demo` to try caseload on demo data (r to retry)",
        db.name
    );
    assert!(words.contains(&said), "{screen}");
    assert!(!screen.contains("does not exist"), "{screen}");
    pty.send("q");
    pty.finish();
}

/// `doctor` names the database it checked, and an empty one is one problem
/// with its remedy, not a line per pending migration.
#[tokio::test]
async fn doctor_names_the_database_and_says_it_has_no_tables() {
    let db = TestDb::empty().await;
    let run = caseload(&["--database-url", &db.conninfo(), "doctor"], &[]);
    assert!(!run.ok, "doctor exits 1 on problems:\n{}", run.stdout);
    for part in [
        format!("problems in database \"{}\":", db.name),
        format!(
            "database \"{}\" has no caseload tables: run `caseload migrate`",
            db.name
        ),
        "migrations  none applied".to_string(),
    ] {
        assert!(run.stdout.contains(&part), "{part}:\n{}", run.stdout);
    }
    assert!(!run.stdout.contains("is pending"), "{}", run.stdout);

    let migrated = TestDb::new().await;
    let run = caseload(&["--database-url", &migrated.conninfo(), "doctor"], &[]);
    // The test role is a superuser, a problem of its own; the database is
    // named all the same, and its menu (none yet) has no clash.
    let named = format!("problems in database \"{}\":", migrated.name);
    assert!(run.stdout.contains(&named), "{}", run.stdout);
    assert!(run.stdout.contains("migrations  "), "{}", run.stdout);
    assert!(!run.stdout.contains("menu letter"), "{}", run.stdout);
}

/// The menu letters `doctor` names: a clash in the navigation (two items
/// asking for r, one for j, which moves down) and the letter each is shown
/// with instead.
#[tokio::test]
async fn doctor_names_clashing_menu_letters() {
    let db = TestDb::new().await;
    // Letters are unique among siblings (an index): the clash is across groups.
    // Since 0028 the database refuses that too (`navigation_item_check`); a
    // menu written before it may still have one, which is what is built here.
    db.admin()
        .await
        .batch_execute(
            "ALTER TABLE navigation_items DISABLE TRIGGER navigation_items_check; \
             INSERT INTO tools (key, name, status, reviewed_at) VALUES \
               ('roster', 'Roster', 'approved', now()), ('reports', 'Reports', 'approved', now()), \
               ('jobs', 'Jobs', 'approved', now()); \
             INSERT INTO navigation_items (id, parent_id, label, nav_type, tool_id, target, hotkey, sort_order) \
             VALUES ('00000000-0000-0000-0000-000000000001', NULL, 'Students', 'group', NULL, NULL, 's', 1), \
               ('00000000-0000-0000-0000-000000000002', NULL, 'Reporting', 'group', NULL, NULL, 'p', 2); \
             INSERT INTO navigation_items (parent_id, label, nav_type, tool_id, target, hotkey, sort_order) \
             SELECT p::uuid, label, 'screen', (SELECT id FROM tools WHERE key = target), target, hotkey, o \
             FROM (VALUES ('00000000-0000-0000-0000-000000000001', 'Roster', 'roster', 'r', 1), \
                          ('00000000-0000-0000-0000-000000000002', 'Reports', 'reports', 'r', 1), \
                          ('00000000-0000-0000-0000-000000000002', 'Jobs', 'jobs', 'j', 2)) \
                  v(p, label, target, hotkey, o); \
             ALTER TABLE navigation_items ENABLE TRIGGER navigation_items_check",
        )
        .await
        .unwrap();
    let run = caseload(&["--database-url", &db.conninfo(), "doctor"], &[]);
    assert!(!run.ok);
    for part in [
        "menu        3 items, 2 of them cannot have the letter they ask for",
        "menu letter: \"Reports\" asks for [r], which \"Roster\" has: shown as [e]",
        "menu letter: \"Jobs\" asks for [j], the key for \"down\": shown as [o]",
    ] {
        assert!(run.stdout.contains(part), "{part}:\n{}", run.stdout);
    }
}

/// `migrate --status` ends with the database it read; `migrate` leaves no
/// NOTICE ("relation migration_log already exists, skipping") in the log.
#[tokio::test]
async fn migrate_status_names_the_database_and_the_log_has_no_notices() {
    let db = TestDb::empty().await;
    let home = tempfile::tempdir().unwrap();
    let url = db.conninfo();
    let status =
        |home: &Path| caseload_in(home, &["--database-url", &url, "migrate", "--status"], &[]);
    let run = status(home.path());
    assert!(run.ok, "{}", run.stderr);
    let last = run.stdout.lines().last().unwrap_or_default();
    assert!(
        last.starts_with("nothing applied in ") && last.contains(&format!("/{}", db.name)),
        "{}",
        run.stdout
    );
    for _ in 0..2 {
        let run = caseload_in(home.path(), &["--database-url", &url, "migrate"], &[]);
        assert!(run.ok, "{}", run.stderr);
    }
    let run = status(home.path());
    let last = run.stdout.lines().last().unwrap_or_default();
    assert!(
        last.contains(" applied, 0 pending in ") && last.contains(&format!("/{}", db.name)),
        "{}",
        run.stdout
    );
    let log = std::fs::read_to_string(home.path().join("caseload/caseload.log")).unwrap();
    assert!(log.contains("migration applied"), "{log}");
    assert!(!log.contains("NOTICE"), "{log}");
}

/// `doctor`: the config file, the database with its password masked, where
/// each connection setting came from; exit 0 when nothing is wrong and 1
/// when something is (here: signed in as the superuser). The password
/// appears nowhere: not on stdout, stderr or in the log.
#[tokio::test]
async fn doctor_masks_the_password_says_where_each_setting_came_from_and_exits_1_on_problems() {
    const SECRET: &str = "Sekr1t-doctor-pw";
    let admin = common::connect(&common::admin_conninfo()).await;
    let logins = LoginRoles::create(&admin, "caseload_coordinator", 1).await;
    let db = TestDb::new().await;
    let home = tempfile::tempdir().unwrap();
    let cfg = config_file(
        home.path(),
        &format!("[database]\nurl = \"host=127.0.0.1 dbname={}\"\n", db.name),
    );
    let doctor = |user: &str| {
        caseload_in(
            home.path(),
            &["--config", &cfg, "doctor"],
            &[
                ("PGPORT", "5432"),
                ("PGUSER", user),
                ("PGPASSWORD", SECRET),
                ("CASELOAD_LOG", "trace"),
            ],
        )
    };

    let me = &logins.0[0];
    let run = doctor(me);
    assert!(
        run.ok,
        "a login role of a migrated database is healthy:\n{}",
        run.stdout
    );
    let masked = format!(
        "postgresql://{me}:********@127.0.0.1:5432/{}?sslmode=prefer",
        db.name
    );
    for part in [
        format!("config      {cfg} (--config)"),
        format!("database    {masked}"),
        "host      from config file database.url".to_string(),
        "port      from PGPORT".to_string(),
        "user      from PGUSER".to_string(),
        "dbname    from config file database.url".to_string(),
        "password  from PGPASSWORD".to_string(),
        "sslmode   from default".to_string(),
        format!("no problems found in database \"{}\"", db.name),
    ] {
        assert!(run.stdout.contains(&part), "{part}:\n{}", run.stdout);
    }

    let run = doctor("postgres");
    assert!(
        !run.ok,
        "signed in as the superuser is a problem:\n{}",
        run.stdout
    );
    assert!(
        run.stdout
            .contains(&format!("problems in database \"{}\":", db.name))
            && run.stdout.contains("not postgres (a superuser"),
        "{}",
        run.stdout
    );
    assert!(
        run.stdout.contains("postgresql://postgres:********@"),
        "{}",
        run.stdout
    );

    let log = std::fs::read_to_string(home.path().join("caseload/caseload.log")).unwrap();
    assert!(!log.is_empty());
    for (what, text) in [
        ("stdout", &run.stdout),
        ("stderr", &run.stderr),
        ("log", &log),
    ] {
        assert!(
            !text.contains(SECRET),
            "the password is in the {what}:\n{text}"
        );
    }
}

/// "Logs go to $XDG_STATE_HOME/caseload/caseload.log, mode 0600, never to
/// the terminal", and never hold a password: a whole TUI session at the
/// most talkative level, with the password in the connection string.
#[tokio::test]
async fn the_log_is_private_and_holds_no_password_and_nothing_reaches_the_terminal() {
    use std::os::unix::fs::PermissionsExt;
    const SECRET: &str = "Sekr1t-log-pw";
    let db = TestDb::empty().await;
    let url = format!("{} password={SECRET}", db.conninfo());
    let mut pty = Pty::spawn(
        &["--database-url", &url],
        &[("CASELOAD_LOG", "trace"), ("PGPASSWORD", SECRET)],
        80,
        24,
    );
    pty.wait_for(&["no caseload"], Duration::from_secs(20));
    pty.send("q");
    assert!(pty.wait_exit(Duration::from_secs(10)), "q quits");
    let dir = pty.home().join("caseload");
    let path = dir.join("caseload.log");
    let log = std::fs::read_to_string(&path).unwrap();
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&path), 0o600, "{}", path.display());
    assert_eq!(mode(&dir), 0o700, "{}", dir.display());
    // Something was logged, down to the most talkative level ...
    for level in [" DEBUG ", " TRACE "] {
        assert!(log.contains(level), "no{level}line in:\n{log}");
    }
    assert!(!log.contains(SECRET), "the password is in the log:\n{log}");
    // ... and none of it went to the terminal: no level, no module path.
    for marker in [
        " INFO ",
        " DEBUG ",
        " TRACE ",
        " WARN ",
        "caseload::",
        "tokio_postgres",
    ] {
        assert_eq!(
            pty.count(marker.as_bytes()),
            0,
            "{marker:?} on the terminal"
        );
    }
    assert_eq!(
        pty.count(SECRET.as_bytes()),
        0,
        "the password on the terminal"
    );
}

/// `caseload … | head -3`: the reader goes away while caseload still has
/// lines to print. It ends as `cat` would there (killed by SIGPIPE, 141 in
/// the shell), without a panic's message and backtrace. The read end is
/// closed before caseload starts, so its first line already has no reader.
#[tokio::test]
async fn commands_end_quietly_when_the_reader_of_their_output_goes_away() {
    use std::os::unix::process::ExitStatusExt;
    let db = TestDb::new().await;
    let url = db.conninfo();
    let home = tempfile::tempdir().unwrap();
    for args in [
        vec!["--database-url", &url, "migrate", "--status"],
        vec!["--database-url", &url, "doctor"],
    ] {
        let (reader, writer) = std::io::pipe().expect("pipe");
        drop(reader);
        let out = Command::new(env!("CARGO_BIN_EXE_caseload"))
            .args(&args)
            .stdin(Stdio::null())
            .stdout(writer)
            .stderr(Stdio::piped())
            .env("HOME", home.path())
            .env("XDG_CONFIG_HOME", home.path())
            .env("XDG_STATE_HOME", home.path())
            .env_remove("DATABASE_URL")
            .env_remove("CASELOAD_LOG")
            .env_remove("RUST_BACKTRACE")
            .output()
            .expect("run caseload");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert_eq!(stderr, "", "{args:?}: nothing said on stderr");
        assert_eq!(
            out.status.signal(),
            Some(13),
            "{args:?}: ended by SIGPIPE, as cat is: {:?}",
            out.status
        );
    }
}

/// A server that answered and refused the password is not "unreachable":
/// doctor says the password was refused (and which user's), so nobody
/// goes looking for a network problem.
#[tokio::test]
async fn doctor_says_a_wrong_password_was_refused_not_that_the_server_is_unreachable() {
    let cluster = common::scram::ScramCluster::start();
    let url = format!(
        "{} password=not-the-password",
        cluster.conninfo("postgres", "postgres")
    );
    let run = caseload(&["--database-url", &url, "doctor"], &[]);
    assert!(!run.ok);
    let server = run
        .stdout
        .lines()
        .find(|l| l.starts_with("server "))
        .unwrap_or_default()
        .to_string();
    assert_eq!(
        server, "server      reachable, but it refused the password for postgres",
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("unreachable"), "{}", run.stdout);
    assert!(!run.stdout.contains("not-the-password"), "{}", run.stdout);
    // The problems list agrees with the server line.
    assert!(
        run.stdout.contains(
            "  - cannot sign in: the server is reachable, but it refused the password for postgres"
        ),
        "{}",
        run.stdout
    );
    assert!(!run.stdout.contains("cannot connect"), "{}", run.stdout);
}

/// A read_url whose host does not answer is one problem, said once (the
/// reads line points to it).
#[tokio::test]
async fn doctor_says_a_read_url_problem_once() {
    let db = TestDb::new().await;
    let dir = tempfile::tempdir().unwrap();
    let config = config_file(
        dir.path(),
        "[database]\nread_url = \"host=127.0.0.1 port=1\"\n",
    );
    let run = caseload(
        &[
            "--config",
            &config,
            "--database-url",
            &db.conninfo(),
            "doctor",
        ],
        &[],
    );
    let said = run
        .stdout
        .matches("127.0.0.1:1: connection refused")
        .count();
    assert_eq!(said, 1, "{}", run.stdout);
    assert!(
        run.stdout
            .lines()
            .any(|l| l.starts_with("reads ") && l.contains("see problems")),
        "{}",
        run.stdout
    );
}
