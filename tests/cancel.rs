//! `db::cancel` against a stand-in server that records what the client
//! does: the cancel key arrives on the pool's host and port (TCP) or socket
//! file (Unix), and the client keeps its socket open until the server closes
//! it, as libpq does. PgBouncer 1.18 crashes when the client closes first
//! (pgbouncer#801); `roster_worker` runs the real PgBouncer.

mod common;

use caseload::config::conn::resolve;
use caseload::db::cancel;
use caseload::db::tls::Tls;
use std::time::{Duration, Instant};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite};
use tokio::net::{TcpListener, UnixListener};
use tokio_postgres::{CancelToken, NoTls};

/// The protocol's CancelRequest code (1234 << 16 | 5678).
const CANCEL_REQUEST: i32 = 80877102;

/// A real connection's token (the stand-in only needs its key), with
/// sslmode=disable so the request starts with the key.
async fn token() -> (CancelToken, i32) {
    let conninfo = format!("{} sslmode=disable", common::admin_conninfo());
    let (client, connection) = tokio_postgres::connect(&conninfo, NoTls)
        .await
        .expect("connect");
    tokio::spawn(connection);
    let pid: i32 = client
        .query_one("SELECT pg_backend_pid()", &[])
        .await
        .expect("pid")
        .get(0);
    let token = client.cancel_token();
    // The token outlives the client: cancel requests name a backend, not a
    // connection of ours.
    drop(client);
    (token, pid)
}

fn tls_for(conninfo: &str) -> Tls {
    Tls::for_params(&resolve(Some(conninfo), &|_| None, None).expect("conninfo")).expect("tls")
}

/// What the stand-in saw of one cancel request: the backend named, and
/// whether the client closed its side while the server held it open.
struct Seen {
    pid: i32,
    client_closed_first: bool,
}

/// Reads one cancel request, holds the socket open for `hold`, and closes.
async fn serve_one(mut s: impl AsyncRead + AsyncWrite + Unpin, hold: Duration) -> Seen {
    let mut packet = [0u8; 16];
    s.read_exact(&mut packet).await.expect("the cancel request");
    let field = |i: usize| i32::from_be_bytes(packet[i..i + 4].try_into().unwrap_or_default());
    assert_eq!(field(0), 16, "length");
    assert_eq!(field(4), CANCEL_REQUEST, "request code");
    // A FIN now reads as end of file (or a reset as an error).
    let mut byte = [0u8; 1];
    let client_closed_first = match tokio::time::timeout(hold, s.read(&mut byte)).await {
        Err(_) => false,
        Ok(Ok(0) | Err(_)) => true,
        Ok(Ok(_)) => panic!("more than the cancel request"),
    };
    Seen {
        pid: field(8),
        client_closed_first,
    }
}

/// Sends the request to `tls`'s target while `serve` answers it: the key
/// arrives, the client waits for the server to close, and returns then.
async fn check<F>(tls: Tls, serve: F)
where
    F: std::future::Future<Output = Seen>,
{
    let (token, pid) = token().await;
    let sent = tokio::spawn(async move {
        let r = cancel::send(&token, &tls).await;
        (r, Instant::now())
    });
    let seen = serve.await;
    // The test's runtime has one thread: `send` cannot see the end before
    // this line has run.
    let closed = Instant::now();
    assert_eq!(seen.pid, pid, "the request names the connection's backend");
    assert!(
        !seen.client_closed_first,
        "the client closed its cancel socket before the server did"
    );
    let (r, returned) = tokio::time::timeout(Duration::from_secs(3), sent)
        .await
        .expect("send returns once the server has closed")
        .expect("no panic");
    r.expect("delivered");
    assert!(
        returned >= closed,
        "send returned before the server closed the socket"
    );
}

#[tokio::test]
async fn over_tcp_the_socket_stays_open_until_the_server_closes_it() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let tls = tls_for(&format!(
        "host=127.0.0.1 port={port} user=postgres dbname=postgres sslmode=disable"
    ));
    check(tls, async move {
        let (s, _) = listener.accept().await.expect("accept");
        serve_one(s, Duration::from_millis(500)).await
    })
    .await;
}

#[tokio::test]
async fn over_a_unix_socket_the_request_reaches_the_socket_file_of_the_port() {
    let dir = tempfile::tempdir().expect("tempdir");
    let port = 6543;
    let listener =
        UnixListener::bind(dir.path().join(format!(".s.PGSQL.{port}"))).expect("bind socket");
    let tls = tls_for(&format!(
        "host={} port={port} user=postgres dbname=postgres",
        dir.path().display()
    ));
    check(tls, async move {
        let (s, _) = listener.accept().await.expect("accept");
        serve_one(s, Duration::from_millis(500)).await
    })
    .await;
}

/// A server (or pooler) that never closes the request's socket holds a
/// cancel for `cancel::TIMEOUT`, not forever.
#[tokio::test]
async fn a_server_that_never_closes_is_given_up_on() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let tls = tls_for(&format!(
        "host=127.0.0.1 port={port} user=postgres dbname=postgres sslmode=disable"
    ));
    let (token, _) = token().await;
    let held = tokio::spawn(async move {
        let (mut s, _) = listener.accept().await.expect("accept");
        let mut rest = Vec::new();
        // Until the client gives up and closes.
        let _ = s.read_to_end(&mut rest).await;
        rest.len()
    });
    let started = Instant::now();
    let r = cancel::send(&token, &tls).await;
    let took = started.elapsed();
    assert!(matches!(r, Err(cancel::Unsent::TimedOut)), "{r:?}");
    assert!(
        took >= cancel::TIMEOUT && took < cancel::TIMEOUT + Duration::from_secs(2),
        "{took:?}"
    );
    let read = tokio::time::timeout(Duration::from_secs(2), held)
        .await
        .expect("the client closed after giving up")
        .expect("no panic");
    assert_eq!(read, 16, "the cancel request, then nothing");
}
