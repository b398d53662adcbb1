//! The intervention detail: header with fidelity, five tabs, the progress
//! chart on the goals tab, and the lifecycle prompt over it all.

use crate::app::intervention::{DetailState, Prompt, Tab};
use crate::app::labels::Label;
use crate::domain::intervention::InterventionDetail;
use crate::domain::kinds::GoalStatus;
use crate::domain::kinds::Outcome;
use crate::domain::progress::Verdict;
use crate::ui::chart::{self, ChartModel};
use crate::ui::sanitize::{first_fit, squeeze, truncate, width};
use crate::ui::theme::Theme;
use crate::ui::widgets::pending::{self, BACK_OR_RETRY, loading_or_failed};
use crate::ui::widgets::question;
use crate::ui::widgets::table::{Column, Table};
use crate::ui::words;
use chrono::NaiveDate;
use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph};

fn date(d: Option<NaiveDate>) -> String {
    d.map_or_else(|| "—".into(), |d| d.to_string())
}

fn header_lines(
    d: &InterventionDetail,
    today: Option<NaiveDate>,
    theme: &Theme,
    w: usize,
) -> Vec<Line<'static>> {
    let h = &d.header;
    let id = format!("({})", h.student_local_id);
    let mut out = vec![
        Line::styled(
            squeeze(
                &[
                    ("", &h.student_name, 12),
                    (" ", &id, usize::MAX),
                    (" · ", &h.name, 14),
                    (" · ", &h.school_name, 10),
                ],
                w,
            ),
            theme.header,
        ),
        Line::from(vec![
            Span::styled(
                format!("{} ", crate::ui::words::status(h.status)),
                theme.selected,
            ),
            Span::raw(truncate(
                &format!(
                    " {} · tier {} · owner {} · {} → {}",
                    h.intervention_type.to_string().replace('_', " "),
                    h.tier,
                    h.owner_name.as_deref().unwrap_or("—"),
                    date(h.start_date),
                    date(h.planned_end_date),
                ),
                w.saturating_sub(14),
            )),
        ]),
    ];
    let plan = match (h.sessions_per_week, h.minutes_per_session) {
        (Some(n), Some(m)) => format!("planned {n}×/week, {m} min"),
        (Some(n), None) => format!("planned {n}×/week"),
        _ => "no planned frequency".into(),
    };
    let fid = today.and_then(|t| d.fidelity(t));
    let (text, style) = match fid {
        Some(f) => {
            let del = &d.delivery.delivery;
            let forms = words::delivery_forms(
                &f,
                (del.sessions_delivered, del.minutes_delivered),
                d.settings.fidelity_threshold,
                &plan,
            );
            let style = if f.below_threshold {
                theme.error
            } else {
                theme.ok
            };
            (first_fit(&forms, w), style)
        }
        None => (
            truncate(&format!("{plan} · fidelity: not started"), w),
            theme.dim,
        ),
    };
    out.push(Line::styled(text, style));
    out
}

/// The tabs with their counts; when they do not fit padded, they lose the
/// padding before a count is cut.
fn tab_bar(s: &DetailState, theme: &Theme, w: usize) -> Line<'static> {
    let labels: Vec<(String, bool)> = Tab::ALL
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let n = s.detail.get().map_or(0, |d| match t {
                Tab::Goals => d.goals.len(),
                Tab::Sessions => usize::try_from(d.sessions_total).unwrap_or(0),
                Tab::Team => d.team.len(),
                Tab::Attachments => d.attachments.len(),
                Tab::Communications => d.communications.len(),
            });
            (format!("{} {} ({n})", i + 1, t.title()), *t == s.tab)
        })
        .collect();
    let padded: usize = labels.iter().map(|(l, _)| width(l) + 2).sum();
    let (pad, gap) = if padded <= w { (" ", "") } else { ("", " ") };
    let mut spans = Vec::new();
    for (i, (label, selected)) in labels.into_iter().enumerate() {
        if i > 0 && !gap.is_empty() {
            spans.push(Span::raw(gap));
        }
        let style = if selected { theme.selected } else { theme.dim };
        spans.push(Span::styled(format!("{pad}{label}{pad}"), style));
    }
    Line::from(spans)
}

