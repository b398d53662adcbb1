//! Parsing of the two libpq connection-string forms into raw `(keyword, value)`
//! pairs. Interpreting the values (ports, sslmode, …) is `conn`'s job, so that
//! errors there can name where a value came from.
//!
//! Error messages never echo the input: it may hold a password.

use percent_encoding::percent_decode_str;

use super::conn::ConnError;

/// Whether `s` uses the URL form rather than `key=value` pairs.
pub fn is_url(s: &str) -> bool {
    s.starts_with("postgresql://") || s.starts_with("postgres://")
}

/// Parses either form. Later duplicates of a keyword win, as in libpq.
pub fn parse(s: &str) -> Result<Vec<(String, String)>, ConnError> {
    let s = s.trim();
    if is_url(s) {
        parse_url(s)
    } else if s.contains('=') {
        parse_keyword_value(s)
    } else {
        Err(ConnError::MalformedConninfo(
            "expected a postgres:// URL or key=value pairs".into(),
        ))
    }
}

fn malformed_url(msg: impl Into<String>) -> ConnError {
    ConnError::MalformedUrl(msg.into())
}

/// `postgresql://[user[:password]@][host][:port][/dbname][?key=value&…]`
pub fn parse_url(s: &str) -> Result<Vec<(String, String)>, ConnError> {
    let rest = s
        .strip_prefix("postgresql://")
        .or_else(|| s.strip_prefix("postgres://"))
        .ok_or_else(|| malformed_url("scheme must be postgresql:// or postgres://"))?;
    let (before_query, query) = match rest.split_once('?') {
        Some((a, q)) => (a, Some(q)),
        None => (rest, None),
    };
    let (netloc, path) = match before_query.split_once('/') {
        Some((n, p)) => (n, Some(p)),
        None => (before_query, None),
    };

    let mut out = Vec::new();
    // The password may itself contain '@' when not encoded; libpq splits at
    // the last one, and so do we.
    let hostport = match netloc.rsplit_once('@') {
        Some((userinfo, hostport)) => {
            let (user, password) = match userinfo.split_once(':') {
                Some((u, p)) => (u, Some(p)),
                None => (userinfo, None),
            };
            push_decoded(&mut out, "user", user, "user name")?;
            if let Some(p) = password {
                push_decoded(&mut out, "password", p, "password")?;
            }
            hostport
        }
        None => netloc,
    };

    // libpq's `host1:port1,host2:port2`: kept as the comma lists of the
    // keyword form; only `database.read_url` accepts more than one host.
    let mut hosts = Vec::new();
    let mut ports = Vec::new();
    for one in hostport.split(',') {
        let (host, port) = split_host_port(one)?;
        hosts.push(decode(host, "host")?);
        ports.push(match port {
            Some(p) => decode(p, "port")?,
            None => String::new(),
        });
    }
    out.push(("host".into(), hosts.join(",")));
    if ports.iter().any(|p| !p.is_empty()) {
        out.push(("port".into(), ports.join(",")));
    }
    if let Some(path) = path {
        push_decoded(&mut out, "dbname", path, "database name")?;
    }

    if let Some(query) = query {
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            // Not echoed: an unencoded '&' in a password lands here.
            let (k, v) = pair
                .split_once('=')
                .ok_or_else(|| malformed_url("a query parameter has no '=' and value"))?;
            let key = decode(k, "query parameter name")?;
            let value = decode(v, "query parameter value")?;
            out.push((key, value));
        }
    }
    Ok(out.into_iter().filter(|(_, v)| !v.is_empty()).collect())
}

fn split_host_port(hostport: &str) -> Result<(&str, Option<&str>), ConnError> {
    if let Some(rest) = hostport.strip_prefix('[') {
        let (host, after) = rest
            .split_once(']')
            .ok_or_else(|| malformed_url("IPv6 host is missing its closing ']'"))?;
        return match after {
            "" => Ok((host, None)),
            a => match a.strip_prefix(':') {
                Some(port) => Ok((host, Some(port))),
                None => Err(malformed_url("unexpected text after IPv6 host")),
            },
        };
    }
    Ok(match hostport.split_once(':') {
        Some((h, p)) => (h, Some(p)),
        None => (hostport, None),
    })
}

fn push_decoded(
    out: &mut Vec<(String, String)>,
    key: &str,
    raw: &str,
    what: &str,
) -> Result<(), ConnError> {
    out.push((key.to_string(), decode(raw, what)?));
    Ok(())
}

/// Strict percent-decoding: libpq rejects a '%' not followed by two hex
/// digits, where a lenient decoder would let a typo through silently.
fn decode(raw: &str, what: &str) -> Result<String, ConnError> {
    let bytes = raw.as_bytes();
    for (i, b) in bytes.iter().enumerate() {
        if *b == b'%' {
            let ok = bytes.len() > i + 2
                && bytes[i + 1].is_ascii_hexdigit()
                && bytes[i + 2].is_ascii_hexdigit();
            if !ok {
                return Err(malformed_url(format!("invalid percent-encoding in {what}")));
            }
        }
    }
    percent_decode_str(raw)
        .decode_utf8()
        .map(|c| c.into_owned())
        .map_err(|_| malformed_url(format!("{what} is not valid UTF-8 once decoded")))
}

