//! The caseload home: five sections of work, one cursor across them.

mod contact;
mod load;
#[cfg(test)]
mod load_tests;
mod state;
#[cfg(test)]
mod tests;

pub use load::HomeLoad;
pub use state::*;

use crate::app::hint::{GLOBAL, MOVE};
use crate::app::intervention::DetailState;
use crate::app::keymap::Action;
use crate::app::screens::room::{self, Cx, LogFor, Nav, Room};
use crate::app::student::StudentState;
use crate::app::{Data, Effect, Read, ReqId, Screen};
use crate::domain::home_parts::HomeQuery;
use crate::domain::live::{Changes, Table};
use crossterm::event::KeyEvent;

/// What a key on the home asks of the stack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HomeKey {
    Stay,
    Open(Target),
    /// `L`: log a session for the selected row.
    LogSession,
    /// `C`: log a contact for the selected row's student.
    LogContact,
}

impl HomeState {
    /// Movement, sections and open; `None` leaves the key to the global
    /// bindings. `view` is how many lines the list has on screen.
    pub fn on_action(&mut self, action: Option<Action>, view: usize) -> Option<HomeKey> {
        let action = action?;
        let page = view.saturating_sub(2).max(1) as isize;
        if let Some(delta) = action.movement(page) {
            self.move_by(delta, view);
            return Some(HomeKey::Stay);
        }
        match action {
            Action::LogSession => return Some(HomeKey::LogSession),
            Action::LogContact => return Some(HomeKey::LogContact),
            Action::NextTab => self.jump_section(true),
            Action::PrevTab => self.jump_section(false),
            Action::Open => return Some(self.selected().map_or(HomeKey::Stay, HomeKey::Open)),
            _ => return None,
        }
        Some(HomeKey::Stay)
    }
}

impl HomeState {
    fn read(&self, req: ReqId, part: HomeQuery) -> Effect {
        Effect::Load {
            req,
            read: Read::Home {
                scope: self.scope,
                part,
            },
        }
    }
}

impl Room for HomeState {
    fn title(&self) -> String {
        "Caseload".into()
    }

    fn keys(&self) -> Vec<Action> {
        use Action::*;
        [
            &[Open, LogSession, LogContact, NextTab, PrevTab][..],
            MOVE,
            GLOBAL,
        ]
        .concat()
    }

    fn hint(&self, action: Action) -> Option<&'static str> {
        match action {
            Action::NextTab => Some("next section"),
            a => a.short(),
        }
    }

    fn in_flight(&self) -> Vec<ReqId> {
        self.home.in_flight()
    }

    /// The open part first (`HomeQuery::AT_ONCE`): the first section is
    /// painted when it is in, not the slowest part; the rest follow.
    fn load(&mut self, cx: &mut Cx) -> Vec<Effect> {
        let asked: Vec<(ReqId, HomeQuery)> = HomeQuery::AT_ONCE.map(|q| (cx.alloc(), q)).to_vec();
        self.home.start(asked.clone());
        asked
            .into_iter()
            .map(|(req, part)| self.read(req, part))
            .collect()
    }

    fn on_key(
        &mut self,
        cx: &mut Cx,
        _key: &KeyEvent,
        action: Option<Action>,
    ) -> Option<Vec<Effect>> {
        let view = self.list_rows(cx.width, cx.height);
        let nav = match self.on_action(action, view)? {
            HomeKey::Stay => return Some(vec![]),
            HomeKey::LogContact => Nav::LogContact(self.contact_for()?),
            HomeKey::LogSession => match self.selected()? {
                Target::Intervention { id, title } => {
                    Nav::LogSession(LogFor::Intervention { id, title })
                }
                Target::Student { id, title } => {
                    Nav::LogSession(LogFor::Student { id, name: title })
                }
            },
            HomeKey::Open(Target::Intervention { id, title }) => {
                Nav::Push(Box::new(Screen::Intervention(DetailState::new(id, title))))
            }
            HomeKey::Open(Target::Student { id, title }) => {
                Nav::Push(Box::new(Screen::Student(StudentState::new(id, title))))
            }
        };
        cx.go(nav);
        Some(vec![])
    }

    /// A part; the open one asks for the rest (`HomeQuery::after`).
    fn on_reply(&mut self, cx: &mut Cx, req: ReqId, data: Data) -> Vec<Effect> {
        let Data::Home { part, today } = data else {
            return vec![];
        };
        let Some(arrived) = self.arrive(req, *part, today) else {
            return vec![];
        };
        arrived
            .ask
            .into_iter()
            .map(|q| {
                let req = cx.alloc();
                self.home.ask(req, q);
                self.read(req, q)
            })
            .collect()
    }

    /// Its lists come from all of these; a reload keeps the cursor on the
    /// row it was on (`arrive`).
    fn on_changed(&mut self, cx: &mut Cx, changes: &Changes) -> Vec<Effect> {
        use Table::*;
        let shown = [
            Students,
            Interventions,
            Goals,
            Measurements,
            Sessions,
            Team,
            Communications,
        ];
        room::reload_if(cx, changes, &shown)
    }

    fn on_failed(&mut self, _cx: &mut Cx, req: ReqId, why: &str) -> bool {
        self.home.fail(req, why);
        true
    }
}
