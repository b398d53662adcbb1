//! The worker and the state machine against the real server, connected as
//! an ordinary login role (never the superuser, which would see everything).

mod common;

use caseload::app::{self, Conn, Effect, Msg, Screen, State};
use caseload::app::{Data, Read};
use caseload::domain::roster::{PageRequest, RosterPage};
use caseload::worker::{self, Worker};
use common::TestDb;
use common::pty::Pty;
use common::roles::LoginRoles;
use common::worker::{Coordinator, drive, first_page, pool_as, seed, tls};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use deadpool_postgres::Pool;
use std::time::Duration;
use uuid::Uuid;

/// One Effect's reply, on a worker of its own.
async fn exec(pool: &Pool, effect: Effect) -> Msg {
    Worker::new(pool.clone(), tls())
        .execute(effect)
        .await
        .expect("a reply")
}

async fn page(pool: &Pool, page: PageRequest, limit: usize) -> RosterPage {
    match exec(
        pool,
        Effect::Load {
            req: app::ReqId(1),
            read: Read::RosterPage {
                query: Default::default(),
                page,
                limit,
            },
        },
    )
    .await
    {
        Msg::Loaded {
            data: Data::RosterPage { page, .. },
            ..
        } => page,
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn worker_serves_the_coordinator_only_their_school() {
    let admin_pg = common::connect(&common::admin_conninfo()).await;
    let roles = LoginRoles::create(&admin_pg, "caseload_coordinator", 3).await;
    let (me, stranger, district) = (roles.0[0].clone(), roles.0[1].clone(), roles.0[2].clone());
    let db = TestDb::new().await;
    let admin = db.admin().await;
    let fx = seed(&admin, &me).await;
    let pool = pool_as(&db.conninfo(), &me);

    // whoami, through the spawned worker and its channel.
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let effects = worker::spawn(pool.clone(), tls(), tx);
    effects
        .send(Effect::Connect { req: app::ReqId(7) })
        .unwrap();
    let Some(Msg::Connected { req, whoami }) = rx.recv().await else {
        panic!("not connected")
    };
    assert_eq!(req, app::ReqId(7));
    assert_eq!(whoami.login_role, me);
    let user = whoami.user.expect("a caseload user");
    assert_eq!(
        (user.username.as_str(), user.display_name.as_str()),
        (me.as_str(), "Tess Ui")
    );
    assert_eq!(user.role_keys, vec!["coordinator".to_string()]);
    assert!(
        whoami
            .server_version
            .split('.')
            .next()
            .unwrap()
            .parse::<u32>()
            .unwrap()
            >= 15
    );

    // The menu: approved and granted only, no invisible items, no empty groups.
    let Msg::Loaded {
        data: Data::Menu { items, .. },
        ..
    } = exec(
        &pool,
        Effect::Load {
            req: app::ReqId(2),
            read: Read::Menu,
        },
    )
    .await
    else {
        panic!()
    };
    let menu: Vec<(String, usize)> = app::menu::build(&items)
        .into_iter()
        .map(|e| (e.label, e.depth))
        .collect();
    assert_eq!(
        menu,
        vec![("Students".to_string(), 0), ("Roster".to_string(), 1)]
    );

    // Forwards, page by page.
    let mut seen = Vec::new();
    let mut request = PageRequest::First;
    loop {
        let p = page(&pool, request, 100).await;
        assert!(p.rows.len() <= 100);
        seen.extend(p.rows.iter().map(|r| r.id));
        match p.rows.last() {
            Some(last) if p.more => request = PageRequest::After(last.cursor()),
            _ => break,
        }
    }
    assert_eq!(seen, fx.expected_a, "forward walk");

    // Backwards from the end.
    let mut back = Vec::new();
    let mut request = PageRequest::Last;
    loop {
        let p = page(&pool, request, 64).await;
        let mut ids: Vec<Uuid> = p.rows.iter().map(|r| r.id).collect();
        ids.append(&mut back);
        back = ids;
        match p.rows.first() {
            Some(first) if p.more => request = PageRequest::Before(first.cursor()),
            _ => break,
        }
    }
    assert_eq!(back, fx.expected_a, "backward walk");

    let Msg::Loaded {
        data: Data::RosterCount { total, .. },
        ..
    } = exec(
        &pool,
        Effect::Load {
            req: app::ReqId(3),
            read: Read::RosterCount {
                query: Default::default(),
            },
        },
    )
    .await
    else {
        panic!()
    };
    assert_eq!(total, 250);

    // A student of school B cannot be opened; one of A can.
    let b_student: Uuid = admin
        .query_one(
            "SELECT id FROM students WHERE school_id <> $1 LIMIT 1",
            &[&fx.school_a],
        )
        .await
        .unwrap()
        .get(0);
    let Msg::Loaded {
        data: Data::Student { detail, .. },
        ..
    } = exec(
        &pool,
        Effect::Load {
            req: app::ReqId(4),
            read: Read::Student { id: b_student },
        },
    )
    .await
    else {
        panic!()
    };
    assert!(detail.is_none());
    let Msg::Loaded {
        data: Data::Student { detail, .. },
        ..
    } = exec(
        &pool,
        Effect::Load {
            req: app::ReqId(5),
            read: Read::Student {
                id: fx.expected_a[0],
            },
        },
    )
    .await
    else {
        panic!()
    };
    assert_eq!(detail.expect("visible").school_name, "Adams");

    // A login role without a users row: told so, and sees nobody.
    admin
        .batch_execute(&format!(
            "INSERT INTO students (school_id, local_id, first_name, last_name, grade_level) \
             VALUES ('{}', 'Z1', 'Zed', 'Zed', 'KG')",
            fx.school_a
        ))
        .await
        .unwrap();
    let pool2 = pool_as(&db.conninfo(), &stranger);
    let Msg::Connected { whoami, .. } = exec(&pool2, Effect::Connect { req: app::ReqId(1) }).await
    else {
        panic!()
    };
    assert_eq!(
        (whoami.login_role.as_str(), whoami.user),
        (stranger.as_str(), None)
    );
    assert!(page(&pool2, PageRequest::First, 100).await.rows.is_empty());

    // A district-wide grant (school NULL) sees every school, in one order.
    admin
        .execute(
            "WITH u AS (INSERT INTO users (username, display_name, email) \
                        VALUES ($1, 'Dee Strict', $1 || '@example.org') RETURNING id) \
             INSERT INTO user_roles (user_id, role_id) \
             SELECT u.id, r.id FROM u, roles r WHERE r.key = 'coordinator'",
            &[&district],
        )
        .await
        .unwrap();
    let everyone: Vec<Uuid> = admin
        .query(
            "SELECT id FROM students \
             ORDER BY last_name COLLATE caseload_names, first_name COLLATE caseload_names, id",
            &[],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    let pool3 = pool_as(&db.conninfo(), &district);
    let mut seen = Vec::new();
    let mut request = PageRequest::First;
    loop {
        let p = page(&pool3, request, 70).await;
        seen.extend(p.rows.iter().map(|r| r.id));
        match p.rows.last() {
            Some(last) if p.more => request = PageRequest::After(last.cursor()),
            _ => break,
        }
    }
    assert_eq!(seen.len(), 301);
    assert_eq!(seen, everyone, "district-wide walk");
    pool.close();
    pool2.close();
    pool3.close();
}

fn press(code: KeyCode) -> Msg {
    Msg::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn selected(state: &State) -> Option<Uuid> {
    match state.top() {
        Screen::Roster(r) => r.selected().map(|r| r.id),
        _ => None,
    }
}

#[tokio::test]
async fn headless_session_scrolls_the_whole_roster_both_ways() {
    let Coordinator {
        db,
        me,
        fixture: fx,
        ..
    } = &Coordinator::new().await;
    let pool = pool_as(&db.conninfo(), me);

    let mut s = State::new(app::Options::default());
    drive(
        &mut s,
        &pool,
        Msg::Resize {
            width: 80,
            height: 24,
        },
    )
    .await;
    drive(&mut s, &pool, Msg::Start).await;
    assert!(matches!(s.conn, Conn::Connected(_)), "{:?}", s.conn);
    drive(&mut s, &pool, press(KeyCode::Char('r'))).await;
    assert_eq!(selected(&s), Some(fx.expected_a[0]));

    let mut walked = vec![selected(&s).unwrap()];
    for _ in 1..fx.expected_a.len() {
        drive(&mut s, &pool, press(KeyCode::Char('j'))).await;
        walked.push(selected(&s).unwrap());
    }
    assert_eq!(walked, fx.expected_a, "j through the roster");
    drive(&mut s, &pool, press(KeyCode::Char('j'))).await;
    assert_eq!(
        selected(&s),
        fx.expected_a.last().copied(),
        "stops at the end"
    );

    let Screen::Roster(r) = s.top() else { panic!() };
    assert_eq!((r.position(), r.total), (Some(250), Some(250)));

    drive(&mut s, &pool, press(KeyCode::Char('g'))).await;
    assert_eq!(selected(&s), Some(fx.expected_a[0]));
    drive(&mut s, &pool, press(KeyCode::Char('G'))).await;
    assert_eq!(selected(&s), fx.expected_a.last().copied());
    let mut walked = vec![selected(&s).unwrap()];
    for _ in 1..fx.expected_a.len() {
        drive(&mut s, &pool, press(KeyCode::Up)).await;
        walked.push(selected(&s).unwrap());
    }
    walked.reverse();
    assert_eq!(walked, fx.expected_a, "k back up the roster");

    drive(&mut s, &pool, press(KeyCode::Enter)).await;
    let Screen::Student(st) = s.top() else {
        panic!()
    };
    assert_eq!(
        st.detail.get().map(|d| d.profile.id),
        Some(fx.expected_a[0])
    );
    pool.close();
}

#[tokio::test]
async fn connection_failure_has_a_readable_reason() {
    let db = TestDb::new().await;
    let missing = db.conninfo().replace(&db.name, "caseload_no_such_db");
    let pool = pool_as(&missing, "postgres");
    let Msg::ConnectionFailed { reason, .. } =
        exec(&pool, Effect::Connect { req: app::ReqId(1) }).await
    else {
        panic!()
    };
    assert!(reason.contains("does not exist"), "{reason}");

    let refused = pool_as("host=127.0.0.1 port=1 dbname=x", "nobody");
    let Msg::ConnectionFailed { reason, .. } =
        exec(&refused, Effect::Connect { req: app::ReqId(1) }).await
    else {
        panic!()
    };
    assert!(reason.contains("connection refused"), "{reason}");
}

#[tokio::test]
async fn cancelled_requests_get_no_reply() {
    let db = TestDb::new().await;
    let worker = Worker::new(pool_as(&db.conninfo(), "postgres"), tls());
    let req = app::ReqId(9);
    assert!(worker.execute(Effect::Cancel { req }).await.is_none());
    let load = first_page(req);
    assert!(
        worker.execute(load.clone()).await.is_none(),
        "cancelled before it started"
    );
    // The id is free again afterwards (ids are never reused, but the table must not leak).
    assert!(matches!(
        worker.execute(load).await,
        Some(Msg::Loaded {
            data: Data::RosterPage { .. },
            ..
        })
    ));
}

// ---------------------------------------------------------------------------
// The real event loop in a pseudo-terminal. The program under test is this
// test binary itself, re-run to execute `tui_child` only, so no other binary
// has to be built first.

#[test]
fn pty_first_frame_and_clean_exit_without_a_server() {
    let url = "host=127.0.0.1 port=1 user=nobody dbname=nothing";
    let mut pty = Pty::spawn(&["--database-url", url], &[], 100, 30);
    let screen = pty.wait_for(&["connection refused"], Duration::from_secs(15));
    assert!(screen.contains("caseload · Menu"), "{screen}");
    pty.send("q");
    pty.finish();
}

#[tokio::test]
async fn pty_real_session() {
    let c = Coordinator::new().await;
    let conninfo = LoginRoles::conninfo_as(&c.db.conninfo(), &c.me);
    let me = c.me.clone();

    tokio::task::spawn_blocking(move || {
        let mut pty = Pty::spawn(&["--database-url", &conninfo], &[], 100, 30);
        let wait = Duration::from_secs(15);
        // The roster opens by itself once the menu grants it.
        let screen = pty.wait_for(&["row 1 of 250"], wait);
        // Who is connected, short, on the status line (help says it in full).
        assert!(screen.contains(&format!("{me}@")), "{screen}");
        pty.send("G");
        pty.wait_for(&["row 250 of 250"], wait);
        pty.send("kkk");
        pty.wait_for(&["row 247 of 250"], wait);
        pty.send("\r");
        pty.wait_for(&["Guardians"], wait);
        pty.send("\x1b");
        pty.wait_for(&["row 247 of 250"], wait);
        pty.send("?");
        pty.wait_for(&["esc or ? to close"], wait);
        pty.send("q");
        // q closes the help first, and caseload stays on the roster.
        pty.wait_until("the help to close over the roster", wait, |screen| {
            !screen.contains("esc or ? to close") && screen.contains("row 247 of 250")
        });
        // Nothing is in flight: an idle screen is not redrawn.
        let idle = pty.frames();
        std::thread::sleep(Duration::from_millis(600));
        assert_eq!(pty.frames(), idle, "frames drawn while idle");
        pty.send("q");
        pty.finish();
    })
    .await
    .expect("pty session");
}

/// The intervention Effects through the real worker, signed in as the
/// owning counselor's own login role: what comes back is what the screens
/// show — the home, the detail with its status markers, a refusal for an
/// illegal move, a conflict for a stale version, and team changes with the
/// database's refusals in its own words.
#[tokio::test]
async fn intervention_effects_answer_as_the_screens_expect() {
    use caseload::app::intervention::WriteOutcome;
    use caseload::app::team::TeamOutcome;
    use caseload::domain::caseload::Scope;
    use caseload::domain::enums::InterventionStatus as S;
    use caseload::domain::home_parts::{HomePart, HomeQuery};
    use caseload::domain::kinds::TeamRole;
    use caseload::domain::markers::Marker;
    use caseload::domain::team::Member;
    use common::district::District;

    let d = District::new().await;
    let iv = d.students["a1"].interventions[0];
    // Started a month ago (as the superuser: the lifecycle goes step by step).
    d.admin
        .batch_execute(&format!(
            "UPDATE interventions SET status = 'planned' WHERE id = '{iv}'; \
             UPDATE interventions SET status = 'active', start_date = current_date - 30 \
             WHERE id = '{iv}';"
        ))
        .await
        .expect("activate");
    let pool = pool_as(&d.db.conninfo(), d.login("counselor_a"));
    let req = app::ReqId(1);

    let Msg::Loaded {
        data: Data::Home { part, .. },
        ..
    } = exec(
        &pool,
        Effect::Load {
            req,
            read: Read::Home {
                scope: Scope::Mine,
                part: HomeQuery::Open,
            },
        },
    )
    .await
    else {
        panic!("no home")
    };
    let HomePart::Open(open) = *part else {
        panic!("not the open part: {part:?}")
    };
    assert!(
        open.active.iter().any(|r| r.of.intervention_id == iv),
        "the active intervention is on its owner's home"
    );

    let load = || {
        exec(
            &pool,
            Effect::Load {
                req,
                read: Read::Intervention { id: iv },
            },
        )
    };
    let Msg::Loaded {
        data: Data::Intervention {
            detail: Some(detail),
            ..
        },
        ..
    } = load().await
    else {
        panic!("not loaded")
    };
    assert_eq!(detail.header.status, S::Active);
    let version = detail.header.version;
    let transition = |expected_version, to| Effect::Transition {
        req,
        id: iv,
        expected_version,
        to,
        outcome: None,
        notes: None,
    };

    // Illegal from active: refused in words, nothing changed.
    let Msg::Written {
        wrote: app::Wrote::Transition(outcome),
        ..
    } = exec(&pool, transition(version, S::Referred)).await
    else {
        panic!()
    };
    assert_eq!(
        outcome,
        WriteOutcome::Refused("an intervention cannot go from active to referred".into())
    );
    // A stale version: the row as it is now comes back, nothing saved.
    let Msg::Written {
        wrote: app::Wrote::Transition(outcome),
        ..
    } = exec(&pool, transition(version - 1, S::Paused)).await
    else {
        panic!()
    };
    match outcome {
        WriteOutcome::Conflict(now) => {
            assert_eq!((now.status, now.version), (S::Active, version))
        }
        other => panic!("expected a conflict, got {other:?}"),
    }
    // Pause, then resume: both saved, and both on the chart's markers.
    let Msg::Written {
        wrote: app::Wrote::Transition(WriteOutcome::Saved(version)),
        ..
    } = exec(&pool, transition(version, S::Paused)).await
    else {
        panic!("pause not saved")
    };
    let Msg::Written {
        wrote: app::Wrote::Transition(WriteOutcome::Saved(_)),
        ..
    } = exec(&pool, transition(version, S::Active)).await
    else {
        panic!("resume not saved")
    };
    let Msg::Loaded {
        data: Data::Intervention {
            detail: Some(detail),
            ..
        },
        ..
    } = load().await
    else {
        panic!("not loaded")
    };
    let kinds: Vec<&Marker> = detail.markers.iter().map(|m| &m.marker).collect();
    assert!(kinds.contains(&&Marker::Started), "{kinds:?}");
    assert!(kinds.contains(&&Marker::Paused), "{kinds:?}");
    assert!(kinds.contains(&&Marker::Resumed), "{kinds:?}");
    let today = detail.markers.iter().find(|m| m.marker == Marker::Paused);
    assert_eq!(
        today.map(|m| m.on),
        Some(chrono::Local::now().date_naive()),
        "paused today"
    );

    // Team: the teacher is found by name; the interventionist, already on
    // the team, is not.
    let candidates = |search: &str| {
        exec(
            &pool,
            Effect::Load {
                req,
                read: Read::TeamCandidates {
                    intervention_id: iv,
                    search: search.into(),
                },
            },
        )
    };
    let Msg::Loaded {
        data: Data::TeamCandidates { found, .. },
        ..
    } = candidates("TEACH").await
    else {
        panic!()
    };
    assert_eq!(
        found.iter().map(|c| c.id).collect::<Vec<_>>(),
        [d.id("teacher")]
    );
    let Msg::Loaded {
        data: Data::TeamCandidates { found, .. },
        ..
    } = candidates("interventionist").await
    else {
        panic!()
    };
    assert!(found.is_empty(), "already on the team: {found:?}");

    let add = |member, role| Effect::AddTeamMember {
        req,
        intervention_id: iv,
        member,
        role,
        can_edit: false,
    };
    let Msg::Written {
        wrote: app::Wrote::Team(TeamOutcome::Saved(team)),
        ..
    } = exec(&pool, add(Member::User(d.id("teacher")), TeamRole::Teacher)).await
    else {
        panic!("teacher not added")
    };
    assert_eq!(team.len(), 3);
    let Msg::Written {
        wrote: app::Wrote::Team(outcome),
        ..
    } = exec(
        &pool,
        add(
            Member::External {
                name: "Dr. Okafor".into(),
                org: " ".into(),
            },
            TeamRole::Observer,
        ),
    )
    .await
    else {
        panic!()
    };
    assert_eq!(
        outcome,
        TeamOutcome::Refused("a person outside the system needs a name and an organisation".into())
    );
    // The owner's row: the database refuses, and says why.
    let owner_row = team.iter().find(|m| m.role == TeamRole::Owner).unwrap().id;
    let remove = |member_id| Effect::RemoveTeamMember {
        req,
        intervention_id: iv,
        member_id,
    };
    let Msg::Written {
        wrote: app::Wrote::Team(outcome),
        ..
    } = exec(&pool, remove(owner_row)).await
    else {
        panic!()
    };
    assert_eq!(
        outcome,
        TeamOutcome::Refused("the owner is always on the team: change the owner first".into())
    );
    let teacher_row = team
        .iter()
        .find(|m| m.user_id == Some(d.id("teacher")))
        .unwrap()
        .id;
    let Msg::Written {
        wrote: app::Wrote::Team(TeamOutcome::Saved(team)),
        ..
    } = exec(&pool, remove(teacher_row)).await
    else {
        panic!("teacher not removed")
    };
    assert_eq!(team.len(), 2);
    let Msg::Written {
        wrote: app::Wrote::Team(outcome),
        ..
    } = exec(&pool, remove(teacher_row)).await
    else {
        panic!()
    };
    assert_eq!(outcome, TeamOutcome::Gone, "removed already");

    // Another counselor sees neither the intervention nor its history.
    let other = pool_as(&d.db.conninfo(), d.login("counselor_b"));
    let Msg::Loaded {
        data: Data::Intervention { detail, .. },
        ..
    } = exec(
        &other,
        Effect::Load {
            req,
            read: Read::Intervention { id: iv },
        },
    )
    .await
    else {
        panic!()
    };
    assert!(detail.is_none());
    let c = d.connect_as("counselor_b").await;
    let n: i64 = c
        .query_one(
            "SELECT count(*) FROM intervention_status_changes WHERE intervention_id = $1",
            &[&iv],
        )
        .await
        .unwrap()
        .get(0);
    assert_eq!(n, 0, "history follows the intervention's visibility");
    let c = d.connect_as("counselor_a").await;
    let steps: Vec<(Option<S>, S)> = c
        .query(
            "SELECT from_status, to_status FROM intervention_status_changes \
             WHERE intervention_id = $1 ORDER BY changed_at, id",
            &[&iv],
        )
        .await
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect();
    assert_eq!(
        steps,
        [
            (None, S::Referred),
            (Some(S::Referred), S::Planned),
            (Some(S::Planned), S::Active),
            (Some(S::Active), S::Paused),
            (Some(S::Paused), S::Active),
        ],
        "every change, from its creation on, whoever made it"
    );
    let e = c
        .execute(
            "INSERT INTO intervention_status_changes (intervention_id, to_status) \
             VALUES ($1, 'paused')",
            &[&iv],
        )
        .await
        .unwrap_err();
    assert_eq!(
        e.code().map(|c| c.code()),
        Some("42501"),
        "only the database writes the history"
    );
}

/// The schools screen's read: every school, inactive ones too (after the
/// active), whichever school the person's grants name.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_schools_read_lists_every_school_active_first() {
    let Coordinator { db, me, .. } = &Coordinator::new().await;
    let admin = db.admin().await;
    admin
        .execute(
            "UPDATE schools SET is_active = false WHERE local_id = 'A1'",
            &[],
        )
        .await
        .expect("retire Adams");
    let pool = pool_as(&db.conninfo(), me);
    let Msg::Loaded {
        data: Data::AllSchools { schools },
        ..
    } = exec(
        &pool,
        Effect::Load {
            req: app::ReqId(9),
            read: Read::AllSchools,
        },
    )
    .await
    else {
        panic!()
    };
    let rows: Vec<(&str, Option<&str>, &str, bool)> = schools
        .iter()
        .map(|s| {
            (
                s.name.as_str(),
                s.short_name.as_deref(),
                s.local_id.as_str(),
                s.is_active,
            )
        })
        .collect();
    assert_eq!(
        rows,
        vec![
            ("Burns", Some("Burns"), "B1", true),
            ("Adams", Some("Adams"), "A1", false),
        ]
    );
}
