//! The PostgreSQL server programs, for tests that start clusters of their
//! own: run as `postgres` when the tests run as root (PostgreSQL refuses
//! root), in a folder under /tmp that account owns.

use std::path::{Path, PathBuf};
use std::process::Command;

pub struct ServerBin {
    /// The real folder of pg_ctl, which PATH may only link to
    /// (/usr/local/bin/pg_ctl -> /usr/lib/postgresql/15/bin): pg_basebackup
    /// and the others sit beside it there.
    bin: PathBuf,
    as_postgres: bool,
}

impl ServerBin {
    pub fn find() -> ServerBin {
        let bin = caseload::demo::find_bin_dir()
            .and_then(|d| std::fs::canonicalize(d.join("pg_ctl")).ok())
            .and_then(|p| p.parent().map(Path::to_path_buf))
            .expect("initdb and pg_ctl (PostgreSQL server binaries) are needed for this test");
        let as_postgres = std::fs::read_to_string("/proc/self/status")
            .map(|s| {
                s.lines()
                    .any(|l| l.starts_with("Uid:") && l.split_whitespace().nth(1) == Some("0"))
            })
            .unwrap_or(false);
        ServerBin { bin, as_postgres }
    }

    /// A fresh folder under /tmp the server may write to.
    pub fn tempdir(&self, prefix: &str) -> tempfile::TempDir {
        let dir = tempfile::Builder::new()
            .prefix(prefix)
            .tempdir_in("/tmp")
            .expect("tempdir");
        if self.as_postgres {
            self.must(
                Command::new("chown")
                    .args(["-R", "postgres:postgres"])
                    .arg(dir.path()),
            );
        }
        dir
    }

    /// `program` from the server's folder, as the account that runs it.
    pub fn pg(&self, program: &str) -> Command {
        let exe = self.bin.join(program);
        if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(exe);
            c
        } else {
            Command::new(exe)
        }
    }

    pub fn must(&self, cmd: &mut Command) {
        let out = cmd.output().expect("run");
        assert!(
            out.status.success(),
            "{cmd:?}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
