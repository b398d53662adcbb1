//! A private PostgreSQL cluster from the system's initdb and pg_ctl: for
//! `caseload demo` on a machine whose server is not running (a Unix socket
//! inside the cluster directory, no TCP listener), and for tests that need a
//! server configured their way (TLS, pg_hba, a TCP port).

use color_eyre::eyre::{Result, WrapErr, bail, eyre};
use std::path::{Path, PathBuf};
use std::process::Command;

pub struct PrivateCluster {
    pub bin_dir: PathBuf,
    pub dir: PathBuf,
    /// Set when this process started the server, so it stops it again.
    started_here: bool,
    as_postgres: bool,
    /// Temporary clusters delete their directory when dropped.
    remove_on_drop: bool,
}

/// PostgreSQL's server binaries: pg_ctl on PATH, else the newest
/// /usr/lib/postgresql/<version>/bin (Debian and Ubuntu keep them there).
pub fn find_bin_dir() -> Option<PathBuf> {
    let on_path = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .find(|d| d.join("pg_ctl").is_file() && d.join("initdb").is_file())
    });
    on_path.or_else(|| {
        let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
            .ok()?
            .filter_map(|e| e.ok())
            .filter_map(|e| {
                let v: u32 = e.file_name().to_str()?.parse().ok()?;
                let bin = e.path().join("bin");
                bin.join("pg_ctl").is_file().then_some((v, bin))
            })
            .collect();
        versions.sort();
        versions.pop().map(|(_, bin)| bin)
    })
}

pub const INSTALL_HINT: &str = "No PostgreSQL server was found: none is running on the default socket or \
localhost:5432, and initdb/pg_ctl are not on PATH or under /usr/lib/postgresql/*/bin.\n\
Install PostgreSQL 15 or newer, for example:\n  Debian/Ubuntu: sudo apt-get install postgresql\n  \
Fedora:        sudo dnf install postgresql-server\n  macOS:         brew install postgresql@16\n\
then run `caseload demo` again, or point it at a server with --database-url or the PG* variables.";

pub(crate) fn is_root() -> bool {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("Uid:"))
                .and_then(|l| l.split_whitespace().nth(1).map(|uid| uid == "0"))
        })
        .unwrap_or(false)
}

impl PrivateCluster {
    pub fn data(&self) -> PathBuf {
        self.dir.join("data")
    }

    /// The directory holding the server's Unix socket.
    pub fn socket_dir(&self) -> &Path {
        &self.dir
    }

    fn command(&self, program: &str) -> Command {
        let exe = self.bin_dir.join(program);
        let mut c = if self.as_postgres {
            // PostgreSQL refuses to run as root; the server runs as the postgres account.
            let mut c = Command::new("runuser");
            c.arg("-u").arg("postgres").arg("--").arg(exe);
            c
        } else {
            Command::new(exe)
        };
        // The person's PG* variables describe the server they connect to,
        // not this one: the server reads PGPORT, PGDATA and PGOPTIONS
        // itself (an empty PGPORT stops initdb: "invalid value for
        // parameter port").
        for (name, _) in std::env::vars_os() {
            if name.to_string_lossy().starts_with("PG") {
                c.env_remove(name);
            }
        }
        c
    }

