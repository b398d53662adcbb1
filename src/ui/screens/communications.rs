//! The communication log: the filter chips, the page of contacts, and a
//! line that says where the page is (or takes a typed filter).

use crate::app::loadable::Pending as LoadPending;
use crate::app::screens::communications::{CommsState, chips, words};
use crate::domain::contact_log::FollowUpState;
use crate::ui::sanitize::{clean, fit};
use crate::ui::theme::Theme;
use crate::ui::widgets::pending::{self, Pending};
use crate::ui::widgets::table::{Column, Table};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

const COLUMNS: [Column; 8] = [
    Column::whole("When"),
    Column::new("Student", 8, 26),
    Column::new("Guardian", 6, 22),
    Column::whole("Channel"),
    Column::whole("Dir"),
    Column::whole("Result"),
    Column::whole("Follow-up"),
    Column::new("Purpose", 0, 0),
];

fn follow_up(f: FollowUpState) -> String {
    match f {
        FollowUpState::None => String::new(),
        FollowUpState::Open { due } => format!("due {due}"),
        FollowUpState::Done => "done".into(),
    }
}

pub fn render(frame: &mut Frame, area: Rect, s: &CommsState, theme: &Theme) {
    let width = usize::from(area.width);
    let [head, body, foot] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(if s.typing.is_some() { 2 } else { 1 }),
    ])
    .areas(area);
    let set = chips(&s.filters);
    let head_text = if set.is_empty() {
        "Filters: none (/ student · c channel · o result · [ ] dates · f open follow-up · m mine)"
            .to_string()
    } else {
        format!("Filters: {} (x clears)", set.join(" · "))
    };
    frame.render_widget(
        Paragraph::new(fit(&head_text, width)).style(theme.dim),
        head,
    );
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
        Some(LoadPending::Loading) => Some(Pending::Loading("loading the communication log…")),
    };
    if let Some(p) = pending {
        pending::render(frame, body, p, theme);
    } else if s.rows().is_empty() {
        let none = if s.filters.is_empty() {
            "no contacts you may see have been logged"
        } else {
            "no contacts match these filters"
        };
        crate::ui::centered_text(frame, body, none, theme.dim);
    } else {
        let table = Table {
            columns: COLUMNS.to_vec(),
            rows: s
                .rows()
                .iter()
                .map(|r| {
                    vec![
                        r.occurred_at.format("%Y-%m-%d %H:%M").to_string(),
                        r.student_name.clone(),
                        r.guardian.clone().unwrap_or_default(),
                        words(r.channel.as_str()),
                        match r.direction.as_str() {
                            "inbound" => "in".to_string(),
                            _ => "out".to_string(),
                        },
                        r.result.map(|x| words(x.as_str())).unwrap_or_default(),
                        follow_up(r.follow_up),
                        r.purpose.clone(),
                    ]
                })
                .collect(),
        };
        let lines = table.lines(
            width,
            usize::from(body.height),
            s.cursor.at(),
            s.typing.is_none(),
            theme,
        );
        frame.render_widget(Paragraph::new(lines), body);
    }
    match &s.typing {
        Some(t) => {
            let ask = format!(
                "{}: {}▏ enter applies · empty clears · esc keeps it",
                t.of.prompt(),
                clean(&t.text)
            );
            let second = match &t.error {
                Some(e) => Line::styled(fit(e, width), theme.error),
                None => Line::raw(""),
            };
            frame.render_widget(Paragraph::new(vec![Line::raw(fit(&ask, width)), second]), foot);
        }
        None => {
            let page = s.page.get();
            let n = s.rows().len();
            let mut parts = vec![match n {
                0 => "no rows".to_string(),
                _ => format!("row {} of {n} on this page", s.cursor.at() + 1),
            }];
            if page.is_some_and(|p| p.newer) {
                parts.push("newer above ↑".into());
            }
            if page.is_some_and(|p| p.older) {
                parts.push("older below ↓".into());
            }
            parts.push("newest first".into());
            frame.render_widget(
                Paragraph::new(fit(&parts.join(" · "), width)).style(theme.dim),
                foot,
            );
        }
    }
}
