//! Roster search, filters, paging and remembered filters against the real
//! server, signed in as login roles so row-level security applies.

mod common;

use caseload::db::roster;
use caseload::domain::enums::GradeLevel;
use caseload::domain::roster::{Filters, PageRequest, RosterQuery, SchoolFilter, Sort};
use common::TestDb;
use common::roles::LoginRoles;
use tokio_postgres::Client;
use uuid::Uuid;

struct World {
    school_a: Uuid,
    school_b: Uuid,
}

/// Two schools; `coordinator` sees all of them, `counselor` only their
/// counselees plus the student of an intervention team they are on.
/// first, last, preferred, local id, grade, IEP.
type Tricky = (
    &'static str,
    &'static str,
    Option<&'static str>,
    &'static str,
    &'static str,
    bool,
);

async fn world(admin: &Client, coordinator: &str, counselor: &str) -> World {
    let school = |name: &'static str| async move {
        admin
            .query_one(
                "INSERT INTO schools (name, short_name, local_id, low_grade, high_grade) \
                 VALUES ($1, $1, $1, 'KG', '12') RETURNING id",
                &[&name],
            )
            .await
            .expect("school")
            .get::<_, Uuid>(0)
    };
    let (a, b) = (school("Adams").await, school("Burns").await);
    for (user, role) in [(coordinator, "coordinator"), (counselor, "counselor")] {
        admin
            .execute(
                "WITH u AS (INSERT INTO users (username, display_name, email) \
                   VALUES ($1, $1, $1 || '@example.org') RETURNING id) \
                 INSERT INTO user_roles (user_id, role_id, school_id) \
                 SELECT u.id, r.id, CASE WHEN $2 = 'counselor' THEN $3::uuid END \
                 FROM u, roles r WHERE r.key = $2",
                &[&user, &role, &a],
            )
            .await
            .expect("user");
    }
    let names: &[Tricky] = &[
        // first, last, preferred, local id, grade, iep
        ("José", "Martínez", None, "S-100200", "03", true),
        ("Seán", "O'Brien", Some("Shawn"), "S-100201", "04", false),
        ("Ana", "García-López", None, "S-100202", "05", false),
        ("Thị", "Nguyễn", None, "S-100300", "06", true),
        ("Jose", "Ortiz", None, "T-200", "03", false),
        ("Per%cent", "Under_score", None, "U-1", "07", false),
        ("Back\\slash", "Quote\"d", None, "U-2", "07", false),
        ("Émoji😀", "Smith", None, "U-3", "08", false),
        ("Mary", "O’Connor", None, "U-4", "02", false),
    ];
    for (first, last, preferred, local, grade, iep) in names {
        admin
            .execute(
                "INSERT INTO students (school_id, local_id, first_name, last_name, preferred_name, \
                   grade_level, has_iep) VALUES ($1, $2, $3, $4, $5, $6::text::grade_level, $7)",
                &[&a, local, first, last, preferred, grade, iep],
            )
            .await
            .expect("student");
    }
    // Filler, so paging has something to page through.
    admin
        .execute(
            "INSERT INTO students (school_id, local_id, first_name, last_name, grade_level) \
             SELECT $1, 'F' || g, (ARRAY['Ann','Bo','Cy'])[1 + g % 3], 'Filler' || (g % 7), '04' \
             FROM generate_series(1, 120) g",
            &[&b],
        )
        .await
        .expect("filler");
    // The counselor's counselee (school A) and a team membership at school B.
    admin
        .batch_execute(&format!(
            "UPDATE students SET counselor_id = (SELECT id FROM users WHERE username = '{counselor}') \
               WHERE local_id = 'S-100200'; \
             INSERT INTO interventions (student_id, school_id, custom_name, intervention_type, tier, \
                 status, start_date) \
               SELECT id, school_id, 'Reading club', 'reading', 2, 'active', current_date \
               FROM students WHERE local_id = 'F7'; \
             INSERT INTO intervention_team (intervention_id, user_id, role) \
               SELECT i.id, u.id, 'interventionist' FROM interventions i, users u \
               WHERE u.username = '{counselor}';"
        ))
        .await
        .expect("caseload");
    World {
        school_a: a,
        school_b: b,
    }
}

