//! My caseload: one line a student, with what is open and the last contact.

use crate::app::my_caseload::MyCaseloadState;
use crate::domain::my_caseload::MyStudent;
use crate::ui::theme::Theme;
use crate::ui::widgets::listing::{self, Listing};
use crate::ui::widgets::pending::{self, BACK_OR_RETRY, loading_or_failed};
use crate::ui::widgets::table::{Column, Table};
use ratatui::Frame;
use ratatui::layout::Rect;

fn interventions(s: &MyStudent) -> String {
    let Some((name, status)) = &s.most_urgent else {
        return "—".into();
    };
    let status = crate::ui::words::status(*status);
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

/// One line a student; the open interventions take what is left. Below 100
/// columns the school gives way (the grade stays) so they still show.
fn table(s: &MyCaseloadState, width: u16) -> Table {
    let wide = width >= 100;
    let (place, name) = if wide {
        ("grade · school", 24)
    } else {
        ("grade", 20)
    };
    Table {
        columns: vec![
            Column::new("student", 12, name),
            Column::new(place, 5, 20),
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
                    if wide {
                        format!("{} · {}", x.grade, x.school)
                    } else {
                        x.grade.to_string()
                    },
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
    let title = format!(
        "your counselees and students of your interventions (owner or team) · by {}",
        s.sort.label()
    );
    let n = list.students.len();
    let count = if list.more {
        format!("the first {n} students · more… (the roster's mine filter lists them all)")
    } else {
        format!("{n} student{}", if n == 1 { "" } else { "s" })
    };
    let foot = format!("{count} · s sorts by {}", s.sort.next().label());
    let listing = Listing {
        title: &title,
        table: table(s, area.width),
        cursor: s.cursor.at(),
        empty: "no students: none has you as counselor, and you own or are on no intervention",
        foot: &foot,
    };
    listing::render(frame, area, listing, theme);
}
