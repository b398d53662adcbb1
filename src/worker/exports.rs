//! Exports, reports and opening a file: IO the TUI asks for, run here as
//! the person (their pooled connection, so row-level security applies),
//! each answering in the words the screen shows.

use crate::app::screens::export::ExportWhat;
use crate::db::roster;
use crate::domain::roster::RosterQuery;
use crate::{export, report};
use chrono::NaiveDate;
use deadpool_postgres::Object;
use std::path::PathBuf;

fn env(k: &str) -> Option<String> {
    std::env::var(k).ok()
}

/// The reports folder, where the Reports screen lists and writes.
pub(super) fn reports_dir() -> Option<PathBuf> {
    report::store::default_dir(&env)
}

async fn spec(c: &Object, what: ExportWhat, today: NaiveDate) -> Result<export::Spec, String> {
    Ok(match what {
        ExportWhat::Roster(q) => export::Spec::Roster(q),
        ExportWhat::SavedRoster => {
            let pg: &tokio_postgres::Client = c;
            let saved = roster::load_filters(pg)
                .await
                .map_err(|e| super::describe_pg_error(&e))?;
            let (filters, sort) = saved.unwrap_or_default();
            export::Spec::Roster(RosterQuery {
                search: String::new(),
                filters,
                sort,
            })
        }
        ExportWhat::Caseload => export::Spec::Caseload { counselor: None },
        ExportWhat::Sessions(period) => {
            let (from, to) = period.span(today);
            export::Spec::Sessions {
                from,
                to,
                school: None,
            }
        }
    })
}

/// One repeatable-read transaction: the audit event commits with the
/// reads it describes, or the files go.
pub(super) async fn export(
    c: &mut Object,
    what: ExportWhat,
    bom: bool,
    today: NaiveDate,
) -> Result<export::Written, String> {
    let dir = export::file::default_dir(&env)
        .ok_or("no download folder: HOME and XDG_DOWNLOAD_DIR are not set")?;
    let spec = spec(c, what, today).await?;
    let pg: &mut tokio_postgres::Client = c;
    let tx = pg
        .build_transaction()
        .isolation_level(tokio_postgres::IsolationLevel::RepeatableRead)
        .start()
        .await
        .map_err(|e| super::describe_pg_error(&e))?;
    let opts = export::Options { dir, bom, today };
    let written = export::run(&tx, &spec, &opts, &mut |_, _| {})
        .await
        .map_err(|e| e.to_string())?;
    if let Err(e) = tx.commit().await {
        for f in &written.files {
            let _ = std::fs::remove_file(&f.path);
        }
        return Err(super::describe_pg_error(&e));
    }
    Ok(written)
}

pub(super) async fn report(
    c: &mut Object,
    spec: report::Spec,
    today: NaiveDate,
) -> Result<report::Written, String> {
    let dir = reports_dir().ok_or("no data folder for reports: HOME is not set")?;
    let pg: &mut tokio_postgres::Client = c;
    let tx = pg
        .build_transaction()
        .isolation_level(tokio_postgres::IsolationLevel::RepeatableRead)
        .start()
        .await
        .map_err(|e| super::describe_pg_error(&e))?;
    let written = report::run(&tx, &spec, &report::Options { dir, today }, &mut |_, _| {})
        .await
        .map_err(|e| e.to_string())?;
    if let Err(e) = tx.commit().await {
        report::store::remove(&written);
        return Err(super::describe_pg_error(&e));
    }
    Ok(written)
}

/// Hands `path` to the system's opener without waiting for it.
pub(super) async fn open(path: PathBuf) -> Result<PathBuf, String> {
    if !path.is_file() {
        return Err(format!("{} is not there any more", path.display()));
    }
    super::files::spawn_opener(&path)
        .map(|()| path.clone())
        .map_err(|(program, e)| {
            format!(
                "could not run {program} ({e}); the report is {}",
                path.display()
            )
        })
}
