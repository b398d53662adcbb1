//! The outbox: session saves that have been accepted (their file is on disk,
//! fsync'd) but not yet confirmed by the server. One task sends them, each
//! with a fresh pooled connection, and keeps those that fail for a reason
//! that may pass (server down or restarting, connection dropped mid-save,
//! pool timeout), retrying with exponential backoff. `sessions::save` is
//! idempotent by the client-generated id, so a retry after an ambiguous
//! failure cannot save twice.
//!
//! Files (see [`crate::drafts`]): `outbox/<id>.json` holds the queued save;
//! `drafts/<id>.json` is the editor's draft. Once the server confirms a
//! save, both go, except a draft rewritten after the save was submitted
//! (newer typing). A save the server will not take (conflict, refusal, not
//! found) leaves the queue and its outbox file is deleted, but the draft
//! stays for the user to resolve; if there is no draft, the outbox file is
//! kept (it is then the only copy of the text) and reported again at the
//! next start.
//!
//! Saves for the same id never run concurrently (one task sends them all, in
//! turn); a newer submit of an id replaces the queued one.

use crate::db::interventions::WriteError;
use crate::db::sessions;
use crate::domain::session::{SessionWrite, StoredSession};
use crate::drafts::DraftStore;
use deadpool_postgres::{Object, Pool};
use futures::future::BoxFuture;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use tokio::sync::Notify;
use tokio::sync::mpsc::UnboundedSender;
use uuid::Uuid;

/// Yields a fresh pooled connection, or why there is none (for the status
/// line). The worker passes a closure over its pool, e.g. [`pool_connect`].
pub type Connect =
    Arc<dyn Fn() -> BoxFuture<'static, Result<Object, String>> + Send + Sync + 'static>;

/// A save waiting for the server: `outbox/<write.id>.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueuedSave {
    pub write: SessionWrite,
    /// What messages call it: "Nguyen, An — Read Naturally, 2026-11-25".
    pub label: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum OutboxEvent {
    /// The server has it, at `version`; outbox file and draft are gone.
    Saved {
        id: Uuid,
        version: i32,
        label: String,
    },
    /// Someone else changed the session since `base_version`: `theirs` is
    /// the row now. The draft is kept; the save left the queue.
    Conflict {
        id: Uuid,
        theirs: Box<StoredSession>,
        label: String,
    },
    /// The server will not take it (a rule, not found, no permission), or a
    /// queued save could not be read back at start. The draft is kept; the
    /// save left the queue.
    Refused {
        id: Uuid,
        why: String,
        label: String,
    },
    /// Sent whenever the number of waiting saves or the last error changes;
    /// `count` 0 (and no error) when all are done.
    Pending {
        count: usize,
        last_error: Option<String>,
    },
}

/// Timing of the outbox task.
#[derive(Debug, Clone)]
pub struct OutboxOptions {
    /// The first retry after a failure; doubled on each failure after it.
    pub first_retry: Duration,
    pub max_retry: Duration,
    /// Bounds `connect`, in case the closure does not.
    pub connect_timeout: Duration,
    /// Bounds one save: a server that went silent (no RST) must not hold
    /// the queue forever. Saving again is safe.
    pub save_timeout: Duration,
}

impl Default for OutboxOptions {
    fn default() -> Self {
        OutboxOptions {
            first_retry: Duration::from_millis(500),
            max_retry: Duration::from_secs(15),
            connect_timeout: Duration::from_secs(30),
            save_timeout: Duration::from_secs(60),
        }
    }
}

/// What is written to `outbox/<id>.json`: a [`QueuedSave`], plus the draft
/// file's fingerprint when the save was submitted.
#[derive(Serialize, Deserialize)]
struct OutboxFile {
    #[serde(flatten)]
    save: QueuedSave,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    draft_sha256: Option<String>,
}

struct Entry {
    /// Bumped by every submit: an attempt's outcome only settles the entry
    /// it was started for.
    generation: u64,
    /// Queue position: the first submit of this id.
    seq: u64,
    save: QueuedSave,
    draft_sha256: Option<String>,
}

