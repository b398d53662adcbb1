//! Running document storage (issue 15), against the real PostgreSQL and the
//! embedded store in-process: big and odd files come back byte for byte,
//! the sweeper keeps store and rows in step, direct mode works, every error
//! names the setting to fix, and the demo's documents are real files.

mod common;

use caseload::config::StorageConfig;
use caseload::storage::check::{self, STEP_ENCRYPTION, STEP_SECRET, Step, StorageError};
use caseload::storage::direct::{self, Direct};
use caseload::storage::settings::SigningSettings;
use caseload::storage::sweep;
use caseload::storage::transfer::TransferError;
use caseload::storage::upload::{UploadError, upload};
use common::district::District;
use common::store::{Store, StoreKey, doc, download};
use std::time::{Duration, SystemTime};
use uuid::Uuid;

fn pattern(len: usize, salt: u32) -> Vec<u8> {
    (0..len as u32)
        .map(|i| (i.wrapping_add(salt).wrapping_mul(2_654_435_761) >> 24) as u8)
        .collect()
}

#[tokio::test]
async fn zero_one_five_and_forty_nine_megabyte_files_with_non_ascii_names_come_back_byte_for_byte()
{
    let d = District::new().await;
    let s = Store::signed(&d).await;
    let mut a = d.connect_as("counselor_a").await;
    let student = d.students["a1"].id;
    for (name, bytes) in [
        ("vide – ø.txt", Vec::new()),
        ("一.bin", vec![0u8]),
        (
            "Évaluation été 2026 (copie).pdf",
            pattern(5 * 1024 * 1024, 1),
        ),
        (
            "Привет 漢字 ✓ work sample.bin",
            pattern(49 * 1024 * 1024, 2),
        ),
    ] {
        let up = upload(&mut a, &s.transfer, doc(student, name, bytes.clone()))
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(up.byte_size, bytes.len(), "{name}");
        let back = download(&a, &s.transfer, up.document_id)
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(
            back == bytes,
            "{name}: {} bytes back of {}",
            back.len(),
            bytes.len()
        );
        let (filename, size): (String, i64) = {
            let r = a
                .query_one(
                    "SELECT filename, byte_size FROM documents WHERE id = $1",
                    &[&up.document_id],
                )
                .await
                .expect("row");
            (r.get(0), r.get(1))
        };
        assert_eq!((filename.as_str(), size), (name, bytes.len() as i64));
        // On disk the store holds exactly the bytes, under the opaque key.
        let on_disk = std::fs::read(s.path_of(&format!("documents/{}", up.document_id)))
            .expect("the object's file");
        assert!(on_disk == bytes, "{name} on disk");
    }
}

/// Makes an object look `hours` old to the store (s3s-fs reports the file's
/// modification time).
fn age(s: &Store, key: &str, hours: u64) {
    let f = std::fs::File::options()
        .write(true)
        .open(s.path_of(key))
        .expect("object file");
    f.set_modified(SystemTime::now() - Duration::from_secs(hours * 3600))
        .expect("set mtime");
}

async fn backdate_deletion(d: &District, document: Uuid, days: i32) {
    // As the seed loads data: with triggers off, so the stamp is kept.
    d.admin
        .batch_execute("SET session_replication_role = replica")
        .await
        .expect("replica");
    d.admin
        .execute(
            "UPDATE documents SET deleted_at = now() - make_interval(days => $2) WHERE id = $1",
            &[&document, &days],
        )
        .await
        .expect("backdate");
    d.admin
        .batch_execute("SET session_replication_role = DEFAULT")
        .await
        .expect("origin");
}

async fn up(a: &mut tokio_postgres::Client, s: &Store, student: Uuid, name: &str) -> Uuid {
    upload(a, &s.transfer, doc(student, name, name.as_bytes().to_vec()))
        .await
        .expect("upload")
        .document_id
}

/// An upload link issued to `c` and never used: (document id, object key).
async fn issued(c: &tokio_postgres::Client, student: Uuid) -> (Uuid, String) {
    let r = c
        .query_one(
            "SELECT document_id, object_key FROM caseload_document_upload_url($1, NULL)",
            &[&student],
        )
        .await
        .expect("issued");
    (r.get(0), r.get(1))
}

