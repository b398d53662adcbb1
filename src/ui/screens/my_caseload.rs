//! My caseload: one line a student, with what is open and the last contact.

use crate::app::my_caseload::MyCaseloadState;
use crate::domain::my_caseload::MyStudent;
use crate::ui::sanitize::fit;
use crate::ui::theme::Theme;
use crate::ui::widgets::pending::{self, BACK_OR_RETRY, loading_or_failed};
use crate::ui::widgets::table::{Column, Table};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::widgets::Paragraph;

fn interventions(s: &MyStudent) -> String {
    let Some((name, status)) = &s.most_urgent else {
        return "—".into();
    };
    let status = status.to_string().replace('_', " ");
    match s.open_interventions - 1 {
        more if more > 0 => format!("{name} ({status}) +{more} more"),
        _ => format!("{name} ({status})"),
    }
}

fn follow_ups(s: &MyStudent) -> String {
    match (s.open_follow_ups, s.overdue_follow_ups) {
        (0, _) => "—".into(),
        (n, 0) => n.to_string(),
        (n, late) => format!("{n} ({late} overdue)"),
    }
}

fn table(s: &MyCaseloadState) -> Table {
    Table {
        columns: vec![
            Column::new("student", 12, 24),
            Column::new("grade · school", 6, 14),
            Column::whole("follow-ups"),
            Column::whole("last contact"),
            Column::new("open interventions (most urgent)", 0, 0),
        ],
        rows: s
            .students()
            .iter()
            .map(|x| {
                vec![
                    x.name.clone(),
                    format!("{} · {}", x.grade, x.school),
                    follow_ups(x),
                    x.last_contact.as_ref().map_or_else(
                        || "—".into(),
                        |(on, ch)| format!("{on} {}", ch.replace('_', " ")),
                    ),
                    interventions(x),
                ]
            })
            .collect(),
    }
}

pub fn render(frame: &mut Frame, area: Rect, s: &MyCaseloadState, theme: &Theme) {
    let Some(list) = s.list.get() else {
        let p = loading_or_failed(s.list.error(), "loading your students…", BACK_OR_RETRY);
        pending::render(frame, area, p, theme);
        return;
    };
    let w = usize::from(area.width);
    let [head, body, foot] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(1),
    ])
    .areas(area);
    let title = format!(
        "your counselees and students of your interventions (owner or team) · by {}",
        s.sort.label()
    );
    frame.render_widget(Paragraph::new(fit(&title, w)).style(theme.header), head);
    if list.students.is_empty() {
        crate::ui::centered_text(
            frame,
            body,
            "no students: none has you as counselor, and you own or are on no intervention",
            theme.dim,
        );
    } else {
        let lines = table(s).lines(w, usize::from(body.height), s.cursor.at(), true, theme);
        frame.render_widget(Paragraph::new(lines), body);
    }
    let n = list.students.len();
    let count = if list.more {
        format!("the first {n} students · more… (the roster's mine filter lists them all)")
    } else {
        format!("{n} student{}", if n == 1 { "" } else { "s" })
    };
    let text = format!("{count} · s sorts by {}", s.sort.next().label());
    frame.render_widget(Paragraph::new(fit(&text, w)).style(theme.dim), foot);
}
