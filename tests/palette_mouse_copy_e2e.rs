//! Issue 18 (palette, themes, mouse, copy) end to end: the real binary in a
//! pseudo-terminal, signed in as the demo coordinator, with a theme file,
//! the mouse on and tmux in the environment; then with copying and the
//! mouse off.

mod common;

use caseload::demo::seed;
use caseload::storage::clipboard::{Passthrough, sequence};
use common::TestDb;
use common::pty::Pty;
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(30);

/// A config file (and `themes/` beside it) in a directory of its own.
fn config(toml: &str, theme: Option<&str>) -> (tempfile::TempDir, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("config.toml");
    std::fs::write(&path, toml).unwrap();
    if let Some(t) = theme {
        std::fs::create_dir(dir.path().join("themes")).unwrap();
        std::fs::write(dir.path().join("themes/mine.toml"), t).unwrap();
    }
    let path = path.to_string_lossy().into_owned();
    (dir, path)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn palette_click_wheel_and_copy_through_tmux() {
    let (db, admin) = TestDb::seeded(300, 7, common::today()).await;
    let (url, password) = db
        .demo_login(&admin, seed::DEMO_COORDINATOR, "caseload_coordinator")
        .await;
    // The coordinator's roster as it opens: name order.
    let rows: Vec<(String, String, String)> = admin
        .query(
            "SELECT s.last_name, s.first_name, s.local_id FROM students s JOIN users u ON u.username = $1 \
             WHERE EXISTS (SELECT 1 FROM user_roles ur WHERE ur.user_id = u.id \
               AND (ur.school_id IS NULL OR ur.school_id = s.school_id) \
               AND (ur.expires_at IS NULL OR ur.expires_at > now())) \
             ORDER BY s.last_name COLLATE caseload_names, s.first_name COLLATE caseload_names, s.id LIMIT 6",
            &[&seed::DEMO_COORDINATOR],
        )
        .await
        .expect("first students")
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect();
    assert_eq!(rows.len(), 6);

    let (_dir, cfg) = config(
        "[ui]\ntheme = \"mine\"\nmouse = true\n",
        Some("base = \"dark\"\n[group]\nfg = \"#123456\"\n"),
    );
    let mut pty = Pty::spawn(
        &["--config", &cfg, "--database-url", &url],
        &[
            ("PGPASSWORD", &password),
            ("TMUX", "/tmp/tmux-1/default,1,0"),
        ],
        120,
        40,
    );
    pty.wait_for(&["Active interventions in your schools"], WAIT);
    assert!(pty.count(b"\x1b[?1000h") >= 1, "mouse captured when asked");
    assert!(
        pty.count(b"38;2;18;52;86") >= 1,
        "the theme file's heading colour is drawn:\n{}",
        pty.screen()
    );

    // Ctrl-P, a few letters, enter: the roster tool.
    pty.send("\x10");
    pty.wait_for(&["enter run", "Open Roster"], WAIT);
    pty.send("rost");
    pty.wait_until("the roster first", WAIT, |s| {
        s.lines()
            .find(|l| l.starts_with('│'))
            .is_some_and(|l| l.contains("Open Roster"))
    });
    pty.send("\r");
    let (l0, f0, _) = &rows[0];
    pty.wait_selected(&[&format!("{l0}, {f0}")], WAIT);

    // Title, search, chips, header: the third student is on row 7
    // (1-based, as SGR mouse reports count).
    pty.send("\x1b[<0;5;7M\x1b[<0;5;7m");
    let (l2, f2, id2) = &rows[2];
    pty.wait_selected(&[&format!("{l2}, {f2}")], WAIT);

    // y: the id and name, in tmux's passthrough envelope.
    pty.send("y");
    pty.wait_for(&[&format!("sent {id2} {l2}, {f2}")], WAIT);
    let want = sequence(&format!("{id2} {l2}, {f2}"), Passthrough::Tmux);
    assert_eq!(pty.count(want.as_bytes()), 1, "{want:?}");

    // One notch of the wheel: three rows down.
    pty.send("\x1b[<65;5;7M");
    let (l5, f5, _) = &rows[5];
    pty.wait_selected(&[&format!("{l5}, {f5}")], WAIT);

    assert_eq!(pty.count(b"\x1b[?1000l"), 0);
    pty.send("q");
    let start = std::time::Instant::now();
    while pty.count(b"\x1b[?1000l") == 0 {
        assert!(start.elapsed() < WAIT, "mouse released on the way out");
        std::thread::sleep(Duration::from_millis(50));
    }
    pty.finish();

    // Copying off, mouse off (the default): y writes nothing and says so.
    let (_dir, cfg) = config("[ui]\ncopy = false\n", None);
    let mut pty = Pty::spawn(
        &["--config", &cfg, "--database-url", &url],
        &[("PGPASSWORD", &password)],
        120,
        40,
    );
    pty.wait_for(&["Active interventions in your schools"], WAIT);
    pty.send(":roster\r");
    pty.wait_selected(&[&format!("{l0}, {f0}")], WAIT);
    pty.send("y");
    pty.wait_for(&["copying is off"], WAIT);
    assert_eq!(pty.count(b"]52;"), 0, "no OSC 52 at all");
    assert_eq!(
        pty.count(b"\x1b[?1000h"),
        0,
        "the mouse is left to the terminal"
    );
    pty.send("q");
    pty.finish();
}
