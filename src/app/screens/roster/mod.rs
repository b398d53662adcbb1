//! The roster: every student the person may see, searched, filtered and
//! sorted, moved through in keyset pages. State in `state.rs`; the search
//! box, filter bar and school picker keys in `input.rs`.

mod input;
mod state;

pub use input::school_label;
pub use state::*;

use crate::app::Read;
use crate::app::hint::{GLOBAL, MOVE, section};
use crate::app::keymap::{Action, Context};
use crate::app::labels::Label;
use crate::app::screens::export;
use crate::app::screens::room::{Cx, LogFor, Nav, Room};
use crate::app::student::StudentState;
use crate::app::{Data, Effect, ReqId, Screen, Wrote, copy, iv_edit};
use crate::domain::live::{Changes, Table};
use crate::domain::roster::{Filters, RosterPage, Sort};
use crate::domain::school::SchoolChoice;
use crossterm::event::KeyEvent;
use uuid::Uuid;

impl Room for RosterState {
    fn title(&self) -> String {
        "Roster".into()
    }

    /// The school picker and the search box take the keys (they say how
    /// to leave them); the filter bar's own keys come before the roster's.
    fn keys(&self) -> Vec<Action> {
        use Action::*;
        if self.school_picker.is_some() || self.search_focus {
            return vec![];
        }
        if self.filter_focus.is_some() {
            let bar = section(Context::FilterBar);
            return [&[FilterDone][..], &bar, MOVE, GLOBAL].concat();
        }
        [
            &[Search, Filters, Sort, Open, New, LogSession, Export, Copy][..],
            MOVE,
            GLOBAL,
        ]
        .concat()
    }

    fn in_flight(&self) -> Vec<ReqId> {
        self.pending
            .map(|(req, _)| req)
            .into_iter()
            .chain(self.count_req)
            .chain(self.settings_req)
            .collect()
    }

    /// The school picker's list too, which leaving need not cancel, and
    /// an export.
    fn waits_for(&self, req: ReqId) -> bool {
        self.in_flight().contains(&req)
            || self.school_picker.as_ref().and_then(|p| p.req) == Some(req)
            || self.exporting == Some(req)
    }

    /// The first page and the count, and (until they arrive once) the
    /// person's saved filters.
    fn load(&mut self, cx: &mut Cx) -> Vec<Effect> {
        self.error = None;
        let (page, count) = (cx.alloc(), cx.alloc());
        let mut effects = self.requery(page, count);
        self.settings_req = None;
        if !self.restored {
            // Asked alongside the first page, which then shows at once
            // when nothing was saved; saved filters supersede it.
            let req = cx.alloc();
            self.settings_req = Some(req);
            effects.push(Effect::Load {
                req,
                read: Read::RosterFilters,
            });
        }
        effects
    }

    /// Its text boxes and filter bar first, then its own commands.
    fn on_key(
        &mut self,
        cx: &mut Cx,
        key: &KeyEvent,
        action: Option<Action>,
    ) -> Option<Vec<Effect>> {
        if let Some(effects) = self.input_key(cx, key) {
            return Some(effects);
        }
        if cx.keymap.action_in(key, |c| c == Context::Exports) == Some(Action::Export) {
            let spec = crate::export::Spec::Roster(self.query.clone());
            return Some(export::start(cx, &mut self.exporting, spec, false));
        }
        match action? {
            Action::LogSession => {
                let (id, name) = self.selected_student()?;
                cx.go(Nav::LogSession(LogFor::Student { id, name }));
                Some(vec![])
            }
            Action::Back => self.back(cx),
            a => self.list_action(cx, a),
        }
    }

    fn on_reply(&mut self, cx: &mut Cx, req: ReqId, data: Data) -> Vec<Effect> {
        match data {
            Data::RosterPage { page } => self.on_page(cx, req, page),
            Data::RosterCount { total, estimated } => {
                self.count_req = None;
                self.apply_count(total, estimated);
                vec![]
            }
            Data::RosterFilters { saved } => self.on_restored(cx, saved),
            Data::Schools { schools } => {
                self.on_schools(schools);
                vec![]
            }
            _ => vec![],
        }
    }

