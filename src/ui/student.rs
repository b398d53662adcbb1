//! The student screen: profile, guardians and, for those who may read the
//! audit trail, the record's recent activity.

use super::sanitize::{fit, truncate};
use super::theme::Theme;
use crate::app::student::StudentState;
use crate::db::students::ActivityEvent;
use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

const LABEL: usize = 12;

fn date(d: Option<NaiveDate>) -> String {
    d.map_or_else(|| "—".to_string(), |d| d.to_string())
}

fn opt(s: &Option<String>) -> String {
    s.clone()
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| "—".to_string())
}

pub fn render(frame: &mut Frame, area: Rect, s: &StudentState, theme: &Theme) {
    let width = usize::from(area.width);
    let Some(d) = &s.detail else {
        let (text, style) = match &s.error {
            Some(e) => (format!("{e} (r to retry, esc to go back)"), theme.error),
            None => ("loading…".to_string(), theme.dim),
        };
        super::centered_text(frame, area, &text, style);
        return;
    };
    let r = &d.row;
    let flags = super::roster::flags(r);
    let fields: Vec<(&str, String)> = vec![
        ("Name", super::roster::name(r)),
        ("Grade", r.grade.to_string()),
        ("Status", r.status.to_string()),
        ("School", format!("{} ({})", d.school_name, r.school)),
        ("Local id", r.local_id.clone()),
        ("State id", opt(&d.state_id)),
        ("Born", date(d.date_of_birth)),
        ("Enrolled", date(d.enrollment_date)),
        ("Exited", date(d.exit_date)),
        ("Counselor", opt(&d.counselor)),
        (
            "Flags",
            if flags.is_empty() {
                "—".into()
            } else {
                flags
            },
        ),
    ];
    let mut lines: Vec<Line> = fields
        .into_iter()
        .map(|(label, value)| {
            Line::from(vec![
                Span::styled(fit(label, LABEL), theme.dim),
                Span::raw(truncate(&value, width.saturating_sub(LABEL))),
            ])
        })
        .collect();
    lines.push(Line::raw(""));
    lines.push(Line::styled("Guardians", theme.group));
    if d.guardians.is_empty() {
        lines.push(Line::styled("  none on record", theme.dim));
    }
    let cols = [
        ("Name", 24),
        ("Relationship", 13),
        ("Phone", 16),
        ("Email", 26),
        ("Prefers", 9),
    ];
    let row = |cells: [String; 5]| {
        let text = cells
            .iter()
            .zip(cols)
            .map(|(c, (_, w))| fit(c, w))
            .collect::<Vec<_>>()
            .join(" ");
        truncate(&format!("  {text}"), width)
    };
    if !d.guardians.is_empty() {
        lines.push(Line::styled(
            row(cols.map(|(t, _)| t.to_string())),
            theme.header,
        ));
    }
    for g in &d.guardians {
        let mut name = format!("{} {}", g.first_name, g.last_name);
        if g.is_emergency_contact {
            name.push_str(" *");
        }
        let prefers = [&g.preferred_channel, &g.preferred_language]
            .into_iter()
            .flatten()
            .map(String::as_str)
            .collect::<Vec<_>>()
            .join(", ");
        lines.push(Line::raw(row([
            name,
            g.relationship.replace('_', " "),
            opt(&g.phone),
            opt(&g.email),
            if prefers.is_empty() {
                "—".into()
            } else {
                prefers
            },
        ])));
    }
    activity(&mut lines, &d.activity, width, theme);
    frame.render_widget(Paragraph::new(lines), area);
}

/// Who viewed or changed the record. Nothing at all when the list is empty:
/// for most people that means they may not read the trail, not that nobody
/// touched the record.
fn activity(lines: &mut Vec<Line>, events: &[ActivityEvent], width: usize, theme: &Theme) {
    if events.is_empty() {
        return;
    }
    lines.push(Line::raw(""));
    lines.push(Line::styled("Activity", theme.group));
    let cols = [16, 20, 6, 24];
    let row = |cells: [&str; 5]| {
        let mut text: Vec<String> = cells.iter().zip(cols).map(|(c, w)| fit(c, w)).collect();
        text.push(cells[4].to_string());
        truncate(&format!("  {}", text.join(" ")), width)
    };
    lines.push(Line::styled(
        row(["When", "Who", "Action", "Table", "Changed"]),
        theme.header,
    ));
    for e in events {
        let table = e.table.replace('_', " ");
        let changed = e.changed.join(", ");
        lines.push(Line::raw(row([
            &e.when, &e.who, &e.action, &table, &changed,
        ])));
    }
}
