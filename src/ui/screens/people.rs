//! The People screen: the search box and filter chips, a table of people,
//! and below it whatever has the keys (a form, the grants to revoke, the
//! password prompt, a question).

use crate::app::loadable::Pending as LoadPending;
use crate::app::screens::people::{Mode, PasswordPair, PeopleState, question};
use crate::domain::people::{Person, school_name};
use crate::ui::sanitize::{clean, fit, truncate};
use crate::ui::theme::Theme;
use crate::ui::widgets::pending::{self, Pending};
use crate::ui::widgets::{form, question as ask};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

pub fn render(frame: &mut Frame, area: Rect, s: &PeopleState, theme: &Theme) {
    let why;
    let waiting = match s.list.pending() {
        None => None,
        Some(LoadPending::Failed(w)) => {
            why = clean(w);
            Some(Pending::Failed {
                why: &why,
                hint: pending::BACK_OR_RETRY,
            })
        }
        Some(LoadPending::Loading) => Some(Pending::Loading("loading people…")),
    };
    if let Some(p) = waiting {
        pending::render(frame, area, p, theme);
        return;
    }
    match &s.mode {
        Mode::Add(f) => return form::render(frame, area, "Add a person", f, theme),
        Mode::Grant { username, form: f } => {
            let title = format!("Grant a role to {}", clean(username));
            return form::render(frame, area, &title, f, theme);
        }
        _ => {}
    }
    let below = match &s.mode {
        Mode::Revoke { username, .. } => s
            .list
            .get()
            .and_then(|d| d.people.iter().find(|p| &p.username == username))
            .map_or(2, |p| p.grants.len() as u16 + 2),
        Mode::Password(_) => 5,
        Mode::Confirm(_) => 2,
        _ => 0,
    };
    let [top, head, body, foot, extra] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Fill(1),
        Constraint::Length(1),
        Constraint::Length(below.min(area.height / 2)),
    ])
    .areas(area);
    let w = usize::from(area.width);
    frame.render_widget(Paragraph::new(search_line(s, w, theme)), top);
    let shown = s.shown();
    // The name column as wide as the widest name, within a quarter of the
    // width: the roles get the rest.
    let widest = shown
        .iter()
        .map(|p| crate::ui::sanitize::width(&clean(&p.display_name)))
        .max()
        .unwrap_or(0);
    let name_w = widest.clamp(8, (w / 4).max(8));
    let rest = w.saturating_sub(name_w + 16 + 7 + 6 + 4);
    let line = |user: &str, name: &str, active: &str, login: &str, roles: &str| {
        fit(
            &format!(
                "{} {} {} {} {}",
                fit(name, name_w),
                fit(user, 16),
                fit(active, 7),
                fit(login, 6),
                truncate(roles, rest)
            ),
            w,
        )
    };
    frame.render_widget(
        Paragraph::new(line("Username", "Name", "Active", "Login", "Roles")).style(theme.header),
        head,
    );
    let schools = s.list.get().map_or(&[][..], |d| d.schools.as_slice());
    let rows = usize::from(body.height);
    let offset = crate::ui::scroll_offset(0, s.cursor.at(), rows, shown.len());
    let lines: Vec<Line> = shown
        .iter()
        .enumerate()
        .skip(offset)
        .take(rows)
        .map(|(i, p)| {
            let roles: Vec<String> = p.grants.iter().map(|g| g.describe_in(schools)).collect();
            let text = line(
                &clean(&p.username),
                &clean(&p.display_name),
                if p.is_active { "yes" } else { "no" },
                login_word(p),
                &clean(&roles.join(", ")),
            );
            let style = if i == s.cursor.at() {
                theme.selected
            } else if p.is_active {
                Style::default()
            } else {
                theme.dim
            };
            Line::styled(text, style)
        })
        .collect();
    if lines.is_empty() {
        let none = if s.list.get().is_some_and(|d| d.people.is_empty()) {
            "nobody yet: n adds a person"
        } else {
            "nobody matches: change the search or the filters"
        };
        frame.render_widget(Paragraph::new(none).style(theme.dim), body);
    } else {
        frame.render_widget(Paragraph::new(lines), body);
    }
    let total = s.list.get().map_or(0, |d| d.people.len());
    let footer = match (s.saving.is_some(), s.selected()) {
        (true, _) => "saving…".to_string(),
        (false, Some(p)) => format!(
            "{} of {total} · {} · {}",
            shown.len(),
            clean(&p.email),
            p.home_school
                .as_deref()
                .map_or("no home school".to_string(), |h| format!(
                    "home {}",
                    clean(school_name(schools, h))
                ))
        ),
        (false, None) => format!("{} of {total}", shown.len()),
    };
    frame.render_widget(Paragraph::new(fit(&footer, w)).style(theme.dim), foot);
    match &s.mode {
        Mode::Revoke { username, at } => {
            let grants = s
                .list
                .get()
                .and_then(|d| d.people.iter().find(|p| &p.username == username))
                .map(|p| p.grants.clone())
                .unwrap_or_default();
            let mut out = vec![Line::styled(
                truncate(&format!("Revoke which of {}'s roles?", clean(username)), w),
                theme.group,
            )];
            out.extend(grants.iter().enumerate().map(|(i, g)| {
                let style = if i == *at {
                    theme.selected
                } else {
                    Style::default()
                };
                Line::styled(
                    fit(&format!("  {}", clean(&g.describe_in(schools))), w),
                    style,
                )
            }));
            out.push(Line::styled(
                truncate("j/k choose · enter revoke (asks first) · esc cancel", w),
                theme.dim,
            ));
            frame.render_widget(Paragraph::new(out), extra);
        }
        Mode::Password(p) => {
            frame.render_widget(Paragraph::new(password_lines(p, w, theme)), extra)
        }
        Mode::Confirm(change) => {
            let q = if s.saving.is_some() {
                vec![ask::doing("saving…", w, theme)]
            } else {
                ask::lines(&question(change), "do it", "cancel", w, theme)
            };
            frame.render_widget(Paragraph::new(q), extra);
        }
        _ => {}
    }
}

