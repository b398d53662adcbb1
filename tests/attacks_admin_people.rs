//! People, roles and settings as a coordinator, counselor, teacher and
//! admin with psql (issue 17): only admins change people, and only through
//! the `caseload_person_*` functions' rules; those functions never touch a
//! role caseload did not make for this database, never grant a group role
//! outside the application's six, and take verifiers, not passwords; a
//! setting's value is checked by type and bounds whoever writes it.

mod common;

use common::district::{District, INSUFFICIENT_PRIVILEGE, sqlstate};
use common::roles::LoginRoles;
use tokio_postgres::Client;

const CHECK_VIOLATION: &str = "23514";

/// A unique username, dropped (as a role) at the end of the test.
fn fresh(tag: &str) -> (String, LoginRoles) {
    let name = format!("adm_{tag}_{}", std::process::id());
    (name.clone(), LoginRoles(vec![name]))
}

fn message(r: Result<u64, tokio_postgres::Error>) -> String {
    match r {
        Ok(n) => panic!("expected a refusal, {n} rows"),
        Err(e) => common::db_message(&e),
    }
}

async fn exec(c: &Client, sql: &str) -> Result<u64, tokio_postgres::Error> {
    c.execute(sql, &[]).await
}

#[tokio::test]
async fn coordinators_counselors_and_teachers_cannot_write_people_roles_or_settings() {
    let d = District::new().await;
    let (target, _drop) = fresh("t");
    let verifier = caseload::admin::scram_verifier("a long enough secret");
    for who in ["coord_all", "counselor_a", "teacher"] {
        let c = d.connect_as(who).await;
        let me = d.login(who).to_string();
        for sql in [
            "INSERT INTO users (username, display_name, email) VALUES ('x_new', 'X', 'x@e.org')"
                .to_string(),
            format!("UPDATE users SET is_active = false WHERE username = '{me}'"),
            format!("UPDATE users SET display_name = 'Me' WHERE username = '{me}'"),
            "INSERT INTO user_roles (user_id, role_id) \
             SELECT u.id, r.id FROM users u, roles r WHERE r.key = 'admin'"
                .to_string(),
            "DELETE FROM user_roles".to_string(),
            "INSERT INTO roles (key, name) VALUES ('boss', 'Boss')".to_string(),
            "SELECT count(*) FROM caseload_login_roles".to_string(),
            "INSERT INTO caseload_login_roles VALUES ('postgres')".to_string(),
            format!("SELECT caseload_person_add('{target}', 'T', 't@e.org', NULL)"),
            format!("SELECT caseload_person_grant('{me}', 'admin', NULL, NULL)"),
            format!("SELECT caseload_person_set_password('{me}', '{verifier}')"),
            format!("SELECT caseload_person_set_active('{me}', true)"),
            format!("SELECT caseload_person_login('{target}')"),
            format!(
                "SELECT caseload_person_revoke('{me}', '{}', NULL)",
                "counselor"
            ),
            // The helpers are not theirs to call either.
            format!("SELECT caseload_people_create_login('{target}')"),
            "SELECT caseload_may_manage_people()".to_string(),
        ] {
            let r = exec(&c, &sql).await;
            assert_eq!(sqlstate(r), INSUFFICIENT_PRIVILEGE, "{who}: {sql}");
        }
        // Settings: since 0033 a coordinator may write their own schools'
        // rows, so for them row-level security answers with no rows touched
        // (a district-wide coordinator has no school of their own) or an
        // RLS refusal; the others have no grant at all. Either way nothing
        // changes (checked below).
        for sql in [
            "UPDATE settings SET value = '1' WHERE key = 'decision_rule_points'",
            "DELETE FROM settings WHERE scope = 'system'",
            "INSERT INTO settings (key, scope, school_id, value, value_type) \
             SELECT 'default_session_minutes', 'school', id, '5', 'number' FROM schools",
        ] {
            match exec(&c, sql).await {
                Ok(0) if who.starts_with("coord") => {}
                r => assert_eq!(sqlstate(r), INSUFFICIENT_PRIVILEGE, "{who}: {sql}"),
            }
        }
        // A personal override of a district setting: refused by the trigger
        // if it got that far, but the grant stops it first.
        let r = c
            .query_one(
                "SELECT caseload_save_my_setting('decision_rule_points', '1', 'number')",
                &[],
            )
            .await;
        assert!(r.is_err(), "{who}: a personal decision rule");
    }
    let exists: bool = d
        .admin
        .query_one(
            "SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)",
            &[&target],
        )
        .await
        .unwrap()
        .get(0);
    assert!(!exists, "no role was made");
    let untouched: (i64, i64, i64) = {
        let r = d
            .admin
            .query_one(
                "SELECT (SELECT count(*) FROM settings WHERE scope = 'system'), \
                        (SELECT count(*) FROM settings WHERE value = '1' \
                           AND key = 'decision_rule_points'), \
                        (SELECT count(*) FROM settings WHERE key = 'default_session_minutes' \
                           AND scope = 'school' AND value = '5')",
                &[],
            )
            .await
            .unwrap();
        (r.get(0), r.get(1), r.get(2))
    };
    assert!(untouched.0 > 0, "the district's settings are all there");
    assert_eq!((untouched.1, untouched.2), (0, 0), "no setting was written");
}

