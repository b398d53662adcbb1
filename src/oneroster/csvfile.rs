//! One OneRoster CSV file, streamed record by record: a UTF-8 byte order
//! mark, CRLF line ends, quoted fields with commas, quotes and line breaks
//! are all ordinary input; a header without a required column refuses the
//! whole file, and a record that is not UTF-8 or has the wrong number of
//! fields refuses its line, naming the column.

use super::report::FileReport;
use color_eyre::eyre::Result;
use std::cell::RefCell;
use std::collections::VecDeque;
use std::io::Read;
use std::rc::Rc;

/// The values of one record, by header name.
pub struct Record<'a> {
    pub line: u64,
    values: &'a [String],
    columns: &'a Columns,
}

impl Record<'_> {
    /// The trimmed value of `column`; empty when the file has no such
    /// (optional) column.
    pub fn get(&self, column: &str) -> &str {
        self.columns
            .index(column)
            .and_then(|i| self.values.get(i))
            .map_or("", |v| v.trim())
    }
}

struct Columns(Vec<String>);

impl Columns {
    fn index(&self, name: &str) -> Option<usize> {
        self.0.iter().position(|c| c == name)
    }
}

/// Where the line breaks were, as the bytes go by: csv's own line numbers
/// are one short after each CRLF (it counts the LF as the next record's),
/// so a record's line is counted here from its byte offset instead.
#[derive(Clone, Default)]
struct Newlines(Rc<RefCell<(VecDeque<u64>, u64)>>);

impl Newlines {
    /// The line of the record starting at byte `start` (csv's start is the
    /// LF of a CRLF before it, so a break at `start` itself counts).
    /// Starts only grow, so breaks before them are counted and let go.
    fn line_at(&self, start: u64) -> u64 {
        let mut inner = self.0.borrow_mut();
        let (pending, before) = &mut *inner;
        while pending.front().is_some_and(|&at| at <= start) {
            pending.pop_front();
            *before += 1;
        }
        *before + 1
    }
}

struct Counted<R> {
    inner: R,
    offset: u64,
    newlines: Newlines,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        let mut seen = self.newlines.0.borrow_mut();
        for (i, _) in buf[..n].iter().enumerate().filter(|(_, b)| **b == b'\n') {
            seen.0.push_back(self.offset + i as u64);
        }
        self.offset += n as u64;
        Ok(n)
    }
}

/// Reads `input` as the file `report.name`, calling `each` for every record
/// whose fields are readable; `each` says why a record is refused, and
/// refusals land in `report`. Returns false when the header refused the
/// whole file (no record was read). Errors are reading errors (the disk,
/// the zip), not bad content.
pub fn read(
    input: impl Read,
    report: &mut FileReport,
    required: &[&str],
    mut each: impl FnMut(&Record<'_>, &mut FileReport) -> Result<(), String>,
) -> Result<bool> {
    let newlines = Newlines::default();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(Counted {
            inner: input,
            offset: 0,
            newlines: newlines.clone(),
        });
    let mut raw = csv::ByteRecord::new();
    let name = report.name;
    let read_err = |e: csv::Error| color_eyre::eyre::eyre!(e).wrap_err(format!("reading {name}"));
    if !reader.read_byte_record(&mut raw).map_err(read_err)? {
        report.refuse(1, "the file is empty: it needs a header line");
        return Ok(false);
    }
    let mut header = Vec::with_capacity(raw.len());
    for (i, field) in raw.iter().enumerate() {
        let field = if i == 0 {
            field.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(field)
        } else {
            field
        };
        match std::str::from_utf8(field) {
            Ok(s) => header.push(s.trim().to_string()),
            Err(_) => {
                report.refuse(
                    1,
                    format!("bad encoding: header column {} is not UTF-8", i + 1),
                );
                return Ok(false);
            }
        }
    }
    let missing: Vec<&str> = required
        .iter()
        .copied()
        .filter(|c| !header.iter().any(|h| h == c))
        .collect();
    if !missing.is_empty() {
        let (noun, list) = if missing.len() == 1 {
            ("column", missing[0].to_string())
        } else {
            ("columns", missing.join(", "))
        };
        report.refuse(1, format!("missing required {noun} {list}"));
        return Ok(false);
    }
    let columns = Columns(header);
    let width = columns.0.len();
    let mut values: Vec<String> = Vec::with_capacity(width);
    loop {
        match reader.read_byte_record(&mut raw) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => return Err(read_err(e)),
        }
        let line = newlines.line_at(raw.position().map_or(0, |p| p.byte()));
        // A blank line between records is not a record.
        if raw.len() == 1 && raw.get(0).is_some_and(|f| f.is_empty()) {
            continue;
        }
        if raw.len() != width {
            report.refuse(
                line,
                format!(
                    "{} field{} where the header has {width}",
                    raw.len(),
                    if raw.len() == 1 { "" } else { "s" }
                ),
            );
            continue;
        }
        values.clear();
        let mut bad = None;
        for (i, field) in raw.iter().enumerate() {
            match std::str::from_utf8(field) {
                Ok(s) => values.push(s.to_string()),
                Err(_) => {
                    bad = Some(i);
                    break;
                }
            }
        }
        if let Some(i) = bad {
            report.refuse(line, format!("bad encoding: {} is not UTF-8", columns.0[i]));
            continue;
        }
        let record = Record {
            line,
            values: &values,
            columns: &columns,
        };
        if let Err(why) = each(&record, report) {
            report.refuse(line, why);
        }
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::oneroster::report::Outcome;

    fn run(text: &[u8], required: &[&str]) -> (bool, Vec<(u64, String)>, FileReport) {
        let mut report = FileReport::new("users.csv");
        let mut seen = Vec::new();
        let ok = read(text, &mut report, required, |r, _| {
            seen.push((r.line, format!("{}|{}", r.get("a"), r.get("b"))));
            if r.get("a") == "no" {
                return Err("said no".into());
            }
            Ok(())
        })
        .unwrap();
        (ok, seen, report)
    }

    #[test]
    fn bom_crlf_quotes_and_newlines() {
        let text = b"\xEF\xBB\xBFa,b\r\n1,\"x, \"\"y\"\"\"\r\n2,\"two\r\nlines\"\r\n3,z\r\n";
        let (ok, seen, report) = run(text, &["a", "b"]);
        assert!(ok);
        assert_eq!(
            seen,
            vec![
                (2, "1|x, \"y\"".to_string()),
                (3, "2|two\r\nlines".to_string()),
                (5, "3|z".to_string()),
            ]
        );
        assert!(report.lines.is_empty());
    }

    #[test]
    fn missing_columns_refuse_the_file() {
        let (ok, seen, report) = run(b"a,c\n1,2\n", &["a", "b", "d"]);
        assert!(!ok);
        assert!(seen.is_empty());
        assert_eq!(
            report.lines[0].outcome,
            Outcome::Refused("missing required columns b, d".into())
        );
    }

    #[test]
    fn bad_lines_are_refused_by_line() {
        let (ok, seen, report) = run(b"a,b\n1,\xE9t\xE9\n2\nno,x\n3,y\n", &["a"]);
        assert!(ok);
        assert_eq!(seen.len(), 2);
        let got: Vec<(u64, Outcome)> = report
            .lines
            .iter()
            .map(|l| (l.line, l.outcome.clone()))
            .collect();
        assert_eq!(
            got,
            vec![
                (2, Outcome::Refused("bad encoding: b is not UTF-8".into())),
                (3, Outcome::Refused("1 field where the header has 2".into())),
                (4, Outcome::Refused("said no".into())),
            ]
        );
    }
}
