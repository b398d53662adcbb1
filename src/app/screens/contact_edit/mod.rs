//! The contact form: log a call, a letter or a meeting with a family, with
//! an optional follow-up (issue 14, item 1). Opened through
//! `Nav::LogContact` and `Nav::EditContact` from any screen. The summary
//! is a textarea kept on disk as a draft on every change, as session notes
//! are; the write carries an id chosen before it is sent (a new contact)
//! or the version it started from (an edit), and a conflict shows theirs
//! against mine.

pub mod draft;
pub mod fields;

mod editor;
mod room;

use crate::app::loadable::Loadable;
use crate::app::screens::Screen;
pub use editor::{At, Editor, Stage, Then};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Whom a new contact is about, and what it answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContactFor {
    pub student_id: Uuid,
    /// As the screen that asks shows it, for the form's title.
    pub student_name: String,
    /// Logged from an intervention (or answering a contact that was).
    pub intervention_id: Option<Uuid>,
    /// A reply to, or the follow-up of, this contact (`parent_id`).
    pub parent_id: Option<Uuid>,
}

/// What the form was opened on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum About {
    New(ContactFor),
    /// A logged contact (`communication_log.id`).
    Edit(Uuid),
}

/// The form screen: loading what it needs, or editing.
#[derive(Debug, Clone)]
pub struct ContactScreen {
    pub about: About,
    /// The editor once the context (and, for an edit, the contact as it is
    /// now) arrived; else why it cannot open.
    pub editing: Loadable<Box<Editor>>,
}

impl ContactScreen {
    pub fn new(about: About) -> ContactScreen {
        ContactScreen {
            about,
            editing: Loadable::default(),
        }
    }

    pub fn editor(&self) -> Option<&Editor> {
        self.editing.get().map(|e| &**e)
    }

    pub fn editor_mut(&mut self) -> Option<&mut Editor> {
        self.editing.get_mut().map(|e| &mut **e)
    }
}

/// The form for a new contact (`Nav::LogContact`; the registry opens it).
pub(crate) fn log(of: ContactFor) -> Screen {
    Screen::Contact(Box::new(ContactScreen::new(About::New(of))))
}

/// The form on a logged contact (`Nav::EditContact`).
pub(crate) fn edit(id: Uuid) -> Screen {
    Screen::Contact(Box::new(ContactScreen::new(About::Edit(id))))
}

#[cfg(test)]
pub(crate) mod tests;

#[cfg(test)]
pub(crate) mod follow_up_tests;