    fn on_written(&mut self, cx: &mut Cx, req: ReqId, wrote: Wrote) -> Vec<Effect> {
        if let Wrote::Enqueued(result) = wrote
            && self.exporting.take_if(|r| *r == req).is_some()
        {
            crate::app::own_jobs::say_queued(cx, "export of the roster as shown", &result);
        }
        vec![]
    }

    fn on_failed(&mut self, cx: &mut Cx, req: ReqId, why: &str) -> bool {
        if self.exporting.take_if(|r| *r == req).is_some() {
            cx.error(format!("export not queued: {why}"));
            return false;
        }
        if self.settings_req == Some(req) {
            // Without the saved filters the roster still works, unfiltered;
            // nothing restored means the query did not change, so nothing
            // is asked again.
            self.restore(None);
            cx.error(format!("could not read your saved filters: {why}"));
            return false;
        }
        self.fail(req, why)
    }

    fn on_paste(&mut self, cx: &mut Cx, text: &str) -> Option<Vec<Effect>> {
        self.paste(cx, text)
    }

    /// Its rows show students, their interventions' tiers and their last
    /// session: the rows on screen are fetched again in place.
    fn on_changed(&mut self, cx: &mut Cx, changes: &Changes) -> Vec<Effect> {
        if !changes.touches(&[Table::Students, Table::Interventions, Table::Sessions]) {
            return vec![];
        }
        self.refresh(cx)
    }

    fn on_resize(&mut self, cx: &mut Cx) {
        self.scroll_into_view(cx.view());
    }
}

impl RosterState {
    /// The selected student's id and "Last, First".
    fn selected_student(&self) -> Option<(Uuid, String)> {
        self.selected()
            .map(|row| (row.id, format!("{}, {}", row.last_name, row.first_name)))
    }

    /// Movement and the roster's commands; `None` for any other action.
    fn list_action(&mut self, cx: &mut Cx, action: Action) -> Option<Vec<Effect>> {
        let (view, page) = (cx.view(), cx.page());
        match action {
            Action::Up => self.move_by(-1, view),
            Action::Down => self.move_by(1, view),
            Action::PageUp => self.move_by(-page, view),
            Action::PageDown => self.move_by(page, view),
            Action::Top if self.more_before || !self.loaded => {
                return Some(self.fetch(cx, PageDir::First));
            }
            Action::Top => self.move_by(isize::MIN, view),
            Action::Bottom if self.more_after || !self.loaded => {
                return Some(self.fetch(cx, PageDir::Last));
            }
            Action::Bottom => self.move_by(isize::MAX, view),
            Action::Open => {
                if let Some((id, title)) = self.selected_student() {
                    cx.push(Screen::Student(StudentState::new(id, title)));
                }
                return Some(vec![]);
            }
            Action::New => {
                if let Some((id, name)) = self.selected_student() {
                    iv_edit::open_new(cx, id, name);
                }
                return Some(vec![]);
            }
            Action::Copy => {
                return Some(match self.selected() {
                    Some(row) => {
                        let name = format!("{}, {}", row.last_name, row.first_name);
                        // Said as copied: the id too, not only the name.
                        let text = copy::student(&row.local_id, &name);
                        copy::to_clipboard(cx, &text.clone(), text)
                    }
                    None => {
                        cx.info("no student selected to copy");
                        vec![]
                    }
                });
            }
            Action::Search => {
                self.search_focus = true;
                self.filter_focus = None;
                return Some(vec![]);
            }
            Action::Filters => {
                self.filter_focus = Some(0);
                self.search_focus = false;
                return Some(vec![]);
            }
            Action::Sort => {
                self.cycle_sort();
                cx.info(format!("sorted by {}", self.query.sort.label()));
                return Some(self.filters_changed(cx));
            }
            _ => return None,
        }
        Some(self.prefetch_page(cx))
    }

