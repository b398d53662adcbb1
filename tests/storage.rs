//! Documents on S3 (issue 15), against the real PostgreSQL and the embedded
//! S3-compatible store in-process: the SQL signer is aws-sdk-s3's presigner
//! to the byte, links work and expire, the database refuses what RLS hides
//! (and audits nothing then), and no application role reads the secret.

mod common;

use bytes::Bytes;
use caseload::config::StorageConfig;
use caseload::storage::check;
use caseload::storage::embedded::EmbeddedStore;
use caseload::storage::settings::SigningSettings;
use caseload::storage::transfer::{Transfer, TransferError};
use caseload::storage::upload::{NewDocument, UploadError, upload};
use common::district::{District, INSUFFICIENT_PRIVILEGE, sqlstate};
use std::time::{Duration, SystemTime};
use tokio_postgres::Client;
use uuid::Uuid;

/// A store in a temporary folder, set up in the district's database.
struct Store {
    store: EmbeddedStore,
    config: StorageConfig,
    s3: aws_sdk_s3::Client,
    transfer: Transfer,
    _dir: tempfile::TempDir,
}

async fn store_for(d: &District) -> Store {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = EmbeddedStore::start(dir.path())
        .await
        .expect("embedded store");
    let config = store.config(&StorageConfig::default());
    let s3 = caseload::storage::client::sdk_client(
        &config,
        Some((store.access_key_id.clone(), store.secret_access_key.clone())),
    )
    .await;
    let settings =
        SigningSettings::from_config(&config, &store.access_key_id, &store.secret_access_key);
    let report = check::init(&s3, &d.admin, &settings)
        .await
        .expect("storage init");
    assert!(report.created_bucket, "a fresh store has no bucket");
    Store {
        store,
        config,
        s3,
        transfer: Transfer::new().expect("http client"),
        _dir: dir,
    }
}

fn doc(student: Uuid, filename: &str, bytes: Vec<u8>) -> NewDocument<'_> {
    NewDocument {
        student_id: student,
        intervention_id: None,
        filename,
        restricted: false,
        bytes: Bytes::from(bytes),
    }
}

async fn download(c: &Client, t: &Transfer, document: Uuid) -> Result<Bytes, String> {
    let row = c
        .query_one(
            "SELECT url FROM caseload_document_download_url($1)",
            &[&document],
        )
        .await
        .map_err(|e| common::db_message(&e))?;
    let url: String = row.get(0);
    t.get(&url).await.map(|a| a.body).map_err(|e| e.to_string())
}

async fn issued(d: &District, person: &str, action: &str) -> i64 {
    d.admin
        .query_one(
            "SELECT count(*) FROM audit_events WHERE actor_id = $1 AND action = $2 \
             AND table_name = 'documents'",
            &[&d.id(person), &action],
        )
        .await
        .expect("audit")
        .get(0)
}

// The signer -------------------------------------------------------------------

