//! The system keyring (Secret Service on Linux, Keychain on macOS, Credential
//! Manager on Windows) as the last stored source of a password, after
//! everything libpq itself consults.
//!
//! Entries live in service [`KEYRING_SERVICE`] ("caseload") under the
//! account `<user>@<host>:<port>/<dbname>` ([`ConnParams::keyring_account`]).
//!
//! Every call runs on a thread of its own under [`TIMEOUT`]: a Secret
//! Service can block on an unlock prompt nobody will see (over SSH), and a
//! tokio blocking task would keep the runtime from shutting down at exit.
//! Where no keyring exists, lookups fall through with a log line; they never
//! fail the connection.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::conn::{ConnParams, KEYRING_SERVICE, Password};

/// Long enough for a local Secret Service (milliseconds), short enough that
/// `doctor` and the first connection never feel stuck.
pub const TIMEOUT: Duration = Duration::from_secs(3);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyringError {
    /// No store on this session (no D-Bus session bus, no Secret Service).
    #[error("no keyring available: {0}")]
    Unavailable(String),
    #[error("keyring error: {0}")]
    Failed(String),
    #[error("the keyring did not answer within {}s", TIMEOUT.as_secs())]
    TimedOut,
}

/// A place passwords are kept. Blocking calls; use the async functions of
/// this module, which move them off the caller's thread.
pub trait SecretStore: Send + Sync + 'static {
    fn get(&self, account: &str) -> Result<Option<Password>, KeyringError>;
    fn set(&self, account: &str, password: &Password) -> Result<(), KeyringError>;
    /// `Ok(false)` when there was nothing to delete.
    fn delete(&self, account: &str) -> Result<bool, KeyringError>;
}

/// The platform keyring through the `keyring` crate.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemKeyring;

impl SystemKeyring {
    fn entry(account: &str) -> Result<::keyring::Entry, KeyringError> {
        session_bus_present()?;
        ::keyring::Entry::new(KEYRING_SERVICE, account).map_err(map_err)
    }
}

/// zbus would otherwise try to autolaunch a bus, or wait, where there is none
/// (an SSH login without a desktop session); saying so up front is faster and
/// gives a clearer log line.
fn session_bus_present() -> Result<(), KeyringError> {
    if cfg!(any(target_os = "macos", target_os = "windows")) {
        return Ok(());
    }
    let var = |k| std::env::var_os(k).filter(|v| !v.is_empty());
    if var("DBUS_SESSION_BUS_ADDRESS").is_some() {
        return Ok(());
    }
    let default_bus = var("XDG_RUNTIME_DIR").map(|d| std::path::Path::new(&d).join("bus"));
    match default_bus {
        Some(p) if p.exists() => Ok(()),
        _ => Err(KeyringError::Unavailable(
            "no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is unset), so no Secret Service".into(),
        )),
    }
}

fn map_err(e: ::keyring::Error) -> KeyringError {
    use ::keyring::Error as E;
    match e {
        E::NoDefaultStore | E::NoStorageAccess(_) => KeyringError::Unavailable(e.to_string()),
        other => KeyringError::Failed(other.to_string()),
    }
}

impl SecretStore for SystemKeyring {
    fn get(&self, account: &str) -> Result<Option<Password>, KeyringError> {
        match Self::entry(account)?.get_password() {
            Ok(p) => Ok(Some(Password::new(p))),
            Err(::keyring::Error::NoEntry) => Ok(None),
            Err(e) => Err(map_err(e)),
        }
    }

    fn set(&self, account: &str, password: &Password) -> Result<(), KeyringError> {
        Self::entry(account)?
            .set_password(password.expose())
            .map_err(map_err)
    }

    fn delete(&self, account: &str) -> Result<bool, KeyringError> {
        match Self::entry(account)?.delete_credential() {
            Ok(()) => Ok(true),
            Err(::keyring::Error::NoEntry) => Ok(false),
            Err(e) => Err(map_err(e)),
        }
    }
}

/// A keyring in memory, for tests and for callers that must not touch the
/// real one.
#[derive(Debug, Default)]
pub struct MemoryKeyring {
    entries: Mutex<HashMap<String, Password>>,
}

