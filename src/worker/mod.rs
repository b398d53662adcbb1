//! The data worker: runs Effects on the pool, concurrently, and answers each
//! with a Msg carrying the request id. All database IO happens here.
//!
//! Superseded requests are cancelled on the server (`Effect::Cancel`), so a
//! user paging quickly does not queue up queries nobody will read.

use crate::app::session_edit::draft::SessionDraft;
use crate::app::{Data, Effect, Msg, Read, ReqId};
use crate::config::conn::{KEYRING_ORIGIN, PROMPT_ORIGIN};
use crate::config::keyring::{self, SecretStore};
use crate::config::{ConnParams, DatabaseConfig, Password};
use crate::db::interventions::WriteError;
use crate::db::tls::Tls;
use crate::db::{pool as db_pool, users};
use crate::domain::session::SessionWrite;
use crate::drafts::DraftStore;
use deadpool_postgres::{Object, Pool, PoolError};
use draft_writer::DraftWriter;
use outbox::{Outbox, OutboxEvent, QueuedSave};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock, RwLock};
use std::time::Duration;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};
use tokio::sync::oneshot;
use tokio_postgres::CancelToken;

mod admin;
mod contact;
pub mod draft_writer;
mod exports;
mod failure;
mod files;
pub mod iv_write;
pub mod live;
pub mod outbox;
pub mod own_jobs;
pub mod read_target;
mod reads;
mod writes;

use failure::Failure;
pub use failure::{describe_pg_error, describe_pool_error, is_auth_error};

/// How long a superseded query may still run before a cancel request is
/// sent for it (see `Worker::cancel`).
const CANCEL_AFTER: Duration = Duration::from_millis(50);

/// deadpool waits forever for a connection unless its caller set a timeout;
/// the status line must say something long before that.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(15);

/// Starts the worker; send it Effects, read Msgs from `replies`. It stops
/// when the returned sender is dropped.
pub fn spawn(pool: Pool, tls: Tls, replies: UnboundedSender<Msg>) -> UnboundedSender<Effect> {
    spawn_worker(Worker::new(pool, tls), replies)
}

/// [`spawn`] for a worker built by the caller (e.g. with credentials).
pub fn spawn_worker(worker: Worker, replies: UnboundedSender<Msg>) -> UnboundedSender<Effect> {
    if let Some(r) = &worker.reads {
        r.notify_to(replies.clone());
    }
    if let Some(w) = &worker.drafts {
        let (events, mut outbox_events) = unbounded_channel();
        let pool = worker.pool.clone();
        let tls = worker.tls.clone();
        let connect: outbox::Connect = Arc::new(move || {
            let pool = pool.read().unwrap_or_else(|e| e.into_inner()).clone();
            let tls = tls.clone();
            Box::pin(async move { client_of(&pool, &tls).await.map_err(|f| f.to_string()) })
        });
        let started = Outbox::start(w.store().clone(), connect, events);
        let _ = worker.outbox.set(started);
        let replies = replies.clone();
        let saver = worker.clone();
        tokio::spawn(async move {
            while let Some(event) = outbox_events.recv().await {
                if let OutboxEvent::Saved { .. } = &event {
                    saver.note_write_on_primary().await;
                }
                if replies.send(outbox_msg(event)).is_err() {
                    return;
                }
            }
        });
    }
    if let Some((settings, params)) = worker.live.clone() {
        let auth = worker.auth.clone();
        // The password typed into the prompt too: the listener signs in as
        // the pool does now.
        let current: live::Params = Arc::new(move || match &auth {
            Some(a) => a
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .creds
                .params
                .clone(),
            None => params.clone(),
        });
        tokio::spawn(live::run(
            current,
            settings,
            worker.signed_in.clone(),
            replies.clone(),
        ));
    }
    let (tx, rx) = unbounded_channel();
    tokio::spawn(serve(worker, rx, replies));
    tx
}

