//! A private PostgreSQL cluster that really checks passwords
//! (scram-sha-256, Unix socket only, in a temporary directory), for the
//! tests of signing in: the shared test server trusts 127.0.0.1.

use super::server_bin::ServerBin;
use std::path::Path;

pub const SUPERUSER_PW: &str = "super-secret-pw";

/// initdb'd with scram-sha-256 for every connection; stopped on drop.
pub struct ScramCluster {
    dir: tempfile::TempDir,
    server: ServerBin,
}

impl ScramCluster {
    pub fn start() -> ScramCluster {
        let server = ServerBin::find();
        let dir = server.tempdir("caseload-scram-");
        let c = ScramCluster { dir, server };
        let pwfile = c.path().join("pw");
        std::fs::write(&pwfile, SUPERUSER_PW).unwrap();
        let mut initdb = c.server.pg("initdb");
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
        c.server.must(&mut initdb);
        let mut start = c.server.pg("pg_ctl");
        start
            .arg("-D")
            .arg(c.path().join("data"))
            .arg("-l")
            .arg(c.path().join("log"))
            .args(["-w", "-t", "60", "-o"])
            .arg(format!("-k {} -c listen_addresses=''", c.path().display()))
            .arg("start");
        c.server.must(&mut start);
        c
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn conninfo(&self, user: &str, dbname: &str) -> String {
        format!("host={} user={user} dbname={dbname}", self.path().display())
    }
}

impl Drop for ScramCluster {
    fn drop(&mut self) {
        let _ = self
            .server
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
