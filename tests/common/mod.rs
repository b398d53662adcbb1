//! Test harness: every test gets its own database, cloned from a migrated
//! template, on the real local PostgreSQL. Nothing is mocked.
//!
//! The template (`caseload_tmpl_<hash of the migrations>`) is kept between
//! runs as a cache and replaced when the migrations change; per-test
//! databases are dropped when the test's `TestDb` goes out of scope, and any
//! left by a crashed run are swept the next time a run starts.

#![allow(dead_code)] // each test binary uses a different part of the harness

use caseload::db::migrate;
use sha2::{Digest, Sha256};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use tokio_postgres::{Client, NoTls};

const START_HINT: &str = "caseload's tests need a running PostgreSQL (15 or newer). Start the \
local one with:\n    pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start\n\
or point CASELOAD_TEST_ADMIN_URL at a server where the role may create databases \
(default: host=127.0.0.1 port=5432 user=postgres dbname=postgres).";

/// The date every test that seeds demo data takes as today. The demo data is
/// generated relative to today (names, due dates, which row leads the home),
/// so a test seeded by the calendar would change what it sees every day.
/// The real binary gets it as `CASELOAD_TODAY` (see `pty::Pty::spawn`),
/// an in-process worker through `caseload::clock::pin`.
pub fn today() -> chrono::NaiveDate {
    chrono::NaiveDate::from_ymd_opt(2026, 12, 3).unwrap_or_default()
}

/// Pins the in-process worker's today to [`today`] and returns it.
pub fn pin_today() -> chrono::NaiveDate {
    assert!(
        caseload::clock::pin(today()),
        "another date was pinned first in this test binary"
    );
    today()
}

/// Connection string of a role that may create databases and roles.
pub fn admin_conninfo() -> String {
    std::env::var("CASELOAD_TEST_ADMIN_URL")
        .unwrap_or_else(|_| "host=127.0.0.1 port=5432 user=postgres dbname=postgres".to_string())
}

/// The admin connection string with another database name.
pub fn conninfo_for(dbname: &str) -> String {
    let base = admin_conninfo();
    let kept: Vec<&str> = base
        .split_whitespace()
        .filter(|kv| !kv.starts_with("dbname="))
        .collect();
    format!("{} dbname={dbname}", kept.join(" "))
}

pub async fn connect(conninfo: &str) -> Client {
    let (client, conn) = match tokio_postgres::connect(conninfo, NoTls).await {
        Ok(pair) => pair,
        Err(e) => panic!("cannot connect to PostgreSQL ({e}).\n{START_HINT}"),
    };
    tokio::spawn(async move {
        let _ = conn.await;
    });
    // As caseload's own connections do (`db::pool::connect_one`): the enums
    // known before the first unnamed statement returns one.
    caseload::db::unnamed::learn_types(&client)
        .await
        .expect("learning the enum types");
    client
}

fn template_name() -> String {
    let mut h = Sha256::new();
    h.update(migrate::BOOTSTRAP);
    h.update(migrate::ALWAYS);
    for m in migrate::embedded() {
        h.update(m.name.as_bytes());
        h.update(m.sql.as_bytes());
    }
    format!("caseload_tmpl_{}", &hex::encode(h.finalize())[..12])
}

/// Run a future to completion on a private runtime in its own thread, so the
/// harness works the same from any test runtime (or none, in Drop).
fn block_on_thread<F, T>(f: impl FnOnce() -> F + Send + 'static) -> T
where
    F: std::future::Future<Output = T>,
    T: Send + 'static,
{
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("test runtime");
        rt.block_on(f())
    })
    .join()
    .expect("harness thread panicked")
}

fn ensure_template() -> &'static str {
    static TEMPLATE: OnceLock<String> = OnceLock::new();
    TEMPLATE.get_or_init(|| {
        let name = template_name();
        let n = name.clone();
        block_on_thread(move || async move {
            let admin = connect(&admin_conninfo()).await;
            // Serialise template creation across test processes (nextest runs many).
            admin
                .execute("SELECT pg_advisory_lock(7261002)", &[])
                .await
                .expect("lock");
            let exists = admin
                .query_opt("SELECT 1 FROM pg_database WHERE datname = $1", &[&n])
                .await
                .expect("pg_database")
                .is_some();
            if !exists {
                sweep_stale(&admin, &n).await;
                let building = format!("{n}_building");
                admin
                    .batch_execute(&format!("DROP DATABASE IF EXISTS {building} WITH (FORCE)"))
                    .await
                    .expect("drop");
                admin
                    .batch_execute(&format!("CREATE DATABASE {building}"))
                    .await
                    .expect("create template");
                {
                    let mut c = connect(&conninfo_for(&building)).await;
                    migrate::run(&mut c, &migrate::embedded())
                        .await
                        .expect("migrating the template");
                }
                let created = std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.as_secs())
                    .unwrap_or(0);
                admin
                    .batch_execute(&format!(
                        "COMMENT ON DATABASE {building} IS 'created {created}'"
                    ))
                    .await
                    .expect("stamp template");
                // Renamed only when complete, so a crash never leaves a half-migrated template.
                admin
                    .batch_execute(&format!("ALTER DATABASE {building} RENAME TO {n}"))
                    .await
                    .expect("rename");
            }
            admin
                .execute("SELECT pg_advisory_unlock(7261002)", &[])
                .await
                .expect("unlock");
        });
        name
    })
}

