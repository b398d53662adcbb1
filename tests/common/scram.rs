//! A private PostgreSQL cluster that really checks passwords
//! (scram-sha-256, Unix socket only, in a temporary directory), for the
//! tests of signing in: the shared test server trusts 127.0.0.1.

use std::path::{Path, PathBuf};
use std::process::Command;

pub const SUPERUSER_PW: &str = "super-secret-pw";

/// initdb'd with scram-sha-256 for every connection; stopped on drop.
pub struct ScramCluster {
    dir: tempfile::TempDir,
    bin: PathBuf,
    as_postgres: bool,
}

impl ScramCluster {
    pub fn start() -> ScramCluster {
        let bin = caseload::demo::find_bin_dir()
            .expect("initdb and pg_ctl (PostgreSQL server binaries) are needed for this test");
        let as_postgres = std::fs::read_to_string("/proc/self/status")
            .map(|s| {
                s.lines()
                    .any(|l| l.starts_with("Uid:") && l.split_whitespace().nth(1) == Some("0"))
            })
            .unwrap_or(false);
        let dir = tempfile::Builder::new()
            .prefix("caseload-scram-")
            .tempdir_in("/tmp")
            .unwrap();
        let c = ScramCluster {
            dir,
            bin,
            as_postgres,
        };
        let pwfile = c.path().join("pw");
        std::fs::write(&pwfile, SUPERUSER_PW).unwrap();
        if as_postgres {
            // PostgreSQL refuses to run as root.
            c.must(
                Command::new("chown")
                    .args(["-R", "postgres:postgres"])
                    .arg(c.path()),
            );
        }
        let mut initdb = c.pg("initdb");
        initdb
            .arg("-D")
            .arg(c.path().join("data"))
            .args([
                "-U",
                "postgres",
                "--auth=scram-sha-256",
                "-E",
                "UTF8",
                "--no-instructions",
            ])
            .arg(format!("--pwfile={}", pwfile.display()));
        c.must(&mut initdb);
        let mut start = c.pg("pg_ctl");
        start
            .arg("-D")
            .arg(c.path().join("data"))
            .arg("-l")
            .arg(c.path().join("log"))
            .args(["-w", "-t", "60", "-o"])
            .arg(format!("-k {} -c listen_addresses=''", c.path().display()))
            .arg("start");
        c.must(&mut start);
        c
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    fn pg(&self, program: &str) -> Command {
        let exe = self.bin.join(program);
        if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(exe);
            c
        } else {
            Command::new(exe)
        }
    }

    fn must(&self, cmd: &mut Command) {
        let out = cmd.output().expect("run");
        assert!(
            out.status.success(),
            "{cmd:?}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    pub fn conninfo(&self, user: &str, dbname: &str) -> String {
        format!("host={} user={user} dbname={dbname}", self.path().display())
    }
}

impl Drop for ScramCluster {
    fn drop(&mut self) {
        let _ = self
            .pg("pg_ctl")
            .arg("-D")
            .arg(self.path().join("data"))
            .args(["-m", "immediate", "-w", "stop"])
            .output();
    }
}

pub async fn superuser(cluster: &ScramCluster, dbname: &str) -> tokio_postgres::Client {
    let info = format!(
        "{} password={SUPERUSER_PW}",
        cluster.conninfo("postgres", dbname)
    );
    let (c, conn) = tokio_postgres::connect(&info, tokio_postgres::NoTls)
        .await
        .expect("superuser connects with its password");
    tokio::spawn(conn);
    c
}
