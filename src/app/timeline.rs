//! Newest-first lists read a page at a time by keyset (the communication
//! log, the Documents screen): which page a movement key asks for, and where
//! the cursor lands when that page arrives. The screens keep their own
//! request types (the database layer's); this holds the rules they share.

use crate::app::list::Cursor;

/// Where the cursor goes when the page asked for arrives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Land {
    #[default]
    First,
    Last,
    /// A reload of the page shown: the cursor stays where it was.
    Stay,
}

impl Land {
    /// Puts the cursor on a page of `n` rows that just arrived.
    pub fn apply(self, cursor: &mut Cursor, n: usize) {
        match self {
            Land::First => *cursor = Cursor::default(),
            Land::Last => cursor.move_by(isize::MAX, n),
            Land::Stay => cursor.clamp(n),
        }
    }
}

/// The page a movement key wants, keyed by the row cursor `C`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Want<C> {
    Newest,
    Oldest,
    Older(C),
    Newer(C),
}

/// The page shown: its rows and whether rows exist on either side.
pub struct Shown<'a, R> {
    pub rows: &'a [R],
    pub newer: bool,
    pub older: bool,
}

/// What a movement of `delta` rows from row `at` does: ask for another page
/// (and where to land on it), or `None` to move within the page. Home/End
/// (`isize::MIN`/`MAX`) jump to the newest page, and to the oldest where the
/// list can be read from that end (`oldest_end`).
pub fn step<R, C>(
    page: Shown<'_, R>,
    at: usize,
    delta: isize,
    oldest_end: bool,
    key: impl Fn(&R) -> C,
) -> Option<(Want<C>, Land)> {
    let len = page.rows.len();
    match delta {
        isize::MIN if page.newer => Some((Want::Newest, Land::First)),
        isize::MAX if page.older && oldest_end => Some((Want::Oldest, Land::Last)),
        d if d > 0 && at + 1 >= len && page.older => {
            page.rows.last().map(|r| (Want::Older(key(r)), Land::First))
        }
        d if d < 0 && at == 0 && page.newer => {
            page.rows.first().map(|r| (Want::Newer(key(r)), Land::Last))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(rows: &[u32], newer: bool, older: bool) -> Shown<'_, u32> {
        Shown { rows, newer, older }
    }

    #[test]
    fn moving_past_the_last_row_asks_for_the_older_page_from_that_row() {
        let rows = [5, 4, 3];
        assert_eq!(
            step(shown(&rows, false, true), 2, 1, true, |r| *r),
            Some((Want::Older(3), Land::First))
        );
        // Without older rows it stays on the page.
        assert_eq!(step(shown(&rows, false, false), 2, 1, true, |r| *r), None);
        // Not at the edge: within the page.
        assert_eq!(step(shown(&rows, true, true), 1, 1, true, |r| *r), None);
    }

    #[test]
    fn moving_above_the_first_row_asks_for_the_newer_page_and_lands_on_its_last() {
        let rows = [5, 4, 3];
        assert_eq!(
            step(shown(&rows, true, false), 0, -1, true, |r| *r),
            Some((Want::Newer(5), Land::Last))
        );
    }

    #[test]
    fn home_and_end_jump_to_the_ends_only_where_the_list_can_be_read_from_there() {
        let rows = [5, 4, 3];
        assert_eq!(
            step(shown(&rows, true, true), 1, isize::MIN, false, |r| *r),
            Some((Want::Newest, Land::First))
        );
        assert_eq!(
            step(shown(&rows, true, true), 1, isize::MAX, true, |r| *r),
            Some((Want::Oldest, Land::Last))
        );
        assert_eq!(
            step(shown(&rows, true, true), 1, isize::MAX, false, |r| *r),
            None
        );
    }

    #[test]
    fn landing_last_puts_the_cursor_on_the_pages_last_row() {
        let mut c = Cursor::default();
        Land::Last.apply(&mut c, 7);
        assert_eq!(c.at(), 6);
        Land::Stay.apply(&mut c, 3);
        assert_eq!(c.at(), 2);
        Land::First.apply(&mut c, 3);
        assert_eq!(c.at(), 0);
    }
}
