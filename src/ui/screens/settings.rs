//! The Settings editor: the scope, a table of settings (value, built-in
//! default), the selected one's description, and the one-field form while
//! a value is edited.

use crate::app::loadable::Pending as LoadPending;
use crate::app::screens::settings::{SettingsState, View};
use crate::domain::enums::PgEnum;
use crate::domain::settings::as_text;
use crate::ui::sanitize::{clean, fit, truncate};
use crate::ui::theme::Theme;
use crate::ui::widgets::form;
use crate::ui::widgets::pending::{self, Pending};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};

pub fn render(frame: &mut Frame, area: Rect, s: &SettingsState, theme: &Theme) {
    let why;
    let waiting = match s.book.pending() {
        None => None,
        Some(LoadPending::Failed(w)) => {
            why = clean(w);
            Some(Pending::Failed {
                why: &why,
                hint: pending::BACK_OR_RETRY,
            })
        }
        Some(LoadPending::Loading) => Some(Pending::Loading("loading the settings…")),
    };
    if let Some(p) = waiting {
        pending::render(frame, area, p, theme);
        return;
    }
    let Some(book) = s.book.get() else {
        return;
    };
    if let Some(ed) = &s.editing {
        let label = book
            .settings
            .iter()
            .find(|x| x.key == ed.key)
            .map_or(ed.key.clone(), |x| x.label.clone());
        let title = format!("{} ({})", clean(&label), s.scope_label());
        return form::render(frame, area, &title, &ed.form, theme);
    }
    let [top, head, body, about] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(3),
    ])
    .areas(area);
    let w = usize::from(area.width);
    let scope_line = Line::from(vec![
        Span::styled("Scope: ", theme.dim),
        Span::styled(clean(&s.scope_label()).into_owned(), theme.hotkey),
        Span::styled("  (s: next scope)", theme.dim),
    ]);
    frame.render_widget(Paragraph::new(scope_line), top);
    let rows = usize::from(body.height);
    if s.view == View::Mine {
        frame.render_widget(
            Paragraph::new(fit("Key                        Value", w)).style(theme.header),
            head,
        );
        let lines: Vec<Line> = book
            .mine
            .iter()
            .enumerate()
            .take(rows)
            .map(|(i, o)| {
                let style = if i == s.cursor.at() {
                    theme.selected
                } else {
                    Style::default()
                };
                Line::styled(
                    fit(
                        &format!(
                            "{} {}",
                            fit(&clean(&o.key), 26),
                            clean(&o.value.to_string())
                        ),
                        w,
                    ),
                    style,
                )
            })
            .collect();
        let text = if lines.is_empty() {
            vec![Line::styled("nothing saved for you yet", theme.dim)]
        } else {
            lines
        };
        frame.render_widget(Paragraph::new(text), body);
        let note = "your own rows: state caseload keeps for you (read-only here)";
        frame.render_widget(Paragraph::new(note).style(theme.dim), about);
        return;
    }
    let shown = s.settings();
    let scope = s.scope();
    let label_w = w.saturating_sub(14 + 12 + 2).clamp(10, 34);
    let line = |label: &str, value: &str, default: &str| {
        fit(
            &format!(
                "{} {} {}",
                fit(label, label_w),
                fit(value, 14),
                fit(default, 12)
            ),
            w,
        )
    };
    frame.render_widget(
        Paragraph::new(line("Setting", "Value", "Built-in")).style(theme.header),
        head,
    );
    let offset = crate::ui::scroll_offset(0, s.cursor.at(), rows, shown.len());
    let lines: Vec<Line> = shown
        .iter()
        .enumerate()
        .skip(offset)
        .take(rows)
        .map(|(i, x)| {
            let own = scope.as_ref().and_then(|sc| x.value_at(sc));
            let value = match own {
                Some(v) => as_text(v),
                None => format!("{} (district)", as_text(&x.value)),
            };
            let style = if i == s.cursor.at() {
                theme.selected
            } else if own.is_none() {
                theme.dim
            } else {
                Style::default()
            };
            Line::styled(
                line(
                    &clean(&x.label),
                    &clean(&value),
                    x.built_in().unwrap_or("none"),
                ),
                style,
            )
        })
        .collect();
    if lines.is_empty() {
        let none = "no setting here varies by school: s goes to the next scope";
        frame.render_widget(Paragraph::new(none).style(theme.dim), body);
    } else {
        frame.render_widget(Paragraph::new(lines), body);
    }
    if let Some(x) = shown.get(s.cursor.at()) {
        let text = format!(
            "{} ({}, {}): {}",
            clean(&x.key),
            x.value_type.label(),
            if x.per_school {
                "district and per school"
            } else {
                "district-wide"
            },
            clean(&x.description)
        );
        frame.render_widget(
            Paragraph::new(truncate(&text, w * 3))
                .style(theme.dim)
                .wrap(Wrap { trim: true }),
            about,
        );
    }
}