async fn serve(
    worker: Worker,
    mut effects: UnboundedReceiver<Effect>,
    replies: UnboundedSender<Msg>,
) {
    while let Some(effect) = effects.recv().await {
        // Drafts are queued here, in order, so that a submit spawned after
        // them always writes a newer draft than any still waiting.
        if let Effect::WriteDraft { draft } = &effect {
            if let Some(msg) = worker.put_draft(draft) {
                let _ = replies.send(msg);
            }
            continue;
        }
        if let Effect::WriteContactDraft { draft } = &effect {
            if let Some(msg) = worker.put_contact_draft(draft) {
                let _ = replies.send(msg);
            }
            continue;
        }
        let worker = worker.clone();
        let replies = replies.clone();
        if matches!(
            effect,
            Effect::Upload { .. } | Effect::Download { .. } | Effect::ListFolder { .. }
        ) {
            tokio::spawn(async move { files::run(&worker, effect, &replies).await });
            continue;
        }
        tokio::spawn(async move {
            if let Some(msg) = worker.execute(effect).await {
                // The UI has gone away: nobody is left to tell.
                let _ = replies.send(msg);
            }
        });
    }
}

enum Inflight {
    /// On a connection made with this `Tls`: its cancel request goes to
    /// the same host (the primary's or a read host's).
    Running(CancelToken, Tls),
    /// Cancelled before it got a connection, or while running; then with
    /// the cancel request's end (`Sent`), which its connection waits for.
    Cancelled(Option<oneshot::Receiver<Sent>>),
}

/// How a cancel request ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sent {
    /// The server (or pooler) has it and closed its socket, or refused the
    /// connection: either way nothing of it is still on its way.
    Over,
    /// No end within `db::cancel::TIMEOUT`: it may yet arrive.
    Unknown,
}

/// Runs Effects on a pool. Cheap to clone; clones share the in-flight table
/// and the pool, which signing in with another password replaces.
#[derive(Clone)]
pub struct Worker {
    pool: Arc<RwLock<Pool>>,
    /// The pool's TLS settings: cancel requests open connections of their
    /// own and must not be downgraded, and rebuilt pools keep them.
    tls: Tls,
    auth: Option<Arc<Mutex<Auth>>>,
    inflight: Arc<Mutex<HashMap<ReqId, Inflight>>>,
    /// Session drafts and the outbox, when there is a state directory.
    drafts: Option<Arc<DraftWriter>>,
    /// The contact form's drafts, beside the session drafts.
    contact_drafts: Option<Arc<DraftWriter>>,
    outbox: Arc<OnceLock<Outbox>>,
    /// Uploads and downloads: the HTTP client, the limits, the cancels.
    files: Arc<files::Files>,
    /// The person's own author-kind jobs, run in the background.
    own: Arc<own_jobs::OwnJobs>,
    /// The listener's settings and connection (`with_live`), started once
    /// signed in (`signed_in`).
    live: Option<(live::Settings, ConnParams)>,
    signed_in: Arc<tokio::sync::Notify>,
    /// `database.read_url`: where the reads `reads::on_standby` names go.
    reads: Option<Arc<read_target::ReadRouter>>,
}

/// What the worker needs to sign in again: deadpool's manager config is
/// fixed, so another password means another pool, built from these.
#[derive(Clone)]
pub struct Credentials {
    pub params: ConnParams,
    pub db: DatabaseConfig,
    pub store: Arc<dyn SecretStore>,
}

struct Auth {
    creds: Credentials,
    /// The keyring is asked once: after that its answer is in `params`, or
    /// it had nothing, or its password was rejected and must not be retried.
    keyring_tried: bool,
}

/// Takes a finished request out of the in-flight table however its task
/// ends, unless it was cancelled: `reply` needs to see that to stay quiet.
struct Tracked<'a> {
    worker: &'a Worker,
    req: ReqId,
}

impl Tracked<'_> {
    /// Gives `client` back to the pool; if a cancel request was sent for
    /// this query, once that request has ended. Until then it may still be
    /// on its way, and would cancel whatever the connection runs next (seen
    /// as a search typed while the roster's first page was finishing: the
    /// search's own page was cancelled and the unfiltered list stayed).
    /// The connection is not closed: a cancelled pipeline may still be
    /// answering, and PgBouncer drops the server connection of a client
    /// that leaves mid-answer ("got packet from server when not linked").
    /// Only a request that never ended keeps it out of the pool for good.
    fn release(self, client: Object) {
        let mut table = self.worker.table();
        match table.get_mut(&self.req) {
            Some(Inflight::Cancelled(sent)) => {
                let sent = sent.take();
                drop(table);
                let Some(sent) = sent else {
                    return drop(client);
                };
                tokio::spawn(async move {
                    if sent.await == Ok(Sent::Unknown) {
                        drop(Object::take(client));
                    }
                });
            }
            Some(Inflight::Running(..)) => {
                // Finished: a cancel from now on finds nothing to send.
                table.remove(&self.req);
            }
            None => {}
        }
    }
}

