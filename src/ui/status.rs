//! The bottom line: connection state, the last message, the help hint.

use super::sanitize;
use super::theme::Theme;
use crate::app::{Conn, Level, State};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
const HINT: &str = " ? help ";

/// What the status line says about the connection.
pub fn connection_text(state: &State) -> String {
    match &state.conn {
        Conn::Connecting { .. } => format!("connecting… {}", state.connection_label),
        Conn::Failed { reason, .. } => {
            // The reason first: it is what a narrow terminal must not cut.
            format!(
                "cannot connect: {reason} · r to retry · {}",
                state.connection_label
            )
        }
        Conn::Connected(w) => {
            let who = match &w.user {
                Some(u) => format!("connected as {} ({})", u.display_name, u.username),
                None => format!("signed in as {}, who is not a caseload user", w.login_role),
            };
            format!(
                "{who} · {} · PostgreSQL {}",
                state.connection_label, w.server_version
            )
        }
    }
}

pub fn render(frame: &mut Frame, area: Rect, state: &State, theme: &Theme) {
    let mut spans: Vec<Span> = Vec::new();
    let conn_style = match &state.conn {
        Conn::Connecting { .. } => theme.busy,
        Conn::Failed { .. } => theme.error,
        Conn::Connected(w) if w.user.is_none() => theme.error,
        Conn::Connected(_) => theme.ok,
    };
    let conn = connection_text(state);
    let message = state.message.as_ref().map(|(level, text)| {
        let style = if *level == Level::Error {
            theme.error
        } else {
            theme.busy
        };
        (text.as_str(), style)
    });
    if state.busy() {
        spans.push(Span::styled(
            format!("{} ", SPINNER[state.spinner % SPINNER.len()]),
            theme.busy,
        ));
    }
    // Unsent sessions come first: the one thing that must not be missed.
    if state.outbox.pending > 0 {
        let why = match &state.outbox.last_error {
            Some(e) => format!(" ({})", sanitize::clean(e)),
            None => String::new(),
        };
        spans.push(Span::styled(
            format!("⇡ {} unsent{why} · ", state.outbox.pending),
            theme.error,
        ));
    }
    // While connected the message is the news; otherwise the connection is.
    match (message, state.is_connected()) {
        (Some((text, style)), true) => {
            spans.push(Span::styled(text.to_string(), style));
            spans.push(Span::styled(format!(" · {conn}"), conn_style));
        }
        (Some((text, style)), false) => {
            spans.push(Span::styled(conn, conn_style));
            spans.push(Span::styled(format!(" · {text}"), style));
        }
        (None, _) => spans.push(Span::styled(conn, conn_style)),
    }
    let hint_cols = sanitize::width(HINT);
    let budget = usize::from(area.width).saturating_sub(hint_cols);
    let mut used = 0;
    let mut fitted: Vec<Span> = Vec::new();
    for span in spans {
        let room = budget.saturating_sub(used);
        if room == 0 {
            break;
        }
        let text = sanitize::truncate(&span.content, room);
        used += sanitize::width(&text);
        fitted.push(Span::styled(text, span.style));
    }
    fitted.push(Span::raw(" ".repeat(budget.saturating_sub(used))));
    fitted.push(Span::styled(HINT, theme.dim));
    frame.render_widget(Paragraph::new(Line::from(fitted)), area);
}
