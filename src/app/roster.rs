//! The roster screen's state: a bounded window of rows over the whole roster,
//! moved by keyset pages.

use crate::db::students::{PageRequest, RosterPage, RosterRow};

use super::ReqId;

/// Rows per fetched page.
pub const PAGE_SIZE: usize = 100;
/// Most rows kept in memory; older ones are dropped from the far end.
pub const MAX_WINDOW: usize = 500;
/// Fetch the next page when the cursor comes this close to the loaded edge,
/// so scrolling rarely waits.
pub const PREFETCH: usize = 20;
/// Lines around the table: title, column header, roster footer, status.
pub const CHROME_ROWS: u16 = 4;

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
    pub pending: Option<(ReqId, PageDir)>,
    pub count_req: Option<ReqId>,
    pub loaded: bool,
    pub error: Option<String>,
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

    pub fn apply_count(&mut self, total: u64) {
        self.total = Some(total);
        if self.abs_start.is_none() && !self.more_after {
            self.abs_start = Some(total.saturating_sub(self.rows.len() as u64));
        }
    }
}
