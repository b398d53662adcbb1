//! The editor as a room: its keys, pastes, the context it waits for, and
//! the outbox's answers about the session it holds.

use super::*;
use crate::app::form::FormKey;
use crate::app::hint::section;
use crate::app::keymap::{Action, Context, Key, KeyMap};
use crate::app::screens::room::{Cx, Nav, Room};
use crate::app::{Data, Effect, Read, ReqId};
use crossterm::event::{KeyCode, KeyEvent};

impl Room for SessionScreen {
    fn title(&self) -> String {
        match self.editor() {
            Some(e) if e.base_version.is_some() => "Edit session".into(),
            _ => "Log session".into(),
        }
    }

    /// Loading (or refused), only leaving and retrying; then the form's
    /// keys, the editor keeping every other key for typing.
    fn keys(&self) -> Vec<Action> {
        let Some(e) = self.editor() else {
            return vec![Action::Back, Action::Retry];
        };
        match e.stage {
            // The editor says its keys under the note, as they are now.
            Stage::Editing => vec![],
            Stage::Saving => vec![Action::CancelForm],
            Stage::Leaving => vec![],
            Stage::Conflict(_) => section(Context::Conflict),
        }
    }

    fn in_flight(&self) -> Vec<ReqId> {
        self.editing.req().into_iter().collect()
    }

    fn busy(&self) -> bool {
        self.editing.is_loading() || self.editor().is_some_and(|e| e.stage == Stage::Saving)
    }

    /// The context, once: an open editor needs nothing more. What a new
    /// load supersedes was cancelled by the reload that asks for it.
    fn load(&mut self, cx: &mut Cx) -> Vec<Effect> {
        if self.editor().is_some() {
            return vec![];
        }
        let read = Read::SessionContext {
            intervention_id: self.intervention_id,
            session_id: self.session_id,
        };
        cx.load(&mut self.editing, read)
    }

    /// The editor keeps every key but F1 (help) for typing; loading, or
    /// refused, only leaving and retrying do anything.
    fn on_key(&mut self, cx: &mut Cx, key: &KeyEvent, _: Option<Action>) -> Option<Vec<Effect>> {
        if key.code == KeyCode::F(1) {
            cx.go(Nav::Help);
            return Some(vec![]);
        }
        let keymap = cx.keymap;
        let k = Key::from_event(key);
        let bound = |a: Action| keymap.keys(a).contains(&k);
        let loading = self.editing.is_loading();
        let Some(e) = self.editor_mut() else {
            if bound(Action::CancelForm) || bound(Action::Back) {
                cx.go(Nav::Close);
            } else if bound(Action::Retry) && !loading {
                cx.go(Nav::ReloadSelf);
            }
            return Some(vec![]);
        };
        Some(e.on_key(cx, key))
    }

    fn on_reply(&mut self, cx: &mut Cx, req: ReqId, data: Data) -> Vec<Effect> {
        if let Data::SessionContext {
            loaded,
            today,
            offline,
        } = data
        {
            self.on_context(cx, req, loaded.map(|b| *b), today, offline);
        }
        vec![]
    }

    fn on_failed(&mut self, _: &mut Cx, req: ReqId, why: &str) -> bool {
        self.editing.fail(req, why)
    }

    fn on_paste(&mut self, _: &mut Cx, text: &str) -> Option<Vec<Effect>> {
        self.editor_mut()?.paste(text)
    }
}

impl SessionScreen {
    /// The context (and the stored session, for an edit) arrived for `req`.
    fn on_context(
        &mut self,
        cx: &mut Cx,
        req: ReqId,
        loaded: Option<(SessionContext, Option<StoredSession>)>,
        today: NaiveDate,
        offline: Option<String>,
    ) {
        let id = cx.mint_id();
        let Some((context, stored)) = loaded else {
            self.editing
                .fail(req, "this intervention is not visible to you");
            return;
        };
        if !context.may_write {
            self.editing.fail(
                req,
                format!(
                    "you may read {} but not log or change its sessions: ask its owner to add \
                     you to the team with edit rights",
                    context.intervention_name
                ),
            );
            return;
        }
        // A new session only: saved ones stay correctable.
        if self.session_id.is_none()
            && let Some(why) = crate::domain::session::no_new_session(context.status)
        {
            let also = crate::domain::session::SAVED_STAY_EDITABLE;
            self.editing.fail(req, format!("{why}. {also}"));
            return;
        }
        let mut editor = match (self.session_id, stored) {
            (None, _) => Editor::new_session(id, context, today),
            (Some(_), Some(stored)) => Editor::edit(&stored, context, today),
            (Some(_), None) => {
                self.editing
                    .fail(req, "this session is gone, or not visible to you");
                return;
            }
        };
        if let Some(why) = offline {
            editor.notice = Some(format!(
                "offline ({why}): the details are from the last time this intervention was \
                 opened; the save waits in the outbox until the database is back"
            ));
        }
        self.title = editor.label();
        self.editing.arrive(req, Box::new(editor));
    }

