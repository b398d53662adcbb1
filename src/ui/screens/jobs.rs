//! The Jobs screen: one line a job with a progress bar, a warning when no
//! worker runs, and an opened job's payload, result, last error and log.

use crate::app::screens::jobs::{JobsState, Opened};
use crate::domain::jobs::{JobDetail, JobList, JobRow, JobStatus, relative};
use crate::ui::sanitize::{clean, fit};
use crate::ui::theme::Theme;
use crate::ui::widgets::listing::{self, Listing};
use crate::ui::widgets::pending::{self, BACK_OR_RETRY, loading_or_failed};
use crate::ui::widgets::table::{Column, Table};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

/// `████▌░░░░░ 45%`: ten cells, half cells for the odd five.
pub fn bar(pct: i16) -> String {
    let pct = pct.clamp(0, 100) as usize;
    let halves = pct / 5;
    let mut s = "█".repeat(halves / 2);
    if halves % 2 == 1 {
        s.push('▌');
    }
    let filled = halves / 2 + halves % 2;
    s.push_str(&"░".repeat(10 - filled));
    format!("{s} {pct:>3}%")
}

/// What the status column says: the word, and for a wait, how long.
fn status(r: &JobRow, now: chrono::DateTime<chrono::Utc>) -> String {
    match r.status {
        JobStatus::Cancelled if r.stopping => "stopping".into(),
        JobStatus::Scheduled | JobStatus::Retrying if r.run_at > now => {
            format!("{} {}", r.status.word(), relative(r.run_at, now))
        }
        s => s.word().into(),
    }
}

/// The last column: who runs a waiting job (or that its window closed),
/// the error of a failed job, else the progress message.
fn said(l: &JobList, r: &JobRow) -> String {
    if let Some(who) = l.who_runs(r) {
        return clean(&who).into_owned();
    }
    let text = match r.status {
        JobStatus::Failed | JobStatus::Retrying => r.last_error.as_deref().or(r.message.as_deref()),
        _ => r.message.as_deref(),
    };
    clean(text.unwrap_or("")).into_owned()
}

fn table(l: &JobList, width: u16) -> Table {
    let t = Table {
        columns: vec![
            Column::new("kind", 6, 24),
            Column::whole("status"),
            Column::whole("progress"),
            Column::whole("tries"),
            Column::whole("created"),
            Column::new("by", 6, 20),
            Column::new("message", 0, 0),
        ],
        rows: l
            .rows
            .iter()
            .map(|r| {
                vec![
                    clean(&r.kind).into_owned(),
                    status(r, l.now),
                    bar(r.progress),
                    format!("{}/{}", r.attempts, r.max_attempts),
                    relative(r.created_at, l.now),
                    clean(r.author.as_deref().unwrap_or("system")).into_owned(),
                    said(l, r),
                ]
            })
            .collect(),
    };
    // Narrow terminals keep the bar and the message; who and tries go first.
    t.without(|i| (width < 100 && i == 5) || (width < 80 && i == 3))
}

/// No worker lately: what will not happen, and what to run (two lines,
/// each within 80 columns).
fn no_worker(l: &JobList) -> Option<[String; 2]> {
    if l.workers > 0 {
        return None;
    }
    let seen = match l.last_seen {
        Some(t) => format!("no worker has been seen since {}", relative(t, l.now)),
        None => "no worker is running".into(),
    };
    let waiting = match l.waiting() {
        0 => String::new(),
        1 => ": 1 job waits".into(),
        n => format!(": {n} jobs wait"),
    };
    Some([
        format!("⚠ {seen}{waiting}"),
        "  start one: `caseload worker`, or `caseload worker --once` to run what is due".into(),
    ])
}

