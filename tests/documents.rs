//! The Documents screen's pages and the upload form's context, against
//! the real PostgreSQL as people in their own login roles: row-level
//! security decides the rows, deleted ones never show, and keyset pages
//! meet without a gap or a repeat.

mod common;

use caseload::db::documents::{change, page, upload_context};
use caseload::domain::document::{DocChange, DocCursor, DocPageRequest};
use common::district::District;
use uuid::Uuid;

/// Three more documents for a1, an hour apart, newest last.
async fn more_documents(d: &District) -> Vec<Uuid> {
    let a1 = d.students["a1"].id;
    let mut ids = Vec::new();
    for n in 0..3 {
        let id: Uuid = d
            .admin
            .query_one(
                "INSERT INTO documents (student_id, storage, object_key, filename, byte_size, sha256, \
                                        uploaded_by, created_at, title, category) \
                 VALUES ($1, 'local', gen_random_uuid()::text, $2, 10, repeat('d', 64), $3, \
                         now() + make_interval(hours => $4), 'Title', 'report') RETURNING id",
                &[&a1, &format!("report-{n}.pdf"), &d.id("counselor_a"), &(n + 1)],
            )
            .await
            .expect("document")
            .get(0);
        ids.push(id);
    }
    ids
}

#[tokio::test]
async fn pages_show_what_rls_allows_newest_first_and_meet_exactly() {
    let d = District::new().await;
    let extra = more_documents(&d).await;
    let a = d.connect_as("counselor_a").await;
    // Everything counselor_a may see: a1's and a2's, none of b1's or y1's.
    let all = page(&a, DocPageRequest::Newest, 100).await.expect("page");
    let students: std::collections::HashSet<Uuid> = all.rows.iter().map(|r| r.student_id).collect();
    let mine: std::collections::HashSet<Uuid> = [d.students["a1"].id, d.students["a2"].id].into();
    assert_eq!(students, mine);
    assert_eq!(all.rows.len(), 5);
    assert!(!all.newer && !all.older);
    assert_eq!(all.rows[0].id, extra[2], "newest first");
    assert_eq!(all.rows[0].category.as_deref(), Some("report"));
    assert_eq!(
        all.rows[0].uploaded_by.as_deref().map(|n| !n.is_empty()),
        Some(true)
    );

    // Two at a time: older, then newer back again, no gap, no repeat.
    let p1 = page(&a, DocPageRequest::Newest, 2).await.expect("p1");
    assert!(p1.older && !p1.newer);
    let p2 = page(&a, DocPageRequest::Older(DocCursor::from(&p1.rows[1])), 2)
        .await
        .expect("p2");
    assert!(p2.older && p2.newer);
    let p3 = page(&a, DocPageRequest::Older(DocCursor::from(&p2.rows[1])), 2)
        .await
        .expect("p3");
    assert!(!p3.older && p3.newer);
    let walked: Vec<Uuid> = [&p1, &p2, &p3]
        .iter()
        .flat_map(|p| p.rows.iter().map(|r| r.id))
        .collect();
    assert_eq!(walked, all.rows.iter().map(|r| r.id).collect::<Vec<_>>());
    let back = page(&a, DocPageRequest::Newer(DocCursor::from(&p2.rows[0])), 2)
        .await
        .expect("back");
    assert_eq!(
        back.rows.iter().map(|r| r.id).collect::<Vec<_>>(),
        p1.rows.iter().map(|r| r.id).collect::<Vec<_>>()
    );

    // Deleted through the function: gone from every page at once.
    change(&a, DocChange::Delete { document: extra[2] })
        .await
        .expect("uploader deletes");
    let after = page(&a, DocPageRequest::Newest, 100).await.expect("after");
    assert_eq!(after.rows.len(), 4);
    assert!(after.rows.iter().all(|r| r.id != extra[2]));
}

#[tokio::test]
async fn the_upload_form_learns_who_may_add_and_restrict() {
    let d = District::new().await;
    let (a1, b1) = (d.students["a1"].id, d.students["b1"].id);
    let a = d.connect_as("counselor_a").await;
    let ctx = upload_context(&a, a1).await.expect("ctx").expect("visible");
    assert!(ctx.may_write && ctx.may_restrict);
    assert!(ctx.student_name.starts_with("A1, "), "{}", ctx.student_name);
    assert_eq!(
        upload_context(&a, b1).await.expect("ctx"),
        None,
        "not visible"
    );
    // A read-only team member sees b1 but may not add; nor restrict.
    let t = d.connect_as("teacher").await;
    let ctx = upload_context(&t, b1).await.expect("ctx").expect("visible");
    assert!(!ctx.may_write && !ctx.may_restrict);
    // Attach says false when it was attached already (the fixture's).
    let again = change(
        &a,
        DocChange::Attach {
            document: d.students["a1"].documents[0],
            intervention: d.students["a1"].interventions[0],
        },
    )
    .await
    .expect("attach");
    assert!(!again);
}

/// The embedded store, set up in the district's database.
async fn store_for(
    d: &District,
) -> (
    caseload::storage::embedded::EmbeddedStore,
    tempfile::TempDir,
) {
    use caseload::storage::{check, settings::SigningSettings};
    let dir = tempfile::tempdir().expect("tempdir");
    let store = caseload::storage::embedded::EmbeddedStore::start(dir.path())
        .await
        .expect("store");
    let config = store.config(&caseload::config::StorageConfig::default());
    let s3 = caseload::storage::client::sdk_client(
        &config,
        Some((store.access_key_id.clone(), store.secret_access_key.clone())),
    )
    .await;
    let settings =
        SigningSettings::from_config(&config, &store.access_key_id, &store.secret_access_key);
    check::init(&s3, &d.admin, &settings).await.expect("init");
    (store, dir)
}

