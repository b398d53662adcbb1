//! The `oneroster.import` job kind: `run` with the job's progress and
//! cancel as its hooks, on the author's own connection (the kind runs as
//! its author, migration 0031), and the report condensed into the job's
//! result.

use super::report::{Mode, Outcome, Report};
use super::{Cancelled, Hooks, Options, run};
use crate::domain::import::{FileCounts, ImportPayload, ImportSummary, MAX_LINES, ReportLine};
use crate::jobs::{BoxFuture, JobCtx, JobError, JobResult};
use serde_json::Value;
use std::path::PathBuf;

struct JobHooks<'a>(&'a mut JobCtx);

impl Hooks for JobHooks<'_> {
    async fn progress(&mut self, percent: u8, message: &str) {
        self.0.progress(percent, message.to_string());
    }

    async fn checkpoint(&mut self) -> Result<(), Cancelled> {
        self.0.checkpoint().map_err(|_| Cancelled)
    }
}

pub fn handler(ctx: &mut JobCtx, payload: Value) -> BoxFuture<'_, JobResult> {
    Box::pin(async move {
        let p: ImportPayload = serde_json::from_value(payload).map_err(JobError::bad_payload)?;
        if p.path.trim().is_empty() {
            return Err(JobError::Fatal("bad payload: path is empty".into()));
        }
        let path = PathBuf::from(&p.path);
        if let Err(e) = std::fs::metadata(&path) {
            return Err(JobError::Fatal(format!(
                "cannot read {}: {}",
                path.display(),
                match e.kind() {
                    std::io::ErrorKind::NotFound => "no such file or folder".to_string(),
                    std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
                    _ => e.to_string(),
                }
            )));
        }
        let opts = Options {
            mode: if p.dry_run {
                Mode::DryRun
            } else {
                Mode::Import
            },
            logins: p.logins,
        };
        ctx.log(format!(
            "{} {}",
            if p.dry_run { "dry run of" } else { "importing" },
            path.display()
        ));
        let pool = ctx.db().clone();
        let mut db = pool.get().await.map_err(JobError::retry)?;
        let report = {
            let mut hooks = JobHooks(ctx);
            run(&mut db, &path, opts, &mut hooks).await
        };
        match report {
            Ok(r) => {
                let s = summarize(&r);
                ctx.log(&s.summary);
                ctx.progress(100, s.summary.clone());
                serde_json::to_value(&s).map_err(|e| JobError::Fatal(e.to_string()))
            }
            Err(e) if e.downcast_ref::<Cancelled>().is_some() => Err(JobError::Cancelled),
            Err(e) => Err(JobError::Fatal(format!("{e:#}"))),
        }
    })
}

/// The report as the job keeps it: counts per file, refused lines first,
/// at most [`MAX_LINES`] lines (unchanged ones only counted).
pub fn summarize(r: &Report) -> ImportSummary {
    let mut files = Vec::new();
    let mut lines: Vec<ReportLine> = Vec::new();
    for f in &r.files {
        let mut c = FileCounts {
            name: f.name.to_string(),
            not_read: f.not_read.clone(),
            ..FileCounts::default()
        };
        for l in &f.lines {
            let (word, detail) = match &l.outcome {
                Outcome::Added(d) => {
                    c.added += 1;
                    ("added", d)
                }
                Outcome::Changed(d) => {
                    c.changed += 1;
                    ("changed", d)
                }
                Outcome::Skipped(d) => {
                    c.left_alone += 1;
                    ("left alone", d)
                }
                Outcome::Refused(d) => {
                    c.refused += 1;
                    ("refused", d)
                }
                Outcome::Unchanged => {
                    c.left_alone += 1;
                    continue;
                }
            };
            lines.push(ReportLine {
                file: f.name.to_string(),
                line: l.line,
                outcome: word.to_string(),
                detail: detail.clone(),
            });
        }
        files.push(c);
    }
    // Stable: within each outcome, file order then line order.
    lines.sort_by_key(|l| match l.outcome.as_str() {
        "refused" => 0,
        "added" => 1,
        "changed" => 2,
        _ => 3,
    });
    let more_lines = lines.len().saturating_sub(MAX_LINES);
    lines.truncate(MAX_LINES);
    let rendered = r.render();
    ImportSummary {
        dry_run: r.mode == Mode::DryRun,
        committed: r.committed,
        refused: r.refused(),
        files,
        lines,
        more_lines,
        summary: rendered.lines().last().unwrap_or("").to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::oneroster::report::FileReport;

    #[test]
    fn the_result_puts_refused_lines_first_and_caps_the_rest() {
        let mut users = FileReport::new("users.csv");
        for n in 0..600u64 {
            users.push(n + 2, Outcome::Added(format!("student S-{n}")));
        }
        users.push(700, Outcome::Unchanged);
        users.refuse(900, "bad grade \"13\"");
        let r = Report {
            mode: Mode::DryRun,
            files: vec![users],
            committed: false,
        };
        let s = summarize(&r);
        assert_eq!(s.refused, 1);
        assert!(s.dry_run && !s.committed);
        assert_eq!(s.lines.len(), MAX_LINES);
        assert_eq!(s.more_lines, 601 - MAX_LINES);
        assert_eq!(
            (s.lines[0].line, s.lines[0].outcome.as_str()),
            (900, "refused")
        );
        assert_eq!(s.files[0].added, 600);
        assert_eq!(s.files[0].left_alone, 1);
        assert!(
            s.summary.starts_with("dry run: 600 added")
                && s.summary.contains("would import nothing"),
            "{}",
            s.summary
        );
    }
}
