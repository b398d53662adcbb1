//! Characters a stored name must not hold: C0 and C1 controls (escape
//! sequences, tabs, line breaks, bells) and the bidi embeddings, overrides
//! and isolates that reorder what follows them on a line. The screens
//! replace them with a visible marker (ui::sanitize), the home lists a name
//! that has them as a data-quality warning, and the database refuses new
//! ones (0015_printable_names.sql, whose pattern matches this list).

/// U+202A–U+202E and U+2066–U+2069.
pub fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// A character that is not text: a control character or a bidi control.
pub fn is_control(c: char) -> bool {
    c.is_control() || is_bidi_control(c)
}

/// `s` holds a character no name may hold.
pub fn has_control(s: &str) -> bool {
    s.chars().any(is_control)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn controls_and_bidi_overrides_are_caught_letters_are_not() {
        for dirty in [
            "Evil\x1b[2J",
            "tab\there",
            "line\nbreak",
            "del\x7f",
            "c1\u{9b}",
            "x\u{202E}y",
            "x\u{2066}",
        ] {
            assert!(has_control(dirty), "{dirty:?}");
        }
        for clean in [
            "Ólafsdóttir",
            "Þórsson",
            "王小明",
            "Jose\u{301}",
            "O'Brien-Smith",
            "",
        ] {
            assert!(!has_control(clean), "{clean:?}");
        }
    }
}