/// `key = value key2='quoted \' value'`: whitespace-separated, values either
/// bare or single-quoted, backslash escaping the next character in both.
pub fn parse_keyword_value(s: &str) -> Result<Vec<(String, String)>, ConnError> {
    let mut out = Vec::new();
    let mut chars = s.chars().peekable();
    loop {
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        if chars.peek().is_none() {
            break;
        }
        let mut key = String::new();
        while let Some(c) = chars.next_if(|c| *c != '=' && !c.is_whitespace()) {
            key.push(c);
        }
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        if chars.next() != Some('=') {
            // A stray word may be the tail of a password with a space in it,
            // so only name it if it is a keyword.
            let what = if key.chars().all(|c| c.is_ascii_lowercase() || c == '_') && key.len() < 30
            {
                format!("\"{key}\"")
            } else {
                "a word".to_string()
            };
            return Err(ConnError::MalformedConninfo(format!(
                "missing \"=\" after {what} (quote values containing spaces: key='a b')"
            )));
        }
        while chars.next_if(|c| c.is_whitespace()).is_some() {}
        let mut value = String::new();
        if chars.next_if_eq(&'\'').is_some() {
            loop {
                match chars.next() {
                    None => {
                        return Err(ConnError::MalformedConninfo(format!(
                            "unterminated quoted value for \"{key}\""
                        )));
                    }
                    Some('\'') => break,
                    Some('\\') => {
                        if let Some(c) = chars.next() {
                            value.push(c);
                        }
                    }
                    Some(c) => value.push(c),
                }
            }
        } else {
            while let Some(c) = chars.next_if(|c| !c.is_whitespace()) {
                if c == '\\' {
                    if let Some(e) = chars.next() {
                        value.push(e);
                    }
                } else {
                    value.push(c);
                }
            }
        }
        if !value.is_empty() {
            out.push((key, value));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn get<'a>(v: &'a [(String, String)], k: &str) -> Option<&'a str> {
        v.iter()
            .rev()
            .find(|(key, _)| key == k)
            .map(|(_, v)| v.as_str())
    }

    #[test]
    fn full_url() {
        let v = parse("postgresql://alice:s%40cret@db.example.org:6543/school?sslmode=require&application_name=x").unwrap();
        assert_eq!(get(&v, "user"), Some("alice"));
        assert_eq!(get(&v, "password"), Some("s@cret"));
        assert_eq!(get(&v, "host"), Some("db.example.org"));
        assert_eq!(get(&v, "port"), Some("6543"));
        assert_eq!(get(&v, "dbname"), Some("school"));
        assert_eq!(get(&v, "sslmode"), Some("require"));
        assert_eq!(get(&v, "application_name"), Some("x"));
    }

    #[test]
    fn url_short_forms() {
        assert!(parse("postgres://").unwrap().is_empty());
        let v = parse("postgresql:///mydb").unwrap();
        assert_eq!(get(&v, "dbname"), Some("mydb"));
        assert_eq!(get(&v, "host"), None);
        let v = parse("postgresql://bob@").unwrap();
        assert_eq!(get(&v, "user"), Some("bob"));
        let v = parse("postgresql://[::1]:5433/d").unwrap();
        assert_eq!(get(&v, "host"), Some("::1"));
        assert_eq!(get(&v, "port"), Some("5433"));
    }

    #[test]
    fn url_socket_dir_host() {
        let v = parse("postgresql://%2Fvar%2Frun%2Fpostgresql/db").unwrap();
        assert_eq!(get(&v, "host"), Some("/var/run/postgresql"));
        let v = parse("postgresql:///db?host=/tmp").unwrap();
        assert_eq!(get(&v, "host"), Some("/tmp"));
    }

    #[test]
    fn url_password_with_raw_at_splits_at_last_at() {
        let v = parse("postgresql://u:p@ss@h/d").unwrap();
        assert_eq!(get(&v, "password"), Some("p@ss"));
        assert_eq!(get(&v, "host"), Some("h"));
    }

    #[test]
    fn bad_url_errors_do_not_echo_password() {
        let e = parse("postgresql://u:hunter2%zz@h/d")
            .unwrap_err()
            .to_string();
        assert!(e.contains("percent-encoding"), "{e}");
        assert!(!e.contains("hunter2"), "{e}");
        assert!(parse("postgresql://u@h/d?flag").is_err());
        let v = parse("postgresql://a:5433,[::1]:5434,c/d").unwrap();
        assert_eq!(get(&v, "host"), Some("a,::1,c"));
        assert_eq!(get(&v, "port"), Some("5433,5434,"));
    }

    #[test]
    fn keyword_value_with_quotes_and_escapes() {
        let v = parse(r"host=localhost port = 5433 dbname='my db' password='it\'s \\ x' user=a\ b")
            .unwrap();
        assert_eq!(get(&v, "host"), Some("localhost"));
        assert_eq!(get(&v, "port"), Some("5433"));
        assert_eq!(get(&v, "dbname"), Some("my db"));
        assert_eq!(get(&v, "password"), Some(r"it's \ x"));
        assert_eq!(get(&v, "user"), Some("a b"));
    }

    #[test]
    fn keyword_value_errors() {
        assert!(parse("host=x dbname='open").is_err());
        assert!(parse("host=x dbname").is_err());
        let e = parse("password=hunter 2secret host=x")
            .unwrap_err()
            .to_string();
        assert!(!e.contains("2secret"), "{e}");
        let e = parse("postgres://u:pw@h/d?password=a&b2secret")
            .unwrap_err()
            .to_string();
        assert!(!e.contains("b2secret"), "{e}");
        assert!(parse("justaname").is_err());
    }
}
