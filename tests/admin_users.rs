//! `caseload user …` against the real server: rows and login roles in step,
//! refusals that leave nothing behind, and the tool rules as a real login
//! role sees them.

mod common;

use caseload::admin::users::{self, NewUser, RoleGrant};
use caseload::app;
use caseload::db::navigation;
use caseload::domain::navigation::ToolAccess;
use common::TestDb;
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio_postgres::Client;

/// Login roles are cluster-wide: unique names per test process, dropped at
/// the end. Declare before the TestDb so the database (and any session of
/// these roles in it) goes first.
struct Names(Vec<String>);

impl Names {
    fn new(n: usize) -> Names {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        Names(
            (0..n)
                .map(|_| {
                    format!(
                        "adm_t_{}_{}",
                        std::process::id(),
                        NEXT.fetch_add(1, Ordering::SeqCst)
                    )
                })
                .collect(),
        )
    }
}

impl Drop for Names {
    fn drop(&mut self) {
        let names = self.0.clone();
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async {
                let admin = common::connect(&common::admin_conninfo()).await;
                for n in names {
                    let _ = admin
                        .batch_execute(&format!("DROP ROLE IF EXISTS \"{n}\""))
                        .await;
                }
            });
        })
        .join()
        .unwrap();
    }
}

/// Two schools and the reference rows the commands look up.
async fn schools(c: &Client) {
    c.batch_execute(
        "INSERT INTO schools (name, local_id, low_grade, high_grade) VALUES \
           ('North Elementary', 'N1', 'KG', '05'), ('South High', 'S1', '09', '12'); \
         INSERT INTO roles (key, name) VALUES \
           ('admin', 'Administrator'), ('coordinator', 'Coordinator'), \
           ('counselor', 'Counselor') ON CONFLICT (key) DO NOTHING;",
    )
    .await
    .unwrap();
}

fn person(name: &str, roles: &[(&str, Option<&str>)]) -> NewUser {
    NewUser {
        username: name.into(),
        display_name: format!("Test {name}"),
        email: format!("{name}@school.example.org"),
        home_school: Some("N1".into()),
        roles: roles
            .iter()
            .map(|(r, s)| RoleGrant {
                role: r.to_string(),
                school: s.map(Into::into),
                expires: None,
            })
            .collect(),
    }
}

async fn login_as(db: &TestDb, role: &str) -> Result<Client, tokio_postgres::Error> {
    let mut cfg: tokio_postgres::Config = db.conninfo().parse().unwrap();
    cfg.user(role);
    let (client, conn) = cfg.connect(tokio_postgres::NoTls).await?;
    tokio::spawn(async move {
        let _ = conn.await;
    });
    Ok(client)
}

async fn member_of(c: &Client, role: &str) -> Vec<String> {
    c.query(
        "SELECT g.rolname::text FROM pg_auth_members m \
         JOIN pg_roles g ON g.oid = m.roleid JOIN pg_roles u ON u.oid = m.member \
         WHERE u.rolname = $1 ORDER BY 1",
        &[&role],
    )
    .await
    .unwrap()
    .iter()
    .map(|r| r.get(0))
    .collect()
}

async fn grant_rows(c: &Client, username: &str) -> Vec<String> {
    c.query(
        "SELECT r.key || '@' || COALESCE(s.local_id, 'all') FROM user_roles ur \
         JOIN users u ON u.id = ur.user_id JOIN roles r ON r.id = ur.role_id \
         LEFT JOIN schools s ON s.id = ur.school_id WHERE u.username = $1 ORDER BY 1",
        &[&username],
    )
    .await
    .unwrap()
    .iter()
    .map(|r| r.get(0))
    .collect()
}