#[derive(Default)]
struct State {
    queue: HashMap<Uuid, Entry>,
    next: u64,
    last_error: Option<String>,
    /// The last Pending sent (nothing sent yet counts as 0, no error).
    reported: (usize, Option<String>),
    /// Something was submitted since the task last looked at the queue.
    submitted: bool,
    nudged: bool,
    closed: bool,
}

struct Inner {
    store: Arc<DraftStore>,
    events: UnboundedSender<OutboxEvent>,
    state: Mutex<State>,
    wake: Notify,
}

/// Closes the task once the last [`Outbox`] handle is gone and nothing is
/// waiting.
struct Handles(Arc<Inner>);

impl Drop for Handles {
    fn drop(&mut self) {
        self.0.lock().closed = true;
        self.0.wake.notify_one();
    }
}

/// A handle on the outbox task; cheap to clone.
#[derive(Clone)]
pub struct Outbox {
    inner: Arc<Inner>,
    _handles: Arc<Handles>,
}

/// A [`Connect`] over a pool, for callers without a worker of their own.
pub fn pool_connect(pool: Pool) -> Connect {
    Arc::new(move || {
        let pool = pool.clone();
        Box::pin(async move {
            pool.get()
                .await
                .map_err(|e| crate::db::pool::with_causes(&e))
        })
    })
}

impl Outbox {
    /// Starts the task (call inside a tokio runtime). It first loads every
    /// outbox file, saves queued by an earlier run that never got
    /// confirmed, and sends them.
    pub fn start(
        store: Arc<DraftStore>,
        connect: Connect,
        events: UnboundedSender<OutboxEvent>,
    ) -> Outbox {
        Self::start_with(store, connect, events, OutboxOptions::default())
    }

    pub fn start_with(
        store: Arc<DraftStore>,
        connect: Connect,
        events: UnboundedSender<OutboxEvent>,
        options: OutboxOptions,
    ) -> Outbox {
        let inner = Arc::new(Inner {
            store,
            events,
            state: Mutex::default(),
            wake: Notify::new(),
        });
        tokio::spawn(run(inner.clone(), connect, options));
        Outbox {
            _handles: Arc::new(Handles(inner.clone())),
            inner,
        }
    }

    /// Accepts a save: writes `outbox/<id>.json` (fsync'd) and only then
    /// queues it, replacing a queued save of the same id, and wakes the
    /// task to send it at once. An error means the save was NOT accepted.
    /// Blocks for the file write (an fsync: milliseconds).
    ///
    /// The draft on disk now is the one deleted on confirmation (if it is
    /// unchanged by then): write the draft before submitting, not
    /// concurrently, or use [`Outbox::submit_with_draft`].
    pub fn submit(&self, q: QueuedSave) -> Result<(), String> {
        let draft_sha256 = self
            .inner
            .store
            .draft_fingerprint(q.write.id)
            .map_err(|e| format!("could not read the draft of {}: {e}", q.label))?;
        self.queue(q, draft_sha256)
    }

    /// Writes `draft` as `drafts/<id>.json` (crash-safe) and then submits:
    /// the draft deleted once the server confirms is exactly this one,
    /// unless it was rewritten since.
    pub fn submit_with_draft(&self, q: QueuedSave, draft: &[u8]) -> Result<(), String> {
        let fp = self
            .inner
            .store
            .write_draft_fingerprinted(q.write.id, draft)
            .map_err(|e| format!("could not write the draft of {}: {e}", q.label))?;
        self.queue(q, Some(fp))
    }

    fn queue(&self, q: QueuedSave, draft_sha256: Option<String>) -> Result<(), String> {
        let id = q.write.id;
        let store = &self.inner.store;
        let file = OutboxFile {
            save: q,
            draft_sha256,
        };
        let bytes = serde_json::to_vec(&file).map_err(|e| format!("could not queue: {e}"))?;
        {
            // Held across the write so that the task's delete of an older
            // save's file cannot come between this write and the queueing.
            let mut st = self.inner.lock();
            store
                .write_outbox(id, &bytes)
                .map_err(|e| format!("could not queue {}: {e}", file.save.label))?;
            st.next += 1;
            let generation = st.next;
            let seq = st.queue.get(&id).map_or(generation, |e| e.seq);
            st.queue.insert(
                id,
                Entry {
                    generation,
                    seq,
                    save: file.save,
                    draft_sha256: file.draft_sha256,
                },
            );
            st.submitted = true;
            self.inner.report(&mut st);
        }
        self.inner.wake.notify_one();
        Ok(())
    }

