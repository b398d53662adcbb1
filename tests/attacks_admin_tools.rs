//! Issue 17 as a coordinator, a counselor and a teacher with psql: none of
//! them may approve a tool, grant one, edit the menu, the schools or the
//! programs, or write the tools' history; an administrator cannot forge the
//! history, insert an approved tool or reach the definer functions' owner
//! through temporary objects. Each attack stays as a regression test.

mod common;

use common::district::{District, INSUFFICIENT_PRIVILEGE, sqlstate};
use uuid::Uuid;

async fn fixture(d: &District) -> (Uuid, Uuid) {
    let tool: Uuid = d
        .admin
        .query_one(
            "INSERT INTO tools (key, name, status) VALUES ('import.sis', 'SIS import', 'in_review') RETURNING id",
            &[],
        )
        .await
        .expect("tool")
        .get(0);
    let group: Uuid = d
        .admin
        .query_one(
            "INSERT INTO navigation_items (label, nav_type) VALUES ('Reports', 'group') RETURNING id",
            &[],
        )
        .await
        .expect("group")
        .get(0);
    (tool, group)
}

#[tokio::test]
async fn no_one_but_an_admin_approves_grants_or_edits_the_menu_schools_or_programs() {
    let d = District::new().await;
    let (tool, group) = fixture(&d).await;
    for who in ["coord_all", "coord_x", "counselor_a", "teacher"] {
        let c = d.connect_as(who).await;
        let attacks: &[(&str, &[&(dyn tokio_postgres::types::ToSql + Sync)])] = &[
            (
                "UPDATE tools SET status = 'approved' WHERE id = $1",
                &[&tool],
            ),
            (
                "UPDATE tools SET review_note = 'fine' WHERE id = $1",
                &[&tool],
            ),
            ("INSERT INTO tools (key, name) VALUES ('mine', 'Mine')", &[]),
            ("DELETE FROM tools WHERE id = $1", &[&tool]),
            (
                "INSERT INTO role_tools (role_id, tool_id) SELECT id, $1 FROM roles WHERE key = 'coordinator'",
                &[&tool],
            ),
            (
                "UPDATE navigation_items SET label = 'Mine' WHERE id = $1",
                &[&group],
            ),
            (
                "INSERT INTO navigation_items (label, nav_type) VALUES ('Mine', 'group')",
                &[],
            ),
            ("DELETE FROM navigation_items WHERE id = $1", &[&group]),
            (
                "INSERT INTO tool_status_changes (tool_id, to_status) VALUES ($1, 'approved')",
                &[&tool],
            ),
            (
                "UPDATE schools SET timezone = 'UTC' WHERE id = $1",
                &[&d.school_x],
            ),
            (
                "INSERT INTO schools (name, local_id, low_grade, high_grade) VALUES ('Z', 'Z', 'KG', '05')",
                &[],
            ),
            // A district program is no coordinator's (their school's: below).
            (
                "INSERT INTO intervention_programs (name, intervention_type) VALUES ('Mine', 'reading')",
                &[],
            ),
        ];
        for (sql, params) in attacks {
            assert_eq!(
                sqlstate(c.execute(*sql, params).await),
                INSUFFICIENT_PRIVILEGE,
                "{who}: {sql}"
            );
        }
        // The functions behind the workflow are nobody's to call.
        for sql in [
            "SELECT caseload_session_is_maintainer()",
            "SELECT caseload_tool_move_allowed('in_review', 'approved')",
        ] {
            assert_eq!(
                sqlstate(c.query(sql, &[]).await),
                INSUFFICIENT_PRIVILEGE,
                "{who}: {sql}"
            );
        }
    }
    let status: String = d
        .admin
        .query_one("SELECT status::text FROM tools WHERE id = $1", &[&tool])
        .await
        .expect("tool")
        .get(0);
    assert_eq!(status, "in_review", "nothing moved it");
}

