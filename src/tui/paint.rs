//! A frame's changes as terminal bytes. Which cells change is ratatui's
//! diff (it knows the wide-character cases); how they are sent is ours, for
//! fewer bytes than ratatui's backend: the cheapest cursor move
//! ([`moves`]), a short run of unchanged cells written through rather than
//! jumped over, one SGR per style change ([`sgr`]), and a row's blank end
//! erased (EL) rather than spelled out in spaces.

use super::moves::{self, At};
use super::sgr::{self, Pen};
use ratatui::buffer::{Buffer, Cell, CellDiffOption, CellWidth};
use ratatui::style::{Color, Modifier};

/// What the terminal is known to be doing between two writes.
#[derive(Debug, Clone, Copy, Default)]
pub struct Term {
    pub at: At,
    /// `None` until the first write sets it.
    pub pen: Option<Pen>,
}

/// Modifiers that show on a blank cell (ratatui's diff has the same list).
const VISIBLE_ON_BLANK: Modifier = Modifier::REVERSED
    .union(Modifier::UNDERLINED)
    .union(Modifier::SLOW_BLINK)
    .union(Modifier::RAPID_BLINK)
    .union(Modifier::CROSSED_OUT);

/// Erase to the end of the line.
const EL: &[u8] = b"\x1b[K";

/// A cell the diff treats as ordinary text (not covered by an image or
/// given a width of its own).
#[allow(deprecated)] // `skip` is still honoured by ratatui's diff.
fn ordinary(c: &Cell) -> bool {
    c.diff_option == CellDiffOption::None && !c.skip
}

/// What an erase leaves looks like this cell: a blank on the default
/// background with nothing that shows on blanks. (The erase paints the
/// pen's background, so the pen is reset first.)
fn erasable(c: &Cell) -> bool {
    ordinary(c)
        && c.symbol() == " "
        && c.bg == Color::Reset
        && !c.modifier.intersects(VISIBLE_ON_BLANK)
}

impl Term {
    pub fn pen_to(&mut self, to: Pen, out: &mut Vec<u8>) {
        sgr::change(self.pen.as_ref(), &to, out);
        self.pen = Some(to);
    }

    /// Gets the cursor to (`x`, `y`): by writing the cells in between when
    /// they are unchanged, one column each, in the pen as it is, and fewer
    /// bytes than the move; else by the cheapest move.
    fn reach(&mut self, old: &Buffer, new: &Buffer, x: u16, y: u16, out: &mut Vec<u8>) {
        let jump = moves::to(self.at, x, y);
        if let (Some(cx), Some(cy), Some(pen)) = (self.at.x, self.at.y, self.pen)
            && cy == y
            && cx < x
            && usize::from(x - cx) < jump.len()
        {
            let mut gap = Vec::new();
            let through = (cx..x).all(|gx| {
                let c = &new[(gx, y)];
                let same =
                    ordinary(c) && c.cell_width() == 1 && *c == old[(gx, y)] && Pen::of(c) == pen;
                gap.extend_from_slice(c.symbol().as_bytes());
                same
            });
            if through && gap.len() < jump.len() {
                out.extend_from_slice(&gap);
                self.at.x = Some(x);
                return;
            }
        }
        out.extend_from_slice(jump.as_bytes());
        self.at = At::known(x, y);
    }

    /// After a symbol `width` columns wide was written at (`x`, `y`). The
    /// last column leaves the cursor in a pending wrap, and a wide symbol
    /// where a terminal may disagree on its width: the column is then
    /// found again by the next move.
    fn advance(&mut self, x: u16, y: u16, width: u16, right: u16) {
        self.at = if width == 1 && x + 1 < right {
            At::known(x + 1, y)
        } else {
            At {
                x: None,
                y: Some(y),
            }
        };
    }
}

/// Writes to `out` what turns the terminal showing `old` into `new` (same
/// area), and ends with the default pen so that nothing written between
/// frames inherits a colour.
pub fn paint(old: &Buffer, new: &Buffer, term: &mut Term, out: &mut Vec<u8>) {
    let right = new.area.right();
    let updates = old.diff(new);
    let mut i = 0;
    while i < updates.len() {
        let (x, y, cell) = updates[i];
        let row_end = updates[i..]
            .iter()
            .position(|&(_, uy, _)| uy != y)
            .map_or(updates.len(), |n| i + n);
        if erase_pays(old, new, term, x, y, row_end - i) {
            term.reach(old, new, x, y, out);
            term.pen_to(Pen::default(), out);
            out.extend_from_slice(EL);
            i = row_end;
            continue;
        }
        term.reach(old, new, x, y, out);
        term.pen_to(Pen::of(cell), out);
        out.extend_from_slice(cell.symbol().as_bytes());
        term.advance(x, y, cell.cell_width(), right);
        i += 1;
    }
    if term.pen.is_some_and(|p| p != Pen::default()) {
        term.pen_to(Pen::default(), out);
    }
}

