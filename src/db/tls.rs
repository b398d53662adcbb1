//! TLS for PostgreSQL connections, on rustls, with libpq's meaning of each
//! sslmode. tokio-postgres knows only disable/prefer/require (whether to
//! negotiate TLS); what is verified once TLS is up is decided here, by the
//! certificate verifier put into the rustls config.
//!
//! | sslmode     | TLS                       | verification                                   |
//! |-------------|---------------------------|------------------------------------------------|
//! | disable     | never                     | -                                              |
//! | allow       | as prefer (see below)     | none                                           |
//! | prefer      | if the server offers it   | none                                           |
//! | require     | mandatory                 | none, or chain if a root CA file exists        |
//! | verify-ca   | mandatory                 | chain against sslrootcert                      |
//! | verify-full | mandatory                 | chain and host name                            |
//!
//! libpq's `allow` tries plain first and TLS second; tokio-postgres cannot
//! retry inside one connect, so `allow` negotiates like `prefer`: it ends up
//! with TLS where libpq would not, which never weakens anything.
//!
//! libpq's `prefer` also retries without TLS when the TLS handshake itself
//! fails; tokio-postgres falls back only when the server declines TLS. With
//! nothing verified under `prefer`, only a protocol mismatch can fail there.
//!
//! Unix sockets never use TLS, whatever the sslmode, as in libpq.

use std::error::Error as StdError;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::{WebPkiServerVerifier, verify_server_cert_signed_by_trust_anchor};
use rustls::crypto::WebPkiSupportedAlgorithms;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::server::ParsedCertificate;
use rustls::{
    CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme,
};
use tokio_postgres_rustls::MakeRustlsConnect;

use crate::config::conn::{ConnParams, SYSTEM_ROOT_CERT, SslMode};

/// Why no TLS configuration could be built. Raised before any connection is
/// attempted, so a misconfigured verify-full never silently connects.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error(
        "root certificate file \"{}\" does not exist; sslmode={sslmode} needs it to verify the \
         server (set sslrootcert, or use sslmode=require to encrypt without verifying)",
        path.display()
    )]
    RootCertMissing { path: PathBuf, sslmode: SslMode },
    #[error(
        "sslmode={sslmode} needs a root certificate, and there is no home directory to find \
         ~/.postgresql/root.crt in; set sslrootcert"
    )]
    NoRootCert { sslmode: SslMode },
    #[error("cannot read root certificate file \"{}\": {message}", path.display())]
    RootCertRead { path: PathBuf, message: String },
    #[error("no usable certificate in root certificate file \"{}\"", path.display())]
    RootCertEmpty { path: PathBuf },
    #[error("sslrootcert=system: no system root certificates could be loaded{0}")]
    SystemRoots(String),
    #[error("cannot set up TLS: {0}")]
    Setup(String),
}

/// Where trusted roots come from.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Roots {
    File(PathBuf),
    /// `sslrootcert=system`: the operating system's store (libpq 16).
    System,
}

/// What the verifier checks, decided from sslmode and the root file.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Verify {
    Nothing,
    Chain(Roots),
    ChainAndHost(Roots),
}

/// The facts an error message needs; cheap, no IO.
#[derive(Debug, Clone)]
pub struct TlsContext {
    sslmode: SslMode,
    host: String,
    rootcert: Option<PathBuf>,
}

impl TlsContext {
    pub fn new(params: &ConnParams) -> TlsContext {
        TlsContext {
            sslmode: params.sslmode,
            host: params.host.clone(),
            rootcert: params.effective_sslrootcert(),
        }
    }

