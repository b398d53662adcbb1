//! The Export screen: the three exports, the byte-order-mark choice, and
//! the person's export jobs as they go.

use crate::app::screens::export::{CHOICES, ExportState};
use crate::ui::sanitize::fit;
use crate::ui::theme::Theme;
use crate::ui::widgets::listing::{self, Listing};
use crate::ui::widgets::own_jobs;
use crate::ui::widgets::table::{Column, Table};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::widgets::Paragraph;

fn choices(s: &ExportState) -> Vec<[String; 2]> {
    let rows = [
        [
            "Roster".to_string(),
            "your saved roster filters and sort (E on the roster: as shown)".to_string(),
        ],
        [
            "My caseload".into(),
            "students you counsel or work with, one line per open intervention".into(),
        ],
        [
            format!("Sessions {}", s.period.phrase()),
            "sessions and progress measurements, two files (p: period)".into(),
        ],
    ];
    debug_assert_eq!(rows.len(), CHOICES);
    rows.to_vec()
}

pub fn render(frame: &mut Frame, area: Rect, s: &ExportState, theme: &Theme) {
    let [top, bottom] =
        Layout::vertical([Constraint::Length(CHOICES as u16 + 3), Constraint::Fill(1)]).areas(area);
    let table = Table {
        columns: vec![Column::new("export", 12, 32), Column::new("holds", 0, 0)],
        rows: choices(s).into_iter().map(Vec::from).collect(),
    };
    let bom = format!(
        "byte order mark (for Excel): {} (b) · enter: queue the export",
        if s.bom { "on" } else { "off" }
    );
    listing::render(
        frame,
        top,
        Listing {
            title: "CSV as you (only what you may see) to your downloads; audited; never overwritten",
            table,
            cursor: s.cursor.at(),
            empty: "",
            foot: &bom,
        },
        theme,
    );
    let w = usize::from(bottom.width);
    let [head, body] = Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(bottom);
    frame.render_widget(
        Paragraph::new(fit(
            "your exports: jobs run as you by your caseload window or `caseload worker --mine`",
            w,
        ))
        .style(theme.header),
        head,
    );
    let Some(jobs) = s.jobs.get() else {
        let words = s.jobs.error().unwrap_or("reading your export jobs…");
        frame.render_widget(Paragraph::new(fit(words, w)).style(theme.dim), body);
        return;
    };
    if jobs.jobs.is_empty() {
        frame.render_widget(
            Paragraph::new(fit("no exports yet: enter queues the selected one", w))
                .style(theme.dim),
            body,
        );
        return;
    }
    // The job queued here first, then the rest, newest first.
    let mut list = jobs.jobs.clone();
    if let Some(at) = s
        .queued
        .and_then(|id| list.iter().position(|j| j.row.id == id))
    {
        let j = list.remove(at);
        list.insert(0, j);
    }
    let lines = own_jobs::table(&list).lines(w, usize::from(body.height), 0, false, theme);
    frame.render_widget(Paragraph::new(lines), body);
}
