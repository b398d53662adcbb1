//! Moving bytes through the links the database signs: a plain HTTPS PUT or
//! GET, no credentials of our own. The store's refusals become messages
//! that name the setting to fix.

use bytes::Bytes;
use futures::StreamExt;
use http_body_util::combinators::BoxBody;
use http_body_util::{BodyExt, Full, StreamBody};
use hyper::body::Frame;
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::Client;
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::rt::TokioExecutor;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

type BodyError = Box<dyn std::error::Error + Send + Sync>;
type Body = BoxBody<Bytes, BodyError>;

/// How much an upload sends per frame: progress moves in these steps and a
/// cancel is seen within one of them.
const CHUNK: usize = 256 * 1024;

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
    #[error("cancelled")]
    Cancelled,
    /// Writing the downloaded bytes failed here, not in the store.
    #[error("{0}")]
    Local(String),
}

/// Told of each step of a transfer and asked whether to go on: the
/// worker's side of a progress bar and its Esc.
#[derive(Clone)]
pub struct Track {
    /// Bytes moved so far, and the whole when known.
    pub report: Arc<dyn Fn(u64, Option<u64>) + Send + Sync>,
    pub cancel: Arc<AtomicBool>,
}

impl Track {
    /// Nothing reported, never cancelled.
    pub fn silent() -> Track {
        Track {
            report: Arc::new(|_, _| {}),
            cancel: Arc::new(AtomicBool::new(false)),
        }
    }

    fn cancelled(&self) -> bool {
        self.cancel.load(Ordering::Relaxed)
    }
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
    client: Client<HttpsConnector<HttpConnector>, Body>,
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
        let len = body.len();
        let body = Full::new(body).map_err(|never| match never {}).boxed();
        self.send("PUT", url, body, len).await
    }

    /// Uploads `body` in steps, reporting each and stopping (the request
    /// fails, so the store keeps nothing) once `track` is cancelled.
    pub async fn put_tracked(
        &self,
        url: &str,
        body: Bytes,
        track: &Track,
    ) -> Result<Answer, TransferError> {
        let total = body.len() as u64;
        let t = track.clone();
        let chunks: Vec<Bytes> = (0..body.len())
            .step_by(CHUNK)
            .map(|at| body.slice(at..(at + CHUNK).min(body.len())))
            .collect();
        let mut sent = 0u64;
        let frames = futures::stream::iter(chunks).map(move |chunk| {
            if t.cancelled() {
                return Err::<Frame<Bytes>, BodyError>("cancelled".into());
            }
            sent += chunk.len() as u64;
            (t.report)(sent, Some(total));
            Ok(Frame::data(chunk))
        });
        (track.report)(0, Some(total));
        let r = self
            .send(
                "PUT",
                url,
                BodyExt::boxed(StreamBody::new(frames)),
                body.len(),
            )
            .await;
        match r {
            Err(_) if track.cancelled() => Err(TransferError::Cancelled),
            r => r,
        }
    }

    /// Downloads what a signed GET link points at.
    pub async fn get(&self, url: &str) -> Result<Answer, TransferError> {
        let response = self.request("GET", url, empty(), 0).await?;
        let date = date_of(&response);
        let bytes = response
            .into_body()
            .collect()
            .await
            .map_err(|e| TransferError::Network(e.to_string()))?
            .to_bytes();
        Ok(Answer { body: bytes, date })
    }

    /// Downloads into `sink` a frame at a time, reporting each; the bytes
    /// moved.
    pub async fn get_tracked(
        &self,
        url: &str,
        mut sink: impl FnMut(&[u8]) -> std::io::Result<()>,
        track: &Track,
    ) -> Result<u64, TransferError> {
        let response = self.request("GET", url, empty(), 0).await?;
        let total = response
            .headers()
            .get(hyper::header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        let mut body = response.into_body();
        let mut got = 0u64;
        (track.report)(0, total);
        while let Some(frame) = body.frame().await {
            if track.cancelled() {
                return Err(TransferError::Cancelled);
            }
            let frame = frame.map_err(|e| TransferError::Network(error_chain(&e)))?;
            if let Some(data) = frame.data_ref() {
                sink(data).map_err(|e| TransferError::Local(e.to_string()))?;
                got += data.len() as u64;
                (track.report)(got, total);
            }
        }
        Ok(got)
    }

    async fn send(
        &self,
        method: &str,
        url: &str,
        body: Body,
        len: usize,
    ) -> Result<Answer, TransferError> {
        let response = self.request(method, url, body, len).await?;
        let date = date_of(&response);
        let bytes = response
            .into_body()
            .collect()
            .await
            .map_err(|e| TransferError::Network(e.to_string()))?
            .to_bytes();
        Ok(Answer { body: bytes, date })
    }

    /// The request, its answer when the store said yes (body unread), the
    /// store's refusal in words otherwise.
    async fn request(
        &self,
        method: &str,
        url: &str,
        body: Body,
        len: usize,
    ) -> Result<hyper::Response<hyper::body::Incoming>, TransferError> {
        let uri: hyper::Uri = url
            .parse()
            .map_err(|e: hyper::http::uri::InvalidUri| TransferError::BadUrl(e.to_string()))?;
        let mut request = hyper::Request::builder().method(method).uri(uri);
        if method == "PUT" {
            // S3 takes no chunked uploads: the length goes first.
            request = request.header(hyper::header::CONTENT_LENGTH, len);
        }
        let request = request
            .body(body)
            .map_err(|e| TransferError::BadUrl(e.to_string()))?;
        let response = self
            .client
            .request(request)
            .await
            .map_err(|e| TransferError::Network(error_chain(&e)))?;
        if response.status().is_success() {
            return Ok(response);
        }
        let status = response.status();
        let bytes = response
            .into_body()
            .collect()
            .await
            .map_err(|e| TransferError::Network(e.to_string()))?
            .to_bytes();
        let text = String::from_utf8_lossy(&bytes);
        Err(TransferError::Refused {
            status: status.as_u16(),
            code: xml_field(&text, "Code"),
            message: xml_field(&text, "Message"),
        })
    }
}

fn empty() -> Body {
    Full::new(Bytes::new())
        .map_err(|never| match never {})
        .boxed()
}

/// The `Date` header (second resolution), for clock-skew checks.
fn date_of<B>(response: &hyper::Response<B>) -> Option<chrono::DateTime<chrono::Utc>> {
    response
        .headers()
        .get(hyper::header::DATE)
        .and_then(|d| d.to_str().ok())
        .and_then(|d| chrono::DateTime::parse_from_rfc2822(d).ok())
        .map(|d| d.with_timezone(&chrono::Utc))
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
