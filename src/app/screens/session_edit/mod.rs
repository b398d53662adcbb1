//! The session note editor: a session's fields and a multi-line note
//! (ratatui-textarea), saved locally on every change (a draft, written by
//! the worker) and sent through the outbox, which keeps it until the
//! database confirms. A conflict shows theirs against mine; nothing is
//! overwritten silently.

pub mod draft;
pub mod recover;
pub mod slots;

mod open;
use crate::app::Read;
use crate::app::form::{Form, FormKey};
use crate::app::keymap::{Action, Key, KeyMap};
use crate::app::{Effect, ReqId, Screen, State};
use crate::domain::session::{SessionContext, SessionWrite, StoredSession};
use chrono::NaiveDate;
use crossterm::event::{KeyCode, KeyEvent};
use draft::SessionDraft;
pub use open::{editor_of, on_context, open_draft, open_edit, open_new};
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
    /// Loading the context (and, for an edit, the session as it is now).
    pub req: Option<ReqId>,
    pub intervention_id: Uuid,
    /// The session being edited; `None` for a new one.
    pub session_id: Option<Uuid>,
    pub error: Option<String>,
    pub editor: Option<Box<Editor>>,
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
        // The quick path starts on the first score; without goals, on the note.
        let first_score = slots.iter().position(|s| matches!(s, Slot::Score(_)));
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
        e.set_focus(first_score.unwrap_or(n));
        e.revalidate();
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
    fn write(&mut self) -> Result<SessionWrite, String> {
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
    let mut t = TextArea::new(text.split('\n').map(str::to_string).collect());
    t.set_wrap_mode(WrapMode::WordOrGlyph);
    t.set_max_histories(200);
    t.set_cursor_line_style(Style::new());
    t.set_placeholder_text("What happened in the session…");
    t.move_cursor(ratatui_textarea::CursorMove::Bottom);
    t.move_cursor(ratatui_textarea::CursorMove::End);
    t
}

// ---- keys -----------------------------------------------------------------

/// Keys for the editor screen; `None` when it is not on top.
pub fn on_key(state: &mut State, key: &KeyEvent) -> Option<Vec<Effect>> {
    if !matches!(state.top(), Screen::Session(_)) {
        return None;
    }
    let k = Key::from_event(key);
    let keymap = state.keymap.clone();
    let bound = |a: Action| keymap.keys(a).contains(&k);
    if key.code == KeyCode::F(1) {
        crate::app::help::open(state);
        return Some(vec![]);
    }
    let Screen::Session(s) = state.top_mut() else {
        return None;
    };
    let Some(e) = s.editor.as_deref_mut() else {
        // Loading, or refused: only leaving and retrying do anything.
        if bound(Action::CancelForm) || bound(Action::Back) {
            return Some(close(state, None));
        }
        if bound(Action::Retry) && s.req.is_none() {
            let top = state.screens.len() - 1;
            return Some(crate::app::nav::reload(state, top));
        }
        return Some(vec![]);
    };
    let stage = e.stage.clone();
    Some(match stage {
        Stage::Saving => {
            if bound(Action::CancelForm) {
                let pending = state.outbox.pending.max(1);
                let fx = close(state, None);
                state.info(format!(
                    "the save goes on in the background ({pending} waiting in the outbox)"
                ));
                fx
            } else {
                vec![]
            }
        }
        Stage::Leaving => match key.code {
            KeyCode::Char('k') => {
                let fx = close(state, None);
                state.info("kept as a draft: it is offered again when caseload starts (:drafts lists drafts)");
                fx
            }
            KeyCode::Char('d') => {
                let id = e.id;
                let fx = close(state, Some(id));
                state.info("note discarded");
                fx
            }
            _ => {
                e.stage = Stage::Editing;
                vec![]
            }
        },
        Stage::Conflict(theirs) => conflict_key(state, &keymap, &k, *theirs),
        Stage::Editing => editing_key(state, &keymap, key),
    })
}

/// Pops the editor screen; `discard` deletes that draft.
fn close(state: &mut State, discard: Option<Uuid>) -> Vec<Effect> {
    let mut fx = Vec::new();
    if let Some(Screen::Session(s)) = state.screens.last()
        && let Some(req) = s.req
    {
        fx.push(Effect::Cancel { req });
    }
    if state.screens.len() > 1 {
        state.screens.pop();
    }
    if let Some(id) = discard {
        fx.push(Effect::DeleteDraft { id });
    }
    fx
}

