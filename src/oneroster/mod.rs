//! OneRoster 1.1 CSV import (issue 16): a folder or .zip of `orgs.csv`,
//! `users.csv`, `demographics.csv` and `enrollments.csv` becomes schools,
//! students (matched by `sourced_id`) and staff `users` rows, in one
//! transaction, with a report of what each line adds, changes, leaves alone
//! or is refused for. `academicSessions.csv` and `classes.csv` are named in
//! the report and not read: caseload keeps no terms or classes.
//!
//! One entry point, `run`, for the command line and for a job: progress and
//! cancellation go through `Hooks`. Files are parsed as streams (`files`,
//! `csvfile`) into COPY text, staged and compared in SQL (`stage`); a dry
//! run and a run with any refused line roll back, so nothing is ever half
//! imported, and a second run of the same files changes nothing.
//!
//! As a job (kind `oneroster.import`, `job.rs`): `run` with hooks over the
//! job's context, on its author's own connection (the kind runs as its
//! author, migration 0031), the report condensed into the job's result;
//! the future is `Send` (a test below checks it). The connection must be
//! an admin's: the worker's own role may write nothing.
//!
//! Who may import: admins. The first statement locks `schools` in a mode
//! that needs UPDATE on it, which only caseload_admin holds (and the
//! staging tables are theirs alone), so the database refuses anyone else
//! whatever the client does; `run` asks first to say so in words.

pub mod command;
pub mod csvfile;
pub mod files;
pub mod job;
pub mod report;
pub mod source;
pub mod stage;

use crate::admin::users;
use crate::db::migrate::describe_pg_error;
use crate::db::unnamed::Unnamed;
use crate::demo::seed::copy::copy_rows;
use color_eyre::eyre::{Report as Error, Result, bail, eyre};
use report::{FileReport, Mode, Outcome, Report};
use std::future::Future;
use std::path::Path;
use tokio_postgres::Client;

/// How an import says how far it is, and learns that it should stop.
pub trait Hooks {
    /// 0–100 and what is happening now.
    fn progress(&mut self, percent: u8, message: &str) -> impl Future<Output = ()> + Send;
    /// `Err(Cancelled)` stops the import where it is; nothing is kept.
    fn checkpoint(&mut self) -> impl Future<Output = Result<(), Cancelled>> + Send;
}

/// Progress nowhere, never cancelled.
pub struct Quiet;

impl Hooks for Quiet {
    async fn progress(&mut self, _: u8, _: &str) {}
    async fn checkpoint(&mut self) -> Result<(), Cancelled> {
        Ok(())
    }
}

/// The import was cancelled at a checkpoint (find it with
/// `Report::downcast_ref::<Cancelled>()`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cancelled;

impl std::fmt::Display for Cancelled {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("the import was cancelled; nothing was written")
    }
}

impl std::error::Error for Cancelled {}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    pub mode: Mode,
    /// Give every staff member this import adds a login role
    /// (`caseload user login`); needs CREATEROLE.
    pub logins: bool,
}

/// The files read, in the order they are read (each may name rows of the
/// ones before).
const READ: [&str; 4] = [
    "orgs.csv",
    "users.csv",
    "demographics.csv",
    "enrollments.csv",
];
/// Files of a OneRoster export caseload has no place for.
const NOT_READ: [(&str, &str); 4] = [
    ("academicSessions.csv", "caseload keeps no terms"),
    ("classes.csv", "caseload keeps no classes"),
    ("courses.csv", "caseload keeps no courses"),
    (
        "manifest.csv",
        "the files present are read whatever it says",
    ),
];

fn pg(e: tokio_postgres::Error) -> Error {
    eyre!(describe_pg_error(&e))
}

async fn check<H: Hooks>(hooks: &mut H) -> Result<()> {
    hooks.checkpoint().await.map_err(|c| eyre!(c))
}

