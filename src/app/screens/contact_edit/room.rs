//! The form as a room: what it loads, its keys (the form's, the pickers',
//! the summary's, and the questions'), pastes, and the write's answer.

use super::editor::{At, Stage, Then};
use super::fields::Slot;
use super::{About, ContactFor, ContactScreen, Editor};
use crate::app::confirm::{self, Answer};
use crate::app::form::FormKey;
use crate::app::hint::section;
use crate::app::keymap::{Action, Context, Key};
use crate::app::screens::room::{Cx, Nav, Room};
use crate::app::screens::shows_records;
use crate::app::{Data, Effect, Read, ReqId, Wrote};
use crate::domain::contact::{ContactWritten, SUMMARY_MAX};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// A one-line field takes at most this much pasted text.
const LINE_MAX: usize = 1000;

impl Room for ContactScreen {
    fn title(&self) -> String {
        match self.about {
            About::New(_) => "Log contact".into(),
            About::Edit(_) => "Edit contact".into(),
        }
    }

    /// The form says its keys under its fields; a conflict has its own.
    fn keys(&self) -> Vec<Action> {
        match self.editor().map(|e| &e.stage) {
            None => vec![Action::Back, Action::Retry],
            Some(Stage::Conflict(_)) => section(Context::Conflict),
            Some(_) => vec![],
        }
    }

    fn in_flight(&self) -> Vec<ReqId> {
        self.editing.req().into_iter().collect()
    }

    /// A save in flight too: its answer comes back here.
    fn waits_for(&self, req: ReqId) -> bool {
        self.editing.waits_for(req) || self.editor().is_some_and(|e| e.saving == Some(req))
    }

    fn busy(&self) -> bool {
        self.editing.is_loading() || self.editor().is_some_and(|e| e.saving.is_some())
    }

    /// What the form needs, once: an open form needs nothing more.
    fn load(&mut self, cx: &mut Cx) -> Vec<Effect> {
        if self.editor().is_some() {
            return vec![];
        }
        let read = Read::ContactForm {
            about: self.about.clone(),
        };
        cx.load(&mut self.editing, read)
    }

    /// The form keeps every key but F1 (help) for typing; loading, or
    /// refused, only leaving and retrying do anything.
    fn on_key(&mut self, cx: &mut Cx, key: &KeyEvent, _: Option<Action>) -> Option<Vec<Effect>> {
        if key.code == KeyCode::F(1) {
            cx.go(Nav::Help);
            return Some(vec![]);
        }
        let k = Key::from_event(key);
        let bound = |a: Action| cx.keymap.keys(a).contains(&k);
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
        let Data::ContactForm {
            loaded,
            today,
            drafts,
        } = data
        else {
            return vec![];
        };
        let Some(loaded) = loaded else {
            let why = match self.about {
                About::New(_) => "this student is not visible to you",
                About::Edit(_) => "this contact is gone, or not visible to you",
            };
            self.editing.fail(req, why);
            return vec![];
        };
        let (context, stored) = *loaded;
        if !context.may_write {
            let why = format!(
                "you may read {}'s record but not log contacts for them: their counselor, their \
                 school's coordinators and the people who deliver their interventions do",
                context.student_name
            );
            self.editing.fail(req, why);
            return vec![];
        }
        let mut editor = match (&self.about, stored) {
            (About::New(of), _) => Editor::new_contact(cx.mint_id(), of.clone(), context, today),
            (About::Edit(_), Some(s)) => {
                let of = ContactFor {
                    student_id: s.student_id,
                    student_name: context.student_name.clone(),
                    intervention_id: s.intervention_id,
                    parent_id: s.parent_id,
                };
                Editor::edit(&s, of, context, today)
            }
            (About::Edit(_), None) => {
                self.editing
                    .fail(req, "this contact is gone, or not visible to you");
                return vec![];
            }
        };
        let editing = matches!(self.about, About::Edit(_)).then_some(editor.id);
        if let Some(d) = drafts
            .into_iter()
            .find(|d| d.fits(editor.of.student_id, editing))
        {
            editor.stage = Stage::OfferDraft(Box::new(d));
        }
        self.editing.arrive(req, Box::new(editor));
        vec![]
    }

    fn on_written(&mut self, cx: &mut Cx, req: ReqId, wrote: Wrote) -> Vec<Effect> {
        let Wrote::Contact(outcome) = wrote else {
            return vec![];
        };
        let Some(e) = self.editor_mut().filter(|e| e.saving == Some(req)) else {
            return vec![];
        };
        e.saving = None;
        e.on_written(cx, outcome)
    }

    fn on_failed(&mut self, _: &mut Cx, req: ReqId, why: &str) -> bool {
        self.editing.fail(req, why)
    }

    fn on_paste(&mut self, _: &mut Cx, text: &str) -> Option<Vec<Effect>> {
        Some(self.editor_mut()?.paste(text))
    }
}

