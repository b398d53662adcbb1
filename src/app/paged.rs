//! A bounded window of rows over a keyset-paged list: pages arrive at
//! either end, the far end is dropped past [`MAX_WINDOW`], and the cursor
//! and scroll stay on the same rows. The Interventions list's; the roster
//! keeps its own copy of these rules in `roster/state.rs`.

use crate::app::roster::{MAX_WINDOW, PREFETCH, PageDir};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Window<R> {
    pub rows: Vec<R>,
    /// Index into `rows`.
    pub cursor: usize,
    /// First row drawn.
    pub offset: usize,
    /// Rows exist before `rows[0]` / after the last row.
    pub more_before: bool,
    pub more_after: bool,
    /// Position of `rows[0]` in the whole list, when known.
    pub abs_start: Option<u64>,
    pub total: Option<u64>,
    /// `total` is estimated, not counted.
    pub total_estimated: bool,
    /// A page arrived since the query last changed.
    pub loaded: bool,
}

impl<R> Default for Window<R> {
    fn default() -> Self {
        Window {
            rows: Vec::new(),
            cursor: 0,
            offset: 0,
            more_before: false,
            more_after: false,
            abs_start: None,
            total: None,
            total_estimated: false,
            loaded: false,
        }
    }
}

impl<R> Window<R> {
    pub fn selected(&self) -> Option<&R> {
        self.rows.get(self.cursor)
    }

    /// Absolute 1-based position of the cursor, when known.
    pub fn position(&self) -> Option<u64> {
        self.abs_start.map(|s| s + self.cursor as u64 + 1)
    }

    /// After a move: the page to prefetch, unless one is on its way.
    pub fn prefetch(&self, pending: bool) -> Option<PageDir> {
        if pending || self.rows.is_empty() {
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

    /// The query changed: nothing shown is known to match any more.
    pub fn restart(&mut self) {
        self.total = None;
        self.total_estimated = false;
    }

    pub fn apply_page(&mut self, dir: PageDir, rows: Vec<R>, more: bool, view: usize) {
        self.loaded = true;
        let n = rows.len();
        match dir {
            PageDir::First => {
                self.rows = rows;
                self.cursor = 0;
                self.offset = 0;
                self.more_before = false;
                self.more_after = more;
                self.abs_start = Some(0);
            }
            PageDir::Last => {
                self.rows = rows;
                self.cursor = n.saturating_sub(1);
                self.offset = n.saturating_sub(view);
                self.more_before = more;
                self.more_after = false;
                self.abs_start = match (more, self.total) {
                    (false, _) => Some(0),
                    (true, Some(t)) if !self.total_estimated => Some(t.saturating_sub(n as u64)),
                    (true, _) => None,
                };
            }
            PageDir::Next => {
                self.rows.extend(rows);
                self.more_after = more;
                let excess = self.rows.len().saturating_sub(MAX_WINDOW);
                if excess > 0 {
                    self.rows.drain(..excess);
                    self.cursor = self.cursor.saturating_sub(excess);
                    self.offset = self.offset.saturating_sub(excess);
                    self.more_before = true;
                    self.abs_start = self.abs_start.map(|s| s + excess as u64);
                }
            }
            // Callers that know their rows' ids use `refresh`, which
            // keeps the cursor on its row; this keeps its place.
            PageDir::Refresh => self.refresh(rows, more, |_, _| false),
            PageDir::Prev => {
                let mut rows = rows;
                rows.append(&mut self.rows);
                self.rows = rows;
                self.cursor += n;
                self.offset += n;
                self.more_before = more;
                self.abs_start = if more {
                    self.abs_start.map(|s| s.saturating_sub(n as u64))
                } else {
                    Some(0)
                };
                if self.rows.len() > MAX_WINDOW {
                    self.rows.truncate(MAX_WINDOW);
                    self.more_after = true;
                }
            }
        }
        self.scroll_into_view(view);
    }

    /// The rows on screen fetched again from the first one shown (live
    /// refresh): the window restarts there, the cursor stays on the row
    /// `same` finds, else keeps its place.
    pub fn refresh(&mut self, rows: Vec<R>, more: bool, same: impl Fn(&R, &R) -> bool) {
        self.loaded = true;
        let n = rows.len();
        let was = self.rows.get(self.cursor);
        let found = was.and_then(|w| rows.iter().position(|r| same(w, r)));
        let dropped = self.offset;
        self.cursor = found
            .unwrap_or(self.cursor.saturating_sub(dropped))
            .min(n.saturating_sub(1));
        self.rows = rows;
        self.more_before |= dropped > 0;
        self.more_after = more;
        self.abs_start = self.abs_start.map(|s| s + dropped as u64);
        self.offset = 0;
    }

    pub fn apply_count(&mut self, total: u64, estimated: bool) {
        self.total = Some(total);
        self.total_estimated = estimated;
        if self.abs_start.is_none() && !self.more_after && !estimated {
            self.abs_start = Some(total.saturating_sub(self.rows.len() as u64));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(from: u32, n: u32) -> Vec<u32> {
        (from..from + n).collect()
    }

    #[test]
    fn pages_at_either_end_keep_the_cursor_on_its_row_and_the_window_bounded() {
        let mut w = Window::default();
        w.apply_page(PageDir::First, page(0, 100), true, 10);
        assert_eq!((w.cursor, w.position()), (0, Some(1)));
        for k in 1..6 {
            w.move_by(isize::MAX, 10);
            w.apply_page(PageDir::Next, page(k * 100, 100), true, 10);
        }
        assert_eq!(w.rows.len(), MAX_WINDOW, "the far end was dropped");
        assert_eq!(w.selected(), Some(&499), "still on the row it was on");
        assert_eq!(w.position(), Some(500));
        assert!(w.more_before);
        w.move_by(isize::MIN, 10);
        w.apply_page(PageDir::Prev, page(0, 100), false, 10);
        assert_eq!(w.selected(), Some(&100));
        assert_eq!(w.position(), Some(101));
        assert!(w.more_after, "the end it left behind is dropped");
    }

    #[test]
    fn a_refresh_restarts_at_the_first_row_shown_and_keeps_the_cursor_on_its_row() {
        let mut w = Window::default();
        w.apply_page(PageDir::First, page(0, 100), true, 10);
        w.move_by(25, 10);
        assert_eq!((w.offset, w.selected()), (16, Some(&25)));
        // Row 20 went away; 25 is still there, one place up.
        let fresh: Vec<u32> = (16..116).filter(|r| *r != 20).collect();
        w.refresh(fresh, true, |a, b| a == b);
        w.scroll_into_view(10);
        assert_eq!(w.selected(), Some(&25));
        assert_eq!((w.offset, w.cursor), (0, 8));
        assert_eq!(w.position(), Some(25), "row 20 gone: one place up");
        assert!(w.more_before);
    }

    #[test]
    fn the_last_page_knows_its_place_only_from_an_exact_count() {
        let mut w = Window::default();
        w.apply_count(1000, true);
        w.apply_page(PageDir::Last, page(900, 100), true, 10);
        assert_eq!(w.position(), None, "about 1000: no exact position");
        let mut w = Window::default();
        w.apply_count(1000, false);
        w.apply_page(PageDir::Last, page(900, 100), true, 10);
        assert_eq!(w.position(), Some(1000));
    }
}
