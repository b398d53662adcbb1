//! A terminal that only counts what it is sent.

use std::io::{self, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// Counts bytes written; clones share the count, so one clone can be handed
/// to the screen and another kept to read it.
#[derive(Debug, Clone, Default)]
pub struct CountingSink {
    count: Arc<AtomicU64>,
}

impl CountingSink {
    pub fn bytes(&self) -> u64 {
        self.count.load(Ordering::Relaxed)
    }
}

impl Write for CountingSink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.count.fetch_add(buf.len() as u64, Ordering::Relaxed);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clones_share_the_count() {
        let sink = CountingSink::default();
        let mut w = sink.clone();
        w.write_all(b"hello").expect("write");
        write!(w, "\x1b[?2026h{}", 42).expect("write");
        w.flush().expect("flush");
        assert_eq!(sink.bytes(), 5 + 8 + 2);
    }

    #[test]
    fn counts_a_whole_frame_only_when_the_screen_flushes_it() {
        use crate::app::{Options, State};
        use crate::tui::Screen;
        use crate::ui::theme::Theme;
        let sink = CountingSink::default();
        let mut screen = Screen::fixed(sink.clone(), 80, 24).expect("screen");
        let state = State::new(Options::default());
        screen.draw(&state, &Theme::new(false)).expect("draw");
        let first = sink.bytes();
        // At least the two synchronized-update brackets and some text.
        assert!(first > 16, "{first}");
        screen.draw(&state, &Theme::new(false)).expect("draw");
        // A frame that changes nothing on the screen is not sent at all.
        assert_eq!(sink.bytes(), first);
    }
}
