//! The Documents screen (menu: Documents): every document the person may
//! see, newest first, a page at a time (keyset pages: moving past either
//! end of a page fetches the next one). Enter opens the student's record on
//! its documents tab; `s`, `o`, `y` and `x` act on the document itself
//! (`actions.rs`, shared with the record's tabs).

pub mod actions;

use crate::app::hint::{GLOBAL, MOVE};
use crate::app::keymap::Action;
use crate::app::list::Cursor;
use crate::app::loadable::Loadable;
use crate::app::screens::Screen;
use crate::app::screens::room::{Cx, Room};
use crate::app::screens::student::{StudentState, Tab};
use crate::app::timeline::{self, Land, Shown, Want};
use crate::app::{Data, Effect, Read, ReqId, Wrote};
use crate::domain::document::{DocCursor, DocPage, DocPageRequest, DocRow, FileEvent};
use actions::{DocActions, Offer, Selected};
use crossterm::event::KeyEvent;

/// The menu's target for this screen (the `tools` row's key).
pub const TARGET: &str = "documents";
pub const TITLE: &str = "Documents";
/// Rows a page holds.
pub const PAGE_ROWS: i64 = 100;

#[derive(Debug, Clone, PartialEq, Default)]
pub struct DocsState {
    pub page: Loadable<DocPage>,
    /// The page shown (or on its way): reloading asks for it again.
    pub at: Option<DocPageRequest>,
    pub land: Land,
    pub cursor: Cursor,
    pub docs: DocActions,
}

fn offer() -> Offer {
    Offer {
        delete: true,
        ..Offer::default()
    }
}

impl DocsState {
    pub fn rows(&self) -> &[DocRow] {
        self.page.get().map_or(&[], |p| p.rows.as_slice())
    }

    pub fn selected(&self) -> Option<&DocRow> {
        self.rows().get(self.cursor.at())
    }

    fn fetch(&mut self, cx: &mut Cx, page: DocPageRequest, land: Land) -> Vec<Effect> {
        self.at = Some(page);
        self.land = land;
        cx.load(
            &mut self.page,
            Read::Documents {
                page,
                limit: PAGE_ROWS,
            },
        )
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
        match timeline::step(shown, self.cursor.at(), delta, false, |r| {
            DocCursor::from(r)
        }) {
            Some((want, land)) => {
                let page = match want {
                    // Documents are read from the newest end only, so
                    // `step` never wants the oldest page.
                    Want::Newest | Want::Oldest => DocPageRequest::Newest,
                    Want::Older(c) => DocPageRequest::Older(c),
                    Want::Newer(c) => DocPageRequest::Newer(c),
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

impl Room for DocsState {
    fn title(&self) -> String {
        TITLE.into()
    }

    fn keys(&self) -> Vec<Action> {
        if !self.docs.is_idle() {
            return vec![];
        }
        [&[Action::Open][..], &offer().actions(), MOVE, GLOBAL].concat()
    }

    fn in_flight(&self) -> Vec<ReqId> {
        self.page.req().into_iter().collect()
    }

    fn waits_for(&self, req: ReqId) -> bool {
        self.page.waits_for(req) || self.docs.waits_for(req)
    }

    fn busy(&self) -> bool {
        self.page.is_loading() || self.docs.req().is_some()
    }

    /// Live refresh: loaded again when what it lists changed.
    fn on_changed(&mut self, cx: &mut Cx, changes: &crate::domain::live::Changes) -> Vec<Effect> {
        use crate::domain::live::Table;
        crate::app::screens::room::reload_if(cx, changes, &[Table::Documents, Table::Attachments])
    }

    fn load(&mut self, cx: &mut Cx) -> Vec<Effect> {
        let page = self.at.unwrap_or(DocPageRequest::Newest);
        self.fetch(cx, page, Land::Stay)
    }

    fn on_key(
        &mut self,
        cx: &mut Cx,
        key: &KeyEvent,
        action: Option<Action>,
    ) -> Option<Vec<Effect>> {
        // Enter opens the record here; the document keys do the rest.
        if self.docs.is_idle() && action == Some(Action::Open) {
            if let Some(r) = self.selected() {
                let mut s = StudentState::new(r.student_id, r.student_name.clone());
                s.tab = Tab::Documents;
                cx.push(Screen::Student(s));
            }
            return Some(vec![]);
        }
        let selected = self.selected().map(|r| Selected {
            id: r.id,
            filename: r.filename.clone(),
        });
        if let Some(fx) = self.docs.on_key(cx, key, None, &offer(), selected) {
            return Some(fx);
        }
        let d = action?.movement(cx.page())?;
        Some(self.step(cx, d))
    }

    fn on_reply(&mut self, cx: &mut Cx, req: ReqId, data: Data) -> Vec<Effect> {
        match data {
            Data::Documents { page } => {
                let n = page.rows.len();
                if self.page.arrive(req, page) {
                    self.land.apply(&mut self.cursor, n)
                }
                vec![]
            }
            data => self.docs.on_reply(cx, req, data),
        }
    }

    fn on_written(&mut self, cx: &mut Cx, req: ReqId, wrote: Wrote) -> Vec<Effect> {
        self.docs.on_written(cx, req, wrote);
        vec![]
    }

    fn on_files(&mut self, cx: &mut Cx, req: ReqId, event: FileEvent) -> Vec<Effect> {
        self.docs.on_files(cx, req, event)
    }

    fn on_failed(&mut self, cx: &mut Cx, req: ReqId, why: &str) -> bool {
        if !self.docs.on_failed(cx, req, why) {
            return false;
        }
        self.page.fail(req, why)
    }

    fn on_resize(&mut self, _cx: &mut Cx) {
        self.cursor.clamp(self.rows().len());
    }
}

#[cfg(test)]
pub(crate) mod tests;
