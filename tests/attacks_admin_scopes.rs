//! 0033 against the real server, and as a coordinator or counselor with
//! psql would attack it: coordinators set their own schools' values and
//! nothing else (not the district's, not another school's, not another
//! column, not someone's own rows, not after their grant expired); a menu
//! group goes only once empty, naming what is in it; tools are created as
//! drafts and renamed by admins only, grant scopes only within the CHECK;
//! programs are made for one school by its coordinator. Each attack stays
//! as a regression test.

mod common;

use caseload::db::{menu_edit, programs, settings, tools};
use caseload::domain::enums::InterventionType;
use caseload::domain::menu_tree::MenuChange;
use caseload::domain::programs::ProgramDefaults;
use caseload::domain::settings::SettingScope;
use common::district::{District, INSUFFICIENT_PRIVILEGE, sqlstate};
use serde_json::json;
use uuid::Uuid;

const MINUTES: &str = "default_session_minutes";

async fn school_minutes(d: &District, school: Uuid) -> Option<serde_json::Value> {
    d.admin
        .query_opt(
            "SELECT value FROM settings WHERE key = $1 AND scope = 'school' AND school_id = $2",
            &[&MINUTES, &school],
        )
        .await
        .expect("read")
        .map(|r| r.get(0))
}

async fn district_minutes(d: &District) -> serde_json::Value {
    d.admin
        .query_one(
            "SELECT value FROM settings WHERE key = $1 AND scope = 'system'",
            &[&MINUTES],
        )
        .await
        .expect("read")
        .get(0)
}

#[tokio::test]
async fn a_coordinator_sets_their_own_schools_values_through_the_editor() {
    let d = District::new().await;
    let coord = d.connect_as("coord_x").await;
    let book = settings::book(&coord).await.expect("book");
    let schools: Vec<&str> = book.schools.iter().map(|s| s.local_id.as_str()).collect();
    assert_eq!(schools, ["X"], "only the schools they coordinate");
    assert!(!book.district, "the district's values are not theirs");
    let admin_book = settings::book(&d.connect_as("admin").await)
        .await
        .expect("book");
    assert!(admin_book.district);
    assert_eq!(admin_book.schools.len(), 2);

    let x = SettingScope::School("X".into());
    assert!(
        settings::save(&coord, MINUTES, &x, Some(&json!(40)))
            .await
            .expect("their school")
    );
    assert_eq!(school_minutes(&d, d.school_x).await, Some(json!(40)));
    // Again (the upsert's update path), then removed.
    assert!(
        settings::save(&coord, MINUTES, &x, Some(&json!(35)))
            .await
            .expect("again")
    );
    assert_eq!(school_minutes(&d, d.school_x).await, Some(json!(35)));
    // The bounds hold for them as for admins.
    let e = settings::save(&coord, MINUTES, &x, Some(&json!(9999)))
        .await
        .expect_err("out of bounds");
    assert_eq!(e.code().map(|c| c.code()), Some("23514"), "{e:?}");
    settings::save(&coord, MINUTES, &x, None)
        .await
        .expect("remove");
    assert_eq!(school_minutes(&d, d.school_x).await, None);

    // Another school: refused by the policy.
    let y = SettingScope::School("Y".into());
    let e = settings::save(&coord, MINUTES, &y, Some(&json!(40)))
        .await
        .expect_err("not their school");
    assert_eq!(e.code().map(|c| c.code()), Some(INSUFFICIENT_PRIVILEGE));
    // The district's: no row they may change.
    let before = district_minutes(&d).await;
    assert!(
        !settings::save(&coord, MINUTES, &SettingScope::System, Some(&json!(5)))
            .await
            .expect("filtered, not an error")
    );
    assert_eq!(district_minutes(&d).await, before);
}

