//! Demo data against a real server: constraints hold, every status is
//! represented, the same options give the same bytes, and a seeded database
//! is not seeded twice.

mod common;

use caseload::demo::seed::{
    self, DEMO_ADMIN, DEMO_COORDINATOR, DEMO_COUNSELOR, SeedError, SeedOptions,
};
use chrono::NaiveDate;
use common::TestDb;
use tokio_postgres::Client;

fn opts(students: u32, seed: u64) -> SeedOptions {
    SeedOptions {
        students,
        seed,
        today: NaiveDate::from_ymd_opt(2026, 3, 11).unwrap(),
    }
}

async fn strings(c: &Client, sql: &str) -> Vec<String> {
    c.query(sql, &[])
        .await
        .unwrap()
        .iter()
        .map(|r| r.get::<_, String>(0))
        .collect()
}

async fn count(c: &Client, sql: &str) -> i64 {
    c.query_one(sql, &[]).await.unwrap().get(0)
}

/// Fingerprints of the big tables, every column, in a fixed order.
async fn fingerprint(c: &Client) -> Vec<String> {
    let mut out = Vec::new();
    for (table, order) in [
        ("schools", "id"),
        ("users", "id"),
        ("students", "id"),
        ("student_guardians", "id"),
        ("interventions", "id"),
        ("intervention_goals", "id"),
        ("intervention_sessions", "id"),
        ("progress_measurements", "id"),
        ("intervention_team", "id"),
        ("communication_log", "id"),
        ("documents", "id"),
        ("navigation_items", "id"),
    ] {
        let sql = format!(
            "SELECT md5(coalesce(string_agg(t::text, '|' ORDER BY {order}), '')) FROM {table} t"
        );
        let row = c.query_one(&sql, &[]).await.unwrap();
        out.push(format!("{table}:{}", row.get::<_, String>(0)));
    }
    out
}

