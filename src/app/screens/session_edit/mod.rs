//! The session note editor: a session's fields and a multi-line note
//! (ratatui-textarea), saved locally on every change (a draft, written by
//! the worker) and sent through the outbox, which keeps it until the
//! database confirms. A conflict shows theirs against mine; nothing is
//! overwritten silently.

pub mod draft;
pub mod recover;
pub mod slots;

mod open;
mod room;
use crate::app::form::Form;
use crate::app::loadable::Loadable;
use crate::domain::session::{SessionContext, SessionWrite, StoredSession};
use chrono::{Datelike, NaiveDate};
use draft::SessionDraft;
pub use open::{NOT_CONNECTED, draft_screen, edit_session_screen, new_session_screen};
use ratatui::style::{Modifier, Style};
use ratatui_textarea::{TextArea, WrapMode};
use slots::{NOTE_MAX, Slot};

/// 100000 as "100,000".
pub fn thousands(n: usize) -> String {
    crate::app::home::grouped(n as u64)
}
use std::borrow::Cow;
use uuid::Uuid;

/// The editor screen: loading what it needs, or editing.
#[derive(Debug, Clone)]
pub struct SessionScreen {
    pub title: String,
    pub intervention_id: Uuid,
    /// The session being edited; `None` for a new one.
    pub session_id: Option<Uuid>,
    /// The editor, once the context (and, for an edit, the session as it is
    /// now) arrived, or at once for a recovered draft; else why it cannot open.
    pub editing: Loadable<Box<Editor>>,
}

impl SessionScreen {
    pub fn editor(&self) -> Option<&Editor> {
        self.editing.get().map(|e| &**e)
    }

    pub fn editor_mut(&mut self) -> Option<&mut Editor> {
        self.editing.get_mut().map(|e| &mut **e)
    }