    /// The editor of session `id`, if this screen holds it.
    fn editor_of(&mut self, id: Uuid) -> Option<&mut Editor> {
        self.editor_mut().filter(|e| e.id == id)
    }

    /// The database confirmed session `id`: its editor closes. `false`:
    /// not this screen's session.
    pub fn on_saved(&mut self, cx: &mut Cx, id: Uuid) -> bool {
        let mine = self.editor_of(id).is_some();
        if mine {
            cx.go(Nav::Close);
        }
        mine
    }

    /// Someone else saved session `id` first: its editor shows theirs
    /// against mine.
    pub fn on_conflict(&mut self, id: Uuid, theirs: &StoredSession) -> bool {
        let Some(e) = self.editor_of(id) else {
            return false;
        };
        e.stage = Stage::Conflict(Box::new(theirs.clone()));
        true
    }

    /// The database refused session `id`: its editor keeps every value.
    pub fn on_refused(&mut self, id: Uuid, why: &str) -> bool {
        let Some(e) = self.editor_of(id) else {
            return false;
        };
        e.stage = Stage::Editing;
        e.notice = Some(format!("not saved: {why}"));
        true
    }

    /// The outbox could not reach the database: waiting on its save, the
    /// editor closes, the save being safe on disk.
    pub fn on_waiting(&mut self, cx: &mut Cx) -> bool {
        if !self.editor().is_some_and(|e| e.stage == Stage::Saving) {
            return false;
        }
        cx.go(Nav::Close);
        cx.info(format!(
            "no connection: the session waits in the outbox and is sent when the database is \
             back ({} waiting)",
            cx.outbox.pending
        ));
        true
    }
}

/// Closes the editor; `discard` deletes that draft.
fn leave(cx: &mut Cx, discard: Option<Uuid>) -> Vec<Effect> {
    cx.go(Nav::Close);
    discard
        .map(|id| Effect::DeleteDraft { id })
        .into_iter()
        .collect()
}

impl Editor {
    fn on_key(&mut self, cx: &mut Cx, key: &KeyEvent) -> Vec<Effect> {
        let keymap = cx.keymap;
        let k = Key::from_event(key);
        let bound = |a: Action| keymap.keys(a).contains(&k);
        match self.stage.clone() {
            Stage::Saving => {
                if !bound(Action::CancelForm) {
                    return vec![];
                }
                let pending = cx.outbox.pending.max(1);
                cx.info(format!(
                    "the save goes on in the background ({pending} waiting in the outbox)"
                ));
                leave(cx, None)
            }
            Stage::Leaving => match key.code {
                KeyCode::Char('k') => {
                    cx.info(
                        "kept as a draft: it is offered again when caseload starts (:drafts \
                         lists drafts)",
                    );
                    leave(cx, None)
                }
                KeyCode::Char('d') => {
                    cx.info("note discarded");
                    leave(cx, Some(self.id))
                }
                _ => {
                    self.stage = Stage::Editing;
                    vec![]
                }
            },
            Stage::Conflict(theirs) => self.conflict_key(cx, &k, *theirs),
            Stage::Editing => self.editing_key(cx, key),
        }
    }

    fn editing_key(&mut self, cx: &mut Cx, key: &KeyEvent) -> Vec<Effect> {
        let keymap: &KeyMap = cx.keymap;
        let k = Key::from_event(key);
        let bound = |a: Action| keymap.keys(a).contains(&k);
        self.notice = None;
        if bound(Action::Save) {
            return self.submit();
        }
        if bound(Action::CancelForm) {
            if self.dirty() {
                self.stage = Stage::Leaving;
                return vec![];
            }
            return leave(cx, Some(self.id));
        }
        if bound(Action::NextField) {
            self.move_focus(true);
            return vec![];
        }
        if bound(Action::PrevField) {
            self.move_focus(false);
            return vec![];
        }
        if self.note_focus {
            // The textarea's own undo keys are ctrl-u and ctrl-r; most people
            // reach for ctrl-z and ctrl-y first.
            let ctrl = key.modifiers == crossterm::event::KeyModifiers::CONTROL;
            let changed = match key.code {
                KeyCode::Char('z') if ctrl => self.note.undo(),
                KeyCode::Char('y') if ctrl => self.note.redo(),
                _ => self.note.input(*key),
            };
            if changed {
                return vec![self.write_draft()];
            }
            return vec![];
        }
        // One-line fields: enter and the arrows move between them; ←/→ choose
        // on fields that have choices.
        match key.code {
            KeyCode::Enter | KeyCode::Down => {
                self.move_focus(true);
                return vec![];
            }
            KeyCode::Up => {
                self.move_focus(false);
                return vec![];
            }
            KeyCode::Left | KeyCode::Right if key.modifiers.is_empty() => {
                if let Some(slot) = self.slot()
                    && let Some(v) = slots::cycle(
                        &self.context,
                        slot,
                        &self.form.values[self.form.focus],
                        key.code == KeyCode::Right,
                    )
                {
                    self.form.cursor = v.chars().count();
                    self.form.values[self.form.focus] = v;
                    self.form.touched[self.form.focus] = true;
                    return self.edited(slot);
                }
            }
            _ => {}
        }
        match self.form.key(key, keymap) {
            FormKey::Edited => match self.slot() {
                Some(slot) => self.edited(slot),
                None => vec![],
            },
            _ => vec![],
        }
    }

