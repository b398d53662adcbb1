//! The caseload home: five sections with counts, one cursor across them.
//! The section at the top keeps its heading while its rows scroll; columns
//! take the width their names need, and a narrow screen drops words from
//! the due date and the fidelity before it drops the ⚑.

use crate::app::home::{HomeLine, HomeState, Section};
use crate::domain::caseload::{ActiveRow, CaseloadHome, InterventionRef, Problem, ReviewReason};
use crate::ui::sanitize::{self, Claim, MARK, first_fit, fit, share, truncate};
use crate::ui::theme::Theme;
use crate::ui::widgets::pending::{self, loading_or_failed};
use crate::ui::words;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// A row's due date, richest first.
fn due_forms(r: &ActiveRow) -> [String; 2] {
    match (r.next_session_due, r.overdue) {
        (Some(d), true) => [format!("overdue since {d}"), format!("overdue {d}")],
        (Some(d), false) => [format!("next session {d}"), format!("due {d}")],
        (None, _) => ["no schedule".into(), "no schedule".into()],
    }
}

fn fid_forms(r: &ActiveRow, threshold: f64) -> Vec<String> {
    r.fidelity
        .as_ref()
        .map(|f| words::fidelity_forms(f, threshold))
        .unwrap_or_default()
}

/// How much of the due date and fidelity the active rows say, richest
/// first: (due form, fidelity form).
const LEVELS: [(usize, usize); 4] = [(0, 0), (0, 1), (1, 1), (1, 2)];
/// Below these the names are too cut to tell rows apart: words go first.
const COMFORT_STUDENT: usize = 16;
const COMFORT_NAME: usize = 18;

/// The row layout: indent, student, name, then the rest of the line.
struct Cols {
    student: usize,
    name: usize,
    /// Index into LEVELS.
    level: usize,
    /// The due column's width, so the fidelity lines up.
    due: usize,
    width: usize,
}

impl Cols {
    fn of(h: &CaseloadHome, width: usize) -> Cols {
        let refs: Vec<&InterventionRef> = (h.active.iter().map(|r| &r.of))
            .chain(h.reviews_due.iter().map(|r| &r.of))
            .chain(h.goals_off_track.iter().map(|r| &r.of))
            .chain(h.warnings.iter().map(|r| &r.of))
            .collect();
        let students = (refs.iter().map(|r| r.student_name.as_str()))
            .chain(h.follow_ups.iter().map(|f| f.student_name.as_str()));
        let whats: Vec<String> = h.follow_ups.iter().map(follow_up_what).collect();
        let names = (refs.iter().map(|r| r.name.as_str())).chain(whats.iter().map(String::as_str));
        // At most a third of the width for a student, two fifths for an
        // intervention: a hostile 10,000-character name must not take it all.
        let claims = [
            Claim::of(students, 12, width / 3),
            Claim::of(names, 14, width * 2 / 5),
        ];
        let threshold = h.settings.fidelity_threshold;
        let need = |(d, f): (usize, usize)| {
            let widest = |forms: &mut dyn Iterator<Item = String>| {
                forms.map(|s| sanitize::width(&s)).max().unwrap_or(0)
            };
            let due = widest(&mut h.active.iter().map(|r| due_forms(r)[d].clone()));
            let fid = widest(&mut h.active.iter().filter_map(|r| {
                let forms = fid_forms(r, threshold);
                forms.get(f.min(forms.len().saturating_sub(1))).cloned()
            }));
            (due, due + if fid > 0 { fid + 2 } else { 0 })
        };
        let room = |lvl: usize| width.saturating_sub(4 + need(LEVELS[lvl]).1);
        let wants = claims[0].want + claims[1].want;
        let comfort = claims[0].want.min(COMFORT_STUDENT) + claims[1].want.min(COMFORT_NAME);
        let level = (0..LEVELS.len())
            .find(|&l| room(l) >= wants)
            .or_else(|| (0..LEVELS.len()).find(|&l| room(l) >= comfort))
            .unwrap_or(LEVELS.len() - 1);
        let widths = share(room(level), &claims, None);
        Cols {
            student: widths.first().copied().unwrap_or(0),
            name: widths.get(1).copied().unwrap_or(0),
            level,
            due: need(LEVELS[level]).0,
            width,
        }
    }

    fn rest_width(&self) -> usize {
        self.width.saturating_sub(self.student + self.name + 4)
    }

    fn lead<'a>(&self, student: &str, name: &str) -> Vec<Span<'a>> {
        vec![
            Span::raw(format!("  {} ", fit(student, self.student))),
            Span::raw(format!("{} ", fit(name, self.name))),
        ]
    }

    /// Student, intervention name, then the rest in as many spans as given.
    fn row<'a>(&self, r: &InterventionRef, rest: Vec<Span<'a>>) -> Vec<Span<'a>> {
        let mut spans = self.lead(&r.student_name, &r.name);
        spans.extend(rest);
        spans
    }
}

fn follow_up_what(f: &crate::domain::caseload::FollowUpRow) -> String {
    format!(
        "{} ({})",
        f.purpose.replace('_', " "),
        f.channel.replace('_', " ")
    )
}

