//! The Export screen: the three exports, the byte-order-mark choice, and
//! what the last export wrote.

use crate::app::screens::export::{CHOICES, ExportState};
use crate::ui::theme::Theme;
use crate::ui::widgets::listing::{self, Listing};
use crate::ui::widgets::table::{Column, Table};
use ratatui::Frame;
use ratatui::layout::Rect;

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
    let table = Table {
        columns: vec![Column::new("export", 12, 32), Column::new("holds", 0, 0)],
        rows: choices(s).into_iter().map(Vec::from).collect(),
    };
    let last = match &s.last {
        _ if s.pending.is_some() => "exporting…".to_string(),
        Some(Ok(w)) => w.summary(),
        Some(Err(why)) => format!("export failed: {why}"),
        None => String::new(),
    };
    let bom = format!(
        "byte order mark (for Excel): {} (b)",
        if s.bom { "on" } else { "off" }
    );
    let foot = if last.is_empty() {
        bom
    } else {
        format!("{bom} · {last}")
    };
    listing::render(
        frame,
        area,
        Listing {
            title: "CSV as you (only what you may see) to your downloads; audited; never overwritten",
            table,
            cursor: s.cursor.at(),
            empty: "",
            foot: &foot,
        },
        theme,
    );
}
