//! Names in the reader's alphabet (issue 13, item 11): the roster's real
//! query and its keyset pages, under the root collation and under a
//! district's own (Icelandic), and the plans that keep it index-backed.

mod common;

use caseload::db::{migrate, roster};
use caseload::domain::roster::{PageRequest, RosterCursor, RosterQuery, RosterRow};
use common::TestDb;
use common::explain::{explaining_as, take};
use common::roles::LoginRoles;
use tokio_postgres::Client;
use uuid::Uuid;

/// Surnames inserted in this (scrambled) order.
const NAMES: [&str; 12] = [
    "Tómasson",
    "Baker",
    "Þórsson",
    "Olsen",
    "Zeta",
    "Ævarsdóttir",
    "Ólafsdóttir",
    "Pétursson",
    "Oddsson",
    "Örnsson",
    "Thompson",
    "Ulfsson",
];

/// The root collation (CLDR's language-neutral order): accented letters
/// with their base letter (Ólafsdóttir with the O's), Æ as "ae", Þ after
/// every Latin letter (so after T).
const ROOT: [&str; 12] = [
    "Ævarsdóttir",
    "Baker",
    "Oddsson",
    "Ólafsdóttir",
    "Olsen",
    "Örnsson",
    "Pétursson",
    "Thompson",
    "Tómasson",
    "Ulfsson",
    "Zeta",
    "Þórsson",
];

/// Icelandic: Ó is a letter of its own after O, and the alphabet ends
/// … Y Ý Þ Æ Ö.
const ICELANDIC: [&str; 12] = [
    "Baker",
    "Oddsson",
    "Olsen",
    "Ólafsdóttir",
    "Pétursson",
    "Thompson",
    "Tómasson",
    "Ulfsson",
    "Zeta",
    "Þórsson",
    "Ævarsdóttir",
    "Örnsson",
];

/// Two schools, the names alternating between them; `wide` coordinates the
/// whole district (the roster reads one index walk), `limited` only school
/// A but is the counselor of school B's students (the roster merges one
/// branch per term of row-level security's condition).
async fn world(admin: &Client, wide: &str, limited: &str) {
    admin
        .batch_execute(&format!(
            "INSERT INTO schools (name, short_name, local_id, low_grade, high_grade) VALUES \
               ('Aschool', 'A', 'A', 'KG', '12'), ('Bschool', 'B', 'B', 'KG', '12'); \
             INSERT INTO users (username, display_name, email) VALUES \
               ('{wide}', 'Wide', '{wide}@example.org'), ('{limited}', 'Limited', '{limited}@example.org'); \
             INSERT INTO user_roles (user_id, role_id, school_id) \
               SELECT u.id, r.id, CASE WHEN u.username = '{limited}' \
                 THEN (SELECT id FROM schools WHERE local_id = 'A') END \
               FROM users u, roles r WHERE r.key = 'coordinator'"
        ))
        .await
        .expect("schools and people");
    for (i, last) in NAMES.iter().enumerate() {
        let school = if i % 2 == 0 { "A" } else { "B" };
        admin
            .execute(
                "INSERT INTO students (school_id, local_id, first_name, last_name, grade_level, \
                   counselor_id) \
                 SELECT sc.id, $2, 'Anna', $1, '05', \
                   CASE WHEN sc.local_id = 'B' THEN (SELECT id FROM users WHERE username = $3) END \
                 FROM schools sc WHERE sc.local_id = $4",
                &[last, &format!("S{i}"), &limited, &school],
            )
            .await
            .expect("student");
    }
}

async fn as_role(db: &TestDb, role: &str) -> Client {
    common::connect(&LoginRoles::conninfo_as(&db.conninfo(), role)).await
}

async fn page(c: &Client, request: PageRequest, limit: usize) -> Vec<RosterRow> {
    roster::roster_page(c, &RosterQuery::default(), &request, limit)
        .await
        .expect("page")
        .rows
}

fn surnames(rows: &[RosterRow]) -> Vec<String> {
    rows.iter().map(|r| r.last_name.clone()).collect()
}

/// Every surname, walking forward in pages of `limit`, and again backward
/// from the last page: both must give the same order.
async fn walked(c: &Client, limit: usize) -> Vec<String> {
    walked_query(c, &RosterQuery::default(), limit).await
}

