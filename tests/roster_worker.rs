//! The roster's queries through the real worker, signed in as a
//! coordinator's login role: a superseded query is cancelled on the server,
//! and the footer counts exactly up to 10,000 matches and estimates beyond.

mod common;

use caseload::app::{self, Effect, Msg, State};
use caseload::db::tls::Tls;
use caseload::worker::Worker;
use common::roles::LoginRoles;
use common::worker::{Coordinator, drive, first_page, pool_as};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use deadpool_postgres::Pool;
use std::time::Duration;
use tokio_postgres::NoTls;

/// "Each keystroke supersedes the previous query, which is cancelled on the
/// server": a page query already running (waiting on a lock) stops on the
/// server as soon as it is superseded, while the lock is still held, and
/// never answers.
#[tokio::test]
async fn a_superseded_query_already_running_is_cancelled_on_the_server() {
    superseded_query_is_cancelled(false).await;
}

/// The same behind PgBouncer in transaction mode: the cancel request goes to
/// PgBouncer, which must pass it to the server connection running the
/// query (and to no other), and must still be there afterwards. Debian's
/// PgBouncer 1.18 dies ("disconnect_client(): bad client state: 0",
/// pgbouncer/pgbouncer#801, fixed by #846) when the client closes its
/// cancel socket before PgBouncer does, as tokio-postgres's `cancel_query`
/// does; `db::cancel` waits for PgBouncer to close it, as libpq does.
#[tokio::test]
async fn through_pgbouncer_a_superseded_query_is_cancelled_on_the_server() {
    superseded_query_is_cancelled(true).await;
}

