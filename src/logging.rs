//! Logs go to a file in the state directory, never to the terminal: a line
//! printed under the TUI would corrupt the screen.

use color_eyre::eyre::eyre;
use std::fs::{self, OpenOptions};
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::Path;
use std::sync::Mutex;
use tracing_subscriber::EnvFilter;

const HINT: &str = "log.file in the config file chooses another";

/// Start logging to `path` at `level` (overridden by CASELOAD_LOG, in
/// tracing's filter syntax). Owner-only permissions: logs may name students.
/// Errors name the path, which may be a default the person never chose.
pub fn init(path: &Path, level: &str) -> color_eyre::Result<()> {
    if let Some(dir) = path.parent() {
        fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(|e| {
                eyre!(
                    "cannot create the log directory {}: {e}; {HINT}",
                    dir.display()
                )
            })?;
    }
    let file = OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .open(path)
        .map_err(|e| eyre!("cannot open the log file {}: {e}; {HINT}", path.display()))?;
    let filter = EnvFilter::try_from_env("CASELOAD_LOG").unwrap_or_else(|_| EnvFilter::new(level));
    // A second init (tests, or demo re-entering) keeps the first subscriber.
    let _ = tracing_subscriber::fmt()
        .with_writer(Mutex::new(file))
        .with_ansi(false)
        .with_env_filter(filter)
        .try_init();
    Ok(())
}
