//! The session editor through the real worker, its draft store and outbox,
//! against the real server as the demo counselor (a login role under RLS):
//! a save lands once and its draft goes; two people editing the same
//! session see the second save stopped by the conflict, and "keep mine"
//! then saves over theirs knowingly.

mod common;

use caseload::app::screens::room::LogFor;
use caseload::app::session_edit::{self, Stage};
use caseload::app::{Effect, Msg, Options, Screen, State, session_log, update};
use caseload::db::tls::Tls;
use caseload::demo::seed;
use caseload::drafts::DraftStore;
use caseload::worker::{self, Worker};
use common::TestDb;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use deadpool_postgres::Pool;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender, unbounded_channel};
use uuid::Uuid;

/// Each demo login gets a fresh password: tests that sign in as the same
/// cluster-wide role take turns.
static SAME_ROLE: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn tls() -> Tls {
    let params =
        caseload::config::conn::resolve(Some("host=127.0.0.1"), &|_| None, None).expect("params");
    Tls::for_params(&params).expect("tls")
}

fn pool(conninfo: &str, password: &str) -> Pool {
    common::pool(conninfo, None, Some(password))
}

/// One person's caseload: the state machine wired to a worker with its own
/// draft directory, as the terminal would run it.
struct Client {
    state: State,
    effects: UnboundedSender<Effect>,
    replies: UnboundedReceiver<Msg>,
    store: Arc<DraftStore>,
    _dir: tempfile::TempDir,
}

impl Client {
    async fn start(conninfo: &str, password: &str) -> Client {
        Self::start_on(pool(conninfo, password)).await
    }

    async fn start_on(pool: Pool) -> Client {
        let dir = tempfile::tempdir().expect("tempdir");
        let store = Arc::new(DraftStore::open(dir.path()).expect("store"));
        let worker = Worker::new(pool, tls()).with_drafts(store.clone());
        let (tx, replies) = unbounded_channel();
        let effects = worker::spawn_worker(worker, tx);
        let mut c = Client {
            state: State::new(Options::default()),
            effects,
            replies,
            store,
            _dir: dir,
        };
        c.apply(Msg::Start);
        c.until(|s| s.is_connected() && matches!(s.top(), Screen::Home(h) if !h.home.is_loading()))
            .await;
        c
    }

    fn apply(&mut self, msg: Msg) {
        for e in update(&mut self.state, msg) {
            self.effects.send(e).expect("worker alive");
        }
    }

    fn key(&mut self, code: KeyCode, mods: KeyModifiers) {
        self.apply(Msg::Key(KeyEvent::new(code, mods)));
    }

    fn typed(&mut self, text: &str) {
        for c in text.chars() {
            self.key(KeyCode::Char(c), KeyModifiers::NONE);
        }
    }

    /// Applies replies until `done` holds (30 s at most).
    async fn until(&mut self, done: impl Fn(&State) -> bool) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
        while !done(&self.state) {
            let msg = tokio::time::timeout_at(deadline, self.replies.recv())
                .await
                .unwrap_or_else(|_| {
                    let editor = match self.state.top() {
                        Screen::Session(x) => format!(
                            "{:?} {:?}",
                            x.error(),
                            x.editor()
                                .map(|e| (&e.notice, &e.form.values, &e.form.errors))
                        ),
                        _ => String::new(),
                    };
                    panic!(
                        "timed out on {}: {:?} {editor}",
                        self.state.top().title(),
                        self.state.message
                    )
                })
                .expect("worker alive");
            self.apply(msg);
        }
    }

    fn editor(&self) -> &session_edit::Editor {
        match self.state.top() {
            Screen::Session(s) => s.editor().expect("editor"),
            other => panic!("top is {}", other.title()),
        }
    }

    /// Opens the editor on a saved session and waits for it.
    async fn edit(&mut self, intervention: Uuid, session: Uuid) {
        let saved = LogFor::Saved {
            intervention_id: intervention,
            session_id: session,
            title: "s".into(),
        };
        for e in session_log::log_for(&mut self.state, saved) {
            self.effects.send(e).expect("worker alive");
        }
        self.until(|s| matches!(s.top(), Screen::Session(x) if x.editor().is_some()))
            .await;
    }

    /// Types at the end of the note and saves.
    async fn append_and_save(&mut self, text: &str) {
        while !self.editor().note_focus {
            self.key(KeyCode::Tab, KeyModifiers::NONE);
        }
        self.key(KeyCode::End, KeyModifiers::CONTROL);
        self.typed(text);
        self.key(KeyCode::Char('s'), KeyModifiers::CONTROL);
    }

    /// Gives every field the save stops on a value: the next choice, else
    /// a 1 (a required rating or number the fixture left empty).
    fn fill_required(&mut self) {
        for _ in 0..10 {
            self.key(KeyCode::Char('s'), KeyModifiers::CONTROL);
            if self.editor().notice.is_none() {
                return;
            }
            // The failed save put the focus on the first field to fix.
            self.key(KeyCode::Right, KeyModifiers::NONE);
            let e = self.editor();
            if e.form.errors[e.form.focus].is_some() {
                self.typed("1");
            }
        }
        panic!("could not fill {:?}", self.editor().form.errors);
    }

    fn saved(s: &State) -> bool {
        s.message
            .as_ref()
            .is_some_and(|m| m.1.starts_with("session saved"))
    }
}