#[tokio::test]
async fn the_sql_signer_equals_the_sdk_presigner_byte_for_byte() {
    let db = common::TestDb::new().await;
    let admin = db.admin().await;
    let (id, secret) = (
        "AKIAIOSFODNN7EXAMPLE",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    );
    let stores: &[(Option<&str>, &str, bool)] = &[
        (None, "us-east-1", false),
        (None, "eu-west-1", false),
        (None, "ap-southeast-2", true),
        (Some("https://minio.example.org"), "us-east-1", true),
        (
            Some("https://objects.example.org:9443"),
            "eu-central-1",
            false,
        ),
        (Some("http://127.0.0.1:9000"), "us-east-1", true),
    ];
    let keys = [
        "documents/0b9e3c1a-7d7e-4b8e-9d3e-2f1c1a0b9e3c",
        "a b/über ñ 漢字.pdf",
        "x+y=z&q?#%;,'!*()@$.txt",
        "~tilde_-./dir//double",
    ];
    let times = [
        SystemTime::UNIX_EPOCH + Duration::from_secs(1_796_396_400), // 2026-12-04 15:00:00
        SystemTime::UNIX_EPOCH + Duration::from_secs(1_709_251_199), // 2024-02-29 23:59:59
    ];
    let mut compared = 0;
    for (endpoint, region, path_style) in stores {
        let config = StorageConfig {
            endpoint: endpoint.map(str::to_string),
            region: region.to_string(),
            bucket: "caseload-docs".into(),
            path_style: *path_style,
            ..StorageConfig::default()
        };
        let s3 =
            caseload::storage::client::sdk_client(&config, Some((id.into(), secret.into()))).await;
        for key in keys {
            for (n, at) in times.iter().enumerate() {
                let expires = if n == 0 { 300 } else { 3600 };
                let presigning = aws_sdk_s3::presigning::PresigningConfig::builder()
                    .start_time(*at)
                    .expires_in(Duration::from_secs(expires))
                    .build()
                    .expect("presigning config");
                let get = s3
                    .get_object()
                    .bucket(&config.bucket)
                    .key(key)
                    .presigned(presigning.clone())
                    .await
                    .expect("sdk get");
                let put = s3
                    .put_object()
                    .bucket(&config.bucket)
                    .key(key)
                    .presigned(presigning)
                    .await
                    .expect("sdk put");
                for (method, sdk) in [("GET", get.uri()), ("PUT", put.uri())] {
                    let at: chrono::DateTime<chrono::Utc> = (*at).into();
                    let ours: String = admin
                        .query_one(
                            "SELECT caseload_s3_presign($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                            &[
                                &method,
                                &config.endpoint,
                                &config.region,
                                &config.bucket,
                                &config.path_style,
                                &key,
                                &id,
                                &secret,
                                &at,
                                &(expires as i32),
                            ],
                        )
                        .await
                        .expect("sql signer")
                        .get(0);
                    assert_eq!(ours, sdk, "{method} {key} {config:?} {at}");
                    compared += 1;
                }
            }
        }
    }
    assert_eq!(compared, 6 * 4 * 2 * 2);
}

// Links and the store ----------------------------------------------------------------

#[tokio::test]
async fn init_and_check_round_trip_through_links_the_database_signs() {
    let d = District::new().await;
    let s = store_for(&d).await;
    let report = check::check(&d.admin, &s.transfer, Some((&s.s3, &s.config.bucket)), 1024)
        .await
        .expect("storage check");
    assert_eq!(report.bytes, 1024);
    assert!(report.database_ahead_secs.abs() <= 2, "{report:?}");
    assert!(
        report
            .store_ahead_of_database_secs
            .is_some_and(|s| s.abs() <= 2),
        "{report:?}"
    );
    // Init again (a new key, say) keeps the bucket and replaces the row.
    let again = check::init(
        &s.s3,
        &d.admin,
        &SigningSettings::from_config(
            &s.config,
            &s.store.access_key_id,
            &s.store.secret_access_key,
        ),
    )
    .await
    .expect("init again");
    assert!(!again.created_bucket);
    let rows: i64 = d
        .admin
        .query_one("SELECT count(*) FROM storage_settings", &[])
        .await
        .expect("count")
        .get(0);
    assert_eq!(rows, 1);
}

