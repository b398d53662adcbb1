//! Live refresh (issue 18) with two clients on the real server: the real
//! worker with its listener, the real update(), no terminal. What one
//! writes appears on the other's open screens without a key; a form being
//! edited keeps what was typed and says who changed its record; a burst
//! costs a bounded number of refetches; the listener survives the server
//! killing its connection, and says offline / reconnected.

mod common;

use caseload::app::home::HomeState;
use caseload::app::intervention::DetailState;
use caseload::app::roster::RosterState;
use caseload::app::{Effect, Link, Msg, Options, Read, Screen, State, update};
use caseload::config::{DatabaseConfig, conn};
use caseload::db::tls::Tls;
use caseload::demo::seed::{DEMO_COORDINATOR, DEMO_COUNSELOR};
use caseload::domain::caseload::Scope;
use caseload::worker::live::{APPLICATION_NAME, Mode, Settings};
use caseload::worker::{self, Worker};
use common::TestDb;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::time::Duration;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};
use tokio::time::Instant;
use uuid::Uuid;

static DEMO_LOGIN: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// A client: the state machine and its worker, as the event loop runs
/// them, remembering every read it sent.
struct Client {
    state: State,
    effects: UnboundedSender<Effect>,
    replies: UnboundedReceiver<Msg>,
    reads: Vec<Read>,
    /// `Msg::Changed` received.
    changed: usize,
}

fn settings(mode: Mode) -> Settings {
    Settings {
        mode,
        heartbeat: Duration::from_secs(1),
        poll: Duration::from_secs(1),
        ..Settings::default()
    }
}

impl Client {
    async fn start(conninfo: &str, stack: Vec<Screen>, live: Settings) -> Client {
        let params = conn::resolve(Some(conninfo), &|_| None, None).expect("conninfo");
        let tls = Tls::for_params(&params).expect("tls");
        let pool =
            caseload::db::pool::build_pool_with_tls(&params, &DatabaseConfig::default(), &tls)
                .expect("pool");
        let w = Worker::new(pool, tls).with_live(live, params);
        let (tx, replies) = tokio::sync::mpsc::unbounded_channel();
        let effects = worker::spawn_worker(w, tx);
        let mut state = State::new(Options::default());
        state.screens.extend(stack);
        let mut c = Client {
            state,
            effects,
            replies,
            reads: Vec::new(),
            changed: 0,
        };
        let fx = update(&mut c.state, Msg::Start);
        c.send(fx);
        c.until("signed in, every screen loaded", |s| {
            s.is_connected() && !s.busy()
        })
        .await;
        c
    }

    fn send(&mut self, fx: Vec<Effect>) {
        for e in fx {
            if let Effect::Load { read, .. } = &e {
                self.reads.push(read.clone());
            }
            let _ = self.effects.send(e);
        }
    }

    fn apply(&mut self, msg: Msg) {
        if matches!(msg, Msg::Changed { .. }) {
            self.changed += 1;
        }
        let fx = update(&mut self.state, msg);
        self.send(fx);
    }

    fn key(&mut self, c: KeyCode) {
        self.apply(Msg::Key(KeyEvent::new(c, KeyModifiers::NONE)));
    }

    /// Applies what the worker says until `done`; fails after 20 s.
    async fn until(&mut self, what: &str, done: impl Fn(&State) -> bool) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while !done(&self.state) {
            let msg = tokio::time::timeout_at(deadline, self.replies.recv())
                .await
                .unwrap_or_else(|_| {
                    panic!("waited 20 s for: {what}; state: {:?}", self.state.message)
                })
                .expect("the worker stopped");
            self.apply(msg);
        }
    }

    /// Applies what the worker says for `d`.
    async fn settle(&mut self, d: Duration) {
        let until = Instant::now() + d;
        while let Ok(Some(msg)) = tokio::time::timeout_at(until, self.replies.recv()).await {
            self.apply(msg);
        }
    }

    /// Opens intervention `id` over what is on screen, as Enter on a row
    /// does, and waits for it to load.
    async fn open_intervention(&mut self, id: Uuid) {
        self.state
            .screens
            .push(Screen::Intervention(DetailState::new(id, "opened".into())));
        self.key(KeyCode::Char('r'));
        self.until("the detail loaded", |s| {
            !s.busy() && format!("{:?}", s.top()).contains("header")
        })
        .await;
    }

    fn shows(&self, text: &str) -> bool {
        format!("{:?}", self.state.screens).contains(text)
    }
}

