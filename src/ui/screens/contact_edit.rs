//! The contact form: who, how and why above the summary, the follow-up
//! (and the restricted toggle, and when) below it, one line of news (or
//! the question being asked) and one of keys at the foot.

use crate::app::form::Form;
use crate::app::loadable::Pending as LoadPending;
use crate::app::screens::contact_edit::fields::{self, ABOVE_SUMMARY, Slot};
use crate::app::screens::contact_edit::{At, Stage};
use crate::app::screens::contact_edit::{ContactScreen, Editor};
use crate::app::session_edit::thousands;
use crate::domain::contact::{SUMMARY_MAX, StoredContact};
use crate::ui::sanitize::{clean, truncate};
use crate::ui::theme::Theme;
use crate::ui::widgets::form::{Aside, field_lines_with, render_conflict_with};
use crate::ui::widgets::pending::{self, Pending};
use crate::ui::widgets::question;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};
use std::borrow::Cow;

/// Rows the summary keeps however small the terminal (with its border).
const SUMMARY_MIN: u16 = 3;

pub fn render(frame: &mut Frame, area: Rect, s: &ContactScreen, theme: &Theme) {
    let Some(e) = s.editor() else {
        let why;
        let waiting = match s.editing.pending() {
            Some(LoadPending::Failed(w)) => {
                why = clean(w);
                Pending::Refused {
                    why: &why,
                    keys: "esc back · r retry",
                }
            }
            _ if s.editing.is_loading() => Pending::Loading("loading the student's guardians…"),
            _ => Pending::Loading(""),
        };
        pending::render(frame, area, waiting, theme);
        return;
    };
    if let Stage::Conflict(theirs) = &e.stage {
        let rows = conflict_rows(e, theirs);
        let rows: Vec<(&str, String, String)> = rows
            .iter()
            .map(|(l, m, t)| (l.as_str(), m.clone(), t.clone()))
            .collect();
        render_conflict_with(
            frame,
            area,
            &rows,
            "m keep mine (save over theirs) · t take theirs · e edit again",
            None,
            e.saving.is_some(),
            theme,
        );
        return;
    }
    editor(frame, area, e, theme);
}

/// The fields from `from` to `to` as a form of their own, for drawing
/// above or below the summary.
fn part(form: &Form, from: usize, to: usize, shown: &[bool]) -> Form {
    let keep = |i: &usize| shown[*i];
    let idx: Vec<usize> = (from..to).filter(keep).collect();
    let pick = |v: &[String]| idx.iter().map(|i| v[*i].clone()).collect::<Vec<_>>();
    let mut f = Form::with_specs(
        Cow::Owned(idx.iter().map(|i| form.specs[*i].clone()).collect()),
        pick(&form.values),
    );
    f.touched = idx.iter().map(|i| form.touched[*i]).collect();
    f.errors = idx.iter().map(|i| form.errors[*i].clone()).collect();
    f.show_all = form.show_all;
    f.saving = form.saving;
    f.cursor = form.cursor;
    f.typed = form.typed.clone();
    f.focus = idx
        .iter()
        .position(|i| *i == form.focus)
        .unwrap_or(usize::MAX);
    f
}

