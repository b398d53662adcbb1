//! Missed sessions: a period's list (worst first), and the recent weeks
//! the intervention detail's sessions tab shows above its sessions. Counts
//! are whole sessions (`domain::missed::whole`).

use crate::app::missed::MissedState;
use crate::domain::intervention::InterventionDetail;
use crate::domain::missed::{self, Absences, Week, tally, whole};
use crate::ui::sanitize::truncate;
use crate::ui::theme::Theme;
use crate::ui::widgets::listing::{self, Listing};
use crate::ui::widgets::pending::{self, BACK_OR_RETRY, loading_or_failed};
use crate::ui::widgets::table::{Column, Table};
use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;

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
                    whole(w.expected).to_string(),
                    w.delivered.to_string(),
                    whole(w.missed()).to_string(),
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
        t.missed_sessions(),
        t.expected_sessions(),
    );
    let style = if t.missed_sessions() > 0 {
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
                        r.tally.expected_sessions(),
                        r.sessions_per_week
                    ),
                    r.tally.delivered.to_string(),
                    r.tally.missed_sessions().to_string(),
                    absences(&r.tally.absences),
                ]
            })
            .collect(),
    }
}

pub fn render(frame: &mut Frame, area: Rect, s: &MissedState, theme: &Theme) {
    let Some(list) = s.list.get() else {
        let loading = format!("counting missed sessions {}…", s.period.phrase());
        let p = loading_or_failed(s.list.error(), &loading, BACK_OR_RETRY);
        pending::render(frame, area, p, theme);
        return;
    };
    let title = format!(
        "missed sessions {} ({}) · expected Mon–Fri, pauses left out",
        list.period.phrase(),
        missed::dates(list.span),
    );
    let shown = list.rows.len();
    let foot = if s.full() {
        format!("the {shown} running interventions with the most missed sessions")
    } else {
        format!(
            "{shown} running intervention{} with missed sessions",
            if shown == 1 { "" } else { "s" }
        )
    };
    let empty = format!(
        "no running intervention you can see has missed a session {}",
        list.period.phrase()
    );
    let listing = Listing {
        title: &title,
        table: list_table(s, area.width),
        cursor: s.cursor.at(),
        empty: &empty,
        foot: &foot,
    };
    listing::render(frame, area, listing, theme);
}