#[tokio::test]
async fn add_creates_the_person_and_a_safe_login_role() {
    let names = Names::new(1);
    let me = names.0[0].clone();
    let db = TestDb::new().await;
    let mut admin = db.admin().await;
    schools(&admin).await;
    users::add(&mut admin, &person(&me, &[("counselor", Some("N1"))]))
        .await
        .unwrap();

    let row = admin
        .query_one(
            "SELECT rolcanlogin, rolsuper, rolbypassrls, rolcreaterole, rolcreatedb, \
                    rolpassword IS NULL FROM pg_authid WHERE rolname = $1",
            &[&me],
        )
        .await
        .unwrap();
    let flags: (bool, bool, bool, bool, bool, bool) = (
        row.get(0),
        row.get(1),
        row.get(2),
        row.get(3),
        row.get(4),
        row.get(5),
    );
    assert_eq!(flags, (true, false, false, false, false, true));
    assert_eq!(member_of(&admin, &me).await, vec!["caseload_counselor"]);
    assert_eq!(grant_rows(&admin, &me).await, vec!["counselor@N1"]);

    // They can connect and are who the database thinks they are.
    let c = login_as(&db, &me).await.expect("the new role connects");
    let who = caseload::db::users::whoami(&c).await.unwrap();
    let user = who.user.expect("a caseload user");
    assert_eq!(user.username, me);
    assert_eq!(user.role_keys, vec!["counselor".to_string()]);
}

