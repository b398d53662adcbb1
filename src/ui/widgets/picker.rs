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
    // The title says what is picked, cut to the border with a mark; the
    // keys went to the foot (a student's name and the keys did not fit a
    // 70-column box).
    let title = sanitize::truncate(title, usize::from(area.width).saturating_sub(4));
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(theme.border)
        .title(format!(" {title} "));
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
    let count = format!("{} of {}", matches.len(), p.items.len());
    let foot_text = sanitize::first_fit(
        &[
            format!("{count} · type to narrow · enter picks · esc closes"),
            format!("{count} · type · enter · esc"),
            count,
        ],
        width,
    );
    frame.render_widget(Paragraph::new(foot_text).style(theme.dim), foot);
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
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;

    /// The session picker's box (70 columns at most, as
    /// `render_log_pick` draws it) cut "Log a session for <name> · type to
    /// narrow · …" at 120 columns and more at 80: the title keeps what is
    /// picked for whom, the keys say themselves at the foot.
    #[test]
    fn the_title_fits_and_the_keys_are_at_the_foot() {
        let title = "Log a session for Nguyễn-Rodríguez, María Fernanda";
        let mut p: Picker<String> = Picker::loading(crate::app::ReqId(1));
        p.loaded(vec!["Read Naturally".into(), "Check-in".into()], |_| false);
        for width in [80u16, 120] {
            let w = (width - 4).min(70);
            let mut t = Terminal::new(TestBackend::new(width, 14)).unwrap();
            let theme = Theme::new(true);
            t.draw(|f| {
                render(
                    f,
                    Rect::new(0, 0, w, 14),
                    title,
                    &p,
                    |s| s.clone(),
                    |s| Shown {
                        label: s.clone(),
                        detail: String::new(),
                    },
                    &theme,
                )
            })
            .unwrap();
            let b = t.backend().buffer();
            let line = |y: u16| -> String { (0..w).map(|x| b[(x, y)].symbol()).collect() };
            assert!(line(0).contains(title), "{width}: {:?}", line(0));
            assert!(
                line(12).contains("2 of 2 · type to narrow · enter picks · esc closes"),
                "{width}: {:?}",
                line(12)
            );
        }
    }
}
