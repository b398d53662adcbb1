//! Documents: the pages of the Documents screen (row-level security
//! decides which rows, deleted ones never), keyset-paged on
//! `(created_at, id)`, and the changes, each one call of a function of
//! migration 0022 that checks what the policies cannot.

use crate::db::interventions::detail::student_name;
use crate::db::unnamed::Unnamed;
use crate::domain::document::{DocChange, DocPage, DocPageRequest, DocRow, UploadContext};
use chrono::{DateTime, Utc};
use tokio_postgres::{GenericClient, Row};
use uuid::Uuid;

const COLUMNS: &str = concat!(
    "d.id, d.student_id, ",
    student_name!(),
    ", d.filename, d.title, d.category, d.content_type, d.byte_size, d.created_at, \
     u.display_name, d.is_restricted"
);

const FROM: &str = "FROM documents d JOIN students s ON s.id = d.student_id \
     LEFT JOIN users u ON u.id = d.uploaded_by";

fn row(r: &Row) -> DocRow {
    DocRow {
        id: r.get(0),
        student_id: r.get(1),
        student_name: r.get(2),
        filename: r.get(3),
        title: r.get(4),
        category: r.get(5),
        content_type: r.get(6),
        byte_size: r.get(7),
        uploaded_at: r.get(8),
        uploaded_by: r.get(9),
        is_restricted: r.get(10),
    }
}

/// One page of at most `limit` documents, newest first.
pub async fn page(
    client: &(impl GenericClient + Sync),
    page: DocPageRequest,
    limit: i64,
) -> Result<DocPage, tokio_postgres::Error> {
    let fetch = limit.saturating_add(1);
    let found = match page {
        DocPageRequest::Newest => {
            client
                .fetch(
                    &format!(
                        "SELECT {COLUMNS} {FROM} WHERE d.deleted_at IS NULL \
                         ORDER BY d.created_at DESC, d.id DESC LIMIT $1"
                    ),
                    &[&fetch],
                )
                .await?
        }
        DocPageRequest::Older(at) => {
            client
                .fetch(
                    &format!(
                        "SELECT {COLUMNS} {FROM} WHERE d.deleted_at IS NULL \
                         AND (d.created_at, d.id) < ($2, $3) \
                         ORDER BY d.created_at DESC, d.id DESC LIMIT $1"
                    ),
                    &[&fetch, &at.uploaded_at, &at.id],
                )
                .await?
        }
        DocPageRequest::Newer(at) => {
            client
                .fetch(
                    &format!(
                        "SELECT {COLUMNS} {FROM} WHERE d.deleted_at IS NULL \
                         AND (d.created_at, d.id) > ($2, $3) \
                         ORDER BY d.created_at ASC, d.id ASC LIMIT $1"
                    ),
                    &[&fetch, &at.uploaded_at, &at.id],
                )
                .await?
        }
    };
    let beyond = i64::try_from(found.len()).unwrap_or(i64::MAX) > limit;
    let mut rows: Vec<DocRow> = found
        .iter()
        .take(usize::try_from(limit).unwrap_or(0))
        .map(row)
        .collect();
    if matches!(page, DocPageRequest::Newer(_)) {
        rows.reverse();
    }
    let (newer, older) = match page {
        DocPageRequest::Newest => (false, beyond),
        DocPageRequest::Older(_) => (true, beyond),
        DocPageRequest::Newer(_) => (beyond, true),
    };
    Ok(DocPage { rows, newer, older })
}

/// A download link for one document, and when it stops working.
pub async fn link(
    client: &(impl GenericClient + Sync),
    document: Uuid,
) -> Result<(String, DateTime<Utc>), tokio_postgres::Error> {
    let r = client
        .fetch_one(
            "SELECT url, expires_at FROM caseload_document_download_url($1)",
            &[&document],
        )
        .await?;
    Ok((r.get(0), r.get(1)))
}

/// Attaches, detaches or deletes; the database refuses what the person may
/// not do, in words (`describe_pg_error`). `Ok(false)`: an attachment that
/// was there already.
pub async fn change(
    client: &(impl GenericClient + Sync),
    change: DocChange,
) -> Result<bool, tokio_postgres::Error> {
    match change {
        DocChange::Attach {
            document,
            intervention,
        } => {
            let r = client
                .fetch_one(
                    "SELECT caseload_document_attach($1, $2)",
                    &[&document, &intervention],
                )
                .await?;
            Ok(r.get(0))
        }
        DocChange::Detach {
            document,
            intervention,
        } => {
            client
                .exec(
                    "SELECT caseload_document_detach($1, $2)",
                    &[&document, &intervention],
                )
                .await?;
            Ok(true)
        }
        DocChange::Delete { document } => {
            client
                .exec("SELECT caseload_document_delete($1)", &[&document])
                .await?;
            Ok(true)
        }
    }
}

/// What the upload form needs: the student's name, whether the person may
/// add to the file and mark a document restricted; `None` when the student
/// is not visible.
pub async fn upload_context(
    client: &(impl GenericClient + Sync),
    student: Uuid,
) -> Result<Option<UploadContext>, tokio_postgres::Error> {
    let r = client
        .fetch_opt(
            "SELECT s.last_name || ', ' || COALESCE(NULLIF(btrim(s.preferred_name), ''), \
                    s.first_name), caseload_may_write_student(s.id), \
                    caseload_can_view_restricted() \
             FROM students s WHERE s.id = $1",
            &[&student],
        )
        .await?;
    Ok(r.map(|r| UploadContext {
        student_name: r.get(0),
        may_write: r.get::<_, Option<bool>>(1).unwrap_or(false),
        may_restrict: r.get::<_, Option<bool>>(2).unwrap_or(false),
    }))
}
