//! Where the terminal's cursor is, as far as we know, and the fewest bytes
//! that take it somewhere else. ratatui's backend sends an absolute move
//! (`ESC [ row ; col H`, up to 10 bytes) before every run of changed cells;
//! the next run is usually a few columns on or at the start of the next
//! row, where a relative move or a carriage return and line feed cost 1–5.

use std::fmt::Write as _;

/// The cursor's position; a coordinate is `None` when it is not known (the
/// first frame, after a scroll region was set, or after writing into the
/// last column, where terminals differ on whether the cursor has wrapped).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct At {
    pub x: Option<u16>,
    pub y: Option<u16>,
}

impl At {
    pub fn known(x: u16, y: u16) -> At {
        At {
            x: Some(x),
            y: Some(y),
        }
    }
}

fn csi(out: &mut String, n: u16, letter: char) {
    out.push_str("\x1b[");
    if n != 1 {
        let _ = write!(out, "{n}");
    }
    out.push(letter);
}

/// Absolute: `ESC [ row ; col H`, the parts that are 1 left out.
fn absolute(x: u16, y: u16) -> String {
    let mut s = String::from("\x1b[");
    if y > 0 || x > 0 {
        let _ = write!(s, "{}", y + 1);
    }
    if x > 0 {
        let _ = write!(s, ";{}", x + 1);
    }
    s.push('H');
    s
}

/// Down by line feeds (the terminal is in raw mode: a line feed keeps the
/// column, and no scroll region is set between frames, so it never
/// scrolls above the last row) or up, whichever is shorter.
fn vertical(out: &mut String, from: u16, to: u16) {
    if to > from {
        let n = to - from;
        if n <= 4 {
            out.extend(std::iter::repeat_n('\n', usize::from(n)));
        } else {
            csi(out, n, 'B');
        }
    } else if to < from {
        csi(out, from - to, 'A');
    }
}

/// Along the row from a known column.
fn horizontal(out: &mut String, from: u16, to: u16) {
    if to > from {
        csi(out, to - from, 'C');
    } else if to < from {
        let n = from - to;
        if n <= 3 {
            out.extend(std::iter::repeat_n('\x08', usize::from(n)));
        } else {
            csi(out, n, 'D');
        }
    }
}

/// From the start of the row (a carriage return, which also ends any
/// pending wrap).
fn from_start(out: &mut String, to: u16) {
    out.push('\r');
    if to > 0 {
        csi(out, to, 'C');
    }
}

/// Column `to` counted from the left (`ESC [ col G`).
fn column(out: &mut String, to: u16) {
    csi(out, to + 1, 'G');
}

/// The shortest bytes that move the cursor from `at` to (`x`, `y`).
pub fn to(at: At, x: u16, y: u16) -> String {
    if at == At::known(x, y) {
        return String::new();
    }
    let mut best = absolute(x, y);
    let Some(from_y) = at.y else {
        return best;
    };
    let mut consider = |s: String| {
        if s.len() < best.len() {
            best = s;
        }
    };
    // A carriage return first: the column is then known, whatever it was.
    let mut s = String::from("\r");
    vertical(&mut s, from_y, y);
    if x > 0 {
        csi(&mut s, x, 'C');
    }
    consider(s);
    if let Some(from_x) = at.x {
        let mut s = String::new();
        vertical(&mut s, from_y, y);
        horizontal(&mut s, from_x, x);
        consider(s);
        let mut s = String::new();
        vertical(&mut s, from_y, y);
        from_start(&mut s, x);
        consider(s);
    }
    let mut s = String::new();
    column(&mut s, x);
    // A vertical move from an unknown column: only the escapes, which
    // leave a pending wrap behind on every terminal.
    if y > from_y {
        csi(&mut s, y - from_y, 'B');
    } else if y < from_y {
        csi(&mut s, from_y - y, 'A');
    }
    consider(s);
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shortest_way_there() {
        let unknown = At::default();
        assert_eq!(to(unknown, 0, 0), "\x1b[H");
        assert_eq!(to(unknown, 0, 9), "\x1b[10H");
        assert_eq!(to(unknown, 4, 9), "\x1b[10;5H");
        // The next row's start: carriage return and line feed.
        assert_eq!(to(At::known(57, 3), 0, 4), "\r\n");
        // A tie goes to the absolute move.
        assert_eq!(to(At::known(57, 3), 2, 4), "\x1b[5;3H");
        assert_eq!(to(At::known(57, 3), 58, 4), "\n\x1b[C");
        // A few columns on.
        assert_eq!(to(At::known(10, 3), 14, 3), "\x1b[4C");
        assert_eq!(to(At::known(10, 3), 11, 3), "\x1b[C");
        assert_eq!(to(At::known(10, 3), 8, 3), "\x08\x08");
        // Far up and across: absolute is shortest.
        assert_eq!(to(At::known(150, 50), 20, 3), "\x1b[4;21H");
        // Row known, column not (after the last column): carriage return.
        let wrapped = At {
            x: None,
            y: Some(3),
        };
        assert_eq!(to(wrapped, 0, 4), "\r\n");
        assert_eq!(to(wrapped, 120, 3), "\x1b[121G");
        assert_eq!(to(At::known(5, 5), 5, 5), "");
    }
}
