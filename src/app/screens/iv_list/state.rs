//! The Interventions list's state: a window of rows over every intervention
//! the person may see, its query and the filter bar's edits.

use crate::app::ReqId;
use crate::app::paged::Window;
use crate::app::roster::PageDir;
use crate::domain::enums::{InterventionStatus, InterventionType, PgEnum};
use crate::domain::iv_list::{IvChip, IvPageRequest, IvQuery, IvRow, Named};

/// The menu's target for this screen.
pub const TARGET: &str = "interventions";
pub const TITLE: &str = "Interventions";

/// The day counts the review and no-session filters step through (then off).
pub const DAY_STEPS: [u16; 3] = [7, 14, 30];

#[derive(Debug, Clone, Default)]
pub struct IvListState {
    pub list: Window<IvRow>,
    /// Filters and sort of the rows shown.
    pub query: IvQuery,
    /// Keys go to the filter bar; the selected chip.
    pub filter_focus: Option<usize>,
    pub pending: Option<(ReqId, PageDir)>,
    pub count_req: Option<ReqId>,
    pub error: Option<String>,
}

/// One change the filter bar makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilterEdit {
    CycleStatus,
    CycleTier,
    CycleType,
    /// The selected row's program, school or owner (again: off).
    ProgramOfSelected,
    SchoolOfSelected,
    OwnerOfSelected,
    CycleReview,
    OffTrack,
    FidelityLow,
    CycleNoSession,
    ClearAll,
}

/// The value after `now` in `all`, then none, then the first again.
fn cycle<T: Copy + PartialEq>(now: Option<T>, all: &[T]) -> Option<T> {
    match now.and_then(|v| all.iter().position(|x| *x == v)) {
        None => all.first().copied(),
        Some(i) => all.get(i + 1).copied(),
    }
}

/// `Some(new)` unless `now` already is `new` (pressing again turns it off).
fn toggle_named(now: &Option<Named>, new: Option<Named>) -> Option<Named> {
    match (now, new) {
        (Some(a), Some(b)) if a.id == b.id => None,
        (_, new) => new,
    }
}

impl IvListState {
    pub fn selected(&self) -> Option<&IvRow> {
        self.list.selected()
    }

    /// The request for a page in `dir`, if one makes sense now.
    pub fn request_for(&self, dir: PageDir) -> Option<IvPageRequest> {
        match dir {
            PageDir::First => Some(IvPageRequest::First),
            PageDir::Last => Some(IvPageRequest::Last),
            PageDir::Next => self
                .list
                .rows
                .last()
                .map(|r| IvPageRequest::After(r.cursor())),
            PageDir::Prev => self
                .list
                .rows
                .first()
                .map(|r| IvPageRequest::Before(r.cursor())),
            PageDir::Refresh => self
                .list
                .rows
                .get(self.list.offset)
                .map(|r| IvPageRequest::From(r.cursor())),
        }
    }

    /// Applies a filter bar edit; `true` when the filters changed.
    pub fn edit_filters(&mut self, edit: FilterEdit) -> bool {
        let before = self.query.filters.clone();
        let row = self.selected().cloned();
        let f = &mut self.query.filters;
        match edit {
            FilterEdit::CycleStatus => f.status = cycle(f.status, InterventionStatus::ALL),
            FilterEdit::CycleTier => f.tier = cycle(f.tier, &[1, 2, 3]),
            FilterEdit::CycleType => f.kind = cycle(f.kind, InterventionType::ALL),
            FilterEdit::ProgramOfSelected => {
                let new = row.as_ref().and_then(|r| {
                    r.program_id.map(|id| Named {
                        id,
                        name: r.name.clone(),
                    })
                });
                f.program = toggle_named(&f.program, new);
            }
            FilterEdit::SchoolOfSelected => {
                let new = row.as_ref().map(|r| Named {
                    id: r.school_id,
                    name: r.school.clone(),
                });
                f.school = toggle_named(&f.school, new);
            }
            FilterEdit::OwnerOfSelected => {
                let new = row.as_ref().and_then(|r| {
                    Some(Named {
                        id: r.owner_id?,
                        name: r.owner.clone().unwrap_or_default(),
                    })
                });
                f.owner = toggle_named(&f.owner, new);
            }
            FilterEdit::CycleReview => f.review_within = cycle(f.review_within, &DAY_STEPS),
            FilterEdit::OffTrack => f.off_track = !f.off_track,
            FilterEdit::FidelityLow => f.fidelity_low = !f.fidelity_low,
            FilterEdit::CycleNoSession => {
                f.no_session_days = cycle(f.no_session_days, &DAY_STEPS);
            }
            FilterEdit::ClearAll => *f = Default::default(),
        }
        let changed = self.query.filters != before;
        self.clamp_chip();
        changed
    }

    /// Removes the selected chip's filter; `true` when one was removed.
    pub fn remove_selected_chip(&mut self) -> bool {
        let chips = self.query.filters.chips();
        let Some((chip, _)) = self.filter_focus.and_then(|i| chips.get(i)) else {
            return false;
        };
        let chip: IvChip = *chip;
        self.query.filters.remove(chip);
        self.clamp_chip();
        true
    }

    pub fn select_chip(&mut self, delta: isize) {
        let n = self.query.filters.chips().len();
        if let Some(i) = self.filter_focus.as_mut() {
            *i = i.saturating_add_signed(delta).min(n.saturating_sub(1));
        }
    }

    fn clamp_chip(&mut self) {
        self.select_chip(0);
    }

    pub fn cycle_sort(&mut self) {
        self.query.sort = self.query.sort.next();
    }

    /// Request `req` of this screen failed.
    pub fn fail(&mut self, req: ReqId, reason: &str) -> bool {
        if self.count_req == Some(req) {
            self.count_req = None;
        } else if self.pending.is_some_and(|(p, _)| p == req) {
            self.pending = None;
            self.error = Some(reason.to_string());
        }
        true
    }

    /// The count as the header says it: exact, or "about N" when
    /// estimated (rounded to what an estimate can claim).
    pub fn count_text(&self) -> String {
        match (self.list.total, self.list.total_estimated) {
            (None, _) => "counting…".into(),
            (Some(n), false) => format!("{} interventions", thousands(n)),
            (Some(n), true) => format!("about {} interventions", thousands(round_estimate(n))),
        }
    }
}

/// Two significant figures: a sampled estimate claims no more.
fn round_estimate(n: u64) -> u64 {
    let mut unit = 1;
    while n / unit >= 100 {
        unit *= 10;
    }
    (n + unit / 2) / unit * unit
}

pub use crate::domain::figures::grouped as thousands;
