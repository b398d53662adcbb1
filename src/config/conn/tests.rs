//! Connection resolution: every source of a setting and its order.

use super::build::parse_connect_timeout;
use super::*;
use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

fn env_of(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> + use<> {
    let map: HashMap<String, String> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    move |k| map.get(k).cloned()
}

fn resolve_env(explicit: Option<&str>, pairs: &[(&str, &str)]) -> ConnParams {
    resolve(explicit, &env_of(pairs), None).unwrap()
}

#[test]
fn defaults() {
    let p = resolve_env(None, &[("USER", "ana")]);
    assert!(p.host == DEFAULT_SOCKET_DIR || p.host == "localhost");
    assert_eq!(p.port, 5432);
    assert_eq!(p.user, "ana");
    assert_eq!(p.dbname, "ana");
    assert_eq!(p.sslmode, SslMode::Prefer);
    assert!(p.password.is_none());
    assert_eq!(p.source_of("host"), Some("default"));
    let p = resolve_env(None, &[]);
    assert_eq!(p.user, "postgres");
    let p = resolve_env(None, &[("LOGNAME", "lo")]);
    assert_eq!(p.user, "lo");
}

#[test]
fn pg_env_fills_what_the_url_left_out() {
    let env = [
        ("PGHOST", "envhost"),
        ("PGPORT", "6000"),
        ("PGUSER", "envuser"),
        ("PGDATABASE", "envdb"),
        ("PGPASSWORD", "envpw"),
        ("PGSSLMODE", "disable"),
        ("PGAPPNAME", "envapp"),
        ("PGCONNECT_TIMEOUT", "7"),
    ];
    let p = resolve_env(Some("postgresql://urluser@urlhost/urldb"), &env);
    assert_eq!(p.host, "urlhost");
    assert_eq!(p.user, "urluser");
    assert_eq!(p.dbname, "urldb");
    assert_eq!(p.port, 6000);
    assert_eq!(p.password.as_ref().map(Password::expose), Some("envpw"));
    assert_eq!(p.sslmode, SslMode::Disable);
    assert_eq!(p.application_name.as_deref(), Some("envapp"));
    assert_eq!(p.connect_timeout, Some(Duration::from_secs(7)));
    assert_eq!(p.source_of("host"), Some("--database-url"));
    assert_eq!(p.source_of("port"), Some("PGPORT"));
    assert_eq!(p.source_of("password"), Some("PGPASSWORD"));
}

#[test]
fn flag_beats_database_url_beats_config_url() {
    let env = env_of(&[("DATABASE_URL", "postgres://h2/db2")]);
    let p = resolve_with_config(
        Some("host=h1 dbname=db1"),
        Some("postgres://h3/db3"),
        &env,
        None,
    )
    .unwrap();
    assert_eq!(
        (p.host.as_str(), p.source_of("host")),
        ("h1", Some("--database-url"))
    );
    let p = resolve_with_config(None, Some("postgres://h3/db3"), &env, None).unwrap();
    assert_eq!(
        (p.host.as_str(), p.source_of("host")),
        ("h2", Some("DATABASE_URL"))
    );
    let p = resolve_with_config(None, Some("postgres://h3/db3"), &env_of(&[]), None).unwrap();
    assert_eq!(p.host, "h3");
    assert_eq!(p.source_of("host"), Some("config file database.url"));
}

#[test]
fn empty_env_values_count_as_unset() {
    let p = resolve_env(None, &[("PGPORT", ""), ("PGUSER", ""), ("USER", "u")]);
    assert_eq!(p.port, 5432);
    assert_eq!(p.user, "u");
}

#[test]
fn specific_errors() {
    let e = resolve(None, &env_of(&[("PGPORT", "54x2")]), None)
        .unwrap_err()
        .to_string();
    assert_eq!(e, "invalid port \"54x2\" in PGPORT");
    let e = resolve(Some("host=x sslmode=maybe"), &env_of(&[]), None)
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("invalid sslmode \"maybe\" in --database-url"),
        "{e}"
    );
    let e = resolve(Some("host=x sslmod=require"), &env_of(&[]), None)
        .unwrap_err()
        .to_string();
    assert_eq!(e, "unknown connection option \"sslmod\" in --database-url");
    let e = resolve(None, &env_of(&[("PGCONNECT_TIMEOUT", "soon")]), None).unwrap_err();
    assert!(matches!(e, ConnError::InvalidConnectTimeout { .. }));
    let e = resolve(None, &env_of(&[("PGHOST", "a,b")]), None).unwrap_err();
    assert!(matches!(e, ConnError::MultipleHosts));
    let e = resolve(None, &env_of(&[("DATABASE_URL", "mysql://x")]), None).unwrap_err();
    assert!(matches!(e, ConnError::MalformedConninfo(_)), "{e}");
    assert!(e.to_string().ends_with("(in DATABASE_URL)"), "{e}");
}

