//! The change notices of 0034 attacked as an ordinary counselor with psql
//! would: NOTIFY bypasses row-level security, so what a listener hears must
//! never be more than a table, ids and versions; the trigger function must
//! not be redirected through the writer's temp objects; a bulk statement
//! must say so once; and nobody but the owner may change the triggers.

mod common;

use caseload::config::{ConnParams, conn};
use caseload::demo::seed::{DEMO_COORDINATOR, DEMO_COUNSELOR};
use caseload::domain::live::{CHANNEL, Changes, Table};
use common::TestDb;
use std::time::Duration;
use tokio::sync::mpsc::UnboundedReceiver;
use tokio_postgres::{Client, Notification};
use uuid::Uuid;

static DEMO_LOGIN: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

struct Fixture {
    _db: TestDb,
    admin: Client,
    counselor: Client,
    counselor_params: ConnParams,
    coordinator_params: ConnParams,
}

fn params(conninfo: &str) -> ConnParams {
    conn::resolve(Some(conninfo), &|_| None, None).expect("conninfo")
}

async fn fixture() -> Fixture {
    let (db, admin) = TestDb::seeded(120, 18, common::today()).await;
    let _one = DEMO_LOGIN.lock().await;
    let (counselor, _) = db
        .demo_login(&admin, DEMO_COUNSELOR, "caseload_counselor")
        .await;
    let (coordinator, _) = db
        .demo_login(&admin, DEMO_COORDINATOR, "caseload_coordinator")
        .await;
    Fixture {
        counselor: common::connect(&counselor).await,
        counselor_params: params(&counselor),
        coordinator_params: params(&coordinator),
        admin,
        _db: db,
    }
}

/// A LISTENing connection as `p`.
async fn listen(p: &ConnParams) -> (Client, UnboundedReceiver<Notification>) {
    let (c, rx) = caseload::db::pool::connect_listening(p)
        .await
        .expect("listening connection");
    c.batch_execute(&format!("LISTEN {CHANNEL}"))
        .await
        .expect("LISTEN");
    (c, rx)
}

/// Everything heard until nothing more comes for half a second.
async fn heard(rx: &mut UnboundedReceiver<Notification>) -> Vec<String> {
    let mut out = Vec::new();
    while let Ok(Some(n)) = tokio::time::timeout(Duration::from_millis(500), rx.recv()).await {
        out.push(n.payload().to_string());
    }
    out
}

/// One of the counselor's own active interventions (they may edit it).
async fn own_intervention(f: &Fixture) -> Uuid {
    f.counselor
        .query_one(
            "SELECT i.id FROM interventions i JOIN users u ON u.id = i.owner_id \
             WHERE u.username = $1 AND i.status = 'active' ORDER BY i.id LIMIT 1",
            &[&DEMO_COUNSELOR],
        )
        .await
        .expect("an intervention of the counselor's")
        .get(0)
}

#[tokio::test]
async fn a_listener_hears_ids_and_versions_never_names_or_notes() {
    let f = fixture().await;
    // The coordinator listens; a student they may not even see is renamed
    // by the admin, and the counselor writes a session note.
    let (_c, mut rx) = listen(&f.coordinator_params).await;
    let student: Uuid = f
        .admin
        .query_one("SELECT id FROM students ORDER BY id LIMIT 1", &[])
        .await
        .unwrap()
        .get(0);
    f.admin
        .execute(
            "UPDATE students SET last_name = 'Zebediahsecret', preferred_name = 'Quillon' WHERE id = $1",
            &[&student],
        )
        .await
        .unwrap();
    let iv = own_intervention(&f).await;
    f.counselor
        .execute(
            "UPDATE interventions SET concern = 'Talks of Marmaduke at home' WHERE id = $1",
            &[&iv],
        )
        .await
        .expect("the counselor edits their own intervention");
    let payloads = heard(&mut rx).await;
    assert_eq!(payloads.len(), 2, "{payloads:?}");
    for p in &payloads {
        for secret in ["Zebediah", "Quillon", "Marmaduke", "concern"] {
            assert!(!p.contains(secret), "{secret} in {p}");
        }
        let v: serde_json::Value = serde_json::from_str(p).expect("json");
        let keys: Vec<&str> = v.as_object().unwrap().keys().map(String::as_str).collect();
        assert_eq!(keys, ["n", "op", "rows", "t"], "{p}");
        for row in v["rows"].as_array().unwrap() {
            for k in row.as_object().unwrap().keys() {
                assert!(["id", "v", "iv"].contains(&k.as_str()), "{k} in {p}");
            }
        }
    }
    let mut c = Changes::default();
    for p in &payloads {
        assert!(c.add_payload(p), "{p}");
    }
    assert!(c.rows.contains(&(Table::Students, student)));
    assert!(c.touches_intervention(iv));
}

