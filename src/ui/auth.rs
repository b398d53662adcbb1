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
    let mut lines = vec![Line::raw(sanitize::fit(
        &format!("Password for {}", p.target),
        inner,
    ))];
    // The server's reason is the useful part: shown whole, wrapped.
    lines.extend(
        wrap(&sanitize::clean(&p.reason), inner)
            .into_iter()
            .map(|l| Line::styled(l, theme.error)),
    );
    lines.push(Line::raw(""));
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
    if p.confirm_forget {
        lines.extend(crate::ui::widgets::question::lines(
            "forget the stored password?",
            "forget it",
            "keep it",
            inner,
            theme,
        ));
    } else if p.offer_forget {
        lines.push(Line::from(vec![
            Span::raw("stored password was rejected — "),
            Span::styled("ctrl-f", theme.hotkey),
            Span::raw(" to forget it"),
        ]));
    }
    if let Some(note) = &p.note {
        lines.extend(
            wrap(note, inner)
                .into_iter()
                .map(|l| Line::styled(l, theme.dim)),
        );
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

/// Greedy word wrap by display width; a word wider than a line is cut.
pub(super) fn wrap(text: &str, cols: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let needed = sanitize::width(&line) + usize::from(!line.is_empty()) + sanitize::width(word);
        if !line.is_empty() && needed > cols {
            out.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
        if sanitize::width(&line) > cols {
            out.push(sanitize::truncate(&line, cols));
            line.clear();
        }
    }
    if !line.is_empty() {
        out.push(line);
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn wrap_keeps_every_word() {
        assert_eq!(
            super::wrap("password authentication failed for user", 16),
            ["password", "authentication", "failed for user"]
        );
        assert_eq!(super::wrap("abcdefghij", 4), ["abc…"]);
        assert!(super::wrap("", 4).is_empty());
    }
}
