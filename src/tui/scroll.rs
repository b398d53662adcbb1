//! Scrolling with the terminal's own scroll region. When a band of whole
//! rows moved up or down between two frames (the roster scrolled one line),
//! the terminal can move them itself for a dozen bytes; then only the rows
//! that really changed are sent, instead of every visible row again.
//!
//! Detection compares row hashes of the frame on the terminal and the new
//! one, so it needs no hint from the screens and cannot be wrong about
//! content: a shift is used only where whole rows are equal after it.

use ratatui::buffer::{Buffer, Cell};
use std::hash::{Hash, Hasher};

/// A multiply-rotate hash (FxHash's): row fingerprints are computed for
/// every frame, and SipHash over 24,000 cells cost milliseconds. A match
/// is confirmed cell by cell, so collisions cost time, never correctness.
struct Fx(u64);

impl Hasher for Fx {
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut word = [0u8; 8];
            word[..chunk.len()].copy_from_slice(chunk);
            self.write_u64(u64::from_le_bytes(word));
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }

    fn write_u8(&mut self, n: u8) {
        self.write_u64(u64::from(n));
    }

    fn write_u16(&mut self, n: u16) {
        self.write_u64(u64::from(n));
    }

    fn write_u32(&mut self, n: u32) {
        self.write_u64(u64::from(n));
    }

    fn write_usize(&mut self, n: usize) {
        self.write_u64(n as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

/// A region of the terminal to scroll, and by how much.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shift {
    /// First row of the region, and one past its last.
    pub top: u16,
    pub bottom: u16,
    /// Rows the content moves up (positive) or down (negative).
    pub by: i32,
}

/// Fewer moved rows than this are cheaper to repaint than to reason about.
const MIN_ROWS: usize = 4;

/// One fingerprint per row; `tui::Screen` keeps the last frame's so each
/// frame is hashed once.
pub fn row_hashes(b: &Buffer) -> Vec<u64> {
    let w = usize::from(b.area.width).max(1);
    b.content
        .chunks(w)
        .map(|row| {
            let mut h = Fx(0);
            row.hash(&mut h);
            h.finish()
        })
        .collect()
}

fn row(b: &Buffer, i: usize) -> &[Cell] {
    let w = usize::from(b.area.width);
    &b.content[i * w..(i + 1) * w]
}

/// The largest band of rows of `new` that are rows of `old` moved by the
/// same distance, if it is worth scrolling. Rows already equal where they
/// are never count: blank rows would otherwise "move" anywhere.
#[cfg(test)]
fn detect(old: &Buffer, new: &Buffer) -> Option<Shift> {
    detect_hashed(old, &row_hashes(old), new, &row_hashes(new))
}

/// `detect` with both frames' row fingerprints already in hand.
pub fn detect_hashed(old: &Buffer, o: &[u64], new: &Buffer, n: &[u64]) -> Option<Shift> {
    let h = usize::from(new.area.height);
    if old.area != new.area || o.len() != h || n.len() != h {
        return None;
    }
    // (rows, distance, first row of the band in `new`)
    let mut best: Option<(usize, isize, usize)> = None;
    for k in 1 - h as isize..h as isize {
        if k == 0 {
            continue;
        }
        let mut run = 0;
        for i in 0..=h {
            let j = i as isize + k;
            let moved = i < h
                && (0..h as isize).contains(&j)
                && n[i] == o[j as usize]
                && n[i] != o[i]
                // A hash match is confirmed cell by cell.
                && row(new, i) == row(old, j as usize);
            if moved {
                run += 1;
                continue;
            }
            let better = best.is_none_or(|(len, d, _)| {
                run > len || (run == len && k.unsigned_abs() < d.unsigned_abs())
            });
            if run >= MIN_ROWS && better {
                best = Some((run, k, i - run));
            }
            run = 0;
        }
    }
    let (len, k, start) = best?;
    let y = new.area.y as usize;
    let (top, bottom) = if k > 0 {
        (start, start + len + k as usize)
    } else {
        (start - k.unsigned_abs(), start + len)
    };
    Some(Shift {
        top: u16::try_from(y + top).ok()?,
        bottom: u16::try_from(y + bottom).ok()?,
        by: i32::try_from(k).ok()?,
    })
}

/// What the terminal shows after the scroll: `old` with the region's rows
/// moved and the rows scrolled in left blank (default colours: the pen is
/// reset before the escape).
pub fn shifted(old: &Buffer, s: Shift) -> Buffer {
    let mut out = old.clone();
    let y0 = old.area.y;
    let (top, bottom) = (usize::from(s.top - y0), usize::from(s.bottom - y0));
    let k = s.by.unsigned_abs() as usize;
    let w = usize::from(old.area.width);
    for r in top..bottom {
        let from = if s.by > 0 { r + k } else { r.wrapping_sub(k) };
        let dst = r * w..(r + 1) * w;
        if (top..bottom).contains(&from) {
            out.content[dst].clone_from_slice(row(old, from));
        } else {
            out.content[dst].fill(Cell::default());
        }
    }
    out
}

/// Set the region, scroll it, and give the whole screen back. The cursor
/// lands at home; the frame's diff positions every write itself.
pub fn escape(s: Shift) -> String {
    let dir = if s.by > 0 { 'S' } else { 'T' };
    format!(
        "\x1b[{};{}r\x1b[{}{dir}\x1b[r",
        s.top + 1,
        s.bottom,
        s.by.unsigned_abs()
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::layout::Rect;

    fn screen<S: AsRef<str>>(lines: &[S]) -> Buffer {
        let width = lines.iter().map(|l| l.as_ref().len()).max().unwrap_or(1) as u16;
        let mut b = Buffer::empty(Rect::new(0, 0, width, lines.len() as u16));
        for (y, l) in lines.iter().enumerate() {
            b.set_string(0, y as u16, l.as_ref(), ratatui::style::Style::default());
        }
        b
    }

    fn rows(n: std::ops::Range<usize>) -> Vec<String> {
        n.map(|i| format!("row {i:03}")).collect()
    }

    #[test]
    fn one_line_down_the_list_scrolls_the_band_up_by_one() {
        let mut old: Vec<String> = vec!["title  ".into()];
        old.extend(rows(0..8));
        old.push("footer1".into());
        let mut new: Vec<String> = vec!["title  ".into()];
        new.extend(rows(1..9));
        new.push("footer2".into());
        let (o, n) = (screen(&old), screen(&new));
        let s = detect(&o, &n).expect("a scroll");
        // Rows 1..8 of the new frame are rows 2..9 of the old: region 1..9.
        assert_eq!(
            s,
            Shift {
                top: 1,
                bottom: 9,
                by: 1
            }
        );
        let after = shifted(&o, s);
        for i in 1..8 {
            assert_eq!(row(&after, i), row(&n, i), "row {i}");
        }
        assert!(row(&after, 8).iter().all(|c| c.symbol() == " "));
        assert_eq!(escape(s), "\x1b[2;9r\x1b[1S\x1b[r");
    }

    #[test]
    fn up_at_the_top_scrolls_down() {
        let old = rows(5..15);
        let new = rows(4..14);
        let s = detect(&screen(&old), &screen(&new)).expect("a scroll");
        assert_eq!(
            s,
            Shift {
                top: 0,
                bottom: 10,
                by: -1
            }
        );
        assert!(escape(s).contains("\x1b[1T"));
    }

    #[test]
    fn unrelated_frames_and_blank_rows_do_not_scroll() {
        let a = screen(&["aaaa", "bbbb", "    ", "    ", "    ", "    ", "cccc"]);
        let b = screen(&["dddd", "eeee", "    ", "    ", "    ", "    ", "ffff"]);
        assert_eq!(detect(&a, &b), None);
        assert_eq!(detect(&a, &a), None, "nothing moved");
        let small = screen(&["x"]);
        assert_eq!(detect(&a, &small), None, "a resize is not a scroll");
    }
}
