//! The migration runner. SQL is embedded in the binary; every migration runs
//! in its own transaction under a transaction-scoped advisory lock (so two
//! concurrent runners serialize and the second finds the work done), is
//! checksummed, and leaves one migration_log row per attempt.

use crate::db::unnamed::Unnamed;
use sha2::{Digest, Sha256};
use std::time::Instant;
use tokio_postgres::Client;

/// Advisory lock key: "caseload" in ASCII, so it is recognisable in pg_locks.
pub const LOCK_KEY: i64 = 0x6361_7365_6c6f_6164;

/// Creates migration_log and its enum; idempotent, run before any migration.
pub const BOOTSTRAP: &str = include_str!("../../assets/migrations/bootstrap.sql");

/// Idempotent, run after the migrations on every run: per-database settings
/// that live outside the database (its ACL), which a database cloned from a
/// template does not inherit.
pub const ALWAYS: &str = include_str!("../../assets/migrations/always.sql");

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Migration {
    pub version: i64,
    /// File name, e.g. `0001_schema.sql`: what errors name.
    pub name: String,
    pub sql: String,
}

impl Migration {
    pub fn new(version: i64, name: impl Into<String>, sql: impl Into<String>) -> Self {
        Migration {
            version,
            name: name.into(),
            sql: sql.into(),
        }
    }

    pub fn checksum(&self) -> String {
        hex::encode(Sha256::digest(self.sql.as_bytes()))
    }
}

macro_rules! embedded_migrations {
    ($($version:literal => $file:literal),+ $(,)?) => {
        /// The migrations compiled into this binary, in order.
        pub fn embedded() -> Vec<Migration> {
            vec![$(Migration::new(
                $version,
                $file,
                include_str!(concat!("../../assets/migrations/", $file)),
            )),+]
        }
    };
}

embedded_migrations! {
    1 => "0001_schema.sql",
    2 => "0002_app_roles.sql",
    3 => "0003_access.sql",
    4 => "0004_tools.sql",
    5 => "0005_interventions.sql",
    6 => "0006_search.sql",
    7 => "0007_last_session.sql",
    8 => "0008_access_fixes.sql",
    9 => "0009_status_history.sql",
    10 => "0010_home_bounds.sql",
    11 => "0011_sessions.sql",
    12 => "0012_hardening.sql",
    13 => "0013_hardening_followup.sql",
    14 => "0014_name_collation.sql",
    15 => "0015_printable_names.sql",
    16 => "0016_contacts.sql",
    // 17 was withdrawn before it was released (its menu item is 0018's):
    // WITHDRAWN.
    18 => "0018_communications_paging.sql",
    19 => "0019_intervention_list.sql",
    20 => "0020_my_caseload_missed.sql",
    21 => "0021_storage.sql",
    22 => "0022_document_actions.sql",
    23 => "0023_storage_ops.sql",
    24 => "0024_jobs.sql",
    25 => "0025_oneroster.sql",
    26 => "0026_exports.sql",
    27 => "0027_people_settings.sql",
    28 => "0028_admin_catalogue.sql",
    29 => "0029_import_speed.sql",
    30 => "0030_author_kinds.sql",
    31 => "0031_author_jobs.sql",
    32 => "0032_report_export_jobs.sql",
    33 => "0033_admin_scopes.sql",
    34 => "0034_live_changes.sql",
    35 => "0035_short_search.sql",
    36 => "0036_pgbouncer_auth.sql",
    37 => "0037_iv_list_dates.sql",
    38 => "0038_short_search_bigrams.sql",
    39 => "0039_refresh_plans.sql",
    40 => "0040_iv_list_restricted_due.sql",
}

/// Numbers that were never released: `migrate --status` lists them where
/// they would be, so the list runs 1, 2, … to the last without a gap that
/// makes "35 applied" look one short of the 36 it ends on.
pub const WITHDRAWN: &[i64] = &[17];

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum State {
    Applied {
        checksum_ok: bool,
        applied_at: chrono::DateTime<chrono::Utc>,
    },
    Pending {
        last_error: Option<String>,
    },
}

