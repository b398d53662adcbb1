//! Runs the TUI against a database given as a libpq-style conninfo string,
//! until the real entry point (main.rs) is wired up; also the program the
//! pseudo-terminal tests drive.
//!
//!     CASELOAD_TUI_CONNINFO="host=127.0.0.1 user=me dbname=caseload_demo" \
//!         cargo run --example tui

use caseload::tui::{TuiOptions, run};
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod, Runtime};
use std::collections::HashMap;
use std::time::Duration;
use tokio_postgres::NoTls;

#[tokio::main]
async fn main() -> color_eyre::Result<()> {
    color_eyre::install()?;
    let conninfo = std::env::var("CASELOAD_TUI_CONNINFO")
        .unwrap_or_else(|_| "host=127.0.0.1 user=postgres dbname=postgres".to_string());
    let cfg: tokio_postgres::Config = conninfo.parse()?;
    let host = match cfg.get_hosts().first() {
        Some(tokio_postgres::config::Host::Tcp(h)) => h.clone(),
        Some(tokio_postgres::config::Host::Unix(p)) => p.display().to_string(),
        None => "localhost".to_string(),
    };
    let port = cfg.get_ports().first().copied().unwrap_or(5432);
    let label = format!(
        "{}@{host}:{port}/{}",
        cfg.get_user().unwrap_or("?"),
        cfg.get_dbname().unwrap_or("?")
    );
    let mgr = Manager::from_config(
        cfg,
        NoTls,
        ManagerConfig {
            recycling_method: RecyclingMethod::Fast,
        },
    );
    let pool = Pool::builder(mgr)
        .max_size(4)
        .runtime(Runtime::Tokio1)
        .wait_timeout(Some(Duration::from_secs(10)))
        .create_timeout(Some(Duration::from_secs(10)))
        .build()?;
    let keys: HashMap<String, Vec<String>> = match std::env::var("CASELOAD_TUI_KEYS") {
        // "action=key,key;action=key", for trying overrides by hand.
        Ok(spec) => spec
            .split(';')
            .filter_map(|kv| kv.split_once('='))
            .map(|(a, ks)| (a.to_string(), ks.split(',').map(str::to_string).collect()))
            .collect(),
        Err(_) => HashMap::new(),
    };
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    run(
        pool,
        TuiOptions {
            no_color,
            keys,
            connection_label: label,
        },
    )
    .await
}
