//! Session notes left on disk (a crash, a closed terminal, a save the
//! database refused): listed at start for recovery, and by `:drafts`.

use super::draft::SessionDraft;
use crate::app::Effect;
use crate::app::confirm::{self, Answer};
use crate::app::hint::{GLOBAL, MOVE};
use crate::app::keymap::Action;
use crate::app::screens::room::{Cx, Nav, Room};
use crossterm::event::{KeyCode, KeyEvent};
use uuid::Uuid;

/// Said for `:drafts` when there is nothing to list.
pub const NONE_LEFT: &str = "no unsent session notes";

#[derive(Debug, Clone, Default)]
pub struct DraftsState {
    pub drafts: Vec<SessionDraft>,
    /// Files that could not be read back, with why: never deleted for the
    /// person, only reported.
    pub unreadable: Vec<String>,
    pub cursor: usize,
    /// Asking whether to discard the selected draft.
    pub confirm_discard: bool,
}

impl DraftsState {
    /// The list of what the drafts directory held, but for the notes open
    /// in an editor right now (they are not "left over"); `None` when that
    /// leaves nothing to list.
    pub fn offer(
        drafts: Vec<SessionDraft>,
        unreadable: Vec<String>,
        open: &[Uuid],
    ) -> Option<DraftsState> {
        let mut d = DraftsState::default();
        d.refresh(drafts, unreadable, open);
        (!d.drafts.is_empty() || !d.unreadable.is_empty()).then_some(d)
    }

    /// The directory read again while the list is open.
    pub fn refresh(
        &mut self,
        mut drafts: Vec<SessionDraft>,
        unreadable: Vec<String>,
        open: &[Uuid],
    ) {
        drafts.retain(|d| !open.contains(&d.id));
        self.drafts = drafts;
        self.unreadable = unreadable;
        self.cursor = self.cursor.min(self.drafts.len().saturating_sub(1));
    }

    /// What the status line says when the list offers itself at start.
    pub fn offered(&self) -> String {
        let n = self.drafts.len();
        format!(
            "{n} unsent session note{} from before: enter reopens, esc for later (:drafts)",
            if n == 1 { "" } else { "s" }
        )
    }

    /// Removes the selected draft (the caller checked there is one).
    fn take_selected(&mut self) -> SessionDraft {
        let d = self.drafts.remove(self.cursor);
        self.cursor = self.cursor.min(self.drafts.len().saturating_sub(1));
        d
    }
}

impl Room for DraftsState {
    fn title(&self) -> String {
        "Unsent notes".into()
    }

    /// While it asks about discarding, the question has the keys.
    fn keys(&self) -> Vec<Action> {
        if self.confirm_discard {
            return vec![];
        }
        [&[Action::Open][..], MOVE, GLOBAL].concat()
    }

    fn on_key(
        &mut self,
        cx: &mut Cx,
        key: &KeyEvent,
        action: Option<Action>,
    ) -> Option<Vec<Effect>> {
        if self.confirm_discard {
            // The one question convention (`app::confirm`): y discards;
            // n, Esc and Enter keep the note; other keys leave it asking.
            match confirm::answer(key) {
                Answer::Yes if self.cursor < self.drafts.len() => {
                    self.confirm_discard = false;
                    let gone = self.take_selected();
                    cx.info("draft discarded");
                    return Some(vec![Effect::DeleteDraft { id: gone.id }]);
                }
                Answer::Unanswered => {}
                Answer::Yes | Answer::No => self.confirm_discard = false,
            }
            return Some(vec![]);
        }
        let last = self.drafts.len().saturating_sub(1);
        match (key.code, action) {
            (KeyCode::Char('x') | KeyCode::Delete, _) if !self.drafts.is_empty() => {
                self.confirm_discard = true;
            }
            (_, Some(Action::Up)) => self.cursor = self.cursor.saturating_sub(1),
            (_, Some(Action::Down)) => self.cursor = (self.cursor + 1).min(last),
            (_, Some(Action::Top)) => self.cursor = 0,
            (_, Some(Action::Bottom)) => self.cursor = last,
            (_, Some(Action::Open)) => {
                if self.cursor < self.drafts.len() {
                    let draft = self.take_selected();
                    // The last one reopened: the list has done its work.
                    if self.drafts.is_empty() {
                        cx.go(Nav::Close);
                    }
                    cx.push(super::draft_screen(draft));
                }
            }
            // Back, quit and help work as anywhere else.
            _ => return None,
        }
        Some(vec![])
    }
}
