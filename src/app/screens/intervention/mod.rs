//! The intervention detail: tabs of goals, sessions, team and more; the
//! lifecycle prompt above it; the team tab's editing (`team.rs`) and the
//! sessions tab's (`sessions.rs`).

mod sessions;
mod state;
pub mod team;

pub use state::*;

use crate::app::hint::{GLOBAL, MOVE};
use crate::app::keymap::{Action, Context};
use crate::app::screens::contact_edit::ContactFor;
use crate::app::screens::documents::actions::{Offer, Selected};
use crate::app::screens::room::{Cx, LogFor, Nav, Room};
use crate::app::screens::shows_records;
use crate::app::{Data, Effect, Read, ReqId, Wrote, copy, iv_edit};
use crossterm::event::{KeyCode, KeyEvent};
use team::TeamEdit;

impl DetailState {
    /// `y`: on the sessions tab the selected session's note, elsewhere the
    /// intervention's summary.
    fn copy(&self, cx: &mut Cx) -> Vec<Effect> {
        let Some(d) = self.detail.get() else {
            cx.info("wait for the intervention to load, then copy");
            return vec![];
        };
        if self.tab == Tab::Sessions {
            let Some(row) = d.sessions.get(self.cursor) else {
                cx.info("no session selected to copy");
                return vec![];
            };
            return match copy::session_note(row) {
                Some(text) => {
                    copy::to_clipboard(cx, &format!("the note of {}", row.session_date), text)
                }
                None => {
                    cx.info("this session has no note to copy");
                    vec![]
                }
            };
        }
        let what = format!("the summary of {}", self.title);
        copy::to_clipboard(cx, &what, copy::intervention(d))
    }

    /// What the attachments tab offers: upload (attached here too),
    /// detach, delete (the database says who may).
    pub fn doc_offer(&self) -> Offer {
        Offer {
            upload: self.detail.get().map(|d| {
                (
                    d.header.student_id,
                    Some(self.id),
                    format!("{} · attached to {}", d.header.student_name, self.title),
                )
            }),
            attach_to: vec![],
            detach_from: Some(self.id),
            delete: true,
        }
    }

    fn selected_attachment(&self) -> Option<Selected> {
        let a = self.detail.get()?.attachments.get(self.cursor)?;
        Some(Selected {
            id: a.document_id,
            filename: a.filename.clone(),
        })
    }

    /// The team editor's request (a search or a change), if any.
    fn team_req(&self) -> Option<ReqId> {
        self.team_edit.as_ref().and_then(TeamEdit::req)
    }

    fn list_action(&mut self, cx: &mut Cx, action: Action) -> Option<Vec<Effect>> {
        if let Some(delta) = action.movement(cx.page()) {
            self.move_by(delta);
            return Some(vec![]);
        }
        match action {
            Action::NextTab => self.set_tab(self.tab.cycled(true)),
            Action::PrevTab => self.set_tab(self.tab.cycled(false)),
            Action::Actions => {
                if let Err(why) = self.open_actions() {
                    cx.info(why);
                }
            }
            _ => return None,
        }
        Some(vec![])
    }

    fn submit_transition(&mut self, cx: &mut Cx, s: Submit) -> Vec<Effect> {
        let req = cx.alloc();
        self.saving = Some((req, s.to));
        vec![Effect::Transition {
            req,
            id: s.id,
            expected_version: s.expected_version,
            to: s.to,
            outcome: s.outcome,
            notes: s.notes,
        }]
    }

    /// The answer to `Effect::Transition`.
    fn on_transition(&mut self, cx: &mut Cx, outcome: WriteOutcome) {
        let Some((_, to)) = self.saving.take() else {
            return;
        };
        match outcome {
            WriteOutcome::Saved(_) => cx.info(format!(
                "saved: the intervention is {} now",
                to.to_string().replace('_', " ")
            )),
            WriteOutcome::Conflict(current) => {
                // Show the row as it is now at once; the full reload follows.
                let status = current.status;
                if let Some(x) = self.detail.get_mut() {
                    x.header = *current;
                }
                cx.error(format!(
                    "changed by someone else: reloaded (now {status}); nothing was saved"
                ));
            }
            WriteOutcome::Refused(why) => {
                cx.error(why);
                return;
            }
            WriteOutcome::Gone => {
                cx.error("not found (deleted, or not visible to you)");
                return;
            }
            WriteOutcome::Failed(why) => {
                cx.error(format!("not saved: {why}"));
                return;
            }
        }
        // The home's lists and the student's record show the status too.
        cx.go(Nav::Reload(shows_records));
    }
}

