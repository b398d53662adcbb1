//! The intervention forms: the program picker, the plan, goal and
//! data-point forms (drawn by `ui::form`), theirs-against-mine after a
//! conflict, and the delete confirmation.

use crate::app::iv_edit::{IvEditState, Kind, Stage, goal::number_text};
use crate::domain::plan::Program;
use crate::ui::sanitize::{fit, truncate};
use crate::ui::theme::Theme;
use crate::ui::widgets::pending::{self, BACK_OR_RETRY, loading_or_failed};
use crate::ui::widgets::question;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

pub fn render(frame: &mut Frame, area: Rect, e: &IvEditState, theme: &Theme) {
    match &e.stage {
        Stage::Loading => {
            let p = loading_or_failed(e.context.error(), "loading programs…", BACK_OR_RETRY);
            pending::render(frame, area, p, theme);
        }
        Stage::Picker { cursor } => picker(frame, area, e, *cursor, theme),
        Stage::Form(form) => {
            let mut title = e.heading();
            if let Kind::EditIntervention(h) = &e.kind {
                title.push_str(&format!(
                    " · owner now {}",
                    h.owner_name.as_deref().unwrap_or("nobody")
                ));
            }
            crate::ui::form::render(frame, area, &title, form, theme);
        }
        Stage::Conflict(c) => {
            let rows: Vec<(&str, String, String)> = e
                .specs()
                .iter()
                .zip(c.mine.iter().zip(&c.theirs))
                .map(|(s, (m, t))| (s.label.as_ref(), s.shown(m).into(), s.shown(t).into()))
                .collect();
            crate::ui::form::render_conflict(
                frame,
                area,
                &rows,
                c.by.as_deref(),
                e.saving.is_some(),
                theme,
            );
        }
        Stage::Confirm => {
            let q = match &e.kind {
                Kind::DeletePoint { point, .. } => format!(
                    "Delete the data point of {} ({})?",
                    point.measured_on,
                    number_text(point.value)
                ),
                _ => "Go ahead?".into(),
            };
            let [head, mid] =
                Layout::vertical([Constraint::Length(1), Constraint::Fill(1)]).areas(area);
            let w = usize::from(area.width);
            frame.render_widget(
                Paragraph::new(Line::styled(truncate(&e.heading(), w), theme.group)),
                head,
            );
            let lines = if e.saving.is_some() {
                vec![question::doing("deleting…", w, theme)]
            } else {
                question::lines(&q, "delete", "keep it", w, theme)
            };
            frame.render_widget(Paragraph::new(lines), mid);
        }
    }
}

/// "3×/wk · 30 min · 8 wk", as much as the program says.
fn plan_text(p: &Program) -> String {
    let mut parts = Vec::new();
    if let Some(n) = p.default_sessions_per_week {
        parts.push(format!("{n}×/wk"));
    }
    if let Some(m) = p.default_minutes {
        parts.push(format!("{m} min"));
    }
    if let Some(w) = p.default_weeks {
        parts.push(format!("{w} wk"));
    }
    parts.join(" · ")
}

fn picker(frame: &mut Frame, area: Rect, e: &IvEditState, cursor: usize, theme: &Theme) {
    let w = usize::from(area.width);
    let [head, list, about, keys] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Fill(1),
        Constraint::Length(2),
        Constraint::Length(1),
    ])
    .areas(area);
    // Name, then type, tier and plan as room allows.
    let name_w = (w * 3 / 10).clamp(12, 40);
    // "communication language", the longest type.
    let type_w = 22;
    let rest = w.saturating_sub(name_w + type_w + 10);
    frame.render_widget(
        Paragraph::new(vec![
            Line::styled(truncate(&e.heading(), w), theme.group),
            Line::styled(
                truncate(
                    &format!(
                        "  {} {} tier {}",
                        fit("Program", name_w),
                        fit("Type", type_w),
                        "Sessions"
                    ),
                    w,
                ),
                theme.header,
            ),
        ]),
        head,
    );
    let height = usize::from(list.height);
    let offset = crate::ui::scroll_offset(0, cursor, height, e.picker_len());
    let mut lines = Vec::new();
    for i in offset..(offset + height).min(e.picker_len()) {
        let text = match e.programs().get(i) {
            Some(p) => format!(
                "  {} {} {}    {}",
                fit(&p.name, name_w),
                fit(&p.intervention_type.to_string().replace('_', " "), type_w),
                p.default_tier,
                truncate(&plan_text(p), rest)
            ),
            None => format!(
                "  {} you name it and set type, tier and frequency",
                fit("Custom (no program)", name_w)
            ),
        };
        let style = if i == cursor {
            theme.selected
        } else {
            ratatui::style::Style::new()
        };
        lines.push(Line::styled(fit(&text, w), style));
    }
    frame.render_widget(Paragraph::new(lines), list);
    let detail = match e.programs().get(cursor) {
        Some(p) => format!(
            "{}: progress measure {}, monitored {}",
            p.name,
            p.progress_measure.as_deref().unwrap_or("not set"),
            p.monitoring_frequency
        ),
        None if e.programs().is_empty() => {
            "no approved programs for this student's school: make a custom plan".into()
        }
        None => "a plan of your own, without a program's defaults".into(),
    };
    frame.render_widget(
        Paragraph::new(Line::styled(
            crate::ui::sanitize::clean(&detail).into_owned(),
            theme.dim,
        ))
        .wrap(Wrap { trim: true }),
        about,
    );
    frame.render_widget(
        Paragraph::new(Line::styled(
            truncate("enter picks · j/k or arrows move · esc cancels", w),
            theme.dim,
        )),
        keys,
    );
}
