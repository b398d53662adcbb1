//! End to end in a pseudo-terminal, as the demo counselor, with an
//! S3-compatible store running in-process (the embedded store `caseload
//! demo` starts, here started by the test so it can read the bytes back):
//! a PDF is uploaded on a student record with Tab completing its name,
//! attached to one of the student's interventions, saved into another
//! folder, and the saved bytes are the bytes uploaded.

mod common;

use caseload::config::StorageConfig;
use caseload::demo::seed;
use caseload::storage::check;
use caseload::storage::embedded::EmbeddedStore;
use caseload::storage::settings::SigningSettings;
use common::TestDb;
use common::pty::Pty;
use std::time::Duration;
use uuid::Uuid;

const WAIT: Duration = Duration::from_secs(30);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pdf_is_uploaded_attached_and_saved_elsewhere_byte_for_byte() {
    let (db, admin) = TestDb::seeded(400, 7, common::today()).await;
    let (url, password) = db
        .demo_login(&admin, seed::DEMO_COUNSELOR, "caseload_counselor")
        .await;
    let store_dir = tempfile::tempdir().expect("tempdir");
    let store = EmbeddedStore::start(store_dir.path()).await.expect("store");
    let config = store.config(&StorageConfig::default());
    let s3 = caseload::storage::client::sdk_client(
        &config,
        Some((store.access_key_id.clone(), store.secret_access_key.clone())),
    )
    .await;
    let settings =
        SigningSettings::from_config(&config, &store.access_key_id, &store.secret_access_key);
    check::init(&s3, &admin, &settings)
        .await
        .expect("storage init");

    // One of the counselor's students with an active intervention.
    let row = admin
        .query_one(
            "SELECT s.id, s.local_id, i.id, COALESCE(p.name, i.custom_name) \
             FROM students s JOIN users u ON u.id = s.counselor_id \
             JOIN interventions i ON i.student_id = s.id AND i.status = 'active' \
             LEFT JOIN intervention_programs p ON p.id = i.program_id \
             WHERE u.username = $1 AND NOT i.is_restricted \
             ORDER BY s.local_id, i.id LIMIT 1",
            &[&seed::DEMO_COUNSELOR],
        )
        .await
        .expect("a counselee with an active intervention");
    let (student, local_id, iv, iv_name): (Uuid, String, Uuid, String) =
        (row.get(0), row.get(1), row.get(2), row.get(3));

    // The file to upload, and a folder to save into.
    let files = tempfile::tempdir().expect("tempdir");
    let mut pdf = b"%PDF-1.4\n% caseload e2e \xe2\x9c\x93\n".to_vec();
    pdf.extend((0..300_000u32).map(|i| (i % 251) as u8));
    std::fs::write(files.path().join("Évaluation été.pdf"), &pdf).expect("write pdf");
    std::fs::write(files.path().join("notes.txt"), b"other").expect("write txt");
    let out = tempfile::tempdir().expect("tempdir");

    let mut pty = Pty::spawn(
        &["--database-url", &url],
        &[("PGPASSWORD", &password)],
        120,
        40,
    );
    pty.wait_for(&["My active interventions"], WAIT);
    pty.send(":open roster\r");
    pty.wait_for(&["Name", "Grade"], WAIT);
    pty.send("/");
    pty.send(&local_id);
    pty.wait_for(&[&local_id], WAIT);
    // Esc leaves the search box (alone: Esc then Enter at once reads as
    // Alt-Enter), Enter opens the row.
    pty.send("\x1b");
    std::thread::sleep(Duration::from_millis(300));
    pty.send("\r");
    pty.wait_for(&["1 Profile"], WAIT);
    pty.send("5");
    pty.wait_for(&["u upload"], WAIT);

    // u: the form; the folder typed, Tab completes the one PDF's name.
    pty.send("u");
    pty.wait_for(&["Upload a file", "File"], WAIT);
    pty.send(&format!("{}/É", files.path().display()));
    pty.send("\t");
    pty.wait_for(&["Évaluation été.pdf"], WAIT);
    pty.send("\x1b[B");
    pty.send("Signed evaluation");
    pty.send("\x13");
    pty.wait_for(&["uploaded Évaluation été.pdf"], WAIT);
    let doc: Uuid = admin
        .query_one(
            "SELECT id FROM documents WHERE student_id = $1 AND filename = 'Évaluation été.pdf' \
             AND title = 'Signed evaluation' AND deleted_at IS NULL",
            &[&student],
        )
        .await
        .expect("the document, recorded once")
        .get(0);

    // a: attach it to the intervention, picked by typing its name.
    pty.send("a");
    pty.wait_for(&["Attach", "type to narrow"], WAIT);
    pty.send(&iv_name);
    pty.send("\r");
    pty.wait_for(&["attached"], WAIT);
    let attached: bool = admin
        .query_one(
            "SELECT EXISTS (SELECT 1 FROM intervention_attachments \
             WHERE document_id = $1 AND intervention_id = $2)",
            &[&doc, &iv],
        )
        .await
        .expect("attachment")
        .get(0);
    assert!(attached, "attached to {iv_name}");

    // s: save into the other folder; the bytes are the bytes.
    pty.send("s");
    pty.wait_for(&["into:"], WAIT);
    pty.send(&out.path().display().to_string());
    pty.send("\r");
    pty.wait_for(&["saved", "sha256 checked"], WAIT);
    let saved = std::fs::read(out.path().join("Évaluation été.pdf")).expect("saved file");
    assert_eq!(saved, pdf, "byte for byte");

    // Again: the same bytes are there already, nothing is overwritten.
    pty.send("s\r");
    pty.wait_for(&["already saved"], WAIT);
    let names: Vec<_> = std::fs::read_dir(out.path())
        .expect("out")
        .map(|e| e.expect("entry").file_name())
        .collect();
    assert_eq!(names.len(), 1, "{names:?}");

    pty.send("q");
    pty.finish();
    drop(store);
}
