//! The reports folder: local for now (`$XDG_DATA_HOME/caseload/reports`,
//! mode 0700), until reports go to the documents store. Beside each report
//! a small `.report.json` keeps its spec, so the Reports screen can list it
//! and run it again.

use super::{Built, ReportError, Spec, Written};
use crate::db::unnamed::Unnamed;
use crate::export::file::write_new;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Whose reports: the database and the login they are read through.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Whose {
    pub database: String,
    pub login: String,
}

/// The connection's database and login (`session_user`: who signed in).
pub async fn whose(
    c: &(impl tokio_postgres::GenericClient + Sync),
) -> Result<Whose, tokio_postgres::Error> {
    let r = c
        .fetch_one("SELECT current_database()::text, session_user::text", &[])
        .await?;
    Ok(Whose {
        database: r.get(0),
        login: r.get(1),
    })
}

/// `data_dir/reports/<database>/<login>`: one folder per person and
/// database, so the Reports screen never lists what another person (on a
/// shared account, or a demo of another database) wrote.
pub fn default_dir(env: &dyn Fn(&str) -> Option<String>, who: &Whose) -> Option<PathBuf> {
    crate::config::data_dir(env).map(|d| {
        d.join("reports")
            .join(path_safe(&who.database))
            .join(path_safe(&who.login))
    })
}

/// A name as one path component: letters, digits, `_`, `-`, `.` kept, the
/// rest `_`; never `.`, `..` or empty.
fn path_safe(name: &str) -> String {
    let s: String = name
        .chars()
        .map(|c| match c {
            'a'..='z' | 'A'..='Z' | '0'..='9' | '_' | '-' | '.' => c,
            _ => '_',
        })
        .collect();
    match s.trim_start_matches('.') {
        "" => "_".into(),
        _ if s.starts_with('.') => format!("_{s}"),
        _ => s,
    }
}

/// What the `.report.json` beside a report holds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Entry {
    pub title: String,
    pub spec: Spec,
    /// File names in the same folder.
    pub html: String,
    pub csv: Option<String>,
    pub written_at: chrono::DateTime<chrono::Utc>,
}

const SIDECAR: &str = "report.json";

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> ReportError + '_ {
    move |source| ReportError::Io {
        path: path.to_path_buf(),
        source,
    }
}

fn name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Writes the report's files, never over existing ones.
pub fn save(dir: &Path, spec: &Spec, stem: &str, built: &Built) -> Result<Written, ReportError> {
    crate::config::ensure_dir(dir).map_err(io(dir))?;
    let html = write_new(dir, stem, "html", built.html.as_bytes()).map_err(io(dir))?;
    let stem = html
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| stem.to_string());
    let mut written = Written {
        title: built.title.clone(),
        html,
        csv: None,
        students: built.students.len(),
    };
    let rest = (|| {
        if let Some(t) = &built.csv {
            written.csv = Some(write_new(dir, &stem, "csv", t.to_csv(true).as_bytes())?);
        }
        let entry = Entry {
            title: built.title.clone(),
            spec: spec.clone(),
            html: name(&written.html),
            csv: written.csv.as_deref().map(name),
            written_at: chrono::Utc::now(),
        };
        let json = serde_json::to_vec_pretty(&entry).map_err(std::io::Error::other)?;
        write_new(dir, &stem, SIDECAR, &json)
    })();
    if let Err(e) = rest {
        remove(&written);
        return Err(io(dir)(e));
    }
    Ok(written)
}

/// Removes a report's files (a failed run).
pub fn remove(w: &Written) {
    for p in std::iter::once(&w.html).chain(w.csv.as_ref()) {
        let _ = std::fs::remove_file(p);
        let _ = std::fs::remove_file(p.with_extension(SIDECAR));
    }
}

/// The reports in `dir`, newest first; unreadable sidecars are skipped. A
/// missing folder is no reports yet.
pub fn list(dir: &Path) -> std::io::Result<Vec<Entry>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(e),
    };
    let mut out = Vec::new();
    for e in entries.flatten() {
        let path = e.path();
        if !name(&path).ends_with(&format!(".{SIDECAR}")) {
            continue;
        }
        // Sidecars are small; anything larger is not ours.
        if e.metadata().map(|m| m.len() > 64 * 1024).unwrap_or(true) {
            continue;
        }
        if let Ok(entry) = std::fs::read(&path)
            .map_err(|_| ())
            .and_then(|b| serde_json::from_slice::<Entry>(&b).map_err(|_| ()))
        {
            out.push(entry);
        }
    }
    out.sort_by(|a, b| b.written_at.cmp(&a.written_at).then(a.html.cmp(&b.html)));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_person_and_database_has_a_folder_no_name_can_escape() {
        let env = |k: &str| (k == "XDG_DATA_HOME").then(|| "/d".to_string());
        let who = |database: &str, login: &str| Whose {
            database: database.into(),
            login: login.into(),
        };
        assert_eq!(
            default_dir(&env, &who("caseload", "dana")),
            Some(PathBuf::from("/d/caseload/reports/caseload/dana"))
        );
        assert_eq!(
            default_dir(&env, &who("..", "../x/y")),
            Some(PathBuf::from("/d/caseload/reports/_/_.._x_y"))
        );
        assert_eq!(path_safe(""), "_");
        assert_eq!(path_safe(".hidden"), "_.hidden");
    }

    fn built() -> Built {
        Built {
            title: "T".into(),
            html: "<!DOCTYPE html><html></html>".into(),
            csv: Some(crate::export::csv::Table {
                columns: vec!["a"],
                rows: vec![vec![Some("1".into())]],
            }),
            students: vec![],
        }
    }

    #[test]
    fn saved_reports_list_back_and_never_overwrite() {
        let dir = tempfile::tempdir().unwrap();
        let spec = Spec::Student {
            student: "S1".into(),
            school: None,
        };
        let a = save(dir.path(), &spec, "progress-S1", &built()).unwrap();
        let b = save(dir.path(), &spec, "progress-S1", &built()).unwrap();
        assert_ne!(a.html, b.html);
        assert_eq!(name(&b.html), "progress-S1 (2).html");
        assert_eq!(
            b.csv.as_deref().map(name).as_deref(),
            Some("progress-S1 (2).csv")
        );
        let listed = list(dir.path()).unwrap();
        assert_eq!(listed.len(), 2);
        assert!(listed.iter().all(|e| e.spec == spec));
        remove(&a);
        assert_eq!(list(dir.path()).unwrap().len(), 1);
    }

    #[test]
    fn a_missing_folder_has_no_reports() {
        assert!(
            list(Path::new("/nonexistent/caseload-reports"))
                .unwrap()
                .is_empty()
        );
    }
}