impl Drop for Tracked<'_> {
    fn drop(&mut self) {
        let mut table = self.worker.table();
        if matches!(table.get(&self.req), Some(Inflight::Running(..))) {
            table.remove(&self.req);
        }
    }
}

impl Worker {
    pub fn new(pool: Pool, tls: Tls) -> Worker {
        Worker {
            pool: Arc::new(RwLock::new(pool)),
            tls,
            auth: None,
            inflight: Arc::default(),
            drafts: None,
            contact_drafts: None,
            outbox: Arc::default(),
            files: Arc::new(files::Files::new(
                crate::storage::limits::Limits::default(),
                None,
            )),
            own: Arc::default(),
            live: None,
            signed_in: Arc::default(),
            reads: None,
        }
    }

    /// Sends the reads `reads::on_standby` names (and the person's own
    /// report and export jobs' reads) through `router`.
    pub fn with_reads(mut self, router: Arc<read_target::ReadRouter>) -> Worker {
        self.reads = Some(router);
        self
    }

    /// After a save committed elsewhere (the outbox's own connection): the
    /// primary's WAL end, which a standby must reach before it serves
    /// reads again.
    async fn note_write_on_primary(&self) {
        let Some(r) = &self.reads else { return };
        match self.client().await {
            Ok(c) => r.note_write(pg(&c)).await,
            // No primary now: then no read goes to a standby either
            // before the next look, which asks the primary first.
            Err(f) => tracing::debug!(error = %f, "no WAL position after a save"),
        }
    }

    /// Live refresh and the heartbeat (`worker/live.rs`) on a connection of
    /// their own to `params` (with credentials, the current ones instead),
    /// from the first sign-in on.
    pub fn with_live(mut self, settings: live::Settings, params: ConnParams) -> Worker {
        self.live = Some((settings, params));
        self
    }

    /// The storage settings: their limits, and in direct mode
    /// (`storage.mode = "direct"`) transfers with this client's own
    /// credentials instead of links the database signs.
    pub fn with_storage(mut self, config: &crate::config::StorageConfig) -> Worker {
        let direct = (config.mode == crate::config::StorageMode::Direct).then(|| config.clone());
        self.files = Arc::new(files::Files::new(
            crate::storage::limits::Limits::from_config(config),
            direct,
        ));
        self
    }

    /// Keeps session drafts and the outbox in `store` (call inside the
    /// runtime). Without it, session saves go straight to the database and
    /// nothing is kept on disk.
    pub fn with_drafts(mut self, store: Arc<DraftStore>) -> Worker {
        self.contact_drafts = contact::draft_writer(&store);
        self.drafts = Some(DraftWriter::start(store));
        self
    }

    /// Writes every draft still waiting: before the program exits.
    pub async fn flush_drafts(&self) {
        for w in self.drafts.iter().chain(&self.contact_drafts) {
            if let Err(e) = w.flush().await {
                tracing::error!(error = %e, "drafts not written at exit");
            }
        }
    }

    /// Lets the worker ask the keyring and take a typed password: an
    /// authentication failure then answers `Msg::AuthRequired` instead of
    /// `Msg::ConnectionFailed`. The pool must have been built from
    /// `creds.params` and `creds.db`.
    pub fn with_credentials(mut self, creds: Credentials) -> Worker {
        self.auth = Some(Arc::new(Mutex::new(Auth {
            creds,
            keyring_tried: false,
        })));
        self
    }

    fn pool(&self) -> Pool {
        self.pool.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    async fn client(&self) -> Result<Object, Failure> {
        client_of(&self.pool(), &self.tls).await
    }

    fn auth(&self) -> Option<MutexGuard<'_, Auth>> {
        self.auth
            .as_ref()
            .map(|a| a.lock().unwrap_or_else(|e| e.into_inner()))
    }

