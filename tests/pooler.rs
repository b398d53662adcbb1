//! caseload behind PgBouncer in transaction mode (Debian's 1.18, started
//! here on a loopback port), and the pool's idle release (issue 19, items 1
//! and 2): people sign in through `auth_query` (0036) or an `auth_file` with
//! their own passwords; the lookup function resists a counselor with psql;
//! the whole roster pages right for several caseloads sharing one server
//! connection and leaves no prepared statement on it; the pooler is
//! detected; idle connections are released and the next action reconnects.
//! The session save (killed mid-save), the search cancel and the conflict
//! path run through PgBouncer in tests/outbox.rs, tests/roster_worker.rs and
//! tests/session_worker.rs.
//!
//! `cargo test --test pooler -- --nocapture` prints the connection figures.

mod common;

use caseload::bench::pgbouncer::BouncerAuth;
use caseload::config::{DatabaseConfig, PoolerSetting};
use caseload::db::pooler::{self, Pooler};
use caseload::db::roster::roster_page;
use caseload::demo::seed::DEMO_COUNSELOR;
use caseload::domain::roster::PageRequest;
use common::bouncer::{start, trusting, via};
use common::district::{INSUFFICIENT_PRIVILEGE, sqlstate};
use common::roles::LoginRoles;
use common::worker::Coordinator;
use common::{TestDb, connect};
use deadpool_postgres::Pool;
use std::time::{Duration, Instant};
use tokio_postgres::NoTls;

fn params(conninfo: &str) -> caseload::config::ConnParams {
    caseload::config::conn::resolve(Some(conninfo), &|_| None, None).expect("conninfo")
}

/// A connection made the way caseload's own pool makes it, or the error.
async fn try_connect(conninfo: &str) -> Result<tokio_postgres::Client, String> {
    let connecting = tokio_postgres::connect(conninfo, NoTls);
    match tokio::time::timeout(Duration::from_secs(20), connecting).await {
        Err(_) => Err("no answer within 20 s".to_string()),
        Ok(Ok((client, conn))) => {
            tokio::spawn(conn);
            Ok(client)
        }
        Ok(Err(e)) => Err(caseload::db::pool::with_causes(&e)),
    }
}

/// An auth role for PgBouncer: LOGIN, a member of `caseload_pgbouncer`.
async fn auth_role(admin: &tokio_postgres::Client) -> (LoginRoles, String) {
    let roles = LoginRoles::create(admin, "caseload_pgbouncer", 1).await;
    let pw = "bouncer-auth-secret";
    admin
        .batch_execute(&format!("ALTER ROLE {} PASSWORD '{pw}'", roles.0[0]))
        .await
        .expect("auth role password");
    (roles, pw.to_string())
}

#[tokio::test]
async fn people_sign_in_through_auth_query_with_their_own_passwords() {
    let (db, admin) = TestDb::seeded(20, 3, common::today()).await;
    let (conninfo, password) = db
        .demo_login(&admin, DEMO_COUNSELOR, "caseload_counselor")
        .await;
    let (auth, auth_pw) = auth_role(&admin).await;
    let bouncer = start(
        2,
        BouncerAuth::Query {
            auth_user: auth.0[0].clone(),
            password: auth_pw,
        },
    );
    let through = via(&bouncer, &conninfo);

    let me = try_connect(&format!("{through} password={password}"))
        .await
        .unwrap_or_else(|e| panic!("{e}\n{}", bouncer.log()));
    let who: String = me
        .query_one("SELECT session_user::text", &[])
        .await
        .expect("who")
        .get(0);
    assert_eq!(who, DEMO_COUNSELOR);

    let wrong = try_connect(&format!("{through} password=not-{password}")).await;
    assert!(
        wrong
            .as_ref()
            .is_err_and(|e| e.contains("authentication failed")),
        "a wrong password is refused: {:?}",
        wrong.map(|_| ())
    );
    // Taken for a rejected password, so the prompt asks again (ivy's
    // tryout: PgBouncer says 08P01, not 28P01, and `r` retried the same).
    let refused = tokio_postgres::connect(&format!("{through} password=not-{password}"), NoTls)
        .await
        .err()
        .expect("refused");
    assert!(
        caseload::worker::is_auth_error(&refused),
        "PgBouncer's refusal asks for the password again: {refused:?}"
    );
    // The lookup never answers for a superuser: postgres cannot come in
    // this way whatever it sends.
    let superuser = try_connect(&format!(
        "{} password=anything",
        via(&bouncer, &db.conninfo())
    ))
    .await;
    assert!(
        superuser.is_err(),
        "a superuser signed in through auth_query"
    );
}