#[tokio::test]
async fn an_upload_records_title_and_category_reports_progress_and_a_cancel_records_nothing() {
    use caseload::storage::transfer::{Track, Transfer, TransferError};
    use caseload::storage::upload::{About, NewDocument, UploadError, upload_with};
    use std::sync::Arc;
    use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

    let d = District::new().await;
    let (_store, _dir) = store_for(&d).await;
    let transfer = Transfer::new().expect("client");
    let mut a = d.connect_as("counselor_a").await;
    let a1 = d.students["a1"].id;
    let bytes = bytes::Bytes::from(vec![b'a'; 3 * 1024 * 1024]);
    let seen = Arc::new(AtomicU64::new(0));
    let calls = Arc::new(AtomicU64::new(0));
    let (s, c) = (seen.clone(), calls.clone());
    let track = Track {
        report: Arc::new(move |done, total| {
            assert_eq!(total, Some(3 * 1024 * 1024));
            s.store(done, Ordering::Relaxed);
            c.fetch_add(1, Ordering::Relaxed);
        }),
        cancel: Arc::new(AtomicBool::new(false)),
    };
    let about = About {
        title: Some("Work sample, October".into()),
        category: Some("work_sample".into()),
    };
    let doc = |bytes: bytes::Bytes| NewDocument {
        student_id: a1,
        intervention_id: None,
        filename: "sample.txt",
        restricted: false,
        bytes,
    };
    let up = upload_with(&mut a, &transfer, doc(bytes.clone()), &about, &track)
        .await
        .expect("upload");
    assert_eq!(
        seen.load(Ordering::Relaxed),
        3 * 1024 * 1024,
        "every byte reported"
    );
    assert!(calls.load(Ordering::Relaxed) >= 12, "in steps");
    let row = d
        .admin
        .query_one(
            "SELECT title, category, content_type FROM documents WHERE id = $1",
            &[&up.document_id],
        )
        .await
        .expect("row");
    assert_eq!(
        row.get::<_, Option<String>>(0).as_deref(),
        Some("Work sample, October")
    );
    assert_eq!(
        row.get::<_, Option<String>>(1).as_deref(),
        Some("work_sample")
    );
    assert_eq!(row.get::<_, String>(2), "text/plain");

    // Cancelled: an error, and no row.
    let before: i64 = d
        .admin
        .query_one("SELECT count(*) FROM documents", &[])
        .await
        .expect("count")
        .get(0);
    track.cancel.store(true, Ordering::Relaxed);
    let e = upload_with(&mut a, &transfer, doc(bytes), &About::default(), &track)
        .await
        .expect_err("cancelled");
    assert!(
        matches!(e, UploadError::Transfer(TransferError::Cancelled)),
        "{e}"
    );
    let after: i64 = d
        .admin
        .query_one("SELECT count(*) FROM documents", &[])
        .await
        .expect("count")
        .get(0);
    assert_eq!(after, before, "nothing recorded");
}

/// Figures, printed (never asserted on time): a 49 MB upload (PUT with
/// progress, read back and checked before the row is committed) and a
/// download to a file through a tracked GET, against the in-process store.
/// `cargo test --release --test documents -- throughput --nocapture`
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throughput_of_a_49_mb_file_is_printed() {
    use caseload::storage::transfer::{Track, Transfer};
    use caseload::storage::upload::{About, NewDocument, upload_with};
    use sha2::Digest;
    use std::time::Instant;

    let d = District::new().await;
    let (_store, _dir) = store_for(&d).await;
    let transfer = Transfer::new().expect("client");
    let mut a = d.connect_as("counselor_a").await;
    let size = 49 * 1024 * 1024;
    let mut bytes = b"%PDF-1.7\n".to_vec();
    bytes.extend((0..size - 9).map(|i| (i * 7 % 251) as u8));
    let bytes = bytes::Bytes::from(bytes);
    let start = Instant::now();
    let up = upload_with(
        &mut a,
        &transfer,
        NewDocument {
            student_id: d.students["a1"].id,
            intervention_id: None,
            filename: "big.pdf",
            restricted: false,
            bytes: bytes.clone(),
        },
        &About::default(),
        &Track::silent(),
    )
    .await
    .expect("upload");
    let up_secs = start.elapsed().as_secs_f64();
    let start = Instant::now();
    let (url, _) = caseload::db::documents::link(&a, up.document_id)
        .await
        .expect("link");
    let signed = start.elapsed().as_secs_f64();
    let out = tempfile::NamedTempFile::new().expect("file");
    let mut file = std::io::BufWriter::new(out.reopen().expect("reopen"));
    let mut hasher = sha2::Sha256::new();
    let got = transfer
        .get_tracked(
            &url,
            |chunk| {
                hasher.update(chunk);
                std::io::Write::write_all(&mut file, chunk)
            },
            &Track::silent(),
        )
        .await
        .expect("download");
    drop(file);
    let down_secs = start.elapsed().as_secs_f64();
    assert_eq!(got, size as u64);
    assert_eq!(hex::encode(hasher.finalize()), up.sha256);
    let mb = size as f64 / 1_048_576.0;
    println!(
        "49 MiB upload (PUT + read-back check + commit): {up_secs:.2} s, {:.1} MiB/s (the bytes cross twice)",
        mb / up_secs
    );
    println!(
        "49 MiB download to a file, sha256 checked: {down_secs:.2} s, {:.1} MiB/s; of it, signing the link: {:.1} ms ({:.3}%)",
        mb / down_secs,
        signed * 1000.0,
        signed / down_secs * 100.0
    );
}
