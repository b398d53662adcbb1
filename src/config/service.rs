//! The libpq connection service file (`pg_service.conf`): INI sections named
//! after services, each a list of `keyword=value` lines.

use std::path::{Path, PathBuf};

use super::conn::ConnError;

/// The settings of one service and the file they came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Service {
    pub file: PathBuf,
    pub values: Vec<(String, String)>,
}

/// Looks `name` up in each file in turn, as libpq does: the first file that
/// defines the service wins, and a missing file is simply skipped.
pub fn find(name: &str, files: &[PathBuf]) -> Result<Service, ConnError> {
    for file in files {
        let text = match std::fs::read_to_string(file) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => {
                return Err(ConnError::ServiceFileRead {
                    path: file.clone(),
                    message: e.to_string(),
                });
            }
        };
        if let Some(values) = parse_section(&text, name, file)? {
            return Ok(Service {
                file: file.clone(),
                values,
            });
        }
    }
    Err(ConnError::ServiceNotFound {
        name: name.to_string(),
        searched: files.to_vec(),
    })
}

/// Returns the values of section `name`, or None if the text has no such
/// section. Syntax errors anywhere in the file are reported, as libpq does,
/// so a typo is found before it matters.
pub fn parse_section(
    text: &str,
    name: &str,
    path: &Path,
) -> Result<Option<Vec<(String, String)>>, ConnError> {
    let mut current: Option<&str> = None;
    let mut found: Option<Vec<(String, String)>> = None;
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let syntax = |message: &str| ConnError::ServiceFileSyntax {
            path: path.to_path_buf(),
            line: i + 1,
            message: message.to_string(),
        };
        if let Some(section) = line.strip_prefix('[') {
            let section = section
                .strip_suffix(']')
                .ok_or_else(|| syntax("section header is missing its closing ']'"))?;
            current = Some(section.trim());
            // Only the first definition of a service counts, as in libpq.
            if section.trim() == name && found.is_none() {
                found = Some(Vec::new());
            }
            continue;
        }
        let (k, v) = line
            .split_once('=')
            .ok_or_else(|| syntax("expected keyword=value"))?;
        let key = k.trim();
        if key.is_empty() {
            return Err(syntax("empty keyword before '='"));
        }
        if current.is_none() {
            return Err(syntax("keyword=value line before any [service] section"));
        }
        if current == Some(name) {
            if key == "service" {
                return Err(syntax("nested service specifications are not supported"));
            }
            if let Some(values) = found.as_mut() {
                values.push((key.to_string(), v.trim().to_string()));
            }
        }
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "\
# district services
[prod]
host=db.district.org
port = 6432
dbname=sis

[local]
host=/var/run/postgresql
dbname=caseload
";

    #[test]
    fn picks_the_named_section() {
        let p = Path::new("/x/pg_service.conf");
        let prod = parse_section(TEXT, "prod", p).unwrap().unwrap();
        assert_eq!(
            prod,
            vec![
                ("host".into(), "db.district.org".into()),
                ("port".into(), "6432".into()),
                ("dbname".into(), "sis".into()),
            ]
        );
        let local = parse_section(TEXT, "local", p).unwrap().unwrap();
        assert_eq!(local[0].1, "/var/run/postgresql");
        assert_eq!(parse_section(TEXT, "nope", p).unwrap(), None);
    }

    #[test]
    fn syntax_errors_name_file_and_line() {
        let e = parse_section("[a]\nhost\n", "a", Path::new("/etc/s.conf"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("/etc/s.conf") && e.contains("line 2"), "{e}");
        assert!(parse_section("host=x\n", "a", Path::new("/s")).is_err());
        assert!(parse_section("[a\n", "a", Path::new("/s")).is_err());
    }

    #[test]
    fn first_file_defining_the_service_wins() {
        let dir = tempfile::tempdir().unwrap();
        let user = dir.path().join("user.conf");
        let sys = dir.path().join("sys.conf");
        std::fs::write(&user, "[other]\nhost=u\n").unwrap();
        std::fs::write(&sys, "[svc]\nhost=s\n").unwrap();
        let files = vec![dir.path().join("missing.conf"), user.clone(), sys.clone()];
        let s = find("svc", &files).unwrap();
        assert_eq!(s.file, sys);
        let e = find("nope", &files).unwrap_err().to_string();
        assert!(e.contains("service \"nope\" not found"), "{e}");
        assert!(e.contains(&user.display().to_string()), "{e}");
    }
}
