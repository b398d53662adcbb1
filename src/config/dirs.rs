//! Where caseload keeps its files. XDG variables are honoured first because
//! `directories::ProjectDirs` ignores them on macOS.

use std::path::{Path, PathBuf};

pub const APP: &str = "caseload";

fn project_dirs() -> Option<directories::ProjectDirs> {
    directories::ProjectDirs::from("", "", APP)
}

fn xdg(env: &dyn Fn(&str) -> Option<String>, var: &str) -> Option<PathBuf> {
    // The XDG spec says relative values are invalid and must be ignored.
    env(var)
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .map(|p| p.join(APP))
}

/// Logs and unsaved drafts: `$XDG_STATE_HOME/caseload`, else the platform's
/// state (or, lacking one, local data) directory.
pub fn state_dir(env: &dyn Fn(&str) -> Option<String>) -> Option<PathBuf> {
    xdg(env, "XDG_STATE_HOME").or_else(|| {
        project_dirs().map(|d| {
            d.state_dir()
                .unwrap_or_else(|| d.data_local_dir())
                .to_path_buf()
        })
    })
}

/// Demo data and other generated files: `$XDG_DATA_HOME/caseload`, else the
/// platform data directory.
pub fn data_dir(env: &dyn Fn(&str) -> Option<String>) -> Option<PathBuf> {
    xdg(env, "XDG_DATA_HOME").or_else(|| project_dirs().map(|d| d.data_dir().to_path_buf()))
}

/// The platform config directory, the last place a config file is looked for.
pub fn platform_config_dir() -> Option<PathBuf> {
    project_dirs().map(|d| d.config_dir().to_path_buf())
}

/// Creates `path` and its parents with 0700, and tightens `path` itself if
/// it already existed: drafts hold notes about students.
pub fn ensure_dir(path: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
        builder.mode(0o700);
        builder.create(path)?;
        let mode = std::fs::metadata(path)?.permissions().mode();
        if mode & 0o077 != 0 {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o700))?;
        }
        Ok(())
    }
    #[cfg(not(unix))]
    builder.create(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xdg_first_and_relative_ignored() {
        let env = |k: &str| match k {
            "XDG_STATE_HOME" => Some("/s".to_string()),
            "XDG_DATA_HOME" => Some("relative".to_string()),
            _ => None,
        };
        assert_eq!(state_dir(&env), Some(PathBuf::from("/s/caseload")));
        let data = data_dir(&env);
        assert_ne!(data, Some(PathBuf::from("relative/caseload")));
    }

    #[cfg(unix)]
    #[test]
    fn ensure_dir_is_private() {
        use std::os::unix::fs::PermissionsExt;
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("a/b");
        ensure_dir(&dir).unwrap();
        let mode = std::fs::metadata(&dir).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o700);
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
        ensure_dir(&dir).unwrap();
        let mode = std::fs::metadata(&dir).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o700);
    }
}
