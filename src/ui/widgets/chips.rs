//! The filter bar's line of chips (the roster's and the interventions
//! list's): `filters: [a] [b] …`, cut with "…" where the width ends, the
//! focused chip reversed while the bar has the keys; a dim hint when there
//! are none.

use crate::ui::sanitize;
use crate::ui::theme::Theme;
use ratatui::text::{Line, Span};

pub fn chip_line<'a>(
    labels: impl IntoIterator<Item = &'a str>,
    focus: Option<usize>,
    empty: &str,
    width: usize,
    theme: &Theme,
) -> Line<'static> {
    let mut spans = vec![Span::styled("filters:", theme.dim)];
    let mut used = sanitize::width("filters:");
    for (i, label) in labels.into_iter().enumerate() {
        let chip = format!("[{}]", sanitize::clean(label));
        let w = sanitize::width(&chip) + 1;
        if used + w > width {
            spans.push(Span::styled(" …", theme.dim));
            break;
        }
        used += w;
        spans.push(Span::raw(" "));
        let style = if focus == Some(i) {
            theme.selected
        } else {
            theme.hotkey
        };
        spans.push(Span::styled(chip, style));
    }
    if spans.len() == 1 {
        return Line::styled(sanitize::truncate(empty, width), theme.dim);
    }
    Line::from(spans)
}
