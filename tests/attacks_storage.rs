//! Document storage as a counselor (or any application role) with psql
//! would attack it: read the signing secret through functions, views,
//! statistics and temporary objects; make a session setting skip the
//! signing; backdate a deletion so the sweeper purges early; shorten the
//! retention; shield an object from the sweeper.

mod common;

use caseload::storage::sweep;
use caseload::storage::upload::upload;
use common::district::{District, INSUFFICIENT_PRIVILEGE, sqlstate};
use common::store::{Store, doc, download};
use uuid::Uuid;

const PEOPLE: [&str; 7] = [
    "counselor_a",
    "teacher",
    "interventionist",
    "coord_x",
    "coord_all",
    "admin",
    "no_role",
];

#[tokio::test]
async fn no_application_role_reads_the_secret_through_functions_views_statistics_or_temp_objects() {
    let d = District::new().await;
    let s = Store::signed(&d).await;
    let secret = s.store.secret_access_key.clone();
    d.admin
        .batch_execute("ANALYZE storage_settings")
        .await
        .expect("statistics exist");
    for person in PEOPLE {
        let c = d.connect_with_temp(person).await;
        for sql in [
            "SELECT secret_access_key FROM storage_settings",
            "SELECT s FROM storage_settings s",
            "CREATE TEMP VIEW steal AS SELECT secret_access_key FROM public.storage_settings; \
             SELECT * FROM steal",
            "CREATE VIEW public.steal AS SELECT 1",
            "GRANT caseload_storage_signer TO CURRENT_USER",
            "ALTER FUNCTION caseload_storage_url(text, text) OWNER TO CURRENT_USER",
            "ALTER FUNCTION caseload_storage_url(text, text) SET search_path = pg_temp",
            "SELECT (caseload_storage_url('GET', 'x')).url",
            "COPY storage_settings TO STDOUT",
        ] {
            let r = c.batch_execute(sql).await;
            let code = sqlstate(r);
            assert!(
                code == INSUFFICIENT_PRIVILEGE || code == "42P01",
                "{person}: {sql}: {code}"
            );
            let _ = c.batch_execute("DROP VIEW IF EXISTS steal").await;
        }
        // Column statistics are shown only for columns one may read.
        let stats = c
            .query(
                "SELECT most_common_vals::text FROM pg_stats WHERE tablename = 'storage_settings'",
                &[],
            )
            .await
            .expect("pg_stats");
        assert!(stats.is_empty(), "{person}: statistics of the settings");
        // The functions' source holds no secret.
        let src: Vec<String> = c
            .query(
                "SELECT prosrc FROM pg_proc WHERE proname LIKE 'caseload_%'",
                &[],
            )
            .await
            .expect("pg_proc")
            .iter()
            .map(|r| r.get(0))
            .collect();
        assert!(src.iter().all(|p| !p.contains(&secret)), "{person}");
    }
}

#[tokio::test]
async fn temporary_functions_and_a_session_setting_do_not_change_what_the_signer_does() {
    let d = District::new().await;
    let s = Store::signed(&d).await;
    let mut a = d.connect_as("counselor_a").await;
    let up = upload(
        &mut a,
        &s.transfer,
        doc(d.students["a1"].id, "f.txt", b"f".to_vec()),
    )
    .await
    .expect("upload");
    let a = d.connect_with_temp("counselor_a").await;
    // Decoys for every helper the signer calls: were any of them resolved
    // through pg_temp, the secret would be in the error.
    a.batch_execute(
        "CREATE FUNCTION pg_temp.hmac(bytea, bytea, text) RETURNS bytea LANGUAGE plpgsql AS \
           $$BEGIN RAISE EXCEPTION 'captured %', convert_from($2, 'UTF8'); END$$; \
         CREATE FUNCTION pg_temp.caseload_s3_presign(text, text, text, text, boolean, text, \
           text, text, timestamptz, integer) RETURNS text LANGUAGE plpgsql AS \
           $$BEGIN RAISE EXCEPTION 'captured %', $8; END$$; \
         CREATE FUNCTION pg_temp.caseload_s3_uri_encode(text, boolean) RETURNS text \
           LANGUAGE sql AS $$SELECT 'captured'$$; \
         CREATE FUNCTION pg_temp.sha256(bytea) RETURNS bytea LANGUAGE plpgsql AS \
           $$BEGIN RAISE EXCEPTION 'captured'; END$$;",
    )
    .await
    .expect("decoys, with TEMP granted");
    // A session claiming direct mode: the database has a key, so it signs.
    a.batch_execute("SET caseload.storage_mode = 'direct'")
        .await
        .expect("anyone may set it");
    let back = download(&a, &s.transfer, up.document_id)
        .await
        .expect("the real signer, a working link");
    assert_eq!(&back[..], b"f");
}

