//! TLS against a real server: a private cluster with ssl=on and a CA and
//! server certificate made here, accepting only TLS connections over TCP;
//! then the same cluster reloaded with ssl=off for the fallback cases (the
//! main test server may have ssl on, so it cannot show a refusal).
//!
//! One test walks every case, so the cluster is made once.

use std::path::{Path, PathBuf};
use std::time::Duration;

use caseload::app::{Effect, Msg, ReqId};
use caseload::config::ConnParams;
use caseload::config::DatabaseConfig;
use caseload::config::conn::resolve;
use caseload::db::pool::{build_pool, connect_one, describe_get_error};
use caseload::db::tls::Tls;
use caseload::demo::PrivateCluster;
use caseload::worker::Worker;
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose};

struct Pki {
    ca: String,
    other_ca: String,
    server_cert: String,
    server_key: String,
}

fn ca(name: &str) -> (CertificateParams, KeyPair) {
    let key = KeyPair::generate().unwrap();
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    params.distinguished_name.push(DnType::CommonName, name);
    (params, key)
}

/// The server certificate names "localhost" only, so connecting to
/// 127.0.0.1 under verify-full is a host name mismatch.
fn make_pki() -> Pki {
    let (ca_params, ca_key) = ca("caseload test CA");
    let ca_pem = ca_params.self_signed(&ca_key).unwrap().pem();
    let issuer = Issuer::new(ca_params, ca_key);
    let server_key = KeyPair::generate().unwrap();
    let mut server = CertificateParams::new(vec!["localhost".to_string()]).unwrap();
    server
        .distinguished_name
        .push(DnType::CommonName, "localhost");
    let server_cert = server.signed_by(&server_key, &issuer).unwrap().pem();
    let (other_params, other_key) = ca("some other CA");
    let other_ca = other_params.self_signed(&other_key).unwrap().pem();
    Pki {
        ca: ca_pem,
        other_ca,
        server_cert,
        server_key: server_key.serialize_pem(),
    }
}

fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

struct Target<'a> {
    port: u16,
    /// An empty home: no ~/.postgresql/root.crt unless a case puts one there.
    home: &'a Path,
}

impl Target<'_> {
    fn params(&self, extra: &str) -> ConnParams {
        let conninfo = format!(
            "port={} user=postgres dbname=postgres connect_timeout=10 {extra}",
            self.port
        );
        resolve(Some(&conninfo), &|_| None, Some(self.home)).unwrap()
    }

    async fn connect(&self, extra: &str) -> Result<tokio_postgres::Client, String> {
        connect_one(&self.params(extra))
            .await
            .map_err(|e| e.to_string())
    }

    async fn refused(&self, extra: &str) -> String {
        match self.connect(extra).await {
            Ok(_) => panic!("{extra}: connected, but should have failed"),
            Err(e) => {
                eprintln!("{extra}: {e}");
                e
            }
        }
    }
}

async fn uses_tls(client: &tokio_postgres::Client) -> bool {
    client
        .query_one(
            "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
            &[],
        )
        .await
        .unwrap()
        .get(0)
}

async fn ssl_of(target: &Target<'_>, extra: &str) -> bool {
    let client = target
        .connect(extra)
        .await
        .unwrap_or_else(|e| panic!("{extra}: {e}"));
    uses_tls(&client).await
}

