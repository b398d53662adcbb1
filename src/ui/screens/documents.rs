//! The Documents screen: the page of documents, what is going on with the
//! selected one (`widgets::doc_actions`), and where the page is.

use crate::app::loadable::Pending as LoadPending;
use crate::app::screens::documents::DocsState;
use crate::domain::document::category_words;
use crate::domain::document::human_size;
use crate::ui::sanitize::{clean, fit};
use crate::ui::theme::Theme;
use crate::ui::widgets::doc_actions;
use crate::ui::widgets::listing::page_foot;
use crate::ui::widgets::pending::{self, Pending};
use crate::ui::widgets::table::{Column, Table};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::widgets::Paragraph;

const COLUMNS: [Column; 7] = [
    Column::whole("Uploaded"),
    Column::new("Student", 8, 22),
    Column::whole("Size"),
    Column::whole("Access"),
    Column::whole("Category"),
    Column::new("File", 10, 40),
    Column::new("Title", 0, 0),
];

/// Narrower than this, the access and category columns go, so names keep
/// room.
const NARROW: usize = 100;

pub fn render(frame: &mut Frame, area: Rect, s: &DocsState, theme: &Theme) {
    let width = usize::from(area.width);
    let [body, foot] = Layout::vertical([Constraint::Fill(1), Constraint::Length(1)]).areas(area);
    let body = doc_actions::split(frame, body, &s.docs, theme);
    let why;
    let pending = match s.page.pending() {
        None => None,
        Some(LoadPending::Failed(w)) => {
            why = clean(w);
            Some(Pending::Failed {
                why: &why,
                hint: pending::BACK_OR_RETRY,
            })
        }
        Some(LoadPending::Loading) => Some(Pending::Loading("loading the documents…")),
    };
    if let Some(p) = pending {
        pending::render(frame, body, p, theme);
    } else if s.rows().is_empty() {
        crate::ui::centered_text(
            frame,
            body,
            "no documents you may see: upload one on a student's record (tab 5, u)",
            theme.dim,
        );
    } else {
        let narrow = width < NARROW;
        let when = if narrow { "%m-%d" } else { "%Y-%m-%d %H:%M" };
        let table = Table {
            columns: COLUMNS.to_vec(),
            rows: s
                .rows()
                .iter()
                .map(|r| {
                    vec![
                        r.uploaded_at.format(when).to_string(),
                        r.student_name.clone(),
                        human_size(u64::try_from(r.byte_size).unwrap_or(0)),
                        if r.is_restricted { "restricted" } else { "" }.to_string(),
                        r.category
                            .as_deref()
                            .map(category_words)
                            .unwrap_or("")
                            .to_string(),
                        // Narrow, the access column goes: the mark rides
                        // on the name instead, so it is never lost.
                        if narrow && r.is_restricted {
                            format!("[restricted] {}", r.filename)
                        } else {
                            r.filename.clone()
                        },
                        r.title.clone().unwrap_or_default(),
                    ]
                })
                .collect(),
        }
        .without(|i| narrow && (i == 3 || i == 4));
        let lines = table.lines(
            width,
            usize::from(body.height),
            s.cursor.at(),
            s.docs.is_idle(),
            theme,
        );
        frame.render_widget(Paragraph::new(lines), body);
        doc_actions::overlay(frame, body, &s.docs, theme);
    }
    let page = s.page.get();
    let foot_text = page_foot(
        s.cursor.at(),
        s.rows().len(),
        page.is_some_and(|p| p.newer),
        page.is_some_and(|p| p.older),
        "newest first · enter opens the student's documents",
    );
    frame.render_widget(
        Paragraph::new(fit(&foot_text, width)).style(theme.dim),
        foot,
    );
}