/// Reads, checks and (unless a dry run, or anything is refused) imports
/// the export at `path`, connected as `client`'s role.
pub async fn run<H: Hooks>(
    client: &mut Client,
    path: &Path,
    opts: Options,
    hooks: &mut H,
) -> Result<Report> {
    may_import(client).await?;
    if opts.logins && opts.mode != Mode::DryRun {
        users::check_privileges(client).await?;
    }
    hooks.progress(0, "reading the files").await;
    let mut source = source::Source::open(path)?;
    let mut staged = files::Staged::new();
    let mut reports = Vec::new();
    let mut found = 0;
    for (i, name) in READ.into_iter().enumerate() {
        let mut rep = FileReport::new(name);
        match source.file(name)? {
            None => rep.not_read = Some("not in this export".into()),
            Some(input) => {
                found += 1;
                let read = match name {
                    "orgs.csv" => files::orgs(input, &mut rep, &mut staged),
                    "users.csv" => files::users(input, &mut rep, &mut staged),
                    "demographics.csv" => files::demographics(input, &mut rep, &mut staged),
                    _ => files::enrollments(input, &mut rep, &mut staged),
                };
                read.map_err(|e| e.wrap_err(format!("reading {name}")))?;
            }
        }
        reports.push(rep);
        hooks
            .progress(5 + 7 * (i as u8 + 1), &format!("read {name}"))
            .await;
        check(hooks).await?;
    }
    for (name, why) in NOT_READ {
        if source.file(name)?.is_some() {
            let mut rep = FileReport::new(name);
            rep.not_read = Some(why.into());
            reports.push(rep);
        }
    }
    if found == 0 {
        bail!(
            "{} holds none of {}: is it a OneRoster 1.1 CSV export?",
            path.display(),
            READ.join(", ")
        );
    }
    drop(source);

    let tx = client.transaction().await.map_err(pg)?;
    tx.batch_execute(stage::BEGIN).await.map_err(pg)?;
    hooks.progress(35, "staging the rows").await;
    for (table, cols, rows) in [
        (stage::ORGS, files::ORG_COLS, &mut staged.orgs),
        (stage::USERS, files::USER_COLS, &mut staged.users),
        (
            stage::DEMOGRAPHICS,
            files::DEMOGRAPHIC_COLS,
            &mut staged.demographics,
        ),
        (
            stage::ENROLLMENTS,
            files::ENROLLMENT_COLS,
            &mut staged.enrollments,
        ),
    ] {
        copy_rows(&tx, table, cols, rows).await.map_err(pg)?;
    }
    check(hooks).await?;
    hooks.progress(45, "matching with what is stored").await;
    each(&tx, stage::RESOLVE).await?;
    check(hooks).await?;
    hooks.progress(60, "comparing").await;
    each(&tx, stage::CLASSIFY).await?;
    for row in tx.fetch(stage::REPORT, &[]).await.map_err(pg)? {
        let (file, line, outcome, detail): (String, i64, String, Option<String>) =
            (row.get(0), row.get(1), row.get(2), row.get(3));
        let detail = detail.unwrap_or_default();
        let outcome = match outcome.as_str() {
            "added" => Outcome::Added(detail),
            "changed" => Outcome::Changed(detail),
            "skipped" => Outcome::Skipped(detail),
            "refused" => Outcome::Refused(detail),
            _ => Outcome::Unchanged,
        };
        if let Some(rep) = reports.iter_mut().find(|r| r.name == file) {
            rep.push(line as u64, outcome);
        }
    }
    for rep in &mut reports {
        rep.lines.sort_by_key(|l| l.line);
    }
    let mut report = Report {
        mode: opts.mode,
        files: reports,
        committed: false,
    };
    check(hooks).await?;
    if opts.mode == Mode::DryRun || report.refused() > 0 {
        tx.rollback().await.map_err(pg)?;
        hooks.progress(100, "done: nothing written").await;
        return Ok(report);
    }
    hooks.progress(70, "writing").await;
    each(&tx, stage::APPLY).await?;
    if opts.logins {
        let added: Vec<String> = tx
            .fetch(
                "SELECT username FROM public.oneroster_users \
                 WHERE NOT is_student AND is_new ORDER BY line",
                &[],
            )
            .await
            .map_err(pg)?
            .iter()
            .map(|r| r.get(0))
            .collect();
        for name in added {
            users::login_in(&tx, &name)
                .await
                .map_err(|e| e.wrap_err(format!("giving {name} a login role")))?;
        }
    }
    tx.batch_execute(stage::END).await.map_err(pg)?;
    check(hooks).await?;
    if opts.mode == Mode::Rehearse {
        tx.rollback().await.map_err(pg)?;
        hooks.progress(100, "done: rolled back").await;
        return Ok(report);
    }
    hooks.progress(95, "committing").await;
    tx.commit().await.map_err(pg)?;
    report.committed = true;
    hooks.progress(100, "done").await;
    Ok(report)
}

/// Runs a script of `stage` one statement at a time, so the log (at debug)
/// says how long each took.
async fn each(tx: &tokio_postgres::Transaction<'_>, script: &str) -> Result<()> {
    for statement in script.split(";\n").map(str::trim).filter(|s| !s.is_empty()) {
        let started = std::time::Instant::now();
        tx.batch_execute(statement).await.map_err(pg)?;
        let ms = started.elapsed().as_millis();
        let first = statement
            .lines()
            .find(|l| !l.trim_start().starts_with("--"))
            .unwrap_or("");
        tracing::debug!(ms, statement = first, "import step");
    }
    Ok(())
}

/// Says in words what the database would refuse anyway: importing is for
/// admins (or a superuser, who is everything).
async fn may_import(client: &Client) -> Result<()> {
    let row = client
        .fetch_one(
            "SELECT current_user::text, \
                    (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user), \
                    to_regprocedure('public.caseload_is_admin()') IS NOT NULL \
                      AND to_regclass('public.oneroster_users') IS NOT NULL",
            &[],
        )
        .await
        .map_err(pg)?;
    let (me, superuser, schema): (String, bool, bool) = (row.get(0), row.get(1), row.get(2));
    if !schema {
        bail!("this database is not migrated for imports yet: run `caseload migrate` first");
    }
    if superuser {
        return Ok(());
    }
    let admin: bool = client
        .fetch_one("SELECT public.caseload_is_admin()", &[])
        .await
        .map_err(pg)?
        .get(0);
    if !admin {
        bail!("importing a roster is for admins: {me} holds no admin role in this database");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A job runner spawns the import on a multi-threaded runtime.
    #[allow(dead_code)]
    fn run_is_send<'a>(
        client: &'a mut Client,
        path: &'a Path,
        hooks: &'a mut Quiet,
    ) -> impl Future<Output = Result<Report>> + Send + 'a {
        let opts = Options {
            mode: Mode::DryRun,
            logins: false,
        };
        run(client, path, opts, hooks)
    }
}
