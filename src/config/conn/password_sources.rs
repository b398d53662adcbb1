//! Where a password comes from once the settings are resolved: the password
//! file (libpq's last resort), then the keyring, then the prompt, or the
//! caller.

use super::{ConnParams, Password};
use crate::config::pgpass;

/// The keyring service name; the account is [`ConnParams::keyring_account`].
pub const KEYRING_SERVICE: &str = "caseload";
/// `ConnParams::sources` origin of a password from the keyring.
pub const KEYRING_ORIGIN: &str = "keyring";
/// Origin of a password typed into the TUI's prompt.
pub const PROMPT_ORIGIN: &str = "prompt";

impl ConnParams {
    fn password_from_passfile(&self) -> bool {
        self.source_of("password") == Some(self.passfile_label.as_str())
    }

    pub(super) fn fill_password_from_passfile(&mut self) {
        if self.password.is_some() {
            return;
        }
        let Some(path) = self.passfile.clone() else {
            return;
        };
        let port = self.port.to_string();
        let found = pgpass::lookup(
            &path,
            pgpass::Target {
                host: pgpass::host_for_lookup(&self.host),
                port: &port,
                dbname: &self.dbname,
                user: &self.user,
            },
        );
        for w in found.warnings {
            self.warn(w);
        }
        if let Some(p) = found.password {
            self.password = Some(Password::new(p));
            let label = self.passfile_label.clone();
            self.set_source("password", &label);
        }
    }

    /// A password found in the password file belongs to one user and
    /// database, so switching either looks it up again.
    pub(super) fn refresh_passfile_password(&mut self) {
        if self.password_from_passfile() {
            self.password = None;
            self.sources.retain(|(f, _)| f != "password");
        }
        self.fill_password_from_passfile();
    }

    pub fn with_password(mut self, password: impl Into<String>) -> Self {
        self.password = Some(Password::new(password));
        self.set_source("password", "caller");
        self
    }

    /// Sets a password found after resolution (the keyring, the prompt),
    /// recording where it came from for `doctor` and error messages.
    pub fn with_password_from(mut self, password: Password, origin: &str) -> Self {
        self.password = Some(password);
        self.set_source("password", origin);
        self
    }

    /// The keyring account this connection's password is stored under:
    /// `<user>@<host>:<port>/<dbname>` in service [`KEYRING_SERVICE`].
    pub fn keyring_account(&self) -> String {
        format!("{}@{}:{}/{}", self.user, self.host, self.port, self.dbname)
    }

    /// The keyring comes after everything libpq consults, so it is asked
    /// only when no other source gave a password. `lookup` gets the account
    /// name; it is injected so that resolution order is testable without a
    /// Secret Service.
    pub fn fill_from_keyring(&mut self, lookup: impl FnOnce(&str) -> Option<Password>) {
        if self.password.is_some() {
            return;
        }
        if let Some(p) = lookup(&self.keyring_account()) {
            self.password = Some(p);
            self.set_source("password", KEYRING_ORIGIN);
        }
    }

    /// Drops any password, e.g. to rely on peer or trust authentication.
    pub fn without_password(mut self) -> Self {
        self.password = None;
        self.sources.retain(|(f, _)| f != "password");
        self
    }
}