#[tokio::test]
async fn people_sign_in_through_an_auth_file_of_verifiers() {
    let (db, admin) = TestDb::seeded(20, 4, common::today()).await;
    let (conninfo, password) = db
        .demo_login(&admin, DEMO_COUNSELOR, "caseload_counselor")
        .await;
    let verifier: String = admin
        .query_one(
            "SELECT rolpassword FROM pg_authid WHERE rolname = $1",
            &[&DEMO_COUNSELOR],
        )
        .await
        .expect("verifier")
        .get(0);
    assert!(verifier.starts_with("SCRAM-SHA-256$"), "{verifier}");
    let bouncer = start(
        2,
        BouncerAuth::File {
            users: vec![(DEMO_COUNSELOR.to_string(), verifier)],
        },
    );
    let through = via(&bouncer, &conninfo);
    let me = try_connect(&format!("{through} password={password}"))
        .await
        .unwrap_or_else(|e| panic!("{e}\n{}", bouncer.log()));
    let n: i64 = me
        .query_one("SELECT count(*) FROM students", &[])
        .await
        .expect("students")
        .get(0);
    assert!(n > 0, "row-level security lets the counselor see some");
    assert!(
        try_connect(&format!("{through} password=guess"))
            .await
            .is_err()
    );
}

/// A counselor with psql cannot call the lookup, become or join its role;
/// the auth role itself reads ordinary login roles' verifiers only, never a
/// superuser's or a role that cannot log in, and a temp table named like
/// the catalogue does not fool it.
#[tokio::test]
async fn the_lookup_resists_a_counselor_and_reveals_no_superuser() {
    let (db, admin) = TestDb::seeded(20, 5, common::today()).await;
    let (conninfo, password) = db
        .demo_login(&admin, DEMO_COUNSELOR, "caseload_counselor")
        .await;
    let (auth, auth_pw) = auth_role(&admin).await;
    let counselor = connect(&format!("{conninfo} password={password}")).await;

    for sql in [
        "SELECT * FROM public.caseload_pgbouncer_lookup('demo_counselor')",
        "SELECT * FROM public.caseload_pgbouncer_lookup('postgres')",
        "SET ROLE caseload_pgbouncer",
        "SELECT rolpassword FROM pg_authid",
    ] {
        assert_eq!(
            sqlstate(counselor.execute(sql, &[]).await),
            INSUFFICIENT_PRIVILEGE,
            "{sql}"
        );
    }
    let grant = counselor
        .batch_execute(&format!("GRANT caseload_pgbouncer TO {DEMO_COUNSELOR}"))
        .await;
    assert!(
        grant.is_err(),
        "a counselor granted themselves the auth role"
    );
    assert!(
        counselor
            .batch_execute(
                "CREATE FUNCTION public.caseload_pgbouncer_lookup(p text) \
                 RETURNS TABLE (usename name, passwd text) LANGUAGE sql \
                 AS $$ SELECT p::name, 'mine'::text $$"
            )
            .await
            .is_err(),
        "a counselor replaced the lookup"
    );

    let me = connect(&format!(
        "{} password={auth_pw}",
        LoginRoles::conninfo_as(&db.conninfo(), &auth.0[0])
    ))
    .await;
    let lookup = async |who: &str| -> Vec<(String, Option<String>)> {
        me.query(
            "SELECT usename::text, passwd FROM public.caseload_pgbouncer_lookup($1)",
            &[&who],
        )
        .await
        .expect("lookup")
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect()
    };
    let found = lookup(DEMO_COUNSELOR).await;
    assert_eq!(found.len(), 1);
    assert!(
        found[0]
            .1
            .as_deref()
            .is_some_and(|v| v.starts_with("SCRAM-SHA-256$"))
    );
    assert!(
        lookup("postgres").await.is_empty(),
        "a superuser's verifier"
    );
    assert!(
        lookup("caseload_counselor").await.is_empty(),
        "a NOLOGIN role"
    );
    assert_eq!(
        sqlstate(me.execute("SELECT rolpassword FROM pg_authid", &[]).await),
        INSUFFICIENT_PRIVILEGE
    );
    // No temp table or function to shadow a name with (always.sql), and a
    // search_path of its choosing changes nothing the lookup reads.
    assert_eq!(
        sqlstate(
            me.execute("CREATE TEMP TABLE pg_authid (rolname name)", &[])
                .await
        ),
        INSUFFICIENT_PRIVILEGE
    );
    me.batch_execute("SET search_path = pg_temp, public")
        .await
        .expect("search_path");
    assert_eq!(lookup(DEMO_COUNSELOR).await, found);
    assert!(lookup("postgres").await.is_empty());
}

