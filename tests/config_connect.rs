//! Connects to the local PostgreSQL with parameters resolved from an injected
//! environment, over TCP and over the Unix socket, and checks that the pool
//! fails fast instead of hanging when the server is unreachable.
//!
//! A missing server is a failure, never a skip: a skipped test proves nothing.

use std::collections::HashMap;
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::time::{Duration, Instant};

use caseload::config::conn::resolve;
use caseload::config::{ConnParams, DatabaseConfig};
use caseload::db::pool::{build_pool, connect_one, describe_get_error};
use deadpool_postgres::{PoolError, TimeoutType};

const START_HINT: &str =
    "start it with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start";

fn require_server() {
    let addr: SocketAddr = ([127, 0, 0, 1], 5432).into();
    if let Err(e) = TcpStream::connect_timeout(&addr, Duration::from_secs(2)) {
        panic!("PostgreSQL is not reachable on 127.0.0.1:5432 ({e}); {START_HINT}");
    }
    if !Path::new("/var/run/postgresql/.s.PGSQL.5432").exists() {
        panic!("PostgreSQL socket /var/run/postgresql/.s.PGSQL.5432 is missing; {START_HINT}");
    }
}

/// Resolves with only `pairs` as the environment and an empty home, so the
/// developer's own PG* variables and ~/.pgpass cannot change the outcome.
fn params(pairs: &[(&str, &str)]) -> (ConnParams, tempfile::TempDir) {
    let home = tempfile::tempdir().unwrap();
    let map: HashMap<String, String> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let env = move |k: &str| map.get(k).cloned();
    let p = resolve(None, &env, Some(home.path())).unwrap();
    (p, home)
}

async fn select_one(client: &tokio_postgres::Client) -> i32 {
    client.query_one("select 1", &[]).await.unwrap().get(0)
}

#[tokio::test]
async fn connects_over_tcp_from_pg_env() {
    require_server();
    let (p, _home) = params(&[
        ("PGHOST", "127.0.0.1"),
        ("PGUSER", "postgres"),
        ("PGDATABASE", "postgres"),
    ]);
    assert_eq!(p.source_of("host"), Some("PGHOST"));
    let client = connect_one(&p)
        .await
        .unwrap_or_else(|e| panic!("{e}; {START_HINT}"));
    assert_eq!(select_one(&client).await, 1);
    let app: String = client
        .query_one("select current_setting('application_name')", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(app, "caseload");
}

#[tokio::test]
async fn connects_over_the_socket_dir() {
    require_server();
    let (p, _home) = params(&[
        ("PGHOST", "/var/run/postgresql"),
        ("PGUSER", "postgres"),
        ("PGDATABASE", "postgres"),
    ]);
    assert!(p.is_socket());
    let client = connect_one(&p)
        .await
        .unwrap_or_else(|e| panic!("{e}; {START_HINT}"));
    assert_eq!(select_one(&client).await, 1);
    let addr: Option<String> = client
        .query_one("select inet_client_addr()::text", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(addr, None, "a socket connection has no client address");
}

#[tokio::test]
async fn pool_serves_queries_with_statement_timeout() {
    require_server();
    let (p, _home) = params(&[
        ("PGHOST", "127.0.0.1"),
        ("PGUSER", "postgres"),
        ("PGDATABASE", "postgres"),
    ]);
    let cfg = DatabaseConfig {
        statement_timeout_ms: Some(1234),
        ..DatabaseConfig::default()
    };
    let pool = build_pool(&p, &cfg).unwrap();
    let client = pool
        .get()
        .await
        .unwrap_or_else(|e| panic!("{}", describe_get_error(&e, &pool, &p)));
    assert_eq!(select_one(&client).await, 1);
    let st: String = client
        .query_one("show statement_timeout", &[])
        .await
        .unwrap()
        .get(0);
    assert_eq!(st, "1234ms");
}

fn fast_cfg() -> DatabaseConfig {
    DatabaseConfig {
        pool_max_size: 1,
        connect_timeout_secs: 1,
        wait_timeout_secs: 1,
        recycle_timeout_secs: 1,
        ..DatabaseConfig::default()
    }
}

/// Generous bound: the point is "returns", not a precise duration.
const NO_HANG: Duration = Duration::from_secs(10);

#[tokio::test]
async fn pool_get_on_unreachable_port_fails_fast() {
    let (p, _home) = params(&[
        ("PGHOST", "127.0.0.1"),
        ("PGPORT", "1"),
        ("PGUSER", "postgres"),
    ]);
    let pool = build_pool(&p, &fast_cfg()).unwrap();
    let started = Instant::now();
    let err = tokio::time::timeout(NO_HANG, pool.get())
        .await
        .expect("pool.get() hung instead of failing")
        .expect_err("connecting to port 1 cannot succeed");
    assert!(started.elapsed() < Duration::from_secs(3));
    let msg = describe_get_error(&err, &pool, &p);
    eprintln!("{msg}");
    assert!(msg.contains("127.0.0.1:1"), "{msg}");
    assert!(
        msg.starts_with("could not connect") || msg.starts_with("timed out"),
        "{msg}"
    );
}

/// A server that accepts connections and never answers: only a timeout can
/// end the startup handshake.
async fn silent_server() -> (u16, tokio::task::JoinHandle<()>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let task = tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((sock, _)) = listener.accept().await {
            held.push(sock);
        }
    });
    (port, task)
}

