//! End to end (issue 17's "done when"): the demo administrator, in the real
//! binary in a pseudo-terminal, renames a menu item in the menu editor and
//! approves a tool in review for counselors; the demo counselor, starting
//! next, sees both on their menu. The tool is one this client has a screen
//! for (the seeded tools in review have none in every version: the Tools
//! screen refuses to approve those), made in review by the test itself.

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
    // "Missed sessions" becomes the menu item of a tool of its own, in
    // review and granted to nobody: off every menu until approved.
    admin
        .batch_execute(
            "INSERT INTO tools (key, name, description, status) VALUES \
               ('interventions.missed', 'Missed sessions', 'Who missed most', 'in_review'); \
             UPDATE navigation_items SET tool_id = (SELECT id FROM tools \
                                                    WHERE key = 'interventions.missed') \
              WHERE target = 'interventions.missed';",
        )
        .await
        .expect("a tool in review");
    let (url, password) = db
        .demo_login(&admin, seed::DEMO_ADMIN, "caseload_admin")
        .await;
    let mut pty = Pty::spawn(
        &["--database-url", &url],
        &[("PGPASSWORD", &password)],
        120,
        40,
    );
    pty.wait_for(&["Active interventions in your schools"], WAIT);
    pty.send(":open admin.tools.navigation\r");
    pty.wait_for(&["As a counselor sees it", "[r] Roster  → roster"], WAIT);
    // Caseload, the Students group, its Roster: renamed.
    pty.send("jje\x15Class roster\r");
    pty.wait_for(
        &["renamed: Class roster", "[r] Class roster  → roster"],
        WAIT,
    );
    // A letter another item has is refused, naming it; esc, y drops it.
    pty.send("h\x15h");
    pty.wait_for(&["the key h is taken by \"Caseload\""], WAIT);
    pty.send("\x1b");
    pty.wait_for(&["discard your changes?"], WAIT);
    pty.send("y");

    pty.send(":open admin.tools\r");
    pty.wait_for(&["Tool approval", "interventions.missed"], WAIT);
    // Down to it (in review), approve it with a note, grant it to
    // counselors (the roles by key: admin, coordinator, counselor, …).
    let mut guard = 0;
    while !pty
        .selected_line()
        .is_some_and(|l| l.contains("interventions.missed"))
    {
        pty.send("j");
        std::thread::sleep(Duration::from_millis(100));
        guard += 1;
        assert!(guard < 40, "{}", pty.screen());
    }
    pty.send("a");
    pty.wait_for(&["approve", "reject"], WAIT);
    // Enter on the note is the approval: no second question.
    pty.send("\rchecked with the counselors\r");
    pty.wait_for(
        &["approved (it reaches the menus of the roles granted it)"],
        WAIT,
    );
    pty.send("pjj ");
    pty.wait_for(
        &["[x] Counselor", "Counselor may open Missed sessions"],
        WAIT,
    );
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
    let menu = pty.wait_for(&["[r] Class roster", "Missed sessions"], WAIT);
    assert!(!menu.contains("Menu editor"), "{menu}");
    pty.send("q");
    pty.finish();
}