impl MemoryKeyring {
    fn map(&self) -> std::sync::MutexGuard<'_, HashMap<String, Password>> {
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl SecretStore for MemoryKeyring {
    fn get(&self, account: &str) -> Result<Option<Password>, KeyringError> {
        Ok(self.map().get(account).cloned())
    }
    fn set(&self, account: &str, password: &Password) -> Result<(), KeyringError> {
        self.map().insert(account.to_string(), password.clone());
        Ok(())
    }
    fn delete(&self, account: &str) -> Result<bool, KeyringError> {
        Ok(self.map().remove(account).is_some())
    }
}

/// Runs `f` on its own thread and waits at most [`TIMEOUT`]. A call that
/// never returns leaves a parked thread behind, which exit reclaims.
async fn off_thread<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, KeyringError> + Send + 'static,
) -> Result<T, KeyringError> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    std::thread::Builder::new()
        .name("keyring".into())
        .spawn(move || {
            let _ = tx.send(f());
        })
        .map_err(|e| KeyringError::Failed(format!("cannot start the keyring thread: {e}")))?;
    match tokio::time::timeout(TIMEOUT, rx).await {
        Ok(Ok(r)) => r,
        Ok(Err(_)) => Err(KeyringError::Failed("the keyring call panicked".into())),
        Err(_) => Err(KeyringError::TimedOut),
    }
}

pub async fn get(
    store: Arc<dyn SecretStore>,
    account: String,
) -> Result<Option<Password>, KeyringError> {
    off_thread(move || store.get(&account)).await
}

pub async fn set(
    store: Arc<dyn SecretStore>,
    account: String,
    password: Password,
) -> Result<(), KeyringError> {
    off_thread(move || store.set(&account, &password)).await
}

pub async fn delete(store: Arc<dyn SecretStore>, account: String) -> Result<bool, KeyringError> {
    off_thread(move || store.delete(&account)).await
}

/// The password for `params` from the keyring, if it has none yet; anything
/// the keyring says other than a password is logged and ignored, because
/// the prompt is still to come.
pub async fn fill(params: &mut ConnParams, store: Arc<dyn SecretStore>) -> Option<KeyringError> {
    if params.password.is_some() {
        return None;
    }
    let account = params.keyring_account();
    match get(store, account.clone()).await {
        Ok(found) => {
            if found.is_none() {
                tracing::debug!(%account, "no password in the keyring");
            }
            params.fill_from_keyring(|_| found);
            None
        }
        Err(e) => {
            match &e {
                KeyringError::Unavailable(_) => tracing::info!(error = %e, "skipping the keyring"),
                _ => tracing::warn!(error = %e, "skipping the keyring"),
            }
            Some(e)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn memory_round_trip_and_timeout() {
        let store: Arc<dyn SecretStore> = Arc::new(MemoryKeyring::default());
        set(store.clone(), "a".into(), Password::new("pw"))
            .await
            .unwrap();
        let got = get(store.clone(), "a".into()).await.unwrap();
        assert_eq!(got.as_ref().map(Password::expose), Some("pw"));
        assert!(delete(store.clone(), "a".into()).await.unwrap());
        assert!(!delete(store.clone(), "a".into()).await.unwrap());
        assert_eq!(get(store, "a".into()).await.unwrap(), None);

        struct Stuck;
        impl SecretStore for Stuck {
            fn get(&self, _: &str) -> Result<Option<Password>, KeyringError> {
                std::thread::sleep(Duration::from_secs(3600));
                Ok(None)
            }
            fn set(&self, _: &str, _: &Password) -> Result<(), KeyringError> {
                Ok(())
            }
            fn delete(&self, _: &str) -> Result<bool, KeyringError> {
                Ok(false)
            }
        }
        let started = std::time::Instant::now();
        let r = get(Arc::new(Stuck), "a".into()).await;
        assert_eq!(r, Err(KeyringError::TimedOut));
        assert!(started.elapsed() < TIMEOUT + Duration::from_secs(2));
    }
}