#[tokio::test]
async fn pool_get_on_silent_server_hits_create_timeout() {
    let (port, server) = silent_server().await;
    let port = port.to_string();
    let (p, _home) = params(&[
        ("PGHOST", "127.0.0.1"),
        ("PGPORT", port.as_str()),
        ("PGUSER", "postgres"),
    ]);
    let pool = build_pool(&p, &fast_cfg()).unwrap();
    let started = Instant::now();
    let err = tokio::time::timeout(NO_HANG, pool.get())
        .await
        .expect("pool.get() hung instead of failing")
        .expect_err("a silent server cannot complete the handshake");
    let elapsed = started.elapsed();
    assert!(
        matches!(err, PoolError::Timeout(TimeoutType::Create)),
        "{err}"
    );
    assert!(
        elapsed >= Duration::from_millis(900) && elapsed < Duration::from_secs(4),
        "{elapsed:?}"
    );
    let msg = describe_get_error(&err, &pool, &p);
    eprintln!("{msg}");
    assert!(
        msg.starts_with("timed out after 1s connecting to postgresql://postgres@127.0.0.1:"),
        "{msg}"
    );
    server.abort();
}

#[tokio::test]
async fn connect_one_on_silent_server_hits_connect_timeout() {
    let (port, server) = silent_server().await;
    let port = port.to_string();
    let (p, _home) = params(&[
        ("PGHOST", "127.0.0.1"),
        ("PGPORT", port.as_str()),
        ("PGCONNECT_TIMEOUT", "2"),
    ]);
    let started = Instant::now();
    let err = tokio::time::timeout(NO_HANG, connect_one(&p))
        .await
        .expect("connect_one hung instead of failing")
        .expect_err("a silent server cannot complete the handshake");
    assert!(started.elapsed() < Duration::from_secs(4));
    let msg = err.to_string();
    assert!(msg.starts_with("timed out after 2s connecting to"), "{msg}");
    server.abort();
}

#[tokio::test]
async fn pool_wait_times_out_when_all_connections_are_busy() {
    require_server();
    let (p, _home) = params(&[
        ("PGHOST", "127.0.0.1"),
        ("PGUSER", "postgres"),
        ("PGDATABASE", "postgres"),
    ]);
    let pool = build_pool(&p, &fast_cfg()).unwrap();
    let held = pool
        .get()
        .await
        .unwrap_or_else(|e| panic!("{}", describe_get_error(&e, &pool, &p)));
    let started = Instant::now();
    let err = tokio::time::timeout(NO_HANG, pool.get())
        .await
        .expect("pool.get() hung instead of failing")
        .expect_err("the only connection is held");
    assert!(
        matches!(err, PoolError::Timeout(TimeoutType::Wait)),
        "{err}"
    );
    assert!(started.elapsed() < Duration::from_secs(3));
    assert!(describe_get_error(&err, &pool, &p).contains("no free database connection"));
    drop(held);
}

#[tokio::test]
async fn connect_errors_never_show_the_password() {
    require_server();
    let (p, _home) = params(&[
        ("PGHOST", "127.0.0.1"),
        ("PGPORT", "1"),
        ("PGUSER", "postgres"),
        ("PGPASSWORD", "hunter2"),
    ]);
    let err = connect_one(&p).await.expect_err("port 1 cannot accept");
    let msg = err.to_string();
    eprintln!("{msg}");
    assert!(!msg.contains("hunter2"), "{msg}");
    assert!(msg.contains("********"), "{msg}");
}

#[tokio::test]
async fn verify_modes_name_the_missing_root_certificate() {
    let (p, home) = params(&[("PGHOST", "127.0.0.1"), ("PGSSLMODE", "verify-full")]);
    let err = connect_one(&p)
        .await
        .expect_err("no root certificate to verify with");
    let msg = err.to_string();
    eprintln!("{msg}");
    let root = home.path().join(".postgresql").join("root.crt");
    assert!(
        msg.contains(&format!("\"{}\" does not exist", root.display()))
            && msg.contains("sslmode=verify-full"),
        "{msg}"
    );
}

#[tokio::test]
async fn unix_sockets_never_negotiate_tls() {
    require_server();
    let (p, _home) = params(&[
        ("PGHOST", "/var/run/postgresql"),
        ("PGUSER", "postgres"),
        ("PGDATABASE", "postgres"),
        ("PGSSLMODE", "verify-full"),
    ]);
    let client = connect_one(&p)
        .await
        .unwrap_or_else(|e| panic!("libpq ignores sslmode on sockets, so should we: {e}"));
    assert_eq!(select_one(&client).await, 1);
}
