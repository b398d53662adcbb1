//! Saving a session refreshes the lists of its own intervention only
//! (intervention_list, its restricted side, intervention_urgency), reached
//! through their indexes. The refreshes were once planned without knowing
//! which intervention they were for and read every intervention and every
//! session: 8.5 s a save on a 500,000-student district. Sequential scans
//! are switched off for the transaction, so any plan that still reads a
//! whole table shows in the transaction's scan counters whatever the size
//! of the test's district.

mod common;

use common::TestDb;
use std::collections::BTreeMap;
use uuid::Uuid;

const TABLES: [&str; 5] = [
    "interventions",
    "intervention_sessions",
    "intervention_list",
    "intervention_list_restricted",
    "intervention_urgency",
];

async fn seq_scans(c: &impl tokio_postgres::GenericClient) -> BTreeMap<String, i64> {
    c.query(
        "SELECT relname::text, seq_scan FROM pg_stat_xact_user_tables WHERE relname = ANY ($1)",
        &[&TABLES.to_vec()],
    )
    .await
    .expect("scan counters")
    .iter()
    .map(|r| (r.get(0), r.get(1)))
    .collect()
}

#[tokio::test]
async fn a_saved_session_refreshes_its_intervention_without_reading_every_row() {
    let today = common::pin_today();
    let (_db, mut admin) = TestDb::seeded(200, 39, today).await;
    let iv: Uuid = admin
        .query_one(
            "SELECT id FROM interventions WHERE status = 'active' ORDER BY id LIMIT 1",
            &[],
        )
        .await
        .expect("an active intervention")
        .get(0);
    for restricted in [false, true] {
        let tx = admin.transaction().await.expect("begin");
        tx.batch_execute("SET LOCAL enable_seqscan = off")
            .await
            .expect("set");
        let before = seq_scans(&tx).await;
        tx.execute(
            "INSERT INTO intervention_sessions \
               (id, intervention_id, session_date, minutes, attendance, is_restricted) \
             VALUES ($1, $2, $3, 30, 'present', $4)",
            &[&Uuid::new_v4(), &iv, &today, &restricted],
        )
        .await
        .expect("a session");
        let after = seq_scans(&tx).await;
        let read_whole: Vec<_> = TABLES
            .iter()
            .filter(|t| {
                after.get(**t).copied().unwrap_or(0) > before.get(**t).copied().unwrap_or(0)
            })
            .collect();
        assert!(
            read_whole.is_empty(),
            "saving a session (restricted: {restricted}) read these tables whole: {read_whole:?}"
        );
        let listed: i64 = tx
            .query_one(
                "SELECT count(*) FROM intervention_list WHERE intervention_id = $1 \
                 AND last_session = $2",
                &[&iv, &today],
            )
            .await
            .expect("list row")
            .get(0);
        assert_eq!(
            listed,
            i64::from(!restricted),
            "the list shows the saved session's date (a restricted one only on its side table)"
        );
        tx.rollback().await.expect("rollback");
    }
}