#[tokio::test]
async fn seeds_a_complete_demo_district() {
    let db = TestDb::new().await;
    let mut c = db.admin().await;
    assert!(!seed::is_seeded(&c).await.unwrap());
    let report = seed::seed(&mut c, &opts(300, 42)).await.expect("seed");
    assert!(seed::is_seeded(&c).await.unwrap());
    assert_eq!(report.count("students"), 300);
    assert_eq!(count(&c, "SELECT count(*) FROM students").await, 300);
    for (table, n) in &report.counts {
        let actual = count(&c, &format!("SELECT count(*) FROM {table}")).await;
        assert_eq!(actual as u64, *n, "{table}");
    }

    let statuses = strings(
        &c,
        "SELECT DISTINCT status::text FROM interventions ORDER BY 1",
    )
    .await;
    assert_eq!(
        statuses,
        [
            "active",
            "completed",
            "discontinued",
            "paused",
            "planned",
            "referred",
            "review_due"
        ]
    );
    let tools = strings(&c, "SELECT DISTINCT status::text FROM tools ORDER BY 1").await;
    assert_eq!(
        tools,
        [
            "approved",
            "draft",
            "in_review",
            "rejected",
            "retired",
            "submitted"
        ]
    );

    // Lifecycle corners the UI relies on.
    assert!(
        count(
            &c,
            "SELECT count(*) FROM interventions WHERE status = 'discontinued' AND outcome IS NULL"
        )
        .await
            > 0
    );
    assert!(count(&c, "SELECT count(*) FROM interventions WHERE status = 'discontinued' AND outcome IS NOT NULL").await > 0);
    assert!(
        count(
            &c,
            "SELECT count(*) FROM interventions WHERE status = 'completed' AND outcome IS NULL"
        )
        .await
            == 0
    );
    assert!(
        count(
            &c,
            "SELECT count(*) FROM interventions WHERE previous_intervention_id IS NOT NULL"
        )
        .await
            > 0
    );
    assert!(
        count(
            &c,
            "SELECT count(*) FROM interventions WHERE program_id IS NULL"
        )
        .await
            > 0
    );
    assert!(count(&c, "SELECT count(*) FROM interventions WHERE status = 'active' AND planned_end_date IS NULL").await > 0);
    assert!(count(&c, "SELECT count(*) FROM intervention_goals WHERE baseline_value = 0 OR baseline_value IS NULL").await > 0);
    assert!(
        count(
            &c,
            "SELECT count(*) FROM intervention_team WHERE user_id IS NULL"
        )
        .await
            > 0
    );
    assert!(
        count(
            &c,
            "SELECT count(*) FROM progress_measurements WHERE session_id IS NULL"
        )
        .await
            > 0
    );
    assert!(count(&c, "SELECT count(*) FROM intervention_attachments").await > 0);
    assert!(
        count(
            &c,
            "SELECT count(*) FROM communication_log WHERE parent_id IS NOT NULL"
        )
        .await
            > 0
    );
    // Every intervention with an owner has that owner on its team.
    assert_eq!(
        count(
            &c,
            "SELECT count(*) FROM interventions i WHERE owner_id IS NOT NULL AND NOT EXISTS \
             (SELECT 1 FROM intervention_team t WHERE t.intervention_id = i.id AND t.user_id = i.owner_id \
              AND t.role = 'owner')"
        )
        .await,
        0
    );
    // Sessions happen in the past, absent ones carry no minutes (a CHECK too).
    assert_eq!(
        count(
            &c,
            "SELECT count(*) FROM intervention_sessions WHERE session_date >= DATE '2026-03-11'"
        )
        .await,
        0
    );
    assert!(
        count(
            &c,
            "SELECT count(*) FROM intervention_sessions WHERE session_date >= DATE '2026-03-01'"
        )
        .await
            > 0
    );

    // The three demo users and their roles.
    let roles = strings(
        &c,
        "SELECT u.username || ':' || r.key || ':' || coalesce(s.local_id, '*') FROM users u \
         JOIN user_roles ur ON ur.user_id = u.id JOIN roles r ON r.id = ur.role_id \
         LEFT JOIN schools s ON s.id = ur.school_id WHERE u.username LIKE 'demo\\_%' ORDER BY 1",
    )
    .await;
    assert_eq!(
        roles,
        [
            format!("{DEMO_ADMIN}:admin:*"),
            format!("{DEMO_COORDINATOR}:coordinator:0100"),
            format!("{DEMO_COORDINATOR}:coordinator:0101"),
            format!("{DEMO_COUNSELOR}:counselor:0100"),
        ]
    );
    // Usernames are valid login role names and unique; emails unique ignoring case.
    assert_eq!(
        count(
            &c,
            "SELECT count(*) FROM users WHERE username !~ '^[a-z_][a-z0-9_]{0,62}$'"
        )
        .await,
        0
    );
    assert_eq!(
        count(
            &c,
            "SELECT count(DISTINCT lower(email)) - count(*) FROM users"
        )
        .await,
        0
    );
    assert!(
        count(
            &c,
            "SELECT count(*) FROM user_roles WHERE expires_at < DATE '2026-03-11'"
        )
        .await
            >= 1
    );
    assert!(
        count(
            &c,
            "SELECT count(*) FROM user_roles WHERE expires_at > DATE '2026-03-11'"
        )
        .await
            >= 1
    );

    // The demo counselor has a caseload in their own school, and owns work.
    let caseload = count(
        &c,
        "SELECT count(*) FROM students s JOIN users u ON u.id = s.counselor_id WHERE u.username = 'demo_counselor'",
    )
    .await;
    assert!((60..=150).contains(&caseload), "{caseload}");
    assert_eq!(
        count(
            &c,
            "SELECT count(*) FROM students s JOIN users u ON u.id = s.counselor_id \
             WHERE u.username = 'demo_counselor' AND s.school_id IS DISTINCT FROM u.home_school_id"
        )
        .await,
        0
    );
    assert!(
        count(
            &c,
            "SELECT count(*) FROM interventions i JOIN users u ON u.id = i.owner_id WHERE u.username = 'demo_counselor'"
        )
        .await
            >= 3
    );
    let follow_ups = count(
        &c,
        "SELECT count(DISTINCT (follow_up_due < DATE '2026-03-11')) FROM communication_log l \
         JOIN users u ON u.id = l.follow_up_owner \
         WHERE u.username = 'demo_counselor' AND follow_up_done_at IS NULL",
    )
    .await;
    assert_eq!(
        follow_ups, 2,
        "the demo counselor has both overdue and upcoming follow-ups"
    );

    // Grades fit the school, birthdays fit the grade.
    assert_eq!(
        count(
            &c,
            "SELECT count(*) FROM students s JOIN schools k ON k.id = s.school_id \
                   WHERE s.grade_level NOT BETWEEN k.low_grade AND k.high_grade"
        )
        .await,
        0
    );
    assert_eq!(
        count(
            &c,
            "SELECT count(*) FROM students WHERE grade_level = '03' \
                   AND date_of_birth NOT BETWEEN DATE '2015-09-02' AND DATE '2017-09-01'"
        )
        .await,
        0
    );

    // Navigation: groups, screens whose target is their tool's key, a separator,
    // an invisible item and one pointing at a tool that is not approved.
    let groups = strings(&c, "SELECT label || ':' || hotkey FROM navigation_items WHERE parent_id IS NULL AND nav_type = 'group' ORDER BY sort_order").await;
    assert_eq!(
        groups,
        [
            "Students:s",
            "Interventions:i",
            "Communication:c",
            "Reports:r",
            "Admin:a"
        ]
    );
    assert!(
        count(
            &c,
            "SELECT count(*) FROM navigation_items WHERE nav_type = 'separator'"
        )
        .await
            >= 1
    );
    assert!(
        count(
            &c,
            "SELECT count(*) FROM navigation_items WHERE NOT is_visible"
        )
        .await
            >= 1
    );
    assert_eq!(
        count(&c, "SELECT count(*) FROM navigation_items n JOIN tools t ON t.id = n.tool_id WHERE n.target <> t.key AND n.target NOT LIKE t.key || '.%'").await,
        0
    );
    assert!(
        count(&c, "SELECT count(*) FROM navigation_items n JOIN tools t ON t.id = n.tool_id WHERE t.status <> 'approved'").await
            >= 1
    );
    assert!(
        count(&c, "SELECT count(*) FROM role_tools rt JOIN tools t ON t.id = rt.tool_id WHERE t.status <> 'approved'").await
            >= 1
    );
    let viewer_tools = strings(
        &c,
        "SELECT t.key FROM role_tools rt JOIN roles r ON r.id = rt.role_id JOIN tools t ON t.id = rt.tool_id \
         WHERE r.key = 'viewer' ORDER BY 1",
    )
    .await;
    assert_eq!(viewer_tools, ["roster", "student"]);

    // Names from many languages.
    let names = strings(&c, "SELECT first_name || ' ' || last_name || ' ' || coalesce(preferred_name, '') FROM students").await;
    assert!(names.iter().any(|n| n.contains('\'')), "apostrophes");
    assert!(names.iter().any(|n| n.contains('-')), "hyphens");
    assert!(names.iter().any(|n| !n.is_ascii()), "accents");
    assert!(names.iter().all(|n| !n.chars().any(char::is_control)));
    let wide = names
        .iter()
        .filter(|n| {
            n.chars().any(|c| {
                ('\u{3040}'..='\u{9fff}').contains(&c) || ('\u{ac00}'..='\u{d7af}').contains(&c)
            })
        })
        .count();
    assert!(
        (2..=6).contains(&wide),
        "a handful of CJK names, got {wide}"
    );

    // Session field values follow the program's form: every required key present.
    assert_eq!(
        count(
            &c,
            "SELECT count(*) FROM intervention_sessions s JOIN interventions i ON i.id = s.intervention_id \
             JOIN intervention_programs p ON p.id = i.program_id, jsonb_array_elements(p.session_fields) f \
             WHERE s.attendance = 'present' AND (f->>'required')::boolean AND NOT s.field_values ? (f->>'key')"
        )
        .await,
        0
    );

    // What stays the same from session to session carries over into a new
    // session; what is observed each time (a mood, points, a score) never.
    let carried = strings(
        &c,
        "SELECT DISTINCT f->>'key' FROM intervention_programs p, \
           jsonb_array_elements(p.session_fields) f \
         WHERE (f->>'carry_over')::boolean ORDER BY 1",
    )
    .await;
    assert_eq!(
        carried,
        [
            "book",
            "genre",
            "level",
            "module",
            "story_level",
            "substep",
            "target_sound"
        ]
    );
}