    fn edited(&mut self, slot: Slot) -> Vec<Effect> {
        if slot == Slot::Attendance {
            self.attendance_changed();
        }
        self.revalidate();
        vec![self.write_draft()]
    }

    fn write_draft(&self) -> Effect {
        Effect::WriteDraft {
            draft: Box::new(self.draft()),
        }
    }

    /// Ctrl-S: checked here first (every message on its field), then handed
    /// to the outbox with the draft written once more.
    fn submit(&mut self) -> Vec<Effect> {
        match self.write() {
            Err(why) => {
                self.notice = Some(why);
                vec![]
            }
            Ok(write) => {
                self.stage = Stage::Saving;
                vec![Effect::SubmitSession {
                    write: Box::new(write),
                    label: self.label(),
                    draft: Box::new(self.draft()),
                }]
            }
        }
    }

    fn conflict_key(&mut self, cx: &mut Cx, k: &Key, theirs: StoredSession) -> Vec<Effect> {
        let keymap = cx.keymap;
        let bound = |a: Action| keymap.keys(a).contains(k);
        if bound(Action::KeepMine) {
            // Mine, saved over theirs: on their version, so a third save in
            // the meantime is caught again.
            self.base_version = Some(theirs.version);
            self.stage = Stage::Editing;
            return self.submit();
        }
        if bound(Action::TakeTheirs) {
            cx.info("kept theirs: your version is discarded");
            return leave(cx, Some(self.id));
        }
        if bound(Action::EditAgain) {
            self.merge_by_hand(&theirs);
            return vec![self.write_draft()];
        }
        vec![]
    }

    /// "Merge by hand": my values on their version; when the notes differ,
    /// theirs follows mine below a marked line, for the person to merge.
    fn merge_by_hand(&mut self, theirs: &StoredSession) {
        self.base_version = Some(theirs.version);
        self.form.original = slots::stored_values(&self.context, &self.slots, &theirs.values);
        let their_note =
            slots::clean_note(theirs.values.note.as_deref().unwrap_or("")).into_owned();
        let mine = self.note_text();
        if their_note != mine && !their_note.is_empty() {
            let merged = format!(
                "{mine}\n\n--- their note (merge what you keep, then delete from this line) ---\n{their_note}"
            );
            self.note = note_area(&merged);
        }
        self.original_note = their_note;
        self.stage = Stage::Editing;
        self.set_focus(self.form.values.len());
        self.notice =
            Some("merging: your values, on their version; their note is below yours".into());
        self.revalidate();
    }

    /// A paste into the focused field or the note.
    fn paste(&mut self, text: &str) -> Option<Vec<Effect>> {
        if self.stage != Stage::Editing {
            return Some(vec![]);
        }
        let pasted = slots::clean_note(text);
        let n = pasted.chars().count();
        if self.note_focus {
            if self.note_chars() + n > NOTE_MAX {
                self.notice = Some(format!(
                    "paste not inserted: {} characters would make the note longer than the {} a \
                     session note holds; your note is unchanged",
                    thousands(n),
                    thousands(NOTE_MAX)
                ));
                return Some(vec![]);
            }
            self.note.insert_str(&pasted);
            return Some(vec![self.write_draft()]);
        }
        const LINE_MAX: usize = 1000;
        if n > LINE_MAX {
            let label = self.form.specs[self.form.focus].label.to_string();
            self.notice = Some(format!(
                "paste not inserted: {} characters is too long for {label} (at most {}); \
                 tab to the note to paste long text",
                thousands(n),
                thousands(LINE_MAX)
            ));
            return Some(vec![]);
        }
        if self.form.paste(&pasted) {
            let slot = self.slot()?;
            return Some(self.edited(slot));
        }
        Some(vec![])
    }
}