async fn as_role(db: &TestDb, role: &str) -> Client {
    common::connect(&LoginRoles::conninfo_as(&db.conninfo(), role)).await
}

fn search(text: &str) -> RosterQuery {
    RosterQuery {
        search: text.into(),
        ..RosterQuery::default()
    }
}

/// Every match, walking forward page by page.
async fn all(c: &Client, q: &RosterQuery, limit: usize) -> Vec<(String, String, Uuid)> {
    all_while(c, q, limit, async |_| {}).await
}

/// [`all`], running `between(round)` after each page: rows that arrive
/// while a person pages.
async fn all_while(
    c: &Client,
    q: &RosterQuery,
    limit: usize,
    mut between: impl AsyncFnMut(i32),
) -> Vec<(String, String, Uuid)> {
    let mut out = Vec::new();
    let mut request = PageRequest::First;
    let mut round = 0;
    loop {
        let p = roster::roster_page(c, q, &request, limit)
            .await
            .expect("page");
        out.extend(
            p.rows
                .iter()
                .map(|r| (r.last_name.clone(), r.local_id.clone(), r.id)),
        );
        between(round).await;
        round += 1;
        match p.rows.last() {
            Some(last) if p.more => request = PageRequest::After(last.cursor()),
            _ => return out,
        }
    }
}

async fn ids(c: &Client, text: &str) -> Vec<String> {
    all(c, &search(text), 50)
        .await
        .into_iter()
        .map(|(_, local, _)| local)
        .collect()
}

#[tokio::test]
async fn search_folds_accents_case_apostrophes_hyphens_and_matches_ids() {
    let db = TestDb::new().await;
    let roles = LoginRoles::create(&db.admin().await, "caseload_coordinator", 2).await;
    let admin = db.admin().await;
    world(&admin, &roles.0[0], &roles.0[1]).await;
    let c = as_role(&db, &roles.0[0]).await;

    assert_eq!(ids(&c, "jose").await, ["S-100200", "T-200"]);
    assert_eq!(ids(&c, "JOSÉ mart").await, ["S-100200"]);
    assert_eq!(ids(&c, "obrien").await, ["S-100201"]);
    assert_eq!(ids(&c, "o'brien").await, ["S-100201"]);
    assert_eq!(ids(&c, "oconnor").await, ["U-4"], "typographic apostrophe");
    assert_eq!(ids(&c, "shawn").await, ["S-100201"], "preferred name");
    assert_eq!(ids(&c, "garcia lopez").await, ["S-100202"]);
    assert_eq!(ids(&c, "garcía-lópez").await, ["S-100202"]);
    assert_eq!(ids(&c, "nguyen thi").await, ["S-100300"]);
    assert_eq!(ids(&c, "Nguyễn").await, ["S-100300"]);
    // Local ids: exact, prefix, whatever the separator typed.
    assert_eq!(ids(&c, "S-100300").await, ["S-100300"]);
    assert_eq!(ids(&c, "s-1002").await.len(), 3);
    assert_eq!(ids(&c, "100201").await, ["S-100201"]);
    // LIKE metacharacters are literal.
    assert_eq!(ids(&c, "%").await, ["U-1"]);
    assert_eq!(ids(&c, "_").await, ["U-1"]);
    assert_eq!(ids(&c, "per%c").await, ["U-1"]);
    assert!(ids(&c, "p%t").await.is_empty(), "% is no wildcard");
    assert!(ids(&c, "o_brien").await.is_empty(), "_ is no wildcard");
    assert_eq!(ids(&c, "\\").await, ["U-2"]);
    assert_eq!(ids(&c, "quote\"d").await, ["U-2"]);
    assert_eq!(ids(&c, "😀").await, ["U-3"]);
    assert_eq!(ids(&c, "emoji😀").await, ["U-3"]);
    assert!(ids(&c, "'; DROP TABLE students; --").await.is_empty());
    assert!(ids(&c, "zzzz").await.is_empty());
}