/// Two goals of one intervention on the same measure ask for the same score
/// twice under the same label; the demo had hundreds. And the menu is flat,
/// so one letter for two items (or for a key the menu keeps, like j) would
/// open the wrong thing: the menu would move one of them to another letter.
#[tokio::test]
async fn no_goal_measure_or_menu_letter_comes_twice() {
    let (_db, c) = TestDb::seeded(1000, 42, common::today()).await;
    let goals = count(&c, "SELECT count(*) FROM intervention_goals").await;
    assert!(goals > 400, "{goals}");
    let twice = count(
        &c,
        "SELECT count(*) FROM (SELECT intervention_id FROM intervention_goals \
         GROUP BY intervention_id, measure HAVING count(*) > 1) d",
    )
    .await;
    assert_eq!(twice, 0, "interventions with two goals on one measure");

    // Hidden items and unapproved tools too: either may be shown one day.
    let letters = strings(
        &c,
        "SELECT string_agg(label, ', ') FROM navigation_items \
         WHERE nav_type IN ('screen', 'action') AND hotkey IS NOT NULL \
         GROUP BY lower(hotkey) HAVING count(*) > 1",
    )
    .await;
    assert!(letters.is_empty(), "items sharing a letter: {letters:?}");
    let items = caseload::db::navigation::all_menu_items(&c).await.unwrap();
    let mut menu = caseload::app::menu::build(&items);
    assert!(menu.len() > 15, "{menu:?}");
    let clashes = caseload::app::menu::settle(&mut menu, &Default::default());
    assert!(clashes.is_empty(), "{clashes:?}");
}