impl Room for DetailState {
    fn title(&self) -> String {
        self.title.clone()
    }

    /// The lifecycle prompt, the session-delete question and the team
    /// tab's picker and question say their own keys; the team tab's form
    /// takes the form's.
    fn keys(&self) -> Vec<Action> {
        use Action::*;
        if self.prompt.is_some() || self.session_delete.is_some() || !self.docs.is_idle() {
            return vec![];
        }
        match &self.team_edit {
            // The form says its keys under its fields.
            Some(TeamEdit::Form(_)) => return vec![],
            Some(_) => return vec![],
            None => {}
        }
        let here: &[Action] = match self.tab {
            Tab::Goals => &[New, Measure, Edit, DeletePoint],
            Tab::Sessions => &[Edit, DeletePoint, Open],
            Tab::Team => &[AddMember, RemoveMember],
            Tab::Attachments | Tab::Communications => &[],
        };
        let docs = match self.tab {
            Tab::Attachments => self.doc_offer().actions(),
            _ => vec![],
        };
        [
            &docs,
            here,
            &[
                LogSession, Actions, LogContact, EditPlan, NextTab, PrevTab, Copy,
            ],
            MOVE,
            GLOBAL,
        ]
        .concat()
    }

    /// The detail's load; a write in flight is not listed: leaving must
    /// not cancel it.
    fn in_flight(&self) -> Vec<ReqId> {
        self.detail.req().into_iter().collect()
    }

    fn waits_for(&self, req: ReqId) -> bool {
        self.detail.waits_for(req)
            || self.saving.is_some_and(|(r, _)| r == req)
            || self.team_req() == Some(req)
            || self.session_delete.as_ref().and_then(|x| x.req) == Some(req)
            || self.docs.waits_for(req)
    }

    fn busy(&self) -> bool {
        self.detail.is_loading()
            || self.saving.is_some()
            || self.team_req().is_some()
            || self.docs.req().is_some()
    }

    /// Its header, goals, points, sessions, team and attachments, and its
    /// student's name: a change to any of them (the notice names the
    /// intervention or the student) loads it again; the tab and a prompt
    /// stay.
    fn on_changed(&mut self, cx: &mut Cx, changes: &crate::domain::live::Changes) -> Vec<Effect> {
        use crate::domain::live::Table;
        let student = self.detail.get().map(|d| d.header.student_id);
        let goals = self.detail.get().map_or(&[][..], |d| &d.goals[..]);
        if changes.touches_intervention(self.id)
            || student.is_some_and(|id| changes.touches_row(Table::Students, id))
            || goals.iter().any(|g| changes.touches_goal(g.goal.id))
        {
            cx.go(Nav::ReloadSelf);
        }
        vec![]
    }

    fn load(&mut self, cx: &mut Cx) -> Vec<Effect> {
        cx.load(&mut self.detail, Read::Intervention { id: self.id })
    }

