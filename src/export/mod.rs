//! Exports (issue 16): CSV of the roster with the person's filters, of a
//! caseload, and of sessions and measurements over a date range.
//!
//! Every export reads through the person's own connection, so it holds
//! exactly what row-level security lets that person see, and records
//! itself in the audit trail through `caseload_record_export` (0026), in
//! the same transaction as the reads when the caller passes one. The CSV
//! is defused against formula injection ([`csv::defuse`]) and written to a
//! new file, never over an existing one ([`file::write_new`]).
//!
//! [`run`] takes a connection and a progress callback, so the job runner
//! can run it as the author (see `crate::report` for the same contract).

pub mod command;
pub mod csv;
pub mod file;
pub mod job;
pub mod sql;

use crate::db::unnamed::Unnamed;
use crate::domain::roster::RosterQuery;
use chrono::NaiveDate;
use std::path::{Path, PathBuf};
use tokio_postgres::GenericClient;
use uuid::Uuid;

/// What to export (serde: an export job's payload).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "export", rename_all = "snake_case")]
pub enum Spec {
    /// The roster as the person has it: search, filters, sort.
    Roster(RosterQuery),
    /// The roster with the person's saved filters and sort (read when the
    /// export runs).
    SavedRoster,
    /// A person's caseload (a username), or the signed-in person's.
    Caseload { counselor: Option<String> },
    /// Sessions and measurements from `from` to `to`, both included, at one
    /// school (its local id) or every school the person sees.
    Sessions {
        from: NaiveDate,
        to: NaiveDate,
        school: Option<String>,
    },
}

impl Spec {
    /// In a few words, for a list of jobs.
    pub fn describe(&self) -> String {
        match self {
            Spec::Roster(q) if q.search.is_empty() => "roster as shown".into(),
            Spec::Roster(q) => format!("roster matching {:?}", q.search),
            Spec::SavedRoster => "roster (saved filters)".into(),
            Spec::Caseload { counselor: None } => "my caseload".into(),
            Spec::Caseload { counselor: Some(c) } => format!("caseload of {c}"),
            Spec::Sessions { from, to, school } => match school {
                Some(s) => format!("sessions {s} {from} to {to}"),
                None => format!("sessions {from} to {to}"),
            },
        }
    }

    /// The audit event's kind (0026).
    pub fn kind(&self) -> &'static str {
        match self {
            Spec::Roster(_) | Spec::SavedRoster => "roster",
            Spec::Caseload { .. } => "caseload",
            Spec::Sessions { .. } => "sessions",
        }
    }
}

/// Where and how to write.
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    pub dir: PathBuf,
    /// Put a UTF-8 byte order mark first (Excel on Windows needs it).
    pub bom: bool,
    /// Dates the file names.
    pub today: NaiveDate,
}

/// One file written.
#[derive(Debug, Clone, PartialEq)]
pub struct File {
    pub path: PathBuf,
    pub rows: usize,
}

/// What an export wrote.
#[derive(Debug, Clone, PartialEq)]
pub struct Written {
    pub files: Vec<File>,
    /// Students in the export (recorded in the audit trail).
    pub students: usize,
}

