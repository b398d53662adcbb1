//! Text from the database is untrusted: a student name must not be able to
//! move the cursor, retitle the window or reverse the line. Everything drawn
//! goes through `clean`, and columns are cut by display width, not bytes or
//! chars, so wide (CJK) and combining characters keep the table aligned.

use std::borrow::Cow;
use unicode_width::{UnicodeWidthChar, UnicodeWidthStr};

const REPLACEMENT: char = '\u{FFFD}';

fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

fn needs_cleaning(c: char) -> bool {
    c.is_control() || is_bidi_control(c)
}

/// Removes escape sequences and bidi overrides, turns tabs and newlines into
/// spaces and other control characters into U+FFFD. Borrows when there is
/// nothing to do, which is almost always.
pub fn clean(s: &str) -> Cow<'_, str> {
    if !s.chars().any(needs_cleaning) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\x1b' => match chars.next() {
                Some('[') => skip_csi(&mut chars),
                Some(']' | 'P' | 'X' | '^' | '_') => skip_string(&mut chars),
                // Two-character sequences (ESC c, ESC 7, …) end here.
                _ => {}
            },
            '\u{9b}' => skip_csi(&mut chars),
            '\u{90}' | '\u{98}' | '\u{9d}' | '\u{9e}' | '\u{9f}' => skip_string(&mut chars),
            '\t' | '\n' | '\r' => out.push(' '),
            c if is_bidi_control(c) => {}
            c if c.is_control() => out.push(REPLACEMENT),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_escape_sequences_and_bidi_overrides() {
        assert_eq!(clean("Ro\x1b[2J\x1b[31mse"), "Rose");
        assert_eq!(clean("a\x1b]0;pwned\x07b"), "ab");
        assert_eq!(clean("a\x1b]8;;http://x\x1b\\b"), "ab");
        assert_eq!(clean("x\u{9b}31my"), "xy");
        assert_eq!(clean("evil\u{202E}txt.exe\u{2066}"), "eviltxt.exe");
        assert_eq!(clean("tab\there\nnew"), "tab here new");
        assert_eq!(clean("bell\x07del\x7f"), "bell\u{FFFD}del\u{FFFD}");
    }

    #[test]
    fn keeps_combining_marks_and_wide_chars() {
        assert_eq!(clean("Jose\u{301} 王小明"), "Jose\u{301} 王小明");
        assert!(matches!(clean("plain"), Cow::Borrowed(_)));
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
}
