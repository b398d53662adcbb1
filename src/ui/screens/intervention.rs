//! The intervention detail: header with fidelity, five tabs, the progress
//! chart on the goals tab, and the lifecycle prompt over it all.

use crate::app::intervention::{DetailState, Prompt, Tab};
use crate::app::labels::Label;
use crate::domain::intervention::InterventionDetail;
use crate::domain::kinds::Outcome;
use crate::ui::chart::{self, ChartModel};
use crate::ui::sanitize::{fit, truncate};
use crate::ui::theme::Theme;
use crate::ui::widgets::pending::{self, BACK_OR_RETRY, loading_or_failed};
use crate::ui::widgets::question;
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
    let mut out = vec![
        Line::styled(
            truncate(
                &format!(
                    "{} ({}) · {} · {}",
                    h.student_name, h.student_local_id, h.name, h.school_name
                ),
                w,
            ),
            theme.header,
        ),
        Line::from(vec![
            Span::styled(
                format!("{} ", h.status.to_string().replace('_', " ")),
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
            let mut s = format!(
                "sessions {}/{:.0}",
                del.sessions_delivered, f.planned_sessions
            );
            if let Some(pm) = f.planned_minutes {
                s.push_str(&format!(" · minutes {}/{pm:.0}", del.minutes_delivered));
            }
            s.push_str(&format!(
                " · {} vs {:.0}%",
                crate::ui::home::fidelity_short(&f),
                d.settings.fidelity_threshold * 100.0
            ));
            if f.below_threshold {
                s.push_str(" below threshold");
                (s, theme.error)
            } else {
                (s, theme.ok)
            }
        }
        None => ("fidelity: not started".into(), theme.dim),
    };
    out.push(Line::from(vec![
        Span::raw(format!("{plan} · ")),
        Span::styled(truncate(&text, w.saturating_sub(plan.len() + 3)), style),
    ]));
    out
}

fn tab_bar(s: &DetailState, theme: &Theme) -> Line<'static> {
    let mut spans = Vec::new();
    for (i, t) in Tab::ALL.iter().enumerate() {
        let n = s.detail.get().map_or(0, |d| match t {
            Tab::Goals => d.goals.len(),
            Tab::Sessions => usize::try_from(d.sessions_total).unwrap_or(0),
            Tab::Team => d.team.len(),
            Tab::Attachments => d.attachments.len(),
            Tab::Communications => d.communications.len(),
        });
        let style = if *t == s.tab {
            theme.selected
        } else {
            theme.dim
        };
        spans.push(Span::styled(
            format!(" {} {} ({n}) ", i + 1, t.title()),
            style,
        ));
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
    frame.render_widget(Paragraph::new(tab_bar(s, theme)), tabs);
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
            let [rows_area, foot] = Layout::vertical([
                Constraint::Fill(1),
                Constraint::Length(foot_lines.len() as u16),
            ])
            .areas(body);
            list(frame, rows_area, &rows(d, s.tab), s.cursor, theme);
            frame.render_widget(Paragraph::new(foot_lines), foot);
        }
        _ => list(frame, body, &rows(d, s.tab), s.cursor, theme),
    }
    if let Some(p) = &s.prompt {
        prompt(frame, area, p, d, theme);
    }
}

/// One line per row of a list tab: a header row and the rows themselves.
pub(super) fn rows(d: &InterventionDetail, tab: Tab) -> (String, Vec<String>) {
    match tab {
        Tab::Goals => (String::new(), vec![]),
        Tab::Sessions => (
            format!(
                "{} {} {} {} {}",
                fit("date", 10),
                fit("min", 4),
                fit("attendance", 14),
                fit("by", 18),
                "note"
            ),
            d.sessions
                .iter()
                .map(|x| {
                    format!(
                        "{} {} {} {} {}",
                        x.session_date,
                        fit(&x.minutes.to_string(), 4),
                        fit(&x.attendance.to_string().replace('_', " "), 14),
                        fit(x.delivered_by_name.as_deref().unwrap_or("—"), 18),
                        x.note.as_deref().unwrap_or("")
                    )
                })
                .collect(),
        ),
        Tab::Team => (
            format!("{} {} {}", fit("name", 26), fit("role", 16), "organisation"),
            d.team
                .iter()
                .map(|m| {
                    format!(
                        "{} {} {}",
                        fit(&m.name, 26),
                        fit(m.role.as_str(), 16),
                        m.external_org.as_deref().unwrap_or("")
                    )
                })
                .collect(),
        ),
        Tab::Attachments => (
            format!("{} {} {}", fit("file", 30), fit("attached", 10), "caption"),
            d.attachments
                .iter()
                .map(|a| {
                    format!(
                        "{} {} {}",
                        fit(&a.filename, 30),
                        a.attached_at.date_naive(),
                        a.caption.as_deref().unwrap_or("")
                    )
                })
                .collect(),
        ),
        Tab::Communications => (
            format!(
                "{} {} {} {}",
                fit("when", 10),
                fit("channel", 10),
                fit("purpose", 20),
                "follow-up"
            ),
            d.communications
                .iter()
                .map(|c| {
                    let follow = match (c.follow_up_due, c.follow_up_done_at) {
                        (Some(_), Some(done)) => format!("done {}", done.date_naive()),
                        (Some(due), None) => format!("due {due}"),
                        _ => String::new(),
                    };
                    format!(
                        "{} {} {} {} {}",
                        c.occurred_at.date_naive(),
                        fit(&c.channel, 10),
                        fit(&c.purpose.replace('_', " "), 20),
                        follow,
                        c.summary.as_deref().unwrap_or("")
                    )
                })
                .collect(),
        ),
    }
}

pub(super) fn list(
    frame: &mut Frame,
    area: Rect,
    (head, items): &(String, Vec<String>),
    cursor: usize,
    theme: &Theme,
) {
    let w = usize::from(area.width);
    if items.is_empty() {
        crate::ui::centered_text(frame, area, "nothing recorded yet", theme.dim);
        return;
    }
    let height = usize::from(area.height).saturating_sub(1);
    let offset = crate::ui::scroll_offset(0, cursor, height, items.len());
    let mut lines = vec![Line::styled(truncate(head, w), theme.header)];
    for (i, text) in items.iter().enumerate().skip(offset).take(height) {
        let line = Line::raw(truncate(text, w));
        lines.push(if i == cursor {
            line.style(theme.selected)
        } else {
            line
        });
    }
    frame.render_widget(Paragraph::new(lines), area);
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
            let text = format!(
                "{} {} · {} {}{} · {} → {} ({})",
                if i == cursor { "▸" } else { " " },
                f.statement,
                f.measure,
                f.direction,
                f.unit
                    .as_deref()
                    .map(|u| format!(" {u}"))
                    .unwrap_or_default(),
                num(f.baseline_value),
                num(f.target_value),
                f.status,
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
    let (verdict, style) = match g.verdict(d.settings.decision_rule_points) {
        Ok(v) => {
            let style = match v {
                crate::domain::progress::Verdict::OffTrack => theme.error,
                crate::domain::progress::Verdict::Exceeding => theme.ok,
                _ => theme.dim,
            };
            (
                format!(
                    "{} ({} rule)",
                    v.advice(),
                    g.goal.fields.decision_rule.as_str().replace('_', "-")
                ),
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
    let status = d.header.status.to_string().replace('_', " ");
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
