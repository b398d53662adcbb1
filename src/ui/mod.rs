//! Rendering: a pure function of State onto a Frame. One module per screen,
//! plus the hint and status lines, help overlay, theme and text sanitising.

pub mod auth;
pub mod command;
#[cfg(test)]
mod contact_snapshots;
#[cfg(test)]
mod documents_snapshots;
#[cfg(test)]
mod frame_snapshots;
pub mod help;
pub mod hint;
pub mod hits;
#[cfg(test)]
mod home_snapshots;
#[cfg(test)]
mod iv_edit_snapshots;
#[cfg(test)]
mod iv_snapshots;
pub mod palette;
pub mod sanitize;
pub mod screens;
#[cfg(test)]
mod session_snapshots;
pub mod status;
#[cfg(test)]
mod team_snapshots;
pub mod theme;
#[cfg(test)]
mod theme_snapshots;
pub mod widgets;
pub mod words;

pub use screens::{home, intervention, iv_edit, menu, roster, session_edit, student, team};
pub use widgets::{chart, form, picker};

use crate::app::{MIN_HEIGHT, MIN_WIDTH, Modal, Screen, State, fits};
use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Layout, Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use theme::Theme;

pub fn render(frame: &mut Frame, state: &State, theme: &Theme) {
    if let Some(at) = render_frame(frame, state, theme) {
        frame.set_cursor_position(at);
    }
}

/// Draws the whole screen and says where the terminal's cursor belongs
/// (only the command line shows it): for output paths that apply the
/// buffer themselves (`tui::Screen`).
pub fn render_frame(frame: &mut Frame, state: &State, theme: &Theme) -> Option<Position> {
    let cursor = draw_frame(frame, state, theme);
    paint_page(frame.buffer_mut(), theme);
    cursor
}

/// The theme's page colours wherever nothing else chose one, popups (which
/// clear their cells) included; nothing in `dark`, whose page is the
/// terminal's own.
fn paint_page(buf: &mut ratatui::buffer::Buffer, theme: &Theme) {
    use ratatui::style::Color;
    let (fg, bg) = (theme.text.fg, theme.text.bg);
    if fg.is_none() && bg.is_none() {
        return;
    }
    for c in buf.content.iter_mut() {
        if let Some(bg) = bg
            && c.bg == Color::Reset
        {
            c.bg = bg;
        }
        if let Some(fg) = fg
            && c.fg == Color::Reset
        {
            c.fg = fg;
        }
    }
}

fn draw_frame(frame: &mut Frame, state: &State, theme: &Theme) -> Option<Position> {
    let area = frame.area();
    if !fits(area.width, area.height) {
        too_small(frame, area, state);
        return None;
    }
    let [title, body, hint_area, status_area] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);
    title_bar(frame, title, state, theme);
    screens::render(frame, body, state, theme);
    if let Some(p) = &state.log_pick {
        session_edit::render_log_pick(frame, body, p, theme);
    }
    if status::wraps(state, theme, usize::from(area.width)) {
        let both = Rect {
            height: 2,
            ..hint_area
        };
        status::render(frame, both, state, theme);
    } else {
        hint::render(frame, hint_area, state, theme);
        status::render(frame, status_area, state, theme);
    }
    if state.modal == Some(Modal::Command) {
        palette::render(frame, body, state, theme);
    }
    let cursor = (state.modal == Some(Modal::Command))
        .then(|| command::render(frame, status_area, state, theme));
    if state.modal == Some(Modal::Help) {
        help::render(frame, body, state, theme);
    }
    if let Some(prompt) = &state.auth {
        auth::render(frame, body, prompt, theme);
    }
    cursor
}

fn title_bar(frame: &mut Frame, area: Rect, state: &State, theme: &Theme) {
    let crumbs: Vec<String> = state.screens.iter().map(Screen::title).collect();
    let text = format!(" caseload · {}", crumbs.join(" › "));
    let line = sanitize::fit(&text, usize::from(area.width));
    frame.render_widget(Paragraph::new(line).style(theme.title), area);
}

/// Says so, and what the keys do meanwhile (`app::route`: only quit and
/// help act).
fn too_small(frame: &mut Frame, area: Rect, state: &State) {
    let quit = state
        .keymap
        .keys(crate::app::keymap::Action::Quit)
        .first()
        .map(|k| format!("; {k} quits, other keys do nothing"))
        .unwrap_or_default();
    let text = format!(
        "terminal too small (need {MIN_WIDTH}×{MIN_HEIGHT}, have {}×{}){quit}",
        area.width, area.height
    );
    let p = Paragraph::new(text.clone())
        .alignment(Alignment::Center)
        .wrap(Wrap { trim: true });
    // Word wrap can need a line more than the character count suggests.
    let estimate = sanitize::width(&text).div_ceil(usize::from(area.width.max(1))) + 1;
    let lines = u16::try_from(estimate).unwrap_or(u16::MAX).min(area.height);
    let [mid] = Layout::vertical([Constraint::Length(lines)])
        .flex(ratatui::layout::Flex::Center)
        .areas(area);
    frame.render_widget(p, mid);
}

/// Centred like `centered_text`, but wrapped: the end of a long reason says
/// what to do ("run `caseload migrate`"), so it must not be cut off.
pub(crate) fn centered_wrapped(
    frame: &mut Frame,
    area: Rect,
    text: &str,
    style: ratatui::style::Style,
) {
    let lines: Vec<Line> = auth::wrap(&sanitize::clean(text), usize::from(area.width))
        .into_iter()
        .map(|l| Line::styled(l, style))
        .collect();
    let height = u16::try_from(lines.len())
        .unwrap_or(u16::MAX)
        .min(area.height);
    let [mid] = Layout::vertical([Constraint::Length(height)])
        .flex(ratatui::layout::Flex::Center)
        .areas(area);
    frame.render_widget(Paragraph::new(lines).alignment(Alignment::Center), mid);
}

/// One line of text in the middle of `area`.
pub(crate) fn centered_text(
    frame: &mut Frame,
    area: Rect,
    text: &str,
    style: ratatui::style::Style,
) {
    let [mid] = Layout::vertical([Constraint::Length(1)])
        .flex(ratatui::layout::Flex::Center)
        .areas(area);
    let text = sanitize::truncate(text, usize::from(area.width));
    frame.render_widget(
        Paragraph::new(Line::from(Span::styled(text, style))).alignment(Alignment::Center),
        mid,
    );
}

/// The first row to draw so that `cursor` is visible in `height` rows,
/// staying as close to `preferred` as possible.
pub(crate) fn scroll_offset(preferred: usize, cursor: usize, height: usize, len: usize) -> usize {
    let height = height.max(1);
    let mut offset = preferred.min(len.saturating_sub(1));
    if cursor < offset {
        offset = cursor;
    } else if cursor >= offset + height {
        offset = cursor + 1 - height;
    }
    offset
}