struct Fixture {
    _db: TestDb,
    admin: tokio_postgres::Client,
    coordinator: String,
    counselor: String,
}

async fn fixture() -> Fixture {
    common::pin_today();
    let (db, admin) = TestDb::seeded(200, 18, common::today()).await;
    let _one = DEMO_LOGIN.lock().await;
    let (coordinator, _) = db
        .demo_login(&admin, DEMO_COORDINATOR, "caseload_coordinator")
        .await;
    let (counselor, _) = db
        .demo_login(&admin, DEMO_COUNSELOR, "caseload_counselor")
        .await;
    Fixture {
        _db: db,
        admin,
        coordinator,
        counselor,
    }
}

fn home(s: &State) -> Option<&HomeState> {
    s.screens.iter().find_map(|x| match x {
        Screen::Home(h) => Some(h),
        _ => None,
    })
}

fn roster(s: &State) -> Option<&RosterState> {
    s.screens.iter().find_map(|x| match x {
        Screen::Roster(r) => Some(r),
        _ => None,
    })
}

/// The admin renames the first student on `coord`'s roster; the roster
/// shows the new name (`what` says how it got there).
async fn renamed_on_roster(
    admin: &tokio_postgres::Client,
    coord: &mut Client,
    to: &str,
    what: &str,
) {
    let first = roster(&coord.state).unwrap().rows[0].id;
    rename(admin, first, to).await;
    coord
        .until(what, |s| {
            roster(s).is_some_and(|r| {
                r.rows
                    .iter()
                    .any(|x| x.preferred_name.as_deref() == Some(to))
            })
        })
        .await;
}

