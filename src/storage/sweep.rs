//! `caseload storage sweep`: the store and the `documents` rows kept in
//! step, run where credentials belong (the operator's S3 credentials and the
//! database owner's connection).
//!
//! - An object under the prefix with no `documents` row (deleted or not)
//!   and no upload link issued for it in the last day is an orphan (an
//!   upload that never got its row) once it is a day old, and is removed.
//! - A row deleted longer ago than `documents.retention_days` (a system
//!   setting) is purged: the row goes first, in a statement that checks the
//!   retention again, and then its object. The row is deleted rather than
//!   marked: a document's metadata (its file name, whose it was) is as
//!   private as its bytes, and the retention period is the promise that
//!   both go; the audit trail keeps "document X of student Y was deleted,
//!   by the owner's login".
//!   Row first, because an object whose row is gone is an orphan the next
//!   sweep removes, while a row whose object went first could be undeleted
//!   in between and point at nothing.
//! - A row whose object is gone is reported, never changed: the operator
//!   decides (restore from a backup, or delete the row).
//! - Upload links older than a day can no longer be recorded (0021): their
//!   pending rows are deleted.

use super::check::{StorageError, sdk_message};
use crate::db::unnamed::Unnamed;
use aws_sdk_s3::error::ProvideErrorMetadata;
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

/// Objects and pending upload links younger than this are left alone.
pub const GRACE_HOURS: i64 = 24;
pub const RETENTION_SETTING: &str = "documents.retention_days";
pub const DEFAULT_RETENTION_DAYS: i32 = 30;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MissingObject {
    pub document_id: Uuid,
    pub object_key: String,
    /// The row is already marked deleted (its object went early).
    pub deleted: bool,
}

#[derive(Debug, Default)]
pub struct SweepReport {
    pub dry_run: bool,
    pub retention_days: i32,
    /// Objects listed under the prefix.
    pub objects: usize,
    /// Rows in the bucket checked against the listing.
    pub rows: usize,
    /// Orphan objects removed (or that would be, in a dry run).
    pub orphans: Vec<String>,
    /// Rows past retention purged with their objects.
    pub purged: Vec<Uuid>,
    pub missing: Vec<MissingObject>,
    pub pending_expired: u64,
    /// Rows naming another bucket (not checked).
    pub other_bucket: usize,
    /// Objects or rows that could not be removed; the sweep went on.
    pub failures: Vec<String>,
}

/// Every key under `prefix` with its last-modified time (seconds since the
/// epoch, when the store says).
pub async fn list_objects(
    s3: &aws_sdk_s3::Client,
    bucket: &str,
    prefix: &str,
) -> Result<HashMap<String, Option<i64>>, StorageError> {
    let mut out = HashMap::new();
    let mut token: Option<String> = None;
    loop {
        let page = s3
            .list_objects_v2()
            .bucket(bucket)
            .prefix(prefix)
            .set_continuation_token(token.take())
            .send()
            .await
            .map_err(|e| StorageError::Bucket {
                bucket: bucket.into(),
                message: sdk_message(&e),
            })?;
        for o in page.contents() {
            if let Some(k) = o.key() {
                out.insert(k.to_string(), o.last_modified().map(|t| t.secs()));
            }
        }
        match page.next_continuation_token() {
            Some(t) if page.is_truncated() == Some(true) => token = Some(t.to_string()),
            _ => return Ok(out),
        }
    }
}

/// Deletes one object; one already gone counts as deleted.
async fn remove(s3: &aws_sdk_s3::Client, bucket: &str, key: &str) -> Result<(), String> {
    match s3.delete_object().bucket(bucket).key(key).send().await {
        Ok(_) => Ok(()),
        Err(e) if e.as_service_error().and_then(|s| s.code()) == Some("NoSuchKey") => Ok(()),
        Err(e) => Err(format!("cannot remove {key}: {}", sdk_message(&e))),
    }
}

fn db_error(e: tokio_postgres::Error) -> StorageError {
    StorageError::Database(crate::db::migrate::describe_pg_error(&e))
}

