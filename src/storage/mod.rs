//! Documents on S3, where the database decides who may read each file
//! (issue 15). Nobody's login holds storage credentials: PostgreSQL checks
//! a document through row-level security and signs a short-lived link for
//! that one object (migration 0021). This module holds what runs where
//! credentials belong: the embedded store for the demo and the tests, the
//! SDK client for `caseload storage init`/`check`, the signing settings the
//! database keeps, and moving bytes through the signed links.

pub mod check;
pub mod client;
pub mod clipboard;
pub mod command;
pub mod complete;
pub mod demo_files;
pub mod direct;
pub mod embedded;
pub mod limits;
pub mod saveas;
pub mod settings;
pub mod sweep;
pub mod transfer;
pub mod upload;

use crate::config::{StorageConfig, StorageMode};

/// One line for `caseload doctor`: where documents live and who decides
/// who reads them.
pub fn describe(c: &StorageConfig) -> String {
    let store = match (&c.endpoint, c.embedded) {
        (_, true) => "the embedded store in the data directory".to_string(),
        (Some(e), false) => format!("bucket {} at {e}", c.bucket),
        (None, false) => format!("bucket {} on AWS ({})", c.bucket, c.region),
    };
    match c.mode {
        StorageMode::Signed => format!(
            "{store}; mode signed: the database checks each request and signs a link for one \
             object"
        ),
        StorageMode::Direct => format!(
            "{store}; mode direct: this client uses its own AWS credentials, and the database \
             no longer decides who reads a file"
        ),
    }
}

/// Refuses settings the store or the database would refuse later, naming
/// the key to fix.
pub fn validate(c: &StorageConfig) -> Result<(), String> {
    if !(1..=3600).contains(&c.url_expires_secs) {
        return Err("storage.url_expires_secs must be between 1 and 3600".into());
    }
    if let Some(e) = &c.endpoint
        && settings::endpoint_parts(e).is_none()
    {
        return Err(format!(
            "storage.endpoint must look like https://host[:port] with no path (got \"{e}\")"
        ));
    }
    if c.region.is_empty()
        || !c
            .region
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    {
        return Err(format!(
            "storage.region must be lower-case letters, digits and '-' (got \"{}\")",
            c.region
        ));
    }
    if !settings::valid_bucket(&c.bucket) {
        return Err(format!(
            "storage.bucket must be 3 to 63 lower-case letters, digits, '.' or '-' (got \"{}\")",
            c.bucket
        ));
    }
    if c.mode == StorageMode::Direct && c.embedded {
        return Err(
            "storage.mode = \"direct\" needs a store of your own: the embedded \
                    store's key is made up on every start (set storage.embedded = false)"
                .into(),
        );
    }
    if c.prefix.starts_with('/') || c.prefix.len() > 200 {
        return Err("storage.prefix must not start with '/' and is at most 200 bytes".into());
    }
    if !(1..=5120).contains(&c.max_upload_mb) {
        return Err("storage.max_upload_mb must be between 1 and 5120".into());
    }
    if let Some(t) = c
        .allowed_types
        .iter()
        .find(|t| !limits::KNOWN_TYPES.contains(&t.as_str()))
    {
        return Err(format!(
            "storage.allowed_types: caseload cannot recognise \"{t}\" by its content; known are {}",
            limits::KNOWN_TYPES.join(", ")
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_are_valid_and_bad_values_name_their_key() {
        assert_eq!(validate(&StorageConfig::default()), Ok(()));
        let bad = |f: fn(&mut StorageConfig)| {
            let mut c = StorageConfig::default();
            f(&mut c);
            validate(&c).unwrap_err()
        };
        assert!(bad(|c| c.url_expires_secs = 0).starts_with("storage.url_expires_secs"));
        assert!(
            bad(|c| c.endpoint = Some("s3.example.org".into())).starts_with("storage.endpoint")
        );
        assert!(
            bad(|c| c.endpoint = Some("https://s3.example.org/path".into()))
                .starts_with("storage.endpoint")
        );
        assert!(bad(|c| c.region = "EU West".into()).starts_with("storage.region"));
        assert!(bad(|c| c.bucket = "My_Bucket".into()).starts_with("storage.bucket"));
        assert!(bad(|c| c.prefix = "/docs".into()).starts_with("storage.prefix"));
        assert!(
            bad(|c| {
                c.mode = StorageMode::Direct;
                c.embedded = true;
            })
            .starts_with("storage.mode")
        );
        assert!(bad(|c| c.max_upload_mb = 0).starts_with("storage.max_upload_mb"));
        assert!(
            bad(|c| c.allowed_types = vec!["application/x-msdownload".into()])
                .starts_with("storage.allowed_types")
        );
    }
}
