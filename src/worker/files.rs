//! Uploads, downloads and folder listings: run with the reply channel at
//! hand, since they report as they go (`Msg::Files` progress), and
//! registered for cancelling (Esc during a progress bar). Files are checked
//! here (size, type by content) before the database is asked for a link.

use super::Worker;
use crate::app::{Effect, Msg, ReqId};
use crate::db::unnamed::Unnamed;
use crate::domain::document::{DownloadJob, Entry, FileEvent, OnConflict, UploadJob};
use crate::storage::direct::Direct;
use crate::storage::limits::Limits;
use crate::storage::saveas::{free_name, safe_name};
use crate::storage::transfer::{Track, Transfer, TransferError};
use crate::storage::upload::{About, Mover, NewDocument, UploadError, upload_by};
use crate::storage::{clipboard, complete};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};
use tokio::sync::mpsc::UnboundedSender;

/// Progress is sent at most this often (and at the end).
const PROGRESS_EVERY: Duration = Duration::from_millis(80);
/// A folder listing stops here: enough to complete from.
const MAX_ENTRIES: usize = 5000;

pub(super) struct Files {
    limits: Limits,
    /// Set in direct mode (`storage.mode = "direct"`): the store this
    /// client reaches with its own credentials.
    direct_config: Option<crate::config::StorageConfig>,
    direct: tokio::sync::OnceCell<Direct>,
    transfer: OnceLock<Result<Transfer, String>>,
    cancels: Mutex<HashMap<ReqId, Arc<AtomicBool>>>,
}

impl Files {
    pub(super) fn new(
        limits: Limits,
        direct_config: Option<crate::config::StorageConfig>,
    ) -> Files {
        Files {
            limits,
            direct_config,
            direct: tokio::sync::OnceCell::new(),
            transfer: OnceLock::new(),
            cancels: Mutex::default(),
        }
    }

    /// How this client moves bytes: direct mode's SDK client, or links.
    async fn mover(&self) -> Result<Mover<'_>, String> {
        match &self.direct_config {
            Some(config) => Ok(Mover::Direct(
                self.direct
                    .get_or_init(|| Direct::from_config(config))
                    .await,
            )),
            None => self.transfer().map(Mover::Signed),
        }
    }

    fn transfer(&self) -> Result<&Transfer, String> {
        self.transfer
            .get_or_init(|| Transfer::new().map_err(|e| e.to_string()))
            .as_ref()
            .map_err(Clone::clone)
    }

    fn table(&self) -> std::sync::MutexGuard<'_, HashMap<ReqId, Arc<AtomicBool>>> {
        self.cancels.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(super) fn cancel(&self, req: ReqId) {
        self.table()
            .entry(req)
            .or_insert_with(|| Arc::new(AtomicBool::new(false)))
            .store(true, Ordering::Relaxed);
    }

    /// The flag for `req` (set already if Esc came first).
    fn register(&self, req: ReqId) -> Arc<AtomicBool> {
        self.table()
            .entry(req)
            .or_insert_with(|| Arc::new(AtomicBool::new(false)))
            .clone()
    }

    fn forget(&self, req: ReqId) {
        self.table().remove(&req);
    }
}

/// Runs one transfer or listing to its last event.
pub(super) async fn run(worker: &Worker, effect: Effect, replies: &UnboundedSender<Msg>) {
    let send = |req: ReqId, event: FileEvent| {
        // The UI has gone away: nobody is left to tell.
        let _ = replies.send(Msg::Files { req, event });
    };
    match effect {
        Effect::ListFolder { req, typed } => send(req, list(&typed).await),
        Effect::Upload { req, job } => {
            let cancel = worker.files.register(req);
            let track = tracker(req, replies.clone(), cancel);
            let last = upload(worker, job, &track).await;
            worker.files.forget(req);
            send(req, last);
        }
        Effect::Download { req, job } => {
            let cancel = worker.files.register(req);
            let track = tracker(req, replies.clone(), cancel);
            let last = download(worker, req, job, &track).await;
            worker.files.forget(req);
            send(req, last);
        }
        _ => {}
    }
}

/// Progress as `Msg::Files`, at most every `PROGRESS_EVERY`, with the
/// rate since the start.
fn tracker(req: ReqId, replies: UnboundedSender<Msg>, cancel: Arc<AtomicBool>) -> Track {
    let start = Instant::now();
    let last = Mutex::new(None::<Instant>);
    Track {
        report: Arc::new(move |done, total| {
            let now = Instant::now();
            let mut last = last.lock().unwrap_or_else(|e| e.into_inner());
            let end = total == Some(done);
            if !end && last.is_some_and(|l| now - l < PROGRESS_EVERY) {
                return;
            }
            *last = Some(now);
            let secs = (now - start).as_secs_f64();
            let rate = if secs > 0.0 { done as f64 / secs } else { 0.0 };
            let _ = replies.send(Msg::Files {
                req,
                event: FileEvent::Progress { done, total, rate },
            });
        }),
        cancel,
    }
}

