//! The Interventions list: every intervention the person may see, one line
//! each, filtered by chips and sorted, moved through in keyset pages. State
//! in `state.rs`; the query is `db::interventions::list`.

mod state;

pub use state::*;

use crate::app::hint::{GLOBAL, MOVE, section};
use crate::app::intervention::DetailState;
use crate::app::keymap::{Action, Context};
use crate::app::roster::{PAGE_SIZE, PageDir};
use crate::app::screens::room::{Cx, LogFor, Nav, Room};
use crate::app::{Data, Effect, Read, ReqId, Screen};
use crate::domain::iv_list::{IvPage, IvPageRequest, IvRow};
use crossterm::event::KeyEvent;

impl Room for IvListState {
    fn title(&self) -> String {
        TITLE.into()
    }

    /// The filter bar's keys while it has them, else the list's.
    fn keys(&self) -> Vec<Action> {
        use Action::*;
        if self.filter_focus.is_some() {
            let shared = [
                FilterDone,
                ChipPrev,
                ChipNext,
                ChipRemove,
                FilterStatus,
                FilterTier,
                FilterSchool,
            ];
            let own = section(Context::IvFilterBar);
            return [&shared[..], &own, &[FilterClear], MOVE, GLOBAL].concat();
        }
        [&[Filters, Sort, Open, LogSession][..], MOVE, GLOBAL].concat()
    }

    fn in_flight(&self) -> Vec<ReqId> {
        self.pending
            .map(|(req, _)| req)
            .into_iter()
            .chain(self.count_req)
            .collect()
    }

    /// The first page and the count, asked together; the page shows as
    /// soon as it comes, whatever the count costs.
    /// Its rows are interventions with their students, goals' progress
    /// and sessions: the rows on screen are fetched again in place.
    fn on_changed(&mut self, cx: &mut Cx, changes: &crate::domain::live::Changes) -> Vec<Effect> {
        use crate::domain::live::Table;
        let shown = [
            Table::Interventions,
            Table::Students,
            Table::Sessions,
            Table::Goals,
            Table::Measurements,
        ];
        if !changes.touches(&shown) {
            return vec![];
        }
        self.refresh(cx)
    }

    fn load(&mut self, cx: &mut Cx) -> Vec<Effect> {
        self.error = None;
        let (page, count) = (cx.alloc(), cx.alloc());
        self.pending = Some((page, PageDir::First));
        self.count_req = Some(count);
        self.list.restart();
        vec![
            Effect::Load {
                req: page,
                read: Read::IvPage {
                    query: self.query.clone(),
                    page: IvPageRequest::First,
                    limit: PAGE_SIZE,
                },
            },
            Effect::Load {
                req: count,
                read: Read::IvCount {
                    query: self.query.clone(),
                },
            },
        ]
    }

    fn on_key(
        &mut self,
        cx: &mut Cx,
        key: &KeyEvent,
        action: Option<Action>,
    ) -> Option<Vec<Effect>> {
        if self.filter_focus.is_some()
            && let Some(effects) = self.filter_key(cx, key)
        {
            return Some(effects);
        }
        match action? {
            Action::Back if self.filter_focus.take().is_some() => Some(vec![]),
            Action::Filters => {
                self.filter_focus = Some(0);
                Some(vec![])
            }
            Action::Sort => {
                self.cycle_sort();
                cx.info(format!("sorted by {}", self.query.sort.label()));
                Some(self.start_over(cx))
            }
            Action::Open => {
                let (id, title) = self.selected().map(|r| (r.id, row_title(r)))?;
                cx.push(Screen::Intervention(DetailState::new(id, title)));
                Some(vec![])
            }
            Action::LogSession => {
                let (id, title) = self.selected().map(|r| (r.id, row_title(r)))?;
                cx.go(Nav::LogSession(LogFor::Intervention { id, title }));
                Some(vec![])
            }
            a => {
                let (view, page) = (cx.view(), cx.page());
                match a {
                    Action::Top if self.list.more_before || !self.list.loaded => {
                        return Some(self.fetch(cx, PageDir::First));
                    }
                    Action::Bottom if self.list.more_after || !self.list.loaded => {
                        return Some(self.fetch(cx, PageDir::Last));
                    }
                    _ => self.list.move_by(a.movement(page)?, view),
                }
                Some(self.prefetch_page(cx))
            }
        }
    }

