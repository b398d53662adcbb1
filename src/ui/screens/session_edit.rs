//! The session note editor: the one-line fields on top (scrolling with the
//! focus when they do not fit), the note below, one line of news and one
//! of keys at the foot. Also the unsent-notes list and the picker of a
//! student's interventions.

use crate::app::loadable::Pending as LoadPending;
use crate::app::session_edit::recover::DraftsState;
use crate::app::session_edit::slots::{self, NOTE_MAX, Slot};
use crate::app::session_edit::{Editor, SessionScreen, Stage, thousands};
use crate::app::{LogPick, session_log};
use crate::domain::session::StoredSession;
use crate::ui::form::Aside;
use crate::ui::sanitize::{clean, truncate};
use crate::ui::theme::Theme;
use crate::ui::widgets::pending::{self, Pending};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Paragraph, Wrap};

/// Rows the note keeps however many fields there are (with its border).
const NOTE_MIN: u16 = 5;

pub fn render(frame: &mut Frame, area: Rect, s: &SessionScreen, theme: &Theme) {
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
            _ if s.editing.is_loading() => Pending::Loading("loading the intervention…"),
            // Nothing asked yet (opened while not connected): nothing to say.
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
        crate::ui::form::render_conflict_with(
            frame,
            area,
            &rows,
            "m keep mine (save over theirs) · t keep theirs · e merge by hand",
            None,
            false,
            theme,
        );
        return;
    }
    editor(frame, area, e, theme);
}