fn editing_key(state: &mut State, keymap: &KeyMap, key: &KeyEvent) -> Vec<Effect> {
    let k = Key::from_event(key);
    let bound = |a: Action| keymap.keys(a).contains(&k);
    let Some(e) = top_editor(state) else {
        return vec![];
    };
    e.notice = None;
    if bound(Action::Save) {
        return submit(state);
    }
    if bound(Action::CancelForm) {
        if e.dirty() {
            e.stage = Stage::Leaving;
            return vec![];
        }
        let id = e.id;
        return close(state, Some(id));
    }
    if bound(Action::NextField) {
        e.move_focus(true);
        return vec![];
    }
    if bound(Action::PrevField) {
        e.move_focus(false);
        return vec![];
    }
    if e.note_focus {
        // The textarea's own undo keys are ctrl-u and ctrl-r; most people
        // reach for ctrl-z and ctrl-y first.
        let ctrl = key.modifiers == crossterm::event::KeyModifiers::CONTROL;
        let changed = match key.code {
            KeyCode::Char('z') if ctrl => e.note.undo(),
            KeyCode::Char('y') if ctrl => e.note.redo(),
            _ => e.note.input(*key),
        };
        if changed {
            return vec![write_draft(e)];
        }
        return vec![];
    }
    // One-line fields: enter and the arrows move between them; ←/→ choose
    // on fields that have choices.
    match key.code {
        KeyCode::Enter | KeyCode::Down => {
            e.move_focus(true);
            return vec![];
        }
        KeyCode::Up => {
            e.move_focus(false);
            return vec![];
        }
        KeyCode::Left | KeyCode::Right if key.modifiers.is_empty() => {
            if let Some(slot) = e.slot()
                && let Some(v) = slots::cycle(
                    &e.context,
                    slot,
                    &e.form.values[e.form.focus],
                    key.code == KeyCode::Right,
                )
            {
                e.form.cursor = v.chars().count();
                e.form.values[e.form.focus] = v;
                e.form.touched[e.form.focus] = true;
                return edited(e, slot);
            }
        }
        _ => {}
    }
    match e.form.key(key, keymap) {
        FormKey::Edited => match e.slot() {
            Some(slot) => edited(e, slot),
            None => vec![],
        },
        _ => vec![],
    }
}

fn edited(e: &mut Editor, slot: Slot) -> Vec<Effect> {
    if slot == Slot::Attendance {
        e.attendance_changed();
    }
    e.revalidate();
    vec![write_draft(e)]
}

fn write_draft(e: &Editor) -> Effect {
    Effect::WriteDraft {
        draft: Box::new(e.draft()),
    }
}

fn top_editor(state: &mut State) -> Option<&mut Editor> {
    match state.top_mut() {
        Screen::Session(s) => s.editor.as_deref_mut(),
        _ => None,
    }
}

/// Ctrl-S: checked here first (every message on its field), then handed to
/// the outbox with the draft written once more.
fn submit(state: &mut State) -> Vec<Effect> {
    let Some(e) = top_editor(state) else {
        return vec![];
    };
    match e.write() {
        Err(why) => {
            e.notice = Some(why);
            vec![]
        }
        Ok(write) => {
            e.stage = Stage::Saving;
            let label = e.label();
            vec![Effect::SubmitSession {
                write: Box::new(write),
                label,
                draft: Box::new(e.draft()),
            }]
        }
    }
}

fn conflict_key(state: &mut State, keymap: &KeyMap, k: &Key, theirs: StoredSession) -> Vec<Effect> {
    let bound = |a: Action| keymap.keys(a).contains(k);
    let Some(e) = top_editor(state) else {
        return vec![];
    };
    if bound(Action::KeepMine) {
        // Mine, saved over theirs: on their version, so a third save in the
        // meantime is caught again.
        e.base_version = Some(theirs.version);
        e.stage = Stage::Editing;
        return submit(state);
    }
    if bound(Action::TakeTheirs) {
        let id = e.id;
        let fx = close(state, Some(id));
        state.info("kept theirs: your version is discarded");
        return fx;
    }
    if bound(Action::EditAgain) {
        merge_by_hand(e, &theirs);
        return vec![write_draft(e)];
    }
    vec![]
}