#[tokio::test]
async fn search_combines_with_filters_and_sorts() {
    let db = TestDb::new().await;
    let roles = LoginRoles::create(&db.admin().await, "caseload_coordinator", 2).await;
    let admin = db.admin().await;
    let w = world(&admin, &roles.0[0], &roles.0[1]).await;
    let c = as_role(&db, &roles.0[0]).await;

    let mut q = search("jose");
    q.filters.iep = true;
    let found = all(&c, &q, 10).await;
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].1, "S-100200");

    let mut q = search("");
    q.filters.school = Some(SchoolFilter {
        id: w.school_a,
        name: "Adams".into(),
    });
    q.filters.grade_min = Some(GradeLevel::G03);
    q.filters.grade_max = Some(GradeLevel::G05);
    let mut locals: Vec<String> = all(&c, &q, 2).await.into_iter().map(|r| r.1).collect();
    locals.sort();
    assert_eq!(locals, ["S-100200", "S-100201", "S-100202", "T-200"]);

    let q = RosterQuery {
        filters: Filters {
            tier: Some(2),
            ..Filters::default()
        },
        ..RosterQuery::default()
    };
    let found = all(&c, &q, 10).await;
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].1, "F7");

    // Each sort pages forward and backward over the same rows, in its order.
    for sort in Sort::ALL {
        let q = RosterQuery {
            sort,
            ..RosterQuery::default()
        };
        let forward = all(&c, &q, 7).await;
        assert_eq!(forward.len(), 129);
        let mut backward = Vec::new();
        let mut request = PageRequest::Last;
        loop {
            let p = roster::roster_page(&c, &q, &request, 7)
                .await
                .expect("page");
            let mut rows: Vec<_> = p.rows.iter().map(|r| r.id).collect();
            rows.extend(backward);
            backward = rows;
            match p.rows.first() {
                Some(first) if p.more => request = PageRequest::Before(first.cursor()),
                _ => break,
            }
        }
        let forward_ids: Vec<Uuid> = forward.iter().map(|r| r.2).collect();
        assert_eq!(forward_ids, backward, "{sort:?}");
    }
    let _ = w.school_b;
}

#[tokio::test]
async fn paging_stays_stable_while_rows_are_inserted() {
    let db = TestDb::new().await;
    let roles = LoginRoles::create(&db.admin().await, "caseload_coordinator", 2).await;
    let admin = db.admin().await;
    let w = world(&admin, &roles.0[0], &roles.0[1]).await;
    let c = as_role(&db, &roles.0[0]).await;
    let q = search("filler");
    let before: Vec<Uuid> = all(&c, &q, 1000).await.into_iter().map(|r| r.2).collect();

    let seen: Vec<Uuid> = all_while(&c, &q, 10, async |round| {
        // Between pages, rows arrive on both sides of the cursor.
        admin
            .execute(
                "INSERT INTO students (school_id, local_id, first_name, last_name, grade_level) \
                     VALUES ($1, 'N' || $2::int, 'Zed', 'Filler0', '04'), \
                            ($1, 'M' || $2::int, 'Zed', 'Filler6', '04')",
                &[&w.school_b, &round],
            )
            .await
            .expect("insert");
    })
    .await
    .into_iter()
    .map(|r| r.2)
    .collect();
    assert_no_duplicates_or_gaps(&seen, &before);
}