fn active_row(r: &ActiveRow, c: &Cols, threshold: f64, theme: &Theme) -> Vec<Span<'static>> {
    let rest = c.rest_width();
    let (due_at, fid_at) = LEVELS[c.level];
    let style = match (r.next_session_due, r.overdue) {
        (Some(_), true) => theme.error,
        (Some(_), false) => Style::new(),
        (None, _) => theme.dim,
    };
    let due = fit(&due_forms(r)[due_at], c.due.min(rest));
    let forms = fid_forms(r, threshold);
    let fid = first_fit(
        &forms[fid_at.min(forms.len().saturating_sub(1))..],
        rest.saturating_sub(c.due + 2),
    );
    let fid_style = if r.fidelity.is_some_and(|f| f.below_threshold) {
        theme.error
    } else {
        theme.dim
    };
    c.row(
        &r.of,
        vec![
            Span::styled(due, style),
            Span::raw("  "),
            Span::styled(fid, fid_style),
        ],
    )
}

/// A warning in words, richest first.
fn problem(p: Problem) -> Vec<String> {
    let one = |s: String| vec![s];
    match p {
        Problem::NoPlannedEnd => one("active with no planned end date".into()),
        Problem::MissingBaseline { .. } => one("a goal has no baseline".into()),
        Problem::ZeroBaseline { .. } => one("a goal's baseline is 0".into()),
        Problem::NoRecentSession { days } => one(format!(
            "no session for {}",
            words::count(days, "day", "days")
        )),
        Problem::ControlCharsInName => vec![
            format!("a name holds control characters (shown as {MARK}): retype it"),
            format!("control characters in a name ({MARK})"),
        ],
    }
}

/// Every row's spans, in `HomeState::rows()` order.
fn row_spans(h: &CaseloadHome, c: &Cols, theme: &Theme) -> Vec<Vec<Span<'static>>> {
    let rest = c.rest_width();
    let threshold = h.settings.fidelity_threshold;
    let mut out: Vec<Vec<Span>> = Vec::new();
    out.extend(h.active.iter().map(|r| active_row(r, c, threshold, theme)));
    out.extend(h.reviews_due.iter().map(|r| {
        let why = match r.reason {
            ReviewReason::StatusReviewDue => "marked review due".to_string(),
            ReviewReason::EndsSoon(d) => format!("ends {d}"),
            ReviewReason::PastPlannedEnd(d) => format!("past planned end {d}"),
        };
        c.row(&r.of, vec![Span::raw(truncate(&why, rest))])
    }));
    out.extend(h.goals_off_track.iter().map(|g| {
        // The advice is the section's on every row; the goal tells rows
        // apart, so a narrow screen keeps the goal.
        let forms = [
            format!("{} — {}", g.verdict.advice(), g.statement),
            g.statement.clone(),
        ];
        c.row(
            &g.of,
            vec![Span::styled(first_fit(&forms, rest), theme.error)],
        )
    }));
    out.extend(h.follow_ups.iter().map(|f| {
        let overdue = words::count(f.days_overdue, "day", "days");
        let due = format!("due {} · {overdue} overdue", f.follow_up_due);
        let mut spans = c.lead(&f.student_name, &follow_up_what(f));
        spans.push(Span::styled(truncate(&due, rest), theme.error));
        spans
    }));
    out.extend(h.warnings.iter().map(|w| {
        c.row(
            &w.of,
            vec![Span::styled(
                first_fit(&problem(w.problem), rest),
                theme.busy,
            )],
        )
    }));
    out
}

pub fn render(frame: &mut Frame, area: Rect, h: &HomeState, theme: &Theme) {
    let Some(home) = h.home.get() else {
        let p = loading_or_failed(h.home.error(), "loading your caseload…", "r to retry");
        pending::render(frame, area, p, theme);
        return;
    };
    let w = usize::from(area.width);
    // The bound's note stays above the list, wrapped, not cut: the hint at
    // its end is the point.
    let note: Vec<Line> = h
        .bound_note()
        .map(|n| crate::ui::auth::wrap(&n, w))
        .unwrap_or_default()
        .into_iter()
        .map(|part| Line::styled(part, theme.busy))
        .chain(std::iter::once(Line::raw("")))
        .collect();
    let note_rows = if note.len() > 1 { note.len() } else { 0 };
    let [note_area, list] = Layout::vertical([
        Constraint::Length(u16::try_from(note_rows).unwrap_or(u16::MAX)),
        Constraint::Fill(1),
    ])
    .areas(area);
    frame.render_widget(Paragraph::new(note), note_area);

    let c = Cols::of(home, w);
    let mut rows = row_spans(home, &c, theme);
    let heading = |s: Section| Line::styled(h.section_heading(s), theme.group);
    let win = h.window(usize::from(list.height));
    let lines = h.lines();
    let mut out: Vec<Line> = win.sticky.map(heading).into_iter().collect();
    for l in lines.iter().skip(win.offset).take(win.rows) {
        out.push(match *l {
            HomeLine::Gap => Line::raw(""),
            HomeLine::Heading(s) => heading(s),
            HomeLine::Nothing(_) => Line::styled("  nothing", theme.dim),
            // Never "nothing" before the rows are in: that would say there is
            // no such work.
            HomeLine::Waiting(_) => match h.home.error() {
                Some(why) => Line::styled(
                    truncate(&format!("  not loaded: {why} (r to retry)"), w),
                    theme.error,
                ),
                None => Line::styled("  loading…", theme.dim),
            },
            HomeLine::Row(i) => {
                let y = list
                    .y
                    .saturating_add(u16::try_from(out.len()).unwrap_or(u16::MAX));
                if y < list.bottom() {
                    crate::ui::hits::rows(
                        Rect {
                            y,
                            height: 1,
                            ..list
                        },
                        i,
                        i + 1,
                        h.cursor,
                    );
                }
                let line = Line::from(rows.get_mut(i).map(std::mem::take).unwrap_or_default());
                if i == h.cursor {
                    theme.select(line)
                } else {
                    line
                }
            }
        });
    }
    frame.render_widget(Paragraph::new(out), list);
}
