//! The menu screen: navigation_items as the user's roles allow.

use crate::app::State;
use crate::app::menu::{EntryKind, MenuState};
use crate::ui::sanitize::truncate;
use crate::ui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

pub fn render(frame: &mut Frame, area: Rect, m: &MenuState, state: &State, theme: &Theme) {
    if m.entries().is_empty() {
        if let crate::app::Conn::Failed { reason, .. } = &state.conn {
            let text = format!("cannot connect: {reason} (r to retry)");
            crate::ui::centered_wrapped(frame, area, &text, theme.error);
            return;
        }
        let text = if !state.is_connected() {
            "waiting for the database…"
        } else if !m.loaded() {
            "loading the menu…"
        } else {
            "nothing here yet: your roles grant no approved tools"
        };
        crate::ui::centered_text(frame, area, text, theme.dim);
        return;
    }
    let width = usize::from(area.width);
    let height = usize::from(area.height);
    let offset = crate::ui::scroll_offset(0, m.cursor, height, m.entries().len());
    let lines: Vec<Line> = m.entries()[offset..]
        .iter()
        .take(height)
        .enumerate()
        .map(|(i, e)| {
            let indent = "  ".repeat(e.depth + 1);
            match &e.kind {
                EntryKind::Header => Line::styled(
                    truncate(&format!("{indent}{}", e.label), width),
                    theme.group,
                ),
                EntryKind::Separator => {
                    Line::styled(format!("{indent}{}", "─".repeat(20)), theme.dim)
                }
                EntryKind::Item { .. } => {
                    let key = e.hotkey.map_or("   ".to_string(), |k| format!("[{k}]"));
                    let text = truncate(&format!("{indent}{key} {}", e.label), width);
                    if offset + i == m.cursor {
                        let pad =
                            " ".repeat(width.saturating_sub(crate::ui::sanitize::width(&text)));
                        Line::styled(format!("{text}{pad}"), theme.selected)
                    } else {
                        Line::from(vec![Span::raw(text)])
                    }
                }
            }
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), area);
}
