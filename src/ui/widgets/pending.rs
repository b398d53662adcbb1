//! What a screen shows before its data: one line in the middle, saying it
//! is loading or why it could not, with the way to try again.

use crate::ui::theme::Theme;
use ratatui::Frame;
use ratatui::layout::Rect;

/// The hint of a screen opened over another.
pub const BACK_OR_RETRY: &str = "r to retry, esc to go back";

/// The screen has nothing to draw yet.
pub enum Pending<'a> {
    /// On its way: what is loading ("loading your caseload…").
    Loading(&'a str),
    /// Why not, in the database's words; `hint` says how to try again.
    Failed { why: &'a str, hint: &'a str },
    /// Why a form could not open, then its keys after a dot, as the form's
    /// own key lines read.
    Refused { why: &'a str, keys: &'a str },
}

pub fn render(frame: &mut Frame, area: Rect, pending: Pending<'_>, theme: &Theme) {
    let (text, style) = match pending {
        Pending::Loading(what) => (what.to_string(), theme.dim),
        Pending::Failed { why, hint } => (format!("{why} ({hint})"), theme.error),
        // A refusal says what to do at its end: wrapped, never cut.
        Pending::Refused { why, keys } => {
            let text = format!("{why} · {keys}");
            super::super::centered_wrapped(frame, area, &text, theme.error);
            return;
        }
    };
    super::super::centered_text(frame, area, &text, style);
}

/// `error` when there is one, else `loading`: the pattern of the screens
/// that keep a request and an error beside their data.
pub fn loading_or_failed<'a>(
    error: Option<&'a str>,
    loading: &'a str,
    hint: &'a str,
) -> Pending<'a> {
    match error {
        Some(why) => Pending::Failed { why, hint },
        None => Pending::Loading(loading),
    }
}
