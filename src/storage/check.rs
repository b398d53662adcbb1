//! `caseload storage init` and `caseload storage check`: the operator's side,
//! run with the database owner's connection and the operator's own S3
//! credentials. Init makes the bucket ready and stores the signing key in
//! the database; check proves a link the database signs works both ways.

use super::settings::SigningSettings;
use super::transfer::{Transfer, TransferError};
use crate::db::unnamed::Unnamed;
use aws_sdk_s3::types::{
    AbortIncompleteMultipartUpload, BucketLifecycleConfiguration, BucketLocationConstraint,
    CreateBucketConfiguration, ExpirationStatus, LifecycleRule, LifecycleRuleFilter,
    PublicAccessBlockConfiguration, ServerSideEncryption, ServerSideEncryptionByDefault,
    ServerSideEncryptionConfiguration, ServerSideEncryptionRule,
};
use bytes::Bytes;
use sha2::{Digest, Sha256};

#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error(
        "cannot reach or use bucket \"{bucket}\" (settings storage.endpoint, storage.region, \
         storage.bucket; credentials from the AWS environment or profile): {message}"
    )]
    Bucket { bucket: String, message: String },
    #[error("cannot store the signing settings in the database: {0}")]
    Database(String),
    #[error(
        "document storage is not set up in this database: run `caseload storage init` \
         (as the database owner)"
    )]
    NotSetUp,
    #[error("{0}")]
    Transfer(#[from] TransferError),
    #[error("the store gave back different bytes than were uploaded ({0} bytes back)")]
    Mismatch(usize),
}

fn db_error(e: tokio_postgres::Error) -> StorageError {
    StorageError::Database(crate::db::migrate::describe_pg_error(&e))
}

/// The SDK's error with its service code, not just "service error".
pub(crate) fn sdk_message<E, R>(e: &aws_sdk_s3::error::SdkError<E, R>) -> String
where
    E: aws_sdk_s3::error::ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug,
{
    match e.as_service_error() {
        Some(s) => format!(
            "{} ({})",
            s.message().unwrap_or("no message"),
            s.code().unwrap_or("no code")
        ),
        None => {
            let mut out = e.to_string();
            let mut source = std::error::Error::source(e);
            while let Some(s) = source {
                out.push_str(": ");
                out.push_str(&s.to_string());
                source = s.source();
            }
            out
        }
    }
}

/// What one step of `storage init` came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    Done,
    /// Not needed here, and why.
    Skipped(&'static str),
    /// The store answered "not implemented" (the embedded s3s-fs, some
    /// self-hosted stores).
    NotSupported,
    /// The store refused; the message says why. Not fatal: the operator
    /// reads it and fixes the bucket by hand or with more rights.
    Failed(String),
}

impl std::fmt::Display for Step {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Step::Done => f.write_str("ok"),
            Step::Skipped(why) => write!(f, "skipped ({why})"),
            Step::NotSupported => f.write_str("not supported by this store"),
            Step::Failed(why) => write!(f, "FAILED: {why}"),
        }
    }
}

/// A hardening step's outcome.
fn step<T, E, R>(r: Result<T, aws_sdk_s3::error::SdkError<E, R>>) -> Step
where
    E: aws_sdk_s3::error::ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug,
{
    match r {
        Ok(_) => Step::Done,
        Err(e) if not_implemented(&e) => Step::NotSupported,
        Err(e) => Step::Failed(sdk_message(&e)),
    }
}

fn not_implemented<E, R>(e: &aws_sdk_s3::error::SdkError<E, R>) -> bool
where
    E: aws_sdk_s3::error::ProvideErrorMetadata + std::error::Error + 'static,
    R: std::fmt::Debug,
{
    e.as_service_error()
        .is_some_and(|s| matches!(s.code(), Some("NotImplemented" | "NotImplementedError")))
}