async fn walked_query(c: &Client, query: &RosterQuery, limit: usize) -> Vec<String> {
    let mut forward = Vec::new();
    let mut request = PageRequest::First;
    loop {
        let p = roster::roster_page(c, query, &request, limit)
            .await
            .expect("page");
        forward.extend(p.rows.iter().cloned());
        match p.rows.last() {
            Some(last) if p.more => request = PageRequest::After(last.cursor()),
            _ => break,
        }
    }
    let mut backward: Vec<RosterRow> = Vec::new();
    let mut request = PageRequest::Last;
    loop {
        let p = roster::roster_page(c, query, &request, limit)
            .await
            .expect("page");
        let mut rows = p.rows.clone();
        rows.extend(backward);
        backward = rows;
        match p.rows.first() {
            Some(first) if p.more => request = PageRequest::Before(first.cursor()),
            _ => break,
        }
    }
    assert_eq!(surnames(&forward), surnames(&backward), "forward and back");
    surnames(&forward)
}

/// The cursor of the student with this surname, as the roster made it.
async fn cursor_of(c: &Client, last: &str) -> RosterCursor {
    let rows = page(c, PageRequest::First, 100).await;
    rows.iter()
        .find(|r| r.last_name == last)
        .map(RosterRow::cursor)
        .unwrap_or_else(|| panic!("{last} not on the roster"))
}

/// The page boundary falls between `before` and `after`: the page after
/// `before` starts with `after`, the one before `after` ends with `before`.
async fn assert_adjacent(c: &Client, before: &str, after: &str) {
    let next = page(c, PageRequest::After(cursor_of(c, before).await), 1).await;
    assert_eq!(surnames(&next), [after], "the page after {before}");
    let previous = page(c, PageRequest::Before(cursor_of(c, after).await), 1).await;
    assert_eq!(surnames(&previous), [before], "the page before {after}");
}

async fn set_alphabet(
    admin: &mut Client,
    locale: &str,
) -> Result<migrate::Report, migrate::MigrateError> {
    admin
        .execute(
            "UPDATE settings SET value = to_jsonb($1::text) \
             WHERE key = 'names.collation' AND scope = 'system'",
            &[&locale],
        )
        .await
        .expect("setting");
    migrate::run(admin, &migrate::embedded()).await
}

#[tokio::test]
async fn names_sort_in_the_root_alphabet_through_the_roster_and_its_pages() {
    let db = TestDb::new().await;
    let roles = LoginRoles::create(&db.admin().await, "caseload_coordinator", 2).await;
    world(&db.admin().await, &roles.0[0], &roles.0[1]).await;
    for who in &roles.0 {
        let c = as_role(&db, who).await;
        for limit in [1, 3, 5] {
            assert_eq!(walked(&c, limit).await, ROOT, "{who}, pages of {limit}");
        }
        assert_adjacent(&c, "Oddsson", "Ólafsdóttir").await;
        assert_adjacent(&c, "Ólafsdóttir", "Olsen").await;
        assert_adjacent(&c, "Zeta", "Þórsson").await;
        assert_adjacent(&c, "Ævarsdóttir", "Baker").await;
    }
}

#[tokio::test]
async fn a_district_choosing_icelandic_gets_its_alphabet_at_the_next_migrate() {
    let db = TestDb::new().await;
    let roles = LoginRoles::create(&db.admin().await, "caseload_coordinator", 2).await;
    let mut admin = db.admin().await;
    world(&admin, &roles.0[0], &roles.0[1]).await;
    let c = as_role(&db, &roles.0[0]).await;
    assert_eq!(walked(&c, 4).await, ROOT);

    let report = set_alphabet(&mut admin, "is").await.expect("migrate");
    assert_eq!(report.names_alphabet.as_deref(), Some("is"));
    assert_eq!(report.names_alphabet_was.as_deref(), Some("und"));
    // Nothing changes when the setting did not.
    let again = migrate::run(&mut admin, &migrate::embedded())
        .await
        .expect("migrate");
    assert_eq!(again.names_alphabet.as_deref(), Some("is"));
    assert_eq!(again.names_alphabet_was, None);
    for who in &roles.0 {
        let c = as_role(&db, who).await;
        assert_eq!(walked(&c, 4).await, ICELANDIC, "{who}");
        assert_adjacent(&c, "Olsen", "Ólafsdóttir").await;
        assert_adjacent(&c, "Zeta", "Þórsson").await;
    }
    // Still one seek per page under the new alphabet.
    assert_name_pages_use(&db, &roles.0[0], "students_name_idx").await;

    // A locale ICU does not know is refused, naming the setting, and
    // changes nothing.
    let err = set_alphabet(&mut admin, "xx-nowhere")
        .await
        .expect_err("unknown locale");
    assert!(err.to_string().contains("names.collation"), "{err}");
    assert_eq!(walked(&c, 4).await, ICELANDIC);

    set_alphabet(&mut admin, "und").await.expect("back to root");
    assert_eq!(walked(&c, 4).await, ROOT);
}