fn editor(frame: &mut Frame, area: Rect, e: &Editor, theme: &Theme) {
    let w = usize::from(area.width);
    let n = e.slots.len();
    let follow_up = e.follow_up();
    let shown: Vec<bool> = e
        .slots
        .iter()
        .map(|s| follow_up || !matches!(s, Slot::Due | Slot::Owner))
        .collect();
    let field_focus = matches!(e.at, At::Field(_)) && e.saving.is_none();
    let top = part(&e.form, 0, ABOVE_SUMMARY, &shown);
    let bottom = part(&e.form, ABOVE_SUMMARY, n, &shown);
    let asides = asides(e, theme);
    let (top_lines, _) = field_lines_with(&top, w, field_focus, theme, &asides);
    let below: Vec<Option<Aside>> = e
        .slots
        .iter()
        .zip(&shown)
        .skip(ABOVE_SUMMARY)
        .filter(|(_, shown)| **shown)
        .map(|(s, _)| match (s, e.context.answers) {
            (Slot::Closes, Some(open)) => Some(Aside {
                text: format!("due {}, of the contact this answers", open.due),
                keep: String::new(),
                style: theme.dim,
            }),
            _ => None,
        })
        .collect();
    let (mut bottom_lines, _) = field_lines_with(&bottom, w, field_focus, theme, &below);
    if e.base_version.is_none() && e.value(Slot::When).trim().is_empty() {
        let focused = field_focus && e.slot() == Some(Slot::When);
        now_in_place(&mut bottom_lines, &bottom, focused, theme);
    }
    let closed = e.closed_label();

    let len = |v: &Vec<Line>| u16::try_from(v.len()).unwrap_or(u16::MAX);
    let [head, top_area, sum_area, bottom_area, news, keys] = Layout::vertical([
        Constraint::Length(1 + u16::from(closed.is_some())),
        Constraint::Length(len(&top_lines)),
        Constraint::Min(SUMMARY_MIN),
        Constraint::Length(len(&bottom_lines)),
        Constraint::Length(2),
        Constraint::Length(1),
    ])
    .areas(area);
    let mut head_lines = vec![Line::styled(truncate(&clean(&e.label()), w), theme.group)];
    if let Some(c) = closed {
        head_lines.push(Line::styled(truncate(&clean(&c), w), theme.dim));
    }
    frame.render_widget(Paragraph::new(head_lines), head);
    frame.render_widget(Paragraph::new(top_lines), top_area);
    frame.render_widget(Paragraph::new(bottom_lines), bottom_area);

    let count = e.summary_chars();
    let title = if count * 10 >= SUMMARY_MAX * 9 {
        format!(
            " Summary · {} of {} characters ",
            thousands(count),
            thousands(SUMMARY_MAX)
        )
    } else {
        " Summary ".to_string()
    };
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(if e.at == At::Summary {
            theme.hotkey
        } else {
            theme.border
        })
        .title(title);
    let inner = block.inner(sum_area);
    frame.render_widget(block, sum_area);
    frame.render_widget(&e.summary, inner);

    match &e.stage {
        Stage::AskGuardian { .. } => {
            let g = e.chosen_guardian();
            let q = format!(
                "{} is marked {}: contact them anyway?",
                g.map_or("", |g| g.name.as_str()),
                g.and_then(|g| g.caution()).unwrap_or("")
            );
            let lines = question::lines(&q, "yes, this guardian", "choose again", w, theme);
            frame.render_widget(Paragraph::new(lines), news);
        }
        Stage::OfferDraft(d) => {
            let q = format!(
                "a contact for this student was not saved ({}): {}",
                d.day,
                d.summary_line()
            );
            let lines = vec![
                Line::styled(truncate(&clean(&q), w), theme.error),
                Line::styled(
                    truncate(
                        "r restore it · d discard it · any other key: a new one (the draft is kept)",
                        w,
                    ),
                    theme.hotkey,
                ),
            ];
            frame.render_widget(Paragraph::new(lines), news);
        }
        _ => {
            let (text, style) = news_line(e, theme);
            frame.render_widget(
                Paragraph::new(Line::styled(clean(&text).into_owned(), style))
                    .wrap(Wrap { trim: true }),
                news,
            );
        }
    }
    let k = match e.stage {
        Stage::Leaving => "k keep as draft · d discard · any other key: back to editing",
        Stage::Saving => "saving…",
        Stage::AskGuardian { .. } | Stage::OfferDraft(_) => "",
        _ if e.at == At::Summary => {
            "ctrl-s save · tab next field · shift-tab back · esc leave · f1 help"
        }
        _ => "ctrl-s save · enter/tab next · ←/→ choose · esc leave · f1 help",
    };
    frame.render_widget(
        Paragraph::new(Line::styled(truncate(k, w), theme.dim)),
        keys,
    );
}