/// Whether the row's remaining `changes` from `x` on are cheaper as an
/// erase: everything from `x` to the right edge is a blank an erase
/// leaves, and the erase (with a pen reset) costs fewer bytes than the
/// changes' symbols alone. Not beside an unchanged wide symbol, whose
/// right half the erase would take.
fn erase_pays(old: &Buffer, new: &Buffer, term: &Term, x: u16, y: u16, changes: usize) -> bool {
    let mut reset = Vec::new();
    sgr::change(term.pen.as_ref(), &Pen::default(), &mut reset);
    if EL.len() + reset.len() >= changes {
        return false;
    }
    let wide_left =
        x > new.area.x && (new[(x - 1, y)].cell_width() > 1 || old[(x - 1, y)].cell_width() > 1);
    !wide_left && (x..new.area.right()).all(|ex| erasable(&new[(ex, y)]))
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::layout::Rect;
    use ratatui::style::Style;

    fn buffer(rows: &[&str]) -> Buffer {
        let mut b = Buffer::empty(Rect::new(0, 0, 40, rows.len() as u16));
        for (y, r) in rows.iter().enumerate() {
            b.set_string(0, y as u16, r, Style::default());
        }
        b
    }

    /// The bytes, and what a terminal that showed `old` shows after them.
    fn replay(old: &Buffer, new: &Buffer) -> (String, Vec<String>) {
        let (w, h) = (old.area.width, old.area.height);
        let mut vt = vt100::Parser::new(h, w, 0);
        let mut out = Vec::new();
        paint(
            &Buffer::empty(old.area),
            old,
            &mut Term::default(),
            &mut out,
        );
        vt.process(&out);
        out.clear();
        let mut term = Term {
            at: At::default(),
            pen: Some(Pen::default()),
        };
        paint(old, new, &mut term, &mut out);
        vt.process(&out);
        let rows = vt.screen().rows(0, w).collect();
        (String::from_utf8(out).unwrap(), rows)
    }

    fn trimmed(b: &Buffer) -> Vec<String> {
        let w = usize::from(b.area.width);
        b.content
            .chunks(w)
            .map(|r| {
                r.iter()
                    .map(Cell::symbol)
                    .collect::<String>()
                    .trim_end()
                    .to_string()
            })
            .collect()
    }

    #[test]
    fn a_short_unchanged_gap_is_written_through_not_jumped() {
        let old = buffer(&["a1 b1 c1", "x"]);
        let new = buffer(&["a2 b2 c2", "x"]);
        let (bytes, shown) = replay(&old, &new);
        assert_eq!(shown, trimmed(&new));
        // One move to the first change, then " b" and " c" written again
        // (2 bytes each) instead of two moves of 4.
        assert_eq!(bytes, "\x1b[1;2H2 b2 c2");
    }

    #[test]
    fn a_gap_in_another_colour_is_jumped_over_not_repainted() {
        let mut old = buffer(&["a1 b1 c1"]);
        let mut new = buffer(&["a2 b2 c2"]);
        for b in [&mut old, &mut new] {
            b.set_string(3, 0, "b", Style::new().red());
        }
        let mut vt = vt100::Parser::new(1, 40, 0);
        let mut out = Vec::new();
        let mut term = Term::default();
        paint(&Buffer::empty(old.area), &old, &mut term, &mut out);
        vt.process(&out);
        out.clear();
        paint(&old, &new, &mut term, &mut out);
        vt.process(&out);
        let bytes = String::from_utf8(out).unwrap();
        assert_eq!(vt.screen().contents(), "a2 b2 c2");
        assert_eq!(
            vt.screen().cell(0, 3).unwrap().fgcolor(),
            vt100::Color::Idx(1),
            "b stays red"
        );
        // "2", a jump over " b" (red), "2 c2".
        assert!(bytes.contains("2\x1b[2C2 c2"), "{bytes:?}");
    }

    #[test]
    fn a_row_that_ends_sooner_is_erased_not_overwritten_with_spaces() {
        let old = buffer(&["Oyelaran-Whitfield-Montgomery, Seun", "x"]);
        let new = buffer(&["Abbott, Lena", "x"]);
        let (bytes, shown) = replay(&old, &new);
        assert_eq!(shown, trimmed(&new));
        assert!(bytes.ends_with("\x1b[K"), "{bytes:?}");
        assert!(!bytes.contains("   "), "{bytes:?}");
    }

    #[test]
    fn an_erase_after_a_reversed_word_leaves_plain_blanks() {
        let old = buffer(&["Oyelaran-Whitfield-Montgomery, Seun"]);
        let mut new = buffer(&[""]);
        new.set_string(0, 0, "Abbott", Style::new().reversed().red());
        let mut out = Vec::new();
        let mut term = Term {
            at: At::default(),
            pen: Some(Pen::default()),
        };
        paint(&old, &new, &mut term, &mut out);
        let bytes = String::from_utf8(out.clone()).unwrap();
        assert!(bytes.contains("\x1b[K"), "{bytes:?}");
        let mut vt = vt100::Parser::new(1, 40, 0);
        vt.process(&out);
        let cell = |x| vt.screen().cell(0, x).unwrap().clone();
        assert!(cell(0).inverse());
        assert_eq!(cell(0).fgcolor(), vt100::Color::Idx(1));
        for x in 6..40 {
            assert!(!cell(x).inverse(), "cell {x} is erased reversed");
            assert_eq!(cell(x).bgcolor(), vt100::Color::Default);
        }
    }

    #[test]
    fn nothing_changed_sends_nothing() {
        let b = buffer(&["same", "rows"]);
        let mut out = Vec::new();
        let mut term = Term {
            at: At::default(),
            pen: Some(Pen::default()),
        };
        paint(&b, &b, &mut term, &mut out);
        assert!(out.is_empty(), "{out:?}");
    }
}
