//! A pick-one list drawn over a screen: the typed filter on top, the
//! matching choices below with the cursor's reversed, a count at the foot.

use crate::app::picker::Picker;
use crate::ui::sanitize;
use crate::ui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

/// How one choice is shown: its label and a dimmer detail after it.
pub struct Shown {
    pub label: String,
    pub detail: String,
}

pub fn render<T: Clone>(
    frame: &mut Frame,
    area: Rect,
    title: &str,
    p: &Picker<T>,
    matches_on: impl Fn(&T) -> String,
    show: impl Fn(&T) -> Shown,
    theme: &Theme,
) {
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border)
        .title(format!(" {title} · type to narrow · enter picks · esc "));
    let inner = block.inner(area);
    frame.render_widget(Clear, area);
    frame.render_widget(block, area);
    let [input, list, foot] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(1),
    ])
    .areas(inner);
    let width = usize::from(inner.width);
    let typed = format!("> {}", sanitize::clean(&p.query));
    frame.render_widget(
        Paragraph::new(sanitize::truncate(&typed, width)).style(theme.hotkey),
        input,
    );
    let matches = p.matches(&matches_on);
    let note = match (&p.error, p.req) {
        (Some(e), _) => Some((e.clone(), theme.error)),
        (None, Some(_)) => Some(("loading…".to_string(), theme.dim)),
        (None, None) if matches.is_empty() => Some(("nothing matches".to_string(), theme.dim)),
        _ => None,
    };
    if let Some((text, style)) = note {
        frame.render_widget(
            Paragraph::new(sanitize::truncate(&text, width)).style(style),
            list,
        );
        return;
    }
    let height = usize::from(list.height);
    let offset = crate::ui::scroll_offset(0, p.cursor, height, matches.len());
    let lines: Vec<Line> = matches
        .iter()
        .enumerate()
        .skip(offset)
        .take(height)
        .filter_map(|(at, &i)| {
            let s = show(p.items.get(i)?);
            let label = sanitize::fit(&s.label, width.saturating_sub(1) * 2 / 3);
            let detail =
                sanitize::truncate(&s.detail, width.saturating_sub(sanitize::width(&label) + 1));
            Some(if at == p.cursor {
                Line::styled(format!("{label} {detail}"), theme.selected)
            } else {
                Line::from(vec![
                    Span::raw(label),
                    Span::raw(" "),
                    Span::styled(detail, theme.dim),
                ])
            })
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), list);
    let count = format!("{} of {}", matches.len(), p.items.len());
    frame.render_widget(
        Paragraph::new(sanitize::truncate(&count, width)).style(theme.dim),
        foot,
    );
}