    /// A sentence for a failed connection when TLS is the reason, naming the
    /// sslmode and root file, since rustls and tokio-postgres say neither.
    pub fn explain(&self, err: &(dyn StdError + 'static)) -> Option<String> {
        let mut cur = Some(err);
        while let Some(e) = cur {
            if let Some(r) = as_rustls(e) {
                return Some(self.describe_rustls(r));
            }
            // tokio-postgres's only signal for an 'N' answer to SSLRequest is
            // this message; it has no error kind of its own.
            if e.to_string() == "server does not support TLS" {
                return Some(format!(
                    "server does not support SSL, but sslmode={}",
                    self.sslmode
                ));
            }
            cur = e.source();
        }
        None
    }

    fn describe_rustls(&self, e: &rustls::Error) -> String {
        let rootcert = match &self.rootcert {
            Some(p) => p.display().to_string(),
            None => "none".to_string(),
        };
        match e {
            rustls::Error::InvalidCertificate(CertificateError::NotValidForNameContext {
                presented,
                ..
            }) => format!(
                "host name mismatch: certificate is for {}, not {} (sslmode={})",
                if presented.is_empty() {
                    "no host name".to_string()
                } else {
                    presented
                        .iter()
                        .map(|n| plain_name(n))
                        .collect::<Vec<_>>()
                        .join(", ")
                },
                self.host,
                self.sslmode
            ),
            rustls::Error::InvalidCertificate(CertificateError::NotValidForName) => format!(
                "host name mismatch: certificate is not for {} (sslmode={})",
                self.host, self.sslmode
            ),
            rustls::Error::InvalidCertificate(c) => {
                let why = match c {
                    CertificateError::UnknownIssuer => {
                        "not signed by a trusted root certificate".to_string()
                    }
                    other => other.to_string(),
                };
                format!(
                    "certificate verify failed: {why} (sslmode={}, sslrootcert={rootcert})",
                    self.sslmode
                )
            }
            other => format!("TLS handshake failed: {other} (sslmode={})", self.sslmode),
        }
    }
}

/// webpki reports the certificate's names in Debug form
/// (`DnsName("localhost")`, `IpAddress(127.0.0.1)`); users know them bare.
fn plain_name(presented: &str) -> &str {
    ["DnsName(\"", "IpAddress("]
        .iter()
        .find_map(|prefix| presented.strip_prefix(prefix))
        .map(|rest| rest.trim_end_matches(')').trim_end_matches('"'))
        .unwrap_or(presented)
}

/// tokio-rustls hands rustls errors over inside an `io::Error`, whose own
/// `source()` skips the wrapped error, so it is unwrapped by hand.
fn as_rustls<'a>(e: &'a (dyn StdError + 'static)) -> Option<&'a rustls::Error> {
    e.downcast_ref::<rustls::Error>().or_else(|| {
        e.downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
            .and_then(|inner| inner.downcast_ref::<rustls::Error>())
    })
}

/// The TLS connector for one connection target, shared by the pool, single
/// connections and cancel requests (which open a connection of their own and
/// must not be weaker than the one they cancel). Built from the params the
/// pool is built from: cancel requests go to their host and port.
#[derive(Clone)]
pub struct Tls {
    connector: MakeRustlsConnect,
    context: Arc<TlsContext>,
    target: Arc<crate::db::cancel::Target>,
}

impl std::fmt::Debug for Tls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tls")
            .field("context", &self.context)
            .finish_non_exhaustive()
    }
}

impl Tls {
    /// Reads the root certificates `params` call for; errors here name the
    /// file and the sslmode that needs it.
    pub fn for_params(params: &ConnParams) -> Result<Tls, TlsError> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let verifier: Arc<dyn ServerCertVerifier> = match plan(params)? {
            Verify::Nothing => Arc::new(Lenient {
                roots: None,
                algorithms: provider.signature_verification_algorithms,
            }),
            Verify::Chain(roots) => Arc::new(Lenient {
                roots: Some(Arc::new(load_roots(&roots)?)),
                algorithms: provider.signature_verification_algorithms,
            }),
            Verify::ChainAndHost(roots) => WebPkiServerVerifier::builder_with_provider(
                Arc::new(load_roots(&roots)?),
                provider.clone(),
            )
            .build()
            .map_err(|e| TlsError::Setup(e.to_string()))?,
        };
        let config = ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .map_err(|e| TlsError::Setup(e.to_string()))?
            .dangerous()
            .with_custom_certificate_verifier(verifier)
            .with_no_client_auth();
        Ok(Tls {
            connector: MakeRustlsConnect::new(config),
            context: Arc::new(TlsContext::new(params)),
            target: Arc::new(crate::db::cancel::Target::of(params)),
        })
    }

    /// For `Config::connect`, deadpool's `Manager` and cancel requests.
    pub fn connector(&self) -> MakeRustlsConnect {
        self.connector.clone()
    }

    /// Where cancel requests for these connections go (`db::cancel`).
    pub fn target(&self) -> &crate::db::cancel::Target {
        &self.target
    }

    pub fn context(&self) -> &TlsContext {
        &self.context
    }
}

