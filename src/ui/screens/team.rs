//! The intervention detail's team tab: the members, what the keys do here
//! (and why the owner cannot be removed), and the add / remove dialogs.

use crate::app::intervention::{DetailState, Tab};
use crate::app::team::{Picker, TeamEdit};
use crate::domain::intervention::InterventionDetail;
use crate::domain::kinds::TeamRole;
use crate::domain::team::CANDIDATE_LIMIT;
use crate::ui::intervention::{list, popup, rows};
use crate::ui::sanitize::truncate;
use crate::ui::theme::Theme;
use crate::ui::widgets::question;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

pub fn render(
    frame: &mut Frame,
    area: Rect,
    s: &DetailState,
    d: &InterventionDetail,
    theme: &Theme,
) {
    if let Some(TeamEdit::Form(f)) = &s.team_edit {
        crate::ui::form::render(frame, area, &f.title(), &f.form, theme);
        return;
    }
    let [members, hint] =
        Layout::vertical([Constraint::Fill(1), Constraint::Length(1)]).areas(area);
    list(frame, members, &rows(d, Tab::Team), s.cursor, theme);
    let owner_selected = d
        .team
        .get(s.cursor)
        .is_some_and(|m| m.role == TeamRole::Owner);
    let text = if owner_selected {
        "n add · the owner always stays on the team: change the owner first"
    } else {
        "n add · x remove the selected member"
    };
    frame.render_widget(
        Paragraph::new(Line::styled(
            truncate(text, usize::from(hint.width)),
            theme.dim,
        )),
        hint,
    );
    match &s.team_edit {
        Some(TeamEdit::Pick(p)) => picker(frame, area, p, theme),
        Some(TeamEdit::ConfirmRemove { name, saving, .. }) => {
            let role = d
                .team
                .get(s.cursor)
                .map(|m| m.role.as_str())
                .unwrap_or("member");
            let q = format!("remove {name} ({role}) from the team?");
            let lines = if saving.is_some() {
                vec![Line::raw(q), question::doing("removing…", 58, theme)]
            } else {
                question::lines(&q, "remove", "keep them", 58, theme)
            };
            popup(frame, area, "remove from the team?", lines, 60, theme);
        }
        _ => {}
    }
}

fn picker(frame: &mut Frame, area: Rect, p: &Picker, theme: &Theme) {
    // Title, search line, status and keys take five rows with the border.
    let room = usize::from(area.height).saturating_sub(6).max(1);
    let rows = p.found.len() + 1;
    let offset = crate::ui::scroll_offset(0, p.cursor, room, rows);
    let mut lines = vec![Line::raw(format!("name: {}▏", p.line.text))];
    let entries = std::iter::once("+ someone outside caseload (name and organisation)".to_string())
        .chain(p.found.iter().map(|c| {
            if c.roles.is_empty() {
                c.name.clone()
            } else {
                format!("{} · {}", c.name, c.roles)
            }
        }));
    for (i, text) in entries.enumerate().skip(offset).take(room) {
        let selected = i == p.cursor;
        let text = format!("{} {text}", if selected { "▸" } else { " " });
        lines.push(if selected {
            Line::styled(text, theme.selected)
        } else {
            Line::raw(text)
        });
    }
    let status = if let Some(e) = &p.error {
        Line::styled(e.clone(), theme.error)
    } else if p.req.is_some() {
        Line::styled("searching…", theme.busy)
    } else if p.found.is_empty() {
        let what = if p.line.text.trim().is_empty() {
            "no one else is active in caseload".to_string()
        } else {
            format!(
                "no active user not on the team matches \"{}\"",
                p.line.text.trim()
            )
        };
        Line::styled(what, theme.dim)
    } else if p.found.len() as i64 >= CANDIDATE_LIMIT {
        Line::styled(
            format!("first {CANDIDATE_LIMIT} shown: type to narrow"),
            theme.dim,
        )
    } else {
        Line::styled(format!("{} found", p.found.len()), theme.dim)
    };
    lines.push(status);
    lines.push(Line::styled(
        "type a name · ↑/↓ choose · enter: pick · esc: cancel",
        theme.dim,
    ));
    popup(frame, area, "add to the team", lines, 64, theme);
}
