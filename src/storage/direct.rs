//! Direct mode (`storage.mode = "direct"`), for single-user setups: this
//! client moves the bytes with its own AWS credentials (aws-config's chain)
//! and the database signs nothing. The database still checks each row
//! through the same functions as signed mode (may this person add to this
//! student, see this document), issues the opaque key, records the row and
//! audits; but it no longer decides who reads a file: whoever holds the
//! credentials can read the whole bucket. See config/default.toml.

use super::check::sdk_message;
use super::transfer::{Track, TransferError};
use super::upload::{About, Mover, NewDocument, UploadError, Uploaded, upload_by};
use crate::config::StorageConfig;
use crate::db::unnamed::Unnamed;
use aws_sdk_s3::primitives::ByteStream;
use bytes::Bytes;
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// Tells the policy functions this session moves bytes itself: with no key
/// in the database they then return no link instead of refusing (0023).
/// Harmless anywhere else: with a key they sign as always.
pub(super) const DIRECT_SESSION: &str =
    "SELECT set_config('caseload.storage_mode', 'direct', false)";

/// The `Transfer` of direct mode: objects by key, with the SDK.
#[derive(Clone)]
pub struct Direct {
    s3: aws_sdk_s3::Client,
    bucket: String,
}

impl Direct {
    /// The config's store, with credentials from the standard chain.
    pub async fn from_config(config: &StorageConfig) -> Direct {
        Direct::new(
            super::client::sdk_client(config, None).await,
            &config.bucket,
        )
    }

    pub fn new(s3: aws_sdk_s3::Client, bucket: &str) -> Direct {
        Direct {
            s3,
            bucket: bucket.into(),
        }
    }

    pub async fn put(&self, key: &str, body: Bytes) -> Result<(), TransferError> {
        self.s3
            .put_object()
            .bucket(&self.bucket)
            .key(key)
            .body(ByteStream::from(body))
            .send()
            .await
            .map(|_| ())
            .map_err(|e| transfer_error(&e))
    }

    pub async fn get(&self, key: &str) -> Result<Bytes, TransferError> {
        let out = self
            .s3
            .get_object()
            .bucket(&self.bucket)
            .key(key)
            .send()
            .await
            .map_err(|e| transfer_error(&e))?;
        out.body
            .collect()
            .await
            .map(|b| b.into_bytes())
            .map_err(|e| TransferError::Network(e.to_string()))
    }
}

/// The SDK's error as the same messages signed links give (naming the
/// setting to fix).
fn transfer_error<E>(
    e: &aws_sdk_s3::error::SdkError<E, aws_sdk_s3::config::http::HttpResponse>,
) -> TransferError
where
    E: aws_sdk_s3::error::ProvideErrorMetadata + std::error::Error + 'static,
{
    match (e.as_service_error(), e.raw_response()) {
        (Some(s), Some(raw)) => TransferError::Refused {
            status: raw.status().as_u16(),
            code: s.code().map(str::to_string),
            message: s.message().map(str::to_string),
        },
        _ => TransferError::Network(sdk_message(e)),
    }
}

fn refused(e: tokio_postgres::Error) -> UploadError {
    UploadError::Refused(crate::db::migrate::describe_pg_error(&e))
}

/// [`super::upload::upload`] in direct mode: the database issues the key and
/// records the row, the bytes go with this client's credentials, and the row
/// is committed only after they read back identical.
pub async fn upload(
    person: &mut tokio_postgres::Client,
    direct: &Direct,
    doc: NewDocument<'_>,
) -> Result<Uploaded, UploadError> {
    upload_by(
        person,
        Mover::Direct(direct),
        doc,
        &About::default(),
        &Track::silent(),
    )
    .await
}

/// A document read in direct mode.
#[derive(Debug)]
pub struct Downloaded {
    pub filename: String,
    pub sha256: String,
    pub bytes: Bytes,
}

/// Reads one document the person may see: the database checks and audits
/// (`caseload_document_download_url`, which refuses exactly as in signed
/// mode), then the bytes come with this client's credentials and are
/// checked against the row's sha256.
pub async fn download(
    person: &tokio_postgres::Client,
    direct: &Direct,
    document: Uuid,
) -> Result<Downloaded, UploadError> {
    person.exec(DIRECT_SESSION, &[]).await.map_err(refused)?;
    let row = person
        .fetch_one(
            "SELECT d.object_key, u.filename, u.sha256 \
             FROM caseload_document_download_url($1) u JOIN documents d ON d.id = $1",
            &[&document],
        )
        .await
        .map_err(refused)?;
    let (key, filename, sha256): (String, String, String) = (row.get(0), row.get(1), row.get(2));
    let bytes = direct.get(&key).await?;
    if hex::encode(Sha256::digest(&bytes)) != sha256 {
        return Err(UploadError::Refused(format!(
            "the store's copy of {filename} differs from what was uploaded (sha256 mismatch, {} \
             bytes)",
            bytes.len()
        )));
    }
    Ok(Downloaded {
        filename,
        sha256,
        bytes,
    })
}
