//! A wrong password re-prompts, against a server that really checks
//! passwords. The shared test server trusts 127.0.0.1 and its socket, so
//! this test starts a private cluster of its own (scram-sha-256, Unix socket
//! only, in a temporary directory) and stops it when it ends.

mod common;

use caseload::app::{Conn, Effect, Msg, State, update};
use caseload::app::{Data, Read};
use caseload::config::keyring::{MemoryKeyring, SecretStore};
use caseload::config::{DatabaseConfig, Password, conn};
use caseload::db::tls::Tls;
use caseload::db::{migrate, pool};
use caseload::worker::{Credentials, Worker};
use common::scram::{ScramCluster, superuser};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::sync::Arc;

fn key(code: KeyCode, mods: KeyModifiers) -> Msg {
    Msg::Key(KeyEvent::new(code, mods))
}

fn typed(state: &mut State, text: &str) {
    for c in text.chars() {
        assert!(update(state, key(KeyCode::Char(c), KeyModifiers::NONE)).is_empty());
    }
}

/// The one Effect `msg` leads to, run on the worker, and its reply.
async fn through(state: &mut State, worker: &Worker, msg: Msg) -> Msg {
    // Reading local drafts at start is not about signing in.
    let fx: Vec<Effect> = update(state, msg)
        .into_iter()
        .filter(|e| !matches!(e, Effect::LoadDrafts { .. }))
        .collect();
    let [effect] = fx.as_slice() else {
        panic!("expected one effect: {fx:?}")
    };
    worker.execute(effect.clone()).await.expect("a reply")
}