#[test]
fn unsupported_libpq_options_warn() {
    let p = resolve_env(Some("host=x options=-cfoo=1"), &[]);
    assert_eq!(p.warnings.len(), 1);
    assert!(p.warnings[0].contains("\"options\""));
}

#[test]
fn connect_timeout_follows_libpq() {
    assert_eq!(parse_connect_timeout("0"), Some(None));
    assert_eq!(parse_connect_timeout("-3"), Some(None));
    assert_eq!(
        parse_connect_timeout("1"),
        Some(Some(Duration::from_secs(2)))
    );
    assert_eq!(
        parse_connect_timeout("10"),
        Some(Some(Duration::from_secs(10)))
    );
    assert_eq!(parse_connect_timeout("x"), None);
}

fn service_env(dir: &Path) -> Vec<(String, String)> {
    let file = dir.join("svc.conf");
    std::fs::write(
        &file,
        "[school]\nhost=svchost\nport=7000\ndbname=svcdb\nuser=svcuser\n",
    )
    .unwrap();
    vec![("PGSERVICEFILE".into(), file.display().to_string())]
}

#[test]
fn service_file_precedence() {
    let dir = tempfile::tempdir().unwrap();
    let mut pairs = service_env(dir.path());
    pairs.push(("PGSERVICE".into(), "school".into()));
    pairs.push(("PGHOST".into(), "envhost".into()));
    pairs.push(("PGPASSWORD".into(), "envpw".into()));
    let refs: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();

    let p = resolve_env(Some("postgresql://urluser@/"), &refs);
    assert_eq!(p.user, "urluser", "explicit beats service");
    assert_eq!(p.host, "svchost", "service beats environment, as in libpq");
    assert_eq!(p.port, 7000);
    assert_eq!(p.dbname, "svcdb");
    assert_eq!(p.password.as_ref().map(Password::expose), Some("envpw"));
    let origin = p.source_of("host").unwrap();
    assert!(
        origin.starts_with("service file ") && origin.ends_with("[school]"),
        "{origin}"
    );
}

#[test]
fn service_named_in_the_connection_string() {
    let dir = tempfile::tempdir().unwrap();
    let pairs = service_env(dir.path());
    let refs: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let p = resolve_env(Some("service=school"), &refs);
    assert_eq!(p.host, "svchost");
    let e = resolve(Some("service=nope"), &env_of(&refs), None)
        .unwrap_err()
        .to_string();
    assert!(e.starts_with("service \"nope\" not found in "), "{e}");
    assert!(e.contains("svc.conf"), "{e}");
}

#[test]
fn service_from_home_and_sysconfdir() {
    let home = tempfile::tempdir().unwrap();
    let sys = tempfile::tempdir().unwrap();
    std::fs::write(home.path().join(".pg_service.conf"), "[a]\nhost=fromhome\n").unwrap();
    std::fs::write(sys.path().join("pg_service.conf"), "[b]\nhost=fromsys\n").unwrap();
    let sysdir = sys.path().display().to_string();
    let env = env_of(&[("PGSYSCONFDIR", sysdir.as_str())]);
    let p = resolve(Some("service=a"), &env, Some(home.path())).unwrap();
    assert_eq!(p.host, "fromhome");
    let p = resolve(Some("service=b"), &env, Some(home.path())).unwrap();
    assert_eq!(p.host, "fromsys");
}

