//! `database.read_url`: where read-heavy work goes (a standby, or a list of
//! hosts to choose one from), resolved against the person's own connection.
//!
//! tokio-postgres takes several hosts but knows only `target_session_attrs`
//! `any` and `read-write`, and deadpool would pick a host per connection.
//! So the list is split here into one [`ConnParams`] per host, and the
//! worker's read router (`worker::read_target`) tries them in order, asking
//! each what it is, as libpq would.
//!
//! The read target signs in as the same person: user and password always
//! come from the primary connection (row-level security is per login role),
//! so `read_url` names neither.

use std::fmt;
use std::str::FromStr;

use super::build::parse_connect_timeout;
use super::{ConnError, ConnParams};
use crate::config::conninfo;

/// libpq's `target_session_attrs`, as the read router applies it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionAttrs {
    /// The first host that answers.
    Any,
    /// A host that takes writes (`transaction_read_only` off).
    ReadWrite,
    /// A host that does not (a standby, or `default_transaction_read_only`).
    ReadOnly,
    /// A host not in recovery.
    Primary,
    /// A host in recovery.
    Standby,
    /// A standby if one answers, else any host.
    PreferStandby,
}

impl FromStr for SessionAttrs {
    type Err = ();
    fn from_str(s: &str) -> Result<Self, ()> {
        Ok(match s {
            "any" => SessionAttrs::Any,
            "read-write" => SessionAttrs::ReadWrite,
            "read-only" => SessionAttrs::ReadOnly,
            "primary" => SessionAttrs::Primary,
            "standby" => SessionAttrs::Standby,
            "prefer-standby" => SessionAttrs::PreferStandby,
            _ => return Err(()),
        })
    }
}

impl fmt::Display for SessionAttrs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SessionAttrs::Any => "any",
            SessionAttrs::ReadWrite => "read-write",
            SessionAttrs::ReadOnly => "read-only",
            SessionAttrs::Primary => "primary",
            SessionAttrs::Standby => "standby",
            SessionAttrs::PreferStandby => "prefer-standby",
        })
    }
}

impl SessionAttrs {
    /// Whether a host that says it is (or is not) in recovery and read-only
    /// serves on the first pass; `prefer-standby` takes any host on a second.
    pub fn accepts(self, in_recovery: bool, read_only: bool) -> bool {
        match self {
            SessionAttrs::Any => true,
            SessionAttrs::ReadWrite => !read_only,
            SessionAttrs::ReadOnly => read_only,
            SessionAttrs::Primary => !in_recovery,
            SessionAttrs::Standby | SessionAttrs::PreferStandby => in_recovery,
        }
    }
}

/// The hosts of `read_url`, in order, each a complete connection of the
/// person's, and how to choose among them.
#[derive(Debug, Clone)]
pub struct ReadTargets {
    pub hosts: Vec<ConnParams>,
    pub attrs: SessionAttrs,
}

impl ReadTargets {
    /// `host:port, host:port (target_session_attrs=…)`, safe to show.
    pub fn describe(&self) -> String {
        let hosts: Vec<String> = self.hosts.iter().map(host_port).collect();
        format!("{} (target_session_attrs={})", hosts.join(", "), self.attrs)
    }
}

/// `host:port` of one connection, `[v6]:port` for IPv6.
pub fn host_port(p: &ConnParams) -> String {
    if p.host.contains(':') {
        format!("[{}]:{}", p.host, p.port)
    } else {
        format!("{}:{}", p.host, p.port)
    }
}

/// Keywords `read_url` may set; the rest comes from `primary`.
const READ_KEYS: &[&str] = &[
    "host",
    "port",
    "dbname",
    "target_session_attrs",
    "sslmode",
    "sslrootcert",
    "connect_timeout",
];

const ORIGIN: &str = "config file database.read_url";

