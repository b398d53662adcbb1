//! One document up, as the person signed in: the database hands out a link
//! for a fresh key, the bytes go to the store, and the row is recorded and
//! read back in one transaction, so a failed or mismatched upload leaves no
//! row (and the key stays pending for a retry or the sweeper).

use super::transfer::{Track, Transfer, TransferError};
use crate::db::unnamed::Unnamed;
use bytes::Bytes;
use sha2::{Digest, Sha256};
use uuid::Uuid;

#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    #[error("{0}")]
    Refused(String),
    #[error("{0}")]
    Transfer(#[from] TransferError),
    #[error(
        "the store holds {got} bytes with a different checksum than the {sent} bytes sent; \
         nothing was recorded, try again"
    )]
    Mismatch { sent: usize, got: usize },
}

fn refused(e: tokio_postgres::Error) -> UploadError {
    UploadError::Refused(crate::db::migrate::describe_pg_error(&e))
}

/// What to upload.
pub struct NewDocument<'a> {
    pub student_id: Uuid,
    pub intervention_id: Option<Uuid>,
    pub filename: &'a str,
    pub restricted: bool,
    pub bytes: Bytes,
}

/// What a person says about a document besides the file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct About {
    pub title: Option<String>,
    /// One of `documents.category`'s values (consent, evaluation, …).
    pub category: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Uploaded {
    pub document_id: Uuid,
    pub byte_size: usize,
    pub sha256: String,
    pub content_type: &'static str,
}

/// The type of a file judged by its first bytes, not its name.
pub fn sniff_content_type(bytes: &[u8]) -> &'static str {
    const SIGNATURES: &[(&[u8], &str)] = &[
        (b"%PDF-", "application/pdf"),
        (b"\x89PNG\r\n\x1a\n", "image/png"),
        (b"\xff\xd8\xff", "image/jpeg"),
        (b"GIF87a", "image/gif"),
        (b"GIF89a", "image/gif"),
        (b"PK\x03\x04", "application/zip"),
    ];
    for (magic, kind) in SIGNATURES {
        if bytes.starts_with(magic) {
            return kind;
        }
    }
    match std::str::from_utf8(bytes) {
        Ok(text) if is_text(text) => "text/plain",
        _ => "application/octet-stream",
    }
}

/// Text people write: no control characters but line breaks, tabs and form
/// feeds (a binary that happens to be valid UTF-8, such as a small ELF
/// header, is not text).
pub fn is_text(text: &str) -> bool {
    !text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\x0c'))
}

/// Uploads and records one document; `person` is the caller's own
/// connection (the database decides what they may attach to).
pub async fn upload(
    person: &mut tokio_postgres::Client,
    transfer: &Transfer,
    doc: NewDocument<'_>,
) -> Result<Uploaded, UploadError> {
    upload_with(person, transfer, doc, &About::default(), &Track::silent()).await
}

/// [`upload`] with a title and category, progress reported to `track`,
/// and a cancel honoured up to the commit: until then nothing is recorded.
pub async fn upload_with(
    person: &mut tokio_postgres::Client,
    transfer: &Transfer,
    doc: NewDocument<'_>,
    about: &About,
    track: &Track,
) -> Result<Uploaded, UploadError> {
    upload_by(person, Mover::Signed(transfer), doc, about, track).await
}

