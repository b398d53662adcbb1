//! What is going on with a document under any list of them (the student's
//! documents tab, an intervention's attachments tab, the Documents
//! screen): the folder being typed, a progress bar, a question, the attach
//! picker. Names come from the database and paths from people: sanitised.

use crate::app::screens::documents::actions::{DocActions, Doing};
use crate::domain::document::human_size;
use crate::ui::sanitize::{clean, truncate};
use crate::ui::theme::Theme;
use crate::ui::widgets::question;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// "[######----] 12.0 MB of 49.0 MB · 35.2 MB/s": the bar as wide as the
/// rest leaves room for; no total, no bar.
pub fn progress<'a>(
    verb: &str,
    done: u64,
    total: Option<u64>,
    rate: f64,
    esc: &str,
    w: usize,
    theme: &Theme,
) -> Line<'a> {
    let sizes = match total {
        Some(t) => format!("{} of {}", human_size(done), human_size(t)),
        None => human_size(done),
    };
    let rate = format!("{}/s", human_size(rate as u64));
    let text = format!(" {verb} {sizes} · {rate} · {esc}");
    let room = w.saturating_sub(crate::ui::sanitize::width(&text) + 2);
    let Some(total) = total.filter(|_| room >= 10) else {
        return Line::styled(truncate(text.trim_start(), w), theme.busy);
    };
    let bar = room.min(40);
    let filled = if total == 0 {
        bar
    } else {
        (u128::from(done.min(total)) * bar as u128 / u128::from(total)) as usize
    };
    Line::from(vec![
        Span::styled(format!("[{}", "#".repeat(filled)), theme.busy),
        Span::styled(format!("{}]", "-".repeat(bar - filled)), theme.dim),
        Span::styled(truncate(&text, w.saturating_sub(bar + 2)), theme.busy),
    ])
}

/// The lines under the list; none while nothing is going on.
pub fn foot<'a>(a: &DocActions, w: usize, theme: &Theme) -> Vec<Line<'a>> {
    match &a.doing {
        Doing::Idle | Doing::Attach { .. } => vec![],
        Doing::Folder { doc, .. } => {
            let folder = if a.folder.is_empty() {
                "(the download folder)".to_string()
            } else {
                clean(&a.folder).into_owned()
            };
            vec![
                Line::styled(
                    truncate(&format!("save {} into: {folder}", clean(&doc.filename)), w),
                    theme.hotkey,
                ),
                Line::styled(
                    truncate(
                        "type a folder (empty: the download folder) · enter saves · ctrl-u clears · esc",
                        w,
                    ),
                    theme.dim,
                ),
            ]
        }
        Doing::Moving(m) => {
            let esc = if m.cancelling {
                "cancelling…"
            } else {
                "esc cancels"
            };
            vec![
                Line::styled(
                    truncate(&format!("saving {}", clean(&m.doc.filename)), w),
                    theme.busy,
                ),
                progress("got", m.done, m.total, m.rate, esc, w, theme),
            ]
        }
        Doing::Exists {
            path, suggestion, ..
        } => vec![
            Line::styled(
                truncate(&format!("{} exists with other contents", clean(path)), w),
                theme.error,
            ),
            Line::styled(
                truncate(
                    &format!(
                        "k keep both (saves {}) · r replace it · n, esc or enter leave it",
                        clean(suggestion)
                    ),
                    w,
                ),
                theme.hotkey,
            ),
        ],
        Doing::Confirm {
            question: q,
            change,
        } => question::lines(q, change.verb(), "keep it", w, theme),
        Doing::Changing { .. } => vec![question::doing("working…", w, theme)],
        Doing::Link { .. } => vec![question::doing("asking the database for a link…", w, theme)],
    }
}

/// Splits `area` into the list's part and the foot's, drawing the foot.
pub fn split(frame: &mut Frame, area: Rect, a: &DocActions, theme: &Theme) -> Rect {
    let lines = foot(a, usize::from(area.width), theme);
    if lines.is_empty() {
        return area;
    }
    let [list, foot_area] =
        Layout::vertical([Constraint::Fill(1), Constraint::Length(lines.len() as u16)]).areas(area);
    frame.render_widget(Paragraph::new(lines), foot_area);
    list
}

/// The attach picker, over `area`, when open.
pub fn overlay(frame: &mut Frame, area: Rect, a: &DocActions, theme: &Theme) {
    let Doing::Attach { doc, picker } = &a.doing else {
        return;
    };
    let [_, popup, _] = Layout::horizontal([
        Constraint::Fill(1),
        Constraint::Length(area.width.min(60)),
        Constraint::Fill(1),
    ])
    .areas(area);
    crate::ui::picker::render(
        frame,
        popup,
        &format!("Attach {} to", clean(&doc.filename)),
        picker,
        |(_, name)| name.clone(),
        |(_, name)| crate::ui::picker::Shown {
            label: name.clone(),
            detail: String::new(),
        },
        theme,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bar_fills_with_the_bytes_and_says_the_rate() {
        let t = Theme::new(true);
        let l = progress(
            "sent",
            512 * 1024,
            Some(1024 * 1024),
            2.0 * 1048576.0,
            "esc cancels",
            80,
            &t,
        );
        let s = l.to_string();
        assert!(
            s.starts_with("[##############---------------] "),
            "half of the bar: {s}"
        );
        assert!(
            s.ends_with("sent 524.3 kB of 1.0 MB · 2.1 MB/s · esc cancels"),
            "{s}"
        );
        // Too narrow for a bar: the words alone, cut.
        let s = progress("sent", 0, Some(10), 0.0, "esc cancels", 20, &t).to_string();
        assert_eq!(s, "sent 0 B of 10 B · …");
    }
}