    /// Why the editor could not open (r retries).
    pub fn error(&self) -> Option<&str> {
        self.editing.error()
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum Stage {
    Editing,
    /// Handed to the outbox; waiting for the database's answer.
    Saving,
    /// Esc with changes: keep the draft, discard it, or go on editing.
    Leaving,
    /// Someone else saved this session first.
    Conflict(Box<StoredSession>),
}

#[derive(Debug, Clone)]
pub struct Editor {
    /// The session's id: client-generated for a new one, so a retried save
    /// never makes a second row; the draft's key too.
    pub id: Uuid,
    /// The version the edit started from; `None` for a new session.
    pub base_version: Option<i32>,
    pub context: SessionContext,
    /// The day the editor was opened on (the worker's date).
    pub today: NaiveDate,
    pub slots: Vec<Slot>,
    pub form: Form,
    pub note: TextArea<'static>,
    pub original_note: String,
    pub note_focus: bool,
    pub stage: Stage,
    /// Why the last key or save did not do what was asked.
    pub notice: Option<String>,
}

impl Editor {
    /// Every way in goes through a draft: a new session, an edit and a
    /// recovered note open the same way.
    fn build(d: SessionDraft) -> Editor {
        let slots = slots::slots(&d.context);
        let n = slots.len();
        let fit = |mut v: Vec<String>| {
            v.resize(n, String::new());
            v
        };
        let specs = slots::specs(&d.context, &slots);
        let mut form = Form::with_specs(Cow::Owned(specs), fit(d.original));
        form.values = fit(d.values);
        let mut e = Editor {
            id: d.id,
            base_version: d.base_version,
            context: d.context,
            today: d.today,
            slots,
            form,
            note: note_area(&slots::clean_note(&d.note)),
            original_note: d.original_note,
            note_focus: false,
            stage: Stage::Editing,
            notice: None,
        };
        e.revalidate();
        // The quick path starts where a value is needed: the first field a
        // save would refuse (a required field that does not carry over),
        // else the first score; without goals, the note.
        let first_score = e.slots.iter().position(|s| matches!(s, Slot::Score(_)));
        let first_needed = e.form.errors.iter().position(Option::is_some);
        e.set_focus(first_needed.or(first_score).unwrap_or(n));
        e
    }

    /// A new session of the intervention `context` is about.
    pub fn new_session(id: Uuid, context: SessionContext, today: NaiveDate) -> Editor {
        let slots = slots::slots(&context);
        let values = slots::new_values(&context, today, &slots);
        Editor::build(SessionDraft {
            format: draft::FORMAT,
            id,
            base_version: None,
            context,
            today,
            original: values.clone(),
            values,
            note: String::new(),
            original_note: String::new(),
        })
    }

    /// An existing session, as the database has it now.
    pub fn edit(stored: &StoredSession, context: SessionContext, today: NaiveDate) -> Editor {
        let slots = slots::slots(&context);
        let values = slots::stored_values(&context, &slots, &stored.values);
        let note = slots::clean_note(stored.values.note.as_deref().unwrap_or("")).into_owned();
        Editor::build(SessionDraft {
            format: draft::FORMAT,
            id: stored.id,
            base_version: Some(stored.version),
            context,
            today,
            original: values.clone(),
            values,
            original_note: note.clone(),
            note,
        })
    }

    /// A draft from disk, exactly as it was left, its messages showing.
    pub fn from_draft(d: SessionDraft) -> Editor {
        let mut e = Editor::build(d);
        e.form.show_all = true;
        e
    }

    /// "↺ from 12 Nov" beside field `i` while it holds the value carried
    /// over from the last session, until the person confirms it (leaves
    /// the field, or types in it) or changes it. New sessions only: an
    /// edit shows what was saved.
    pub fn carried_from(&self, i: usize) -> Option<String> {
        if self.base_version.is_some() || self.form.touched.get(i).copied().unwrap_or(true) {
            return None;
        }
        let carried = slots::carried(&self.context, *self.slots.get(i)?)?;
        if self.form.values.get(i)? != &carried {
            return None;
        }
        Some(match self.context.last_session_date {
            Some(d) if d.year() == self.today.year() => format!("↺ from {}", d.format("%-d %b")),
            Some(d) => format!("↺ from {}", d.format("%-d %b %Y")),
            None => "↺ from the last session".into(),
        })
    }

    pub fn note_text(&self) -> String {
        self.note.lines().join("\n")
    }

    pub fn dirty(&self) -> bool {
        self.form.dirty() || self.note_text() != self.original_note
    }

    pub fn draft(&self) -> SessionDraft {
        SessionDraft {
            format: draft::FORMAT,
            id: self.id,
            base_version: self.base_version,
            context: self.context.clone(),
            today: self.today,
            values: self.form.values.clone(),
            original: self.form.original.clone(),
            note: self.note_text(),
            original_note: self.original_note.clone(),
        }
    }

    /// "Nguyen, An · Read Naturally · 2026-11-25", for messages.
    pub fn label(&self) -> String {
        let date = self
            .slots
            .iter()
            .position(|s| *s == Slot::Date)
            .and_then(|i| self.form.values.get(i))
            .cloned()
            .unwrap_or_default();
        format!(
            "{} · {} · {date}",
            self.context.student_name, self.context.intervention_name
        )
    }

    /// The note's length in characters, newlines included.
    pub fn note_chars(&self) -> usize {
        let n: usize = self
            .note
            .lines()
            .iter()
            .map(|l| l.chars().count() + 1)
            .sum();
        n.saturating_sub(1)
    }

    pub fn note_error(&self) -> Option<String> {
        let n = self.note_chars();
        (n > NOTE_MAX).then(|| {
            format!(
                "the note has {} characters; a session note holds at most {}",
                thousands(n),
                thousands(NOTE_MAX)
            )
        })
    }

    fn revalidate(&mut self) {
        let note = self.note_text();
        let errors = slots::parse(&self.context, &self.slots, &self.form.values, &note)
            .err()
            .unwrap_or_default();
        self.form.set_errors(errors);
    }

    /// The write the editor's values make, or `Err` (the messages are on
    /// the fields, or the note's).
    pub(crate) fn write(&mut self) -> Result<SessionWrite, String> {
        self.form.show_all = true;
        self.revalidate();
        let note = self.note_text();
        let values = slots::parse(&self.context, &self.slots, &self.form.values, &note);
        if let Some(e) = self.note_error() {
            return Err(format!("not saved: {e}"));
        }
        match values {
            Ok(values) => Ok(SessionWrite {
                id: self.id,
                intervention_id: self.context.intervention_id,
                base_version: self.base_version,
                values,
            }),
            Err(errors) => {
                let first = errors.iter().map(|(i, _)| *i).min().unwrap_or(0);
                self.set_focus(first);
                Err(format!(
                    "not saved: {} to fix (shown under the field{})",
                    if errors.len() == 1 {
                        "1 value".to_string()
                    } else {
                        format!("{} values", errors.len())
                    },
                    if errors.len() == 1 { "" } else { "s" }
                ))
            }
        }
    }

    fn slot(&self) -> Option<Slot> {
        (!self.note_focus)
            .then(|| self.slots.get(self.form.focus).copied())
            .flatten()
    }

    /// Focus position `i`: a field, or the note at `i` = the number of
    /// fields. Only the focused note shows its cursor.
    fn set_focus(&mut self, i: usize) {
        self.note_focus = i >= self.form.values.len();
        if !self.note_focus {
            self.form.focus = i;
            self.form.cursor = self.form.values[i].chars().count();
        }
        self.note.set_cursor_style(if self.note_focus {
            Style::new().add_modifier(Modifier::REVERSED)
        } else {
            Style::new()
        });
    }

    /// Tab order: the fields, then the note, then round again. A field
    /// left counts as touched, so its message shows.
    fn move_focus(&mut self, forward: bool) {
        let n = self.form.values.len();
        let at = if self.note_focus {
            n
        } else {
            if let Some(t) = self.form.touched.get_mut(self.form.focus) {
                *t = true;
            }
            self.form.focus
        };
        let next = if forward { at + 1 } else { at + n };
        self.set_focus(next % (n + 1));
    }

    /// Attendance decides minutes: none when the session did not happen,
    /// the planned minutes again when it did after all.
    fn attendance_changed(&mut self) {
        let at = |s: Slot| self.slots.iter().position(|x| *x == s);
        let (Some(a), Some(m)) = (at(Slot::Attendance), at(Slot::Minutes)) else {
            return;
        };
        let present = self.form.values[a].trim().eq_ignore_ascii_case("present");
        let known = slots::ATTENDANCE
            .iter()
            .any(|x| x.eq_ignore_ascii_case(self.form.values[a].trim()));
        if !known {
            return;
        }
        if !present {
            self.form.values[m] = "0".into();
        } else if self.form.values[m].trim() == "0" {
            self.form.values[m] = self.context.planned_minutes.to_string();
        }
    }
}

fn note_area(text: &str) -> TextArea<'static> {
    text_area(text, "What happened in the session…")
}

/// A wrapping multi-line text box holding `text`, the cursor at its end
/// (the session note, a contact's summary).
pub(crate) fn text_area(text: &str, placeholder: &str) -> TextArea<'static> {
    let mut t = TextArea::new(text.split('\n').map(str::to_string).collect());
    t.set_wrap_mode(WrapMode::WordOrGlyph);
    t.set_max_histories(200);
    t.set_cursor_line_style(Style::new());
    t.set_placeholder_text(placeholder.to_string());
    // Dim rather than the textarea's grey: no colour, so NO_COLOR holds.
    t.set_placeholder_style(Style::new().add_modifier(Modifier::DIM));
    t.move_cursor(ratatui_textarea::CursorMove::Bottom);
    t.move_cursor(ratatui_textarea::CursorMove::End);
    t
}

#[cfg(test)]
pub(crate) mod fields_tests;
#[cfg(test)]
mod open_tests;
#[cfg(test)]
pub(crate) mod test_setup;
#[cfg(test)]
mod tests;