/// Who moves the bytes (`storage.mode`): a plain client through links the
/// database signs, or (direct mode) this client's own credentials, by key.
#[derive(Clone, Copy)]
pub enum Mover<'a> {
    Signed(&'a Transfer),
    Direct(&'a super::direct::Direct),
}

/// The one upload path of both modes: the database issues the key and
/// records the row; the row commits only once the store holds exactly
/// these bytes. Direct mode reports no progress until the end.
pub async fn upload_by(
    person: &mut tokio_postgres::Client,
    mover: Mover<'_>,
    doc: NewDocument<'_>,
    about: &About,
    track: &Track,
) -> Result<Uploaded, UploadError> {
    let sha256 = hex::encode(Sha256::digest(&doc.bytes));
    let content_type = super::limits::content_type(&doc.bytes, doc.bytes.len() as u64);
    if let Mover::Direct(_) = mover {
        person
            .exec(super::direct::DIRECT_SESSION, &[])
            .await
            .map_err(refused)?;
    }
    let row = person
        .fetch_one(
            "SELECT document_id, url, object_key FROM caseload_document_upload_url($1, $2)",
            &[&doc.student_id, &doc.intervention_id],
        )
        .await
        .map_err(refused)?;
    let (document_id, put, key): (Uuid, Option<String>, String) =
        (row.get(0), row.get(1), row.get(2));
    let sent = doc.bytes.len();
    match (mover, put) {
        (Mover::Signed(transfer), Some(put)) => {
            transfer.put_tracked(&put, doc.bytes, track).await?;
        }
        (Mover::Signed(_), None) => {
            return Err(UploadError::Refused(
                "the database is in direct mode and signed no link: set storage.mode = \"direct\" \
                 on this client, or run `caseload storage init` in signed mode"
                    .into(),
            ));
        }
        (Mover::Direct(direct), _) => direct.put(&key, doc.bytes).await?,
    }
    let tx = person.transaction().await.map_err(refused)?;
    let byte_size = i64::try_from(sent).unwrap_or(i64::MAX);
    tx.fetch_one(
        "SELECT caseload_document_record_upload($1, $2, $3, $4, $5, $6)",
        &[
            &document_id,
            &doc.filename,
            &content_type,
            &byte_size,
            &sha256,
            &doc.restricted,
        ],
    )
    .await
    .map_err(refused)?;
    if about.title.is_some() || about.category.is_some() {
        tx.exec(
            "UPDATE documents SET title = $2, category = $3 WHERE id = $1",
            &[&document_id, &about.title, &about.category],
        )
        .await
        .map_err(refused)?;
    }
    let mut hasher = Sha256::new();
    // Read back before committing: the row exists only if the store holds
    // exactly these bytes.
    let got = match mover {
        Mover::Signed(transfer) => {
            let get: String = tx
                .fetch_one(
                    "SELECT url FROM caseload_document_download_url($1)",
                    &[&document_id],
                )
                .await
                .map_err(refused)?
                .get(0);
            let check = Track {
                report: std::sync::Arc::new(|_, _| {}),
                cancel: track.cancel.clone(),
            };
            transfer
                .get_tracked(
                    &get,
                    |chunk| {
                        hasher.update(chunk);
                        Ok(())
                    },
                    &check,
                )
                .await?
        }
        Mover::Direct(direct) => {
            let back = direct.get(&key).await?;
            hasher.update(&back);
            back.len() as u64
        }
    };
    if hex::encode(hasher.finalize()) != sha256 {
        return Err(UploadError::Mismatch {
            sent,
            got: usize::try_from(got).unwrap_or(usize::MAX),
        });
    }
    if track.cancel.load(std::sync::atomic::Ordering::Relaxed) {
        return Err(UploadError::Transfer(TransferError::Cancelled));
    }
    tx.commit().await.map_err(refused)?;
    Ok(Uploaded {
        document_id,
        byte_size: sent,
        sha256,
        content_type,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_type_comes_from_the_content_not_the_name() {
        assert_eq!(sniff_content_type(b"%PDF-1.7\n..."), "application/pdf");
        assert_eq!(sniff_content_type(b"\x89PNG\r\n\x1a\nrest"), "image/png");
        assert_eq!(sniff_content_type("notes, café".as_bytes()), "text/plain");
        assert_eq!(
            sniff_content_type(b"\x00\x01\x02"),
            "application/octet-stream"
        );
        assert_eq!(sniff_content_type(b""), "text/plain");
        assert_eq!(sniff_content_type(b"a\tb\r\nc\x0c"), "text/plain");
        // Valid UTF-8, but an executable's header: not text.
        assert_eq!(
            sniff_content_type(b"\x7fELF\x02\x01\x01binary"),
            "application/octet-stream"
        );
        assert_eq!(sniff_content_type(b"\x1b[2J"), "application/octet-stream");
    }
}
