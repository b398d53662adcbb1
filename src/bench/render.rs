//! Frame render time: the whole roster screen into an in-memory buffer.

use super::headless::{HEIGHT, Headless, WIDTH};
use crate::ui;
use color_eyre::eyre::Result;
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use std::time::Instant;

/// Milliseconds per `Terminal::draw` of the current state (widgets built,
/// rendered and diffed; TestBackend writes nothing, so no terminal IO).
pub fn measure(h: &Headless, iterations: usize) -> Result<Vec<f64>> {
    let mut term = Terminal::new(TestBackend::new(WIDTH, HEIGHT))?;
    let draw = |term: &mut Terminal<TestBackend>| {
        term.draw(|f| ui::render(f, &h.state, &h.theme)).map(|_| ())
    };
    for _ in 0..10 {
        draw(&mut term)?;
    }
    let mut out = Vec::with_capacity(iterations);
    for _ in 0..iterations {
        let t = Instant::now();
        draw(&mut term)?;
        out.push(t.elapsed().as_secs_f64() * 1e3);
    }
    Ok(out)
}
