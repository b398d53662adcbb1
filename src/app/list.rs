//! One list cursor: a selected row kept inside the list, moved by rows, by
//! pages or to either end.

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Cursor {
    at: usize,
}

impl Cursor {
    pub fn at(self) -> usize {
        self.at
    }

    /// Moves by `delta` rows (`isize::MIN`/`MAX` for the ends) in a list of
    /// `len`, clamped.
    pub fn move_by(&mut self, delta: isize, len: usize) {
        self.at = self
            .at
            .saturating_add_signed(delta)
            .min(len.saturating_sub(1));
    }

    /// On row `i` of a list of `len` (the last row when `i` is past it).
    pub fn at_row(i: usize, len: usize) -> Cursor {
        let mut c = Cursor::default();
        c.move_by(isize::try_from(i).unwrap_or(isize::MAX), len);
        c
    }

    /// Keeps the cursor inside a list that now has `len` rows.
    pub fn clamp(&mut self, len: usize) {
        self.move_by(0, len);
    }
}

#[cfg(test)]
mod tests {
    use super::Cursor;

    #[test]
    fn the_cursor_stays_inside_the_list() {
        let mut c = Cursor::default();
        c.move_by(-1, 3);
        assert_eq!(c.at(), 0);
        c.move_by(isize::MAX, 3);
        assert_eq!(c.at(), 2);
        c.clamp(1);
        assert_eq!(c.at(), 0);
        c.move_by(5, 0);
        assert_eq!(c.at(), 0, "an empty list keeps the cursor at 0");
    }
}
