//! `caseload storage init|check|sweep` and `caseload doc upload`: what the
//! commands print, around the library calls.

use super::check;
use super::client::{s3_client, sdk_client, shared_config};
use super::direct::Direct;
use super::embedded::EmbeddedStore;
use super::settings::SigningSettings;
use super::transfer::Transfer;
use super::upload::{NewDocument, upload};
use super::{demo_files, sweep};
use crate::cli::{DocUploadArgs, StorageCommand};
use crate::config::{StorageConfig, StorageMode};
use crate::db::unnamed::Unnamed;
use aws_sdk_s3::config::ProvideCredentials;
use color_eyre::eyre::{Result, WrapErr, eyre};
use std::path::Path;

/// The store to talk to: the embedded one (started here, under
/// `data_dir/storage`) or the configured one.
async fn target(
    config: &StorageConfig,
    data_dir: Option<&Path>,
) -> Result<(StorageConfig, Option<EmbeddedStore>)> {
    if !config.embedded {
        return Ok((config.clone(), None));
    }
    let dir = data_dir
        .ok_or_else(|| eyre!("no data directory for the embedded store: set XDG_DATA_HOME"))?
        .join("storage");
    let store = EmbeddedStore::start(&dir).await?;
    Ok((store.config(config), Some(store)))
}