pub fn render(frame: &mut Frame, area: Rect, s: &DetailState, theme: &Theme) {
    let Some(d) = s.detail.get() else {
        let p = loading_or_failed(s.detail.error(), "loading…", BACK_OR_RETRY);
        pending::render(frame, area, p, theme);
        return;
    };
    let w = usize::from(area.width);
    let [head, tabs, body] = Layout::vertical([
        Constraint::Length(3),
        Constraint::Length(1),
        Constraint::Fill(1),
    ])
    .areas(area);
    frame.render_widget(Paragraph::new(header_lines(d, s.today, theme, w)), head);
    let bar = tab_bar(s, theme, w);
    crate::ui::hits::tabs(tabs, &bar.spans);
    frame.render_widget(Paragraph::new(bar), tabs);
    match s.tab {
        Tab::Goals => goals(frame, body, d, s.cursor, theme),
        Tab::Team => crate::ui::team::render(frame, body, s, d, theme),
        Tab::Sessions => {
            let foot_lines = match &s.session_delete {
                Some(x) if x.req.is_some() => {
                    vec![question::doing(&format!("deleting {}…", x.label), w, theme)]
                }
                Some(x) => question::lines(
                    &format!("delete the session of {}?", x.label),
                    "delete",
                    "keep it",
                    w,
                    theme,
                ),
                None => vec![Line::styled(
                    truncate(
                        "L logs a session · enter or e edits the selected one · x deletes it",
                        w,
                    ),
                    theme.dim,
                )],
            };
            // Missed sessions above the list, as far as the list keeps
            // its header and a few rows.
            let room = usize::from(body.height).saturating_sub(foot_lines.len() + 4);
            let missed = super::missed::recent_weeks(d, s.today, w, room, theme);
            let [missed_area, rows_area, foot] = Layout::vertical([
                Constraint::Length(missed.len() as u16),
                Constraint::Fill(1),
                Constraint::Length(foot_lines.len() as u16),
            ])
            .areas(body);
            frame.render_widget(Paragraph::new(missed), missed_area);
            list(frame, rows_area, &rows(d, s.tab), s.cursor, theme);
            frame.render_widget(Paragraph::new(foot_lines), foot);
        }
        Tab::Attachments => {
            let rows_area = crate::ui::widgets::doc_actions::split(frame, body, &s.docs, theme);
            list(frame, rows_area, &rows(d, s.tab), s.cursor, theme);
            crate::ui::widgets::doc_actions::overlay(frame, rows_area, &s.docs, theme);
        }
        _ => list(frame, body, &rows(d, s.tab), s.cursor, theme),
    }
    if let Some(p) = &s.prompt {
        prompt(frame, area, p, d, theme);
    }
}

/// A list tab as a table (widgets::table): the goals tab has none.
pub(super) fn rows(d: &InterventionDetail, tab: Tab) -> Table {
    let (columns, rows) = match tab {
        Tab::Goals => (vec![], vec![]),
        Tab::Sessions => (
            vec![
                Column::whole("date"),
                Column::whole("min"),
                Column::whole("attendance"),
                Column::new("by", 8, 24),
                Column::new("note", 0, 0),
            ],
            d.sessions
                .iter()
                .map(|x| {
                    vec![
                        x.session_date.to_string(),
                        x.minutes.to_string(),
                        x.attendance.to_string().replace('_', " "),
                        x.delivered_by_name.clone().unwrap_or_else(|| "—".into()),
                        x.note.clone().unwrap_or_default(),
                    ]
                })
                .collect(),
        ),
        Tab::Team => (
            vec![
                Column::new("name", 12, 40),
                Column::whole("role"),
                Column::new("organisation", 0, 0),
            ],
            d.team
                .iter()
                .map(|m| {
                    vec![
                        m.name.clone(),
                        m.role.as_str().to_string(),
                        m.external_org.clone().unwrap_or_default(),
                    ]
                })
                .collect(),
        ),
        Tab::Attachments => (
            vec![
                Column::new("file", 12, 50),
                Column::whole("attached"),
                Column::new("caption", 0, 0),
            ],
            d.attachments
                .iter()
                .map(|a| {
                    vec![
                        a.filename.clone(),
                        a.attached_at.date_naive().to_string(),
                        a.caption.clone().unwrap_or_default(),
                    ]
                })
                .collect(),
        ),
        Tab::Communications => (
            vec![
                Column::whole("when"),
                Column::whole("channel"),
                Column::new("purpose", 10, 30),
                Column::whole("follow-up"),
                Column::new("summary", 0, 0),
            ],
            d.communications
                .iter()
                .map(|c| {
                    let follow = match (c.follow_up_due, c.follow_up_done_at) {
                        (Some(_), Some(done)) => format!("done {}", done.date_naive()),
                        (Some(due), None) => format!("due {due}"),
                        _ => String::new(),
                    };
                    vec![
                        c.occurred_at.date_naive().to_string(),
                        c.channel.clone(),
                        c.purpose.replace('_', " "),
                        follow,
                        c.summary.clone().unwrap_or_default(),
                    ]
                })
                .collect(),
        ),
    };
    Table { columns, rows }
}