async fn row_exists(d: &District, document: Uuid) -> bool {
    d.admin
        .query_one(
            "SELECT EXISTS (SELECT 1 FROM documents WHERE id = $1)",
            &[&document],
        )
        .await
        .expect("exists")
        .get(0)
}

#[tokio::test]
async fn the_sweeper_removes_orphans_and_purged_documents_and_reports_rows_without_objects() {
    let d = District::new().await;
    let s = Store::signed(&d).await;
    let mut a = d.connect_as("counselor_a").await;
    let student = d.students["a1"].id;
    let key = |id: Uuid| format!("documents/{id}");
    let kept = up(&mut a, &s, student, "kept.txt").await;
    let gone = up(&mut a, &s, student, "gone.txt").await;
    let old_deleted = up(&mut a, &s, student, "old-deleted.txt").await;
    let new_deleted = up(&mut a, &s, student, "new-deleted.txt").await;
    // Orphans: an old object with no row, a fresh one (an upload in flight).
    let orphan = "documents/00000000-0000-4000-8000-000000000001";
    let fresh = "documents/00000000-0000-4000-8000-000000000002";
    s.put(orphan, b"orphan").await;
    s.put(fresh, b"fresh").await;
    age(&s, orphan, 25);
    // A link issued two days ago and never recorded, whose bytes did land;
    // and a live one: its object is kept whatever the object's age.
    let (stale_id, stale_key) = issued(&a, student).await;
    let (_, live_key) = issued(&a, student).await;
    s.put(&stale_key, b"never recorded").await;
    s.put(&live_key, b"in flight").await;
    age(&s, &stale_key, 49);
    age(&s, &live_key, 30);
    d.admin
        .execute(
            "UPDATE storage_pending_uploads SET issued_at = now() - interval '2 days' \
             WHERE document_id = $1",
            &[&stale_id],
        )
        .await
        .expect("an old link");
    // Every object is older than a day, as a sweep sees them in real life.
    for id in [kept, gone, old_deleted, new_deleted] {
        age(&s, &key(id), 26);
    }
    s.s3.delete_object()
        .bucket(&s.config.bucket)
        .key(key(gone))
        .send()
        .await
        .expect("lose an object");
    // Deleted as the app deletes: the row marked, the object left.
    for id in [old_deleted, new_deleted] {
        d.admin
            .execute(
                "UPDATE documents SET deleted_at = now() WHERE id = $1",
                &[&id],
            )
            .await
            .expect("delete");
    }
    backdate_deletion(&d, old_deleted, 31).await;

    // A dry run says all of it and changes nothing.
    let dry = sweep::sweep(&s.s3, &d.admin, &s.config.bucket, &s.config.prefix, true)
        .await
        .expect("dry run");
    assert_eq!(dry.orphans, [orphan.to_string(), stale_key.clone()]);
    assert_eq!(dry.purged, [old_deleted]);
    assert_eq!(dry.pending_expired, 1);
    assert!(s.exists(orphan).await && s.exists(&key(old_deleted)).await);
    assert!(row_exists(&d, old_deleted).await);
    let text = dry.render();
    assert!(text.starts_with("dry run: nothing changed"), "{text}");
    assert!(text.contains("would remove 2"), "{text}");

    let r = sweep::sweep(&s.s3, &d.admin, &s.config.bucket, &s.config.prefix, false)
        .await
        .expect("sweep");
    assert_eq!(r.retention_days, 30, "the setting's default row (0023)");
    assert_eq!(r.orphans, [orphan.to_string(), stale_key.clone()]);
    assert_eq!(r.purged, [old_deleted]);
    assert_eq!(
        r.missing,
        [sweep::MissingObject {
            document_id: gone,
            object_key: key(gone),
            deleted: false,
        }]
    );
    assert_eq!(r.pending_expired, 1);
    assert!(r.failures.is_empty(), "{:?}", r.failures);
    assert!(!s.exists(orphan).await, "old orphan removed");
    assert!(
        !s.exists(&stale_key).await,
        "an expired link's object removed"
    );
    assert!(s.exists(fresh).await, "a young object is left alone");
    assert!(
        s.exists(&live_key).await,
        "a live link's object is left alone"
    );
    assert!(s.exists(&key(kept)).await);
    assert!(
        s.exists(&key(new_deleted)).await,
        "deleted within retention"
    );
    assert!(!s.exists(&key(old_deleted)).await, "purged object");
    assert!(!row_exists(&d, old_deleted).await, "purged row");
    assert!(
        row_exists(&d, gone).await,
        "a row without object is only reported"
    );
    assert!(row_exists(&d, new_deleted).await);
    let audited: i64 = d
        .admin
        .query_one(
            "SELECT count(*) FROM audit_events WHERE action = 'delete' AND row_id = $1 \
             AND student_id = $2 AND actor_role = session_user",
            &[&old_deleted, &student],
        )
        .await
        .expect("audit")
        .get(0);
    assert_eq!(audited, 1, "the purge is in the audit trail");
    let text = r.render();
    assert!(
        text.contains(&format!("document {gone} at documents/{gone}")),
        "{text}"
    );
    let pending: i64 = d
        .admin
        .query_one("SELECT count(*) FROM storage_pending_uploads", &[])
        .await
        .expect("pending")
        .get(0);
    assert_eq!(pending, 1, "only the live link is left");

    // Nothing left to do: a second sweep removes nothing.
    let again = sweep::sweep(&s.s3, &d.admin, &s.config.bucket, &s.config.prefix, false)
        .await
        .expect("again");
    assert!(again.orphans.is_empty() && again.purged.is_empty());
    assert_eq!(again.missing.len(), 1);
}