#[cfg(unix)]
fn write_pgpass(home: &Path, text: &str, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    let path = home.join(".pgpass");
    std::fs::write(&path, text).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[cfg(unix)]
#[test]
fn pgpass_supplies_the_password_last() {
    let home = tempfile::tempdir().unwrap();
    write_pgpass(
        home.path(),
        "localhost:5432:*:sock:sockpw\ndb:5432:app:alice:alicepw\ndb:5432:app:bob:bobpw\n",
        0o600,
    );
    let env = env_of(&[]);
    let p = resolve(
        Some("host=db dbname=app user=alice"),
        &env,
        Some(home.path()),
    )
    .unwrap();
    assert_eq!(p.password.as_ref().map(Password::expose), Some("alicepw"));
    assert_eq!(p.source_of("password"), Some("~/.pgpass"));

    // Switching role looks the password up again for the new role.
    let p = p.with_user("bob");
    assert_eq!(p.password.as_ref().map(Password::expose), Some("bobpw"));
    let p = p.with_user("carol");
    assert!(p.password.is_none());
    assert_eq!(p.source_of("password"), None);

    // A socket host matches the "localhost" lines.
    let p = resolve(
        Some("host=/var/run/postgresql user=sock"),
        &env,
        Some(home.path()),
    )
    .unwrap();
    assert_eq!(p.password.as_ref().map(Password::expose), Some("sockpw"));

    let p = p.with_password("set").without_password();
    assert!(p.password.is_none() && p.source_of("password").is_none());

    // An explicit password wins over the file.
    let p = resolve(
        Some("host=db dbname=app user=alice password=given"),
        &env,
        Some(home.path()),
    )
    .unwrap();
    assert_eq!(p.password.as_ref().map(Password::expose), Some("given"));
}

#[cfg(unix)]
#[test]
fn pgpass_with_loose_permissions_is_ignored_with_a_warning() {
    let home = tempfile::tempdir().unwrap();
    write_pgpass(home.path(), "*:*:*:*:leaked\n", 0o644);
    let p = resolve(Some("host=db"), &env_of(&[]), Some(home.path())).unwrap();
    assert!(p.password.is_none());
    assert_eq!(p.warnings.len(), 1, "{:?}", p.warnings);
    assert!(p.warnings[0].contains("group or world access"));
}

#[cfg(unix)]
#[test]
fn pgpassfile_env_points_elsewhere() {
    let dir = tempfile::tempdir().unwrap();
    write_pgpass(dir.path(), "*:*:*:*:fromenvfile\n", 0o600);
    let file = dir.path().join(".pgpass").display().to_string();
    let p = resolve(
        Some("host=db"),
        &env_of(&[("PGPASSFILE", file.as_str())]),
        None,
    )
    .unwrap();
    assert_eq!(
        p.password.as_ref().map(Password::expose),
        Some("fromenvfile")
    );
    assert!(p.source_of("password").unwrap().starts_with("PGPASSFILE "));
}

/// URL > PGPASSWORD > .pgpass > keyring; the keyring is consulted only
/// when nothing before it gave a password, and a .pgpass others can read
/// is skipped with a warning, falling through to the keyring.
#[cfg(unix)]
#[test]
fn password_resolution_order() {
    let home = tempfile::tempdir().unwrap();
    write_pgpass(home.path(), "*:*:*:*:frompgpass\n", 0o600);
    let keyring = |account: &str| {
        assert_eq!(account, "alice@db:5432/app");
        Some(Password::new("fromkeyring"))
    };
    let untouched = |_: &str| -> Option<Password> { panic!("keyring asked too early") };
    let resolve_with = |url: &str, pgpassword: Option<&str>| {
        let env = env_of(
            &pgpassword
                .map(|p| vec![("PGPASSWORD", p)])
                .unwrap_or_default(),
        );
        resolve(Some(url), &env, Some(home.path())).unwrap()
    };
    let pw = |p: &ConnParams| {
        (
            p.password.as_ref().map(|p| p.expose().to_string()),
            p.source_of("password").map(str::to_string),
        )
    };
    let url = "postgresql://alice:fromurl@db/app";
    let bare = "postgresql://alice@db/app";

    let mut p = resolve_with(url, Some("fromenv"));
    p.fill_from_keyring(untouched);
    assert_eq!(
        pw(&p),
        (Some("fromurl".into()), Some("--database-url".into()))
    );

    let mut p = resolve_with(bare, Some("fromenv"));
    p.fill_from_keyring(untouched);
    assert_eq!(pw(&p), (Some("fromenv".into()), Some("PGPASSWORD".into())));

    let mut p = resolve_with(bare, None);
    p.fill_from_keyring(untouched);
    assert_eq!(
        pw(&p),
        (Some("frompgpass".into()), Some("~/.pgpass".into()))
    );

    write_pgpass(home.path(), "*:*:*:*:frompgpass\n", 0o640);
    let mut p = resolve_with(bare, None);
    assert!(
        p.warnings
            .iter()
            .any(|w| w.contains("group or world access"))
    );
    p.fill_from_keyring(keyring);
    assert_eq!(pw(&p), (Some("fromkeyring".into()), Some("keyring".into())));
    assert!(!format!("{p:?}").contains("fromkeyring"));

    std::fs::remove_file(home.path().join(".pgpass")).unwrap();
    let mut p = resolve_with(bare, None);
    p.fill_from_keyring(|_| None);
    assert_eq!(
        pw(&p),
        (None, None),
        "nothing anywhere: the prompt comes next"
    );
}

#[test]
fn keyring_account_names_the_connection() {
    let p = resolve_env(
        Some("host=/var/run/postgresql port=5433 user=u dbname=d"),
        &[],
    );
    assert_eq!(p.keyring_account(), "u@/var/run/postgresql:5433/d");
    let p = p.with_password_from(Password::new("typed"), PROMPT_ORIGIN);
    assert_eq!(p.source_of("password"), Some("prompt"));
}

#[test]
fn password_never_shows() {
    let p = resolve_env(Some("postgresql://u:hunter2@db.example.org:5433/app"), &[]);
    let masked = p.display_masked();
    assert_eq!(
        masked,
        "postgresql://u:********@db.example.org:5433/app?sslmode=prefer"
    );
    assert!(!format!("{p:?}").contains("hunter2"));
    assert!(!format!("{p}").contains("hunter2"));
    assert_eq!(format!("{}", Password::new("x")), "********");

    let p = resolve_env(Some("host=/var/run/postgresql user=u dbname=d"), &[]);
    assert_eq!(p.display_masked(), "u@/var/run/postgresql:5432/d");
    let p = resolve_env(Some("host=::1 user=u dbname=d"), &[]);
    assert!(p.display_masked().contains("@[::1]:5432/"));
}

#[test]
fn tls_modes() {
    use tokio_postgres::config::SslMode as T;
    for (mode, tokio) in [
        ("disable", T::Disable),
        ("allow", T::Prefer),
        ("prefer", T::Prefer),
        ("require", T::Require),
        ("verify-ca", T::Require),
        ("verify-full", T::Require),
    ] {
        let p = resolve_env(
            Some(&format!("host=x sslmode={mode} sslrootcert=/ca.pem")),
            &[],
        );
        assert_eq!(p.sslmode.as_str(), mode);
        assert_eq!(p.to_pg_config().get_ssl_mode(), tokio, "{mode}");
        assert_eq!(
            p.effective_sslrootcert().as_deref(),
            Some(Path::new("/ca.pem"))
        );
        let p = resolve_env(Some(&format!("host=/tmp sslmode={mode}")), &[]);
        assert_eq!(
            p.to_pg_config().get_ssl_mode(),
            T::Disable,
            "{mode} on a socket"
        );
    }
    let p = resolve(Some("host=x"), &env_of(&[]), Some(Path::new("/home/u"))).unwrap();
    assert_eq!(
        p.effective_sslrootcert().as_deref(),
        Some(Path::new("/home/u/.postgresql/root.crt"))
    );
}

#[test]
fn pg_config_uses_host_path_for_sockets() {
    use tokio_postgres::config::Host;
    let p = resolve_env(Some("host=/var/run/postgresql user=u"), &[]);
    let c = p.to_pg_config();
    assert!(
        matches!(&c.get_hosts()[0], Host::Unix(path) if path == Path::new("/var/run/postgresql"))
    );
    assert_eq!(c.get_application_name(), Some("caseload"));
    let p = resolve_env(Some("host=db user=u application_name=mine"), &[]);
    let c = p.to_pg_config();
    assert!(matches!(&c.get_hosts()[0], Host::Tcp(h) if h == "db"));
    assert_eq!(c.get_application_name(), Some("mine"));
}
