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
    /// A PgDn that brought list rows: its bytes over the bytes of the text
    /// it brought, what no diff can beat ([`new_text_bytes`]).
    pub page_down_ratio: Vec<f64>,
    /// A PgDn that brought no list row (the cursor went to the view's last
    /// row, or the list had ended): its bytes, apart. Over the few letters
    /// of the footer that changed, a ratio would say nothing.
    pub page_down_no_rows: Vec<f64>,
    /// Milliseconds to draw, diff and encode a PgDn's frame (`Screen::draw`
    /// into the byte counter).
    pub page_down_ms: Vec<f64>,
}

/// The ids of the list rows on screen, as the roster draws them.
fn shown_rows(h: &Headless) -> Vec<uuid::Uuid> {
    h.roster()
        .map(|r| {
            let view = visible_rows(HEIGHT);
            let offset = crate::ui::scroll_offset(r.offset, r.cursor, view, r.rows.len());
            r.rows
                .iter()
                .skip(offset)
                .take(view)
                .map(|row| row.id)
                .collect()
        })
        .unwrap_or_default()
}

/// Each row of a frame as text, trailing blanks trimmed.
fn row_texts(b: &ratatui::buffer::Buffer) -> Vec<String> {
    let w = usize::from(b.area.width);
    b.content
        .chunks(w.max(1))
        .map(|row| {
            let text: String = row.iter().map(|c| c.symbol()).collect();
            text.trim_end().to_string()
        })
        .collect()
}

/// The bytes of the text of the rows `after` shows that `before` showed
/// nowhere: a terminal must be sent at least these, whatever the diff.
pub fn new_text_bytes(before: &ratatui::buffer::Buffer, after: &ratatui::buffer::Buffer) -> usize {
    let seen: std::collections::HashSet<String> = row_texts(before).into_iter().collect();
    row_texts(after)
        .into_iter()
        .filter(|r| !r.is_empty() && !seen.contains(r))
        .map(|r| r.len())
        .sum()
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

/// The key's own frame as [`step`] draws it.
struct Stepped {
    bytes: f64,
    frame: Option<ratatui::buffer::Buffer>,
    /// List rows it shows that the frame before did not.
    new_rows: usize,
    /// Drawing it, diff and encoding included.
    ms: f64,
}

/// [`step`], also returning the key's own frame as sent.
async fn step_frame(h: &mut Headless, code: KeyCode) -> Result<Stepped> {
    let before = shown_rows(h);
    let effects = h.press(code);
    let t = std::time::Instant::now();
    let bytes = h.draw()?;
    let ms = t.elapsed().as_secs_f64() * 1e3;
    let frame = h.screen.last_frame().cloned();
    let new_rows = shown_rows(h)
        .iter()
        .filter(|id| !before.contains(id))
        .count();
    if h.settle(effects).await {
        h.draw()?;
    }
    Ok(Stepped {
        bytes: bytes as f64,
        frame,
        new_rows,
        ms,
    })
}

async fn home(h: &mut Headless) -> Result<()> {
    step(h, KeyCode::Home).await.map(|_| ())
}

pub async fn measure(h: &mut Headless, iterations: usize) -> Result<Bytes> {
    let mut out = Bytes {
        cursor: Vec::new(),
        scroll_line: Vec::new(),
        page_down: Vec::new(),
        page_down_ratio: Vec::new(),
        page_down_no_rows: Vec::new(),
        page_down_ms: Vec::new(),
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
        let before = h.screen.last_frame().cloned();
        let s = step_frame(h, KeyCode::PageDown).await?;
        out.page_down.push(s.bytes);
        out.page_down_ms.push(s.ms);
        if s.new_rows == 0 {
            out.page_down_no_rows.push(s.bytes);
        } else if let (Some(before), Some(text)) = (before, s.frame) {
            let new = new_text_bytes(&before, &text);
            if new > 0 {
                out.page_down_ratio.push(s.bytes / new as f64);
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ratatui::buffer::Buffer;
    use ratatui::layout::Rect;

    fn frame(rows: &[&str]) -> Buffer {
        let mut b = Buffer::empty(Rect::new(0, 0, 10, rows.len() as u16));
        for (y, r) in rows.iter().enumerate() {
            b.set_string(0, y as u16, r, ratatui::style::Style::default());
        }
        b
    }

    #[test]
    fn only_rows_never_shown_before_count() {
        let before = frame(&["head", "Abel", "Baker", "foot"]);
        let after = frame(&["head", "Cohen", "Dü", "foot"]);
        // "Cohen" 5 bytes, "Dü" 3 bytes; head and foot were on screen.
        assert_eq!(new_text_bytes(&before, &after), 8);
        assert_eq!(new_text_bytes(&after, &after), 0);
    }
}