/// Programs where a school scope makes sense: a coordinator adds and
/// changes their own school's, and nobody else's (nor the district's).
#[tokio::test]
async fn a_coordinator_writes_only_their_own_schools_programs() {
    let d = District::new().await;
    let program = |school: Option<Uuid>, name: &'static str| {
        let d = &d;
        async move {
            d.admin
                .query_one(
                    "INSERT INTO intervention_programs (name, intervention_type, school_id) \
                     VALUES ($1, 'reading', $2) RETURNING id",
                    &[&name, &school],
                )
                .await
                .expect("program")
                .get::<_, Uuid>(0)
        }
    };
    let district = program(None, "District reading").await;
    let x = program(Some(d.school_x), "X reading").await;
    let y = program(Some(d.school_y), "Y reading").await;
    let coord = d.connect_as("coord_x").await;
    let set = "UPDATE intervention_programs SET evidence_level = 'strong' WHERE id = $1";
    assert_eq!(coord.execute(set, &[&x]).await.expect("own school's"), 1);
    for other in [district, y] {
        assert_eq!(
            coord.execute(set, &[&other]).await.expect("filtered"),
            0,
            "not theirs"
        );
    }
    // Moving their program to another school, or to the district: refused.
    for to in [Some(d.school_y), None] {
        let r = coord
            .execute(
                "UPDATE intervention_programs SET school_id = $2 WHERE id = $1",
                &[&x, &to],
            )
            .await;
        assert_eq!(sqlstate(r), INSUFFICIENT_PRIVILEGE, "{to:?}");
    }
    coord
        .execute(
            "INSERT INTO intervention_programs (name, intervention_type, school_id) VALUES ('X math', 'math', $1)",
            &[&d.school_x],
        )
        .await
        .expect("a new program of their school");
    let r = coord
        .execute(
            "INSERT INTO intervention_programs (name, intervention_type, school_id) VALUES ('Y math', 'math', $1)",
            &[&d.school_y],
        )
        .await;
    assert_eq!(sqlstate(r), INSUFFICIENT_PRIVILEGE);
    let r = coord
        .execute("DELETE FROM intervention_programs WHERE id = $1", &[&x])
        .await;
    assert_eq!(sqlstate(r), INSUFFICIENT_PRIVILEGE);
    // A counselor changes none, and the field rules hold for coordinators too.
    let counselor = d.connect_as("counselor_a").await;
    assert_eq!(
        sqlstate(counselor.execute(set, &[&x]).await),
        INSUFFICIENT_PRIVILEGE
    );
    let r = coord
        .execute(
            "UPDATE intervention_programs SET session_fields = \
             '[{\"key\": \"Bad\", \"label\": \"x\", \"field_type\": \"text\"}]' WHERE id = $1",
            &[&x],
        )
        .await;
    assert_eq!(sqlstate(r), "23514");
}

#[tokio::test]
async fn an_admin_cannot_skip_the_workflow_or_forge_its_history() {
    let d = District::new().await;
    let (tool, _) = fixture(&d).await;
    let admin = d.connect_as("admin").await;
    // Straight to approved, or an approved tool born approved: refused.
    let r = admin
        .execute(
            "INSERT INTO tools (key, name, status) VALUES ('x', 'X', 'approved')",
            &[],
        )
        .await;
    assert_eq!(sqlstate(r), "23514");
    let r = admin
        .execute(
            "UPDATE tools SET status = 'retired' WHERE id = $1",
            &[&tool],
        )
        .await;
    assert_eq!(sqlstate(r), "23514");
    // The history is the trigger's alone.
    for sql in [
        "INSERT INTO tool_status_changes (tool_id, to_status) VALUES ($1, 'approved')",
        "UPDATE tool_status_changes SET note = 'forged' WHERE tool_id = $1",
        "DELETE FROM tool_status_changes WHERE tool_id = $1",
    ] {
        assert_eq!(
            sqlstate(admin.execute(sql, &[&tool]).await),
            INSUFFICIENT_PRIVILEGE,
            "{sql}"
        );
    }
    // No temporary table to shadow what the definer triggers read.
    let r = admin
        .batch_execute("CREATE TEMP TABLE tools (id uuid)")
        .await;
    assert_eq!(sqlstate(r), INSUFFICIENT_PRIVILEGE);
    // And a search_path of one's own changes nothing inside them.
    admin
        .batch_execute("SET search_path = pg_temp, public")
        .await
        .expect("search_path");
    admin
        .execute(
            "UPDATE tools SET status = 'approved', review_note = 'ok' WHERE id = $1",
            &[&tool],
        )
        .await
        .expect("approve");
    let by: Option<Uuid> = d
        .admin
        .query_one("SELECT changed_by FROM tool_status_changes WHERE tool_id = $1 AND to_status = 'approved'", &[&tool])
        .await
        .expect("history")
        .get(0);
    assert_eq!(by, Some(d.id("admin")));
}

#[tokio::test]
async fn a_school_keeps_a_real_time_zone() {
    let d = District::new().await;
    let admin = d.connect_as("admin").await;
    let r = admin
        .execute(
            "UPDATE schools SET timezone = 'Mars/Olympus' WHERE id = $1",
            &[&d.school_x],
        )
        .await;
    let e = r.expect_err("refused");
    assert!(
        e.as_db_error()
            .is_some_and(|x| x.message().contains("is not a time zone")),
        "{e:?}"
    );
    admin
        .execute(
            "UPDATE schools SET timezone = 'America/Chicago', is_active = false WHERE id = $1",
            &[&d.school_x],
        )
        .await
        .expect("an admin edits and deactivates a school");
}
