//! Colours and emphasis (`ui.theme`). Built-ins: `dark` (the default,
//! leaving body text to the terminal's own colours), `light`,
//! `high-contrast` and `16` (only the 16 ANSI colours, body colours set).
//! A theme file `themes/<name>.toml` in the config directory overrides
//! some styles of a built-in (`base = "dark"`).
//!
//! With NO_COLOR every colour is dropped here, in the theme, while
//! bold/reverse/underline stay so the selection is still visible
//! (crossterm's own NO_COLOR handling would reset those too).

use ratatui::style::{Color, Modifier, Style};
use ratatui::text::Line;
use serde::Deserialize;
use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
    /// Body text and the background of the whole screen; empty (the
    /// terminal's own colours) in `dark`.
    pub text: Style,
    pub title: Style,
    pub header: Style,
    pub selected: Style,
    pub group: Style,
    pub hotkey: Style,
    pub dim: Style,
    pub ok: Style,
    pub busy: Style,
    pub error: Style,
    pub border: Style,
}

/// The built-in themes' names, the first the default.
pub const BUILTIN: &[&str] = crate::config::THEMES;

fn bold() -> Modifier {
    Modifier::BOLD
}

impl Theme {
    /// `dark`, or without colours.
    pub fn new(no_color: bool) -> Theme {
        let t = Theme::dark();
        if no_color { t.without_colors() } else { t }
    }