#[tokio::test]
async fn each_sslmode_against_real_servers() {
    let pki = make_pki();
    let mut cluster = PrivateCluster::temporary("caseload-tls-test").unwrap();
    cluster
        .write_data_file("server.crt", pki.server_cert.as_bytes())
        .unwrap();
    cluster
        .write_data_file("server.key", pki.server_key.as_bytes())
        .unwrap();
    cluster
        .write_data_file(
            "pg_hba.conf",
            b"local all all trust\n\
              hostssl all all 127.0.0.1/32 trust\n\
              hostnossl all all 127.0.0.1/32 reject\n",
        )
        .unwrap();
    let port = free_port();
    let port_text = port.to_string();
    cluster
        .start(&[
            ("listen_addresses", "127.0.0.1"),
            ("port", &port_text),
            ("ssl", "on"),
            ("ssl_cert_file", "server.crt"),
            ("ssl_key_file", "server.key"),
        ])
        .unwrap();

    let files = tempfile::tempdir().unwrap();
    let write = |name: &str, pem: &str| -> PathBuf {
        let p = files.path().join(name);
        std::fs::write(&p, pem).unwrap();
        p
    };
    let ca = write("ca.pem", &pki.ca);
    let other_ca = write("other-ca.pem", &pki.other_ca);
    let home = tempfile::tempdir().unwrap();
    let t = Target {
        port,
        home: home.path(),
    };
    let ca = ca.display();
    let other = other_ca.display();

    // verify-full: chain and host name.
    assert!(
        ssl_of(
            &t,
            &format!("host=localhost sslmode=verify-full sslrootcert={ca}")
        )
        .await
    );
    let e = t
        .refused(&format!(
            "host=localhost sslmode=verify-full sslrootcert={other}"
        ))
        .await;
    assert!(
        e.contains(&format!(
            "certificate verify failed: not signed by a trusted root certificate \
             (sslmode=verify-full, sslrootcert={other})"
        )),
        "{e}"
    );
    let e = t
        .refused(&format!(
            "host=127.0.0.1 sslmode=verify-full sslrootcert={ca}"
        ))
        .await;
    assert!(
        e.contains("host name mismatch: certificate is for localhost, not 127.0.0.1"),
        "{e}"
    );

    // verify-ca: chain only, so the address the certificate does not name is fine.
    assert!(
        ssl_of(
            &t,
            &format!("host=127.0.0.1 sslmode=verify-ca sslrootcert={ca}")
        )
        .await
    );
    let e = t
        .refused(&format!(
            "host=127.0.0.1 sslmode=verify-ca sslrootcert={other}"
        ))
        .await;
    assert!(e.contains("certificate verify failed"), "{e}");

    // require: encryption without verification, unless a root file exists.
    assert!(ssl_of(&t, "host=127.0.0.1 sslmode=require").await);
    let e = t
        .refused(&format!(
            "host=127.0.0.1 sslmode=require sslrootcert={other}"
        ))
        .await;
    assert!(e.contains("certificate verify failed"), "{e}");
    let default_root = home.path().join(".postgresql").join("root.crt");
    std::fs::create_dir_all(default_root.parent().unwrap()).unwrap();
    std::fs::write(&default_root, &pki.other_ca).unwrap();
    let e = t.refused("host=127.0.0.1 sslmode=require").await;
    assert!(
        e.contains(&format!("sslrootcert={}", default_root.display())),
        "{e}"
    );
    std::fs::write(&default_root, &pki.ca).unwrap();
    assert!(ssl_of(&t, "host=localhost sslmode=verify-full").await);
    std::fs::remove_file(&default_root).unwrap();

    // prefer (the default) and allow take TLS when offered, unverified.
    assert!(ssl_of(&t, "host=127.0.0.1").await);
    assert!(ssl_of(&t, "host=127.0.0.1 sslmode=prefer").await);
    assert!(ssl_of(&t, "host=127.0.0.1 sslmode=allow").await);

    // disable against a server that accepts only TLS.
    let e = t.refused("host=127.0.0.1 sslmode=disable").await;
    assert!(
        e.contains("pg_hba.conf") && e.contains("no encryption"),
        "{e}"
    );

    // The pool honours the mode, and says why when it cannot connect.
    let cfg = DatabaseConfig::default();
    let good = t.params(&format!(
        "host=localhost sslmode=verify-full sslrootcert={ca}"
    ));
    let pool = build_pool(&good, &cfg).unwrap();
    assert!(uses_tls(&pool.get().await.unwrap()).await);
    let bad = t.params(&format!(
        "host=localhost sslmode=verify-full sslrootcert={other}"
    ));
    let bad_pool = build_pool(&bad, &cfg).unwrap();
    let err = bad_pool.get().await.expect_err("untrusted certificate");
    let msg = describe_get_error(&err, &bad_pool, &bad);
    assert!(msg.contains("certificate verify failed"), "{msg}");
    let mismatch = t.params(&format!(
        "host=127.0.0.1 sslmode=verify-full sslrootcert={ca}"
    ));
    let worker = Worker::new(
        build_pool(&mismatch, &cfg).unwrap(),
        Tls::for_params(&mismatch).unwrap(),
    );
    match worker.execute(Effect::Connect { req: ReqId(1) }).await {
        Some(Msg::ConnectionFailed { reason, .. }) => {
            assert!(reason.starts_with("host name mismatch"), "{reason}")
        }
        other => panic!("{other:?}"),
    }

    // Cancel requests travel with the connection's own TLS settings.
    let tls = Tls::for_params(&good).unwrap();
    let (client, connection) = good.to_pg_config().connect(tls.connector()).await.unwrap();
    tokio::spawn(connection);
    let token = client.cancel_token();
    let sleeper_pid = client
        .query_one("SELECT pg_backend_pid()", &[])
        .await
        .unwrap()
        .get::<_, i32>(0);
    let sleeper = tokio::spawn(async move { client.batch_execute("SELECT pg_sleep(30)").await });
    // Cancelled once it runs on the server, not before it gets there.
    let observer = pool.get().await.unwrap();
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while observer
        .query_opt(
            "SELECT 1 FROM pg_stat_activity WHERE pid = $1 AND state = 'active' \
             AND query = 'SELECT pg_sleep(30)'",
            &[&sleeper_pid],
        )
        .await
        .unwrap()
        .is_none()
    {
        assert!(
            std::time::Instant::now() < deadline,
            "the sleep never started"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // Sent as the worker sends it (libpq's way: our socket, kept open until
    // the server closes it), to the host and port `tls` was built for.
    caseload::db::cancel::send(&token, &tls).await.unwrap();
    let cancelled = tokio::time::timeout(Duration::from_secs(10), sleeper)
        .await
        .expect("cancel did not arrive")
        .unwrap()
        .expect_err("the sleep was cancelled");
    assert_eq!(
        cancelled.code(),
        Some(&tokio_postgres::error::SqlState::QUERY_CANCELED)
    );

    // The same server restarted without TLS: plain connections only.
    cluster
        .write_data_file(
            "pg_hba.conf",
            b"local all all trust\nhost all all 127.0.0.1/32 trust\n",
        )
        .unwrap();
    cluster.stop();
    cluster
        .start(&[
            ("listen_addresses", "127.0.0.1"),
            ("port", &port_text),
            ("ssl", "off"),
        ])
        .unwrap();
    assert!(!ssl_of(&t, "host=127.0.0.1 sslmode=prefer").await);
    assert!(!ssl_of(&t, "host=127.0.0.1 sslmode=allow").await);
    assert!(!ssl_of(&t, "host=127.0.0.1 sslmode=disable").await);
    let e = t.refused("host=127.0.0.1 sslmode=require").await;
    assert!(
        e.contains("server does not support SSL, but sslmode=require"),
        "{e}"
    );
    let e = t
        .refused(&format!(
            "host=localhost sslmode=verify-full sslrootcert={ca}"
        ))
        .await;
    assert!(
        e.contains("server does not support SSL, but sslmode=verify-full"),
        "{e}"
    );
    let plain_pool = build_pool(&t.params("host=127.0.0.1"), &cfg).unwrap();
    assert!(!uses_tls(&plain_pool.get().await.unwrap()).await);
    let strict = t.params("host=127.0.0.1 sslmode=require");
    let strict_pool = build_pool(&strict, &cfg).unwrap();
    let err = strict_pool.get().await.expect_err("no TLS on offer");
    let msg = describe_get_error(&err, &strict_pool, &strict);
    assert!(
        msg.contains("server does not support SSL, but sslmode=require"),
        "{msg}"
    );

    drop((pool, bad_pool, plain_pool, strict_pool, worker));
    let dir = cluster.dir.clone();
    drop(cluster);
    assert!(!dir.exists(), "the cluster directory is removed");
}
