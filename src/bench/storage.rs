//! `caseload bench --only storage`: a 49 MB file up and down through links
//! the database signs, against the embedded store in-process, and the share
//! of the time the signing calls take. Everything the database is asked to
//! keep happens in a transaction that is rolled back, so a real store's
//! signing settings are untouched.

use crate::config::StorageConfig;
use crate::db::unnamed::Unnamed;
use crate::storage::check;
use crate::storage::embedded::EmbeddedStore;
use crate::storage::settings::SigningSettings;
use crate::storage::transfer::Transfer;
use bytes::Bytes;
use color_eyre::eyre::{Result, WrapErr, eyre};
use serde::Serialize;
use std::time::{Duration, Instant};

pub const FILE_BYTES: usize = 49 * 1024 * 1024;

#[derive(Debug, Clone, Serialize)]
pub struct StorageFigures {
    pub file_bytes: usize,
    pub rounds: usize,
    /// Medians over the rounds.
    pub upload_mib_s: f64,
    pub download_mib_s: f64,
    pub sign_ms: f64,
    /// Signing calls' time over signing plus transfer, per round (median).
    pub signing_share: f64,
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}

async fn sign(
    owner: &tokio_postgres::Client,
    method: &str,
    key: &str,
) -> Result<(String, Duration)> {
    let started = Instant::now();
    let url: String = owner
        .fetch_one(
            "SELECT (caseload_storage_url($1, $2)).url",
            &[&method, &key],
        )
        .await
        .wrap_err("signing a link")?
        .get(0);
    Ok((url, started.elapsed()))
}

/// `owner` must be allowed to write the signing settings (superuser).
pub async fn run(owner: &tokio_postgres::Client, rounds: usize) -> Result<StorageFigures> {
    let dir = std::env::temp_dir().join(format!("caseload-bench-storage-{}", std::process::id()));
    let store = EmbeddedStore::start(&dir).await?;
    let result = measure(owner, &store, rounds.max(1)).await;
    drop(store);
    let _ = std::fs::remove_dir_all(&dir);
    result
}

async fn measure(
    owner: &tokio_postgres::Client,
    store: &EmbeddedStore,
    rounds: usize,
) -> Result<StorageFigures> {
    let config = store.config(&StorageConfig::default());
    let s3 = crate::storage::client::sdk_client(
        &config,
        Some((store.access_key_id.clone(), store.secret_access_key.clone())),
    )
    .await;
    owner.batch_execute("BEGIN").await?;
    let settings =
        SigningSettings::from_config(&config, &store.access_key_id, &store.secret_access_key);
    let outcome = async {
        check::init(&s3, owner, &settings).await?;
        let transfer = Transfer::new()?;
        let payload: Bytes = (0..FILE_BYTES)
            .map(|i| (i as u32).wrapping_mul(2_654_435_761).to_le_bytes()[3])
            .collect::<Vec<u8>>()
            .into();
        // The session's first call loads pgcrypto and plans the functions:
        // a cost of the connection, not of each link.
        sign(owner, "GET", "warm-up").await?;
        let (mut up, mut down, mut signing, mut share) = (vec![], vec![], vec![], vec![]);
        for _ in 0..rounds {
            let key = format!("{}bench/{}", config.prefix, uuid::Uuid::new_v4());
            let (put, sign_put) = sign(owner, "PUT", &key).await?;
            let started = Instant::now();
            transfer.put(&put, payload.clone()).await?;
            let put_took = started.elapsed();
            let (get, sign_get) = sign(owner, "GET", &key).await?;
            let started = Instant::now();
            let back = transfer.get(&get).await?;
            let get_took = started.elapsed();
            if back.body != payload {
                return Err(eyre!("the store gave back different bytes"));
            }
            let _ = s3
                .delete_object()
                .bucket(&config.bucket)
                .key(&key)
                .send()
                .await;
            let mib = FILE_BYTES as f64 / 1_048_576.0;
            up.push(mib / put_took.as_secs_f64());
            down.push(mib / get_took.as_secs_f64());
            let signed = (sign_put + sign_get).as_secs_f64();
            signing.push(signed * 500.0); // ms per link
            share.push(signed / (signed + (put_took + get_took).as_secs_f64()));
        }
        Ok::<_, color_eyre::Report>(StorageFigures {
            file_bytes: FILE_BYTES,
            rounds,
            upload_mib_s: median(up),
            download_mib_s: median(down),
            sign_ms: median(signing),
            signing_share: median(share),
        })
    }
    .await;
    owner.batch_execute("ROLLBACK").await?;
    outcome
}

impl StorageFigures {
    pub fn render(&self) -> String {
        format!(
            "storage, {} bytes through links the database signs, embedded store in-process \
             ({} rounds, medians):\n\
             upload (PUT)              {:>8.1} MiB/s\n\
             download (GET)            {:>8.1} MiB/s\n\
             signing call              {:>8.2} ms per link\n\
             signing share of the time {:>8.3} %\n",
            self.file_bytes,
            self.rounds,
            self.upload_mib_s,
            self.download_mib_s,
            self.sign_ms,
            self.signing_share * 100.0
        )
    }
}