    /// Retry now (the app reconnected): ends the backoff wait and resets it.
    pub fn nudge(&self) {
        self.inner.lock().nudged = true;
        self.inner.wake.notify_one();
    }

    /// Takes a queued save out of the queue and deletes its outbox file (the
    /// user discarded it); the draft is left to the caller. A save already
    /// on its way may still land.
    pub fn discard(&self, id: Uuid) -> Result<(), String> {
        let mut st = self.inner.lock();
        self.inner
            .store
            .delete_outbox(id)
            .map_err(|e| format!("could not remove the queued save: {e}"))?;
        st.queue.remove(&id);
        self.inner.report(&mut st);
        Ok(())
    }

    /// Saves waiting (queued or on their way).
    pub fn pending(&self) -> usize {
        self.inner.lock().queue.len()
    }
}

impl Inner {
    fn lock(&self) -> MutexGuard<'_, State> {
        // Every update of State is a few assignments; a panic cannot tear it.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn send(&self, event: OutboxEvent) {
        // Nobody listening (the UI has gone): the files still hold it all.
        let _ = self.events.send(event);
    }

    /// Pending, if the count or the last error changed. Called with the
    /// lock held, so events go out in the order of the changes.
    fn report(&self, st: &mut State) {
        if st.queue.is_empty() {
            st.last_error = None;
        }
        let now = (st.queue.len(), st.last_error.clone());
        if now != st.reported {
            st.reported = now.clone();
            self.send(OutboxEvent::Pending {
                count: now.0,
                last_error: now.1,
            });
        }
    }

    /// Queued saves in queue order, with the generation each is at.
    fn due(&self) -> Vec<(u64, QueuedSave)> {
        let mut st = self.lock();
        st.submitted = false;
        let mut v: Vec<(u64, u64, QueuedSave)> = st
            .queue
            .values()
            .map(|e| (e.seq, e.generation, e.save.clone()))
            .collect();
        v.sort_by_key(|(seq, ..)| *seq);
        v.into_iter().map(|(_, g, s)| (g, s)).collect()
    }

    fn failed(&self, why: String) {
        let mut st = self.lock();
        tracing::info!(error = %why, queued = st.queue.len(), "outbox: will retry");
        st.last_error = Some(why);
        self.report(&mut st);
    }

    /// Loads what an earlier run left in the outbox.
    fn load(&self) {
        let files = match self.store.read_outbox() {
            Ok(f) => f,
            Err(e) => {
                let why = format!(
                    "cannot read the outbox {}: {e}",
                    self.store.outbox_dir().display()
                );
                tracing::error!("{why}");
                let mut st = self.lock();
                st.last_error = Some(why.clone());
                // Even with nothing queued in memory: say it.
                st.reported = (st.queue.len(), Some(why.clone()));
                self.send(OutboxEvent::Pending {
                    count: st.queue.len(),
                    last_error: Some(why),
                });
                return;
            }
        };
        let mut st = self.lock();
        for f in files {
            let parsed = f.bytes.and_then(|b| {
                serde_json::from_slice::<OutboxFile>(&b)
                    .map_err(|e| format!("not a queued save: {e}"))
                    .and_then(|q| {
                        if q.save.write.id == f.id {
                            Ok(q)
                        } else {
                            Err(format!("it holds the save of {}", q.save.write.id))
                        }
                    })
            });
            match parsed {
                Ok(file) => {
                    // A submit made since start is newer than the file was.
                    if st.queue.contains_key(&f.id) {
                        continue;
                    }
                    st.next += 1;
                    let generation = st.next;
                    st.queue.insert(
                        f.id,
                        Entry {
                            generation,
                            seq: generation,
                            save: file.save,
                            draft_sha256: file.draft_sha256,
                        },
                    );
                }
                Err(why) => {
                    let why = format!(
                        "a queued save could not be read back ({why}); the file is kept at {}",
                        f.path.display()
                    );
                    tracing::error!("{why}");
                    self.send(OutboxEvent::Refused {
                        id: f.id,
                        why,
                        label: f.path.display().to_string(),
                    });
                }
            }
        }
        if !st.queue.is_empty() {
            tracing::info!(queued = st.queue.len(), "outbox: saves from an earlier run");
        }
        self.report(&mut st);
    }

    /// The server has `save` at `version`.
    fn saved(&self, generation: u64, save: QueuedSave, version: i32) {
        let id = save.write.id;
        let mut st = self.lock();
        st.last_error = None;
        match st.queue.get_mut(&id) {
            Some(e) if e.generation == generation => {
                let e = st.queue.remove(&id).expect("present");
                // A leftover outbox file is sent again at the next start,
                // which is safe; a leftover draft is offered again.
                if let Err(err) = self.store.delete_outbox(id) {
                    tracing::error!(%id, %err, "outbox: could not delete a confirmed save's file");
                }
                if let Some(fp) = e.draft_sha256 {
                    match self.store.delete_draft_if(id, &fp) {
                        Ok(true) => {}
                        Ok(false) => tracing::info!(%id, "outbox: draft changed since; kept"),
                        Err(err) => tracing::error!(%id, %err, "outbox: could not delete a draft"),
                    }
                }
                self.send(OutboxEvent::Saved {
                    id,
                    version,
                    label: save.label,
                });
            }
            Some(newer) => {
                // Superseded while on its way: the newer save edits the row
                // this one made, not the one both started from.
                tracing::info!(%id, version, "outbox: a superseded save landed");
                if newer.save.write.base_version == save.write.base_version {
                    newer.save.write.base_version = Some(version);
                    let file = OutboxFile {
                        save: newer.save.clone(),
                        draft_sha256: newer.draft_sha256.clone(),
                    };
                    let written = serde_json::to_vec(&file)
                        .map_err(|e| e.to_string())
                        .and_then(|b| self.store.write_outbox(id, &b).map_err(|e| e.to_string()));
                    if let Err(err) = written {
                        tracing::error!(%id, %err, "outbox: could not rewrite a rebased save");
                    }
                }
            }
            None => tracing::info!(%id, version, "outbox: a discarded save landed"),
        }
        self.report(&mut st);
    }

    /// The server will not take `save`: Conflict or Refused.
    fn rejected(&self, generation: u64, save: QueuedSave, event: OutboxEvent) {
        let id = save.write.id;
        let mut st = self.lock();
        match st.queue.get(&id) {
            Some(e) if e.generation == generation => {
                st.queue.remove(&id);
                if self.store.draft_path(id).exists() {
                    if let Err(err) = self.store.delete_outbox(id) {
                        tracing::error!(%id, %err, "outbox: could not delete a refused save's file");
                    }
                } else {
                    tracing::warn!(%id, "outbox: refused save has no draft; its outbox file is kept");
                }
                self.send(event);
            }
            // The newer save speaks for the user now.
            Some(_) => tracing::info!(%id, ?event, "outbox: a superseded save was refused"),
            None => tracing::info!(%id, ?event, "outbox: a discarded save was refused"),
        }
        self.report(&mut st);
    }
}

