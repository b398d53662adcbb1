//! End to end: the real binary in a pseudo-terminal, signed in as the demo
//! coordinator's own login role on a seeded database.

mod common;

use caseload::demo::seed;
use common::TestDb;
use common::pty::Pty;
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn roster_and_menu_appear_for_the_demo_coordinator() {
    let today = common::today();
    let (db, admin) = TestDb::seeded(400, 7, today).await;
    let (url, password) = db
        .demo_login(&admin, seed::DEMO_COORDINATOR, "caseload_coordinator")
        .await;

    // What the coordinator should see first: the start of their roster.
    let first: Vec<String> = admin
        .query(
            "SELECT s.last_name FROM students s JOIN users u ON u.username = $1 \
             WHERE EXISTS (SELECT 1 FROM user_roles ur WHERE ur.user_id = u.id \
               AND (ur.school_id IS NULL OR ur.school_id = s.school_id) \
               AND (ur.expires_at IS NULL OR ur.expires_at > now())) \
             ORDER BY s.last_name COLLATE caseload_names, s.first_name COLLATE caseload_names, s.id LIMIT 3",
            &[&seed::DEMO_COORDINATOR],
        )
        .await
        .expect("first students")
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert!(!first.is_empty(), "the demo coordinator has students");
    // A student far down the roster, to be found by searching.
    let (far_last, far_first): (String, String) = {
        let r = admin
            .query_one(
                "SELECT s.last_name, s.first_name FROM students s JOIN users u ON u.username = $1 \
                 WHERE EXISTS (SELECT 1 FROM user_roles ur WHERE ur.user_id = u.id \
                   AND (ur.school_id IS NULL OR ur.school_id = s.school_id)) \
                   AND s.last_name ~ '^[A-Za-z]{4,}$' \
                 ORDER BY s.last_name DESC, s.first_name DESC LIMIT 1",
                &[&seed::DEMO_COORDINATOR],
            )
            .await
            .expect("a student to search for");
        (r.get(0), r.get(1))
    };
    let group_labels: Vec<String> = admin
        .query(
            "SELECT label FROM navigation_items WHERE parent_id IS NULL AND nav_type = 'group' \
             AND is_visible ORDER BY sort_order LIMIT 2",
            &[],
        )
        .await
        .expect("menu")
        .iter()
        .map(|r| r.get(0))
        .collect();

    let mut pty = Pty::spawn(
        &["--database-url", &url],
        &[("PGPASSWORD", &password)],
        160,
        45,
    );
    // Signed in, the caseload home opens by itself: a coordinator's lists
    // their schools' work.
    let screen = pty.wait_for(
        &["Active interventions in your schools"],
        Duration::from_secs(30),
    );
    assert!(
        screen.contains("demo_coordinator"),
        "status line names the person:\n{screen}"
    );
    pty.send(":open roster\r");
    let needles: Vec<&str> = first.iter().map(String::as_str).collect();
    pty.wait_for(&needles, Duration::from_secs(30));

    // "/" and a fragment of a name: the student appears.
    pty.send("/");
    pty.send(&far_last.to_lowercase());
    let screen = pty.wait_for(&[&far_last, &far_first], Duration::from_secs(30));
    assert!(
        screen.contains(&format!("/ {}", far_last.to_lowercase())),
        "the search box shows the text:\n{screen}"
    );
    // Esc leaves the box (its cursor goes, the text stays), Esc clears it,
    // Esc goes back to the menu built from navigation_items. Each Esc waits
    // for the last one's picture, so the terminal never reads two as one
    // alt-escape.
    let typed = format!("/ {}", far_last.to_lowercase());
    pty.send("\x1b");
    pty.wait_until(
        "the search box to let go of the keys",
        Duration::from_secs(30),
        |s| s.contains(&typed) && !s.contains('▏'),
    );
    pty.send("\x1b");
    pty.wait_until("the search text to clear", Duration::from_secs(30), |s| {
        s.contains("/ search") && needles.iter().all(|n| s.contains(n))
    });
    pty.send("\x1b");
    let labels: Vec<&str> = group_labels.iter().map(String::as_str).collect();
    pty.wait_for(&labels, Duration::from_secs(10));

    pty.send("q");
    pty.finish();
}

/// The demo counselor opens an active intervention from the caseload home,
/// pauses it through the action menu, and sees it paused; the database
/// agrees. As that same login role, SQL cannot make a move the lifecycle
/// forbids: the trigger refuses whatever the client.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_counselor_pauses_an_intervention_from_the_home() {
    use caseload::db::caseload::load_home;
    use caseload::db::interventions::error::refusal_of;
    use caseload::domain::caseload::{HOME_ROWS, Scope};
    use caseload::domain::enums::InterventionStatus;
    use caseload::domain::refusal::Refusal;

    let (db, admin) = TestDb::seeded(400, 7, common::today()).await;
    let (url, password) = db
        .demo_login(&admin, seed::DEMO_COUNSELOR, "caseload_counselor")
        .await;
    let me = common::connect(&format!("{url} password={password}")).await;
    // The home's first row, as the counselor's own role reads it.
    let home = load_home(&me, None, Scope::Mine, common::today(), HOME_ROWS)
        .await
        .expect("home");
    let first = home
        .active
        .first()
        .expect("the demo counselor has active work");
    let id = first.of.intervention_id;

    let mut pty = Pty::spawn(
        &["--database-url", &url],
        &[("PGPASSWORD", &password)],
        120,
        40,
    );
    pty.wait_for(
        &["My active interventions", &first.of.name],
        Duration::from_secs(30),
    );
    pty.send("\r");
    let screen = pty.wait_for(&["1 goals", "active "], Duration::from_secs(30));
    assert!(screen.contains(&first.of.name), "{screen}");
    pty.send("a");
    pty.wait_for(&["actions (active)", "▸ pause"], Duration::from_secs(10));
    pty.send("\r");
    pty.wait_for(
        &["pause this intervention (active → paused)?"],
        Duration::from_secs(10),
    );
    pty.send("y");
    let screen = pty.wait_for(&["paused ", "saved"], Duration::from_secs(30));
    assert!(
        !screen.contains("active "),
        "the header moved on:\n{screen}"
    );

    let status: InterventionStatus = admin
        .query_one("SELECT status FROM interventions WHERE id = $1", &[&id])
        .await
        .expect("row")
        .get(0);
    assert_eq!(status, InterventionStatus::Paused);

    // psql's way in, as the same role: paused → planned is not a move.
    let e = me
        .execute(
            "UPDATE interventions SET status = 'planned' WHERE id = $1",
            &[&id],
        )
        .await
        .expect_err("the trigger refuses");
    assert_eq!(
        refusal_of(&e),
        Some(Refusal::IllegalTransition {
            from: InterventionStatus::Paused,
            to: InterventionStatus::Planned
        })
    );

    pty.send("q");
    pty.finish();
}
