//! The Export screen (menu target `export`): CSV of the roster with the
//! person's saved filters, of their caseload, or of sessions and
//! measurements over a period, written to the download folder as the
//! person (row-level security decides every row) and recorded in the
//! audit trail. `E` on the roster exports it as shown (search included).

use crate::app::hint::{GLOBAL, MOVE};
use crate::app::keymap::{Action, Context};
use crate::app::list::Cursor;
use crate::app::screens::room::{Cx, Room};
use crate::app::{Effect, ReqId, Wrote};
use crate::domain::missed::Period;
use crate::domain::roster::RosterQuery;
use crossterm::event::KeyEvent;

/// The menu's target.
pub const TARGET: &str = "export";
pub const TITLE: &str = "Export (CSV)";

/// What to export, as the screen asks for it (the worker turns it into an
/// `export::Spec`: it reads the saved filters and today's date).
#[derive(Debug, Clone, PartialEq)]
pub enum ExportWhat {
    /// The roster as shown (`E` on the roster).
    Roster(RosterQuery),
    /// The roster with the person's saved filters and sort.
    SavedRoster,
    /// The person's own caseload.
    Caseload,
    /// Sessions and measurements of a period.
    Sessions(Period),
}

/// The choices, in screen order.
pub const CHOICES: usize = 3;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ExportState {
    pub cursor: Cursor,
    pub bom: bool,
    pub period: Period,
    /// The export on its way.
    pub pending: Option<ReqId>,
    /// What the last export wrote, or why it failed.
    pub last: Option<Result<crate::export::Written, String>>,
}

impl ExportState {
    /// The selected choice as an export.
    pub fn what(&self, at: usize) -> ExportWhat {
        match at {
            0 => ExportWhat::SavedRoster,
            1 => ExportWhat::Caseload,
            _ => ExportWhat::Sessions(self.period),
        }
    }
}

/// The effect that exports `what`, remembered in `pending` (shared by the
/// roster's `E`).
pub fn start(cx: &mut Cx, pending: &mut Option<ReqId>, what: ExportWhat, bom: bool) -> Vec<Effect> {
    if pending.is_some() {
        cx.info("an export is already being written");
        return vec![];
    }
    if !cx.is_connected() {
        cx.error("not connected: nothing to export");
        return vec![];
    }
    let req = cx.alloc();
    *pending = Some(req);
    cx.info("exporting…");
    vec![Effect::Export { req, what, bom }]
}

/// The status line's words for an export's answer.
pub fn say(cx: &mut Cx, result: &Result<crate::export::Written, String>) {
    match result {
        Ok(w) => cx.info(w.summary()),
        Err(why) => cx.error(format!("export failed: {why}")),
    }
}

impl Room for ExportState {
    fn title(&self) -> String {
        TITLE.into()
    }

    fn keys(&self) -> Vec<Action> {
        [
            &[Action::Export, Action::ExportPeriod, Action::ExportBom][..],
            MOVE,
            GLOBAL,
        ]
        .concat()
    }

    fn waits_for(&self, req: ReqId) -> bool {
        self.pending == Some(req)
    }

    fn busy(&self) -> bool {
        self.pending.is_some()
    }

    fn on_key(
        &mut self,
        cx: &mut Cx,
        key: &KeyEvent,
        action: Option<Action>,
    ) -> Option<Vec<Effect>> {
        // Only this screen's own keys of the section (enter opens a report
        // there, and exports here, as `open`).
        let own = cx
            .keymap
            .action_in(key, |c| c == Context::Exports)
            .filter(|a| matches!(a, Action::Export | Action::ExportBom | Action::ExportPeriod));
        match own.or(action)? {
            Action::Export | Action::Open => {
                let what = self.what(self.cursor.at());
                Some(start(cx, &mut self.pending, what, self.bom))
            }
            Action::ExportBom => {
                self.bom = !self.bom;
                Some(vec![])
            }
            Action::ExportPeriod => {
                self.period = self.period.next();
                Some(vec![])
            }
            a => {
                let delta = a.movement(cx.page())?;
                self.cursor.move_by(delta, CHOICES);
                Some(vec![])
            }
        }
    }

    fn on_written(&mut self, cx: &mut Cx, req: ReqId, wrote: Wrote) -> Vec<Effect> {
        if let Wrote::Exported(result) = wrote
            && self.pending.take_if(|p| *p == req).is_some()
        {
            say(cx, &result);
            self.last = Some(result);
        }
        vec![]
    }

    fn on_failed(&mut self, _cx: &mut Cx, req: ReqId, why: &str) -> bool {
        if self.pending.take_if(|p| *p == req).is_some() {
            self.last = Some(Err(why.to_string()));
        }
        true
    }
}

#[cfg(test)]
mod tests;
