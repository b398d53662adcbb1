//! The command palette's list, in a box just above the `:` line (which
//! `ui::command` draws on the status line): each entry in words, with
//! its keys at the right (a student's local id); the selection
//! highlighted; a student search on its way or failed said in the box.

use super::sanitize;
use super::theme::Theme;
use crate::app::State;
use crate::app::palette::matches;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

/// Rows of entries shown at most: more is a list to read, not to pick from.
const MOST: usize = 12;

pub fn render(frame: &mut Frame, body: Rect, state: &State, theme: &Theme) {
    let found = matches(state);
    let inner_w = usize::from(body.width.saturating_sub(2));
    let room = usize::from(body.height.saturating_sub(2)).min(MOST);
    if room == 0 || inner_w < 10 {
        return;
    }
    let selected = state.palette.selected.min(found.len().saturating_sub(1));
    // The selection stays in view.
    let offset = super::scroll_offset(0, selected, room, found.len());
    let mut lines: Vec<Line> = found
        .iter()
        .enumerate()
        .skip(offset)
        .take(room)
        .map(|(i, e)| {
            let keys = sanitize::truncate(&e.keys, inner_w / 3);
            let kw = sanitize::width(&keys);
            let label = sanitize::fit(&e.label, inner_w.saturating_sub(kw + 1));
            if i == selected {
                Line::styled(format!("{label} {keys}"), theme.selected)
            } else {
                Line::from(vec![
                    Span::raw(format!("{label} ")),
                    Span::styled(keys, theme.hotkey),
                ])
            }
        })
        .collect();
    if let Some(why) = &state.palette.students.failed {
        lines.push(Line::styled(sanitize::fit(why, inner_w), theme.error));
    }
    if found.is_empty() {
        lines.push(Line::styled(
            sanitize::truncate(
                "nothing matches: enter runs it as a command (open <tool>, drafts, quit, help)",
                inner_w,
            ),
            theme.dim,
        ));
    }
    let h = u16::try_from(lines.len() + 2)
        .unwrap_or(u16::MAX)
        .min(body.height);
    let area = Rect {
        x: body.x,
        y: body.bottom().saturating_sub(h),
        width: body.width,
        height: h,
    };
    let finding = if state.palette.students.asking.is_some() {
        " · finding students…"
    } else {
        ""
    };
    let title = format!(
        " {} of {}{finding} · ↑↓ choose · enter run · esc close ",
        found.len(),
        crate::app::palette::entries(state).len()
    );
    frame.render_widget(Clear, area);
    frame.render_widget(
        Paragraph::new(lines).style(theme.text).block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(theme.border)
                .title(Span::styled(sanitize::truncate(&title, inner_w), theme.dim)),
        ),
        area,
    );
}
