//! Files that hold what a counselor typed until the server has it: drafts
//! (`drafts/<id>.json`, the editor's working copy) and the outbox
//! (`outbox/<id>.json`, saves accepted but not yet confirmed by the server).
//!
//! Every write is crash-safe: a private temp file in the same directory
//! (0600, created exclusively), written and fsync'd, renamed over the target,
//! then the directory fsync'd. A crash leaves either the old file or the new
//! one, never a torn one. Temp files left by a crash are ignored by the
//! readers and removed by [`DraftStore::open`].
//!
//! Nothing unexpected is silently dropped or deleted: an unreadable or oddly
//! named file comes back from the readers as a [`StoredFile`] whose `bytes`
//! is an error.

use sha2::{Digest, Sha256};
use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, SystemTime};
use uuid::Uuid;

/// The state directory's folder for one connection target
/// (`user@host:port/db`): readable, and unique by a hash of the target.
pub fn sessions_dir(state_dir: &Path, target: &str) -> PathBuf {
    let readable: String = target
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .take(48)
        .collect();
    let hash = hex::encode(&Sha256::digest(target.as_bytes())[..4]);
    state_dir
        .join("sessions")
        .join(format!("{readable}-{hash}"))
}

const DRAFTS: &str = "drafts";
const CONTEXTS: &str = "contexts";
const OUTBOX: &str = "outbox";
const SUFFIX: &str = ".json";
const TEMP_SUFFIX: &str = ".tmp";

/// A temp file of a live process is removed by `open` only once it is this
/// old: a write takes milliseconds, so it was abandoned.
const TEMP_ABANDONED: Duration = Duration::from_secs(3600);

/// Temp names are unique within the process across stores.
static TEMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// One file found in `drafts/` or `outbox/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredFile {
    /// From the file name `<id>.json`; `Uuid::nil()` when the name is not
    /// of that form (then `bytes` is an error naming the file).
    pub id: Uuid,
    pub path: PathBuf,
    /// The file's modification time (`UNIX_EPOCH` if the system gave none).
    pub modified: SystemTime,
    /// The contents, or why they could not be read.
    pub bytes: Result<Vec<u8>, String>,
}

/// The drafts and outbox directories under the state directory.
#[derive(Debug)]
pub struct DraftStore {
    drafts: PathBuf,
    outbox: PathBuf,
    /// What the session editor needs of an intervention, as last loaded:
    /// lets a session be logged while the database is unreachable.
    contexts: PathBuf,
    /// Serialises draft writes with [`DraftStore::delete_draft_if`]'s
    /// compare-and-delete, so a draft written in between is never deleted.
    draft_lock: Mutex<()>,
}

impl DraftStore {
    /// Creates `<state_dir>/drafts` and `<state_dir>/outbox` (0700, and
    /// tightened to 0700 if they were looser) and removes temp files left by
    /// a crash mid-write.
    pub fn open(state_dir: &Path) -> io::Result<DraftStore> {
        let store = DraftStore {
            drafts: state_dir.join(DRAFTS),
            outbox: state_dir.join(OUTBOX),
            contexts: state_dir.join(CONTEXTS),
            draft_lock: Mutex::new(()),
        };
        private_dir(state_dir)?;
        for dir in [&store.drafts, &store.outbox, &store.contexts] {
            private_dir(dir)?;
            remove_abandoned_temps(dir)?;
        }
        Ok(store)
    }

    /// Keeps an intervention's editor context (crash-safe, 0600).
    pub fn write_context(&self, intervention: Uuid, bytes: &[u8]) -> io::Result<()> {
        write_atomic(&self.contexts, intervention, bytes)
    }