/// The key the database signs with: the embedded store's, the
/// CASELOAD_STORAGE_* variables, or long-lived credentials from the chain.
async fn signing_key(
    shared: &aws_config::SdkConfig,
    embedded: Option<&EmbeddedStore>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<(String, String)> {
    if let Some(e) = embedded {
        return Ok((e.access_key_id.clone(), e.secret_access_key.clone()));
    }
    if let (Some(id), Some(secret)) = (
        env("CASELOAD_STORAGE_ACCESS_KEY_ID"),
        env("CASELOAD_STORAGE_SECRET_ACCESS_KEY"),
    ) {
        return Ok((id, secret));
    }
    let provider = shared
        .credentials_provider()
        .ok_or_else(|| eyre!("no S3 credentials: set CASELOAD_STORAGE_ACCESS_KEY_ID and CASELOAD_STORAGE_SECRET_ACCESS_KEY"))?;
    let creds = provider
        .provide_credentials()
        .await
        .wrap_err("no S3 credentials in the environment or AWS profile")?;
    if creds.session_token().is_some() {
        return Err(eyre!(
            "the AWS credentials found are temporary (they carry a session token) and cannot \
             sign links after they expire: set CASELOAD_STORAGE_ACCESS_KEY_ID and \
             CASELOAD_STORAGE_SECRET_ACCESS_KEY to a long-lived key limited to the bucket"
        ));
    }
    Ok((
        creds.access_key_id().to_string(),
        creds.secret_access_key().to_string(),
    ))
}

pub async fn storage(
    cmd: &StorageCommand,
    owner: &tokio_postgres::Client,
    config: &StorageConfig,
    data_dir: Option<&Path>,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<()> {
    let (config, embedded) = target(config, data_dir).await?;
    let embedded_key = embedded
        .as_ref()
        .map(|e| (e.access_key_id.clone(), e.secret_access_key.clone()));
    let shared = shared_config(&config, embedded_key).await;
    let s3 = s3_client(&shared, &config);
    if embedded.is_some() {
        crate::outln!(
            "embedded store at {} (links work while this process runs; `caseload demo` \
             sets it up on every start)",
            config.endpoint.as_deref().unwrap_or_default()
        );
    }
    let direct = config.mode == StorageMode::Direct && embedded.is_none();
    // The embedded store's key is made up per run: init and check set it
    // up afresh (a sweep needs no signing).
    if matches!(cmd, StorageCommand::Init)
        || (embedded.is_some() && matches!(cmd, StorageCommand::Check(_)))
    {
        let settings = if direct {
            SigningSettings::direct(&config)
        } else {
            let (id, secret) = signing_key(&shared, embedded.as_ref(), env).await?;
            SigningSettings::from_config(&config, &id, &secret)
        };
        let report = check::init(&s3, owner, &settings).await?;
        crate::outln!(
            "bucket {}: {}",
            config.bucket,
            if report.created_bucket {
                "created"
            } else {
                "exists"
            }
        );
        for (what, step) in &report.steps {
            crate::outln!("  {what}: {step}");
        }
        match &settings.access_key_id {
            Some(id) => crate::outln!(
                "signing key {id} stored in the database (no application role can read it)"
            ),
            None => crate::outln!(
                "direct mode: the database holds no signing key; each client uses its own \
                 AWS credentials (storage.mode)"
            ),
        }
    }
    match cmd {
        StorageCommand::Check(args) => {
            let size = usize::try_from(args.size_kib.saturating_mul(1024)).unwrap_or(usize::MAX);
            if direct {
                check_direct(&s3, &config, size).await
            } else {
                check_signed(owner, &s3, &config, size).await
            }
        }
        StorageCommand::Sweep(args) => {
            let report =
                sweep::sweep(&s3, owner, &config.bucket, &config.prefix, args.dry_run).await?;
            crate::out!("{}", report.render());
            if report.failures.is_empty() {
                Ok(())
            } else {
                Err(eyre!(
                    "{} objects or rows could not be removed (see above); run the sweep again \
                     once fixed",
                    report.failures.len()
                ))
            }
        }
        StorageCommand::Init => Ok(()),
    }
}

fn rate(bytes: usize, d: std::time::Duration) -> f64 {
    bytes as f64 / 1_048_576.0 / d.as_secs_f64().max(1e-9)
}

async fn check_signed(
    owner: &tokio_postgres::Client,
    s3: &aws_sdk_s3::Client,
    config: &StorageConfig,
    size: usize,
) -> Result<()> {
    let transfer = Transfer::new()?;
    let r = check::check(owner, &transfer, Some((s3, &config.bucket)), size).await?;
    crate::outln!(
        "round trip of {} bytes through links the database signed: ok \
         (PUT {} ms, {:.1} MiB/s; GET {} ms, {:.1} MiB/s)",
        r.bytes,
        r.put.as_millis(),
        rate(r.bytes, r.put),
        r.get.as_millis(),
        rate(r.bytes, r.get)
    );
    crate::outln!(
        "the database signs {:.0} links/s ({:.3} ms each)",
        r.signed_per_sec,
        1000.0 / r.signed_per_sec
    );
    crate::outln!(
        "database clock ahead of this machine: {} s",
        r.database_ahead_secs
    );
    match r.store_ahead_of_database_secs {
        Some(s) if s.abs() > 60 => crate::outln!(
            "store clock ahead of the database: {s} s -- fix the clocks: links are \
             signed by one and checked by the other"
        ),
        Some(s) => crate::outln!("store clock ahead of the database: {s} s"),
        None => crate::outln!("store clock: unknown (no Date header)"),
    }
    crate::outln!("{}", encryption_line(r.encryption.as_deref()));
    Ok(())
}

fn encryption_line(reported: Option<&str>) -> String {
    match reported {
        Some(e) => format!("encryption at rest: {e}"),
        None => "encryption at rest: not reported by this store (set default encryption on \
                 the bucket yourself, or check the store's disk encryption)"
            .into(),
    }
}

/// Direct mode's check: the same round trip with this client's credentials.
async fn check_direct(s3: &aws_sdk_s3::Client, config: &StorageConfig, size: usize) -> Result<()> {
    let direct = Direct::new(s3.clone(), &config.bucket);
    let key = format!("{}caseload-check/{}", config.prefix, uuid::Uuid::new_v4());
    let mut payload = vec![0u8; size];
    rand::fill(&mut payload[..]);
    let started = std::time::Instant::now();
    direct.put(&key, payload.clone().into()).await?;
    let put = started.elapsed();
    let started = std::time::Instant::now();
    let back = direct.get(&key).await?;
    let get = started.elapsed();
    let head = s3
        .head_object()
        .bucket(&config.bucket)
        .key(&key)
        .send()
        .await;
    let _ = s3
        .delete_object()
        .bucket(&config.bucket)
        .key(&key)
        .send()
        .await;
    if back != payload {
        return Err(check::StorageError::Mismatch(back.len()).into());
    }
    crate::outln!(
        "direct mode: round trip of {size} bytes with this client's credentials: ok \
         (PUT {} ms, {:.1} MiB/s; GET {} ms, {:.1} MiB/s)",
        put.as_millis(),
        rate(size, put),
        get.as_millis(),
        rate(size, get)
    );
    let encryption = head
        .ok()
        .and_then(|h| h.server_side_encryption().map(|e| e.as_str().to_string()));
    crate::outln!("{}", encryption_line(encryption.as_deref()));
    Ok(())
}

pub async fn doc_upload(
    person: &mut tokio_postgres::Client,
    args: &DocUploadArgs,
    config: &StorageConfig,
    limits: &super::limits::Limits,
) -> Result<()> {
    let bytes = tokio::fs::read(&args.file)
        .await
        .wrap_err_with(|| format!("cannot read {}", args.file.display()))?;
    limits
        .check_file(&bytes)
        .map_err(|e| eyre!("{}: {e}", args.file.display()))?;
    let filename = args
        .file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| eyre!("{} is not a file", args.file.display()))?;
    let students = person
        .fetch(
            "SELECT id FROM students WHERE local_id = $1",
            &[&args.student_local_id],
        )
        .await?;
    let student = match students.as_slice() {
        [one] => one.get(0),
        [] => {
            return Err(eyre!(
                "no student with local id {} that you may see",
                args.student_local_id
            ));
        }
        _ => {
            return Err(eyre!(
                "more than one student has local id {}",
                args.student_local_id
            ));
        }
    };
    let doc = NewDocument {
        student_id: student,
        intervention_id: args.intervention,
        filename: &filename,
        restricted: args.restricted,
        bytes: bytes.into(),
    };
    let up = match config.mode {
        StorageMode::Signed => upload(person, &Transfer::new()?, doc).await?,
        StorageMode::Direct => {
            super::direct::upload(person, &Direct::from_config(config).await, doc).await?
        }
    };
    crate::outln!(
        "uploaded {filename} ({} bytes, {}, sha256 {}) as document {}",
        up.byte_size,
        up.content_type,
        up.sha256,
        up.document_id
    );
    Ok(())
}

/// For `caseload demo`: the embedded store under `data_dir/storage`, set up
/// in the demo database with the owner's connection. Keep it alive while
/// the demo runs.
pub async fn start_for_demo(
    owner: &tokio_postgres::Client,
    config: &StorageConfig,
    data_dir: &Path,
) -> Result<EmbeddedStore> {
    let store = EmbeddedStore::start(&data_dir.join("storage")).await?;
    let config = store.config(config);
    let s3 = sdk_client(
        &config,
        Some((store.access_key_id.clone(), store.secret_access_key.clone())),
    )
    .await;
    let settings =
        SigningSettings::from_config(&config, &store.access_key_id, &store.secret_access_key);
    check::init(&s3, owner, &settings).await?;
    let files = demo_files::ensure(owner, &s3, &config.bucket).await?;
    if files.written > 0 {
        crate::errln!(
            "caseload: wrote {} demo document files ({} KiB) in {} ms",
            files.written,
            files.bytes_written / 1024,
            files.elapsed.as_millis()
        );
    }
    Ok(store)
}