async fn rename(admin: &tokio_postgres::Client, student: Uuid, to: &str) {
    let n = admin
        .execute(
            "UPDATE students SET preferred_name = $2 WHERE id = $1",
            &[&student, &to],
        )
        .await
        .expect("rename");
    assert_eq!(n, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_save_appears_on_the_other_clients_home_detail_and_roster() {
    let f = fixture().await;
    let mut coord = Client::start(
        &f.coordinator,
        vec![Screen::Home(HomeState::new(Scope::Schools))],
        settings(Mode::Listen),
    )
    .await;
    let mut lister = Client::start(
        &f.coordinator,
        vec![Screen::Roster(RosterState::default())],
        settings(Mode::Listen),
    )
    .await;
    // The first active intervention on the coordinator's home, opened.
    let row = home(&coord.state)
        .and_then(|h| h.home.get())
        .and_then(|h| h.active.first().cloned())
        .expect("an active intervention on the home");
    coord.open_intervention(row.of.intervention_id).await;
    // The roster client: move onto the third row, to see the cursor stay.
    lister.key(KeyCode::Down);
    lister.key(KeyCode::Down);
    let on_roster = roster(&lister.state).unwrap().rows[1].clone();
    let selected = roster(&lister.state).unwrap().selected().unwrap().id;

    // The counselor logs a session elsewhere; the admin renames students.
    rename(&f.admin, row.of.student_id, "Livewire").await;
    rename(&f.admin, on_roster.id, "Wirelive").await;

    coord
        .until("the home and the detail show the new name", |s| {
            let text = format!("{:?}", s.screens);
            text.matches("Livewire").count() >= 2
        })
        .await;
    assert!(
        matches!(coord.state.top(), Screen::Intervention(_)),
        "still on the detail"
    );
    lister
        .until("the roster shows the new name", |s| {
            roster(s).is_some_and(|r| {
                r.rows
                    .iter()
                    .any(|x| x.preferred_name.as_deref() == Some("Wirelive"))
            })
        })
        .await;
    assert_eq!(
        roster(&lister.state).unwrap().selected().unwrap().id,
        selected,
        "the cursor stays on its student"
    );
    assert!(coord.changed >= 1 && lister.changed >= 1);

    // A save as the counselor, through their own login and row-level
    // security: the concern of one of their interventions, opened on the
    // coordinator's screen.
    let counselor = common::connect(&f.counselor).await;
    let theirs: Uuid = counselor
        .query_one(
            "SELECT i.id FROM interventions i JOIN users u ON u.id = i.owner_id \
             WHERE u.username = $1 AND i.status = 'active' \
               AND EXISTS (SELECT 1 FROM intervention_goals g WHERE g.intervention_id = i.id) \
             ORDER BY i.id LIMIT 1",
            &[&DEMO_COUNSELOR],
        )
        .await
        .expect("an intervention of the counselor's")
        .get(0);
    coord.open_intervention(theirs).await;
    let n = counselor
        .execute(
            "UPDATE interventions SET concern = 'Reads aloud now' WHERE id = $1",
            &[&theirs],
        )
        .await
        .expect("the counselor's write");
    assert_eq!(n, 1, "the counselor may edit their own intervention");
    coord
        .until("the detail shows the counselor's save", |s| {
            format!("{:?}", s.top()).contains("Reads aloud now")
        })
        .await;

    // A data point names its goal, not its intervention: the open detail
    // still knows it is its own (the cold tryout's coordinator watched a
    // stale verdict).
    counselor
        .execute(
            "INSERT INTO progress_measurements (goal_id, measured_on, value) \
             SELECT g.id, current_date, 91.125 FROM intervention_goals g \
             WHERE g.intervention_id = $1 ORDER BY g.id LIMIT 1",
            &[&theirs],
        )
        .await
        .expect("the counselor's data point");
    coord
        .until("the detail shows the counselor's data point", |s| {
            format!("{:?}", s.top()).contains("91.125")
        })
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_half_edited_form_is_not_overwritten_and_says_who_changed_it() {
    let f = fixture().await;
    let mut coord = Client::start(
        &f.coordinator,
        vec![Screen::Home(HomeState::new(Scope::Schools))],
        settings(Mode::Listen),
    )
    .await;
    let row = home(&coord.state)
        .and_then(|h| h.home.get())
        .and_then(|h| h.active.first().cloned())
        .expect("an active intervention");
    coord.open_intervention(row.of.intervention_id).await;
    coord.key(KeyCode::Char('E'));
    coord
        .until("the edit form open", |s| {
            matches!(s.top(), Screen::IvEdit(e) if matches!(e.stage, caseload::app::iv_edit::Stage::Form(_)))
        })
        .await;
    // To the Concern field, a text box, and half an edit into it.
    for _ in 0..12 {
        let on_concern = matches!(coord.state.top(), Screen::IvEdit(e)
            if matches!(&e.stage, caseload::app::iv_edit::Stage::Form(f) if f.specs[f.focus].label == "Concern"));
        if on_concern {
            break;
        }
        coord.key(KeyCode::Tab);
    }
    for c in " half typed".chars() {
        coord.key(KeyCode::Char(c));
    }
    let typed = format!("{:?}", coord.state.top());
    assert!(typed.contains("half typed"), "{typed}");

    f.admin
        .execute(
            "UPDATE interventions SET concern = 'Changed by the admin' WHERE id = $1",
            &[&row.of.intervention_id],
        )
        .await
        .unwrap();
    coord
        .until("the form says its record changed", |s| match s.top() {
            Screen::IvEdit(e) => match &e.stage {
                caseload::app::iv_edit::Stage::Form(form) => form
                    .notice
                    .as_deref()
                    .is_some_and(|n| n.starts_with("changed by")),
                _ => false,
            },
            _ => false,
        })
        .await;
    let after = format!("{:?}", coord.state.top());
    assert!(after.contains("half typed"), "the edit is kept: {after}");
    assert!(
        !after.contains("Changed by the admin"),
        "theirs is not pulled into the form"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ten_thousand_row_burst_costs_a_bounded_number_of_refetches() {
    let f = fixture().await;
    let mut coord = Client::start(
        &f.coordinator,
        vec![
            Screen::Home(HomeState::new(Scope::Schools)),
            Screen::Roster(RosterState::default()),
        ],
        settings(Mode::Listen),
    )
    .await;
    let before = coord.reads.len();
    // 10,000 single-row statements in one transaction (an import that
    // writes row by row): 10,000 distinct notices at commit.
    f.admin
        .batch_execute(
            "BEGIN; \
             DO $$ DECLARE ids uuid[] := ARRAY(SELECT id FROM students ORDER BY id LIMIT 200); \
             BEGIN FOR i IN 1..10000 LOOP \
               UPDATE students SET preferred_name = 'Burst ' || i WHERE id = ids[1 + i % 200]; \
             END LOOP; END $$; COMMIT;",
        )
        .await
        .expect("the burst");
    coord.settle(Duration::from_secs(4)).await;
    let refetches = coord.reads.len() - before;
    assert!(coord.changed >= 1, "the burst was heard");
    // Each Changed refetches the home (its parts: those asked at once, then
    // the follow-ups, the goals and the totals) and the roster's rows and
    // count.
    let per_change = caseload::domain::home_parts::HomeQuery::AT_ONCE.len() + 3 + 2;
    assert!(
        refetches <= per_change * coord.changed && coord.changed <= 20,
        "{refetches} reads over {} notices-messages",
        coord.changed
    );
    assert!(coord.shows("Burst "), "the new names are on screen");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_listener_survives_the_server_killing_its_connection() {
    let f = fixture().await;
    let mut coord = Client::start(
        &f.coordinator,
        vec![Screen::Roster(RosterState::default())],
        settings(Mode::Listen),
    )
    .await;
    let n = f
        .admin
        .execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
             WHERE application_name = $1 AND datname = current_database()",
            &[&APPLICATION_NAME],
        )
        .await
        .unwrap();
    assert_eq!(n, 1, "one listening connection");
    coord
        .until("offline", |s| matches!(s.link, Link::Down { .. }))
        .await;
    coord.until("reconnected", |s| s.link == Link::Up).await;
    assert!(
        coord
            .state
            .message
            .as_ref()
            .is_some_and(|(_, m)| m.starts_with("reconnected at")),
        "{:?}",
        coord.state.message
    );
    // It listens again: a rename on screen shows.
    renamed_on_roster(
        &f.admin,
        &mut coord,
        "Phoenix",
        "the rename after the reconnect",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn poll_mode_sees_a_change_without_listen() {
    let f = fixture().await;
    let mut coord = Client::start(
        &f.coordinator,
        vec![Screen::Roster(RosterState::default())],
        settings(Mode::Poll),
    )
    .await;
    renamed_on_roster(
        &f.admin,
        &mut coord,
        "Pollster",
        "the rename, seen by polling",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_forged_notice_changes_nothing_on_screen() {
    let f = fixture().await;
    let mut coord = Client::start(
        &f.coordinator,
        vec![Screen::Roster(RosterState::default())],
        settings(Mode::Listen),
    )
    .await;
    let before = coord.reads.len();
    let counselor = common::connect(&f.counselor).await;
    counselor
        .batch_execute(
            "NOTIFY caseload_changes, '\u{1b}]52;c;ZXZpbA==\u{7}'; \
             SELECT pg_notify('caseload_changes', '{\"t\":\"pg_authid\",\"rows\":null}');",
        )
        .await
        .unwrap();
    coord.settle(Duration::from_secs(1)).await;
    assert_eq!(coord.changed, 0, "nothing taken from garbage");
    assert_eq!(coord.reads.len(), before, "nothing refetched");
    assert!(!coord.shows("ZXZpbA"), "never drawn");
}

/// Behind a transaction-mode pooler LISTEN hears nothing reliably (the
/// session is the pooler's): with `live.mode = auto` the listener sees the
/// pooler on its connection and polls; a change still arrives, and no
/// server session was left LISTENing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn behind_pgbouncer_the_listener_polls() {
    let f = fixture().await;
    let bouncer = common::bouncer::trusting(&[DEMO_COORDINATOR], 2);
    let through = common::bouncer::via(&bouncer, &f.coordinator);
    let auto = Settings {
        pooler: Some(caseload::config::PoolerSetting::Auto),
        ..settings(Mode::Listen)
    };
    let mut coord =
        Client::start(&through, vec![Screen::Roster(RosterState::default())], auto).await;
    renamed_on_roster(
        &f.admin,
        &mut coord,
        "Bouncepoll",
        "the rename, seen through the pooler",
    )
    .await;
    let listening: i64 = f
        .admin
        .query_one(
            "SELECT count(*) FROM pg_stat_activity \
             WHERE datname = current_database() AND query ILIKE 'LISTEN%'",
            &[],
        )
        .await
        .expect("pg_stat_activity")
        .get(0);
    assert_eq!(listening, 0, "no server session was asked to LISTEN");
}