#[tokio::test]
async fn an_admin_manages_people_only_within_the_rules() {
    let d = District::new().await;
    let (new, _drop_new) = fresh("n");
    let admin = d.connect_as("admin").await;
    let verifier = caseload::admin::scram_verifier("a long enough secret");

    // The everyday path works without CREATEROLE.
    admin
        .execute(
            "SELECT caseload_person_add($1, 'New Person', $1 || '@example.org', NULL)",
            &[&new],
        )
        .await
        .expect("add");
    admin
        .execute(
            "SELECT caseload_person_grant($1, 'counselor', NULL, NULL)",
            &[&new],
        )
        .await
        .expect("grant");
    admin
        .execute(
            "SELECT caseload_person_set_password($1, $2)",
            &[&new, &verifier],
        )
        .await
        .expect("password");
    let row = d
        .admin
        .query_one(
            "SELECT rolcanlogin, rolsuper OR rolcreaterole OR rolbypassrls OR rolcreatedb, \
                    pg_has_role($1, 'caseload_counselor', 'MEMBER'), \
                    rolpassword LIKE 'SCRAM-SHA-256$%' \
             FROM pg_authid WHERE rolname = $1",
            &[&new],
        )
        .await
        .unwrap();
    assert_eq!(
        (
            row.get::<_, bool>(0),
            row.get::<_, bool>(1),
            row.get::<_, bool>(2),
            row.get::<_, bool>(3)
        ),
        (true, false, true, true)
    );

    // A users row named after a powerful role gives no hold on it.
    exec(
        &admin,
        "INSERT INTO users (username, display_name, email) VALUES ('postgres', 'P', 'p@e.org')",
    )
    .await
    .expect("admins write users");
    for sql in [
        format!("SELECT caseload_person_set_password('postgres', '{verifier}')"),
        "SELECT caseload_person_grant('postgres', 'admin', NULL, NULL)".to_string(),
        "SELECT caseload_person_set_active('postgres', false)".to_string(),
        "SELECT caseload_person_login('postgres')".to_string(),
    ] {
        let m = message(exec(&admin, &sql).await);
        assert!(
            m.contains("not made by caseload for this database"),
            "{sql}: {m}"
        );
    }
    // Nor on a login role made outside caseload's functions (another
    // database's person, a DBA's role that shares a name).
    let other = d.login("counselor_b").to_string();
    let m = message(
        admin
            .execute(
                "SELECT caseload_person_set_password($1, $2)",
                &[&other, &verifier],
            )
            .await,
    );
    assert!(m.contains("not made by caseload"), "{m}");

    // A roles row named after another group role reaches nothing.
    exec(
        &admin,
        "INSERT INTO roles (key, name) VALUES ('storage_signer', 'Sneaky')",
    )
    .await
    .expect("admins write roles");
    let m = message(
        admin
            .execute(
                "SELECT caseload_person_grant($1, 'storage_signer', NULL, NULL)",
                &[&new],
            )
            .await,
    );
    assert!(m.contains("has no group role"), "{m}");

    // A password, not a verifier, is refused rather than stored.
    let m = message(
        admin
            .execute(
                "SELECT caseload_person_set_password($1, 'hunter2hunter2')",
                &[&new],
            )
            .await,
    );
    assert!(m.contains("not a SCRAM-SHA-256 verifier"), "{m}");

    // No name PostgreSQL or caseload keeps for itself.
    for bad in ["pg_sneak", "caseload_admin", "Upper", "1x", "a;b"] {
        let r = admin
            .execute(
                "SELECT caseload_person_add($1, 'X', 'x' || md5($1) || '@e.org', NULL)",
                &[&bad],
            )
            .await;
        assert!(r.is_err(), "{bad}");
    }
    // Nobody deactivates themselves out of the screen they are using.
    let me = d.login("admin").to_string();
    let m = message(
        admin
            .execute("SELECT caseload_person_set_active($1, false)", &[&me])
            .await,
    );
    assert!(m.contains("cannot deactivate yourself"), "{m}");
    // The registry of caseload's logins is the owner's alone.
    let r = exec(
        &admin,
        "INSERT INTO caseload_login_roles VALUES ('postgres')",
    )
    .await;
    assert_eq!(sqlstate(r), INSUFFICIENT_PRIVILEGE);
    // No temporary table to shadow the functions' names with.
    let r = exec(&admin, "CREATE TEMP TABLE users (username text)").await;
    assert_eq!(sqlstate(r), INSUFFICIENT_PRIVILEGE);
}