/// Several caseloads of one person share PgBouncer's two server
/// connections: each pages through the whole roster in the right order, and
/// nothing prepared stays on either server connection. A named statement
/// prepared in one round trip and run in the next meets another server
/// connection, as the first part shows on a bouncer of its own.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_whole_roster_pages_right_for_caseloads_sharing_server_connections() {
    let Coordinator {
        db, me, fixture, ..
    } = &Coordinator::new().await;

    {
        let shows = trusting(&[me], 2);
        let through = LoginRoles::conninfo_as(&via(&shows, &db.conninfo()), me);
        let a = try_connect(&through).await.expect("a");
        let b = try_connect(&through).await.expect("b");
        let statement = a.prepare("SELECT 1").await.expect("a prepares");
        // b holds the only server connection so far, so a's next round
        // trip goes to a new one.
        b.batch_execute("BEGIN").await.expect("b begins");
        let lost = a.query(&statement, &[]).await;
        assert!(
            lost.as_ref()
                .is_err_and(|e| caseload::db::pool::with_causes(e).contains("does not exist")),
            "a named statement survived its round trip: {:?}",
            lost.map(|_| ())
        );
        b.batch_execute("COMMIT").await.expect("b commits");
    }

    let bouncer = trusting(&[me], 2);
    let through = LoginRoles::conninfo_as(&via(&bouncer, &db.conninfo()), me);
    let pager = |pool: Pool| async move {
        let client = pool.get().await.expect("connection");
        let mut request = PageRequest::First;
        let mut ids = Vec::new();
        loop {
            let page = roster_page(&**client, &Default::default(), &request, 10)
                .await
                .map_err(|e| caseload::db::pool::with_causes(&e))?;
            ids.extend(page.rows.iter().map(|r| r.id));
            match page.rows.last() {
                Some(last) if page.more => request = PageRequest::After(last.cursor()),
                _ => return Ok::<_, String>(ids),
            }
        }
    };
    let runs: Vec<_> = (0..4)
        .map(|_| tokio::spawn(pager(common::bouncer::pool(&through))))
        .collect();
    for run in runs {
        let ids = run
            .await
            .expect("no panic")
            .unwrap_or_else(|e| panic!("{e}\n{}", bouncer.log()));
        assert_eq!(ids, fixture.expected_a);
    }

    // Two open transactions hold both server connections: neither keeps a
    // prepared statement.
    let mut left = Vec::new();
    let mut held = Vec::new();
    for _ in 0..2 {
        let c = try_connect(&through).await.expect("check");
        let rows = c
            .simple_query("BEGIN; SELECT count(*) FROM pg_prepared_statements")
            .await
            .expect("prepared statements");
        left.extend(rows.iter().filter_map(|m| match m {
            tokio_postgres::SimpleQueryMessage::Row(r) => r.get(0).map(str::to_string),
            _ => None,
        }));
        held.push(c);
    }
    assert_eq!(left, ["0", "0"], "prepared statements left on the server");
}

