//! The caseload home: five sections with counts, one cursor across them.

use crate::app::home::{HomeState, Section};
use crate::domain::caseload::{CaseloadHome, InterventionRef, Problem, ReviewReason};
use crate::domain::fidelity::Fidelity;
use crate::ui::sanitize::{fit, truncate};
use crate::ui::theme::Theme;
use crate::ui::widgets::pending::{self, loading_or_failed};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// Sessions (and minutes, when planned) delivered as a share of plan;
/// shared with the detail screen so both say it the same way.
pub fn fidelity_short(f: &Fidelity) -> String {
    let pct = |r: f64| format!("{:.0}%", r * 100.0);
    let mut s = format!("fidelity {}", pct(f.sessions_ratio));
    if let Some(m) = f.minutes_ratio {
        s.push_str(&format!("/{}", pct(m)));
    }
    if f.below_threshold {
        s.push_str(" ⚑");
    }
    s
}

struct Cols {
    student: usize,
    name: usize,
    width: usize,
}

impl Cols {
    fn of(width: usize) -> Cols {
        Cols {
            student: (width / 5).clamp(12, 26),
            name: (width / 4).clamp(14, 34),
            width,
        }
    }

    /// Student, intervention name, then the rest in as many spans as given.
    fn row<'a>(&self, r: &InterventionRef, rest: Vec<Span<'a>>) -> Vec<Span<'a>> {
        let mut spans = vec![
            Span::raw(format!("  {} ", fit(&r.student_name, self.student))),
            Span::raw(format!("{} ", fit(&r.name, self.name))),
        ];
        spans.extend(rest);
        spans
    }

    fn rest_width(&self) -> usize {
        self.width.saturating_sub(self.student + self.name + 4)
    }
}

fn lines_for(h: &CaseloadHome, s: Section, c: &Cols, theme: &Theme) -> Vec<Vec<Span<'static>>> {
    let rest = c.rest_width();
    let text = |t: String| Span::raw(truncate(&t, rest));
    match s {
        Section::Active => h
            .active
            .iter()
            .map(|r| {
                let (due, style) = match (r.next_session_due, r.overdue) {
                    (Some(d), true) => (format!("overdue since {d}"), theme.error),
                    (Some(d), false) => (format!("next session {d}"), Style::new()),
                    (None, _) => ("no schedule".into(), theme.dim),
                };
                let fid = r.fidelity.as_ref().map(fidelity_short).unwrap_or_default();
                let fid_style = if r.fidelity.is_some_and(|f| f.below_threshold) {
                    theme.error
                } else {
                    theme.dim
                };
                let due = truncate(&due, rest);
                let left = rest.saturating_sub(due.chars().count() + 2);
                c.row(
                    &r.of,
                    vec![
                        Span::styled(due, style),
                        Span::raw("  "),
                        Span::styled(truncate(&fid, left), fid_style),
                    ],
                )
            })
            .collect(),
        Section::Reviews => h
            .reviews_due
            .iter()
            .map(|r| {
                let why = match r.reason {
                    ReviewReason::StatusReviewDue => "marked review due".to_string(),
                    ReviewReason::EndsSoon(d) => format!("ends {d}"),
                    ReviewReason::PastPlannedEnd(d) => format!("past planned end {d}"),
                };
                c.row(&r.of, vec![text(why)])
            })
            .collect(),
        Section::OffTrack => h
            .goals_off_track
            .iter()
            .map(|g| {
                let advice = format!("{} — {}", g.verdict.advice(), g.statement);
                c.row(
                    &g.of,
                    vec![Span::styled(truncate(&advice, rest), theme.error)],
                )
            })
            .collect(),
        Section::FollowUps => h
            .follow_ups
            .iter()
            .map(|f| {
                let what = format!("{} ({})", f.purpose.replace('_', " "), f.channel);
                let due = format!("due {} · {} days overdue", f.follow_up_due, f.days_overdue);
                vec![
                    Span::raw(format!("  {} ", fit(&f.student_name, c.student))),
                    Span::raw(format!("{} ", fit(&what, c.name))),
                    Span::styled(truncate(&due, rest), theme.error),
                ]
            })
            .collect(),
        Section::Warnings => h
            .warnings
            .iter()
            .map(|w| {
                let what = match w.problem {
                    Problem::NoPlannedEnd => "active with no planned end date".to_string(),
                    Problem::MissingBaseline { .. } => "a goal has no baseline".into(),
                    Problem::ZeroBaseline { .. } => "a goal's baseline is 0".into(),
                    Problem::NoRecentSession { days } => format!("no session for {days} days"),
                };
                c.row(&w.of, vec![Span::styled(truncate(&what, rest), theme.busy)])
            })
            .collect(),
    }
}

pub fn render(frame: &mut Frame, area: Rect, h: &HomeState, theme: &Theme) {
    let Some(home) = h.home.get() else {
        let p = loading_or_failed(h.home.error(), "loading your caseload…", "r to retry");
        pending::render(frame, area, p, theme);
        return;
    };
    let c = Cols::of(usize::from(area.width));
    let mut lines: Vec<Line> = Vec::new();
    let mut selected_line = 0;
    let mut row = 0;
    if let Some(note) = h.bound_note() {
        // Wrapped, not cut: the hint at its end is the point.
        for part in crate::ui::auth::wrap(&note, c.width) {
            lines.push(Line::styled(part, theme.busy));
        }
    }
    for s in Section::ALL {
        let n = h.section_len(s);
        if !lines.is_empty() {
            lines.push(Line::raw(""));
        }
        lines.push(Line::styled(h.section_heading(s), theme.group));
        if n == 0 {
            lines.push(Line::styled("  nothing", theme.dim));
        }
        for spans in lines_for(home, s, &c, theme) {
            let mut line = Line::from(spans);
            if row == h.cursor {
                selected_line = lines.len();
                line = line.style(theme.selected);
            }
            lines.push(line);
            row += 1;
        }
    }
    let height = usize::from(area.height);
    let offset = crate::ui::scroll_offset(0, selected_line, height, lines.len());
    let visible: Vec<Line> = lines.into_iter().skip(offset).take(height).collect();
    frame.render_widget(Paragraph::new(visible), area);
}