/// "Merge by hand": my values on their version; when the notes differ,
/// theirs follows mine below a marked line, for the person to merge.
fn merge_by_hand(e: &mut Editor, theirs: &StoredSession) {
    e.base_version = Some(theirs.version);
    e.form.original = slots::stored_values(&e.context, &e.slots, &theirs.values);
    let their_note = slots::clean_note(theirs.values.note.as_deref().unwrap_or("")).into_owned();
    let mine = e.note_text();
    if their_note != mine && !their_note.is_empty() {
        let merged = format!(
            "{mine}\n\n--- their note (merge what you keep, then delete from this line) ---\n{their_note}"
        );
        e.note = note_area(&merged);
    }
    e.original_note = their_note;
    e.stage = Stage::Editing;
    e.set_focus(e.form.values.len());
    e.notice = Some("merging: your values, on their version; their note is below yours".into());
    e.revalidate();
}

/// A paste into the editor; false when no editor has the keys.
pub fn on_paste(state: &mut State, text: &str) -> Option<Vec<Effect>> {
    let e = top_editor(state)?;
    if e.stage != Stage::Editing {
        return Some(vec![]);
    }
    let pasted = slots::clean_note(text);
    let n = pasted.chars().count();
    if e.note_focus {
        if e.note_chars() + n > NOTE_MAX {
            e.notice = Some(format!(
                "paste not inserted: {} characters would make the note longer than the {} a \
                 session note holds; your note is unchanged",
                thousands(n),
                thousands(NOTE_MAX)
            ));
            return Some(vec![]);
        }
        e.note.insert_str(&pasted);
        return Some(vec![write_draft(e)]);
    }
    const LINE_MAX: usize = 1000;
    if n > LINE_MAX {
        let label = e.form.specs[e.form.focus].label.to_string();
        e.notice = Some(format!(
            "paste not inserted: {} characters is too long for {label} (at most {}); \
             tab to the note to paste long text",
            thousands(n),
            thousands(LINE_MAX)
        ));
        return Some(vec![]);
    }
    if e.form.paste(&pasted) {
        let slot = e.slot()?;
        return Some(edited(e, slot));
    }
    Some(vec![])
}

// ---- answers --------------------------------------------------------------

/// The database confirmed a save: the editor (if still open) closes.
pub fn on_saved(state: &mut State, id: Uuid, label: &str) -> Vec<Effect> {
    let i = state.screens.iter().position(
        |s| matches!(s, Screen::Session(x) if x.editor.as_ref().is_some_and(|e| e.id == id)),
    );
    if let Some(i) = i {
        state.screens.remove(i);
    }
    state.info(format!("session saved: {label}"));
    vec![]
}

/// Someone else saved first. An open editor shows the conflict; otherwise
/// the draft stays for later.
pub fn on_conflict(state: &mut State, id: Uuid, theirs: StoredSession, label: &str) {
    if let Some(e) = editor_of(state, id) {
        e.stage = Stage::Conflict(Box::new(theirs));
        return;
    }
    state.error(format!(
        "{label}: someone else changed this session first; yours is kept as a draft (:drafts)"
    ));
}

/// The database refused the save: the editor (or the draft) keeps every value.
pub fn on_refused(state: &mut State, id: Uuid, why: &str, label: &str) {
    if let Some(e) = editor_of(state, id) {
        e.stage = Stage::Editing;
        e.notice = Some(format!("not saved: {why}"));
        return;
    }
    state.error(format!(
        "{label}: not saved: {why}; kept as a draft (:drafts)"
    ));
}

/// The outbox could not reach the database: an editor waiting on its save
/// closes, the save being safe on disk.
pub fn on_waiting(state: &mut State) {
    let waiting = state.screens.iter().position(|s| {
        matches!(s, Screen::Session(x) if x.editor.as_ref().is_some_and(|e| e.stage == Stage::Saving))
    });
    if let Some(i) = waiting {
        state.screens.remove(i);
        state.info(format!(
            "no connection: the session waits in the outbox and is sent when the database is back ({} waiting)",
            state.outbox.pending
        ));
    }
}

pub fn on_reply(state: &mut State, req: ReqId, data: crate::app::Data) -> Vec<Effect> {
    match data {
        crate::app::Data::SessionContext {
            loaded,
            today,
            offline,
        } => on_context(state, req, loaded.map(|b| *b), today, offline),
        _ => vec![],
    }
}

#[cfg(test)]
mod open_tests;
#[cfg(test)]
mod tests;
