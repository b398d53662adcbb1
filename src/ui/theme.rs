//! Colours and emphasis. With NO_COLOR every colour is dropped here, in the
//! theme, while bold/reverse/underline stay so the selection is still
//! visible (crossterm's own NO_COLOR handling would reset those too).

use ratatui::style::{Color, Modifier, Style};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Theme {
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

impl Theme {
    pub fn new(no_color: bool) -> Theme {
        let t = Theme {
            title: Style::new()
                .fg(Color::Black)
                .bg(Color::Cyan)
                .add_modifier(Modifier::BOLD),
            header: Style::new()
                .fg(Color::Cyan)
                .add_modifier(Modifier::BOLD | Modifier::UNDERLINED),
            selected: Style::new().add_modifier(Modifier::REVERSED | Modifier::BOLD),
            group: Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD),
            hotkey: Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD),
            dim: Style::new().fg(Color::DarkGray),
            ok: Style::new().fg(Color::Green),
            busy: Style::new().fg(Color::Yellow),
            error: Style::new().fg(Color::Red).add_modifier(Modifier::BOLD),
            border: Style::new().fg(Color::Cyan),
        };
        if no_color { t.without_colors() } else { t }
    }

    fn without_colors(self) -> Theme {
        let strip = |s: Style| Style {
            fg: None,
            bg: None,
            ..s
        };
        Theme {
            title: strip(self.title).add_modifier(Modifier::REVERSED),
            header: strip(self.header),
            selected: strip(self.selected),
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
