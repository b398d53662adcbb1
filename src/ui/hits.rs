//! Where the mouse can click (`ui.mouse`): while a frame is drawn, the
//! lists and tab bars note which cells show which row or tab; the terminal
//! loop keeps the last frame's notes and turns a click into the keys that
//! do the same (`mouse_keys`), so a click goes through the same `update`
//! as the keyboard and nothing else learns about the layout.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};
use ratatui::layout::{Position, Rect};
use ratatui::text::Span;
use std::cell::RefCell;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hit {
    /// Row `index` of a list whose cursor is on `cursor`.
    Row { index: usize, cursor: usize },
    /// A tab, chosen by pressing this key (its number).
    Key(char),
}

thread_local! {
    static HITS: RefCell<Vec<(Rect, Hit)>> = const { RefCell::new(Vec::new()) };
}

/// Forget the previous frame's notes (before drawing one).
pub fn clear() {
    HITS.with(|h| h.borrow_mut().clear());
}

/// The notes of the frame just drawn.
pub fn take() -> Vec<(Rect, Hit)> {
    HITS.with(|h| std::mem::take(&mut *h.borrow_mut()))
}

fn note(area: Rect, hit: Hit) {
    HITS.with(|h| h.borrow_mut().push((area, hit)));
}

/// A list drawn in `area` from row `offset`, one line a row, `len` rows in
/// all, the cursor on `cursor`.
pub fn rows(area: Rect, offset: usize, len: usize, cursor: usize) {
    for (i, y) in (area.y..area.bottom()).enumerate() {
        let index = offset + i;
        if index >= len {
            break;
        }
        note(
            Rect::new(area.x, y, area.width, 1),
            Hit::Row { index, cursor },
        );
    }
}

/// A tab bar drawn as `spans` on the line at `area`: each span whose text
/// starts with a digit is that tab's key.
pub fn tabs(area: Rect, spans: &[Span]) {
    let mut x = area.x;
    for s in spans {
        let w = u16::try_from(crate::ui::sanitize::width(&s.content)).unwrap_or(u16::MAX);
        if let Some(c) = s.content.trim_start().chars().next()
            && c.is_ascii_digit()
        {
            let w = w.min(area.right().saturating_sub(x));
            note(Rect::new(x, area.y, w, 1), Hit::Key(c));
        }
        x = x.saturating_add(w);
    }
}

/// Lines the wheel moves a list per notch.
pub const WHEEL_LINES: usize = 3;

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

/// The keys a mouse event stands for, given the last frame's notes (the
/// one drawn last wins where they overlap). The arrows rather than `j`/`k`,
/// so that a search box with the keys scrolls rather than types.
pub fn mouse_keys(ev: &MouseEvent, hits: &[(Rect, Hit)]) -> Vec<KeyEvent> {
    let at = Position::new(ev.column, ev.row);
    match ev.kind {
        MouseEventKind::ScrollDown => vec![key(KeyCode::Down); WHEEL_LINES],
        MouseEventKind::ScrollUp => vec![key(KeyCode::Up); WHEEL_LINES],
        MouseEventKind::Down(MouseButton::Left) => {
            match hits
                .iter()
                .rev()
                .find(|(r, _)| r.contains(at))
                .map(|(_, h)| *h)
            {
                Some(Hit::Row { index, cursor }) if index > cursor => {
                    vec![key(KeyCode::Down); index - cursor]
                }
                Some(Hit::Row { index, cursor }) => vec![key(KeyCode::Up); cursor - index],
                Some(Hit::Key(c)) => vec![key(KeyCode::Char(c))],
                None => vec![],
            }
        }
        _ => vec![],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mouse(kind: MouseEventKind, column: u16, row: u16) -> MouseEvent {
        MouseEvent {
            kind,
            column,
            row,
            modifiers: KeyModifiers::NONE,
        }
    }

    fn click(column: u16, row: u16) -> MouseEvent {
        mouse(MouseEventKind::Down(MouseButton::Left), column, row)
    }

    #[test]
    fn a_click_on_a_row_moves_the_cursor_there_and_the_wheel_scrolls() {
        clear();
        // Rows 10.. of a 12-row list drawn at y 5..9, cursor on 11.
        rows(Rect::new(0, 5, 40, 4), 10, 12, 11);
        let hits = take();
        assert_eq!(hits.len(), 2, "only rows that exist are clickable");
        assert_eq!(mouse_keys(&click(3, 5), &hits), vec![key(KeyCode::Up)]);
        assert_eq!(mouse_keys(&click(3, 6), &hits), vec![]);
        assert_eq!(mouse_keys(&click(3, 7), &hits), vec![], "below the list");
        assert_eq!(mouse_keys(&click(41, 5), &hits), vec![], "beside it");
        let wheel = mouse_keys(&mouse(MouseEventKind::ScrollDown, 0, 0), &hits);
        assert_eq!(wheel, vec![key(KeyCode::Down); 3]);
        let wheel = mouse_keys(&mouse(MouseEventKind::ScrollUp, 0, 0), &hits);
        assert_eq!(wheel, vec![key(KeyCode::Up); 3]);
        let right = mouse(MouseEventKind::Down(MouseButton::Right), 3, 5);
        assert_eq!(mouse_keys(&right, &hits), vec![]);
    }

    #[test]
    fn a_click_on_a_tab_presses_its_number() {
        clear();
        let spans = [
            Span::raw(" 1 Goals (2) "),
            Span::raw(" "),
            Span::raw(" 2 Sessions (9) "),
        ];
        tabs(Rect::new(0, 3, 80, 1), &spans);
        let hits = take();
        assert_eq!(
            mouse_keys(&click(2, 3), &hits),
            vec![key(KeyCode::Char('1'))]
        );
        assert_eq!(mouse_keys(&click(13, 3), &hits), vec![]);
        assert_eq!(
            mouse_keys(&click(20, 3), &hits),
            vec![key(KeyCode::Char('2'))]
        );
        assert_eq!(mouse_keys(&click(20, 4), &hits), vec![]);
    }
}
