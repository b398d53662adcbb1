//! The embedded S3-compatible store in a temporary folder, set up in a
//! district's database (bucket created, signing key stored), for the
//! storage tests.

use super::district::District;
use bytes::Bytes;
use caseload::config::StorageConfig;
use caseload::storage::check;
use caseload::storage::embedded::EmbeddedStore;
use caseload::storage::settings::SigningSettings;
use caseload::storage::transfer::Transfer;
use caseload::storage::upload::NewDocument;
use tokio_postgres::Client;
use uuid::Uuid;

pub struct Store {
    pub store: EmbeddedStore,
    pub config: StorageConfig,
    /// The SDK with the store's own key: the operator's side.
    pub s3: aws_sdk_s3::Client,
    pub transfer: Transfer,
    pub dir: tempfile::TempDir,
}

impl Store {
    /// A store whose bucket exists; the database is not told about it.
    pub async fn start() -> Store {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = EmbeddedStore::start(dir.path())
            .await
            .expect("embedded store");
        let config = store.config(&StorageConfig::default());
        let s3 = caseload::storage::client::sdk_client(&config, Some(store.key())).await;
        Store {
            store,
            config,
            s3,
            transfer: Transfer::new().expect("http client"),
            dir,
        }
    }

    /// A store set up in `d`'s database in signed mode.
    pub async fn signed(d: &District) -> Store {
        let s = Store::start().await;
        check::init(&s.s3, &d.admin, &s.signing())
            .await
            .expect("storage init");
        s
    }

    pub fn signing(&self) -> SigningSettings {
        let (id, secret) = self.store.key();
        SigningSettings::from_config(&self.config, &id, &secret)
    }

    /// Where s3s-fs keeps an object's bytes.
    pub fn path_of(&self, key: &str) -> std::path::PathBuf {
        self.dir.path().join(&self.config.bucket).join(key)
    }

    pub async fn exists(&self, key: &str) -> bool {
        self.s3
            .head_object()
            .bucket(&self.config.bucket)
            .key(key)
            .send()
            .await
            .is_ok()
    }

    pub async fn put(&self, key: &str, bytes: &[u8]) {
        self.s3
            .put_object()
            .bucket(&self.config.bucket)
            .key(key)
            .body(bytes.to_vec().into())
            .send()
            .await
            .expect("put object");
    }
}

pub trait StoreKey {
    fn key(&self) -> (String, String);
}

impl StoreKey for EmbeddedStore {
    fn key(&self) -> (String, String) {
        (self.access_key_id.clone(), self.secret_access_key.clone())
    }
}

pub fn doc(student: Uuid, filename: &str, bytes: Vec<u8>) -> NewDocument<'_> {
    NewDocument {
        student_id: student,
        intervention_id: None,
        filename,
        restricted: false,
        bytes: Bytes::from(bytes),
    }
}

/// Downloads a document as the app does: a link from the database, a GET.
pub async fn download(c: &Client, t: &Transfer, document: Uuid) -> Result<Bytes, String> {
    let row = c
        .query_one(
            "SELECT url FROM caseload_document_download_url($1)",
            &[&document],
        )
        .await
        .map_err(|e| super::db_message(&e))?;
    let url: String = row.get(0);
    t.get(&url).await.map(|a| a.body).map_err(|e| e.to_string())
}