fn editor(frame: &mut Frame, area: Rect, e: &Editor, theme: &Theme) {
    let w = usize::from(area.width);
    let (fields, focus) =
        crate::ui::form::field_lines_with(&e.form, w, !e.note_focus, theme, &asides(e, theme));
    let wanted = u16::try_from(fields.len() + 1).unwrap_or(u16::MAX);
    let room = area.height.saturating_sub(NOTE_MIN + 2);
    let [head, note_area, news, keys] = Layout::vertical([
        Constraint::Length(wanted.min(room)),
        Constraint::Fill(1),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(area);

    let what = match e.base_version {
        Some(v) => format!("editing a saved session (version {v})"),
        None => "new session".to_string(),
    };
    let title = format!(
        "{} · {} · {what}",
        e.context.student_name, e.context.intervention_name
    );
    let mut lines = vec![Line::styled(truncate(&clean(&title), w), theme.group)];
    lines.extend(fields);
    let height = usize::from(head.height);
    let offset = crate::ui::scroll_offset(0, focus + 1, height, lines.len());
    let shown: Vec<Line> = lines.into_iter().skip(offset).take(height).collect();
    frame.render_widget(Paragraph::new(shown), head);

    let count = e.note_chars();
    let mut note_title = " Note ".to_string();
    if count * 10 >= NOTE_MAX * 9 {
        note_title = format!(
            " Note · {} of {} characters ",
            thousands(count),
            thousands(NOTE_MAX)
        );
    }
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(if e.note_focus {
            theme.hotkey
        } else {
            theme.border
        })
        .title(note_title);
    let inner = block.inner(note_area);
    frame.render_widget(block, note_area);
    frame.render_widget(&e.note, inner);

    let (text, style) = news_line(e, theme);
    frame.render_widget(
        Paragraph::new(Line::styled(clean(&text).into_owned(), style)).wrap(Wrap { trim: true }),
        news,
    );
    let k = match e.stage {
        Stage::Leaving => "k keep as draft · d discard · any other key: back to editing",
        Stage::Saving => "saving… · esc: leave it to the outbox",
        _ => "ctrl-s save · tab/shift-tab move · ←/→ choose · esc leave · f1 help",
    };
    frame.render_widget(
        Paragraph::new(Line::styled(truncate(k, w), theme.dim)),
        keys,
    );
}

/// After each score, the goal it scores; after a value carried over from
/// the last session, that it was.
fn asides(e: &Editor, theme: &Theme) -> Vec<Option<Aside>> {
    e.slots
        .iter()
        .enumerate()
        .map(|(i, slot)| match slot {
            Slot::Score(g) => slots::score_about(&e.context, *g).map(|(text, keep)| Aside {
                text,
                keep,
                style: theme.dim,
            }),
            _ => e.carried_from(i).map(|text| Aside {
                text,
                keep: String::new(),
                style: theme.busy,
            }),
        })
        .collect()
}

fn news_line(e: &Editor, theme: &Theme) -> (String, ratatui::style::Style) {
    if e.stage == Stage::Leaving {
        return (
            "leave this note? it is kept on this machine as a draft unless you discard it".into(),
            theme.error,
        );
    }
    if e.stage == Stage::Saving {
        return ("saving…".into(), theme.busy);
    }
    if let Some(n) = &e.notice {
        return (n.clone(), theme.error);
    }
    if e.note_focus {
        if let Some(err) = e.note_error() {
            return (err, theme.error);
        }
        return (
            "Note: enter starts a new line · ctrl-z undo · ctrl-y redo · alt-b/alt-f by word"
                .into(),
            theme.dim,
        );
    }
    let spec = &e.form.specs[e.form.focus];
    match e.form.shown_error(e.form.focus) {
        Some(err) => (format!("{}: {err}", spec.label), theme.error),
        None => (
            format!("{}: {}", spec.label, e.form.focused_hint()),
            theme.dim,
        ),
    }
}

/// Mine against theirs for every field, the note as its first line and
/// its length.
fn conflict_rows(e: &Editor, theirs: &StoredSession) -> Vec<(String, String, String)> {
    let their_values = slots::stored_values(&e.context, &e.slots, &theirs.values);
    let mut rows: Vec<(String, String, String)> = e
        .form
        .specs
        .iter()
        .zip(e.form.values.iter().zip(their_values))
        .map(|(s, (m, t))| (s.label.to_string(), m.clone(), t))
        .collect();
    let summary = |n: &str| {
        let first = n.lines().next().unwrap_or("");
        let lines = n.lines().count();
        if lines > 1 {
            format!("{first} (+{} lines)", lines - 1)
        } else {
            first.to_string()
        }
    };
    rows.push((
        "Note".into(),
        summary(&e.note_text()),
        summary(theirs.values.note.as_deref().unwrap_or("")),
    ));
    if let Some(by) = &theirs.updated_by_name {
        rows.push(("Saved by".into(), "you (not yet)".into(), by.clone()));
    }
    rows
}

pub fn render_drafts(frame: &mut Frame, area: Rect, d: &DraftsState, theme: &Theme) {
    let w = usize::from(area.width);
    let mut lines = vec![
        Line::styled(
            truncate(
                "Session notes on this machine that were never saved to the database:",
                w,
            ),
            theme.group,
        ),
        Line::styled(
            truncate(
                "enter reopens · x discards (asks) · esc for later (:drafts lists them again)",
                w,
            ),
            theme.hotkey,
        ),
        Line::raw(""),
    ];
    let first = lines.len();
    for (i, draft) in d.drafts.iter().enumerate() {
        let style = if i == d.cursor {
            theme.selected
        } else {
            ratatui::style::Style::new()
        };
        lines.push(Line::styled(
            crate::ui::sanitize::fit(&format!(" {}", draft.summary()), w),
            style,
        ));
    }
    for why in &d.unreadable {
        lines.push(Line::styled(
            truncate(&clean(&format!(" unreadable: {why}")), w),
            theme.error,
        ));
    }
    if d.confirm_discard {
        lines.push(Line::raw(""));
        lines.extend(crate::ui::widgets::question::lines(
            "discard the selected note for good?",
            "discard",
            "keep it",
            w,
            theme,
        ));
    }
    let height = usize::from(area.height);
    let offset = crate::ui::scroll_offset(0, first + d.cursor, height, lines.len());
    let shown: Vec<Line> = lines.into_iter().skip(offset).take(height).collect();
    frame.render_widget(Paragraph::new(shown), area);
}

pub fn render_log_pick(frame: &mut Frame, area: Rect, p: &LogPick, theme: &Theme) {
    let w = area.width.saturating_sub(4).min(70);
    let h = area.height.saturating_sub(2).min(14);
    let x = area.x + (area.width.saturating_sub(w)) / 2;
    let y = area.y + (area.height.saturating_sub(h)) / 2;
    let title = format!("Log a session for {}", p.student_name);
    crate::ui::picker::render(
        frame,
        Rect::new(x, y, w, h),
        &title,
        &p.picker,
        session_log::target_label,
        |t| crate::ui::picker::Shown {
            label: t.name.clone(),
            detail: crate::ui::words::status(t.status),
        },
        theme,
    );
}
