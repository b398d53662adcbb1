//! The roster screen's state: a bounded window of rows over the whole roster,
//! moved by keyset pages.

use crate::app::Read;
use crate::app::labels::FilterChips;
use crate::domain::enums::{PgEnum, StudentStatus};
use crate::domain::roster::{
    self as q, Chip, Filters, PageRequest, RosterPage, RosterQuery, RosterRow, Sort,
};

use crate::app::picker::Picker;
use crate::app::{Effect, ReqId};
use crate::domain::school::SchoolChoice;

/// Rows per fetched page.
pub const PAGE_SIZE: usize = 100;
/// Most rows kept in memory; older ones are dropped from the far end.
pub const MAX_WINDOW: usize = 500;
/// Fetch the next page when the cursor comes this close to the loaded edge,
/// so scrolling rarely waits.
pub const PREFETCH: usize = 20;
/// Lines around the table: the frame's (title, hint, status), search box,
/// filter chips, column header, roster footer.
pub const CHROME_ROWS: u16 = crate::app::FRAME_ROWS + 4;

/// Table rows that fit on a terminal this tall.
pub fn visible_rows(term_height: u16) -> usize {
    usize::from(term_height.saturating_sub(CHROME_ROWS)).max(1)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PageDir {
    First,
    Last,
    Next,
    Prev,
    /// The rows on screen again, from the first one shown (live refresh).
    Refresh,
}

#[derive(Debug, Clone, Default)]
pub struct RosterState {
    pub rows: Vec<RosterRow>,
    /// Index into `rows`.
    pub cursor: usize,
    /// First row drawn.
    pub offset: usize,
    /// Rows exist before `rows[0]` / after the last row.
    pub more_before: bool,
    pub more_after: bool,
    /// Position of `rows[0]` in the whole roster, when known.
    pub abs_start: Option<u64>,
    pub total: Option<u64>,
    /// `total` is the planner's estimate, not a count.
    pub total_estimated: bool,
    /// Search text, filters and sort of the rows shown.
    pub query: RosterQuery,
    /// Keys go to the search box.
    pub search_focus: bool,
    /// Keys go to the filter bar; the selected chip.
    pub filter_focus: Option<usize>,
    /// The saved filters were read (or could not be): pages may be asked for.
    pub restored: bool,
    pub settings_req: Option<ReqId>,
    pub pending: Option<(ReqId, PageDir)>,
    pub count_req: Option<ReqId>,
    pub loaded: bool,
    pub error: Option<String>,
    /// The school list, open over the roster, while picking a school.
    pub school_picker: Option<Box<Picker<SchoolChoice>>>,
    /// An export of the roster as shown (`E`) on its way.
    pub exporting: Option<ReqId>,
}

impl RosterState {
    pub fn selected(&self) -> Option<&RosterRow> {
        self.rows.get(self.cursor)
    }

    /// Absolute 1-based position of the cursor, when known.
    pub fn position(&self) -> Option<u64> {
        self.abs_start.map(|s| s + self.cursor as u64 + 1)
    }

    /// The request for a page in `dir`, if one makes sense now.
    pub fn request_for(&self, dir: PageDir) -> Option<PageRequest> {
        match dir {
            PageDir::First => Some(PageRequest::First),
            PageDir::Last => Some(PageRequest::Last),
            PageDir::Next => self.rows.last().map(|r| PageRequest::After(r.cursor())),
            PageDir::Prev => self.rows.first().map(|r| PageRequest::Before(r.cursor())),
            PageDir::Refresh => self
                .rows
                .get(self.offset)
                .map(|r| PageRequest::From(r.cursor())),
        }
    }

    /// After a move: the page to prefetch, unless one is on its way.
    pub fn prefetch(&self) -> Option<PageDir> {
        if self.pending.is_some() || self.rows.is_empty() {
            return None;
        }
        if self.more_after && self.cursor + PREFETCH >= self.rows.len() {
            Some(PageDir::Next)
        } else if self.more_before && self.cursor < PREFETCH {
            Some(PageDir::Prev)
        } else {
            None
        }
    }

    pub fn move_by(&mut self, delta: isize, view: usize) {
        let last = self.rows.len().saturating_sub(1);
        self.cursor = self.cursor.saturating_add_signed(delta).min(last);
        self.scroll_into_view(view);
    }

    pub fn scroll_into_view(&mut self, view: usize) {
        let view = view.max(1);
        if self.cursor < self.offset {
            self.offset = self.cursor;
        } else if self.cursor >= self.offset + view {
            self.offset = self.cursor + 1 - view;
        }
    }

    pub fn apply_page(&mut self, dir: PageDir, page: RosterPage, view: usize) {
        self.loaded = true;
        self.error = None;
        let n = page.rows.len();
        match dir {
            PageDir::First => {
                self.rows = page.rows;
                self.cursor = 0;
                self.offset = 0;
                self.more_before = false;
                self.more_after = page.more;
                self.abs_start = Some(0);
            }
            PageDir::Last => {
                self.rows = page.rows;
                self.cursor = n.saturating_sub(1);
                self.offset = n.saturating_sub(view);
                self.more_before = page.more;
                self.more_after = false;
                self.abs_start = self.total.map(|t| t.saturating_sub(n as u64));
                if !page.more {
                    self.abs_start = Some(0);
                }
            }
            PageDir::Next => {
                self.rows.extend(page.rows);
                self.more_after = page.more;
                let excess = self.rows.len().saturating_sub(MAX_WINDOW);
                if excess > 0 {
                    self.rows.drain(..excess);
                    self.cursor = self.cursor.saturating_sub(excess);
                    self.offset = self.offset.saturating_sub(excess);
                    self.more_before = true;
                    self.abs_start = self.abs_start.map(|s| s + excess as u64);
                }
            }
            PageDir::Refresh => {
                // The window restarts at the first row shown; the cursor
                // stays on its student wherever the change put them.
                let keep = self.selected().map(|r| r.id);
                let dropped = self.offset;
                self.rows = page.rows;
                self.more_before |= dropped > 0;
                self.more_after = page.more;
                self.abs_start = self.abs_start.map(|s| s + dropped as u64);
                self.offset = 0;
                let found = keep.and_then(|id| self.rows.iter().position(|r| r.id == id));
                self.cursor = found
                    .unwrap_or(self.cursor.saturating_sub(dropped))
                    .min(n.saturating_sub(1));
            }
            PageDir::Prev => {
                let mut rows = page.rows;
                rows.append(&mut self.rows);
                self.rows = rows;
                self.cursor += n;
                self.offset += n;
                self.more_before = page.more;
                self.abs_start = self.abs_start.map(|s| s.saturating_sub(n as u64));
                if !page.more {
                    self.abs_start = Some(0);
                }
                if self.rows.len() > MAX_WINDOW {
                    self.rows.truncate(MAX_WINDOW);
                    self.more_after = true;
                }
            }
        }
        self.scroll_into_view(view);
    }

    /// Request `req` of this screen failed; `false` when it was the school
    /// picker's, which says so itself (the status line need not).
    pub fn fail(&mut self, req: ReqId, reason: &str) -> bool {
        if let Some(p) = self.school_picker.as_mut().filter(|p| p.req == Some(req)) {
            p.failed(format!("could not load the schools: {reason}"));
            return false;
        }
        if self.count_req == Some(req) {
            self.count_req = None;
        } else {
            self.pending = None;
            self.error = Some(reason.to_string());
        }
        true
    }

    pub fn apply_count(&mut self, total: u64, estimated: bool) {
        self.total = Some(total);
        self.total_estimated = estimated;
        if self.abs_start.is_none() && !self.more_after {
            self.abs_start = Some(total.saturating_sub(self.rows.len() as u64));
        }
    }
}

impl RosterState {
    /// Starts over with the current query: the first page and the count.
    /// The caller cancels whatever was in flight.
    pub fn requery(&mut self, page_req: ReqId, count_req: ReqId) -> Vec<Effect> {
        self.pending = Some((page_req, PageDir::First));
        self.count_req = Some(count_req);
        self.total = None;
        self.total_estimated = false;
        vec![
            Effect::Load {
                req: page_req,
                read: Read::RosterPage {
                    query: self.query.clone(),
                    page: PageRequest::First,
                    limit: PAGE_SIZE,
                },
            },
            Effect::Load {
                req: count_req,
                read: Read::RosterCount {
                    query: self.query.clone(),
                },
            },
        ]
    }

    /// Replaces the search text; `Ok(true)` when the tokens changed, so the
    /// rows must be fetched again.
    pub fn set_search(&mut self, text: &str) -> Result<bool, String> {
        let clean = q::clean_search(text)?;
        let changed = q::search_tokens(&clean) != q::search_tokens(&self.query.search);
        self.query.search = clean;
        Ok(changed)
    }

    pub fn chips(&self) -> Vec<(Chip, String)> {
        self.query.filters.chips()
    }

    /// Moves the chip selection by `delta`, staying on the bar.
    pub fn select_chip(&mut self, delta: isize) {
        let n = self.chips().len();
        if let Some(i) = self.filter_focus.as_mut() {
            *i = i.saturating_add_signed(delta).min(n.saturating_sub(1));
        }
    }

    /// Removes the selected chip; `true` when a filter went.
    pub fn remove_selected_chip(&mut self) -> bool {
        let Some(i) = self.filter_focus else {
            return false;
        };
        let Some(&(chip, _)) = self.chips().get(i) else {
            return false;
        };
        self.query.filters.remove(chip);
        self.select_chip(0);
        true
    }

    /// Applies one filter-bar action; `true` when the filters changed.
    pub fn edit_filters(&mut self, edit: FilterEdit) -> bool {
        let before = self.query.filters.clone();
        let row = self.selected().cloned();
        let f: &mut Filters = &mut self.query.filters;
        match edit {
            FilterEdit::SchoolOfSelected => {
                if let Some(row) = row {
                    let pick = q::SchoolFilter {
                        id: row.school_id,
                        name: row.school,
                    };
                    f.school = (f.school.as_ref() != Some(&pick)).then_some(pick);
                }
            }
            FilterEdit::GradeFromSelected => f.grade_min = row.map(|r| r.grade),
            FilterEdit::GradeToSelected => f.grade_max = row.map(|r| r.grade),
            FilterEdit::CycleStatus => f.status = cycle(f.status, StudentStatus::ALL),
            FilterEdit::CycleTier => f.tier = cycle(f.tier, &[1, 2, 3]),
            FilterEdit::Iep => f.iep = !f.iep,
            FilterEdit::Section504 => f.section_504 = !f.section_504,
            FilterEdit::EnglishLearner => f.english_learner = !f.english_learner,
            FilterEdit::ActiveIntervention => f.active_intervention = !f.active_intervention,
            FilterEdit::MyCaseload => f.my_caseload = !f.my_caseload,
            FilterEdit::ClearAll => *f = Filters::default(),
        }
        self.select_chip(0);
        self.query.filters != before
    }

    /// Filters to `school` (replacing any other school); `true` when that
    /// changed the filters.
    pub fn pick_school(&mut self, school: &SchoolChoice) -> bool {
        let pick = q::SchoolFilter {
            id: school.id,
            name: school.name.clone(),
        };
        let changed = self.query.filters.school.as_ref() != Some(&pick);
        self.query.filters.school = Some(pick);
        changed
    }

    pub fn cycle_sort(&mut self) {
        self.query.sort = self.query.sort.next();
    }

    /// Saved filters arrived (or there were none): use them from now on.
    pub fn restore(&mut self, saved: Option<(Filters, Sort)>) {
        self.settings_req = None;
        self.restored = true;
        if let Some((filters, sort)) = saved {
            self.query.filters = filters;
            self.query.sort = sort;
        }
    }
}

/// None → first → … → last → None.
fn cycle<T: Copy + PartialEq>(current: Option<T>, all: &[T]) -> Option<T> {
    match current.and_then(|c| all.iter().position(|v| *v == c)) {
        None => all.first().copied(),
        Some(i) => all.get(i + 1).copied(),
    }
}

/// What a filter-bar key does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FilterEdit {
    SchoolOfSelected,
    GradeFromSelected,
    GradeToSelected,
    CycleStatus,
    CycleTier,
    Iep,
    Section504,
    EnglishLearner,
    ActiveIntervention,
    MyCaseload,
    ClearAll,
}
