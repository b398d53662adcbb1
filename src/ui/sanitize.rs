//! Text from the database is untrusted: a student name must not be able to
//! move the cursor, retitle the window or reverse the line. Everything drawn
//! goes through `clean`, and columns are cut by display width, not bytes or
//! chars, so wide (CJK) and combining characters keep the table aligned.
//! What `clean` takes out leaves a visible marker (`MARK`), so a dirty name
//! looks dirty rather than passing for a clean one.

use crate::domain::text::{is_bidi_control, is_control};
use std::borrow::Cow;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

/// Where `clean` took something out: one per run of removed characters.
pub const MARK: char = '\u{FFFD}';

/// Replaces escape sequences, bidi controls and other control characters
/// with `MARK` (a run of them with one), and tabs and line breaks with
/// spaces. Borrows when there is nothing to do, which is almost always.
pub fn clean(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_control) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mark = |out: &mut String| {
        if !out.ends_with(MARK) {
            out.push(MARK);
        }
    };
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\x1b' => {
                match chars.next() {
                    Some('[') => skip_csi(&mut chars),
                    Some(']' | 'P' | 'X' | '^' | '_') => skip_string(&mut chars),
                    // Two-character sequences (ESC c, ESC 7, …) end here.
                    _ => {}
                }
                mark(&mut out);
            }
            '\u{9b}' => {
                skip_csi(&mut chars);
                mark(&mut out);
            }
            '\u{90}' | '\u{98}' | '\u{9d}' | '\u{9e}' | '\u{9f}' => {
                skip_string(&mut chars);
                mark(&mut out);
            }
            '\t' | '\n' | '\r' => out.push(' '),
            c if is_bidi_control(c) || c.is_control() => mark(&mut out),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Parameters and intermediates up to the final byte (0x40..=0x7E).
fn skip_csi(chars: &mut impl Iterator<Item = char>) {
    for c in chars.by_ref() {
        if ('\x40'..='\x7e').contains(&c) {
            break;
        }
    }
}

/// OSC/DCS/… bodies run to BEL, ST (ESC \) or the 8-bit ST.
fn skip_string(chars: &mut std::iter::Peekable<impl Iterator<Item = char>>) {
    while let Some(c) = chars.next() {
        match c {
            '\x07' | '\u{9c}' => break,
            '\x1b' => {
                if chars.peek() == Some(&'\\') {
                    chars.next();
                }
                break;
            }
            _ => {}
        }
    }
}

/// Display width in terminal columns.
pub fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// Cleans `s` and makes it exactly `cols` columns wide: padded with spaces,
/// or cut with an ellipsis. A wide character that would straddle the edge is
/// dropped and replaced by padding.
pub fn fit(s: &str, cols: usize) -> String {
    let s = clean(s);
    let w = width(&s);
    if w <= cols {
        let mut out = s.into_owned();
        out.extend(std::iter::repeat_n(' ', cols - w));
        return out;
    }
    if cols == 0 {
        return String::new();
    }
    let budget = cols - 1;
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let cw = UnicodeWidthChar::width(c).unwrap_or(0);
        if used + cw > budget {
            break;
        }
        used += cw;
        out.push(c);
    }
    out.push('…');
    out.extend(std::iter::repeat_n(' ', budget - used));
    out
}

/// `clean`, then cut (without padding) to at most `cols` columns.
pub fn truncate(s: &str, cols: usize) -> String {
    let cleaned = clean(s);
    if width(&cleaned) <= cols {
        return cleaned.into_owned();
    }
    fit(&cleaned, cols).trim_end().to_string()
}

/// A column's claim on a table's width: `min` columns whenever it is drawn,
/// growing towards `want` (its widest cell) while there is room.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Claim {
    pub min: usize,
    pub want: usize,
}

impl Claim {
    /// Always `cols` wide: a column of markers that must never be cut.
    pub fn fixed(cols: usize) -> Claim {
        Claim {
            min: cols,
            want: cols,
        }
    }