/// `auto` sees PgBouncer (the server listens on 5432, caseload dialled
/// PgBouncer's port) and a direct connection; the setting overrides both.
#[tokio::test]
async fn the_pooler_is_detected_and_the_setting_overrides() {
    let Coordinator { db, me, .. } = &Coordinator::new().await;
    let bouncer = trusting(&[me], 1);
    let through = LoginRoles::conninfo_as(&via(&bouncer, &db.conninfo()), me);
    let direct = LoginRoles::conninfo_as(&db.conninfo(), me);
    let c = try_connect(&through).await.expect("through");
    let found = pooler::detect(&c, &params(&through), PoolerSetting::Auto)
        .await
        .expect("detect");
    assert!(found.is_transaction(), "{found:?}");
    assert!(found.describe().contains("LISTEN"), "{}", found.describe());
    assert_eq!(
        pooler::detect(&c, &params(&through), PoolerSetting::None)
            .await
            .expect("detect"),
        Pooler::Direct
    );
    let d = try_connect(&direct).await.expect("direct");
    assert_eq!(
        pooler::detect(&d, &params(&direct), PoolerSetting::Auto)
            .await
            .expect("detect"),
        Pooler::Direct
    );
    assert!(
        pooler::detect(&d, &params(&direct), PoolerSetting::Transaction)
            .await
            .expect("detect")
            .is_transaction()
    );
}

/// Server connections (client backends) of `role` right now.
async fn server_connections(admin: &tokio_postgres::Client, role: &str) -> i64 {
    admin
        .query_one(
            "SELECT count(*) FROM pg_stat_activity WHERE usename = $1 \
             AND backend_type = 'client backend'",
            &[&role],
        )
        .await
        .expect("pg_stat_activity")
        .get(0)
}