fn plan(params: &ConnParams) -> Result<Verify, TlsError> {
    if params.is_socket() {
        return Ok(Verify::Nothing);
    }
    let sslmode = params.sslmode;
    let roots = match params.effective_sslrootcert() {
        Some(p) if p == Path::new(SYSTEM_ROOT_CERT) => Some(Roots::System),
        Some(p) => Some(Roots::File(p)),
        None => None,
    };
    let required = |roots: Option<Roots>| match roots {
        Some(Roots::File(path)) if !path.exists() => {
            Err(TlsError::RootCertMissing { path, sslmode })
        }
        Some(r) => Ok(r),
        None => Err(TlsError::NoRootCert { sslmode }),
    };
    Ok(match sslmode {
        SslMode::Disable | SslMode::Allow | SslMode::Prefer => Verify::Nothing,
        // libpq: "if a root CA file exists, require behaves like verify-ca".
        SslMode::Require => match roots {
            Some(Roots::File(p)) if p.exists() => Verify::Chain(Roots::File(p)),
            Some(Roots::System) => Verify::Chain(Roots::System),
            _ => Verify::Nothing,
        },
        SslMode::VerifyCa => Verify::Chain(required(roots)?),
        SslMode::VerifyFull => Verify::ChainAndHost(required(roots)?),
    })
}

fn load_roots(roots: &Roots) -> Result<RootCertStore, TlsError> {
    let mut store = RootCertStore::empty();
    match roots {
        Roots::File(path) => {
            let read_err = |e: &dyn std::fmt::Display| TlsError::RootCertRead {
                path: path.clone(),
                message: e.to_string(),
            };
            let certs = CertificateDer::pem_file_iter(path)
                .map_err(|e| read_err(&e))?
                .collect::<Result<Vec<_>, _>>()
                .map_err(|e| read_err(&e))?;
            let (added, _) = store.add_parsable_certificates(certs);
            if added == 0 {
                return Err(TlsError::RootCertEmpty { path: path.clone() });
            }
        }
        Roots::System => {
            let found = rustls_native_certs::load_native_certs();
            let (added, _) = store.add_parsable_certificates(found.certs);
            if added == 0 {
                let why = found
                    .errors
                    .first()
                    .map(|e| format!(": {e}"))
                    .unwrap_or_default();
                return Err(TlsError::SystemRoots(why));
            }
        }
    }
    Ok(store)
}

/// The two checks libpq makes that rustls' standard verifier does not:
/// - no `roots` (prefer, and require without a root file): encrypted, but the
///   server is not authenticated, exactly as libpq does it;
/// - `roots` (verify-ca): the chain must lead to a trusted root, but the host
///   name is not checked, since servers are often reached by names or
///   addresses their certificate does not list.
///
/// Either way the handshake signatures are checked, so the key exchange is
/// bound to the presented certificate.
#[derive(Debug)]
struct Lenient {
    roots: Option<Arc<RootCertStore>>,
    algorithms: WebPkiSupportedAlgorithms,
}

