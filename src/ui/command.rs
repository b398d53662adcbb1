//! The `:` command line, drawn over the status line while it is open.

use super::sanitize;
use super::theme::Theme;
use crate::app::State;
use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

const HINT: &str = " enter run · esc cancel ";

/// Returns where the cursor goes: after the typed text.
pub fn render(frame: &mut Frame, area: Rect, state: &State, theme: &Theme) -> Position {
    let line = &state.command;
    let width = usize::from(area.width);
    let hint = if width >= 60 { HINT } else { "" };
    // One column for ":" and one for the cursor after the last character.
    let room = width.saturating_sub(sanitize::width(hint) + 2).max(1);
    let before: String = line.text.chars().take(line.cursor).collect();
    let after: String = line.text.chars().skip(line.cursor).collect();
    // Long lines scroll so that the cursor stays in view.
    let mut shown_before = before.as_str();
    while sanitize::width(shown_before) > room {
        let mut chars = shown_before.chars();
        chars.next();
        shown_before = chars.as_str();
    }
    let before_cols = sanitize::width(shown_before);
    let shown_after = sanitize::truncate(&after, room + 1 - before_cols);
    let text = format!(":{shown_before}{shown_after}");
    let pad = width.saturating_sub(sanitize::width(&text) + sanitize::width(hint));
    let spans = vec![
        Span::styled(text, theme.title),
        Span::styled(" ".repeat(pad), theme.title),
        Span::styled(hint, theme.dim),
    ];
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
    let x = area
        .x
        .saturating_add(u16::try_from(1 + before_cols).unwrap_or(u16::MAX));
    Position::new(x.min(area.right().saturating_sub(1)), area.y)
}