    /// As wide as the widest of `cells` (cleaned), at most `max` (a hostile
    /// 10,000-character name must not take a screen); never cut below
    /// `min`, nor given more than it needs.
    pub fn of<'a>(cells: impl IntoIterator<Item = &'a str>, min: usize, max: usize) -> Claim {
        let widest = cells
            .into_iter()
            .map(|c| width(&clean(c)))
            .max()
            .unwrap_or(0);
        let min = min.min(widest);
        Claim {
            min,
            want: widest.clamp(min, max.max(min)),
        }
    }
}

/// Splits `cols` among columns (separators are the caller's): each gets its
/// `min`, then the spare goes round one column at a time to those still
/// short of their `want`, so short columns are whole before long ones share
/// what remains; anything left after every want goes to column `rest`.
/// When even the mins do not fit, the last columns get less.
pub fn share(cols: usize, claims: &[Claim], rest: Option<usize>) -> Vec<usize> {
    let mut left = cols;
    let mut out: Vec<usize> = claims
        .iter()
        .map(|c| {
            let w = c.min.min(left);
            left -= w;
            w
        })
        .collect();
    while left > 0 {
        let mut grew = false;
        for (w, c) in out.iter_mut().zip(claims) {
            if left > 0 && *w < c.want {
                *w += 1;
                left -= 1;
                grew = true;
            }
        }
        if !grew {
            break;
        }
    }
    if let Some(w) = rest.and_then(|i| out.get_mut(i)) {
        *w += left;
    }
    out
}