fn expect_auth_required(msg: &Msg, stored: bool, reason_has: &str) {
    let Msg::AuthRequired {
        reason,
        stored_secret_failed,
        target,
        ..
    } = msg
    else {
        panic!("expected AuthRequired, got {msg:?}")
    };
    assert_eq!(*stored_secret_failed, stored, "{reason}");
    assert!(
        reason.contains(reason_has),
        "{reason:?} lacks {reason_has:?}"
    );
    assert!(target.ends_with(":5432/caseload_auth"), "{target}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_password_prompts_again_and_the_right_one_signs_in() {
    let cluster = ScramCluster::start();
    let admin = superuser(&cluster, "postgres").await;
    admin
        .batch_execute("CREATE DATABASE caseload_auth")
        .await
        .unwrap();
    let mut db = superuser(&cluster, "caseload_auth").await;
    migrate::run(&mut db, &migrate::embedded())
        .await
        .expect("migrate");
    db.batch_execute(
        "CREATE ROLE pat LOGIN PASSWORD 'right horse battery' IN ROLE caseload_coordinator",
    )
    .await
    .unwrap();

    let params = conn::resolve(
        Some(&cluster.conninfo("pat", "caseload_auth")),
        &|_| None,
        None,
    )
    .unwrap();
    assert!(params.password.is_none());
    let store = Arc::new(MemoryKeyring::default());
    let account = params.keyring_account();
    store.set(&account, &Password::new("stale")).unwrap();
    let creds = Credentials {
        params: params.clone(),
        db: DatabaseConfig::default(),
        store: store.clone(),
    };
    let tls = Tls::for_params(&params).unwrap();
    let pool = pool::build_pool_with_tls(&params, &creds.db, &tls).unwrap();
    let worker = Worker::new(pool, tls).with_credentials(creds.clone());
    let mut s = State::new(caseload::app::Options::default());

    // The keyring's password is tried once, rejected, and not retried.
    let reply = through(&mut s, &worker, Msg::Start).await;
    expect_auth_required(
        &reply,
        true,
        "password authentication failed for user \"pat\"",
    );
    assert!(format!("{reply:?}").contains("(password from keyring)"));
    assert!(update(&mut s, reply).is_empty());
    assert!(s.auth.as_ref().unwrap().offer_forget);

    // Ctrl-F asks first, like every confirmation; y forgets.
    let ctrl = KeyModifiers::CONTROL;
    assert!(update(&mut s, key(KeyCode::Char('f'), ctrl)).is_empty());
    let reply = through(&mut s, &worker, key(KeyCode::Char('y'), KeyModifiers::NONE)).await;
    assert!(
        matches!(&reply, Msg::KeyringDone { result: Ok(t) } if t.starts_with("forgot")),
        "{reply:?}"
    );
    update(&mut s, reply);
    assert_eq!(store.get(&account).unwrap(), None);

    // Three wrong passwords in a row: each prompts again with the server's reason.
    for _ in 0..3 {
        typed(&mut s, "wrong");
        let reply = through(&mut s, &worker, key(KeyCode::Enter, KeyModifiers::NONE)).await;
        expect_auth_required(&reply, false, "password authentication failed");
        update(&mut s, reply);
        assert!(s.auth.is_some());
    }

    // Cancelled, then retried: the rejected password is not sent again.
    update(&mut s, key(KeyCode::Esc, KeyModifiers::NONE));
    let reply = through(&mut s, &worker, key(KeyCode::Char('r'), KeyModifiers::NONE)).await;
    expect_auth_required(&reply, false, "the server asks for a password");
    update(&mut s, reply);

    typed(&mut s, "right horse battery");
    update(&mut s, key(KeyCode::Char('r'), ctrl));
    let reply = through(&mut s, &worker, key(KeyCode::Enter, KeyModifiers::NONE)).await;
    let Msg::Authenticated {
        whoami,
        keyring: Some(Ok(saved)),
        ..
    } = &reply
    else {
        panic!("{reply:?}")
    };
    assert_eq!(whoami.login_role, "pat");
    assert!(saved.contains("saved in the keyring"), "{saved}");
    let fx = update(&mut s, reply);
    assert!(matches!(s.conn, Conn::Connected(_)) && s.auth.is_none());
    assert!(
        matches!(
            fx.as_slice(),
            [Effect::Load {
                read: Read::Menu,
                ..
            }]
        ),
        "{fx:?}"
    );
    assert_eq!(
        store.get(&account).unwrap().as_ref().map(Password::expose),
        Some("right horse battery")
    );
    let menu = worker.execute(fx[0].clone()).await.expect("menu");
    assert!(
        matches!(
            menu,
            Msg::Loaded {
                data: Data::Menu { .. },
                ..
            }
        ),
        "the new pool serves queries: {menu:?}"
    );

    // Next session: the remembered password comes from the keyring.
    let tls = Tls::for_params(&params).unwrap();
    let pool = pool::build_pool_with_tls(&params, &creds.db, &tls).unwrap();
    let worker = Worker::new(pool, tls).with_credentials(creds);
    let mut s = State::new(caseload::app::Options::default());
    let reply = through(&mut s, &worker, Msg::Start).await;
    assert!(matches!(reply, Msg::Connected { .. }), "{reply:?}");
}

/// A connection that opens but cannot be set up (here: a database without
/// the public schema, where learning caseload's types fails) showed
/// "connection setup failed: db error" on the status line: tokio-postgres's
/// words for any server error. The server's own words show instead.
#[tokio::test]
async fn a_failed_connection_setup_shows_the_servers_words() {
    let db = common::TestDb::empty().await;
    db.admin()
        .await
        .batch_execute("DROP SCHEMA public CASCADE")
        .await
        .expect("drop public");
    let params = conn::resolve(Some(&db.conninfo()), &|_| None, None).expect("conninfo");
    let pool = pool::build_pool(&params, &DatabaseConfig::default()).expect("pool");
    let err = pool.get().await.expect_err("setup fails without public");
    let shown = caseload::worker::describe_pool_error(&err);
    assert!(
        shown.contains("schema \"public\" does not exist"),
        "the status line says: {shown}"
    );
    assert!(!shown.contains("db error"), "{shown}");
    let logged = pool::describe_get_error(&err, &pool, &params);
    assert!(
        logged.contains("schema \"public\" does not exist"),
        "the log says: {logged}"
    );
}
