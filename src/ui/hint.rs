//! The hint line above the status line: the top screen's keys as it is now
//! (`app::hint`), as many as fit from the left, help always at the right.

use super::sanitize;
use super::theme::Theme;
use crate::app::State;
use crate::app::hint::{Hint, hints};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

const SEP: &str = " · ";

fn spans(h: &Hint, theme: &Theme) -> [Span<'static>; 2] {
    [
        Span::styled(sanitize::clean(&h.keys).into_owned(), theme.hotkey),
        Span::styled(format!(" {}", h.label), theme.dim),
    ]
}

fn cols(h: &Hint) -> usize {
    sanitize::width(&h.keys) + 1 + sanitize::width(h.label)
}

pub fn render(frame: &mut Frame, area: Rect, state: &State, theme: &Theme) {
    let hints = hints(state);
    let width = usize::from(area.width);
    // One column of margin each side, like the status line's.
    let help_cols = hints.help.as_ref().map_or(0, |h| cols(h) + 1);
    let room = width.saturating_sub(help_cols + 1);
    let mut out: Vec<Span> = vec![Span::raw(" ")];
    let mut used = 0;
    for (i, h) in hints.entries.iter().enumerate() {
        let sep = if i == 0 { 0 } else { sanitize::width(SEP) };
        if used + sep + cols(h) > room.saturating_sub(1) {
            break;
        }
        if sep > 0 {
            out.push(Span::styled(SEP, theme.dim));
        }
        out.extend(spans(h, theme));
        used += sep + cols(h);
    }
    if let Some(h) = &hints.help {
        out.push(Span::raw(
            " ".repeat(width.saturating_sub(1 + used + help_cols)),
        ));
        out.extend(spans(h, theme));
    }
    frame.render_widget(Paragraph::new(Line::from(out)), area);
}
