//! WCAG 2 contrast between the colours a cell is drawn in, for the
//! built-ins' tests and for the selection bar, which lets a coloured word
//! keep its colour only where it stays readable on the bar.

use ratatui::style::{Color, Modifier, Style};

/// Body text (WCAG AA).
pub const TEXT: f64 = 4.5;
/// Lines and marks that are not text, such as a chart's (WCAG 1.4.11).
pub const GRAPHICS: f64 = 3.0;
/// The selection bar's background against the page's, so the row it marks
/// is found at a glance (WCAG has no figure for two backgrounds).
pub const SELECTION: f64 = 1.5;

/// A named ANSI colour as xterm draws it by default (its "XTerm" palette:
/// 0–7 at 205 or 229, 8 at 127, 9–15 at 255 and blue 12 at 92,92,255).
/// Terminals differ; these are the common reference. `None` for the
/// terminal's own colours and the 256-colour indexes.
pub fn rgb(c: Color) -> Option<(u8, u8, u8)> {
    Some(match c {
        Color::Black => (0, 0, 0),
        Color::Red => (205, 0, 0),
        Color::Green => (0, 205, 0),
        Color::Yellow => (205, 205, 0),
        Color::Blue => (0, 0, 238),
        Color::Magenta => (205, 0, 205),
        Color::Cyan => (0, 205, 205),
        Color::Gray => (229, 229, 229),
        Color::DarkGray => (127, 127, 127),
        Color::LightRed => (255, 0, 0),
        Color::LightGreen => (0, 255, 0),
        Color::LightYellow => (255, 255, 0),
        Color::LightBlue => (92, 92, 255),
        Color::LightMagenta => (255, 0, 255),
        Color::LightCyan => (0, 255, 255),
        Color::White => (255, 255, 255),
        Color::Rgb(r, g, b) => (r, g, b),
        Color::Reset | Color::Indexed(_) => return None,
    })
}

/// WCAG 2 relative luminance.
fn luminance((r, g, b): (u8, u8, u8)) -> f64 {
    let lin = |v: u8| {
        let s = f64::from(v) / 255.0;
        if s <= 0.03928 {
            s / 12.92
        } else {
            ((s + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b)
}

/// `None` when either colour is not known.
pub fn ratio(a: Color, b: Color) -> Option<f64> {
    let (x, y) = (luminance(rgb(a)?), luminance(rgb(b)?));
    Some((x.max(y) + 0.05) / (x.min(y) + 0.05))
}

/// The page's colours: a theme that leaves them to the terminal (`dark`)
/// is judged on a dark terminal's defaults (xterm's colour 7 on 0).
pub fn page(text: Style) -> (Color, Color) {
    let known = |c: Option<Color>, default| c.filter(|c| *c != Color::Reset).unwrap_or(default);
    (known(text.fg, Color::Gray), known(text.bg, Color::Black))
}

/// The colours a cell of style `s` shows on the page `text`: unset ones
/// are the page's, and reverse video swaps them.
pub fn drawn(s: Style, text: Style) -> (Color, Color) {
    let (pf, pb) = page(text);
    let fg = s.fg.filter(|c| *c != Color::Reset).unwrap_or(pf);
    let bg = s.bg.filter(|c| *c != Color::Reset).unwrap_or(pb);
    let reversed =
        s.add_modifier.contains(Modifier::REVERSED) && !s.sub_modifier.contains(Modifier::REVERSED);
    if reversed { (bg, fg) } else { (fg, bg) }
}