/// `documents.retention_days`, checked: a whole number of days, 0 to 3650;
/// the default when the row is missing.
pub async fn retention_days(owner: &tokio_postgres::Client) -> Result<i32, StorageError> {
    let row = owner
        .fetch_opt(
            "SELECT value FROM settings WHERE key = $1 AND scope = 'system'",
            &[&RETENTION_SETTING],
        )
        .await
        .map_err(db_error)?;
    let Some(row) = row else {
        return Ok(DEFAULT_RETENTION_DAYS);
    };
    let value: serde_json::Value = row.get(0);
    value
        .as_i64()
        .or_else(|| value.as_str().and_then(|s| s.trim().parse().ok()))
        .and_then(|d| i32::try_from(d).ok())
        .filter(|d| (0..=3650).contains(d))
        .ok_or_else(|| {
            StorageError::Database(format!(
                "the setting {RETENTION_SETTING} must be a whole number of days from 0 to 3650 \
                 (it is {value})"
            ))
        })
}

/// Refuses a connection that would see only some rows: the sweeper must see
/// them all, or it would take every object as an orphan.
async fn require_owner(owner: &tokio_postgres::Client) -> Result<(), StorageError> {
    let row = owner
        .fetch_one(
            "SELECT current_user::text, rolsuper OR rolbypassrls FROM pg_roles \
             WHERE rolname = current_user",
            &[],
        )
        .await
        .map_err(db_error)?;
    if row.get::<_, bool>(1) {
        Ok(())
    } else {
        Err(StorageError::Database(format!(
            "the sweeper needs the database owner's connection (a superuser or BYPASSRLS \
             role) to see every document; {} is neither",
            row.get::<_, String>(0)
        )))
    }
}

pub async fn sweep(
    s3: &aws_sdk_s3::Client,
    owner: &tokio_postgres::Client,
    bucket: &str,
    prefix: &str,
    dry_run: bool,
) -> Result<SweepReport, StorageError> {
    require_owner(owner).await?;
    let mut report = SweepReport {
        dry_run,
        retention_days: retention_days(owner).await?,
        ..SweepReport::default()
    };
    // Listed before the rows are read: an object uploaded in between is
    // younger than the grace period, and a row recorded in between is seen.
    let objects = list_objects(s3, bucket, prefix).await?;
    report.objects = objects.len();
    let db_now: i64 = owner
        .fetch_one("SELECT extract(epoch FROM now())::bigint", &[])
        .await
        .map_err(db_error)?
        .get(0);
    let rows = owner
        .fetch(
            "SELECT id, object_key, bucket, deleted_at IS NOT NULL, \
                    deleted_at < now() - make_interval(days => $1) \
             FROM documents WHERE storage = 's3'",
            &[&report.retention_days],
        )
        .await
        .map_err(db_error)?;
    let live_pending: HashSet<String> = owner
        .fetch(
            "SELECT object_key FROM storage_pending_uploads \
             WHERE issued_at > now() - make_interval(hours => $1)",
            &[&(GRACE_HOURS as i32)],
        )
        .await
        .map_err(db_error)?
        .iter()
        .map(|r| r.get(0))
        .collect();

    let mut known: HashSet<String> = HashSet::with_capacity(rows.len());
    let mut expired = Vec::new();
    for r in &rows {
        let (id, key, row_bucket, deleted, past): (
            Uuid,
            String,
            Option<String>,
            bool,
            Option<bool>,
        ) = (r.get(0), r.get(1), r.get(2), r.get(3), r.get(4));
        known.insert(key.clone());
        if row_bucket.as_deref() != Some(bucket) {
            report.other_bucket += 1;
            continue;
        }
        report.rows += 1;
        if past == Some(true) {
            expired.push((id, key));
            continue;
        }
        let present = if key.starts_with(prefix) {
            objects.contains_key(&key)
        } else {
            // Outside the listing: asked one by one (rare: rows made
            // before the prefix changed).
            s3.head_object()
                .bucket(bucket)
                .key(&key)
                .send()
                .await
                .is_ok()
        };
        if !present {
            report.missing.push(MissingObject {
                document_id: id,
                object_key: key,
                deleted,
            });
        }
    }

    let cutoff = db_now - GRACE_HOURS * 3600;
    let mut orphans: Vec<&String> = objects
        .iter()
        .filter(|(k, modified)| {
            !known.contains(*k)
                && !live_pending.contains(*k)
                && modified.is_some_and(|m| m < cutoff)
        })
        .map(|(k, _)| k)
        .collect();
    orphans.sort();
    for key in orphans {
        if !dry_run && let Err(e) = remove(s3, bucket, key).await {
            report.failures.push(e);
            continue;
        }
        report.orphans.push(key.clone());
    }

    for (id, key) in expired {
        if dry_run {
            report.purged.push(id);
            continue;
        }
        match purge_row(owner, id, report.retention_days).await {
            Ok(true) => {}
            Ok(false) => continue, // undeleted since it was read
            Err(e) => {
                report
                    .failures
                    .push(format!("cannot purge document {id}: {e}"));
                continue;
            }
        }
        if let Err(e) = remove(s3, bucket, &key).await {
            report.failures.push(e);
        }
        report.purged.push(id);
    }

    report.pending_expired = if dry_run {
        owner
            .fetch_one(
                "SELECT count(*) FROM storage_pending_uploads \
                 WHERE issued_at <= now() - make_interval(hours => $1)",
                &[&(GRACE_HOURS as i32)],
            )
            .await
            .map_err(db_error)?
            .get::<_, i64>(0)
            .unsigned_abs()
    } else {
        owner
            .exec(
                "DELETE FROM storage_pending_uploads \
                 WHERE issued_at <= now() - make_interval(hours => $1)",
                &[&(GRACE_HOURS as i32)],
            )
            .await
            .map_err(db_error)?
    };
    Ok(report)
}