#[derive(Debug, Clone)]
pub struct StatusRow {
    pub version: i64,
    pub name: String,
    pub state: State,
}

#[derive(Debug, Default, Clone)]
pub struct Report {
    /// (file name, milliseconds) of each migration applied by this run.
    pub applied: Vec<(String, u64)>,
    pub already_applied: usize,
    /// The ICU locale people's names sort by after this run (setting
    /// `names.collation`, 0014), and the one before it when this run changed
    /// it; `None` where caseload's collation does not exist.
    pub names_alphabet: Option<String>,
    pub names_alphabet_was: Option<String>,
}

/// The locale of `caseload_names` (the column is colliculocale in
/// PostgreSQL 15 and 16, colllocale from 17 on).
const NAMES_ALPHABET_SQL: &str = "SELECT coalesce(to_jsonb(c) ->> 'colllocale', to_jsonb(c) ->> 'colliculocale') \
     FROM pg_collation c \
     WHERE c.collname = 'caseload_names' AND c.collnamespace = 'public'::regnamespace";

async fn names_alphabet(
    client: &(impl tokio_postgres::GenericClient + Sync),
) -> Result<Option<String>, tokio_postgres::Error> {
    Ok(client
        .fetch_opt(NAMES_ALPHABET_SQL, &[])
        .await?
        .and_then(|r| r.get(0)))
}

#[derive(Debug, thiserror::Error)]
pub enum MigrateError {
    #[error(
        "migration {name} was changed after it was applied (database checksum {applied}, file {current}); \
         restore the original file and add a new migration instead"
    )]
    Changed {
        name: String,
        applied: String,
        current: String,
    },
    #[error("migration {name} failed and was rolled back: {message}")]
    Failed { name: String, message: String },
    #[error(
        "the database has migration version {version} ({name}) that this caseload does not know; \
         it was migrated by a newer caseload"
    )]
    Unknown { version: i64, name: String },
    #[error("migration bookkeeping failed: {0}")]
    Db(String),
}

impl From<tokio_postgres::Error> for MigrateError {
    fn from(e: tokio_postgres::Error) -> Self {
        MigrateError::Db(describe_pg_error(&e))
    }
}

/// A database error as a person wants to read it: message, detail, hint and
/// where in the SQL it happened.
pub fn describe_pg_error(e: &tokio_postgres::Error) -> String {
    let Some(db) = e.as_db_error() else {
        return e.to_string();
    };
    let mut s = format!("{} (SQLSTATE {})", db.message(), db.code().code());
    if let Some(d) = db.detail() {
        s.push_str(&format!("; detail: {d}"));
    }
    if let Some(h) = db.hint() {
        s.push_str(&format!("; hint: {h}"));
    }
    if let Some(w) = db.where_() {
        s.push_str(&format!("; where: {w}"));
    }
    s
}

fn line_of(sql: &str, e: &tokio_postgres::Error) -> Option<usize> {
    match e.as_db_error()?.position()? {
        tokio_postgres::error::ErrorPosition::Original(pos) => {
            let pos = (*pos as usize).saturating_sub(1);
            // Position counts characters, not bytes.
            Some(sql.chars().take(pos).filter(|&c| c == '\n').count() + 1)
        }
        tokio_postgres::error::ErrorPosition::Internal { .. } => None,
    }
}

struct Applied {
    version: i64,
    name: String,
    checksum: String,
    finished_at: chrono::DateTime<chrono::Utc>,
}

async fn applied(client: &Client) -> Result<Vec<Applied>, MigrateError> {
    let rows = client
        .fetch(
            "SELECT version, name, checksum, finished_at FROM migration_log \
             WHERE status = 'succeeded' ORDER BY version",
            &[],
        )
        .await?;
    Ok(rows
        .iter()
        .map(|r| Applied {
            version: r.get(0),
            name: r.get(1),
            checksum: r.get(2),
            finished_at: r.get(3),
        })
        .collect())
}