#[tokio::test]
async fn psql_as_a_coordinator_or_counselor_reaches_no_other_setting() {
    let d = District::new().await;
    // A value at Y for the coordinator of X to try to change or remove.
    d.admin
        .execute(
            "INSERT INTO settings (key, scope, school_id, value, value_type) \
             VALUES ($1, 'school', $2, '50', 'number')",
            &[&MINUTES, &d.school_y],
        )
        .await
        .expect("Y's value");
    let coord = d.connect_as("coord_x").await;
    let refused: &[(&str, &[&(dyn tokio_postgres::types::ToSql + Sync)])] = &[
        (
            "INSERT INTO settings (key, scope, school_id, value, value_type) \
             VALUES ('default_session_minutes', 'school', $1, '20', 'number')",
            &[&d.school_y],
        ),
        // A district row of their own making.
        (
            "INSERT INTO settings (key, scope, value, value_type) \
             VALUES ('new_thing', 'system', '1', 'number')",
            &[],
        ),
        // Someone else's own row.
        (
            "INSERT INTO settings (key, scope, user_id, value, value_type) \
             VALUES ('roster.filters', 'user', $1, '{}', 'text')",
            &[&d.id("counselor_a")],
        ),
        // Columns other than the value: moving a row to another school, or
        // relabelling the district's setting.
        (
            "UPDATE settings SET school_id = $1 WHERE scope = 'school'",
            &[&d.school_y],
        ),
        (
            "UPDATE settings SET label = 'mine', description = 'mine' WHERE key = 'follow_up_days'",
            &[],
        ),
        (
            "UPDATE settings SET options = '{\"min\": 0, \"max\": 100000}' WHERE scope = 'system'",
            &[],
        ),
    ];
    for (sql, params) in refused {
        assert_eq!(
            sqlstate(coord.execute(*sql, params).await),
            INSUFFICIENT_PRIVILEGE,
            "{sql}"
        );
    }
    // Rows they may not see or touch are simply not there for them.
    for sql in [
        "UPDATE settings SET value = '1' WHERE scope = 'system'",
        "UPDATE settings SET value = '1' WHERE school_id IS DISTINCT FROM $1",
        "DELETE FROM settings WHERE school_id IS DISTINCT FROM $1",
    ] {
        let n = if sql.contains("$1") {
            coord.execute(sql, &[&d.school_x]).await
        } else {
            coord.execute(sql, &[]).await
        };
        assert_eq!(n.expect(sql), 0, "{sql}");
    }
    assert_eq!(school_minutes(&d, d.school_y).await, Some(json!(50)));
    let rows: i64 = d
        .admin
        .query_one("SELECT count(*) FROM settings WHERE scope = 'system'", &[])
        .await
        .expect("count")
        .get(0);
    assert!(rows >= 5, "the district's rows are all still there");

    // A school value of a setting that takes none is refused by 0027's
    // trigger, for coordinators too.
    let r = coord
        .execute(
            "INSERT INTO settings (key, scope, school_id, value, value_type) \
             VALUES ('follow_up_days', 'school', $1, '3', 'number')",
            &[&d.school_x],
        )
        .await;
    assert_eq!(sqlstate(r), "23514");

    // Temporary objects do not stand in for the checks: a pg_temp
    // caseload_setting_problem that finds no problem changes nothing (the
    // trigger names public's and searches pg_temp last).
    let temp = coord
        .batch_execute(
            "CREATE FUNCTION pg_temp.caseload_setting_problem(jsonb, field_type, jsonb) \
             RETURNS text LANGUAGE sql AS 'SELECT NULL::text'; \
             SET search_path = pg_temp, public",
        )
        .await;
    let r = coord
        .execute(
            "INSERT INTO settings (key, scope, school_id, value, value_type) \
             VALUES ('default_session_minutes', 'school', $1, '100000', 'number')",
            &[&d.school_x],
        )
        .await;
    assert_eq!(sqlstate(r), "23514", "temp function made: {}", temp.is_ok());

    // Expired grants, district-wide coordinators (no school of their own:
    // the values belong to a school's coordinators) and counselors: nothing.
    for who in ["coord_expired", "counselor_a", "teacher"] {
        let c = d.connect_as(who).await;
        let r = c
            .execute(
                "INSERT INTO settings (key, scope, school_id, value, value_type) \
                 VALUES ('default_session_minutes', 'school', $1, '20', 'number')",
                &[&d.school_x],
            )
            .await;
        assert_eq!(sqlstate(r), INSUFFICIENT_PRIVILEGE, "{who}");
        let n = c
            .execute("DELETE FROM settings WHERE scope = 'school'", &[])
            .await;
        match n {
            Ok(n) => assert_eq!(n, 0, "{who}"),
            Err(e) => assert_eq!(
                e.code().map(|c| c.code()),
                Some(INSUFFICIENT_PRIVILEGE),
                "{who}"
            ),
        }
    }
    assert_eq!(school_minutes(&d, d.school_y).await, Some(json!(50)));
}

