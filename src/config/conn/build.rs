//! Turning the raw layers into typed settings: parsing and checking each
//! value, filling defaults, and recording where each setting came from.

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::layers::Layers;
use super::{ConnError, ConnParams, Password, SYSTEM_ROOT_CERT, SslMode};

/// Socket directory used by Debian/Ubuntu packages (libpq's compiled default
/// there); used as the default host when it exists.
pub const DEFAULT_SOCKET_DIR: &str = "/var/run/postgresql";
pub const DEFAULT_PORT: u16 = 5432;

pub(super) fn build(
    layers: Layers,
    user_default: impl Fn() -> String,
    home: Option<&Path>,
) -> Result<ConnParams, ConnError> {
    let host = match layers.get("host") {
        Some(h) if h.contains(',') => return Err(ConnError::MultipleHosts),
        Some(h) => h.to_string(),
        None if Path::new(DEFAULT_SOCKET_DIR).is_dir() => DEFAULT_SOCKET_DIR.to_string(),
        None => "localhost".to_string(),
    };
    let port = match layers.get("port") {
        Some(p) => {
            p.parse::<u16>()
                .ok()
                .filter(|p| *p != 0)
                .ok_or_else(|| ConnError::InvalidPort {
                    value: p.to_string(),
                    origin: layers.origin("port"),
                })?
        }
        None => DEFAULT_PORT,
    };
    let user = layers
        .get("user")
        .map(str::to_string)
        .unwrap_or_else(user_default);
    let dbname = layers
        .get("dbname")
        .map(str::to_string)
        .unwrap_or_else(|| user.clone());
    let sslmode = match layers.get("sslmode") {
        Some(s) => s.parse().map_err(|()| ConnError::InvalidSslMode {
            value: s.to_string(),
            origin: layers.origin("sslmode"),
        })?,
        None => SslMode::default(),
    };
    let sslrootcert = layers.get("sslrootcert").map(PathBuf::from);
    // libpq 16: system roots default sslmode to verify-full and refuse weaker
    // modes, since any public CA could vouch for an attacker's host.
    let sslmode = match (&sslrootcert, layers.get("sslmode")) {
        (Some(r), None) if r == Path::new(SYSTEM_ROOT_CERT) => SslMode::VerifyFull,
        (Some(r), Some(_))
            if r == Path::new(SYSTEM_ROOT_CERT) && sslmode != SslMode::VerifyFull =>
        {
            return Err(ConnError::SystemRootsNeedVerifyFull {
                sslmode,
                origin: layers.origin("sslrootcert"),
            });
        }
        _ => sslmode,
    };
    let connect_timeout = match layers.get("connect_timeout") {
        Some(s) => parse_connect_timeout(s).ok_or_else(|| ConnError::InvalidConnectTimeout {
            value: s.to_string(),
            origin: layers.origin("connect_timeout"),
        })?,
        None => None,
    };
    let application_name = layers
        .get("application_name")
        .or_else(|| layers.get("fallback_application_name"))
        .map(str::to_string);
    let (passfile, passfile_label) = match layers.get("passfile") {
        Some(p) => (
            Some(PathBuf::from(p)),
            format!("{} {p}", layers.origin("passfile")),
        ),
        None => (home.map(|h| h.join(".pgpass")), "~/.pgpass".to_string()),
    };

    let mut sources = Vec::new();
    for field in ["host", "port", "user", "dbname"] {
        sources.push((field.to_string(), layers.origin(field)));
    }
    if layers.get("password").is_some() {
        sources.push(("password".into(), layers.origin("password")));
    }
    sources.push(("sslmode".into(), layers.origin("sslmode")));
    for field in ["sslrootcert", "connect_timeout"] {
        if layers.get(field).is_some() {
            sources.push((field.to_string(), layers.origin(field)));
        }
    }
    if layers.get("application_name").is_some() {
        sources.push(("application_name".into(), layers.origin("application_name")));
    } else if layers.get("fallback_application_name").is_some() {
        sources.push((
            "application_name".into(),
            layers.origin("fallback_application_name"),
        ));
    }

    let mut params = ConnParams {
        host,
        port,
        user,
        dbname,
        password: layers.get("password").map(Password::new),
        sslmode,
        sslrootcert,
        default_sslrootcert: home.map(|h| h.join(".postgresql").join("root.crt")),
        application_name,
        connect_timeout,
        passfile,
        sources,
        warnings: Vec::new(),
        passfile_label,
    };
    for w in layers.warnings {
        params.warn(w);
    }
    params.fill_password_from_passfile();
    Ok(params)
}

/// libpq: zero or negative means wait forever, and anything below two
/// seconds is raised to two, because one second is too short to be useful.
pub(super) fn parse_connect_timeout(s: &str) -> Option<Option<Duration>> {
    let secs: i64 = s.trim().parse().ok()?;
    Some(match secs {
        i64::MIN..=0 => None,
        1 => Some(Duration::from_secs(2)),
        n => Some(Duration::from_secs(n.unsigned_abs())),
    })
}