    /// Today's look: named ANSI colours over the terminal's own
    /// foreground and background.
    fn dark() -> Theme {
        Theme {
            text: Style::new(),
            title: Style::new()
                .fg(Color::Black)
                .bg(Color::Cyan)
                .add_modifier(bold()),
            header: Style::new()
                .fg(Color::Cyan)
                .add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
            selected: Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD),
            group: Style::new().fg(Color::Yellow).add_modifier(bold()),
            hotkey: Style::new().fg(Color::Cyan).add_modifier(bold()),
            dim: Style::new().fg(Color::DarkGray),
            ok: Style::new().fg(Color::Green),
            busy: Style::new().fg(Color::Yellow),
            error: Style::new().fg(Color::Red).add_modifier(bold()),
            border: Style::new().fg(Color::Cyan),
        }
    }

    /// Dark text on a near-white page, in exact colours (24-bit).
    fn light() -> Theme {
        let blue = Color::Rgb(0x00, 0x4e, 0x7a);
        let brown = Color::Rgb(0x7a, 0x45, 0x00);
        Theme {
            text: Style::new()
                .fg(Color::Rgb(0x1c, 0x1c, 0x1c))
                .bg(Color::Rgb(0xfa, 0xfa, 0xf7)),
            title: Style::new()
                .fg(Color::Rgb(0xff, 0xff, 0xff))
                .bg(blue)
                .add_modifier(bold()),
            header: Style::new()
                .fg(blue)
                .add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
            // Pale, not dark: a selected row keeps its red and amber words
            // (overdue, off track), which on a dark bar read at 1.7:1
            // (4.8:1 here). Not so pale that the bar fades into the page:
            // 0xcfe0f5 was 1.28:1 against it, this is 1.56:1.
            selected: Style::new()
                .fg(Color::Rgb(0x1c, 0x1c, 0x1c))
                .bg(Color::Rgb(0xb4, 0xcd, 0xee))
                .add_modifier(bold()),
            group: Style::new().fg(brown).add_modifier(bold()),
            hotkey: Style::new().fg(blue).add_modifier(bold()),
            dim: Style::new().fg(Color::Rgb(0x5c, 0x5c, 0x5c)),
            ok: Style::new().fg(Color::Rgb(0x1a, 0x6b, 0x1a)),
            busy: Style::new().fg(brown),
            error: Style::new()
                .fg(Color::Rgb(0xa8, 0x00, 0x00))
                .add_modifier(bold()),
            border: Style::new().fg(blue),
        }
    }

    /// Bright white on black, nothing dim, the selection in yellow.
    fn high_contrast() -> Theme {
        Theme {
            text: Style::new().fg(Color::White).bg(Color::Black),
            title: Style::new()
                .fg(Color::Black)
                .bg(Color::White)
                .add_modifier(bold()),
            header: Style::new()
                .fg(Color::LightYellow)
                .add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
            selected: Style::new()
                .fg(Color::Black)
                .bg(Color::LightYellow)
                .add_modifier(bold()),
            group: Style::new().fg(Color::LightYellow).add_modifier(bold()),
            hotkey: Style::new().fg(Color::LightCyan).add_modifier(bold()),
            dim: Style::new().fg(Color::Gray),
            ok: Style::new().fg(Color::LightGreen),
            busy: Style::new().fg(Color::LightYellow),
            error: Style::new().fg(Color::LightRed).add_modifier(bold()),
            border: Style::new().fg(Color::White),
        }
    }

    /// For terminals with 16 colours: only the ANSI names, and the body's
    /// colours set, so nothing rests on a default that may be anything.
    fn sixteen() -> Theme {
        Theme {
            text: Style::new().fg(Color::Gray).bg(Color::Black),
            // The selection is reversed, as dark's: a cyan bar left green
            // and red words on it at about 1:1.
            ..Theme::dark()
        }
    }

    /// A built-in theme by name (`default` is `dark`, as config files
    /// before themes said).
    pub fn builtin(name: &str) -> Option<Theme> {
        Some(match name {
            "dark" | "default" => Theme::dark(),
            "light" => Theme::light(),
            "high-contrast" => Theme::high_contrast(),
            "16" => Theme::sixteen(),
            _ => return None,
        })
    }

    /// The theme `name`: a built-in, else `themes/<name>.toml` in
    /// `config_dir`. Whatever goes wrong, the person gets `dark` and the
    /// reason, to show at start.
    pub fn load(name: &str, config_dir: Option<&Path>, no_color: bool) -> (Theme, Option<String>) {
        let (t, problem) = match Theme::named(name, config_dir) {
            Ok(t) => (t, None),
            Err(why) => (
                Theme::dark(),
                Some(format!("theme {name:?} not used, dark instead: {why}")),
            ),
        };
        (t.colours(no_color), problem)
    }

    /// A built-in, else `themes/<name>.toml` in `config_dir`, or why not.
    pub fn named(name: &str, config_dir: Option<&Path>) -> Result<Theme, String> {
        match Theme::builtin(name) {
            Some(t) => Ok(t),
            None => from_file(name, config_dir),
        }
    }

    /// `line` as the selected row. A word in a colour of its own (overdue
    /// in red) keeps it only where it reads at WCAG AA on the selection
    /// (high-contrast's yellow bar made bright red 3.7:1); otherwise it
    /// takes the selection's text colour and keeps its emphasis.
    pub fn select<'a>(&self, line: Line<'a>) -> Line<'a> {
        let mut line = line.style(self.selected);
        for span in &mut line.spans {
            if span.style.fg.is_none() {
                continue;
            }
            let (fg, bg) = contrast::drawn(self.selected.patch(span.style), self.text);
            if contrast::ratio(fg, bg).is_some_and(|r| r < contrast::TEXT) {
                span.style.fg = None;
            }
        }
        line
    }

    /// This theme, or without its colours when `no_color` (NO_COLOR).
    pub fn colours(self, no_color: bool) -> Theme {
        if no_color {
            self.without_colors()
        } else {
            self
        }
    }

    fn slot_mut(&mut self, name: &str) -> Option<&mut Style> {
        Some(match name {
            "text" => &mut self.text,
            "title" => &mut self.title,
            "header" => &mut self.header,
            "selected" => &mut self.selected,
            "group" => &mut self.group,
            "hotkey" => &mut self.hotkey,
            "dim" => &mut self.dim,
            "ok" => &mut self.ok,
            "busy" => &mut self.busy,
            "error" => &mut self.error,
            "border" => &mut self.border,
            _ => return None,
        })
    }

    /// Every style with its slot name (tests, the contrast check).
    pub fn slots(&self) -> [(&'static str, Style); 11] {
        [
            ("text", self.text),
            ("title", self.title),
            ("header", self.header),
            ("selected", self.selected),
            ("group", self.group),
            ("hotkey", self.hotkey),
            ("dim", self.dim),
            ("ok", self.ok),
            ("busy", self.busy),
            ("error", self.error),
            ("border", self.border),
        ]
    }

    fn without_colors(self) -> Theme {
        let strip = |s: Style| Style {
            fg: None,
            bg: None,
            ..s
        };
        // A selection drawn in colours keeps showing as reverse video.
        let selected = if self.selected.bg.is_some() {
            strip(self.selected).add_modifier(Modifier::REVERSED)
        } else {
            strip(self.selected)
        };
        Theme {
            text: strip(self.text),
            title: strip(self.title).add_modifier(Modifier::REVERSED),
            header: strip(self.header),
            selected,
            group: strip(self.group),
            hotkey: strip(self.hotkey),
            dim: strip(self.dim),
            ok: strip(self.ok),
            busy: strip(self.busy),
            error: strip(self.error),
            border: strip(self.border),
        }
    }
}

