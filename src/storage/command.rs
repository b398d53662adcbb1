//! `caseload storage init|check` and `caseload doc upload`: what the
//! commands print, around the library calls.

use super::check;
use super::client::{s3_client, sdk_client, shared_config};
use super::embedded::EmbeddedStore;
use super::settings::SigningSettings;
use super::transfer::Transfer;
use super::upload::{NewDocument, upload};
use crate::cli::{DocUploadArgs, StorageCommand};
use crate::config::StorageConfig;
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
        println!(
            "embedded store at {} (links work while this process runs; `caseload demo` \
             sets it up on every start)",
            config.endpoint.as_deref().unwrap_or_default()
        );
    }
    if matches!(cmd, StorageCommand::Init) || embedded.is_some() {
        let (id, secret) = signing_key(&shared, embedded.as_ref(), env).await?;
        let settings = SigningSettings::from_config(&config, &id, &secret);
        let report = check::init(&s3, owner, &settings).await?;
        println!(
            "bucket {}: {}",
            config.bucket,
            if report.created_bucket {
                "created"
            } else {
                "exists"
            }
        );
        for note in &report.notes {
            println!("  {note}");
        }
        println!("signing key {id} stored in the database (no application role can read it)");
    }
    if let StorageCommand::Check(args) = cmd {
        let transfer = Transfer::new()?;
        let size = usize::try_from(args.size_kib.saturating_mul(1024)).unwrap_or(usize::MAX);
        let r = check::check(owner, &transfer, Some((&s3, &config.bucket)), size).await?;
        let rate =
            |d: std::time::Duration| r.bytes as f64 / 1_048_576.0 / d.as_secs_f64().max(1e-9);
        println!(
            "round trip of {} bytes through links the database signed: ok \
             (PUT {} ms, {:.1} MiB/s; GET {} ms, {:.1} MiB/s)",
            r.bytes,
            r.put.as_millis(),
            rate(r.put),
            r.get.as_millis(),
            rate(r.get)
        );
        println!(
            "the database signs {:.0} links/s ({:.3} ms each)",
            r.signed_per_sec,
            1000.0 / r.signed_per_sec
        );
        println!(
            "database clock ahead of this machine: {} s",
            r.database_ahead_secs
        );
        match r.store_ahead_of_database_secs {
            Some(s) if s.abs() > 60 => println!(
                "store clock ahead of the database: {s} s -- fix the clocks: links are \
                 signed by one and checked by the other"
            ),
            Some(s) => println!("store clock ahead of the database: {s} s"),
            None => println!("store clock: unknown (no Date header)"),
        }
    }
    Ok(())
}

pub async fn doc_upload(
    person: &mut tokio_postgres::Client,
    args: &DocUploadArgs,
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
        .query(
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
    let transfer = Transfer::new()?;
    let up = upload(
        person,
        &transfer,
        NewDocument {
            student_id: student,
            intervention_id: args.intervention,
            filename: &filename,
            restricted: args.restricted,
            bytes: bytes.into(),
        },
    )
    .await?;
    println!(
        "uploaded {filename} ({} bytes, {}, sha256 {}) as document {}",
        up.byte_size, up.content_type, up.sha256, up.document_id
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
    Ok(store)
}