enum Attempt {
    Saved(i32),
    Rejected(OutboxEvent),
    /// May pass: try again later.
    Transient(String),
    /// No connection at all: the rest of the round would fail the same way.
    Unreachable(String),
}

/// The connection is gone or the server is going away, whatever
/// `sessions::is_transient` says.
fn connection_lost(e: &tokio_postgres::Error) -> bool {
    if e.is_closed() {
        return true;
    }
    if let Some(db) = e.as_db_error() {
        let code = db.code().code();
        // 08: connection exception; 57P01-57P03: admin/crash shutdown,
        // cannot connect now; 40001/40P01: serialisation failure, deadlock.
        return code.starts_with("08")
            || matches!(code, "57P01" | "57P02" | "57P03" | "40001" | "40P01");
    }
    // No server error: the failure was in the transport (io, closed).
    true
}

/// Drops a connection that failed mid-save rather than returning it to the
/// pool: it may be dead or half way through something.
fn discard(obj: Object) {
    drop(Object::take(obj));
}

async fn attempt(connect: &Connect, save: &QueuedSave, options: &OutboxOptions) -> Attempt {
    let obj = match tokio::time::timeout(options.connect_timeout, connect()).await {
        Ok(Ok(obj)) => obj,
        Ok(Err(why)) => return Attempt::Unreachable(why),
        Err(_) => {
            return Attempt::Unreachable(format!(
                "no connection after {}s",
                options.connect_timeout.as_secs()
            ));
        }
    };
    let write = save.write.clone();
    let save_timeout = options.save_timeout;
    // Its own task: a panic in the data layer becomes a retry, not a dead
    // outbox.
    let sent = tokio::spawn(async move {
        let mut obj = obj;
        let r = tokio::time::timeout(save_timeout, sessions::save(&mut obj, &write)).await;
        let lost = match &r {
            Err(_) => true,
            Ok(Err(WriteError::Db(e))) => sessions::is_transient(e) || connection_lost(e),
            Ok(_) => false,
        };
        if lost {
            discard(obj);
        }
        (r, lost)
    })
    .await;
    let (r, lost) = match sent {
        Ok(pair) => pair,
        Err(e) => return Attempt::Transient(format!("internal error while saving: {e}")),
    };
    match r {
        Err(_) => Attempt::Transient(format!(
            "the server did not answer within {}s",
            save_timeout.as_secs()
        )),
        Ok(Ok(version)) => Attempt::Saved(version),
        Ok(Err(WriteError::Db(e))) if lost => Attempt::Transient(super::describe_pg_error(&e)),
        Ok(Err(WriteError::Db(e))) => Attempt::Rejected(OutboxEvent::Refused {
            id: save.write.id,
            why: super::describe_pg_error(&e),
            label: save.label.clone(),
        }),
        Ok(Err(WriteError::Conflict { current })) => Attempt::Rejected(OutboxEvent::Conflict {
            id: save.write.id,
            theirs: current,
            label: save.label.clone(),
        }),
        Ok(Err(e @ (WriteError::Refused(_) | WriteError::NotFound))) => {
            Attempt::Rejected(OutboxEvent::Refused {
                id: save.write.id,
                why: e.to_string(),
                label: save.label.clone(),
            })
        }
    }
}

