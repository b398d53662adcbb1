//! The Import screen: the form (path, logins) with the names Tab found; a
//! running job's progress bar and message; a report's summary, counts per
//! file and lines (refused first), scrollable, with the keys that apply.

use crate::app::screens::import::{ImportState, Step, refused_note};
use crate::domain::import::ImportSummary;
use crate::ui::sanitize::{clean, truncate};
use crate::ui::screens::jobs::bar;
use crate::ui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

/// Most candidate names shown under the form.
const SHOWN: usize = 6;

pub fn render(frame: &mut Frame, area: Rect, s: &ImportState, theme: &Theme) {
    if let Step::Report {
        dry_run,
        summary,
        scroll,
    } = &s.step
    {
        return report(frame, area, *dry_run, summary, *scroll, theme);
    }
    let w = usize::from(area.width);
    let below: Vec<Line> = match &s.step {
        Step::Starting { dry_run, .. } => vec![Line::styled(
            if *dry_run {
                "starting the dry run…"
            } else {
                "starting the import…"
            },
            theme.busy,
        )],
        Step::Running {
            dry_run,
            look,
            cancel,
            ..
        } => {
            let what = if *dry_run { "dry run" } else { "import" };
            let (pct, msg) = match look.get().and_then(|d| d.as_ref()) {
                Some(d) if d.row.status.waiting() => (0, "waiting for this window's runner".into()),
                Some(d) => (d.row.progress, d.row.message.clone().unwrap_or_default()),
                None => (0, "starting".into()),
            };
            let mut l = vec![
                Line::styled(
                    truncate(&clean(&format!("{what}: {}", s.form.values[0])), w),
                    theme.busy,
                ),
                Line::raw(truncate(&format!("{}  {}", bar(pct), clean(&msg)), w)),
                Line::styled(
                    truncate(
                        if cancel.is_some() {
                            "cancelling…"
                        } else {
                            "runs in this caseload window · c or esc cancels (nothing is written)"
                        },
                        w,
                    ),
                    theme.dim,
                ),
            ];
            if let Some(why) = look.error() {
                l.push(Line::styled(
                    truncate(&clean(&format!("not looked at: {why} (r: again)")), w),
                    theme.error,
                ));
            }
            l
        }
        _ if !s.tab.candidates.is_empty() => {
            let mut l = vec![Line::styled(
                truncate(
                    &format!(
                        "{} names match; type more and tab again:",
                        s.tab.candidates.len()
                    ),
                    w,
                ),
                theme.dim,
            )];
            l.extend(
                s.tab
                    .candidates
                    .iter()
                    .take(SHOWN)
                    .map(|c| Line::raw(truncate(&clean(&format!("  {c}")), w))),
            );
            l
        }
        _ => vec![Line::styled(
            truncate(
                "enter: a dry run first (nothing is written), then its report · tab completes names · esc closes",
                w,
            ),
            theme.dim,
        )],
    };
    let [form_area, below_area] = Layout::vertical([
        Constraint::Fill(1),
        Constraint::Length(below.len() as u16 + 1),
    ])
    .areas(area);
    let title = "OneRoster 1.1 CSV: orgs, users, demographics, enrollments";
    if s.step == Step::Form {
        crate::ui::form::render(frame, form_area, title, &s.form, theme);
    } else {
        // A job runs: the values it was given, without the form's keys.
        let mut lines = vec![Line::styled(truncate(title, w), theme.group)];
        lines.extend(crate::ui::form::field_lines(&s.form, w, false, theme).0);
        frame.render_widget(Paragraph::new(lines), form_area);
    }
    frame.render_widget(Paragraph::new(below).wrap(Wrap { trim: false }), below_area);
}

/// The report: what happened (or would), counts per file, the lines, and
/// the keys that apply.
fn report(
    frame: &mut Frame,
    area: Rect,
    dry_run: bool,
    r: &ImportSummary,
    scroll: usize,
    theme: &Theme,
) {
    let w = usize::from(area.width);
    let head_style = if r.refused > 0 {
        theme.error
    } else {
        theme.title
    };
    let keys = match (dry_run, r.refused > 0, r.committed) {
        (true, true, _) => format!(
            "e or esc: back to the form · ↑↓ scroll · {}",
            refused_note(r.refused)
        ),
        (true, false, _) => "i: import for real · e or esc: back to the form · ↑↓ scroll".into(),
        (false, _, true) => "o: open the roster · ↑↓ scroll · esc back".into(),
        (false, _, false) => "nothing was imported · e or esc: back to the form".into(),
    };
    let mut body: Vec<(String, Style)> = Vec::new();
    for f in &r.files {
        let line = match &f.not_read {
            Some(why) => format!("{:<20} not read ({why})", f.name),
            None => format!(
                "{:<20} {:>6} added {:>6} changed {:>6} left alone {:>5} refused",
                f.name, f.added, f.changed, f.left_alone, f.refused
            ),
        };
        let style = if f.refused > 0 {
            theme.error
        } else {
            Style::default()
        };
        body.push((line, style));
    }
    if !r.lines.is_empty() {
        body.push((String::new(), Style::default()));
    }
    for l in &r.lines {
        let style = if l.outcome == "refused" {
            theme.error
        } else {
            theme.dim
        };
        body.push((
            format!("{}:{}: {}: {}", l.file, l.line, l.outcome, l.detail),
            style,
        ));
    }
    if r.more_lines > 0 {
        body.push((
            format!(
                "… and {} more lines (the command line prints them all: caseload import oneroster PATH --dry-run)",
                r.more_lines
            ),
            theme.dim,
        ));
    }
    let [head, list, foot] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Fill(1),
        Constraint::Length(1),
    ])
    .areas(area);
    frame.render_widget(
        Paragraph::new(vec![Line::styled(
            clean(&r.summary).into_owned(),
            head_style,
        )])
        .wrap(Wrap { trim: false }),
        head,
    );
    let rows = usize::from(list.height);
    let top = scroll.min(body.len().saturating_sub(rows));
    let lines: Vec<Line> = body
        .iter()
        .skip(top)
        .take(rows)
        .map(|(t, st)| Line::styled(truncate(&clean(t), w), *st))
        .collect();
    frame.render_widget(Paragraph::new(lines), list);
    frame.render_widget(
        Paragraph::new(Line::styled(truncate(&keys, w), theme.hotkey)),
        foot,
    );
}