/// Closes the form; `discard` deletes that draft.
fn leave(cx: &mut Cx, discard: Option<uuid::Uuid>) -> Vec<Effect> {
    cx.go(Nav::Close);
    discard
        .map(|id| Effect::DeleteContactDraft { id })
        .into_iter()
        .collect()
}

impl Editor {
    fn on_key(&mut self, cx: &mut Cx, key: &KeyEvent) -> Vec<Effect> {
        let k = Key::from_event(key);
        let bound = |a: Action| cx.keymap.keys(a).contains(&k);
        match self.stage.clone() {
            Stage::Saving => vec![],
            Stage::Leaving => match key.code {
                KeyCode::Char('k') => {
                    cx.info("kept as a draft: it is offered again when you log a contact for this student");
                    leave(cx, None)
                }
                KeyCode::Char('d') => {
                    cx.info("contact discarded");
                    leave(cx, Some(self.id))
                }
                _ => {
                    self.stage = Stage::Editing;
                    vec![]
                }
            },
            Stage::OfferDraft(d) => match key.code {
                KeyCode::Char('r') => {
                    let restored = Editor::from_draft(&d, self.context.clone(), self.today);
                    *self = restored;
                    self.notice = Some("restored the draft: check it, then ctrl-s saves".into());
                    vec![]
                }
                KeyCode::Char('d') => {
                    self.stage = Stage::Editing;
                    vec![Effect::DeleteContactDraft { id: d.id }]
                }
                _ => {
                    self.stage = Stage::Editing;
                    self.notice = Some("the draft is kept: it is offered again next time".into());
                    vec![]
                }
            },
            Stage::AskGuardian { then } => match confirm::answer(key) {
                Answer::Yes => {
                    self.confirmed = self.chosen_guardian().map(|g| g.id);
                    self.stage = Stage::Editing;
                    match then {
                        Then::Move { forward } => {
                            self.step(forward);
                            vec![]
                        }
                        Then::Save => self.submit(cx),
                    }
                }
                Answer::No => {
                    self.stage = Stage::Editing;
                    if let Some(i) = self.index(Slot::Guardian) {
                        self.focus(At::Field(i));
                    }
                    self.notice = Some("choose another guardian (←/→), or no guardian".into());
                    vec![]
                }
                Answer::Unanswered => vec![],
            },
            Stage::Conflict(theirs) => {
                if bound(Action::KeepMine) {
                    self.base_version = Some(theirs.version);
                    self.stage = Stage::Editing;
                    return self.submit(cx);
                }
                if bound(Action::TakeTheirs) {
                    cx.info("took their version; your changes were dropped");
                    return leave(cx, Some(self.id));
                }
                if bound(Action::EditAgain) {
                    self.edit_again(&theirs);
                    return vec![self.write_draft()];
                }
                vec![]
            }
            Stage::Editing => self.editing_key(cx, key, &k),
        }
    }

    fn editing_key(&mut self, cx: &mut Cx, key: &KeyEvent, k: &Key) -> Vec<Effect> {
        let keymap = cx.keymap;
        let bound = |a: Action| keymap.keys(a).contains(k);
        self.notice = None;
        if bound(Action::Save) {
            return self.submit(cx);
        }
        if bound(Action::CancelForm) {
            if self.dirty() {
                self.stage = Stage::Leaving;
                return vec![];
            }
            return leave(cx, Some(self.id));
        }
        if bound(Action::NextField) {
            return self.move_on(cx, true);
        }
        if bound(Action::PrevField) {
            return self.move_on(cx, false);
        }
        let Some(slot) = self.slot() else {
            return self.summary_key(key);
        };
        match key.code {
            KeyCode::Enter => {
                let last = self.order().last() == Some(&self.at);
                return if last {
                    self.submit(cx)
                } else {
                    self.move_on(cx, true)
                };
            }
            KeyCode::Down => return self.move_on(cx, true),
            KeyCode::Up => return self.move_on(cx, false),
            KeyCode::Left | KeyCode::Right if key.modifiers.is_empty() => {
                let forward = key.code == KeyCode::Right;
                match slot {
                    Slot::Guardian => self.cycle_guardian(forward),
                    Slot::Owner => self.cycle_owner(forward),
                    Slot::Purpose => self.cycle_purpose(forward),
                    _ => return self.form_key(key, slot, cx),
                }
                return self.edited();
            }
            _ => {}
        }
        if matches!(slot, Slot::Guardian | Slot::Owner) {
            // Chosen from a list, never typed: a letter goes to the next
            // name that starts with it.
            if let KeyCode::Char(c) = key.code
                && key.modifiers.difference(KeyModifiers::SHIFT).is_empty()
                && self.jump_to(slot, c)
            {
                return self.edited();
            }
            return vec![];
        }
        self.form_key(key, slot, cx)
    }

    fn form_key(&mut self, key: &KeyEvent, slot: Slot, cx: &mut Cx) -> Vec<Effect> {
        if self.form.key(key, cx.keymap) != FormKey::Edited {
            return vec![];
        }
        match slot {
            Slot::Channel => self.channel_chosen = true,
            Slot::FollowUp => self.follow_up_changed(),
            _ => {}
        }
        self.edited()
    }

