//! Resident memory after connecting, the menu and scrolling the roster.

use super::headless::Headless;
use crate::app::roster::PAGE_SIZE;
use crate::db::tls::Tls;
use color_eyre::eyre::{Result, eyre};
use crossterm::event::KeyCode;
use deadpool_postgres::Pool;

pub struct Memory {
    pub rss_kib: u64,
    pub peak_kib: u64,
    /// Roster pages actually loaded (fewer when the roster ends first).
    pub pages: u64,
}

/// One `kB` field of /proc/self/status.
pub fn status_kib(status: &str, field: &str) -> Option<u64> {
    status
        .lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.trim().strip_suffix("kB"))
        .and_then(|v| v.trim().parse().ok())
}

/// Runs first in the bench process, before anything else allocates, so the
/// figure is close to what the TUI itself holds.
pub async fn measure(pool: Pool, tls: Tls, pages: u64) -> Result<Memory> {
    let mut h = Headless::start(pool, tls).await?;
    let loaded = |h: &Headless| {
        h.roster()
            .map(|r| (r.abs_start.unwrap_or(0) + r.rows.len() as u64) / PAGE_SIZE as u64)
            .unwrap_or(0)
    };
    while loaded(&h) < pages {
        let before = h.roster().map(|r| (r.cursor, r.abs_start, r.rows.len()));
        let effects = h.press(KeyCode::PageDown);
        h.draw()?;
        if h.settle(effects).await {
            h.draw()?;
        }
        if h.roster().map(|r| (r.cursor, r.abs_start, r.rows.len())) == before {
            break; // the end of the roster
        }
    }
    let status = std::fs::read_to_string("/proc/self/status")
        .map_err(|e| eyre!("reading /proc/self/status (Linux only): {e}"))?;
    let field = |f| status_kib(&status, f).ok_or_else(|| eyre!("no {f} in /proc/self/status"));
    Ok(Memory {
        rss_kib: field("VmRSS")?,
        peak_kib: field("VmHWM")?,
        pages: loaded(&h),
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn reads_kib_fields() {
        let s = "Name:\tcaseload\nVmHWM:\t   40960 kB\nVmRSS:\t   30720 kB\n";
        assert_eq!(super::status_kib(s, "VmRSS"), Some(30720));
        assert_eq!(super::status_kib(s, "VmHWM"), Some(40960));
        assert_eq!(super::status_kib(s, "VmSwap"), None);
    }
}
