//! End to end, against a server that checks passwords (a private scram
//! cluster): an admin signs in to the real binary, opens People, adds a
//! person with a role, sets their password, and that person then signs in
//! with it; the password never reaches the server's statement log.

mod common;

use caseload::admin::users::{self, NewUser, RoleGrant};
use caseload::db::migrate;
use common::pty::Pty;
use common::scram::{ScramCluster, superuser};
use std::time::Duration;

const BOSS_PW: &str = "boss pass phrase";
const NEW_PW: &str = "jo's new pass phrase";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_adds_a_person_sets_their_password_and_they_sign_in() {
    let cluster = ScramCluster::start();
    let admin = superuser(&cluster, "postgres").await;
    admin
        .batch_execute("CREATE DATABASE caseload_people")
        .await
        .unwrap();
    let mut db = superuser(&cluster, "caseload_people").await;
    migrate::run(&mut db, &migrate::embedded())
        .await
        .expect("migrate");
    // Statements are logged: the password must not be among them.
    db.batch_execute("ALTER SYSTEM SET log_statement = 'all'")
        .await
        .unwrap();
    db.batch_execute(
        "SELECT pg_reload_conf(); \
         INSERT INTO schools (name, local_id, low_grade, high_grade) \
           VALUES ('North Elementary', 'N1', 'KG', '05'); \
         INSERT INTO tools (key, name, status, reviewed_at) \
           VALUES ('admin.users', 'People', 'approved', now()); \
         INSERT INTO role_tools (role_id, tool_id) \
           SELECT r.id, t.id FROM roles r, tools t WHERE r.key = 'admin' AND t.key = 'admin.users';",
    )
    .await
    .unwrap();
    users::add(
        &mut db,
        &NewUser {
            username: "boss".into(),
            display_name: "Bo Boss".into(),
            email: "boss@school.example.org".into(),
            home_school: Some("N1".into()),
            roles: vec![RoleGrant {
                role: "admin".into(),
                school: None,
                expires: None,
            }],
        },
    )
    .await
    .expect("the first admin, from the command line's code");
    users::set_password(&mut db, "boss", BOSS_PW)
        .await
        .expect("the admin's password");

    let mut pty = Pty::spawn(
        &[
            "--database-url",
            &cluster.conninfo("boss", "caseload_people"),
        ],
        &[("PGPASSWORD", BOSS_PW)],
        120,
        40,
    );
    pty.wait_for(&["boss"], Duration::from_secs(30));
    pty.send(":people\r");
    pty.wait_for(&["Bo Boss", "Username"], Duration::from_secs(30));

    // n: the form; its fields in order, the role picked by typing.
    pty.send("n");
    pty.wait_for(&["Add a person"], Duration::from_secs(10));
    pty.send("j_new\tJo New\tjo@school.example.org\tN1\tcou\t\t");
    pty.wait_for(&["counselor"], Duration::from_secs(10));
    pty.send("\x13"); // ctrl-s
    let screen = pty.wait_for(&["added j_new", "Jo New"], Duration::from_secs(30));
    assert!(screen.contains("counselor at all schools"), "{screen}");

    // Find them, and set a password: hidden, twice.
    pty.send("/j_new\r");
    pty.wait_until("only Jo in the list", Duration::from_secs(10), |s| {
        s.contains("Jo New") && !s.contains("Bo Boss")
    });
    pty.send("p");
    pty.wait_for(&["New password for j_new"], Duration::from_secs(10));
    pty.send(NEW_PW);
    let screen = pty.wait_for(&["••••"], Duration::from_secs(10));
    assert!(
        !screen.contains("pass phrase"),
        "the password shows:\n{screen}"
    );
    pty.send("\r");
    pty.send(NEW_PW);
    pty.send("\r");
    pty.wait_for(&["set a new password for j_new"], Duration::from_secs(30));
    pty.send("q");
    pty.finish();

    // Jo signs in with the new password; a wrong one is refused.
    let wrong = format!(
        "{} password=not-the-one",
        cluster.conninfo("j_new", "caseload_people")
    );
    assert!(
        tokio_postgres::connect(&wrong, tokio_postgres::NoTls)
            .await
            .is_err()
    );
    let mut pty = Pty::spawn(
        &[
            "--database-url",
            &cluster.conninfo("j_new", "caseload_people"),
        ],
        &[("PGPASSWORD", NEW_PW)],
        120,
        40,
    );
    pty.wait_for(&["j_new"], Duration::from_secs(30));
    pty.send("q");
    pty.finish();

    let log = std::fs::read_to_string(cluster.path().join("log")).unwrap_or_default();
    assert!(
        log.contains("caseload_person_set_password"),
        "statements are logged"
    );
    assert!(!log.contains("pass phrase"), "a password in the server log");
}
