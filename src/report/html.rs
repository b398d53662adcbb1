//! Self-contained HTML that prints well: one file, its style inline, no
//! scripts, no outside requests. Every value goes through [`esc`]; the
//! markup is well-formed XML (every element closed, attributes quoted), so
//! the tests can parse a report back with an XML reader and check it.

use std::fmt::Write;

/// Text as HTML: `& < > " '` escaped, control characters other than line
/// breaks and tabs dropped (they are not allowed in XML).
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\n' | '\t' => out.push(c),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Screen and print. Printed on A4 portrait (`@page`): tables shrink to a
/// small font; only wide tables (class `wide`, more than [`WIDE`] columns)
/// may break a word anywhere (`overflow-wrap:anywhere`; headers break after
/// their underscores first, `<wbr/>`) — elsewhere that split ids and words
/// like "Gra de" for no gain (the cold tryout's recap) — so the 17-column
/// summary stays inside the page instead of running off its right edge
/// (checked with `chromium --headless --print-to-pdf`: a district's summary
/// by counselor on A4 portrait pages, nothing cut). A landscape named page
/// for wide tables was tried and dropped: Chromium starts a named page on a
/// new sheet, which left the title alone on the first. Chart keys are drawn
/// with borders, which print even when backgrounds do not.
pub const STYLE: &str = "\
body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;color:#111;margin:2rem;line-height:1.4}\
h1{font-size:1.5rem;margin:0 0 .25rem}h2{font-size:1.2rem;margin:1.5rem 0 .5rem;border-bottom:1px solid #999}\
h3{font-size:1rem;margin:1rem 0 .25rem}p.meta{color:#444;margin:0 0 1rem}\
table{border-collapse:collapse;width:100%;margin:.5rem 0 1rem;font-size:.9rem}\
th,td{border:1px solid #bbb;padding:.25rem .5rem;text-align:left;vertical-align:top;overflow-wrap:break-word}\
table.wide th,table.wide td{overflow-wrap:anywhere}\
th{background:#eee}td.n,th.n{text-align:right}\
section.student{page-break-inside:avoid;break-inside:avoid}\
svg{max-width:100%;height:auto}.verdict{font-weight:600}\
p.legend{font-size:.8rem;color:#333;margin:0 0 .75rem}\
.key{display:inline-block;vertical-align:middle;width:18px;height:0;margin:0 .3rem 0 .9rem}\
.key:first-child{margin-left:0}\
.key.point{width:0;border:4px solid #036;border-radius:50%}\
.key.aimline{border-top:2px dashed #1a6}.key.trend{border-top:2px solid #c50}\
.key.target{width:6px;height:6px;border:2px solid #1a6}\
@page{size:A4 portrait;margin:12mm}\
@media print{body{margin:0;font-size:10pt}h2{page-break-after:avoid;break-after:avoid}\
table{font-size:7.5pt;width:100%;max-width:100%;table-layout:auto}\
th,td{padding:1px 3px}table.wide th,table.wide td{overflow-wrap:anywhere}\
tr,svg,p.legend{page-break-inside:avoid;break-inside:avoid}a{color:inherit;text-decoration:none}}";

/// Tables with more columns than this may break words anywhere to fit A4.
pub const WIDE: usize = 8;

/// A page being written.
pub struct Page {
    body: String,
}

impl Page {
    pub fn new() -> Page {
        Page {
            body: String::new(),
        }
    }

    /// Raw markup (already escaped by the caller).
    pub fn raw(&mut self, markup: &str) -> &mut Self {
        self.body.push_str(markup);
        self
    }

    /// `<tag>text</tag>` with the text escaped.
    pub fn el(&mut self, tag: &str, text: &str) -> &mut Self {
        let _ = write!(self.body, "<{tag}>{}</{tag}>", esc(text));
        self
    }

    /// `<tag class="…">text</tag>`.
    pub fn el_class(&mut self, tag: &str, class: &str, text: &str) -> &mut Self {
        let _ = write!(
            self.body,
            "<{tag} class=\"{}\">{}</{tag}>",
            esc(class),
            esc(text)
        );
        self
    }

    /// A table: header cells, then rows; a cell that parses as a number is
    /// right-aligned (class `n`).
    pub fn table(&mut self, id: &str, head: &[&str], rows: &[Vec<String>]) -> &mut Self {
        let class = if head.len() > WIDE {
            " class=\"wide\""
        } else {
            ""
        };
        let _ = write!(self.body, "<table id=\"{}\"{class}><thead><tr>", esc(id));
        for h in head {
            // Column names are snake_case: let them wrap at their joints.
            let _ = write!(self.body, "<th>{}</th>", esc(h).replace('_', "_<wbr/>"));
        }
        self.body.push_str("</tr></thead><tbody>");
        for row in rows {
            self.body.push_str("<tr>");
            for cell in row {
                let number = cell.strip_suffix('%').unwrap_or(cell);
                let class = if number.parse::<f64>().is_ok() {
                    " class=\"n\""
                } else {
                    ""
                };
                let _ = write!(self.body, "<td{class}>{}</td>", esc(cell));
            }
            self.body.push_str("</tr>");
        }
        self.body.push_str("</tbody></table>");
        self
    }

    /// The finished document.
    pub fn finish(&self, title: &str) -> String {
        format!(
            "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/>\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>\
             <title>{}</title><style>{STYLE}</style></head><body>{}</body></html>\n",
            esc(title),
            self.body
        )
    }
}

impl Default for Page {
    fn default() -> Self {
        Page::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_drops_controls() {
        assert_eq!(
            esc("<script>alert('x')</script> & \"q\"\u{1b}[31m"),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;[31m"
        );
    }

    #[test]
    fn tables_escape_every_cell() {
        let mut p = Page::new();
        p.table(
            "t",
            &["<h>"],
            &[vec!["<b>".into()], vec!["12".into()], vec!["44%".into()]],
        );
        let html = p.finish("T&C");
        assert!(html.contains("<th>&lt;h&gt;</th>"));
        assert!(html.contains("<td>&lt;b&gt;</td>"));
        assert!(html.contains("<td class=\"n\">12</td>"));
        assert!(html.contains("<td class=\"n\">44%</td>"));
        assert!(html.contains("<title>T&amp;C</title>"));
    }

    /// The tryout printed a summary whose table ran off an A4 page: the
    /// print rules that keep it on the page must be there.
    #[test]
    fn reports_print_on_a4_with_small_wrapping_tables() {
        let html = Page::new().finish("T");
        for rule in [
            "@page{size:A4 portrait",
            "@media print{",
            "table{font-size:7.5pt",
            "overflow-wrap:anywhere",
        ] {
            assert!(html.contains(rule), "missing {rule}");
        }
        let print = &STYLE[STYLE.find("@media print{").unwrap()..];
        assert!(print.contains("table.wide th,table.wide td{overflow-wrap:anywhere}"));
        assert!(!STYLE.contains("word-break"), "it splits short words too");
        let mut p = Page::new();
        p.table("t", &["missed_sessions"], &[]);
        let narrow = p.finish("T");
        assert!(narrow.contains("<th>missed_<wbr/>sessions</th>"));
        assert!(
            narrow.contains("<table id=\"t\"><thead>"),
            "a narrow table is not wide"
        );
        let mut p = Page::new();
        p.table("w", &["c"; WIDE + 1], &[]);
        assert!(p.finish("T").contains("<table id=\"w\" class=\"wide\">"));
    }
}
