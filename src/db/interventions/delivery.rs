//! What was delivered: the counts `domain::fidelity` judges, for one
//! intervention or many.

use crate::db::unnamed::Unnamed;
use crate::domain::fidelity::Delivery;
use crate::domain::intervention::DeliveryRow;
use chrono::NaiveDate;
use tokio_postgres::{GenericClient, Row};
use uuid::Uuid;

/// Joins `d.sessions` and `d.minutes` delivered to the intervention `i`, with
/// today in $2 (so every query that uses it keeps today there).
macro_rules! delivered_lateral {
    () => {
        "CROSS JOIN LATERAL ( \
           SELECT count(*) AS sessions, COALESCE(sum(se.minutes), 0) AS minutes \
           FROM intervention_sessions se \
           WHERE se.intervention_id = i.id AND se.attendance = 'present' \
             AND se.session_date >= i.start_date \
             AND se.session_date <= LEAST($2::date, i.ended_at::date, i.planned_end_date)) d"
    };
}
pub(crate) use delivered_lateral;

/// $1 uuid[], $2 today. Sessions with the student present between the start
/// and the earliest of today, the end and the planned end: the window of
/// `domain::fidelity::window`.
pub(crate) const DELIVERY_SQL: &str = concat!(
    "SELECT i.id, i.start_date, i.planned_end_date, i.ended_at::date, i.sessions_per_week, \
       i.minutes_per_session, d.sessions, d.minutes FROM interventions i ",
    delivered_lateral!(),
    " WHERE i.id = ANY ($1)"
);

pub(crate) fn delivery_row(r: &Row) -> DeliveryRow {
    DeliveryRow {
        intervention_id: r.get(0),
        delivery: Delivery {
            start_date: r.get(1),
            planned_end_date: r.get(2),
            ended_on: r.get(3),
            sessions_per_week: r.get(4),
            minutes_per_session: r.get(5),
            sessions_delivered: r.get(6),
            minutes_delivered: r.get(7),
        },
    }
}

/// Delivery counts for the given interventions (those that exist and are
/// visible), in no particular order.
pub async fn delivery_counts(
    client: &(impl GenericClient + Sync),
    ids: &[Uuid],
    today: NaiveDate,
) -> Result<Vec<DeliveryRow>, tokio_postgres::Error> {
    Ok(client
        .fetch(DELIVERY_SQL, &[&ids, &today])
        .await?
        .iter()
        .map(delivery_row)
        .collect())
}