async fn migration_log_exists(client: &Client) -> Result<bool, MigrateError> {
    let row = client
        .fetch_one(
            "SELECT to_regclass('public.migration_log') IS NOT NULL",
            &[],
        )
        .await?;
    Ok(row.get(0))
}

/// A database caseload was pointed at that holds none of its tables (a new
/// database, or the wrong one), and what to do about it.
pub fn no_tables(dbname: &str) -> String {
    format!(
        "database \"{dbname}\" has no caseload tables: run `caseload migrate` to create them, \
         or `caseload demo` to try caseload on demo data"
    )
}

/// A database that has some of caseload's tables but not what this version
/// needs.
pub fn not_migrated(dbname: &str) -> String {
    format!("database \"{dbname}\" is not fully migrated: run `caseload migrate`")
}

/// Every known migration with its state; read-only (does not create
/// migration_log on an empty database).
pub async fn status(
    client: &Client,
    migrations: &[Migration],
) -> Result<Vec<StatusRow>, MigrateError> {
    let (done, failures) = if migration_log_exists(client).await? {
        let failures = client
            .fetch(
                "SELECT DISTINCT ON (version) version, error FROM migration_log \
                 WHERE status = 'failed' ORDER BY version, started_at DESC",
                &[],
            )
            .await?;
        let failures: Vec<(i64, Option<String>)> =
            failures.iter().map(|r| (r.get(0), r.get(1))).collect();
        (applied(client).await?, failures)
    } else {
        (Vec::new(), Vec::new())
    };
    let mut out = Vec::new();
    for m in migrations {
        let state = match done.iter().find(|a| a.version == m.version) {
            Some(a) => State::Applied {
                checksum_ok: a.checksum == m.checksum(),
                applied_at: a.finished_at,
            },
            None => State::Pending {
                last_error: failures
                    .iter()
                    .find(|f| f.0 == m.version)
                    .and_then(|f| f.1.clone()),
            },
        };
        out.push(StatusRow {
            version: m.version,
            name: m.name.clone(),
            state,
        });
    }
    for a in done
        .iter()
        .filter(|a| !migrations.iter().any(|m| m.version == a.version))
    {
        out.push(StatusRow {
            version: a.version,
            name: format!("{} (unknown to this caseload)", a.name),
            state: State::Applied {
                checksum_ok: false,
                applied_at: a.finished_at,
            },
        });
    }
    Ok(out)
}

/// `migrate --status`'s list: one line per migration, in number order, and
/// one per withdrawn number, which nothing counts.
pub fn status_lines(rows: &[StatusRow]) -> Vec<String> {
    let mut withdrawn = WITHDRAWN.iter().peekable();
    let mut out = Vec::new();
    for row in rows {
        while let Some(w) = withdrawn.next_if(|w| **w < row.version) {
            out.push(format!(
                "{w:>4}  {:<32} withdrawn before release: there is nothing to apply",
                "(none)"
            ));
        }
        let state = match &row.state {
            State::Applied {
                checksum_ok: true,
                applied_at,
            } => format!("applied {}", applied_at.format("%Y-%m-%d %H:%M:%S UTC")),
            State::Applied {
                checksum_ok: false, ..
            } => "CHANGED since applied".into(),
            State::Pending { last_error: None } => "pending".into(),
            State::Pending {
                last_error: Some(e),
            } => format!("pending (last attempt failed: {e})"),
        };
        out.push(format!("{:>4}  {:<32} {state}", row.version, row.name));
    }
    out
}

