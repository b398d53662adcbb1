//! The help overlay, generated from the key bindings so it cannot drift.

use super::sanitize;
use super::theme::Theme;
use crate::app::State;
use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

const KEY_COLS: usize = 20;

pub fn lines(state: &State, theme: &Theme) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    for (context, actions) in state.keymap.help() {
        if !out.is_empty() {
            out.push(Line::raw(""));
        }
        out.push(Line::styled(context.title(), theme.group));
        for (action, keys) in actions {
            out.push(Line::from(vec![
                Span::styled(
                    format!("  {}", sanitize::fit(&keys, KEY_COLS)),
                    theme.hotkey,
                ),
                Span::raw(action.description()),
            ]));
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
    out
}

pub fn render(frame: &mut Frame, area: Rect, state: &State, theme: &Theme) {
    let body = lines(state, theme);
    let want_h = u16::try_from(body.len() + 2).unwrap_or(u16::MAX);
    let want_w = body.iter().map(Line::width).max().unwrap_or(0) + 4;
    let want_w = u16::try_from(want_w).unwrap_or(u16::MAX);
    let [row] = Layout::vertical([Constraint::Length(want_h.min(area.height))])
        .flex(Flex::Center)
        .areas(area);
    let [popup] = Layout::horizontal([Constraint::Length(want_w.min(area.width))])
        .flex(Flex::Center)
        .areas(row);
    let inner = usize::from(popup.height.saturating_sub(2));
    let hidden = body.len().saturating_sub(inner);
    let title = if hidden > 0 {
        " Keys · esc or ? to close · j/k, pgup/pgdn scroll "
    } else {
        " Keys · esc or ? to close "
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border)
        .title(title);
    let offset = u16::try_from(state.help_scroll.min(hidden)).unwrap_or(u16::MAX);
    frame.render_widget(Clear, popup);
    frame.render_widget(Paragraph::new(body).block(block).scroll((offset, 0)), popup);
}