#[tokio::test]
async fn the_sweeper_refuses_a_partial_view_a_bad_retention_setting_and_a_store_it_cannot_reach() {
    let d = District::new().await;
    let s = Store::signed(&d).await;
    // An application login sees only some rows: every other object would
    // look like an orphan.
    let a = d.connect_as("admin").await;
    let e = sweep::sweep(&s.s3, &a, &s.config.bucket, &s.config.prefix, true)
        .await
        .expect_err("not the owner");
    assert!(e.to_string().contains("database owner"), "{e}");

    // The settings check (0027) refuses a bad value before the sweeper
    // could read it.
    let e = d
        .admin
        .execute(
            "UPDATE settings SET value = '\"a month\"' WHERE key = 'documents.retention_days'",
            &[],
        )
        .await
        .expect_err("bad value");
    assert!(format!("{e:?}").contains("documents.retention_days"), "{e}");
    d.admin
        .execute(
            "UPDATE settings SET value = '7' WHERE key = 'documents.retention_days'",
            &[],
        )
        .await
        .expect("good value");
    let r = sweep::sweep(&s.s3, &d.admin, &s.config.bucket, &s.config.prefix, true)
        .await
        .expect("fine again");
    assert_eq!(r.retention_days, 7);

    let Store {
        store, s3, config, ..
    } = s;
    drop(store);
    let e = sweep::sweep(&s3, &d.admin, &config.bucket, &config.prefix, true)
        .await
        .expect_err("store down");
    assert!(matches!(e, StorageError::Bucket { .. }), "{e:?}");
    assert!(e.to_string().contains("storage.endpoint"), "{e}");
}

// Errors name the setting to fix ------------------------------------------------------

/// Stores these signing settings (a wrong bucket, key, clock...) for the
/// store `s` runs.
async fn resign(d: &District, settings: &SigningSettings) {
    settings.store(&d.admin).await.expect("store settings");
}

/// An upload that fails, as its message.
async fn attempt(a: &mut tokio_postgres::Client, s: &Store, student: Uuid) -> String {
    upload(a, &s.transfer, doc(student, "x.txt", b"x".to_vec()))
        .await
        .expect_err("refused")
        .to_string()
}

