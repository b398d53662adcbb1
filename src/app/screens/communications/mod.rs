//! The communication log (issue 14, item 3): every contact the person may
//! see, newest first, a page at a time (keyset pages: moving past either
//! end of a page fetches the next one), narrowed by filter chips. Enter
//! opens the contact; `n` logs a new one for the row's student.

mod filters;

use crate::app::hint::{GLOBAL, MOVE};
use crate::app::keymap::{Action, Context};
use crate::app::list::Cursor;
use crate::app::loadable::Loadable;
use crate::app::screens::contact_edit::ContactFor;
use crate::app::screens::room::{Cx, Nav, Room};
use crate::app::timeline::{self, Land, Shown, Want};
use crate::app::{Data, Effect, Read, ReqId};
use crate::domain::contact_log::{
    ContactCursor, ContactFilters, ContactPage, ContactPageRequest, ContactRow,
};
use chrono::NaiveDate;
use crossterm::event::KeyEvent;
pub use filters::{Typing, TypingFor, chips, words};

/// The menu's target for this screen (the `tools` row's key).
pub const TARGET: &str = "communications";
pub const TITLE: &str = "Communication log";
/// Rows a page holds.
pub const PAGE_ROWS: i64 = 100;

#[derive(Debug, Clone, PartialEq, Default)]
pub struct CommsState {
    pub filters: ContactFilters,
    pub page: Loadable<ContactPage>,
    /// The page shown (or on its way): reloading asks for it again.
    pub at: Option<ContactPageRequest>,
    pub land: Land,
    pub cursor: Cursor,
    /// A filter being typed (student, from, to).
    pub typing: Option<Typing>,
    /// The worker's date with the last page.
    pub today: Option<NaiveDate>,
}

impl CommsState {
    pub fn rows(&self) -> &[ContactRow] {
        self.page.get().map_or(&[], |p| p.rows.as_slice())
    }

    pub fn selected(&self) -> Option<&ContactRow> {
        self.rows().get(self.cursor.at())
    }

    /// Asks for `page`, the cursor to `land` on it.
    fn fetch(&mut self, cx: &mut Cx, page: ContactPageRequest, land: Land) -> Vec<Effect> {
        self.at = Some(page);
        self.land = land;
        let read = Read::Contacts {
            filters: self.filters.clone(),
            page,
            limit: PAGE_ROWS,
        };
        cx.load(&mut self.page, read)
    }

    /// The filters changed: the newest page of what they leave.
    fn refilter(&mut self, cx: &mut Cx) -> Vec<Effect> {
        self.fetch(cx, ContactPageRequest::Newest, Land::First)
    }

    /// A movement key: within the page, or over its edge onto the next.
    fn step(&mut self, cx: &mut Cx, delta: isize) -> Vec<Effect> {
        let Some(page) = self.page.get() else {
            return vec![];
        };
        if self.page.is_loading() {
            return vec![];
        }
        let shown = Shown {
            rows: &page.rows,
            newer: page.newer,
            older: page.older,
        };
        match timeline::step(shown, self.cursor.at(), delta, true, |r| {
            ContactCursor::from(r)
        }) {
            Some((want, land)) => {
                let page = match want {
                    Want::Newest => ContactPageRequest::Newest,
                    Want::Oldest => ContactPageRequest::Oldest,
                    Want::Older(c) => ContactPageRequest::Older(c),
                    Want::Newer(c) => ContactPageRequest::Newer(c),
                };
                self.fetch(cx, page, land)
            }
            None => {
                self.cursor.move_by(delta, self.rows().len());
                vec![]
            }
        }
    }
}

impl Room for CommsState {
    fn title(&self) -> String {
        TITLE.into()
    }

    fn keys(&self) -> Vec<Action> {
        if self.typing.is_some() {
            return vec![];
        }
        let filters = crate::app::hint::section(Context::Communications);
        [
            &[Action::Open, Action::LogContact][..],
            &filters,
            MOVE,
            GLOBAL,
        ]
        .concat()
    }

    fn in_flight(&self) -> Vec<ReqId> {
        self.page.req().into_iter().collect()
    }

    /// Live refresh: loaded again when what it lists changed.
    fn on_changed(&mut self, cx: &mut Cx, changes: &crate::domain::live::Changes) -> Vec<Effect> {
        use crate::domain::live::Table;
        crate::app::screens::room::reload_if(cx, changes, &[Table::Communications])
    }

    fn load(&mut self, cx: &mut Cx) -> Vec<Effect> {
        let page = self.at.unwrap_or(ContactPageRequest::Newest);
        self.fetch(cx, page, Land::Stay)
    }

    fn on_key(
        &mut self,
        cx: &mut Cx,
        key: &KeyEvent,
        action: Option<Action>,
    ) -> Option<Vec<Effect>> {
        if self.typing.is_some() {
            return Some(filters::typing_key(self, cx, key));
        }
        if let Some(a) = cx.keymap.action_in(key, |c| c == Context::Communications) {
            return Some(filters::filter_action(self, cx, a));
        }
        match action? {
            Action::Open => {
                if let Some(r) = self.selected() {
                    cx.go(Nav::EditContact(r.id));
                }
                Some(vec![])
            }
            Action::LogContact => {
                match self.selected() {
                    Some(r) => cx.go(Nav::LogContact(ContactFor {
                        student_id: r.student_id,
                        student_name: r.student_name.clone(),
                        intervention_id: r.intervention_id,
                        parent_id: None,
                    })),
                    None => {
                        cx.info("no contact selected: a new one is for the selected row's student")
                    }
                }
                Some(vec![])
            }
            a => {
                let d = a.movement(cx.page())?;
                Some(self.step(cx, d))
            }
        }
    }

    fn on_reply(&mut self, _cx: &mut Cx, req: ReqId, data: Data) -> Vec<Effect> {
        if let Data::Contacts { page, today } = data {
            let n = page.rows.len();
            if self.page.arrive(req, page) {
                self.today = Some(today);
                self.land.apply(&mut self.cursor, n)
            }
        }
        vec![]
    }

    fn on_failed(&mut self, _cx: &mut Cx, req: ReqId, why: &str) -> bool {
        self.page.fail(req, why)
    }

    fn on_resize(&mut self, _cx: &mut Cx) {
        self.cursor.clamp(self.rows().len());
    }
}

#[cfg(test)]
pub(crate) mod tests;