#[tokio::test]
async fn setting_values_are_checked_by_type_bounds_and_scope() {
    let d = District::new().await;
    let admin = d.connect_as("admin").await;
    for (sql, why) in [
        (
            "UPDATE settings SET value = '0' WHERE key = 'decision_rule_points' AND scope = 'system'",
            "at least 1",
        ),
        (
            "UPDATE settings SET value = '\"seven\"' WHERE key = 'follow_up_days' AND scope = 'system'",
            "expected a number",
        ),
        (
            "UPDATE settings SET value = '1.5' WHERE key = 'fidelity_threshold' AND scope = 'system'",
            "at most 1",
        ),
        (
            "INSERT INTO settings (key, scope, school_id, value, value_type) \
             SELECT 'decision_rule_points', 'school', id, '3', 'number' FROM schools LIMIT 1",
            "district-wide",
        ),
        (
            "INSERT INTO settings (key, scope, school_id, value, value_type) \
             SELECT 'default_session_minutes', 'school', id, '\"thirty\"', 'text' FROM schools LIMIT 1",
            "is a number, not a text",
        ),
        (
            "INSERT INTO settings (key, scope, school_id, value, value_type) \
             SELECT 'made_up', 'school', id, '1', 'number' FROM schools LIMIT 1",
            "no district setting called made_up",
        ),
    ] {
        let r = exec(&admin, sql).await;
        let e = r.expect_err(sql);
        assert_eq!(e.code().map(|c| c.code()), Some(CHECK_VIOLATION), "{sql}");
        assert!(common::db_message(&e).contains(why), "{sql}: {e}");
    }
    // In bounds, and a school's own minutes: accepted.
    exec(
        &admin,
        "UPDATE settings SET value = '5' WHERE key = 'decision_rule_points' AND scope = 'system'",
    )
    .await
    .expect("in bounds");
    let n = exec(
        &admin,
        "INSERT INTO settings (key, scope, school_id, value, value_type) \
         SELECT 'default_session_minutes', 'school', id, '45', 'number' FROM schools",
    )
    .await
    .expect("a school's own minutes");
    assert_eq!(n, 2);
}
