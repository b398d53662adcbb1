//! The server's side, sampled through a separate admin connection while
//! the clients run: how many backends serve this database (what
//! max_connections and a pooler's pool size limit), and, when the server
//! runs on this machine, what those backends hold in memory.

use crate::db::unnamed::Unnamed;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

#[derive(Debug, Default, Clone)]
pub struct Peak {
    pub samples: usize,
    /// Client backends connected to the database (not the sampler's own).
    pub connections: i64,
    /// Of those, running a statement at the moment of the sample.
    pub active: i64,
    /// Sum of the backends' VmRSS (KiB; counts shared buffers each touched).
    pub rss_kib: Option<u64>,
    /// Sum of the backends' RssAnon (KiB): their private memory.
    pub anon_kib: Option<u64>,
    /// The sampling query's own failures (the admin connection lost).
    pub failures: usize,
    /// This process (all the clients): VmRSS at its highest sample.
    pub client_rss_kib: Option<u64>,
}

/// `VmRSS`-like fields of /proc/<pid>/status, in KiB.
pub fn proc_status_kib(pid: &str, field: &str) -> Option<u64> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    text.lines()
        .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
}

/// Samples every `every` until `stop`; the highest of each figure.
pub async fn sample(
    admin: Arc<tokio_postgres::Client>,
    local: bool,
    every: Duration,
    stop: Arc<AtomicBool>,
) -> Peak {
    let mut peak = Peak::default();
    while !stop.load(Ordering::Relaxed) {
        let rows = admin
            .fetch(
                "SELECT pid, state = 'active' FROM pg_stat_activity \
                 WHERE datname = current_database() AND backend_type = 'client backend' \
                   AND pid <> pg_backend_pid()",
                &[],
            )
            .await;
        match rows {
            Ok(rows) => {
                peak.samples += 1;
                peak.connections = peak.connections.max(rows.len() as i64);
                let active = rows
                    .iter()
                    .filter(|r| r.get::<_, Option<bool>>(1) == Some(true));
                peak.active = peak.active.max(active.count() as i64);
                if local {
                    let pids: Vec<String> = rows
                        .iter()
                        .map(|r| r.get::<_, i32>(0).to_string())
                        .collect();
                    let sum = |field| {
                        pids.iter()
                            .filter_map(|p| proc_status_kib(p, field))
                            .sum::<u64>()
                    };
                    peak.rss_kib = Some(peak.rss_kib.unwrap_or(0).max(sum("VmRSS")));
                    peak.anon_kib = Some(peak.anon_kib.unwrap_or(0).max(sum("RssAnon")));
                }
            }
            Err(_) => peak.failures += 1,
        }
        if let Some(rss) = proc_status_kib("self", "VmRSS") {
            peak.client_rss_kib = Some(peak.client_rss_kib.unwrap_or(0).max(rss));
        }
        tokio::time::sleep(every).await;
    }
    peak
}

/// Whether the server's backends are processes of this machine (their
/// /proc entries are then readable).
pub fn is_local(host: &str) -> bool {
    host.starts_with('/') || matches!(host, "127.0.0.1" | "localhost" | "::1" | "")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_our_own_resident_memory() {
        assert!(proc_status_kib("self", "VmRSS").is_some_and(|k| k > 0));
        assert_eq!(proc_status_kib("self", "NoSuchField"), None);
        assert_eq!(proc_status_kib("not-a-pid", "VmRSS"), None);
    }
}