#[tokio::test]
async fn refusals_name_the_problem_and_leave_nothing_behind() {
    let names = Names::new(2);
    let (me, other) = (names.0[0].clone(), names.0[1].clone());
    let db = TestDb::new().await;
    let mut admin = db.admin().await;
    schools(&admin).await;
    users::add(&mut admin, &person(&other, &[])).await.unwrap();

    let mut bad_email = person(&me, &[]);
    bad_email.email = "not-an-email".into();
    let mut taken_email = person(&me, &[]);
    taken_email.email = format!("{}@SCHOOL.example.org", other.to_uppercase());
    let mut bad_home = person(&me, &[]);
    bad_home.home_school = Some("NOPE".into());
    let cases: Vec<(NewUser, &str)> = vec![
        (person("Bad-Name", &[]), "invalid username"),
        (person("pg_sneaky", &[]), "reserved by PostgreSQL"),
        (person("caseload_admin", &[]), "group roles"),
        (person("postgres", &[]), "refusing to adopt it"),
        (person(&other, &[]), "already exists"),
        (bad_email, "invalid email"),
        (taken_email, "already belongs to"),
        (bad_home, "no school with local id \"NOPE\""),
        (person(&me, &[("wizard", None)]), "unknown role \"wizard\""),
        // The failing grant comes after the insert and CREATE ROLE: the
        // transaction must take those back.
        (
            person(&me, &[("counselor", Some("N1")), ("counselor", Some("X9"))]),
            "no school with local id \"X9\"",
        ),
    ];
    for (new, want) in cases {
        let e = users::add(&mut admin, &new).await.unwrap_err().to_string();
        assert!(e.contains(want), "{}: {e}", new.username);
    }
    let left: i64 = admin
        .query_one(
            "SELECT (SELECT count(*) FROM users WHERE username <> $2) \
                  + (SELECT count(*) FROM pg_roles WHERE rolname = $1) \
                  + (SELECT count(*) FROM user_roles)",
            &[&me, &other],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(left, 0, "a refused add leaves no row and no role");
}

#[tokio::test]
async fn grant_and_revoke_keep_rows_and_membership_in_step() {
    let names = Names::new(1);
    let me = names.0[0].clone();
    let db = TestDb::new().await;
    let mut admin = db.admin().await;
    schools(&admin).await;
    users::add(&mut admin, &person(&me, &[("counselor", Some("N1"))]))
        .await
        .unwrap();
    let at = |role: &str, school: Option<&str>| RoleGrant {
        role: role.into(),
        school: school.map(Into::into),
        expires: None,
    };
    users::grant(&mut admin, &me, &at("counselor", Some("S1")))
        .await
        .unwrap();
    let mut expiring = at("coordinator", None);
    expiring.expires = Some(chrono::NaiveDate::from_ymd_opt(2099, 1, 1).unwrap());
    users::grant(&mut admin, &me, &expiring).await.unwrap();
    assert_eq!(
        grant_rows(&admin, &me).await,
        vec!["coordinator@all", "counselor@N1", "counselor@S1"]
    );
    assert_eq!(
        member_of(&admin, &me).await,
        vec!["caseload_coordinator", "caseload_counselor"]
    );
    let listed = users::list(&admin).await.unwrap();
    let mine = listed.iter().find(|l| l.username == me).unwrap();
    assert_eq!(
        mine.roles,
        vec![
            "coordinator@all until 2099-01-01",
            "counselor@N1",
            "counselor@S1"
        ]
    );

    // One of two schools: the membership stays.
    users::revoke(&mut admin, &me, "counselor", Some("N1"))
        .await
        .unwrap();
    assert_eq!(
        member_of(&admin, &me).await,
        vec!["caseload_coordinator", "caseload_counselor"]
    );
    // The last one: it goes.
    users::revoke(&mut admin, &me, "counselor", Some("S1"))
        .await
        .unwrap();
    assert_eq!(member_of(&admin, &me).await, vec!["caseload_coordinator"]);
    assert_eq!(grant_rows(&admin, &me).await, vec!["coordinator@all"]);

    let e = users::revoke(&mut admin, &me, "counselor", None)
        .await
        .unwrap_err()
        .to_string();
    assert!(e.contains("has no counselor grant for all schools"), "{e}");
    let mut past = at("counselor", None);
    past.expires = Some(chrono::NaiveDate::from_ymd_opt(2000, 1, 1).unwrap());
    let e = users::grant(&mut admin, &me, &past)
        .await
        .unwrap_err()
        .to_string();
    assert!(e.contains("not in the future"), "{e}");
    let e = users::grant(&mut admin, "nobody_here", &at("counselor", None))
        .await
        .unwrap_err()
        .to_string();
    assert!(e.contains("no caseload user called"), "{e}");
}

#[tokio::test]
async fn deactivate_stops_sign_in_and_keeps_the_rows() {
    let names = Names::new(1);
    let me = names.0[0].clone();
    let db = TestDb::new().await;
    let mut admin = db.admin().await;
    schools(&admin).await;
    users::add(&mut admin, &person(&me, &[("counselor", None)]))
        .await
        .unwrap();
    users::set_active(&mut admin, &me, false).await.unwrap();
    let row = admin
        .query_one(
            "SELECT u.is_active, p.rolcanlogin FROM users u \
             JOIN pg_roles p ON p.rolname = u.username WHERE u.username = $1",
            &[&me],
        )
        .await
        .unwrap();
    assert_eq!(
        (row.get::<_, bool>(0), row.get::<_, bool>(1)),
        (false, false)
    );
    assert_eq!(grant_rows(&admin, &me).await, vec!["counselor@all"]);
    let Err(e) = login_as(&db, &me).await else {
        panic!("a deactivated person signed in")
    };
    assert!(
        common::db_message(&e).contains("not permitted to log in"),
        "{e}"
    );

    users::set_active(&mut admin, &me, true).await.unwrap();
    login_as(&db, &me).await.expect("active again");
}

#[tokio::test]
async fn password_sends_only_a_scram_verifier() {
    let names = Names::new(1);
    let me = names.0[0].clone();
    let db = TestDb::new().await;
    let mut admin = db.admin().await;
    schools(&admin).await;
    users::add(&mut admin, &person(&me, &[])).await.unwrap();
    let secret = "correct horse battery staple";

    // The database takes a verifier only: a plaintext sent by mistake is
    // refused, not stored.
    let e = admin
        .execute(
            "SELECT caseload_person_set_password($1, $2)",
            &[&me, &secret],
        )
        .await
        .unwrap_err();
    assert!(
        common::db_message(&e).contains("not a SCRAM-SHA-256 verifier"),
        "{e}"
    );

    users::set_password(&mut admin, &me, secret).await.unwrap();
    let stored: String = admin
        .query_one(
            "SELECT rolpassword FROM pg_authid WHERE rolname = $1",
            &[&me],
        )
        .await
        .unwrap()
        .get(0);
    assert!(stored.starts_with("SCRAM-SHA-256$4096:"), "{stored}");
    assert!(!stored.contains(secret));
    let seen: i64 = admin
        .query_one(
            "SELECT count(*) FROM pg_stat_activity WHERE strpos(query, $1) > 0 \
               AND pid <> pg_backend_pid()",
            &[&secret],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(seen, 0);

    let e = users::set_password(&mut admin, &me, "short")
        .await
        .unwrap_err()
        .to_string();
    assert!(e.contains("too short"), "{e}");
}

#[tokio::test]
async fn caseload_admins_manage_people_without_createrole_and_others_cannot() {
    let names = Names::new(3);
    let (boss, me, weak) = (names.0[0].clone(), names.0[1].clone(), names.0[2].clone());
    let db = TestDb::new().await;
    let mut admin = db.admin().await;
    schools(&admin).await;
    // An application admin: no CREATEROLE, yet the people functions serve them.
    users::add(&mut admin, &person(&boss, &[("admin", None)]))
        .await
        .unwrap();
    let mut c = login_as(&db, &boss).await.unwrap();
    users::add(&mut c, &person(&me, &[("counselor", Some("N1"))]))
        .await
        .unwrap();
    assert_eq!(member_of(&admin, &me).await, vec!["caseload_counselor"]);
    users::set_password(&mut c, &me, "a long enough secret")
        .await
        .unwrap();
    let stored: Option<String> = admin
        .query_one(
            "SELECT rolpassword FROM pg_authid WHERE rolname = $1",
            &[&me],
        )
        .await
        .unwrap()
        .get(0);
    assert!(stored.unwrap().starts_with("SCRAM-SHA-256$"));

    // A counselor is told they may not.
    users::add(&mut admin, &person(&weak, &[("counselor", None)]))
        .await
        .unwrap();
    let mut c = login_as(&db, &weak).await.unwrap();
    let e = users::set_active(&mut c, &me, false)
        .await
        .unwrap_err()
        .to_string();
    assert!(
        e.contains(&format!("the role {weak} may not manage people")),
        "{e}"
    );
}

fn caseload(db: &TestDb, args: &[&str]) -> std::process::Output {
    // No config file or log of the developer's gets involved.
    let home = tempfile::tempdir().unwrap();
    std::process::Command::new(env!("CARGO_BIN_EXE_caseload"))
        .arg("--database-url")
        .arg(db.conninfo())
        .args(args)
        .env_remove("CASELOAD_CONFIG")
        .env("HOME", home.path())
        .env("XDG_CONFIG_HOME", home.path())
        .env("XDG_STATE_HOME", home.path())
        .env("RUST_BACKTRACE", "0")
        .env("RUST_LIB_BACKTRACE", "0")
        .output()
        .expect("run caseload")
}

#[tokio::test]
async fn the_binary_adds_and_lists() {
    let names = Names::new(1);
    let me = names.0[0].clone();
    let db = TestDb::new().await;
    let admin = db.admin().await;
    schools(&admin).await;
    let out = caseload(
        &db,
        &[
            "user",
            "add",
            &me,
            "--name",
            "Ana Ríos",
            "--email",
            "ana.rios@school.example.org",
            "--role",
            "counselor",
            "--school",
            "N1",
            "--role",
            "coordinator",
        ],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains(&format!("caseload user password {me}")),
        "{stdout}"
    );
    assert_eq!(
        grant_rows(&admin, &me).await,
        vec!["coordinator@all", "counselor@N1"]
    );

    let out = caseload(&db, &["user", "list"]);
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    let line = stdout
        .lines()
        .find(|l| l.starts_with(&me))
        .unwrap_or_else(|| panic!("{stdout}"));
    let cells: Vec<&str> = line.split("  ").filter(|c| !c.is_empty()).collect();
    assert_eq!(
        cells.iter().map(|c| c.trim()).collect::<Vec<_>>(),
        vec![
            me.as_str(),
            "Ana Ríos",
            "yes",
            "yes",
            "coordinator@all, counselor@N1"
        ]
    );
    assert!(stdout.starts_with("USERNAME"), "{stdout}");

    // A refusal exits non-zero with the reason on stderr.
    let out = caseload(
        &db,
        &[
            "user", "add", "postgres", "--name", "X", "--email", "x@y.org",
        ],
    );
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("refusing to adopt"));
}

/// A tool row, approved or not, granted to `role` or not, with a menu item.
async fn tool(c: &Client, key: &str, status: &str, granted_to: Option<&str>) {
    c.execute(
        "WITH t AS (INSERT INTO tools (key, name, status, reviewed_at) \
                    VALUES ($1, 'Tool ' || $1, $2::text::tool_status, now()) RETURNING id) \
         INSERT INTO navigation_items (label, nav_type, tool_id, target, sort_order) \
         SELECT 'Tool ' || $1, 'screen', id, $1, 1 FROM t",
        &[&key, &status],
    )
    .await
    .unwrap();
    if let Some(role) = granted_to {
        c.execute(
            "INSERT INTO role_tools (role_id, tool_id) \
             SELECT r.id, t.id FROM roles r, tools t WHERE r.key = $1 AND t.key = $2",
            &[&role, &key],
        )
        .await
        .unwrap();
    }
}

#[tokio::test]
async fn the_database_decides_which_tools_a_person_may_open() {
    let names = Names::new(2);
    let (me, stranger) = (names.0[0].clone(), names.0[1].clone());
    let db = TestDb::new().await;
    let mut admin = db.admin().await;
    schools(&admin).await;
    users::add(&mut admin, &person(&me, &[("counselor", None)]))
        .await
        .unwrap();
    tool(&admin, "t.granted", "approved", Some("counselor")).await;
    tool(&admin, "t.not_granted", "approved", Some("admin")).await;
    for status in ["draft", "submitted", "retired"] {
        tool(&admin, &format!("t.{status}"), status, Some("counselor")).await;
    }
    tool(&admin, "t.expired", "approved", Some("coordinator")).await;
    admin
        .execute(
            "INSERT INTO user_roles (user_id, role_id, granted_at, expires_at) \
             SELECT u.id, r.id, now() - interval '2 days', now() - interval '1 day' \
             FROM users u, roles r WHERE u.username = $1 AND r.key = 'coordinator'",
            &[&me],
        )
        .await
        .unwrap();

    let c = login_as(&db, &me).await.unwrap();
    let items = navigation::menu_items(&c).await.unwrap();
    let targets: Vec<String> = app::menu::build(&items)
        .into_iter()
        .filter_map(|e| match e.kind {
            app::menu::EntryKind::Item { target } => Some(target),
            _ => None,
        })
        .filter(|t| t.starts_with("t."))
        .collect();
    assert_eq!(targets, vec!["t.granted"]);

    let access = |key: &'static str| {
        let c = &c;
        async move { navigation::tool_access(c, key).await.unwrap() }
    };
    assert_eq!(
        access("t.granted").await,
        ToolAccess::Allowed {
            name: "Tool t.granted".into()
        }
    );
    for refused in [
        "t.not_granted",
        "t.draft",
        "t.submitted",
        "t.retired",
        "t.expired",
    ] {
        assert_eq!(access(refused).await, ToolAccess::Refused, "{refused}");
    }
    assert_eq!(access("t.missing").await, ToolAccess::NoSuchTool);
    // A screen of a tool (`<tool>.<screen>`) is that tool's to allow.
    assert_eq!(
        access("t.granted.sub").await,
        ToolAccess::Allowed {
            name: "Tool t.granted".into()
        }
    );
    assert_eq!(access("t.not_granted.sub").await, ToolAccess::Refused);

    // The function itself, by hand, as this person: no way around it.
    let allowed: bool = c
        .query_one("SELECT caseload_tool_allowed('t.not_granted')", &[])
        .await
        .unwrap()
        .get(0);
    assert!(!allowed);
    // A login role outside caseload's groups may not even connect...
    admin
        .batch_execute(&format!("CREATE ROLE {stranger} LOGIN"))
        .await
        .unwrap();
    let refused = login_as(&db, &stranger).await.expect_err("no CONNECT");
    assert!(
        common::db_message(&refused).contains("permission denied for database"),
        "{refused}"
    );
    // ...and given CONNECT by hand, may not ask.
    admin
        .batch_execute(&format!(
            "GRANT CONNECT ON DATABASE {} TO {stranger}",
            db.name
        ))
        .await
        .unwrap();
    let c = login_as(&db, &stranger).await.unwrap();
    let e = c
        .query_one("SELECT caseload_tool_allowed('t.granted')", &[])
        .await
        .unwrap_err();
    assert!(common::db_message(&e).contains("permission denied"), "{e}");
}