#[tokio::test]
async fn zero_one_and_five_megabyte_files_come_back_byte_for_byte_and_an_expired_link_is_refused() {
    let d = District::new().await;
    let s = store_for(&d).await;
    let mut a = d.connect_as("counselor_a").await;
    let student = d.students["a1"].id;
    let five_mb: Vec<u8> = (0..5 * 1024 * 1024u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
        .collect();
    for (name, bytes) in [
        ("empty.txt", Vec::new()),
        ("one.bin", vec![0xffu8]),
        ("évaluation été 2026.pdf", five_mb),
    ] {
        let up = upload(&mut a, &s.transfer, doc(student, name, bytes.clone()))
            .await
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(up.byte_size, bytes.len());
        let back = download(&a, &s.transfer, up.document_id).await.expect(name);
        assert!(back == bytes, "{name}: {} bytes back", back.len());
        let row = a
            .query_one(
                "SELECT filename, byte_size, sha256, object_key, storage FROM documents WHERE id = $1",
                &[&up.document_id],
            )
            .await
            .expect("the row");
        assert_eq!(row.get::<_, String>(0), name);
        assert_eq!(row.get::<_, i64>(1), bytes.len() as i64);
        assert_eq!(row.get::<_, String>(2), up.sha256);
        // The key is the document's id under the prefix: never the name.
        assert_eq!(
            row.get::<_, String>(3),
            format!("documents/{}", up.document_id)
        );
        assert_eq!(row.get::<_, String>(4), "s3");
    }

    // A link signed ten minutes ago for five minutes: the store refuses it.
    let key = format!("documents/{}", Uuid::new_v4());
    let old: String = d
        .admin
        .query_one(
            "SELECT caseload_s3_presign('GET', endpoint, region, bucket, path_style, $1, \
                    access_key_id, secret_access_key, now() - interval '10 minutes', 300) \
             FROM storage_settings",
            &[&key],
        )
        .await
        .expect("old link")
        .get(0);
    let e = s.transfer.get(&old).await.expect_err("expired");
    assert!(
        matches!(&e, TransferError::Refused { status: 403, code: Some(c), .. } if c == "AccessDenied"),
        "{e:?}"
    );
    assert!(e.to_string().contains("expired"), "{e}");
    // A link with one byte of its signature changed is refused too.
    let fresh: String = d
        .admin
        .query_one("SELECT (caseload_storage_url('GET', $1)).url", &[&key])
        .await
        .expect("fresh link")
        .get(0);
    let tampered = format!("{}0", &fresh[..fresh.len() - 1]);
    let tampered = if tampered == fresh {
        format!("{}1", &fresh[..fresh.len() - 1])
    } else {
        tampered
    };
    let e = s.transfer.get(&tampered).await.expect_err("tampered");
    assert!(e.to_string().contains("signature"), "{e}");
}

// What the database refuses ------------------------------------------------------

#[tokio::test]
async fn a_counselor_gets_no_link_for_another_caseload_or_a_restricted_document() {
    let d = District::new().await;
    let s = store_for(&d).await;
    let mut a = d.connect_as("counselor_a").await;
    let a1 = d.students["a1"].clone();
    let open = upload(
        &mut a,
        &s.transfer,
        doc(a1.id, "open.pdf", b"%PDF-1.4 open".to_vec()),
    )
    .await
    .expect("open upload");
    let restricted = upload(
        &mut a,
        &s.transfer,
        NewDocument {
            restricted: true,
            ..doc(a1.id, "restricted.pdf", b"%PDF-1.4 restricted".to_vec())
        },
    )
    .await
    .expect("restricted upload (counselors may see restricted rows)");

    // counselor_b: a1 is not on their caseload.
    let b = d.connect_as("counselor_b").await;
    // The interventionist is on a1's team, without the restricted right.
    let i = d.connect_as("interventionist").await;
    let refused = "no such document, or you may not see it";
    for (who, c, id) in [
        ("counselor_b", &b, open.document_id),
        ("counselor_b", &b, restricted.document_id),
        ("interventionist", &i, restricted.document_id),
        // Existence probes: a made-up id answers exactly the same.
        ("counselor_b", &b, Uuid::new_v4()),
    ] {
        let r = c
            .query_one("SELECT url FROM caseload_document_download_url($1)", &[&id])
            .await;
        let e = r.expect_err(who);
        assert_eq!(
            e.code().map(|c| c.code()),
            Some(INSUFFICIENT_PRIVILEGE),
            "{who}"
        );
        assert!(common::db_message(&e).contains(refused), "{who}: {e}");
    }
    // A caller's row_security = off does not switch the check off.
    b.batch_execute("SET row_security = off")
        .await
        .expect("anyone may set it");
    let r = b
        .query_one(
            "SELECT url FROM caseload_document_download_url($1)",
            &[&open.document_id],
        )
        .await;
    assert_eq!(sqlstate(r), INSUFFICIENT_PRIVILEGE, "row_security = off");
    assert_eq!(issued(&d, "counselor_b", "read").await, 0, "nothing issued");
    assert_eq!(issued(&d, "interventionist", "read").await, 0);

    // The team member does get the open one, and it is audited.
    let back = download(&i, &s.transfer, open.document_id)
        .await
        .expect("team member, open document");
    assert_eq!(&back[..], b"%PDF-1.4 open");
    assert_eq!(issued(&d, "interventionist", "read").await, 1);
    let (row, student): (Option<Uuid>, Option<Uuid>) = {
        let r = d
            .admin
            .query_one(
                "SELECT row_id, student_id FROM audit_events WHERE actor_id = $1 AND action = 'read' \
                 AND table_name = 'documents'",
                &[&d.id("interventionist")],
            )
            .await
            .expect("audit row");
        (r.get(0), r.get(1))
    };
    assert_eq!((row, student), (Some(open.document_id), Some(a1.id)));

    // A deleted document has no link either.
    a.execute("SELECT caseload_document_delete($1)", &[&open.document_id])
        .await
        .expect("delete");
    let e = download(&a, &s.transfer, open.document_id)
        .await
        .expect_err("deleted");
    assert!(e.contains(refused), "{e}");
}

#[tokio::test]
async fn uploads_are_refused_where_the_person_may_not_attach_and_rows_only_come_from_issued_keys() {
    let d = District::new().await;
    let s = store_for(&d).await;
    let mut a = d.connect_as("counselor_a").await;
    let (a1, b1) = (d.students["a1"].clone(), d.students["b1"].clone());

    // Another caseload's student, and another student's intervention.
    let e = upload(&mut a, &s.transfer, doc(b1.id, "x.txt", b"x".to_vec()))
        .await
        .expect_err("b1 is not counselor_a's");
    assert!(
        matches!(&e, UploadError::Refused(m) if m.contains("may not add documents to this student")),
        "{e}"
    );
    let e = upload(
        &mut a,
        &s.transfer,
        NewDocument {
            intervention_id: Some(b1.interventions[0]),
            ..doc(a1.id, "x.txt", b"x".to_vec())
        },
    )
    .await
    .expect_err("b1's intervention on a1's document");
    assert!(
        matches!(&e, UploadError::Refused(m) if m.contains("may not attach")),
        "{e}"
    );
    assert_eq!(
        issued(&d, "counselor_a", "upload").await,
        0,
        "nothing issued"
    );
    // A teacher on b1's team (read-only) may not add either.
    let mut t = d.connect_as("teacher").await;
    let e = upload(&mut t, &s.transfer, doc(b1.id, "x.txt", b"x".to_vec()))
        .await
        .expect_err("read-only team member");
    assert!(matches!(e, UploadError::Refused(_)), "{e}");

    // With an intervention: the document is attached to it.
    let up = upload(
        &mut a,
        &s.transfer,
        NewDocument {
            intervention_id: Some(a1.interventions[0]),
            ..doc(a1.id, "plan.txt", b"the plan".to_vec())
        },
    )
    .await
    .expect("upload with an intervention");
    let attached: i64 = a
        .query_one(
            "SELECT count(*) FROM intervention_attachments WHERE intervention_id = $1 AND document_id = $2",
            &[&a1.interventions[0], &up.document_id],
        )
        .await
        .expect("attachments")
        .get(0);
    assert_eq!(attached, 1);
    assert_eq!(issued(&d, "counselor_a", "upload").await, 1);

    // A key handed to counselor_a cannot be recorded by counselor_b, nor
    // twice, nor can anyone insert a row or repoint one at another object.
    let issued_key: Uuid = a
        .query_one(
            "SELECT document_id FROM caseload_document_upload_url($1, NULL)",
            &[&a1.id],
        )
        .await
        .expect("issued")
        .get(0);
    let record = "SELECT caseload_document_record_upload($1, 'f.txt', 'text/plain', 1, repeat('a', 64), false)";
    let b = d.connect_as("counselor_b").await;
    assert_eq!(
        sqlstate(b.query_one(record, &[&issued_key]).await),
        INSUFFICIENT_PRIVILEGE
    );
    a.query_one(record, &[&issued_key])
        .await
        .expect("the one it was issued to");
    assert_eq!(
        sqlstate(a.query_one(record, &[&issued_key]).await),
        INSUFFICIENT_PRIVILEGE,
        "only once"
    );
    let r = a
        .execute(
            "INSERT INTO documents (student_id, storage, bucket, object_key, filename, byte_size, sha256) \
             VALUES ($1, 's3', 'caseload-documents', $2, 'f', 1, repeat('b', 64))",
            &[&a1.id, &format!("documents/{}", up.document_id)],
        )
        .await;
    assert_eq!(sqlstate(r), INSUFFICIENT_PRIVILEGE, "direct insert");
    let r = a
        .execute(
            "UPDATE documents SET object_key = 'documents/someone-elses' WHERE id = $1",
            &[&up.document_id],
        )
        .await;
    assert_eq!(sqlstate(r), INSUFFICIENT_PRIVILEGE, "repointing a row");
    a.execute(
        "UPDATE documents SET filename = 'renamed.txt' WHERE id = $1",
        &[&up.document_id],
    )
    .await
    .expect("renaming stays allowed");
}

// The secret -------------------------------------------------------------------------

#[tokio::test]
async fn no_application_role_can_read_the_signing_secret() {
    let d = District::new().await;
    let _s = store_for(&d).await;
    let people = [
        "counselor_a",
        "teacher",
        "interventionist",
        "coord_x",
        "coord_all",
        "admin",
        "no_role",
    ];
    for person in people {
        let c = d.connect_as(person).await;
        for sql in [
            "SELECT secret_access_key FROM storage_settings",
            "SELECT * FROM storage_pending_uploads",
            "SELECT (caseload_storage_url('GET', 'documents/x')).url",
            "SELECT caseload_storage_audit('read', NULL, NULL)",
            "SELECT caseload_s3_presign('GET', NULL, 'us-east-1', 'b', false, 'k', 'a', 's', now(), 300)",
            "SET ROLE caseload_storage_signer",
        ] {
            let r = c.batch_execute(sql).await;
            assert_eq!(sqlstate(r), INSUFFICIENT_PRIVILEGE, "{person}: {sql}");
        }
    }
    // Even if a later migration granted every table to the groups again,
    // row-level security shows the settings to the signer alone.
    d.admin
        .batch_execute("GRANT SELECT ON ALL TABLES IN SCHEMA public TO caseload_admin")
        .await
        .expect("a careless grant");
    let admin = d.connect_as("admin").await;
    let rows = admin
        .query("SELECT secret_access_key FROM storage_settings", &[])
        .await
        .expect("selectable after the careless grant");
    assert!(rows.is_empty(), "the secret stays hidden");
}

#[tokio::test]
async fn a_temporary_storage_settings_table_does_not_redirect_the_links() {
    let d = District::new().await;
    let s = store_for(&d).await;
    let mut a = d.connect_as("counselor_a").await;
    let up = upload(
        &mut a,
        &s.transfer,
        doc(d.students["a1"].id, "f.txt", b"f".to_vec()),
    )
    .await
    .expect("upload");
    let a = d.connect_with_temp("counselor_a").await;
    a.batch_execute(
        "CREATE TEMP TABLE storage_settings AS SELECT true AS singleton, \
           'https://attacker.example' AS endpoint, 'us-east-1' AS region, 'evil' AS bucket, \
           '' AS key_prefix, true AS path_style, 'AKID' AS access_key_id, \
           'known' AS secret_access_key, 300 AS url_expires_secs, now() AS updated_at; \
         CREATE TEMP TABLE documents AS SELECT * FROM public.documents LIMIT 0;",
    )
    .await
    .expect("the decoys, with TEMP granted");
    let url: String = a
        .query_one(
            "SELECT url FROM caseload_document_download_url($1)",
            &[&up.document_id],
        )
        .await
        .expect("link")
        .get(0);
    assert!(url.starts_with(&s.store.endpoint), "{url}");
    let back = s.transfer.get(&url).await.expect("still the real store");
    assert_eq!(&back.body[..], b"f");
}

#[tokio::test]
async fn an_upload_that_cannot_reach_the_store_leaves_no_row() {
    let d = District::new().await;
    let Store {
        store, transfer, ..
    } = store_for(&d).await;
    let endpoint = store.endpoint.clone();
    drop(store); // the store goes away between the link and the PUT
    let mut a = d.connect_as("counselor_a").await;
    let student = d.students["a1"].id;
    let documents = "SELECT count(*) FROM documents WHERE student_id = $1";
    let before: i64 = d
        .admin
        .query_one(documents, &[&student])
        .await
        .expect("count")
        .get(0);
    let e = upload(&mut a, &transfer, doc(student, "f.txt", b"f".to_vec()))
        .await
        .expect_err("no store");
    assert!(
        matches!(&e, UploadError::Transfer(TransferError::Network(_))),
        "{e:?}"
    );
    assert!(e.to_string().contains("storage.endpoint"), "{e}");
    let after: i64 = d
        .admin
        .query_one(documents, &[&student])
        .await
        .expect("count")
        .get(0);
    assert_eq!(after, before, "no row for {endpoint}");
}
