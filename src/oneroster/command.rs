//! `caseload import oneroster PATH [--dry-run] [--logins]`.

use super::report::{Mode, Report};
use super::{Cancelled, Hooks, Options, run};
use crate::cli::ImportOnerosterArgs;
use color_eyre::eyre::Result;
use std::io::{IsTerminal, Write};
use tokio_postgres::Client;

/// Progress on one stderr line, only when stderr is a terminal (never into
/// a pipe or a log); the report itself goes to stdout.
struct Stderr {
    tty: bool,
}

impl Hooks for Stderr {
    async fn progress(&mut self, percent: u8, message: &str) {
        if self.tty {
            let mut e = std::io::stderr().lock();
            let _ = write!(e, "\r\x1b[2K{percent:>3}% {message}");
            if percent >= 100 {
                let _ = writeln!(e);
            }
            let _ = e.flush();
        }
    }

    async fn checkpoint(&mut self) -> Result<(), Cancelled> {
        Ok(())
    }
}

pub async fn import(client: &mut Client, args: &ImportOnerosterArgs) -> Result<Report> {
    let opts = Options {
        mode: if args.dry_run {
            Mode::DryRun
        } else {
            Mode::Import
        },
        logins: args.logins,
    };
    let mut hooks = Stderr {
        tty: std::io::stderr().is_terminal(),
    };
    run(client, &args.path, opts, &mut hooks).await
}