    fn table(&self) -> MutexGuard<'_, HashMap<ReqId, Inflight>> {
        // A panic elsewhere cannot leave the table inconsistent: every
        // operation on it is a single insert or remove.
        self.inflight.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Runs one Effect to its reply; `None` when the request was cancelled
    /// (nobody wants the answer) or the Effect has no reply.
    pub async fn execute(&self, effect: Effect) -> Option<Msg> {
        let msg = match effect {
            Effect::Cancel { req } => {
                self.cancel(req);
                return None;
            }
            Effect::Connect { req } => self.sign_in(req, None).await,
            Effect::Authenticate {
                req,
                password,
                remember,
            } => self.sign_in(req, Some((password, remember))).await,
            Effect::ForgetKeyring => Msg::KeyringDone {
                result: self.forget().await,
            },
            Effect::Load { req, read } => return self.load(req, read).await,
            Effect::LoadLater {
                req,
                read,
                after_ms,
            } => {
                tokio::time::sleep(std::time::Duration::from_millis(after_ms)).await;
                return self.load(req, read).await;
            }
            effect @ (Effect::SaveRosterFilters { .. }
            | Effect::SaveStudentRecord { .. }
            | Effect::Transition { .. }
            | Effect::AddTeamMember { .. }
            | Effect::RemoveTeamMember { .. }
            | Effect::DeleteSession { .. }
            | Effect::WriteIv { .. }
            | Effect::WriteContact { .. }
            | Effect::ChangeFollowUp { .. }
            | Effect::ChangeDocument { .. }
            | Effect::Admin { .. }
            | Effect::JobAction { .. }
            | Effect::EnqueueJob { .. }
            | Effect::ChangePerson { .. }
            | Effect::SaveSetting { .. }) => self.write(effect).await?,
            // Transfers report as they go (`serve` runs them with the
            // reply channel); the clipboard is the terminal loop's.
            Effect::Upload { req, .. } | Effect::Download { req, .. } => {
                return Some(Msg::Files {
                    req,
                    event: crate::domain::document::FileEvent::Failed {
                        why: "transfers run only in the worker's loop".into(),
                    },
                });
            }
            Effect::ListFolder { .. } | Effect::Clipboard { .. } | Effect::Theme { .. } => {
                return None;
            }
            Effect::CancelFiles { req } => {
                self.files.cancel(req);
                return None;
            }
            Effect::OpenFile { req, path } => Msg::Written {
                req,
                wrote: crate::app::Wrote::Opened(exports::open(path).await),
            },
            Effect::WriteContactDraft { draft } => return self.put_contact_draft(&draft),
            Effect::DeleteContactDraft { id } => return self.delete_contact_draft(id).await,
            Effect::WriteDraft { draft } => return self.put_draft(&draft),
            Effect::DeleteDraft { id } => {
                let w = self.drafts.as_ref()?;
                return w.delete(id).await.err().map(|why| Msg::DraftFailed { why });
            }
            Effect::SubmitSession {
                write,
                label,
                draft,
            } => return self.submit(*write, label, &draft).await,
            Effect::LoadDrafts { show } => {
                let w = self.drafts.as_ref()?;
                let store = w.store().clone();
                let found = tokio::task::spawn_blocking(move || read_drafts(&store)).await;
                let (drafts, unreadable) = found.unwrap_or_else(|e| (vec![], vec![e.to_string()]));
                Msg::DraftsFound {
                    drafts,
                    unreadable,
                    show,
                }
            }
        };
        Some(msg)
    }

    /// The runner for writes: a connection never registered for cancelling
    /// (a write, once sent, is answered so the screen learns whether it
    /// happened), the write, and its answer naming the request id.
    async fn write(&self, effect: Effect) -> Option<Msg> {
        let msg = match self.client().await {
            Ok(mut c) => {
                let msg = writes::run(&mut c, effect, today()).await;
                if let Some(r) = &self.reads {
                    r.note_write(pg(&c)).await;
                }
                msg
            }
            Err(f) => writes::not_sent(effect, f.to_string()),
        };
        // A job enqueued or retried may be one of the person's own to run.
        if let Some(Msg::Written {
            wrote: crate::app::Wrote::Enqueued(Ok(_)) | crate::app::Wrote::Job(Ok(_)),
            ..
        }) = &msg
        {
            self.run_own_jobs();
        }
        msg
    }

    /// Runs the person's own due author-kind jobs in the background.
    fn run_own_jobs(&self) {
        self.own.kick(self.pool(), self.reads.clone());
    }

