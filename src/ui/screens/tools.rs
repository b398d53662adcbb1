//! Tool approval: the tools table, the selected tool's review and history
//! below it, and whatever asks (the moves, the note, the question, the
//! roles) in that place.

use crate::app::loadable::Pending as LoadPending;
use crate::app::screens::tool_has_screen;
use crate::app::screens::tools::{Mode, ToolsState, keys::question};
use crate::domain::tools::{Tool, status_words, verb};
use crate::ui::sanitize::{clean, truncate};
use crate::ui::theme::Theme;
use crate::ui::widgets::pending::{self, Pending};
use crate::ui::widgets::table::{Column, Table};
use crate::ui::widgets::{form, question as ask};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

/// Lines under the table: the review and history, or what asks.
const BELOW: u16 = 8;

pub fn render(frame: &mut Frame, area: Rect, s: &ToolsState, theme: &Theme) {
    let why;
    let waiting = match s.list.pending() {
        None => None,
        Some(LoadPending::Failed(w)) => {
            why = clean(w);
            Some(Pending::Failed {
                why: &why,
                hint: pending::BACK_OR_RETRY,
            })
        }
        Some(LoadPending::Loading) => Some(Pending::Loading("loading the tools…")),
    };
    if let Some(p) = waiting {
        pending::render(frame, area, p, theme);
        return;
    }
    let below = BELOW.min(area.height / 2);
    let [top, bottom] =
        Layout::vertical([Constraint::Fill(1), Constraint::Length(below)]).areas(area);
    let width = usize::from(area.width);
    let table = Table {
        columns: vec![
            Column::new("Key", 8, 24),
            Column::new("Name", 10, 32),
            Column::whole("Status"),
            Column::new("Granted to", 0, 0),
        ],
        rows: s
            .tools()
            .iter()
            .map(|t| {
                let status = status_words(t.status);
                let status = if tool_has_screen(&t.key) {
                    status.to_string()
                } else {
                    format!("{status}, no screen")
                };
                vec![t.key.clone(), t.name.clone(), status, t.roles.join(", ")]
            })
            .collect(),
    };
    let lines = table.lines(
        width,
        usize::from(top.height),
        s.cursor.at(),
        matches!(s.mode, Mode::List),
        theme,
    );
    frame.render_widget(Paragraph::new(lines), top);
    if let Mode::Edit { editing, form: f } = &s.mode {
        let title = match (editing, s.selected()) {
            (Some(_), Some(t)) => format!("Rename \"{}\"", clean(&t.name)),
            _ => "New tool (it starts as a draft)".to_string(),
        };
        form::render(frame, bottom, &title, f, theme);
        return;
    }
    let Some(tool) = s.selected() else {
        let none = "no tools yet";
        frame.render_widget(Paragraph::new(Line::styled(none, theme.dim)), bottom);
        return;
    };
    match &s.mode {
        Mode::List => {
            frame.render_widget(Paragraph::new(review(tool, width, theme)), bottom);
        }
        Mode::ChooseMove { moves, at } => {
            let mut lines = vec![Line::styled(
                truncate(
                    &format!(
                        "Move \"{}\" ({}) on:",
                        clean(&tool.name),
                        status_words(tool.status)
                    ),
                    width,
                ),
                theme.group,
            )];
            lines.extend(moves.iter().enumerate().map(|(i, to)| {
                let text = truncate(&format!("  {}", verb(*to)), width);
                if i == at.at() {
                    Line::styled(text, theme.selected)
                } else {
                    Line::raw(text)
                }
            }));
            lines.push(Line::styled(
                "enter chooses · esc keeps it as it is",
                theme.dim,
            ));
            frame.render_widget(Paragraph::new(lines), bottom);
        }
        Mode::Note { to, form: f } => {
            let title = format!("{} \"{}\"", verb(*to), clean(&tool.name));
            form::render(frame, bottom, &title, f, theme);
        }
        Mode::Edit { .. } => {}
        Mode::Confirm { to, note } => {
            let mut lines = ask::lines(
                &question(&tool.name, *to),
                verb(*to),
                "keep it as it is",
                width,
                theme,
            );
            if let Some(n) = note {
                lines.insert(
                    0,
                    Line::raw(truncate(&format!("note: {}", clean(n)), width)),
                );
            }
            frame.render_widget(Paragraph::new(lines), bottom);
        }
        Mode::Grants { at } => {
            let roles = s.list.get().map_or(&[][..], |c| c.roles.as_slice());
            let mut lines = vec![Line::styled(
                truncate(
                    &format!(
                        "Who may open \"{}\" (space grants or takes away, s scope, esc done):",
                        clean(&tool.name)
                    ),
                    width,
                ),
                theme.group,
            )];
            let rows = usize::from(bottom.height).saturating_sub(1);
            let offset = crate::ui::scroll_offset(0, at.at(), rows, roles.len());
            lines.extend(
                roles
                    .iter()
                    .enumerate()
                    .skip(offset)
                    .take(rows)
                    .map(|(i, r)| {
                        let text = match tool.scope_of(&r.key) {
                            Some(scope) => format!("  [x] {}, scope {scope}", clean(&r.name)),
                            None => format!("  [ ] {}", clean(&r.name)),
                        };
                        let text = truncate(&text, width);
                        if i == at.at() {
                            Line::styled(text, theme.selected)
                        } else {
                            Line::raw(text)
                        }
                    }),
            );
            frame.render_widget(Paragraph::new(lines), bottom);
        }
    }
}

/// The selected tool's review: who asked, who reviewed when and why, then
/// its moves, newest first.
fn review<'a>(t: &Tool, width: usize, theme: &Theme) -> Vec<Line<'a>> {
    let mut lines = vec![Line::styled(
        truncate(&clean(t.description.as_deref().unwrap_or(&t.name)), width),
        theme.group,
    )];
    let reach = if t.reaches_menus() {
        if t.roles.is_empty() {
            "approved, granted to no role: on nobody's menu".to_string()
        } else {
            format!("on the menus of: {}", t.roles.join(", "))
        }
    } else {
        format!("{}: on nobody's menu", status_words(t.status))
    };
    lines.push(Line::raw(truncate(&reach, width)));
    if let Some(why) = crate::app::screens::tools::unapprovable(t) {
        lines.push(Line::styled(truncate(&clean(&why), width), theme.error));
    }
    if let Some(by) = &t.reviewed_by {
        let when = t
            .reviewed_at
            .map(|d| d.format(" %Y-%m-%d").to_string())
            .unwrap_or_default();
        let note = t
            .review_note
            .as_deref()
            .map(|n| format!(": {}", clean(n)))
            .unwrap_or_default();
        lines.push(Line::raw(truncate(
            &format!("last reviewed by {}{when}{note}", clean(by)),
            width,
        )));
    }
    for c in t.history.iter().rev() {
        let from = c
            .from
            .map(|f| format!("{} → ", status_words(f)))
            .unwrap_or_default();
        let by =
            c.by.as_deref()
                .map(|b| format!(" by {}", clean(b)))
                .unwrap_or_default();
        let note = c
            .note
            .as_deref()
            .map(|n| format!(" — {}", clean(n)))
            .unwrap_or_default();
        let text = format!(
            "{} {from}{}{by}{note}",
            c.at.format("%Y-%m-%d %H:%M"),
            status_words(c.to)
        );
        lines.push(Line::styled(truncate(&text, width), theme.dim));
    }
    lines
}