/// The roster's first page and a deep page by name, as `role`, are read by
/// walking `index` in order: no sort of the rows, the cursor an index
/// condition.
async fn assert_name_pages_use(db: &TestDb, role: &str, index: &str) {
    let (c, plans) = explaining_as(&db.conninfo(), role).await;
    // The table is tiny: without this the planner rightly prefers a
    // sequential scan and a sort. Disabled, they are still chosen when
    // nothing else gives the order — which is what this looks for.
    c.batch_execute("SET enable_seqscan = off; SET enable_sort = off")
        .await
        .expect("set");
    let deep = cursor_of(&c, "Oddsson").await;
    for request in [PageRequest::First, PageRequest::After(deep)] {
        take(&plans);
        let rows = page(&c, request.clone(), 3).await;
        assert_eq!(rows.len(), 3);
        let plans = take(&plans);
        let roster = plans
            .iter()
            .find(|p| p.contains("FROM students s JOIN schools sc"))
            .unwrap_or_else(|| panic!("no roster plan among {plans:#?}"));
        assert!(
            roster.contains(&format!("Index Scan using {index} on students s")),
            "{request:?}: not a walk of {index}:\n{roster}"
        );
        if matches!(request, PageRequest::After(_)) {
            assert!(
                roster.contains("Index Cond: (ROW("),
                "{request:?}: the cursor is no index condition:\n{roster}"
            );
        }
        // No Sort node anywhere: each branch is read in order, and several
        // branches are merged in order (a Merge Append's "Sort Key" line).
        assert!(
            !roster.contains("Sort  ("),
            "{request:?}: sorted rows instead of walking {index}:\n{roster}"
        );
    }
}

#[tokio::test]
async fn the_roster_by_name_walks_the_name_indexes_in_the_districts_alphabet() {
    let db = TestDb::new().await;
    let roles = LoginRoles::create(&db.admin().await, "caseload_coordinator", 2).await;
    world(&db.admin().await, &roles.0[0], &roles.0[1]).await;
    // The whole district: one walk of the name index.
    assert_name_pages_use(&db, &roles.0[0], "students_name_idx").await;
    // One school and counselees elsewhere: a walk of the school's slice of
    // the school-and-name index per branch.
    assert_name_pages_use(&db, &roles.0[1], "students_school_name_idx").await;
}