/// A seeded district and the demo counselor's caseload open on it.
async fn counselor(seed_no: u64) -> (TestDb, tokio_postgres::Client, Client) {
    let (db, admin) = TestDb::seeded(300, seed_no, common::pin_today()).await;
    let (url, password) = db
        .demo_login(&admin, seed::DEMO_COUNSELOR, "caseload_counselor")
        .await;
    let c = Client::start(&url, &password).await;
    (db, admin, c)
}

impl Client {
    /// `L` on the home's selected row, and the editor once it opened.
    async fn log(&mut self) {
        self.key(KeyCode::Char('L'), KeyModifiers::NONE);
        self.until(|s| matches!(s.top(), Screen::Session(x) if x.editor().is_some()))
            .await;
    }
}

fn files(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir).map_or(0, |d| d.count())
}

/// A session of one of the counselor's own active interventions, as the
/// counselor sees it.
async fn own_session(me: &tokio_postgres::Client) -> (Uuid, Uuid, i32) {
    let r = me
        .query_one(
            "SELECT se.intervention_id, se.id, se.version FROM intervention_sessions se \
             JOIN interventions i ON i.id = se.intervention_id \
             WHERE i.status = 'active' AND i.owner_id = caseload_current_user_id() \
               AND NOT se.is_restricted \
             ORDER BY se.session_date DESC, se.id LIMIT 1",
            &[],
        )
        .await
        .expect("the demo counselor has sessions");
    (r.get(0), r.get(1), r.get(2))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_second_of_two_edits_meets_the_conflict_and_keeps_mine_knowingly() {
    two_edits_meet_the_conflict(false).await;
}

/// The same behind PgBouncer in transaction mode, both people's caseloads
/// sharing its two server connections.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn through_pgbouncer_the_second_edit_meets_the_conflict_and_keeps_mine() {
    two_edits_meet_the_conflict(true).await;
}

async fn two_edits_meet_the_conflict(through_pgbouncer: bool) {
    let _turn = SAME_ROLE.lock().await;
    let (db, admin) = TestDb::seeded(300, 11, common::pin_today()).await;
    let (url, password) = db
        .demo_login(&admin, seed::DEMO_COUNSELOR, "caseload_counselor")
        .await;
    let me = common::connect(&format!("{url} password={password}")).await;
    let bouncer = through_pgbouncer.then(|| common::bouncer::trusting(&[seed::DEMO_COUNSELOR], 2));
    // Behind PgBouncer, caseload's own pool (it learns the enums at once).
    let start = async || match &bouncer {
        Some(b) => {
            let through = common::bouncer::via(b, &format!("{url} password={password}"));
            Client::start_on(common::bouncer::pool(&through)).await
        }
        None => Client::start(&url, &password).await,
    };
    let (iv, session, version) = own_session(&me).await;

    let mut first = start().await;
    let mut second = start().await;
    first.edit(iv, session).await;
    second.edit(iv, session).await;
    assert_eq!(first.editor().base_version, Some(version));
    assert_eq!(second.editor().base_version, Some(version));

    first.append_and_save(" First's addition.").await;
    first.until(Client::saved).await;

    second.append_and_save(" Second's addition — ✓.").await;
    second
        .until(|s| {
            matches!(s.top(), Screen::Session(x)
                if x.editor().is_some_and(|e| matches!(e.stage, Stage::Conflict(_))))
        })
        .await;
    let Stage::Conflict(theirs) = &second.editor().stage else {
        unreachable!()
    };
    assert_eq!(theirs.version, version + 1);
    assert!(
        theirs
            .values
            .note
            .as_deref()
            .unwrap_or("")
            .ends_with(" First's addition.")
    );
    // Nothing of the second's was written; their draft is still on disk.
    let note: Option<String> = admin
        .query_one(
            "SELECT note FROM intervention_sessions WHERE id = $1",
            &[&session],
        )
        .await
        .expect("row")
        .get(0);
    assert!(
        note.as_deref()
            .unwrap_or("")
            .ends_with(" First's addition.")
    );
    assert_eq!(files(second.store.drafts_dir()), 1);

    // Keep mine: saved on their version, and the draft goes.
    second.key(KeyCode::Char('m'), KeyModifiers::NONE);
    second.until(Client::saved).await;
    let row = admin
        .query_one(
            "SELECT note, version FROM intervention_sessions WHERE id = $1",
            &[&session],
        )
        .await
        .expect("row");
    let note: Option<String> = row.get(0);
    assert!(
        note.as_deref()
            .unwrap_or("")
            .ends_with(" Second's addition — ✓.")
    );
    assert_eq!(row.get::<_, i32>(1), version + 2);
    // The outbox confirms before deleting: the files go soon after.
    all_gone(&[
        second.store.drafts_dir(),
        second.store.outbox_dir(),
        first.store.drafts_dir(),
    ])
    .await;
}

