//! Deterministic, realistic demo data: a whole district (schools, staff,
//! tools and menus, programs) and its students with guardians,
//! interventions, goals, sessions, progress data, documents and
//! communications, loaded with COPY in one transaction.
//!
//! Determinism: everything, UUIDs included, comes from a ChaCha8 generator
//! seeded with `SeedOptions::seed`; the district draws from stream 0 and
//! student `i` from stream `i + 1`. All dates and timestamps are computed
//! from `SeedOptions::today`, so the same options give byte-identical rows
//! and the demo always looks current (sessions last week, follow-ups due).

pub mod copy;
mod generate;
mod names;
mod reference;

use crate::db::unnamed::Unnamed;
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio_postgres::{Client, GenericClient};

pub use copy::escape as copy_text_escape;

pub const DEMO_ADMIN: &str = "demo_admin";
pub const DEMO_COORDINATOR: &str = "demo_coordinator";
pub const DEMO_COUNSELOR: &str = "demo_counselor";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedOptions {
    pub students: u32,
    pub seed: u64,
    /// The day the demo is "as of": every date is relative to it.
    pub today: chrono::NaiveDate,
}

#[derive(Debug, Clone)]
pub struct SeedReport {
    /// Rows loaded per table, in load order.
    pub counts: Vec<(&'static str, u64)>,
    pub elapsed: Duration,
}

impl SeedReport {
    pub fn count(&self, table: &str) -> u64 {
        self.counts
            .iter()
            .filter(|(t, _)| *t == table)
            .map(|(_, n)| n)
            .sum()
    }