    fn run(&self, mut cmd: Command, what: &str) -> Result<()> {
        let out = cmd
            .output()
            .wrap_err_with(|| format!("could not run {what}"))?;
        if !out.status.success() {
            bail!(
                "{what} failed ({}):\n{}{}",
                out.status,
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
        Ok(())
    }

    /// The server account must own what it reads: its key files and data.
    fn give_to_server(&self, path: &Path) -> Result<()> {
        if !self.as_postgres {
            return Ok(());
        }
        let mut c = Command::new("chown");
        c.arg("postgres:postgres").arg(path);
        self.run(c, &format!("chown of {}", path.display()))
    }

    /// The cluster in `dir`, created with initdb unless one is there already.
    /// Not started; see [`PrivateCluster::start`].
    pub fn init(dir: &Path) -> Result<PrivateCluster> {
        let bin_dir = find_bin_dir().ok_or_else(|| eyre!(INSTALL_HINT))?;
        let cluster = PrivateCluster {
            bin_dir,
            dir: dir.to_path_buf(),
            started_here: false,
            as_postgres: is_root(),
            remove_on_drop: false,
        };
        std::fs::create_dir_all(&cluster.dir)
            .wrap_err_with(|| format!("cannot create {}", cluster.dir.display()))?;
        cluster.give_to_server(&cluster.dir)?;
        if !cluster.data().join("PG_VERSION").exists() {
            let mut c = cluster.command("initdb");
            c.arg("-D").arg(cluster.data()).args([
                "-U",
                "postgres",
                "--auth=trust",
                "--encoding=UTF8",
                "--no-instructions",
            ]);
            cluster.run(c, "initdb")?;
        }
        Ok(cluster)
    }

    /// A new cluster in a fresh directory under the system temp dir (which
    /// the postgres account can reach, unlike root's home), stopped and
    /// removed when dropped. For tests that need a server of their own.
    pub fn temporary(prefix: &str) -> Result<PrivateCluster> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let dir = std::env::temp_dir().join(format!("{prefix}-{}-{nanos}", std::process::id()));
        let mut cluster = PrivateCluster::init(&dir)?;
        cluster.remove_on_drop = true;
        Ok(cluster)
    }

    /// Writes `name` into the data directory, mode 0600 and owned by the
    /// server account, as PostgreSQL demands of a private key; returns its path.
    pub fn write_data_file(&self, name: &str, contents: &[u8]) -> Result<PathBuf> {
        use std::os::unix::fs::PermissionsExt;
        let path = self.data().join(name);
        std::fs::write(&path, contents)
            .wrap_err_with(|| format!("cannot write {}", path.display()))?;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))
            .wrap_err_with(|| format!("cannot chmod {}", path.display()))?;
        self.give_to_server(&path)?;
        Ok(path)
    }

    pub fn is_running(&self) -> bool {
        let mut status = self.command("pg_ctl");
        status.arg("-D").arg(self.data()).arg("status");
        status.output().map(|o| o.status.success()).unwrap_or(false)
    }

    /// Starts the server with its socket in the cluster directory and no TCP
    /// listener unless `settings` (`-c name=value` pairs, later ones win)
    /// choose `listen_addresses` and `port`.
    pub fn start(&mut self, settings: &[(&str, &str)]) -> Result<()> {
        // pg_ctl hands -o to a shell.
        let quote = |v: &str| format!("'{}'", v.replace('\'', r"'\''"));
        let mut options = format!(
            "-k {} -c listen_addresses=''",
            quote(&self.dir.to_string_lossy())
        );
        for (name, value) in settings {
            options.push_str(&format!(" -c {name}={}", quote(value)));
        }
        let mut c = self.command("pg_ctl");
        c.arg("-D")
            .arg(self.data())
            .arg("-l")
            .arg(self.dir.join("server.log"))
            .args(["-w", "-t", "60", "-o"])
            .arg(options)
            .arg("start");
        self.run(c, "pg_ctl start")?;
        self.started_here = true;
        Ok(())
    }

    /// Find (or create) the demo cluster under `preferred_dir` and make sure it is running.
    pub fn ensure_running(preferred_dir: &Path) -> Result<PrivateCluster> {
        let dir = if is_root() && !postgres_can_reach(preferred_dir) {
            // Root's home is usually 0700, where the postgres account cannot
            // reach its own data; keep the cluster where it can.
            PathBuf::from("/var/lib/caseload/demo-cluster")
        } else {
            preferred_dir.to_path_buf()
        };
        if !dir.join("data").join("PG_VERSION").exists() {
            eprintln!(
                "caseload: creating a private PostgreSQL cluster in {}",
                dir.display()
            );
        }
        let mut cluster = PrivateCluster::init(&dir)?;
        if !cluster.is_running() {
            eprintln!("caseload: starting the private PostgreSQL cluster");
            cluster.start(&[])?;
        }
        Ok(cluster)
    }

    pub fn stop(&mut self) {
        if !self.started_here {
            return;
        }
        let mut c = self.command("pg_ctl");
        c.arg("-D")
            .arg(self.data())
            .args(["-m", "fast", "-w", "stop"]);
        match c.output() {
            Ok(o) if o.status.success() => self.started_here = false,
            Ok(o) => {
                tracing::warn!(stderr = %String::from_utf8_lossy(&o.stderr), "pg_ctl stop failed")
            }
            Err(e) => tracing::warn!(%e, "could not run pg_ctl stop"),
        }
    }
}

impl Drop for PrivateCluster {
    fn drop(&mut self) {
        self.stop();
        // A server that would not stop still has the files open.
        if self.remove_on_drop
            && !self.started_here
            && let Err(e) = std::fs::remove_dir_all(&self.dir)
        {
            tracing::warn!(dir = %self.dir.display(), %e, "could not remove the cluster directory");
        }
    }
}

fn postgres_can_reach(dir: &Path) -> bool {
    // The nearest existing ancestor must be traversable by the postgres account.
    let mut probe = dir;
    while !probe.exists() {
        match probe.parent() {
            Some(p) => probe = p,
            None => return false,
        }
    }
    Command::new("runuser")
        .args(["-u", "postgres", "--", "test", "-x"])
        .arg(probe)
        .status()
        .map(|s| s.success())
        .unwrap_or(false)
}
