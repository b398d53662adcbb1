//! The command palette's recent picks, kept between runs in the drafts
//! directory (per database and person, 0700) as one id a line
//! (`action:sort`, `open:roster`, `drafts`): never student data. Read at
//! start and written at exit by the terminal loop, so `update` stays pure;
//! a crash loses only the order of the palette.

use std::io;
use std::path::{Path, PathBuf};

/// Most ids kept (the palette keeps as many).
const MOST: usize = 10;

/// An id is short and plain; anything else in the file is ignored.
fn plausible(id: &str) -> bool {
    (1..=80).contains(&id.len())
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, ':' | '.' | '_' | '-'))
}

pub fn path(drafts_dir: &Path) -> PathBuf {
    drafts_dir.join("palette-recent")
}

/// The ids kept, newest first; none when there is no file or it cannot
/// be read.
pub fn load(path: &Path) -> Vec<String> {
    let Ok(text) = std::fs::read_to_string(path) else {
        return Vec::new();
    };
    let mut out: Vec<String> = Vec::new();
    for id in text.lines().map(str::trim).filter(|l| plausible(l)) {
        if !out.iter().any(|o| o == id) {
            out.push(id.to_string());
        }
    }
    out.truncate(MOST);
    out
}

/// Replaces the file (written beside it, then renamed, mode 0600).
pub fn save(path: &Path, ids: &[String]) -> io::Result<()> {
    let text: String = ids
        .iter()
        .filter(|id| plausible(id))
        .take(MOST)
        .map(|id| format!("{id}\n"))
        .collect();
    let tmp = path.with_extension(format!("tmp.{}", std::process::id()));
    {
        use std::io::Write;
        let mut f = std::fs::OpenOptions::new();
        f.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            f.mode(0o600);
        }
        let mut file = f.open(&tmp)?;
        file.write_all(text.as_bytes())?;
    }
    std::fs::rename(&tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&tmp);
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recent_picks_survive_a_restart_and_garbage_is_ignored() {
        let dir = tempfile::tempdir().unwrap();
        let p = path(dir.path());
        assert!(load(&p).is_empty(), "no file yet");
        let ids = vec![
            "action:sort".to_string(),
            "open:admin.users".into(),
            "drafts".into(),
        ];
        save(&p, &ids).unwrap();
        assert_eq!(load(&p), ids);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&p).unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0, "{mode:o}");
        }
        std::fs::write(
            &p,
            "drafts\n\x1b]0;x\x07\nopen:roster\ndrafts\nwith space\n",
        )
        .unwrap();
        assert_eq!(load(&p), ["drafts", "open:roster"]);
        let many: Vec<String> = (0..30).map(|i| format!("action:a{i}")).collect();
        save(&p, &many).unwrap();
        assert_eq!(load(&p).len(), 10);
    }
}
