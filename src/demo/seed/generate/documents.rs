//! Uploaded documents, some attached to an intervention or a session. Each
//! row describes a real file (storage::demo_files makes its bytes from the
//! row) that `caseload demo` puts in the embedded store, so downloads work.

use super::{Chunk, Ctx, Started};
use crate::demo::seed::reference::{at, new_uuid, pick};
use chrono::Duration;
use rand::Rng;
use sha2::{Digest, Sha256};
use uuid::Uuid;

/// storage.bucket and storage.prefix's defaults: the demo's store. Keys are
/// opaque (the document's id), like those of real uploads.
const DEMO_BUCKET: &str = "caseload-documents";
const DEMO_PREFIX: &str = "documents/";

const DOCS: &[(&str, &str, bool)] = &[
    ("Reading benchmark - Fall.pdf", "application/pdf", false),
    ("Signed consent form.pdf", "application/pdf", false),
    ("Behavior plan v2.txt", "text/plain", false),
    ("Attendance letter (Spanish).pdf", "application/pdf", false),
    ("IEP at a glance.pdf", "application/pdf", true),
    ("Parent note – scan.png", "image/png", false),
    ("Work sample: \"My summer\".png", "image/png", false),
    ("Psych eval summary.pdf", "application/pdf", true),
];

pub(super) fn documents(c: &mut Ctx, student: Uuid, started: &[Started], out: &mut Chunk) {
    let p = if started.is_empty() { 0.02 } else { 0.2 };
    if !c.chance(p) {
        return;
    }
    let n = c.rng.random_range(1..=3);
    for _ in 0..n {
        let id = new_uuid(&mut c.rng);
        let (filename, ctype, restricted) = *pick(&mut c.rng, DOCS);
        // Drawn as before the files were real, so every later value of the
        // student's stream (and the demo's data) stays the same.
        let _size: i64 = c.rng.random_range(18_000..2_400_000);
        let file = crate::storage::demo_files::demo_file(id, filename, ctype);
        let size = i64::try_from(file.len()).unwrap_or(i64::MAX);
        let sha = hex::encode(Sha256::digest(&file));
        let uploaded_by = started.first().map_or_else(|| c.teacher(), |s| s.owner);
        let when = at(c.today - c.days(1, 120), 16, c.rng.random_range(0..60));
        let deleted = c.chance(0.03).then(|| when + Duration::days(2));
        out.documents
            .uuid(id)
            .uuid(student)
            .text("s3")
            .text(DEMO_BUCKET)
            .text(&format!("{DEMO_PREFIX}{id}"))
            .text(filename)
            .text(ctype)
            .int(size)
            .text(&sha)
            .uuid(uploaded_by)
            .bool(restricted)
            .opt_ts(deleted)
            .ts(when)
            .ts(deleted.unwrap_or(when))
            .end();
        if let Some(s) = started.first()
            && c.chance(0.5)
        {
            let session =
                (!s.sessions.is_empty() && c.chance(0.3)).then(|| pick(&mut c.rng, &s.sessions).0);
            let caption = c.chance(0.7).then_some(match filename {
                f if f.starts_with("Reading") => "Baseline benchmark",
                f if f.starts_with("Signed") => "Parent consent",
                _ => "Supporting evidence",
            });
            out.attachments
                .uuid(s.id)
                .uuid(id)
                .opt_uuid(session)
                .opt_text(caption)
                .uuid(uploaded_by)
                .ts(when)
                .end();
        }
    }
}