#[tokio::test]
async fn each_store_error_names_the_setting_to_fix() {
    let d = District::new().await;
    let s = Store::signed(&d).await;
    let mut a = d.connect_as("counselor_a").await;
    let student = d.students["a1"].id;
    // Bucket missing. (s3s-fs makes a bucket's folder on any PUT, so only
    // the operator's side can see this against the embedded store.)
    let e = sweep::sweep(&s.s3, &d.admin, "no-such-bucket", &s.config.prefix, true)
        .await
        .expect_err("no bucket");
    assert!(e.to_string().contains("storage.bucket"), "{e}");
    assert!(e.to_string().contains("NoSuchBucket"), "{e}");

    // Wrong credentials: an unknown key id, then a wrong secret.
    let mut wrong = s.signing();
    wrong.access_key_id = Some("AKIDNOTKNOWNHERE".into());
    resign(&d, &wrong).await;
    let e = attempt(&mut a, &s, student).await;
    assert!(e.contains("caseload storage init"), "{e}");
    let mut wrong = s.signing();
    wrong.secret_access_key = Some("not-the-secret".into());
    resign(&d, &wrong).await;
    let e = attempt(&mut a, &s, student).await;
    assert!(
        e.contains("caseload storage init") && e.contains("storage.region"),
        "{e}"
    );

    // The operator's side with a wrong key: init says which settings.
    let bad_sdk = caseload::storage::client::sdk_client(
        &s.config,
        Some(("AKIDNOTKNOWNHERE".into(), "nope".into())),
    )
    .await;
    let e = check::init(&bad_sdk, &d.admin, &s.signing())
        .await
        .expect_err("wrong operator key");
    assert!(matches!(e, StorageError::Bucket { .. }), "{e:?}");
    assert!(e.to_string().contains("storage.bucket"), "{e}");

    // Clock skew: a link signed an hour ahead of the store's clock.
    resign(&d, &s.signing()).await;
    let skewed: String = d
        .admin
        .query_one(
            "SELECT caseload_s3_presign('GET', endpoint, region, bucket, path_style, \
                    'documents/x', access_key_id, secret_access_key, \
                    now() + interval '1 hour', 300) FROM storage_settings",
            &[],
        )
        .await
        .expect("skewed link")
        .get(0);
    let e = s.transfer.get(&skewed).await.expect_err("skewed");
    assert!(e.to_string().contains("clock"), "{e:?}: {e}");

    // Object missing.
    let up = upload(&mut a, &s.transfer, doc(student, "y.txt", b"y".to_vec()))
        .await
        .expect("upload");
    std::fs::remove_file(s.path_of(&format!("documents/{}", up.document_id))).expect("lose it");
    let e = download(&a, &s.transfer, up.document_id)
        .await
        .expect_err("missing object");
    assert!(e.contains("missing from the document store"), "{e}");

    // Network down: the store stops.
    let Store {
        store, transfer, ..
    } = s;
    drop(store);
    tokio::time::sleep(Duration::from_millis(50)).await;
    let e = upload(&mut a, &transfer, doc(student, "z.txt", b"z".to_vec()))
        .await
        .expect_err("store down");
    assert!(
        matches!(&e, UploadError::Transfer(TransferError::Network(_))),
        "{e:?}"
    );
    assert!(e.to_string().contains("storage.endpoint"), "{e}");
}

#[tokio::test]
async fn init_reports_every_step_and_check_reports_encryption() {
    let d = District::new().await;
    let s = Store::start().await;
    let report = check::init(&s.s3, &d.admin, &s.signing())
        .await
        .expect("init");
    assert!(report.created_bucket);
    let names: Vec<&str> = report.steps.iter().map(|(w, _)| *w).collect();
    assert_eq!(
        names,
        [
            STEP_ENCRYPTION,
            check::STEP_PUBLIC,
            check::STEP_LIFECYCLE,
            STEP_SECRET
        ]
    );
    assert_eq!(report.step(STEP_SECRET), Some(&Step::Done));
    // s3s-fs implements none of the bucket settings: said plainly, and
    // init goes on to store the key.
    for (what, step) in &report.steps[..3] {
        assert_eq!(step, &Step::NotSupported, "{what}");
        assert_eq!(step.to_string(), "not supported by this store");
    }
    let r = check::check(&d.admin, &s.transfer, Some((&s.s3, &s.config.bucket)), 10)
        .await
        .expect("check");
    assert_eq!(r.bytes, 10);
    // s3s-fs encrypts nothing and says so by saying nothing.
    assert_eq!(r.encryption, None);
}

// Direct mode ---------------------------------------------------------------------

