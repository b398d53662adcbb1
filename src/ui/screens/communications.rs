//! The communication log: the filter chips, the page of contacts, and a
//! line that says where the page is (or takes a typed filter).

use crate::app::loadable::Pending as LoadPending;
use crate::app::screens::communications::{CommsState, chips, words};
use crate::domain::contact_log::FollowUpState;
use crate::ui::sanitize::{clean, fit};
use crate::ui::theme::Theme;
use crate::ui::widgets::listing::page_foot;
use crate::ui::widgets::pending::{self, Pending};
use crate::ui::widgets::table::{Column, Table};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

const COLUMNS: [Column; 8] = [
    Column::whole("When"),
    Column::new("Student", 8, 22),
    Column::new("Guardian", 6, 18),
    Column::whole("Channel"),
    Column::whole("Dir"),
    Column::whole("Result"),
    Column::whole("Follow-up"),
    // Room for a purpose's first words before the names take it all.
    Column::new("Purpose", 16, 0),
];

/// Narrower than this, dates drop their year and the direction its column,
/// so names keep room.
const NARROW: usize = 100;
/// The direction's column in [`COLUMNS`].
const DIR: usize = 4;

fn follow_up(f: FollowUpState, day: &str) -> String {
    match f {
        FollowUpState::None => String::new(),
        FollowUpState::Open { due } => format!("due {}", due.format(day)),
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
        let narrow = width < NARROW;
        let (day, when) = if narrow {
            ("%m-%d", "%m-%d %H:%M")
        } else {
            ("%Y-%m-%d", "%Y-%m-%d %H:%M")
        };
        let table = Table {
            columns: COLUMNS.to_vec(),
            rows: s
                .rows()
                .iter()
                .map(|r| {
                    vec![
                        r.occurred_at.format(when).to_string(),
                        r.student_name.clone(),
                        r.guardian.clone().unwrap_or_default(),
                        words(r.channel.as_str()),
                        match r.direction.as_str() {
                            "inbound" => "in".to_string(),
                            _ => "out".to_string(),
                        },
                        r.result.map(|x| words(x.as_str())).unwrap_or_default(),
                        follow_up(r.follow_up, day),
                        r.purpose.clone(),
                    ]
                })
                .collect(),
        }
        .without(|i| narrow && i == DIR);
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
            frame.render_widget(
                Paragraph::new(vec![Line::raw(fit(&ask, width)), second]),
                foot,
            );
        }
        None => {
            let page = s.page.get();
            let text = page_foot(
                s.cursor.at(),
                s.rows().len(),
                page.is_some_and(|p| p.newer),
                page.is_some_and(|p| p.older),
                "newest first",
            );
            frame.render_widget(Paragraph::new(fit(&text, width)).style(theme.dim), foot);
        }
    }
}
