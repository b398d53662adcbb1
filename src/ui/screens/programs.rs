//! Intervention programs: the table, the defaults form, and a program's
//! session fields with the new field's form below them.

use crate::app::loadable::Pending as LoadPending;
use crate::app::screens::programs::{FieldsEdit, Mode, ProgramsState};
use crate::domain::programs::{describe, is_retired};
use crate::ui::sanitize::{clean, truncate};
use crate::ui::theme::Theme;
use crate::ui::widgets::pending::{self, Pending};
use crate::ui::widgets::table::{Column, Table};
use crate::ui::widgets::{form, question};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

pub fn render(frame: &mut Frame, area: Rect, s: &ProgramsState, theme: &Theme) {
    match &s.mode {
        Mode::Defaults { new, form: f, .. } => {
            let title = if *new { "New program" } else { "Edit program" };
            form::render(frame, area, title, f, theme);
            return;
        }
        Mode::Fields(f) => return render_fields(frame, area, f, theme),
        Mode::List => {}
    }
    let why;
    let waiting = match s.list.pending() {
        None => None,
        Some(LoadPending::Failed(w)) => {
            why = clean(w);
            Some(Pending::Failed {
                why: &why,
                hint: pending::BACK_OR_RETRY,
            })
        }
        Some(LoadPending::Loading) => Some(Pending::Loading("loading the programs…")),
    };
    if let Some(p) = waiting {
        pending::render(frame, area, p, theme);
        return;
    }
    let n = |v: Option<i16>| v.map_or("–".to_string(), |v| v.to_string());
    let table = Table {
        columns: vec![
            Column::new("Name", 16, 36),
            Column::new("Type", 8, 22),
            Column::whole("Tier"),
            Column::whole("Plan"),
            Column::whole("Evidence"),
            Column::whole("Fields"),
            Column::whole("Sessions"),
            Column::new("School", 0, 0),
        ],
        rows: s
            .programs()
            .iter()
            .map(|p| {
                let live = p.fields.iter().filter(|f| !is_retired(f)).count();
                let retired = p.fields.len() - live;
                vec![
                    if p.is_active {
                        p.name.clone()
                    } else {
                        format!("{} (inactive)", p.name)
                    },
                    p.intervention_type.to_string().replace('_', " "),
                    p.default_tier.to_string(),
                    format!("{}×{} min, {} wk", n(p.per_week), n(p.minutes), n(p.weeks)),
                    p.evidence_level.clone().unwrap_or_else(|| "–".into()),
                    if retired > 0 {
                        format!("{live} (+{retired} retired)")
                    } else {
                        live.to_string()
                    },
                    p.sessions.to_string(),
                    p.school.clone().unwrap_or_else(|| "district".into()),
                ]
            })
            .collect(),
    };
    let width = usize::from(area.width);
    // Narrow: the evidence level and the school are in the edit form.
    let table = table.without(|i| width < 100 && (i == 4 || i == 7));
    let lines = table.lines(width, usize::from(area.height), s.cursor.at(), true, theme);
    frame.render_widget(Paragraph::new(lines), area);
}

fn render_fields(frame: &mut Frame, area: Rect, f: &FieldsEdit, theme: &Theme) {
    let form_h = if f.adding.is_some() {
        area.height / 2
    } else {
        3
    };
    let [list, foot] =
        Layout::vertical([Constraint::Fill(1), Constraint::Length(form_h)]).areas(area);
    let width = usize::from(area.width);
    let mut lines = vec![Line::styled(
        truncate(
            &format!(
                "Session fields of {}, in the editor's order",
                clean(&f.name)
            ),
            width,
        ),
        theme.group,
    )];
    if f.fields.is_empty() {
        lines.push(Line::styled("none yet: n adds one", theme.dim));
    }
    let rows = usize::from(list.height).saturating_sub(1);
    let offset = crate::ui::scroll_offset(0, f.at.at(), rows, f.fields.len());
    lines.extend(
        f.fields
            .iter()
            .enumerate()
            .skip(offset)
            .take(rows)
            .map(|(i, x)| {
                let text = truncate(&format!("{:>2}. {}", i + 1, clean(&describe(x))), width);
                if i == f.at.at() && f.adding.is_none() {
                    Line::styled(text, theme.selected)
                } else if is_retired(x) {
                    Line::styled(text, theme.dim)
                } else {
                    Line::raw(text)
                }
            }),
    );
    frame.render_widget(Paragraph::new(lines), list);
    if let Some(new) = &f.adding {
        form::render(frame, foot, "New field", new, theme);
        return;
    }
    let mut below = Vec::new();
    if f.confirm_discard {
        below.extend(question::lines(
            "discard your changes to the fields?",
            "discard",
            "keep editing",
            width,
            theme,
        ));
    } else if let Some(n) = &f.notice {
        below.push(Line::styled(truncate(&clean(n), width), theme.error));
    } else if f.saving.is_some() {
        below.push(Line::styled("saving…", theme.busy));
    } else if f.fields != f.original {
        below.push(Line::styled(
            "changed: ctrl-s saves, esc asks before dropping",
            theme.busy,
        ));
    }
    below.push(Line::styled(
        truncate(
            "a field is retired, never removed: saved sessions keep and show its values",
            width,
        ),
        theme.dim,
    ));
    frame.render_widget(Paragraph::new(below), foot);
}
