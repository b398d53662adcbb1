//! PgBouncer in transaction mode in front of the test server, started by
//! the test on a free loopback port (`caseload::bench::pgbouncer`).

use caseload::bench::pgbouncer::{Bouncer, BouncerAuth, BouncerConfig};

fn admin_field(key: &str) -> Option<String> {
    super::admin_conninfo()
        .split_whitespace()
        .find_map(|kv| kv.strip_prefix(&format!("{key}=")).map(str::to_string))
}

/// The test server's host and port, as PgBouncer dials them.
pub fn upstream() -> (String, u16) {
    (
        admin_field("host").unwrap_or_else(|| "127.0.0.1".into()),
        admin_field("port")
            .and_then(|p| p.parse().ok())
            .unwrap_or(5432),
    )
}

/// A bouncer with `pool_size` server connections per role and database,
/// authenticating clients by `auth`.
pub fn start(pool_size: u32, auth: BouncerAuth) -> Bouncer {
    let (host, port) = upstream();
    Bouncer::start(&BouncerConfig::new(&host, port, pool_size, auth)).expect("start pgbouncer")
}

/// A bouncer that lets `users` in without a password (the server trusts
/// loopback as well).
pub fn trusting(users: &[&str], pool_size: u32) -> Bouncer {
    start(
        pool_size,
        BouncerAuth::Trust {
            users: users.iter().map(|u| u.to_string()).collect(),
        },
    )
}

/// `conninfo` (key=value) pointed at the bouncer instead of the server.
pub fn via(bouncer: &Bouncer, conninfo: &str) -> String {
    conninfo
        .split_whitespace()
        .filter(|kv| !kv.starts_with("host=") && !kv.starts_with("port="))
        .chain(
            [
                "host=127.0.0.1".to_string(),
                format!("port={}", bouncer.port()),
            ]
            .iter()
            .map(String::as_str),
        )
        .collect::<Vec<_>>()
        .join(" ")
}

/// caseload's own pool for `conninfo` (as the terminal builds it: unnamed
/// statements, the enums learnt when a connection opens).
pub fn pool(conninfo: &str) -> deadpool_postgres::Pool {
    let params =
        caseload::config::conn::resolve(Some(conninfo), &|_| None, None).expect("conninfo");
    caseload::db::pool::build_pool(&params, &caseload::config::DatabaseConfig::default())
        .expect("pool")
}