impl Written {
    /// One line for the status line or the terminal.
    pub fn summary(&self) -> String {
        let files: Vec<String> = self
            .files
            .iter()
            .map(|f| format!("{} ({} rows)", f.path.display(), f.rows))
            .collect();
        format!(
            "exported {} student{}: {}",
            self.students,
            if self.students == 1 { "" } else { "s" },
            files.join(", ")
        )
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("{0}")]
    Invalid(String),
    #[error("{}", crate::export::pg_message(.0))]
    Db(#[from] tokio_postgres::Error),
    #[error("cannot write {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// The server's own words for a failed statement ("permission denied for
/// table …"), else the client's.
pub fn pg_message(e: &tokio_postgres::Error) -> String {
    e.as_db_error()
        .map(|d| d.message().to_string())
        .unwrap_or_else(|| e.to_string())
}

/// Called with a percentage and what is happening.
pub type Progress<'a> = &'a mut (dyn FnMut(u8, &str) + Send);

/// A school the person can see, by local id: its id.
pub async fn school_id(
    client: &(impl GenericClient + Sync),
    local_id: &str,
) -> Result<Uuid, ExportError> {
    client
        .fetch_opt(
            "SELECT id FROM schools WHERE local_id = $1",
            &[&local_id.trim()],
        )
        .await?
        .map(|r| r.get(0))
        .ok_or_else(|| ExportError::Invalid(format!("no school has the local id {local_id:?}")))
}

/// A person by username, or the signed-in person.
pub async fn person_id(
    client: &(impl GenericClient + Sync),
    username: Option<&str>,
) -> Result<Uuid, ExportError> {
    let row = match username {
        Some(u) => {
            client
                .fetch_opt("SELECT id FROM users WHERE username = $1", &[&u.trim()])
                .await?
        }
        None => client
            .fetch_opt(
                "SELECT caseload_current_user_id() WHERE caseload_current_user_id() IS NOT NULL",
                &[],
            )
            .await?,
    };
    row.map(|r| r.get(0)).ok_or_else(|| {
        ExportError::Invalid(match username {
            Some(u) => format!("nobody has the username {u:?}"),
            None => {
                "you are not signed in as a caseload user (no users row for this login role)".into()
            }
        })
    })
}

fn write(dir: &Path, stem: &str, table: &csv::Table, bom: bool) -> Result<File, ExportError> {
    let path =
        file::write_new(dir, stem, "csv", table.to_csv(bom).as_bytes()).map_err(|source| {
            ExportError::Io {
                path: dir.join(format!("{stem}.csv")),
                source,
            }
        })?;
    Ok(File {
        path,
        rows: table.rows.len(),
    })
}

/// Turns JIT compilation off for the rest of the caller's transaction
/// (nothing outside one: `SET LOCAL` then only warns). Row-level security
/// puts the policies' function calls under every row, which makes the
/// planner's cost estimates huge (a month of sessions for one counselor
/// was estimated at ~830,000), so PostgreSQL JIT-compiled the export's
/// queries: 0.7–1.4 s of compiling for 25–65 ms of work (EXPLAIN ANALYZE as
/// demo_counselor and demo_coordinator on a 20,000-student district).
pub async fn without_jit(
    client: &(impl GenericClient + Sync),
) -> Result<(), tokio_postgres::Error> {
    client.batch_execute("SET LOCAL jit = off").await
}

/// Records the export in the audit trail; returns the students recorded.
pub async fn record(
    client: &(impl GenericClient + Sync),
    kind: &str,
    students: &[Uuid],
    detail: serde_json::Value,
) -> Result<i32, tokio_postgres::Error> {
    Ok(client
        .fetch_one(
            "SELECT caseload_record_export($1, $2, $3)",
            &[&kind, &students, &detail],
        )
        .await?
        .get(0))
}

/// Reads, writes the file(s), records the audit event. When recording
/// fails, the files are removed again: there is no export without its
/// audit event.
pub async fn run(
    client: &(impl GenericClient + Sync),
    spec: &Spec,
    opts: &Options,
    progress: Progress<'_>,
) -> Result<Written, ExportError> {
    run_on(client, client, spec, opts, progress).await
}

/// [`run`] reading on `reader` (a read host's snapshot, `database.read_url`)
/// and recording the audit event on `recorder` (the primary).
pub async fn run_on(
    reader: &(impl GenericClient + Sync),
    recorder: &(impl GenericClient + Sync),
    spec: &Spec,
    opts: &Options,
    progress: Progress<'_>,
) -> Result<Written, ExportError> {
    let day = opts.today.format("%Y-%m-%d");
    without_jit(reader).await?;
    progress(5, "reading");
    let (tables, detail): (Vec<(String, sql::Rows)>, serde_json::Value) = match spec {
        Spec::Roster(q) => (
            vec![(format!("roster-{day}"), sql::roster(reader, q).await?)],
            serde_json::json!({"search": q.search, "filters": format!("{:?}", q.filters)}),
        ),
        Spec::SavedRoster => {
            let (filters, sort) = crate::db::roster::load_filters(reader)
                .await?
                .unwrap_or_default();
            let q = RosterQuery {
                search: String::new(),
                filters,
                sort,
            };
            (
                vec![(format!("roster-{day}"), sql::roster(reader, &q).await?)],
                serde_json::json!({"saved": true, "filters": format!("{:?}", q.filters)}),
            )
        }
        Spec::Caseload { counselor } => {
            let person = person_id(reader, counselor.as_deref()).await?;
            let who = counselor
                .as_deref()
                .map(file::name_part)
                .unwrap_or_else(|| "mine".into());
            (
                vec![(
                    format!("caseload-{who}-{day}"),
                    sql::caseload(reader, person).await?,
                )],
                serde_json::json!({"counselor": counselor}),
            )
        }
        Spec::Sessions { from, to, school } => {
            if to < from {
                return Err(ExportError::Invalid(format!(
                    "the range ends ({to}) before it starts ({from})"
                )));
            }
            let school_id = match school {
                Some(s) => Some(school_id(reader, s).await?),
                None => None,
            };
            let at = school
                .as_deref()
                .map(|s| format!("-{}", file::name_part(s)))
                .unwrap_or_default();
            let sessions = sql::sessions(reader, *from, *to, school_id).await?;
            progress(40, "reading measurements");
            let measurements = sql::measurements(reader, *from, *to, school_id).await?;
            (
                vec![
                    (format!("sessions{at}-{from}-to-{to}"), sessions),
                    (format!("measurements{at}-{from}-to-{to}"), measurements),
                ],
                serde_json::json!({"from": from, "to": to, "school": school}),
            )
        }
    };
    progress(70, "writing");
    let mut students: Vec<Uuid> = tables
        .iter()
        .flat_map(|(_, t)| t.students.iter().copied())
        .collect();
    students.sort_unstable();
    students.dedup();
    let mut files = Vec::new();
    for (stem, rows) in &tables {
        match write(&opts.dir, stem, &rows.table, opts.bom) {
            Ok(f) => files.push(f),
            Err(e) => {
                remove(&files);
                return Err(e);
            }
        }
    }
    progress(90, "recording the export");
    let mut detail = detail;
    detail["files"] = serde_json::json!(
        files
            .iter()
            .map(|f| f.path.file_name().map(|n| n.to_string_lossy().into_owned()))
            .collect::<Vec<_>>()
    );
    detail["rows"] = serde_json::json!(files.iter().map(|f| f.rows).sum::<usize>());
    if let Err(e) = record(recorder, spec.kind(), &students, detail).await {
        remove(&files);
        return Err(e.into());
    }
    progress(100, "done");
    Ok(Written {
        files,
        students: students.len(),
    })
}

fn remove(files: &[File]) {
    for f in files {
        let _ = std::fs::remove_file(&f.path);
    }
}