fn home() -> Option<PathBuf> {
    directories::BaseDirs::new().map(|b| b.home_dir().to_path_buf())
}

fn env(k: &str) -> Option<String> {
    std::env::var(k).ok()
}

fn failed(why: impl Into<String>) -> FileEvent {
    FileEvent::Failed { why: why.into() }
}

/// The folder of what was typed, listed (hidden names too: completion
/// decides).
async fn list(typed: &str) -> FileEvent {
    let folder = complete::folder(typed);
    let path = if folder.is_empty() {
        PathBuf::from(".")
    } else {
        complete::expand(folder, home().as_deref())
    };
    let typed = typed.to_string();
    let listed = tokio::task::spawn_blocking(move || -> std::io::Result<Vec<Entry>> {
        let mut entries = Vec::new();
        for e in std::fs::read_dir(&path)?.take(MAX_ENTRIES) {
            let e = e?;
            // Follows links: a link to a folder completes as a folder.
            let is_dir = std::fs::metadata(e.path()).is_ok_and(|m| m.is_dir());
            entries.push(Entry {
                name: e.file_name().to_string_lossy().into_owned(),
                is_dir,
            });
        }
        Ok(entries)
    })
    .await;
    match listed {
        Ok(Ok(entries)) => FileEvent::Listed { typed, entries },
        Ok(Err(e)) => failed(format!("cannot list {}: {e}", shown_folder(folder))),
        Err(e) => failed(e.to_string()),
    }
}

fn shown_folder(folder: &str) -> &str {
    if folder.is_empty() {
        "the current folder"
    } else {
        folder
    }
}

/// Reads and checks the file, then uploads it as the person.
async fn upload(worker: &Worker, job: UploadJob, track: &Track) -> FileEvent {
    let path = complete::expand(&job.path, home().as_deref());
    let shown = path.display().to_string();
    let meta = match tokio::fs::metadata(&path).await {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return failed(format!("no file at {shown}"));
        }
        Err(e) => return failed(format!("cannot read {shown}: {e}")),
    };
    if meta.is_dir() {
        return failed(format!("{shown} is a folder: type or tab to a file in it"));
    }
    if !meta.is_file() {
        return failed(format!("{shown} is not a regular file"));
    }
    let limits = &worker.files.limits;
    // The size first: a file over the limit is never read.
    if let Err(why) = limits.check_size(meta.len()) {
        return failed(why);
    }
    let bytes = match tokio::fs::read(&path).await {
        Ok(b) => b,
        Err(e) => return failed(format!("cannot read {shown}: {e}")),
    };
    if let Err(why) = limits.check_file(&bytes) {
        return failed(why);
    }
    let filename = match path.file_name() {
        Some(n) => n.to_string_lossy().into_owned(),
        None => return failed(format!("{shown} names no file")),
    };
    let mover = match worker.files.mover().await {
        Ok(m) => m,
        Err(why) => return failed(why),
    };
    let mut client = match worker.client().await {
        Ok(c) => c,
        Err(f) => return failed(f.to_string()),
    };
    let pg: &mut tokio_postgres::Client = &mut client;
    let about = About {
        title: job.title,
        category: job.category,
    };
    let doc = NewDocument {
        student_id: job.student_id,
        intervention_id: job.intervention_id,
        filename: &filename,
        restricted: job.restricted,
        bytes: bytes.into(),
    };
    match upload_by(pg, mover, doc, &about, track).await {
        Ok(up) => FileEvent::Uploaded {
            document_id: up.document_id,
            filename,
            byte_size: up.byte_size as u64,
        },
        Err(UploadError::Transfer(TransferError::Cancelled)) => FileEvent::Cancelled,
        Err(e) => failed(e.to_string()),
    }
}

/// The folder a download goes to: what was typed, or the download folder
/// (made if missing).
fn target_folder(typed: &str) -> Result<PathBuf, String> {
    let typed = typed.trim();
    if typed.is_empty() {
        let dir = directories::UserDirs::new()
            .and_then(|u| u.download_dir().map(Path::to_path_buf))
            .or_else(|| home().map(|h| h.join("Downloads")))
            .ok_or("no download folder known: type a folder")?;
        std::fs::create_dir_all(&dir)
            .map_err(|e| format!("cannot make the download folder {}: {e}", dir.display()))?;
        return Ok(dir);
    }
    let dir = complete::expand(typed, home().as_deref());
    match std::fs::metadata(&dir) {
        Ok(m) if m.is_dir() => Ok(dir),
        Ok(_) => Err(format!("{} is not a folder", dir.display())),
        Err(_) => Err(format!("no folder {}", dir.display())),
    }
}

