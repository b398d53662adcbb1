//! Missed sessions: the interventions the person may see with the most
//! sessions missed in a period (this calendar month at first; `p` turns
//! to last month, the last 4 weeks), worst first (`domain::missed`).
//! Enter opens the intervention; `L` logs a session for it.

use crate::app::hint::{GLOBAL, MOVE};
use crate::app::intervention::DetailState;
use crate::app::keymap::{Action, Context};
use crate::app::list::Cursor;
use crate::app::loadable::Loadable;
use crate::app::screens::room::{Cx, LogFor, Nav, Room};
use crate::app::{Data, Effect, Read, ReqId, Screen};
use crate::domain::missed::{MISSED_ROWS, MissedRow, Period};
use chrono::NaiveDate;
use crossterm::event::KeyEvent;

/// The menu's target (under the `interventions` tool).
pub const TARGET: &str = "interventions.missed";
/// `:missed` opens it.
pub const COMMAND: &str = "missed";
pub const TITLE: &str = "Missed sessions";

/// The list and the period it counts, with the period's first and last
/// day as the worker judged them.
#[derive(Debug, Clone, PartialEq)]
pub struct MissedList {
    pub rows: Vec<MissedRow>,
    pub period: Period,
    pub span: (NaiveDate, NaiveDate),
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct MissedState {
    /// The period asked for (the list on show may still be the previous
    /// one's while the new one loads).
    pub period: Period,
    pub list: Loadable<MissedList>,
    pub cursor: Cursor,
}

impl MissedState {
    pub fn rows(&self) -> &[MissedRow] {
        self.list.get().map_or(&[], |m| &m.rows)
    }

    pub fn selected(&self) -> Option<&MissedRow> {
        self.rows().get(self.cursor.at())
    }

    /// The list stops at this many rows (`domain::missed::MISSED_ROWS`).
    pub fn full(&self) -> bool {
        self.rows().len() >= MISSED_ROWS
    }
}

impl Room for MissedState {
    fn title(&self) -> String {
        TITLE.into()
    }

    fn keys(&self) -> Vec<Action> {
        [
            &[Action::Open, Action::LogSession, Action::MissedPeriod][..],
            MOVE,
            GLOBAL,
        ]
        .concat()
    }

    fn in_flight(&self) -> Vec<ReqId> {
        self.list.req().into_iter().collect()
    }

    /// Live refresh: loaded again when what it lists changed.
    fn on_changed(&mut self, cx: &mut Cx, changes: &crate::domain::live::Changes) -> Vec<Effect> {
        use crate::domain::live::Table;
        crate::app::screens::room::reload_if(cx, changes, &[Table::Interventions, Table::Sessions])
    }

    fn load(&mut self, cx: &mut Cx) -> Vec<Effect> {
        cx.load(
            &mut self.list,
            Read::Missed {
                period: self.period,
            },
        )
    }

    fn on_key(
        &mut self,
        cx: &mut Cx,
        key: &KeyEvent,
        action: Option<Action>,
    ) -> Option<Vec<Effect>> {
        if cx.keymap.action_in(key, |c| c == Context::Missed) == Some(Action::MissedPeriod) {
            // The list on show stays, headed by its own period, until the
            // next one arrives; the one still on its way is not wanted.
            let superseded = self.list.req().map(|req| Effect::Cancel { req });
            self.period = self.period.next();
            self.cursor = Cursor::default();
            return Some(superseded.into_iter().chain(self.load(cx)).collect());
        }
        let action = action?;
        if let Some(delta) = action.movement(cx.page()) {
            self.cursor.move_by(delta, self.rows().len());
            return Some(vec![]);
        }
        let row = match action {
            Action::Open | Action::LogSession => self.selected()?,
            _ => return None,
        };
        let id = row.of.intervention_id;
        let title = format!("{} · {}", row.of.student_name, row.of.name);
        cx.go(if action == Action::Open {
            Nav::Push(Box::new(Screen::Intervention(DetailState::new(id, title))))
        } else {
            Nav::LogSession(LogFor::Intervention { id, title })
        });
        Some(vec![])
    }

    fn on_reply(&mut self, _cx: &mut Cx, req: ReqId, data: Data) -> Vec<Effect> {
        if let Data::Missed { rows, period, span } = data {
            self.list.arrive(req, MissedList { rows, period, span });
            self.cursor.clamp(self.rows().len());
        }
        vec![]
    }

    fn on_failed(&mut self, _cx: &mut Cx, req: ReqId, why: &str) -> bool {
        self.list.fail(req, why)
    }
}

#[cfg(test)]
pub(crate) mod tests;
