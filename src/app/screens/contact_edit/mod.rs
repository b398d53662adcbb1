//! The contact form: log a call, a letter or a meeting with a family, with
//! an optional follow-up (issue 14, item 1). Opened through
//! `Nav::LogContact` and `Nav::EditContact` from any screen.

use crate::app::{Effect, State};
use uuid::Uuid;

/// Whom a new contact is about, and what it answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactFor {
    pub student_id: Uuid,
    /// As the screen that asks shows it, for the form's title.
    pub student_name: String,
    /// Logged from an intervention (or answering a contact that was).
    pub intervention_id: Option<Uuid>,
    /// A reply to, or the follow-up of, this contact (`parent_id`).
    pub parent_id: Option<Uuid>,
}

/// Opens the form for a new contact.
pub(crate) fn log(state: &mut State, of: ContactFor) -> Vec<Effect> {
    let _ = of;
    state.info("logging a contact is not built yet");
    vec![]
}

/// Opens the form on a logged contact.
pub(crate) fn edit(state: &mut State, id: Uuid) -> Vec<Effect> {
    let _ = id;
    state.info("editing a contact is not built yet");
    vec![]
}
