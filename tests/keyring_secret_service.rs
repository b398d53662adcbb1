//! A round trip through a real Secret Service: a private D-Bus session bus
//! and an unlocked gnome-keyring-daemon, both started here and stopped when
//! the test ends. Not skipped when they are missing: it fails and says what
//! to install.

use caseload::config::Password;
use caseload::config::keyring::{self, SecretStore, SystemKeyring};
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

const INSTALL_HINT: &str = "this test needs dbus-daemon and gnome-keyring-daemon; on Debian: \
apt-get install --no-install-recommends gnome-keyring dbus (bash .ci/run installs them)";

/// Children killed on drop, however the test ends.
struct Daemons(Vec<Child>);

impl Drop for Daemons {
    fn drop(&mut self) {
        for c in self.0.iter_mut().rev() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

fn require(program: &str) {
    let found = Command::new("sh")
        .args(["-c", &format!("command -v {program}")])
        .stdout(Stdio::null())
        .status()
        .map(|s| s.success())
        .unwrap_or(false);
    assert!(found, "{program} not found: {INSTALL_HINT}");
}

fn name_has_owner(bus: &str, name: &str) -> bool {
    Command::new("dbus-send")
        .env("DBUS_SESSION_BUS_ADDRESS", bus)
        .args([
            "--session",
            "--print-reply",
            "--dest=org.freedesktop.DBus",
            "/org/freedesktop/DBus",
            "org.freedesktop.DBus.NameHasOwner",
            &format!("string:{name}"),
        ])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).contains("boolean true"))
        .unwrap_or(false)
}

#[tokio::test]
async fn round_trip_through_gnome_keyring() {
    for p in ["dbus-daemon", "dbus-send", "gnome-keyring-daemon"] {
        require(p);
    }
    let home = tempfile::tempdir().unwrap();
    let runtime = home.path().join("run");
    std::fs::create_dir_all(&runtime).unwrap();
    let mut daemons = Daemons(Vec::new());

    let mut bus = Command::new("dbus-daemon")
        .args(["--session", "--nofork", "--print-address=1"])
        .stdout(Stdio::piped())
        .spawn()
        .expect(INSTALL_HINT);
    let stdout = bus.stdout.take().unwrap();
    daemons.0.push(bus);
    let mut address = String::new();
    BufReader::new(stdout).read_line(&mut address).unwrap();
    let address = address.trim().to_string();
    assert!(address.starts_with("unix:"), "bus address: {address:?}");

    let mut gkd = Command::new("gnome-keyring-daemon")
        .args(["--foreground", "--unlock", "--components=secrets"])
        .env("DBUS_SESSION_BUS_ADDRESS", &address)
        .env("HOME", home.path())
        .env("XDG_RUNTIME_DIR", &runtime)
        .env("XDG_DATA_HOME", home.path().join("data"))
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect(INSTALL_HINT);
    // The unlock password of the fresh login keyring, then end of input.
    let mut stdin = gkd.stdin.take().unwrap();
    stdin.write_all(b"test-unlock").unwrap();
    drop(stdin);
    daemons.0.push(gkd);

    // Until the daemon owns the name, a call would make the bus start
    // another, locked one.
    let deadline = Instant::now() + Duration::from_secs(15);
    while !name_has_owner(&address, "org.freedesktop.secrets") {
        assert!(
            Instant::now() < deadline,
            "gnome-keyring-daemon did not register on the bus"
        );
        std::thread::sleep(Duration::from_millis(100));
    }

    // SAFETY: the only test in this binary, and no other thread reads the
    // environment yet; the keyring crate reads it once, at its first call.
    unsafe { std::env::set_var("DBUS_SESSION_BUS_ADDRESS", &address) };

    let store: Arc<dyn SecretStore> = Arc::new(SystemKeyring);
    let account = format!("kr_test_{}@127.0.0.1:5432/caseload", std::process::id());
    assert_eq!(
        keyring::get(store.clone(), account.clone()).await,
        Ok(None),
        "fresh keyring"
    );
    keyring::set(store.clone(), account.clone(), Password::new("s3cret ü"))
        .await
        .expect("store");
    let got = keyring::get(store.clone(), account.clone())
        .await
        .expect("load");
    assert_eq!(got.as_ref().map(Password::expose), Some("s3cret ü"));

    // Stored under service "caseload" and the account name, as documented.
    let lookup = Command::new("secret-tool")
        .env("DBUS_SESSION_BUS_ADDRESS", &address)
        .args(["lookup", "service", "caseload", "username", &account])
        .output();
    if let Ok(out) = lookup {
        assert_eq!(String::from_utf8_lossy(&out.stdout), "s3cret ü");
    }

    assert_eq!(
        keyring::delete(store.clone(), account.clone()).await,
        Ok(true)
    );
    assert_eq!(
        keyring::delete(store.clone(), account.clone()).await,
        Ok(false)
    );
    assert_eq!(keyring::get(store, account).await, Ok(None));
}
