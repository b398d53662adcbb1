//! The terminal's pen (colours and attributes) and the shortest SGR that
//! changes it. ratatui's backend sends one escape per attribute and both
//! colours whenever either changes; here a change is one escape, and when
//! resetting then setting is shorter than undoing attribute by attribute
//! (a reversed bold row back to plain text), it resets.

use ratatui::buffer::Cell;
use ratatui::style::{Color, Modifier};
use std::fmt::Write as _;

/// Colours and attributes as the terminal applies them to what is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Pen {
    pub fg: Color,
    pub bg: Color,
    pub underline: Color,
    pub modifier: Modifier,
}

impl Default for Pen {
    fn default() -> Pen {
        Pen {
            fg: Color::Reset,
            bg: Color::Reset,
            underline: Color::Reset,
            modifier: Modifier::empty(),
        }
    }
}

impl Pen {
    pub fn of(cell: &Cell) -> Pen {
        Pen {
            fg: cell.fg,
            bg: cell.bg,
            underline: cell.underline_color,
            modifier: cell.modifier,
        }
    }
}

/// Attributes and the parameter that turns each on; the order is the
/// order they are sent in.
const ON: [(Modifier, u8); 9] = [
    (Modifier::BOLD, 1),
    (Modifier::DIM, 2),
    (Modifier::ITALIC, 3),
    (Modifier::UNDERLINED, 4),
    (Modifier::SLOW_BLINK, 5),
    (Modifier::RAPID_BLINK, 6),
    (Modifier::REVERSED, 7),
    (Modifier::HIDDEN, 8),
    (Modifier::CROSSED_OUT, 9),
];

/// The terminal's colour parameters for `c`. Named colours go as indexes
/// of the 256-colour palette (`38;5;1`), as crossterm sends them: the
/// short forms (`31`) are brightened under bold by some terminals, which
/// would change how a theme looks.
fn colour(out: &mut String, c: Color, base: u8) {
    let named = |i: u8| format!("{base}8;5;{i}");
    let p = match c {
        Color::Reset => format!("{base}9"),
        Color::Black => named(0),
        Color::Red => named(1),
        Color::Green => named(2),
        Color::Yellow => named(3),
        Color::Blue => named(4),
        Color::Magenta => named(5),
        Color::Cyan => named(6),
        Color::Gray => named(7),
        Color::DarkGray => named(8),
        Color::LightRed => named(9),
        Color::LightGreen => named(10),
        Color::LightYellow => named(11),
        Color::LightBlue => named(12),
        Color::LightMagenta => named(13),
        Color::LightCyan => named(14),
        Color::White => named(15),
        Color::Indexed(i) => named(i),
        Color::Rgb(r, g, b) => format!("{base}8;2;{r};{g};{b}"),
    };
    push(out, &p);
}

fn push(out: &mut String, param: &str) {
    if !out.is_empty() {
        out.push(';');
    }
    out.push_str(param);
}

fn attr(out: &mut String, n: u8) {
    if !out.is_empty() {
        out.push(';');
    }
    let _ = write!(out, "{n}");
}

/// Parameters that set `to` on a pen just reset.
fn from_reset(to: &Pen) -> String {
    let mut p = String::from("0");
    for (m, n) in ON {
        if to.modifier.contains(m) {
            attr(&mut p, n);
        }
    }
    let reset = Pen::default();
    for (c, was, base) in [
        (to.fg, reset.fg, 3),
        (to.bg, reset.bg, 4),
        (to.underline, reset.underline, 5),
    ] {
        if c != was {
            colour(&mut p, c, base);
        }
    }
    p
}

