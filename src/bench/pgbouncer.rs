//! A private PgBouncer (Debian's 1.18) in transaction mode on a free
//! loopback port, for the tests and the soak harness: its configuration and
//! auth file live in a directory of its own, and dropping the [`Bouncer`]
//! stops it and removes the directory. As root it runs as the `postgres`
//! account (`pgbouncer -u`), since PgBouncer refuses to run as root.

use std::io::Write as _;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::os::unix::fs::{OpenOptionsExt as _, PermissionsExt as _};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use color_eyre::eyre::{Result, WrapErr, bail, eyre};

/// How clients prove who they are to PgBouncer.
#[derive(Debug, Clone)]
pub enum BouncerAuth {
    /// No password is asked; only the roles listed may connect (PgBouncer
    /// needs every name in its auth file even so).
    Trust { users: Vec<String> },
    /// `auth_file`: each role with its password in clear or its SCRAM
    /// verifier (`SCRAM-SHA-256$…`, as in `pg_authid.rolpassword`).
    File { users: Vec<(String, String)> },
    /// `auth_query` through `public.caseload_pgbouncer_lookup` (0036),
    /// signed in to the database as `auth_user` (a LOGIN member of
    /// `caseload_pgbouncer`) with `password`; every login role caseload
    /// knows signs in with its own SCRAM password.
    Query { auth_user: String, password: String },
}

/// What to start.
#[derive(Debug, Clone)]
pub struct BouncerConfig {
    /// The PostgreSQL server behind it.
    pub upstream_host: String,
    pub upstream_port: u16,
    /// Server connections per database and role (`default_pool_size`).
    pub pool_size: u32,
    /// Server connections per database in all (`max_db_connections`, 0 for
    /// no limit): the one figure a district sizes its server by.
    pub max_db_connections: u32,
    /// Client connections PgBouncer accepts (`max_client_conn`).
    pub max_clients: u32,
    /// Seconds a server connection may sit idle before PgBouncer closes it
    /// (`server_idle_timeout`; PgBouncer's default is 600). With
    /// `max_db_connections` and many roles this is how long a role waits
    /// for a connection another role's pool no longer needs.
    pub server_idle_timeout: Option<u32>,
    pub auth: BouncerAuth,
}

impl BouncerConfig {
    /// Transaction pooling in front of `host:port`, `pool_size` server
    /// connections per role and database, room for 2,000 clients.
    pub fn new(host: &str, port: u16, pool_size: u32, auth: BouncerAuth) -> BouncerConfig {
        BouncerConfig {
            upstream_host: host.to_string(),
            upstream_port: port,
            pool_size,
            max_db_connections: 0,
            max_clients: 2000,
            server_idle_timeout: None,
            auth,
        }
    }
}

/// A running PgBouncer; dropped, it is stopped and its directory removed.
pub struct Bouncer {
    child: Option<Child>,
    dir: PathBuf,
    port: u16,
}

impl Bouncer {
    /// Starts PgBouncer and waits (up to 10 s) until it accepts connections.
    pub fn start(cfg: &BouncerConfig) -> Result<Bouncer> {
        let exe = find_pgbouncer().ok_or_else(|| {
            eyre!("pgbouncer is not installed (Debian: apt-get install pgbouncer)")
        })?;
        let dir = private_dir()?;
        let mut bouncer = Bouncer {
            child: None,
            dir,
            port: free_port()?,
        };
        let as_postgres = crate::demo::cluster::is_root();
        bouncer.write_files(cfg)?;
        if as_postgres {
            chown_postgres(&bouncer.dir)?;
        }
        let mut cmd = Command::new(exe);
        if as_postgres {
            cmd.arg("-u").arg("postgres");
        }
        cmd.arg(bouncer.ini())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        bouncer.child = Some(cmd.spawn().wrap_err("could not start pgbouncer")?);
        bouncer.wait_ready()?;
        Ok(bouncer)
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// PgBouncer's process id, while it runs.
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    /// A libpq connection string for `user` on `dbname` through PgBouncer.
    pub fn conninfo(&self, dbname: &str, user: &str) -> String {
        format!(
            "host=127.0.0.1 port={} dbname={dbname} user={user} sslmode=disable",
            self.port
        )
    }

    /// PgBouncer's own log, for a failing test to show.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("pgbouncer.log")).unwrap_or_default()
    }

    fn ini(&self) -> PathBuf {
        self.dir.join("pgbouncer.ini")
    }