    fn summary_key(&mut self, key: &KeyEvent) -> Vec<Effect> {
        // The textarea's own undo keys are ctrl-u and ctrl-r; most people
        // reach for ctrl-z and ctrl-y first.
        let ctrl = key.modifiers == KeyModifiers::CONTROL;
        let changed = match key.code {
            KeyCode::Char('z') if ctrl => self.summary.undo(),
            KeyCode::Char('y') if ctrl => self.summary.redo(),
            _ => self.summary.input(*key),
        };
        if changed {
            vec![self.write_draft()]
        } else {
            vec![]
        }
    }

    fn edited(&mut self) -> Vec<Effect> {
        if let At::Field(i) = self.at
            && let Some(t) = self.form.touched.get_mut(i)
        {
            *t = true;
        }
        self.revalidate();
        vec![self.write_draft()]
    }

    /// Leaving the guardian field with a marked guardian asks first.
    fn move_on(&mut self, _cx: &mut Cx, forward: bool) -> Vec<Effect> {
        if self.slot() == Some(Slot::Guardian) && self.guardian_unconfirmed() {
            self.stage = Stage::AskGuardian {
                then: Then::Move { forward },
            };
            return vec![];
        }
        self.step(forward);
        vec![]
    }

    pub(super) fn write_draft(&self) -> Effect {
        Effect::WriteContactDraft {
            draft: Box::new(self.draft()),
        }
    }

    /// Ctrl-S: a marked guardian asked about first, then checked here
    /// (every message on its field), then sent with the draft written
    /// once more.
    fn submit(&mut self, cx: &mut Cx) -> Vec<Effect> {
        if self.guardian_unconfirmed() {
            self.stage = Stage::AskGuardian { then: Then::Save };
            return vec![];
        }
        match self.write() {
            Err(why) => {
                self.notice = Some(why);
                vec![]
            }
            Ok(write) => {
                let req = cx.alloc();
                self.saving = Some(req);
                self.stage = Stage::Saving;
                vec![self.write_draft(), Effect::WriteContact { req, write }]
            }
        }
    }

    fn on_written(&mut self, cx: &mut Cx, outcome: ContactWritten) -> Vec<Effect> {
        match outcome {
            ContactWritten::Saved(_) => {
                let mut said = match self.base_version {
                    Some(_) => "contact saved".to_string(),
                    None => format!("contact logged for {}", self.context.student_name),
                };
                if self.follow_up() {
                    said.push_str(&format!(
                        "; follow-up due {} ({})",
                        self.value(Slot::Due).trim(),
                        self.owner_words()
                    ));
                }
                if let Some(open) = self.closes_parent() {
                    said.push_str(&format!("; closed the follow-up due {}", open.due));
                }
                cx.info(said);
                cx.go(Nav::Reload(shows_records));
                leave(cx, Some(self.id))
            }
            ContactWritten::Conflict(theirs) => {
                self.stage = Stage::Conflict(theirs);
                cx.error(
                    "someone else saved this first: compare, then keep mine, take theirs or edit again",
                );
                vec![]
            }
            ContactWritten::Refused(why) | ContactWritten::Failed(why) => {
                self.stage = Stage::Editing;
                self.notice = Some(format!("not saved: {why}"));
                vec![]
            }
            ContactWritten::Gone => {
                self.stage = Stage::Editing;
                self.notice =
                    Some("not saved: this contact is gone, or no longer visible to you".into());
                vec![]
            }
        }
    }

    /// A paste into the summary or the focused field; too long for it, it
    /// is refused in words and nothing typed changes.
    fn paste(&mut self, text: &str) -> Vec<Effect> {
        if self.stage != Stage::Editing {
            return vec![];
        }
        let pasted = crate::app::session_edit::slots::clean_note(text);
        let n = pasted.chars().count();
        let thousands = crate::app::session_edit::thousands;
        let Some(slot) = self.slot() else {
            if self.summary_chars() + n > SUMMARY_MAX {
                self.notice = Some(format!(
                    "paste not inserted: {} characters would make the summary longer than the {} \
                     it holds; your summary is unchanged",
                    thousands(n),
                    thousands(SUMMARY_MAX)
                ));
                return vec![];
            }
            self.summary.insert_str(&pasted);
            return vec![self.write_draft()];
        };
        if matches!(slot, Slot::Guardian | Slot::Owner) {
            self.notice = Some("chosen with ←/→, not typed".into());
            return vec![];
        }
        if n > LINE_MAX {
            let label = self.form.specs[self.form.focus].label.to_string();
            self.notice = Some(format!(
                "paste not inserted: {} characters is too long for {label} (at most {}); tab \
                 to the summary to paste long text",
                thousands(n),
                thousands(LINE_MAX)
            ));
            return vec![];
        }
        if self.form.paste(&pasted) {
            return self.edited();
        }
        vec![]
    }
}
