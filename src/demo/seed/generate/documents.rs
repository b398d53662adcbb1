//! Uploaded documents, some attached to an intervention or a session.

use super::{Chunk, Ctx, Started};
use crate::demo::seed::reference::{at, new_uuid, pick};
use chrono::Duration;
use rand::Rng;
use sha2::{Digest, Sha256};
use uuid::Uuid;

const DOCS: &[(&str, &str, bool)] = &[
    ("Reading benchmark - Fall.pdf", "application/pdf", false),
    ("Signed consent form.pdf", "application/pdf", false),
    (
        "Behavior plan v2.docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        false,
    ),
    ("Attendance letter (Spanish).pdf", "application/pdf", false),
    ("IEP at a glance.pdf", "application/pdf", true),
    ("Parent note – scan.jpg", "image/jpeg", false),
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
        let size: i64 = c.rng.random_range(18_000..2_400_000);
        let mut h = Sha256::new();
        h.update(format!("caseload demo document {id} {size}").as_bytes());
        let sha = hex::encode(h.finalize());
        let uploaded_by = started.first().map_or_else(|| c.teacher(), |s| s.owner);
        let when = at(c.today - c.days(1, 120), 16, c.rng.random_range(0..60));
        let deleted = c.chance(0.03).then(|| when + Duration::days(2));
        out.documents
            .uuid(id)
            .uuid(student)
            .text("s3")
            .text("caseload-demo")
            .text(&format!("students/{student}/{id}"))
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