#[tokio::test]
async fn row_level_security_still_decides_who_is_found() {
    let db = TestDb::new().await;
    let roles = LoginRoles::create(&db.admin().await, "caseload_counselor", 2).await;
    let admin = db.admin().await;
    admin
        .execute(
            &format!("GRANT caseload_coordinator TO {}", roles.0[0]),
            &[],
        )
        .await
        .expect("grant");
    world(&admin, &roles.0[0], &roles.0[1]).await;
    let c = as_role(&db, &roles.0[1]).await;
    // Their counselee, and the team student at another school: nobody else.
    let mut everyone: Vec<String> = all(&c, &search(""), 10)
        .await
        .into_iter()
        .map(|r| r.1)
        .collect();
    everyone.sort();
    assert_eq!(everyone, ["F7", "S-100200"]);
    assert_eq!(ids(&c, "jose").await, ["S-100200"]);
    assert!(ids(&c, "obrien").await.is_empty());
    let mine = RosterQuery {
        filters: Filters {
            my_caseload: true,
            ..Filters::default()
        },
        ..RosterQuery::default()
    };
    assert_eq!(all(&c, &mine, 10).await.len(), 2);
    let (n, estimated) = roster::roster_count(&c, &search("")).await.expect("count");
    assert_eq!((n, estimated), (2, false));
}

#[tokio::test]
async fn filters_are_remembered_per_person_and_only_their_own() {
    let db = TestDb::new().await;
    let roles = LoginRoles::create(&db.admin().await, "caseload_coordinator", 2).await;
    let admin = db.admin().await;
    let w = world(&admin, &roles.0[0], &roles.0[1]).await;
    let filters = Filters {
        school: Some(SchoolFilter {
            id: w.school_a,
            name: "Adams".into(),
        }),
        grade_min: Some(GradeLevel::G03),
        iep: true,
        tier: Some(2),
        ..Filters::default()
    };
    {
        let first = as_role(&db, &roles.0[0]).await;
        assert_eq!(roster::load_filters(&first).await.expect("load"), None);
        roster::save_filters(&first, &filters, Sort::Grade)
            .await
            .expect("save");
        // Saving again replaces, never duplicates.
        roster::save_filters(&first, &filters, Sort::Grade)
            .await
            .expect("save again");
    }
    // A later session of the same login role gets them back.
    let again = as_role(&db, &roles.0[0]).await;
    assert_eq!(
        roster::load_filters(&again).await.expect("load"),
        Some((filters.clone(), Sort::Grade))
    );
    // Someone else has none, and cannot write settings directly or others' keys.
    let other = as_role(&db, &roles.0[1]).await;
    assert_eq!(roster::load_filters(&other).await.expect("load"), None);
    assert!(
        other
            .execute(
                "INSERT INTO settings (key, scope, value, value_type) \
                 VALUES ('roster.x', 'system', '1', 'number')",
                &[]
            )
            .await
            .is_err()
    );
    assert!(
        other
            .execute(
                "SELECT caseload_save_my_setting('decision_rule_points', '1', 'number')",
                &[]
            )
            .await
            .is_err(),
        "only personal keys"
    );
    let rows: i64 = admin
        .query_one(
            "SELECT count(*) FROM settings WHERE scope = 'user' AND key = 'roster.filters'",
            &[],
        )
        .await
        .expect("count")
        .get(0);
    assert_eq!(rows, 1);
}

/// Logs a session for the student with `local` on `date` (creating an
/// intervention for them); `restricted` marks the session restricted.
async fn session(admin: &Client, local: &str, date: &str, restricted: bool) {
    admin
        .execute(
            "WITH i AS (INSERT INTO interventions (student_id, school_id, custom_name, \
                 intervention_type, tier, status, start_date) \
               SELECT id, school_id, 'Math lab', 'math', 2, 'active', DATE '2026-01-05' \
               FROM students WHERE local_id = $1 RETURNING id) \
             INSERT INTO intervention_sessions (id, intervention_id, session_date, minutes, \
                 attendance, is_restricted) \
             SELECT gen_random_uuid(), i.id, $2::text::date, 30, 'present', $3 FROM i",
            &[&local, &date, &restricted],
        )
        .await
        .expect("session");
}

async fn locals_in(c: &Client, q: &RosterQuery, limit: usize) -> Vec<String> {
    all(c, q, limit).await.into_iter().map(|r| r.1).collect()
}