/// Whether the row's deletion is stamped within the last minute.
async fn deleted_recently(d: &District, id: Uuid) -> Option<bool> {
    d.admin
        .query_one(
            "SELECT deleted_at > now() - interval '1 minute' FROM documents WHERE id = $1",
            &[&id],
        )
        .await
        .expect("row")
        .get(0)
}

#[tokio::test]
async fn a_deletion_cannot_be_backdated_past_the_retention_period() {
    let d = District::new().await;
    let s = Store::signed(&d).await;
    let mut a = d.connect_as("counselor_a").await;
    let id = upload(
        &mut a,
        &s.transfer,
        doc(d.students["a1"].id, "f.txt", b"f".to_vec()),
    )
    .await
    .expect("upload")
    .document_id;
    // With 0022 a person deletes through caseload_document_delete and may
    // not write deleted_at at all; either way no backdated value lands.
    let r = a
        .execute(
            "UPDATE documents SET deleted_at = '2000-01-01' WHERE id = $1",
            &[&id],
        )
        .await;
    match r {
        Ok(_) => assert_eq!(deleted_recently(&d, id).await, Some(true), "stamped now"),
        Err(e) => assert_eq!(e.code().map(|c| c.code()), Some(INSUFFICIENT_PRIVILEGE)),
    }
    // Whoever writes it (a future function, a grant, the owner by hand),
    // the database stamps the time of deletion and keeps the first stamp.
    for stamp in ["'2000-01-01'", "now() - interval '10 years'"] {
        d.admin
            .execute(
                &format!("UPDATE documents SET deleted_at = {stamp} WHERE id = $1"),
                &[&id],
            )
            .await
            .expect("update as the owner");
        assert_eq!(deleted_recently(&d, id).await, Some(true), "{stamp}");
    }

    // Nor can the retention be shortened by anyone but an administrator.
    let r = a
        .execute(
            "UPDATE settings SET value = '0' WHERE key = 'documents.retention_days'",
            &[],
        )
        .await;
    assert!(
        matches!(r, Ok(0)) || sqlstate(r) == INSUFFICIENT_PRIVILEGE,
        "counselor changed the retention"
    );
    let r = sweep::sweep(&s.s3, &d.admin, &s.config.bucket, &s.config.prefix, false)
        .await
        .expect("sweep");
    assert_eq!(r.retention_days, 30);
    assert!(r.purged.is_empty(), "{:?}", r.purged);
    assert!(s.exists(&format!("documents/{id}")).await);
}

#[tokio::test]
async fn nobody_shields_an_object_from_the_sweeper_or_reads_the_pending_links() {
    let d = District::new().await;
    let _s = Store::signed(&d).await;
    for person in PEOPLE {
        let c = d.connect_as(person).await;
        for sql in [
            "INSERT INTO storage_pending_uploads (document_id, bucket, object_key, student_id, \
               issued_to) SELECT gen_random_uuid(), 'caseload-documents', 'documents/keep-me', \
               id, (SELECT id FROM users LIMIT 1) FROM students LIMIT 1",
            "UPDATE storage_pending_uploads SET issued_at = now()",
            "SELECT object_key FROM storage_pending_uploads",
        ] {
            let r = c.batch_execute(sql).await;
            assert_eq!(sqlstate(r), INSUFFICIENT_PRIVILEGE, "{person}: {sql}");
        }
    }
}
