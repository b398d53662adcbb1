//! What an import did, or would do, to each line of each file.

use crate::ui::sanitize;
use serde::Serialize;
use std::fmt::Write as _;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", content = "detail", rename_all = "snake_case")]
pub enum Outcome {
    /// A new row: what it is.
    Added(String),
    /// An existing row whose values differ: which and how.
    Changed(String),
    /// Matches what is stored.
    Unchanged,
    /// Read but not for caseload (a district org, a parent): why.
    Skipped(String),
    /// Not imported, and the real run imports nothing: why.
    Refused(String),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Line {
    /// 1 is the header; a record spanning lines (a quoted newline) is
    /// numbered by its first.
    pub line: u64,
    #[serde(flatten)]
    pub outcome: Outcome,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileReport {
    pub name: &'static str,
    /// Why the file was not read at all (absent, or a kind caseload keeps
    /// nothing of); `None` when it was.
    pub not_read: Option<String>,
    pub lines: Vec<Line>,
}

impl FileReport {
    pub fn new(name: &'static str) -> FileReport {
        FileReport {
            name,
            not_read: None,
            lines: Vec::new(),
        }
    }

    pub fn push(&mut self, line: u64, outcome: Outcome) {
        self.lines.push(Line { line, outcome });
    }

    pub fn refuse(&mut self, line: u64, why: impl Into<String>) {
        self.push(line, Outcome::Refused(why.into()));
    }

    pub fn skip(&mut self, line: u64, why: impl Into<String>) {
        self.push(line, Outcome::Skipped(why.into()));
    }

    pub fn refused(&self) -> usize {
        self.lines
            .iter()
            .filter(|l| matches!(l.outcome, Outcome::Refused(_)))
            .count()
    }

    fn count(&self, f: impl Fn(&Outcome) -> bool) -> usize {
        self.lines.iter().filter(|l| f(&l.outcome)).count()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    /// Checked and compared; nothing written.
    DryRun,
    /// Written and committed (when nothing was refused).
    Import,
    /// Written, then rolled back: a real run's work without keeping it
    /// (the benchmark).
    Rehearse,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    pub mode: Mode,
    pub files: Vec<FileReport>,
    /// The import was written and committed.
    pub committed: bool,
}

impl Report {
    pub fn refused(&self) -> usize {
        self.files.iter().map(FileReport::refused).sum()
    }

    pub fn totals(&self) -> Totals {
        let mut t = Totals::default();
        for f in &self.files {
            t.added += f.count(|o| matches!(o, Outcome::Added(_)));
            t.changed += f.count(|o| matches!(o, Outcome::Changed(_)));
            t.left_alone += f.count(|o| matches!(o, Outcome::Unchanged | Outcome::Skipped(_)));
            t.refused += f.refused();
        }
        t
    }

    /// The report as printed: per file a count line, then each added,
    /// changed, skipped and refused line as `file:line: …`, and the
    /// unchanged lines as ranges; the last line says what happened.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for f in &self.files {
            if let Some(why) = &f.not_read {
                let _ = writeln!(out, "{}: not read ({why})", f.name);
                continue;
            }
            let _ = writeln!(
                out,
                "{}: {} added, {} changed, {} left alone, {} refused",
                f.name,
                f.count(|o| matches!(o, Outcome::Added(_))),
                f.count(|o| matches!(o, Outcome::Changed(_))),
                f.count(|o| matches!(o, Outcome::Unchanged | Outcome::Skipped(_))),
                f.refused()
            );
            let mut lines: Vec<&Line> = f.lines.iter().collect();
            lines.sort_by_key(|l| l.line);
            let mut unchanged = Vec::new();
            for l in lines {
                let (verb, text) = match &l.outcome {
                    Outcome::Added(t) => ("added", t),
                    Outcome::Changed(t) => ("changed", t),
                    Outcome::Skipped(t) => ("left alone", t),
                    Outcome::Refused(t) => ("refused", t),
                    Outcome::Unchanged => {
                        unchanged.push(l.line);
                        continue;
                    }
                };
                let _ = writeln!(
                    out,
                    "  {}:{}: {verb}: {}",
                    f.name,
                    l.line,
                    sanitize::clean(text)
                );
            }
            if !unchanged.is_empty() {
                let _ = writeln!(
                    out,
                    "  {}: left alone (unchanged): {}",
                    f.name,
                    ranges(&unchanged)
                );
            }
        }
        let t = self.totals();
        let counts = format!(
            "{} added, {} changed, {} left alone, {} refused",
            t.added, t.changed, t.left_alone, t.refused
        );
        let last = match (self.mode, self.committed) {
            (Mode::DryRun, _) if t.refused > 0 => {
                format!(
                    "dry run: {counts}; a real run would import nothing until the refused lines are fixed"
                )
            }
            (Mode::DryRun, _) => format!("dry run: {counts}; nothing was written"),
            (_, true) => format!("imported: {counts}"),
            (Mode::Rehearse, false) if t.refused == 0 => {
                format!("rehearsed: {counts}; written, then rolled back")
            }
            (_, false) => format!("not imported: {counts}; nothing was written"),
        };
        out.push_str(&last);
        out.push('\n');
        out
    }
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Totals {
    pub added: usize,
    pub changed: usize,
    pub left_alone: usize,
    pub refused: usize,
}

/// `2–5, 7, 9–10` for sorted line numbers.
pub fn ranges(lines: &[u64]) -> String {
    let mut parts = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let start = lines[i];
        let mut end = start;
        while i + 1 < lines.len() && lines[i + 1] == end + 1 {
            i += 1;
            end = lines[i];
        }
        parts.push(if start == end {
            format!("line {start}")
        } else {
            format!("lines {start}–{end}")
        });
        i += 1;
    }
    parts.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_join_runs() {
        assert_eq!(
            ranges(&[2, 3, 4, 7, 9, 10]),
            "lines 2–4, line 7, lines 9–10"
        );
        assert_eq!(ranges(&[5]), "line 5");
        assert_eq!(ranges(&[]), "");
    }

    #[test]
    fn render_lists_lines_and_sanitises() {
        let mut f = FileReport::new("users.csv");
        f.push(4, Outcome::Unchanged);
        f.push(3, Outcome::Refused("bad grade \"13\"\x1b[2J".into()));
        f.push(2, Outcome::Added("student S-1".into()));
        f.push(5, Outcome::Unchanged);
        let mut classes = FileReport::new("classes.csv");
        classes.not_read = Some("caseload keeps no classes".into());
        let r = Report {
            mode: Mode::DryRun,
            files: vec![f, classes],
            committed: false,
        };
        assert_eq!(
            r.render(),
            "users.csv: 1 added, 0 changed, 2 left alone, 1 refused\n\
             \x20 users.csv:2: added: student S-1\n\
             \x20 users.csv:3: refused: bad grade \"13\"\u{fffd}\n\
             \x20 users.csv: left alone (unchanged): lines 4–5\n\
             classes.csv: not read (caseload keeps no classes)\n\
             dry run: 1 added, 0 changed, 2 left alone, 1 refused; a real run would import \
             nothing until the refused lines are fixed\n"
        );
    }
}