/// Drop test databases whose process is gone, and templates of other
/// migration sets once they are a day old. Not sooner: another checkout
/// (a branch, a worktree) may be testing against its own template right now.
async fn sweep_stale(admin: &Client, current: &str) {
    let rows = admin
        .query(
            "SELECT datname, coalesce(shobj_description(oid, 'pg_database'), '') FROM pg_database \
             WHERE datname LIKE 'caseload\\_tmpl\\_%' OR datname LIKE 'caseload\\_test\\_%'",
            &[],
        )
        .await
        .expect("list databases");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    for row in rows {
        let db: String = row.get(0);
        let comment: String = row.get(1);
        if db == current {
            continue;
        }
        let stale = match db.strip_prefix("caseload_test_") {
            Some(rest) => !rest
                .split('_')
                .next()
                .and_then(|pid| pid.parse::<u32>().ok())
                .is_some_and(|pid| std::path::Path::new(&format!("/proc/{pid}")).exists()),
            None => comment
                .strip_prefix("created ")
                .and_then(|t| t.parse::<u64>().ok())
                .is_none_or(|created| now.saturating_sub(created) > 24 * 3600),
        };
        if stale {
            let _ = admin
                .batch_execute(&format!("DROP DATABASE IF EXISTS \"{db}\" WITH (FORCE)"))
                .await;
        }
    }
}

/// A database of one's own, migrated, dropped on Drop.
pub struct TestDb {
    pub name: String,
}

impl TestDb {
    /// A fresh, migrated database.
    pub async fn new() -> TestDb {
        Self::create(Some(ensure_template())).await
    }

    /// A migrated database holding a seeded district, with an admin
    /// (superuser) connection to it.
    #[allow(dead_code)]
    pub async fn seeded(students: u32, seed: u64, today: chrono::NaiveDate) -> (TestDb, Client) {
        let db = TestDb::new().await;
        let mut c = db.admin().await;
        caseload::demo::seed::seed(
            &mut c,
            &caseload::demo::seed::SeedOptions {
                students,
                seed,
                today,
            },
        )
        .await
        .expect("seed");
        (db, c)
    }

    /// The connection string and fresh password of a seeded demo person's
    /// own login role (member of `group`): how the demo signs in.
    #[allow(dead_code)]
    pub async fn demo_login(&self, admin: &Client, person: &str, group: &str) -> (String, String) {
        // Roles are cluster-wide: two tests altering the same one at once
        // fail with "tuple concurrently updated".
        static ROLES: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());
        let _one_at_a_time = ROLES.lock().await;
        let password = caseload::demo::login::ensure_login(admin, person, group)
            .await
            .expect("login role");
        (
            roles::LoginRoles::conninfo_as(&self.conninfo(), person),
            password,
        )
    }

    /// An empty database (no migrations), for testing the migrator itself.
    pub async fn empty() -> TestDb {
        Self::create(None).await
    }

    async fn create(template: Option<&'static str>) -> TestDb {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let name = format!(
            "caseload_test_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst)
        );
        let n = name.clone();
        block_on_thread(move || async move {
            let admin = connect(&admin_conninfo()).await;
            let sql = match template {
                Some(t) => format!("CREATE DATABASE {n} TEMPLATE {t}"),
                None => format!("CREATE DATABASE {n}"),
            };
            admin
                .batch_execute(&sql)
                .await
                .expect("create test database");
            if template.is_some() {
                // A clone does not inherit the template's database ACL
                // (always.sql): migrating again, which finds nothing pending,
                // sets it.
                let mut c = connect(&conninfo_for(&n)).await;
                migrate::run(&mut c, &migrate::embedded())
                    .await
                    .expect("migrating the clone");
            }
        });
        TestDb { name }
    }

    pub fn conninfo(&self) -> String {
        conninfo_for(&self.name)
    }

    /// A connection as the admin (superuser) role.
    pub async fn admin(&self) -> Client {
        connect(&self.conninfo()).await
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let n = self.name.clone();
        block_on_thread(move || async move {
            let admin = connect(&admin_conninfo()).await;
            let _ = admin
                .batch_execute(&format!("DROP DATABASE IF EXISTS {n} WITH (FORCE)"))
                .await;
        });
    }
}

/// A small pool of `conninfo`'s connections as `role` (when given), for
/// workers under test.
#[allow(dead_code)]
pub fn pool(conninfo: &str, role: Option<&str>, password: Option<&str>) -> deadpool_postgres::Pool {
    use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
    let mut cfg: tokio_postgres::Config = conninfo.parse().expect("conninfo");
    if let Some(r) = role {
        cfg.user(r);
    }
    if let Some(p) = password {
        cfg.password(p);
    }
    let mgr = Manager::from_config(
        cfg,
        NoTls,
        ManagerConfig {
            recycling_method: RecyclingMethod::Fast,
        },
    );
    Pool::builder(mgr).max_size(4).build().expect("pool")
}

/// The error text of a failed statement, including the server's message.
pub fn db_message(e: &tokio_postgres::Error) -> String {
    caseload::db::migrate::describe_pg_error(e)
}

pub mod bouncer;
pub mod district;
pub mod explain;
pub mod pty;
pub mod roles;
pub mod scram;
pub mod server_bin;
pub mod store;
pub mod worker;