#[tokio::test]
async fn last_session_sort_puts_recent_first_none_last_and_follows_writes() {
    let db = TestDb::new().await;
    let roles = LoginRoles::create(&db.admin().await, "caseload_coordinator", 2).await;
    let admin = db.admin().await;
    world(&admin, &roles.0[0], &roles.0[1]).await;
    let c = as_role(&db, &roles.0[0]).await;
    let version = |local: &'static str| {
        let admin = &admin;
        async move {
            admin
                .query_one(
                    "SELECT version, updated_at::text FROM students WHERE local_id = $1",
                    &[&local],
                )
                .await
                .map(|r| (r.get::<_, i32>(0), r.get::<_, String>(1)))
                .expect("version")
        }
    };
    let before = version("U-4").await;
    let audit_before: i64 = admin
        .query_one(
            "SELECT count(*) FROM audit_events WHERE table_name = 'students'",
            &[],
        )
        .await
        .expect("audit")
        .get(0);

    session(&admin, "U-4", "2026-03-01", false).await;
    session(&admin, "U-4", "2026-02-01", false).await;
    session(&admin, "U-3", "2026-03-10", false).await;
    session(&admin, "U-2", "2026-02-15", false).await;
    // A restricted session is not shown to people who may not see it, so it
    // does not count here either: U-1's date stays empty.
    session(&admin, "U-1", "2026-04-01", true).await;

    let q = RosterQuery {
        search: "u".into(),
        sort: Sort::LastSession,
        ..RosterQuery::default()
    };
    // Most recent first, then those with none by name ("u" also finds
    // Nguyễn, S-100300).
    assert_eq!(
        locals_in(&c, &q, 2).await,
        ["U-3", "U-4", "U-2", "S-100300", "U-1"]
    );
    let first = roster::roster_page(&c, &q, &PageRequest::First, 10)
        .await
        .expect("page");
    let dates: Vec<Option<String>> = first
        .rows
        .iter()
        .map(|r| r.last_session.map(|d| d.to_string()))
        .collect();
    assert_eq!(
        dates,
        [
            Some("2026-03-10".into()),
            Some("2026-03-01".into()),
            Some("2026-02-15".into()),
            None,
            None
        ]
    );
    // The bookkeeping write is no edit of the student: no version bump (no
    // false conflict for someone editing the profile), no audit event.
    assert_eq!(version("U-4").await, before);
    let audit_after: i64 = admin
        .query_one(
            "SELECT count(*) FROM audit_events WHERE table_name = 'students'",
            &[],
        )
        .await
        .expect("audit")
        .get(0);
    assert_eq!(audit_after, audit_before);

    // Moving a session, deleting it, and deleting an intervention follow.
    admin
        .execute(
            "UPDATE intervention_sessions SET session_date = '2026-05-01' \
             WHERE session_date = '2026-02-15'",
            &[],
        )
        .await
        .expect("move");
    assert_eq!(
        locals_in(&c, &q, 10).await,
        ["U-2", "U-3", "U-4", "S-100300", "U-1"]
    );
    admin
        .execute(
            "DELETE FROM interventions WHERE student_id = \
               (SELECT id FROM students WHERE local_id = 'U-2')",
            &[],
        )
        .await
        .expect("delete");
    admin
        .execute(
            "DELETE FROM intervention_sessions WHERE session_date = '2026-03-01'",
            &[],
        )
        .await
        .expect("delete session");
    let page = roster::roster_page(&c, &q, &PageRequest::First, 10)
        .await
        .expect("page");
    let got: Vec<(String, Option<String>)> = page
        .rows
        .iter()
        .map(|r| (r.local_id.clone(), r.last_session.map(|d| d.to_string())))
        .collect();
    assert_eq!(
        got,
        [
            ("U-3".into(), Some("2026-03-10".into())),
            ("U-4".into(), Some("2026-02-01".into())),
            ("S-100300".into(), None),
            ("U-2".into(), None),
            ("U-1".into(), None),
        ]
    );

    // Application roles cannot set the column themselves.
    let err = c
        .execute(
            "UPDATE students SET last_session_date = '2030-01-01' WHERE local_id = 'U-1'",
            &[],
        )
        .await
        .expect_err("column is not writable");
    assert_eq!(
        err.code(),
        Some(&tokio_postgres::error::SqlState::INSUFFICIENT_PRIVILEGE)
    );
    // Ordinary edits still work and still bump the version.
    c.execute(
        "UPDATE students SET preferred_name = 'Mo' WHERE local_id = 'U-4'",
        &[],
    )
    .await
    .expect("edit");
    assert_eq!(version("U-4").await.0, before.0 + 1);
}

