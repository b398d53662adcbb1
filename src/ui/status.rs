//! The bottom line: what just happened first (unsent notes, the last
//! message, a connection that failed), where caseload is connected on the
//! right, short (`dana@caseload_demo`). Help shows the connection in full.

use super::sanitize;
use super::theme::Theme;
use crate::app::{Conn, Level, Link, State};
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/// Where caseload connects: `login@database`, or the whole masked target
/// when the short form is not known.
fn target(state: &State, full: bool) -> &str {
    if full || state.connection_short.is_empty() {
        &state.connection_label
    } else {
        &state.connection_short
    }
}

/// What is said about the connection: short for the status line, in full
/// (who is signed in, the server's version) for help.
pub fn connection_text(state: &State, full: bool) -> String {
    match (&state.conn, full) {
        (Conn::Connecting { .. }, _) => format!("connecting… {}", target(state, full)),
        (Conn::Failed { reason, .. }, true) => format!("cannot connect: {reason}"),
        (Conn::Failed { .. }, false) => target(state, full).to_string(),
        (Conn::Connected(w), true) => {
            let who = match &w.user {
                Some(u) => format!("signed in as {} ({})", u.display_name, u.username),
                None => format!("signed in as {}, who is not a caseload user", w.login_role),
            };
            format!("{who} · PostgreSQL {}", w.server_version)
        }
        (Conn::Connected(w), false) if w.user.is_none() => {
            format!("{}: not a caseload user", target(state, full))
        }
        (Conn::Connected(_), false) => match &state.link {
            // The heartbeat lost the server: what is on screen may be stale.
            Link::Down { since } => format!("offline since {since} · {}", target(state, full)),
            Link::Up => target(state, full).to_string(),
        },
    }
}

type Spans = Vec<(String, Style)>;

/// The news, ` · ` between items, and the connection, short.
fn parts(state: &State, theme: &Theme) -> (Spans, (String, Style)) {
    let mut news: Spans = Vec::new();
    if state.busy() {
        news.push((
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
        news.push((
            format!("⇡ {} unsent{why}", state.outbox.pending),
            theme.error,
        ));
    }
    if let Some(note) = &state.reads_note {
        news.push((note.clone(), theme.busy));
    }
    if let Some((level, text)) = &state.message {
        let style = if *level == Level::Error {
            theme.error
        } else {
            theme.busy
        };
        news.push((text.clone(), style));
    }
    if let Conn::Failed { reason, .. } = &state.conn {
        news.push((
            format!("cannot connect: {reason} · r to retry"),
            theme.error,
        ));
    }
    let conn_style = match &state.conn {
        Conn::Connecting { .. } => theme.busy,
        Conn::Failed { .. } => theme.error,
        Conn::Connected(w) if w.user.is_none() => theme.error,
        Conn::Connected(_) if matches!(state.link, Link::Down { .. }) => theme.error,
        Conn::Connected(_) => theme.dim,
    };
    let conn = format!(" {} ", connection_text(state, false));
    (join(news), (conn, conn_style))
}

fn join(news: Spans) -> Spans {
    let mut spans: Spans = Vec::new();
    for (text, style) in news {
        // The spinner carries its own space.
        if spans.last().is_some_and(|(t, _)| !t.ends_with(' ')) {
            spans.push((" · ".into(), style));
        }
        spans.push((sanitize::clean(&text).into_owned(), style));
    }
    spans
}

fn cols(spans: &Spans) -> usize {
    spans.iter().map(|(t, _)| sanitize::width(t)).sum()
}

/// The news and the connection do not share one line of `width`: the
/// status line then takes the hint line's row too (until the message
/// goes), so that a long message, such as the tools one may open, is read
/// whole.
pub fn wraps(state: &State, theme: &Theme, width: usize) -> bool {
    let (news, conn) = parts(state, theme);
    cols(&news) + sanitize::width(&conn.0) > width
}

/// One row, or two when `wraps` said so.
pub fn render(frame: &mut Frame, area: Rect, state: &State, theme: &Theme) {
    let (news, conn) = parts(state, theme);
    let width = usize::from(area.width);
    let lines = if area.height >= 2 {
        let (first, rest) = split(news, width);
        vec![place(first, None, width), place(rest, Some(conn), width)]
    } else {
        vec![place(news, Some(conn), width)]
    };
    frame.render_widget(Paragraph::new(lines), area);
}

/// The spans cut after at most `width` columns, at a space when there is
/// one: what fits the first row, and the rest.
fn split(spans: Spans, width: usize) -> (Spans, Spans) {
    let text: String = spans.iter().map(|(t, _)| t.as_str()).collect();
    let mut used = 0;
    let mut cut = text.len();
    let mut last_space = None;
    for (i, c) in text.char_indices() {
        used += sanitize::width(c.encode_utf8(&mut [0; 4]));
        if used > width {
            cut = last_space.unwrap_or(i);
            break;
        }
        if c == ' ' {
            last_space = Some(i + 1);
        }
    }
    let (mut first, mut rest) = (Vec::new(), Vec::new());
    let mut at = 0;
    for (t, style) in spans {
        let end = at + t.len();
        if end <= cut {
            first.push((t, style));
        } else if at >= cut {
            rest.push((t, style));
        } else {
            let (a, b) = t.split_at(cut - at);
            first.push((a.to_string(), style));
            rest.push((b.to_string(), style));
        }
        at = end;
    }
    (first, rest)
}

/// The news from the left and the connection on the right while both fit;
/// when they do not, the news keeps the line.
fn place(spans: Spans, conn: Option<(String, Style)>, width: usize) -> Line<'static> {
    let used = cols(&spans);
    let conn = conn.filter(|(c, _)| used + sanitize::width(c) <= width);
    let budget = width - conn.as_ref().map_or(0, |(c, _)| sanitize::width(c));
    let mut out: Vec<Span> = Vec::new();
    let mut left = 0;
    for (text, style) in spans {
        let room = budget.saturating_sub(left);
        if room == 0 {
            break;
        }
        let text = sanitize::truncate(&text, room);
        left += sanitize::width(&text);
        out.push(Span::styled(text, style));
    }
    if let Some((c, style)) = conn {
        out.push(Span::raw(" ".repeat(budget.saturating_sub(left))));
        out.push(Span::styled(c, style));
    }
    Line::from(out)
}
