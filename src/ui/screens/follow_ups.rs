//! The follow-up queue: what the scope takes in, the table (overdue first),
//! and a line for the count or the snooze prompt; the people picker over
//! the table while reassigning.

use crate::app::loadable::Pending as LoadPending;
use crate::app::screens::communications::words;
use crate::app::screens::follow_ups::{FollowUpsState, Mode};
use crate::domain::contact_log::{FOLLOW_UP_ROWS, FollowUp};
use crate::ui::sanitize::{clean, fit};
use crate::ui::theme::Theme;
use crate::ui::widgets::pending::{self, Pending};
use crate::ui::widgets::table::{Column, Table};
use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

const COLUMNS: [Column; 7] = [
    Column::whole("Due"),
    Column::whole("When"),
    Column::new("Student", 8, 28),
    Column::whole("Channel"),
    Column::new("Guardian", 6, 24),
    Column::new("Owner", 6, 22),
    Column::new("Purpose", 0, 0),
];

/// How the row stands on `today`, in a few words.
fn when(s: &FollowUpsState, r: &FollowUp, today: Option<NaiveDate>) -> String {
    if s.saving(r.id) {
        return "saving…".into();
    }
    if r.done {
        return "✓ done".into();
    }
    let Some(today) = today else {
        return String::new();
    };
    match r.days_overdue(today) {
        0 if r.due == today => "due today".into(),
        0 => format!("in {} d", (r.due - today).num_days()),
        1 => "1 day late".into(),
        n => format!("{n} days late"),
    }
}

pub fn render(frame: &mut Frame, area: Rect, s: &FollowUpsState, theme: &Theme) {
    let why;
    let pending = match s.list.pending() {
        None => None,
        Some(LoadPending::Failed(w)) => {
            why = clean(w);
            Some(Pending::Failed {
                why: &why,
                hint: pending::BACK_OR_RETRY,
            })
        }
        Some(LoadPending::Loading) => Some(Pending::Loading("loading the follow-ups…")),
    };
    if let Some(p) = pending {
        pending::render(frame, area, p, theme);
        return;
    }
    let prompt_lines = if matches!(s.mode, Mode::Snooze { .. }) {
        2
    } else {
        1
    };
    let [head, body, foot] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(prompt_lines),
    ])
    .areas(area);
    let width = usize::from(area.width);
    frame.render_widget(
        Paragraph::new(fit(&format!("Scope: {}", s.scope.says()), width)).style(theme.dim),
        head,
    );
    let rows = s.rows();
    let table = Table {
        columns: COLUMNS.to_vec(),
        rows: rows
            .iter()
            .map(|r| {
                vec![
                    r.due.to_string(),
                    when(s, r, s.today),
                    r.student_name.clone(),
                    words(r.channel.as_str()),
                    r.guardian.clone().unwrap_or_default(),
                    r.owner.clone().unwrap_or_else(|| "nobody".into()),
                    r.purpose.clone(),
                ]
            })
            .collect(),
    };
    if rows.is_empty() {
        crate::ui::centered_text(
            frame,
            body,
            "no open follow-ups in this scope (s: another scope)",
            theme.dim,
        );
    } else {
        let lines = table.lines(
            width,
            usize::from(body.height),
            s.cursor.at(),
            matches!(s.mode, Mode::List),
            theme,
        );
        frame.render_widget(Paragraph::new(lines), body);
    }
    match &s.mode {
        Mode::Snooze { text, error } => {
            let due = s.selected().map(|r| r.due.to_string()).unwrap_or_default();
            let ask = format!(
                "Snooze (due {due}) to: {}▏ enter saves · esc keeps it",
                clean(text)
            );
            let second = match error {
                Some(e) => Line::styled(fit(e, width), theme.error),
                None => Line::styled(fit("YYYY-MM-DD, today or later", width), theme.dim),
            };
            frame.render_widget(Paragraph::new(vec![Line::raw(fit(&ask, width)), second]), foot);
        }
        _ => {
            let list = s.list.get();
            let open = rows.iter().filter(|r| !r.done).count();
            let more = if list.is_some_and(|l| l.more) {
                format!(" · more…: only the {FOLLOW_UP_ROWS} soonest due are listed")
            } else {
                String::new()
            };
            let line = format!("{open} open{more}");
            frame.render_widget(Paragraph::new(fit(&line, width)).style(theme.dim), foot);
        }
    }
    if let Mode::Reassign(p) = &s.mode {
        let [_, popup, _] = Layout::horizontal([
            Constraint::Fill(1),
            Constraint::Length(area.width.min(60)),
            Constraint::Fill(1),
        ])
        .areas(body);
        crate::ui::picker::render(
            frame,
            popup,
            "Hand the follow-up to",
            p,
            |x| x.name.clone(),
            |x| crate::ui::picker::Shown {
                label: x.name.clone(),
                detail: String::new(),
            },
            theme,
        );
    }
}
