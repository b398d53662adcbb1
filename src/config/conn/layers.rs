//! The raw layer: every keyword's text value with the source it came from,
//! and which keywords we accept at all.

use std::collections::BTreeMap;

use super::ConnError;

/// Keywords we act on. Anything else libpq knows is accepted and ignored with
/// a warning; anything libpq does not know is an error, so that a typo such as
/// `sslmod=require` cannot silently weaken a connection.
const SUPPORTED: &[&str] = &[
    "host",
    "port",
    "user",
    "dbname",
    "password",
    "passfile",
    "sslmode",
    "sslrootcert",
    "application_name",
    "fallback_application_name",
    "connect_timeout",
    "service",
];

const LIBPQ_UNSUPPORTED: &[&str] = &[
    "hostaddr",
    "require_auth",
    "channel_binding",
    "client_encoding",
    "options",
    "keepalives",
    "keepalives_idle",
    "keepalives_interval",
    "keepalives_count",
    "tcp_user_timeout",
    "replication",
    "gssencmode",
    "sslnegotiation",
    "requiressl",
    "sslcompression",
    "sslcert",
    "sslkey",
    "sslpassword",
    "sslcertmode",
    "sslcrl",
    "sslcrldir",
    "sslsni",
    "requirepeer",
    "ssl_min_protocol_version",
    "ssl_max_protocol_version",
    "krbsrvname",
    "gsslib",
    "gssdelegation",
    "target_session_attrs",
    "load_balance_hosts",
];

/// Raw values by keyword, each with its origin.
#[derive(Default)]
pub(super) struct Layers {
    pub(super) values: BTreeMap<String, (String, String)>,
    pub(super) warnings: Vec<String>,
}

impl Layers {
    pub(super) fn get(&self, key: &str) -> Option<&str> {
        self.values.get(key).map(|(v, _)| v.as_str())
    }

    pub(super) fn origin(&self, key: &str) -> String {
        self.values
            .get(key)
            .map(|(_, o)| o.clone())
            .unwrap_or_else(|| "default".into())
    }

    /// `overwrite` is true within one source (later duplicates win, as in
    /// libpq) and false across sources (a higher source already won).
    pub(super) fn add(
        &mut self,
        pairs: Vec<(String, String)>,
        origin: &str,
        overwrite: bool,
    ) -> Result<(), ConnError> {
        for (key, value) in pairs {
            if LIBPQ_UNSUPPORTED.contains(&key.as_str()) {
                self.warnings.push(format!(
                    "connection option \"{key}\" from {origin} is not supported by caseload and was ignored"
                ));
                continue;
            }
            if !SUPPORTED.contains(&key.as_str()) {
                return Err(ConnError::UnknownOption {
                    key,
                    origin: origin.to_string(),
                });
            }
            if overwrite || !self.values.contains_key(&key) {
                self.values.insert(key, (value, origin.to_string()));
            }
        }
        Ok(())
    }
}
