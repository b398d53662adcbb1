//! End to end: the demo counselor, in the real binary in a pseudo-terminal,
//! creates an intervention from a program for a student on their roster,
//! adds a goal and enters three data points; the chart shows a trend and
//! the rows are in the database.

mod common;

use caseload::demo::seed;
use common::TestDb;
use common::pty::Pty;
use std::time::Duration;

const WAIT: Duration = Duration::from_secs(30);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_counselor_creates_a_plan_a_goal_and_three_points() {
    let today = common::today();
    let (db, admin) = TestDb::seeded(300, 11, today).await;
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
    pty.send(":open roster\r");
    pty.wait_for(&["Name", "Grade"], WAIT);
    pty.send("\r");
    pty.wait_for(&["1 Profile"], WAIT);
    pty.send("3");
    pty.wait_for(&["n new intervention"], WAIT);
    pty.send("n");
    pty.wait_for(&["pick a program", "Custom (no program)"], WAIT);
    pty.send("\r");
    pty.wait_for(&["Sessions per week", "Start date"], WAIT);
    // Enter walks the fields (it saves only from the last one); the start
    // date is today's, cleared (ctrl-u) and typed. A start after the end is
    // caught by ctrl-s before anything is sent.
    pty.send("\r\r\r\x152026-11-20\r2026-11-01\x13");
    pty.wait_for(
        &["the planned end date must be on or after the start date"],
        WAIT,
    );
    pty.send("\x15\x13");
    pty.wait_for(&["no goals yet: n adds one"], WAIT);

    pty.send("n");
    pty.wait_for(&["New goal", "Decision rule"], WAIT);
    // Measure may come from the program: cleared (ctrl-u) and typed; Enter
    // past the decision rule and the status saves from the last field.
    pty.send(
        "Reads 90 words correct per minute\t\x15ORF\twcpm\t\t40\t2026-11-01\t90\t2027-02-01\r\r\r",
    );
    pty.wait_for(&["decision: not enough data: 0 of 4 points"], WAIT);
    for (n, (on, value)) in [
        ("2026-11-09", "44"),
        ("2026-11-16", "49"),
        ("2026-11-23", "55"),
    ]
    .iter()
    .enumerate()
    {
        pty.send("m");
        pty.wait_for(&["New data point", "Value"], WAIT);
        // The point opens dated today on its value: the value, then tab
        // round to the date, cleared and typed, and ctrl-s.
        pty.send(&format!("{value}\t\t\x15{on}\x13"));
        pty.wait_for(&[&format!("{} of 4 points", n + 1)], WAIT);
    }
    let screen = pty.wait_for(&["aimline · ⠂⠂ trend"], WAIT);
    assert!(!screen.contains("no trend"), "{screen}");
    pty.send("q");
    pty.finish();

    let row = admin
        .query_one(
            "SELECT count(DISTINCT i.id), count(DISTINCT g.id), count(m.id), \
               min(i.start_date)::text, bool_and(u.username = $1) \
             FROM interventions i JOIN users u ON u.id = i.created_by \
             JOIN intervention_goals g ON g.intervention_id = i.id \
             JOIN progress_measurements m ON m.goal_id = g.id \
             WHERE g.statement = 'Reads 90 words correct per minute'",
            &[&seed::DEMO_COUNSELOR],
        )
        .await
        .expect("rows");
    let (plans, goals, points): (i64, i64, i64) = (row.get(0), row.get(1), row.get(2));
    assert_eq!((plans, goals, points), (1, 1, 3));
    assert_eq!(
        row.get::<_, Option<String>>(3).as_deref(),
        Some("2026-11-20")
    );
    assert_eq!(
        row.get::<_, Option<bool>>(4),
        Some(true),
        "created by the counselor"
    );
}