    /// The one runner for reads: a connection registered for cancelling (a
    /// superseding request cancels the query on the server), the query, and
    /// the answer naming the request id; nothing once cancelled.
    async fn load(&self, req: ReqId, read: Read) -> Option<Msg> {
        let today = today();
        // A new session can be written offline, from the details kept the
        // last time its intervention was opened.
        let offline_ok = match &read {
            Read::SessionContext {
                intervention_id,
                session_id: None,
            } => Some(*intervention_id),
            _ => None,
        };
        let r = async {
            let standby = self.reads.is_some() && reads::on_standby(&read);
            let (c, tracked) = self.start(req, standby).await?;
            let again = standby.then(|| read.clone());
            let first = reads::run(pg(&c), read, today).await;
            match (first, again) {
                // The read host went away mid-read: once more, on the
                // primary, rather than an error for a server nobody chose.
                (Err(Failure::Reason(why)), Some(read)) if c.is_closed() => {
                    tracing::info!(%why, "read host lost mid-read; again on the primary");
                    if let Some(r) = &self.reads {
                        r.lost();
                    }
                    drop(c);
                    drop(tracked);
                    let (c, tracked) = self.start(req, false).await?;
                    let r = reads::run(pg(&c), read, today).await;
                    tracked.release(c);
                    r
                }
                (r, _) => {
                    tracked.release(c);
                    r
                }
            }
        }
        .await;
        let r = match (r, offline_ok) {
            (
                Ok(Data::ContactForm {
                    loaded,
                    today,
                    drafts: _,
                }),
                _,
            ) => Ok(Data::ContactForm {
                loaded,
                today,
                drafts: contact::drafts(self.contact_drafts.as_deref()).await,
            }),
            (Ok(data), _) => {
                if let Data::SessionContext {
                    loaded: Some(b), ..
                } = &data
                {
                    self.keep_context(&b.0);
                }
                Ok(data)
            }
            (Err(Failure::Reason(why)), Some(id)) => match self.kept_context(id).await {
                Some(ctx) => Ok(Data::SessionContext {
                    loaded: Some(Box::new((ctx, None))),
                    today,
                    offline: Some(why),
                }),
                None => Err(Failure::Reason(why)),
            },
            (Err(f), _) => Err(f),
        };
        self.reply(req, r, |data| Msg::Loaded { req, data })
    }

    /// A connection for `req`, registered so that it can be cancelled; on
    /// the read host when `standby` and the router sends it there.
    async fn start(&self, req: ReqId, standby: bool) -> Result<(Object, Tracked<'_>), Failure> {
        if matches!(self.table().get(&req), Some(Inflight::Cancelled(_))) {
            self.table().remove(&req);
            return Err(Failure::Cancelled);
        }
        let (client, tls) = match (&self.reads, standby) {
            (Some(r), true) => match r.route(&self.pool()).await {
                read_target::Route::Read(c, tls) => (*c, tls),
                read_target::Route::Primary(why) => {
                    tracing::debug!(why, "read on the primary");
                    (self.client().await?, self.tls.clone())
                }
            },
            _ => (self.client().await?, self.tls.clone()),
        };
        let mut table = self.table();
        if matches!(table.get(&req), Some(Inflight::Cancelled(_))) {
            table.remove(&req);
            return Err(Failure::Cancelled);
        }
        table.insert(req, Inflight::Running(client.cancel_token(), tls));
        drop(table);
        Ok((client, Tracked { worker: self, req }))
    }

