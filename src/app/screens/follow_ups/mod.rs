//! The follow-up queue (issue 14, item 2): open follow-ups of a scope,
//! overdue first; mark done (and undo), reassign, snooze, open the contact
//! or log the contact that answers it. Every change carries the row's
//! version; afterwards the screens that show records (the caseload home's
//! overdue list) load again.

mod keys;

use crate::app::hint::{GLOBAL, MOVE};
use crate::app::keymap::Action;
use crate::app::list::Cursor;
use crate::app::loadable::Loadable;
use crate::app::picker::Picker;
use crate::app::request::Wrote;
use crate::app::screens::room::{Cx, Room};
use crate::app::{Data, Effect, Read, ReqId};
use crate::domain::contact_log::{FollowUp, FollowUpChange, FollowUpList, FollowUpScope, Person};
use crate::domain::outcome::Written;
use chrono::NaiveDate;
use crossterm::event::KeyEvent;
use uuid::Uuid;

/// The menu's target for this screen.
pub const TARGET: &str = "communications.follow_ups";
/// `:followups` opens it.
pub const COMMAND: &str = "followups";
pub const TITLE: &str = "Follow-ups";

/// What has the keys besides the list.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Mode {
    #[default]
    List,
    /// Typing the new due date of the selected follow-up.
    Snooze { text: String, error: Option<String> },
    /// Choosing whom to hand the selected follow-up to.
    Reassign(Picker<Person>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct FollowUpsState {
    pub scope: FollowUpScope,
    /// May choose "my schools'" (coordinators and administrators).
    pub oversees: bool,
    pub list: Loadable<FollowUpList>,
    /// The worker's date when the list came.
    pub today: Option<NaiveDate>,
    pub cursor: Cursor,
    pub mode: Mode,
    /// Changes sent and not yet answered: the request, the row, the change.
    pub writes: Vec<(ReqId, Uuid, FollowUpChange)>,
}

impl FollowUpsState {
    pub fn new(scope: FollowUpScope, oversees: bool) -> Self {
        FollowUpsState {
            scope,
            oversees,
            list: Loadable::default(),
            today: None,
            cursor: Cursor::default(),
            mode: Mode::List,
            writes: Vec::new(),
        }
    }

    pub fn rows(&self) -> &[FollowUp] {
        self.list.get().map_or(&[], |l| l.rows.as_slice())
    }

    pub fn selected(&self) -> Option<&FollowUp> {
        self.rows().get(self.cursor.at())
    }

    /// A change to this row is on its way.
    pub fn saving(&self, id: Uuid) -> bool {
        self.writes.iter().any(|(_, row, _)| *row == id)
    }

    /// Sends `change` for the selected row at the version read.
    fn send(&mut self, cx: &mut Cx, change: FollowUpChange) -> Vec<Effect> {
        let Some(row) = self.selected() else {
            return vec![];
        };
        let (id, version) = (row.id, row.version);
        if self.saving(id) {
            cx.info("still saving the last change to this follow-up");
            return vec![];
        }
        let req = cx.alloc();
        self.writes.push((req, id, change));
        vec![Effect::ChangeFollowUp {
            req,
            id,
            version,
            change,
        }]
    }

    /// Puts the row as it is now in place of the one shown.
    fn replace(&mut self, now: FollowUp) {
        if let Some(list) = self.list.get_mut()
            && let Some(r) = list.rows.iter_mut().find(|r| r.id == now.id)
        {
            *r = now;
        }
    }

    fn remove(&mut self, id: Uuid) {
        if let Some(list) = self.list.get_mut() {
            list.rows.retain(|r| r.id != id);
        }
        self.cursor.clamp(self.rows().len());
    }
}

/// The queue as it first opens for someone with these roles: those who
/// oversee schools start on their schools', everyone else on their own.
pub fn for_roles(role_keys: &[String]) -> FollowUpsState {
    let oversees =
        crate::app::home::scope_for(role_keys) == crate::domain::caseload::Scope::Schools;
    let scope = if oversees {
        FollowUpScope::School
    } else {
        FollowUpScope::Mine
    };
    FollowUpsState::new(scope, oversees)
}

/// What someone else's change left, in a sentence.
fn theirs_now(r: &FollowUp) -> String {
    if r.done {
        let by = r.done_by.as_deref().unwrap_or("someone");
        return format!("now done (closed by {by})");
    }
    let owner = r.owner.as_deref().unwrap_or("nobody");
    format!("now due {}, owner {owner}", r.due)
}

impl Room for FollowUpsState {
    fn title(&self) -> String {
        TITLE.into()
    }

    fn keys(&self) -> Vec<Action> {
        match self.mode {
            Mode::List => [
                &[
                    Action::FollowUpDone,
                    Action::FollowUpUndo,
                    Action::Open,
                    Action::LogContact,
                    Action::FollowUpSnooze,
                    Action::FollowUpReassign,
                    Action::FollowUpScope,
                ][..],
                MOVE,
                GLOBAL,
            ]
            .concat(),
            // The prompt and the picker say their keys where they ask.
            Mode::Snooze { .. } | Mode::Reassign(_) => vec![],
        }
    }

    fn in_flight(&self) -> Vec<ReqId> {
        let picking = match &self.mode {
            Mode::Reassign(p) => p.req,
            _ => None,
        };
        self.list.req().into_iter().chain(picking).collect()
    }

    fn waits_for(&self, req: ReqId) -> bool {
        self.in_flight().contains(&req) || self.writes.iter().any(|(r, _, _)| *r == req)
    }

    fn busy(&self) -> bool {
        !self.in_flight().is_empty() || !self.writes.is_empty()
    }

    /// Live refresh: loaded again when what it lists changed.
    fn on_changed(&mut self, cx: &mut Cx, changes: &crate::domain::live::Changes) -> Vec<Effect> {
        use crate::domain::live::Table;
        crate::app::screens::room::reload_if(cx, changes, &[Table::Communications])
    }

    fn load(&mut self, cx: &mut Cx) -> Vec<Effect> {
        cx.load(&mut self.list, Read::FollowUps { scope: self.scope })
    }

    fn on_key(
        &mut self,
        cx: &mut Cx,
        key: &KeyEvent,
        action: Option<Action>,
    ) -> Option<Vec<Effect>> {
        keys::on_key(self, cx, key, action)
    }

    fn on_reply(&mut self, _cx: &mut Cx, req: ReqId, data: Data) -> Vec<Effect> {
        let owner = self.selected().and_then(|r| r.owner_id);
        if let Data::FollowUps { list, today } = data {
            if self.list.arrive(req, list) {
                self.today = Some(today);
                self.cursor.clamp(self.rows().len());
            }
        } else if let Data::People { people } = data
            && let Mode::Reassign(p) = &mut self.mode
            && p.req == Some(req)
        {
            p.loaded(people, |x| Some(x.id) == owner);
        }
        vec![]
    }

    fn on_written(&mut self, cx: &mut Cx, req: ReqId, wrote: Wrote) -> Vec<Effect> {
        let Wrote::FollowUp(outcome) = wrote else {
            return vec![];
        };
        let Some(at) = self.writes.iter().position(|(r, _, _)| *r == req) else {
            return vec![];
        };
        let (_, id, change) = self.writes.remove(at);
        match outcome {
            Written::Saved(now) => {
                cx.info(match change {
                    FollowUpChange::Done => format!(
                        "done: {} ({}) — {} undoes",
                        now.student_name,
                        now.purpose,
                        cx.keymap
                            .keys(Action::FollowUpUndo)
                            .first()
                            .map_or("undo".into(), ToString::to_string)
                    ),
                    FollowUpChange::Reopen => format!("open again: {}", now.student_name),
                    FollowUpChange::Reassign { .. } => format!(
                        "{}'s follow-up now belongs to {}",
                        now.student_name,
                        now.owner.as_deref().unwrap_or("nobody")
                    ),
                    FollowUpChange::Snooze { to } => {
                        format!("{}'s follow-up is now due {to}", now.student_name)
                    }
                });
                self.replace(now);
                cx.go(crate::app::screens::room::Nav::Reload(
                    crate::app::screens::shows_records,
                ));
            }
            Written::Conflict(theirs) => {
                cx.error(format!(
                    "not saved: someone else changed {}'s follow-up first, {}; shown as it is now",
                    theirs.student_name,
                    theirs_now(&theirs)
                ));
                self.replace(theirs);
            }
            Written::Refused(why) => cx.error(format!("not saved: {why}")),
            Written::Gone => {
                cx.error("not saved: that follow-up is gone or no longer visible to you");
                self.remove(id);
            }
            Written::Failed(why) => cx.error(format!("not saved: {why}")),
        }
        vec![]
    }

    fn on_failed(&mut self, _cx: &mut Cx, req: ReqId, why: &str) -> bool {
        if let Mode::Reassign(p) = &mut self.mode
            && p.req == Some(req)
        {
            p.failed(why.to_string());
            return false;
        }
        self.list.fail(req, why)
    }

    fn on_resize(&mut self, _cx: &mut Cx) {
        self.cursor.clamp(self.rows().len());
    }
}

#[cfg(test)]
pub(crate) mod tests;