    /// The intervention's editor context as last kept, if any.
    pub fn read_context(&self, intervention: Uuid) -> io::Result<Option<Vec<u8>>> {
        match fs::read(file_path(&self.contexts, intervention)) {
            Ok(b) => Ok(Some(b)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        }
    }

    pub fn drafts_dir(&self) -> &Path {
        &self.drafts
    }

    pub fn outbox_dir(&self) -> &Path {
        &self.outbox
    }

    /// `drafts/<id>.json`.
    pub fn draft_path(&self, id: Uuid) -> PathBuf {
        file_path(&self.drafts, id)
    }

    /// `outbox/<id>.json`.
    pub fn outbox_path(&self, id: Uuid) -> PathBuf {
        file_path(&self.outbox, id)
    }

    /// Atomically replaces `drafts/<id>.json`; durable when this returns.
    pub fn write_draft(&self, id: Uuid, bytes: &[u8]) -> io::Result<()> {
        let _held = self.lock_drafts();
        write_atomic(&self.drafts, id, bytes)
    }

    /// Removes `drafts/<id>.json`; a missing file is fine.
    pub fn delete_draft(&self, id: Uuid) -> io::Result<()> {
        let _held = self.lock_drafts();
        delete(&self.drafts, id)
    }

    /// Every draft, oldest first; see [`StoredFile`].
    pub fn read_drafts(&self) -> io::Result<Vec<StoredFile>> {
        read_all(&self.drafts)
    }

    /// The SHA-256 (hex) of `drafts/<id>.json`, `None` when there is none.
    pub fn draft_fingerprint(&self, id: Uuid) -> io::Result<Option<String>> {
        let _held = self.lock_drafts();
        fingerprint(&self.draft_path(id))
    }

    /// Writes the draft and returns its fingerprint, as one step: no other
    /// draft write of this store comes between.
    pub fn write_draft_fingerprinted(&self, id: Uuid, bytes: &[u8]) -> io::Result<String> {
        let _held = self.lock_drafts();
        write_atomic(&self.drafts, id, bytes)?;
        Ok(fingerprint_of(bytes))
    }

    /// Removes `drafts/<id>.json` only if its contents still have
    /// `fingerprint` (from [`DraftStore::draft_fingerprint`]): a draft
    /// written since (newer typing) is kept. True when it was removed.
    pub fn delete_draft_if(&self, id: Uuid, fingerprint_was: &str) -> io::Result<bool> {
        let _held = self.lock_drafts();
        match fingerprint(&self.draft_path(id))? {
            Some(now) if now == fingerprint_was => {
                delete(&self.drafts, id)?;
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    /// Atomically replaces `outbox/<id>.json`; durable when this returns.
    pub fn write_outbox(&self, id: Uuid, bytes: &[u8]) -> io::Result<()> {
        write_atomic(&self.outbox, id, bytes)
    }

    /// Removes `outbox/<id>.json`; a missing file is fine.
    pub fn delete_outbox(&self, id: Uuid) -> io::Result<()> {
        delete(&self.outbox, id)
    }

    /// Every queued save, oldest first; see [`StoredFile`].
    pub fn read_outbox(&self) -> io::Result<Vec<StoredFile>> {
        read_all(&self.outbox)
    }

    fn lock_drafts(&self) -> std::sync::MutexGuard<'_, ()> {
        // The guarded data is (); a panic while holding it leaves nothing torn.
        self.draft_lock.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// `ensure_dir`, and exactly 0700 even when a umask took the owner's bits.
fn private_dir(dir: &Path) -> io::Result<()> {
    crate::config::dirs::ensure_dir(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if fs::metadata(dir)?.permissions().mode() & 0o777 != 0o700 {
            fs::set_permissions(dir, fs::Permissions::from_mode(0o700))?;
        }
    }
    Ok(())
}

fn file_path(dir: &Path, id: Uuid) -> PathBuf {
    dir.join(format!("{}{SUFFIX}", id.hyphenated()))
}

/// `<id>.json` with the id in its canonical (lowercase, hyphenated) form.
fn id_of(name: &str) -> Option<Uuid> {
    let stem = name.strip_suffix(SUFFIX)?;
    let id = Uuid::parse_str(stem).ok()?;
    (id.hyphenated().to_string() == stem).then_some(id)
}

/// `.<id>.<pid>.<n>.tmp`: the pid of the writer, if the name has one.
fn temp_pid(name: &str) -> Option<Option<u32>> {
    let inner = name.strip_prefix('.')?.strip_suffix(TEMP_SUFFIX)?;
    let mut parts = inner.rsplit('.');
    let _n = parts.next();
    Some(parts.next().and_then(|p| p.parse().ok()))
}

fn is_temp(name: &str) -> bool {
    temp_pid(name).is_some()
}

fn process_alive(pid: u32) -> bool {
    if pid == std::process::id() {
        return true;
    }
    let proc = Path::new("/proc");
    // Without /proc we cannot tell: treat it as alive and go by age.
    !proc.join("self").exists() || proc.join(pid.to_string()).exists()
}

/// Temp files whose writer is gone (or that are long abandoned).
fn remove_abandoned_temps(dir: &Path) -> io::Result<()> {
    let mut removed = false;
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(temp_pid) else {
            continue;
        };
        let age = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|m| SystemTime::now().duration_since(m).ok())
            .unwrap_or(Duration::MAX);
        let abandoned = !pid.is_some_and(process_alive) || age > TEMP_ABANDONED;
        if abandoned {
            match fs::remove_file(entry.path()) {
                Ok(()) => removed = true,
                Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                Err(e) => return Err(e),
            }
        }
    }
    if removed {
        sync_dir(dir)?;
    }
    Ok(())
}

fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    File::open(dir)?.sync_all()?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

fn create_private(path: &Path) -> io::Result<File> {
    let mut opts = OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let file = opts.open(path)?;
    #[cfg(unix)]
    {
        // The mode above is masked by the umask, which may also take the
        // owner's bits; set it exactly.
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(fs::Permissions::from_mode(0o600))?;
    }
    Ok(file)
}

fn write_atomic(dir: &Path, id: Uuid, bytes: &[u8]) -> io::Result<()> {
    let target = file_path(dir, id);
    let (tmp, mut file) = loop {
        let n = TEMP_COUNTER.fetch_add(1, Ordering::Relaxed);
        let tmp = dir.join(format!(
            ".{}.{}.{n}{TEMP_SUFFIX}",
            id.hyphenated(),
            std::process::id()
        ));
        match create_private(&tmp) {
            Ok(f) => break (tmp, f),
            // Left by an earlier process with our pid: take another number.
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    };
    let written = file
        .write_all(bytes)
        .and_then(|()| file.sync_all())
        .and_then(|()| {
            drop(file);
            fs::rename(&tmp, &target)
        });
    if let Err(e) = written {
        let _ = fs::remove_file(&tmp);
        return Err(e);
    }
    sync_dir(dir)
}

fn delete(dir: &Path, id: Uuid) -> io::Result<()> {
    match fs::remove_file(file_path(dir, id)) {
        Ok(()) => sync_dir(dir),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

/// The SHA-256 (hex) of `bytes`, as [`DraftStore::draft_fingerprint`] has it.
pub fn fingerprint_of(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn fingerprint(path: &Path) -> io::Result<Option<String>> {
    match fs::read(path) {
        Ok(bytes) => Ok(Some(fingerprint_of(&bytes))),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e),
    }
}

fn read_all(dir: &Path) -> io::Result<Vec<StoredFile>> {
    let mut out = Vec::new();
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let path = entry.path();
        let name = entry.file_name();
        let name_text = name.to_string_lossy();
        if is_temp(&name_text) {
            continue;
        }
        let meta = fs::symlink_metadata(&path);
        let modified = meta
            .as_ref()
            .ok()
            .and_then(|m| m.modified().ok())
            .unwrap_or(SystemTime::UNIX_EPOCH);
        let (id, bytes) = match name.to_str().and_then(id_of) {
            None => (
                Uuid::nil(),
                Err(format!(
                    "unexpected file {} (not <id>{SUFFIX}); left in place",
                    path.display()
                )),
            ),
            Some(id) => {
                let bytes = match &meta {
                    Ok(m) if !m.is_file() => {
                        Err(format!("{} is not a regular file", path.display()))
                    }
                    _ => {
                        fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))
                    }
                };
                (id, bytes)
            }
        };
        out.push(StoredFile {
            id,
            path,
            modified,
            bytes,
        });
    }
    out.sort_by(|a, b| a.modified.cmp(&b.modified).then(a.path.cmp(&b.path)));
    Ok(out)
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn mode(p: &Path) -> u32 {
        fs::metadata(p).unwrap().permissions().mode() & 0o777
    }

    fn id(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    #[test]
    fn open_makes_private_dirs_and_tightens_loose_ones() {
        let tmp = tempfile::tempdir().unwrap();
        let state = tmp.path().join("state");
        let store = DraftStore::open(&state).unwrap();
        assert_eq!(mode(store.drafts_dir()), 0o700);
        assert_eq!(mode(store.outbox_dir()), 0o700);
        assert_eq!(mode(&state), 0o700);
        fs::set_permissions(store.outbox_dir(), fs::Permissions::from_mode(0o755)).unwrap();
        DraftStore::open(&state).unwrap();
        assert_eq!(mode(store.outbox_dir()), 0o700);
    }

    #[test]
    fn write_read_replace_delete() {
        let tmp = tempfile::tempdir().unwrap();
        let store = DraftStore::open(tmp.path()).unwrap();
        let text = "Nguyễn Thị — 读书 ✓\n".repeat(50);
        store.write_draft(id(1), text.as_bytes()).unwrap();
        store.write_draft(id(2), b"two").unwrap();
        store.write_draft(id(1), b"one, replaced").unwrap();
        store.write_outbox(id(3), text.as_bytes()).unwrap();

        let drafts = store.read_drafts().unwrap();
        let mut got: Vec<(Uuid, Vec<u8>)> = drafts
            .iter()
            .map(|f| (f.id, f.bytes.clone().unwrap()))
            .collect();
        got.sort();
        assert_eq!(
            got,
            vec![(id(1), b"one, replaced".to_vec()), (id(2), b"two".to_vec())]
        );
        let outbox = store.read_outbox().unwrap();
        assert_eq!(outbox.len(), 1);
        assert_eq!(outbox[0].id, id(3));
        assert_eq!(outbox[0].bytes.as_deref().unwrap(), text.as_bytes());
        assert!(outbox[0].modified > SystemTime::UNIX_EPOCH);
        assert_eq!(outbox[0].path, store.outbox_path(id(3)));

        // Only the target files: no temp file survives a write.
        assert_eq!(
            names(store.drafts_dir()),
            vec![format!("{}.json", id(1)), format!("{}.json", id(2))]
        );

        store.delete_draft(id(1)).unwrap();
        store.delete_draft(id(1)).unwrap(); // missing is fine
        store.delete_outbox(id(3)).unwrap();
        store.delete_outbox(id(99)).unwrap();
        assert_eq!(store.read_drafts().unwrap().len(), 1);
        assert!(store.read_outbox().unwrap().is_empty());
    }

    #[test]
    fn files_are_0600() {
        let tmp = tempfile::tempdir().unwrap();
        let store = DraftStore::open(tmp.path()).unwrap();
        store.write_draft(id(1), b"x").unwrap();
        store.write_outbox(id(1), b"y").unwrap();
        assert_eq!(mode(&store.draft_path(id(1))), 0o600);
        assert_eq!(mode(&store.outbox_path(id(1))), 0o600);
    }

    /// The umask is per process: the check runs in a child test process
    /// started by a shell that set umask 000 (and then 0277, which would
    /// leave the owner without write permission).
    #[test]
    fn files_are_0600_under_any_umask() {
        for umask in ["000", "277"] {
            let tmp = tempfile::tempdir().unwrap();
            let mut sh = std::process::Command::new("sh");
            sh.arg("-c")
                .arg(format!("umask {umask} && exec \"$0\" \"$@\""));
            run_child_test(sh, "umask_child", "CASELOAD_UMASK_CHILD_DIR", tmp.path());
            let store_dir = tmp.path().join("state");
            assert_eq!(mode(&store_dir.join(DRAFTS)), 0o700, "umask {umask}");
            let f = file_path(&store_dir.join(DRAFTS), id(7));
            assert_eq!(mode(&f), 0o600, "umask {umask}");
            assert_eq!(fs::read(&f).unwrap(), b"under a umask");
        }
    }

    #[test]
    fn umask_child() {
        let Some(dir) = std::env::var_os("CASELOAD_UMASK_CHILD_DIR") else {
            return; // only meaningful when started by the test above
        };
        let store = DraftStore::open(&Path::new(&dir).join("state")).unwrap();
        store.write_draft(id(7), b"under a umask").unwrap();
        store.write_draft(id(7), b"under a umask").unwrap();
    }

    #[test]
    fn leftover_temps_are_ignored_and_removed_by_open() {
        let tmp = tempfile::tempdir().unwrap();
        let store = DraftStore::open(tmp.path()).unwrap();
        store.write_draft(id(1), b"kept").unwrap();
        // A crash mid-write by a process that is gone (no such pid), one
        // without a pid, and one of ours in progress.
        let dead = store
            .drafts_dir()
            .join(format!(".{}.999999999.0.tmp", id(1)));
        let odd_temp = store.outbox_dir().join(".junk.tmp");
        let ours = store
            .drafts_dir()
            .join(format!(".{}.{}.42.tmp", id(2), std::process::id()));
        fs::write(&dead, b"half a no").unwrap();
        fs::write(&odd_temp, b"").unwrap();
        fs::write(&ours, b"in progress").unwrap();

        let drafts = store.read_drafts().unwrap();
        assert_eq!(drafts.len(), 1);
        assert_eq!(drafts[0].bytes.as_deref().unwrap(), b"kept");
        assert!(store.read_outbox().unwrap().is_empty());

        let reopened = DraftStore::open(tmp.path()).unwrap();
        assert!(!dead.exists());
        assert!(!odd_temp.exists());
        assert!(ours.exists(), "a live writer's temp file is left alone");
        assert_eq!(reopened.read_drafts().unwrap().len(), 1);
    }

    #[test]
    fn odd_and_unreadable_files_are_reported_not_dropped() {
        let tmp = tempfile::tempdir().unwrap();
        let store = DraftStore::open(tmp.path()).unwrap();
        store.write_outbox(id(1), b"{}").unwrap();
        let odd = store.outbox_dir().join("notes.txt");
        fs::write(&odd, b"?").unwrap();
        let upper = store.outbox_dir().join(format!(
            "{}.json",
            id(0xabcdef).hyphenated().to_string().to_uppercase()
        ));
        fs::write(&upper, b"{}").unwrap();
        let dir_named_like_a_file = store.outbox_path(id(3));
        fs::create_dir(&dir_named_like_a_file).unwrap();
        let unreadable = store.outbox_path(id(4));
        fs::write(&unreadable, b"secret").unwrap();
        fs::set_permissions(&unreadable, fs::Permissions::from_mode(0o000)).unwrap();

        let files = store.read_outbox().unwrap();
        assert_eq!(files.len(), 5, "{files:#?}");
        let by_path = |p: &Path| files.iter().find(|f| f.path == p).unwrap();
        assert_eq!(by_path(&store.outbox_path(id(1))).bytes, Ok(b"{}".to_vec()));
        for p in [&odd, &upper] {
            let f = by_path(p);
            assert_eq!(f.id, Uuid::nil());
            assert!(f.bytes.as_ref().unwrap_err().contains("unexpected file"));
        }
        let d = by_path(&dir_named_like_a_file);
        assert_eq!(d.id, id(3));
        assert!(d.bytes.as_ref().unwrap_err().contains("not a regular file"));
        // Whether it can be read depends on who runs this (root reads
        // anything): an_unreadable_file_is_reported_to_an_unprivileged_user.
        assert_eq!(by_path(&unreadable).id, id(4));

        // Opening again removes none of them.
        DraftStore::open(tmp.path()).unwrap();
        assert!(odd.exists() && upper.exists() && unreadable.exists());
        assert!(dir_named_like_a_file.is_dir());
    }

    /// A file its owner cannot read is reported as such. Root reads
    /// anything, and CI runs as root: there the check runs in a child test
    /// process as `nobody`.
    #[test]
    fn an_unreadable_file_is_reported_to_an_unprivileged_user() {
        use std::os::unix::fs::MetadataExt;
        let tmp = tempfile::tempdir().unwrap();
        if fs::metadata("/proc/self").unwrap().uid() != 0 {
            return unreadable_is_reported(tmp.path());
        }
        let nobody = |flag: &str| -> u32 {
            let out = std::process::Command::new("id")
                .args([flag, "nobody"])
                .output();
            let out = out.unwrap();
            String::from_utf8_lossy(&out.stdout).trim().parse().unwrap()
        };
        std::os::unix::fs::chown(tmp.path(), Some(nobody("-u")), Some(nobody("-g"))).unwrap();
        let mut runuser = std::process::Command::new("runuser");
        runuser.args(["-u", "nobody", "--"]);
        let var = "CASELOAD_UNREADABLE_CHILD_DIR";
        run_child_test(runuser, "unreadable_child", var, tmp.path());
    }

    /// Runs this binary's test `name` in a child process, started through
    /// `launcher` (a command whose next argument is the program to run),
    /// with `var` naming `dir`; asserts that it ran and passed.
    fn run_child_test(mut launcher: std::process::Command, name: &str, var: &str, dir: &Path) {
        let out = launcher
            .arg(std::env::current_exe().unwrap())
            .args(["--exact", &format!("drafts::tests::{name}")])
            .args(["--nocapture", "--test-threads=1"])
            .env(var, dir)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success() && stdout.contains("1 passed"),
            "{name}: {stdout}{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    #[test]
    fn unreadable_child() {
        let Some(dir) = std::env::var_os("CASELOAD_UNREADABLE_CHILD_DIR") else {
            return; // only meaningful when started by the test above
        };
        unreadable_is_reported(Path::new(&dir));
    }

    fn unreadable_is_reported(dir: &Path) {
        let store = DraftStore::open(dir).unwrap();
        let unreadable = store.outbox_path(id(4));
        fs::write(&unreadable, b"secret").unwrap();
        fs::set_permissions(&unreadable, fs::Permissions::from_mode(0o000)).unwrap();
        assert!(
            fs::read(&unreadable).is_err(),
            "run by someone who can read it"
        );
        let files = store.read_outbox().unwrap();
        let [u] = files.as_slice() else {
            panic!("{files:#?}")
        };
        assert_eq!(u.id, id(4));
        assert!(
            u.bytes.as_ref().is_err_and(|e| e.contains("cannot read")),
            "{u:?}"
        );
        // Kept for the person to see, however often the store opens.
        DraftStore::open(dir).unwrap();
        assert!(unreadable.exists());
    }

    #[test]
    fn a_draft_rewritten_since_is_not_deleted() {
        let tmp = tempfile::tempdir().unwrap();
        let store = DraftStore::open(tmp.path()).unwrap();
        assert_eq!(store.draft_fingerprint(id(1)).unwrap(), None);
        store.write_draft(id(1), b"as submitted").unwrap();
        let fp = store.draft_fingerprint(id(1)).unwrap().unwrap();
        store.write_draft(id(1), b"as submitted, and more").unwrap();
        assert!(!store.delete_draft_if(id(1), &fp).unwrap());
        assert!(store.draft_path(id(1)).exists());
        store.write_draft(id(1), b"as submitted").unwrap();
        assert!(store.delete_draft_if(id(1), &fp).unwrap());
        assert!(!store.draft_path(id(1)).exists());
        assert!(!store.delete_draft_if(id(1), &fp).unwrap());
        let fp2 = store.write_draft_fingerprinted(id(1), b"again").unwrap();
        assert_eq!(fp2, fingerprint_of(b"again"));
        assert_eq!(store.draft_fingerprint(id(1)).unwrap(), Some(fp2));
    }

    #[test]
    fn a_failed_write_leaves_the_old_file() {
        let tmp = tempfile::tempdir().unwrap();
        let store = DraftStore::open(tmp.path()).unwrap();
        store.write_draft(id(1), b"old").unwrap();
        // The target is a directory that is not empty: the rename fails.
        let blocker = store.draft_path(id(2));
        fs::create_dir(&blocker).unwrap();
        fs::write(blocker.join("x"), b"").unwrap();
        assert!(store.write_draft(id(2), b"new").is_err());
        assert_eq!(fs::read(store.draft_path(id(1))).unwrap(), b"old");
        // …and no temp file behind.
        assert!(
            names(store.drafts_dir())
                .iter()
                .all(|n| !n.ends_with(".tmp"))
        );
    }
}