/// Search as you type on one or two letters for someone who sees the whole
/// district (issue 19, 0035, 0038): the page comes from
/// caseload_short_search_page, which walks the name index alone (no row read
/// from the table until the page is known) for a pair common enough, and
/// reads the few rows holding a rare pair through the index of letter
/// pairs; either way pages forward and back agree, and the rows are exactly
/// those whose folded text contains every token, in the district's alphabet.
#[tokio::test]
async fn a_short_search_finds_what_contains_it_by_walking_names_or_by_letter_pairs() {
    let db = TestDb::new().await;
    let roles = LoginRoles::create(&db.admin().await, "caseload_coordinator", 2).await;
    let admin = db.admin().await;
    world(&admin, &roles.0[0], &roles.0[1]).await;
    // All-visible pages, as autovacuum leaves a settled table: what lets
    // an index-only scan skip the table; and the pairs' statistics.
    admin
        .batch_execute("VACUUM ANALYZE students")
        .await
        .expect("vacuum");
    let wide = as_role(&db, &roles.0[0]).await;
    for search in [
        "ss", "o", "Ó", "ae", "o ss", "zz", "ba", "s1", "n s", "%", "_", "\\", "a%", "'",
    ] {
        let tokens: Vec<&str> = search.split_whitespace().collect();
        let expected: Vec<String> = admin
            .query(
                "SELECT last_name FROM students s WHERE s.search_text LIKE ALL \
                   (SELECT caseload_like_contains(t) FROM unnest($1::text[]) t) \
                 ORDER BY last_name COLLATE caseload_names, first_name COLLATE caseload_names, id",
                &[&tokens],
            )
            .await
            .expect("expected")
            .iter()
            .map(|r| r.get(0))
            .collect();
        let query = RosterQuery {
            search: search.into(),
            ..Default::default()
        };
        for limit in [1, 2, 5] {
            assert_eq!(
                walked_query(&wide, &query, limit).await,
                expected,
                "{search:?}, pages of {limit}"
            );
        }
    }

    let (c, plans) = explaining_as(&db.conninfo(), &roles.0[0]).await;
    // "ss" is in half the names (a page soon on the walk); "ba" in one (its
    // row read at once). Twelve rows: the planner would rightly read them
    // all, or walk the covering name index for "ba" too; what is left
    // enabled is what each step must be able to use.
    for (search, enabled, inside) in [
        (
            "ss",
            "bitmapscan = off; SET enable_indexscan = on; SET enable_indexonlyscan = on",
            "Index Only Scan using students_name_idx on students s",
        ),
        (
            "ba",
            "bitmapscan = on; SET enable_indexscan = off; SET enable_indexonlyscan = off",
            "Bitmap Index Scan on students_search_bigrams_idx",
        ),
    ] {
        c.batch_execute(&format!("SET enable_seqscan = off; SET enable_{enabled}"))
            .await
            .expect("set");
        let query = RosterQuery {
            search: search.into(),
            ..Default::default()
        };
        take(&plans);
        let rows = roster::roster_page(&c, &query, &PageRequest::First, 2)
            .await
            .expect("page")
            .rows;
        assert!(!rows.is_empty(), "{search}");
        let plans = take(&plans);
        let roster = plans
            .iter()
            .find(|p| p.contains("JOIN schools sc"))
            .unwrap_or_else(|| panic!("no roster plan among {plans:#?}"));
        assert!(
            roster.contains("Function Scan on caseload_short_search_page"),
            "{search}: the page was not the function's:\n{roster}"
        );
        assert!(
            plans.iter().any(|p| p.contains(inside)),
            "{search}: no {inside} among {plans:#?}"
        );
    }
}

/// Display names of staff, in the root alphabet (byte order would put
/// Ólöf after Zoe).
const STAFF: [&str; 5] = ["Olga", "Ólöf", "Tara", "Zoe", "Þóra"];