#[tokio::test]
async fn a_bulk_statement_is_one_notice_without_ids() {
    let f = fixture().await;
    let (_c, mut rx) = listen(&f.counselor_params).await;
    let n = f
        .admin
        .execute("UPDATE students SET preferred_name = preferred_name", &[])
        .await
        .unwrap();
    assert!(n > 20);
    // A 10,000-statement transaction: the notices reach listeners at
    // commit; payloads repeated within it (same row, same version) are
    // sent once.
    f.admin
        .batch_execute(
            "BEGIN; \
             DO $$ BEGIN FOR i IN 1..10000 LOOP \
               PERFORM pg_catalog.pg_notify('caseload_changes', \
                 '{\"t\":\"students\",\"op\":\"U\",\"n\":0,\"rows\":null}'); \
             END LOOP; END $$; COMMIT;",
        )
        .await
        .unwrap();
    let payloads = heard(&mut rx).await;
    assert_eq!(payloads.len(), 2, "{payloads:?}");
    let v: serde_json::Value = serde_json::from_str(&payloads[0]).unwrap();
    assert_eq!(v["t"], "students");
    assert_eq!(v["n"].as_i64(), Some(n as i64));
    assert!(v["rows"].is_null(), "no ids past 20 rows: {}", payloads[0]);
}

#[tokio::test]
async fn temp_objects_of_the_writer_do_not_redirect_the_trigger() {
    let f = fixture().await;
    let (_c, mut rx) = listen(&f.coordinator_params).await;
    let iv = own_intervention(&f).await;
    // A counselor's session tries to shadow what the trigger calls and
    // reads; logins create nothing (no TEMP on caseload's databases), so
    // each is refused, and an odd search_path changes nothing either.
    for sql in [
        "CREATE TEMP TABLE changed (id uuid, version int)",
        "CREATE FUNCTION pg_temp.pg_notify(text, text) RETURNS void \
           LANGUAGE sql AS 'SELECT NULL::void'",
        "CREATE FUNCTION pg_temp.to_jsonb(anyelement) RETURNS jsonb \
           LANGUAGE sql AS $$ SELECT '{}'::jsonb $$",
        "CREATE FUNCTION public.pg_notify(text, text) RETURNS void \
           LANGUAGE sql AS 'SELECT NULL::void'",
    ] {
        let e = f.counselor.batch_execute(sql).await.expect_err(sql);
        assert_eq!(e.code().map(|c| c.code()), Some("42501"), "{sql}");
    }
    f.counselor
        .batch_execute("SET search_path = pg_temp, public, pg_catalog")
        .await
        .unwrap();
    f.counselor
        .execute(
            "UPDATE public.interventions SET concern = concern WHERE id = $1",
            &[&iv],
        )
        .await
        .expect("update");
    let payloads = heard(&mut rx).await;
    assert_eq!(payloads.len(), 1, "the real pg_notify ran: {payloads:?}");
    let mut c = Changes::default();
    assert!(c.add_payload(&payloads[0]));
    assert!(
        c.rows.contains(&(Table::Interventions, iv)),
        "the real rows, not the temp table's: {}",
        payloads[0]
    );
}

#[tokio::test]
async fn a_counselor_cannot_change_or_silence_the_notices() {
    let f = fixture().await;
    for (sql, want) in [
        (
            "DROP TRIGGER interventions_notify_update ON interventions",
            "42501",
        ),
        (
            "ALTER TABLE interventions DISABLE TRIGGER interventions_notify_update",
            "42501",
        ),
        (
            "CREATE OR REPLACE FUNCTION caseload_notify_changes() RETURNS trigger \
             LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$",
            "42501",
        ),
        (
            "ALTER FUNCTION caseload_notify_changes() RESET search_path",
            "42501",
        ),
        ("SELECT caseload_notify_changes()", "42501"),
    ] {
        let e = f.counselor.batch_execute(sql).await.expect_err(sql);
        assert_eq!(
            e.code().map(|c| c.code()),
            Some(want),
            "{sql}: {}",
            common::db_message(&e)
        );
    }
}

#[tokio::test]
async fn a_forged_notice_is_only_a_hint() {
    let f = fixture().await;
    let (_c, mut rx) = listen(&f.coordinator_params).await;
    // Anyone may NOTIFY the channel: these reach every listener.
    f.counselor
        .batch_execute(
            "NOTIFY caseload_changes, 'rm -rf /'; \
             SELECT pg_notify('caseload_changes', '{\"t\":\"students\",\"rows\":\"\u{1b}[2J\"}'); \
             SELECT pg_notify('caseload_changes', '{\"t\":\"pg_authid\",\"rows\":null}');",
        )
        .await
        .unwrap();
    let payloads = heard(&mut rx).await;
    assert_eq!(payloads.len(), 3);
    let mut c = Changes::default();
    for p in &payloads {
        assert!(!c.add_payload(p), "{p} taken");
    }
    assert!(c.is_empty(), "nothing is refetched for them");
}
