//! The help overlay, generated from the key bindings so it cannot drift:
//! the screen's keys first (`app::help::sections`), then where caseload is
//! connected, in full.

use super::sanitize;
use super::status::connection_text;
use super::theme::Theme;
use crate::app::{State, help};
use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

/// The key itself, after the two-column indent.
const KEY_COLS: usize = help::KEY_COLS - 2;

pub fn lines(state: &State, theme: &Theme) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    let cols = help::description_cols(state.width);
    for section in help::sections(state) {
        if !out.is_empty() {
            out.push(Line::raw(""));
        }
        out.push(Line::styled(section.title, theme.group));
        for (action, keys) in section.rows {
            let mut key = Some(Span::styled(
                format!("  {}", sanitize::fit(&keys, KEY_COLS)),
                theme.hotkey,
            ));
            for part in help::wrap(action.description(), cols) {
                let lead = key
                    .take()
                    .unwrap_or_else(|| Span::raw(" ".repeat(help::KEY_COLS)));
                out.push(Line::from(vec![lead, Span::raw(part)]));
            }
        }
    }
    out.push(Line::raw(""));
    out.push(Line::styled("Menu", theme.group));
    out.push(Line::from(vec![
        Span::styled(
            format!("  {}", sanitize::fit("[letter]", KEY_COLS)),
            theme.hotkey,
        ),
        Span::raw("open the item with that hotkey"),
    ]));
    out.push(Line::raw(""));
    out.push(Line::styled("Connection", theme.group));
    out.push(Line::raw(format!(
        "  {}",
        sanitize::clean(&state.connection_label)
    )));
    out.push(Line::raw(format!(
        "  {}",
        sanitize::clean(&connection_text(state, true))
    )));
    out
}

pub fn render(frame: &mut Frame, area: Rect, state: &State, theme: &Theme) {
    let body = lines(state, theme);
    let total = body.len();
    let want_h = u16::try_from(total + 2).unwrap_or(u16::MAX);
    let want_w = body.iter().map(Line::width).max().unwrap_or(0) + 4;
    let want_w = u16::try_from(want_w).unwrap_or(u16::MAX);
    let [row] = Layout::vertical([Constraint::Length(want_h.min(area.height))])
        .flex(Flex::Center)
        .areas(area);
    let [popup] = Layout::horizontal([Constraint::Length(want_w.min(area.width))])
        .flex(Flex::Center)
        .areas(row);
    let rows = usize::from(popup.height.saturating_sub(2));
    let first = state.help_scroll.min(total.saturating_sub(rows));
    let title = if total > rows {
        // Say there is more, and where we are, since nothing else would.
        format!(
            " Keys {}–{} of {total} · j/k PgDn/PgUp scroll · esc or ? to close ",
            first + 1,
            (first + rows).min(total)
        )
    } else {
        " Keys · esc or ? to close ".to_string()
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border)
        .title(title);
    let shown: Vec<Line> = body.into_iter().skip(first).take(rows).collect();
    frame.render_widget(Clear, popup);
    frame.render_widget(Paragraph::new(shown).block(block), popup);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::app::{Options, help_line_count};

    #[test]
    fn the_app_counts_the_lines_drawn_so_scrolling_stops_at_the_last() {
        let state = State::new(Options::default());
        let theme = Theme::new(true);
        assert_eq!(lines(&state, &theme).len(), help_line_count(&state));
    }
}