impl ServerCertVerifier for Lenient {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        if let Some(roots) = &self.roots {
            let cert = ParsedCertificate::try_from(end_entity)?;
            verify_server_cert_signed_by_trust_anchor(
                &cert,
                roots,
                intermediates,
                now,
                self.algorithms.all,
            )?;
        }
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::conn::resolve;

    fn params(conninfo: &str, home: Option<&Path>) -> ConnParams {
        resolve(Some(conninfo), &|_| None, home).unwrap()
    }

    #[test]
    fn plan_follows_libpq() {
        let home = tempfile::tempdir().unwrap();
        let h = Some(home.path());
        for mode in ["disable", "allow", "prefer", "require"] {
            let p = params(&format!("host=db sslmode={mode}"), h);
            assert_eq!(plan(&p).unwrap(), Verify::Nothing, "{mode}");
        }
        let e = Tls::for_params(&params("host=db sslmode=verify-full", h))
            .unwrap_err()
            .to_string();
        let default_root = home.path().join(".postgresql/root.crt");
        assert!(
            e.contains(&format!("\"{}\" does not exist", default_root.display()))
                && e.contains("sslmode=verify-full"),
            "{e}"
        );
        let e = Tls::for_params(&params(
            "host=db sslmode=verify-ca sslrootcert=/nope.pem",
            h,
        ))
        .unwrap_err()
        .to_string();
        assert!(e.contains("\"/nope.pem\" does not exist"), "{e}");
        let e = Tls::for_params(&params("host=db sslmode=verify-ca", None))
            .unwrap_err()
            .to_string();
        assert!(e.contains("set sslrootcert"), "{e}");

        // A root file that exists turns require into verify-ca.
        std::fs::create_dir_all(default_root.parent().unwrap()).unwrap();
        std::fs::write(&default_root, "not a certificate").unwrap();
        let p = params("host=db sslmode=require", h);
        assert_eq!(
            plan(&p).unwrap(),
            Verify::Chain(Roots::File(default_root.clone()))
        );
        let e = Tls::for_params(&p).unwrap_err().to_string();
        assert!(e.contains("no usable certificate"), "{e}");
        // ...but prefer still does not verify.
        let p = params("host=db sslmode=prefer", h);
        assert_eq!(plan(&p).unwrap(), Verify::Nothing);

        // Unix sockets never negotiate TLS, so nothing is loaded.
        let p = params("host=/var/run/postgresql sslmode=verify-full", h);
        assert_eq!(plan(&p).unwrap(), Verify::Nothing);
        assert!(Tls::for_params(&p).is_ok());
    }

    #[test]
    fn system_roots_mean_verify_full() {
        let p = params("host=db sslrootcert=system", None);
        assert_eq!(p.sslmode, SslMode::VerifyFull);
        assert_eq!(plan(&p).unwrap(), Verify::ChainAndHost(Roots::System));
        let e = resolve(
            Some("host=db sslrootcert=system sslmode=require"),
            &|_| None,
            None,
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("sslrootcert=system"), "{e}");
    }

    #[test]
    fn explains_rustls_errors() {
        let ctx = TlsContext::new(&params(
            "host=127.0.0.1 sslmode=verify-full sslrootcert=/ca.pem",
            None,
        ));
        let io = std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            rustls::Error::InvalidCertificate(CertificateError::NotValidForNameContext {
                expected: ServerName::try_from("127.0.0.1").unwrap().to_owned(),
                presented: vec!["DnsName(\"localhost\")".into()],
            }),
        );
        let m = ctx.explain(&io).unwrap();
        assert_eq!(
            m,
            "host name mismatch: certificate is for localhost, not 127.0.0.1 (sslmode=verify-full)"
        );
        let io = std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            rustls::Error::InvalidCertificate(CertificateError::UnknownIssuer),
        );
        let m = ctx.explain(&io).unwrap();
        assert_eq!(
            m,
            "certificate verify failed: not signed by a trusted root certificate \
             (sslmode=verify-full, sslrootcert=/ca.pem)"
        );
        assert!(ctx.explain(&std::io::Error::other("refused")).is_none());
    }
}
