//! `caseload soak --pgbouncer N`: the clients go through a private
//! PgBouncer in transaction mode that may open at most N server connections
//! to the database, whatever the number of people. PgBouncer keeps a pool
//! per person (user and database), so the cap is `max_db_connections`, and
//! a person whose pool is empty waits until PgBouncer closes another
//! person's idle server connection.

use crate::bench::pgbouncer::{Bouncer, BouncerAuth, BouncerConfig};
use crate::config::ConnParams;
use crate::config::conn::SslMode;
use color_eyre::eyre::{Result, WrapErr};

/// What the report says of the pooler.
#[derive(Debug, Clone, Default)]
pub struct PoolerReport {
    pub max_server_connections: u32,
    pub per_person_pool: u32,
    pub server_idle_timeout: u32,
    /// PgBouncer's own resident memory at the end of the run (KiB).
    pub rss_kib: Option<u64>,
    /// Lines of PgBouncer's log that are warnings, errors or fatal (first few,
    /// each with how often it came).
    pub problems: Vec<(usize, String)>,
}

/// Idle server connections are closed after this long, so that a person
/// whose own pool is empty waits about this long at worst when every one
/// of the N connections belongs to someone else.
const IDLE_SECS: u32 = 1;

/// Starts PgBouncer in front of `target`'s server for `users` (it trusts
/// them: the soak runs against a test server that trusts loopback, and the
/// people have no passwords), and the target the clients should dial.
pub fn start(
    target: &ConnParams,
    users: Vec<String>,
    max_server_connections: u32,
    client_pool: usize,
) -> Result<(Bouncer, ConnParams, PoolerReport)> {
    let per_person = u32::try_from(client_pool).unwrap_or(u32::MAX).max(1);
    let clients = users.len() as u32;
    let mut cfg = BouncerConfig::new(
        &target.host,
        target.port,
        per_person,
        BouncerAuth::Trust { users },
    );
    cfg.max_db_connections = max_server_connections;
    // Each person's caseload may open its whole pool; sign-in opens more.
    cfg.max_clients = clients.saturating_mul(per_person + 1).saturating_add(100);
    cfg.server_idle_timeout = Some(IDLE_SECS);
    let bouncer = Bouncer::start(&cfg).wrap_err("starting PgBouncer for the soak")?;
    let mut via = target.clone();
    via.host = "127.0.0.1".into();
    via.port = bouncer.port();
    via.sslmode = SslMode::Disable;
    via.password = None;
    let report = PoolerReport {
        max_server_connections,
        per_person_pool: per_person,
        server_idle_timeout: IDLE_SECS,
        ..PoolerReport::default()
    };
    Ok((bouncer, via, report))
}

/// After the run: PgBouncer's memory and what its log complained of.
pub fn finish(bouncer: &Bouncer, mut report: PoolerReport) -> PoolerReport {
    report.rss_kib = bouncer
        .pid()
        .and_then(|pid| super::server::proc_status_kib(&pid.to_string(), "VmRSS"));
    report.problems = problems(&bouncer.log());
    report
}

/// Warning and error lines, counted by their text without the timestamp,
/// process id and connection address that make each line unique.
fn problems(log: &str) -> Vec<(usize, String)> {
    let mut seen: Vec<(usize, String)> = Vec::new();
    for line in log.lines() {
        let Some(at) = [" WARNING ", " ERROR ", " FATAL "]
            .iter()
            .find_map(|level| line.find(level))
        else {
            continue;
        };
        let text = strip_connection(line[at + 1..].trim());
        match seen.iter_mut().find(|(_, t)| *t == text) {
            Some((n, _)) => *n += 1,
            None => seen.push((1, text)),
        }
    }
    seen.sort_by_key(|p| std::cmp::Reverse(p.0));
    seen.truncate(5);
    seen
}

/// "C-0x55…: db/user@127.0.0.1:4242 " names one connection; drop it.
fn strip_connection(text: &str) -> String {
    text.split_whitespace()
        .filter(|w| !w.starts_with("C-0x") && !w.starts_with("S-0x") && !w.contains('@'))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_problems_are_counted_without_their_connection() {
        let log = "\
2026-12-05 03:30:00.001 UTC [812] LOG stats: 3 xacts/s\n\
2026-12-05 03:30:01.002 UTC [812] WARNING C-0x5601: db/ana@127.0.0.1:5100 pooler error: no more connections allowed (max_client_conn)\n\
2026-12-05 03:30:01.003 UTC [812] WARNING C-0x5602: db/ben@127.0.0.1:5101 pooler error: no more connections allowed (max_client_conn)\n\
2026-12-05 03:30:02.000 UTC [812] ERROR S-0x77: db/ana@127.0.0.1:5432 server conn crashed?\n\
2026-12-05 03:30:03.000 UTC [812] FATAL disconnect_client(): bad client state: 0\n";
        assert_eq!(
            problems(log),
            vec![
                (
                    2,
                    "WARNING pooler error: no more connections allowed (max_client_conn)".into()
                ),
                (1, "ERROR server conn crashed?".into()),
                (1, "FATAL disconnect_client(): bad client state: 0".into()),
            ]
        );
    }
}
