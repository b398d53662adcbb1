//! Where exports go and how they are written: a chosen folder (by default
//! the person's download folder), a new file every time. An existing file
//! is never replaced: the next free name `roster-2026-12-03 (2).csv` is
//! taken instead, and the path written is reported.

use std::io::Write;
use std::path::{Path, PathBuf};

/// The download folder: `XDG_DOWNLOAD_DIR` (as `xdg-user-dirs` sets it),
/// else the platform's, else `~/Downloads`, else the home folder.
pub fn default_dir(env: &dyn Fn(&str) -> Option<String>) -> Option<PathBuf> {
    if let Some(d) = env("XDG_DOWNLOAD_DIR")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
    {
        return Some(d);
    }
    if let Some(d) =
        directories::UserDirs::new().and_then(|u| u.download_dir().map(Path::to_path_buf))
    {
        return Some(d);
    }
    let home = env("HOME").map(PathBuf::from).filter(|p| p.is_absolute())?;
    let downloads = home.join("Downloads");
    Some(if downloads.is_dir() { downloads } else { home })
}

/// How many numbered names are tried before giving up.
const MAX_TRIES: u32 = 999;

/// `stem.ext`, or `stem (n).ext` for n ≥ 2.
fn numbered(stem: &str, ext: &str, n: u32) -> String {
    if n == 1 {
        format!("{stem}.{ext}")
    } else {
        format!("{stem} ({n}).{ext}")
    }
}

/// Writes `bytes` to a new file `stem.ext` in `dir` (created if missing),
/// or the first free numbered name; returns the path. The file is created
/// exclusively (O_EXCL), so a file that appears meanwhile is not replaced
/// either; mode 0600 on Unix, since exports hold student records. A
/// failed write removes the partial file.
pub fn write_new(dir: &Path, stem: &str, ext: &str, bytes: &[u8]) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    for n in 1..=MAX_TRIES {
        let path = dir.join(numbered(stem, ext, n));
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        match options.open(&path) {
            Ok(mut f) => {
                let written = f.write_all(bytes).and_then(|()| f.sync_all());
                if let Err(e) = written {
                    let _ = std::fs::remove_file(&path);
                    return Err(e);
                }
                return Ok(path);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::new(
        std::io::ErrorKind::AlreadyExists,
        format!(
            "{} and {MAX_TRIES} numbered names after it exist already in {}",
            numbered(stem, ext, 1),
            dir.display()
        ),
    ))
}

/// A file name part from free text (a school's local id, a username):
/// letters, digits, `-` and `_` kept, anything else (path separators, dots,
/// control characters) turned into `_`, at most 40 characters.
pub fn name_part(s: &str) -> String {
    s.chars()
        .take(40)
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_overwrites_and_numbers_the_next() {
        let dir = tempfile::tempdir().unwrap();
        let a = write_new(dir.path(), "roster", "csv", b"one").unwrap();
        let b = write_new(dir.path(), "roster", "csv", b"two").unwrap();
        assert_eq!(a.file_name().unwrap(), "roster.csv");
        assert_eq!(b.file_name().unwrap(), "roster (2).csv");
        assert_eq!(std::fs::read(&a).unwrap(), b"one");
        assert_eq!(std::fs::read(&b).unwrap(), b"two");
    }

    #[test]
    fn name_parts_cannot_leave_the_folder() {
        assert_eq!(name_part("../../etc/passwd"), "______etc_passwd");
        assert_eq!(name_part("LIN-01"), "LIN-01");
    }

    #[test]
    fn download_dir_follows_xdg() {
        let env = |k: &str| (k == "XDG_DOWNLOAD_DIR").then(|| "/tmp/dl".to_string());
        assert_eq!(default_dir(&env), Some(PathBuf::from("/tmp/dl")));
    }
}