/// The cold tryout met two "Roster" and two "Documents" items: one item a
/// target. And every item that opens something opens a screen of this
/// version, except the tools that are not approved (their items show once
/// a screen exists and the Tools screen lets them be approved).
#[tokio::test]
async fn each_screen_is_on_the_demo_menu_once_and_approved_items_open_a_screen() {
    let (_db, c) = TestDb::seeded(50, 42, common::today()).await;
    let twice = strings(
        &c,
        "SELECT target || ': ' || string_agg(label, ', ') FROM navigation_items \
         WHERE nav_type IN ('screen', 'action') AND is_visible \
         GROUP BY target HAVING count(*) > 1",
    )
    .await;
    assert!(twice.is_empty(), "a target on the menu twice: {twice:?}");
    let approved = strings(
        &c,
        "SELECT n.target FROM navigation_items n JOIN tools t ON t.id = n.tool_id \
         WHERE n.is_visible AND t.status = 'approved' ORDER BY n.target",
    )
    .await;
    let lost: Vec<&String> = approved
        .iter()
        .filter(|t| !caseload::app::screens::opens(t))
        .collect();
    assert!(lost.is_empty(), "approved items no screen opens: {lost:?}");
}

#[tokio::test]
async fn same_options_give_identical_data_and_another_seed_does_not() {
    let (a, b, other) = (
        TestDb::new().await,
        TestDb::new().await,
        TestDb::new().await,
    );
    let (mut ca, mut cb, mut co) = (a.admin().await, b.admin().await, other.admin().await);
    seed::seed(&mut ca, &opts(200, 7)).await.unwrap();
    seed::seed(&mut cb, &opts(200, 7)).await.unwrap();
    seed::seed(&mut co, &opts(200, 8)).await.unwrap();
    let (fa, fb, fo) = (
        fingerprint(&ca).await,
        fingerprint(&cb).await,
        fingerprint(&co).await,
    );
    assert_eq!(fa, fb);
    for (x, y) in fa
        .iter()
        .zip(&fo)
        .filter(|(x, _)| !x.starts_with("navigation"))
    {
        assert_ne!(x, y);
    }
}