fn login_word(p: &Person) -> &'static str {
    match (p.has_login, p.can_login) {
        (false, _) => "none",
        (true, true) => "yes",
        (true, false) => "no",
    }
}

fn search_line<'a>(s: &PeopleState, w: usize, theme: &Theme) -> Line<'a> {
    let typing = matches!(s.mode, Mode::Search);
    let mut spans = vec![Span::styled("Search: ", theme.dim)];
    let text = clean(&s.filter.search).into_owned();
    if typing {
        spans.push(Span::raw(truncate(&text, w.saturating_sub(30))));
        spans.push(Span::styled(" ", theme.selected));
        spans.push(Span::styled("  enter/esc done · ctrl-u clear", theme.dim));
    } else if text.is_empty() {
        spans.push(Span::styled("(/ to search)", theme.dim));
    } else {
        spans.push(Span::raw(truncate(&text, w.saturating_sub(30))));
    }
    for chip in s.filter.chips() {
        spans.push(Span::raw("  "));
        spans.push(Span::styled(format!("[{}]", clean(&chip)), theme.hotkey));
    }
    Line::from(spans)
}

fn password_lines<'a>(p: &PasswordPair, w: usize, theme: &Theme) -> Vec<Line<'a>> {
    let bullets = |n: usize| "•".repeat(n.min(w.saturating_sub(20)));
    let field = |label: &str, n: usize, on: bool| {
        let mut spans = vec![Span::styled(
            format!("{} {label:<14}", if on { "›" } else { " " }),
            if on { theme.hotkey } else { theme.dim },
        )];
        spans.push(Span::raw(bullets(n)));
        if on {
            spans.push(Span::styled(" ", theme.selected));
        }
        Line::from(spans)
    };
    let (note, style) = match (&p.note, p.saving.is_some()) {
        (_, true) => ("saving…".to_string(), theme.busy),
        (Some(n), false) => (clean(n).into_owned(), theme.error),
        (None, false) => (
            "enter next / save · tab switch · ctrl-u clear · esc cancel".to_string(),
            theme.dim,
        ),
    };
    vec![
        Line::styled(
            truncate(
                &format!("New password for {} (hidden)", clean(&p.username)),
                w,
            ),
            theme.group,
        ),
        field("Password", p.first.char_count(), !p.on_second),
        field("Again", p.second.char_count(), p.on_second),
        Line::styled(truncate(&note, w), style),
    ]
}
