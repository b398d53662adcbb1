//! The libpq password file (`~/.pgpass`, `PGPASSFILE`):
//! `hostname:port:database:username:password`, `*` matching anything in the
//! first four fields, `\` escaping `:` and `\`.

use std::path::Path;

/// One lookup key. `host` is already mapped to "localhost" for socket dirs.
#[derive(Debug, Clone, Copy)]
pub struct Target<'a> {
    pub host: &'a str,
    pub port: &'a str,
    pub dbname: &'a str,
    pub user: &'a str,
}

/// What a lookup found: the password, or nothing plus warnings explaining
/// why the file was skipped.
#[derive(Debug, Default)]
pub struct Lookup {
    pub password: Option<String>,
    pub warnings: Vec<String>,
}

/// libpq looks up socket connections under "localhost", so users' existing
/// files keep matching.
pub fn host_for_lookup(host: &str) -> &str {
    if host.is_empty() || host.starts_with('/') {
        "localhost"
    } else {
        host
    }
}

/// Reads `path` and returns the first matching password. A missing file is
/// not an error; a file others can read is ignored with a warning, as libpq
/// does, so that a leaked password file is noticed instead of used.
pub fn lookup(path: &Path, target: Target<'_>) -> Lookup {
    let mut out = Lookup::default();
    let meta = match std::fs::metadata(path) {
        Ok(m) => m,
        Err(_) => return out,
    };
    if !meta.is_file() {
        out.warnings.push(format!(
            "password file \"{}\" is not a plain file; ignoring it",
            path.display()
        ));
        return out;
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if meta.permissions().mode() & 0o077 != 0 {
            out.warnings.push(format!(
                "password file \"{}\" has group or world access; permissions should be u=rw (0600) or less; ignoring it",
                path.display()
            ));
            return out;
        }
    }
    match std::fs::read_to_string(path) {
        Ok(text) => out.password = find(&text, target),
        Err(e) => out.warnings.push(format!(
            "could not read password file \"{}\": {e}",
            path.display()
        )),
    }
    out
}

/// Finds the first line matching `target` in the file's text.
pub fn find(text: &str, target: Target<'_>) -> Option<String> {
    text.lines()
        .map(|l| l.trim_end_matches('\r'))
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(split_line)
        .find(|f| {
            f.matches(0, target.host)
                && f.matches(1, target.port)
                && f.matches(2, target.dbname)
                && f.matches(3, target.user)
        })
        .map(|mut f| std::mem::take(&mut f.values[4]))
}

struct Fields {
    values: [String; 5],
    /// `\*` is a literal asterisk, so wildcard-ness is decided before unescaping.
    escaped: [bool; 5],
}

impl Fields {
    fn matches(&self, i: usize, value: &str) -> bool {
        (self.values[i] == "*" && !self.escaped[i]) || self.values[i] == value
    }
}

/// Splits on unescaped ':' into exactly five unescaped fields; the password
/// takes the rest of the line. Lines with fewer fields are skipped, as libpq
/// skips them.
fn split_line(line: &str) -> Option<Fields> {
    let mut f = Fields {
        values: Default::default(),
        escaped: [false; 5],
    };
    let mut idx = 0;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                f.escaped[idx] = true;
                if let Some(n) = chars.next() {
                    f.values[idx].push(n);
                }
            }
            ':' if idx < 4 => idx += 1,
            c => f.values[idx].push(c),
        }
    }
    (idx == 4).then_some(f)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t<'a>(host: &'a str, port: &'a str, dbname: &'a str, user: &'a str) -> Target<'a> {
        Target {
            host,
            port,
            dbname,
            user,
        }
    }

    #[test]
    fn wildcards_and_first_match_wins() {
        let text = "# comment\n\
                    db1:5432:school:alice:first\n\
                    *:*:*:alice:second\n\
                    *:*:*:*:fallback\n";
        assert_eq!(
            find(text, t("db1", "5432", "school", "alice")).as_deref(),
            Some("first")
        );
        assert_eq!(
            find(text, t("db2", "5432", "school", "alice")).as_deref(),
            Some("second")
        );
        assert_eq!(
            find(text, t("db2", "1", "x", "bob")).as_deref(),
            Some("fallback")
        );
        assert_eq!(
            find(
                "db1:5432:school:alice:p",
                t("db1", "5433", "school", "alice")
            ),
            None
        );
    }

    #[test]
    fn escapes_in_fields_and_password() {
        let text = r"my\:host:5432:d\\b:u:pa\:ss\\word:tail";
        assert_eq!(
            find(text, t("my:host", "5432", r"d\b", "u")).as_deref(),
            Some(r"pa:ss\word:tail")
        );
        assert_eq!(find(r"\*:*:*:*:p", t("h", "1", "d", "u")), None);
        assert_eq!(
            find(r"\*:*:*:*:p", t("*", "1", "d", "u")).as_deref(),
            Some("p")
        );
        assert_eq!(find("short:line", t("short", "line", "", "")), None);
    }

    #[test]
    fn socket_host_looks_up_localhost() {
        assert_eq!(host_for_lookup("/var/run/postgresql"), "localhost");
        assert_eq!(host_for_lookup(""), "localhost");
        assert_eq!(host_for_lookup("db1"), "db1");
        let text = "localhost:5432:*:postgres:sock";
        assert_eq!(
            find(
                text,
                t(
                    host_for_lookup("/var/run/postgresql"),
                    "5432",
                    "x",
                    "postgres"
                )
            )
            .as_deref(),
            Some("sock")
        );
    }

    #[cfg(unix)]
    #[test]
    fn permissions_rule() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pgpass");
        std::fs::write(&path, "*:*:*:*:secret\n").unwrap();
        let target = t("h", "5432", "d", "u");

        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
        let l = lookup(&path, target);
        assert_eq!(l.password, None);
        assert_eq!(l.warnings.len(), 1);
        assert!(l.warnings[0].contains("group or world access"));

        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        let l = lookup(&path, target);
        assert_eq!(l.password.as_deref(), Some("secret"));
        assert!(l.warnings.is_empty());

        let missing = lookup(&dir.path().join("nope"), target);
        assert!(missing.password.is_none() && missing.warnings.is_empty());
    }
}
