//! `caseload soak` through PgBouncer: a few people at once, through a
//! private PgBouncer allowed two server connections, lose no save and
//! never hold more than the two.

mod common;

use caseload::config::DatabaseConfig;
use caseload::config::conn::resolve;
use caseload::soak::{self, Options};
use common::TestDb;
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn through_pgbouncer_five_people_share_two_server_connections_and_lose_no_save() {
    let today = common::pin_today();
    let (db, admin) = TestDb::seeded(400, 1919, today).await;
    // The soak samples the server's backends; the seeding connection is not
    // one of the people's.
    drop(admin);
    let params = resolve(Some(&db.conninfo()), &|_| None, None).expect("conninfo");
    let scratch = tempfile::tempdir().expect("scratch");
    let report = soak::run(Options {
        clients: 5,
        duration: Duration::from_secs(8),
        think: Duration::from_millis(250),
        ramp: None,
        target: params.clone(),
        admin: params,
        database: DatabaseConfig::default(),
        scratch: scratch.path().to_path_buf(),
        pgbouncer: Some(2),
    })
    .await
    .expect("soak");
    let printed = soak::format(&report);
    assert_eq!(report.signed_in, 5, "everyone signs in:\n{printed}");
    assert!(
        report.tally.actions() >= 10,
        "the people got things done:\n{printed}"
    );
    assert!(
        report.tally.errors.is_empty(),
        "nobody was told of an error:\n{printed}"
    );
    assert!(
        !soak::lost_any(&report),
        "no save lost or doubled:\n{printed}"
    );
    let saves = report
        .sessions
        .as_ref()
        .expect("sessions checked")
        .acknowledged
        + report
            .contacts
            .as_ref()
            .expect("contacts checked")
            .acknowledged;
    assert!(saves > 0, "sessions or contacts were saved:\n{printed}");
    assert!(
        (1..=2).contains(&report.server.connections),
        "PgBouncer held at most its two server connections:\n{printed}"
    );
    let pooler = report.pooler.as_ref().expect("went through PgBouncer");
    assert!(
        pooler.problems.is_empty(),
        "PgBouncer's log is clean:\n{printed}"
    );
    assert!(
        printed.contains("at most 2 server connections"),
        "{printed}"
    );
}