#[tokio::test]
async fn last_session_paging_stays_stable_while_sessions_are_logged() {
    let db = TestDb::new().await;
    let roles = LoginRoles::create(&db.admin().await, "caseload_coordinator", 2).await;
    let admin = db.admin().await;
    world(&admin, &roles.0[0], &roles.0[1]).await;
    // Half the fillers have sessions, on a spread of dates with ties.
    admin
        .batch_execute(
            "INSERT INTO interventions (student_id, school_id, custom_name, intervention_type, \
                 tier, status, start_date) \
               SELECT id, school_id, 'Lab', 'math', 1, 'active', DATE '2026-01-05' \
               FROM students WHERE local_id LIKE 'F%' AND substr(local_id, 2)::int % 2 = 0; \
             INSERT INTO intervention_sessions (id, intervention_id, session_date, minutes, attendance) \
               SELECT gen_random_uuid(), i.id, DATE '2026-02-01' + (substr(s.local_id, 2)::int % 9), \
                 20, 'present' \
               FROM interventions i JOIN students s ON s.id = i.student_id \
               WHERE s.local_id LIKE 'F%';",
        )
        .await
        .expect("sessions");
    let c = as_role(&db, &roles.0[0]).await;
    let q = RosterQuery {
        search: "filler".into(),
        sort: Sort::LastSession,
        ..RosterQuery::default()
    };
    let before: Vec<Uuid> = all(&c, &q, 1000).await.into_iter().map(|r| r.2).collect();
    assert_eq!(before.len(), 120);

    let seen: Vec<Uuid> = all_while(&c, &q, 10, async |round| {
            // Between pages, new students arrive with sessions on both sides of
            // the cursor, and without any.
            admin
                .execute(
                    "WITH s AS (INSERT INTO students (school_id, local_id, first_name, last_name, \
                         grade_level) \
                       SELECT school_id, 'N' || $1::int || '-' || d, 'Zed', 'Filler' || d, '04' \
                       FROM students, generate_series(0, 2) d WHERE local_id = 'F1' RETURNING *), \
                     i AS (INSERT INTO interventions (student_id, school_id, custom_name, \
                         intervention_type, tier, status, start_date) \
                       SELECT id, school_id, 'Lab', 'math', 1, 'active', DATE '2026-01-05' \
                       FROM s WHERE last_name <> 'Filler2' RETURNING id, student_id) \
                     SELECT 1",
                    &[&round],
                )
                .await
                .expect("students");
            admin
                .execute(
                    "INSERT INTO intervention_sessions (id, intervention_id, session_date, minutes, \
                         attendance) \
                     SELECT gen_random_uuid(), i.id, \
                       CASE s.last_name WHEN 'Filler0' THEN DATE '2026-02-09' ELSE DATE '2026-02-01' END, \
                       20, 'present' \
                     FROM interventions i JOIN students s ON s.id = i.student_id \
                     WHERE s.local_id LIKE 'N' || $1::int || '-%'",
                    &[&round],
                )
                .await
                .expect("sessions");
    })
    .await
    .into_iter()
    .map(|r| r.2)
    .collect();
    assert_no_duplicates_or_gaps(&seen, &before);
}

/// Whose user-scoped settings `c` can read with plain SQL.
async fn user_rows(c: &Client) -> Vec<String> {
    c.query(
        "SELECT u.username FROM settings s JOIN users u ON u.id = s.user_id \
         WHERE s.scope = 'user' ORDER BY 1",
        &[],
    )
    .await
    .expect("settings")
    .iter()
    .map(|r| r.get::<_, String>(0))
    .collect()
}

