//! The password prompt. The input is drawn as one bullet per character and
//! never as text: this module reads only its length.

use super::sanitize;
use super::theme::Theme;
use crate::app::auth::AuthPrompt;
use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

const WIDTH: u16 = 64;

pub fn render(frame: &mut Frame, area: Rect, p: &AuthPrompt, theme: &Theme) {
    let width = WIDTH.min(area.width);
    let inner = usize::from(width.saturating_sub(4));
    let mut lines = vec![
        Line::raw(sanitize::fit(&format!("Password for {}", p.target), inner)),
        Line::styled(sanitize::fit(&p.reason, inner), theme.error),
        Line::raw(""),
    ];
    // The end of a long input stays in view, where the typing happens.
    let shown = p.input.char_count().min(inner.saturating_sub(3));
    lines.push(Line::from(vec![
        Span::styled("> ", theme.hotkey),
        Span::raw("•".repeat(shown)),
        Span::styled("▏", theme.dim),
    ]));
    lines.push(Line::raw(""));
    let mark = if p.remember { "[x]" } else { "[ ]" };
    lines.push(Line::from(vec![
        Span::raw(format!("{mark} remember in keyring  ")),
        Span::styled("ctrl-r", theme.hotkey),
    ]));
    if p.offer_forget {
        lines.push(Line::from(vec![
            Span::raw("stored password was rejected — "),
            Span::styled("ctrl-f", theme.hotkey),
            Span::raw(" to forget it"),
        ]));
    }
    if let Some(note) = &p.note {
        lines.push(Line::styled(sanitize::fit(note, inner), theme.dim));
    }
    let height = u16::try_from(lines.len() + 2).unwrap_or(u16::MAX);
    let [row] = Layout::vertical([Constraint::Length(height.min(area.height))])
        .flex(Flex::Center)
        .areas(area);
    let [popup] = Layout::horizontal([Constraint::Length(width)])
        .flex(Flex::Center)
        .areas(row);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border)
        .title(" Sign in · enter submit · esc cancel ");
    frame.render_widget(Clear, popup);
    frame.render_widget(Paragraph::new(lines).block(block), popup);
}