pub(super) fn list(frame: &mut Frame, area: Rect, table: &Table, cursor: usize, theme: &Theme) {
    if table.rows.is_empty() {
        crate::ui::centered_text(frame, area, "nothing recorded yet", theme.dim);
        return;
    }
    let lines = table.lines(
        usize::from(area.width),
        usize::from(area.height),
        cursor,
        true,
        theme,
    );
    frame.render_widget(Paragraph::new(lines), area);
    table.note_rows(area, cursor);
}

fn goals(frame: &mut Frame, area: Rect, d: &InterventionDetail, cursor: usize, theme: &Theme) {
    let w = usize::from(area.width);
    if d.goals.is_empty() {
        crate::ui::centered_text(frame, area, "no goals yet: n adds one", theme.dim);
        return;
    }
    // The chart gets the room; the goal list shows a few rows around the cursor.
    let list_rows = d.goals.len().min(if area.height < 20 { 2 } else { 4 });
    let [list_area, verdict_area, chart_area, legend_area] = Layout::vertical([
        Constraint::Length(list_rows as u16),
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(1),
    ])
    .areas(area);
    let offset = crate::ui::scroll_offset(0, cursor, list_rows, d.goals.len());
    let lines: Vec<Line> = d
        .goals
        .iter()
        .enumerate()
        .skip(offset)
        .take(list_rows)
        .map(|(i, g)| {
            let f = &g.goal.fields;
            let num = |v: Option<f64>| v.map_or_else(|| "—".into(), |v| format!("{v}"));
            let mark = if i == cursor { "▸" } else { " " };
            let unit = f
                .unit
                .as_deref()
                .map(|u| format!(" {u}"))
                .unwrap_or_default();
            let measure = format!("{} {}{unit}", f.measure, f.direction);
            let range = format!("{} → {}", num(f.baseline_value), num(f.target_value));
            let status = format!("goal {}", words::goal_status(f.status));
            let text = squeeze(
                &[
                    (mark, &format!(" {}", f.statement), 30),
                    (" · ", &measure, 8),
                    (" · ", &range, usize::MAX),
                    (" · ", &status, usize::MAX),
                ],
                w,
            );
            let line = Line::raw(truncate(&text, w));
            if i == cursor {
                line.style(theme.selected)
            } else {
                line
            }
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), list_area);
    let Some(g) = d.goals.get(cursor) else { return };
    let f = &g.goal.fields;
    let (verdict, style) = match g.verdict(d.settings.decision_rule_points) {
        // A closed goal is not judged: a goal not met may lie above its
        // aimline, and "exceeding: consider raising the goal" would be wrong.
        _ if f.status != GoalStatus::Active => (
            format!(
                "none, the goal is closed ({})",
                words::goal_status(f.status)
            ),
            theme.dim,
        ),
        Ok(Verdict::NoRule) => (words::decision_rule(f.decision_rule).to_string(), theme.dim),
        Ok(v) => {
            let style = match v {
                Verdict::OffTrack => theme.error,
                Verdict::Exceeding => theme.ok,
                _ => theme.dim,
            };
            (
                format!("{} ({})", v.advice(), words::decision_rule(f.decision_rule)),
                style,
            )
        }
        Err(why) => (why.to_string(), theme.busy),
    };
    frame.render_widget(
        Paragraph::new(Line::styled(
            truncate(&format!("decision: {verdict}"), w),
            style,
        )),
        verdict_area,
    );
    match ChartModel::new(g, &d.markers) {
        Some(m) => {
            chart::render(frame, chart_area, &m, theme);
            frame.render_widget(
                Paragraph::new(Line::styled(truncate(&chart::legend(&m), w), theme.dim)),
                legend_area,
            );
        }
        None => crate::ui::centered_text(frame, chart_area, "no data points yet", theme.dim),
    }
}

