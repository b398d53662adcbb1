//! Roster search, filters, paging and remembered filters against the real
//! server, signed in as login roles so row-level security applies.

mod common;

use caseload::db::enums::GradeLevel;
use caseload::db::roster::{self, Filters, PageRequest, RosterQuery, Sort};
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
    let mut out = Vec::new();
    let mut request = PageRequest::First;
    loop {
        let p = roster::roster_page(c, q, &request, limit)
            .await
            .expect("page");
        out.extend(
            p.rows
                .iter()
                .map(|r| (r.last_name.clone(), r.local_id.clone(), r.id)),
        );
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
    q.filters.school = Some(roster::SchoolFilter {
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

    let mut seen = Vec::new();
    let mut request = PageRequest::First;
    let mut round = 0;
    loop {
        let p = roster::roster_page(&c, &q, &request, 10)
            .await
            .expect("page");
        seen.extend(p.rows.iter().map(|r| r.id));
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
        round += 1;
        match p.rows.last() {
            Some(last) if p.more => request = PageRequest::After(last.cursor()),
            _ => break,
        }
    }
    let mut unique = seen.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), seen.len(), "no duplicates");
    for id in &before {
        assert!(seen.contains(id), "no gaps: {id} missing");
    }
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
        school: Some(roster::SchoolFilter {
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