/// The last line of `migrate --status`: the counts, and the database they
/// are about (`target`, its password masked), since the list alone does not
/// say which one was read.
pub fn status_summary(rows: &[StatusRow], target: &str) -> String {
    let count = |f: fn(&State) -> bool| rows.iter().filter(|r| f(&r.state)).count();
    let applied = count(|s| {
        matches!(
            s,
            State::Applied {
                checksum_ok: true,
                ..
            }
        )
    });
    let changed = count(|s| {
        matches!(
            s,
            State::Applied {
                checksum_ok: false,
                ..
            }
        )
    });
    let pending = count(|s| matches!(s, State::Pending { .. }));
    if applied + changed == 0 {
        return format!(
            "nothing applied in {target}: `caseload migrate` creates caseload's tables"
        );
    }
    let known = rows.len() - rows.iter().filter(|r| !is_known(r.version)).count();
    let mut line = format!("{applied} of {known} applied, {pending} pending");
    if changed > 0 {
        line.push_str(&format!(", {changed} changed or unknown to this caseload"));
    }
    line.push_str(&format!(" in {target}"));
    if !WITHDRAWN.is_empty() {
        let numbers: Vec<String> = WITHDRAWN.iter().map(i64::to_string).collect();
        line.push_str(&format!(
            " (number {} withdrawn: nothing to apply)",
            numbers.join(", ")
        ));
    }
    line
}

fn is_known(version: i64) -> bool {
    embedded().iter().any(|m| m.version == version)
}

fn verify(done: &[Applied], migrations: &[Migration]) -> Result<(), MigrateError> {
    for a in done {
        match migrations.iter().find(|m| m.version == a.version) {
            None => {
                return Err(MigrateError::Unknown {
                    version: a.version,
                    name: a.name.clone(),
                });
            }
            Some(m) if m.checksum() != a.checksum => {
                return Err(MigrateError::Changed {
                    name: m.name.clone(),
                    applied: a.checksum.clone(),
                    current: m.checksum(),
                });
            }
            Some(_) => {}
        }
    }
    Ok(())
}