#[tokio::test]
async fn refuses_to_seed_twice_and_clear_allows_a_reseed() {
    let db = TestDb::new().await;
    let mut c = db.admin().await;
    let first = seed::seed(&mut c, &opts(50, 1)).await.unwrap();
    let err = seed::seed(&mut c, &opts(50, 1)).await.unwrap_err();
    assert!(
        matches!(err, SeedError::AlreadySeeded { students: 50 }),
        "{err:?}"
    );
    assert!(err.to_string().contains("--force"), "{err}");
    assert_eq!(count(&c, "SELECT count(*) FROM students").await, 50);

    seed::clear(&mut c).await.unwrap();
    assert!(!seed::is_seeded(&c).await.unwrap());
    assert_eq!(count(&c, "SELECT count(*) FROM users").await, 0);
    assert_eq!(count(&c, "SELECT count(*) FROM roles").await, 6);
    assert_eq!(
        count(&c, "SELECT count(*) FROM settings WHERE scope = 'system'").await,
        6
    );
    // The documents' retention for the sweeper (0023) is another.
    assert_eq!(
        count(
            &c,
            "SELECT count(*) FROM settings WHERE scope = 'system' \
             AND key = 'documents.retention_days' AND value = '30'"
        )
        .await,
        1
    );
    // The district's alphabet for names (0014) is one of them.
    assert_eq!(
        count(
            &c,
            "SELECT count(*) FROM settings WHERE scope = 'system' AND key = 'names.collation'"
        )
        .await,
        1
    );
    let again = seed::seed(&mut c, &opts(50, 1)).await.unwrap();
    assert_eq!(first.counts, again.counts);
}

#[tokio::test]
async fn a_failed_seed_leaves_nothing_behind() {
    let db = TestDb::new().await;
    let mut c = db.admin().await;
    // A stray user makes seeding refuse before anything is written.
    c.execute(
        "INSERT INTO users (username, display_name, email) VALUES ($1, $2, $3)",
        &[&"someone", &"Some One", &"someone@example.org"],
    )
    .await
    .unwrap();
    let err = seed::seed(&mut c, &opts(20, 1)).await.unwrap_err();
    assert!(matches!(err, SeedError::NotEmpty { users: 1 }), "{err:?}");
    assert_eq!(count(&c, "SELECT count(*) FROM schools").await, 0);
}

#[test]
fn copy_escaping_is_exposed_for_callers() {
    assert_eq!(
        seed::copy_text_escape("a\\b\tc\nd\re"),
        "a\\\\b\\tc\\nd\\re"
    );
}

#[tokio::test]
async fn foreign_key_check_catches_rows_loaded_without_triggers() {
    let db = TestDb::new().await;
    let mut c = db.admin().await;
    seed::seed(&mut c, &opts(20, 3)).await.unwrap();
    seed::check_foreign_keys(&c)
        .await
        .expect("seeded data is consistent");
    c.batch_execute(
        "SET session_replication_role = replica; \
         INSERT INTO intervention_sessions (id, intervention_id, session_date, minutes, attendance) \
           VALUES (gen_random_uuid(), gen_random_uuid(), current_date, 0, 'cancelled'); \
         SET session_replication_role = origin;",
    )
    .await
    .unwrap();
    let err = seed::check_foreign_keys(&c).await.unwrap_err();
    assert!(
        err.to_string()
            .contains("intervention_sessions_intervention_id_fkey"),
        "{err}"
    );
}