    fn write_files(&self, cfg: &BouncerConfig) -> Result<()> {
        let auth_file = self.dir.join("userlist.txt");
        let (auth_type, users, query) = match &cfg.auth {
            BouncerAuth::Trust { users } => (
                "trust",
                users.iter().map(|u| (u.clone(), String::new())).collect(),
                None,
            ),
            BouncerAuth::File { users } => ("scram-sha-256", users.clone(), None),
            BouncerAuth::Query {
                auth_user,
                password,
            } => (
                "scram-sha-256",
                vec![(auth_user.clone(), password.clone())],
                Some(auth_user.as_str()),
            ),
        };
        let mut list = String::new();
        for (user, secret) in &users {
            list.push_str(&format!("{} {}\n", quoted(user), quoted(secret)));
        }
        write_private(&auth_file, &list)?;
        let mut ini = format!(
            "[databases]\n\
             * = host={host} port={port}\n\
             [pgbouncer]\n\
             listen_addr = 127.0.0.1\n\
             listen_port = {listen}\n\
             unix_socket_dir =\n\
             pool_mode = transaction\n\
             default_pool_size = {pool}\n\
             max_db_connections = {max_db}\n\
             max_client_conn = {clients}\n\
             auth_type = {auth_type}\n\
             auth_file = {auth_file}\n\
             logfile = {log}\n\
             server_reset_query =\n\
             log_connections = 0\n\
             log_disconnections = 0\n",
            host = cfg.upstream_host,
            port = cfg.upstream_port,
            listen = self.port,
            pool = cfg.pool_size,
            max_db = cfg.max_db_connections,
            clients = cfg.max_clients,
            auth_file = auth_file.display(),
            log = self.dir.join("pgbouncer.log").display(),
        );
        if let Some(secs) = cfg.server_idle_timeout {
            ini.push_str(&format!("server_idle_timeout = {secs}\n"));
        }
        if let Some(auth_user) = query {
            ini.push_str(&format!(
                "auth_user = {auth_user}\n\
                 auth_query = SELECT usename, passwd FROM public.caseload_pgbouncer_lookup($1)\n"
            ));
        }
        write_private(&self.ini(), &ini)
    }

    fn wait_ready(&mut self) -> Result<()> {
        let addr = SocketAddr::from(([127, 0, 0, 1], self.port));
        let started = Instant::now();
        loop {
            if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
                return Ok(());
            }
            if let Some(child) = self.child.as_mut()
                && let Ok(Some(status)) = child.try_wait()
            {
                bail!("pgbouncer exited at start ({status}):\n{}", self.log());
            }
            if started.elapsed() > Duration::from_secs(10) {
                bail!(
                    "pgbouncer did not listen on port {} within 10 s:\n{}",
                    self.port,
                    self.log()
                );
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Bouncer {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn find_pgbouncer() -> Option<PathBuf> {
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .chain([PathBuf::from("/usr/sbin"), PathBuf::from("/usr/local/sbin")])
        .map(|d| d.join("pgbouncer"))
        .find(|p| p.is_file())
}

/// PgBouncer's auth file quotes names and secrets with `"`, doubled inside.
fn quoted(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

fn private_dir() -> Result<PathBuf> {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let dir = std::env::temp_dir().join(format!(
        "caseload-pgbouncer-{}-{n}-{nanos}",
        std::process::id()
    ));
    std::fs::create_dir(&dir).wrap_err_with(|| format!("could not create {}", dir.display()))?;
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700))?;
    Ok(dir)
}

fn write_private(path: &Path, contents: &str) -> Result<()> {
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .wrap_err_with(|| format!("could not write {}", path.display()))?;
    f.write_all(contents.as_bytes())?;
    Ok(())
}

fn chown_postgres(dir: &Path) -> Result<()> {
    let status = Command::new("chown")
        .arg("-R")
        .arg("postgres:postgres")
        .arg(dir)
        .status()
        .wrap_err("could not run chown")?;
    if !status.success() {
        bail!("chown postgres {} failed ({status})", dir.display());
    }
    Ok(())
}

/// A loopback port nobody listens on right now.
fn free_port() -> Result<u16> {
    let l = TcpListener::bind("127.0.0.1:0").wrap_err("no free loopback port")?;
    Ok(l.local_addr()?.port())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auth_file_quotes() {
        assert_eq!(quoted("dana"), "\"dana\"");
        assert_eq!(quoted("a\"b"), "\"a\"\"b\"");
    }
}