/// Apply every pending migration in order. Stops at the first failure, which
/// is rolled back and recorded as a failed attempt.
pub async fn run(client: &mut Client, migrations: &[Migration]) -> Result<Report, MigrateError> {
    {
        let tx = client.transaction().await?;
        tx.exec("SELECT pg_advisory_xact_lock($1)", &[&LOCK_KEY])
            .await?;
        // Every run after the first finds migration_log there, and each
        // `IF NOT EXISTS` says so in a NOTICE that tokio-postgres would log
        // at info: noise in the log on every start. Only for the bootstrap:
        // a migration's own notices are worth keeping.
        tx.batch_execute("SET LOCAL client_min_messages = warning")
            .await?;
        tx.batch_execute(BOOTSTRAP).await?;
        tx.commit().await?;
    }
    verify(&applied(client).await?, migrations)?;

    let mut report = Report::default();
    for m in migrations {
        let tx = client.transaction().await?;
        tx.exec("SELECT pg_advisory_xact_lock($1)", &[&LOCK_KEY])
            .await?;
        // Re-read under the lock: a concurrent runner may have applied it.
        let existing = tx
            .fetch_opt(
                "SELECT checksum FROM migration_log WHERE version = $1 AND status = 'succeeded'",
                &[&m.version],
            )
            .await?;
        if let Some(row) = existing {
            let applied: String = row.get(0);
            if applied != m.checksum() {
                return Err(MigrateError::Changed {
                    name: m.name.clone(),
                    applied,
                    current: m.checksum(),
                });
            }
            report.already_applied += 1;
            tx.commit().await?;
            continue;
        }
        let log_id: i64 = tx
            .fetch_one(
                "INSERT INTO migration_log (version, name, checksum, status) \
                 VALUES ($1, $2, $3, 'running') RETURNING id",
                &[&m.version, &m.name, &m.checksum()],
            )
            .await?
            .get(0);
        let started = Instant::now();
        match tx.batch_execute(&m.sql).await {
            Ok(()) => {
                let ms = started.elapsed().as_millis() as i64;
                tx.exec(
                    "UPDATE migration_log SET status = 'succeeded', finished_at = clock_timestamp(), \
                     duration_ms = $2 WHERE id = $1",
                    &[&log_id, &ms],
                )
                .await?;
                tx.commit().await?;
                tracing::info!(migration = %m.name, ms, "migration applied");
                report.applied.push((m.name.clone(), ms as u64));
            }
            Err(e) => {
                let ms = started.elapsed().as_millis() as i64;
                let mut message = describe_pg_error(&e);
                if let Some(line) = line_of(&m.sql, &e) {
                    message = format!("line {line}: {message}");
                }
                drop(tx); // rolls back everything the migration did
                client
                    .exec(
                        "INSERT INTO migration_log (version, name, checksum, status, finished_at, \
                         duration_ms, error) VALUES ($1, $2, $3, 'failed', clock_timestamp(), $4, $5)",
                        &[&m.version, &m.name, &m.checksum(), &ms, &message],
                    )
                    .await?;
                tracing::error!(migration = %m.name, %message, "migration failed");
                return Err(MigrateError::Failed {
                    name: m.name.clone(),
                    message,
                });
            }
        }
    }
    // Under the lock too: concurrent GRANTs on one database fail with
    // "tuple concurrently updated".
    let tx = client.transaction().await?;
    tx.exec("SELECT pg_advisory_xact_lock($1)", &[&LOCK_KEY])
        .await?;
    let was = names_alphabet(&tx).await?;
    tx.batch_execute(ALWAYS)
        .await
        .map_err(|e| MigrateError::Failed {
            name: "always.sql".into(),
            message: describe_pg_error(&e),
        })?;
    report.names_alphabet = names_alphabet(&tx).await?;
    if was.is_some() && was != report.names_alphabet {
        report.names_alphabet_was = was;
    }
    tx.commit().await?;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_versions_ascend_and_match_file_names() {
        let ms = embedded();
        for pair in ms.windows(2) {
            assert!(pair[0].version < pair[1].version);
        }
        for m in &ms {
            let prefix: i64 = m.name[..4].parse().unwrap_or(-1);
            assert_eq!(prefix, m.version, "{}", m.name);
        }
    }

    /// A cold tryout read "35 applied" under a list that ends at 36 and
    /// took one for lost: the list has a line for every number up to the
    /// last, and the summary counts what the list shows.
    #[test]
    fn the_status_list_has_every_number_and_the_summary_counts_it() {
        let at = chrono::DateTime::<chrono::Utc>::UNIX_EPOCH;
        let rows: Vec<StatusRow> = embedded()
            .iter()
            .map(|m| StatusRow {
                version: m.version,
                name: m.name.clone(),
                state: State::Applied {
                    checksum_ok: true,
                    applied_at: at,
                },
            })
            .collect();
        let lines = status_lines(&rows);
        let last = embedded().last().map_or(0, |m| m.version);
        let numbers: Vec<i64> = lines
            .iter()
            .map(|l| {
                l.split_whitespace()
                    .next()
                    .unwrap_or("")
                    .parse()
                    .unwrap_or(-1)
            })
            .collect();
        assert_eq!(numbers, (1..=last).collect::<Vec<_>>());
        let line17 = &lines[16];
        assert!(line17.contains("withdrawn"), "{line17}");
        let applied = lines.iter().filter(|l| l.contains(" applied 1970")).count();
        let summary = status_summary(&rows, "db");
        assert!(
            summary.starts_with(&format!("{applied} of {applied} applied, 0 pending in db")),
            "{summary}"
        );
        assert!(summary.contains("number 17 withdrawn"), "{summary}");
    }

    #[test]
    fn checksum_changes_with_content() {
        let a = Migration::new(1, "0001_a.sql", "SELECT 1;");
        let b = Migration::new(1, "0001_a.sql", "SELECT 2;");
        assert_ne!(a.checksum(), b.checksum());
        assert_eq!(a.checksum().len(), 64);
    }
}