/// Resolves `read_url` (a URL or key=value string; `host=a,b port=5433,5432`
/// or `postgresql://a:5433,b:5432/db`) against the person's own `primary`
/// connection. `target_session_attrs` defaults to `prefer-standby`: the
/// point of a read target is to spare the primary.
pub fn resolve_read_targets(
    read_url: &str,
    primary: &ConnParams,
) -> Result<ReadTargets, ConnError> {
    let bad = |m: String| ConnError::ReadUrl(m);
    let pairs = conninfo::parse(read_url).map_err(|e| e.in_origin(ORIGIN))?;
    let mut get = std::collections::BTreeMap::new();
    for (k, v) in pairs {
        if k == "user" || k == "password" {
            return Err(bad(format!(
                "\"{k}\" is not allowed: reads sign in as the same person as the main connection"
            )));
        }
        if !READ_KEYS.contains(&k.as_str()) {
            return Err(bad(format!(
                "\"{k}\" is not supported here (only {})",
                READ_KEYS.join(", ")
            )));
        }
        get.insert(k, v);
    }
    let hosts: Vec<&str> = match get.get("host") {
        Some(h) => h.split(',').map(str::trim).collect(),
        None => return Err(bad("no host: name the standby (host=…)".into())),
    };
    if hosts.iter().any(|h| h.is_empty()) {
        return Err(bad("an empty host in the host list".into()));
    }
    let ports: Vec<u16> = match get.get("port") {
        None => vec![primary.port],
        Some(p) => p
            .split(',')
            .map(|one| match one.trim() {
                "" => Ok(super::DEFAULT_PORT),
                t => t.parse::<u16>().ok().filter(|p| *p != 0).ok_or(()),
            })
            .collect::<Result<_, ()>>()
            .map_err(|()| bad(format!("invalid port list \"{p}\"")))?,
    };
    if ports.len() != 1 && ports.len() != hosts.len() {
        return Err(bad(format!(
            "{} hosts but {} ports: give one port for all, or one per host",
            hosts.len(),
            ports.len()
        )));
    }
    let attrs = match get.get("target_session_attrs") {
        None => SessionAttrs::PreferStandby,
        Some(a) => a.parse().map_err(|()| {
            bad(format!(
                "invalid target_session_attrs \"{a}\"; expected any, read-write, read-only, primary, standby or prefer-standby"
            ))
        })?,
    };
    let sslmode = match get.get("sslmode") {
        None => primary.sslmode,
        Some(s) => s
            .parse()
            .map_err(|()| bad(format!("invalid sslmode \"{s}\"")))?,
    };
    let connect_timeout = match get.get("connect_timeout") {
        None => primary.connect_timeout,
        Some(s) => parse_connect_timeout(s)
            .ok_or_else(|| bad(format!("invalid connect_timeout \"{s}\"")))?,
    };
    let mut out = Vec::new();
    for (i, host) in hosts.iter().enumerate() {
        let mut p = primary.clone();
        p.host = host.to_string();
        p.port = ports[if ports.len() == 1 { 0 } else { i }];
        p.sslmode = sslmode;
        p.connect_timeout = connect_timeout;
        if let Some(d) = get.get("dbname") {
            p.dbname = d.clone();
            p.set_source("dbname", ORIGIN);
        }
        if let Some(r) = get.get("sslrootcert") {
            p.sslrootcert = Some(r.into());
            p.set_source("sslrootcert", ORIGIN);
        }
        p.set_source("host", ORIGIN);
        p.set_source("port", ORIGIN);
        p.warnings.clear();
        out.push(p);
    }
    Ok(ReadTargets { hosts: out, attrs })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::conn::resolve;

    fn primary() -> ConnParams {
        resolve(
            Some("host=db.school.org port=5432 user=dana dbname=caseload password=pw sslmode=require"),
            &|_| None,
            None,
        )
        .unwrap()
    }

    #[test]
    fn several_hosts_keep_the_persons_login() {
        let t = resolve_read_targets(
            "host=s1,s2 port=5433,5434 target_session_attrs=read-only",
            &primary(),
        )
        .unwrap();
        assert_eq!(t.attrs, SessionAttrs::ReadOnly);
        let hp: Vec<String> = t.hosts.iter().map(host_port).collect();
        assert_eq!(hp, ["s1:5433", "s2:5434"]);
        for h in &t.hosts {
            assert_eq!(h.user, "dana");
            assert_eq!(h.dbname, "caseload");
            assert_eq!(h.password.as_ref().map(|p| p.expose()), Some("pw"));
            assert_eq!(h.sslmode, crate::config::SslMode::Require);
            assert_eq!(h.source_of("host"), Some(ORIGIN));
        }
        assert_eq!(
            t.describe(),
            "s1:5433, s2:5434 (target_session_attrs=read-only)"
        );
    }

    #[test]
    fn url_form_one_port_for_all_and_prefer_standby_by_default() {
        let t = resolve_read_targets("postgresql://[::1]:5433,s2/reporting", &primary()).unwrap();
        assert_eq!(t.attrs, SessionAttrs::PreferStandby);
        let hp: Vec<String> = t.hosts.iter().map(host_port).collect();
        assert_eq!(hp, ["[::1]:5433", "s2:5432"]);
        assert!(t.hosts.iter().all(|h| h.dbname == "reporting"));
        let t = resolve_read_targets("host=a,b port=6000", &primary()).unwrap();
        assert!(t.hosts.iter().all(|h| h.port == 6000));
    }

    #[test]
    fn mistakes_are_named() {
        let e = |s: &str| resolve_read_targets(s, &primary()).unwrap_err().to_string();
        assert!(
            e("host=a user=x").contains("same person"),
            "{}",
            e("host=a user=x")
        );
        assert!(e("host=a password=x").contains("\"password\" is not allowed"));
        assert!(e("port=5433").contains("no host"));
        assert!(e("host=a,b,c port=1,2").contains("3 hosts but 2 ports"));
        assert!(
            e("host=a target_session_attrs=standby-please")
                .contains("invalid target_session_attrs")
        );
        assert!(e("host=a,,b").contains("empty host"));
        assert!(e("host=a options=-cx").contains("\"options\" is not supported here"));
    }

    #[test]
    fn attrs_choose_like_libpq() {
        use SessionAttrs::*;
        // (in_recovery, read_only): a primary, a standby, a read-only primary.
        let kinds = [(false, false), (true, true), (false, true)];
        let take = |a: SessionAttrs| kinds.map(|(r, ro)| a.accepts(r, ro));
        assert_eq!(take(Any), [true, true, true]);
        assert_eq!(take(ReadWrite), [true, false, false]);
        assert_eq!(take(ReadOnly), [false, true, true]);
        assert_eq!(take(Primary), [true, false, true]);
        assert_eq!(take(Standby), [false, true, false]);
        assert_eq!(take(PreferStandby), [false, true, false]);
    }
}
