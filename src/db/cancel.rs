//! Cancel requests sent as libpq sends them: on a connection of our own to
//! the host and port the cancelled connection used, the key written (inside
//! TLS when the sslmode asks for it), then the socket kept open and read
//! until the other side closes it.
//!
//! tokio-postgres's `CancelToken::cancel_query` shuts its socket down right
//! after writing the key. A server does not mind, but PgBouncer 1.18 (in
//! Debian) forwards the cancel and then aborts with "disconnect_client():
//! bad client state: 0" when the client went first (pgbouncer/pgbouncer#801,
//! fixed upstream by #846), dropping every client it serves. Waiting for
//! EOF is also what tells us the request was handled: libpq waits so that
//! the next command is not the one the cancel reaches.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt as _, AsyncWrite, ReadBuf};
use tokio::net::{TcpStream, UnixStream};
use tokio::sync::oneshot;
use tokio_postgres::CancelToken;
use tokio_postgres::tls::MakeTlsConnect;

use crate::config::ConnParams;
use crate::db::tls::Tls;

/// The longest a cancel request may take, from connecting until the other
/// side has closed the socket.
pub const TIMEOUT: Duration = Duration::from_secs(5);

/// Where a pool's connections go, and so where their cancel requests go.
#[derive(Debug, Clone)]
pub struct Target {
    /// A host name, an address, or a Unix socket directory (leading '/').
    host: String,
    port: u16,
}

impl Target {
    pub fn of(params: &ConnParams) -> Target {
        Target {
            host: params.host.clone(),
            port: params.port,
        }
    }

    async fn connect(&self) -> io::Result<Socket> {
        if self.host.starts_with('/') {
            // The socket file name libpq and tokio-postgres use.
            let path = std::path::Path::new(&self.host).join(format!(".s.PGSQL.{}", self.port));
            return Ok(Socket::Unix(UnixStream::connect(path).await?));
        }
        let mut last = None;
        for addr in tokio::net::lookup_host((self.host.as_str(), self.port)).await? {
            match TcpStream::connect(addr).await {
                Ok(s) => {
                    // The key goes in one small write; no reason to delay it.
                    let _ = s.set_nodelay(true);
                    return Ok(Socket::Tcp(s));
                }
                Err(e) => last = Some(e),
            }
        }
        Err(last.unwrap_or_else(|| {
            io::Error::new(
                io::ErrorKind::NotFound,
                format!("{} resolves to no address", self.host),
            )
        }))
    }
}

/// Why a cancel request did not end as asked.
#[derive(Debug, thiserror::Error)]
pub enum Unsent {
    /// Not closed by the other side within [`TIMEOUT`]: it may still arrive.
    #[error("no end to the cancel request after {}s", TIMEOUT.as_secs())]
    TimedOut,
    /// Never delivered (no connection, a TLS failure, a write error).
    #[error("{0}")]
    Failed(String),
}

/// Asks the server (or pooler) `tls` was built for to cancel what `token`'s
/// connection runs, and waits until it closes the request's socket; within
/// [`TIMEOUT`]. The answer says only whether the request was delivered:
/// the server never says whether anything was cancelled.
pub async fn send(token: &CancelToken, tls: &Tls) -> Result<(), Unsent> {
    match tokio::time::timeout(TIMEOUT, deliver(token, tls)).await {
        Ok(r) => r.map_err(Unsent::Failed),
        Err(_) => Err(Unsent::TimedOut),
    }
}

async fn deliver(token: &CancelToken, tls: &Tls) -> Result<(), String> {
    let target = tls.target();
    let socket = target.connect().await.map_err(|e| e.to_string())?;
    let (back, returned) = oneshot::channel();
    let lent = Lent {
        socket: Some(socket),
        back: Some(back),
    };
    // The token decides whether TLS is negotiated (its sslmode); a Unix
    // socket's is `disable`, so the host name is only ever a TLS name.
    let Ok(connect) = MakeTlsConnect::<Lent>::make_tls_connect(&mut tls.connector(), &target.host);
    token
        .cancel_query_raw(lent, connect)
        .await
        .map_err(|e| e.to_string())?;
    // `cancel_query_raw` has dropped its stream (and the TLS session over
    // it) by now, and with it `Lent`, which hands the socket back.
    let mut socket = returned
        .await
        .map_err(|_| "the cancel request's socket was not handed back".to_string())?;
    let mut buf = [0u8; 256];
    loop {
        match socket.read(&mut buf).await {
            Ok(0) => return Ok(()),
            // A TLS close_notify, or nothing at all; only the end matters.
            Ok(_) => {}
            // Reset instead of closed: the request was read all the same.
            Err(e) => {
                tracing::debug!(error = %e, "cancel request socket ended with an error");
                return Ok(());
            }
        }
    }
}

enum Socket {
    Tcp(TcpStream),
    Unix(UnixStream),
}

/// The socket as tokio-postgres gets it: reads and writes go through, its
/// shutdown sends nothing (no FIN before the server closes), and dropping it
/// hands the socket back for the wait.
struct Lent {
    socket: Option<Socket>,
    back: Option<oneshot::Sender<Socket>>,
}

impl Drop for Lent {
    fn drop(&mut self) {
        if let (Some(socket), Some(back)) = (self.socket.take(), self.back.take()) {
            // Nobody waits when the request failed: the socket just closes.
            let _ = back.send(socket);
        }
    }
}

impl Lent {
    fn socket(&mut self) -> io::Result<&mut Socket> {
        self.socket
            .as_mut()
            .ok_or_else(|| io::Error::new(io::ErrorKind::NotConnected, "socket handed back"))
    }
}

impl AsyncRead for Lent {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match self.get_mut().socket() {
            Ok(s) => Pin::new(s).poll_read(cx, buf),
            Err(e) => Poll::Ready(Err(e)),
        }
    }
}

impl AsyncWrite for Lent {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut().socket() {
            Ok(s) => Pin::new(s).poll_write(cx, buf),
            Err(e) => Poll::Ready(Err(e)),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut().socket() {
            Ok(s) => Pin::new(s).poll_flush(cx),
            Err(e) => Poll::Ready(Err(e)),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

impl AsyncRead for Socket {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Socket::Tcp(s) => Pin::new(s).poll_read(cx, buf),
            Socket::Unix(s) => Pin::new(s).poll_read(cx, buf),
        }
    }
}

impl AsyncWrite for Socket {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        match self.get_mut() {
            Socket::Tcp(s) => Pin::new(s).poll_write(cx, buf),
            Socket::Unix(s) => Pin::new(s).poll_write(cx, buf),
        }
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Socket::Tcp(s) => Pin::new(s).poll_flush(cx),
            Socket::Unix(s) => Pin::new(s).poll_flush(cx),
        }
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        match self.get_mut() {
            Socket::Tcp(s) => Pin::new(s).poll_shutdown(cx),
            Socket::Unix(s) => Pin::new(s).poll_shutdown(cx),
        }
    }
}