#[tokio::test]
async fn settings_of_others_are_not_readable_but_shared_ones_are() {
    let db = TestDb::new().await;
    let roles = LoginRoles::create(&db.admin().await, "caseload_counselor", 2).await;
    let admin = db.admin().await;
    world(&admin, &roles.0[0], &roles.0[1]).await;
    let (mine, theirs) = (
        as_role(&db, &roles.0[0]).await,
        as_role(&db, &roles.0[1]).await,
    );
    let filters = Filters {
        iep: true,
        ..Filters::default()
    };
    roster::save_filters(&theirs, &filters, Sort::Grade)
        .await
        .expect("save");
    roster::save_filters(&mine, &Filters::default(), Sort::Name)
        .await
        .expect("save mine");
    // Plain SQL shows each person their own row only; the superuser sees both.
    assert_eq!(user_rows(&mine).await, [roles.0[0].clone()]);
    assert_eq!(user_rows(&theirs).await, [roles.0[1].clone()]);
    assert_eq!(user_rows(&admin).await.len(), 2);
    // District settings the rules read stay readable.
    let rules = caseload::db::interventions::load_rule_settings(&mine)
        .await
        .expect("rules");
    let shared: i64 = mine
        .query_one(
            "SELECT count(*) FROM settings WHERE key IN ('decision_rule_points', \
               'fidelity_threshold')",
            &[],
        )
        .await
        .expect("shared")
        .get(0);
    assert_eq!(shared, 2, "{rules:?}");
    assert_eq!(
        roster::load_filters(&theirs).await.expect("load"),
        Some((filters, Sort::Grade))
    );
}

#[tokio::test]
async fn search_uses_the_trigram_index_under_row_level_security() {
    let db = TestDb::new().await;
    let roles = LoginRoles::create(&db.admin().await, "caseload_coordinator", 2).await;
    let admin = db.admin().await;
    world(&admin, &roles.0[0], &roles.0[1]).await;
    // The roster's own search, run as the coordinator's login (the
    // superuser only loads auto_explain, which reports every statement's
    // plan, nested ones included, then becomes the coordinator).
    let (c, plans) = common::explain::explaining_as(&db.conninfo(), &roles.0[0]).await;
    let who: (String, bool) = c
        .query_one(
            "SELECT session_user::text, rolsuper FROM pg_roles WHERE rolname = current_user",
            &[],
        )
        .await
        .map(|r| (r.get(0), r.get(1)))
        .expect("who");
    assert_eq!(who, (roles.0[0].clone(), false));
    // The test table is tiny, so forbid the sequential scan: a plan that
    // cannot use the index still scans. Whole walks of the name index (it
    // covers search_text since 0035, for one- and two-letter searches) are
    // what a tiny table makes cheap too; forbidden alike.
    c.batch_execute("SET enable_seqscan = off; SET enable_indexonlyscan = off")
        .await
        .expect("set");
    assert_eq!(ids(&c, "martinez").await, ["S-100200"]);
    let plans = plans.lock().expect("notices").join("\n");
    assert!(
        plans.contains("students_search_like_idx"),
        "no index scan in:\n{plans}"
    );
    // The database-wide LEAKPROOF mark of 0006 is gone, and so is 0008's.
    let leakproof: Vec<bool> = admin
        .query(
            "SELECT proleakproof FROM pg_proc \
             WHERE oid IN ('pg_catalog.textlike(text, text)'::regprocedure, \
                           'caseload_like(text, caseload_like_pattern)'::regprocedure)",
            &[],
        )
        .await
        .expect("textlike")
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(leakproof, [false, false]);
}