#[tokio::test]
async fn seeds_as_a_table_owner_without_superuser_with_triggers_on() {
    let db = TestDb::new().await;
    let admin = db.admin().await;
    let role = format!("caseload_seed_owner_{}", std::process::id());
    // Loading a district is maintenance, not a person's work: the role
    // needs CONNECT (revoked from PUBLIC) and BYPASSRLS, since under FORCE
    // row-level security a role that is no caseload user sees, and may
    // write, no student data (and COPY FROM refuses RLS outright). TEMP and
    // EXECUTE are no longer PUBLIC's (0012, always.sql): the loader keeps
    // settings in a temporary table and runs caseload's functions (the
    // search_text expression, the bookkeeping refreshes).
    admin
        .batch_execute(&format!(
            "DROP ROLE IF EXISTS {role}; CREATE ROLE {role} LOGIN BYPASSRLS; \
             GRANT CONNECT, TEMPORARY ON DATABASE {db} TO {role}; \
             GRANT USAGE ON SCHEMA public TO {role}; \
             GRANT ALL ON ALL TABLES IN SCHEMA public TO {role}; \
             GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA public TO {role};",
            db = db.name
        ))
        .await
        .unwrap();
    let conninfo: Vec<String> = db
        .conninfo()
        .split_whitespace()
        .filter(|kv| !kv.starts_with("user="))
        .map(str::to_string)
        .chain([format!("user={role}")])
        .collect();
    let result = {
        let mut c = common::connect(&conninfo.join(" ")).await;
        seed::seed(&mut c, &opts(120, 5)).await
    };
    admin
        .batch_execute(&format!("DROP OWNED BY {role}; DROP ROLE {role};"))
        .await
        .unwrap();
    let report = result.expect("seeding with triggers on");
    assert_eq!(report.count("students"), 120);
    seed::check_foreign_keys(&admin).await.unwrap();
    // Same rows whichever way they were loaded.
    let other = TestDb::new().await;
    let mut oc = other.admin().await;
    seed::seed(&mut oc, &opts(120, 5)).await.unwrap();
    assert_eq!(fingerprint(&admin).await, fingerprint(&oc).await);
}

/// The demo's status history (what the charts mark) tells each
/// intervention's story: it starts referred, takes only steps the lifecycle
/// allows, ends in the status the row has, and never runs past `today`.
#[tokio::test]
async fn seeded_status_history_takes_legal_steps_to_each_status() {
    use caseload::domain::enums::InterventionStatus as S;
    use caseload::domain::lifecycle::allowed;
    use std::collections::HashMap;
    let db = TestDb::new().await;
    let mut c = db.admin().await;
    let o = opts(300, 42);
    seed::seed(&mut c, &o).await.expect("seed");
    let status: HashMap<uuid::Uuid, S> = c
        .query("SELECT id, status FROM interventions", &[])
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    let rows = c
        .query(
            "SELECT intervention_id, from_status, to_status, changed_at::date \
             FROM intervention_status_changes ORDER BY intervention_id, changed_at, id",
            &[],
        )
        .await
        .unwrap();
    let mut last: HashMap<uuid::Uuid, S> = HashMap::new();
    for r in &rows {
        let (id, from, to, on): (uuid::Uuid, Option<S>, S, NaiveDate) =
            (r.get(0), r.get(1), r.get(2), r.get(3));
        assert!(on <= o.today, "{id}: a change after today ({on})");
        match (last.get(&id), from) {
            (None, None) => assert_eq!(to, S::Referred, "{id} starts referred"),
            (Some(&prev), Some(f)) => {
                assert_eq!(prev, f, "{id}: from is where it was");
                assert!(allowed(f, to), "{id}: {f} -> {to} is not a move");
            }
            other => panic!("{id}: broken chain {other:?}"),
        }
        last.insert(id, to);
    }
    assert_eq!(last, status, "every history ends in the row's status");
    let paused = rows
        .iter()
        .filter(|r| r.get::<_, S>(2) == S::Paused)
        .count();
    assert!(paused > 0, "some were paused: the demo shows the marker");
}
