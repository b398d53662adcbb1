//! The signing settings kept in the database (`storage_settings`, 0021):
//! where the store is and the key the database signs links with. Only
//! `caseload storage init`, on an owner's connection, writes them; no
//! application role can read them back.

use crate::config::StorageConfig;
use crate::db::unnamed::Unnamed;
use std::fmt;

/// Everything the database needs to sign a link.
#[derive(Clone, PartialEq, Eq)]
pub struct SigningSettings {
    /// `None`: AWS itself.
    pub endpoint: Option<String>,
    pub region: String,
    pub bucket: String,
    pub key_prefix: String,
    pub path_style: bool,
    /// `None` in direct mode: the database then holds no key and signs
    /// nothing (0023).
    pub access_key_id: Option<String>,
    pub secret_access_key: Option<String>,
    pub url_expires_secs: u32,
}

// The secret never reaches a log line or an error report.
impl fmt::Debug for SigningSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningSettings")
            .field("endpoint", &self.endpoint)
            .field("region", &self.region)
            .field("bucket", &self.bucket)
            .field("key_prefix", &self.key_prefix)
            .field("path_style", &self.path_style)
            .field("access_key_id", &self.access_key_id)
            .field(
                "secret_access_key",
                &self.secret_access_key.as_ref().map(|_| "<redacted>"),
            )
            .field("url_expires_secs", &self.url_expires_secs)
            .finish()
    }
}

impl SigningSettings {
    /// The config's store, signed with this key.
    pub fn from_config(c: &StorageConfig, access_key_id: &str, secret: &str) -> SigningSettings {
        SigningSettings {
            endpoint: c.endpoint.clone(),
            region: c.region.clone(),
            bucket: c.bucket.clone(),
            key_prefix: c.prefix.clone(),
            path_style: c.path_style,
            access_key_id: Some(access_key_id.into()),
            secret_access_key: Some(secret.into()),
            url_expires_secs: c.url_expires_secs,
        }
    }

    /// The config's store with no key: direct mode, where each client
    /// uses its own credentials and the database signs nothing.
    pub fn direct(c: &StorageConfig) -> SigningSettings {
        SigningSettings {
            access_key_id: None,
            secret_access_key: None,
            ..SigningSettings::from_config(c, "", "")
        }
    }

    /// Replaces the one row. Parameterised: the secret is never part of a
    /// statement's text (pg_stat_activity, the server log).
    pub async fn store(&self, owner: &tokio_postgres::Client) -> Result<(), tokio_postgres::Error> {
        let expires = i32::try_from(self.url_expires_secs).unwrap_or(i32::MAX);
        owner
            .exec(
                "INSERT INTO storage_settings (singleton, endpoint, region, bucket, key_prefix, \
                   path_style, access_key_id, secret_access_key, url_expires_secs) \
                 VALUES (true, $1, $2, $3, $4, $5, $6, $7, $8) \
                 ON CONFLICT (singleton) DO UPDATE SET endpoint = EXCLUDED.endpoint, \
                   region = EXCLUDED.region, bucket = EXCLUDED.bucket, \
                   key_prefix = EXCLUDED.key_prefix, path_style = EXCLUDED.path_style, \
                   access_key_id = EXCLUDED.access_key_id, \
                   secret_access_key = EXCLUDED.secret_access_key, \
                   url_expires_secs = EXCLUDED.url_expires_secs, updated_at = now()",
                &[
                    &self.endpoint,
                    &self.region,
                    &self.bucket,
                    &self.key_prefix,
                    &self.path_style,
                    &self.access_key_id,
                    &self.secret_access_key,
                    &expires,
                ],
            )
            .await
            .map(|_| ())
    }
}

/// `(scheme, authority)` of an endpoint URL with no path, query or user.
pub fn endpoint_parts(endpoint: &str) -> Option<(&str, &str)> {
    let (scheme, rest) = endpoint.split_once("://")?;
    if !matches!(scheme, "http" | "https") || rest.is_empty() {
        return None;
    }
    let (host, port) = match rest.rsplit_once(':') {
        Some((h, p)) => (h, Some(p)),
        None => (rest, None),
    };
    let host_ok = !host.is_empty()
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-');
    let port_ok = port.is_none_or(|p| !p.is_empty() && p.len() <= 5 && p.parse::<u16>().is_ok());
    (host_ok && port_ok).then_some((scheme, rest))
}

/// S3's bucket naming rules, the subset the database's CHECK enforces.
pub fn valid_bucket(b: &str) -> bool {
    let bytes = b.as_bytes();
    (3..=63).contains(&bytes.len())
        && bytes
            .iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'.' || *c == b'-')
        && bytes[0].is_ascii_alphanumeric()
        && bytes[bytes.len() - 1].is_ascii_alphanumeric()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoints_are_scheme_and_authority_only() {
        assert_eq!(
            endpoint_parts("http://127.0.0.1:9000"),
            Some(("http", "127.0.0.1:9000"))
        );
        assert_eq!(
            endpoint_parts("https://minio.example.org"),
            Some(("https", "minio.example.org"))
        );
        for bad in [
            "ftp://x",
            "https://",
            "https://x/y",
            "https://u@x",
            "https://x:99999",
            "x:9000",
        ] {
            assert_eq!(endpoint_parts(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_secret_is_not_in_debug_output() {
        let s = SigningSettings::from_config(&StorageConfig::default(), "AKID", "s3cr3t-value");
        let shown = format!("{s:?}");
        assert!(!shown.contains("s3cr3t-value"), "{shown}");
        assert!(shown.contains("AKID"));
    }
}