/// One style in a theme file: what it gives replaces the base's, the rest
/// stays.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct StyleSpec {
    fg: Option<String>,
    bg: Option<String>,
    bold: Option<bool>,
    underlined: Option<bool>,
    reversed: Option<bool>,
    italic: Option<bool>,
}

/// Each style a field of its own, so that toml names the line of a
/// misspelt one and lists the right names.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ThemeFile {
    base: Option<String>,
    text: Option<StyleSpec>,
    title: Option<StyleSpec>,
    header: Option<StyleSpec>,
    selected: Option<StyleSpec>,
    group: Option<StyleSpec>,
    hotkey: Option<StyleSpec>,
    dim: Option<StyleSpec>,
    ok: Option<StyleSpec>,
    busy: Option<StyleSpec>,
    error: Option<StyleSpec>,
    border: Option<StyleSpec>,
}

impl ThemeFile {
    fn slots(&self) -> [(&'static str, &Option<StyleSpec>); 11] {
        [
            ("text", &self.text),
            ("title", &self.title),
            ("header", &self.header),
            ("selected", &self.selected),
            ("group", &self.group),
            ("hotkey", &self.hotkey),
            ("dim", &self.dim),
            ("ok", &self.ok),
            ("busy", &self.busy),
            ("error", &self.error),
            ("border", &self.border),
        ]
    }
}

/// Largest theme file read: a few dozen lines are plenty.
const MAX_THEME_BYTES: u64 = 64 * 1024;

/// A theme name is a file name in `themes/`, never a path.
fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

fn from_file(name: &str, config_dir: Option<&Path>) -> Result<Theme, String> {
    let known = BUILTIN.join(", ");
    if !valid_name(name) {
        return Err(format!(
            "ui.theme {name:?} is not a theme name (letters, digits, - and _; built-in: {known})"
        ));
    }
    let Some(dir) = config_dir else {
        return Err(format!(
            "no theme {name:?}: not built in ({known}) and no config directory to look in"
        ));
    };
    let path = dir.join("themes").join(format!("{name}.toml"));
    let meta = std::fs::metadata(&path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            format!(
                "no theme {name:?}: not built in ({known}) and no file {}",
                path.display()
            )
        } else {
            format!("theme file {}: {e}", path.display())
        }
    })?;
    if !meta.is_file() || meta.len() > MAX_THEME_BYTES {
        return Err(format!(
            "theme file {} is not a regular file under 64 KiB",
            path.display()
        ));
    }
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("theme file {}: {e}", path.display()))?;
    parse(&text).map_err(|e| format!("theme file {}: {e}", path.display()))
}

/// A theme file's text onto its base.
pub fn parse(text: &str) -> Result<Theme, String> {
    let file: ThemeFile = toml::from_str(text).map_err(|e| {
        let line = e.span().map(|s| {
            text.as_bytes()[..s.start.min(text.len())]
                .iter()
                .filter(|b| **b == b'\n')
                .count()
                + 1
        });
        let at = line.map(|l| format!("line {l}: ")).unwrap_or_default();
        format!("{at}{}", e.message())
    })?;
    let base = file.base.as_deref().unwrap_or("dark");
    let mut theme = Theme::builtin(base).ok_or_else(|| {
        format!(
            "base = {base:?} is not a built-in theme ({})",
            BUILTIN.join(", ")
        )
    })?;
    for (slot, spec) in file.slots() {
        let (Some(spec), Some(style)) = (spec, theme.slot_mut(slot)) else {
            continue;
        };
        let colour = |field: &str, v: &Option<String>| -> Result<Option<Color>, String> {
            v.as_deref()
                .map(|s| {
                    s.trim().parse::<Color>().map_err(|_| {
                        format!(
                            "{slot}.{field} = {s:?} is not a colour (a name such as \"red\" or \"light-blue\", \"#1e90ff\", or 0 to 255)"
                        )
                    })
                })
                .transpose()
        };
        if let Some(c) = colour("fg", &spec.fg)? {
            *style = style.fg(c);
        }
        if let Some(c) = colour("bg", &spec.bg)? {
            *style = style.bg(c);
        }
        for (on, m) in [
            (spec.bold, Modifier::BOLD),
            (spec.underlined, Modifier::UNDERLINED),
            (spec.reversed, Modifier::REVERSED),
            (spec.italic, Modifier::ITALIC),
        ] {
            match on {
                Some(true) => *style = style.add_modifier(m),
                Some(false) => *style = style.remove_modifier(m),
                None => {}
            }
        }
    }
    Ok(theme)
}

pub mod contrast;

#[cfg(test)]
mod tests;