/// The keys of the prompt's lists (`app::intervention::prompt_key_of`).
const CHOOSE_KEYS: &str = "j/k move · enter choose · esc cancel";

fn prompt(frame: &mut Frame, area: Rect, p: &Prompt, d: &InterventionDetail, theme: &Theme) {
    let status = crate::ui::words::status(d.header.status);
    let (title, lines): (String, Vec<Line>) = match p {
        Prompt::Actions { actions, cursor } => (
            format!("actions ({status})"),
            actions
                .iter()
                .enumerate()
                .map(|(i, a)| pick(a.label(), i == *cursor, theme))
                .chain([Line::styled(CHOOSE_KEYS, theme.dim)])
                .collect(),
        ),
        Prompt::Outcome { action, cursor } => (
            format!("{}: outcome", action.label()),
            Outcome::ALL
                .iter()
                .enumerate()
                .map(|(i, o)| pick(&o.as_str().replace('_', " "), i == *cursor, theme))
                .chain([Line::styled(CHOOSE_KEYS, theme.dim)])
                .collect(),
        ),
        Prompt::Notes { action, line, .. } => (
            format!("{}: notes (optional)", action.label()),
            vec![
                Line::raw(format!("{}▏", line.text)),
                Line::styled("enter: continue · esc: back", theme.dim),
            ],
        ),
        Prompt::Confirm {
            action,
            outcome,
            notes,
        } => {
            let mut l = Vec::new();
            if let Some(o) = outcome {
                l.push(Line::raw(format!(
                    "outcome: {}",
                    o.as_str().replace('_', " ")
                )));
            }
            if let Some(n) = notes {
                l.push(Line::raw(format!("notes: {n}")));
            }
            let q = format!(
                "{} this intervention ({status} → {})?",
                action.label(),
                action.target().to_string().replace('_', " ")
            );
            let no = if outcome.is_some() {
                "back to the notes".to_string()
            } else {
                format!("keep it {status}")
            };
            l.extend(question::lines(&q, action.label(), &no, 54, theme));
            (format!("{}?", action.label()), l)
        }
    };
    popup(frame, area, &title, lines, 56, theme);
}

/// A bordered box of `lines` in the middle of `area`, at most `max_width`
/// wide; each line is cut to fit.
pub(super) fn popup(
    frame: &mut Frame,
    area: Rect,
    title: &str,
    lines: Vec<Line>,
    max_width: u16,
    theme: &Theme,
) {
    let width = area.width.clamp(20, max_width.max(20)).min(area.width);
    let height = (lines.len() as u16 + 2).min(area.height);
    let [row] = Layout::vertical([Constraint::Length(height)])
        .flex(Flex::Center)
        .areas(area);
    let [popup] = Layout::horizontal([Constraint::Length(width)])
        .flex(Flex::Center)
        .areas(row);
    let inner_w = usize::from(width.saturating_sub(2));
    // A line that fits keeps its spans' styles (a question's keys).
    let lines: Vec<Line> = lines
        .into_iter()
        .map(|l| {
            if l.width() <= inner_w {
                return l;
            }
            let style = l.style;
            Line::styled(truncate(&l.to_string(), inner_w), style)
        })
        .collect();
    frame.render_widget(Clear, popup);
    frame.render_widget(
        Paragraph::new(lines).block(
            Block::default()
                .borders(Borders::ALL)
                .border_style(theme.border)
                .title(truncate(title, inner_w)),
        ),
        popup,
    );
}

fn pick(label: &str, selected: bool, theme: &Theme) -> Line<'static> {
    let text = format!("{} {label}", if selected { "▸" } else { " " });
    if selected {
        Line::styled(text, theme.selected)
    } else {
        Line::raw(text)
    }
}
