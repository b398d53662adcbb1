//! A list screen's body: a title line, the table with its cursor (or one
//! line saying why there is nothing), and a count line below.

use crate::ui::sanitize::fit;
use crate::ui::theme::Theme;
use crate::ui::widgets::table::Table;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::widgets::Paragraph;

pub struct Listing<'a> {
    pub title: &'a str,
    pub table: Table,
    pub cursor: usize,
    /// Said in the middle when the table has no rows.
    pub empty: &'a str,
    pub foot: &'a str,
}

pub fn render(frame: &mut Frame, area: Rect, l: Listing<'_>, theme: &Theme) {
    let w = usize::from(area.width);
    let [head, body, foot] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(1),
    ])
    .areas(area);
    frame.render_widget(Paragraph::new(fit(l.title, w)).style(theme.header), head);
    if l.table.rows.is_empty() {
        crate::ui::centered_text(frame, body, l.empty, theme.dim);
    } else {
        let lines = l
            .table
            .lines(w, usize::from(body.height), l.cursor, true, theme);
        frame.render_widget(Paragraph::new(lines), body);
        l.table.note_rows(body, l.cursor);
    }
    frame.render_widget(Paragraph::new(fit(l.foot, w)).style(theme.dim), foot);
}

/// The count line of a newest-first list read a page at a time: where the
/// cursor is on the page, which way more rows lie, then `tail`.
pub fn page_foot(at: usize, n: usize, newer: bool, older: bool, tail: &str) -> String {
    let mut parts = vec![match n {
        0 => "no rows".to_string(),
        _ => format!("row {} of {n} on this page", at + 1),
    }];
    if newer {
        parts.push("newer above ↑".into());
    }
    if older {
        parts.push("older below ↓".into());
    }
    parts.push(tail.into());
    parts.join(" · ")
}
