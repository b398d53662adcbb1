//! The Reports screen: the reports written on this computer, newest first,
//! and the keys that write new ones.

use crate::app::screens::reports::ReportsState;
use crate::ui::sanitize::clean;
use crate::ui::theme::Theme;
use crate::ui::widgets::listing::{self, Listing};
use crate::ui::widgets::pending::{self, BACK_OR_RETRY, loading_or_failed};
use crate::ui::widgets::table::{Column, Table};
use ratatui::Frame;
use ratatui::layout::Rect;

pub fn render(frame: &mut Frame, area: Rect, s: &ReportsState, theme: &Theme) {
    let Some(list) = s.list.get() else {
        let p = loading_or_failed(s.list.error(), "reading the reports folder…", BACK_OR_RETRY);
        pending::render(frame, area, p, theme);
        return;
    };
    let dir = list
        .dir
        .as_ref()
        .map(|d| d.display().to_string())
        .unwrap_or_else(|| "no data folder".into());
    let title = format!("reports on this computer only, for now: {}", clean(&dir));
    let table = Table {
        columns: vec![
            Column::whole("written (UTC)"),
            Column::whole("files"),
            Column::new("report", 20, 0),
        ],
        rows: list
            .entries
            .iter()
            .map(|e| {
                vec![
                    e.written_at.format("%Y-%m-%d %H:%M").to_string(),
                    if e.csv.is_some() { "html csv" } else { "html" }.to_string(),
                    e.title.clone(),
                ]
            })
            .collect(),
    };
    let school = s
        .recap_school()
        .map(|sc| format!("{} ({})", sc.name, sc.local_id))
        .unwrap_or_else(|| "no school".into());
    let foot = format!(
        "{}new: 1 by school · 2 by counselor · 3 recap of {school} (s: school)",
        if s.running.is_some() {
            "writing… · "
        } else {
            ""
        }
    );
    listing::render(
        frame,
        area,
        Listing {
            title: &title,
            table,
            cursor: s.cursor.at(),
            empty: "no reports yet: 1, 2 or 3 writes one",
            foot: &foot,
        },
        theme,
    );
}