#[tokio::test]
async fn a_group_is_deleted_only_once_empty_and_only_by_an_admin() {
    let d = District::new().await;
    let tool: Uuid = d
        .admin
        .query_one(
            "INSERT INTO tools (key, name, status, reviewed_at) VALUES ('roster', 'Roster', 'approved', now()) RETURNING id",
            &[],
        )
        .await
        .expect("tool")
        .get(0);
    let group: Uuid = d
        .admin
        .query_one(
            "INSERT INTO navigation_items (label, nav_type) VALUES ('Students', 'group') RETURNING id",
            &[],
        )
        .await
        .expect("group")
        .get(0);
    let item: Uuid = d
        .admin
        .query_one(
            "INSERT INTO navigation_items (parent_id, label, nav_type, tool_id, target) \
             VALUES ($1, 'Class roster', 'screen', $2, 'roster') RETURNING id",
            &[&group, &tool],
        )
        .await
        .expect("item")
        .get(0);
    let coord = d.connect_as("coord_all").await;
    let r = coord
        .execute("DELETE FROM navigation_items WHERE id = $1", &[&item])
        .await;
    assert_eq!(sqlstate(r), INSUFFICIENT_PRIVILEGE);

    let mut admin = d.connect_as("admin").await;
    let e = menu_edit::apply(&mut admin, &MenuChange::Delete { id: group })
        .await
        .expect_err("a group with an item in it");
    let db = e.as_db_error().expect("the database's refusal");
    assert_eq!(
        db.message(),
        "the group \"Students\" holds \"Class roster\": move or delete them first"
    );
    let left: i64 = d
        .admin
        .query_one("SELECT count(*) FROM navigation_items", &[])
        .await
        .expect("count")
        .get(0);
    assert_eq!(left, 2, "nothing went, the item least of all");
    menu_edit::apply(&mut admin, &MenuChange::Delete { id: item })
        .await
        .expect("an item");
    menu_edit::apply(&mut admin, &MenuChange::Delete { id: group })
        .await
        .expect("the group, empty now");
    let left: i64 = d
        .admin
        .query_one("SELECT count(*) FROM navigation_items", &[])
        .await
        .expect("count")
        .get(0);
    assert_eq!(left, 0);
}