    fn cancel(&self, req: ReqId) {
        let mut table = self.table();
        match table.remove(&req) {
            Some(Inflight::Running(token, tls)) => {
                let (ended, sent) = oneshot::channel();
                table.insert(req, Inflight::Cancelled(Some(sent)));
                drop(table);
                let inflight = self.inflight.clone();
                tokio::spawn(async move {
                    // Most superseded queries end within a few milliseconds,
                    // and a cancel that arrives just after its query ended
                    // lands on whatever that server connection runs next:
                    // behind PgBouncer another query of the person, or
                    // PgBouncer's own SET when it links the connection
                    // ("varcache_apply failed: canceling statement due to
                    // user request", then "pooler error: invalid server
                    // parameter"). So only a query still running after
                    // CANCEL_AFTER is cancelled; `release` has taken the
                    // end's receiver once the query is over.
                    tokio::time::sleep(CANCEL_AFTER).await;
                    let running = matches!(
                        inflight.lock().unwrap_or_else(|e| e.into_inner()).get(&req),
                        Some(Inflight::Cancelled(Some(_)))
                    );
                    if !running {
                        let _ = ended.send(Sent::Over);
                        return;
                    }
                    tracing::debug!(?req, "cancelling a superseded query");
                    // Best effort: if the server refuses, the reply is
                    // dropped as stale anyway.
                    let sent = match crate::db::cancel::send(&token, &tls).await {
                        Ok(()) => Sent::Over,
                        Err(crate::db::cancel::Unsent::TimedOut) => Sent::Unknown,
                        Err(e) => {
                            tracing::debug!(error = %e, "cancel request failed");
                            Sent::Over
                        }
                    };
                    let _ = ended.send(sent);
                });
            }
            // Cancelled twice: the first request's end still counts.
            Some(cancelled @ Inflight::Cancelled(_)) => {
                table.insert(req, cancelled);
            }
            None => {
                table.insert(req, Inflight::Cancelled(None));
            }
        }
    }

    fn reply<T>(
        &self,
        req: ReqId,
        r: Result<T, Failure>,
        ok: impl FnOnce(T) -> Msg,
    ) -> Option<Msg> {
        if matches!(self.table().remove(&req), Some(Inflight::Cancelled(_))) {
            return None;
        }
        match r {
            Ok(v) => Some(ok(v)),
            Err(Failure::Cancelled) => None,
            Err(Failure::Reason(reason) | Failure::Auth(reason)) => {
                tracing::warn!(?req, %reason, "query failed");
                Some(Msg::QueryFailed { req, reason })
            }
        }
    }

    async fn connect(&self) -> Result<crate::domain::user::Whoami, Failure> {
        let client = self.client().await?;
        match users::whoami(pg(&client)).await {
            Ok(whoami) => Ok(whoami),
            Err(e) => Err(match users::not_caseloads(pg(&client), &e).await {
                Some(why) => Failure::Reason(why),
                None => e.into(),
            }),
        }
    }

    /// Connects and says who we are. With credentials: the keyring is asked
    /// when the server wants a password nothing else gave, a typed password replaces
    /// the current one, and a rejected password is dropped (never retried)
    /// before the prompt is asked for.
    async fn sign_in(&self, req: ReqId, typed: Option<(Password, bool)>) -> Msg {
        let Some((mut params, store, ask_keyring)) = self.auth().map(|mut a| {
            let ask = !a.keyring_tried && typed.is_none();
            a.keyring_tried = true;
            (a.creds.params.clone(), a.creds.store.clone(), ask)
        }) else {
            return match self.connect().await {
                Ok(whoami) => {
                    self.nudge_outbox();
                    self.run_own_jobs();
                    self.signed_in.notify_one();
                    Msg::Connected { req, whoami }
                }
                Err(f) => failed(req, f.to_string()),
            };
        };
        let remember = typed.as_ref().is_some_and(|(_, r)| *r);
        // A typed password answers `Msg::Authenticated`, which carries the
        // keyring outcome along with the sign-in.
        let was_typed = typed.is_some();
        if let Some((password, _)) = typed {
            params = params.with_password_from(password, PROMPT_ORIGIN);
        }
        if let Err(reason) = self.use_params(&params) {
            return failed(req, reason);
        }
        let mut result = self.connect().await;
        // Like libpq with .pgpass, the keyring is consulted only when the
        // server asks: trust and peer users never wait on a Secret Service.
        if ask_keyring && params.password.is_none() && matches!(result, Err(Failure::Auth(_))) {
            keyring::fill(&mut params, store.clone()).await;
            if params.password.is_some() {
                if let Err(reason) = self.use_params(&params) {
                    return failed(req, reason);
                }
                result = self.connect().await;
            }
        }
        match result {
            Ok(whoami) if was_typed => {
                self.nudge_outbox();
                self.run_own_jobs();
                self.signed_in.notify_one();
                let keyring = match (remember, params.password.clone()) {
                    (true, Some(password)) => {
                        Some(remember_password(store, &params, password).await)
                    }
                    _ => None,
                };
                Msg::Authenticated {
                    req,
                    whoami,
                    keyring,
                }
            }
            Ok(whoami) => {
                self.nudge_outbox();
                self.run_own_jobs();
                self.signed_in.notify_one();
                Msg::Connected { req, whoami }
            }
            Err(Failure::Auth(reason)) => {
                let origin = params.source_of("password").map(str::to_string);
                let reason = match origin.as_deref() {
                    Some(o) if o != PROMPT_ORIGIN => format!("{reason} (password from {o})"),
                    _ => reason,
                };
                tracing::info!(%reason, target = %params.display_masked(), "password needed");
                // Whatever was rejected is not tried again this session.
                let cleared = params.clone().without_password();
                if let Err(e) = self.use_params(&cleared) {
                    tracing::warn!(error = %e, "could not rebuild the pool without the password");
                }
                Msg::AuthRequired {
                    req,
                    target: params.keyring_account(),
                    reason,
                    stored_secret_failed: origin.as_deref() == Some(KEYRING_ORIGIN),
                }
            }
            Err(f) => failed(req, f.to_string()),
        }
    }

