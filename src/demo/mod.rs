//! `caseload demo`: one command from a fresh clone to the TUI on realistic
//! data. Finds a server (the configured one, a local one, or a private
//! cluster it starts), migrates, seeds if empty, and signs in as a demo
//! person through their own login role.

pub(crate) mod cluster;
pub mod login;
pub mod seed;

pub use cluster::{INSTALL_HINT, PrivateCluster, find_bin_dir};

use crate::cli::{DemoArgs, DemoPersona};
use crate::config::conn::{self, ConnParams};
use crate::db::unnamed::Unnamed;
use crate::db::{migrate, pool};
use color_eyre::eyre::{Result, WrapErr};
use std::path::Path;
use std::time::Duration;
use tokio_postgres::Client;

pub const DEMO_DATABASE: &str = "caseload_demo";

/// Where the demo runs: an admin connection target and, if caseload started
/// one, the private cluster (stopped again when this is dropped).
pub struct Server {
    pub admin: ConnParams,
    pub cluster: Option<PrivateCluster>,
}

pub struct Prepared {
    pub server: Server,
    /// Connection of the demo person's own login role.
    pub login: ConnParams,
    pub username: &'static str,
}

pub fn persona_user(p: DemoPersona) -> (&'static str, &'static str) {
    match p {
        DemoPersona::Coordinator => (seed::DEMO_COORDINATOR, "caseload_coordinator"),
        DemoPersona::Counselor => (seed::DEMO_COUNSELOR, "caseload_counselor"),
        DemoPersona::Admin => (seed::DEMO_ADMIN, "caseload_admin"),
    }
}

/// Connection parameters for a conninfo string, ignoring the environment:
/// the demo's candidates are exactly what they say.
fn params(conninfo: &str) -> Result<ConnParams> {
    Ok(conn::resolve(Some(conninfo), &|_| None, None)?
        .with_application_name("caseload demo")
        .with_default_connect_timeout(Duration::from_secs(3)))
}

/// A local server the current OS user (or `postgres`) may create databases on.
async fn find_local_server() -> Option<ConnParams> {
    let mut users: Vec<String> = ["USER", "LOGNAME"]
        .iter()
        .filter_map(|v| std::env::var(v).ok())
        .collect();
    users.retain(|u| !u.is_empty() && u.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'));
    users.push("postgres".into());
    users.dedup();
    for host in ["/var/run/postgresql", "/tmp", "127.0.0.1"] {
        if host.starts_with('/') && !Path::new(host).join(".s.PGSQL.5432").exists() {
            continue;
        }
        for user in &users {
            let Ok(candidate) = params(&format!(
                "host={host} port=5432 user={user} dbname=postgres"
            )) else {
                continue;
            };
            let Ok(client) = pool::connect_one(&candidate).await else {
                continue;
            };
            let may_create = client
                .fetch_one(
                    "SELECT rolsuper OR rolcreatedb FROM pg_roles WHERE rolname = current_user",
                    &[],
                )
                .await
                .map(|r| r.get::<_, bool>(0))
                .unwrap_or(false);
            if may_create {
                return Some(candidate);
            }
        }
    }
    None
}

async fn ensure_database(admin: &ConnParams, name: &str) -> Result<ConnParams> {
    let client = pool::connect_one(admin).await?;
    let exists = client
        .fetch_opt("SELECT 1 FROM pg_database WHERE datname = $1", &[&name])
        .await?
        .is_some();
    if !exists {
        // An identifier cannot be a bind parameter; `name` is our own constant.
        client
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .await?;
    }
    Ok(admin.clone().with_dbname(name))
}

/// The server said the database does not exist (SQLSTATE 3D000).
fn is_missing_database(e: &pool::ConnectError) -> bool {
    matches!(e, pool::ConnectError::Postgres { source, .. }
        if source.code() == Some(&tokio_postgres::error::SqlState::INVALID_CATALOG_NAME))
}

/// Creates `cfg`'s database through the server's `postgres` database, as
/// the same role; refused (with the server's words) if it may not.
async fn create_named(cfg: &ConnParams) -> Result<()> {
    let name = cfg.dbname.clone();
    let client = pool::connect_one(&cfg.clone().with_dbname("postgres")).await?;
    // An identifier cannot be a bind parameter: quoted, quotes doubled.
    client
        .batch_execute(&format!(
            "CREATE DATABASE \"{}\"",
            name.replace('"', "\"\"")
        ))
        .await
        .wrap_err_with(|| format!("database {name} does not exist and could not be created"))?;
    eprintln!("created database {name} for the demo");
    Ok(())
}

/// Pick the server: the configured one, else a local one, else a private cluster.
pub async fn find_server(
    configured: Option<ConnParams>,
    data_dir: &Path,
    force_private: bool,
) -> Result<Server> {
    if let Some(cfg) = configured {
        if let Err(e) = pool::connect_one(&cfg).await {
            // A demo on a database named but not made yet: make it, as the
            // demo's own database is made (the cold tryouts all had to run
            // createdb first). Any other failure is said as it is.
            if !is_missing_database(&e) {
                return Err(e).wrap_err("cannot connect to the configured database");
            }
            create_named(&cfg)
                .await
                .wrap_err("cannot connect to the configured database")?;
        }
        return Ok(Server {
            admin: cfg,
            cluster: None,
        });
    }
    if !force_private && let Some(local) = find_local_server().await {
        let admin = ensure_database(&local, DEMO_DATABASE).await?;
        return Ok(Server {
            admin,
            cluster: None,
        });
    }
    let cluster = PrivateCluster::ensure_running(&data_dir.join("demo-cluster"))?;
    let base = params(&format!(
        "host={} port=5432 user=postgres dbname=postgres",
        cluster.socket_dir().display()
    ))?;
    let admin = ensure_database(&base, DEMO_DATABASE).await?;
    Ok(Server {
        admin,
        cluster: Some(cluster),
    })
}

async fn admin_client(server: &Server) -> Result<Client> {
    Ok(pool::connect_one(&server.admin).await?)
}

/// Migrate, seed if empty, and create the persona's login.
pub async fn prepare(
    args: &DemoArgs,
    server: Server,
    today: chrono::NaiveDate,
) -> Result<Prepared> {
    let mut admin = admin_client(&server).await?;
    eprintln!("caseload: demo database {}", server.admin.display_masked());
    let report = migrate::run(&mut admin, &migrate::embedded()).await?;
    if !report.applied.is_empty() {
        eprintln!("caseload: applied {} migration(s)", report.applied.len());
    }
    if !seed::is_seeded(&admin).await? {
        eprintln!(
            "caseload: seeding {} demo students (seed {}) …",
            args.students, args.seed
        );
        let opts = seed::SeedOptions {
            students: args.students,
            seed: args.seed,
            today,
        };
        let r = seed::seed(&mut admin, &opts).await?;
        eprintln!("caseload: seeded in {:.1}s", r.elapsed.as_secs_f64());
    }
    let (username, group) = persona_user(args.persona);
    let password = login::ensure_login(&admin, username, group).await?;
    let login = server
        .admin
        .clone()
        .with_user(username)
        .with_password(password)
        .with_application_name("caseload");
    Ok(Prepared {
        server,
        login,
        username,
    })
}
