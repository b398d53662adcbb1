//! The real binary in a pseudo-terminal, as the demo counselor: a parent
//! call with a follow-up is logged from the student record, turns up in
//! the follow-up queue, and is marked done there; the database records the
//! call, and who closed the follow-up and when.

mod common;

use caseload::demo::seed;
use common::TestDb;
use common::pty::Pty;
use std::time::Duration;
use uuid::Uuid;

const WAIT: Duration = Duration::from_secs(30);
const SUMMARY: &str = "Called mom: reading at home every night";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_parent_call_with_a_follow_up_is_logged_queued_and_closed() {
    let (db, admin) = TestDb::seeded(400, 7, common::today()).await;
    let (url, password) = db
        .demo_login(&admin, seed::DEMO_COUNSELOR, "caseload_counselor")
        .await;
    let me: Uuid = admin
        .query_one(
            "SELECT id FROM users WHERE username = $1",
            &[&seed::DEMO_COUNSELOR],
        )
        .await
        .expect("the demo counselor")
        .get(0);
    let follow_up_days: i32 = admin
        .query_one(
            "SELECT (value #>> '{}')::int FROM settings \
             WHERE key = 'follow_up_days' AND scope = 'system'",
            &[],
        )
        .await
        .expect("the follow_up_days setting")
        .get(0);
    let due = common::today() + chrono::Days::new(u64::try_from(follow_up_days).unwrap_or(7));

    let mut pty = Pty::spawn(
        &["--database-url", &url],
        &[("PGPASSWORD", &password)],
        120,
        40,
    );
    pty.wait_for(&["My active interventions"], WAIT);
    pty.send(":open roster\r");
    pty.wait_for(&["Name", "Grade"], WAIT);
    pty.send("\r");
    pty.wait_for(&["1 Profile"], WAIT);

    // C opens the form on the purpose; → takes the first common purpose,
    // → on the result "reached"; the summary; tab to the follow-up, space
    // turns it on (due and owner filled in); ctrl-s saves.
    pty.send("C");
    pty.wait_for(&["new contact", "Purpose"], WAIT);
    pty.send("\x1b[C\r\x1b[C\r");
    pty.send(SUMMARY);
    pty.send("\t ");
    pty.wait_for(&["Follow-up due", &due.to_string(), "(me)"], WAIT);
    pty.send("\x13");
    pty.wait_for(&["contact logged for", &due.to_string()], WAIT);

    let row = admin
        .query_one(
            "SELECT c.id, s.first_name, c.channel, c.result, c.staff_id, c.follow_up_owner, \
                    c.follow_up_due \
             FROM communication_log c JOIN students s ON s.id = c.student_id \
             WHERE c.summary = $1",
            &[&SUMMARY],
        )
        .await
        .expect("the call, once");
    let (id, first_name): (Uuid, String) = (row.get(0), row.get(1));
    assert_eq!(row.get::<_, String>(3), "reached");
    assert_eq!(row.get::<_, Option<Uuid>>(4), Some(me), "logged by me");
    assert_eq!(row.get::<_, Option<Uuid>>(5), Some(me), "owned by me");
    assert_eq!(row.get::<_, Option<chrono::NaiveDate>>(6), Some(due));

    // The queue, from the menu: walk down to the new follow-up, close it.
    pty.send("\x1b");
    pty.wait_for(&["Menu"], WAIT);
    pty.send(":followups\r");
    pty.wait_for(&["Scope: mine"], WAIT);
    let due_text = due.to_string();
    let mut found = false;
    for _ in 0..200 {
        let line = pty.selected_line().unwrap_or_default();
        if line.contains(&first_name) && line.contains(&due_text) {
            found = true;
            break;
        }
        pty.send("j");
        std::thread::sleep(Duration::from_millis(60));
    }
    assert!(found, "the follow-up is in my queue:\n{}", pty.screen());
    pty.send("d");
    pty.wait_selected(&["✓ done", &first_name], WAIT);
    pty.wait_for(&["done:"], WAIT);

    let closed = admin
        .query_one(
            "SELECT follow_up_done_by, follow_up_done_at IS NOT NULL FROM communication_log \
             WHERE id = $1",
            &[&id],
        )
        .await
        .expect("the call");
    assert_eq!(closed.get::<_, Option<Uuid>>(0), Some(me), "closed by me");
    assert!(closed.get::<_, bool>(1), "and when");

    pty.send("q");
    pty.finish();
}
