//! Bytes sent to the terminal per keystroke, through the TUI's own frame
//! output (diffing, synchronized-update brackets, one flush).

use super::headless::{HEIGHT, Headless};
use crate::app::roster::visible_rows;
use color_eyre::eyre::Result;
use crossterm::event::KeyCode;

pub struct Bytes {
    /// j/k inside the visible rows.
    pub cursor: Vec<f64>,
    /// j on the bottom row: the table scrolls by one line.
    pub scroll_line: Vec<f64>,
    /// PgDn: the table scrolls by a screen.
    pub page_down: Vec<f64>,
}

/// The bytes of the key's own frame. Pages the key asked for are loaded
/// afterwards and drawn uncounted: in the real loop they are another frame.
async fn step(h: &mut Headless, code: KeyCode) -> Result<f64> {
    let effects = h.press(code);
    let bytes = h.draw()?;
    if h.settle(effects).await {
        h.draw()?;
    }
    Ok(bytes as f64)
}

async fn home(h: &mut Headless) -> Result<()> {
    step(h, KeyCode::Home).await.map(|_| ())
}

pub async fn measure(h: &mut Headless, iterations: usize) -> Result<Bytes> {
    let mut out = Bytes {
        cursor: Vec::new(),
        scroll_line: Vec::new(),
        page_down: Vec::new(),
    };
    home(h).await?;
    for i in 0..iterations {
        let code = if i.is_multiple_of(2) {
            KeyCode::Down
        } else {
            KeyCode::Up
        };
        out.cursor.push(step(h, code).await?);
    }
    let view = visible_rows(HEIGHT);
    while let Some(r) = h.roster()
        && r.cursor + 1 < r.offset + view
        && r.cursor + 1 < r.rows.len()
    {
        step(h, KeyCode::Down).await?;
    }
    for _ in 0..iterations {
        out.scroll_line.push(step(h, KeyCode::Down).await?);
    }
    home(h).await?;
    for _ in 0..iterations {
        out.page_down.push(step(h, KeyCode::PageDown).await?);
    }
    Ok(out)
}
