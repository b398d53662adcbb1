//! The contact form's read, its write, and its drafts: kept in their own
//! folder beside the session drafts (`<state>/contacts/drafts`), so the
//! session drafts list never meets a file it cannot read.

use super::Failure;
use super::draft_writer::DraftWriter;
use crate::app::screens::contact_edit::About;
use crate::app::screens::contact_edit::draft::ContactDraft;
use crate::app::{Data, Msg};
use crate::db::contacts;
use crate::db::interventions::WriteError;
use crate::domain::contact::{ContactContext, ContactWrite, ContactWritten};
use crate::drafts::DraftStore;
use chrono::NaiveDate;
use std::sync::Arc;
use tokio_postgres::Client;

/// The writer of contact drafts, beside the session drafts' `store`;
/// `None` (and a log line) when its folder cannot be made.
pub(super) fn draft_writer(store: &DraftStore) -> Option<Arc<DraftWriter>> {
    let dir = store.drafts_dir().parent()?.join("contacts");
    match DraftStore::open(&dir) {
        Ok(s) => Some(DraftWriter::start(Arc::new(s))),
        Err(e) => {
            tracing::error!(error = %e, "contact drafts cannot be kept");
            None
        }
    }
}

/// Every contact draft that reads back; the others are left on disk.
pub(super) async fn drafts(w: Option<&DraftWriter>) -> Vec<ContactDraft> {
    let Some(w) = w else { return vec![] };
    let store = w.store().clone();
    let found = tokio::task::spawn_blocking(move || store.read_drafts()).await;
    let Ok(Ok(files)) = found else {
        return vec![];
    };
    files
        .into_iter()
        .filter_map(|f| serde_json::from_slice(&f.bytes.ok()?).ok())
        .collect()
}

/// What the form needs; drafts are added by the runner.
pub(super) async fn form(c: &Client, about: About, today: NaiveDate) -> Result<Data, Failure> {
    let loaded = match about {
        About::New(of) => {
            let answers = match of.parent_id {
                Some(p) => contacts::open_follow_up(c, p).await?,
                None => None,
            };
            contacts::context(c, of.student_id, None)
                .await?
                .map(|ctx| Box::new((ContactContext { answers, ..ctx }, None)))
        }
        About::Edit(id) => match contacts::load_contact(c, id).await? {
            Some(s) => contacts::context(c, s.student_id, s.fields.follow_up_owner)
                .await?
                .map(|ctx| Box::new((ctx, Some(s)))),
            None => None,
        },
    };
    Ok(Data::ContactForm {
        loaded,
        today,
        drafts: vec![],
    })
}

/// The write in its own transaction with JIT off: row-level security's
/// policy calls inflate the insert's cost estimate past `jit_above_cost`,
/// and PostgreSQL spent ~1.7 s compiling a statement that runs in 36 ms
/// (EXPLAIN ANALYZE as a counselor, 50,000 students); with 40 people saving
/// at once each save took 10–15 s of CPU (`caseload soak`, issue 19). Exports
/// turn it off the same way (`export::without_jit`).
pub(super) async fn write(c: &mut Client, w: ContactWrite) -> ContactWritten {
    let r = async {
        let tx = c.transaction().await?;
        crate::export::without_jit(&tx).await?;
        let v = match w {
            ContactWrite::Insert {
                id,
                student_id,
                intervention_id,
                parent_id,
                closes_parent,
                fields,
            } => {
                let new = contacts::NewContact {
                    id,
                    student_id,
                    intervention_id,
                    parent_id,
                    closes_parent,
                };
                contacts::log_new(&tx, new, &fields).await?
            }
            ContactWrite::Update {
                id,
                version,
                fields,
            } => contacts::update(&tx, id, version, &fields).await?,
        };
        tx.commit().await?;
        Ok(v)
    }
    .await;
    match r {
        Ok(v) => ContactWritten::Saved(v),
        Err(WriteError::Conflict { current }) => ContactWritten::Conflict(current),
        Err(WriteError::NotFound) => ContactWritten::Gone,
        Err(WriteError::Refused(why)) => ContactWritten::Refused(why.to_string()),
        Err(e @ WriteError::Db(_)) => ContactWritten::Failed(e.to_string()),
    }
}

impl super::Worker {
    /// Queued in order, as session drafts are (see `serve`).
    pub(super) fn put_contact_draft(&self, draft: &ContactDraft) -> Option<Msg> {
        let w = self.contact_drafts.as_ref()?;
        let failed = w
            .put_json(draft.id, draft)
            .err()
            .or_else(|| w.take_failure());
        failed.map(|why| Msg::DraftFailed { why })
    }

    pub(super) async fn delete_contact_draft(&self, id: uuid::Uuid) -> Option<Msg> {
        let w = self.contact_drafts.as_ref()?;
        w.delete(id).await.err().map(|why| Msg::DraftFailed { why })
    }
}