/// `clean`ed `s` in lines of at most `cols` columns, broken between words
/// where it can and inside a word longer than a line: every character is
/// kept (a conflict shows both texts whole). At least one line.
pub fn wrap_all(s: &str, cols: usize) -> Vec<String> {
    let cols = cols.max(1);
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in clean(s).split_whitespace() {
        if !line.is_empty() && width(&line) + 1 + width(word) <= cols {
            line.push(' ');
            line.push_str(word);
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        for c in word.chars() {
            let cw = UnicodeWidthChar::width(c).unwrap_or(0);
            if !line.is_empty() && width(&line) + cw > cols {
                lines.push(std::mem::take(&mut line));
            }
            line.push(c);
        }
    }
    lines.push(line);
    lines
}

/// The first of `variants` (richest first) that fits in `cols` columns;
/// failing all, the last one cut to fit. How a line drops its less
/// important words before its markers.
pub fn first_fit(variants: &[String], cols: usize) -> String {
    variants
        .iter()
        .find(|v| width(&clean(v)) <= cols)
        .map(|v| clean(v).into_owned())
        .unwrap_or_else(|| truncate(variants.last().map_or("", String::as_str), cols))
}

/// Joins `(glue, text, min)` parts in at most `cols` columns, each glue
/// before its text, by cutting the texts longer than their `min` (the
/// longest the most) rather than the end of the line: a very long name
/// gives way before the grade, school and id after it.
pub fn squeeze(parts: &[(&str, &str, usize)], cols: usize) -> String {
    let claims: Vec<Claim> = parts
        .iter()
        .map(|(_, text, min)| {
            let w = width(&clean(text));
            Claim {
                min: (*min).min(w),
                want: w,
            }
        })
        .collect();
    let glue: usize = parts.iter().map(|(g, _, _)| width(g)).sum();
    let widths = share(cols.saturating_sub(glue), &claims, None);
    let line: String = parts
        .iter()
        .zip(widths)
        .map(|((g, text, _), w)| format!("{g}{}", truncate(text, w)))
        .collect();
    truncate(&line, cols)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_escape_sequences_and_bidi_overrides() {
        // What was taken out leaves one visible mark per run.
        assert_eq!(clean("Ro\x1b[2J\x1b[31mse"), "Ro\u{FFFD}se");
        assert_eq!(clean("a\x1b]0;pwned\x07b"), "a\u{FFFD}b");
        assert_eq!(clean("a\x1b]8;;http://x\x1b\\b"), "a\u{FFFD}b");
        assert_eq!(clean("x\u{9b}31my"), "x\u{FFFD}y");
        assert_eq!(
            clean("evil\u{202E}txt.exe\u{2066}"),
            "evil\u{FFFD}txt.exe\u{FFFD}"
        );
        assert_eq!(clean("tab\there\nnew"), "tab here new");
        assert_eq!(clean("bell\x07del\x7f"), "bell\u{FFFD}del\u{FFFD}");
    }

    #[test]
    fn keeps_combining_marks_and_wide_chars() {
        assert_eq!(clean("Jose\u{301} 王小明"), "Jose\u{301} 王小明");
        assert!(matches!(clean("plain"), Cow::Borrowed(_)));
    }

    #[test]
    fn wrap_all_keeps_every_character() {
        assert_eq!(
            wrap_all("keep this whole sentence", 10),
            ["keep this", "whole", "sentence"]
        );
        assert_eq!(wrap_all("abcdefghij", 4), ["abcd", "efgh", "ij"]);
        assert_eq!(wrap_all("", 4), [""]);
        assert_eq!(wrap_all("王小明王", 5), ["王小", "明王"]);
    }

    #[test]
    fn fit_pads_and_cuts_by_display_width() {
        assert_eq!(fit("abc", 5), "abc  ");
        assert_eq!(fit("abcdef", 4), "abc…");
        assert_eq!(width(&fit("王小明王小明", 6)), 6);
        // 王 is two columns: "王小" + "…" is five, padded to six.
        assert_eq!(fit("王小明王", 6), "王小… ");
        assert_eq!(fit("Jose\u{301}", 4), "Jose\u{301}");
        assert_eq!(fit("x", 0), "");
        assert_eq!(truncate("abcdef", 4), "abc…");
    }

    #[test]
    fn columns_share_the_spare_short_ones_first() {
        let c = |min, want| Claim { min, want };
        // Everything fits: each gets its want, the rest goes to column 0.
        assert_eq!(
            share(40, &[c(5, 10), c(3, 4), c(5, 20)], Some(0)),
            [16, 4, 20]
        );
        // Not enough: the short column is whole, the long ones share.
        assert_eq!(share(30, &[c(5, 30), c(3, 6), c(5, 30)], None), [12, 6, 12]);
        // Not even the mins: the last column is cut.
        assert_eq!(share(8, &[c(5, 30), c(5, 5)], None), [5, 3]);
        // 王小明 is six columns wide, capped at five.
        assert_eq!(Claim::of(["ab", "王小明", "\x1b[2Jx"], 2, 5), c(2, 5));
        assert_eq!(Claim::of(["ab", "\x1b[2Jx"], 1, 9), c(1, 2), "�x");
        // Short cells need no more than their width, whatever the minimum.
        assert_eq!(Claim::of(["Kim, Bo"], 20, 40), c(7, 7));
        assert_eq!(Claim::fixed(7), c(7, 7));
    }

    #[test]
    fn first_fit_drops_words_before_markers() {
        let v = [
            "sessions 62% · minutes 60% of plan ⚑".to_string(),
            "minutes 60% ⚑".into(),
        ];
        assert_eq!(first_fit(&v, 40), v[0]);
        assert_eq!(first_fit(&v, 20), "minutes 60% ⚑");
        assert_eq!(first_fit(&v, 8), "minutes…");
    }

    #[test]
    fn a_long_name_gives_way_to_what_follows_it() {
        let name = "Oyelaran-Whitfield-Montgomery-Abernathy, Adebayo Christopher";
        let parts = [
            ("", name, 12),
            (" · ", "grade 05", 8),
            (" · ", "Lincoln Elementary", 10),
            (" · ", "100206", 6),
        ];
        let line = squeeze(&parts, 62);
        assert!(
            line.ends_with(" · grade 05 · Lincoln Elementary · 100206"),
            "{line}"
        );
        assert_eq!(width(&line), 62);
        // Narrower, the school is cut too, but the grade and id stay whole.
        let line = squeeze(&parts, 50);
        assert!(
            line.contains(" · grade 05 · Lincoln") && line.ends_with(" · 100206"),
            "{line}"
        );
        assert!(
            line.starts_with("Oyelaran-") && line.contains('…'),
            "{line}"
        );
        // Room for everything: nothing is cut.
        assert_eq!(
            squeeze(&parts[1..], 80),
            " · grade 05 · Lincoln Elementary · 100206"
        );
    }
}
