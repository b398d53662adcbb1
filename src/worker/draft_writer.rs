//! Puts the editor's drafts on disk: every change is handed over at once and
//! written within a fraction of a second (bursts of typing coalesce into one
//! crash-safe write per note), off the UI thread.
//!
//! A submit writes its draft immediately and drops any older one still
//! waiting, under the same lock the writes take: an older draft can never
//! land after the save was submitted (the outbox deletes the draft after
//! confirmation only if it is the one submitted).

use crate::app::session_edit::draft::SessionDraft;
use crate::drafts::DraftStore;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;
use tokio::sync::Notify;
use uuid::Uuid;

/// How long a burst of keys may grow before it is written.
const COALESCE: Duration = Duration::from_millis(150);

pub struct DraftWriter {
    store: Arc<DraftStore>,
    /// The newest unwritten draft per note.
    waiting: Mutex<HashMap<Uuid, Vec<u8>>>,
    /// Held from taking drafts out of `waiting` until they are on disk.
    writing: tokio::sync::Mutex<()>,
    wake: Notify,
    /// The last write failure, once, for the status line.
    failures: Mutex<Option<String>>,
}

impl DraftWriter {
    /// Starts the writing task.
    pub fn start(store: Arc<DraftStore>) -> Arc<DraftWriter> {
        let w = Arc::new(DraftWriter {
            store,
            waiting: Mutex::default(),
            writing: tokio::sync::Mutex::new(()),
            wake: Notify::new(),
            failures: Mutex::default(),
        });
        tokio::spawn(run(w.clone()));
        w
    }

    pub fn store(&self) -> &Arc<DraftStore> {
        &self.store
    }

    fn waiting(&self) -> MutexGuard<'_, HashMap<Uuid, Vec<u8>>> {
        self.waiting.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Queues the draft; the task writes it shortly.
    pub fn put(&self, draft: &SessionDraft) -> Result<(), String> {
        self.put_json(draft.id, draft)
    }

    /// Queues any draft (the contact form's) as JSON under `id`.
    pub fn put_json(&self, id: Uuid, draft: &impl serde::Serialize) -> Result<(), String> {
        let bytes = serde_json::to_vec(draft).map_err(|e| e.to_string())?;
        self.waiting().insert(id, bytes);
        self.wake.notify_one();
        Ok(())
    }

    /// Writes this draft now (dropping an older one waiting), for a submit.
    pub async fn write_now(&self, draft: &SessionDraft) -> Result<(), String> {
        let bytes = serde_json::to_vec(draft).map_err(|e| e.to_string())?;
        let _held = self.writing.lock().await;
        self.waiting().remove(&draft.id);
        let store = self.store.clone();
        let id = draft.id;
        blocking(move || store.write_draft(id, &bytes)).await
    }

    /// Deletes the draft and any write of it still waiting.
    pub async fn delete(&self, id: Uuid) -> Result<(), String> {
        let _held = self.writing.lock().await;
        self.waiting().remove(&id);
        let store = self.store.clone();
        blocking(move || store.delete_draft(id)).await
    }

    /// Writes everything waiting, now: before the program exits.
    pub async fn flush(&self) -> Result<(), String> {
        let _held = self.writing.lock().await;
        let batch: Vec<(Uuid, Vec<u8>)> = self.waiting().drain().collect();
        let store = self.store.clone();
        blocking(move || {
            for (id, bytes) in batch {
                store.write_draft(id, &bytes)?;
            }
            Ok(())
        })
        .await
    }

    /// A failure not yet reported, if any.
    pub fn take_failure(&self) -> Option<String> {
        self.failures
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take()
    }
}

async fn blocking(f: impl FnOnce() -> std::io::Result<()> + Send + 'static) -> Result<(), String> {
    match tokio::task::spawn_blocking(f).await {
        Ok(Ok(())) => Ok(()),
        Ok(Err(e)) => Err(e.to_string()),
        Err(e) => Err(format!("draft writer stopped: {e}")),
    }
}

async fn run(w: Arc<DraftWriter>) {
    loop {
        w.wake.notified().await;
        tokio::time::sleep(COALESCE).await;
        if let Err(e) = w.flush().await {
            tracing::error!(error = %e, "draft not written");
            *w.failures.lock().unwrap_or_else(|e| e.into_inner()) = Some(e);
        }
    }
}
