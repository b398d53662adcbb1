//! Every yes/no question (`app::confirm`) looks the same: the question,
//! then what `y` does and what the safe answer keeps, on one line when
//! they fit. The question may name people or rows: it is sanitised.

use crate::app::confirm;
use crate::ui::sanitize::{clean, truncate, width};
use crate::ui::theme::Theme;
use ratatui::text::{Line, Span};

/// The question and its keys in lines at most `w` wide: one line when both
/// fit, else the question wrapped over the keys.
pub fn lines<'a>(question: &str, yes: &str, no: &str, w: usize, theme: &Theme) -> Vec<Line<'a>> {
    let question = clean(question).into_owned();
    let keys = confirm::keys(yes, no);
    let gap = "  ";
    if width(&question) + gap.len() + width(&keys) <= w {
        return vec![Line::from(vec![
            Span::styled(question, theme.error),
            Span::raw(gap),
            Span::styled(keys, theme.hotkey),
        ])];
    }
    let mut out: Vec<Line> = crate::ui::auth::wrap(&question, w.max(1))
        .into_iter()
        .map(|l| Line::styled(l, theme.error))
        .collect();
    out.push(Line::styled(truncate(&keys, w), theme.hotkey));
    out
}

/// The question's place while the answer is being carried out.
pub fn doing<'a>(what: &str, w: usize, theme: &Theme) -> Line<'a> {
    Line::styled(truncate(&clean(what), w), theme.busy)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(lines: &[Line]) -> Vec<String> {
        lines.iter().map(ToString::to_string).collect()
    }

    #[test]
    fn one_line_when_it_fits_else_the_keys_below() {
        let t = Theme::new(true);
        assert_eq!(
            text(&lines("delete it?", "delete", "keep it", 80, &t)),
            ["delete it?  y delete · n, esc or enter keep it"]
        );
        assert_eq!(
            text(&lines(
                "delete the session of 2026-11-20?",
                "delete",
                "keep it",
                30,
                &t
            )),
            [
                "delete the session of",
                "2026-11-20?",
                "y delete · n, esc or enter ke…"
            ]
        );
    }
}