fn sha256_of(path: &Path) -> std::io::Result<String> {
    let mut f = std::fs::File::open(path)?;
    let mut h = Sha256::new();
    std::io::copy(&mut f, &mut h)?;
    Ok(hex::encode(h.finalize()))
}

/// Where a download's bytes come from.
enum Source<'a> {
    Link(&'a Transfer, String),
    Bytes(bytes::Bytes),
}

async fn download(worker: &Worker, req: ReqId, job: DownloadJob, track: &Track) -> FileEvent {
    if job.open && clipboard::is_remote(&env) {
        return failed(
            "caseload runs over SSH here (SSH_CONNECTION is set): a file opened here would \
             open on the server; y copies a link to your own clipboard instead",
        );
    }
    let folder = match target_folder(&job.folder) {
        Ok(f) => f,
        Err(why) => return failed(why),
    };
    let mover = match worker.files.mover().await {
        Ok(m) => m,
        Err(why) => return failed(why),
    };
    let client = match worker.client().await {
        Ok(c) => c,
        Err(f) => return failed(f.to_string()),
    };
    // Direct mode reads the bytes here (checked against the row); signed
    // mode streams them from the link below.
    let (source, filename, size, sha) = match mover {
        Mover::Direct(direct) => {
            match crate::storage::direct::download(&client, direct, job.document_id).await {
                Ok(d) => {
                    let size = i64::try_from(d.bytes.len()).unwrap_or(i64::MAX);
                    (Source::Bytes(d.bytes), d.filename, size, d.sha256)
                }
                Err(e) => return failed(e.to_string()),
            }
        }
        Mover::Signed(transfer) => {
            let row = client
                .fetch_one(
                    "SELECT url, filename, byte_size, sha256 FROM caseload_document_download_url($1)",
                    &[&job.document_id],
                )
                .await;
            match row {
                Ok(r) => (
                    Source::Link(transfer, r.get(0)),
                    r.get(1),
                    r.get(2),
                    r.get(3),
                ),
                Err(e) => return failed(super::describe_pg_error(&e)),
            }
        }
    };
    drop(client);
    let mut name = safe_name(&filename);
    let target = folder.join(&name);
    if target.exists() {
        if sha256_of(&target).is_ok_and(|s| s == sha) {
            return FileEvent::Downloaded {
                path: target.display().to_string(),
                bytes: u64::try_from(size).unwrap_or(0),
                already_there: true,
                opened: job.open.then(|| open(&target)),
            };
        }
        let taken = |n: &str| folder.join(n).exists();
        match job.on_conflict {
            OnConflict::Ask => {
                return FileEvent::Exists {
                    path: target.display().to_string(),
                    suggestion: free_name(&name, taken),
                };
            }
            OnConflict::KeepBoth => name = free_name(&name, taken),
            OnConflict::Replace => {}
        }
    }
    // Into a hidden file beside the target first: a cut-off download never
    // looks like the document.
    let part = folder.join(format!(".{name}.{}.caseload-part", req.0));
    let file = {
        let mut o = std::fs::OpenOptions::new();
        o.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
        o.open(&part)
    };
    let mut file = match file {
        Ok(f) => std::io::BufWriter::with_capacity(1 << 20, f),
        Err(e) => return failed(format!("cannot write in {}: {e}", folder.display())),
    };
    let mut hasher = Sha256::new();
    let got = match source {
        Source::Link(transfer, url) => {
            transfer
                .get_tracked(
                    &url,
                    |chunk| {
                        hasher.update(chunk);
                        file.write_all(chunk)
                    },
                    track,
                )
                .await
        }
        Source::Bytes(bytes) => {
            hasher.update(&bytes);
            file.write_all(&bytes)
                .map(|()| bytes.len() as u64)
                .map_err(|e| TransferError::Local(e.to_string()))
        }
    };
    let finished = got.and_then(|n| {
        file.flush()
            .and_then(|()| file.get_ref().sync_all())
            .map(|()| n)
            .map_err(|e| TransferError::Local(e.to_string()))
    });
    drop(file);
    let bytes = match finished {
        Ok(n) => n,
        Err(e) => {
            let _ = std::fs::remove_file(&part);
            return match e {
                TransferError::Cancelled => FileEvent::Cancelled,
                e => failed(e.to_string()),
            };
        }
    };
    if i64::try_from(bytes).ok() != Some(size) || hex::encode(hasher.finalize()) != sha {
        let _ = std::fs::remove_file(&part);
        return failed(format!(
            "the store sent {bytes} bytes that do not match the document's size ({size}) and \
             sha256: nothing was saved"
        ));
    }
    let saved = match place(
        &part,
        &folder,
        &name,
        job.on_conflict == OnConflict::Replace,
    ) {
        Ok(p) => p,
        Err(e) => {
            let _ = std::fs::remove_file(&part);
            return failed(format!("cannot save into {}: {e}", folder.display()));
        }
    };
    FileEvent::Downloaded {
        path: saved.display().to_string(),
        bytes,
        already_there: false,
        opened: job.open.then(|| open(&saved)),
    }
}