#[tokio::test]
async fn admins_create_tools_as_drafts_rename_them_and_scope_grants() {
    let d = District::new().await;
    let admin = d.connect_as("admin").await;
    tools::create(
        &admin,
        "reports.attendance",
        "Attendance report",
        Some("Who missed"),
    )
    .await
    .expect("created");
    let cat = tools::catalogue(&admin).await.expect("catalogue");
    let t = cat
        .tools
        .iter()
        .find(|t| t.key == "reports.attendance")
        .expect("listed");
    assert_eq!(t.status, caseload::domain::enums::ToolStatus::Draft);
    assert!(t.requested_by.is_some(), "the database stamps who asked");
    assert!(
        tools::edit(&admin, t.id, "Attendance", None)
            .await
            .expect("renamed")
    );
    let e = tools::edit(&admin, t.id, "   ", None)
        .await
        .expect_err("a blank name");
    assert_eq!(e.code().map(|c| c.code()), Some("23514"));
    let e = tools::create(&admin, "reports.attendance", "Again", None)
        .await
        .expect_err("the same key");
    assert_eq!(
        e.as_db_error().and_then(|db| db.constraint()),
        Some("tools_key_key"),
        "the worker names this constraint in words"
    );

    let counselor = cat
        .roles
        .iter()
        .find(|r| r.key == "counselor")
        .expect("role");
    tools::set_grant(&admin, t.id, counselor.id, true)
        .await
        .expect("granted");
    for scope in ["school", "all", "own"] {
        assert!(
            tools::set_scope(&admin, t.id, counselor.id, scope)
                .await
                .expect(scope)
        );
        let cat = tools::catalogue(&admin).await.expect("catalogue");
        let t = cat.tools.iter().find(|x| x.id == t.id).expect("listed");
        assert_eq!(t.scope_of("counselor"), Some(scope));
    }
    let e = tools::set_scope(&admin, t.id, counselor.id, "everyone")
        .await
        .expect_err("outside the CHECK");
    assert_eq!(e.code().map(|c| c.code()), Some("23514"));
    let coordinator = cat
        .roles
        .iter()
        .find(|r| r.key == "coordinator")
        .expect("role");
    assert!(
        !tools::set_scope(&admin, t.id, coordinator.id, "all")
            .await
            .expect("not granted: nothing to scope")
    );

    // Nobody else creates, renames or rescopes.
    for who in ["coord_all", "coord_x", "counselor_a"] {
        let c = d.connect_as(who).await;
        assert_eq!(
            sqlstate(tools::create(&c, "mine.tool", "Mine", None).await),
            INSUFFICIENT_PRIVILEGE,
            "{who}"
        );
        assert_eq!(
            sqlstate(tools::edit(&c, t.id, "Mine", None).await),
            INSUFFICIENT_PRIVILEGE,
            "{who}"
        );
        assert_eq!(
            sqlstate(tools::set_scope(&c, t.id, counselor.id, "all").await),
            INSUFFICIENT_PRIVILEGE,
            "{who}"
        );
    }
}

fn program(school: Option<&str>, name: &str) -> ProgramDefaults {
    ProgramDefaults {
        id: Uuid::new_v4(),
        name: name.into(),
        intervention_type: InterventionType::Reading,
        default_tier: 2,
        per_week: Some(3),
        minutes: Some(30),
        weeks: Some(10),
        monitoring_frequency: "weekly".into(),
        evidence_level: None,
        is_active: true,
        school: school.map(str::to_string),
    }
}

#[tokio::test]
async fn a_coordinator_makes_programs_for_their_school_from_the_screen() {
    let d = District::new().await;
    let coord = d.connect_as("coord_x").await;
    let ours = program(Some("X"), "X phonics");
    programs::save_defaults(&coord, &ours)
        .await
        .expect("their school's");
    let rows = programs::all(&coord).await.expect("list");
    let row = rows.iter().find(|p| p.id == ours.id).expect("listed");
    assert_eq!(row.school.as_deref(), Some("X"));
    // Edited again (the upsert's update path) and kept at X.
    programs::save_defaults(
        &coord,
        &ProgramDefaults {
            default_tier: 3,
            ..ours.clone()
        },
    )
    .await
    .expect("changed");
    for (school, why) in [(None, "the district's"), (Some("Y"), "another school's")] {
        let r = programs::save_defaults(&coord, &program(school, "Theirs")).await;
        assert_eq!(sqlstate(r), INSUFFICIENT_PRIVILEGE, "{why}");
        // Nor moving their own there.
        let moved = ProgramDefaults {
            school: school.map(str::to_string),
            ..ours.clone()
        };
        let r = programs::save_defaults(&coord, &moved).await;
        assert_eq!(sqlstate(r), INSUFFICIENT_PRIVILEGE, "moved to {why}");
    }
    let admin = d.connect_as("admin").await;
    programs::save_defaults(&admin, &program(Some("Y"), "Y phonics"))
        .await
        .expect("an admin, any school");
    programs::save_defaults(&admin, &program(None, "District phonics"))
        .await
        .expect("and the district");
    let mut names: Vec<(String, Option<String>)> = programs::all(&admin)
        .await
        .expect("list")
        .into_iter()
        .filter(|p| p.name.ends_with(" phonics"))
        .map(|p| (p.name, p.school))
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            ("District phonics".to_string(), None),
            ("X phonics".to_string(), Some("X".to_string())),
            ("Y phonics".to_string(), Some("Y".to_string())),
        ]
    );
}
