//! An S3-compatible store in-process on 127.0.0.1 (s3s-fs), for the demo
//! and the tests: the same signed links and the same SDK calls as against a
//! real store. Path-style only; files live under the given folder.

use hyper_util::rt::{TokioExecutor, TokioIo};
use hyper_util::server::conn::auto::Builder as ConnBuilder;
use rand::Rng;
use s3s::auth::SimpleAuth;
use s3s::service::S3ServiceBuilder;
use std::path::Path;
use tokio::net::TcpListener;
use tokio::sync::watch;

/// A running store. Dropping it stops accepting connections.
pub struct EmbeddedStore {
    /// `http://127.0.0.1:PORT`.
    pub endpoint: String,
    /// Credentials made up at start; the only ones the store accepts.
    pub access_key_id: String,
    pub secret_access_key: String,
    stop: watch::Sender<bool>,
}

#[derive(Debug, thiserror::Error)]
pub enum EmbeddedError {
    #[error("cannot use {path} for the embedded document store: {source}")]
    Folder {
        path: String,
        source: std::io::Error,
    },
    #[error("the embedded document store cannot listen on 127.0.0.1: {0}")]
    Listen(std::io::Error),
    #[error("the embedded document store cannot open {path}: {message}")]
    Store { path: String, message: String },
}

fn random_token(len: usize, alphabet: &[u8]) -> String {
    let mut rng = rand::rng();
    (0..len)
        .map(|_| alphabet[rng.random_range(0..alphabet.len())] as char)
        .collect()
}

impl EmbeddedStore {
    /// Starts the store on a free port, keeping objects under `root`
    /// (created if missing).
    pub async fn start(root: &Path) -> Result<EmbeddedStore, EmbeddedError> {
        crate::config::ensure_dir(root).map_err(|source| EmbeddedError::Folder {
            path: root.display().to_string(),
            source,
        })?;
        let fs = s3s_fs::FileSystem::new(root).map_err(|e| EmbeddedError::Store {
            path: root.display().to_string(),
            message: format!("{e:?}"),
        })?;
        let access_key_id = random_token(20, b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567");
        let secret_access_key = random_token(
            40,
            b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789",
        );
        let service = {
            let mut b = S3ServiceBuilder::new(fs);
            b.set_auth(SimpleAuth::from_single(
                access_key_id.clone(),
                secret_access_key.clone(),
            ));
            b.build()
        };
        let listener = TcpListener::bind(("127.0.0.1", 0))
            .await
            .map_err(EmbeddedError::Listen)?;
        let addr = listener.local_addr().map_err(EmbeddedError::Listen)?;
        let (stop, mut stopped) = watch::channel(false);
        tokio::spawn(async move {
            let http = ConnBuilder::new(TokioExecutor::new());
            let graceful = hyper_util::server::graceful::GracefulShutdown::new();
            loop {
                let socket = tokio::select! {
                    r = listener.accept() => match r {
                        Ok((socket, _)) => socket,
                        Err(e) => {
                            tracing::warn!("embedded store: accept failed: {e}");
                            continue;
                        }
                    },
                    _ = stopped.changed() => break,
                };
                let conn = http.serve_connection(TokioIo::new(socket), service.clone());
                let conn = graceful.watch(conn.into_owned());
                tokio::spawn(async move {
                    let _ = conn.await;
                });
            }
            // Transfers in flight get a moment to finish.
            tokio::select! {
                () = graceful.shutdown() => {}
                () = tokio::time::sleep(std::time::Duration::from_secs(5)) => {}
            }
        });
        Ok(EmbeddedStore {
            endpoint: format!("http://{addr}"),
            access_key_id,
            secret_access_key,
            stop,
        })
    }

    /// The config that reaches this store: its endpoint, path-style.
    pub fn config(&self, base: &crate::config::StorageConfig) -> crate::config::StorageConfig {
        crate::config::StorageConfig {
            endpoint: Some(self.endpoint.clone()),
            path_style: true,
            ..base.clone()
        }
    }
}

impl Drop for EmbeddedStore {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}
