//! Missed sessions: the month's list (worst first), and the recent weeks
//! the intervention detail's sessions tab shows above its sessions.

use crate::app::missed::MissedState;
use crate::domain::intervention::InterventionDetail;
use crate::domain::missed::{Absences, Week, tally};
use crate::ui::sanitize::truncate;
use crate::ui::theme::Theme;
use crate::ui::widgets::listing::{self, Listing};
use crate::ui::widgets::pending::{self, BACK_OR_RETRY, loading_or_failed};
use crate::ui::widgets::table::{Column, Table};
use chrono::{Datelike, NaiveDate};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;

/// A count of sessions: whole when it is whole, else to one decimal
/// (expected sessions are pro-rated by days, `domain::missed`).
pub fn sessions(x: f64) -> String {
    let tenths = (x * 10.0).round() / 10.0;
    if tenths.fract() == 0.0 {
        format!("{tenths:.0}")
    } else {
        format!("{tenths:.1}")
    }
}

/// The logged absences by reason, "—" when none.
pub fn absences(a: &Absences) -> String {
    let parts: Vec<String> = [
        (a.student, "student absent"),
        (a.staff, "staff absent"),
        (a.cancelled, "cancelled"),
    ]
    .iter()
    .filter(|(n, _)| *n > 0)
    .map(|(n, what)| format!("{n} {what}"))
    .collect();
    if parts.is_empty() {
        "—".into()
    } else {
        parts.join(", ")
    }
}

/// How many weeks the detail's sessions tab looks back.
pub const RECENT_WEEKS: u64 = 4;

fn weeks_table(weeks: &[Week]) -> Table {
    Table {
        columns: vec![
            Column::whole("week of"),
            Column::whole("expected"),
            Column::whole("delivered"),
            Column::whole("missed"),
            Column::new("absences", 0, 0),
        ],
        rows: weeks
            .iter()
            .map(|w| {
                vec![
                    w.monday.format("%a %-d %b").to_string(),
                    sessions(w.expected),
                    w.delivered.to_string(),
                    sessions(w.missed()),
                    absences(&w.absences),
                ]
            })
            .collect(),
    }
}

/// The detail's missed-sessions block: a summary line, then (given room)
/// one row a week, newest first. Nothing when the plan expects nothing.
pub fn recent_weeks(
    d: &InterventionDetail,
    today: Option<NaiveDate>,
    w: usize,
    room: usize,
    theme: &Theme,
) -> Vec<Line<'static>> {
    let Some(today) = today else { return vec![] };
    let weeks = d.missed_weeks(today, RECENT_WEEKS);
    if weeks.is_empty() || room == 0 {
        return vec![];
    }
    let t = tally(&weeks);
    let logged = match t.absences.total() {
        0 => "none".into(),
        _ => absences(&t.absences),
    };
    let summary = format!(
        "missed sessions, last {} weeks: {} of {} expected · absences: {logged}",
        weeks.len(),
        sessions(t.missed),
        sessions(t.expected),
    );
    let style = if t.missed >= 1.0 {
        theme.error
    } else {
        theme.ok
    };
    let mut out = vec![Line::styled(truncate(&summary, w), style)];
    // The table only when it fits whole, with a line left for the sessions.
    if room >= weeks.len() + 2 {
        out.extend(weeks_table(&weeks).lines(w, weeks.len() + 1, 0, false, theme));
    }
    out
}

/// The intervention's name, with its status when it is not simply active.
fn named(r: &crate::domain::missed::MissedRow) -> String {
    use crate::domain::enums::InterventionStatus;
    match r.status {
        InterventionStatus::Active => r.of.name.clone(),
        other => format!("{} ({})", r.of.name, crate::ui::words::status(other)),
    }
}

/// Names first, then the counts, the reasons taking what is left. Below
/// 100 columns the names give up some width so the reasons still show.
fn list_table(s: &MissedState, width: u16) -> Table {
    let (student, name) = if width < 100 { (16, 18) } else { (24, 32) };
    Table {
        columns: vec![
            Column::new("student", 10, student),
            Column::new("intervention", 10, name),
            Column::whole("expected"),
            Column::whole("delivered"),
            Column::whole("missed"),
            Column::new("absences", 0, 0),
        ],
        rows: s
            .rows()
            .iter()
            .map(|r| {
                vec![
                    r.of.student_name.clone(),
                    named(r),
                    format!(
                        "{} ({}/wk)",
                        sessions(r.month.expected),
                        r.sessions_per_week
                    ),
                    r.month.delivered.to_string(),
                    sessions(r.month.missed),
                    absences(&r.month.absences),
                ]
            })
            .collect(),
    }
}

pub fn render(frame: &mut Frame, area: Rect, s: &MissedState, theme: &Theme) {
    let Some(month) = s.list.get() else {
        let p = loading_or_failed(
            s.list.error(),
            "counting missed sessions this month…",
            BACK_OR_RETRY,
        );
        pending::render(frame, area, p, theme);
        return;
    };
    let since = crate::domain::missed::month_start(month.today);
    let title = format!(
        "missed sessions {}–{} · expected by plan frequency, pauses left out",
        since.day(),
        month.today.format("%-d %b %Y")
    );
    let shown = month.rows.len();
    let foot = if s.full() {
        format!("the {shown} running interventions with the most missed sessions")
    } else {
        format!(
            "{shown} running intervention{} with missed sessions",
            if shown == 1 { "" } else { "s" }
        )
    };
    let listing = Listing {
        title: &title,
        table: list_table(s, area.width),
        cursor: s.cursor.at(),
        empty: "no running intervention you can see has missed a session this month",
        foot: &foot,
    };
    listing::render(frame, area, listing, theme);
}
