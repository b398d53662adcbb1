//! The person's own report or export jobs as rows: when queued, what, where
//! it stands (waiting to run, running 40%, done, failed: why), the file.

use crate::domain::jobs::OwnJob;
use crate::ui::widgets::table::{Column, Table};

/// What the job was asked for, from its payload (the kind when the
/// payload is not one this version reads).
pub fn what(job: &OwnJob) -> String {
    if let Ok(p) = serde_json::from_value::<crate::report::job::Payload>(job.payload.clone()) {
        return p.spec.describe();
    }
    if let Ok(p) = serde_json::from_value::<crate::export::job::Payload>(job.payload.clone()) {
        return p.spec.describe();
    }
    job.row.kind.clone()
}

/// The file's name (the folder is in the screen's title or the result).
pub fn file_name(job: &OwnJob) -> String {
    job.file()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_default()
}

pub fn table(jobs: &[OwnJob]) -> Table {
    Table {
        columns: vec![
            Column::whole("queued (UTC)"),
            Column::new("what", 12, 30),
            Column::new("state", 30, 0),
            Column::new("file", 10, 36),
        ],
        rows: jobs
            .iter()
            .map(|j| {
                vec![
                    j.row.created_at.format("%m-%d %H:%M").to_string(),
                    what(j),
                    j.state(),
                    file_name(j),
                ]
            })
            .collect(),
    }
}