#[tokio::test]
async fn direct_mode_round_trips_with_the_clients_credentials_and_the_database_holds_no_key() {
    let d = District::new().await;
    let s = Store::start().await;
    let report = check::init(&s.s3, &d.admin, &SigningSettings::direct(&s.config))
        .await
        .expect("init, direct");
    assert!(matches!(report.step(STEP_SECRET), Some(Step::Skipped(_))));
    let (id, secret): (Option<String>, Option<String>) = {
        let r = d
            .admin
            .query_one(
                "SELECT access_key_id, secret_access_key FROM storage_settings",
                &[],
            )
            .await
            .expect("settings");
        (r.get(0), r.get(1))
    };
    assert_eq!((id, secret), (None, None), "no key in the database");

    let client = caseload::storage::client::sdk_client(&s.config, Some(s.store.key())).await;
    let direct = Direct::new(client, &s.config.bucket);
    let mut a = d.connect_as("counselor_a").await;
    let student = d.students["a1"].id;
    let bytes = pattern(300_000, 9);
    let up = direct::upload(
        &mut a,
        &direct,
        doc(student, "direct – ñ.bin", bytes.clone()),
    )
    .await
    .expect("direct upload");
    let back = direct::download(&a, &direct, up.document_id)
        .await
        .expect("direct download");
    assert!(back.bytes == bytes);
    assert_eq!(back.filename, "direct – ñ.bin");

    // The rows are still the database's to check: another caseload's
    // counselor is refused as in signed mode.
    let mut b = d.connect_as("counselor_b").await;
    let e = direct::download(&b, &direct, up.document_id)
        .await
        .expect_err("not b's student");
    assert!(e.to_string().contains("may not see it"), "{e}");
    let e = direct::upload(&mut b, &direct, doc(student, "x", b"x".to_vec()))
        .await
        .expect_err("not b's student");
    assert!(e.to_string().contains("may not add documents"), "{e}");

    // A signed-mode client meeting this database is told what to change.
    let fresh = d.connect_as("counselor_a").await;
    let e = fresh
        .query_one(
            "SELECT url FROM caseload_document_download_url($1)",
            &[&up.document_id],
        )
        .await
        .expect_err("no key, no link");
    let m = common::db_message(&e);
    assert!(
        m.contains("direct mode") && m.contains("storage.mode"),
        "{m}"
    );
    let mut fresh = d.connect_as("counselor_a").await;
    let e = upload(&mut fresh, &s.transfer, doc(student, "x", b"x".to_vec()))
        .await
        .expect_err("signed upload against a direct database");
    assert!(e.to_string().contains("storage.mode"), "{e}");

    // Back to signed mode: links again.
    check::init(&s.s3, &d.admin, &s.signing())
        .await
        .expect("init, signed");
    let via_link = download(&fresh, &s.transfer, up.document_id)
        .await
        .expect("signed download");
    assert!(via_link == bytes);
}

#[test]
fn direct_mode_with_the_embedded_store_is_refused_by_name() {
    let c = StorageConfig {
        mode: caseload::config::StorageMode::Direct,
        embedded: true,
        ..StorageConfig::default()
    };
    let e = caseload::storage::validate(&c).expect_err("refused");
    assert!(e.starts_with("storage.mode"), "{e}");
}

// The demo's documents --------------------------------------------------------------

#[tokio::test]
async fn every_demo_document_is_a_real_file_with_the_rows_size_and_checksum() {
    let (db, admin) = common::TestDb::seeded(300, 42, common::pin_today()).await;
    let s = Store::start().await;
    check::init(&s.s3, &admin, &s.signing())
        .await
        .expect("init");
    let first = caseload::storage::demo_files::ensure(&admin, &s.s3, &s.config.bucket)
        .await
        .expect("demo files");
    assert!(first.rows > 20, "{first:?}");
    assert_eq!(first.written, first.rows, "{first:?}");
    let rows = admin
        .query(
            "SELECT object_key, byte_size, sha256, content_type FROM documents",
            &[],
        )
        .await
        .expect("rows");
    for r in &rows {
        let key: String = r.get(0);
        let bytes = std::fs::read(s.path_of(&key)).expect("file on disk");
        assert_eq!(bytes.len() as i64, r.get::<_, i64>(1), "{key}");
        assert_eq!(
            hex::encode(<sha2::Sha256 as sha2::Digest>::digest(&bytes)),
            r.get::<_, String>(2)
        );
        assert_eq!(
            caseload::storage::upload::sniff_content_type(&bytes),
            r.get::<_, String>(3),
            "{key}: the type is the content's"
        );
    }
    // A second start finds them all.
    let again = caseload::storage::demo_files::ensure(&admin, &s.s3, &s.config.bucket)
        .await
        .expect("again");
    assert_eq!((again.written, again.present), (0, rows.len()));
    drop(db);
}
