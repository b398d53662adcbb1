//! Keystroke to draft on disk: how long a change to a session note takes
//! to be safe from a crash (the draft writer's coalescing delay, the
//! serialisation and the fsync'd write), for a one-line note and for the
//! longest note a session holds.

use crate::app::session_edit::draft::{FORMAT, SessionDraft};
use crate::domain::enums::InterventionStatus;
use crate::domain::session::SessionContext;
use crate::drafts::DraftStore;
use crate::worker::draft_writer::DraftWriter;
use color_eyre::eyre::{Result, eyre};
use std::sync::Arc;
use std::time::{Duration, Instant};
use uuid::Uuid;

pub struct DraftLatency {
    /// Milliseconds, a one-line note (~80 characters).
    pub short: Vec<f64>,
    /// Milliseconds, a 100,000-character note.
    pub longest: Vec<f64>,
}

fn draft(id: Uuid, note: String) -> SessionDraft {
    SessionDraft {
        format: FORMAT,
        id,
        base_version: None,
        context: SessionContext {
            intervention_id: Uuid::nil(),
            student_id: Uuid::nil(),
            student_name: "Bench, Student".into(),
            intervention_name: "Bench program".into(),
            status: InterventionStatus::Active,
            planned_minutes: 30,
            fields: vec![],
            goals: vec![],
            last_field_values: serde_json::json!({}),
            last_session_date: None,
            can_restrict: false,
            may_write: true,
        },
        today: chrono::NaiveDate::MIN,
        values: vec![
            "2026-11-25".into(),
            String::new(),
            "present".into(),
            "30".into(),
        ],
        original: vec![],
        note,
        original_note: String::new(),
    }
}

/// `runs` changes of each size, each timed until the file holds it.
/// `dir` should be on the disk drafts live on (the state directory).
pub async fn measure(dir: &std::path::Path, runs: usize) -> Result<DraftLatency> {
    let store = Arc::new(DraftStore::open(dir)?);
    let writer = DraftWriter::start(store.clone());
    let id = Uuid::new_v4();
    let mut out = DraftLatency {
        short: Vec::new(),
        longest: Vec::new(),
    };
    for i in 0..runs {
        for (samples, len, kind) in [(&mut out.short, 80, 's'), (&mut out.longest, 100_000, 'l')] {
            // Each change differs, so the file is known to hold this one.
            let tag = format!("{kind}{i:06} ");
            let mut note = tag.clone();
            note.push_str(&"é".repeat(len - tag.len()));
            let d = draft(id, note);
            let marker = format!("\"note\":\"{tag}");
            let start = Instant::now();
            writer.put(&d).map_err(|e| eyre!(e))?;
            loop {
                let on_disk = std::fs::read(store.draft_path(id)).unwrap_or_default();
                if on_disk
                    .windows(marker.len())
                    .any(|w| w == marker.as_bytes())
                {
                    break;
                }
                if start.elapsed() > Duration::from_secs(10) {
                    return Err(eyre!("a draft took over 10 s to reach the disk"));
                }
                tokio::time::sleep(Duration::from_millis(1)).await;
            }
            samples.push(start.elapsed().as_secs_f64() * 1000.0);
        }
    }
    writer.delete(id).await.map_err(|e| eyre!(e))?;
    Ok(out)
}