async fn superseded_query_is_cancelled(through_pgbouncer: bool) {
    let Coordinator { db, me, .. } = &Coordinator::new().await;
    let mut admin = db.admin().await;
    let bouncer = through_pgbouncer.then(|| common::bouncer::trusting(&[me], 2));
    let conninfo = match &bouncer {
        Some(b) => common::bouncer::via(b, &db.conninfo()),
        None => db.conninfo(),
    };
    // Behind PgBouncer, caseload's own pool (it learns the enums at once).
    let pool_for = |conninfo: &str| match &bouncer {
        Some(_) => common::bouncer::pool(&LoginRoles::conninfo_as(conninfo, me)),
        None => pool_as(conninfo, me),
    };
    // The pool's own TLS settings, as the terminal builds them: cancel
    // requests go where its connections go (PgBouncer, not the server).
    let tls = Tls::for_params(
        &caseload::config::conn::resolve(Some(&conninfo), &|_| None, None).expect("conninfo"),
    )
    .expect("tls");
    let pool = pool_for(&conninfo);
    let worker = Worker::new(pool.clone(), tls.clone());
    // Another caseload of the same person, whose query must survive the
    // cancel (behind PgBouncer both share its server connections).
    let bystander = Worker::new(pool_for(&conninfo), tls);

    let lock = admin.transaction().await.expect("begin");
    lock.batch_execute("LOCK TABLE students IN ACCESS EXCLUSIVE MODE")
        .await
        .expect("lock");
    let observer = common::connect(&db.conninfo()).await;
    let waiting = async || -> Vec<i32> {
        observer
            .query(
                "SELECT pid FROM pg_stat_activity WHERE datname = current_database() \
                 AND usename = $1 AND state = 'active' AND wait_event_type = 'Lock' ORDER BY pid",
                &[&me],
            )
            .await
            .expect("pg_stat_activity")
            .iter()
            .map(|r| r.get(0))
            .collect()
    };
    let until_waiting = async |n: usize| -> Vec<i32> {
        let deadline = std::time::Instant::now() + Duration::from_secs(20);
        loop {
            let pids = waiting().await;
            if pids.len() == n {
                return pids;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "{} queries wait on the lock, not {n}",
                pids.len()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    };
    let other = tokio::spawn({
        let bystander = bystander.clone();
        async move { bystander.execute(first_page(app::ReqId(8))).await }
    });
    let bystander_pid = until_waiting(1).await[0];
    let req = app::ReqId(7);
    let running = tokio::spawn({
        let worker = worker.clone();
        async move { worker.execute(first_page(req)).await }
    });
    let pids = until_waiting(2).await;
    let pid = pids
        .into_iter()
        .find(|p| *p != bystander_pid)
        .expect("the superseded query's backend");

    assert!(worker.execute(Effect::Cancel { req }).await.is_none());
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while waiting().await.contains(&pid) {
        assert!(
            std::time::Instant::now() < deadline,
            "backend {pid} still runs the superseded query"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(
        waiting().await,
        vec![bystander_pid],
        "the cancel reached another query"
    );
    let reply = tokio::time::timeout(Duration::from_secs(20), running)
        .await
        .expect("the cancelled load returns")
        .expect("no panic");
    assert!(
        reply.is_none(),
        "a cancelled load answers nothing: {reply:?}"
    );
    lock.rollback().await.expect("rollback");

    let answer = tokio::time::timeout(Duration::from_secs(20), other)
        .await
        .expect("the bystander's load returns")
        .expect("no panic");
    assert!(
        matches!(&answer, Some(Msg::Loaded { .. })),
        "the bystander's page arrives: {answer:?}\n{}",
        bouncer.as_ref().map(|b| b.log()).unwrap_or_default()
    );

    // The cancelled query's connection goes back to the pool once the
    // cancel request has ended (it can no longer reach what the connection
    // runs next); it is not closed, so the next page needs no new
    // connection, and through PgBouncer no server connection is dropped
    // mid-answer.
    let deadline = std::time::Instant::now() + Duration::from_secs(20);
    while pool.status().available == 0 {
        assert!(
            std::time::Instant::now() < deadline,
            "the cancelled query's connection never came back: {:?}",
            pool.status()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    assert_eq!(pool.status().size, 1, "{:?}", pool.status());
    if bouncer.is_none() {
        let alive = observer
            .query_opt("SELECT 1 FROM pg_stat_activity WHERE pid = $1", &[&pid])
            .await
            .expect("pg_stat_activity")
            .is_some();
        assert!(alive, "backend {pid} was closed after its cancel");
    }
    let next = worker.execute(first_page(app::ReqId(8))).await;
    assert!(
        matches!(
            next,
            Some(Msg::Loaded {
                req: app::ReqId(8),
                ..
            })
        ),
        "the next page arrives: {next:?}"
    );
    if let Some(b) = &bouncer {
        // Still serving everyone else: someone signing in now gets an answer.
        let (fresh, connection) =
            tokio_postgres::connect(&LoginRoles::conninfo_as(&conninfo, me), NoTls)
                .await
                .unwrap_or_else(|e| panic!("PgBouncer gone after a cancel: {e}\n{}", b.log()));
        tokio::spawn(connection);
        fresh
            .simple_query("SELECT 1")
            .await
            .unwrap_or_else(|e| panic!("PgBouncer gone after a cancel: {e}\n{}", b.log()));
        let log = b.log();
        for bad in [
            "bad client state",
            "when not linked",
            "client disconnect while server was not ready",
        ] {
            assert!(!log.contains(bad), "{bad}:\n{log}");
        }
    }
    pool.close();
}

/// "The footer counts matches exactly up to 10,000 and shows the planner's
/// estimate ("~N") beyond": 10,000 students the coordinator sees are
/// counted, one more and the footer shows an estimate, never below 10,001.
#[tokio::test]
async fn the_footer_counts_exactly_to_10000_and_estimates_beyond() {
    let Coordinator {
        db, me, fixture, ..
    } = &Coordinator::new().await;
    let admin = db.admin().await;
    let add = async |n: i32, prefix: &str| {
        admin
            .execute(
                "INSERT INTO students (school_id, local_id, first_name, last_name, grade_level) \
                 SELECT $1, $3 || g, 'Zed', 'Zulu', '03' FROM generate_series(1, $2::int) g",
                &[&fixture.school_a, &n, &prefix],
            )
            .await
            .expect("students");
        admin
            .batch_execute("ANALYZE students")
            .await
            .expect("analyze");
    };
    let footer = async |pool: &Pool| -> String {
        let mut s = State::new(app::Options::default());
        drive(
            &mut s,
            pool,
            Msg::Resize {
                width: 80,
                height: 24,
            },
        )
        .await;
        drive(&mut s, pool, Msg::Start).await;
        drive(
            &mut s,
            pool,
            Msg::Key(KeyEvent::new(KeyCode::Char('r'), KeyModifiers::NONE)),
        )
        .await;
        let mut t = ratatui::Terminal::new(ratatui::backend::TestBackend::new(80, 24)).unwrap();
        t.draw(|f| caseload::ui::render(f, &s, &caseload::ui::theme::Theme::new(true)))
            .unwrap();
        // The roster's footer, wherever the frame puts it.
        let buf = t.backend().buffer();
        (0..24)
            .map(|y| (0..80).map(|x| buf[(x, y)].symbol()).collect::<String>())
            .find(|row| row.starts_with("row "))
            .unwrap_or_default()
    };
    let pool = pool_as(&db.conninfo(), me);

    // 250 in school A already.
    add(9_750, "X").await;
    let exact = footer(&pool).await;
    assert!(exact.starts_with("row 1 of 10000 · "), "{exact}");

    add(1, "Y").await;
    let estimated = footer(&pool).await;
    let n: u64 = estimated
        .strip_prefix("row 1 of ~")
        .and_then(|rest| rest.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no estimate in {estimated:?}"));
    assert!(n >= 10_001, "{estimated}");
    pool.close();
}
