//! End to end (issue 17's "done when"): the demo administrator, in the real
//! binary in a pseudo-terminal, renames a menu item in the menu editor and
//! approves the submitted-for-review SIS import for counselors; the demo
//! counselor, starting next, sees both on their menu.

mod common;

use caseload::demo::seed;
use common::TestDb;
use common::pty::Pty;
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(30);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_renames_an_item_and_approves_a_tool_that_a_counselor_then_sees() {
    let today = common::today();
    let (db, admin) = TestDb::seeded(120, 5, today).await;
    let (url, password) = db
        .demo_login(&admin, seed::DEMO_ADMIN, "caseload_admin")
        .await;
    let mut pty = Pty::spawn(
        &["--database-url", &url],
        &[("PGPASSWORD", &password)],
        120,
        40,
    );
    pty.wait_for(&["Interventions in your schools"], WAIT);
    pty.send(":open admin.tools.navigation\r");
    pty.wait_for(&["As a counselor sees it", "[o] Roster  → roster"], WAIT);
    // The second row is the top-level Roster: renamed.
    pty.send("je\x15Class roster\r");
    pty.wait_for(
        &["renamed: Class roster", "[o] Class roster  → roster"],
        WAIT,
    );
    // A letter another item has is refused, naming it; esc, y drops it.
    pty.send("h\x15r");
    pty.wait_for(&["the key r is taken by \"Roster\""], WAIT);
    pty.send("\x1b");
    pty.wait_for(&["discard your changes?"], WAIT);
    pty.send("y");

    pty.send(":open admin.tools\r");
    pty.wait_for(&["Tool approval", "import.sis"], WAIT);
    // Down to import.sis (in review), approve it with a note, grant it to
    // counselors (the roles by key: admin, coordinator, counselor, …).
    let mut guard = 0;
    while !pty
        .selected_line()
        .is_some_and(|l| l.contains("import.sis"))
    {
        pty.send("j");
        std::thread::sleep(Duration::from_millis(100));
        guard += 1;
        assert!(guard < 40, "{}", pty.screen());
    }
    pty.send("a");
    pty.wait_for(&["approve", "reject"], WAIT);
    pty.send("\rvendor certified\r");
    pty.wait_for(&["Approve \"SIS import"], WAIT);
    pty.send("y");
    pty.wait_for(
        &["approved (it reaches the menus of the roles granted it)"],
        WAIT,
    );
    pty.send("pjj ");
    pty.wait_for(&["[x] Counselor", "Counselor may open SIS import"], WAIT);
    // Esc and q apart: together a terminal reads them as alt-q.
    pty.send("\x1b");
    pty.wait_for(&["a move on"], WAIT);
    pty.send("q");
    pty.finish();

    let (url, password) = db
        .demo_login(&admin, seed::DEMO_COUNSELOR, "caseload_counselor")
        .await;
    let mut pty = Pty::spawn(
        &["--database-url", &url],
        &[("PGPASSWORD", &password)],
        120,
        40,
    );
    pty.wait_for(&["My active interventions"], WAIT);
    pty.send("\x1b");
    let menu = pty.wait_for(&["[o] Class roster", "SIS import"], WAIT);
    assert!(!menu.contains("Menu editor"), "{menu}");
    pty.send("q");
    pty.finish();
}