/// Parameters that change `from` into `to` attribute by attribute.
fn stepwise(from: &Pen, to: &Pen) -> String {
    let mut p = String::new();
    let off = from.modifier - to.modifier;
    let on = to.modifier - from.modifier;
    // 22 ends bold and dim together; whichever stays is set again.
    let intensity = off.intersects(Modifier::BOLD | Modifier::DIM);
    let blink = off.intersects(Modifier::SLOW_BLINK | Modifier::RAPID_BLINK);
    for (m, n) in [
        (Modifier::ITALIC, 23),
        (Modifier::UNDERLINED, 24),
        (Modifier::REVERSED, 27),
        (Modifier::HIDDEN, 28),
        (Modifier::CROSSED_OUT, 29),
    ] {
        if off.contains(m) {
            attr(&mut p, n);
        }
    }
    if intensity {
        attr(&mut p, 22);
    }
    if blink {
        attr(&mut p, 25);
    }
    for (m, n) in ON {
        let again = match m {
            Modifier::BOLD | Modifier::DIM => intensity,
            Modifier::SLOW_BLINK | Modifier::RAPID_BLINK => blink,
            _ => false,
        };
        if on.contains(m) || (again && to.modifier.contains(m)) {
            attr(&mut p, n);
        }
    }
    for (c, was, base) in [
        (to.fg, from.fg, 3),
        (to.bg, from.bg, 4),
        (to.underline, from.underline, 5),
    ] {
        if c != was {
            colour(&mut p, c, base);
        }
    }
    p
}

/// The escape that makes the pen `to`; nothing when it already is. `from`
/// `None` is a pen not known (the first frame): it is reset.
pub fn change(from: Option<&Pen>, to: &Pen, out: &mut Vec<u8>) {
    let params = match from {
        Some(f) if f == to => return,
        Some(f) => {
            let step = stepwise(f, to);
            let reset = from_reset(to);
            if reset.len() < step.len() {
                reset
            } else {
                step
            }
        }
        None => from_reset(to),
    };
    // A bare reset is the shortest form of all.
    let params = if params == "0" { "" } else { params.as_str() };
    out.extend_from_slice(b"\x1b[");
    out.extend_from_slice(params.as_bytes());
    out.push(b'm');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sgr(from: Option<Pen>, to: Pen) -> String {
        let mut out = Vec::new();
        change(from.as_ref(), &to, &mut out);
        String::from_utf8(out).unwrap()
    }

    fn pen(modifier: Modifier, fg: Color, bg: Color) -> Pen {
        Pen {
            fg,
            bg,
            modifier,
            ..Pen::default()
        }
    }

    #[test]
    fn one_escape_per_change_and_the_shorter_of_undoing_and_resetting() {
        let plain = Pen::default();
        let selected = pen(
            Modifier::REVERSED | Modifier::BOLD,
            Color::Reset,
            Color::Reset,
        );
        assert_eq!(sgr(Some(plain), plain), "");
        assert_eq!(sgr(Some(plain), selected), "\x1b[1;7m");
        // "22;27" would undo the two; a reset is shorter.
        assert_eq!(sgr(Some(selected), plain), "\x1b[m");
        let dim = pen(Modifier::empty(), Color::DarkGray, Color::Reset);
        assert_eq!(sgr(Some(plain), dim), "\x1b[38;5;8m");
        assert_eq!(sgr(Some(dim), plain), "\x1b[m", "shorter than 39");
        let on_blue = pen(Modifier::BOLD, Color::DarkGray, Color::Rgb(0, 0, 255));
        assert_eq!(sgr(Some(dim), on_blue), "\x1b[1;48;2;0;0;255m");
        // Dropping bold keeps dim: 22 ends both, 2 sets dim again.
        let both = pen(Modifier::BOLD | Modifier::DIM, Color::Red, Color::Blue);
        let dim_only = pen(Modifier::DIM, Color::Red, Color::Blue);
        assert_eq!(sgr(Some(both), dim_only), "\x1b[22;2m");
        assert_eq!(sgr(None, plain), "\x1b[m", "an unknown pen is reset");
        assert_eq!(sgr(None, selected), "\x1b[0;1;7m");
    }
}