/// Waits (20 s at most) until none of `dirs` holds a file.
async fn all_gone(dirs: &[&std::path::Path]) {
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while dirs.iter().any(|d| files(d) > 0) {
        let left: Vec<_> = dirs.iter().map(|d| (d, files(d))).collect();
        assert!(
            std::time::Instant::now() < deadline,
            "still there: {left:?}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_session_is_drafted_while_typed_and_saved_once() {
    let _turn = SAME_ROLE.lock().await;
    let (_db, admin, mut c) = counselor(12).await;
    c.log().await;
    let id = c.editor().id;
    while !c.editor().note_focus {
        c.key(KeyCode::Tab, KeyModifiers::NONE);
    }
    let note = "Worked on blends: \"str\", \"spl\".\nNext: 読み, 👩‍🏫 review.";
    for line in note.split('\n').enumerate() {
        if line.0 > 0 {
            c.key(KeyCode::Enter, KeyModifiers::NONE);
        }
        c.typed(line.1);
    }
    // The draft reaches the disk on its own, within about a second.
    let path = c.store.draft_path(id);
    let deadline = std::time::Instant::now() + Duration::from_secs(2);
    loop {
        let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
        if on_disk.contains("👩‍🏫 review.") {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "draft not written: {on_disk}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    c.fill_required();
    c.until(Client::saved).await;
    let rows = admin
        .query(
            "SELECT note, attendance FROM intervention_sessions WHERE id = $1",
            &[&id],
        )
        .await
        .expect("rows");
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].get::<_, Option<String>>(0).as_deref(), Some(note));
    c.until(|s| s.outbox.pending == 0).await;
    assert!(!path.exists(), "the draft goes once the server confirmed");
}

/// The database stops taking connections after the editor was opened once:
/// the next session is written from the details kept on disk, waits in the
/// outbox with the reason on the status line, and is saved once the
/// database takes connections again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offline_a_session_is_written_from_kept_details_and_saved_later() {
    let _turn = SAME_ROLE.lock().await;
    let (db, admin, mut c) = counselor(13).await;
    // Opened once while online: its details are kept.
    c.log().await;
    let iv = c.editor().context.intervention_id;
    c.key(KeyCode::Esc, KeyModifiers::NONE);

    // No new connections, and the pooled ones are gone.
    admin
        .batch_execute(&format!(
            "ALTER DATABASE \"{0}\" CONNECTION LIMIT 0; \
             SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE datname = '{0}' AND pid <> pg_backend_pid()",
            db.name
        ))
        .await
        .expect("close the database");
    tokio::time::sleep(Duration::from_millis(200)).await;

    c.key(KeyCode::Char('L'), KeyModifiers::NONE);
    c.until(
        |s| matches!(s.top(), Screen::Session(x) if x.editor().is_some() || x.error().is_some()),
    )
    .await;
    let e = c.editor();
    assert_eq!(e.context.intervention_id, iv);
    assert!(
        e.notice.as_deref().unwrap_or("").starts_with("offline ("),
        "{:?}",
        e.notice
    );
    let id = e.id;
    while !c.editor().note_focus {
        c.key(KeyCode::Tab, KeyModifiers::NONE);
    }
    c.typed("Logged while the database was closed.");
    c.fill_required();
    c.until(|s| s.outbox.pending == 1 && s.outbox.last_error.is_some())
        .await;
    assert!(
        !matches!(c.state.top(), Screen::Session(_)),
        "the editor handed over"
    );
    assert!(c.store.outbox_path(id).exists());

    admin
        .batch_execute(&format!(
            "ALTER DATABASE \"{}\" CONNECTION LIMIT -1",
            db.name
        ))
        .await
        .expect("reopen the database");
    // The outbox retries on its own (backoff at most 15 s).
    c.until(|s| Client::saved(s) && s.outbox.pending == 0).await;
    let n: i64 = admin
        .query_one(
            "SELECT count(*) FROM intervention_sessions WHERE id = $1 AND note = $2",
            &[&id, &"Logged while the database was closed."],
        )
        .await
        .expect("count")
        .get(0);
    assert_eq!(n, 1);
}