/// Waits up to 10 s for `role` to hold `n` server connections.
async fn until_connections(admin: &tokio_postgres::Client, role: &str, n: i64) -> i64 {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let now = server_connections(admin, role).await;
        if now == n || Instant::now() > deadline {
            return now;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn idle_cfg() -> DatabaseConfig {
    DatabaseConfig {
        idle_release_secs: 1,
        pool_max_size: 2,
        ..DatabaseConfig::default()
    }
}

async fn one_action(pool: &Pool) -> Duration {
    let t = Instant::now();
    let c = pool.get().await.expect("connection");
    caseload::db::roster::reach(&**c).await.expect("a read");
    t.elapsed()
}

/// N idle and M active caseloads, directly and through PgBouncer (two
/// server connections): idle ones hold no server connection after
/// `idle_release_secs`, active ones one each (directly) or share the
/// bouncer's. The first action after idle reconnects without a word.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn idle_caseloads_hold_no_server_connection_and_reconnect_silently() {
    const IDLE: usize = 6;
    const ACTIVE: usize = 3;
    let Coordinator { db, me, .. } = &Coordinator::new().await;
    let admin = db.admin().await;
    let bouncer = trusting(&[me], 2);
    for (route, conninfo) in [
        ("direct", LoginRoles::conninfo_as(&db.conninfo(), me)),
        (
            "pgbouncer",
            LoginRoles::conninfo_as(&via(&bouncer, &db.conninfo()), me),
        ),
    ] {
        let pools: Vec<Pool> = (0..IDLE + ACTIVE)
            .map(|_| caseload::db::pool::build_pool(&params(&conninfo), &idle_cfg()).expect("pool"))
            .collect();
        let mut warm = Duration::ZERO;
        for p in &pools {
            one_action(p).await;
            warm += one_action(p).await;
        }
        let all_open = server_connections(&admin, me).await;
        // The active ones keep working; the idle ones wait out the release.
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let active: Vec<_> = pools[IDLE..]
            .iter()
            .map(|p| {
                let (p, stop) = (p.clone(), stop.clone());
                tokio::spawn(async move {
                    while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                        one_action(&p).await;
                        tokio::time::sleep(Duration::from_millis(100)).await;
                    }
                })
            })
            .collect();
        tokio::time::sleep(Duration::from_millis(2500)).await;
        let idle_sizes: usize = pools[..IDLE].iter().map(|p| p.status().size).sum();
        let mixed = server_connections(&admin, me).await;
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        for a in active {
            a.await.expect("no panic");
        }
        tokio::time::sleep(Duration::from_millis(2500)).await;
        let none_sizes: usize = pools.iter().map(|p| p.status().size).sum();
        let idle_all = match route {
            "direct" => until_connections(&admin, me, 0).await,
            _ => server_connections(&admin, me).await,
        };
        let mut first = Duration::ZERO;
        for p in &pools {
            first += one_action(p).await;
        }
        let n = pools.len() as u32;
        println!(
            "{route}: {} clients each open: {all_open} server connections; {IDLE} idle + \
             {ACTIVE} active: {mixed}; all idle: {idle_all}; a warm action {:.2} ms, the \
             first after idle (one connect) {:.2} ms",
            IDLE + ACTIVE,
            (warm / n).as_secs_f64() * 1e3,
            (first / n).as_secs_f64() * 1e3,
        );
        assert_eq!(idle_sizes, 0, "{route}: idle pools kept connections");
        assert_eq!(none_sizes, 0, "{route}: pools kept connections");
        match route {
            "direct" => {
                assert_eq!(all_open, (IDLE + ACTIVE) as i64);
                assert_eq!(mixed, ACTIVE as i64);
                assert_eq!(idle_all, 0);
            }
            _ => {
                assert!(all_open <= 2, "pgbouncer: {all_open}");
                assert!(mixed <= 2, "pgbouncer: {mixed}");
            }
        }
        let back: usize = pools.iter().map(|p| p.status().size).sum();
        assert_eq!(back, pools.len(), "{route}: every pool reconnected");
    }
}

/// `caseload migrate` and `caseload worker` pointed at PgBouncer stop
/// before doing anything and say that they connect to PostgreSQL itself,
/// with the connection that would do; `migrate --status` only reads, and
/// still answers.
#[tokio::test]
async fn migrate_and_worker_refuse_the_pooler_and_say_how_to_connect_directly() {
    let db = TestDb::empty().await;
    let bouncer = trusting(&["postgres"], 1);
    let through = via(&bouncer, &db.conninfo());
    let home = tempfile::tempdir().unwrap();
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_caseload"))
            .arg("--database-url")
            .arg(&through)
            .args(args)
            .stdin(std::process::Stdio::null())
            .env("HOME", home.path())
            .env("XDG_CONFIG_HOME", home.path())
            .env("XDG_STATE_HOME", home.path())
            .env_remove("DATABASE_URL")
            .env_remove("CASELOAD_LOG")
            .output()
            .expect("run caseload")
    };
    for (args, what) in [
        (&["migrate"][..], "caseload migrate"),
        (&["worker", "--once"][..], "caseload worker"),
    ] {
        let out = run(args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{args:?}: {stderr}");
        assert!(
            stderr.contains(&format!(
                "{what} connects to PostgreSQL directly, not through a connection pooler"
            )),
            "{args:?}: {stderr}"
        );
        let (_, server_port) = common::bouncer::upstream();
        assert!(
            stderr.contains(&format!("port={server_port} user=postgres")),
            "{args:?} names the server's port: {stderr}"
        );
    }
    let admin = db.admin().await;
    let migrated: bool = admin
        .query_one(
            "SELECT to_regclass('public.migration_log') IS NOT NULL",
            &[],
        )
        .await
        .expect("look")
        .get(0);
    assert!(!migrated, "nothing was applied through the pooler");
    let out = run(&["migrate", "--status"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