#[tokio::test]
async fn pickers_teams_guardians_and_the_home_list_names_in_the_same_alphabet() {
    use caseload::db::interventions::{programs, team};
    use caseload::domain::caseload::{HOME_ROWS, Scope};
    use caseload::domain::plan::ContextFor;

    let db = TestDb::new().await;
    let roles = LoginRoles::create(&db.admin().await, "caseload_coordinator", 2).await;
    let admin = db.admin().await;
    world(&admin, &roles.0[0], &roles.0[1]).await;
    let wide = &roles.0[0];
    admin
        .batch_execute(&format!(
            "INSERT INTO schools (name, local_id, low_grade, high_grade) VALUES \
               ('Zion School', 'Z', 'KG', '12'), ('Ólafsvík School', 'O1', 'KG', '12'), \
               ('Þórshöfn School', 'T', 'KG', '12'), ('Oak School', 'O2', 'KG', '12'); \
             INSERT INTO users (username, display_name, email) \
               SELECT 'staff' || i, n, 'staff' || i || '@example.org' \
               FROM unnest(ARRAY['Zoe', 'Þóra', 'Ólöf', 'Tara', 'Olga']) WITH ORDINALITY s(n, i); \
             INSERT INTO intervention_programs (name, intervention_type) VALUES \
               ('Zones', 'behavior'), ('Ólafs reading', 'reading'), ('Þjálfun', 'math'), \
               ('Oral fluency', 'reading'); \
             INSERT INTO student_guardians (student_id, first_name, last_name, relationship) \
               SELECT s.id, 'Gud', g, 'parent' FROM students s, \
                 unnest(ARRAY['Þórsson', 'Olsen', 'Zeta', 'Ólafsdóttir']) g \
               WHERE s.last_name = 'Baker'; \
             INSERT INTO interventions (student_id, school_id, custom_name, intervention_type, \
                 tier, status, start_date, sessions_per_week, owner_id) \
               SELECT s.id, s.school_id, 'Plan', 'reading', 2, 'active', DATE '2026-12-01', 2, \
                 (SELECT id FROM users WHERE username = '{wide}') \
               FROM students s; \
             INSERT INTO intervention_team (intervention_id, user_id, role) \
               SELECT i.id, u.id, 'teacher' FROM interventions i \
               JOIN students s ON s.id = i.student_id, users u \
               WHERE s.last_name = 'Baker' AND u.username LIKE 'staff%' AND u.display_name <> 'Tara'; \
             INSERT INTO intervention_team (intervention_id, external_name, external_org, role) \
               SELECT i.id, 'Ómar', 'Clinic', 'observer' FROM interventions i \
               JOIN students s ON s.id = i.student_id WHERE s.last_name = 'Baker';"
        ))
        .await
        .expect("lists");
    // Every student has one active plan, all due the same day: the home
    // lists them by name.
    let c = as_role(&db, wide).await;

    let schools: Vec<String> = caseload::db::schools::all_schools(&c)
        .await
        .expect("schools")
        .into_iter()
        .map(|s| s.name)
        .collect();
    let want = [
        "Aschool",
        "Bschool",
        "Oak School",
        "Ólafsvík School",
        "Zion School",
        "Þórshöfn School",
    ];
    assert_eq!(schools, want);
    let picker: Vec<String> = caseload::db::schools::active_schools(&c)
        .await
        .expect("picker")
        .into_iter()
        .map(|s| s.name)
        .collect();
    assert_eq!(picker, want);

    let baker: Uuid = admin
        .query_one("SELECT id FROM students WHERE last_name = 'Baker'", &[])
        .await
        .expect("baker")
        .get(0);
    let offered: Vec<String> = programs::form_context(&c, ContextFor::Student(baker))
        .await
        .expect("programs")
        .programs
        .into_iter()
        .map(|p| p.name)
        .collect();
    assert_eq!(
        offered,
        ["Ólafs reading", "Oral fluency", "Zones", "Þjálfun"]
    );

    let record = caseload::db::student_record::load(&c, baker)
        .await
        .expect("record")
        .expect("visible");
    let guardians: Vec<String> = record
        .guardians
        .iter()
        .map(|g| g.value.last_name.clone())
        .collect();
    assert_eq!(guardians, ["Ólafsdóttir", "Olsen", "Zeta", "Þórsson"]);

    let plan: Uuid = admin
        .query_one(
            "SELECT i.id FROM interventions i JOIN students s ON s.id = i.student_id \
             WHERE s.last_name = 'Baker'",
            &[],
        )
        .await
        .expect("plan")
        .get(0);
    let members: Vec<String> = team::load_team(&c, plan)
        .await
        .expect("team")
        .into_iter()
        .skip(1) // the owner leads
        .map(|m| m.name)
        .collect();
    assert_eq!(members, ["Olga", "Ólöf", "Ómar", "Zoe", "Þóra"]);
    let other: Uuid = admin
        .query_one(
            "SELECT i.id FROM interventions i JOIN students s ON s.id = i.student_id \
             WHERE s.last_name = 'Zeta'",
            &[],
        )
        .await
        .expect("other plan")
        .get(0);
    let candidates: Vec<String> = team::candidates(&c, other, "")
        .await
        .expect("candidates")
        .into_iter()
        .map(|m| m.name)
        .filter(|n| STAFF.contains(&n.as_str()))
        .collect();
    assert_eq!(candidates, STAFF);

    let home = caseload::db::caseload::load_home(
        &c,
        None,
        Scope::Schools,
        chrono::NaiveDate::from_ymd_opt(2026, 12, 3).expect("date"),
        HOME_ROWS,
    )
    .await
    .expect("home");
    let listed: Vec<String> = home
        .active
        .iter()
        .map(|a| a.of.student_name.trim_start_matches("Anna ").to_string())
        .collect();
    assert_eq!(listed, ROOT);
}