    pub fn total_rows(&self) -> u64 {
        self.counts.iter().map(|(_, n)| n).sum()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error(
        "the database already has {students} students; refusing to add demo data on top \
         (use --force to clear the demo tables first)"
    )]
    AlreadySeeded { students: i64 },
    #[error(
        "the database has no students but already has {users} users; demo data needs an \
         empty, freshly migrated database (use --force to clear the demo tables first)"
    )]
    NotEmpty { users: i64 },
    #[error(
        "caseload seed needs a superuser (or a BYPASSRLS role), and {role:?} is neither: \
         connect as one, e.g. with user=postgres in --database-url"
    )]
    NotSuperuser { role: String },
    #[error("roles table is missing the {0:?} role; run the migrations first")]
    MissingRole(&'static str),
    #[error("demo data generator stopped: {0}")]
    Generator(String),
    #[error("seeding demo data failed: {}", crate::db::migrate::describe_pg_error(.0))]
    Db(#[from] tokio_postgres::Error),
}

/// Students' rows are sent to the server whenever the chunk buffers reach
/// this size; it bounds memory however many students are requested.
const CHUNK_BYTES: usize = 8 << 20;

/// Serialises concurrent seeders of one database (e.g. two `caseload demo`
/// started at once): the second waits, then sees the data and refuses.
const SEED_LOCK: i64 = 0x5eed_ca5e;

/// Seeding migrates first, and the migrations read row-level-secured tables
/// as their owner (0003 refuses otherwise); asked up front so a plain login
/// hears that, not a permission error from the middle of a migration.
pub async fn require_superuser(client: &Client) -> Result<(), SeedError> {
    let row = client
        .fetch_one(
            "SELECT current_user::text, rolsuper OR rolbypassrls \
             FROM pg_roles WHERE rolname = current_user",
            &[],
        )
        .await?;
    if row.get::<_, bool>(1) {
        Ok(())
    } else {
        Err(SeedError::NotSuperuser { role: row.get(0) })
    }
}

pub async fn is_seeded(client: &Client) -> Result<bool, SeedError> {
    let row = client
        .fetch_one("SELECT EXISTS (SELECT 1 FROM students)", &[])
        .await?;
    Ok(row.get(0))
}

/// Loads the demo district. All or nothing: one transaction; refuses if
/// students or users already exist.
pub async fn seed(client: &mut Client, opts: &SeedOptions) -> Result<SeedReport, SeedError> {
    let started = Instant::now();
    let tx = client.transaction().await?;
    tx.exec("SELECT pg_advisory_xact_lock($1)", &[&SEED_LOCK])
        .await?;
    let students: i64 = tx
        .fetch_one("SELECT count(*) FROM students", &[])
        .await?
        .get(0);
    if students > 0 {
        return Err(SeedError::AlreadySeeded { students });
    }
    let users: i64 = tx
        .fetch_one("SELECT count(*) FROM users", &[])
        .await?
        .get(0);
    if users > 0 {
        return Err(SeedError::NotEmpty { users });
    }
    // Bulk-load the way pg_restore --disable-triggers does: with row
    // triggers off, COPY skips one foreign-key lookup per reference per row
    // (millions at 100k students) and any audit triggers, which would
    // otherwise log the demo data itself. CHECK, NOT NULL and UNIQUE still
    // apply row by row; every foreign key is then verified in one set-based
    // pass before commit (check_foreign_keys). The interventions lifecycle
    // trigger only fills a missing ended_at on INSERT, and the generator
    // always sets it (a CHECK insists). Needs superuser; as a mere owner the
    // load simply runs with triggers on and gives the same rows.
    let superuser: bool = tx
        .fetch_one(
            "SELECT rolsuper FROM pg_roles WHERE rolname = current_user",
            &[],
        )
        .await?
        .get(0);
    if superuser {
        tx.batch_execute("SET LOCAL session_replication_role = replica")
            .await?;
    }

    let role_ids: Vec<(String, uuid::Uuid)> = tx
        .fetch("SELECT key, id FROM roles ORDER BY key", &[])
        .await?
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    for k in [
        "admin",
        "coordinator",
        "counselor",
        "interventionist",
        "teacher",
        "viewer",
    ] {
        if !role_ids.iter().any(|(key, _)| key == k) {
            return Err(SeedError::MissingRole(k));
        }
    }

    let mut rng = ChaCha8Rng::seed_from_u64(opts.seed);
    let student_base = rng.clone();
    let district = reference::district(&mut rng, opts.students, opts.today);
    let reference = reference::encode(&district, &mut rng, &role_ids);

    let mut counts: Vec<(&'static str, u64)> = Vec::new();
    let add = |counts: &mut Vec<(&'static str, u64)>, table: &'static str, n: u64| match counts
        .iter_mut()
        .find(|(t, _)| *t == table)
    {
        Some((_, c)) => *c += n,
        None => counts.push((table, n)),
    };
    for (table, cols, mut rows) in reference.list {
        let n = copy::copy_rows(&tx, table, cols, &mut rows).await?;
        add(&mut counts, table, n);
    }

    // Students are generated on a blocking thread while this task streams
    // the previous chunk: the server's COPY processing and the generator
    // then use both cores. The bounded channel keeps at most a few chunks
    // in memory.
    let district = Arc::new(district);
    let (chunks_tx, mut chunks_rx) = tokio::sync::mpsc::channel::<generate::Chunk>(2);
    let students = opts.students;
    let generator = {
        let district = Arc::clone(&district);
        tokio::task::spawn_blocking(move || {
            let mut chunk = generate::Chunk::new();
            for i in 0..students {
                generate::student(&district, &student_base, i, &mut chunk);
                if chunk.len() >= CHUNK_BYTES || i + 1 == students {
                    // A closed channel means loading failed; its error is
                    // what gets reported.
                    if chunks_tx.blocking_send(std::mem::take(&mut chunk)).is_err() {
                        return;
                    }
                }
            }
        })
    };
    while let Some(mut chunk) = chunks_rx.recv().await {
        for (table, cols, rows) in chunk.tables() {
            let n = copy::copy_rows(&tx, table, cols, rows).await?;
            add(&mut counts, table, n);
        }
    }
    generator
        .await
        .map_err(|e| SeedError::Generator(e.to_string()))?;
    let n = status_history(&tx, opts.today).await?;
    add(&mut counts, "intervention_status_changes", n);

    if superuser {
        // The trigger-less load left the roster's last-session dates unset.
        tx.batch_execute("SELECT caseload_backfill_last_session()")
            .await?;
        // And the caseload home's urgency order (0010).
        tx.batch_execute("SELECT caseload_refresh_urgency(NULL)")
            .await?;
        // And the Interventions list's keys and flags (0019).
        tx.batch_execute(
            "SELECT caseload_refresh_iv_list(NULL); \
             ANALYZE intervention_list, intervention_list_restricted",
        )
        .await?;
        tx.batch_execute("SET LOCAL session_replication_role = origin")
            .await?;
        check_foreign_keys(&tx).await?;
    }
    tx.commit().await?;
    Ok(SeedReport {
        counts,
        elapsed: started.elapsed(),
    })
}

/// Checks every single-column foreign key in the schema with one anti-join
/// each, raising foreign_key_violation like the trigger would have. Used
/// after a trigger-less load; also usable by `doctor`. Only identifiers from
/// the catalog are formatted into the checks (with %I), no values.
pub async fn check_foreign_keys(client: &(impl GenericClient + Sync)) -> Result<(), SeedError> {
    client
        .batch_execute(
            "DO $$
         DECLARE r record; bad bigint;
         BEGIN
           FOR r IN
             SELECT c.conname, c.conrelid::regclass AS tbl, c.confrelid::regclass AS ref,
                    a.attname AS col, af.attname AS refcol
             FROM pg_constraint c
             JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
             JOIN pg_attribute af ON af.attrelid = c.confrelid AND af.attnum = c.confkey[1]
             WHERE c.contype = 'f' AND cardinality(c.conkey) = 1
               AND c.connamespace = 'public'::regnamespace
             ORDER BY c.conname
           LOOP
             EXECUTE format('SELECT count(*) FROM %s t WHERE t.%I IS NOT NULL AND NOT EXISTS '
                            '(SELECT 1 FROM %s r WHERE r.%I = t.%I)',
                            r.tbl, r.col, r.ref, r.refcol, r.col) INTO bad;
             IF bad > 0 THEN
               RAISE EXCEPTION 'demo data: % rows of % violate foreign key %', bad, r.tbl, r.conname
                 USING ERRCODE = 'foreign_key_violation';
             END IF;
           END LOOP;
         END
         $$",
        )
        .await?;
    Ok(())
}

/// Removes the demo data (everything but roles, system settings and the
/// migration log), for `--force`. TRUNCATE ... CASCADE also empties tables
/// other modules add that point at students or users; system settings are
/// Each seeded intervention's status history, told from its own dates, so
/// the demo's charts show when interventions were paused or put up for
/// review. Written in one statement after the load: the database started
/// empty, so any rows here were written by the history trigger (when the
/// load ran with triggers on) and would date every change to today.
async fn status_history(
    tx: &tokio_postgres::Transaction<'_>,
    today: chrono::NaiveDate,
) -> Result<u64, SeedError> {
    tx.exec("DELETE FROM intervention_status_changes", &[])
        .await?;
    Ok(tx
        .exec(
            "INSERT INTO intervention_status_changes \
               (intervention_id, changed_at, from_status, to_status, changed_by) \
             SELECT i.id, s.at, s.from_status, s.to_status, COALESCE(i.owner_id, i.referred_by) \
             FROM interventions i \
             CROSS JOIN LATERAL (SELECT max(se.session_date) AS last \
               FROM intervention_sessions se WHERE se.intervention_id = i.id) d \
             CROSS JOIN LATERAL (VALUES \
               (1, i.referred_at, NULL::intervention_status, 'referred'::intervention_status, \
                true), \
               (2, i.referred_at + interval '1 day', 'referred', 'planned', \
                i.start_date IS NOT NULL OR i.status = 'planned'), \
               (3, i.start_date + time '08:00', 'planned', 'active', \
                i.start_date IS NOT NULL AND i.status <> 'planned'), \
               (4, LEAST(COALESCE(d.last + 1, i.start_date + 7), $1::date) + time '15:00', \
                'active', 'paused', i.status = 'paused'), \
               (5, LEAST(i.planned_end_date, $1::date) + time '07:00', 'active', 'review_due', \
                i.status = 'review_due'), \
               (6, i.ended_at, CASE WHEN i.start_date IS NULL THEN 'referred' \
                                    ELSE 'active' END::intervention_status, i.status, \
                i.status IN ('completed', 'discontinued')) \
             ) s(n, at, from_status, to_status, happened) \
             WHERE s.happened \
             ORDER BY i.id, s.n",
            &[&today],
        )
        .await?)
}

/// set aside first because they would be cascaded away through
/// settings.updated_by.
pub async fn clear(client: &mut Client) -> Result<(), SeedError> {
    let tx = client.transaction().await?;
    tx.exec("SELECT pg_advisory_xact_lock($1)", &[&SEED_LOCK])
        .await?;
    tx.batch_execute(
        "CREATE TEMP TABLE caseload_kept_settings ON COMMIT DROP AS \
           SELECT * FROM settings WHERE scope = 'system'; \
         UPDATE caseload_kept_settings SET updated_by = NULL; \
         TRUNCATE communication_log, intervention_attachments, documents, intervention_team, \
           progress_measurements, intervention_sessions, intervention_goals, interventions, \
           intervention_programs, student_guardians, students, jobs, navigation_items, \
           role_tools, tools, user_roles, settings, users, schools CASCADE; \
         INSERT INTO settings SELECT * FROM caseload_kept_settings;",
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
