//! Cold start: the real binary in a pseudo-terminal, timed from spawn to the
//! frames it writes.

use super::headless::{HEIGHT, WIDTH};
use color_eyre::eyre::{Result, eyre};
use portable_pty::{CommandBuilder, PtySize, native_pty_system};
use std::io::{Read, Write};
use std::path::PathBuf;
use std::sync::mpsc;
use std::time::{Duration, Instant};

const FRAME_END: &[u8] = b"\x1b[?2026l";
const TIMEOUT: Duration = Duration::from_secs(15);

/// What to start and what its first screen of data shows.
#[derive(Debug, Clone)]
pub struct Target {
    pub exe: PathBuf,
    /// Global flags (`--database-url`, `--config`) for the child.
    pub args: Vec<String>,
    /// Extra environment for the child (tests keep its config and log private).
    pub env: Vec<(String, String)>,
    /// Text that no earlier frame contains: the first roster row's local
    /// id, or the heading of the caseload home's first section as it reads
    /// once that section's rows are in (`bench::run` picks). The frame
    /// holding it is the first screen of data.
    pub marker: String,
}

pub struct Startup {
    /// Milliseconds from spawn to the end of the first frame.
    pub first_paint: Vec<f64>,
    /// Milliseconds from spawn to the end of the frame that shows the
    /// marker: the first screen of data.
    pub first_data: Vec<f64>,
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    hay.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

/// One start: (first paint, first screen of data), in milliseconds.
fn once(target: &Target) -> Result<(f64, f64)> {
    let pty = native_pty_system()
        .openpty(PtySize {
            rows: HEIGHT,
            cols: WIDTH,
            pixel_width: 0,
            pixel_height: 0,
        })
        .map_err(|e| eyre!("openpty: {e}"))?;
    let mut cmd = CommandBuilder::new(&target.exe);
    cmd.args(&target.args);
    cmd.env("TERM", "xterm-256color");
    for (k, v) in &target.env {
        cmd.env(k, v);
    }
    if let Ok(dir) = std::env::current_dir() {
        cmd.cwd(dir);
    }
    let t0 = Instant::now();
    let mut child = pty
        .slave
        .spawn_command(cmd)
        .map_err(|e| eyre!("starting {}: {e}", target.exe.display()))?;
    drop(pty.slave);
    let mut reader = pty
        .master
        .try_clone_reader()
        .map_err(|e| eyre!("pty reader: {e}"))?;
    let (tx, rx) = mpsc::channel();
    // Drained continuously, so the child never blocks on a full pty; each
    // chunk is stamped when it arrives.
    std::thread::spawn(move || {
        let mut buf = vec![0u8; 1 << 16];
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 || tx.send((Instant::now(), buf[..n].to_vec())).is_err() {
                break;
            }
        }
    });
    let result = (|| {
        let mut seen = Vec::new();
        let mut first_paint = None;
        let mut marker_at = None;
        loop {
            let left = TIMEOUT.saturating_sub(t0.elapsed());
            let (at, chunk) = rx.recv_timeout(left).map_err(|_| {
                eyre!(
                    "no {} within {TIMEOUT:?}; the program wrote {} bytes",
                    if first_paint.is_none() {
                        "first frame"
                    } else {
                        "first screen of data"
                    },
                    seen.len()
                )
            })?;
            let from = seen
                .len()
                .saturating_sub(FRAME_END.len().max(target.marker.len()));
            seen.extend_from_slice(&chunk);
            let ms = (at - t0).as_secs_f64() * 1e3;
            if first_paint.is_none() && find(&seen, FRAME_END, from).is_some() {
                first_paint = Some(ms);
            }
            if marker_at.is_none() {
                marker_at = find(&seen, target.marker.as_bytes(), from);
            }
            if let (Some(paint), Some(m)) = (first_paint, marker_at)
                && find(&seen, FRAME_END, m).is_some()
            {
                return Ok((paint, ms));
            }
        }
    })();
    if let Ok(mut w) = pty.master.take_writer() {
        let _ = w.write_all(b"q");
        let _ = w.flush();
    }
    let deadline = Instant::now() + Duration::from_secs(3);
    while matches!(child.try_wait(), Ok(None)) {
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    result
}

pub fn measure(target: &Target, runs: usize) -> Result<Startup> {
    let mut out = Startup {
        first_paint: Vec::with_capacity(runs),
        first_data: Vec::with_capacity(runs),
    };
    for _ in 0..runs {
        let (paint, data) = once(target)?;
        out.first_paint.push(paint);
        out.first_data.push(data);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    #[test]
    fn find_from_an_offset() {
        assert_eq!(super::find(b"abcabc", b"bc", 0), Some(1));
        assert_eq!(super::find(b"abcabc", b"bc", 2), Some(4));
        assert_eq!(super::find(b"abc", b"bc", 9), None);
    }
}