    /// Makes `params` the current connection settings, with a new pool when
    /// the password changed.
    fn use_params(&self, params: &ConnParams) -> Result<(), String> {
        let Some(mut auth) = self.auth() else {
            return Ok(());
        };
        if auth.creds.params.password != params.password {
            let pool = db_pool::build_pool_with_tls(params, &auth.creds.db, &self.tls)
                .map_err(|e| e.to_string())?;
            *self.pool.write().unwrap_or_else(|e| e.into_inner()) = pool;
            if let Some(r) = &self.reads {
                r.use_password(params.password.clone())?;
            }
        }
        auth.creds.params = params.clone();
        Ok(())
    }

    /// Queues a draft for writing; a failure of an earlier write is
    /// reported on the next change.
    fn put_draft(&self, draft: &SessionDraft) -> Option<Msg> {
        let w = self.drafts.as_ref()?;
        let failed = w.put(draft).err().or_else(|| w.take_failure());
        failed.map(|why| Msg::DraftFailed { why })
    }

    /// Keeps the editor's context on disk for offline use (best effort).
    fn keep_context(&self, ctx: &crate::domain::session::SessionContext) {
        let Some(w) = &self.drafts else { return };
        let (store, id) = (w.store().clone(), ctx.intervention_id);
        let Ok(bytes) = serde_json::to_vec(ctx) else {
            return;
        };
        tokio::task::spawn_blocking(move || {
            if let Err(e) = store.write_context(id, &bytes) {
                tracing::warn!(error = %e, "could not keep the session context");
            }
        });
    }

    async fn kept_context(&self, id: uuid::Uuid) -> Option<crate::domain::session::SessionContext> {
        let store = self.drafts.as_ref()?.store().clone();
        let bytes = tokio::task::spawn_blocking(move || store.read_context(id))
            .await
            .ok()?
            .ok()??;
        serde_json::from_slice(&bytes).ok()
    }

    fn nudge_outbox(&self) {
        if let Some(o) = self.outbox.get() {
            o.nudge();
        }
    }

    /// Hands a session save to the outbox, its draft written first (the
    /// outbox answers with its events); with no outbox, saves it at once.
    async fn submit(
        &self,
        write: SessionWrite,
        label: String,
        draft: &SessionDraft,
    ) -> Option<Msg> {
        let id = write.id;
        if let (Some(w), Some(o)) = (&self.drafts, self.outbox.get()) {
            if let Err(why) = w.write_now(draft).await {
                return Some(Msg::SubmitFailed {
                    id,
                    why: format!("the draft could not be written: {why}"),
                });
            }
            let o = o.clone();
            let queued = tokio::task::spawn_blocking(move || o.submit(QueuedSave { write, label }))
                .await
                .unwrap_or_else(|e| Err(e.to_string()));
            return queued.err().map(|why| Msg::SubmitFailed { id, why });
        }
        let outcome = match self.client().await {
            Err(f) => Err(WriteError::Refused(
                crate::domain::refusal::Refusal::Invalid(f.to_string()),
            )),
            Ok(mut c) => {
                let saved = crate::db::sessions::save(&mut c, &write).await;
                if let (Some(r), Ok(_)) = (&self.reads, &saved) {
                    r.note_write(pg(&c)).await;
                }
                saved
            }
        };
        Some(outbox_msg(match outcome {
            Ok(version) => OutboxEvent::Saved { id, version, label },
            Err(WriteError::Conflict { current }) => OutboxEvent::Conflict {
                id,
                theirs: current,
                label,
            },
            Err(e) => OutboxEvent::Refused {
                id,
                why: e.to_string(),
                label,
            },
        }))
    }