pub fn render(frame: &mut Frame, area: Rect, s: &JobsState, theme: &Theme) {
    let Some(list) = s.list.get() else {
        let p = loading_or_failed(s.list.error(), "loading your jobs…", BACK_OR_RETRY);
        pending::render(frame, area, p, theme);
        return;
    };
    if let Some(o) = &s.opened {
        return render_opened(frame, area, o, theme);
    }
    let warning = no_worker(list);
    let [warn, body] = Layout::vertical([
        Constraint::Length(if warning.is_some() { 2 } else { 0 }),
        Constraint::Fill(1),
    ])
    .areas(area);
    if let Some([what, how]) = &warning {
        let w = usize::from(warn.width);
        let lines = vec![
            Line::styled(fit(what, w), theme.error),
            Line::styled(fit(how, w), theme.dim),
        ];
        frame.render_widget(Paragraph::new(lines), warn);
    }
    let n = list.rows.len();
    let mut foot = if list.more {
        format!("the newest {n} jobs")
    } else {
        format!("{n} job{}", if n == 1 { "" } else { "s" })
    };
    foot.push_str(&match list.workers {
        0 => String::new(),
        1 => " · 1 worker running".into(),
        w => format!(" · {w} workers running"),
    });
    if let Some(why) = s.list.error() {
        foot = format!("{foot} · not refreshed: {why} (r: again)");
    }
    let listing = Listing {
        title: "your background jobs, newest first · live",
        table: table(list, area.width),
        cursor: s.cursor.at(),
        empty: "no jobs yet: imports, exports and reports you start run here",
        foot: &foot,
    };
    listing::render(frame, body, listing, theme);
}

fn section(out: &mut Vec<(String, Style)>, title: &str, text: &str, theme: &Theme) {
    out.push((String::new(), Style::default()));
    out.push((title.to_string(), theme.header));
    for line in text.lines() {
        out.push((format!("  {}", clean(line)), Style::default()));
    }
}

/// The opened job's lines, top to bottom.
fn detail_lines(d: &JobDetail, theme: &Theme) -> Vec<(String, Style)> {
    let r = &d.row;
    let mut out = vec![
        (
            format!(
                "{} · {} · attempt {} of {}",
                clean(&r.kind),
                status(r, d.now),
                r.attempts,
                r.max_attempts
            ),
            theme.header,
        ),
        (
            format!(
                "{}  {}",
                bar(r.progress),
                clean(r.message.as_deref().unwrap_or(""))
            ),
            Style::default(),
        ),
        (
            format!(
                "by {} · created {}{}",
                clean(r.author.as_deref().unwrap_or("the system")),
                relative(r.created_at, d.now),
                r.finished_at
                    .map(|t| format!(" · finished {}", relative(t, d.now)))
                    .unwrap_or_default()
            ),
            theme.dim,
        ),
    ];
    if let Some(who) = crate::domain::jobs::author_runs(r) {
        out.push((clean(&who).into_owned(), theme.dim));
    }
    if let Some(e) = &r.last_error {
        out.push((String::new(), Style::default()));
        out.push((format!("last error: {}", clean(e)), theme.error));
    }
    if let Some(res) = &d.result {
        section(&mut out, "result", res, theme);
    }
    section(&mut out, "payload", &d.payload, theme);
    let log = if d.log.is_empty() {
        "(empty)"
    } else {
        d.log.as_str()
    };
    section(&mut out, "log", log, theme);
    out
}

fn render_opened(frame: &mut Frame, area: Rect, o: &Opened, theme: &Theme) {
    let d = match o.detail.get() {
        None => {
            let p = loading_or_failed(o.detail.error(), "loading the job…", BACK_OR_RETRY);
            pending::render(frame, area, p, theme);
            return;
        }
        Some(None) => {
            crate::ui::centered_text(
                frame,
                area,
                "this job is gone (swept, or no longer yours to see) · esc: the list",
                theme.dim,
            );
            return;
        }
        Some(Some(d)) => d,
    };
    let w = usize::from(area.width);
    let lines = detail_lines(d, theme);
    let height = usize::from(area.height);
    let top = o.scroll.min(lines.len().saturating_sub(height));
    let shown: Vec<Line> = lines
        .into_iter()
        .skip(top)
        .take(height)
        .map(|(text, style)| Line::styled(fit(&text, w), style))
        .collect();
    frame.render_widget(Paragraph::new(shown), area);
}

#[cfg(test)]
mod tests {
    use super::bar;

    #[test]
    fn the_bar_fills_in_half_cells() {
        assert_eq!(bar(0), "░░░░░░░░░░   0%");
        assert_eq!(bar(45), "████▌░░░░░  45%");
        assert_eq!(bar(100), "██████████ 100%");
        assert_eq!(bar(300), "██████████ 100%", "clamped");
    }
}