    fn on_reply(&mut self, cx: &mut Cx, req: ReqId, data: Data) -> Vec<Effect> {
        match data {
            Data::IvPage { page } => self.on_page(cx, req, page),
            Data::IvCount { total, estimated } if self.count_req == Some(req) => {
                self.count_req = None;
                self.list.apply_count(total, estimated);
                vec![]
            }
            _ => vec![],
        }
    }

    fn on_failed(&mut self, _cx: &mut Cx, req: ReqId, why: &str) -> bool {
        self.fail(req, why)
    }

    fn on_resize(&mut self, cx: &mut Cx) {
        self.list.scroll_into_view(cx.view());
    }
}

/// What the detail screen and the session editor are titled.
fn row_title(r: &IvRow) -> String {
    format!("{} — {}", r.name, r.student())
}

impl IvListState {
    /// The filter bar's keys; `None` for a key it does not know (movement
    /// still moves the list under it).
    fn filter_key(&mut self, cx: &mut Cx, key: &KeyEvent) -> Option<Vec<Effect>> {
        let action = cx.keymap.action_in(key, |c| {
            matches!(c, Context::FilterBar | Context::IvFilterBar)
        })?;
        use FilterEdit as E;
        let edit = match action {
            Action::ChipPrev => {
                self.select_chip(-1);
                return Some(vec![]);
            }
            Action::ChipNext => {
                self.select_chip(1);
                return Some(vec![]);
            }
            Action::FilterDone => {
                self.filter_focus = None;
                return Some(vec![]);
            }
            Action::ChipRemove => {
                return Some(if self.remove_selected_chip() {
                    self.start_over(cx)
                } else {
                    vec![]
                });
            }
            Action::FilterStatus => E::CycleStatus,
            Action::FilterTier => E::CycleTier,
            Action::FilterSchool => E::SchoolOfSelected,
            Action::FilterClear => E::ClearAll,
            Action::IvFilterType => E::CycleType,
            Action::IvFilterProgram => E::ProgramOfSelected,
            Action::IvFilterOwner => E::OwnerOfSelected,
            Action::IvFilterReview => E::CycleReview,
            Action::IvFilterOffTrack => E::OffTrack,
            Action::IvFilterFidelity => E::FidelityLow,
            Action::IvFilterNoSession => E::CycleNoSession,
            _ => return None,
        };
        Some(if self.edit_filters(edit) {
            self.start_over(cx)
        } else {
            vec![]
        })
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
            read: Read::IvPage {
                query: self.query.clone(),
                page,
                limit: PAGE_SIZE,
            },
        };
        superseded.into_iter().chain([load]).collect()
    }

    /// After a move: the next page in the direction of travel, if the
    /// cursor is near the loaded edge.
    fn prefetch_page(&mut self, cx: &mut Cx) -> Vec<Effect> {
        match self.list.prefetch(self.pending.is_some()) {
            Some(dir) => self.fetch(cx, dir),
            None => vec![],
        }
    }

    /// New filters or sort: cancel what is in flight and start again from
    /// the first page, the count with it.
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

    fn on_page(&mut self, cx: &mut Cx, req: ReqId, page: IvPage) -> Vec<Effect> {
        let Some((_, dir)) = self.pending.take_if(|(p, _)| *p == req) else {
            return vec![];
        };
        self.error = None;
        if dir == PageDir::Refresh {
            self.list.refresh(page.rows, page.more, |a, b| a.id == b.id);
            self.list.scroll_into_view(cx.view());
        } else {
            self.list.apply_page(dir, page.rows, page.more, cx.view());
        }
        self.prefetch_page(cx)
    }

    /// The rows on screen again, from the first one shown (live refresh);
    /// a page on its way shows fresh rows anyway.
    fn refresh(&mut self, cx: &mut Cx) -> Vec<Effect> {
        if self.pending.is_some() || !cx.is_connected() {
            return vec![];
        }
        if self.list.rows.is_empty() {
            return self.start_over(cx);
        }
        self.fetch(cx, PageDir::Refresh)
    }
}

#[cfg(test)]
pub(crate) mod tests;