    /// Its own modals first (the lifecycle prompt, the session-delete
    /// question, the team tab's picker and forms take every key), then its
    /// commands; `None` leaves the key to the global bindings.
    fn on_key(
        &mut self,
        cx: &mut Cx,
        key: &KeyEvent,
        action: Option<Action>,
    ) -> Option<Vec<Effect>> {
        if self.prompt.is_some() {
            return Some(match prompt_key(self, key, action) {
                Some(submit) => self.submit_transition(cx, submit),
                None => vec![],
            });
        }
        if self.session_delete.is_some() {
            return sessions::on_key(self, cx, key, action);
        }
        if let Some(effects) = team::on_key(self, cx, key) {
            return Some(effects);
        }
        if self.tab == Tab::Attachments || !self.docs.is_idle() {
            let (offer, selected) = (self.doc_offer(), self.selected_attachment());
            if let Some(fx) = self.docs.on_key(cx, key, action, &offer, selected) {
                return Some(fx);
            }
        }
        if action == Some(Action::Copy) {
            return Some(self.copy(cx));
        }
        if action == Some(Action::LogSession) {
            // Known closed here: said at once. Otherwise (not loaded yet,
            // or closed since) the editor says it when its context arrives.
            let closed = self
                .detail
                .get()
                .and_then(|d| crate::domain::session::no_new_session(d.header.status));
            if let Some(why) = closed {
                cx.info(why);
                return Some(vec![]);
            }
            cx.go(Nav::LogSession(LogFor::Intervention {
                id: self.id,
                title: self.title.clone(),
            }));
            return Some(vec![]);
        }
        if action == Some(Action::LogContact) {
            match self.detail.get() {
                Some(d) => cx.go(Nav::LogContact(ContactFor {
                    student_id: d.header.student_id,
                    student_name: d.header.student_name.clone(),
                    intervention_id: Some(self.id),
                    parent_id: None,
                })),
                None => cx.info("wait for the intervention to load, then log the contact"),
            }
            return Some(vec![]);
        }
        if let Some(effects) = sessions::on_key(self, cx, key, action) {
            return Some(effects);
        }
        if let Some(a) = action
            && let Some(form) = iv_edit::form_for(self, a)
        {
            match form {
                Ok(screen) => cx.push(screen),
                Err(why) => cx.info(why),
            }
            return Some(vec![]);
        }
        // Digits pick a tab (they are the student record's tab keys too),
        // unless someone bound one to a global action.
        if action.is_some_and(|a| a.context() == Context::Global) {
            return None;
        }
        if let KeyCode::Char(c @ '1'..='9') = key.code {
            if let Some(tab) = c
                .to_digit(10)
                .and_then(|n| Tab::ALL.get((n as usize).checked_sub(1)?))
            {
                self.set_tab(*tab);
            }
            return Some(vec![]);
        }
        self.list_action(cx, action?)
    }

    fn on_reply(&mut self, cx: &mut Cx, req: ReqId, data: Data) -> Vec<Effect> {
        if self.docs.waits_for(req) {
            return self.docs.on_reply(cx, req, data);
        }
        match data {
            Data::Intervention {
                detail: Some(x),
                today,
            } => self.arrive(req, x, today),
            Data::Intervention { detail: None, .. } => {
                self.detail
                    .fail(req, "this intervention is not visible to you");
            }
            Data::TeamCandidates { found } => team::on_candidates(self, req, found),
            _ => {}
        }
        vec![]
    }

    fn on_written(&mut self, cx: &mut Cx, req: ReqId, wrote: Wrote) -> Vec<Effect> {
        match wrote {
            Wrote::Transition(o) if self.saving.is_some_and(|(r, _)| r == req) => {
                self.on_transition(cx, o)
            }
            Wrote::Team(o) => team::on_changed(self, cx, req, o),
            Wrote::SessionDeleted(o) => sessions::on_deleted(self, cx, req, o),
            w @ Wrote::Document(_) => self.docs.on_written(cx, req, w),
            _ => {}
        }
        vec![]
    }

    /// A failed search is said in the team picker; a failed load beside
    /// the detail (or in its place) and on the status line.
    fn on_files(
        &mut self,
        cx: &mut Cx,
        req: ReqId,
        event: crate::domain::document::FileEvent,
    ) -> Vec<Effect> {
        self.docs.on_files(cx, req, event)
    }

    fn on_failed(&mut self, cx: &mut Cx, req: ReqId, why: &str) -> bool {
        if !self.docs.on_failed(cx, req, why) {
            return false;
        }
        if team::on_failed(self, req, why) {
            return false;
        }
        self.detail.fail(req, why);
        true
    }

    fn on_paste(&mut self, cx: &mut Cx, text: &str) -> Option<Vec<Effect>> {
        team::on_paste(self, cx, text)
    }
}

#[cfg(test)]
mod team_tests;
#[cfg(test)]
pub(crate) mod tests;
