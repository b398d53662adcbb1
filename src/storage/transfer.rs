//! Moving bytes through the links the database signs: a plain HTTPS PUT or
//! GET, no credentials of our own. The store's refusals become messages
//! that name the setting to fix.

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TransferError {
    #[error("the link the database signed is not a URL ({0})")]
    BadUrl(String),
    #[error("cannot reach the document store (setting storage.endpoint): {0}")]
    Network(String),
    #[error("{}", refusal_message(*status, code.as_deref(), message.as_deref()))]
    Refused {
        status: u16,
        /// S3's error code, e.g. `AccessDenied`, `NoSuchKey`.
        code: Option<String>,
        message: Option<String>,
    },
}

fn refusal_message(status: u16, code: Option<&str>, message: Option<&str>) -> String {
    let said = message.map(|m| format!(": {m}")).unwrap_or_default();
    match code {
        Some("AccessDenied") if message.is_some_and(|m| m.contains("expired")) => {
            "the link expired before it was used (setting storage.url_expires_secs; \
             check the clocks with `caseload storage check`)"
                .into()
        }
        Some("RequestTimeTooSkewed") => "the database's clock and the store's differ too much: \
             fix the clocks (see `caseload storage check`)"
            .into(),
        // NotSignedUp: s3s's answer to an unknown key id.
        Some("SignatureDoesNotMatch" | "InvalidAccessKeyId" | "NotSignedUp") => format!(
            "the store refused the database's signature ({}): run `caseload storage init` \
             again, and check storage.region and storage.endpoint",
            code.unwrap_or_default()
        ),
        Some("NoSuchBucket") => {
            "the bucket does not exist (setting storage.bucket; `caseload storage init` \
             creates it)"
                .into()
        }
        Some("NoSuchKey") => "the file is missing from the document store".into(),
        Some(c) => format!("the document store refused the request ({status} {c}{said})"),
        None => format!("the document store answered HTTP {status}{said}"),
    }
}

/// The text of `<Tag>…</Tag>` in an S3 error body (no XML parser needed
/// for two flat fields).
fn xml_field(body: &str, tag: &str) -> Option<String> {
    let open = format!("<{tag}>");
    let start = body.find(&open)? + open.len();
    let end = body[start..].find(&format!("</{tag}>"))? + start;
    Some(body[start..end].to_string())
}

/// A successful answer: its body and the store's clock.
#[derive(Debug)]
pub struct Answer {
    pub body: Bytes,
    /// The `Date` header (second resolution), for clock-skew checks.
    pub date: Option<chrono::DateTime<chrono::Utc>>,
}

/// An HTTP(S) client for signed links.
#[derive(Clone)]
pub struct Transfer {
    client: Client<HttpsConnector<HttpConnector>, Full<Bytes>>,
}

impl Transfer {
    pub fn new() -> Result<Transfer, TransferError> {
        let https = hyper_rustls::HttpsConnectorBuilder::new()
            .with_provider_and_native_roots(rustls::crypto::ring::default_provider())
            .map_err(|e| TransferError::Network(format!("no trusted certificates: {e}")))?
            .https_or_http()
            .enable_http1()
            .build();
        Ok(Transfer {
            client: Client::builder(TokioExecutor::new()).build(https),
        })
    }

    /// Uploads `body` to a signed PUT link.
    pub async fn put(&self, url: &str, body: Bytes) -> Result<Answer, TransferError> {
        self.send("PUT", url, body).await
    }

    /// Downloads what a signed GET link points at.
    pub async fn get(&self, url: &str) -> Result<Answer, TransferError> {
        self.send("GET", url, Bytes::new()).await
    }

    async fn send(&self, method: &str, url: &str, body: Bytes) -> Result<Answer, TransferError> {
        let uri: hyper::Uri = url
            .parse()
            .map_err(|e: hyper::http::uri::InvalidUri| TransferError::BadUrl(e.to_string()))?;
        let request = hyper::Request::builder()
            .method(method)
            .uri(uri)
            .body(Full::new(body))
            .map_err(|e| TransferError::BadUrl(e.to_string()))?;
        let response = self
            .client
            .request(request)
            .await
            .map_err(|e| TransferError::Network(error_chain(&e)))?;
        let status = response.status();
        let date = response
            .headers()
            .get(hyper::header::DATE)
            .and_then(|d| d.to_str().ok())
            .and_then(|d| chrono::DateTime::parse_from_rfc2822(d).ok())
            .map(|d| d.with_timezone(&chrono::Utc));
        let bytes = response
            .into_body()
            .collect()
            .await
            .map_err(|e| TransferError::Network(e.to_string()))?
            .to_bytes();
        if status.is_success() {
            return Ok(Answer { body: bytes, date });
        }
        let text = String::from_utf8_lossy(&bytes);
        Err(TransferError::Refused {
            status: status.as_u16(),
            code: xml_field(&text, "Code"),
            message: xml_field(&text, "Message"),
        })
    }
}

/// hyper's errors say "client error (Connect)"; the cause is underneath.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut out = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        out.push_str(": ");
        out.push_str(&s.to_string());
        source = s.source();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn store_refusals_name_what_to_fix() {
        let body = "<?xml version=\"1.0\"?><Error><Code>AccessDenied</Code>\
                    <Message>Request has expired</Message></Error>";
        let e = TransferError::Refused {
            status: 403,
            code: xml_field(body, "Code"),
            message: xml_field(body, "Message"),
        };
        assert!(e.to_string().contains("storage.url_expires_secs"), "{e}");
        let e = TransferError::Refused {
            status: 403,
            code: Some("SignatureDoesNotMatch".into()),
            message: None,
        };
        assert!(e.to_string().contains("caseload storage init"), "{e}");
        let e = TransferError::Refused {
            status: 404,
            code: Some("NoSuchBucket".into()),
            message: None,
        };
        assert!(e.to_string().contains("storage.bucket"), "{e}");
        let e = TransferError::Refused {
            status: 502,
            code: None,
            message: None,
        };
        assert_eq!(e.to_string(), "the document store answered HTTP 502");
    }
}