/// Deletes one row still past retention (the audit trigger records it,
/// and its attachments go with it). False when it no longer qualifies.
async fn purge_row(
    owner: &tokio_postgres::Client,
    id: Uuid,
    retention_days: i32,
) -> Result<bool, String> {
    owner
        .fetch_opt(
            "DELETE FROM documents WHERE id = $1 \
               AND deleted_at < now() - make_interval(days => $2) RETURNING id",
            &[&id, &retention_days],
        )
        .await
        .map(|r| r.is_some())
        .map_err(|e| crate::db::migrate::describe_pg_error(&e))
}

impl SweepReport {
    /// The report as the command prints it.
    pub fn render(&self) -> String {
        use std::fmt::Write;
        let mut out = String::new();
        let (would, removed, purged, deleted) = if self.dry_run {
            (
                "dry run: nothing changed; ",
                "would remove",
                "would purge",
                "would delete",
            )
        } else {
            ("", "removed", "purged", "deleted")
        };
        let _ = writeln!(
            out,
            "{would}{} objects under the prefix, {} document rows in this bucket \
             (retention {} days, setting {RETENTION_SETTING})",
            self.objects, self.rows, self.retention_days
        );
        let _ = writeln!(
            out,
            "orphan objects (no row, older than {GRACE_HOURS} h): {removed} {}",
            self.orphans.len()
        );
        for k in &self.orphans {
            let _ = writeln!(out, "  {k}");
        }
        let _ = writeln!(
            out,
            "deleted documents past retention: {purged} {} (row and object)",
            self.purged.len()
        );
        for id in &self.purged {
            let _ = writeln!(out, "  {id}");
        }
        let _ = writeln!(
            out,
            "expired upload links: {deleted} {}",
            self.pending_expired
        );
        if self.other_bucket > 0 {
            let _ = writeln!(
                out,
                "rows in another bucket, not checked: {}",
                self.other_bucket
            );
        }
        if self.missing.is_empty() {
            let _ = writeln!(out, "rows whose object is gone: none");
        } else {
            let _ = writeln!(
                out,
                "rows whose object is gone (left as they are; restore the file or delete the \
                 row): {}",
                self.missing.len()
            );
            for m in &self.missing {
                let state = if m.deleted { " (deleted)" } else { "" };
                let _ = writeln!(
                    out,
                    "  document {} at {}{state}",
                    m.document_id, m.object_key
                );
            }
        }
        for f in &self.failures {
            let _ = writeln!(out, "error: {f}");
        }
        out
    }
}
