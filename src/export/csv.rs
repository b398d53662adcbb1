//! CSV as spreadsheets read it: RFC 4180 quoting, CRLF line ends, an
//! optional UTF-8 byte order mark (Excel needs it to read UTF-8), and text
//! that a spreadsheet would run as a formula made inert.

/// A table to write: a header and rows of cells, `None` for an empty cell.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Table {
    pub columns: Vec<&'static str>,
    pub rows: Vec<Vec<Option<String>>>,
}

/// The UTF-8 byte order mark.
pub const BOM: &str = "\u{feff}";

/// A plain decimal number (what caseload writes for minutes, scores,
/// counts): never a formula, so a leading minus stays.
fn is_plain_number(s: &str) -> bool {
    let digits = s.strip_prefix('-').unwrap_or(s);
    let mut parts = digits.splitn(2, '.');
    let whole = parts.next().unwrap_or("");
    let frac = parts.next();
    !whole.is_empty()
        && whole.bytes().all(|b| b.is_ascii_digit())
        && frac.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()))
}

/// Text starting with `=`, `+`, `-`, `@`, a tab or a carriage return is
/// what Excel, LibreOffice and Google Sheets evaluate as a formula (the
/// OWASP "CSV injection" list): such a cell gets a leading apostrophe,
/// which spreadsheets show as text. Plain numbers are left alone.
pub fn defuse(cell: &str) -> std::borrow::Cow<'_, str> {
    let risky = cell
        .chars()
        .next()
        .is_some_and(|c| matches!(c, '=' | '+' | '-' | '@' | '\t' | '\r'));
    if risky && !is_plain_number(cell) {
        format!("'{cell}").into()
    } else {
        cell.into()
    }
}

/// One cell, defused and quoted when it holds a separator, a quote, a line
/// break or edge spaces.
pub fn cell(raw: &str) -> String {
    let c = defuse(raw);
    let needs_quotes = c.contains([',', '"', '\n', '\r'])
        || c.starts_with(' ')
        || c.ends_with(' ')
        || c.starts_with('\'');
    if needs_quotes {
        format!("\"{}\"", c.replace('"', "\"\""))
    } else {
        c.into_owned()
    }
}

impl Table {
    /// The whole file; `bom` puts the byte order mark first.
    pub fn to_csv(&self, bom: bool) -> String {
        let mut out = String::new();
        if bom {
            out.push_str(BOM);
        }
        let line = |cells: Vec<String>, out: &mut String| {
            out.push_str(&cells.join(","));
            out.push_str("\r\n");
        };
        line(self.columns.iter().map(|c| cell(c)).collect(), &mut out);
        for row in &self.rows {
            line(
                row.iter()
                    .map(|v| v.as_deref().map(cell).unwrap_or_default())
                    .collect(),
                &mut out,
            );
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_become_text() {
        assert_eq!(
            cell("=HYPERLINK(\"http://x\")"),
            "\"'=HYPERLINK(\"\"http://x\"\")\""
        );
        assert_eq!(cell("+1-2"), "\"'+1-2\"");
        assert_eq!(cell("-cmd|' /C calc'!A0"), "\"'-cmd|' /C calc'!A0\"");
        assert_eq!(cell("@SUM(A1)"), "\"'@SUM(A1)\"");
        assert_eq!(cell("\tx"), "\"'\tx\"");
        assert_eq!(cell("\r=1"), "\"'\r=1\"");
    }

    #[test]
    fn numbers_and_plain_text_stay() {
        assert_eq!(cell("-3"), "-3");
        assert_eq!(cell("-3.25"), "-3.25");
        assert_eq!(cell("42"), "42");
        assert_eq!(cell("Nguyen"), "Nguyen");
        assert_eq!(cell("a=b"), "a=b");
        assert_eq!(cell("-"), "\"'-\"");
        assert_eq!(cell("-3."), "\"'-3.\"");
    }

    #[test]
    fn separators_quotes_and_breaks_are_quoted() {
        assert_eq!(cell("O'Brien, Pat"), "\"O'Brien, Pat\"");
        assert_eq!(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(cell("two\nlines"), "\"two\nlines\"");
        assert_eq!(cell(" padded"), "\" padded\"");
    }

    #[test]
    fn file_has_header_crlf_and_optional_bom() {
        let t = Table {
            columns: vec!["name", "minutes"],
            rows: vec![
                vec![Some("Zoë".into()), Some("30".into())],
                vec![Some("=1+1".into()), None],
            ],
        };
        assert_eq!(t.to_csv(false), "name,minutes\r\nZoë,30\r\n\"'=1+1\",\r\n");
        assert!(t.to_csv(true).starts_with("\u{feff}name,"));
        assert_eq!(t.to_csv(true).as_bytes()[..3], [0xEF, 0xBB, 0xBF]);
    }
}