#[derive(Debug, Default)]
pub struct InitReport {
    pub created_bucket: bool,
    /// One line per step, in order: what it is and how it went.
    pub steps: Vec<(&'static str, Step)>,
}

impl InitReport {
    pub fn step(&self, what: &str) -> Option<&Step> {
        self.steps.iter().find(|(w, _)| *w == what).map(|(_, s)| s)
    }
}

pub const STEP_ENCRYPTION: &str = "default server-side encryption (AES256)";
pub const STEP_PUBLIC: &str = "public access blocked";
pub const STEP_LIFECYCLE: &str = "incomplete multipart uploads aborted after a day";
pub const STEP_SECRET: &str = "signing key stored in the database";

/// Creates the bucket when missing, asks for default encryption, blocked
/// public access and cleanup of abandoned uploads (noting what this store
/// does not support), then stores the signing settings in the database
/// (in direct mode: the store's address and no key).
pub async fn init(
    s3: &aws_sdk_s3::Client,
    owner: &tokio_postgres::Client,
    settings: &SigningSettings,
) -> Result<InitReport, StorageError> {
    let bucket = settings.bucket.as_str();
    let mut report = InitReport::default();
    if let Err(e) = s3.head_bucket().bucket(bucket).send().await {
        // A 404 means "create it"; anything else (wrong key, no network)
        // would only be hidden behind a confusing CreateBucket error.
        let missing = e.raw_response().is_some_and(|r| r.status().as_u16() == 404);
        if !missing {
            return Err(StorageError::Bucket {
                bucket: bucket.into(),
                message: sdk_message(&e),
            });
        }
        let mut create = s3.create_bucket().bucket(bucket);
        if settings.region != "us-east-1" && settings.endpoint.is_none() {
            create = create.create_bucket_configuration(
                CreateBucketConfiguration::builder()
                    .location_constraint(BucketLocationConstraint::from(settings.region.as_str()))
                    .build(),
            );
        }
        create.send().await.map_err(|e| StorageError::Bucket {
            bucket: bucket.into(),
            message: sdk_message(&e),
        })?;
        report.created_bucket = true;
    }
    let invalid = |e: aws_sdk_s3::error::BuildError| StorageError::Bucket {
        bucket: bucket.into(),
        message: e.to_string(),
    };
    let encryption = ServerSideEncryptionConfiguration::builder()
        .rules(
            ServerSideEncryptionRule::builder()
                .apply_server_side_encryption_by_default(
                    ServerSideEncryptionByDefault::builder()
                        .sse_algorithm(ServerSideEncryption::Aes256)
                        .build()
                        .map_err(invalid)?,
                )
                .build(),
        )
        .build()
        .map_err(invalid)?;
    let r = s3
        .put_bucket_encryption()
        .bucket(bucket)
        .server_side_encryption_configuration(encryption)
        .send()
        .await;
    report.steps.push((STEP_ENCRYPTION, step(r)));
    let r = s3
        .put_public_access_block()
        .bucket(bucket)
        .public_access_block_configuration(
            PublicAccessBlockConfiguration::builder()
                .block_public_acls(true)
                .ignore_public_acls(true)
                .block_public_policy(true)
                .restrict_public_buckets(true)
                .build(),
        )
        .send()
        .await;
    report.steps.push((STEP_PUBLIC, step(r)));
    let rule = LifecycleRule::builder()
        .id("caseload-abandoned-uploads")
        .status(ExpirationStatus::Enabled)
        .filter(
            LifecycleRuleFilter::builder()
                .prefix(&settings.key_prefix)
                .build(),
        )
        .abort_incomplete_multipart_upload(
            AbortIncompleteMultipartUpload::builder()
                .days_after_initiation(1)
                .build(),
        )
        .build()
        .map_err(invalid)?;
    let lifecycle = BucketLifecycleConfiguration::builder()
        .rules(rule)
        .build()
        .map_err(invalid)?;
    let r = s3
        .put_bucket_lifecycle_configuration()
        .bucket(bucket)
        .lifecycle_configuration(lifecycle)
        .send()
        .await;
    report.steps.push((STEP_LIFECYCLE, step(r)));
    settings.store(owner).await.map_err(db_error)?;
    report.steps.push((
        STEP_SECRET,
        if settings.secret_access_key.is_some() {
            Step::Done
        } else {
            Step::Skipped("direct mode: any key stored before was removed")
        },
    ));
    Ok(report)
}

#[derive(Debug)]
pub struct CheckReport {
    pub bytes: usize,
    pub put: std::time::Duration,
    pub get: std::time::Duration,
    /// Links the database signs per second (1000 in one statement).
    pub signed_per_sec: f64,
    /// The database's clock minus this machine's, in seconds.
    pub database_ahead_secs: i64,
    /// The store's clock minus the database's, in seconds (from its Date
    /// header): links are signed by one and checked by the other.
    pub store_ahead_of_database_secs: Option<i64>,
    /// The server-side encryption the store reports for the test object
    /// (`None`: none reported; not asked when no SDK client was given).
    pub encryption: Option<String>,
}

/// A round trip through links the database signs: PUT `bytes` random
/// bytes, GET them back, compare; then the test object is removed when `s3`
/// is given. Also times the signer.
pub async fn check(
    owner: &tokio_postgres::Client,
    transfer: &Transfer,
    s3: Option<(&aws_sdk_s3::Client, &str)>,
    bytes: usize,
) -> Result<CheckReport, StorageError> {
    let before = chrono::Utc::now();
    let row = owner
        .fetch_opt(
            "WITH k AS (SELECT key_prefix || 'caseload-check/' || gen_random_uuid() AS key \
                        FROM storage_settings) \
             SELECT k.key, (caseload_storage_url('PUT', k.key)).url, \
                    (caseload_storage_url('GET', k.key)).url, clock_timestamp() FROM k",
            &[],
        )
        .await
        .map_err(db_error)?
        .ok_or(StorageError::NotSetUp)?;
    let (key, put, get, db_now): (String, String, String, chrono::DateTime<chrono::Utc>) =
        (row.get(0), row.get(1), row.get(2), row.get(3));
    let queried = chrono::Utc::now();
    let database_ahead_secs = (db_now - before).num_seconds();
    let mut payload = vec![0u8; bytes];
    rand::fill(&mut payload[..]);
    let started = std::time::Instant::now();
    let put_answer = transfer.put(&put, Bytes::from(payload.clone())).await?;
    let put_done = chrono::Utc::now();
    let put_took = started.elapsed();
    let started = std::time::Instant::now();
    let back = transfer.get(&get).await?;
    let get_took = started.elapsed();
    if Sha256::digest(&back.body) != Sha256::digest(&payload) {
        return Err(StorageError::Mismatch(back.body.len()));
    }
    let store_ahead_of_database_secs = put_answer
        .date
        .map(|d| (d - (db_now + (put_done - queried))).num_seconds());
    let mut encryption = None;
    if let Some((s3, bucket)) = s3 {
        let head = s3
            .head_object()
            .bucket(bucket)
            .key(&key)
            .send()
            .await
            .map_err(|e| StorageError::Bucket {
                bucket: bucket.into(),
                message: sdk_message(&e),
            })?;
        encryption = head
            .server_side_encryption()
            .map(|e| e.as_str().to_string());
        // Best effort: a leftover check object is tiny and under its own folder.
        let _ = s3.delete_object().bucket(bucket).key(&key).send().await;
    }
    const SIGNED: u32 = 1000;
    let started = std::time::Instant::now();
    owner
        .fetch_one(
            "SELECT count((caseload_storage_url('GET', 'documents/' || i)).url) \
             FROM generate_series(1, $1::int) i",
            &[&(SIGNED as i32)],
        )
        .await
        .map_err(db_error)?;
    let signed_per_sec = f64::from(SIGNED) / started.elapsed().as_secs_f64();
    Ok(CheckReport {
        bytes: payload.len(),
        put: put_took,
        get: get_took,
        signed_per_sec,
        database_ahead_secs,
        store_ahead_of_database_secs,
        encryption,
    })
}