/// An empty When of a new contact means now: said where its value goes
/// (not after the room an aside keeps), the cursor on it when focused.
fn now_in_place(lines: &mut [Line], bottom: &Form, focused: bool, theme: &Theme) {
    let Some(spec) = bottom.specs.last() else {
        return;
    };
    let label = spec.label.as_ref();
    let Some(line) = lines.iter_mut().rev().find(|l| {
        l.spans
            .first()
            .is_some_and(|s| s.content.chars().skip(2).collect::<String>().trim_end() == label)
    }) else {
        return;
    };
    line.spans.truncate(1);
    if focused {
        line.spans.push(Span::styled("n", theme.selected));
        line.spans.push(Span::styled("ow", theme.dim));
    } else {
        line.spans.push(Span::styled("now", theme.dim));
    }
}

/// Beside the guardian: their relationship, channel, language, rights,
/// marks.
fn asides(e: &Editor, theme: &Theme) -> Vec<Option<Aside>> {
    e.slots
        .iter()
        .take(ABOVE_SUMMARY)
        .map(|s| match s {
            Slot::Guardian => e.chosen_guardian().map(|g| Aside {
                text: clean(&fields::guardian_about(g)).into_owned(),
                keep: if g.caution().is_some() {
                    " ⚠".into()
                } else {
                    String::new()
                },
                style: if g.caution().is_some() {
                    theme.error
                } else {
                    theme.dim
                },
            }),
            _ => None,
        })
        .collect()
}

fn news_line(e: &Editor, theme: &Theme) -> (String, ratatui::style::Style) {
    if e.stage == Stage::Leaving {
        return (
            "leave this contact? it is kept on this machine as a draft unless you discard it"
                .into(),
            theme.error,
        );
    }
    if e.stage == Stage::Saving {
        return ("saving…".into(), theme.busy);
    }
    if let Some(n) = &e.notice {
        return (n.clone(), theme.error);
    }
    let Some(slot) = e.slot() else {
        if let Some(err) = e.summary_error() {
            return (err, theme.error);
        }
        return (
            "Summary: enter starts a new line · ctrl-z undo · ctrl-y redo".into(),
            theme.dim,
        );
    };
    let spec = &e.form.specs[e.form.focus];
    if let Some(err) = e.form.shown_error(e.form.focus) {
        return (format!("{}: {err}", spec.label), theme.error);
    }
    let hint = match slot {
        Slot::Channel | Slot::Direction | Slot::Result => {
            let set = match slot {
                Slot::Channel => fields::CHANNELS,
                Slot::Direction => fields::DIRECTIONS,
                _ => fields::RESULTS,
            };
            let words: Vec<&str> = set.iter().map(|c| c.words).collect();
            format!("←/→ or type to choose: {}", words.join(", "))
        }
        Slot::Purpose => format!("{}: {}", spec.hint, fields::PURPOSES.join(", ")),
        // Chosen from a list: ctrl-u does not clear them.
        Slot::Guardian | Slot::Owner => spec.hint.to_string(),
        _ => e.form.focused_hint(),
    };
    (format!("{}: {hint}", spec.label), theme.dim)
}

/// Mine against theirs for every field, the summary as its first line.
fn conflict_rows(e: &Editor, theirs: &StoredContact) -> Vec<(String, String, String)> {
    let mut their_values = e.clone();
    their_values.load_stored(theirs);
    let mut rows: Vec<(String, String, String)> = e
        .form
        .specs
        .iter()
        .enumerate()
        .map(|(i, s)| {
            (
                s.label.to_string(),
                s.shown(&e.form.values[i]).to_string(),
                s.shown(&their_values.form.values[i]).to_string(),
            )
        })
        .collect();
    let first = |t: &str| t.lines().next().unwrap_or("").to_string();
    rows.push((
        "Summary".into(),
        first(&e.summary_text()),
        first(theirs.fields.summary.as_deref().unwrap_or("")),
    ));
    rows
}