#[tokio::test]
async fn the_leakproof_operator_reveals_nothing_about_hidden_rows() {
    let db = TestDb::new().await;
    let roles = LoginRoles::create(&db.admin().await, "caseload_counselor", 2).await;
    let admin = db.admin().await;
    let w = world(&admin, &roles.0[0], &roles.0[1]).await;
    // A student the counselor cannot see whose folded text ends in the
    // escape character: as a LIKE pattern, textlike would refuse it.
    admin
        .execute(
            "INSERT INTO students (school_id, local_id, first_name, last_name, grade_level) \
             VALUES ($1, 'Z\\', 'Hid', 'Den', '04')",
            &[&w.school_b],
        )
        .await
        .expect("hidden");
    let probe = "SELECT count(*) FROM students s \
                 WHERE 'x' ~~~ s.search_text::caseload_like_pattern";
    // The superuser sees the row, and the probe fails on it...
    assert!(admin.query_one(probe, &[]).await.is_err());
    // ...but for the counselor the policies run first: no error, no rows.
    let c = as_role(&db, &roles.0[1]).await;
    let n: i64 = c.query_one(probe, &[]).await.expect("probe").get(0);
    assert_eq!(n, 0);
    // Typed backslashes are literal and never make a bad pattern.
    assert!(ids(&c, "\\").await.is_empty());
    assert!(ids(&c, "a\\").await.is_empty());
}

#[tokio::test]
async fn a_coordinator_of_some_schools_pages_through_exactly_what_they_may_see() {
    let db = TestDb::new().await;
    let roles = LoginRoles::create(&db.admin().await, "caseload_coordinator", 2).await;
    let admin = db.admin().await;
    let w = world(&admin, &roles.0[0], &roles.0[1]).await;
    // A second person: coordinator of school A only, and on the team of
    // F7's intervention at school B.
    let limited = &roles.0[1];
    admin
        .batch_execute(&format!(
            "DELETE FROM user_roles WHERE user_id = (SELECT id FROM users WHERE username = '{limited}'); \
             INSERT INTO user_roles (user_id, role_id, school_id) \
               SELECT u.id, r.id, '{}' FROM users u, roles r \
               WHERE u.username = '{limited}' AND r.key = 'coordinator';",
            w.school_a
        ))
        .await
        .expect("limit");
    let c = as_role(&db, limited).await;
    let reach = roster::reach(&c).await.expect("reach");
    assert!(!reach.all);
    assert_eq!(reach.schools, [w.school_a]);
    // What row-level security lets them see, in name order.
    let expected: Vec<Uuid> = c
        .query(
            "SELECT id FROM students \
             ORDER BY last_name COLLATE caseload_names, first_name COLLATE caseload_names, id",
            &[],
        )
        .await
        .expect("visible")
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(expected.len(), 10, "school A's nine and F7");
    let by_name: Vec<Uuid> = all(&c, &RosterQuery::default(), 3)
        .await
        .into_iter()
        .map(|r| r.2)
        .collect();
    assert_eq!(by_name, expected);
    for sort in Sort::ALL {
        let q = RosterQuery {
            sort,
            ..RosterQuery::default()
        };
        let forward: Vec<Uuid> = all(&c, &q, 3).await.into_iter().map(|r| r.2).collect();
        let mut backward = Vec::new();
        let mut request = PageRequest::Last;
        loop {
            let p = roster::roster_page(&c, &q, &request, 3)
                .await
                .expect("page");
            let mut rows: Vec<_> = p.rows.iter().map(|r| r.id).collect();
            rows.extend(backward);
            backward = rows;
            match p.rows.first() {
                Some(first) if p.more => request = PageRequest::Before(first.cursor()),
                _ => break,
            }
        }
        assert_eq!(forward, backward, "{sort:?}");
        let mut sorted = forward.clone();
        sorted.sort();
        let mut want = expected.clone();
        want.sort();
        assert_eq!(sorted, want, "{sort:?}");
    }
    assert_eq!(ids(&c, "filler").await, ["F7"]);
    let (n, estimated) = roster::roster_count(&c, &search("")).await.expect("count");
    assert_eq!((n, estimated), (10, false));
}

/// Paging while rows were inserted saw every row that existed before,
/// each once.
fn assert_no_duplicates_or_gaps(seen: &[Uuid], before: &[Uuid]) {
    let mut unique = seen.to_vec();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), seen.len(), "no duplicates");
    for id in before {
        assert!(seen.contains(id), "no gaps: {id} missing");
    }
}