    async fn forget(&self) -> Result<String, String> {
        let Some((account, store)) = self
            .auth()
            .map(|a| (a.creds.params.keyring_account(), a.creds.store.clone()))
        else {
            return Err("this connection does not use the keyring".into());
        };
        match keyring::delete(store, account.clone()).await {
            Ok(true) => Ok(format!("forgot the stored password for {account}")),
            Ok(false) => Ok(format!("no stored password for {account}")),
            Err(e) => Err(format!("could not forget the stored password: {e}")),
        }
    }
}

async fn remember_password(
    store: Arc<dyn SecretStore>,
    params: &ConnParams,
    password: Password,
) -> Result<String, String> {
    let account = params.keyring_account();
    match keyring::set(store, account.clone(), password).await {
        Ok(()) => Ok(format!("password saved in the keyring for {account}")),
        Err(e) => {
            tracing::warn!(error = %e, "could not save the password in the keyring");
            Err(format!("signed in, but the password was not saved: {e}"))
        }
    }
}

fn outbox_msg(event: OutboxEvent) -> Msg {
    match event {
        OutboxEvent::Saved { id, version, label } => Msg::SessionSaved { id, version, label },
        OutboxEvent::Conflict { id, theirs, label } => Msg::SessionConflict { id, theirs, label },
        OutboxEvent::Refused { id, why, label } => Msg::SessionRefused { id, why, label },
        OutboxEvent::Pending { count, last_error } => Msg::OutboxPending { count, last_error },
    }
}

/// The drafts on disk that are not waiting in the outbox (those are sent
/// by it, not offered again), and the files that could not be read.
fn read_drafts(store: &DraftStore) -> (Vec<SessionDraft>, Vec<String>) {
    let mut unreadable = Vec::new();
    let queued: Vec<uuid::Uuid> = match store.read_outbox() {
        Ok(files) => files.into_iter().map(|f| f.id).collect(),
        Err(e) => {
            unreadable.push(format!("the outbox: {e}"));
            vec![]
        }
    };
    let files = match store.read_drafts() {
        Ok(f) => f,
        Err(e) => {
            unreadable.push(format!("the drafts: {e}"));
            return (vec![], unreadable);
        }
    };
    let mut drafts = Vec::new();
    for f in files {
        if queued.contains(&f.id) {
            continue;
        }
        let name = f.path.display().to_string();
        match f.bytes.map(|b| serde_json::from_slice::<SessionDraft>(&b)) {
            Ok(Ok(d)) => drafts.push(d),
            Ok(Err(e)) => unreadable.push(format!("{name}: {e}")),
            Err(e) => unreadable.push(format!("{name}: {e}")),
        }
    }
    drafts.sort_by_key(|d| d.id);
    (drafts, unreadable)
}

/// The worker's date, not update()'s: the app stays clock-free.
fn today() -> chrono::NaiveDate {
    crate::clock::today()
}

fn failed(req: ReqId, reason: String) -> Msg {
    tracing::warn!(%reason, "connection failed");
    Msg::ConnectionFailed { req, reason }
}

/// A pooled connection; TLS failures are explained with the sslmode and
/// root file only the worker knows.
async fn client_of(pool: &Pool, tls: &Tls) -> Result<Object, Failure> {
    match tokio::time::timeout(CONNECT_TIMEOUT, pool.get()).await {
        Ok(Err(PoolError::Backend(e))) if !is_auth_error(&e) => Err(Failure::Reason(
            tls.context()
                .explain(&e)
                .unwrap_or_else(|| describe_pg_error(&e)),
        )),
        Ok(r) => Ok(r?),
        Err(_) => Err(Failure::Reason(format!(
            "no connection after {}s",
            CONNECT_TIMEOUT.as_secs()
        ))),
    }
}

/// Object derefs through ClientWrapper; the queries want the plain client.
fn pg(o: &Object) -> &tokio_postgres::Client {
    o
}
