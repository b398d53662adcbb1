//! The schools screen: a table of every school.

use crate::app::loadable::Pending as LoadPending;
use crate::app::schools::SchoolsState;
use crate::domain::enums::PgEnum;
use crate::domain::school::School;
use crate::ui::sanitize::{clean, fit, width as width_of};
use crate::ui::theme::Theme;
use crate::ui::widgets::pending::{self, Pending};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

pub fn render(frame: &mut Frame, area: Rect, s: &SchoolsState, theme: &Theme) {
    if let Some(e) = &s.edit {
        let title = if e.new { "New school" } else { "Edit school" };
        crate::ui::widgets::form::render(frame, area, title, &e.form, theme);
        return;
    }
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
        Some(LoadPending::Loading) => Some(Pending::Loading("loading the schools…")),
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
    // A column as wide as its widest entry (as drawn), never narrower than
    // its heading.
    let widest = |heading: &str, of: &dyn Fn(&School) -> &str| {
        shown
            .iter()
            .map(|sc| width_of(&clean(of(sc))))
            .max()
            .unwrap_or(0)
            .max(heading.len())
    };
    let short_w = widest("Short", &|sc| sc.short_name.as_deref().unwrap_or("")).min(24);
    let longest_name = widest("Name", &|sc| &sc.name);
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