fn jittered(d: Duration) -> Duration {
    d.mul_f64(1.0 + rand::random_range(0.0..0.2))
}

async fn run(inner: Arc<Inner>, connect: Connect, options: OutboxOptions) {
    {
        let inner = inner.clone();
        if let Err(e) = tokio::task::spawn_blocking(move || inner.load()).await {
            tracing::error!(%e, "outbox: loading the queued saves failed");
        }
    }
    let mut delay = options.first_retry;
    loop {
        let due = inner.due();
        if due.is_empty() {
            if inner.lock().closed {
                return;
            }
            inner.wake.notified().await;
            continue;
        }
        let mut failed = false;
        let mut any_saved = false;
        for (generation, save) in due {
            let outcome = attempt(&connect, &save, &options).await;
            let inner2 = inner.clone();
            let settle = move || match outcome {
                Attempt::Saved(version) => {
                    inner2.saved(generation, save, version);
                    (true, false, false)
                }
                Attempt::Rejected(event) => {
                    inner2.rejected(generation, save, event);
                    (false, false, false)
                }
                Attempt::Transient(why) => {
                    inner2.failed(why);
                    (false, true, false)
                }
                Attempt::Unreachable(why) => {
                    inner2.failed(why);
                    (false, true, true)
                }
            };
            // File deletes and fsyncs block.
            let (saved, fail, stop) = tokio::task::spawn_blocking(settle)
                .await
                .unwrap_or((false, true, false));
            any_saved |= saved;
            failed |= fail;
            if stop {
                break;
            }
        }
        if any_saved {
            delay = options.first_retry;
        }
        if !failed {
            continue;
        }
        // Until the delay is over, or a submit or nudge: a wake-up left over
        // from a submit this round already sent does not count.
        let until = tokio::time::Instant::now() + jittered(delay);
        loop {
            tokio::select! {
                _ = tokio::time::sleep_until(until) => break,
                _ = inner.wake.notified() => {
                    let st = inner.lock();
                    if st.submitted || st.nudged {
                        break;
                    }
                }
            }
        }
        let nudged = std::mem::take(&mut inner.lock().nudged);
        delay = if nudged {
            options.first_retry
        } else {
            (delay * 2).min(options.max_retry)
        };
    }
}
