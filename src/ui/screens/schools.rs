//! The schools screen: a table of every school.

use crate::app::loadable::Loadable;
use crate::app::schools::SchoolsState;
use crate::domain::enums::PgEnum;
use crate::ui::sanitize::{clean, fit};
use crate::ui::theme::Theme;
use crate::ui::widgets::pending::{self, Pending};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

pub fn render(frame: &mut Frame, area: Rect, s: &SchoolsState, theme: &Theme) {
    let why;
    let pending = match &s.list {
        Loadable::Loaded(_) => None,
        Loadable::Failed(w) => {
            why = clean(w);
            Some(Pending::Failed {
                why: &why,
                hint: pending::BACK_OR_RETRY,
            })
        }
        Loadable::Idle | Loadable::Loading(_) => Some(Pending::Loading("loading the schools…")),
    };
    if let Some(p) = pending {
        pending::render(frame, area, p, theme);
        return;
    }
    let [head, body, foot] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(1),
    ])
    .areas(area);
    let width = usize::from(area.width);
    let shown = s.shown();
    // Short names are as wide as the longest one (within reason), so they
    // are not cut while the name column has room to spare.
    let short_w = shown
        .iter()
        .map(|sc| crate::ui::sanitize::width(&clean(sc.short_name.as_deref().unwrap_or(""))))
        .max()
        .unwrap_or(0)
        .clamp("Short".len(), 24);
    let longest_name = shown
        .iter()
        .map(|sc| crate::ui::sanitize::width(&clean(&sc.name)))
        .max()
        .unwrap_or(0)
        .max("Name".len());
    // Name takes what the fixed columns leave, but no more than it needs:
    // on a wide terminal the other columns stay next to it.
    let name_w = width
        .saturating_sub(short_w + 12 + 9 + 8 + 4)
        .min(longest_name)
        .max(8);
    let line = |name: &str, short: &str, id: &str, grades: &str, active: &str| {
        fit(
            &format!(
                "{} {} {} {} {}",
                fit(name, name_w),
                fit(short, short_w),
                fit(id, 12),
                fit(grades, 9),
                fit(active, 8)
            ),
            width,
        )
    };
    frame.render_widget(
        Paragraph::new(line("Name", "Short", "Local id", "Grades", "Active")).style(theme.header),
        head,
    );
    let rows = usize::from(body.height);
    let offset = crate::ui::scroll_offset(0, s.cursor.at(), rows, shown.len());
    let lines: Vec<Line> = shown
        .iter()
        .enumerate()
        .skip(offset)
        .take(rows)
        .map(|(i, sc)| {
            let text = line(
                &clean(&sc.name),
                &clean(sc.short_name.as_deref().unwrap_or("")),
                &clean(&sc.local_id),
                &format!("{}–{}", sc.low_grade.label(), sc.high_grade.label()),
                if sc.is_active { "yes" } else { "no" },
            );
            let style = if i == s.cursor.at() {
                theme.selected
            } else if sc.is_active {
                ratatui::style::Style::default()
            } else {
                theme.dim
            };
            Line::styled(text, style)
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), body);
    let total = s.list.get().map_or(0, Vec::len);
    let footer = if s.hide_inactive {
        format!(
            "{} of {total} schools (active only; i shows all)",
            shown.len()
        )
    } else {
        format!("{total} schools (i hides inactive ones)")
    };
    frame.render_widget(Paragraph::new(fit(&footer, width)).style(theme.dim), foot);
}