/// Gives the finished part file its name: replacing only when asked,
/// otherwise never over a file that appeared meanwhile ("name (1).pdf").
fn place(part: &Path, folder: &Path, name: &str, replace: bool) -> std::io::Result<PathBuf> {
    if replace {
        let to = folder.join(name);
        std::fs::rename(part, &to)?;
        return Ok(to);
    }
    let mut name = name.to_string();
    for _ in 0..1000 {
        let to = folder.join(&name);
        match std::fs::hard_link(part, &to) {
            Ok(()) => {
                std::fs::remove_file(part)?;
                return Ok(to);
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                name = free_name(&name, |n| folder.join(n).exists());
            }
            // No hard links here (some network and FAT file systems).
            Err(_) if !to.exists() => {
                std::fs::rename(part, &to)?;
                return Ok(to);
            }
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::other("no free name"))
}

/// The system's opener on `path`, not waited for.
fn open(path: &Path) -> Result<(), String> {
    spawn_opener(path).map_err(|(opener, e)| format!("cannot run {opener}: {e}"))
}

/// Hands `path` to the system's opener without waiting for it (a browser
/// may run for hours); its output goes nowhere, so it cannot scribble on
/// the terminal, and it is reaped in the background so it leaves no
/// zombie. On failure, the program that could not run.
pub(super) fn spawn_opener(path: &Path) -> Result<(), (&'static str, std::io::Error)> {
    let (program, args): (&'static str, &[&str]) = if cfg!(target_os = "macos") {
        ("open", &[])
    } else if cfg!(windows) {
        ("cmd", &["/C", "start", ""])
    } else {
        ("xdg-open", &[])
    };
    let mut child = std::process::Command::new(program)
        .args(args)
        .arg(path)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .map_err(|e| (program, e))?;
    std::thread::spawn(move || child.wait());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_finished_download_never_lands_on_a_file_that_exists() {
        let dir = tempfile::tempdir().expect("tempdir");
        let part = |n: &str| {
            let p = dir.path().join(format!(".{n}.part"));
            std::fs::write(&p, n).expect("part");
            p
        };
        std::fs::write(dir.path().join("report.pdf"), "theirs").expect("existing");
        // The name appeared meanwhile: the next free one, the part removed.
        let got = place(&part("mine"), dir.path(), "report.pdf", false).expect("placed");
        assert_eq!(got, dir.path().join("report (1).pdf"));
        assert_eq!(std::fs::read_to_string(&got).expect("read"), "mine");
        assert_eq!(
            std::fs::read_to_string(dir.path().join("report.pdf")).expect("read"),
            "theirs"
        );
        assert!(!dir.path().join(".mine.part").exists());
        // Replacing is only ever what was asked for.
        let got = place(&part("again"), dir.path(), "report.pdf", true).expect("replaced");
        assert_eq!(std::fs::read_to_string(got).expect("read"), "again");
    }

    #[test]
    fn a_typed_folder_must_exist_and_be_a_folder() {
        let dir = tempfile::tempdir().expect("tempdir");
        let file = dir.path().join("f");
        std::fs::write(&file, "x").expect("file");
        let typed = dir.path().display().to_string();
        assert_eq!(target_folder(&typed), Ok(dir.path().to_path_buf()));
        let e = target_folder(&file.display().to_string()).expect_err("a file");
        assert!(e.ends_with("is not a folder"), "{e}");
        let e = target_folder(&format!("{typed}/missing")).expect_err("missing");
        assert!(e.starts_with("no folder "), "{e}");
    }

    #[tokio::test]
    async fn listing_a_folder_finds_its_names_and_says_when_it_cannot() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("consent.pdf"), "x").expect("file");
        std::fs::create_dir(dir.path().join("scans")).expect("dir");
        let typed = format!("{}/c", dir.path().display());
        let FileEvent::Listed {
            typed: t,
            mut entries,
        } = list(&typed).await
        else {
            panic!("not listed")
        };
        assert_eq!(t, typed);
        entries.sort_by(|a, b| a.name.cmp(&b.name));
        assert_eq!(
            entries,
            [
                Entry {
                    name: "consent.pdf".into(),
                    is_dir: false
                },
                Entry {
                    name: "scans".into(),
                    is_dir: true
                },
            ]
        );
        let missing = format!("{}/nope/x", dir.path().display());
        let FileEvent::Failed { why } = list(&missing).await else {
            panic!("listed a missing folder")
        };
        assert!(why.starts_with("cannot list "), "{why}");
    }
}