#[tokio::test]
async fn login_gives_a_seeded_row_a_login_role_that_signs_in() {
    let names = Names::new(2);
    let (me, inactive) = (names.0[0].clone(), names.0[1].clone());
    let db = TestDb::new().await;
    let mut admin = db.admin().await;
    schools(&admin).await;
    // As the demo seed and a OneRoster import leave people: a users row and
    // grants, no login role.
    for (name, active) in [(&me, true), (&inactive, false)] {
        admin
            .execute(
                "INSERT INTO users (username, display_name, email, is_active) \
                 VALUES ($1, 'Seeded Person', $1 || '@school.example.org', $2)",
                &[name, &active],
            )
            .await
            .unwrap();
        admin
            .execute(
                "INSERT INTO user_roles (user_id, role_id, school_id) \
                 SELECT u.id, r.id, s.id FROM users u, roles r, schools s \
                  WHERE u.username = $1 AND r.key IN ('counselor', 'coordinator') AND s.local_id = 'N1'",
                &[name],
            )
            .await
            .unwrap();
    }
    assert!(login_as(&db, &me).await.is_err(), "no login role yet");
    // Activating the row gives no login by itself: `user login` does.
    users::set_active(&mut admin, &me, true).await.unwrap();
    assert!(login_as(&db, &me).await.is_err(), "still no login role");

    users::login(&mut admin, &me).await.unwrap();
    assert_eq!(
        member_of(&admin, &me).await,
        vec!["caseload_coordinator", "caseload_counselor"]
    );
    let c = login_as(&db, &me)
        .await
        .expect("the seeded person signs in");
    let who = caseload::db::users::whoami(&c).await.unwrap();
    let user = who.user.expect("a caseload user");
    assert_eq!(user.username, me);

    // Once is enough; a deactivated person's role cannot sign in until
    // `user activate`; a name without a row is not invented.
    let e = users::login(&mut admin, &me).await.unwrap_err();
    assert!(e.to_string().contains("can already sign in"), "{e}");
    users::login(&mut admin, &inactive).await.unwrap();
    assert!(
        login_as(&db, &inactive).await.is_err(),
        "NOLOGIN while inactive"
    );
    users::set_active(&mut admin, &inactive, true)
        .await
        .unwrap();
    assert!(login_as(&db, &inactive).await.is_ok());
    let e = users::login(&mut admin, "nobody_here").await.unwrap_err();
    assert!(e.to_string().contains("no caseload user called"), "{e}");

    // The binary.
    let out = caseload(&db, &["user", "login", &me]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("can already sign in"));
}