    fn fetch(&mut self, cx: &mut Cx, dir: PageDir) -> Vec<Effect> {
        let Some(page) = self.request_for(dir) else {
            return vec![];
        };
        let req = cx.alloc();
        // Latest wins: a pending request in another direction is superseded.
        let superseded = self
            .pending
            .replace((req, dir))
            .map(|(old, _)| Effect::Cancel { req: old });
        let load = Effect::Load {
            req,
            read: Read::RosterPage {
                query: self.query.clone(),
                page,
                limit: PAGE_SIZE,
            },
        };
        superseded.into_iter().chain([load]).collect()
    }

    /// The rows on screen again (and the count): a page on its way, or the
    /// saved filters not yet read, will show fresh rows anyway; an empty
    /// roster starts over.
    fn refresh(&mut self, cx: &mut Cx) -> Vec<Effect> {
        if self.pending.is_some() || !self.restored || !cx.is_connected() {
            return vec![];
        }
        if self.rows.is_empty() {
            return self.start_over(cx);
        }
        let mut fx = self.fetch(cx, PageDir::Refresh);
        let req = cx.alloc();
        if let Some(old) = self.count_req.replace(req) {
            fx.push(Effect::Cancel { req: old });
        }
        fx.push(Effect::Load {
            req,
            read: Read::RosterCount {
                query: self.query.clone(),
            },
        });
        fx
    }

    /// After a move: the next page in the direction of travel, if the
    /// cursor is near the loaded edge.
    fn prefetch_page(&mut self, cx: &mut Cx) -> Vec<Effect> {
        match self.prefetch() {
            Some(dir) => self.fetch(cx, dir),
            None => vec![],
        }
    }

    /// The roster's requests were superseded (new search text, filters or
    /// sort): cancel them and start again from the first page. Done here
    /// rather than by `Nav::ReloadSelf` so these effects keep their place
    /// before any the caller adds.
    fn start_over(&mut self, cx: &mut Cx) -> Vec<Effect> {
        if !cx.is_connected() {
            return vec![];
        }
        let mut effects: Vec<Effect> = self
            .in_flight()
            .into_iter()
            .map(|req| Effect::Cancel { req })
            .collect();
        effects.extend(self.load(cx));
        effects
    }

    /// New filters or sort: fetch again and remember them for the person.
    fn filters_changed(&mut self, cx: &mut Cx) -> Vec<Effect> {
        let save = Effect::SaveRosterFilters {
            filters: self.query.filters.clone(),
            sort: self.query.sort,
        };
        let mut effects = self.start_over(cx);
        effects.push(save);
        effects
    }

    /// Esc on the roster: leaves the filter bar, then clears the search
    /// text, and only then closes the screen.
    fn back(&mut self, cx: &mut Cx) -> Option<Vec<Effect>> {
        if self.filter_focus.take().is_some() {
            return Some(vec![]);
        }
        if self.query.search.is_empty() {
            return None;
        }
        let changed = self.set_search("").unwrap_or(true);
        Some(if changed { self.start_over(cx) } else { vec![] })
    }

    /// A page arrived.
    fn on_page(&mut self, cx: &mut Cx, req: ReqId, page: RosterPage) -> Vec<Effect> {
        let Some((_, dir)) = self.pending.take_if(|(p, _)| *p == req) else {
            return vec![];
        };
        self.apply_page(dir, page, cx.view());
        self.prefetch_page(cx)
    }

    /// The saved filters arrived (or there were none): when they differ
    /// from the query shown, ask again with them.
    fn on_restored(&mut self, cx: &mut Cx, saved: Option<(Filters, Sort)>) -> Vec<Effect> {
        let before = self.query.clone();
        self.restore(saved);
        if self.query == before {
            return vec![];
        }
        self.start_over(cx)
    }

    /// The schools for the picker arrived.
    fn on_schools(&mut self, schools: Vec<SchoolChoice>) {
        // The filter's school if there is one, else the selected
        // student's: the likeliest pick either way.
        let likely = self
            .query
            .filters
            .school
            .as_ref()
            .map(|f| f.id)
            .or(self.selected().map(|row| row.school_id));
        if let Some(p) = self.school_picker.as_mut() {
            p.loaded(schools, |sc| Some(sc.id) == likely);
        }
    }
}

#[cfg(test)]
mod tests;
