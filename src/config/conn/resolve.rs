//! Gathering the layers in libpq's order (see the precedence in [`super`]):
//! the explicit string, the service file, PG* variables.

use std::path::{Path, PathBuf};

use super::build::build;
use super::layers::Layers;
use super::{ConnError, ConnParams};
use crate::config::{conninfo, service};

const ENV_VARS: &[(&str, &str)] = &[
    ("host", "PGHOST"),
    ("port", "PGPORT"),
    ("user", "PGUSER"),
    ("dbname", "PGDATABASE"),
    ("password", "PGPASSWORD"),
    ("passfile", "PGPASSFILE"),
    ("sslmode", "PGSSLMODE"),
    ("sslrootcert", "PGSSLROOTCERT"),
    ("application_name", "PGAPPNAME"),
    ("connect_timeout", "PGCONNECT_TIMEOUT"),
];

/// Resolves from a `--database-url` value (or, failing that, `DATABASE_URL`)
/// and the given environment. `home` locates `~/.pgpass` and
/// `~/.pg_service.conf`.
pub fn resolve(
    explicit: Option<&str>,
    env: &dyn Fn(&str) -> Option<String>,
    home: Option<&Path>,
) -> Result<ConnParams, ConnError> {
    resolve_with_config(explicit, None, env, home)
}

/// Like [`resolve`], with the config file's `database.url` as the lowest
/// explicit source: it only applies when neither the flag nor `DATABASE_URL`
/// is set.
pub fn resolve_with_config(
    flag: Option<&str>,
    config_url: Option<&str>,
    env: &dyn Fn(&str) -> Option<String>,
    home: Option<&Path>,
) -> Result<ConnParams, ConnError> {
    // Empty variables count as unset, as an empty PGHOST does in libpq.
    let env = |k: &str| env(k).filter(|v| !v.is_empty());
    let mut layers = Layers::default();

    let explicit = match (flag, env("DATABASE_URL"), config_url) {
        (Some(f), _, _) => Some((f.to_string(), "--database-url")),
        (None, Some(d), _) => Some((d, "DATABASE_URL")),
        (None, None, Some(c)) => Some((c.to_string(), "config file database.url")),
        (None, None, None) => None,
    };
    if let Some((text, origin)) = &explicit {
        let pairs = conninfo::parse(text).map_err(|e| e.in_origin(origin))?;
        layers.add(pairs, origin, true)?;
    }

    let service_name = match layers.get("service") {
        Some(s) => Some(s.to_string()),
        None => env("PGSERVICE"),
    };
    if let Some(name) = service_name {
        let mut files = Vec::new();
        match env("PGSERVICEFILE") {
            Some(f) => files.push(PathBuf::from(f)),
            None => files.extend(home.map(|h| h.join(".pg_service.conf"))),
        }
        if let Some(dir) = env("PGSYSCONFDIR") {
            files.push(Path::new(&dir).join("pg_service.conf"));
        }
        let svc = service::find(&name, &files)?;
        let origin = format!("service file {} [{name}]", svc.file.display());
        layers.add(svc.values, &origin, false)?;
    }

    for (key, var) in ENV_VARS {
        if layers.get(key).is_none()
            && let Some(v) = env(var)
        {
            layers.values.insert(key.to_string(), (v, var.to_string()));
        }
    }

    let user_default = || {
        env("USER")
            .or_else(|| env("LOGNAME"))
            .unwrap_or_else(|| "postgres".into())
    };
    build(layers, user_default, home)
}

/// [`resolve`] with the real process environment and home directory.
pub fn resolve_from_process(explicit: Option<&str>) -> Result<ConnParams, ConnError> {
    resolve_from_process_with_config(explicit, None)
}

/// [`resolve_with_config`] with the real process environment and home.
pub fn resolve_from_process_with_config(
    flag: Option<&str>,
    config_url: Option<&str>,
) -> Result<ConnParams, ConnError> {
    let env = |k: &str| std::env::var(k).ok();
    let home = process_home();
    resolve_with_config(flag, config_url, &env, home.as_deref())
}

pub(crate) fn process_home() -> Option<PathBuf> {
    std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .map(PathBuf::from)
        .or_else(|| directories::BaseDirs::new().map(|b| b.home_dir().to_path_buf()))
}
