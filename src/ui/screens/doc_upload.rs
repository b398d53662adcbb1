//! The upload form: its fields (`widgets::form`), the names Tab found, and
//! while sending a progress bar with bytes and rate; a failure says why and
//! what `r` does.

use crate::app::loadable::Pending as LoadPending;
use crate::app::screens::doc_upload::UploadState;
use crate::ui::sanitize::{clean, truncate};
use crate::ui::theme::Theme;
use crate::ui::widgets::doc_actions::progress;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Wrap};

/// Most candidate names shown under the form.
const SHOWN: usize = 6;

pub fn render(frame: &mut Frame, area: Rect, s: &UploadState, theme: &Theme) {
    let w = usize::from(area.width);
    let extra = if s.sending.is_some() || s.failed.is_some() {
        3
    } else if !s.tab.candidates.is_empty() {
        (s.tab.candidates.len().min(SHOWN) + 1) as u16
    } else {
        1
    };
    let [form_area, below] =
        Layout::vertical([Constraint::Fill(1), Constraint::Length(extra)]).areas(area);
    let title = match s.context.pending() {
        Some(LoadPending::Loading) => "Upload a file (checking what you may do…)".to_string(),
        Some(LoadPending::Failed(why)) => format!("Upload a file: {}", clean(why)),
        None if s.intervention_id.is_some() => {
            "Upload a file (it is attached to the intervention too)".to_string()
        }
        None => "Upload a file to the student's documents".to_string(),
    };
    crate::ui::form::render(frame, form_area, &title, &s.form, theme);
    let lines: Vec<Line> = if let Some(x) = &s.sending {
        let esc = if x.cancelling {
            "cancelling…"
        } else {
            "esc cancels"
        };
        vec![
            Line::styled(
                truncate(&clean(&format!("uploading {}", s.form.values[0])), w),
                theme.busy,
            ),
            progress("sent", x.done, x.total, x.rate, esc, w, theme),
            Line::styled(
                truncate(
                    "the file is recorded only once the store holds exactly its bytes",
                    w,
                ),
                theme.dim,
            ),
        ]
    } else if let Some(why) = &s.failed {
        vec![
            Line::styled(
                clean(&format!("not uploaded: {why}")).into_owned(),
                theme.error,
            ),
            Line::styled(
                truncate(
                    "r tries again · any other key edits (everything typed is kept) · esc leaves (asks first)",
                    w,
                ),
                theme.hotkey,
            ),
        ]
    } else if !s.tab.candidates.is_empty() {
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
    } else {
        vec![Line::styled(
            truncate(
                "tab on the file field completes names · limits: size and type are checked on the file's content",
                w,
            ),
            theme.dim,
        )]
    };
    frame.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), below);
}
